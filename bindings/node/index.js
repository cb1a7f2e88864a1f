'use strict'
// Amazon API Gateway VTL mapping templates, rendered byte for byte as API Gateway renders them.
// The engine is native (native/apigw-vtl.node, built by `npm run build`); this file gives it
// JavaScript conventions: requests as plain objects, errors as Error subclasses with positions.

const native = require('./native/apigw-vtl.node')

/** The base of this package's errors. */
class ApigwVtlError extends Error {
  constructor (message) {
    super(message)
    this.name = new.target.name
  }
}

/** A template that does not parse (or is over API Gateway's 300 KB); `line` and `column` are 1-based. */
class TemplateSyntaxError extends ApigwVtlError {
  constructor (message, line, column) {
    super(`${line}:${column}: ${message}`)
    this.reason = message
    this.line = line
    this.column = column
  }
}

/** A render that failed (a Java method that throws on API Gateway, a limit, ...). */
class TemplateRenderError extends ApigwVtlError {
  constructor (message, line, column, kind) {
    super(`${line}:${column}: ${message}`)
    this.reason = message
    this.line = line
    this.column = column
    this.kind = kind
  }
}

/** A request the engine cannot take: a malformed event field, a body over 10 MB. */
class InvalidRequestError extends ApigwVtlError {
  constructor (field, message) {
    super(`${field}: ${message}`)
    this.reason = message
    this.field = field
  }
}

/** The native layer's errors, as the classes above (others pass through). */
function translate (err) {
  if (!(err instanceof Error) || typeof err.message !== 'string' || !err.message.startsWith('{') ||
      !err.message.includes('"apigwVtl":true')) {
    return err
  }
  let info
  try {
    info = JSON.parse(err.message)
  } catch {
    return err
  }
  switch (info.class) {
    case 'TemplateSyntaxError': return new TemplateSyntaxError(info.message, info.line, info.column)
    case 'TemplateRenderError': return new TemplateRenderError(info.message, info.line, info.column, info.kind)
    case 'InvalidRequestError': return new InvalidRequestError(info.field, info.message)
    case 'TypeError': return new TypeError(info.message)
    case 'RangeError': return new RangeError(info.message)
    default: return new Error(info.message)
  }
}

function call (fn) {
  try {
    return fn()
  } catch (err) {
    const e = translate(err)
    // The stack starts at the caller of the API, not in this file.
    if (e !== err && typeof Error.captureStackTrace === 'function') Error.captureStackTrace(e, call)
    throw e
  }
}

/**
 * The request as JSON text for the native layer, the event apart (read once,
 * as the CLI reads --event): numbers keep their digits and objects their key
 * order (headers print in the order sent).
 */
function encode (request) {
  if (request === undefined || request === null) return [null, null]
  if (typeof request !== 'object' || Array.isArray(request)) {
    throw new TypeError(`request: expected an object ({event, body, headers, ...}), got ${describe(request)}`)
  }
  const { event, ...parts } = request
  let eventJson = null
  if (typeof event === 'string') {
    eventJson = event
  } else if (event !== undefined && event !== null) {
    if (typeof event !== 'object' || Array.isArray(event)) {
      throw new TypeError(`event: expected an object or its JSON text, got ${describe(event)}`)
    }
    eventJson = JSON.stringify(event)
  }
  let partsJson = null
  for (const key in parts) {
    if (parts[key] !== undefined) {
      partsJson = JSON.stringify(parts)
      break
    }
  }
  return [eventJson, partsJson]
}

function describe (v) {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
}

/**
 * A mapping template, parsed once. Immutable: render it as often as you like,
 * on the main thread (`render`) or on the libuv thread pool (`renderAsync`).
 */
class MappingTemplate {
  #native

  /** @param {string} source the template text; a syntax error throws TemplateSyntaxError. */
  constructor (source) {
    if (typeof source !== 'string') {
      throw new TypeError(`source: expected a string, got ${describe(source)}`)
    }
    this.#native = call(() => new native.NativeTemplate(source))
  }

  /** The template's text. */
  get source () {
    return this.#native.source
  }

  /** Renders against a request: `{event, body, headers, query, pathParams, stageVariables, context}`. */
  render (request) {
    const [event, parts] = encode(request)
    return call(() => this.#native.render(event, parts))
  }

  /** Like `render`, on the libuv thread pool. */
  async renderAsync (request) {
    const [event, parts] = encode(request)
    try {
      return await call(() => this.#native.renderAsync(event, parts))
    } catch (err) {
      throw translate(err)
    }
  }
}

function lintOptions (options) {
  if (options === undefined || options === null) return [undefined, null]
  if (typeof options !== 'object') {
    throw new TypeError(`options: expected an object, got ${describe(options)}`)
  }
  const { filename, ...rest } = options
  return [filename, JSON.stringify(rest)]
}

/**
 * Lints template text. `options.filename` (default `template.vtl`) names it in
 * the diagnostics and says what kind of document it is (`.vtl`, or an OpenAPI /
 * CloudFormation `.json` / `.yaml`); `allow` / `deny` switch rules off or make
 * them errors; `event` is the request the output check renders against.
 */
function lint (text, options) {
  if (typeof text !== 'string') {
    throw new TypeError(`text: expected a string, got ${describe(text)}`)
  }
  const [filename, json] = lintOptions(options)
  return call(() => native.lintText(text, filename ?? 'template.vtl', json))
}

/** Lints the files under `paths` (a path or an array of paths: files and directories). */
function lintFiles (paths, options) {
  const list = typeof paths === 'string' ? [paths] : paths
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) {
    throw new TypeError('paths: expected a path or an array of paths')
  }
  const [filename, json] = lintOptions(options)
  if (filename !== undefined) {
    throw new TypeError('options.filename names template text; lintFiles takes paths')
  }
  return call(() => native.lintFiles(list, json))
}

module.exports = {
  MappingTemplate,
  lint,
  lintFiles,
  ApigwVtlError,
  TemplateSyntaxError,
  TemplateRenderError,
  InvalidRequestError
}
