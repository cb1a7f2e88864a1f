// Compiled by `tsc -p test/tsconfig.json` (in `npm test`): the declarations
// describe the API as the tests use it.
import {
  MappingTemplate, RenderResult, Overrides, Diagnostic, lint, lintFiles,
  TemplateSyntaxError, TemplateRenderError, InvalidRequestError, ApigwVtlError
} from '..'

const t: MappingTemplate = new MappingTemplate('$input.json("$")')
const r: RenderResult = t.render({
  event: { headers: { Accept: 'application/json' }, requestContext: { stage: 'dev' }, body: '{}' },
  body: { a: [1, 'x', null] },
  headers: { A: 'b' },
  query: { q: null },
  pathParams: {},
  stageVariables: {},
  context: { requestTimeEpoch: 1 }
})
const body: string = r.body
const o: Overrides = r.overrides
const status: string | null = o.responseStatus
const p: Promise<RenderResult> = t.renderAsync()
const d: Diagnostic[] = lint('x', { filename: 'a.vtl', allow: ['syntax'], deny: [] })
const e: Diagnostic[] = lintFiles(['.'], { event: '{}' })
const line: number = d[0].start.line
function handle (err: unknown): number {
  if (err instanceof TemplateSyntaxError || err instanceof TemplateRenderError) return err.line + err.column
  if (err instanceof InvalidRequestError) return err.field.length
  return err instanceof ApigwVtlError ? 1 : 0
}
// @ts-expect-error: headers are strings
t.render({ headers: { A: 1 } })
void [body, status, p, e, line, handle]
