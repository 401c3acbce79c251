#!/usr/bin/env node
// A Credo-ts 0.5.19 mediator for the test suite, on 127.0.0.1 only.
//
//   node mediator.js --data-dir DIR [--port N] [--label TEXT]
//                    [--forwarding queue-and-live|queue-only] [--requeue-unacked]
//                    [--pickup both|v1|v2]
//
// - Grants every mediation request (RFC 0211), answers Message Pickup 1.0 and 2.0 (only one
//   of them with `--pickup v1` or `--pickup v2`; the other is then an unsupported message type,
//   answered with a problem report).
// - Forwarding: QueueAndLiveModeDelivery by default, QueueOnly with `--forwarding queue-only`
//   (or CREDO_MEDIATOR_FORWARDING=queue-only).
// - HTTP and WebSocket inbound share one port (0 = a free port chosen by the OS); both
//   `http://127.0.0.1:<port>` and `ws://127.0.0.1:<port>` are advertised.
// - Askar SQLite wallet under DIR (its raw key is kept in DIR/wallet-key, so a restart with
//   the same DIR keeps connections and mediation records; the message queue is in memory, as
//   in stock Credo, and is lost on restart).
// - Once ready it prints ONE JSON line on stdout:
//   {"ready": true, "invitation_url": ..., "http_port": p, "ws_port": p, ...}
//   Nothing else is ever written to stdout. Everything else goes to stderr: Credo's own log
//   lines (level from CREDO_LOG_LEVEL, default warn) as text, and one JSON object per line for
//   what the mediator did ("event": inbound, outbound, connection, mediation, live_session,
//   queued, taken, removed, requeued, ...), with message types and counts, never contents.
// - SIGTERM or SIGINT: shuts the agent down and exits 0. An exception Credo leaves uncaught
//   (e.g. a send on a socket that just died) is logged as an "uncaught" event, not fatal.
//
// `--requeue-unacked` (or CREDO_MEDIATOR_REQUEUE_UNACKED=1) is NOT stock Credo behaviour: stock
// Credo 0.5.19 marks messages it delivered through pickup 2.0 as "sending" and never offers them
// again unless the recipient acknowledges them (messages-received). With this option, when a
// WebSocket session of a connection closes, its unacknowledged messages go back to "pending".
'use strict'

const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')

const { event, failFor, useNativeAskar, walletKey } = require('./common')

// Keep stdout for the one ready line: anything a library prints goes to stderr.
console.log = console.error
console.info = console.error

const fail = failFor('credo-mediator')

useNativeAskar(fail)

let credo, credoNode, credoAskar, askarNodeJS, WebSocketServer
try {
  credo = require('@credo-ts/core')
  credoNode = require('@credo-ts/node')
  credoAskar = require('@credo-ts/askar')
  ;({ askarNodeJS } = require('@openwallet-foundation/askar-nodejs'))
  ;({ WebSocketServer } = require('ws'))
  askarNodeJS.version() // loads the native library through ffi now, not on first use
} catch (error) {
  fail(`cannot load Credo (${error.message}): run scripts/setup-credo.sh`)
}

const {
  Agent,
  AgentEventTypes,
  BaseLogger,
  ConnectionEventTypes,
  ConnectionsModule,
  HandshakeProtocol,
  HttpOutboundTransport,
  InjectionSymbols,
  InMemoryMessagePickupRepository,
  KeyDerivationMethod,
  LogLevel,
  MediatorModule,
  MessagePickupEventTypes,
  MessagePickupModule,
  RoutingEventTypes,
  TransportEventTypes,
  TypedArrayEncoder,
  V1MessagePickupProtocol,
  V2MessagePickupProtocol,
  WsOutboundTransport,
} = credo
const { HttpInboundTransport, WsInboundTransport, agentDependencies } = credoNode
const NodeFileSystem = agentDependencies.FileSystem
const { AskarModule } = credoAskar

// MessageForwardingStrategy is not exported by @credo-ts/core 0.5.19; its values are these strings.
const FORWARDING = { 'queue-and-live': 'QueueAndLiveModeDelivery', 'queue-only': 'QueueOnly' }

function parseArgs(argv) {
  const options = {
    dataDir: undefined,
    port: 0,
    label: 'Credo Mediator',
    forwarding: process.env.CREDO_MEDIATOR_FORWARDING || 'queue-and-live',
    requeueUnacked: ['1', 'true', 'yes'].includes(process.env.CREDO_MEDIATOR_REQUEUE_UNACKED || ''),
    pickup: 'both',
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`)
      return argv[++i]
    }
    if (arg === '--data-dir') options.dataDir = value()
    else if (arg === '--port') options.port = Number(value())
    else if (arg === '--label') options.label = value()
    else if (arg === '--forwarding') options.forwarding = value()
    else if (arg === '--queue-only') options.forwarding = 'queue-only'
    else if (arg === '--requeue-unacked') options.requeueUnacked = true
    else if (arg === '--pickup') options.pickup = value()
    else fail(`unknown argument ${arg}`)
  }
  if (!options.dataDir) fail('--data-dir DIR is required')
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    fail(`--port must be a port number, got ${options.port}`)
  }
  if (!(options.forwarding in FORWARDING)) {
    fail(`--forwarding must be one of ${Object.keys(FORWARDING).join(', ')}`)
  }
  if (!['both', 'v1', 'v2'].includes(options.pickup)) fail('--pickup must be one of both, v1, v2')
  options.dataDir = path.resolve(options.dataDir)
  return options
}

/** One JSON object per line on stderr: what happened, never message contents. */

/** Credo's own log lines, as text on stderr. */
class StderrLogger extends BaseLogger {
  log(level, message, data) {
    if (!this.isEnabled(level)) return
    // Credo warns at every start that default modules we never use are experimental.
    if (level === LogLevel.warn && / module is experimental /.test(message)) return
    let extra = ''
    if (data && Object.keys(data).length) {
      try {
        const { error, ...rest } = data
        extra = ' ' + JSON.stringify(rest) + (error ? ` error=${error.message || error}` : '')
      } catch {
        extra = ''
      }
    }
    process.stderr.write(`credo ${LogLevel[level]}: ${message}${extra}\n`)
  }
  test(m, d) { this.log(LogLevel.test, m, d) }
  trace(m, d) { this.log(LogLevel.trace, m, d) }
  debug(m, d) { this.log(LogLevel.debug, m, d) }
  info(m, d) { this.log(LogLevel.info, m, d) }
  warn(m, d) { this.log(LogLevel.warn, m, d) }
  error(m, d) { this.log(LogLevel.error, m, d) }
  fatal(m, d) { this.log(LogLevel.fatal, m, d) }
}

/**
 * Stock Credo's in-memory pickup queue, with a stderr event for each change and its counts.
 * The queue semantics are Credo's own (InMemoryMessagePickupRepository); `requeue` is the
 * opt-in described at the top of this file.
 */
class CountingPickupRepository {
  constructor(logger) {
    this.inner = new InMemoryMessagePickupRepository(logger)
  }
  pending(connectionId) {
    return this.inner.getAvailableMessageCount({ connectionId })
  }
  getAvailableMessageCount(options) {
    return this.inner.getAvailableMessageCount(options)
  }
  takeFromQueue(options) {
    const messages = this.inner.takeFromQueue(options)
    if (messages.length) {
      event('taken', {
        connection_id: options.connectionId,
        count: messages.length,
        deleted: Boolean(options.deleteMessages),
        pending: this.pending(options.connectionId),
      })
    }
    return messages
  }
  addMessage(options) {
    const id = this.inner.addMessage(options)
    event('queued', { connection_id: options.connectionId, pending: this.pending(options.connectionId) })
    return id
  }
  removeMessages(options) {
    const before = this.inner.messages.length
    this.inner.removeMessages(options)
    event('removed', {
      connection_id: options.connectionId,
      count: before - this.inner.messages.length,
      pending: this.pending(options.connectionId),
    })
  }
  requeue(connectionId) {
    let count = 0
    for (const message of this.inner.messages) {
      if (message.connectionId === connectionId && message.state === 'sending') {
        message.state = 'pending'
        count += 1
      }
    }
    if (count) event('requeued', { connection_id: connectionId, count, pending: this.pending(connectionId) })
  }
}

/** The raw Askar key of this data dir: made once, kept beside the wallet (tests only). */

/** An HTTP server on 127.0.0.1 that Credo's HTTP and WS inbound transports both use. */
async function listen(app, port) {
  const server = http.createServer(app)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  return server
}

function subscribeEvents(agent, repository, requeueUnacked) {
  const on = (type, handler) => agent.events.on(type, (e) => {
    try {
      handler(e.payload)
    } catch (error) {
      event('log_error', { message: String(error && error.message) })
    }
  })
  on(AgentEventTypes.AgentMessageProcessed, ({ message, connection }) =>
    event('inbound', { type: message.type, connection_id: connection ? connection.id : null })
  )
  on(AgentEventTypes.AgentMessageSent, ({ message, status }) =>
    event('outbound', {
      type: message.message.type,
      connection_id: message.connection ? message.connection.id : null,
      status,
    })
  )
  on(ConnectionEventTypes.ConnectionStateChanged, ({ connectionRecord }) =>
    event('connection', {
      connection_id: connectionRecord.id,
      state: connectionRecord.state,
      their_label: connectionRecord.theirLabel || null,
    })
  )
  on(RoutingEventTypes.MediationStateChanged, ({ mediationRecord }) =>
    event('mediation', { connection_id: mediationRecord.connectionId, state: mediationRecord.state })
  )
  for (const [type, state] of [
    [MessagePickupEventTypes.LiveSessionSaved, 'saved'],
    [MessagePickupEventTypes.LiveSessionRemoved, 'removed'],
  ]) {
    on(type, ({ session }) =>
      event('live_session', {
        connection_id: session.connectionId,
        protocol_version: session.protocolVersion,
        state,
      })
    )
  }
  on(TransportEventTypes.TransportSessionRemoved, ({ session }) => {
    if (session.type !== 'WebSocket') return
    event('ws_session_closed', { connection_id: session.connectionId || null })
    if (requeueUnacked && session.connectionId) repository.requeue(session.connectionId)
  })
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })
  const logLevel = LogLevel[process.env.CREDO_LOG_LEVEL || 'warn']
  const logger = new StderrLogger(logLevel === undefined ? LogLevel.warn : logLevel)

  const express = require('express')
  const app = express()
  const server = await listen(app, options.port)
  const port = server.address().port
  // HttpInboundTransport calls app.listen(port) itself, which would bind every interface:
  // hand it the server already listening on 127.0.0.1 instead.
  app.listen = () => server
  const socketServer = new WebSocketServer({ server })
  const endpoints = [`http://127.0.0.1:${port}`, `ws://127.0.0.1:${port}`]

  const dataDir = options.dataDir
  class DataDirFileSystem extends NodeFileSystem {
    constructor() {
      super({ baseDataPath: dataDir, baseCachePath: dataDir, baseTempPath: dataDir })
    }
  }

  const repository = new CountingPickupRepository(logger)
  const agent = new Agent({
    config: {
      label: options.label,
      endpoints,
      logger,
      walletConfig: {
        id: 'credo-mediator',
        key: walletKey(dataDir, TypedArrayEncoder.toBase58),
        keyDerivationMethod: KeyDerivationMethod.Raw,
        storage: { type: 'sqlite', config: { path: path.join(dataDir, 'wallet.sqlite') } },
      },
      autoUpdateStorageOnStartup: true,
    },
    dependencies: { ...agentDependencies, FileSystem: DataDirFileSystem },
    modules: {
      askar: new AskarModule({ ariesAskar: askarNodeJS }),
      connections: new ConnectionsModule({ autoAcceptConnections: true }),
      mediator: new MediatorModule({
        autoAcceptMediationRequests: true,
        messageForwardingStrategy: FORWARDING[options.forwarding],
      }),
      messagePickup: new MessagePickupModule({
        protocols: [
          ...(options.pickup === 'v2' ? [] : [new V1MessagePickupProtocol()]),
          ...(options.pickup === 'v1' ? [] : [new V2MessagePickupProtocol()]),
        ],
        messagePickupRepository: repository,
      }),
    },
  })
  if (agent.dependencyManager.resolve(InjectionSymbols.MessagePickupRepository) !== repository) {
    fail('Credo did not take the message pickup repository given to it')
  }
  agent.registerInboundTransport(new HttpInboundTransport({ app, port }))
  agent.registerInboundTransport(new WsInboundTransport({ server: socketServer }))
  agent.registerOutboundTransport(new HttpOutboundTransport())
  agent.registerOutboundTransport(new WsOutboundTransport())
  subscribeEvents(agent, repository, options.requeueUnacked)

  let stopping = false
  const stop = async (signal) => {
    if (stopping) return
    stopping = true
    event('stopping', { signal })
    const hardStop = setTimeout(() => {
      event('stopped', { clean: false })
      process.exit(0)
    }, 5000)
    hardStop.unref()
    try {
      // ws does not close the sockets of a server it shares; end them so close() can finish.
      for (const client of socketServer.clients) client.terminate()
      server.closeAllConnections()
      await agent.shutdown()
      event('stopped', { clean: true })
    } catch (error) {
      event('stopped', { clean: false, error: String(error && error.message) })
    }
    process.exit(0)
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  // Credo 0.5.19 throws from a ws send callback when a recipient's socket dies mid-send, which
  // would end the process; a test mediator must outlive its clients being killed: log, go on.
  for (const kind of ['uncaughtException', 'unhandledRejection']) {
    process.on(kind, (error) => event('uncaught', { kind, error: String((error && error.message) || error) }))
  }

  const started = Date.now()
  await agent.initialize()
  const outOfBand = await agent.oob.createInvitation({
    label: options.label,
    multiUseInvitation: true,
    handshakeProtocols: [HandshakeProtocol.DidExchange],
    autoAcceptConnection: true,
  })
  const invitationUrl = outOfBand.outOfBandInvitation.toUrl({ domain: endpoints[0] })
  event('ready', {
    port,
    forwarding: FORWARDING[options.forwarding],
    requeue_unacked: options.requeueUnacked,
    pickup: options.pickup,
    askar: askarNodeJS.version(),
    init_ms: Date.now() - started,
  })
  process.stdout.write(
    JSON.stringify({
      ready: true,
      invitation_url: invitationUrl,
      http_port: port,
      ws_port: port,
      endpoints,
      label: options.label,
      forwarding: FORWARDING[options.forwarding],
      requeue_unacked: options.requeueUnacked,
      pid: process.pid,
    }) + '\n'
  )
}

main().catch((error) => {
  process.stderr.write(`credo-mediator: error: ${(error && error.stack) || error}\n`)
  process.exit(1)
})
