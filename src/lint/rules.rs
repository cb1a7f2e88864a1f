//! The lint rules on one template.
//!
//! [`check`] runs every rule on one [`Embedded`] template and returns
//! [`Finding`]s in template byte offsets, sorted by position. Each rule has a
//! stable id, a default severity and help text ([`RULES`]).
//!
//! # Switching rules
//!
//! A run switches rules with [`RuleConfig`], built from the command line's
//! `--allow RULE` (off) and `--deny RULE` (raised to an error) lists; an
//! unknown id is an error that lists the known ones. A template switches rules
//! off for itself with a VTL comment anywhere in it (`##` to the end of the
//! line, or a `#* … *#` block):
//!
//! ```text
//! ## apigw-vtl: allow(undefined-reference, printed-return-value)
//! #* apigw-vtl: allow(not-executed) *#
//! ```
//!
//! Ids are separated by commas, spaces around them are ignored. An unknown id,
//! or an `apigw-vtl:` comment that is not `allow(…)`, is reported as
//! `allow-comment`.
//!
//! # Decisions
//!
//! - **Quiet references** (`$!x`) to a variable nothing sets are reported by
//!   `undefined-reference` as a *note*, not a warning: the `!` says the author
//!   expects it may be null, yet nothing in the template ever sets it.
//! - A **template file** that reads none of `$input`, `$util`, `$context`,
//!   `$stageVariables` is taken to be rendered with caller-supplied variables
//!   (`apigw-vtl render --context`): `undefined-reference` is not run on it.
//! - **JSON output** (`invalid-json-output`) is checked for templates selected
//!   for `application/json` (any parameters after `;` ignored), and for template
//!   files with no content type whose output starts, in the syntax tree, with
//!   text whose first non-blank character is `{` or `[` (directives such as
//!   `#set` before it are skipped; output that starts with a reference is not
//!   checked). Gateway response templates are never rendered (they are not VTL).
//!   A break that disappears when null references print `null` comes from what
//!   the sample request lacks, not from the template, and is not reported.
//! - `printed-return-value` on `.clear()` / `.putAll(…)` (which return nothing,
//!   so print nothing on API Gateway) is a note.

mod checks;
mod output;
#[cfg(test)]
mod tests;

use std::collections::HashSet;

use super::{Embedded, Finding, Severity, TemplateKind};
use crate::runtime::{MappingTemplate, Request};

/// A rule's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub description: &'static str,
    pub help: &'static str,
}

/// Every rule, in the order they are documented.
pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        id: "syntax",
        severity: Severity::Error,
        description: "The template does not parse as Velocity 1.7.",
        help: "Fix the syntax at the position shown; API Gateway would fail every request.",
    },
    RuleInfo {
        id: "unknown-input-member",
        severity: Severity::Error,
        description: "$input has only body, json(path), path(path), params() and params(name).",
        help: "Use one of $input.body, $input.json('$.x'), $input.path('$.x'), $input.params() or $input.params('name').",
    },
    RuleInfo {
        id: "input-arguments",
        severity: Severity::Error,
        description: "A $input function called with the wrong number of arguments, or not called.",
        help: "json and path take one JSONPath; params takes none or one name.",
    },
    RuleInfo {
        id: "unknown-util-function",
        severity: Severity::Error,
        description: "API Gateway's $util has only escapeJavaScript, parseJson, urlEncode, urlDecode, base64Encode and base64Decode; any other name silently renders nothing.",
        help: "Use one of the six $util functions.",
    },
    RuleInfo {
        id: "util-arguments",
        severity: Severity::Error,
        description: "A $util function called with the wrong number of arguments, or not called.",
        help: "Each $util function takes exactly one string.",
    },
    RuleInfo {
        id: "unknown-context-variable",
        severity: Severity::Warning,
        description: "A $context variable AWS does not document for mapping templates; it renders nothing.",
        help: "Check the spelling against AWS's list of $context variables (they are case-sensitive).",
    },
    RuleInfo {
        id: "invalid-jsonpath",
        severity: Severity::Error,
        description: "A JSONPath literal that does not compile; the call fails when it runs.",
        help: "Fix the path: API Gateway uses Jayway JsonPath ($.a.b, $['a b'], $.list[0], $..x, $.l[?(@.n > 1)]).",
    },
    RuleInfo {
        id: "unsupported-directive",
        severity: Severity::Error,
        description: "#include and #parse need files, which API Gateway templates cannot reach.",
        help: "Inline the included template.",
    },
    RuleInfo {
        id: "not-executed",
        severity: Severity::Warning,
        description: "API Gateway does not execute #macro or #evaluate: macro calls and #evaluate print their own text.",
        help: "Write the macro's body out where it is used.",
    },
    RuleInfo {
        id: "escape-javascript-quote",
        severity: Severity::Warning,
        description: "$util.escapeJavaScript writes ' as \\', which is not valid inside a JSON string.",
        help: "Append .replaceAll(\"\\\\'\",\"'\") to the call, as AWS's documentation recommends.",
    },
    RuleInfo {
        id: "printed-return-value",
        severity: Severity::Warning,
        description: "A call made for its side effect prints its return value ($map.put prints the old value, $list.add prints true).",
        help: "Write it as #set($ignore = ...).",
    },
    RuleInfo {
        id: "undefined-reference",
        severity: Severity::Warning,
        description: "A variable that is never #set and is not an API Gateway variable: probably a typo; it renders nothing.",
        help: "Check the name, or #set it first. Quiet references ($!x) are reported as notes.",
    },
    RuleInfo {
        id: "duplicate-override",
        severity: Severity::Error,
        description: "The same $context.requestOverride / responseOverride parameter set twice; API Gateway answers 5XX.",
        help: "Set each override once (compute the value first, then #set the override).",
    },
    RuleInfo {
        id: "invalid-override",
        severity: Severity::Warning,
        description: "A $context override set to a literal API Gateway cannot apply: a header name that is not an HTTP token, a header value with a line break, a status that is not a whole number from 100 to 599 (the render fails; API Gateway answers 5XX).",
        help: "Use an HTTP token for header names, one line for header values, and a status from 100 to 599.",
    },
    RuleInfo {
        id: "gateway-response-not-vtl",
        severity: Severity::Warning,
        description: "Gateway response templates are not VTL: API Gateway only substitutes $context and $stageVariables variables and sends the rest as written.",
        help: "Remove directives, method calls and other variables from the gateway response template.",
    },
    RuleInfo {
        id: "template-size",
        severity: Severity::Error,
        description: "The template is over API Gateway's 300 KB limit.",
        help: "Split or shorten the template.",
    },
    RuleInfo {
        id: "invalid-json-output",
        severity: Severity::Error,
        description: "For a sample request, the template's output is not valid JSON although it is an application/json template.",
        help: "Quote the value, add the missing comma or bracket, or guard a reference that can be null (it renders as nothing) with #if.",
    },
    RuleInfo {
        id: "bare-json-value",
        severity: Severity::Warning,
        description: "A $input.path / $input.json value of a field printed bare in a JSON value position (\"qty\": $input.path('$.qty')): when the request lacks the field it prints nothing and the JSON breaks.",
        help: "Quote it when it is a string; otherwise print it inside #if, with a default (#if(\"$!v\" != \"\")$v#{else}null#end).",
    },
    RuleInfo {
        id: "render-error",
        severity: Severity::Warning,
        description: "Rendering the template for a sample request failed.",
        help: "Check the call at the position shown against the sample request (--event).",
    },
    RuleInfo {
        id: "allow-comment",
        severity: Severity::Warning,
        description: "An `apigw-vtl:` comment that names an unknown rule or is not `allow(rule, …)`.",
        help: "Write `## apigw-vtl: allow(rule-id, other-id)` with ids from `apigw-vtl lint --list-rules`.",
    },
    RuleInfo {
        id: "unknown-integration-key",
        severity: Severity::Warning,
        description: "A key of x-amazon-apigateway-integration (or of one of its responses) that API Gateway does not know; it is ignored, with what it holds.",
        help: "Use the key API Gateway reads (`responses`, not `integrationResponses`; `requestTemplates`, `responseTemplates`).",
    },
    RuleInfo {
        id: "document-syntax",
        severity: Severity::Error,
        description: "A JSON or YAML document that does not parse, so its templates cannot be checked.",
        help: "Fix the document's syntax at the position shown.",
    },
];

/// The metadata of rule `id`.
pub fn rule_info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

fn rule_id(name: &str) -> Result<&'static str, String> {
    rule_info(name.trim()).map(|r| r.id).ok_or_else(|| {
        let known: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        format!(
            "unknown rule '{}'; the rules are: {}",
            name.trim(),
            known.join(", ")
        )
    })
}

/// Which rules are on, and at which severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleConfig {
    allowed: HashSet<&'static str>,
    denied: HashSet<&'static str>,
    /// Levels set by a config file (`note`, `warning`, `error`).
    levels: std::collections::HashMap<&'static str, Severity>,
}

impl RuleConfig {
    /// From the `--allow` (switch off) and `--deny` (make an error) lists. An
    /// unknown id, or one in both lists, is an error.
    pub fn new(allow: &[String], deny: &[String]) -> Result<RuleConfig, String> {
        let mut cfg = RuleConfig::default();
        for a in allow {
            cfg.allow(a)?;
        }
        for d in deny {
            let id = rule_id(d)?;
            if cfg.allowed.contains(id) {
                return Err(format!("rule '{id}' is both allowed and denied"));
            }
            cfg.deny(id)?;
        }
        Ok(cfg)
    }

    /// Switches `rule` off (undoing an earlier [`RuleConfig::deny`]).
    pub fn allow(&mut self, rule: &str) -> Result<(), String> {
        let id = rule_id(rule)?;
        self.denied.remove(id);
        self.levels.remove(id);
        self.allowed.insert(id);
        Ok(())
    }

    /// Gives every finding of `rule` the severity `level` (undoing an earlier
    /// allow or deny).
    pub fn set_level(&mut self, rule: &str, level: Severity) -> Result<(), String> {
        let id = rule_id(rule)?;
        self.denied.remove(id);
        self.allowed.remove(id);
        self.levels.insert(id, level);
        Ok(())
    }

    /// Makes every finding of `rule` an error (undoing an earlier [`RuleConfig::allow`]).
    pub fn deny(&mut self, rule: &str) -> Result<(), String> {
        let id = rule_id(rule)?;
        self.allowed.remove(id);
        self.levels.remove(id);
        self.denied.insert(id);
        Ok(())
    }

    /// Whether `rule` runs.
    pub fn is_enabled(&self, rule: &str) -> bool {
        !self.allowed.contains(rule)
    }

    /// The severity a finding of `rule` gets when the rule would give it
    /// `natural` (the rule's default, or a note for a less certain case):
    /// `None` when the rule is off, an error when it is denied.
    pub fn severity(&self, rule: &str, natural: Severity) -> Option<Severity> {
        if self.allowed.contains(rule) {
            None
        } else if self.denied.contains(rule) {
            Some(Severity::Error)
        } else if let Some(l) = self.levels.get(rule) {
            Some(*l)
        } else {
            Some(natural)
        }
    }
}

/// API Gateway's template size limit.
pub const TEMPLATE_MAX: usize = 300 * 1024;

/// Runs every rule on one template, rendering it against `sample` alone.
pub fn check(template: &Embedded, cfg: &RuleConfig, sample: &Request) -> Vec<Finding> {
    let samples = crate::lint::Samples::with_request("the sample request", sample.clone());
    check_with(template, cfg, &samples)
}

/// What a template's output should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Json,
    /// `Action=SendMessage&MessageBody=…` (SQS, SNS and other query APIs).
    Form,
    Xml,
    /// Anything else, or not known.
    Other,
}

/// AWS services whose API takes form-encoded `Action=` requests.
const QUERY_SERVICES: &[&str] = &[
    "sqs",
    "sns",
    "ses",
    "sts",
    "iam",
    "ec2",
    "autoscaling",
    "cloudformation",
    "elasticloadbalancing",
    "rds",
    "elasticache",
    "redshift",
    "monitoring",
    "sdb",
];

/// What the output of `t` should be: for a request template, what its
/// integration takes (a mapped `Content-Type` header; a mock integration takes
/// JSON; an AWS service by its protocol); for a response template, its content
/// type; and in every case what the template visibly writes (text starting
/// with `<` is XML, `Name=` is a form) over a content type that says otherwise.
pub fn output_format(t: &Embedded, ast: &crate::syntax::ast::Block) -> OutputFormat {
    if t.kind == TemplateKind::GatewayResponse {
        return OutputFormat::Other;
    }
    let by_content = first_text(ast).and_then(|text| {
        let text = text.trim_start();
        let c = text.chars().next()?;
        Some(match c {
            '{' | '[' => OutputFormat::Json,
            '<' => OutputFormat::Xml,
            _ if is_form_start(text) => OutputFormat::Form,
            _ => OutputFormat::Other,
        })
    });
    if matches!(by_content, Some(OutputFormat::Xml | OutputFormat::Form)) {
        return by_content.unwrap_or(OutputFormat::Other);
    }
    if t.kind == TemplateKind::Request {
        if let Some(i) = &t.integration {
            if let Some(ct) = &i.content_type {
                return if ct.contains("x-www-form-urlencoded") {
                    OutputFormat::Form
                } else if ct.contains("json") {
                    OutputFormat::Json
                } else if ct.contains("xml") {
                    OutputFormat::Xml
                } else {
                    OutputFormat::Other
                };
            }
            if i.kind.as_deref() == Some("MOCK") {
                return OutputFormat::Json;
            }
            if let Some(svc) = &i.service {
                if QUERY_SERVICES.contains(&svc.as_str()) {
                    return OutputFormat::Form;
                }
                if svc == "s3" {
                    return OutputFormat::Other;
                }
            }
        }
    }
    let ct_json = t.content_type.as_deref().is_some_and(|ct| {
        let m = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        m == "application/json" || m.ends_with("+json")
    });
    // Content decides where no content type says anything: a template file, or
    // a WebSocket template under a selection key such as `$default`.
    let by_content_counts = t.kind == TemplateKind::File
        || t.content_type
            .as_deref()
            .is_some_and(|ct| !ct.contains('/'));
    if ct_json || (by_content_counts && by_content == Some(OutputFormat::Json)) {
        OutputFormat::Json
    } else {
        OutputFormat::Other
    }
}

/// `Name=…` (a form body's first field).
fn is_form_start(text: &str) -> bool {
    let name_len = text
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        .count();
    name_len > 0 && text.as_bytes().get(name_len) == Some(&b'=')
}

/// The first literal text the template writes that is not blank (directives such
/// as `#set` before it skipped); `None` when a reference or nothing comes first.
/// (Its recursion follows the tree, whose depth the parser bounds.)
fn first_text(block: &crate::syntax::ast::Block) -> Option<&str> {
    use crate::syntax::ast::Node;
    for node in block {
        match node {
            Node::Text(_, text) => {
                if !text.trim().is_empty() {
                    return Some(text);
                }
            }
            Node::Set { .. } | Node::Macro { .. } | Node::Define { .. } | Node::Break(..) => {}
            Node::Stop(_) => return None,
            Node::If { branches, .. } => {
                if let Some(d) = branches.first().and_then(|(_, b)| first_text(b)) {
                    return Some(d);
                }
            }
            Node::Foreach { body, .. } => {
                if let Some(d) = first_text(body) {
                    return Some(d);
                }
            }
            Node::Ref(_)
            | Node::MacroCall { .. }
            | Node::Evaluate { .. }
            | Node::Include { .. } => return None,
        }
    }
    None
}

/// Runs every rule on one template. Findings are in template byte offsets,
/// sorted by position, with the severities `cfg` gives them. JSON templates are
/// rendered against each of `samples` (request templates and template files
/// against the requests, response templates against the integration
/// responses); each break is reported once, at the template text that causes it.
pub fn check_with(
    template: &Embedded,
    cfg: &RuleConfig,
    samples: &crate::lint::Samples,
) -> Vec<Finding> {
    let src = template.source.as_str();
    let (local_allow, mut findings) = allowed_in_source(src);

    if src.len() > TEMPLATE_MAX {
        findings.push(finding(
            "template-size",
            0..0,
            format!(
                "the template is {} bytes; API Gateway allows 300 KB ({TEMPLATE_MAX} bytes)",
                src.len()
            ),
            None,
        ));
    }
    let unlimited = crate::Limits {
        template_max: usize::MAX,
        ..crate::Limits::default()
    };
    match MappingTemplate::parse_keeping(src, &unlimited, true) {
        Err(e) => findings.push(finding("syntax", e.span.range(), e.message.clone(), None)),
        Ok(m) => {
            let ast = m.template().ast();
            let format = output_format(template, ast);
            let json = format == OutputFormat::Json;
            // The JSON-string rules run where the output is JSON or nothing says
            // what it is; not on XML, forms, or a content type that is not JSON.
            let strings_json = json
                || (format == OutputFormat::Other
                    && template.kind != TemplateKind::GatewayResponse
                    && template.content_type.is_none());
            let mut c = checks::Checker::new(src, template.kind, ast, strings_json);
            c.run(ast);
            let mut found = c.finish();
            let escape_found = found.iter().any(|f| f.rule == "escape-javascript-quote");
            // Only JSON templates are rendered (so only they get `render-error`).
            if json && (cfg.is_enabled("invalid-json-output") || cfg.is_enabled("render-error")) {
                let set = if template.kind == TemplateKind::Response {
                    &samples.responses
                } else {
                    &samples.requests
                };
                for sample in set {
                    for f in output::check_output(&m, src, sample) {
                        // A break already explained by a finding at the same place is
                        // not reported twice (also when that finding's rule is switched
                        // off: the user accepted it); nor is a `\'` that
                        // escape-javascript-quote explains.
                        let overlaps = found.iter().any(|o| {
                            o.range.start < f.range.end.max(f.range.start + 1)
                                && f.range.start < o.range.end.max(o.range.start + 1)
                        });
                        let escape = escape_found && f.message.contains("invalid escape");
                        if !overlaps && !escape {
                            found.push(f);
                        }
                    }
                }
            }
            findings.extend(found);
        }
    }

    let mut out: Vec<Finding> = Vec::new();
    for mut f in findings {
        if local_allow.contains(f.rule) {
            continue;
        }
        let Some(sev) = cfg.severity(f.rule, f.severity) else {
            continue;
        };
        f.severity = sev;
        out.push(f);
    }
    out.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule).cmp(&(b.range.start, b.range.end, b.rule))
    });
    out.dedup();
    out
}

/// A finding of `rule` at its default severity, with its help as the hint.
pub(super) fn finding(
    rule: &'static str,
    range: std::ops::Range<usize>,
    message: String,
    fix: Option<super::Fix>,
) -> Finding {
    let info = rule_info(rule);
    Finding {
        rule,
        severity: info.map_or(Severity::Warning, |i| i.severity),
        range,
        message,
        hint: info.map(|i| i.help.to_string()),
        fix,
    }
}

/// The rules `apigw-vtl: allow(...)` comments switch off, and findings for
/// comments that name unknown rules.
fn allowed_in_source(src: &str) -> (HashSet<&'static str>, Vec<Finding>) {
    const MARK: &str = "apigw-vtl:";
    let mut allowed = HashSet::new();
    let mut bad = Vec::new();
    let mut from = 0;
    while let Some(i) = src.get(from..).and_then(|s| s.find(MARK)) {
        let at = from + i;
        from = at + MARK.len();
        if !in_comment(src, at) {
            continue;
        }
        let rest = src.get(from..).unwrap_or("");
        let trimmed = rest.trim_start_matches([' ', '\t']);
        let ws = rest.len() - trimmed.len();
        let Some(args) = trimmed
            .strip_prefix("allow")
            .map(|s| s.trim_start_matches([' ', '\t']))
            .and_then(|s| s.strip_prefix('('))
        else {
            let line_end = rest.find('\n').unwrap_or(rest.len());
            bad.push(finding(
                "allow-comment",
                at..from + line_end,
                "an apigw-vtl comment must be `apigw-vtl: allow(rule-id, …)`".into(),
                None,
            ));
            continue;
        };
        let args_start = from + ws + (trimmed.len() - args.len());
        let Some(close) = args
            .find(')')
            .filter(|c| !args.get(..*c).unwrap_or("").contains('\n'))
        else {
            bad.push(finding(
                "allow-comment",
                at..args_start,
                "this apigw-vtl: allow( has no closing `)` on its line".into(),
                None,
            ));
            continue;
        };
        let mut pos = args_start;
        for part in args.get(..close).unwrap_or("").split(',') {
            let lead = part.len() - part.trim_start().len();
            let id = part.trim();
            let start = pos + lead;
            pos += part.len() + 1;
            if id.is_empty() {
                continue;
            }
            match rule_info(id) {
                Some(info) => {
                    allowed.insert(info.id);
                }
                None => {
                    let known: Vec<&str> = RULES.iter().map(|r| r.id).collect();
                    bad.push(finding(
                        "allow-comment",
                        start..start + id.len(),
                        format!("unknown rule '{id}'; the rules are: {}", known.join(", ")),
                        None,
                    ));
                }
            }
        }
        from = args_start + close;
    }
    (allowed, bad)
}

/// Whether byte `at` is inside a `##` or `#* … *#` comment (by the text alone).
fn in_comment(src: &str, at: usize) -> bool {
    let before = src.get(..at).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if before.get(line_start..).is_some_and(|l| l.contains("##")) {
        return true;
    }
    match before.rfind("#*") {
        Some(open) => !before.get(open + 2..).is_some_and(|s| s.contains("*#")),
        None => false,
    }
}
