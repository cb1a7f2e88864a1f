//! Walking the syntax tree: every reference, wherever it stands.

use super::ast::{Block, Expr, Node, RefPart, Reference};

/// Calls `f` on every reference in `block`: in output, directives, arguments,
/// index expressions, collection literals and interpolated strings. The tree's
/// depth is bounded by the parser, so the recursion is too.
pub fn for_each_reference<'a>(block: &'a Block, f: &mut dyn FnMut(&'a Reference)) {
    for node in block {
        node_refs(node, f);
    }
}

fn node_refs<'a>(node: &'a Node, f: &mut dyn FnMut(&'a Reference)) {
    match node {
        Node::Text(..) | Node::Stop(_) | Node::Break(_, None) => {}
        Node::Break(_, Some(e)) => expr_refs(e, f),
        Node::Ref(r) => ref_refs(r, f),
        Node::Set { target, value, .. } => {
            ref_refs(target, f);
            expr_refs(value, f);
        }
        Node::If {
            branches,
            otherwise,
            ..
        } => {
            for (c, b) in branches {
                expr_refs(c, f);
                for_each_reference(b, f);
            }
            if let Some(b) = otherwise {
                for_each_reference(b, f);
            }
        }
        Node::Foreach { iterable, body, .. } => {
            expr_refs(iterable, f);
            for_each_reference(body, f);
        }
        Node::Macro { body, .. } | Node::Define { body, .. } => for_each_reference(body, f),
        Node::MacroCall { args, .. } | Node::Include { args, .. } => {
            for a in args {
                expr_refs(a, f);
            }
        }
        Node::Evaluate { arg, .. } => expr_refs(arg, f),
    }
}

fn ref_refs<'a>(r: &'a Reference, f: &mut dyn FnMut(&'a Reference)) {
    f(r);
    for p in &r.parts {
        match p {
            RefPart::Property(..) => {}
            RefPart::Method(_, _, args) => {
                for a in args {
                    expr_refs(a, f);
                }
            }
            RefPart::Index(_, e) => expr_refs(e, f),
        }
    }
}

fn expr_refs<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Reference)) {
    match e {
        Expr::Ref(r) => ref_refs(r, f),
        Expr::Str { interpolated, .. } => {
            if let Some(b) = interpolated {
                for_each_reference(b, f);
            }
        }
        Expr::Int(..) | Expr::Float(..) | Expr::Bool(..) => {}
        Expr::List(_, items) => {
            for i in items {
                expr_refs(i, f);
            }
        }
        Expr::Range(_, a, b) | Expr::Binary(_, _, a, b) => {
            expr_refs(a, f);
            expr_refs(b, f);
        }
        Expr::Map(_, entries) => {
            for (k, v) in entries {
                expr_refs(k, f);
                expr_refs(v, f);
            }
        }
        Expr::Unary(_, _, a) | Expr::Paren(_, a) => expr_refs(a, f),
    }
}
