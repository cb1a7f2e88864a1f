use super::*;
use crate::lint::{Escaping, Fix, OffsetMap};

fn embedded(src: &str, kind: TemplateKind, content_type: Option<&str>) -> Embedded {
    Embedded {
        source: src.to_string(),
        kind,
        content_type: content_type.map(str::to_string),
        location: String::new(),
        map: OffsetMap::contiguous(0, src.len()),
        escaping: Escaping::Raw,
        integration: None,
    }
}

fn sample() -> Request {
    Request {
        body: Some(r#"{"name":"Ada","items":[1,2]}"#.into()),
        ..Request::default()
    }
}

fn findings_with(src: &str, kind: TemplateKind, ct: Option<&str>) -> Vec<Finding> {
    check(&embedded(src, kind, ct), &RuleConfig::default(), &sample())
}

fn findings(src: &str) -> Vec<Finding> {
    findings_with(src, TemplateKind::Request, None)
}

/// (rule, the text of the range) of each finding in a request template.
fn run(src: &str) -> Vec<(&'static str, String)> {
    shown(src, findings(src))
}

/// The same for a `application/json` request template (rendered).
fn run_json(src: &str) -> Vec<(&'static str, String)> {
    shown(
        src,
        findings_with(src, TemplateKind::Request, Some("application/json")),
    )
}

fn shown(src: &str, found: Vec<Finding>) -> Vec<(&'static str, String)> {
    found
        .into_iter()
        .map(|f| {
            let text = src.get(f.range.clone());
            assert!(text.is_some(), "range {:?} off char boundaries", f.range);
            (f.rule, text.unwrap_or("").to_string())
        })
        .collect()
}

fn one(rule: &'static str, text: &str) -> Vec<(&'static str, String)> {
    vec![(rule, text.to_string())]
}

fn apply(src: &str, fixes: &[Fix]) -> String {
    let mut fixes = fixes.to_vec();
    fixes.sort_by_key(|f| std::cmp::Reverse(f.range.start));
    let mut out = src.to_string();
    for f in fixes {
        out.replace_range(f.range.clone(), &f.replacement);
    }
    out
}

fn fixes_of(found: &[Finding]) -> Vec<Fix> {
    found.iter().filter_map(|f| f.fix.clone()).collect()
}

#[test]
fn syntax() {
    let src = "\"$stageVariables.get(arn:aws:states:us-east-1:1:stateMachine:X)\"";
    assert_eq!(run(src), one("syntax", ":"));
    assert!(run("\"$stageVariables.get('arn:aws:states:us-east-1:1:stateMachine:X')\"").is_empty());
    // A template with a syntax error is not rendered.
    assert_eq!(run_json("{\"a\": #if(}"), one("syntax", "}"));
}

#[test]
fn input_members_and_arguments() {
    assert_eq!(
        run("$input.bdy $input.json() $input.params('a', 'b') $input.paths('$') $input.params"),
        vec![
            ("unknown-input-member", "bdy".to_string()),
            ("input-arguments", "json()".to_string()),
            ("input-arguments", "params('a', 'b')".to_string()),
            ("unknown-input-member", "paths('$')".to_string()),
            ("input-arguments", "params".to_string()),
        ]
    );
    assert!(run(
        "$input.body $input.json('$') $input.path('$.a') $input.params() $input.params('x') $input.params().header.get('h') $input.getBody()"
    )
    .is_empty());
}

#[test]
fn util_functions_and_arguments() {
    assert_eq!(
        run("#set($x = 1)$util.toJson($x) $util.urlEncode('a', 'b') $util.base64Decode"),
        vec![
            ("unknown-util-function", "toJson($x)".to_string()),
            ("util-arguments", "urlEncode('a', 'b')".to_string()),
            ("util-arguments", "base64Decode".to_string()),
        ]
    );
    assert!(run(
        "$util.base64Encode('a') $util.parseJson('{}') $util.urlDecode('a') $util.urlEncode('b') $util.base64Decode('YQ==')"
    )
    .is_empty());
}

#[test]
fn context_variables() {
    assert_eq!(
        run("$context.requestID $context.identity.sourceIP $context.status $context.stage $context.authorizer.claims.sub $context.identity.clientCert.subjectDn $context.responseOverride.body"),
        vec![
            ("unknown-context-variable", "requestID".to_string()),
            ("unknown-context-variable", "sourceIP".to_string()),
            ("unknown-context-variable", "status".to_string()),
            ("unknown-context-variable", "subjectDn".to_string()),
            ("unknown-context-variable", "body".to_string()),
        ]
    );
    let found = findings("$context.requestID $context.integrationLatency");
    assert!(
        found[0].message.contains("did you mean $context.requestId"),
        "{}",
        found[0].message
    );
    assert!(
        found[1].message.contains("access logs"),
        "{}",
        found[1].message
    );
    assert!(run(
        "$context.requestId $context.identity.sourceIp $context.keySet() $context.get('x') $context['stage'] \
         $context.identity.clientCert.validity.notAfter $context.error.messageString $context.authorizer.principalId \
         #set($context.requestOverride.header.h = 'v')#set($context.responseOverride.status = 400)\
         $context.requestOverride.querystring.put('a', 'b').length()"
    )
    .is_empty());
}

#[test]
fn invalid_jsonpath() {
    assert_eq!(run("$input.json('$.a[')"), one("invalid-jsonpath", "["));
    assert_eq!(run("$input.path(\"$.a[\")"), one("invalid-jsonpath", "["));
    assert!(
        run("$input.json('$.a[0]') $input.path(\"$.b\") #set($p = 'x')$input.path(\"$.$p\")")
            .is_empty()
    );
    // Non-ASCII before the error: the range stays on char boundaries.
    let found = run("$input.path('$.é[')");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "invalid-jsonpath");
}

#[test]
fn directives() {
    assert_eq!(
        run("#parse('x.vtl')#include('y')#macro(m)x#end#evaluate('y')#m()"),
        vec![
            ("unsupported-directive", "#parse('x.vtl')".to_string()),
            ("unsupported-directive", "#include('y')".to_string()),
            ("not-executed", "#macro(m)x#end".to_string()),
            ("not-executed", "#evaluate('y')".to_string()),
            ("not-executed", "#m()".to_string()),
        ]
    );
    // A `#name` that is no macro of the template is text (a color, an anchor).
    assert!(run("{\"color\": \"#fff\", \"see\": \"#section\"}").is_empty());
}

#[test]
fn escape_javascript_in_json_string() {
    let src = "{\"input\": \"$util.escapeJavaScript($input.json('$'))\"}";
    let found = findings(src);
    assert_eq!(
        shown(src, found.clone()),
        one(
            "escape-javascript-quote",
            "$util.escapeJavaScript($input.json('$'))"
        )
    );
    let fixed = apply(src, &fixes_of(&found));
    assert_eq!(
        fixed,
        "{\"input\": \"$util.escapeJavaScript($input.json('$')).replaceAll(\"\\\\'\",\"'\")\"}"
    );
    assert!(findings(&fixed).is_empty());
    // Outside a JSON string it is fine.
    assert!(run("{\"things\": $util.escapeJavaScript($input.json('$'))}").is_empty());
    // Quotes inside a directive or reference on the same line do not count.
    assert!(run("#set($a = \"x\")$util.escapeJavaScript('a')").is_empty());
    // Formal forms: the fix goes right after the call, inside the braces.
    let src = "{\"a\": \"$!{util.escapeJavaScript($input.path('$.name'))}\"}";
    let found = findings(src);
    assert_eq!(
        shown(src, found.clone()),
        one(
            "escape-javascript-quote",
            "$!{util.escapeJavaScript($input.path('$.name'))}"
        )
    );
    let fixed = apply(src, &fixes_of(&found));
    assert_eq!(
        fixed,
        "{\"a\": \"$!{util.escapeJavaScript($input.path('$.name')).replaceAll(\"\\\\'\",\"'\")}\"}"
    );
    assert!(findings(&fixed).is_empty());
}

#[test]
fn escape_javascript_through_a_variable() {
    let src =
        "#set($v = $util.escapeJavaScript($input.path('$.name')))\n{\"a\": \"$v\", \"b\": \"$v\"}";
    let found = findings(src);
    assert_eq!(
        shown(src, found.clone()),
        one(
            "escape-javascript-quote",
            "$util.escapeJavaScript($input.path('$.name'))"
        )
    );
    let fixed = apply(src, &fixes_of(&found));
    assert!(findings(&fixed).is_empty(), "{fixed}");
    assert!(
        run("#set($v = $util.escapeJavaScript($input.path('$.name')))\n{\"a\": $v}").is_empty()
    );
}

#[test]
fn printed_return_value() {
    let src = "#set($m = {})#set($l = [])$m.put('a', 1)$!{m.put('b', 2)} $l.add(1)\\\\$l.add(2) \\$l.add(3)";
    let found = findings(src);
    assert_eq!(
        shown(src, found.clone()),
        vec![
            ("printed-return-value", "$m.put('a', 1)".to_string()),
            ("printed-return-value", "$!{m.put('b', 2)}".to_string()),
            ("printed-return-value", "$l.add(1)".to_string()),
            ("printed-return-value", "$l.add(2)".to_string()),
        ]
    );
    let fixed = apply(src, &fixes_of(&found));
    assert_eq!(
        fixed,
        "#set($m = {})#set($l = [])#set($ignore = $m.put('a', 1))#set($ignore = $m.put('b', 2)) #set($ignore = $l.add(1))\\\\#set($ignore = $l.add(2)) \\$l.add(3)"
    );
    assert!(Template::parse(&fixed).is_ok());
    assert!(findings(&fixed).is_empty(), "{:?}", findings(&fixed));
    // Void methods print nothing on API Gateway: a note.
    let found = findings("#set($m = {})$m.clear()");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Note);
    // Inside #set or an expression it is fine.
    assert!(run("#set($m = {})#set($ignore = $m.put('a', 1))#if($m.put('b', 1))#end$m").is_empty());
}

use crate::Template;

#[test]
fn undefined_references() {
    assert_eq!(
        run("#set($a = 1)$a $b $b #foreach($i in [1])$i#end $foreach $input.body"),
        one("undefined-reference", "b")
    );
    // A quiet reference is a note.
    let found = findings("$!c $input.body");
    assert_eq!(
        shown("$!c $input.body", found.clone()),
        one("undefined-reference", "c")
    );
    assert_eq!(found[0].severity, Severity::Note);
    // A #foreach variable outside its loop, a macro parameter outside its macro.
    assert_eq!(
        run("#foreach($i in [1])$i#end$i"),
        one("undefined-reference", "i")
    );
    let src = "#macro(m $p)$p#end$p $input.body";
    let undefined: Vec<_> = run(src)
        .into_iter()
        .filter(|(r, _)| *r == "undefined-reference")
        .collect();
    assert_eq!(undefined, one("undefined-reference", "p"));
    assert_eq!(
        findings(src)
            .iter()
            .find(|f| f.rule == "undefined-reference")
            .map(|f| f.range.start),
        src.rfind("p $input")
    );
    // Set later (in a loop, say) is fine; #define names too; escaped references are text.
    assert!(
        run("#foreach($x in [1,2])$!prev#set($prev = $x)#end#define($d)x#end$d \\$nope").is_empty()
    );
    // `$null` is never set on purpose.
    assert!(run("#if($input.path('$.a') == $null)x#end").is_empty());
    // A template file that reads no API Gateway variable gets its variables from a caller.
    let file = "{\"customer\": \"$name\"}";
    assert!(findings_with(file, TemplateKind::File, None).is_empty());
    let file = "{\"customer\": \"$name\", \"body\": $input.json('$')}";
    assert_eq!(
        shown(file, findings_with(file, TemplateKind::File, None)),
        one("undefined-reference", "name")
    );
}

#[test]
fn duplicate_override() {
    let src = "#set($context.requestOverride.header.x = 'a')\n#set($context.requestOverride.header['x'] = 'b')\n";
    assert_eq!(
        run(src),
        one(
            "duplicate-override",
            "#set($context.requestOverride.header['x'] = 'b')"
        )
    );
    // Different names, or different branches: fine.
    assert!(run("#set($context.requestOverride.header.x = 'a')#set($context.requestOverride.header.y = 'b')#set($context.responseOverride.status = 400)").is_empty());
    assert!(run("#if($input.body)#set($context.responseOverride.status = 400)#else#set($context.responseOverride.status = 500)#end").is_empty());
}

#[test]
fn invalid_override() {
    for src in [
        "#set($context.responseOverride.status = \"abc\")",
        "#set($context.responseOverride.status = -1)",
        "#set($context.responseOverride.status = 2.5)",
        "#set($context.responseOverride.status = 600)",
        "#set($context.requestOverride.header['a b'] = 'x')",
        "#set($context.responseOverride.header.x = 'a\r\nSet-Cookie: y')",
    ] {
        let found = run(src);
        assert!(
            found.iter().any(|(rule, _)| *rule == "invalid-override"),
            "{src}: {found:?}"
        );
    }
    // Good literals, anything computed, query strings and paths: nothing.
    for src in [
        "#set($context.responseOverride.status = 404)",
        "#set($context.responseOverride.status = \"404\")",
        "#set($context.responseOverride.status = $input.path('$.code'))",
        "#set($context.requestOverride.header.X-Id = 'a b')",
        "#set($context.requestOverride.querystring['a b'] = 'x\ny')",
    ] {
        let found = run(src);
        assert!(
            !found.iter().any(|(rule, _)| *rule == "invalid-override"),
            "{src}: {found:?}"
        );
    }
}

#[test]
fn gateway_response_templates() {
    let src = "{\"message\": $context.error.messageString, \"x\": \"$input.body\"}#if($a)#end";
    let found = findings_with(src, TemplateKind::GatewayResponse, Some("application/json"));
    let rules: Vec<(&str, String)> = shown(src, found)
        .into_iter()
        .filter(|(r, _)| *r == "gateway-response-not-vtl")
        .collect();
    assert_eq!(
        rules,
        vec![
            ("gateway-response-not-vtl", "$input.body".to_string()),
            ("gateway-response-not-vtl", "#if($a)#end".to_string()),
        ]
    );
    let ok = "{\"message\": $context.error.messageString, \"stage\": \"$stageVariables.env\"}";
    assert!(findings_with(ok, TemplateKind::GatewayResponse, Some("application/json")).is_empty());
}

#[test]
fn template_size() {
    let src = "x".repeat(TEMPLATE_MAX + 1);
    let found = findings(&src);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, "template-size");
    assert!(findings(&"x".repeat(TEMPLATE_MAX)).is_empty());
}

#[test]
fn json_output() {
    // A missing comma is the template's fault, whatever the request: the very character.
    let src = "{\n  \"name\": \"$input.path('$.name')\"\n  \"ok\": 1\n}";
    let found = findings_with(src, TemplateKind::Request, Some("application/json"));
    assert_eq!(shown(src, found.clone()), one("invalid-json-output", "\""));
    assert_eq!(found[0].range.start, src.find("\"ok\"").unwrap_or(0));
    assert!(
        found[0].message.contains("at output 3:3"),
        "{}",
        found[0].message
    );
    assert!(run_json("{\n  \"name\": \"$input.path('$.name')\",\n  \"ok\": 1\n}").is_empty());
    // A reference that prints a map (Java's `{k=v}`), not JSON.
    let src = "{\"items\": $input.path('$')}";
    let found = findings_with(src, TemplateKind::Request, Some("application/json"));
    assert_eq!(
        shown(src, found.clone()),
        one("invalid-json-output", "$input.path('$')")
    );
    assert!(
        found[0]
            .message
            .contains("this reference printed \"{name=Ada"),
        "{}",
        found[0].message
    );
    assert!(run_json("{\"items\": $input.json('$')}").is_empty());
    // A field the request may lack, printed bare: bare-json-value says so, once.
    assert_eq!(
        run_json("{\"n\": $input.path('$.missing')}"),
        one("bare-json-value", "$input.path('$.missing')")
    );
    // Inside #if (the author checked), or quoted: nothing.
    assert!(run_json("{#if($input.path('$.n') != \"\")\"n\": $input.path('$.n')#end}").is_empty());
    assert!(run_json("{\"n\": \"$input.path('$.missing')\"}").is_empty());
    // Through a variable.
    assert_eq!(
        run_json("#set($q = $input.path('$.qty'))\n{\"q\": $q}"),
        one("bare-json-value", "$q")
    );
    assert!(run_json("{\"n\": $input.json('$.missing'), \"b\": 1}").is_empty());
    // But a missing comma after a reference that printed something is the template's.
    let src = "{\"n\": $input.json('$.name') \"b\": 1}";
    assert_eq!(run_json(src), one("invalid-json-output", "\""));
    // The output ends early.
    let src = "{\"a\": [1, 2}";
    assert_eq!(run_json(src), one("invalid-json-output", "}"));
    // Not a JSON template: not rendered.
    assert!(run("{\"a\": [1, 2}").is_empty());
    // A template file that starts like JSON is checked, after leading directives.
    let src = "## a comment\n#set($x = 1)\n{\"a\": $x\n";
    assert_eq!(
        shown(src, findings_with(src, TemplateKind::File, None)),
        one("invalid-json-output", "\n")
    );
    assert!(findings_with("$input.json('$')x", TemplateKind::File, None).is_empty());
}

#[test]
fn render_error() {
    // A JSONPath that does not compile is reported as such; a runtime failure as render-error.
    let src = "{\"a\": \"$input.path('$.name').substring(10)\"}";
    let found = findings_with(src, TemplateKind::Request, Some("application/json"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, "render-error");
    assert!(run_json("{\"a\": \"$input.path('$.name').substring(1)\"}").is_empty());
}

#[test]
fn config_and_comments() {
    let src = "$b $input.body";
    let cfg = RuleConfig::new(&[], &["undefined-reference".into()]).expect("config");
    let found = check(&embedded(src, TemplateKind::Request, None), &cfg, &sample());
    assert_eq!(found[0].severity, Severity::Error);
    let cfg = RuleConfig::new(&["undefined-reference".into()], &[]).expect("config");
    assert!(check(&embedded(src, TemplateKind::Request, None), &cfg, &sample()).is_empty());
    let mut cfg = RuleConfig::default();
    assert!(cfg.deny("undefined-reference").is_ok());
    assert!(cfg.allow("undefined-reference").is_ok());
    assert!(!cfg.is_enabled("undefined-reference"));
    let err = RuleConfig::new(&["nope".into()], &[]).expect_err("unknown");
    assert!(err.contains("undefined-reference"), "{err}");
    assert!(RuleConfig::new(&["syntax".into()], &["syntax".into()]).is_err());
    // Broken output at a finding's place is that finding's, also when its rule is off.
    let src = "{\"a\": #evaluate('1')}";
    assert_eq!(run_json(src), one("not-executed", "#evaluate('1')"));
    let cfg = RuleConfig::new(&["not-executed".into()], &[]).expect("config");
    let found = check(
        &embedded(src, TemplateKind::Request, Some("application/json")),
        &cfg,
        &sample(),
    );
    assert!(found.is_empty(), "{found:?}");
    // The output check alone places the untraced output at the directive.
    let m = MappingTemplate::parse(src).expect("parses");
    let found = output::check_output(
        &m,
        src,
        &crate::lint::Sample {
            name: "the sample request".into(),
            request: sample(),
        },
    );
    assert_eq!(
        shown(src, found),
        one("invalid-json-output", "#evaluate('1')")
    );
    // In-template switches.
    assert!(run("## apigw-vtl: allow(undefined-reference)\n$b").is_empty());
    assert!(
        run("#* apigw-vtl: allow( not-executed , undefined-reference ) *#$b#evaluate('x')")
            .is_empty()
    );
    // Only in comments.
    assert_eq!(
        run("\"apigw-vtl: allow(undefined-reference)\" $b"),
        one("undefined-reference", "b")
    );
    // An unknown id is reported.
    assert_eq!(
        run("## apigw-vtl: allow(undefined-refs)\n"),
        one("allow-comment", "undefined-refs")
    );
    assert_eq!(
        run("## apigw-vtl: deny(x)\n"),
        one("allow-comment", "apigw-vtl: deny(x)")
    );
}

#[test]
fn every_rule_has_metadata() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len());
    for r in RULES {
        assert!(!r.description.is_empty() && !r.help.is_empty(), "{}", r.id);
    }
}

const PETSTORE: &str = "#set($inputRoot = $input.path('$'))\n[\n#foreach($elem in $inputRoot)\n  {\n    \"description\" : \"Item $elem.id is a $elem.type.\",\n    \"askingPrice\" : $elem.price\n  }#if($foreach.hasNext),#end\n\n#end\n]\n";

const PHOTOS: &str = "#set($inputRoot = $input.path('$')) { \"photos\": [ #foreach($elem in $inputRoot.photos.photo) { \"id\": \"$elem.id\", \"photographedBy\": \"$elem.photographer_first_name $elem.photographer_last_name\", \"title\": \"$elem.title\", \"ispublic\": $elem.ispublic, \"isfriend\": $elem.isfriend, \"isfamily\": $elem.isfamily }#if($foreach.hasNext),#end #end ] }";

const INPUT_EXAMPLE: &str = "{\"id\" : \"$input.params('id')\", \"count\" : \"$input.path('$.things').size()\", \"things\" : $util.escapeJavaScript($input.json('$.things'))}";

/// The `$input` example without `escapeJavaScript` around the JSON value.
const INPUT_FIXED: &str = "{\"id\" : \"$input.params('id')\", \"count\" : \"$input.path('$.things').size()\", \"things\" : $input.json('$.things')}";

const PARAMS: &str = "#set($allParams = $input.params())\n{\n\"params\" : {\n#foreach($type in $allParams.keySet())\n    #set($params = $allParams.get($type))\n\"$type\" : {\n    #foreach($paramName in $params.keySet())\n    \"$paramName\" : \"$util.escapeJavaScript($params.get($paramName)).replaceAll(\"\\\\'\",\"'\")\"\n        #if($foreach.hasNext),#end\n    #end\n}\n    #if($foreach.hasNext),#end\n#end\n}\n}\n";

const CONTEXT_EXAMPLE: &str = "{\n    \"stage\" : \"$context.stage\",\n    \"request_id\" : \"$context.requestId\",\n    \"api_id\" : \"$context.apiId\",\n    \"resource_path\" : \"$context.resourcePath\",\n    \"resource_id\" : \"$context.resourceId\",\n    \"http_method\" : \"$context.httpMethod\",\n    \"source_ip\" : \"$context.identity.sourceIp\",\n    \"user-agent\" : \"$context.identity.userAgent\",\n    \"account_id\" : \"$context.identity.accountId\",\n    \"api_key\" : \"$context.identity.apiKey\",\n    \"caller\" : \"$context.identity.caller\",\n    \"user\" : \"$context.identity.user\",\n    \"user_arn\" : \"$context.identity.userArn\"\n}\n";

const PARSE_JSON: &str = "#set ($errorMessageObj = $util.parseJson($input.path('$.errorMessage')))\n{\n   \"errorMessageObjKey2ArrVal\" : $errorMessageObj.key2.arr[0]\n}";

const OVERRIDE: &str = "#set($inputRoot = $input.path('$'))\n$input.json(\"$\")\n#if($inputRoot.toString().contains(\"error\"))\n#set($context.responseOverride.status = 400)\n#end";

#[test]
fn documentation_examples_are_clean() {
    let cases: &[(&str, &str)] = &[
        (
            PETSTORE,
            r#"[{"id":1,"type":"dog","price":249.99},{"id":2,"type":"cat","price":124.99}]"#,
        ),
        (
            PHOTOS,
            r#"{"photos":{"page":1,"photo":[{"id":"1","photographer_first_name":"Saanvi","photographer_last_name":"Sarkar","title":"t","ispublic":true,"isfriend":false,"isfamily":false}]}}"#,
        ),
        (INPUT_FIXED, r#"{"things":{"1":{},"2":{},"3":{}}}"#),
        (PARAMS, "{}"),
        (CONTEXT_EXAMPLE, "{}"),
        (
            PARSE_JSON,
            r#"{"errorMessage":"{\"key1\":\"var1\",\"key2\":{\"arr\":[1,2,3]}}"}"#,
        ),
        (OVERRIDE, r#"{"a":1}"#),
    ];
    for (src, body) in cases {
        let mut r = crate::lint::sample_request();
        r.body = Some((*body).into());
        for kind in [
            TemplateKind::Request,
            TemplateKind::Response,
            TemplateKind::File,
        ] {
            let found = check(
                &embedded(src, kind, Some("application/json")),
                &RuleConfig::default(),
                &r,
            );
            assert!(found.is_empty(), "{src}\n{found:?}");
        }
        // And against the built-in sample request.
        let found = check(
            &embedded(src, TemplateKind::Request, Some("application/json")),
            &RuleConfig::default(),
            &crate::lint::sample_request(),
        );
        assert!(found.is_empty(), "{src}\n{found:?}");
    }
}

/// AWS's `$input` example wraps a JSON value in `escapeJavaScript` outside quotes:
/// the quotes come out as `\"` (AWS's stated output is doubtful, reference §1.4).
#[test]
fn the_input_example_prints_escaped_json() {
    let mut r = crate::lint::sample_request();
    r.body = Some(r#"{"things":{"1":{},"2":{},"3":{}}}"#.into());
    let found = check(
        &embedded(
            INPUT_EXAMPLE,
            TemplateKind::Request,
            Some("application/json"),
        ),
        &RuleConfig::default(),
        &r,
    );
    assert_eq!(
        shown(INPUT_EXAMPLE, found),
        one(
            "invalid-json-output",
            "$util.escapeJavaScript($input.json('$.things'))"
        )
    );
}

#[test]
fn example_files_are_clean() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().and_then(|x| x.to_str()) != Some("vtl") {
            continue;
        }
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let found: Vec<Finding> = check(
            &embedded(&src, TemplateKind::File, None),
            &RuleConfig::default(),
            &crate::lint::sample_request(),
        )
        .into_iter()
        // The Step Functions examples show escapeJavaScript's `\'` on purpose (see the README).
        .filter(|f| f.rule != "escape-javascript-quote")
        .collect();
        assert!(found.is_empty(), "{}: {found:?}", path.display());
    }
}

#[test]
fn never_panics_on_odd_input() {
    let odd = [
        "",
        "$",
        "$!{",
        "#set($a = $b.put(",
        "\"é\"$util.escapeJavaScript('é')\"",
        "$input.json('é[')",
        "## apigw-vtl: allow(",
        "#* apigw-vtl: allow(a,,b) *#",
        "{\"a\": \"é\"",
        "\u{0}\u{FFFF}$input.path('\u{0}')",
    ];
    for src in odd {
        for ct in [None, Some("application/json")] {
            for f in findings_with(src, TemplateKind::File, ct) {
                assert!(src.get(f.range.clone()).is_some(), "{src:?}: {f:?}");
            }
        }
    }
}
