//! The rules that read the syntax tree: one walk over the template.

use std::collections::{HashMap, HashSet};

use super::finding;
use crate::lint::{Finding, Fix, Severity, TemplateKind};
use crate::runtime::jsonpath::JsonPath;
use crate::syntax::ast::{Block, Expr, IncludeKind, Node, RefPart, Reference};
use crate::syntax::span::Span;

/// The variables API Gateway provides, and the ones Velocity's `#foreach` sets.
const RUNTIME_VARS: &[&str] = &[
    "input",
    "util",
    "context",
    "stageVariables",
    "foreach",
    "velocityCount",
    "velocityHasNext",
    // Never set on purpose: `#if($x == $null)` is a common VTL idiom.
    "null",
];

/// The variables that make a template an API Gateway template.
const GATEWAY_VARS: &[&str] = &["input", "util", "context", "stageVariables"];

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
    // WebSocket APIs.
    "connectedAt",
    "connectionId",
    "disconnectReason",
    "disconnectStatusCode",
    "eventType",
    "messageDirection",
    "messageId",
    "routeKey",
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
    // Not documented, but present at runtime (reference §3.2).
    "accessKey",
];

const CONTEXT_CLIENT_CERT: &[&str] = &[
    "clientCertPem",
    "subjectDN",
    "issuerDN",
    "serialNumber",
    "validity",
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

/// Calls made for their side effect, and what printing them writes.
/// `None`: the method returns nothing (prints nothing on API Gateway).
const SIDE_EFFECT_METHODS: &[(&str, Option<&str>)] = &[
    (
        "put",
        Some("the key's previous value, nothing when the key is new"),
    ),
    ("add", Some("true")),
    ("addAll", Some("true or false")),
    ("remove", Some("the removed value, or true/false")),
    ("removeAll", Some("true or false")),
    ("retainAll", Some("true or false")),
    ("set", Some("the element it replaced")),
    ("putAll", None),
    ("clear", None),
];

/// Deeper blocks than this are not walked (the parser's nesting limit is lower).
const MAX_DEPTH: usize = 256;

pub(super) struct Checker<'a> {
    src: &'a str,
    kind: TemplateKind,
    findings: Vec<Finding>,
    /// Spans of literal output text, sorted (for "inside a JSON string").
    text_spans: Vec<Span>,
    /// Names set anywhere (`#set`, `#define`) and the runtime variables.
    defined: HashSet<&'a str>,
    /// Whether `undefined-reference` runs on this template.
    check_undefined: bool,
    /// `#foreach` variables and macro parameters in scope.
    scope: Vec<&'a str>,
    /// References to names nothing defines, in walk order.
    undefined: Vec<&'a Reference>,
    /// Depth inside interpolated string literals.
    in_string: u32,
    /// Names of `#macro` definitions.
    macros: HashSet<&'a str>,
    /// Variables `#set` straight from `$util.escapeJavaScript(...)` without the fix-up.
    escaped_vars: HashMap<&'a str, Vec<&'a Reference>>,
    /// `#set` values already reported through a printed variable.
    reported_sets: HashSet<u32>,
    /// Variables `#set` straight from `$input.path(...)` / `$input.json(...)` of a field.
    input_vars: HashMap<&'a str, &'a Reference>,
    /// Whether the template's output is JSON (the JSON-string rules run only then).
    json: bool,
    /// Depth inside `#if` branches.
    in_if: u32,
    depth: usize,
}

impl<'a> Checker<'a> {
    pub(super) fn new(src: &'a str, kind: TemplateKind, ast: &'a Block, json: bool) -> Checker<'a> {
        let mut c = Checker {
            src,
            kind,
            findings: Vec::new(),
            text_spans: Vec::new(),
            defined: RUNTIME_VARS.iter().copied().collect(),
            check_undefined: true,
            scope: Vec::new(),
            undefined: Vec::new(),
            in_string: 0,
            macros: HashSet::new(),
            escaped_vars: HashMap::new(),
            reported_sets: HashSet::new(),
            input_vars: HashMap::new(),
            json,
            in_if: 0,
            depth: 0,
        };
        c.collect(ast);
        c.text_spans.sort_by_key(|s| (s.start, s.end));
        if kind == TemplateKind::File {
            let mut gateway = false;
            crate::syntax::visit::for_each_reference(ast, &mut |r| {
                gateway |= GATEWAY_VARS.contains(&&*r.root);
            });
            c.check_undefined = gateway;
        }
        c
    }

    /// Walks the template.
    pub(super) fn run(&mut self, ast: &'a Block) {
        if self.kind == TemplateKind::GatewayResponse {
            self.gateway_response(ast);
        }
        self.block(ast);
    }

    /// The findings, undefined references included.
    pub(super) fn finish(mut self) -> Vec<Finding> {
        if self.check_undefined {
            let mut order: Vec<&str> = Vec::new();
            let mut by_root: HashMap<&str, Vec<&Reference>> = HashMap::new();
            let undefined = std::mem::take(&mut self.undefined);
            for r in undefined {
                let list = by_root.entry(&r.root).or_default();
                if list.is_empty() {
                    order.push(&r.root);
                }
                list.push(r);
            }
            for root in order {
                let Some(list) = by_root.get(root) else {
                    continue;
                };
                let (r, quiet) = match list.iter().find(|r| !r.silent) {
                    Some(r) => (*r, false),
                    None => match list.first() {
                        Some(r) => (*r, true),
                        None => continue,
                    },
                };
                let mut f = finding(
                    "undefined-reference",
                    r.root_span.range(),
                    if quiet {
                        format!("$!{root} is never set and is not an API Gateway variable: it always renders nothing (a typo?)")
                    } else {
                        format!("${root} is never set and is not an API Gateway variable (it renders nothing): a typo, or a missing #set?")
                    },
                    None,
                );
                if quiet {
                    f.severity = Severity::Note;
                }
                self.findings.push(f);
            }
        }
        self.findings
    }

    fn push(&mut self, rule: &'static str, range: std::ops::Range<usize>, message: String) {
        self.findings.push(finding(rule, range, message, None));
    }

    fn text(&self, span: Span) -> &'a str {
        span.text(self.src)
    }

    /// First pass: output text, names defined anywhere, macros, escaped variables.
    fn collect(&mut self, block: &'a Block) {
        use crate::syntax::visit::{walk, Visitor, Walk};
        struct Pass<'c, 'a>(&'c mut Checker<'a>);
        impl<'a> Visitor<'a> for Pass<'_, 'a> {
            fn node(&mut self, n: &'a Node) -> Walk {
                self.0.collect_node(n);
                Walk::Descend
            }
            fn expressions(&self) -> bool {
                false
            }
        }
        walk(block, &mut Pass(self));
    }

    fn collect_node(&mut self, n: &'a Node) {
        match n {
            Node::Text(span, _) => self.text_spans.push(*span),
            Node::Set { target, value, .. } => {
                self.defined.insert(&target.root);
                if target.parts.is_empty() {
                    if let Expr::Ref(r) = value {
                        if is_unfixed_escape(r) {
                            self.escaped_vars.entry(&target.root).or_default().push(r);
                        } else if r.root == target.root && r.parts.iter().any(is_quote_fixup) {
                            // `#set($v = $v.replaceAll("\\'", "'"))`: the fix-up, applied later.
                            self.escaped_vars.remove(&*target.root);
                        }
                        if input_field(r).is_some() {
                            self.input_vars.insert(&target.root, r);
                        } else {
                            self.input_vars.remove(&*target.root);
                        }
                    } else {
                        self.input_vars.remove(&*target.root);
                    }
                }
            }
            Node::Macro { name, .. } => {
                self.macros.insert(name);
            }
            Node::Define { name, .. } => {
                self.defined.insert(name);
            }
            _ => {}
        }
    }

    fn block(&mut self, block: &'a Block) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.duplicate_overrides(block);
        self.invalid_overrides(block);
        for node in block {
            self.node(node);
        }
        self.depth -= 1;
    }

    fn node(&mut self, node: &'a Node) {
        match node {
            Node::Text(..) | Node::Stop(_) | Node::Break(_, None) => {}
            Node::Break(_, Some(e)) => self.expr(e),
            Node::Ref(r) => {
                self.reference(r);
                if self.in_string == 0 && r.backslashes % 2 == 0 {
                    self.printed(r);
                    if self.json {
                        self.escape_quote(r);
                        self.escaped_var_printed(r);
                        self.bare_value(r);
                    }
                }
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
                self.in_if += 1;
                for (c, b) in branches {
                    self.expr(c);
                    self.block(b);
                }
                if let Some(b) = otherwise {
                    self.block(b);
                }
                self.in_if -= 1;
            }
            Node::Foreach {
                var,
                iterable,
                body,
                ..
            } => {
                self.expr(iterable);
                self.scope.push(var);
                self.block(body);
                self.scope.pop();
            }
            Node::Define { body, .. } => self.block(body),
            Node::Macro {
                span,
                name,
                params,
                body,
            } => {
                self.push(
                    "not-executed",
                    span.range(),
                    format!("API Gateway does not run #macro: calls to #{name}(...) print as written; write the body out where it is used"),
                );
                let before = self.scope.len();
                self.scope.extend(params.iter().map(|p| &**p));
                self.block(body);
                self.scope.truncate(before);
            }
            Node::MacroCall { span, name, args } => {
                if self.macros.contains(&**name) {
                    let written = self.text(*span).trim_end();
                    let start = span.start as usize;
                    self.push(
                        "not-executed",
                        start..start + written.len(),
                        format!("API Gateway does not run macros: this call prints as written ({written:?})"),
                    );
                }
                for a in args {
                    self.expr(a);
                }
            }
            Node::Evaluate { span, arg } => {
                self.push(
                    "not-executed",
                    span.range(),
                    "API Gateway does not run #evaluate: it prints as written".into(),
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
                        "{what} is not supported: API Gateway templates cannot read other files; inline the template"
                    ),
                );
                for a in args {
                    self.expr(a);
                }
            }
        }
    }

    fn expr(&mut self, e: &'a Expr) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        match e {
            Expr::Ref(r) => self.reference(r),
            Expr::Str { interpolated, .. } => {
                if let Some(b) = interpolated {
                    self.in_string += 1;
                    self.block(b);
                    self.in_string -= 1;
                }
            }
            Expr::Int(..) | Expr::Float(..) | Expr::Bool(..) => {}
            Expr::List(_, items) => {
                for i in items {
                    self.expr(i);
                }
            }
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
        self.depth -= 1;
    }

    /// `$input`, `$util`, `$context` members, literal JSONPaths, undefined
    /// variables; then the arguments.
    fn reference(&mut self, r: &'a Reference) {
        if r.backslashes % 2 == 1 {
            // `\$x` prints `$x`: nothing is evaluated.
            return;
        }
        if !self.defined.contains(&*r.root) && !self.scope.contains(&&*r.root) {
            self.undefined.push(r);
        }
        match &*r.root {
            "input" => self.input(r),
            "util" => self.util(r),
            "context" => self.context(r),
            _ => {}
        }
        for p in &r.parts {
            match p {
                RefPart::Property(..) => {}
                RefPart::Method(_, _, args) => {
                    for a in args {
                        self.expr(a);
                    }
                }
                RefPart::Index(_, e) => self.expr(e),
            }
        }
    }

    fn input(&mut self, r: &Reference) {
        let Some(first) = r.parts.first() else {
            return;
        };
        match first {
            RefPart::Property(span, name) => match &**name {
                "body" => {}
                "json" | "path" | "params" => self.push(
                    "input-arguments",
                    span.range(),
                    format!(
                        "$input.{name} is a function: call it with {} ($input.{name}({}))",
                        arity_text(name),
                        if &**name == "params" { "" } else { "'$.x'" }
                    ),
                ),
                _ => self.push(
                    "unknown-input-member",
                    span.range(),
                    format!("$input has no property '{name}' (it renders nothing); did you mean $input.body or $input.path('$.{name}')?"),
                ),
            },
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
                        format!("$input has no function '{name}'; it has body, json(path), path(path), params() and params(name)"),
                    ),
                    Some(false) => self.push(
                        "input-arguments",
                        span.range(),
                        format!(
                            "$input.{name} takes {}, not {} argument{}",
                            arity_text(name),
                            args.len(),
                            if args.len() == 1 { "" } else { "s" }
                        ),
                    ),
                    Some(true) => {}
                }
                if matches!(&**name, "json" | "path") {
                    if let [arg] = args.as_slice() {
                        self.jsonpath(arg);
                    }
                }
            }
            RefPart::Index(..) => {}
        }
    }

    /// A literal JSONPath that does not compile.
    fn jsonpath(&mut self, arg: &Expr) {
        let Expr::Str {
            span: lit,
            value,
            interpolated,
        } = arg
        else {
            return;
        };
        // A double-quoted path with `$` is "interpolated", but is a literal when it is all text.
        if let Some(b) = interpolated {
            if !b.iter().all(|n| matches!(n, Node::Text(..))) {
                return;
            }
        }
        let Err(e) = JsonPath::compile(value) else {
            return;
        };
        let lit_range = lit.range();
        let whole = self.text(*lit);
        // The path's text between the quotes.
        let inner_start = lit_range.start + 1;
        let inner = whole
            .get(1..whole.len().saturating_sub(1))
            .unwrap_or_default();
        let range = if inner == &**value {
            match inner.char_indices().nth(e.offset) {
                Some((i, c)) => inner_start + i..inner_start + i + c.len_utf8(),
                // At the end: the path stops too early; point at its last character.
                None => match inner.char_indices().last() {
                    Some((i, c)) => inner_start + i..inner_start + i + c.len_utf8(),
                    None => lit_range.clone(),
                },
            }
        } else {
            // Escapes in the literal: the offset cannot be placed exactly.
            inner_start..inner_start + inner.len()
        };
        self.push(
            "invalid-jsonpath",
            range,
            format!(
                "invalid JSONPath '{value}' (char {}): {}; the call fails when it runs",
                e.offset, e.message
            ),
        );
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
                    "$util.{name} does not exist on API Gateway (it silently renders nothing); the functions are {}",
                    UTIL_FUNCTIONS.join(", ")
                ),
            );
            return;
        }
        match args {
            None => self.push(
                "util-arguments",
                span.range(),
                format!(
                    "$util.{name} is a function: call it with one argument ($util.{name}($value))"
                ),
            ),
            Some(args) if args.len() != 1 => self.push(
                "util-arguments",
                span.range(),
                format!("$util.{name} takes one argument, not {}", args.len()),
            ),
            Some(_) => {}
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
        let Some(&(span, top)) = names.first() else {
            return;
        };
        if !CONTEXT_TOP.contains(&top) {
            let message = if CONTEXT_LOG_ONLY.contains(&top) {
                format!("$context.{top} is only available in access logs, not in mapping templates (it renders nothing here)")
            } else {
                match CONTEXT_TOP.iter().find(|k| k.eq_ignore_ascii_case(top)) {
                    Some(k) => format!("$context.{top} does not exist (names are case-sensitive): did you mean $context.{k}?"),
                    None => format!("$context.{top} is not a documented $context variable for mapping templates (it renders nothing)"),
                }
            };
            self.push("unknown-context-variable", span.range(), message);
            return;
        }
        let Some(&(span2, second)) = names.get(1) else {
            return;
        };
        let allowed: Option<&[&str]> = match top {
            "identity" => Some(CONTEXT_IDENTITY),
            "error" => Some(CONTEXT_ERROR),
            "requestOverride" => Some(&["header", "querystring", "path"]),
            "responseOverride" => Some(&["header", "status"]),
            _ => None,
        };
        if let Some(allowed) = allowed {
            if !allowed.contains(&second) {
                let message = match allowed.iter().find(|k| k.eq_ignore_ascii_case(second)) {
                    Some(k) => format!("$context.{top}.{second} does not exist (names are case-sensitive): did you mean $context.{top}.{k}?"),
                    None => format!(
                        "$context.{top}.{second} is not a documented $context variable; {top} has {}",
                        allowed.join(", ")
                    ),
                };
                self.push("unknown-context-variable", span2.range(), message);
                return;
            }
        }
        if (top, second) == ("identity", "clientCert") {
            if let Some(&(span3, third)) = names.get(2) {
                if !CONTEXT_CLIENT_CERT.contains(&third) {
                    self.push(
                        "unknown-context-variable",
                        span3.range(),
                        format!(
                            "$context.identity.clientCert.{third} is not documented; clientCert has {}",
                            CONTEXT_CLIENT_CERT.join(", ")
                        ),
                    );
                } else if third == "validity" {
                    if let Some(&(span4, fourth)) = names.get(3) {
                        if !matches!(fourth, "notBefore" | "notAfter") {
                            self.push(
                                "unknown-context-variable",
                                span4.range(),
                                format!("$context.identity.clientCert.validity.{fourth} is not documented; validity has notBefore, notAfter"),
                            );
                        }
                    }
                }
            }
        }
    }

    /// `$map.put(...)` written to the output prints the call's result.
    fn printed(&mut self, r: &Reference) {
        let Some(RefPart::Method(_, name, _)) = r.parts.last() else {
            return;
        };
        let Some((_, prints)) = SIDE_EFFECT_METHODS.iter().find(|(m, _)| *m == &**name) else {
            return;
        };
        // From the `$` (backslashes in front stay).
        let text = self.text(r.span);
        let dollar = text.find('$').unwrap_or(0);
        let start = r.span.start as usize + dollar;
        let written = text.get(dollar..).unwrap_or("");
        let inner = written.strip_prefix('$').unwrap_or(written);
        let inner = inner.strip_prefix('!').unwrap_or(inner);
        let inner = match inner.strip_prefix('{') {
            Some(i) => i.strip_suffix('}').unwrap_or(i),
            None => inner,
        };
        let replacement = format!("#set($ignore = ${inner})");
        let fix = Fix {
            range: start..r.span.end as usize,
            replacement: replacement.clone(),
        };
        let mut f = match prints {
            Some(what) => finding(
                "printed-return-value",
                start..r.span.end as usize,
                format!("this prints what .{name}(...) returns: {what}; write {replacement} to call it without printing"),
                Some(fix),
            ),
            None => finding(
                "printed-return-value",
                start..r.span.end as usize,
                format!(".{name}(...) returns nothing, so this prints nothing on API Gateway (stock Velocity prints the reference's text); {replacement} says what is meant"),
                Some(fix),
            ),
        };
        if prints.is_none() {
            f.severity = Severity::Note;
        }
        self.findings.push(f);
    }

    /// `"... $util.escapeJavaScript(x) ..."` inside a JSON string, without the `\'` fix-up.
    fn escape_quote(&mut self, r: &Reference) {
        if !is_unfixed_escape(r) || !self.inside_json_string(r.span.start as usize) {
            return;
        }
        let Some(call_end) = r.parts.first().map(|p| p.span().end as usize) else {
            return;
        };
        let fix = Fix {
            range: call_end..call_end,
            replacement: ".replaceAll(\"\\\\'\",\"'\")".into(),
        };
        let range = r.span.range();
        let range = self
            .text(r.span)
            .find('$')
            .map_or(range.clone(), |d| range.start + d..range.end);
        self.findings.push(finding(
            "escape-javascript-quote",
            range,
            "inside a JSON string, $util.escapeJavaScript turns ' into \\' (invalid JSON); append .replaceAll(\"\\\\'\",\"'\")".into(),
            Some(fix),
        ));
    }

    /// `#set($v = $util.escapeJavaScript(x))` … `"$v"`: reported at the `#set`, once.
    fn escaped_var_printed(&mut self, r: &Reference) {
        let Some(sets) = self.escaped_vars.get(&*r.root) else {
            return;
        };
        // `$v.replaceAll("\\'", "'")` is the fix-up, applied where printed.
        if r.parts.iter().any(is_quote_fixup) {
            return;
        }
        if self.scope.contains(&&*r.root) || !self.inside_json_string(r.span.start as usize) {
            return;
        }
        let sets = sets.clone();
        let line = crate::lint::file_pos(self.src, r.span.start as usize).line;
        for set in sets {
            if !self.reported_sets.insert(set.span.start) {
                continue;
            }
            let Some(call_end) = set.parts.first().map(|p| p.span().end as usize) else {
                continue;
            };
            let fix = Fix {
                range: call_end..call_end,
                replacement: ".replaceAll(\"\\\\'\",\"'\")".into(),
            };
            self.findings.push(finding(
                "escape-javascript-quote",
                set.span.range(),
                format!("${} is printed inside a JSON string (line {line}), and $util.escapeJavaScript turns ' into \\' (invalid JSON); append .replaceAll(\"\\\\'\",\"'\")", r.root),
                Some(fix),
            ));
        }
    }

    /// `"qty": $input.path('$.quantity'),` outside any `#if`: when the request
    /// lacks the field the value prints nothing, leaving `"qty": ,`.
    fn bare_value(&mut self, r: &Reference) {
        if self.in_if > 0 || self.scope.contains(&&*r.root) {
            return;
        }
        let (field, via) = match input_field(r) {
            Some(f) => (f, None),
            None => match self.input_vars.get(&*r.root) {
                Some(set) if r.parts.is_empty() => match input_field(set) {
                    Some(f) => (f, Some(&*r.root)),
                    None => return,
                },
                _ => return,
            },
        };
        let start = r.span.start as usize;
        let end = r.span.end as usize;
        if self.inside_json_string(start) {
            return;
        }
        let before = self.src.get(..start).unwrap_or("").trim_end();
        let after = self.src.get(end..).unwrap_or("").trim_start();
        let value_position = before.ends_with([':', '[', ','])
            && (after.starts_with([',', '}', ']']) || after.is_empty());
        if !value_position {
            return;
        }
        let written = self.text(r.span);
        let dollar = written.find('$').unwrap_or(0);
        let what = match via {
            Some(v) => format!("${v} (set from {field})"),
            None => field,
        };
        self.push(
            "bare-json-value",
            start + dollar..end,
            format!("{what} prints nothing when the request lacks the field, leaving a JSON value out (`\"key\": ,`); quote it, or print it inside #if"),
        );
    }

    /// Whether an odd number of unescaped `"` of the template's literal text stand
    /// before `offset` on its line (quotes inside directives and references do not count).
    fn inside_json_string(&self, offset: usize) -> bool {
        let before = self.src.get(..offset).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let first = self
            .text_spans
            .partition_point(|s| (s.end as usize) <= line_start);
        let mut inside = false;
        for span in self.text_spans.get(first..).unwrap_or_default() {
            let (s, e) = (span.start as usize, span.end as usize);
            if s >= offset {
                break;
            }
            let from = s.max(line_start);
            let to = e.min(offset);
            let mut escaped = false;
            for b in self.src.as_bytes().get(from..to).unwrap_or_default() {
                match b {
                    b'\\' => escaped = !escaped,
                    b'"' if !escaped => inside = !inside,
                    _ => escaped = false,
                }
                if *b != b'\\' {
                    escaped = false;
                }
            }
        }
        inside
    }

    /// The same override parameter `#set` twice in one block.
    fn duplicate_overrides(&mut self, block: &Block) {
        let mut seen: HashMap<String, Span> = HashMap::new();
        for n in block {
            let Node::Set { target, span, .. } = n else {
                continue;
            };
            let Some(path) = override_path(target) else {
                continue;
            };
            match seen.get(&path) {
                Some(first) => {
                    let line = crate::lint::file_pos(self.src, first.start as usize).line;
                    self.push(
                        "duplicate-override",
                        span.range(),
                        format!("$context.{path} is already set on line {line}; API Gateway answers 5XX when an override is set twice"),
                    );
                }
                None => {
                    seen.insert(path, *span);
                }
            }
        }
    }

    /// Overrides set to literals API Gateway cannot apply: a header name that is
    /// not an HTTP token, a header value with a line break, a status that is
    /// not a whole number from 100 to 599.
    fn invalid_overrides(&mut self, block: &Block) {
        use crate::runtime::overrides;
        for n in block {
            let Node::Set {
                target,
                value,
                span,
                ..
            } = n
            else {
                continue;
            };
            let Some(path) = override_path(target) else {
                continue;
            };
            let mut names = path.splitn(3, '.');
            let (first, second, name) = (names.next(), names.next(), names.next());
            let literal = match value {
                Expr::Str {
                    value,
                    interpolated: None,
                    ..
                } => Some(value.to_string()),
                Expr::Int(_, crate::syntax::ast::IntLit::Int(i)) => Some(i.to_string()),
                Expr::Int(_, crate::syntax::ast::IntLit::Long(i)) => Some(i.to_string()),
                Expr::Float(..) => Some(self.text(value.span()).to_string()),
                Expr::Unary(..) => Some(self.text(value.span()).to_string()),
                _ => None,
            };
            let problem = match (first, second, name) {
                (Some(_), Some("header"), Some(name)) => overrides::header_name_problem(name)
                    .or_else(|| literal.as_deref().and_then(overrides::header_value_problem)),
                (Some("responseOverride"), Some("status"), None) => {
                    literal.as_deref().and_then(overrides::status_problem)
                }
                _ => None,
            };
            if let Some(p) = problem {
                self.push(
                    "invalid-override",
                    span.range(),
                    format!("$context.{path}: {p}; API Gateway cannot apply this override (5XX)"),
                );
            }
        }
    }

    /// In a gateway response template: directives, calls and variables other than
    /// `$context` / `$stageVariables`, which API Gateway sends as written.
    fn gateway_response(&mut self, ast: &Block) {
        for n in ast {
            match n {
                Node::Text(..) => {}
                Node::Ref(r) => {
                    if r.backslashes % 2 == 1 {
                        continue;
                    }
                    let var = matches!(&*r.root, "context" | "stageVariables");
                    let plain = r.parts.iter().all(|p| matches!(p, RefPart::Property(..)));
                    if !var || !plain {
                        self.push(
                            "gateway-response-not-vtl",
                            r.span.range(),
                            if var {
                                "gateway response templates are not VTL: only plain $context / $stageVariables variables are substituted, not method calls or indexes".into()
                            } else {
                                format!("gateway response templates are not VTL: ${} is not substituted (only $context and $stageVariables variables are)", r.root)
                            },
                        );
                    }
                }
                other => {
                    let span = other.span();
                    let text = self.text(span);
                    let head: String = text.chars().take_while(|c| *c != '(').take(20).collect();
                    self.push(
                        "gateway-response-not-vtl",
                        span.range(),
                        format!("gateway response templates are not VTL: {head} is sent as written, not executed"),
                    );
                }
            }
        }
    }
}

/// `$input.path('$.x')` (a field, not the root, no method after it): its
/// text, for messages.
fn input_field(r: &Reference) -> Option<String> {
    if &*r.root != "input" || r.parts.len() != 1 {
        return None;
    }
    let Some(RefPart::Method(_, name, args)) = r.parts.first() else {
        return None;
    };
    // `$input.json` of a path that matches nothing: AWS does not document what
    // it prints (empty, or `""`), so only `$input.path` (recorded: nothing) counts.
    if &**name != "path" {
        return None;
    }
    let Some(Expr::Str { value, .. }) = args.first() else {
        return None;
    };
    let path = value.trim();
    if path == "$" || path.is_empty() {
        return None;
    }
    Some(format!("$input.{name}('{path}')"))
}

/// `$util.escapeJavaScript(...)` not followed by `.replaceAll("\\'", "'")`.
fn is_unfixed_escape(r: &Reference) -> bool {
    &*r.root == "util"
        && r.backslashes % 2 == 0
        && matches!(r.parts.first(), Some(RefPart::Method(_, n, _)) if &**n == "escapeJavaScript")
        && !r.parts.iter().skip(1).any(is_quote_fixup)
}

/// `.replaceAll(…'…, …)` / `.replace(…'…, …)`: something that rewrites `\'`.
fn is_quote_fixup(p: &RefPart) -> bool {
    matches!(p, RefPart::Method(_, n, args) if matches!(&**n, "replaceAll" | "replace")
        && matches!(args.first(), Some(Expr::Str { value, .. }) if value.contains('\'')))
}

/// `requestOverride.header.name` for `#set($context.requestOverride.header.name = …)`
/// (literal names only: properties or string indexes).
fn override_path(target: &Reference) -> Option<String> {
    if &*target.root != "context" {
        return None;
    }
    let mut names = Vec::new();
    for p in &target.parts {
        match p {
            RefPart::Property(_, n) => names.push(n.to_string()),
            RefPart::Index(
                _,
                Expr::Str {
                    value,
                    interpolated: None,
                    ..
                },
            ) => names.push(value.to_string()),
            _ => return None,
        }
    }
    let complete = match names.first().map(String::as_str) {
        Some("requestOverride") => names.len() == 3,
        Some("responseOverride") => match names.get(1).map(String::as_str) {
            Some("status") => names.len() == 2,
            Some("header") => names.len() == 3,
            _ => false,
        },
        _ => false,
    };
    complete.then(|| names.join("."))
}

fn arity_text(name: &str) -> &'static str {
    match name {
        "params" => "no argument or one name",
        "getBody" => "no argument",
        _ => "one JSONPath",
    }
}
