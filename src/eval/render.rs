//! The tree walker: renders a parsed template against a context.
//!
//! It follows Apache Velocity 1.7's node semantics:
//! - a reference renders its value's Java `toString`; a null value renders as
//!   empty text in API Gateway mode and as its source text (`$x`, `${x}`) in
//!   stock mode; `$!x` renders null as empty text in both;
//! - `\$x` (an odd number of backslashes) prints `$x` when `$x` is defined and
//!   `\$x` when it is not; each pair of backslashes prints one;
//! - `#if` conditions use 1.7's `evaluate`: references are true unless null or
//!   `false` (in API Gateway mode a null reference is true too, see
//!   `reference_truth`); `true`/`false`, `!`, `&&`, `||` and comparisons are
//!   what they say; every other expression (string, number, list, map literals,
//!   arithmetic) is false;
//! - `#set` with a null right side leaves the target unchanged;
//! - `#foreach` iterates lists and map values, skips null and non-iterables,
//!   provides `$foreach` (`index count hasNext first last parent`),
//!   `$velocityCount` and `$velocityHasNext`, and stops after
//!   [`crate::Limits::foreach_max`] iterations;
//! - `#break` stops the nearest `#foreach`, `#define` body, macro call or
//!   `#evaluate`; `#stop` stops the whole render (or the `#evaluate`).
//!
//! It walks the tree [`super::compile`] made: variables are slots in an array,
//! string literals constants made once per render, `#define` bodies shared.
//!
//! Every render is bounded: output size, nesting depth, range size and a
//! budget of steps and bytes ([`crate::Limits`], [`super::budget`]): every
//! node, expression and loop iteration is a step, macro calls, `#define`
//! expansions and `#evaluate` are charged for their work, and what the walker
//! builds (text, lists, maps, ranges) for its bytes.
//!
//! The stack a render needs is bounded too: the walker recurses as the
//! template nests, which the parser bounds for one text, and macro calls,
//! `#define` expansions and `#evaluate` add the height of the body they enter
//! (recorded by [`super::compile`]) to a count bounded by
//! [`MAX_RENDER_NESTING`].

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use smallvec::SmallVec;

use super::budget::{Budget, Exceeded, CONTAINER_BYTES, ENTRY_BYTES, VALUE_BYTES};
use super::compile::{
    self, Block, Expr, MacroDef, Namespace, Node, Part as RefPart, Program, Ref as Reference,
    Shape, Slot, SLOT_FOREACH, SLOT_VELOCITY_COUNT, SLOT_VELOCITY_HAS_NEXT,
};
use super::error::{RenderError, RenderErrorKind};
use super::lazy::{StrMember, Walk};
use super::methods;
use super::ops;
use super::options::{NullMode, RenderOptions};
use super::value::{CallError, HostObject, JStr, MapView, Value};
use crate::syntax::ast::{BinOp, IncludeKind};
use crate::syntax::span::{LineCol, Span};
use crate::syntax::whitespace_len;
use scope::ForeachScope;

/// The deepest the walker nests, in the parser's units (a statement in a
/// block 2, an expression 1), adding up the bodies that macro calls, `#define`
/// expansions and `#evaluate` enter: twice what one template may nest. Past
/// it a render fails instead of exhausting its stack; within it a render
/// needs at most the stack README's Limits documents.
pub const MAX_RENDER_NESTING: u32 = 512;

/// What entering a macro, `#define` or `#evaluate` body adds besides the
/// body's height (the frames of the call itself).
const EXPANSION_UNITS: u32 = 4;

/// Bytes of `#evaluate`d text parsed and compiled per step charged.
const EVALUATE_BYTES_PER_STEP: usize = 8;

/// Bytes charged per byte of `#evaluate`d text: its syntax tree, its compiled
/// tree, and the names, constants and `#define` texts the render keeps.
const EVALUATE_MEMORY_FACTOR: usize = 8;

/// How a block ended: normally, `#break`, `#stop`, or `#break($scope)`.
///
/// One word, so that a node's result (`R<Flow>`) is a pair of words that
/// comes back in registers: as an enum with the address beside its tag it
/// was three words, written to memory by every node and block and read
/// back by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
struct Flow(usize);

impl Flow {
    const NORMAL: Flow = Flow(0);
    /// `#break`: caught by the nearest loop, define, macro or evaluate.
    const BREAK: Flow = Flow(1);
    /// `#stop`: caught by the template or an `#evaluate`.
    const STOP: Flow = Flow(2);

    /// `#break($scope)`: caught by the `#foreach` whose `$foreach` object
    /// has the address `addr` (an object's address, never 0, 1 or 2).
    fn break_to(addr: usize) -> Flow {
        Flow(addr.max(3))
    }

    /// The scope address of a `#break($scope)`.
    fn break_addr(self) -> Option<usize> {
        (self.0 > 2).then_some(self.0)
    }
}

/// Errors are boxed inside the walker: every node returns a result, and a small
/// one travels in registers.
type R<T> = Result<T, Box<RenderError>>;

/// A `#define` body, rendered each time its reference is used.
#[derive(Clone)]
struct DefineBody {
    /// `None`: the main template's source.
    src: Option<Rc<str>>,
    body: Arc<Block>,
    /// How deep the walker nests inside `body`.
    height: u32,
}

struct State<'t> {
    opts: &'t RenderOptions,
    prog: &'t Program,
    /// The variables, by slot (null: undefined).
    slots: Vec<Value>,
    /// `#define` bodies, by slot.
    defines: Vec<Option<DefineBody>>,
    /// Variables given to the render that the template never names: handed
    /// back untouched (and found by text `#evaluate` compiles).
    others: Vars,
    /// Names beyond the template's, made by `#evaluate`d text, by slot.
    extra_names: HashMap<Box<str>, Slot>,
    extra_list: Vec<Box<str>>,
    /// String constants beyond the template's (`#evaluate`d text).
    extra_strings: Vec<Box<str>>,
    /// The `#macro`s `#evaluate`d text defined, with that text (their
    /// bodies' spans are into it), in the order registered: 1.7 registers
    /// them as it parses the text, after the template's, the first of a
    /// name winning.
    evaluated_macros: Vec<(Arc<str>, Rc<str>, Arc<MacroDef>)>,
    /// Each string constant's value, made on first use.
    consts: Vec<Option<JStr>>,
    /// Inside a macro call, `$param` → the call's argument as written: a null
    /// argument prints that text in stock mode (1.7's `.literal.$param`).
    arg_literals: HashMap<String, String>,
    /// The `$foreach` objects of the loops being rendered, innermost last.
    scopes: Vec<Rc<ForeachScope>>,
    /// When tracing: which template span wrote which output bytes.
    trace: Option<Vec<OutputPiece>>,
    /// The output length past which [`State::wrote`] has work to do: the
    /// output limit, or 0 when tracing (every piece is noted).
    watch: usize,
    depth: usize,
    /// How deep the walker nests, in the parser's units: the heights of the
    /// template and of the bodies entered (see [`MAX_RENDER_NESTING`]).
    nest: u32,
    /// The render's steps and bytes (the walker charges a step per node and
    /// expression; what it calls charges its own work).
    budget: &'t Budget,
    /// The main template's source, for error positions.
    main_src: &'t str,
}

/// The variables of one render, by name.
pub type Vars = HashMap<Box<str>, Value>;

/// Output bytes `output` were written by the template text or reference at `span`.
/// Pieces nest: a `#define` reference's piece contains its body's pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputPiece {
    pub output: std::ops::Range<usize>,
    pub span: Span,
}

/// At most this many pieces are recorded by one traced render.
pub const TRACE_MAX: usize = 1_000_000;

/// A compiled template and the text it was compiled from (for spans).
#[derive(Clone, Copy)]
pub struct Compiled<'t> {
    pub program: &'t Program,
    pub source: &'t str,
}

/// Renders with the given variables and hands them back as the template left them.
pub(crate) fn render_vars(
    t: Compiled<'_>,
    vars: Vars,
    opts: &RenderOptions,
    out: &mut String,
    budget: &Budget,
) -> Result<Vars, RenderError> {
    render_inner(t, vars, opts, out, None, budget).map(|(v, _)| v)
}

/// Like [`render_vars`], also returning which template span wrote which output.
pub(crate) fn render_traced(
    t: Compiled<'_>,
    vars: Vars,
    opts: &RenderOptions,
    out: &mut String,
    budget: &Budget,
) -> Result<(Vars, Vec<OutputPiece>), RenderError> {
    render_inner(t, vars, opts, out, Some(Vec::new()), budget)
        .map(|(v, p)| (v, p.unwrap_or_default()))
}

fn render_inner(
    t: Compiled<'_>,
    vars: Vars,
    opts: &RenderOptions,
    out: &mut String,
    trace: Option<Vec<OutputPiece>>,
    budget: &Budget,
) -> Result<(Vars, Option<Vec<OutputPiece>>), RenderError> {
    let prog = t.program;
    let mut st = State::new(prog, opts, t.source, trace, budget);
    for (name, v) in vars {
        match prog.names.get(&name) {
            Some(slot) => st.set(slot, v),
            None => {
                st.others.insert(name, v);
            }
        }
    }
    render_block(&mut st, t.source, &prog.body, out).map_err(|e| *e)?;
    let trace = st.trace.take();
    Ok((st.into_vars(), trace))
}

/// Renders with variables given by name, dropping those the template never
/// names (stock mode keeps them for `#evaluate`): what a gateway render uses.
pub(crate) fn render_named<'v>(
    t: Compiled<'_>,
    vars: impl IntoIterator<Item = (&'v str, Option<Slot>, Value)>,
    opts: &RenderOptions,
    out: &mut String,
    trace: Option<Vec<OutputPiece>>,
    budget: &Budget,
) -> Result<Option<Vec<OutputPiece>>, RenderError> {
    let prog = t.program;
    let mut st = State::new(prog, opts, t.source, trace, budget);
    for (name, slot, v) in vars {
        match slot {
            Some(slot) => st.set(slot, v),
            None if opts.null_mode == NullMode::Velocity => {
                st.others.insert(Box::from(name), v);
            }
            None => {}
        }
    }
    render_block(&mut st, t.source, &prog.body, out).map_err(|e| *e)?;
    Ok(st.trace.take())
}

impl<'t> State<'t> {
    fn new(
        prog: &'t Program,
        opts: &'t RenderOptions,
        main_src: &'t str,
        trace: Option<Vec<OutputPiece>>,
        budget: &'t Budget,
    ) -> State<'t> {
        let n = prog.names.len();
        State {
            opts,
            prog,
            slots: vec![Value::Null; n],
            // Made at the first `#define` (most templates have none).
            defines: Vec::new(),
            others: HashMap::new(),
            extra_names: HashMap::new(),
            extra_list: Vec::new(),
            extra_strings: Vec::new(),
            evaluated_macros: Vec::new(),
            consts: vec![None; prog.strings.len()],
            arg_literals: HashMap::new(),
            scopes: Vec::new(),
            watch: if trace.is_some() {
                0
            } else {
                opts.limits.output_max
            },
            trace,
            depth: 0,
            nest: prog.height,
            budget,
            main_src,
        }
    }

    fn get(&self, slot: Slot) -> &Value {
        self.slots.get(slot as usize).unwrap_or(&Value::Null)
    }

    /// The new value is stored before the old one is dropped: dropped
    /// first (a call), the new one was kept in memory across it and copied
    /// back wider than it was written, which stalled.
    fn set(&mut self, slot: Slot, v: Value) {
        if let Some(s) = self.slots.get_mut(slot as usize) {
            std::mem::replace(s, v).discard();
        }
    }

    /// Sets a slot to an `Integer`: in place when it holds one (the loop
    /// counters), without building a value to move in.
    #[inline]
    fn set_int(&mut self, slot: Slot, n: i32) {
        match self.slots.get_mut(slot as usize) {
            Some(Value::Int(i)) => *i = n,
            Some(s) => *s = Value::Int(n),
            None => {}
        }
    }

    /// [`State::set_int`] for a `Boolean`.
    #[inline]
    fn set_bool(&mut self, slot: Slot, b: bool) {
        match self.slots.get_mut(slot as usize) {
            Some(Value::Bool(v)) => *v = b,
            Some(s) => *s = Value::Bool(b),
            None => {}
        }
    }

    /// Sets a slot and hands back what it held.
    fn replace(&mut self, slot: Slot, v: Value) -> Value {
        match self.slots.get_mut(slot as usize) {
            Some(s) => std::mem::replace(s, v),
            None => Value::Null,
        }
    }

    fn define(&self, slot: Slot) -> Option<&DefineBody> {
        self.defines.get(slot as usize).and_then(Option::as_ref)
    }

    fn set_define(&mut self, slot: Slot, d: Option<DefineBody>) {
        let i = slot as usize;
        if i >= self.defines.len() {
            if d.is_none() {
                return;
            }
            self.defines
                .resize_with(self.slots.len().max(i + 1), || None);
        }
        if let Some(x) = self.defines.get_mut(i) {
            *x = d;
        }
    }

    /// The text of string constant `id`.
    fn string_text(&self, id: u32) -> &str {
        let i = id as usize;
        match i.checked_sub(self.prog.strings.len()) {
            None => self.prog.strings.get(i).map_or("", |s| &**s),
            Some(j) => self.extra_strings.get(j).map_or("", |s| &**s),
        }
    }

    /// The value of string constant `id`, made once per render.
    fn string(&mut self, id: u32) -> Value {
        let i = id as usize;
        if let Some(Some(s)) = self.consts.get(i) {
            return Value::Str(s.clone());
        }
        let rc = JStr::new(self.string_text(id));
        if let Some(c) = self.consts.get_mut(i) {
            *c = Some(rc.clone());
        }
        Value::Str(rc)
    }

    /// The variables as the template left them, by name.
    fn into_vars(self) -> Vars {
        let mut vars = self.others;
        let known = self.prog.names.len();
        for (i, v) in self.slots.into_iter().enumerate() {
            if v.is_null() {
                continue;
            }
            let name = match i.checked_sub(known) {
                None => self.prog.names.name(i as Slot),
                Some(j) => self.extra_list.get(j).map(|s| &**s),
            };
            if let Some(name) = name {
                vars.insert(Box::from(name), v);
            }
        }
        vars
    }

    fn err(
        &self,
        src: &str,
        span: Span,
        kind: RenderErrorKind,
        message: impl Into<String>,
    ) -> Box<RenderError> {
        // Positions inside an `#evaluate`d string are reported at the start of the main template
        // span only when the source is the main template.
        let pos = if std::ptr::eq(src, self.main_src) {
            LineCol::of(src, span.start as usize)
        } else {
            LineCol { line: 1, column: 1 }
        };
        Box::new(RenderError {
            kind,
            message: message.into(),
            span,
            pos,
        })
    }

    #[inline(always)]
    fn step(&self, src: &str, span: Span) -> R<()> {
        self.budget.step().map_err(|e| self.exceeded(src, span, e))
    }

    /// A budget or depth limit went over at `span`.
    #[cold]
    fn exceeded(&self, src: &str, span: Span, e: Exceeded) -> Box<RenderError> {
        let kind = match e {
            Exceeded::Depth(_) | Exceeded::Java(_) => RenderErrorKind::MethodFailed,
            _ => RenderErrorKind::Limit,
        };
        self.err(src, span, kind, e.to_string())
    }

    /// A failed operator.
    #[cold]
    fn op_failed(&self, src: &str, span: Span, e: CallError) -> Box<RenderError> {
        match e {
            CallError::Limit(e) => self.exceeded(src, span, e),
            CallError::Java(msg) => self.err(src, span, RenderErrorKind::Invalid, msg),
        }
    }

    /// A failed call of method `name` (a property, index or operator: `None`).
    #[cold]
    fn call_failed(
        &self,
        src: &str,
        span: Span,
        name: Option<&str>,
        e: CallError,
    ) -> Box<RenderError> {
        match (e, name) {
            (CallError::Limit(e), _) => self.exceeded(src, span, e),
            (CallError::Java(msg), Some(name)) => self.err(
                src,
                span,
                RenderErrorKind::MethodFailed,
                format!("invocation of method '{name}' threw {msg}"),
            ),
            (CallError::Java(msg), None) => self.err(src, span, RenderErrorKind::MethodFailed, msg),
        }
    }

    /// Enters a macro, `#define` or `#evaluate` body of height `height`, or an
    /// interpolated string (`None`: it nests where it is written).
    fn enter(&mut self, src: &str, span: Span, height: Option<u32>) -> R<()> {
        self.depth += 1;
        if self.depth > self.opts.limits.depth_max {
            return Err(self.err(
                src,
                span,
                RenderErrorKind::Limit,
                format!(
                    "nesting deeper than {} (macros, #evaluate, strings, #define)",
                    self.opts.limits.depth_max
                ),
            ));
        }
        if let Some(h) = height {
            self.nest = self.nest.saturating_add(h + EXPANSION_UNITS);
            if self.nest > MAX_RENDER_NESTING {
                return Err(self.err(
                    src,
                    span,
                    RenderErrorKind::Limit,
                    format!(
                        "nesting deeper than {MAX_RENDER_NESTING} levels, counting the blocks and expressions inside the macros, #define and #evaluate entered"
                    ),
                ));
            }
            self.step(src, span)?;
        }
        Ok(())
    }

    fn leave(&mut self, height: Option<u32>) {
        self.depth = self.depth.saturating_sub(1);
        if let Some(h) = height {
            self.nest = self.nest.saturating_sub(h + EXPANSION_UNITS);
        }
    }

    fn check_output(&self, src: &str, span: Span, len: usize) -> R<()> {
        if len > self.opts.limits.output_max {
            return Err(self.err(
                src,
                span,
                RenderErrorKind::Limit,
                format!("output larger than {} bytes", self.opts.limits.output_max),
            ));
        }
        Ok(())
    }

    /// After `span` wrote `out[start..end]`: the output limit checked and,
    /// when tracing, the piece noted ([`State::check_output`] and
    /// [`State::record`]), with one comparison when neither has work to do.
    #[inline(always)]
    fn wrote(&mut self, src: &str, span: Span, start: usize, end: usize) -> R<()> {
        if end > self.watch {
            return self.wrote_past_watch(src, span, start, end);
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn wrote_past_watch(&mut self, src: &str, span: Span, start: usize, end: usize) -> R<()> {
        self.check_output(src, span, end)?;
        self.record(src, start, end, span);
        Ok(())
    }

    /// Notes that `span` of the main template wrote `out[start..end]`.
    fn record(&mut self, src: &str, start: usize, end: usize, span: Span) {
        if let Some(t) = &mut self.trace {
            if end > start && std::ptr::eq(src, self.main_src) && t.len() < TRACE_MAX {
                t.push(OutputPiece {
                    output: start..end,
                    span,
                });
            }
        }
    }

    /// API Gateway's semantics (also in [`NullMode::JsonNull`]).
    fn apigw(&self) -> bool {
        matches!(
            self.opts.null_mode,
            NullMode::ApiGateway | NullMode::JsonNull
        )
    }
}

fn render_block(st: &mut State<'_>, src: &str, block: &[Node], out: &mut String) -> R<Flow> {
    for node in block {
        // Text, the most common node, without the call.
        if let Node::Text(span, text) = node {
            write_text_node(st, src, *span, text, out)?;
            continue;
        }
        if let Node::Ref(r) = node {
            if write_in_place(st, src, r, out)? {
                continue;
            }
        }
        let flow = render_node(st, src, node, out)?;
        if flow != Flow::NORMAL {
            return Ok(flow);
        }
    }
    Ok(Flow::NORMAL)
}

/// The two commonest printed references, rendered as [`render_node`]
/// renders them (the node's step first, the output watch last) without the
/// layers of the general reference path: `$name` holding a short string, and
/// a one-argument call on an object that escapes (`$util.escapeJavaScript(…)`,
/// its argument read in place where [`write_str_arg_call`] can). `false`:
/// neither (nothing charged or written).
#[inline(always)]
fn write_in_place(st: &mut State<'_>, src: &str, r: &Reference, out: &mut String) -> R<bool> {
    if r.shape == Shape::Other || !shortcuts() {
        return Ok(false);
    }
    let start = out.len();
    if let [RefPart::Property(_, name)] = r.parts.as_slice() {
        // `$map.key`: what `render_node` and `render_ref` do for it.
        let Some(Value::Map(m)) = st.slots.get(r.root as usize) else {
            return Ok(false);
        };
        st.step(src, r.span)?;
        match write_map_member(st, m, name, out) {
            Some(res) => res.map_err(|e| st.exceeded(src, r.span, e))?,
            // The general path past `write_plain` (which is this same
            // member write), its step taken (a reference with parts renders
            // no `#define` body, so its flow is normal).
            None => {
                render_ref_general(st, src, r, out)?;
            }
        }
        st.wrote(src, r.span, start, out.len())?;
        return Ok(true);
    }
    if let [RefPart::Method(span, name, args)] = r.parts.as_slice() {
        let [arg] = &**args else {
            return Ok(false);
        };
        let o = match st.slots.get(r.root as usize) {
            Some(Value::Object(o)) => o,
            // `$m.get($k)` / `$m.get('k')` holding a string: printed from
            // the map.
            Some(Value::Map(m)) if &**name == "get" => {
                let Some(v) = map_get_printable(st, m, arg) else {
                    return Ok(false);
                };
                charge_map_get(st, src, r.span, *span, arg, &v)?;
                v.write_java(out, st.budget)
                    .map_err(|e| st.exceeded(src, r.span, e))?;
                st.wrote(src, r.span, start, out.len())?;
                return Ok(true);
            }
            _ => return Ok(false),
        };
        // `$util.escapeJavaScript($s)` and `(…($m.get($k))`, all charged at
        // once: what the path below does for them.
        let held = match r.shape {
            Shape::CallOnHeld | Shape::CallOnReadable => o.str_writer(name),
            _ => None,
        };
        if let Some(f) = held {
            let res = match r.shape {
                Shape::CallOnHeld => write_str_fn_call(st, f, arg, out),
                _ => write_member_fn_call(st, f, arg, out),
            };
            if let Some(res) = res {
                res.map_err(|e| st.call_failed(src, *span, Some(name), e.into()))?;
                st.wrote(src, r.span, start, out.len())?;
                return Ok(true);
            }
        }
        // `$util.escapeJavaScript($s)` and the like: what `render_host_call`
        // does for it, without the value of `$util` cloned and handed on.
        if !o.escapes_javascript(name) {
            return Ok(false);
        }
        st.step(src, r.span)?;
        match write_str_arg_call(st, src, o, name, arg, out) {
            Some(res) => res?.map_err(|e| st.call_failed(src, *span, Some(name), *e))?,
            // The general path, its step taken (a reference with parts
            // renders no `#define` body, so its flow is normal).
            None => {
                render_ref(st, src, r, out)?;
            }
        }
        st.wrote(src, r.span, start, out.len())?;
        return Ok(true);
    }
    match st.slots.get(r.root as usize) {
        Some(Value::Str(s)) if s.len() < super::budget::CHUNK => {
            if st.define(r.root).is_some() {
                return Ok(false);
            }
            st.budget
                .step_and_alloc(s.len())
                .map_err(|e| st.exceeded(src, r.span, e))?;
            super::print::push_short(out, s);
        }
        _ => return Ok(false),
    }
    st.wrote(src, r.span, start, out.len())?;
    Ok(true)
}

/// A printed `$obj.name(arg)` whose object writes `f` of a string
/// ([`HostObject::str_writer`]), when `arg` is `$s` or `$m.get(k)` ([`str_key`])
/// of a built map holding a string of at most a chunk, and the steps the
/// path of [`write_str_arg_call`] charges first all fit: the reference's
/// step, the argument's, the key's (`get`), and the scan of the string,
/// charged at once (each, made in turn, would succeed). Then `f` writes
/// and what it wrote is charged (the result). `None`: nothing charged or
/// written.
#[inline(never)]
fn write_str_fn_call(
    st: &State<'_>,
    f: fn(&str, &mut String),
    arg: &Expr,
    out: &mut String,
) -> Option<Result<(), Exceeded>> {
    let Expr::Ref(a) = arg else {
        return None;
    };
    match (st.slots.get(a.root as usize)?, a.parts.as_slice()) {
        (Value::Str(s), []) => str_fn_call(st, f, s, 2, out),
        (Value::Map(m), [RefPart::Method(_, method, args)]) if &**method == "get" => {
            let [k] = &**args else {
                return None;
            };
            let (key, _) = str_key(st, k)?;
            // `get` borrows the map as the value path does (see `map_get_str`).
            let m = m.try_borrow_mut().ok()?;
            match m.built_str(key)? {
                // `get`'s size check of the string passes.
                Some(Value::Str(s)) if s.len() <= st.opts.limits.output_max => {
                    str_fn_call(st, f, s, 3, out)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// [`write_str_fn_call`] for `$util.escapeJavaScript($m.key)`: the member
/// of a built map holding a string, or of a request body's object not built
/// yet (a short string read from the body's text, written with escapes or
/// not: [`super::value::Map::str_member_to_escape`]), when the reference's
/// and the argument's steps and the string's scan all fit (each made in
/// turn by [`member_arg_call`]'s path would succeed). A string written with
/// escapes is escaped straight from its text, and its decoded length then
/// charged as [`write_js_escaped`] charges it. `None`: nothing charged or
/// written.
#[inline(never)]
fn write_member_fn_call(
    st: &State<'_>,
    f: fn(&str, &mut String),
    arg: &Expr,
    out: &mut String,
) -> Option<Result<(), Exceeded>> {
    let Expr::Ref(a) = arg else {
        return None;
    };
    let (Value::Map(m), [RefPart::Property(_, key)]) =
        (st.slots.get(a.root as usize)?, a.parts.as_slice())
    else {
        return None;
    };
    if is_class_getter(key) {
        return None;
    }
    let m = m.try_borrow().ok()?;
    match m.built_str(key) {
        Some(Some(Value::Str(s))) => return str_fn_call(st, f, s, 2, out),
        Some(_) => return None,
        None => {}
    }
    match m.str_member_to_escape(key)? {
        StrMember::Text(s) => str_fn_call(st, f, s, 2, out),
        escaped => {
            if !st.budget.try_steps(2) {
                return None;
            }
            Some(write_js_escaped_charged(escaped, out, st.budget))
        }
    }
}

/// [`write_str_fn_call`] of the string `s`, charged `steps` steps before
/// its scan.
#[inline(always)]
fn str_fn_call(
    st: &State<'_>,
    f: fn(&str, &mut String),
    s: &str,
    steps: u64,
    out: &mut String,
) -> Option<Result<(), Exceeded>> {
    let scan = (s.len() / super::budget::BYTES_PER_STEP) as u64;
    if s.len() > super::budget::CHUNK || !st.budget.try_steps(steps + scan) {
        return None;
    }
    let before = out.len();
    f(s, out);
    Some(st.budget.alloc(out.len() - before))
}

/// The string `$m.get(k)` finds, when the key is a string ([`str_key`])
/// and the value a string: what the general path would print. `None` for
/// anything else (nothing charged).
#[inline(never)]
fn map_get_printable(st: &State<'_>, m: &super::value::MapRef, arg: &Expr) -> Option<Value> {
    let (key, _) = str_key(st, arg)?;
    // `get` borrows the map as the value path does (see `map_get_str`).
    let m = m.try_borrow_mut().ok()?;
    match m.built_str(key)? {
        Some(v @ Value::Str(_)) => Some(v.clone()),
        _ => None,
    }
}

/// The key `k` of a `$m.get(k)` read in place, with its span: a string
/// literal, or a variable holding a string (a variable that holds one is
/// read as it is by the general path too: a `#define` body is only the
/// value of a null variable).
#[inline(always)]
fn str_key<'a>(st: &'a State<'_>, k: &Expr) -> Option<(&'a str, Span)> {
    match k {
        Expr::Str(span, id) => Some((st.string_text(*id), *span)),
        Expr::Ref(kr) if kr.parts.is_empty() => match st.slots.get(kr.root as usize)? {
            Value::Str(s) => Some((s, kr.span)),
            _ => None,
        },
        _ => None,
    }
}

/// What the general path charges for a printed `$m.get(k)` before it
/// prints: the reference's step, the key's, and `get`'s size check.
#[inline(always)]
fn charge_map_get(
    st: &State<'_>,
    src: &str,
    span: Span,
    get: Span,
    arg: &Expr,
    v: &Value,
) -> R<()> {
    st.step(src, span)?;
    st.step(src, arg.span())?;
    check_value_size(st, src, get, v)
}

/// The block an `#if` chose. One text node (`#if($foreach.hasNext),#end`)
/// is written here, as [`render_block`] writes it, without the call.
#[inline(always)]
fn render_branch(st: &mut State<'_>, src: &str, body: &[Node], out: &mut String) -> R<Flow> {
    if let [Node::Text(span, text)] = body {
        if shortcuts() {
            write_text_node(st, src, *span, text, out)?;
            return Ok(Flow::NORMAL);
        }
    }
    render_block(st, src, body, out)
}

/// A text node: its step, then its bytes (as [`render_node`] charges and
/// writes it).
#[inline(always)]
fn write_text_node(
    st: &mut State<'_>,
    src: &str,
    span: Span,
    text: &str,
    out: &mut String,
) -> R<()> {
    st.budget
        .step_and_build(text.len())
        .map_err(|e| st.exceeded(src, span, e))?;
    write_text(st, src, span, text, out)
}

/// A text node's bytes (its step taken).
#[inline(always)]
fn render_text(st: &mut State<'_>, src: &str, span: Span, text: &str, out: &mut String) -> R<()> {
    st.budget
        .build(text.len())
        .map_err(|e| st.exceeded(src, span, e))?;
    write_text(st, src, span, text, out)
}

/// A text node's bytes, charged already.
#[inline(always)]
fn write_text(st: &mut State<'_>, src: &str, span: Span, text: &str, out: &mut String) -> R<()> {
    let start = out.len();
    super::print::push_short(out, text);
    st.wrote(src, span, start, out.len())
}

fn render_node(st: &mut State<'_>, src: &str, node: &Node, out: &mut String) -> R<Flow> {
    st.step(src, node.span())?;
    match node {
        Node::Text(span, text) => render_text(st, src, *span, text, out)?,
        Node::Ref(r) => {
            let start = out.len();
            let flow = render_ref(st, src, r, out)?;
            st.wrote(src, r.span, start, out.len())?;
            return Ok(flow);
        }
        Node::Set { target, value, .. } => {
            let v = eval(st, src, value)?;
            if !v.is_null() {
                assign(st, src, target, v)?;
            }
        }
        Node::If {
            branches,
            otherwise,
            has_next,
            ..
        } => {
            for (i, (cond, body)) in branches.iter().enumerate() {
                // `#if($foreach.hasNext)` read here, charged as `condition`
                // charges it, without the call (the first condition's slot
                // found when the template compiled).
                let known = match (i, has_next) {
                    (0, Some(slot)) => slot_has_next(st, *slot),
                    (0, None) => None,
                    _ => innermost_has_next(st, cond),
                };
                let truth = match known {
                    Some(b) if shortcuts() => {
                        st.budget
                            .step()
                            .map_err(|e| st.exceeded(src, cond.span(), e))?;
                        b
                    }
                    _ => condition(st, src, cond)?,
                };
                if truth {
                    return render_branch(st, src, body, out);
                }
            }
            if let Some(body) = otherwise {
                return render_branch(st, src, body, out);
            }
        }
        Node::Foreach {
            span,
            var,
            iterable,
            body,
        } => return render_foreach(st, src, *span, *var, iterable, body, out),
        Node::Break(_, None) => return Ok(Flow::BREAK),
        Node::Break(span, Some(scope)) => return break_to(st, src, *span, scope),
        Node::Stop(_) => return Ok(Flow::STOP),
        // A definition prints nothing: Velocity registers it; API Gateway drops it
        // (recorded against AWS: `#macro(m)…#end#m()` prints `#m()`).
        Node::Macro(_) => {}
        Node::MacroCall { span, name, args } => {
            return render_macro_call(st, src, *span, name, args, out)
        }
        Node::Define {
            slot, body, height, ..
        } => define(st, src, *slot, body, *height),
        Node::Evaluate { span, arg } => {
            if st.apigw() {
                out.push_str(span.text(src));
                st.check_output(src, *span, out.len())?;
            } else {
                return render_evaluate(st, src, *span, arg, out);
            }
        }
        Node::Include { span, kind } => return Err(include(st, src, *span, *kind)),
    }
    Ok(Flow::NORMAL)
}

// The rarer statements live out of `render_node`, in functions of their own:
// the frame of `render_node` is what each level of a template's nesting costs
// on the stack.

/// `#break($scope)`.
#[inline(never)]
fn break_to(st: &mut State<'_>, src: &str, span: Span, scope: &Expr) -> R<Flow> {
    let v = eval(st, src, scope)?;
    if let Value::Object(o) = &v {
        let addr = Rc::as_ptr(o) as *const () as usize;
        if st
            .scopes
            .iter()
            .any(|s| Rc::as_ptr(s) as *const () as usize == addr)
        {
            return Ok(Flow::break_to(addr));
        }
    }
    Err(st.err(
        src,
        span,
        RenderErrorKind::Invalid,
        format!("{} is not a valid #foreach scope", scope.span().text(src)),
    ))
}

/// `#define($slot)body#end`.
#[inline(never)]
fn define(st: &mut State<'_>, src: &str, slot: Slot, body: &Arc<Block>, height: u32) {
    let own_src = if std::ptr::eq(src, st.main_src) {
        None
    } else {
        Some(Rc::from(src))
    };
    let def = DefineBody {
        src: own_src,
        body: body.clone(),
        height,
    };
    st.set(slot, Value::Null);
    st.set_define(slot, Some(def));
}

/// `#include` and `#parse`.
#[cold]
#[inline(never)]
fn include(st: &State<'_>, src: &str, span: Span, kind: IncludeKind) -> Box<RenderError> {
    let what = match kind {
        IncludeKind::Include => "#include",
        IncludeKind::Parse => "#parse",
    };
    st.err(
        src,
        span,
        RenderErrorKind::Unsupported,
        format!("{what} is not supported: templates have no file access"),
    )
}

#[inline(never)]
fn render_ref(st: &mut State<'_>, src: &str, r: &Reference, out: &mut String) -> R<Flow> {
    if let Some(res) = write_plain(st, r, out) {
        res.map_err(|e| st.exceeded(src, r.span, e))?;
        return Ok(Flow::NORMAL);
    }
    render_ref_general(st, src, r, out)
}

/// [`render_ref`] of a reference [`write_plain`] did not print.
fn render_ref_general(st: &mut State<'_>, src: &str, r: &Reference, out: &mut String) -> R<Flow> {
    let escaped = r.backslashes % 2 == 1;
    let half = (r.backslashes / 2) as usize;
    // The reference as written, without its backslashes (printed when
    // escaped or null).
    let literal = || r.span.text(src).trim_start_matches('\\');

    // A `#define` block renders in place.
    if r.parts.is_empty() && !escaped {
        if let Some(def) = st.define(r.root).cloned() {
            push_backslashes(out, half);
            return render_define(st, src, r.span, &def, out);
        }
    }

    let value = if r.backslashes == 0 {
        match render_host_call(st, src, r, out)? {
            Some(v) => v,
            None => return Ok(Flow::NORMAL),
        }
    } else {
        eval_ref(st, src, r)?
    };
    if escaped {
        push_backslashes(out, half);
        if value.is_null() {
            out.push('\\');
        }
        out.push_str(literal());
        return Ok(Flow::NORMAL);
    }
    if value.is_null() {
        if st.apigw() {
            push_backslashes(out, half);
            if st.opts.null_mode == NullMode::JsonNull {
                out.push_str("null");
            }
            return Ok(Flow::NORMAL);
        }
        push_backslashes(out, half * 2);
        if !r.silent {
            let literal = literal();
            match st.arg_literals.get(literal) {
                Some(arg) => out.push_str(arg),
                None => out.push_str(literal),
            }
        }
        return Ok(Flow::NORMAL);
    }
    push_backslashes(out, half);
    value
        .write_java(out, st.budget)
        .map_err(|e| st.exceeded(src, r.span, e))?;
    Ok(Flow::NORMAL)
}

/// Is `$map.name` the getter every object has (`getClass()`), not the map's
/// `get("name")`?
#[inline(always)]
fn is_class_getter(name: &str) -> bool {
    matches!(name, "class" | "Class")
}

/// The common references, `$name`, and `$name.key` or `$name.a.b` through
/// maps, printed straight from the variable when they have a value: nothing
/// is cloned but the maps on the way. `None`: not such a reference, or null
/// (the caller then does the rest).
#[inline]
fn write_plain(st: &State<'_>, r: &Reference, out: &mut String) -> Option<Result<(), Exceeded>> {
    if r.backslashes != 0 || !shortcuts() {
        return None;
    }
    let root = st.slots.get(r.root as usize)?;
    match r.parts.as_slice() {
        [] if !root.is_null() && st.define(r.root).is_none() => {
            Some(root.write_java(out, st.budget))
        }
        [RefPart::Property(_, name)] => {
            let Value::Map(m) = root else {
                return None;
            };
            write_map_member(st, m, name, out)
        }
        [_, _, ..] => write_chain(st, root, &r.parts, out),
        _ => None,
    }
}

/// [`write_plain`] of `$m.name` on a map `m`.
#[inline(always)]
fn write_map_member(
    st: &State<'_>,
    m: &super::value::MapRef,
    name: &str,
    out: &mut String,
) -> Option<Result<(), Exceeded>> {
    if is_class_getter(name) {
        return None;
    }
    let m = m.try_borrow().ok()?;
    let start = out.len();
    if m.write_member(name, out) {
        return Some(st.budget.alloc(out.len() - start));
    }
    m.with_str(name, |v| match v {
        Some(v) if !v.is_null() => Some(v.write_java(out, st.budget)),
        _ => None,
    })
}

/// [`write_plain`] of `$a.b.c`: through the maps on the way, each held while
/// the next is found.
#[inline(never)]
fn write_chain(
    st: &State<'_>,
    root: &Value,
    parts: &[RefPart],
    out: &mut String,
) -> Option<Result<(), Exceeded>> {
    let (RefPart::Property(_, last), path) = parts.split_last()? else {
        return None;
    };
    let Value::Map(m) = root else {
        return None;
    };
    let mut held: Option<super::value::MapRef> = None;
    for part in path {
        let RefPart::Property(_, name) = part else {
            return None;
        };
        if is_class_getter(name) {
            return None;
        }
        let next = {
            let cur = held.as_ref().unwrap_or(m).try_borrow().ok()?;
            cur.with_str(name, |v| match v {
                Some(Value::Map(next)) => Some(Rc::clone(next)),
                _ => None,
            })?
        };
        held = Some(next);
    }
    write_map_member(st, held.as_ref().unwrap_or(m), last, out)
}

/// The value of a printed reference, except when it ends in a call on a host
/// object that writes its result straight into `out` (`$input.json('$')` over a
/// large body): then `None`, the output written.
fn render_host_call(
    st: &mut State<'_>,
    src: &str,
    r: &Reference,
    out: &mut String,
) -> R<Option<Value>> {
    let Some((last @ RefPart::Method(span, name, args), prefix)) = r.parts.split_last() else {
        return eval_ref(st, src, r).map(Some);
    };
    let recv = eval_parts(st, src, r, prefix)?;
    let Value::Object(o) = &recv else {
        if recv.is_null() {
            return Ok(Some(Value::Null));
        }
        return eval_part(st, src, &recv, last).map(Some);
    };
    // One argument is held as it is (no argument vector to fill and drop).
    let (one, many);
    let vals: &[Value] = match &**args {
        [arg] if o.escapes_javascript(name) => {
            if let Some(res) = write_str_arg_call(st, src, o, name, arg, out) {
                res?.map_err(|e| st.call_failed(src, *span, Some(name), *e))?;
                return Ok(None);
            }
            match escaped_arg(st, src, arg, out)? {
                Some(v) => {
                    one = v;
                    std::slice::from_ref(&one)
                }
                None => return Ok(None),
            }
        }
        _ => {
            many = eval_args(st, src, args)?;
            &many
        }
    };
    let res = match o.write_call(name, vals, out, st.budget) {
        Some(r) => r.map(|()| None),
        None => match methods::call_method(&recv, name, vals, st.budget) {
            None => Ok(Some(Value::Null)),
            Some(r) => r.map(Some),
        },
    };
    res.map_err(|e| st.call_failed(src, *span, Some(name), e))
}

/// Whether the walker takes its shortcuts (paths that print or pass a value
/// without making it). Tests turn them off to check that each shortcut
/// renders, charges and fails as the general path does.
#[cfg(not(test))]
#[inline(always)]
fn shortcuts() -> bool {
    true
}

#[cfg(test)]
thread_local! {
    static SHORTCUTS: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

#[cfg(test)]
fn shortcuts() -> bool {
    SHORTCUTS.with(std::cell::Cell::get)
}

/// A printed `$obj.name(arg)` on an object that escapes
/// ([`HostObject::escapes_javascript`]: `$util.escapeJavaScript`) whose
/// argument is a string read where it lies: `$s`, `$map.key` (a request
/// body's member not yet built is read from the body's text), or
/// `$map.get($k)` / `$map.get('k')`. The object writes the call with the
/// string's text ([`HostObject::write_str_call`]); no value is made or cloned.
/// Charged as the value path charges: the argument's step, the key's step and
/// `get`'s size check. `None`: not such a call, or not a string (nothing
/// charged or written; the caller goes on as before).
#[inline(never)]
fn write_str_arg_call(
    st: &State<'_>,
    src: &str,
    o: &Rc<dyn HostObject>,
    name: &str,
    arg: &Expr,
    out: &mut String,
) -> Option<R<Result<(), Box<CallError>>>> {
    let Expr::Ref(r) = arg else {
        return None;
    };
    if !shortcuts() {
        return None;
    }
    let root = st.slots.get(r.root as usize)?;
    let call = StrCall {
        st,
        src,
        o,
        name,
        arg_span: r.span,
    };
    match (root, r.parts.as_slice()) {
        (Value::Str(s), []) => call.on(s, None, out),
        (Value::Map(m), [RefPart::Property(_, key)]) if !is_class_getter(key) => {
            member_arg_call(call, m, key, out)
        }
        (Value::Map(m), [RefPart::Method(get, method, args)]) if &**method == "get" => {
            let [k] = &**args else {
                return None;
            };
            let (key, key_span) = str_key(st, k)?;
            // `get` borrows the map as the value path does (see `map_get_str`).
            let m = m.try_borrow_mut().ok()?;
            if let Some(v) = m.built_str(key) {
                return match v {
                    Some(Value::Str(s)) => call.on(s, Some((key_span, *get)), out),
                    _ => None,
                };
            }
            let mut done = None;
            m.with_str(key, |v| {
                if let Some(Value::Str(s)) = v {
                    done = call.on(s, Some((key_span, *get)), out);
                }
            });
            done
        }
        _ => None,
    }
}

/// [`write_str_arg_call`] of `$map.key`: a built map's member read in
/// place, a request body's object not built yet read from the body's text.
/// Out of line: the rest of [`write_str_arg_call`] (`$map.get($k)` of the
/// all-params template) keeps the frame it had without this arm's registers.
#[inline(never)]
fn member_arg_call(
    call: StrCall<'_, '_>,
    m: &super::value::MapRef,
    key: &str,
    out: &mut String,
) -> Option<R<Result<(), Box<CallError>>>> {
    let m = m.try_borrow().ok()?;
    if let Some(v) = m.built_str(key) {
        return match v {
            Some(Value::Str(s)) => call.on(s, None, out),
            _ => None,
        };
    }
    match m.str_member_to_escape(key) {
        Some(StrMember::Text(s)) => call.on(s, None, out),
        Some(escaped) => Some(
            call.step()
                .map(|()| write_js_escaped(escaped, out, call.st.budget)),
        ),
        None => m.with_str(key, |v| match v {
            Some(Value::Str(s)) => call.on(s, None, out),
            _ => None,
        }),
    }
}

/// The call [`write_str_arg_call`] writes, and what it is charged.
#[derive(Clone, Copy)]
struct StrCall<'c, 's> {
    st: &'c State<'s>,
    src: &'c str,
    o: &'c Rc<dyn HostObject>,
    name: &'c str,
    /// The argument's span.
    arg_span: Span,
}

impl StrCall<'_, '_> {
    /// The argument's step.
    #[inline(always)]
    fn step(self) -> R<()> {
        self.st.step(self.src, self.arg_span)
    }

    /// The argument's step, then, when the string is `get(k)`'s value
    /// (`key`: the key's span and `get`'s), the key's step and `get`'s size
    /// check of the string's `len`.
    #[inline(always)]
    fn charge(self, len: usize, key: Option<(Span, Span)>) -> R<()> {
        // `State::step` and `State::check_output`, inlined (both fail out of line).
        let (st, src) = (self.st, self.src);
        st.budget
            .step()
            .map_err(|e| st.exceeded(src, self.arg_span, e))?;
        if let Some((k, get)) = key {
            st.budget.step().map_err(|e| st.exceeded(src, k, e))?;
            if len > st.opts.limits.output_max {
                return st.check_output(src, get, len);
            }
        }
        Ok(())
    }

    /// The call on the string `s`, charged first ([`StrCall::charge`]).
    /// `None`: the object does not write the call (its steps are taken).
    #[inline(always)]
    fn on(
        self,
        s: &str,
        key: Option<(Span, Span)>,
        out: &mut String,
    ) -> Option<R<Result<(), Box<CallError>>>> {
        if let Err(e) = self.charge(s.len(), key) {
            return Some(Err(e));
        }
        match self.o.write_str_call(self.name, s, out, self.st.budget)? {
            Ok(()) => Some(Ok(Ok(()))),
            Err(e) => Some(Ok(Err(e))),
        }
    }
}

/// `escapeJavaScript` of a document's string written with escapes, straight
/// from its text ([`StrMember::JsEscaped`]), charged as the call on the
/// decoded string is: a scan of it, then what it built (nothing written when
/// the scan is over the budget).
#[inline(always)]
fn write_js_escaped(
    escaped: StrMember<'_>,
    out: &mut String,
    budget: &Budget,
) -> Result<(), Box<CallError>> {
    write_js_escaped_charged(escaped, out, budget).map_err(|e| Box::new(CallError::from(e)))
}

/// [`write_js_escaped`] with the budget's error as it is: the decoded
/// length charged as a scan (nothing written when that fails), then what
/// was written.
#[inline(always)]
fn write_js_escaped_charged(
    escaped: StrMember<'_>,
    out: &mut String,
    budget: &Budget,
) -> Result<(), Exceeded> {
    let start = out.len();
    let decoded = escaped.write_js_escaped(out).unwrap_or(0);
    if let Err(e) = budget.scan(decoded) {
        out.truncate(start);
        return Err(e);
    }
    budget.alloc(out.len() - start)
}

/// The argument of a printed `escapeJavaScript` call. When it is a call on a
/// host object that writes its result escaped (`$input.json('$')`), that is
/// written into `out`: `None`. Else the argument's value, evaluated as
/// [`eval`] does.
fn escaped_arg(st: &mut State<'_>, src: &str, arg: &Expr, out: &mut String) -> R<Option<Value>> {
    let Expr::Ref(r) = arg else {
        return eval(st, src, arg).map(Some);
    };
    let Some((last @ RefPart::Method(span, name, args), prefix)) = r.parts.split_last() else {
        return eval(st, src, arg).map(Some);
    };
    st.step(src, arg.span())?;
    let recv = eval_parts(st, src, r, prefix)?;
    let Value::Object(o) = &recv else {
        if recv.is_null() {
            return Ok(Some(Value::Null));
        }
        return eval_part(st, src, &recv, last).map(Some);
    };
    let vals = eval_args(st, src, args)?;
    match o.write_escaped_call(name, &vals, out, st.budget) {
        Some(Ok(())) => Ok(None),
        Some(Err(e)) => Err(st.call_failed(src, *span, Some(name), e)),
        None => match methods::call_method(&recv, name, &vals, st.budget) {
            None => Ok(Some(Value::Null)),
            Some(Ok(v)) => {
                check_value_size(st, src, *span, &v)?;
                Ok(Some(v))
            }
            Some(Err(e)) => Err(st.call_failed(src, *span, Some(name), e)),
        },
    }
}

fn push_backslashes(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push('\\');
    }
}

#[inline(never)]
fn render_define(
    st: &mut State<'_>,
    src: &str,
    span: Span,
    def: &DefineBody,
    out: &mut String,
) -> R<Flow> {
    st.enter(src, span, Some(def.height))?;
    let main = st.main_src;
    let body_src: &str = def.src.as_deref().unwrap_or(main);
    let mut flow = render_block(st, body_src, &def.body, out);
    if def.src.is_some() {
        // `#evaluate`d text, no part of the template: at the reference.
        flow = flow.map_err(|e| placed_at(e, src, span));
    }
    st.leave(Some(def.height));
    // `#break` ends the body; `#stop` and `#break($scope)` go on up (1.7's Block).
    match flow? {
        Flow::BREAK => Ok(Flow::NORMAL),
        other => Ok(other),
    }
}

#[inline]
fn lookup_root(st: &mut State<'_>, src: &str, r: &Reference) -> R<Value> {
    let v = st.get(r.root);
    if !v.is_null() {
        return Ok(v.clone());
    }
    lookup_define(st, src, r)
}

/// The root of `r` when its variable is null: a `#define` block's text, or null.
#[inline(never)]
fn lookup_define(st: &mut State<'_>, src: &str, r: &Reference) -> R<Value> {
    if let Some(def) = st.define(r.root).cloned() {
        let mut s = String::new();
        render_define(st, src, r.span, &def, &mut s)?;
        return Ok(Value::Str(JStr::from(s)));
    }
    Ok(Value::Null)
}

/// The value of a reference; `Null` when it or any step of its chain is undefined.
fn eval_ref(st: &mut State<'_>, src: &str, r: &Reference) -> R<Value> {
    // `$name.key` on a map or a host object (`$foreach.hasNext`): read in
    // place, the variable not cloned.
    if let [RefPart::Property(_, name)] = r.parts.as_slice() {
        match st.slots.get(r.root as usize) {
            Some(Value::Map(m)) if !is_class_getter(name) => {
                return Ok(m.try_borrow().map_or(Value::Null, |m| m.get_str(name)));
            }
            Some(Value::Object(o)) => return Ok(o.property(name).unwrap_or(Value::Null)),
            _ => {}
        }
    }
    eval_parts(st, src, r, &r.parts)
}

/// The root of `r` followed through `parts` (the first of its parts, or all
/// of them); null from the first null on.
#[inline(always)]
fn eval_parts(st: &mut State<'_>, src: &str, r: &Reference, parts: &[RefPart]) -> R<Value> {
    let mut cur = lookup_root(st, src, r)?;
    for part in parts {
        if cur.is_null() {
            return Ok(Value::Null);
        }
        cur = eval_part(st, src, &cur, part)?;
    }
    Ok(cur)
}

fn eval_part(st: &mut State<'_>, src: &str, cur: &Value, part: &RefPart) -> R<Value> {
    match part {
        RefPart::Property(span, name) => {
            // A map's property is `get(name)`, unless the name is a getter every
            // object has (`class`): no need to try the getters first.
            if let Value::Map(m) = cur {
                if !is_class_getter(name) {
                    return Ok(m.try_borrow().map_or(Value::Null, |m| m.get_str(name)));
                }
            }
            Ok(methods::get_property(cur, name, st.budget)
                .map_err(|e| st.call_failed(src, *span, None, e))?
                .unwrap_or(Value::Null))
        }
        RefPart::Method(span, name, args) => {
            let vals = match (cur, &**args, &**name) {
                (Value::Map(m), [arg], "get") => {
                    // The most common call, looked up in place without the
                    // method dispatch (no method every object has is named
                    // `get`); anything else goes on to the general call.
                    let key = eval(st, src, arg)?;
                    if let Some(v) = methods::map_get_str(m, &key) {
                        check_value_size(st, src, *span, &v)?;
                        return Ok(v);
                    }
                    smallvec::smallvec![key]
                }
                _ => eval_args(st, src, args)?,
            };
            match methods::call_method(cur, name, &vals, st.budget) {
                None => Ok(Value::Null),
                Some(Ok(v)) => {
                    check_value_size(st, src, *span, &v)?;
                    Ok(v)
                }
                Some(Err(e)) => Err(st.call_failed(src, *span, Some(name), e)),
            }
        }
        RefPart::Index(span, idx) => {
            let i = eval(st, src, idx)?;
            match methods::get_index(cur, &i, st.budget) {
                Ok(v) => Ok(v.unwrap_or(Value::Null)),
                Err(e) => Err(st.call_failed(src, *span, None, e)),
            }
        }
    }
}

/// A call's arguments, evaluated in order; most calls take at most two, kept
/// off the heap.
#[inline]
fn eval_args(st: &mut State<'_>, src: &str, args: &[Expr]) -> R<SmallVec<[Value; 2]>> {
    let mut vals = SmallVec::with_capacity(args.len());
    for a in args {
        vals.push(eval(st, src, a)?);
    }
    Ok(vals)
}

/// Strings and lists made by methods or operators stay within the output limit.
#[inline]
fn check_value_size(st: &State<'_>, src: &str, span: Span, v: &Value) -> R<()> {
    let max = st.opts.limits.output_max;
    // A body's container not yet built is not built to be counted when it
    // cannot hold more than the limit (`$input.path('$')` stays lazy).
    let len = match v {
        Value::Str(s) => s.len(),
        Value::List(l) => {
            let l = l.borrow();
            match l.items.unbuilt_size_bound() {
                Some(bound) if bound <= max => 0,
                _ => l.items.len(),
            }
        }
        Value::Map(m) => {
            let m = m.borrow();
            match m.entries.unbuilt_size_bound() {
                Some(bound) if bound <= max => 0,
                _ => m.entries.len(),
            }
        }
        _ => 0,
    };
    st.check_output(src, span, len)
}

#[inline(never)]
fn assign(st: &mut State<'_>, src: &str, target: &Reference, v: Value) -> R<()> {
    let Some((last, prefix)) = target.parts.split_last() else {
        st.set_define(target.root, None);
        st.set(target.root, v);
        return Ok(());
    };
    let obj = eval_parts(st, src, target, prefix)?;
    if obj.is_null() {
        return Ok(());
    }
    let res = match last {
        RefPart::Property(_, name) => methods::set_property(&obj, name, v, st.budget),
        RefPart::Index(_, idx) => {
            let i = eval(st, src, idx)?;
            methods::set_index(&obj, &i, v, st.budget)
        }
        RefPart::Method(..) => None,
    };
    match res {
        Some(Err(e)) => Err(st.call_failed(src, last.span(), None, e)),
        _ => Ok(()),
    }
}

/// 1.7's `evaluate`: the truth of an `#if` condition or a `&&`/`||`/`!` operand.
fn condition(st: &mut State<'_>, src: &str, e: &Expr) -> R<bool> {
    st.step(src, e.span())?;
    Ok(match e {
        Expr::Ref(r) => {
            if let Some(b) = innermost_has_next(st, e) {
                return Ok(b);
            }
            // `$obj.name` on a host object: as `eval_ref` reads it, without
            // handing the value back through it.
            if let [RefPart::Property(_, name)] = r.parts.as_slice() {
                if let Some(Value::Object(o)) = st.slots.get(r.root as usize) {
                    return Ok(match o.property(name) {
                        Some(v) => reference_truth(st, &v),
                        None => reference_truth(st, &Value::Null),
                    });
                }
            }
            let v = eval_ref(st, src, r)?;
            reference_truth(st, &v)
        }
        Expr::Bool(_, b) => *b,
        Expr::Paren(_, inner) => condition(st, src, inner)?,
        Expr::Not(_, inner) => !condition(st, src, inner)?,
        Expr::Binary(_, BinOp::And, l, r) => condition(st, src, l)? && condition(st, src, r)?,
        Expr::Binary(_, BinOp::Or, l, r) => condition(st, src, l)? || condition(st, src, r)?,
        Expr::Binary(
            span,
            op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge),
            l,
            r,
        ) => compare(st, src, *span, *op, l, r)?,
        _ => false,
    })
}

/// `e` read when it is the innermost loop's `$foreach.hasNext`: from the
/// loop's own scope, without the property call.
#[inline(always)]
fn innermost_has_next(st: &State<'_>, e: &Expr) -> Option<bool> {
    let Expr::Ref(r) = e else {
        return None;
    };
    slot_has_next(st, r.has_next_root()?)
}

/// `$x.hasNext` when the slot of `$x` holds the innermost loop's scope.
#[inline(always)]
fn slot_has_next(st: &State<'_>, slot: Slot) -> Option<bool> {
    let Some(Value::Object(o)) = st.slots.get(slot as usize) else {
        return None;
    };
    let top = st.scopes.last()?;
    std::ptr::addr_eq(Rc::as_ptr(o), Rc::as_ptr(top)).then(|| top.has_next())
}

/// The truth of a reference's value in `#if`, `!`, `&&` and `||`. Velocity 1.7:
/// null and `false` are false, anything else true. API Gateway (and
/// [`NullMode::JsonNull`]): a null or undefined reference is **true**, as the empty
/// string it reads as elsewhere (it prints empty, `null == ""`) is in 1.7. Recorded
/// on AWS: `#if($missing)`, `#if($jsonNull)` and `#if(${a.b.c})` over `{}` take the
/// branch, `!$jsonNull` and `not $jsonNull` are false.
fn reference_truth(st: &State<'_>, v: &Value) -> bool {
    if v.is_null() {
        return st.apigw();
    }
    ops::truthy(v)
}

fn compare(st: &mut State<'_>, src: &str, span: Span, op: BinOp, l: &Expr, r: &Expr) -> R<bool> {
    let lv = eval(st, src, l)?;
    let rv = eval(st, src, r)?;
    let res = if st.apigw() && matches!(op, BinOp::Eq | BinOp::Ne) {
        ops::compare_apigw(op, &lv, &rv, st.budget)
    } else {
        ops::compare(op, &lv, &rv, st.budget)
    };
    res.map_err(|e| st.op_failed(src, span, e))
}

/// 1.7's `value`: what an expression evaluates to. Expressions nest, so the
/// larger cases are functions of their own: this frame is what each level of
/// an expression's nesting costs on the stack.
fn eval(st: &mut State<'_>, src: &str, e: &Expr) -> R<Value> {
    st.step(src, e.span())?;
    match e {
        Expr::Ref(r) => eval_ref(st, src, r),
        Expr::Str(_, id) => Ok(st.string(*id)),
        Expr::Interpolated(span, block) => eval_interpolated(st, src, *span, block),
        Expr::Int(_, i) => Ok(Value::Int(*i)),
        Expr::Long(_, i) => Ok(Value::Long(*i)),
        Expr::Big(_, b) => Ok(Value::BigInt(Rc::new((**b).clone()))),
        Expr::Float(_, f) => Ok(Value::Double(*f)),
        Expr::Bool(_, b) => Ok(Value::Bool(*b)),
        Expr::List(span, items) => eval_list(st, src, *span, items),
        Expr::Range(span, from, to) => eval_range(st, src, *span, from, to),
        Expr::Map(span, entries) => eval_map(st, src, *span, entries),
        Expr::Not(_, inner) => Ok(Value::Bool(!condition(st, src, inner)?)),
        Expr::Paren(_, inner) => eval(st, src, inner),
        Expr::Binary(_, BinOp::And | BinOp::Or, ..) => Ok(Value::Bool(condition(st, src, e)?)),
        Expr::Binary(
            span,
            op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge),
            l,
            r,
        ) => Ok(Value::Bool(compare(st, src, *span, *op, l, r)?)),
        Expr::Binary(span, op, l, r) => eval_arith(st, src, *span, *op, l, r),
    }
}

/// A double-quoted string with references or directives in it.
#[inline(never)]
fn eval_interpolated(st: &mut State<'_>, src: &str, span: Span, block: &Block) -> R<Value> {
    st.enter(src, span, None)?;
    let mut s = String::new();
    let flow = render_block(st, src, block, &mut s);
    st.leave(None);
    flow?;
    st.check_output(src, span, s.len())?;
    if st.budget.saw_lone_surrogates() {
        return Ok(Value::str(&super::jstring::paired(&s)));
    }
    Ok(Value::Str(JStr::from(s)))
}

/// `[a, b, …]`.
#[inline(never)]
fn eval_list(st: &mut State<'_>, src: &str, span: Span, items: &[Expr]) -> R<Value> {
    st.budget
        .alloc(CONTAINER_BYTES + items.len() * VALUE_BYTES)
        .map_err(|e| st.exceeded(src, span, e))?;
    let mut vals = Vec::with_capacity(items.len());
    for i in items {
        vals.push(eval(st, src, i)?);
    }
    Ok(Value::new_list(vals))
}

/// `[a..b]`: every element is built (and charged).
#[inline(never)]
fn eval_range(st: &mut State<'_>, src: &str, span: Span, from: &Expr, to: &Expr) -> R<Value> {
    let a = eval(st, src, from)?;
    let b = eval(st, src, to)?;
    let (Some(a), Some(b)) = (int_value(&a), int_value(&b)) else {
        return Ok(Value::Null);
    };
    let n = (a - b).unsigned_abs() as usize + 1;
    if n > st.opts.limits.range_max {
        return Err(st.err(
            src,
            span,
            RenderErrorKind::Limit,
            format!(
                "range [{a}..{b}] has more than {} elements",
                st.opts.limits.range_max
            ),
        ));
    }
    st.budget.slots(n).map_err(|e| st.exceeded(src, span, e))?;
    let items: Vec<Value> = if a <= b {
        (a..=b).map(|i| Value::Int(i as i32)).collect()
    } else {
        (b..=a).rev().map(|i| Value::Int(i as i32)).collect()
    };
    Ok(Value::new_list(items))
}

/// `{k: v, …}`.
#[inline(never)]
fn eval_map(st: &mut State<'_>, src: &str, span: Span, entries: &[(Expr, Expr)]) -> R<Value> {
    st.budget
        .alloc(CONTAINER_BYTES + entries.len() * ENTRY_BYTES)
        .map_err(|e| st.exceeded(src, span, e))?;
    let mut m = crate::eval::value::entries_with_capacity(entries.len());
    for (k, v) in entries {
        let key_span = k.span();
        let k = eval(st, src, k)?;
        let v = eval(st, src, v)?;
        let k = k
            .to_key(st.budget)
            .map_err(|e| st.exceeded(src, key_span, e))?;
        m.insert(k, v);
    }
    Ok(Value::new_map(m))
}

/// `l op r` for `+ - * / %`.
#[inline(never)]
fn eval_arith(
    st: &mut State<'_>,
    src: &str,
    span: Span,
    op: BinOp,
    l: &Expr,
    r: &Expr,
) -> R<Value> {
    let lv = eval(st, src, l)?;
    let rv = eval(st, src, r)?;
    let lit = |left: bool| -> String { operand_literal(if left { l } else { r }, src).to_string() };
    let v = ops::arith(op, &lv, &rv, &lit, st.budget).map_err(|e| st.op_failed(src, span, e))?;
    check_value_size(st, src, span, &v)?;
    Ok(v)
}

/// The text 1.7 concatenates for an operand of `+` that is null next to a
/// string (its node's `literal()`: the node's tokens, blanks included).
/// - A reference: as written.
/// - `( e )`: what is inside the parentheses (the parentheses make no node).
/// - `a op b` (a null from arithmetic): the parser opens the operator's node
///   after the operator, so its tokens are the right operand's, with the
///   blanks before it and those after it (`1 / 0 + ""` gives `" 0 "`).
fn operand_literal<'s>(e: &Expr, src: &'s str) -> &'s str {
    let span = e.span();
    let (start, end) = match e {
        Expr::Paren(..) => (
            span.start as usize + 1,
            (span.end as usize).saturating_sub(1),
        ),
        Expr::Binary(_, _, l, r) => {
            let (l_end, r_start) = (l.span().end as usize, r.span().start as usize);
            // The operator is the one character between the operands that
            // is not a blank.
            let between = src.get(l_end..r_start).unwrap_or("");
            let op = whitespace_len(between.as_bytes());
            let r_end = r.span().end as usize;
            let blanks = whitespace_len(src.get(r_end..).unwrap_or("").as_bytes());
            (l_end + op + 1, r_end + blanks)
        }
        _ => return span.text(src),
    };
    src.get(start..end).unwrap_or_else(|| span.text(src))
}

/// The `int` a range end converts to (1.7 takes `intValue()` of any Number).
fn int_value(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i as i64),
        Value::Short(i) => Some(i64::from(*i)),
        Value::Byte(i) => Some(i64::from(*i)),
        Value::Long(i) => Some(*i as i32 as i64),
        Value::Double(d) => Some(*d as i32 as i64),
        Value::Float(f) => Some(*f as i32 as i64),
        Value::BigInt(b) => {
            let (_, digits) = b.to_u32_digits();
            let low = digits.first().copied().unwrap_or(0) as i32;
            Some(if b.sign() == num_bigint::Sign::Minus {
                low.wrapping_neg()
            } else {
                low
            } as i64)
        }
        Value::Decimal(d) => Some(i64::from(d.int_value())),
        _ => None,
    }
}

/// Iteration state over a live list or map, as a Java iterator sees it.
enum Iter {
    /// A list, the next item's place, and the size and modification count
    /// the list had when the loop began (what `next()` checks).
    List(super::value::ListRef, usize, usize, u32),
    /// A map's values (`#foreach` over the map), or the elements of one of
    /// its views: the next entry's place, the size the map had when the
    /// loop began, its modification count then, and the view.
    Map(super::value::MapRef, usize, usize, u32, MapView),
    /// A `java.util.Iterator` (`$list.iterator()`), walked by calling it:
    /// the loop consumes it.
    Host(Rc<dyn HostObject>),
    /// A list read from a request body and not built: its items read one at
    /// a time ([`Walk`]) while it stays so; the next item's place and the
    /// list's modification count when the loop began. Once the list is
    /// built (by the loop's body, or because the loop's item is kept),
    /// walked as [`Iter::List`] from there.
    Walk(super::value::ListRef, Walk, usize, u32),
}

impl Iter {
    /// What `#foreach` walks over `v`: a list's items, a map's values, or a
    /// map view's elements (`None`: anything else, which it skips).
    fn of(v: &Value) -> Option<Iter> {
        Some(match v {
            Value::List(l) => {
                let list = l.borrow();
                let walk = list.items.source_rc().filter(|_| shortcuts());
                if let Some(walk) = walk.and_then(|(t, n)| Walk::start(t, n)) {
                    return Some(Iter::Walk(l.clone(), walk, 0, list.mods));
                }
                let (len, mods) = (list.items.len(), list.mods);
                drop(list);
                Iter::List(l.clone(), 0, len, mods)
            }
            Value::Map(m) => Iter::of_map(m.clone(), MapView::Values),
            Value::Object(o) if o.iterator().is_some() => Iter::Host(o.clone()),
            Value::Object(o) => {
                let (m, kind) = o.map_view()?;
                Iter::of_map(m, kind)
            }
            _ => return None,
        })
    }

    /// The `kind` elements of the map `m`, from the first.
    fn of_map(m: super::value::MapRef, kind: MapView) -> Iter {
        let (len, mods) = methods::map_stamp(&m);
        Iter::Map(m, 0, len, mods, kind)
    }

    /// Java's `hasNext()`: an `ArrayList`'s iterator compares its cursor with
    /// the list's size now (a list that shrank below it has a next, and
    /// `next()` throws); a map's knows its next entry from its last
    /// `next()`, so an entry put during the last iteration is not reached
    /// (and `next()` is never called to fail on it).
    #[inline(always)]
    fn has_next(&self) -> bool {
        match self {
            Iter::List(l, i, ..) => *i != l.borrow().items.len(),
            Iter::Map(_, i, len, ..) => *i < *len,
            Iter::Host(o) => host_has_next(o),
            Iter::Walk(l, w, i, _) => walk_has_next(l, w, *i),
        }
    }

    /// A walk from here on over its list built: [`Iter::List`] at the same
    /// place (the list built now if it is not: its build takes the lent
    /// item in its place).
    #[cold]
    #[inline(never)]
    fn walk_to_list(&mut self) {
        if let Iter::Walk(l, w, i, mods) = self {
            let len = {
                let list = l.borrow();
                if list.mods == *mods {
                    list.items.len()
                } else {
                    usize::MAX
                }
            };
            w.release();
            *self = Iter::List(l.clone(), *i, len, *mods);
        }
    }

    /// The loop ends, its variable `slot`: a walk gives back its lent
    /// item, or builds its list to hold it.
    fn finish(&mut self, slot: &Value) {
        if let Iter::Walk(l, w, ..) = self {
            if !w.finish(slot) {
                l.borrow().items.force();
                w.release();
            }
        }
    }

    /// The next value, into `slot` (whose value it replaces; `Err` on a
    /// concurrent modification: a list or map changed since the loop
    /// began, as Java's `modCount` counts changes). The value
    /// is written where it goes, not built aside and moved: a move right
    /// after it is built stalls the processor.
    #[inline(always)]
    fn next_into(&mut self, slot: &mut Value) -> Result<(), ()> {
        if let Iter::Walk(l, w, i, _) = self {
            if l.borrow().items.if_built().is_none() && w.next_into(slot) {
                *i += 1;
                return Ok(());
            }
            self.walk_to_list();
        }
        let old = match self {
            Iter::List(l, i, len, mods) => {
                let l = l.borrow();
                if l.items.len() != *len || l.mods != *mods {
                    return Err(());
                }
                let at = *i;
                *i += 1;
                match l.items.get(at) {
                    Some(v) => std::mem::replace(slot, v.clone()),
                    None => std::mem::take(slot),
                }
            }
            Iter::Map(m, i, _, mods, kind) => {
                let map = m.borrow();
                if map.entries.mods() != *mods {
                    return Err(());
                }
                let at = *i;
                *i += 1;
                match (map.entries.get_index(at), *kind) {
                    (Some((_, v)), MapView::Values) => std::mem::replace(slot, v.clone()),
                    // A string key (the common case) made in registers and
                    // stored once: `to_value`'s result, returned through
                    // memory and copied wider than it was written, stalled.
                    (Some((super::value::Key::Str(s), _)), MapView::Keys) => {
                        std::mem::replace(slot, Value::Str(s.clone()))
                    }
                    (Some((k, _)), MapView::Keys) => std::mem::replace(slot, k.to_value()),
                    (Some((k, v)), MapView::Entries) => {
                        std::mem::replace(slot, super::methods::map::MapEntry::value(m, k, v))
                    }
                    (None, _) => std::mem::take(slot),
                }
            }
            // Its `next()` throws only for a change during the loop.
            Iter::Host(o) => match host_next(o) {
                Some(v) => std::mem::replace(slot, v),
                None => return Err(()),
            },
            // Made a list above.
            Iter::Walk(..) => return Err(()),
        };
        old.discard();
        Ok(())
    }
}

/// [`Iter::has_next`] of a walk at the item `i` of the list `l`: Java's
/// `cursor != size()` once the list is built (by the loop's body).
#[inline(never)]
fn walk_has_next(l: &super::value::ListRef, w: &Walk, i: usize) -> bool {
    match l.borrow().items.if_built() {
        Some(items) => i != items.len(),
        None => w.has_next(),
    }
}

/// `hasNext()` of the iterator `o` (out of the loop's way: rare).
#[cold]
#[inline(never)]
fn host_has_next(o: &Rc<dyn HostObject>) -> bool {
    o.iterator().is_some_and(|i| i.has_next())
}

/// `next()` of the iterator `o`; `None` when it throws.
#[cold]
#[inline(never)]
fn host_next(o: &Rc<dyn HostObject>) -> Option<Value> {
    o.iterator().and_then(|i| i.next())?.ok()
}

/// `iterator()` of the list `o` that `#foreach` walks (a `subList` view).
#[cold]
#[inline(never)]
fn list_iterator(st: &State<'_>, src: &str, span: Span, o: &Rc<dyn HostObject>) -> R<Value> {
    match o.call("iterator", &[], st.budget) {
        Some(Ok(it)) => Ok(it),
        Some(Err(e)) => Err(st.err(src, span, RenderErrorKind::MethodFailed, e.to_string())),
        None => Ok(Value::Null),
    }
}

/// The map `$m` of an iterable `$m.keySet()`, when `$m` holds a map.
#[inline]
fn map_of_key_set(st: &State<'_>, iterable: &Expr) -> Option<super::value::MapRef> {
    let Expr::Ref(r) = iterable else {
        return None;
    };
    let [RefPart::Method(_, name, args)] = r.parts.as_slice() else {
        return None;
    };
    if !args.is_empty() || &**name != "keySet" || !shortcuts() {
        return None;
    }
    match st.slots.get(r.root as usize) {
        Some(Value::Map(m)) => Some(m.clone()),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn render_foreach(
    st: &mut State<'_>,
    src: &str,
    span: Span,
    var: Slot,
    iterable: &Expr,
    body: &Block,
    out: &mut String,
) -> R<Flow> {
    // `$m.keySet()` over a map: its keys, as the view's iterator hands them
    // out, without the view made (charged as `eval` charges the call).
    let mut iter = match map_of_key_set(st, iterable) {
        Some(m) => {
            st.step(src, iterable.span())?;
            Iter::of_map(m, MapView::Keys)
        }
        None => {
            let v = eval(st, src, iterable)?;
            let v = match &v {
                // A `subList` view: walked by its iterator, made now (it
                // throws when the view is stale).
                Value::Object(o) if o.is_list() => list_iterator(st, src, span, o)?,
                // Neither a map's view nor an iterator (which `Iter` walks).
                Value::Object(o) if o.map_view().is_none() && o.iterator().is_none() => {
                    // A `Map` object (`$foreach`): its map's values.
                    if let Some(m) = o.as_map() {
                        Value::Map(m)
                    } else {
                        // A stream: Velocity 1.7 finds its `iterator()`, on a
                        // class of the JDK it may not call (not public), and
                        // fails.
                        let class = super::value::host_class_name(o.as_ref());
                        if class.starts_with("java.util.stream.") {
                            let msg =
                                format!("Error invoking the method 'iterator' on class '{class}'");
                            return Err(st.err(src, span, RenderErrorKind::MethodFailed, &msg));
                        }
                        v.clone()
                    }
                }
                _ => v,
            };
            match Iter::of(&v) {
                Some(iter) => iter,
                None => return Ok(Flow::NORMAL),
            }
        }
    };

    // `$velocityCount` and `$velocityHasNext` are set only when something
    // can read them (the program names them, or runs `#evaluate`).
    let counters = st.prog.loop_counters || st.prog.evaluates;
    let saved_var = st.get(var).clone();
    let saved_counters = counters.then(|| {
        (
            st.get(SLOT_VELOCITY_COUNT).clone(),
            st.get(SLOT_VELOCITY_HAS_NEXT).clone(),
        )
    });
    let saved_scope = st.get(SLOT_FOREACH).clone();
    let scope = ForeachScope::new(saved_scope.clone(), st.scopes.last());
    let scope_obj: Rc<dyn HostObject> = scope.clone();
    let scope_addr = Rc::as_ptr(&scope_obj) as *const () as usize;
    st.scopes.push(Rc::clone(&scope));
    st.set(SLOT_FOREACH, Value::Object(scope_obj));

    let max = st.opts.limits.foreach_max;
    let mut count = 0usize;
    let mut result = Ok(Flow::NORMAL);
    while count < max && iter.has_next() {
        // Every iteration is a step, whatever its body costs (an empty one too).
        if let Err(e) = st.step(src, span) {
            result = Err(e);
            break;
        }
        if counters {
            st.set_int(SLOT_VELOCITY_COUNT, (count + 1) as i32);
        }
        // (The slot is always there; a stand-in otherwise, dropped in that
        // branch only: a value dropped on every iteration is a call.)
        let next = match st.slots.get_mut(var as usize) {
            Some(slot) => iter.next_into(slot),
            None => {
                let mut spare = Value::Null;
                let next = iter.next_into(&mut spare);
                drop(spare);
                next
            }
        };
        match next {
            Ok(()) => {}
            Err(()) => {
                result = Err(st.err(
                    src,
                    span,
                    RenderErrorKind::MethodFailed,
                    "java.util.ConcurrentModificationException: the collection changed while #foreach iterated it",
                ));
                break;
            }
        };
        let has_next = iter.has_next();
        if counters {
            st.set_bool(SLOT_VELOCITY_HAS_NEXT, has_next);
        }
        scope.advance(has_next);
        match render_block(st, src, body, out) {
            Ok(Flow::NORMAL) => {}
            Ok(Flow::BREAK) => break,
            Ok(f) if f.break_addr() == Some(scope_addr) => break,
            other => {
                result = other;
                break;
            }
        }
        count += 1;
    }

    st.scopes.pop();
    iter.finish(st.get(var));
    st.set(var, saved_var);
    if let Some((count, has_next)) = saved_counters {
        st.set(SLOT_VELOCITY_COUNT, count);
        st.set(SLOT_VELOCITY_HAS_NEXT, has_next);
    }
    st.set(SLOT_FOREACH, saved_scope);
    result
}

#[inline(never)]
fn render_macro_call(
    st: &mut State<'_>,
    src: &str,
    span: Span,
    name: &str,
    args: &[Expr],
    out: &mut String,
) -> R<Flow> {
    let found = if st.apigw() {
        None
    } else {
        match st.prog.macros.get(name) {
            Some(def) => Some((def.clone(), None)),
            None => st
                .evaluated_macros
                .iter()
                .find(|(n, _, _)| &**n == name)
                .map(|(_, text, def)| (def.clone(), Some(text.clone()))),
        }
    };
    let Some((def, own_src)) = found else {
        let start = out.len();
        out.push_str(span.text(src));
        st.wrote(src, span, start, out.len())?;
        return Ok(Flow::NORMAL);
    };
    // Binding each parameter (its value, and its text for stock printing).
    st.budget
        .steps(2 * def.params.len() as u64)
        .map_err(|e| st.exceeded(src, span, e))?;
    let mut vals = Vec::with_capacity(args.len());
    for a in args {
        vals.push(eval(st, src, a)?);
    }
    let mut saved = Vec::with_capacity(def.params.len());
    let mut saved_literals = Vec::with_capacity(def.params.len());
    for (i, (&p, pname)) in def.params.iter().zip(&def.param_names).enumerate() {
        let key = format!("${pname}");
        let arg_text = args.get(i).map(|a| a.span().text(src).to_string());
        let old = match arg_text {
            Some(t) => st.arg_literals.insert(key.clone(), t),
            None => st.arg_literals.remove(&key),
        };
        saved_literals.push((key, old));
        let v = vals.get(i).cloned().unwrap_or(Value::Null);
        saved.push((p, st.replace(p, v)));
    }
    st.enter(src, span, Some(def.height))?;
    // A macro's body is the main template's text, or the `#evaluate`d
    // text that defined it.
    let main = st.main_src;
    let body_src: &str = own_src.as_deref().unwrap_or(main);
    let mut flow = render_block(st, body_src, &def.body, out);
    if own_src.is_some() {
        // Where the text is no part of the template: at the call.
        flow = flow.map_err(|e| placed_at(e, src, span));
    }
    st.leave(Some(def.height));
    for (p, v) in saved.into_iter().rev() {
        st.set(p, v);
    }
    for (k, old) in saved_literals {
        match old {
            Some(t) => st.arg_literals.insert(k, t),
            None => st.arg_literals.remove(&k),
        };
    }
    match flow? {
        Flow::BREAK => Ok(Flow::NORMAL),
        other => Ok(other),
    }
}

/// Registers the `#macro`s `#evaluate`d `text` defined, after the
/// template's and those of earlier text: a name already known keeps its
/// macro.
#[cold]
#[inline(never)]
fn keep_evaluated_macros(
    st: &mut State<'_>,
    text: &str,
    macros: HashMap<Arc<str>, Arc<MacroDef>, super::value::Hasher>,
) {
    let text: Rc<str> = Rc::from(text);
    for (name, def) in macros {
        let known = st.prog.macros.contains_key(&name)
            || st.evaluated_macros.iter().any(|(n, _, _)| *n == name);
        if !known {
            st.evaluated_macros.push((name, text.clone(), def));
        }
    }
}

/// The names and constants of text compiled at render time (`#evaluate`): the
/// template's, extended for this render.
struct RenderNamespace<'s, 't> {
    st: &'s mut State<'t>,
}

impl Namespace for RenderNamespace<'_, '_> {
    fn slot(&mut self, name: &str) -> Slot {
        let st = &mut *self.st;
        if let Some(s) = st.prog.names.get(name) {
            return s;
        }
        if let Some(&s) = st.extra_names.get(name) {
            return s;
        }
        let s = st.slots.len() as Slot;
        st.extra_names.insert(Box::from(name), s);
        st.extra_list.push(Box::from(name));
        // A variable given to the render but not named by the template lives here now.
        let v = st.others.remove(name).unwrap_or(Value::Null);
        st.slots.push(v);
        s
    }

    fn string(&mut self, s: &str) -> u32 {
        let st = &mut *self.st;
        let id = (st.prog.strings.len() + st.extra_strings.len()) as u32;
        st.extra_strings.push(Box::from(s));
        st.consts.push(None);
        id
    }
}

#[inline(never)]
fn render_evaluate(
    st: &mut State<'_>,
    src: &str,
    span: Span,
    arg: &Expr,
    out: &mut String,
) -> R<Flow> {
    let v = eval(st, src, arg)?;
    if v.is_null() {
        return Ok(Flow::NORMAL);
    }
    let text = v
        .java_string(st.budget)
        .map_err(|e| st.exceeded(src, span, e))?;
    // The text is a template: API Gateway's size limit applies to it too.
    let max = st.opts.limits.template_max;
    if text.len() > max {
        return Err(st.err(
            src,
            span,
            RenderErrorKind::Limit,
            format!(
                "#evaluate: the text is {} bytes, over the template limit of {max} bytes",
                text.len()
            ),
        ));
    }
    // Parsing and compiling it: about a step per 8 bytes; the tree and the
    // names and constants the render keeps: a few times its size.
    st.budget
        .steps((text.len() / EVALUATE_BYTES_PER_STEP) as u64 + 1)
        .and_then(|()| {
            st.budget
                .alloc(text.len().saturating_mul(EVALUATE_MEMORY_FACTOR))
        })
        .map_err(|e| st.exceeded(src, span, e))?;
    // The deeper the render, the less the text may nest (its parse runs on
    // the render's stack).
    let nested = (st.nest / 2) as usize;
    let ast = crate::syntax::parse_nested(&text, nested).map_err(|e| {
        st.err(
            src,
            span,
            RenderErrorKind::Invalid,
            format!("#evaluate: {}", e),
        )
    })?;
    let mut macros = HashMap::default();
    let (body, height) = compile::compile_evaluated(ast, &mut RenderNamespace { st }, &mut macros);
    if !macros.is_empty() {
        keep_evaluated_macros(st, &text, macros);
    }
    st.enter(src, span, Some(height))?;
    let flow = render_block(st, &text, &body, out);
    st.leave(Some(height));
    // #break and #stop end only the evaluated text; #break($scope) goes on up.
    flow.map(|f| match f.break_addr() {
        Some(_) => f,
        None => Flow::NORMAL,
    })
    .map_err(|e| placed_at(e, src, span))
}

/// An error from text that is no part of `src` (`#evaluate`d text), placed
/// at `span` of `src`, where that text was run.
fn placed_at(mut e: Box<RenderError>, src: &str, span: Span) -> Box<RenderError> {
    e.span = span;
    e.pos = LineCol::of(src, span.start as usize);
    e
}

mod scope;
#[cfg(test)]
mod tests;
