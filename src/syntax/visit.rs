//! Walking the syntax tree: the one walk every pass shares.
//!
//! [`walk`] visits statements in order, and (unless the visitor asks for
//! statements only) the expressions inside them: conditions, arguments, index
//! expressions, collection literals and the bodies of interpolated strings.
//! A visitor decides at each node whether to go into it ([`Walk`]).
//!
//! The parser bounds the tree's depth ([`super::parser::MAX_NESTING`]), so the
//! walk's recursion is bounded too: no pass needs a depth cap of its own.

use super::ast::{Block, Expr, Node, RefPart, Reference};

/// What to do after seeing a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// Go into its children.
    Descend,
    /// Leave its children out.
    Skip,
    /// End the whole walk.
    Stop,
}

/// A pass over the tree. Every method has a default: override what you need.
pub trait Visitor<'a> {
    /// A statement, before its children.
    fn node(&mut self, _node: &'a Node) -> Walk {
        Walk::Descend
    }

    /// A reference (printed, assigned, or inside an expression), before its
    /// arguments and indexes.
    fn reference(&mut self, _r: &'a Reference) -> Walk {
        Walk::Descend
    }

    /// `false`: statements only (no expressions, so no interpolated strings).
    fn expressions(&self) -> bool {
        true
    }
}

/// Walks `block`. Returns `false` when a visitor stopped it.
pub fn walk<'a>(block: &'a Block, v: &mut dyn Visitor<'a>) -> bool {
    block.iter().all(|n| walk_node(n, v))
}

fn walk_node<'a>(node: &'a Node, v: &mut dyn Visitor<'a>) -> bool {
    match v.node(node) {
        Walk::Stop => return false,
        Walk::Skip => return true,
        Walk::Descend => {}
    }
    let exprs = v.expressions();
    let ex = |e: &'a Expr, v: &mut dyn Visitor<'a>| !exprs || walk_expr(e, v);
    match node {
        Node::Text(..) | Node::Stop(_) | Node::Break(_, None) => true,
        Node::Break(_, Some(e)) => ex(e, v),
        Node::Ref(r) => !exprs || walk_ref(r, v),
        Node::Set { target, value, .. } => (!exprs || walk_ref(target, v)) && ex(value, v),
        Node::If {
            branches,
            otherwise,
            ..
        } => {
            branches.iter().all(|(c, b)| ex(c, v) && walk(b, v))
                && otherwise.as_ref().map_or(true, |b| walk(b, v))
        }
        Node::Foreach { iterable, body, .. } => ex(iterable, v) && walk(body, v),
        Node::Macro { body, .. } | Node::Define { body, .. } => walk(body, v),
        Node::MacroCall { args, .. } | Node::Include { args, .. } => args.iter().all(|a| ex(a, v)),
        Node::Evaluate { arg, .. } => ex(arg, v),
    }
}

fn walk_ref<'a>(r: &'a Reference, v: &mut dyn Visitor<'a>) -> bool {
    match v.reference(r) {
        Walk::Stop => return false,
        Walk::Skip => return true,
        Walk::Descend => {}
    }
    r.parts.iter().all(|p| match p {
        RefPart::Property(..) => true,
        RefPart::Method(_, _, args) => args.iter().all(|a| walk_expr(a, v)),
        RefPart::Index(_, e) => walk_expr(e, v),
    })
}

fn walk_expr<'a>(e: &'a Expr, v: &mut dyn Visitor<'a>) -> bool {
    match e {
        Expr::Ref(r) => walk_ref(r, v),
        Expr::Str { interpolated, .. } => interpolated.as_ref().map_or(true, |b| walk(b, v)),
        Expr::Int(..) | Expr::Float(..) | Expr::Bool(..) => true,
        Expr::List(_, items) => items.iter().all(|i| walk_expr(i, v)),
        Expr::Range(_, a, b) | Expr::Binary(_, _, a, b) => walk_expr(a, v) && walk_expr(b, v),
        Expr::Map(_, entries) => entries
            .iter()
            .all(|(k, x)| walk_expr(k, v) && walk_expr(x, v)),
        Expr::Unary(_, _, a) | Expr::Paren(_, a) => walk_expr(a, v),
    }
}

/// Calls `f` on every reference in `block`: in output, directives, arguments,
/// index expressions, collection literals and interpolated strings.
pub fn for_each_reference<'a>(block: &'a Block, f: &mut dyn FnMut(&'a Reference)) {
    struct Refs<'f, 'a>(&'f mut dyn FnMut(&'a Reference));
    impl<'a> Visitor<'a> for Refs<'_, 'a> {
        fn reference(&mut self, r: &'a Reference) -> Walk {
            (self.0)(r);
            Walk::Descend
        }
    }
    walk(block, &mut Refs(f));
}

/// Calls `f` on every statement in `block`, at any depth (interpolated strings
/// included); `f` says whether to go on into the statement's children.
pub fn for_each_node<'a>(block: &'a Block, f: &mut dyn FnMut(&'a Node) -> Walk) -> bool {
    struct Nodes<'f, 'a>(&'f mut dyn FnMut(&'a Node) -> Walk);
    impl<'a> Visitor<'a> for Nodes<'_, 'a> {
        fn node(&mut self, n: &'a Node) -> Walk {
            (self.0)(n)
        }
    }
    walk(block, &mut Nodes(f))
}

/// Like [`for_each_node`], statements only: not the bodies of interpolated strings.
pub fn for_each_statement<'a>(block: &'a Block, f: &mut dyn FnMut(&'a Node) -> Walk) -> bool {
    struct Statements<'f, 'a>(&'f mut dyn FnMut(&'a Node) -> Walk);
    impl<'a> Visitor<'a> for Statements<'_, 'a> {
        fn node(&mut self, n: &'a Node) -> Walk {
            (self.0)(n)
        }
        fn expressions(&self) -> bool {
            false
        }
    }
    walk(block, &mut Statements(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_everywhere_are_visited() {
        let ast = crate::syntax::parse(
            r##"$a #set($b = [$c, {"k": $d}]) #if($e)#foreach($f in $g.h($i))"$j"#end#end #macro(m)$k#end"##,
        )
        .expect("parses");
        let mut seen = Vec::new();
        for_each_reference(&ast, &mut |r| seen.push(r.root.to_string()));
        assert_eq!(seen, ["a", "b", "c", "d", "e", "g", "i", "j", "k"]);
    }

    #[test]
    fn a_visitor_can_skip_and_stop() {
        let ast = crate::syntax::parse("#if($a)$b#end $c #evaluate('x') $d").expect("parses");
        let mut seen = 0;
        let finished = for_each_node(&ast, &mut |n| {
            seen += 1;
            match n {
                Node::If { .. } => Walk::Skip,
                Node::Evaluate { .. } => Walk::Stop,
                _ => Walk::Descend,
            }
        });
        assert!(!finished);
        // #if (skipped), " ", $c, " ", #evaluate.
        assert_eq!(seen, 5);
    }
}
