'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const { Worker } = require('node:worker_threads')
const path = require('node:path')

const { MappingTemplate } = require('..')

const SOURCE = `#set($items = $input.path('$.items'))
{"name": "$util.escapeJavaScript($input.path('$.name'))", "id": "$input.params('X-Id')",
 "page": $input.params('page'), "sum": #set($s = 0)#foreach($i in $items)#set($s = $s + $i)#end$s,
 "request": "$context.requestId", "raw": $input.json('$')}`

function events (n) {
  const out = []
  for (let i = 0; i < n; i++) {
    out.push({
      body: JSON.stringify({ name: `n${i}`, items: Array.from({ length: i % 7 }, (_, j) => j) }),
      headers: { 'X-Id': String(i) },
      queryStringParameters: { page: String(i % 3) },
      requestContext: { requestId: `r-${i}`, stage: 's' }
    })
  }
  return out
}

test('worker threads render the same template to identical results', async () => {
  const all = events(400)
  const expected = all.map((event) => new MappingTemplate(SOURCE).render({ event }).body)
  assert.ok(expected[5].startsWith('{"name": "n5", "id": "5",\n "page": 2, "sum": 10,'))
  const workerCode = `
    const { parentPort, workerData } = require('node:worker_threads')
    const { MappingTemplate } = require(${JSON.stringify(path.resolve(__dirname, '..'))})
    const t = new MappingTemplate(workerData.source)
    const order = workerData.events.slice(workerData.offset).concat(workerData.events.slice(0, workerData.offset))
    parentPort.postMessage(order.map((event) => t.render({ event }).body))
  `
  const runs = [0, 100, 200, 300].map((offset) => new Promise((resolve, reject) => {
    const w = new Worker(workerCode, { eval: true, workerData: { source: SOURCE, events: all, offset } })
    w.once('message', (bodies) => resolve({ offset, bodies }))
    w.once('error', reject)
  }))
  for (const { offset, bodies } of await Promise.all(runs)) {
    assert.deepEqual(bodies, expected.slice(offset).concat(expected.slice(0, offset)))
  }
})

test('one template rendered concurrently on the thread pool gives identical results', async () => {
  const t = new MappingTemplate(SOURCE)
  const all = events(400)
  const expected = all.map((event) => t.render({ event }).body)
  const got = await Promise.all(all.map((event) => t.renderAsync({ event })))
  assert.deepEqual(got.map((r) => r.body), expected)
})
