// What mediator.js and peer.js share: their error exit, their JSON events on stderr, the
// native Askar library they load, and the wallet key they keep in their data dir.
'use strict'

const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')

/** `fail(message, code)` for one program: says why on stderr and exits. */
function failFor(program) {
  return function fail(message, code = 2) {
    process.stderr.write(`${program}: error: ${message}\n`)
    process.exit(code)
  }
}

/** One JSON object per line on stderr: what the program did, never message contents. */
function event(name, fields = {}) {
  process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), event: name, ...fields }) + '\n')
}

/**
 * The native Askar library comes from the aries-askar PyPI wheel (scripts/setup-credo.sh);
 * the binding looks for libaries_askar.so in the folder named by LIB_ASKAR_PATH.
 */
function useNativeAskar(fail) {
  if (!process.env.LIB_ASKAR_PATH) process.env.LIB_ASKAR_PATH = path.join(__dirname, 'native')
  const libAskar = path.join(process.env.LIB_ASKAR_PATH, 'libaries_askar.so')
  if (!fs.existsSync(libAskar)) fail(`${libAskar} is missing: run scripts/setup-credo.sh`)
}

/** The Askar wallet's raw key, kept in DIR/wallet-key so a restart opens the same wallet. */
function walletKey(dataDir, toBase58) {
  const file = path.join(dataDir, 'wallet-key')
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim()
  const key = toBase58(crypto.randomBytes(32))
  fs.writeFileSync(file, key + '\n', { mode: 0o600 })
  return key
}

module.exports = { event, failFor, useNativeAskar, walletKey }
