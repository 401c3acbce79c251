#!/usr/bin/env node
// A Credo-ts 0.5.19 issuer and verifier for the test suite, on 127.0.0.1 only.
//
//   node peer.js --data-dir DIR [--label TEXT] [--context URL=FILE ...]
//
// - DIDComm (HTTP inbound) and a small JSON control API for the tests, each on a free port of
//   127.0.0.1. Stock Credo modules: issue-credential 2.0 with the JSON-LD format, present-proof
//   2.0 with DIF Presentation Exchange; the issuer signs with an Ed25519 did:key made in its
//   Askar wallet at start.
// - JSON-LD documents never come from the network: Credo's bundled contexts, the files named
//   by --context, and did:key documents; every other URL is refused with an error.
// - Once ready it prints ONE JSON line on stdout: {"ready": true, "control_port", "didcomm_port",
//   "issuer_did", "label"}. Credo's log and one JSON object per state change go to stderr.
// - SIGTERM or SIGINT: shuts the agent down and exits 0.
//
// Control API (JSON bodies, answers JSON; errors {"error": message} with 4xx/5xx):
//   POST /invitations                      -> {invitation_url, out_of_band_id}
//   POST /invitations/receive {invitation_url} -> {connection_id, out_of_band_id}
//   GET  /connections?out_of_band_id=ID    -> [{id, state, their_label}]
//   POST /credentials/offer {connection_id, credential, auto_accept, proof_type}
//                                          -> {credential_record_id}   (issuer is filled in)
//   POST /credentials/:id/accept-request   -> the record (a human's "issue it" at Credo)
//   GET  /credentials/:id                  -> {id, state, error_message, offered, requested}
//   POST /proofs/request {connection_id, presentation_definition, auto_accept}
//                                          -> {proof_record_id}   (Credo makes the challenge)
//   GET  /proofs/:id                       -> {id, state, is_verified, error_message, challenge}
'use strict'

const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')

const { event, failFor, useNativeAskar, walletKey } = require('./common')

console.log = console.error
console.info = console.error

const fail = failFor('credo-peer')

useNativeAskar(fail)

let credo, credoNode, credoAskar, askarNodeJS, bundled, loaders
try {
  credo = require('@credo-ts/core')
  credoNode = require('@credo-ts/node')
  credoAskar = require('@credo-ts/askar')
  ;({ askarNodeJS } = require('@openwallet-foundation/askar-nodejs'))
  bundled = require('@credo-ts/core/build/modules/vc/data-integrity/libraries/contexts').DEFAULT_CONTEXTS
  loaders = require('@credo-ts/core/build/modules/vc/data-integrity/libraries/documentLoader')
  askarNodeJS.version()
} catch (error) {
  fail(`cannot load Credo (${error.message}): run scripts/setup-credo.sh`)
}

const {
  Agent,
  AutoAcceptCredential,
  AutoAcceptProof,
  ConnectionsModule,
  CredentialEventTypes,
  CredentialsModule,
  DifPresentationExchangeProofFormatService,
  HandshakeProtocol,
  HttpOutboundTransport,
  JsonLdCredentialFormatService,
  KeyDerivationMethod,
  KeyType,
  LogLevel,
  ConsoleLogger,
  ProofEventTypes,
  ProofsModule,
  TypedArrayEncoder,
  V2CredentialProtocol,
  V2ProofProtocol,
  W3cCredentialsModule,
  isDid,
} = credo
const { HttpInboundTransport, agentDependencies } = credoNode
const { AskarModule } = credoAskar

const AUTO_CREDENTIAL = {
  always: AutoAcceptCredential.Always,
  contentApproved: AutoAcceptCredential.ContentApproved,
  never: AutoAcceptCredential.Never,
}
const AUTO_PROOF = {
  always: AutoAcceptProof.Always,
  contentApproved: AutoAcceptProof.ContentApproved,
  never: AutoAcceptProof.Never,
}

function parseArgs(argv) {
  const options = { dataDir: undefined, label: 'Credo Peer', contexts: {} }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`)
      return argv[++i]
    }
    if (arg === '--data-dir') options.dataDir = path.resolve(value())
    else if (arg === '--label') options.label = value()
    else if (arg === '--context') {
      const [url, file] = value().split(/=(.*)/s)
      if (!url || !file) fail('--context needs URL=FILE')
      options.contexts[url] = JSON.parse(fs.readFileSync(file, 'utf8'))
    } else fail(`unknown argument ${arg}`)
  }
  if (!options.dataDir) fail('--data-dir DIR is required')
  return options
}


/** Local contexts, Credo's bundled ones and DIDs; anything else is refused, never fetched. */
function offlineDocumentLoader(contexts) {
  return (agentContext) => {
    const credoLoader = loaders.defaultDocumentLoader(agentContext)
    return async (url) => {
      const bare = url.split('#')[0]
      if (bare in contexts) return { contextUrl: null, documentUrl: url, document: contexts[bare] }
      if (bare in bundled || isDid(url)) return credoLoader(url)
      event('document_refused', { url })
      throw new Error(`credo-peer: no local copy of ${url}; refusing to download it`)
    }
  }
}

async function listen(handler) {
  const server = http.createServer(handler)
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return server
}


function makeAgent(options, endpoint) {
  const dataDir = options.dataDir
  class DataDirFileSystem extends agentDependencies.FileSystem {
    constructor() {
      super({ baseDataPath: dataDir, baseCachePath: dataDir, baseTempPath: dataDir })
    }
  }
  const level = LogLevel[process.env.CREDO_LOG_LEVEL || 'warn']
  return new Agent({
    config: {
      label: options.label,
      endpoints: [endpoint],
      logger: new ConsoleLogger(level === undefined ? LogLevel.warn : level),
      walletConfig: {
        id: 'credo-peer',
        key: walletKey(dataDir, TypedArrayEncoder.toBase58),
        keyDerivationMethod: KeyDerivationMethod.Raw,
        storage: { type: 'sqlite', config: { path: path.join(dataDir, 'wallet.sqlite') } },
      },
    },
    dependencies: { ...agentDependencies, FileSystem: DataDirFileSystem },
    modules: {
      askar: new AskarModule({ ariesAskar: askarNodeJS }),
      connections: new ConnectionsModule({ autoAcceptConnections: true }),
      w3cCredentials: new W3cCredentialsModule({ documentLoader: offlineDocumentLoader(options.contexts) }),
      credentials: new CredentialsModule({
        autoAcceptCredentials: AutoAcceptCredential.Never,
        credentialProtocols: [new V2CredentialProtocol({ credentialFormats: [new JsonLdCredentialFormatService()] })],
      }),
      proofs: new ProofsModule({
        autoAcceptProofs: AutoAcceptProof.Never,
        proofProtocols: [new V2ProofProtocol({ proofFormats: [new DifPresentationExchangeProofFormatService()] })],
      }),
    },
  })
}

class HttpError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

function need(body, name) {
  if (body[name] === undefined || body[name] === null) throw new HttpError(400, `${name} is required`)
  return body[name]
}

function choice(table, name) {
  const value = table[name || 'always']
  if (!value) throw new HttpError(400, `auto_accept must be one of ${Object.keys(table).join(', ')}`)
  return value
}

async function credentialView(agent, id) {
  const record = await agent.credentials.getById(id)
  const formats = await agent.credentials.getFormatData(id)
  return {
    id: record.id,
    state: record.state,
    error_message: record.errorMessage || null,
    auto_accept: record.autoAcceptCredential || null,
    offered: formats.offer ? formats.offer.jsonld : null,
    requested: formats.request ? formats.request.jsonld : null,
  }
}

async function proofView(agent, id) {
  const record = await agent.proofs.getById(id)
  const formats = await agent.proofs.getFormatData(id)
  const request = formats.request && formats.request.presentationExchange
  return {
    id: record.id,
    state: record.state,
    is_verified: record.isVerified === undefined ? null : record.isVerified,
    error_message: record.errorMessage || null,
    challenge: request && request.options ? request.options.challenge : null,
    presentation: formats.presentation ? formats.presentation.presentationExchange : null,
  }
}

function routes(agent, issuerDid, endpoint) {
  const table = [
    ['POST', /^\/invitations$/, async () => {
      const oob = await agent.oob.createInvitation({
        handshakeProtocols: [HandshakeProtocol.DidExchange],
        autoAcceptConnection: true,
      })
      return { invitation_url: oob.outOfBandInvitation.toUrl({ domain: endpoint }), out_of_band_id: oob.id }
    }],
    ['POST', /^\/invitations\/receive$/, async (body) => {
      const { outOfBandRecord, connectionRecord } = await agent.oob.receiveInvitationFromUrl(
        need(body, 'invitation_url'),
        { autoAcceptConnection: true, autoAcceptInvitation: true }
      )
      return { connection_id: connectionRecord ? connectionRecord.id : null, out_of_band_id: outOfBandRecord.id }
    }],
    ['GET', /^\/connections$/, async (body, query) => {
      const all = await agent.connections.getAll()
      const wanted = query.get('out_of_band_id')
      return all
        .filter((c) => !wanted || c.outOfBandId === wanted)
        .map((c) => ({ id: c.id, state: c.state, their_label: c.theirLabel || null }))
    }],
    ['POST', /^\/credentials\/offer$/, async (body) => {
      const credential = { ...need(body, 'credential'), issuer: issuerDid }
      const record = await agent.credentials.offerCredential({
        connectionId: need(body, 'connection_id'),
        protocolVersion: 'v2',
        autoAcceptCredential: choice(AUTO_CREDENTIAL, body.auto_accept),
        credentialFormats: {
          jsonld: {
            credential,
            options: { proofType: body.proof_type || 'Ed25519Signature2018', proofPurpose: 'assertionMethod' },
          },
        },
      })
      return { credential_record_id: record.id }
    }],
    ['POST', /^\/credentials\/([^/]+)\/accept-request$/, async (body, query, id) => {
      await agent.credentials.acceptRequest({ credentialRecordId: id })
      return credentialView(agent, id)
    }],
    ['GET', /^\/credentials\/([^/]+)$/, async (body, query, id) => credentialView(agent, id)],
    ['POST', /^\/proofs\/request$/, async (body) => {
      const record = await agent.proofs.requestProof({
        connectionId: need(body, 'connection_id'),
        protocolVersion: 'v2',
        autoAcceptProof: choice(AUTO_PROOF, body.auto_accept),
        proofFormats: { presentationExchange: { presentationDefinition: need(body, 'presentation_definition') } },
      })
      return { proof_record_id: record.id }
    }],
    ['GET', /^\/proofs\/([^/]+)$/, async (body, query, id) => proofView(agent, id)],
  ]
  return async (request, response) => {
    const answer = (status, value) => {
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(JSON.stringify(value))
    }
    try {
      const url = new URL(request.url, 'http://127.0.0.1')
      const chunks = []
      for await (const chunk of request) chunks.push(chunk)
      const text = Buffer.concat(chunks).toString('utf8')
      const body = text ? JSON.parse(text) : {}
      for (const [method, pattern, handle] of table) {
        const match = request.method === method && pattern.exec(url.pathname)
        if (match) return answer(200, await handle(body, url.searchParams, ...match.slice(1)))
      }
      answer(404, { error: `no route ${request.method} ${url.pathname}` })
    } catch (error) {
      const status = error.status || (error.constructor && error.constructor.name === 'RecordNotFoundError' ? 404 : 500)
      event('control_error', { status, error: String(error && error.message) })
      answer(status, { error: String(error && error.message) })
    }
  }
}

function subscribeEvents(agent) {
  agent.events.on(CredentialEventTypes.CredentialStateChanged, ({ payload }) =>
    event('credential', { id: payload.credentialRecord.id, state: payload.credentialRecord.state })
  )
  agent.events.on(ProofEventTypes.ProofStateChanged, ({ payload }) =>
    event('proof', {
      id: payload.proofRecord.id,
      state: payload.proofRecord.state,
      is_verified: payload.proofRecord.isVerified === undefined ? null : payload.proofRecord.isVerified,
      error_message: payload.proofRecord.errorMessage || null,
    })
  )
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })

  const express = require('express')
  const app = express()
  const didcomm = http.createServer(app)
  await new Promise((resolve, reject) => {
    didcomm.once('error', reject)
    didcomm.listen(0, '127.0.0.1', () => resolve())
  })
  const didcommPort = didcomm.address().port
  // HttpInboundTransport calls app.listen(port), which would bind every interface.
  app.listen = () => didcomm
  const endpoint = `http://127.0.0.1:${didcommPort}`

  const agent = makeAgent(options, endpoint)
  agent.registerInboundTransport(new HttpInboundTransport({ app, port: didcommPort }))
  agent.registerOutboundTransport(new HttpOutboundTransport())
  subscribeEvents(agent)

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    setTimeout(() => process.exit(0), 5000).unref()
    try {
      didcomm.closeAllConnections()
      await agent.shutdown()
    } catch (error) {
      event('stop_error', { error: String(error && error.message) })
    }
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)

  await agent.initialize()
  const created = await agent.dids.create({ method: 'key', options: { keyType: KeyType.Ed25519 } })
  if (created.didState.state !== 'finished') fail(`cannot create the issuer did:key: ${created.didState.reason}`)
  const issuerDid = created.didState.did
  const control = await listen(routes(agent, issuerDid, endpoint))
  process.stdout.write(
    JSON.stringify({
      ready: true,
      control_port: control.address().port,
      didcomm_port: didcommPort,
      issuer_did: issuerDid,
      label: options.label,
    }) + '\n'
  )
}

main().catch((error) => fail(`start failed: ${error && error.stack}`, 1))
