//! # apigw-vtl
//!
//! Velocity (VTL) mapping templates rendered the way Amazon API Gateway renders
//! them: Apache Velocity 1.7 semantics (whitespace, Java `toString`, Java numbers)
//! plus API Gateway's own changes (null references render as empty text).
//!
//! ```
//! use apigw_vtl::{Context, Template};
//!
//! let template = Template::parse("#set($n = 2)Hello $name x$n!").unwrap();
//! let mut ctx = Context::new();
//! ctx.insert_json("name", serde_json::json!("Ada"));
//! assert_eq!(template.render(&ctx).unwrap(), "Hello Ada x2!");
//! ```
//!
//! A [`Template`] is immutable, `Send + Sync`: parse once, render from many threads.

pub mod error;
pub mod eval;
pub mod io;
pub mod lint;
pub mod runtime;
pub mod syntax;

/// Checks for the fuzz targets, built with `--cfg fuzzing` (as cargo-fuzz
/// builds): not part of the API.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    /// `Ok` when the program the parser builds for `src` (the one every
    /// render walks) is the one the compile pass makes of its syntax tree
    /// (the linter's), compared as text with names for slots and texts for
    /// constants; or when both parses fail with the same error. Else what
    /// differs.
    pub fn direct_build_agrees(src: &str) -> Result<(), String> {
        crate::eval::direct::check::agrees(src)
    }
}

use std::sync::Arc;

pub use error::{Error, ParseError, RenderError, RenderErrorKind};
pub use eval::options::{Limits, NullMode, RenderOptions};
pub use eval::value::{HostObject, Value};
pub use syntax::span::{LineCol, Span};

/// Variables a template renders against. Thread-safe; converted into
/// per-render [`Value`]s when a render starts.
#[derive(Debug, Clone, Default)]
pub struct Context {
    vars: indexmap::IndexMap<String, serde_json::Value>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// A context whose variables are the members of a JSON object.
    /// Anything but an object gives an empty context.
    pub fn from_json(json: serde_json::Value) -> Context {
        let mut ctx = Context::new();
        if let serde_json::Value::Object(map) = json {
            for (k, v) in map {
                ctx.vars.insert(k, v);
            }
        }
        ctx
    }

    /// Sets variable `name` to a JSON value. Objects become ordered maps that print
    /// as `{k=v}`, arrays become JSON arrays that print as compact JSON, as
    /// API Gateway's json-smart values do.
    pub fn insert_json(&mut self, name: &str, value: serde_json::Value) {
        self.vars.insert(name.to_string(), value);
    }

    pub(crate) fn vars(&self) -> &indexmap::IndexMap<String, serde_json::Value> {
        &self.vars
    }
}

/// A parsed template: immutable, cheap to share (`Arc` inside), `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Template {
    inner: Arc<TemplateInner>,
}

#[derive(Debug)]
pub(crate) struct TemplateInner {
    pub(crate) source: Arc<str>,
    /// The syntax tree: kept when asked for when parsing (the linter's way),
    /// else parsed again on first use. A render needs only `program`.
    pub(crate) body: std::sync::OnceLock<syntax::ast::Block>,
    /// The tree renders walk.
    pub(crate) program: eval::compile::Program,
}

impl Template {
    /// Parses `source`, refusing templates over API Gateway's 300 KB.
    pub fn parse(source: &str) -> Result<Template, ParseError> {
        Template::parse_with(source, &Limits::default())
    }

    /// Parses `source`, refusing templates over `limits.template_max` bytes.
    pub fn parse_with(source: &str, limits: &Limits) -> Result<Template, ParseError> {
        Template::parse_observed(
            source,
            limits,
            false,
            |_| eval::compile::Watch::No,
            &mut |_| {},
        )
    }

    /// Like [`Template::parse_with`], showing `seen` the references the
    /// compiled template can evaluate that `roots` asks for (see
    /// [`eval::compile::compile_observed`] and [`eval::compile::Watch`]).
    /// `keep_ast`: the syntax tree is kept for [`Template::ast`] (a copy is
    /// compiled), as the linter wants; else it is consumed by the compilation.
    pub(crate) fn parse_observed(
        source: &str,
        limits: &Limits,
        keep_ast: bool,
        roots: eval::compile::Roots,
        seen: eval::compile::Observer<'_>,
    ) -> Result<Template, ParseError> {
        if source.len() > limits.template_max {
            return Err(ParseError::new(
                source,
                Span::new(0, 0),
                format!(
                    "template is {} bytes, over the limit of {} bytes (API Gateway allows 300 KB)",
                    source.len(),
                    limits.template_max
                ),
            ));
        }
        // The source is shared with the tree's text nodes, which are ranges of it.
        let source: Arc<str> = Arc::from(source);
        let body = std::sync::OnceLock::new();
        let program = if keep_ast {
            let (tree, counts) = syntax::parser::parse_counting(&source, 0)?;
            let program =
                eval::compile::compile_observed_sized(tree.clone(), &[], counts, roots, seen);
            let _ = body.set(tree);
            program
        } else {
            // Built by the parser itself, with no syntax tree between: names
            // are numbers it hands out, resolved to slots as it goes.
            eval::direct::parse_program(&source, roots, seen)?
        };
        Ok(Template {
            inner: Arc::new(TemplateInner {
                source,
                body,
                program,
            }),
        })
    }

    /// The compiled program.
    pub(crate) fn program(&self) -> &eval::compile::Program {
        &self.inner.program
    }

    fn compiled(&self) -> eval::render::Compiled<'_> {
        eval::render::Compiled {
            program: &self.inner.program,
            source: &self.inner.source,
        }
    }

    /// The source text.
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// The syntax tree. Unless the template was parsed to keep it (as the
    /// linter does), the first call parses the source again.
    pub fn ast(&self) -> &syntax::ast::Block {
        self.inner
            .body
            .get_or_init(|| syntax::parse(&self.inner.source).unwrap_or_default())
    }

    /// Renders with API Gateway's defaults.
    pub fn render(&self, ctx: &Context) -> Result<String, RenderError> {
        self.render_with(ctx, &RenderOptions::default())
    }

    /// Renders with the given options.
    pub fn render_with(&self, ctx: &Context, opts: &RenderOptions) -> Result<String, RenderError> {
        let budget = opts.limits.budget();
        let mut out = String::new();
        let vars = ctx
            .vars()
            .iter()
            .map(|(k, v)| (Box::from(k.as_str()), Value::from_json(v)))
            .filter(|(_, v)| !v.is_null())
            .collect();
        eval::render::render_vars(self.compiled(), vars, opts, &mut out, &budget)?;
        if budget.saw_lone_surrogates() {
            // As Java's UTF-8 encoder writes them.
            out = eval::jstring::java_utf8(&out).into_owned();
        }
        Ok(out)
    }

    /// Renders with runtime values (host objects included) as the variables, and
    /// returns the variables as the template left them (`#set` may change them).
    /// The render's work and memory are charged to `budget` (see
    /// [`Limits::budget`]); reference cycles the template made are freed when
    /// the budget is dropped, so drop the returned variables first.
    pub fn render_values(
        &self,
        vars: eval::render::Vars,
        opts: &RenderOptions,
        out: &mut String,
        budget: &eval::budget::Budget,
    ) -> Result<eval::render::Vars, RenderError> {
        eval::render::render_vars(self.compiled(), vars, opts, out, budget)
    }

    /// The slot of the variable `name` in the compiled template (`None`: the
    /// template never names it).
    pub(crate) fn slot_of(&self, name: &str) -> Option<eval::compile::Slot> {
        self.program().names.find(name)
    }

    /// Renders with variables given by name and by their slot, looked up
    /// once beforehand ([`Template::slot_of`]); those the template never names
    /// are dropped. With `trace`, also records which span wrote which bytes.
    pub(crate) fn render_named<'v>(
        &self,
        vars: impl IntoIterator<Item = (&'v str, Option<eval::compile::Slot>, Value)>,
        opts: &RenderOptions,
        out: &mut String,
        trace: bool,
        budget: &eval::budget::Budget,
    ) -> Result<Vec<eval::render::OutputPiece>, RenderError> {
        let pieces = eval::render::render_named(
            self.compiled(),
            vars,
            opts,
            out,
            trace.then(Vec::new),
            budget,
        )?;
        Ok(pieces.unwrap_or_default())
    }

    /// Like [`Template::render_values`], also returning which template span wrote
    /// which bytes of the output (for tools that point from output back to source).
    pub fn render_traced(
        &self,
        vars: eval::render::Vars,
        opts: &RenderOptions,
        out: &mut String,
        budget: &eval::budget::Budget,
    ) -> Result<(eval::render::Vars, Vec<eval::render::OutputPiece>), RenderError> {
        eval::render::render_traced(self.compiled(), vars, opts, out, budget)
    }

    /// Renders into any `fmt::Write`.
    pub fn render_to<W: std::fmt::Write>(
        &self,
        ctx: &Context,
        opts: &RenderOptions,
        w: &mut W,
    ) -> Result<(), RenderError> {
        let s = self.render_with(ctx, opts)?;
        w.write_str(&s).map_err(|_| RenderError {
            kind: RenderErrorKind::Write,
            message: "the output writer failed".into(),
            span: Span::default(),
            pos: LineCol { line: 1, column: 1 },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn template_is_send_and_sync() {
        assert_send_sync::<Template>();
        assert_send_sync::<Context>();
    }

    /// Velocity 1.7 registers every `#macro` its parser meets: inside a
    /// `#literal` body, a block macro call's, another macro or a string too,
    /// the first of a name winning (source: oracle, each case).
    /// `src` rendered in stock Velocity's mode, with no variables.
    fn render_velocity(src: &str) -> Result<String, RenderError> {
        let velocity = RenderOptions {
            null_mode: NullMode::Velocity,
            ..RenderOptions::default()
        };
        Template::parse(src)
            .expect("parses")
            .render_with(&Context::new(), &velocity)
    }

    #[test]
    fn macros_are_registered_wherever_velocity_parses_them() {
        for (src, out) in [
            ("#literal()#macro(m)x#end#end[#m()]", "#macro(m)x#end[x]"),
            (
                "#@foo()#macro(m)A#end#end#macro(m)B#end[#m()]",
                "#@foo()#macro(m)A#end#end[A]",
            ),
            (
                "#macro(m)B#end#@foo()#macro(m)A#end#end[#m()]",
                "#@foo()#macro(m)A#end#end[B]",
            ),
            // Inside another macro and inside strings too, as the parser
            // ends each: the inner first.
            ("#macro(outer)#macro(inner)I#end#end[#inner()]", "[I]"),
            (
                "#inner()#macro(outer)#macro(inner)I#end#end[#inner()]",
                "I[I]",
            ),
            ("#set($s = \"#macro(m)S#end\")#macro(m)T#end[#m()]", "[S]"),
            ("#macro(outer)#macro(m)I#end#end#macro(m)T#end[#m()]", "[I]"),
            ("#macro(m)T#end#macro(outer)#macro(m)I#end#end[#m()]", "[T]"),
            ("#if(false)#set($s = \"#macro(m)B#end\")#end#m()", "B"),
            (
                "#macro(m)A#end#macro(m)#macro(n)N#end#end[#n()][#m()]",
                "[N][A]",
            ),
        ] {
            assert_eq!(render_velocity(src).expect("renders"), out, "{src}");
        }
    }

    /// 1.7 registers the `#macro`s of `#evaluate`d text as it parses it,
    /// after the template's: a template's macro of the same name wins, the
    /// first evaluated one wins over later ones, and they are called after
    /// the `#evaluate` too (source: oracle, each case).
    #[test]
    fn macros_of_evaluated_text_are_registered() {
        for (src, out) in [
            ("#evaluate('#macro(m)B#end[#m()]')", "[B]"),
            ("#evaluate('#macro(m)B#end')[#m()]", "[B]"),
            (
                "#evaluate(\"#macro(m)B#end\")#evaluate(\"#macro(m)C#end[#m()]\")",
                "[B]",
            ),
            (
                "#macro(m)A#end#evaluate(\"#macro(m)B#end[#m()]\")[#m()]",
                "[A][A]",
            ),
            ("#evaluate('#macro(m $x)<$x>#end')#m(1)#m('z')", "<1><z>"),
            (
                "#evaluate('#macro(m)#macro(n)N#end#end')[#n()][#m()]",
                "[N][]",
            ),
            ("#evaluate('#macro(m)x$y#end')#set($y = 5)[#m()]", "[x5]"),
            (
                "#evaluate('#if(false)#parse(\"#macro(m)X#end\")#end')[#m()]",
                "[X]",
            ),
            (
                "#evaluate('#if(false)#include(\"#macro(m)X#end\")#end')[#m()]",
                "[X]",
            ),
        ] {
            assert_eq!(render_velocity(src).expect("renders"), out, "{src}");
        }
        // An error inside such a macro's body is reported at the call.
        let src = "#evaluate('#macro(m)$s.substring(5)#end')#set($s = 'ab')\n  #m()";
        let e = render_velocity(src).expect_err("substring(5) of 'ab' throws");
        assert_eq!((e.pos.line, e.pos.column), (2, 3), "{e:?}");
        // So is one inside a `#define` body such text made, at the reference
        // (within the text, the `#evaluate` places it at itself).
        let src = "#evaluate('#define($d)$s.substring(5)#end')#set($s = 'ab')\n  $d";
        let e = render_velocity(src).expect_err("substring(5) of 'ab' throws");
        assert_eq!((e.pos.line, e.pos.column), (2, 3), "{e:?}");
        let src = "#set($s = 'ab')\n  #evaluate('#define($d)$s.substring(5)#end$d')";
        let e = render_velocity(src).expect_err("substring(5) of 'ab' throws");
        assert_eq!((e.pos.line, e.pos.column), (2, 3), "{e:?}");
    }

    #[test]
    fn the_syntax_tree_is_the_same_kept_or_parsed_again() {
        let src = "#macro(m $a)[$a]#end#set($x = {'k': [1, 2.5]})#foreach($i in $x.k)#m($i)#end $!y.z('w')";
        let parsed = syntax::parse(src).expect("parses");
        let t = Template::parse(src).expect("parses");
        assert!(t.inner.body.get().is_none(), "not kept unless asked for");
        assert_eq!(t.ast(), &parsed);
        let kept = Template::parse_observed(
            src,
            &Limits::default(),
            true,
            |_| eval::compile::Watch::No,
            &mut |_| {},
        )
        .expect("parses");
        assert_eq!(kept.inner.body.get(), Some(&parsed));
        assert_eq!(
            t.render(&Context::new()).expect("renders"),
            kept.render(&Context::new()).expect("renders")
        );
    }
}
