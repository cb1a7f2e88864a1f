//! What the parser builds, as it parses: the syntax tree ([`Syntax`]), or,
//! for a template parsed to be rendered, the evaluator's compiled tree
//! straight away (`eval::direct`), with no syntax tree in between.
//!
//! The parser calls a [`Build`] for every node, expression, reference and
//! part it has read, bottom-up (a node is made once what it holds is made).
//! It asks a builder only what its own rules need of what was built: the span
//! of an expression, whether it is a reference, a text node's text.

use std::marker::PhantomData;
use std::sync::Arc;

use super::ast::{
    BinOp, Block, Expr, IncludeKind, IntLit, Node, RefPart, Reference, Text, TreeName, UnaryOp,
};
use super::span::Span;

/// A reference's parts as the parser collects them.
pub(crate) type PartsOf<B> = smallvec::SmallVec<[<B as Build>::Part; 1]>;

/// A name written as a directive argument (a `#foreach` variable, a
/// `#macro` parameter, a `#define`d name): a reference as parsed, or a name
/// taken from the argument's text.
pub(crate) enum Named<B: Build + ?Sized> {
    Ref(Box<B::Ref>),
    Name(B::Name, Span),
}

/// A reference's fields as the parser read them (its parts apart: see
/// [`Build::reference`]).
pub(crate) struct RefFields<B: Build + ?Sized> {
    pub span: Span,
    pub root: B::Name,
    pub root_span: Span,
    pub silent: bool,
    pub formal: bool,
    pub backslashes: u32,
}

/// The parser's output: the types it builds and how. `names` arguments are
/// the parse's list of names so far (which [`TreeName`]s number when they
/// are numbers).
pub(crate) trait Build {
    type Name: TreeName;
    type Node;
    type Expr;
    /// A reference (the parser boxes it).
    type Ref: Clone;
    type Part;
    /// A block of nodes (with what the builder notes of it).
    type Block;
    /// An `#if`'s conditions and blocks, as they are read.
    type Branches;

    /// A block of `nodes`, inside which the walker nests `height` deep (as
    /// the nodes' [`Build::last_height`]s said, in the compile pass's units:
    /// see `eval::compile`).
    fn block(nodes: Vec<Self::Node>, height: u32) -> Self::Block;
    /// The nodes of a block.
    fn nodes_of(b: &mut Self::Block) -> &mut Vec<Self::Node>;
    /// How deep the walker nests inside the node made last (the parser asks
    /// once, as it pushes the node; 0 for a text node, which the parser
    /// makes without asking the builder).
    #[inline(always)]
    fn last_height(&mut self) -> u32 {
        0
    }

    // ----- nodes -----
    fn text(span: Span, text: Text) -> Self::Node;
    /// Whether the node is text.
    fn is_text(node: &Self::Node) -> bool;
    /// The node's span and text, if it is text.
    fn text_of(node: &mut Self::Node) -> Option<(&mut Span, &mut Text)>;
    /// The node's span and text if it is text, else the node.
    fn into_text(node: Self::Node) -> Result<(Span, Text), Self::Node>;
    /// A statement's reference, printed.
    fn printed(&mut self, r: Box<Self::Ref>) -> Self::Node;
    fn set(&mut self, span: Span, target: Box<Self::Ref>, value: Self::Expr) -> Self::Node;
    /// No branches yet.
    fn branches() -> Self::Branches;
    /// Adds the branch `if (cond) body`.
    fn branch(&mut self, to: &mut Self::Branches, cond: Self::Expr, body: Self::Block);
    fn if_(
        &mut self,
        span: Span,
        branches: Self::Branches,
        otherwise: Option<Self::Block>,
    ) -> Self::Node;
    fn foreach(
        &mut self,
        span: Span,
        var: Named<Self>,
        iterable: Self::Expr,
        body: Self::Block,
        names: &[Arc<str>],
    ) -> Self::Node;
    fn break_(&mut self, span: Span, scope: Option<Self::Expr>) -> Self::Node;
    fn stop(&mut self, span: Span) -> Self::Node;
    /// A `#macro`, called as its definition ends: 1.7 registers every one
    /// as its parser meets it (inside another macro's body, a string, a
    /// `#literal` or a block macro call's body too), the first definition
    /// of a name winning.
    fn macro_def(
        &mut self,
        span: Span,
        name: Self::Name,
        params: Vec<Named<Self>>,
        body: Self::Block,
        names: &[Arc<str>],
    ) -> Self::Node;
    fn macro_call(
        &mut self,
        span: Span,
        name: Self::Name,
        args: Vec<Self::Expr>,
        names: &[Arc<str>],
    ) -> Self::Node;
    fn define(
        &mut self,
        span: Span,
        name: Named<Self>,
        body: Self::Block,
        names: &[Arc<str>],
    ) -> Self::Node;
    fn evaluate(&mut self, span: Span, arg: Self::Expr) -> Self::Node;
    fn include(&mut self, span: Span, kind: IncludeKind, args: Vec<Self::Expr>) -> Self::Node;

    // ----- expressions -----
    fn ref_expr(&mut self, r: Box<Self::Ref>) -> Self::Expr;
    /// A string literal with nothing to interpolate.
    fn str(&mut self, span: Span, value: Text) -> Self::Expr;
    /// A double-quoted string literal parsed as a template (`value`: its
    /// processed body).
    fn interpolated(&mut self, span: Span, value: Text, body: Self::Block) -> Self::Expr;
    fn int(&mut self, span: Span, lit: IntLit) -> Self::Expr;
    fn float(&mut self, span: Span, f: f64) -> Self::Expr;
    fn bool(&mut self, span: Span, b: bool) -> Self::Expr;
    fn list(&mut self, span: Span, items: Vec<Self::Expr>) -> Self::Expr;
    fn range(&mut self, span: Span, from: Self::Expr, to: Self::Expr) -> Self::Expr;
    fn map(&mut self, span: Span, entries: Vec<(Self::Expr, Self::Expr)>) -> Self::Expr;
    fn not(&mut self, span: Span, e: Self::Expr) -> Self::Expr;
    /// `l op r`, spanning both.
    fn binary(&mut self, op: BinOp, l: Self::Expr, r: Self::Expr) -> Self::Expr;
    fn paren(&mut self, span: Span, e: Self::Expr) -> Self::Expr;
    fn expr_span(e: &Self::Expr) -> Span;
    /// The reference the expression is, or the expression.
    fn into_ref(e: Self::Expr) -> Result<Box<Self::Ref>, Self::Expr>;
    /// Whether the expression is a string literal or a reference (what
    /// `#evaluate` takes).
    fn is_str_or_ref(e: &Self::Expr) -> bool;

    // ----- references -----
    /// The reference, boxed (a builder may make it in its box), with the
    /// parts in `parts`, taken from where the parser collected them (moved
    /// out whole, the list's wide loads would wait on the narrow stores
    /// that just made it).
    fn reference(
        &mut self,
        r: RefFields<Self>,
        parts: &mut PartsOf<Self>,
        names: &[Arc<str>],
    ) -> Box<Self::Ref>;
    fn property(&mut self, span: Span, name: Self::Name, names: &[Arc<str>]) -> Self::Part;
    fn method(
        &mut self,
        span: Span,
        name: Self::Name,
        args: Vec<Self::Expr>,
        names: &[Arc<str>],
    ) -> Self::Part;
    fn index(&mut self, span: Span, e: Self::Expr) -> Self::Part;
    /// Whether the reference has no parts.
    fn is_bare(r: &Self::Ref) -> bool;
    /// The text of the reference's root name.
    fn root_text<'t>(&'t self, r: &'t Self::Ref, names: &'t [Arc<str>]) -> &'t str;
    /// Names the reference's root `name` instead (a `#set` target).
    fn rename_root(&mut self, r: &mut Self::Ref, name: Self::Name, names: &[Arc<str>]);
}

/// Builds the syntax tree, with names of the form `N`.
pub(crate) struct Syntax<N>(PhantomData<N>);

impl<N> Default for Syntax<N> {
    fn default() -> Syntax<N> {
        Syntax(PhantomData)
    }
}

impl<N: TreeName> Syntax<N> {
    /// The name of a directive argument.
    fn name_of(n: Named<Self>) -> N {
        match n {
            Named::Ref(r) => r.root,
            Named::Name(n, _) => n,
        }
    }
}

impl<N: TreeName> Build for Syntax<N> {
    type Name = N;
    type Node = Node<N>;
    type Expr = Expr<N>;
    type Ref = Reference<N>;
    type Part = RefPart<N>;
    type Block = Block<N>;
    type Branches = Vec<(Expr<N>, Block<N>)>;

    #[inline(always)]
    fn block(nodes: Block<N>, _: u32) -> Block<N> {
        nodes
    }

    #[inline(always)]
    fn nodes_of(b: &mut Block<N>) -> &mut Block<N> {
        b
    }

    #[inline(always)]
    fn text(span: Span, text: Text) -> Node<N> {
        Node::Text(span, text)
    }

    #[inline(always)]
    fn is_text(node: &Node<N>) -> bool {
        matches!(node, Node::Text(..))
    }

    #[inline(always)]
    fn text_of(node: &mut Node<N>) -> Option<(&mut Span, &mut Text)> {
        match node {
            Node::Text(s, t) => Some((s, t)),
            _ => None,
        }
    }

    #[inline(always)]
    fn into_text(node: Node<N>) -> Result<(Span, Text), Node<N>> {
        match node {
            Node::Text(s, t) => Ok((s, t)),
            n => Err(n),
        }
    }

    #[inline(always)]
    fn printed(&mut self, r: Box<Reference<N>>) -> Node<N> {
        Node::Ref(r)
    }

    #[inline(always)]
    fn set(&mut self, span: Span, target: Box<Reference<N>>, value: Expr<N>) -> Node<N> {
        Node::Set {
            span,
            target,
            value,
        }
    }

    #[inline(always)]
    fn branches() -> Vec<(Expr<N>, Block<N>)> {
        Vec::with_capacity(1)
    }

    #[inline(always)]
    fn branch(&mut self, to: &mut Vec<(Expr<N>, Block<N>)>, cond: Expr<N>, body: Block<N>) {
        to.push((cond, body));
    }

    #[inline(always)]
    fn if_(
        &mut self,
        span: Span,
        branches: Vec<(Expr<N>, Block<N>)>,
        otherwise: Option<Block<N>>,
    ) -> Node<N> {
        Node::If {
            span,
            branches,
            otherwise,
        }
    }

    fn foreach(
        &mut self,
        span: Span,
        var: Named<Self>,
        iterable: Expr<N>,
        body: Block<N>,
        _: &[Arc<str>],
    ) -> Node<N> {
        let (var, var_span) = match var {
            Named::Ref(r) => (r.root, r.span),
            Named::Name(n, s) => (n, s),
        };
        Node::Foreach {
            span,
            var,
            var_span,
            iterable: Box::new(iterable),
            body,
        }
    }

    fn break_(&mut self, span: Span, scope: Option<Expr<N>>) -> Node<N> {
        Node::Break(span, scope.map(Box::new))
    }

    fn stop(&mut self, span: Span) -> Node<N> {
        Node::Stop(span)
    }

    fn macro_def(
        &mut self,
        span: Span,
        name: N,
        params: Vec<Named<Self>>,
        body: Block<N>,
        _names: &[Arc<str>],
    ) -> Node<N> {
        Node::Macro {
            span,
            name,
            params: params.into_iter().map(Self::name_of).collect(),
            body,
        }
    }

    fn macro_call(&mut self, span: Span, name: N, args: Vec<Expr<N>>, _: &[Arc<str>]) -> Node<N> {
        Node::MacroCall { span, name, args }
    }

    fn define(&mut self, span: Span, name: Named<Self>, body: Block<N>, _: &[Arc<str>]) -> Node<N> {
        Node::Define {
            span,
            name: Self::name_of(name),
            body,
        }
    }

    fn evaluate(&mut self, span: Span, arg: Expr<N>) -> Node<N> {
        Node::Evaluate { span, arg }
    }

    fn include(&mut self, span: Span, kind: IncludeKind, args: Vec<Expr<N>>) -> Node<N> {
        Node::Include { span, kind, args }
    }

    #[inline(always)]
    fn ref_expr(&mut self, r: Box<Reference<N>>) -> Expr<N> {
        Expr::Ref(r)
    }

    #[inline(always)]
    fn str(&mut self, span: Span, value: Text) -> Expr<N> {
        Expr::Str {
            span,
            value,
            interpolated: None,
        }
    }

    fn interpolated(&mut self, span: Span, value: Text, body: Block<N>) -> Expr<N> {
        Expr::Str {
            span,
            value,
            interpolated: Some(Box::new(body)),
        }
    }

    fn int(&mut self, span: Span, lit: IntLit) -> Expr<N> {
        Expr::Int(span, lit)
    }

    fn float(&mut self, span: Span, f: f64) -> Expr<N> {
        Expr::Float(span, f)
    }

    fn bool(&mut self, span: Span, b: bool) -> Expr<N> {
        Expr::Bool(span, b)
    }

    fn list(&mut self, span: Span, items: Vec<Expr<N>>) -> Expr<N> {
        Expr::List(span, items)
    }

    fn range(&mut self, span: Span, from: Expr<N>, to: Expr<N>) -> Expr<N> {
        Expr::Range(span, Box::new(from), Box::new(to))
    }

    fn map(&mut self, span: Span, entries: Vec<(Expr<N>, Expr<N>)>) -> Expr<N> {
        Expr::Map(span, entries)
    }

    fn not(&mut self, span: Span, e: Expr<N>) -> Expr<N> {
        Expr::Unary(span, UnaryOp::Not, Box::new(e))
    }

    fn binary(&mut self, op: BinOp, l: Expr<N>, r: Expr<N>) -> Expr<N> {
        Expr::Binary(l.span().join(r.span()), op, Box::new(l), Box::new(r))
    }

    fn paren(&mut self, span: Span, e: Expr<N>) -> Expr<N> {
        Expr::Paren(span, Box::new(e))
    }

    #[inline(always)]
    fn expr_span(e: &Expr<N>) -> Span {
        e.span()
    }

    #[inline(always)]
    fn into_ref(e: Expr<N>) -> Result<Box<Reference<N>>, Expr<N>> {
        match e {
            Expr::Ref(r) => Ok(r),
            e => Err(e),
        }
    }

    fn is_str_or_ref(e: &Expr<N>) -> bool {
        matches!(e, Expr::Str { .. } | Expr::Ref(_))
    }

    #[inline(always)]
    fn reference(
        &mut self,
        r: RefFields<Self>,
        parts: &mut PartsOf<Self>,
        _: &[Arc<str>],
    ) -> Box<Reference<N>> {
        Box::new(Reference {
            span: r.span,
            root: r.root,
            root_span: r.root_span,
            parts: std::mem::take(parts),
            silent: r.silent,
            formal: r.formal,
            backslashes: r.backslashes,
        })
    }

    #[inline(always)]
    fn property(&mut self, span: Span, name: N, _: &[Arc<str>]) -> RefPart<N> {
        RefPart::Property(span, name)
    }

    #[inline(always)]
    fn method(&mut self, span: Span, name: N, args: Vec<Expr<N>>, _: &[Arc<str>]) -> RefPart<N> {
        RefPart::Method(span, name, args)
    }

    fn index(&mut self, span: Span, e: Expr<N>) -> RefPart<N> {
        RefPart::Index(span, e)
    }

    fn is_bare(r: &Reference<N>) -> bool {
        r.parts.is_empty()
    }

    fn root_text<'t>(&'t self, r: &'t Reference<N>, names: &'t [Arc<str>]) -> &'t str {
        r.root.text(names)
    }

    fn rename_root(&mut self, r: &mut Reference<N>, name: N, _: &[Arc<str>]) {
        r.root = name;
    }
}
