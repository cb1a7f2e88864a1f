// Render the request an API receives the way API Gateway would, as an emulator does.
const fs = require('node:fs')
const { MappingTemplate } = require('apigw-vtl')

const spec = JSON.parse(fs.readFileSync('openapi.json', 'utf8')) // the API's OpenAPI document
const integration = spec.paths['/execution'].post['x-amazon-apigateway-integration']
const template = new MappingTemplate(integration.requestTemplates['application/json']) // parse once

function integrationRequest (req, body, stage = 'alpha') { // an incoming http.IncomingMessage and its body
  const url = new URL(req.url, `http://${req.headers.host}`)
  const { body: out, overrides } = template.render({
    body, headers: req.headers, query: Object.fromEntries(url.searchParams),
    context: { httpMethod: req.method, resourcePath: '/execution', stage }
  })
  return { body: out, overrides } // what API Gateway sends to the integration, and its overrides
}

module.exports = { integrationRequest }
