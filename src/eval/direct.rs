//! The compiled program built by the parser itself, for a template parsed
//! to be rendered: the parser calls [`Direct`] (a [`Build`]) for each node,
//! expression and reference as it reads them, and gets the walker's tree
//! straight away, with no syntax tree in between (the syntax tree's boxes,
//! lists and names are never made, and nothing is read back from it).
//!
//! It makes the program [`compile`](super::compile) makes from the syntax
//! tree, with these differences:
//! - slots are numbered as names are met bottom-up (an argument's reference
//!   before the reference whose method takes it), not top-down;
//! - references the compile pass never compiles get slots and constants
//!   too, and the observer is shown them (bottom-up as well): a `#foreach`
//!   variable, `#macro` parameters and `#define`d names written as
//!   references, and the references of a range lookahead that failed. The
//!   observer learns what a template may use; being shown more only makes a
//!   render prepare more. Likewise an `#evaluate` or a `$velocityCount`
//!   among what the syntax tree drops (a `#foreach`'s extra arguments, …)
//!   sets the program's flag, which makes a render keep more;
//! - a `#macro` inside a `#literal` body or a block macro call's
//!   (`#@name(…) … #end`) is registered, as 1.7 registers it (the body is
//!   parsed; only its text is printed); the syntax tree keeps such a body as
//!   text, so the compile pass does not see it. This one a render can see,
//!   in stock Velocity's mode only (API Gateway runs no macro): the parser's
//!   program renders as 1.7 does; the compile pass's (the linter's trees,
//!   rendered in API Gateway's mode, and `#evaluate`d text) lack them.
//!
//! Heights (see [`compile`](super::compile)) are counted bottom-up as the
//! program is built, by the compile pass's rules: each reference notes the
//! height of its arguments ([`Ref::height`]), each node its own as it is
//! pushed ([`Build::last_height`]), each block the deepest of its nodes.

use std::collections::HashMap;
use std::sync::Arc;

use super::compile::{
    Block, Chain, Expr, MacroDef, Node, Observer, Part, Program, Ref, Roots, Seen, SeenPart, Shape,
    Slot, TemplateNamespace, Watcher, FOREACH_UNITS, STATEMENT_UNITS,
};
use super::value::Hasher;
use crate::syntax::ast::{BinOp, IncludeKind, IntLit, NameId, Text, TreeName};
use crate::syntax::build::{Build, Named, PartsOf, RefFields};
use crate::syntax::error::ParseError;
use crate::syntax::parser::parse_with;
use crate::syntax::span::Span;

/// Parses `source` straight into a program, showing `seen` the references
/// `roots` asks for (see [`compile_observed_sized`](super::compile)).
pub(crate) fn parse_program(
    source: &Arc<str>,
    roots: Roots,
    seen: Observer<'_>,
) -> Result<Program, ParseError> {
    let mut d = Direct::new(roots, seen, source.len());
    let body = parse_with(source, 0, &mut d)?.block;
    Ok(Program {
        body: body.nodes,
        height: body.height,
        names: d.ns.names,
        strings: d.ns.strings,
        macros: d.macros,
        evaluates: d.evaluates,
        loop_counters: d.ns.loop_counters,
    })
}

/// The builder of a program (see the module's notes).
pub(crate) struct Direct<'o> {
    ns: TemplateNamespace,
    /// Which references `seen` is shown.
    watcher: Watcher,
    seen: Observer<'o>,
    macros: HashMap<Arc<str>, Arc<MacroDef>, Hasher>,
    evaluates: bool,
    /// The height of the node made last (see [`Build::last_height`]).
    last: u32,
}

/// A block and how deep the walker nests inside it.
pub(crate) struct Body {
    nodes: Block,
    height: u32,
}

impl<'o> Direct<'o> {
    /// A builder for a template of `len` bytes.
    fn new(roots: Roots, seen: Observer<'o>, len: usize) -> Direct<'o> {
        // About one distinct name per 160 bytes, and a string literal per
        // 100, of a long template (tables sized once, not grown).
        let names = len / 160;
        Direct {
            ns: TemplateNamespace::for_ids(names, len / 100),
            watcher: Watcher::new(roots, names + 3),
            seen,
            macros: HashMap::default(),
            evaluates: false,
            last: 0,
        }
    }

    /// The slot of `name`.
    #[inline(always)]
    fn slot(&mut self, name: NameId, names: &[Arc<str>]) -> Slot {
        match (name.id(), name.resolve(names)) {
            (Some(id), Some(s)) => self.ns.id_slot_of(id, s),
            _ => self.ns.slot_of(""),
        }
    }

    /// The slot of a directive argument's name.
    fn named_slot(&mut self, n: &Named<Self>, names: &[Arc<str>]) -> Slot {
        match n {
            Named::Ref(r) => r.root,
            Named::Name(n, _) => self.slot(*n, names),
        }
    }

    /// Shows the observer the reference of slot `root` with these parts,
    /// if it watches the root.
    #[inline(always)]
    fn observe(&mut self, root: Slot, parts: &[Part]) {
        let names = &self.ns.names;
        if self.watcher.shows(root, || names.name(root).unwrap_or("")) {
            self.show(root, parts);
        }
    }

    fn show(&mut self, root: Slot, parts: &[Part]) {
        let strings = &self.ns.strings[..];
        let seen = Seen {
            root: self.ns.names.name(root).unwrap_or(""),
            parts: [
                parts.first().map(|p| seen_part(p, strings)),
                parts.get(1).map(|p| seen_part(p, strings)),
            ],
        };
        (self.seen)(&seen);
    }
}

/// A part as the observer is shown it; `strings`: the constants so far.
fn seen_part<'r>(p: &'r Part, strings: &'r [Text]) -> SeenPart<'r> {
    match p {
        Part::Property(_, n) => SeenPart::Property(n),
        Part::Method(_, n, args) => {
            let literal = match &**args {
                [Expr::Str(_, k)] => strings.get(*k as usize).map(|t| &**t),
                _ => None,
            };
            SeenPart::Method(n, literal)
        }
        Part::Index(..) => SeenPart::Index,
    }
}

impl Build for Direct<'_> {
    type Name = NameId;
    type Node = Node;
    type Expr = Expr;
    type Ref = Ref;
    type Part = Part;
    type Block = Body;
    /// The branches, and the height of the deepest.
    type Branches = (Vec<(Expr, Block)>, u32);

    #[inline(always)]
    fn block(nodes: Block, height: u32) -> Body {
        Body {
            nodes,
            height: STATEMENT_UNITS + height,
        }
    }

    #[inline(always)]
    fn nodes_of(b: &mut Body) -> &mut Block {
        &mut b.nodes
    }

    #[inline(always)]
    fn last_height(&mut self) -> u32 {
        std::mem::take(&mut self.last)
    }

    #[inline(always)]
    fn text(span: Span, text: Text) -> Node {
        Node::Text(span, text)
    }

    #[inline(always)]
    fn is_text(node: &Node) -> bool {
        matches!(node, Node::Text(..))
    }

    #[inline(always)]
    fn text_of(node: &mut Node) -> Option<(&mut Span, &mut Text)> {
        match node {
            Node::Text(s, t) => Some((s, t)),
            _ => None,
        }
    }

    #[inline(always)]
    fn into_text(node: Node) -> Result<(Span, Text), Node> {
        match node {
            Node::Text(s, t) => Ok((s, t)),
            n => Err(n),
        }
    }

    #[inline(always)]
    fn printed(&mut self, r: Box<Ref>) -> Node {
        // Its shape is made with it (see [`Direct::reference`]).
        self.last = r.height;
        Node::Ref(*r)
    }

    fn set(&mut self, span: Span, target: Box<Ref>, value: Expr) -> Node {
        self.last = target.height.max(expr_height(&value));
        Node::Set {
            span,
            target,
            value,
        }
    }

    #[inline(always)]
    fn branches() -> (Vec<(Expr, Block)>, u32) {
        (Vec::with_capacity(1), 0)
    }

    #[inline]
    fn branch(&mut self, to: &mut (Vec<(Expr, Block)>, u32), cond: Expr, body: Body) {
        to.1 = to.1.max(expr_height(&cond)).max(body.height);
        to.0.push((cond, body.nodes));
    }

    fn if_(
        &mut self,
        span: Span,
        (branches, height): (Vec<(Expr, Block)>, u32),
        otherwise: Option<Body>,
    ) -> Node {
        let has_next = match branches.first() {
            Some((Expr::Ref(r), _)) => r.has_next_root(),
            _ => None,
        };
        self.last = height.max(otherwise.as_ref().map_or(0, |b| b.height));
        Node::If {
            span,
            branches,
            otherwise: otherwise.map(|b| b.nodes),
            has_next,
        }
    }

    fn foreach(
        &mut self,
        span: Span,
        var: Named<Self>,
        iterable: Expr,
        body: Body,
        names: &[Arc<str>],
    ) -> Node {
        let var = self.named_slot(&var, names);
        self.last = expr_height(&iterable).max(FOREACH_UNITS + body.height);
        Node::Foreach {
            span,
            var,
            iterable,
            body: body.nodes,
        }
    }

    fn break_(&mut self, span: Span, scope: Option<Expr>) -> Node {
        self.last = scope.as_ref().map_or(0, expr_height);
        Node::Break(span, scope.map(Box::new))
    }

    fn stop(&mut self, span: Span) -> Node {
        Node::Stop(span)
    }

    fn macro_def(
        &mut self,
        span: Span,
        name: NameId,
        params: Vec<Named<Self>>,
        body: Body,
        names: &[Arc<str>],
    ) -> Node {
        let name = name.into_shared(names);
        if !self.macros.contains_key(&name) {
            let mut slots = Vec::with_capacity(params.len());
            let mut param_names = Vec::with_capacity(params.len());
            for p in &params {
                let s = self.named_slot(p, names);
                slots.push(s);
                param_names.push(self.ns.names.shared(s));
            }
            let def = MacroDef {
                params: slots,
                param_names,
                body: body.nodes,
                height: body.height,
            };
            self.macros.insert(name, Arc::new(def));
        }
        Node::Macro(span)
    }

    fn macro_call(
        &mut self,
        span: Span,
        name: NameId,
        args: Vec<Expr>,
        names: &[Arc<str>],
    ) -> Node {
        self.last = exprs_height(&args);
        Node::MacroCall {
            span,
            name: name.into_shared(names),
            args,
        }
    }

    fn define(&mut self, span: Span, name: Named<Self>, body: Body, names: &[Arc<str>]) -> Node {
        let slot = self.named_slot(&name, names);
        Node::Define {
            span,
            slot,
            body: Arc::new(body.nodes),
            height: body.height,
        }
    }

    fn evaluate(&mut self, span: Span, arg: Expr) -> Node {
        self.evaluates = true;
        self.last = expr_height(&arg);
        Node::Evaluate { span, arg }
    }

    fn include(&mut self, span: Span, kind: IncludeKind, _args: Vec<Expr>) -> Node {
        Node::Include { span, kind }
    }

    #[inline(always)]
    fn ref_expr(&mut self, r: Box<Ref>) -> Expr {
        Expr::Ref(r)
    }

    #[inline]
    fn str(&mut self, span: Span, value: Text) -> Expr {
        Expr::Str(span, self.ns.text_string_of(value))
    }

    fn interpolated(&mut self, span: Span, _value: Text, body: Body) -> Expr {
        Expr::Interpolated(span, body.nodes)
    }

    fn int(&mut self, span: Span, lit: IntLit) -> Expr {
        match lit {
            IntLit::Int(i) => Expr::Int(span, i),
            IntLit::Long(l) => Expr::Long(span, l),
            IntLit::Big(b) => Expr::Big(span, Box::new(b)),
        }
    }

    fn float(&mut self, span: Span, f: f64) -> Expr {
        Expr::Float(span, f)
    }

    fn bool(&mut self, span: Span, b: bool) -> Expr {
        Expr::Bool(span, b)
    }

    fn list(&mut self, span: Span, items: Vec<Expr>) -> Expr {
        Expr::List(span, items)
    }

    fn range(&mut self, span: Span, from: Expr, to: Expr) -> Expr {
        Expr::Range(span, Box::new(from), Box::new(to))
    }

    fn map(&mut self, span: Span, entries: Vec<(Expr, Expr)>) -> Expr {
        Expr::Map(span, entries)
    }

    fn not(&mut self, span: Span, e: Expr) -> Expr {
        Expr::Not(span, Box::new(e))
    }

    fn binary(&mut self, op: BinOp, l: Expr, r: Expr) -> Expr {
        Expr::Binary(l.span().join(r.span()), op, Box::new(l), Box::new(r))
    }

    fn paren(&mut self, span: Span, e: Expr) -> Expr {
        Expr::Paren(span, Box::new(e))
    }

    #[inline(always)]
    fn expr_span(e: &Expr) -> Span {
        e.span()
    }

    #[inline(always)]
    fn into_ref(e: Expr) -> Result<Box<Ref>, Expr> {
        match e {
            Expr::Ref(r) => Ok(r),
            e => Err(e),
        }
    }

    fn is_str_or_ref(e: &Expr) -> bool {
        matches!(e, Expr::Str(..) | Expr::Interpolated(..) | Expr::Ref(_))
    }

    #[inline]
    fn reference(
        &mut self,
        r: RefFields<Self>,
        parts: &mut PartsOf<Self>,
        names: &[Arc<str>],
    ) -> Box<Ref> {
        let root = self.slot(r.root, names);
        self.observe(root, parts);
        let height = parts_height(parts);
        // Made in its box, field by field: made on the stack and then
        // moved, its wide loads would wait on the narrow stores that made it.
        let mut to = Box::new(Ref::unfilled());
        to.span = r.span;
        to.root = root;
        to.silent = r.silent;
        to.backslashes = r.backslashes;
        to.height = height;
        // Most references have one part or none, held inline. The unfilled
        // chain owns nothing: it is swapped out and forgotten (assigned over,
        // its drop would be a call for every reference with parts).
        let chain = match parts.len() {
            0 => None,
            1 => parts.pop().map(Chain::One),
            _ => Some(Chain::Other(
                std::mem::take(parts).into_vec().into_boxed_slice(),
            )),
        };
        if let Some(chain) = chain {
            std::mem::forget(std::mem::replace(&mut to.parts, chain));
        }
        // The shape the walker reads of a statement's reference, made for
        // every reference: set once the reference is printed, it would be
        // a narrow store just before the reference is moved whole, whose
        // wide loads would wait on it. The walker reads no other's.
        to.shape = Shape::of(&to.parts, to.backslashes);
        to
    }

    #[inline(always)]
    fn property(&mut self, span: Span, name: NameId, names: &[Arc<str>]) -> Part {
        Part::Property(span, name.into_shared(names))
    }

    #[inline]
    fn method(&mut self, span: Span, name: NameId, args: Vec<Expr>, names: &[Arc<str>]) -> Part {
        // Of the length of its capacity (the parser makes it so): boxed
        // without a copy.
        Part::Method(span, name.into_shared(names), args.into_boxed_slice())
    }

    fn index(&mut self, span: Span, e: Expr) -> Part {
        Part::Index(span, e)
    }

    fn is_bare(r: &Ref) -> bool {
        r.parts.is_empty()
    }

    fn root_text<'t>(&'t self, r: &'t Ref, _: &'t [Arc<str>]) -> &'t str {
        self.ns.names.name(r.root).unwrap_or("")
    }

    fn rename_root(&mut self, r: &mut Ref, name: NameId, names: &[Arc<str>]) {
        r.root = self.slot(name, names);
    }
}

/// How deep the walker nests inside a finished block, in the compile
/// pass's units (see [`compile`](super::compile)): what its top-down count
/// gives, counted bottom-up. Only an interpolated string's block is measured
/// so, once, by what holds the string; the parser notes every other
/// block's height as it builds it. The recursion follows the tree, which the
/// parser bounds ([`MAX_NESTING`](crate::syntax::parser::MAX_NESTING)
/// units, each level at least one).
fn block_height(b: &[Node]) -> u32 {
    STATEMENT_UNITS + b.iter().map(node_height).max().unwrap_or(0)
}

fn node_height(n: &Node) -> u32 {
    match n {
        Node::Text(..) | Node::Stop(_) | Node::Macro(_) | Node::Include { .. } => 0,
        // A `#define`'s body has its own height; it adds none where it is.
        Node::Define { .. } => 0,
        Node::Ref(r) => r.height,
        Node::Set { target, value, .. } => target.height.max(expr_height(value)),
        Node::If {
            branches,
            otherwise,
            ..
        } => {
            let b = branches
                .iter()
                .map(|(c, b)| expr_height(c).max(block_height(b)))
                .max()
                .unwrap_or(0);
            b.max(otherwise.as_deref().map_or(0, block_height))
        }
        Node::Foreach { iterable, body, .. } => {
            expr_height(iterable).max(FOREACH_UNITS + block_height(body))
        }
        Node::Break(_, scope) => scope.as_deref().map_or(0, expr_height),
        Node::MacroCall { args, .. } => exprs_height(args),
        Node::Evaluate { arg, .. } => expr_height(arg),
    }
}

/// The height of a reference with these parts: its arguments'.
#[inline]
fn parts_height(parts: &[Part]) -> u32 {
    let mut h = 0;
    for p in parts {
        h = h.max(match p {
            Part::Property(..) => 0,
            Part::Method(_, _, args) => exprs_height(args),
            Part::Index(_, e) => expr_height(e),
        });
    }
    h
}

#[inline]
fn exprs_height(es: &[Expr]) -> u32 {
    let mut h = 0;
    for e in es {
        h = h.max(expr_height(e));
    }
    h
}

/// The height of an expression: one, and what is inside. A reference's is
/// noted in it, so this descends only through the operators, lists and
/// maps above references (each expression is measured once, by what holds
/// it).
fn expr_height(e: &Expr) -> u32 {
    1 + match e {
        Expr::Ref(r) => r.height,
        Expr::Interpolated(_, b) => block_height(b),
        Expr::Str(..)
        | Expr::Int(..)
        | Expr::Long(..)
        | Expr::Big(..)
        | Expr::Float(..)
        | Expr::Bool(..) => 0,
        Expr::List(_, items) => exprs_height(items),
        Expr::Map(_, entries) => entries
            .iter()
            .map(|(k, v)| expr_height(k).max(expr_height(v)))
            .max()
            .unwrap_or(0),
        Expr::Range(_, a, b) | Expr::Binary(_, _, a, b) => expr_height(a).max(expr_height(b)),
        Expr::Not(_, e) | Expr::Paren(_, e) => expr_height(e),
    }
}

/// The program the parser builds held to the one the compile pass makes
/// of the syntax tree: for the tests, and for the `parse` fuzz target
/// (through [`crate::fuzzing`], built with `--cfg fuzzing` only).
#[cfg(any(test, fuzzing))]
pub(crate) mod check {
    use std::fmt::Write;
    use std::sync::Arc;

    use super::super::compile::{
        compile_observed_sized, Expr, Node, Part, Program, Ref, Slot, Watch,
    };
    use super::parse_program;
    use crate::syntax::ast;
    use crate::syntax::parser::parse_counting;
    use crate::syntax::visit::{walk, Visitor, Walk};

    /// A program as text, with names for slots and texts for constants
    /// (which the two builds number differently), every height included.
    fn canon(p: &Program) -> Canon {
        let mut body = String::new();
        let _ = writeln!(body, "height {}", p.height);
        block(&mut body, p, &p.body);
        let mut macros: Vec<_> = p.macros.iter().collect();
        macros.sort_by(|a, b| a.0.cmp(b.0));
        let macros = macros
            .into_iter()
            .map(|(name, m)| {
                let params: Vec<_> = m.params.iter().map(|&x| name_of(p, x)).collect();
                let mut s = format!(
                    "macro {name} {params:?} {:?} height {} {{",
                    m.param_names, m.height
                );
                block(&mut s, p, &m.body);
                s.push('}');
                s
            })
            .collect();
        Canon {
            body,
            flags: [p.evaluates, p.loop_counters],
            macros,
        }
    }

    /// A program as text: its body (with its height), its flags (whether
    /// it runs `#evaluate`, names `$velocityCount` or `$velocityHasNext`),
    /// and each registered macro, by name.
    #[derive(PartialEq)]
    struct Canon {
        body: String,
        flags: [bool; 2],
        macros: Vec<String>,
    }

    impl std::fmt::Display for Canon {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.body)?;
            write!(f, "\n{:?}", self.flags)?;
            for m in &self.macros {
                write!(f, "\n{m}")?;
            }
            Ok(())
        }
    }

    fn name_of(p: &Program, slot: Slot) -> String {
        format!("${}", p.names.name(slot).unwrap_or("?"))
    }

    fn block(s: &mut String, p: &Program, b: &[Node]) {
        s.push('[');
        for n in b {
            node(s, p, n);
            s.push(';');
        }
        s.push(']');
    }

    fn node(s: &mut String, p: &Program, n: &Node) {
        match n {
            Node::Text(span, t) => {
                let _ = write!(s, "T{span:?}{:?}", &**t);
            }
            Node::Ref(r) => {
                let _ = write!(s, "R{:?}", r.shape);
                reference(s, p, r);
            }
            Node::Set {
                span,
                target,
                value,
            } => {
                let _ = write!(s, "S{span:?}");
                reference(s, p, target);
                expr(s, p, value);
            }
            Node::If {
                span,
                branches,
                otherwise,
                has_next,
            } => {
                let _ = write!(s, "If{span:?}{:?}", has_next.map(|x| name_of(p, x)));
                for (c, b) in branches {
                    expr(s, p, c);
                    block(s, p, b);
                }
                if let Some(b) = otherwise {
                    s.push_str("else");
                    block(s, p, b);
                }
            }
            Node::Foreach {
                span,
                var,
                iterable,
                body,
            } => {
                let _ = write!(s, "For{span:?}{}", name_of(p, *var));
                expr(s, p, iterable);
                block(s, p, body);
            }
            Node::Break(span, scope) => {
                let _ = write!(s, "Break{span:?}");
                if let Some(e) = scope {
                    expr(s, p, e);
                }
            }
            Node::Stop(span) => {
                let _ = write!(s, "Stop{span:?}");
            }
            Node::Macro(span) => {
                let _ = write!(s, "Macro{span:?}");
            }
            Node::MacroCall { span, name, args } => {
                let _ = write!(s, "Call{span:?}{name}");
                for a in args {
                    expr(s, p, a);
                }
            }
            Node::Define {
                span,
                slot,
                body,
                height,
            } => {
                let _ = write!(s, "Define{span:?}{} height {height}", name_of(p, *slot));
                block(s, p, body);
            }
            Node::Evaluate { span, arg } => {
                let _ = write!(s, "Eval{span:?}");
                expr(s, p, arg);
            }
            Node::Include { span, kind } => {
                let _ = write!(s, "Include{span:?}{kind:?}");
            }
        }
    }

    fn reference(s: &mut String, p: &Program, r: &Ref) {
        let _ = write!(
            s,
            "({:?}{} {} {}",
            r.span,
            name_of(p, r.root),
            r.silent,
            r.backslashes
        );
        for part in r.parts.iter() {
            match part {
                Part::Property(span, n) => {
                    let _ = write!(s, ".{span:?}{n}");
                }
                Part::Method(span, n, args) => {
                    let _ = write!(s, ".{span:?}{n}(");
                    for a in args.iter() {
                        expr(s, p, a);
                    }
                    s.push(')');
                }
                Part::Index(span, e) => {
                    let _ = write!(s, "[{span:?}");
                    expr(s, p, e);
                    s.push(']');
                }
            }
        }
        s.push(')');
    }

    fn expr(s: &mut String, p: &Program, e: &Expr) {
        s.push('{');
        match e {
            Expr::Ref(r) => reference(s, p, r),
            Expr::Str(span, k) => {
                let text = p.strings.get(*k as usize).map(|t| t.to_string());
                let _ = write!(s, "Str{span:?}{text:?}");
            }
            Expr::Interpolated(span, b) => {
                let _ = write!(s, "Interp{span:?}");
                block(s, p, b);
            }
            Expr::Int(span, i) => {
                let _ = write!(s, "Int{span:?}{i}");
            }
            Expr::Long(span, i) => {
                let _ = write!(s, "Long{span:?}{i}");
            }
            Expr::Big(span, i) => {
                let _ = write!(s, "Big{span:?}{i}");
            }
            Expr::Float(span, f) => {
                let _ = write!(s, "Float{span:?}{f:?}");
            }
            Expr::Bool(span, b) => {
                let _ = write!(s, "Bool{span:?}{b}");
            }
            Expr::List(span, items) => {
                let _ = write!(s, "List{span:?}");
                for i in items {
                    expr(s, p, i);
                }
            }
            Expr::Range(span, a, b) => {
                let _ = write!(s, "Range{span:?}");
                expr(s, p, a);
                expr(s, p, b);
            }
            Expr::Map(span, entries) => {
                let _ = write!(s, "Map{span:?}");
                for (k, v) in entries {
                    expr(s, p, k);
                    expr(s, p, v);
                }
            }
            Expr::Not(span, e) => {
                let _ = write!(s, "Not{span:?}");
                expr(s, p, e);
            }
            Expr::Binary(span, op, a, b) => {
                let _ = write!(s, "Bin{span:?}{op:?}");
                expr(s, p, a);
                expr(s, p, b);
            }
            Expr::Paren(span, e) => {
                let _ = write!(s, "Paren{span:?}");
                expr(s, p, e);
            }
        }
        s.push('}');
    }

    /// The program built by the parser and the one compiled from the
    /// syntax tree, as text; `None` when the source does not parse (then
    /// neither build may succeed).
    /// Both programs of `src`, and whether the syntax tree keeps every
    /// `#macro` the text writes (as many as `#macro` and `#{macro}` are
    /// written in it).
    fn both(src: &str) -> Result<Option<(Canon, Canon, bool)>, String> {
        let source: Arc<str> = Arc::from(src);
        let direct = parse_program(&source, |_| Watch::Every, &mut |_| {});
        match (parse_counting(&source, 0), direct) {
            (Ok((tree, counts)), Ok(d)) => {
                let mut kept = MacroCount(0);
                walk(&tree, &mut kept);
                let written = src.matches("#macro").count() + src.matches("#{macro}").count();
                let c = compile_observed_sized(tree, &[], counts, |_| Watch::Every, &mut |_| {});
                Ok(Some((canon(&d), canon(&c), kept.0 == written)))
            }
            (Err(a), Err(b)) if a.to_string() == b.to_string() => Ok(None),
            (a, b) => Err(format!(
                "{src:?}: the syntax tree parse gives {:?}, the direct one {:?}",
                a.map(|_| ()).map_err(|e| e.to_string()),
                b.map(|_| ()).map_err(|e| e.to_string()),
            )),
        }
    }

    /// Counts the `#macro` definitions of a syntax tree.
    struct MacroCount(usize);

    impl<'a> Visitor<'a> for MacroCount {
        fn node(&mut self, n: &'a ast::Node) -> Walk {
            if matches!(n, ast::Node::Macro { .. }) {
                self.0 += 1;
            }
            Walk::Descend
        }
    }

    /// `Ok` when both builds of `src` agree (or both fail with the same
    /// error), else what differs.
    ///
    /// Two differences are known and allowed:
    /// - a flag the parser's program sets and the compile pass's does not:
    ///   the parser builds what the syntax tree drops (a `#foreach`'s extra
    ///   arguments, a failed range lookahead, …), and an `#evaluate` or a
    ///   `$velocityCount` there sets a flag; a set flag only makes a render
    ///   prepare more;
    /// - a `#macro` inside what the syntax tree keeps as text only or drops:
    ///   a `#literal`'s body, a block macro call's (`#@name(…) … #end`, of a
    ///   macro not defined), a string among a `#foreach`'s extra arguments.
    ///   1.7 parses it and registers the macros defined there (rendered by
    ///   Velocity 1.7, `#literal()#macro(m)x#end#end#m()` prints the literal
    ///   text, then `x`); the parser's program has them, the compile pass
    ///   (the linter's trees, `#evaluate`d text) does not see them. When the
    ///   tree holds fewer `#macro`s than the text writes, the compile pass's
    ///   macros need only be named among the parser's (a macro the tree
    ///   dropped may have taken a name first).
    pub(crate) fn agrees(src: &str) -> Result<(), String> {
        match both(src)? {
            Some((d, c, all_kept)) if d != c => {
                let flags = d.flags.iter().zip(&c.flags).all(|(&d, &c)| d || !c);
                let name = |m: &String| m.split(' ').nth(1).map(str::to_string);
                let named: Vec<_> = d.macros.iter().filter_map(name).collect();
                let macros = d.macros == c.macros
                    || (!all_kept && c.macros.iter().filter_map(name).all(|n| named.contains(&n)));
                if d.body == c.body && flags && macros {
                    return Ok(());
                }
                Err(format!(
                    "{src:?}: the parser built\n{d}\nthe compile pass made\n{c}"
                ))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::compile::tests::prop::PIECES;
    use super::check::agrees;
    use proptest::prelude::*;

    #[test]
    fn the_parser_builds_the_program_the_compile_pass_makes() {
        for src in [
            "$a $b.c $a.d($e, 'x', \"$f.g\")[$h] ${i}.j $!k \\$l \\\\$m $$n",
            "#set($a = {'k': $b.c}) #set($a.b = [1..$n]) #set(${c} = 1) #set($!d = 2) $a",
            "#foreach($i in $list)$velocityCount $foreach.hasNext #if($i.x)#break#end#end",
            "#foreach(${i} in [$a.b('$c')..3])#break($foreach)#end#foreach($k in)x#end",
            "#macro(m $p $q)$p.r $q#macro(n)#end#end #m($s 't') #define($d)$p $u#end $d",
            "#macro(m)a#end#macro(m)b#end#m()#m #define(${e})x#end#define('f')y#end",
            "#if($x.hasNext)y#elseif(!$z)w#else$v#end #evaluate($e) #evaluate(\"$f\") #stop",
            "$input.params('a') $context.requestId $input.json('$.x') $util.urlEncode($s)",
            "#set($x = ($a + 1) * -2 - $b.c($d.e($f)) / 3 % 4 == 5 && !$g || $h < 6.5)",
            "$a[$b][0]['k'][true].c(\"x $d.e(\"$f\") #if($g)h#end\") #include('x', $y) #parse($z)",
            "\"#macro(s)$t#end\" $a.b(\"#macro(u $v)$w#end\") #s #u",
            "$a[ $b.c(\"$d\") ..] [$e..$f] #set($g = [$h, [$i], {$j: [$k..2]}])",
            "#literal()$t#end ## c\n#* d *# $!{x.y} #{if}($a)b#{else}c#{end}",
        ] {
            if let Err(e) = agrees(src) {
                panic!("{e}");
            }
        }
    }

    /// Pieces besides the compile pass's own (`compile::tests::prop::PIECES`):
    /// renamed `#set` targets, strings with directives, arguments nested in
    /// lists and indexes, operators, nested macros.
    const MORE: [&str; 7] = [
        "#set(${a} = 1)",
        "#end",
        "$a.b(\"$c #if($d)e#end\")",
        "$x[$y.z(1, [2, $w])]",
        "#set($r = !($a + 1 < $b) || $c)",
        "#macro(n)#macro(o)$p#end#end",
        "#foreach(${i} in [$a..2])$i#end",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
        #[test]
        fn the_parser_builds_what_the_compile_pass_makes_of_any_template(
            picks in proptest::collection::vec(0..PIECES.len() + MORE.len(), 0..30)
        ) {
            let src: String = picks
                .iter()
                .filter_map(|&i| PIECES.iter().chain(&MORE).nth(i).copied())
                .collect();
            if let Err(e) = agrees(&src) {
                prop_assert!(false, "{}", e);
            }
        }
    }
}
