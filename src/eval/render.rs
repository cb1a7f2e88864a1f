//! The tree walker.

use crate::error::RenderError;
use crate::syntax::ast::Node;
use crate::{Context, RenderOptions, TemplateInner};

pub(crate) fn render(
    t: &TemplateInner,
    _ctx: &Context,
    _opts: &RenderOptions,
    out: &mut String,
) -> Result<(), RenderError> {
    for n in &t.body {
        if let Node::Text(_, s) = n {
            out.push_str(s);
        }
    }
    Ok(())
}
