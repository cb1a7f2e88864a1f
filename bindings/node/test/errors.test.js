'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')

const { MappingTemplate, TemplateSyntaxError, TemplateRenderError, ApigwVtlError } = require('..')

test('syntax errors carry line and column', () => {
  assert.throws(() => new MappingTemplate('line one\nx #if('), (e) => {
    assert.ok(e instanceof TemplateSyntaxError && e instanceof ApigwVtlError && e instanceof Error)
    assert.equal(e.name, 'TemplateSyntaxError')
    assert.equal(e.line, 2)
    assert.equal(e.column, 6)
    assert.match(e.reason, /expected an expression/)
    assert.equal(e.message, `2:6: ${e.reason}`)
    return true
  })
})

test('columns count characters', () => {
  // "é" is one column, two bytes.
  assert.throws(() => new MappingTemplate('"caf\u00e9 $stageVariables.get(a:b)"'), { line: 1, column: 28 })
})

test('templates over 300 KB are refused', () => {
  assert.throws(() => new MappingTemplate('a'.repeat(300 * 1024 + 1)), { name: 'TemplateSyntaxError', reason: /300 KB/ })
})

test('render errors carry line, column and kind', () => {
  const t = new MappingTemplate('a\n  $input.json("$[")')
  assert.throws(() => t.render({ body: '{}' }), (e) => {
    assert.ok(e instanceof TemplateRenderError)
    assert.deepEqual([e.line, e.column, e.kind], [2, 10, 'method-failed'])
    assert.match(e.reason, /InvalidPathException/)
    assert.ok(e.message.startsWith('2:10: '))
    return true
  })
  assert.throws(() => new MappingTemplate('x\n #set($a = [1..2000000])').render(), { line: 2, column: 12, kind: 'limit' })
})

test('renderAsync rejects with the same errors', async () => {
  const t = new MappingTemplate('a\n  $input.json("$[")')
  await assert.rejects(t.renderAsync(), { name: 'TemplateRenderError', line: 2, column: 10 })
  await assert.rejects(t.renderAsync({ event: { body: 1 } }), { name: 'InvalidRequestError', field: 'event.body' })
})
