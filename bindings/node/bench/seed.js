'use strict'
// One render of the seed template, timed from Node.js: apigw-vtl beside velocityjs.
//
// velocityjs is the Velocity engine serverless-offline renders API Gateway
// templates with. It is given a small $input / $util / $context /
// $stageVariables of the kind an emulator builds (written here, not
// serverless-offline's own code), so the times compare the engines. Each engine
// is timed twice: rendering a template parsed once, and parsing and rendering
// per request (what emulators do today).
//
//   npm install && npm run build && npm run bench     (in bindings/node)

const fs = require('node:fs')
const path = require('node:path')
const { parse, Compile } = require('velocityjs')
const { MappingTemplate } = require('..')

const REPO = path.resolve(__dirname, '..', '..', '..')
const SOURCE = fs.readFileSync(path.join(REPO, 'examples', 'start-execution.vtl'), 'utf8')
const EVENT = JSON.parse(fs.readFileSync(path.join(REPO, 'examples', 'post-execution.json'), 'utf8'))

function select (payload, p) {
  let value = payload
  for (const part of p.replace(/^\$/, '').split('.')) {
    if (part) value = value && typeof value === 'object' ? value[part] : undefined
  }
  return value
}

/** The escaping of js-string-escape, which JavaScript emulators use for $util.escapeJavaScript. */
function escapeJavaScript (s) {
  return String(s).replace(/["'\\\n\r\u2028\u2029]/g, (c) => {
    switch (c) {
      case '"': case "'": case '\\': return '\\' + c
      case '\n': return '\\n'
      case '\r': return '\\r'
      case '\u2028': return '\\u2028'
      default: return '\\u2029'
    }
  })
}

function context (event) {
  const body = event.body || '{}'
  const payload = JSON.parse(body)
  return {
    input: {
      body,
      json: (p) => JSON.stringify(select(payload, p)),
      path: (p) => select(payload, p),
      params: (name) => {
        const groups = { path: event.pathParameters || {}, querystring: event.queryStringParameters || {}, header: event.headers || {} }
        if (name === undefined) return groups
        return groups.path[name] ?? groups.querystring[name] ?? groups.header[name]
      }
    },
    util: { escapeJavaScript },
    context: event.requestContext || {},
    stageVariables: event.stageVariables || {}
  }
}

/** The median over `rounds` of the mean time of one call, in microseconds. */
function perRender (fn, budgetMs = 1000, rounds = 5) {
  fn()
  let n = 0
  const t = process.hrtime.bigint()
  while (Number(process.hrtime.bigint() - t) < 200e6) { fn(); n++ }
  n = Math.max(1, Math.floor(n * budgetMs / rounds / 200))
  const results = []
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < n; i++) fn()
    results.push(Number(process.hrtime.bigint() - t0) / n / 1e3)
  }
  results.sort((a, b) => a - b)
  return results[Math.floor(rounds / 2)]
}

const ours = new MappingTemplate(SOURCE)
const theirs = parse(SOURCE)
const expected = ours.render({ event: EVENT }).body
const velocityOut = new Compile(theirs, { escape: false }).render(context(EVENT))

const rows = [
  ['apigw-vtl: render (template parsed once)', perRender(() => ours.render({ event: EVENT }))],
  ['apigw-vtl: parse + render', perRender(() => new MappingTemplate(SOURCE).render({ event: EVENT }))],
  ['velocityjs: render (template parsed once)', perRender(() => new Compile(theirs, { escape: false }).render(context(EVENT)))],
  ['velocityjs: parse + render', perRender(() => new Compile(parse(SOURCE), { escape: false }).render(context(EVENT)))]
]
const base = rows[0][1]
const version = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'node_modules', name, 'package.json'), 'utf8')).version
console.log(`seed template (examples/start-execution.vtl + examples/post-execution.json), Node ${process.versions.node}, velocityjs ${version('velocityjs')}, apigw-vtl ${require('../package.json').version}`)
console.log()
console.log('| engine | one render | vs apigw-vtl |')
console.log('| --- | ---: | ---: |')
for (const [name, us] of rows) {
  console.log(`| ${name} | ${us.toFixed(1)} µs | ${(us / base).toFixed(1)}x |`)
}
console.log()
console.log(`velocityjs output identical to API Gateway's: ${velocityOut === expected ? 'yes' : 'no'}`)
