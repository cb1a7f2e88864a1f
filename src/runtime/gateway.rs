//! Rendering a mapping template against a request, as API Gateway does.

use std::rc::Rc;
use std::sync::Arc;

use indexmap::IndexMap;

use super::context::{build_context, stage_variables, ContextKey, ContextKeys};
use super::input::{Input, Params, PathCache, Util};
use super::jsonpath::JsonPath;
use super::request::{EventError, Request};
use crate::eval::compile::{Seen, SeenPart, Slot, Watch};
use crate::eval::render::OutputPiece;
use crate::eval::value::Value;
use crate::{Limits, ParseError, RenderError, RenderOptions, Template};

/// Options of a gateway render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewayOptions {
    pub render: RenderOptions,
    /// The largest body accepted, in bytes (API Gateway: 10 MB).
    pub body_max: usize,
}

impl Default for GatewayOptions {
    fn default() -> Self {
        GatewayOptions {
            render: RenderOptions::default(),
            body_max: 10 * 1024 * 1024,
        }
    }
}

/// Anything that can go wrong turning a request into a body.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GatewayError {
    #[error("{0}")]
    Event(#[from] EventError),
    #[error("parse error at {0}")]
    Parse(#[from] ParseError),
    #[error("render error at {0}")]
    Render(#[from] RenderError),
    #[error("the body is {size} bytes, over the limit of {max} bytes (API Gateway allows 10 MB)")]
    BodyTooLarge { size: usize, max: usize },
}

/// The `$context` overrides a template set, applied by API Gateway after the render.
/// Each value is a list: a list value sets a multi-value header.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Overrides {
    pub request_header: IndexMap<String, Vec<String>>,
    pub request_querystring: IndexMap<String, Vec<String>>,
    pub request_path: IndexMap<String, Vec<String>>,
    pub response_header: IndexMap<String, Vec<String>>,
    /// `$context.responseOverride.status`, as set.
    pub response_status: Option<String>,
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        self.request_header.is_empty()
            && self.request_querystring.is_empty()
            && self.request_path.is_empty()
            && self.response_header.is_empty()
            && self.response_status.is_none()
    }
}

/// What a render produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub body: String,
    /// What the template set, when it set anything ([`Rendered::overrides`]):
    /// most renders set nothing, and a render's result stays a few words,
    /// cheap to hand back, with no empty maps made and dropped.
    overrides: Option<Box<Overrides>>,
}

impl Rendered {
    /// A body and the overrides that go with it.
    pub fn new(body: String, overrides: Overrides) -> Rendered {
        Rendered::with(body, Some(overrides))
    }

    /// A body and its overrides, kept only when some are set (`None`: none).
    fn with(body: String, overrides: Option<Overrides>) -> Rendered {
        Rendered {
            body,
            overrides: overrides.filter(|o| !o.is_empty()).map(Box::new),
        }
    }

    /// The `$context` overrides the template set (all empty when it set none).
    pub fn overrides(&self) -> &Overrides {
        static NONE: std::sync::OnceLock<Overrides> = std::sync::OnceLock::new();
        match &self.overrides {
            Some(o) => o,
            None => NONE.get_or_init(Overrides::default),
        }
    }

    /// The body and the overrides, taken apart.
    pub fn into_parts(self) -> (String, Overrides) {
        (self.body, self.overrides.map(|o| *o).unwrap_or_default())
    }

    /// Every lone surrogate of the body and the overrides as `?`.
    fn encode_lone_surrogates(&mut self) {
        use crate::eval::jstring::java_utf8;
        let fix = |s: &mut String| {
            if let std::borrow::Cow::Owned(t) = java_utf8(s) {
                *s = t;
            }
        };
        fix(&mut self.body);
        let Some(o) = self.overrides.as_deref_mut() else {
            return;
        };
        for map in [
            &mut o.request_header,
            &mut o.request_querystring,
            &mut o.request_path,
            &mut o.response_header,
        ] {
            let entries: Vec<(String, Vec<String>)> = map.drain(..).collect();
            for (mut k, mut vs) in entries {
                fix(&mut k);
                vs.iter_mut().for_each(fix);
                map.insert(k, vs);
            }
        }
        if let Some(s) = &mut o.response_status {
            fix(s);
        }
    }
}

/// The variables a render gives the template, in the order of its slots.
const RUNTIME_NAMES: [&str; 4] = ["input", "util", "context", "stageVariables"];

/// A mapping template, parsed once, with its literal JSONPaths compiled:
/// immutable and `Send + Sync`, render it from any number of threads.
#[derive(Debug, Clone)]
pub struct MappingTemplate {
    template: Template,
    paths: Arc<PathCache>,
    plan: Plan,
    /// The slots of `$input`, `$util`, `$context` and `$stageVariables`,
    /// looked up once.
    slots: [Option<Slot>; 4],
    /// The size of the last body rendered, to reserve the next one's room at once.
    last_len: Arc<std::sync::atomic::AtomicUsize>,
    /// [`Plan::context_keys`], shared with each render's `$context`.
    context_keys: Arc<[ContextKey]>,
    /// [`Plan::param_names`], shared with each render's `$input`.
    param_names: Arc<[Box<str>]>,
}

/// Which parts of the runtime a template can reach, found when it is parsed:
/// a render builds only those (a template that never names `$context` pays
/// nothing for it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Plan {
    input: bool,
    /// `$input` used other than as `$input.json(…)`, `$input.path(…)`,
    /// `$input.body` and `$input.params('name')` with a literal name.
    params: bool,
    /// The literal names of `$input.params('name')` (what a render looks up
    /// when `params` is not set), gathered while the template parses; then
    /// moved to [`MappingTemplate::param_names`].
    param_names: Vec<Box<str>>,
    util: bool,
    context: bool,
    /// `$context` used other than as `$context.name…`: it is built whole.
    context_whole: bool,
    /// The names of `$context.name…` (when not whole, the only keys built),
    /// each with the names of `$context.name.sub…` when those are all it is
    /// read by. Gathered while the template parses; then moved to
    /// [`MappingTemplate::context_keys`].
    context_keys: Vec<ContextKey>,
    stage_variables: bool,
}

impl Plan {
    /// Everything: `#evaluate` (stock Velocity) can name anything at render time.
    const ALL: Plan = Plan {
        input: true,
        params: true,
        param_names: Vec::new(),
        util: true,
        context: true,
        context_whole: true,
        context_keys: Vec::new(),
        stage_variables: true,
    };

    /// Notes what reference `r` needs.
    fn see(&mut self, r: &Seen<'_>) {
        match r.root {
            "input" => {
                self.input = true;
                let plain = match r.parts[0] {
                    Some(SeenPart::Method("params", Some(value))) => {
                        if !self.param_names.iter().any(|n| &**n == value) {
                            self.param_names.push(Box::from(value));
                        }
                        true
                    }
                    Some(SeenPart::Method("params", None)) => false,
                    Some(SeenPart::Method(name, _)) => matches!(name, "json" | "path" | "getBody"),
                    Some(SeenPart::Property(name)) => name == "body",
                    _ => false,
                };
                self.params |= !plain;
            }
            "util" => self.util = true,
            "context" => {
                self.context = true;
                let Some(SeenPart::Property(name)) = r.parts[0] else {
                    self.context_whole = true;
                    return;
                };
                let i = match self.context_keys.iter().position(|k| &*k.name == name) {
                    Some(i) => i,
                    None => {
                        self.context_keys.push(ContextKey {
                            name: Box::from(name),
                            sub: Some(Vec::new()),
                        });
                        self.context_keys.len() - 1
                    }
                };
                let Some(key) = self.context_keys.get_mut(i) else {
                    return;
                };
                match (r.parts[1], &mut key.sub) {
                    (_, None) => {}
                    (Some(SeenPart::Property(sub)), Some(subs)) => {
                        if !subs.iter().any(|s| &**s == sub) {
                            subs.push(Box::from(sub));
                        }
                    }
                    // Read as a whole (printed, iterated, passed on, its methods called).
                    _ => key.sub = None,
                }
            }
            "stageVariables" => self.stage_variables = true,
            _ => {}
        }
    }
}

impl MappingTemplate {
    /// Parses `source` (at most API Gateway's 300 KB) and compiles every literal
    /// path of `$input.json('…')` / `$input.path('…')`. A path that does not
    /// compile fails when its call runs, as on API Gateway (where a call in a
    /// branch not taken does no harm); `apigw-vtl lint` reports it up front.
    pub fn parse(source: &str) -> Result<MappingTemplate, ParseError> {
        MappingTemplate::parse_with(source, &Limits::default())
    }

    /// Like [`MappingTemplate::parse`], with other limits.
    pub fn parse_with(source: &str, limits: &Limits) -> Result<MappingTemplate, ParseError> {
        MappingTemplate::parse_keeping(source, limits, false)
    }

    /// Like [`MappingTemplate::parse_with`]; `keep_ast`: the syntax tree is
    /// kept for [`Template::ast`] (the linter reads it), not parsed again.
    pub(crate) fn parse_keeping(
        source: &str,
        limits: &Limits,
        keep_ast: bool,
    ) -> Result<MappingTemplate, ParseError> {
        // What the template uses is learnt while it compiles: no walk of its own.
        let mut paths = PathCache::default();
        let mut plan = Plan::default();
        // Only the roots that [`Plan::see`] and [`literal_path`] look at;
        // of `$util` and `$stageVariables`, only whether they are named.
        let roots = |name: &str| match name {
            "input" | "context" => Watch::Every,
            "util" | "stageVariables" => Watch::First,
            _ => Watch::No,
        };
        let template = Template::parse_observed(source, limits, keep_ast, roots, &mut |r| {
            let Some(path) = literal_path(r) else {
                plan.see(r);
                return;
            };
            // All that [`Plan::see`] notes of `$input.json('…')` and
            // `$input.path('…')`: `$input` is used.
            plan.input = true;
            if !paths.contains_key(path) {
                let compiled = JsonPath::compile(path)
                    .map(Arc::new)
                    .map_err(|e| super::input::invalid_path(&e));
                paths.insert(Box::from(path), compiled);
            }
        })?;
        if template.program().evaluates {
            plan = Plan::ALL;
        }
        let slots = RUNTIME_NAMES.map(|name| template.slot_of(name));
        // Shared with each render from here on (the plan keeps no copy).
        let context_keys = Arc::from(std::mem::take(&mut plan.context_keys));
        let param_names = Arc::from(std::mem::take(&mut plan.param_names));
        Ok(MappingTemplate {
            template,
            paths: Arc::new(paths),
            plan,
            slots,
            last_len: Arc::new(std::sync::atomic::AtomicUsize::new(0)),
            context_keys,
            param_names,
        })
    }

    pub fn template(&self) -> &Template {
        &self.template
    }

    /// Renders against `request`.
    pub fn render(
        &self,
        request: &Request,
        opts: &GatewayOptions,
    ) -> Result<Rendered, GatewayError> {
        self.render_inner(request, opts, false).map(|(r, _)| r)
    }

    /// Renders against `request`, also returning which template span wrote which
    /// bytes of the body.
    pub fn render_traced(
        &self,
        request: &Request,
        opts: &GatewayOptions,
    ) -> Result<(Rendered, Vec<OutputPiece>), GatewayError> {
        self.render_inner(request, opts, true)
    }

    fn render_inner(
        &self,
        request: &Request,
        opts: &GatewayOptions,
        traced: bool,
    ) -> Result<(Rendered, Vec<OutputPiece>), GatewayError> {
        let size = request.body.as_deref().map_or(0, str::len);
        if size > opts.body_max {
            return Err(GatewayError::BodyTooLarge {
                size,
                max: opts.body_max,
            });
        }
        // Declared first, dropped last: the cycles a template made are freed
        // once everything else of the render is gone.
        let budget = opts.render.limits.budget();
        budget.alloc(size).map_err(limit_error)?;
        let plan = &self.plan;
        // In the order of `RUNTIME_NAMES`, which `self.slots` follows.
        let mut vars: [Option<Value>; 4] = Default::default();
        if plan.input {
            let params = if plan.params {
                Some(Params::new(request))
            } else {
                (!self.param_names.is_empty()).then(|| Params::named(request, &self.param_names))
            };
            let input = Input::new(request.body.clone(), params, self.paths.clone());
            vars[0] = Some(Value::Object(Rc::new(input)));
        }
        if plan.util {
            vars[1] = Some(Value::Object(Rc::new(Util)));
        }
        let ctx = plan.context.then(|| {
            let keys = if plan.context_whole {
                ContextKeys::All
            } else {
                ContextKeys::Only(Arc::clone(&self.context_keys))
            };
            build_context(&request.request_context, keys)
        });
        if let Some(ctx) = &ctx {
            vars[2] = Some(ctx.value.clone());
        }
        if plan.stage_variables {
            vars[3] = Some(stage_variables(&request.stage_variables));
        }
        use std::sync::atomic::Ordering::Relaxed;
        let last = self.last_len.load(Relaxed);
        let mut body = String::with_capacity(last);
        let pieces = self.template.render_named(
            vars.into_iter()
                .zip(RUNTIME_NAMES)
                .zip(self.slots)
                .filter_map(|((v, name), slot)| Some((name, slot, v?))),
            &opts.render,
            &mut body,
            traced,
            &budget,
        )?;
        // Written only when it changes: renders on other threads read it too.
        if body.len() != last {
            self.last_len.store(body.len(), Relaxed);
        }
        let overrides = match &ctx {
            Some(c) => c.overrides(&budget).map_err(limit_error)?,
            None => None,
        };
        if let Some(message) = overrides.as_ref().and_then(super::overrides::first_problem) {
            return Err(GatewayError::Render(RenderError {
                kind: crate::RenderErrorKind::Invalid,
                message,
                span: crate::Span::default(),
                pos: crate::LineCol { line: 1, column: 1 },
            }));
        }
        drop(ctx);
        budget.collect_cycles();
        let mut rendered = Rendered::with(body, overrides);
        // Lone surrogates leave as Java's UTF-8 encoder writes them (`?`); a
        // traced render keeps the output its pieces point into.
        if budget.saw_lone_surrogates() && !traced {
            rendered.encode_lone_surrogates();
        }
        Ok((rendered, pieces))
    }
}

/// A limit that went over outside the template's text (reading the body's
/// share of the budget, or the overrides after the render).
fn limit_error(e: crate::eval::budget::Exceeded) -> GatewayError {
    GatewayError::Render(RenderError {
        kind: crate::RenderErrorKind::Limit,
        message: e.to_string(),
        span: crate::Span::default(),
        pos: crate::LineCol { line: 1, column: 1 },
    })
}

/// The path of `$input.json('…')` / `$input.path('…')` when written as a plain literal.
pub(crate) fn literal_path<'r>(r: &Seen<'r>) -> Option<&'r str> {
    match (r.root, r.parts[0]) {
        ("input", Some(SeenPart::Method("json" | "path", path))) => path,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> MappingTemplate {
        MappingTemplate::parse(src).unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    #[test]
    fn literal_parameter_names_need_no_maps() {
        let t = parse(
            "$input.params('id') $input.params(\"q\") $input.params('id').length() $input.json('$')",
        );
        assert!(!t.plan.params);
        assert_eq!(&*t.param_names, [Box::from("id"), Box::from("q")]);
        // Anything else may read any parameter, or the maps themselves.
        for src in [
            "$input.params()",
            "$input.params('id') $input.params().header",
            "#set($n = 'id')$input.params($n)",
            "$input.params(\"a$x\")",
            "$input.params",
            "#set($i = $input)$i.params('id')",
            "#evaluate('')$input.params('id')",
        ] {
            assert!(parse(src).plan.params, "{src}");
        }
    }

    #[test]
    fn overrides_are_made_only_when_a_template_sets_one() {
        let render = |src: &str| {
            parse(src)
                .render(&Request::default(), &GatewayOptions::default())
                .unwrap_or_else(|e| panic!("{src}: {e}"))
        };
        // Set nothing (reading or clearing counts as nothing): all empty.
        for src in [
            "x",
            "$context.requestId",
            "$context.requestOverride.header",
            "#set($context.requestOverride.header.a = $null)",
            "$context.responseOverride.header.clear()",
        ] {
            let r = render(src);
            assert!(r.overrides().is_empty(), "{src}");
            assert_eq!(r.overrides(), &Overrides::default(), "{src}");
            assert_eq!(r.clone().into_parts().1, Overrides::default(), "{src}");
        }
        let r = render(
            "#set($context.requestOverride.header.X = 'a')\
             #set($context.responseOverride.status = 201)ok",
        );
        assert_eq!(r.body, "ok");
        let o = r.overrides();
        assert_eq!(o.request_header.get("X"), Some(&vec!["a".to_string()]));
        assert_eq!(o.response_status.as_deref(), Some("201"));
        assert!(!o.is_empty());
        let (body, parts) = r.clone().into_parts();
        assert_eq!((body.as_str(), &parts), ("ok", o));
        // Equal results compare equal, whichever way they were made.
        assert_eq!(Rendered::new("ok".into(), parts), r);
        assert_eq!(Rendered::new("x".into(), Overrides::default()), render("x"));
    }
}
