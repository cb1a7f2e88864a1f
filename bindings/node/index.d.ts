/** A value JSON can hold. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** An API Gateway REST proxy event (version 1.0), as Lambda proxy integrations receive it. */
export interface ProxyEvent {
  resource?: string | null
  path?: string | null
  httpMethod?: string | null
  headers?: Record<string, string | null> | null
  queryStringParameters?: Record<string, string | null> | null
  pathParameters?: Record<string, string | null> | null
  stageVariables?: Record<string, string | null> | null
  requestContext?: { [key: string]: Json } | null
  body?: string | null
  isBase64Encoded?: boolean
  [key: string]: unknown
}

/**
 * The request a template renders against. `event` is a proxy event (an object,
 * or its JSON text); each other part given replaces the event's.
 */
export interface RenderRequest {
  event?: ProxyEvent | string | null
  /** The body; an object or array is sent as its JSON text. */
  body?: string | { [key: string]: Json } | Json[] | null
  headers?: Record<string, string | null> | null
  /** Query-string parameters. */
  query?: Record<string, string | null> | null
  pathParams?: Record<string, string | null> | null
  stageVariables?: Record<string, string | null> | null
  /** The event's `requestContext` (what `$context` reads). */
  context?: { [key: string]: Json } | null
}

/** The `$context` overrides a template set; each value is a list (a list sets a multi-value header). */
export interface Overrides {
  requestHeader: Record<string, string[]>
  requestQuerystring: Record<string, string[]>
  requestPath: Record<string, string[]>
  responseHeader: Record<string, string[]>
  responseStatus: string | null
}

/** What a render produced. */
export interface RenderResult {
  body: string
  overrides: Overrides
}

/**
 * A mapping template, parsed once. Immutable: render it as often as you like,
 * on the main thread (`render`) or on the libuv thread pool (`renderAsync`).
 */
export declare class MappingTemplate {
  /** @throws {TemplateSyntaxError} when the template does not parse. */
  constructor(source: string)
  /** The template's text. */
  readonly source: string
  /**
   * Renders against a request.
   * @throws {TemplateRenderError} when the render fails.
   * @throws {InvalidRequestError} for a malformed event or a body over 10 MB.
   */
  render(request?: RenderRequest | null): RenderResult
  /** Like `render`, on the libuv thread pool. */
  renderAsync(request?: RenderRequest | null): Promise<RenderResult>
}

export interface Position {
  line: number
  column: number
  offset: number
}

/** A lint finding, as `apigw-vtl lint --format json` prints it. */
export interface Diagnostic {
  rule: string
  severity: 'note' | 'warning' | 'error'
  file: string
  start: Position
  end: Position
  message: string
  hint?: string
  /** Where in the document the template is (absent for a template file). */
  location?: string
  fixable: boolean
}

export interface LintOptions {
  /** Rules to switch off. */
  allow?: string[]
  /** Rules to make errors. */
  deny?: string[]
  /** The request the output check renders against (a built-in sample by default). */
  event?: ProxyEvent | string | null
}

/**
 * Lints template text. `filename` (default `template.vtl`) names it in the
 * diagnostics and says what kind of document it is (`.vtl`, or an OpenAPI /
 * CloudFormation `.json` / `.yaml`).
 */
export declare function lint(text: string, options?: LintOptions & { filename?: string }): Diagnostic[]

/** Lints the files under `paths` (files and directories). */
export declare function lintFiles(paths: string | string[], options?: LintOptions): Diagnostic[]

/** The base of this package's errors. */
export declare class ApigwVtlError extends Error {}

/** A template that does not parse (or is over API Gateway's 300 KB). */
export declare class TemplateSyntaxError extends ApigwVtlError {
  /** The message without the position. */
  readonly reason: string
  /** 1-based. */
  readonly line: number
  /** 1-based, in characters. */
  readonly column: number
}

/** A render that failed. */
export declare class TemplateRenderError extends ApigwVtlError {
  readonly reason: string
  readonly line: number
  readonly column: number
  readonly kind: 'method-failed' | 'unsupported' | 'limit' | 'invalid' | 'write'
}

/** A request the engine cannot take. */
export declare class InvalidRequestError extends ApigwVtlError {
  readonly reason: string
  /** The field, e.g. `event.headers.Accept` or `body`. */
  readonly field: string
}
