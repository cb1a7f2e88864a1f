'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { MappingTemplate, InvalidRequestError, ApigwVtlError } = require('..')
const { EXAMPLES, cliRender } = require('./helpers')

const read = (name) => fs.readFileSync(path.join(EXAMPLES, name), 'utf8')

test('the seed template gives the command line output byte for byte', () => {
  const expected = cliRender('examples/start-execution.vtl', '--event', 'examples/post-execution.json')
  const template = new MappingTemplate(read('start-execution.vtl'))
  const event = JSON.parse(read('post-execution.json'))
  assert.deepEqual(Buffer.from(template.render({ event }).body, 'utf8'), expected)
  // The event as JSON text gives the same.
  assert.deepEqual(Buffer.from(template.render({ event: read('post-execution.json') }).body, 'utf8'), expected)
  assert.match(template.render({ event }).body, /caf\\u00E9/)
})

test('the stage-variables template gives the command line output', () => {
  const expected = cliRender('examples/start-execution-stage.vtl', '--event', 'examples/post-execution.json')
  const template = new MappingTemplate(read('start-execution-stage.vtl'))
  const out = template.render({ event: JSON.parse(read('post-execution.json')) })
  assert.deepEqual(Buffer.from(out.body, 'utf8'), expected)
})

test('the parts of a request without an event', () => {
  const t = new MappingTemplate(
    "$input.params('id') $input.params('q') $input.params('H') $stageVariables.env $context.stage $input.path('$.a')"
  )
  const out = t.render({
    body: '{"a": 7}',
    headers: { H: 'h' },
    query: { q: '1' },
    pathParams: { id: 'abc' },
    stageVariables: { env: 'dev' },
    context: { stage: 'prod' }
  })
  assert.equal(out.body, 'abc 1 h dev prod 7')
})

test('parts replace the event\'s, headers keep their order', () => {
  const event = JSON.parse(read('post-execution.json'))
  const t = new MappingTemplate('$input.params().header.keySet() $context.stage|$input.body')
  const out = t.render({ event, headers: { 'X-B': '1', 'X-A': '2' }, context: { stage: 'beta' }, body: 'plain' })
  assert.equal(out.body, '[X-B, X-A] beta|plain')
})

test('body forms and big numbers', () => {
  const t = new MappingTemplate("$input.json('$')")
  assert.equal(t.render({ body: { a: [1, 2.5, true, null] } }).body, '{"a":[1,2.5,true,null]}')
  assert.equal(t.render().body, '{}')
  assert.equal(t.render({ body: [1, 2] }).body, '[1,2]')
  assert.equal(t.render({ context: { requestTimeEpoch: 1795576753000 } }).body, '{}')
  const c = new MappingTemplate('$context.requestTimeEpoch')
  assert.equal(c.render({ context: { requestTimeEpoch: 1795576753000 } }).body, '1795576753000')
})

test('overrides come back in JavaScript conventions', () => {
  const t = new MappingTemplate(
    '#set($context.requestOverride.header.X = "1")' +
    '#set($context.responseOverride.status = 404)' +
    '#set($context.responseOverride.header.Y = ["a", "b"])ok'
  )
  assert.deepEqual(t.render(), {
    body: 'ok',
    overrides: {
      requestHeader: { X: ['1'] },
      requestQuerystring: {},
      requestPath: {},
      responseHeader: { Y: ['a', 'b'] },
      responseStatus: '404'
    }
  })
})

test('a malformed event names the field', () => {
  const t = new MappingTemplate('x')
  assert.throws(() => t.render({ event: { headers: { Accept: 1 } } }), (e) => {
    assert.ok(e instanceof InvalidRequestError && e instanceof ApigwVtlError && e instanceof Error)
    assert.equal(e.name, 'InvalidRequestError')
    assert.equal(e.field, 'event.headers.Accept')
    return true
  })
  assert.throws(() => t.render({ body: 'a'.repeat(10 * 1024 * 1024 + 1) }), { name: 'InvalidRequestError', field: 'body' })
})

test('wrong types are TypeErrors', () => {
  const t = new MappingTemplate('x')
  assert.throws(() => t.render({ headers: { A: 1 } }), { name: 'TypeError', message: /headers\["A"\]: expected a string, got number/ })
  assert.throws(() => t.render({ event: 42 }), { name: 'TypeError', message: /event: expected an object/ })
  assert.throws(() => t.render({ body: 3.5 }), { name: 'TypeError', message: /body: expected a string/ })
  assert.throws(() => t.render('x'), { name: 'TypeError', message: /request: expected an object/ })
  assert.throws(() => new MappingTemplate(1), TypeError)
})

test('the template keeps its source', () => {
  const t = new MappingTemplate('a $b')
  assert.equal(t.source, 'a $b')
})

test('renderAsync gives what render gives', async () => {
  const event = JSON.parse(read('post-execution.json'))
  const t = new MappingTemplate(read('start-execution.vtl'))
  assert.deepEqual(await t.renderAsync({ event }), t.render({ event }))
})
