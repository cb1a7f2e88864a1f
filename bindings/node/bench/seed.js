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

/**
 * Per case, the best and the median over `rounds` of the mean time of one call,
 * in µs. Rounds of the cases alternate, so that load from elsewhere on the
 * machine falls on every case alike.
 */
function timed (cases, rounds = 15, roundMs = 50) {
  const now = () => Number(process.hrtime.bigint()) / 1e6
  const sizes = cases.map(([, fn]) => {
    fn()
    let n = 0
    const t0 = now()
    while (now() - t0 < roundMs) { fn(); n++ }
    return Math.max(1, n)
  })
  const samples = cases.map(() => [])
  for (let r = 0; r < rounds; r++) {
    cases.forEach(([, fn], i) => {
      const t0 = now()
      for (let k = 0; k < sizes[i]; k++) fn()
      samples[i].push((now() - t0) / sizes[i] * 1e3)
    })
  }
  return cases.map(([name], i) => {
    const s = samples[i].slice().sort((a, b) => a - b)
    return [name, s[0], s[Math.floor(s.length / 2)]]
  })
}

const ours = new MappingTemplate(SOURCE)
const theirs = parse(SOURCE)
const expected = ours.render({ event: EVENT }).body
const velocityOut = new Compile(theirs, { escape: false }).render(context(EVENT))

const rows = timed([
  ['apigw-vtl: render (template parsed once)', () => ours.render({ event: EVENT })],
  ['apigw-vtl: parse + render', () => new MappingTemplate(SOURCE).render({ event: EVENT })],
  ['velocityjs: render (template parsed once)', () => new Compile(theirs, { escape: false }).render(context(EVENT))],
  ['velocityjs: parse + render', () => new Compile(parse(SOURCE), { escape: false }).render(context(EVENT))]
])
const base = rows[0][1]
const version = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'node_modules', name, 'package.json'), 'utf8')).version
console.log(`seed template (examples/start-execution.vtl + examples/post-execution.json), Node ${process.versions.node}, velocityjs ${version('velocityjs')}, apigw-vtl ${require('../package.json').version}`)
console.log()
console.log('| engine | one render (best of 15) | median of 15 | vs apigw-vtl |')
console.log('| --- | ---: | ---: | ---: |')
for (const [name, best, median] of rows) {
  console.log(`| ${name} | ${best.toFixed(1)} µs | ${median.toFixed(1)} µs | ${(best / base).toFixed(1)}x |`)
}
console.log()
console.log(`velocityjs output identical to API Gateway's: ${velocityOut === expected ? 'yes' : 'no'}`)
