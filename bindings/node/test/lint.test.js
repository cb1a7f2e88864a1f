'use strict'
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { lint, lintFiles } = require('..')
const { REPO } = require('./helpers')

const QUOTE = '{"input": "$util.escapeJavaScript($input.json(\'$\'))"}'

test('lint text gives the JSON report shape', () => {
  const diags = lint(QUOTE)
  assert.deepEqual(diags.map((d) => d.rule), ['escape-javascript-quote'])
  const [d] = diags
  assert.equal(d.severity, 'warning')
  assert.equal(d.file, 'template.vtl')
  assert.deepEqual([d.start.line, d.start.column], [1, 12])
  assert.equal(d.fixable, true)
  assert.equal(typeof d.hint, 'string')
})

test('syntax errors with positions', () => {
  const diags = lint('ok\n#if(', { filename: 'broken.vtl' })
  assert.deepEqual(diags.map((d) => [d.rule, d.file, d.start.line]), [['syntax', 'broken.vtl', 2]])
})

test('allow and deny', () => {
  assert.deepEqual(lint(QUOTE, { allow: ['escape-javascript-quote'] }), [])
  assert.equal(lint(QUOTE, { deny: ['escape-javascript-quote'] })[0].severity, 'error')
  assert.throws(() => lint(QUOTE, { allow: ['no-such-rule'] }), { name: 'RangeError', message: /no-such-rule/ })
})

test('documents by filename and by path', () => {
  const file = path.join(REPO, 'tests', 'lint', 'fixtures', 'openapi.yaml')
  const byPath = lintFiles(file)
  assert.ok(byPath.length > 0 && byPath.every((d) => d.location.startsWith('paths.')))
  const byText = lint(fs.readFileSync(file, 'utf8'), { filename: file })
  assert.deepEqual(byText.map((d) => d.rule), byPath.map((d) => d.rule))
})

test('a directory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apigw-vtl-'))
  fs.writeFileSync(path.join(dir, 'a.vtl'), '$input.nope()')
  fs.writeFileSync(path.join(dir, 'b.vtl'), 'fine')
  const diags = lintFiles([dir])
  assert.deepEqual(diags.map((d) => d.rule), ['unknown-input-member'])
  assert.ok(diags[0].file.endsWith('a.vtl'))
  fs.rmSync(dir, { recursive: true })
})

test('lint errors', () => {
  assert.throws(() => lintFiles('/no/such/dir'), Error)
  assert.throws(() => lint(42), TypeError)
  assert.throws(() => lintFiles(['x'], { filename: 'y' }), TypeError)
})
