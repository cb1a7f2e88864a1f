//! The lint rules on one template.
//!
//! Each rule has a stable id and a default severity ([`RULES`]). A run switches
//! rules with [`RuleConfig`] (`--allow RULE`, `--deny RULE`: off, or raised to an
//! error); a template switches them off for itself with a comment anywhere in it:
//!
//! ```text
//! ## apigw-vtl: allow(undefined-reference, printed-return-value)
//! ```
//!
//! (`#* apigw-vtl: allow(...) *#` works too.)

use std::collections::HashSet;

use super::{Embedded, Finding, Fix, Severity, TemplateKind};
use crate::runtime::jsonpath::JsonPath;
use crate::runtime::{GatewayError, GatewayOptions, MappingTemplate, Request};
use crate::syntax::ast::{Block, Expr, IncludeKind, Node, RefPart, Reference};
use crate::syntax::span::Span;

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
        description: "A $input function called with the wrong number of arguments.",
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
        description: "A $util function called with the wrong number of arguments.",
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
        help: "Check the name, or #set it first. Quiet references ($!x) are not reported.",
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
        help: "Quote the value, or guard a reference that can be null (it renders as nothing) with #if.",
    },
    RuleInfo {
        id: "document-syntax",
        severity: Severity::Error,
        description: "A JSON or YAML document that does not parse, so its templates cannot be checked.",
        help: "Fix the document's syntax at the position shown.",
    },
    RuleInfo {
        id: "render-error",
        severity: Severity::Warning,
        description: "Rendering the template for a sample request failed.",
        help: "Check the call at the position shown against the sample request (--event).",
    },
];

/// Which rules are on, and at which severity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleConfig {
    allowed: HashSet<&'static str>,
    denied: HashSet<&'static str>,
}

fn rule_id(name: &str) -> Result<&'static str, String> {
    RULES
        .iter()
        .find(|r| r.id == name)
        .map(|r| r.id)
        .ok_or_else(|| {
            let known: Vec<&str> = RULES.iter().map(|r| r.id).collect();
            format!("unknown rule '{name}'; the rules are: {}", known.join(", "))
        })
}

impl RuleConfig {
    /// From `--allow` (switch off) and `--deny` (make an error) lists.
    pub fn new(allow: &[String], deny: &[String]) -> Result<RuleConfig, String> {
        let mut cfg = RuleConfig::default();
        for a in allow {
            cfg.allowed.insert(rule_id(a)?);
        }
        for d in deny {
            cfg.denied.insert(rule_id(d)?);
        }
        Ok(cfg)
    }

    fn severity(&self, info: &RuleInfo) -> Option<Severity> {
        if self.allowed.contains(info.id) {
            None
        } else if self.denied.contains(info.id) {
            Some(Severity::Error)
        } else {
            Some(info.severity)
        }
    }
}

/// Rules a template switches off with `apigw-vtl: allow(...)` comments.
fn allowed_in_source(src: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut rest = src;
    while let Some(i) = rest.find("apigw-vtl: allow(") {
        let after = rest.get(i + "apigw-vtl: allow(".len()..).unwrap_or("");
        let end = after.find(')').unwrap_or(after.len());
        for id in after.get(..end).unwrap_or("").split(',') {
            out.insert(id.trim().to_string());
        }
        rest = after.get(end..).unwrap_or("");
    }
    out
}

/// The variables API Gateway provides, and the ones Velocity's `#foreach` sets.
const RUNTIME_VARS: &[&str] = &[
    "input",
    "util",
    "context",
    "stageVariables",
    "foreach",
    "velocityCount",
    "velocityHasNext",
];

const UTIL_FUNCTIONS: &[&str] = &[
    "escapeJavaScript",
    "parseJson",
    "urlEncode",
    "urlDecode",
    "base64Encode",
    "base64Decode",
];

/// Documented `$context` variables for mapping templates (top level).
const CONTEXT_TOP: &[&str] = &[
    "accountId",
    "apiId",
    "authorizer",
    "awsEndpointRequestId",
    "deploymentId",
    "domainName",
    "domainPrefix",
    "error",
    "extendedRequestId",
    "httpMethod",
    "identity",
    "isCanaryRequest",
    "path",
    "protocol",
    "requestId",
    "requestOverride",
    "responseOverride",
    "requestTime",
    "requestTimeEpoch",
    "resourceId",
    "resourcePath",
    "stage",
    "wafResponseCode",
    "webaclArn",
    "xrayTraceId",
];

const CONTEXT_IDENTITY: &[&str] = &[
    "accountId",
    "apiKey",
    "apiKeyId",
    "caller",
    "clientCert",
    "cognitoAuthenticationProvider",
    "cognitoAuthenticationType",
    "cognitoIdentityId",
    "cognitoIdentityPoolId",
    "principalOrgId",
    "sourceIp",
    "user",
    "userAgent",
    "userArn",
    "vpcId",
    "vpceId",
    "accessKey",
];

const CONTEXT_ERROR: &[&str] = &[
    "message",
    "messageString",
    "responseType",
    "validationErrorString",
];

/// Access-log-only variables: documented, but not for mapping templates.
const CONTEXT_LOG_ONLY: &[&str] = &[
    "authorize",
    "authenticate",
    "customDomain",
    "integration",
    "integrationErrorMessage",
    "integrationLatency",
    "integrationStatus",
    "responseLatency",
    "responseLength",
    "status",
    "waf",
];

/// Calls whose return value nobody wants printed.
const SIDE_EFFECT_METHODS: &[&str] = &[
    "put",
    "add",
    "remove",
    "putAll",
    "addAll",
    "set",
    "clear",
    "removeAll",
];

/// API Gateway's template size limit.
pub const TEMPLATE_MAX: usize = 300 * 1024;

/// Runs every rule on one template. Findings are in template byte offsets, sorted.
pub fn check(t: &Embedded, cfg: &RuleConfig, sample: &Request) -> Vec<Finding> {
    let mut c = Checker {
        src: &t.source,
        findings: Vec::new(),
    };
    let local_allow = allowed_in_source(&t.source);

    if t.source.len() > TEMPLATE_MAX {
        c.push(
            "template-size",
            0..0,
            format!(
                "the template is {} bytes; API Gateway allows 300 KB ({TEMPLATE_MAX} bytes)",
                t.source.len()
            ),
            None,
        );
    }
    let unlimited = crate::Limits {
        template_max: usize::MAX,
        ..crate::Limits::default()
    };
    match MappingTemplate::parse_with(&t.source, &unlimited) {
        Err(e) => c.push("syntax", e.span.range(), e.message.clone(), None),
        Ok(m) => {
            c.block(m.template().ast());
            c.undefined(m.template().ast());
            if is_json_template(t) && !c.findings.iter().any(|f| f.rule == "syntax") {
                c.output_json(&m, sample);
                // A render failure or broken output already explained by a finding at the
                // same place is not reported twice.
                let (checks, mut others): (Vec<Finding>, Vec<Finding>) = c
                    .findings
                    .drain(..)
                    .partition(|f| matches!(f.rule, "render-error" | "invalid-json-output"));
                for f in checks {
                    let overlaps = others.iter().any(|o| {
                        o.range.start < f.range.end.max(f.range.start + 1)
                            && f.range.start < o.range.end.max(o.range.start + 1)
                    });
                    if !overlaps {
                        others.push(f);
                    }
                }
                c.findings = others;
            }
        }
    }

    let mut out: Vec<Finding> = Vec::new();
    for mut f in c.findings {
        if local_allow.contains(f.rule) {
            continue;
        }
        let Some(info) = RULES.iter().find(|r| r.id == f.rule) else {
            continue;
        };
        let Some(sev) = cfg.severity(info) else {
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

/// Templates whose output should be JSON: selected for `application/json`, or a
/// template file whose text starts like JSON.
fn is_json_template(t: &Embedded) -> bool {
    // Gateway responses are not VTL on API Gateway: it only substitutes `$context` values.
    if t.kind == TemplateKind::GatewayResponse {
        return false;
    }
    match &t.content_type {
        Some(ct) => ct
            .split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")),
        None => {
            t.kind == TemplateKind::File
                && t.source
                    .lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty() && !l.starts_with('#'))
                    .is_some_and(|l| l.starts_with('{') || l.starts_with('['))
        }
    }
}

struct Checker<'a> {
    src: &'a str,
    findings: Vec<Finding>,
}

impl Checker<'_> {
    fn push(
        &mut self,
        rule: &'static str,
        range: std::ops::Range<usize>,
        message: String,
        fix: Option<Fix>,
    ) {
        let info = RULES.iter().find(|r| r.id == rule);
        self.findings.push(Finding {
            rule,
            severity: info.map_or(Severity::Warning, |i| i.severity),
            range,
            message,
            hint: info.map(|i| i.help.to_string()),
            fix,
        });
    }

    fn text(&self, span: Span) -> &str {
        span.text(self.src)
    }

    fn block(&mut self, block: &Block) {
        for node in block {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Text(..) | Node::Stop(_) | Node::Break(_, None) => {}
            Node::Break(_, Some(e)) => self.expr(e),
            Node::Ref(r) => {
                self.reference(r);
                self.printed(r);
                self.escape_quote(r);
            }
            Node::Set { target, value, .. } => {
                self.reference(target);
                self.expr(value);
            }
            Node::If {
                branches,
                otherwise,
                ..
            } => {
                for (c, b) in branches {
                    self.expr(c);
                    self.block(b);
                }
                if let Some(b) = otherwise {
                    self.block(b);
                }
            }
            Node::Foreach { iterable, body, .. } => {
                self.expr(iterable);
                self.block(body);
            }
            Node::Define { body, .. } => self.block(body),
            Node::Macro {
                span, name, body, ..
            } => {
                self.push(
                    "not-executed",
                    span.range(),
                    format!("API Gateway does not run #macro: '#{name}(...)' calls will print as written"),
                    None,
                );
                self.block(body);
            }
            Node::MacroCall { args, .. } => {
                for a in args {
                    self.expr(a);
                }
            }
            Node::Evaluate { span, arg } => {
                self.push(
                    "not-executed",
                    span.range(),
                    "API Gateway does not run #evaluate: it prints as written".into(),
                    None,
                );
                self.expr(arg);
            }
            Node::Include { span, kind, args } => {
                let what = match kind {
                    IncludeKind::Include => "#include",
                    IncludeKind::Parse => "#parse",
                };
                self.push(
                    "unsupported-directive",
                    span.range(),
                    format!(
                        "{what} is not supported: API Gateway templates cannot read other files"
                    ),
                    None,
                );
                for a in args {
                    self.expr(a);
                }
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Ref(r) => self.reference(r),
            Expr::Str { interpolated, .. } => {
                if let Some(b) = interpolated {
                    self.block(b);
                }
            }
            Expr::Int(..) | Expr::Float(..) | Expr::Bool(..) => {}
            Expr::List(_, items) => items.iter().for_each(|i| self.expr(i)),
            Expr::Range(_, a, b) | Expr::Binary(_, _, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            Expr::Map(_, entries) => {
                for (k, v) in entries {
                    self.expr(k);
                    self.expr(v);
                }
            }
            Expr::Unary(_, _, a) | Expr::Paren(_, a) => self.expr(a),
        }
    }

    /// `$input`, `$util`, `$context` members and literal JSONPaths; then the arguments.
    fn reference(&mut self, r: &Reference) {
        if r.backslashes % 2 == 0 {
            match &*r.root {
                "input" => self.input(r),
                "util" => self.util(r),
                "context" => self.context(r),
                _ => {}
            }
        }
        for p in &r.parts {
            match p {
                RefPart::Property(..) => {}
                RefPart::Method(_, _, args) => args.iter().for_each(|a| self.expr(a)),
                RefPart::Index(_, e) => self.expr(e),
            }
        }
    }

    fn input(&mut self, r: &Reference) {
        let Some(first) = r.parts.first() else {
            return;
        };
        match first {
            RefPart::Property(span, name) => {
                if &**name != "body" {
                    self.push(
                        "unknown-input-member",
                        span.range(),
                        format!("$input has no property '{name}'; did you mean $input.body or $input.path('$.{name}')?"),
                        None,
                    );
                }
            }
            RefPart::Method(span, name, args) => {
                let ok = match &**name {
                    "json" | "path" => Some(args.len() == 1),
                    "params" => Some(args.len() <= 1),
                    "getBody" => Some(args.is_empty()),
                    _ => None,
                };
                match ok {
                    None => self.push(
                        "unknown-input-member",
                        span.range(),
                        format!("$input has no function '{name}'"),
                        None,
                    ),
                    Some(false) => self.push(
                        "input-arguments",
                        span.range(),
                        format!(
                            "$input.{name} takes {}, not {} arguments",
                            arity_text(name),
                            args.len()
                        ),
                        None,
                    ),
                    Some(true) => {}
                }
                if matches!(&**name, "json" | "path") {
                    if let [Expr::Str {
                        span: lit,
                        value,
                        interpolated: None,
                    }] = args.as_slice()
                    {
                        if let Err(e) = JsonPath::compile(value) {
                            let inner = self.text(*lit).get(1..).unwrap_or("");
                            let at = inner
                                .char_indices()
                                .nth(e.offset)
                                .map_or(inner.len(), |(i, _)| i);
                            let start = (lit.start as usize + 1 + at).min(lit.end as usize);
                            let end = (start + 1).min(lit.end as usize).max(start);
                            self.push(
                                "invalid-jsonpath",
                                start..end,
                                format!("invalid JSONPath '{value}': {}", e.message),
                                None,
                            );
                        }
                    }
                }
            }
            RefPart::Index(..) => {}
        }
    }

    fn util(&mut self, r: &Reference) {
        let Some(first) = r.parts.first() else {
            return;
        };
        let (span, name, args) = match first {
            RefPart::Method(span, name, args) => (*span, name, Some(args)),
            RefPart::Property(span, name) => (*span, name, None),
            RefPart::Index(..) => return,
        };
        if !UTIL_FUNCTIONS.contains(&&**name) {
            self.push(
                "unknown-util-function",
                span.range(),
                format!(
                    "$util.{name} does not exist on API Gateway (it renders nothing); the functions are {}",
                    UTIL_FUNCTIONS.join(", ")
                ),
                None,
            );
        } else if let Some(args) = args {
            if args.len() != 1 {
                self.push(
                    "util-arguments",
                    span.range(),
                    format!("$util.{name} takes one argument, not {}", args.len()),
                    None,
                );
            }
        }
    }

    fn context(&mut self, r: &Reference) {
        let mut names: Vec<(Span, &str)> = Vec::new();
        for p in &r.parts {
            match p {
                RefPart::Property(span, name) => names.push((*span, name)),
                _ => break,
            }
        }
        let Some((span, top)) = names.first().copied() else {
            return;
        };
        if !CONTEXT_TOP.contains(&top) {
            let message = if CONTEXT_LOG_ONLY.contains(&top) {
                format!("$context.{top} is only available in access logs, not in mapping templates")
            } else {
                format!("$context.{top} is not a documented $context variable")
            };
            self.push("unknown-context-variable", span.range(), message, None);
            return;
        }
        let Some((span2, second)) = names.get(1).copied() else {
            return;
        };
        let known = match top {
            "identity" => CONTEXT_IDENTITY.contains(&second),
            "error" => CONTEXT_ERROR.contains(&second),
            "requestOverride" => matches!(second, "header" | "querystring" | "path"),
            "responseOverride" => matches!(second, "header" | "status"),
            _ => true,
        };
        if !known {
            self.push(
                "unknown-context-variable",
                span2.range(),
                format!("$context.{top}.{second} is not a documented $context variable"),
                None,
            );
        }
    }

    /// `$map.put(...)` written to the output prints the call's result.
    fn printed(&mut self, r: &Reference) {
        let Some(RefPart::Method(_, name, _)) = r.parts.last() else {
            return;
        };
        if !SIDE_EFFECT_METHODS.contains(&&**name) || r.backslashes % 2 == 1 {
            return;
        }
        let text = self.text(r.span);
        let inner = text.trim_start_matches('\\');
        let inner = inner.strip_prefix('$').unwrap_or(inner);
        let inner = inner.strip_prefix('!').unwrap_or(inner);
        let inner = match inner.strip_prefix('{') {
            Some(i) => i.strip_suffix('}').unwrap_or(i),
            None => inner,
        };
        let fix = Fix {
            range: r.span.range(),
            replacement: format!("#set($ignore = ${inner})"),
        };
        self.push(
            "printed-return-value",
            r.span.range(),
            format!("the result of .{name}(...) is printed here; write #set($ignore = ${inner}) to call it silently"),
            Some(fix),
        );
    }

    /// `"... $util.escapeJavaScript(x) ..."` inside a JSON string, without the `\'` fix-up.
    fn escape_quote(&mut self, r: &Reference) {
        if &*r.root != "util" {
            return;
        }
        let Some(pos) = r
            .parts
            .iter()
            .position(|p| matches!(p, RefPart::Method(_, n, _) if &**n == "escapeJavaScript"))
        else {
            return;
        };
        if pos != 0 {
            return;
        }
        let fixed_up = r.parts.get(1).is_some_and(|p| {
            matches!(p, RefPart::Method(_, n, args) if &**n == "replaceAll"
                && matches!(args.first(), Some(Expr::Str { value, .. }) if value.contains('\'')))
        });
        if fixed_up || !self.inside_json_string(r.span.start as usize) {
            return;
        }
        let Some(call_end) = r.parts.first().map(|p| p.span().end as usize) else {
            return;
        };
        let fix = Fix {
            range: call_end..call_end,
            replacement: ".replaceAll(\"\\\\'\",\"'\")".into(),
        };
        self.push(
            "escape-javascript-quote",
            r.span.range(),
            "inside a JSON string, $util.escapeJavaScript turns ' into \\' (invalid JSON); append .replaceAll(\"\\\\'\",\"'\")".into(),
            Some(fix),
        );
    }

    /// Whether an odd number of unescaped `"` stand before `offset` on its line.
    fn inside_json_string(&self, offset: usize) -> bool {
        let before = self.src.get(..offset).unwrap_or("");
        let line = before.rsplit('\n').next().unwrap_or("");
        let mut quotes = 0;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                '\\' => escaped = !escaped,
                '"' if !escaped => {
                    quotes += 1;
                }
                _ => escaped = false,
            }
            if c != '\\' {
                escaped = false;
            }
        }
        quotes % 2 == 1
    }

    /// References whose variable is never set anywhere in the template.
    fn undefined(&mut self, ast: &Block) {
        let mut defined: HashSet<&str> = RUNTIME_VARS.iter().copied().collect();
        collect_defined(ast, &mut defined, 0);
        let mut seen: HashSet<&str> = HashSet::new();
        let mut refs: Vec<&Reference> = Vec::new();
        crate::syntax::visit::for_each_reference(ast, &mut |r| refs.push(r));
        for r in refs {
            if r.silent || r.backslashes % 2 == 1 || defined.contains(&*r.root) {
                continue;
            }
            if !seen.insert(&r.root) {
                continue;
            }
            self.push(
                "undefined-reference",
                r.root_span.range(),
                format!(
                    "${} is never set and is not an API Gateway variable (it renders nothing)",
                    r.root
                ),
                None,
            );
        }
    }

    /// Renders against the sample request and checks that the output is JSON.
    fn output_json(&mut self, m: &MappingTemplate, sample: &Request) {
        let (rendered, pieces) = match m.render_traced(sample, &GatewayOptions::default()) {
            Ok(r) => r,
            Err(GatewayError::Render(e)) => {
                self.push(
                    "render-error",
                    e.span.range(),
                    format!("rendering for the sample request failed: {}", e.message),
                    None,
                );
                return;
            }
            Err(_) => return,
        };
        let body = rendered.body;
        if body.trim().is_empty() {
            return;
        }
        let Err(e) = serde_json::from_str::<serde_json::Value>(&body) else {
            return;
        };
        // When null references printed as `null` make valid JSON, the break comes from
        // what the sample request lacks, not from the template: not reported.
        let nulls = GatewayOptions {
            render: crate::RenderOptions {
                null_mode: crate::NullMode::JsonNull,
                ..crate::RenderOptions::default()
            },
            ..GatewayOptions::default()
        };
        if let Ok(r) = m.render(sample, &nulls) {
            if serde_json::from_str::<serde_json::Value>(&r.body).is_ok() {
                return;
            }
        }
        let offset = line_col_offset(&body, e.line(), e.column());
        // The innermost piece that wrote the offending byte, else the last one before it.
        let piece = pieces
            .iter()
            .filter(|p| p.output.start <= offset && offset < p.output.end)
            .min_by_key(|p| p.output.len())
            .or_else(|| {
                pieces
                    .iter()
                    .filter(|p| p.output.end <= offset)
                    .max_by_key(|p| p.output.end)
            });
        let range = piece.map_or(0..0, |p| p.span.range());
        let shown: String = body
            .get(offset.saturating_sub(20)..)
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        self.push(
            "invalid-json-output",
            range,
            format!(
                "for the sample request the output is not valid JSON at output line {}, column {} ({e}); near: {:?}",
                e.line(),
                e.column(),
                shown
            ),
            None,
        );
    }
}

fn arity_text(name: &str) -> &'static str {
    match name {
        "params" => "no argument or one name",
        "getBody" => "no argument",
        _ => "one JSONPath",
    }
}

/// Byte offset of 1-based `line`, `column` (serde_json's position) in `text`.
fn line_col_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = column.saturating_sub(1);
            let within = l.char_indices().nth(col).map_or(l.len(), |(b, _)| b);
            return (offset + within).min(text.len().saturating_sub(1));
        }
        offset += l.len();
    }
    text.len().saturating_sub(1)
}

/// Names set by `#set`, `#foreach`, `#macro` parameters and `#define`.
fn collect_defined<'a>(block: &'a Block, out: &mut HashSet<&'a str>, depth: usize) {
    if depth > 512 {
        return;
    }
    for n in block {
        match n {
            Node::Set { target, .. } => {
                out.insert(&target.root);
            }
            Node::Foreach { var, body, .. } => {
                out.insert(var);
                collect_defined(body, out, depth + 1);
            }
            Node::If {
                branches,
                otherwise,
                ..
            } => {
                for (_, b) in branches {
                    collect_defined(b, out, depth + 1);
                }
                if let Some(b) = otherwise {
                    collect_defined(b, out, depth + 1);
                }
            }
            Node::Macro { params, body, .. } => {
                for p in params {
                    out.insert(p);
                }
                collect_defined(body, out, depth + 1);
            }
            Node::Define { name, body, .. } => {
                out.insert(name);
                collect_defined(body, out, depth + 1);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Escaping, OffsetMap};

    fn embedded(src: &str, content_type: Option<&str>) -> Embedded {
        Embedded {
            source: src.to_string(),
            kind: TemplateKind::File,
            content_type: content_type.map(str::to_string),
            location: String::new(),
            map: OffsetMap::contiguous(0, src.len()),
            escaping: Escaping::Raw,
        }
    }

    fn sample() -> Request {
        Request {
            body: Some(r#"{"name":"Ada","items":[1,2]}"#.into()),
            ..Request::default()
        }
    }

    /// (rule, the text of the range) of each finding.
    fn run(src: &str) -> Vec<(&'static str, String)> {
        check(&embedded(src, None), &RuleConfig::default(), &sample())
            .into_iter()
            .map(|f| (f.rule, src.get(f.range.clone()).unwrap_or("").to_string()))
            .collect()
    }

    #[test]
    fn syntax() {
        let src = "\"$stageVariables.get(arn:aws:states:us-east-1:1:stateMachine:X)\"";
        assert_eq!(run(src), vec![("syntax", ":".to_string())]);
    }

    #[test]
    fn input_members_and_arguments() {
        assert_eq!(
            run("$input.bdy $input.json() $input.params('a', 'b') $input.paths('$')"),
            vec![
                ("unknown-input-member", "bdy".to_string()),
                ("input-arguments", "json()".to_string()),
                ("input-arguments", "params('a', 'b')".to_string()),
                ("unknown-input-member", "paths('$')".to_string()),
            ]
        );
        assert!(run(
            "$input.body $input.json('$') $input.path('$.a') $input.params() $input.params('x')"
        )
        .is_empty());
    }

    #[test]
    fn util_functions() {
        assert_eq!(
            run("$util.toJson($x) $util.urlEncode('a', 'b')"),
            vec![
                ("unknown-util-function", "toJson($x)".to_string()),
                ("undefined-reference", "x".to_string()),
                ("util-arguments", "urlEncode('a', 'b')".to_string()),
            ]
        );
        assert!(run("$util.base64Encode('a') $util.parseJson('{}')").is_empty());
    }

    #[test]
    fn context_variables() {
        assert_eq!(
            run("$context.requestID $context.identity.sourceIP $context.status $context.stage $context.authorizer.claims.sub"),
            vec![
                ("unknown-context-variable", "requestID".to_string()),
                ("unknown-context-variable", "sourceIP".to_string()),
                ("unknown-context-variable", "status".to_string()),
            ]
        );
    }

    #[test]
    fn invalid_jsonpath() {
        assert_eq!(
            run("$input.json('$.a[')"),
            vec![("invalid-jsonpath", "[".to_string())]
        );
        assert!(run("$input.json('$.a[0]')").is_empty());
    }

    #[test]
    fn directives() {
        assert_eq!(
            run("#parse('x.vtl')#macro(m)x#end#evaluate('y')"),
            vec![
                ("unsupported-directive", "#parse('x.vtl')".to_string()),
                ("not-executed", "#macro(m)x#end".to_string()),
                ("not-executed", "#evaluate('y')".to_string()),
            ]
        );
    }

    #[test]
    fn escape_javascript_in_json_string() {
        let src = "{\"input\": \"$util.escapeJavaScript($input.json('$'))\"}";
        let found = check(&embedded(src, None), &RuleConfig::default(), &sample());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "escape-javascript-quote");
        let fix = found[0].fix.clone().expect("a fix");
        let mut fixed = src.to_string();
        fixed.replace_range(fix.range.clone(), &fix.replacement);
        assert_eq!(
            fixed,
            "{\"input\": \"$util.escapeJavaScript($input.json('$')).replaceAll(\"\\\\'\",\"'\")\"}"
        );
        assert!(check(&embedded(&fixed, None), &RuleConfig::default(), &sample()).is_empty());
        // Outside a JSON string it is fine.
        assert!(run("$util.escapeJavaScript('a')").is_empty());
    }

    #[test]
    fn printed_return_value() {
        let src = "#set($m = {})$m.put('a', 1)$!{m.put('b', 2)}";
        let found = check(&embedded(src, None), &RuleConfig::default(), &sample());
        let fixes: Vec<String> = found
            .iter()
            .filter_map(|f| f.fix.clone())
            .map(|f| f.replacement)
            .collect();
        assert_eq!(
            fixes,
            vec![
                "#set($ignore = $m.put('a', 1))",
                "#set($ignore = $m.put('b', 2))"
            ]
        );
        assert!(run("#set($m = {})#set($ignore = $m.put('a', 1))$m").is_empty());
    }

    #[test]
    fn undefined_references() {
        assert_eq!(
            run("#set($a = 1)$a $b $!c #foreach($i in [1])$i#end $foreach"),
            vec![("undefined-reference", "b".to_string())]
        );
    }

    #[test]
    fn json_output() {
        // A missing comma is the template's fault, whatever the request.
        let src = "{\n  \"name\": \"$input.path('$.name')\"\n  \"ok\": 1\n}";
        let found = check(
            &embedded(src, Some("application/json")),
            &RuleConfig::default(),
            &sample(),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "invalid-json-output");
        assert_eq!(src.get(found[0].range.clone()), Some("\"\n  \"ok\": 1\n}"));
        assert!(run("{\"name\": \"$input.path('$.name')\"}").is_empty());
        // A field the sample request lacks renders nothing: data, not template, so not reported.
        assert!(run("{\"n\": $input.path('$.missing')}").is_empty());
    }

    #[test]
    fn config_and_comments() {
        let src = "$b";
        let cfg = RuleConfig::new(&[], &["undefined-reference".into()]).expect("config");
        let found = check(&embedded(src, None), &cfg, &sample());
        assert_eq!(found[0].severity, Severity::Error);
        let cfg = RuleConfig::new(&["undefined-reference".into()], &[]).expect("config");
        assert!(check(&embedded(src, None), &cfg, &sample()).is_empty());
        assert!(run("## apigw-vtl: allow(undefined-reference)\n$b").is_empty());
        assert!(RuleConfig::new(&["nope".into()], &[]).is_err());
    }

    #[test]
    fn documentation_examples_are_clean() {
        let petstore = "#set($inputRoot = $input.path('$'))\n[\n#foreach($elem in $inputRoot)\n  {\n    \"description\" : \"Item $elem.id is a $elem.type.\",\n    \"askingPrice\" : $elem.price\n  }#if($foreach.hasNext),#end\n\n#end\n]\n";
        let r = Request {
            body: Some(r#"[{"id":1,"type":"dog","price":249.99}]"#.into()),
            ..Request::default()
        };
        let found = check(
            &embedded(petstore, Some("application/json")),
            &RuleConfig::default(),
            &r,
        );
        assert!(found.is_empty(), "{found:?}");
        let params = "#set($allParams = $input.params())\n{\n\"params\" : {\n#foreach($type in $allParams.keySet())\n    #set($params = $allParams.get($type))\n\"$type\" : {\n    #foreach($paramName in $params.keySet())\n    \"$paramName\" : \"$util.escapeJavaScript($params.get($paramName)).replaceAll(\"\\\\'\",\"'\")\"\n        #if($foreach.hasNext),#end\n    #end\n}\n    #if($foreach.hasNext),#end\n#end\n}\n}\n";
        let found = check(
            &embedded(params, Some("application/json")),
            &RuleConfig::default(),
            &sample(),
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
