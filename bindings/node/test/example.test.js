'use strict'
// The README's emulator example, run as written, on a real HTTP request.
const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const fs = require('node:fs')
const path = require('node:path')

const { EXAMPLES, cliRender } = require('./helpers')

function loadExample () {
  // The example reads openapi.json beside it and requires 'apigw-vtl' (this package, by its name).
  const cwd = process.cwd()
  process.chdir(path.join(__dirname, '..', 'examples'))
  try {
    return require('../examples/emulator.js')
  } finally {
    process.chdir(cwd)
  }
}

test('the emulator example renders an incoming request as the command line does', async () => {
  const { integrationRequest } = loadExample()
  const event = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'post-execution.json'), 'utf8'))
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const out = integrationRequest(req, Buffer.concat(chunks).toString('utf8'))
      res.end(JSON.stringify(out))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const { port } = server.address()
    const res = await fetch(`http://127.0.0.1:${port}/alpha/execution?mode=async&trace=on`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: event.body
    })
    const out = await res.json()
    const expected = cliRender('examples/start-execution.vtl', '--event', 'examples/post-execution.json')
    assert.deepEqual(Buffer.from(out.body, 'utf8'), expected)
    assert.equal(out.overrides.responseStatus, null)
  } finally {
    server.close()
  }
})
