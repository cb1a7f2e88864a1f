//! AppSync resolver templates are VTL too, with another `$util`, `$ctx` and
//! `$context`: linted as API Gateway templates, every one of their calls would
//! be a finding. A template file is taken for an AppSync resolver when an
//! AppSync resource of a linted document names it, when it sits in a folder
//! AppSync projects use for them (`mapping_templates/`, `resolvers/`), or when
//! it uses what only AppSync has (`$ctx`, `$util.dynamodb`, `$util.qr`,
//! `$context.arguments`, …). Such files are skipped and counted in the summary.

/// Folder names AppSync projects keep resolver templates in.
const FOLDERS: &[&str] = &[
    "mapping_templates",
    "mapping-templates",
    "mappingtemplates",
    "resolvers",
    "resolver_templates",
    "resolver-templates",
];

/// Text only AppSync templates use.
const MARKERS: &[&str] = &[
    "$ctx.",
    "${ctx.",
    "$!ctx.",
    "$!{ctx.",
    "$util.dynamodb",
    "$util.qr(",
    "$util.appendError(",
    "$util.autoId(",
    "$util.time.",
    "$util.transform.",
    "$util.rds.",
    "$util.list.",
    "$util.map.",
    "$util.str.",
    "$util.math.",
    "$util.unauthorized(",
    "$context.arguments",
    "$context.args",
    "$context.result",
    "$context.source",
    "$context.stash",
    "$context.prev",
    "$context.info",
    "$context.identity.sub",
    "$context.identity.claims",
];

/// Whether the path of a template file says it is an AppSync resolver.
pub fn is_appsync_path(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split(['/', '\\']).collect();
    parts.pop();
    parts
        .iter()
        .any(|p| FOLDERS.iter().any(|f| p.eq_ignore_ascii_case(f)))
}

/// Whether a template's text uses what only AppSync has.
pub fn is_appsync_source(src: &str) -> bool {
    MARKERS.iter().any(|m| src.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_sources() {
        assert!(is_appsync_path("graphql/mapping_templates/get.vtl"));
        assert!(is_appsync_path("src/Resolvers/x.vtl"));
        assert!(!is_appsync_path("resolvers.vtl"));
        assert!(!is_appsync_path("api/templates/get.vtl"));
        assert!(is_appsync_source("$util.toJson($ctx.result)"));
        // An API Gateway template with a wrong $util call is not taken for one.
        assert!(!is_appsync_source("{\"a\": $util.toJson($input.body)}"));
        assert!(is_appsync_source(
            "{\"key\": $util.dynamodb.toDynamoDBJson($context.arguments.id)}"
        ));
        assert!(!is_appsync_source(
            "{\"id\": \"$input.params('id')\", \"t\": $context.requestTimeEpoch}"
        ));
    }
}
