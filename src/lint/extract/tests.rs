use super::*;
use crate::lint::file_pos;

/// The file text at the position the template offset of `needle` maps to.
fn at(file: &str, t: &Embedded, needle: &str) -> String {
    let off = t.source.find(needle).expect("needle in template");
    let f = t.map.file_offset(off);
    file.get(f..)
        .unwrap_or("")
        .chars()
        .take(needle.chars().count())
        .collect()
}

/// The file text from where the template offset of `needle` maps to.
fn from<'a>(file: &'a str, t: &Embedded, needle: &str) -> &'a str {
    let off = t.source.find(needle).expect("needle in template");
    file.get(t.map.file_offset(off)..).unwrap_or("")
}

/// Every byte-for-byte segment holds the same text in the template and the
/// file (or an escape of the same length), and the segments cover the template.
fn assert_exact(file: &str, t: &Embedded) {
    let mut end = 0;
    for s in t.map.segments() {
        assert_eq!(s.template.start, end, "segments are consecutive: {t:?}");
        end = s.template.end;
        if s.template.len() == s.file.len() {
            for (k, (ti, fi)) in s.template.clone().zip(s.file.clone()).enumerate() {
                let a = t.source.as_bytes().get(ti).copied();
                let b = file.as_bytes().get(fi).copied();
                let prev = fi
                    .checked_sub(1)
                    .and_then(|p| file.as_bytes().get(p))
                    .copied();
                // A folded line break (a space or line feed for a break), or
                // an escape as long as its character (`\N` for U+0085).
                let folded = matches!((a, b), (Some(b' ' | b'\n'), Some(b'\n' | b'\r')));
                let escape = b == Some(b'\\')
                    || (k > 0 && prev == Some(b'\\') && a.is_some_and(|a| a >= 0x80));
                assert!(
                    a == b || folded || escape,
                    "segment {s:?} byte {k}: {a:?} vs {b:?}"
                );
            }
        }
    }
    assert_eq!(end, t.source.len(), "segments cover the template");
}

fn one(path: &str, text: &str) -> Embedded {
    let mut t = extract(Path::new(path), text).expect("extract");
    assert_eq!(t.len(), 1, "{t:?}");
    let t = t.remove(0);
    assert_exact(text, &t);
    t
}

fn line_col(text: &str, t: &Embedded, needle: &str) -> (u32, u32) {
    let off = t.source.find(needle).expect("needle in template");
    let p = file_pos(text, t.map.file_offset(off));
    (p.line, p.column)
}

#[test]
fn vtl_file() {
    let text = "a $b\n";
    let t = one("x.VTL", text);
    assert_eq!(t.kind, TemplateKind::File);
    assert_eq!(t.location, "");
    assert_eq!(t.escaping, Escaping::Raw);
    assert_eq!(at(text, &t, "$b"), "$b");
}

#[test]
fn other_extensions_hold_nothing() {
    assert!(extract(Path::new("a.txt"), "$x").expect("ok").is_empty());
    assert!(extract(Path::new("a"), "$x").expect("ok").is_empty());
}

#[test]
fn openapi_json_maps_through_escapes() {
    let text = r#"{"openapi": "3.0.1", "paths": {"/x": {"post": {"x-amazon-apigateway-integration": {
  "requestTemplates": {"application/json": "{\n  \"a\": \"caf\u00e9 \ud83d\ude00 $input.path('$.a')\",\n  \"b\": $util.nope()\/\n}"},
  "responses": {"default": {"responseTemplates": {"application/json": "$input.json('$')"}}}}}}}}"#;
    let t = extract(Path::new("api.json"), text).expect("extract");
    assert_eq!(t.len(), 2);
    for x in &t {
        assert_exact(text, x);
        assert_eq!(x.escaping, Escaping::JsonString);
    }
    assert_eq!(t[0].kind, TemplateKind::Request);
    assert_eq!(t[0].content_type.as_deref(), Some("application/json"));
    assert_eq!(
        t[0].location,
        "paths./x.post.x-amazon-apigateway-integration.requestTemplates.application/json"
    );
    assert!(t[0].source.contains("\"a\": \"café 😀 $input"));
    assert_eq!(at(text, &t[0], "$input.path"), "$input.path");
    assert_eq!(at(text, &t[0], "$util.nope"), "$util.nope");
    assert_eq!(at(text, &t[0], "é"), "\\");
    assert_eq!(at(text, &t[0], "😀"), "\\");
    assert!(from(text, &t[0], "\"a\"").starts_with("\\\"a"));
    assert_eq!(at(text, &t[0], "/"), "\\");
    assert_eq!(line_col(text, &t[0], "$util"), (2, 114));
    // The escape's template bytes all map to its start.
    let e = t[0].source.find('é').expect("é");
    assert_eq!(t[0].map.file_offset(e + 1), t[0].map.file_offset(e));
    assert_eq!(t[1].kind, TemplateKind::Response);
    assert_eq!(
        t[1].location,
        "paths./x.post.x-amazon-apigateway-integration.responses.default.responseTemplates.application/json"
    );
}

#[test]
fn json_errors_have_positions() {
    let e = extract(
        Path::new("a.json"),
        "{\n  \"AWSTemplateFormatVersion\": 1,\n  \"b\": nope\n}",
    )
    .expect_err("bad");
    // serde_json stops at the `o` of `nope`.
    assert_eq!((e.pos.line, e.pos.column), (3, 9));
    assert_eq!(e.offset, e.pos.offset);
    assert!(e.message.starts_with("JSON: "), "{}", e.message);
    assert!(!e.message.contains("line 3"), "{}", e.message);
    assert!(e.to_string().starts_with("3:9: JSON"));
    let deep = format!(
        "{{\"AWSTemplateFormatVersion\": {}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    assert!(extract(Path::new("a.json"), &deep).is_err());
    // Trailing garbage.
    assert!(extract(Path::new("a.json"), "{\"AWSTemplateFormatVersion\": 1} x").is_err());
    // A file that is not an API Gateway document is skipped, broken or not.
    assert!(
        extract(Path::new("tsconfig.json"), "{\n  // comment\n  \"a\": 1\n}")
            .expect("skipped")
            .is_empty()
    );
}

#[test]
fn byte_order_mark() {
    let text = "\u{feff}{\"openapi\": \"3\", \"paths\": {\"/\": {\"get\": {\"x-amazon-apigateway-integration\": {\"requestTemplates\": {\"a/b\": \"$x\"}}}}}}";
    let t = one("a.json", text);
    assert_eq!(at(text, &t, "$x"), "$x");
    let text = "\u{feff}openapi: 3\npaths:\n  /:\n    get:\n      x-amazon-apigateway-integration:\n        requestTemplates:\n          a/b: $x é $y\n";
    let t = one("a.yaml", text);
    assert_eq!(at(text, &t, "$y"), "$y");
}

const YAML_API: &str = "openapi: 3.0.1
paths:
  /x:
    post:
      x-amazon-apigateway-integration:
        requestTemplates:
          application/json: |
            {
              \"a\": \"$input.path('$.a')\",
              \"b\": $util.nope()
            }
          text/plain: >-
            one $input.body
            two $context.stage
          application/xml: \"x\\n$input.json('$')\"
";

#[test]
fn openapi_yaml_block_and_quoted_scalars() {
    let text = YAML_API;
    let t = extract(Path::new("api.yaml"), text).expect("extract");
    assert_eq!(t.len(), 3);
    for x in &t {
        assert_exact(text, x);
    }
    assert_eq!(at(text, &t[0], "$util.nope"), "$util.nope");
    assert_eq!(line_col(text, &t[0], "$util"), (10, 20));
    assert_eq!(t[0].escaping, Escaping::Raw);
    assert_eq!(t[1].source, "one $input.body two $context.stage");
    assert_eq!(at(text, &t[1], "$context.stage"), "$context.stage");
    // The folded line break maps to the line break.
    assert!(from(text, &t[1], " two").starts_with("\n            two"));
    assert_eq!(t[2].source, "x\n$input.json('$')");
    assert_eq!(t[2].escaping, Escaping::YamlDouble);
    assert_eq!(at(text, &t[2], "$input.json"), "$input.json");
    assert_eq!(at(text, &t[2], "\n"), "\\");
}

/// The template of `k` in a one-entry OpenAPI document whose value is written `v`.
fn yaml_value(v: &str) -> (String, Embedded) {
    let text = format!(
        "openapi: 3.0.1\npaths:\n  /x:\n    get:\n      x-amazon-apigateway-integration:\n        requestTemplates:\n          k: {v}"
    );
    let t = one("a.yaml", &text);
    (text, t)
}

#[test]
fn yaml_block_scalars() {
    let cases: &[(&str, &str)] = &[
        (
            "|\n            a $x\n              b $y\n\n            c $z\n",
            "a $x\n  b $y\n\nc $z\n",
        ),
        ("|-\n            a $x\n            b $y\n\n\n", "a $x\nb $y"),
        (
            "|+\n            a $x\n            b $y\n\n\n",
            "a $x\nb $y\n\n\n",
        ),
        (
            "|2\n              a $x\n            b $y\n",
            "  a $x\nb $y\n",
        ),
        (
            "|2-\n              a $x\n            b $y\n",
            "  a $x\nb $y",
        ),
        (
            "|-2 # comment\n              a $x\n            b $y\n",
            "  a $x\nb $y",
        ),
        // No line break at the end of the file: nothing to keep (as PyYAML reads it).
        (
            "|\n\n   \n            a $x\n            b $y",
            "\n\na $x\nb $y",
        ),
        (
            ">\n            a $x\n            b $y\n\n            c $z\n",
            "a $x b $y\nc $z\n",
        ),
        (
            ">-\n            a $x\n              more $m\n            b $y\n\n\n            c $z\n",
            "a $x\n  more $m\nb $y\n\nc $z",
        ),
        (
            ">+\n            a $x\n            b $y\n\n",
            "a $x b $y\n\n",
        ),
        (
            "|\r\n            a $x\r\n            b $y\r\n",
            "a $x\nb $y\n",
        ),
        (
            ">\r\n            a $x\r\n            b $y\r\n",
            "a $x b $y\n",
        ),
        (
            "|\n            a $x\t \n            b\t$y\n",
            "a $x\t \nb\t$y\n",
        ),
        ("|\n            é $x 😀\n            $y\n", "é $x 😀\n$y\n"),
    ];
    for (v, want) in cases {
        let (text, t) = yaml_value(v);
        assert_eq!(t.source, *want, "{v:?}");
        for needle in ["$x", "$y", "$z", "$m"] {
            if t.source.contains(needle) {
                assert_eq!(at(&text, &t, needle), needle, "{v:?}");
            }
        }
        if let Some(i) = t.source.find("$x b $y") {
            // A folded line break maps to the break in the file.
            let f = t.map.file_offset(i + 2);
            assert!(
                matches!(text.as_bytes().get(f), Some(b'\n' | b'\r')),
                "{v:?}"
            );
        }
    }
}

#[test]
fn yaml_flow_scalars() {
    let cases: &[(&str, &str)] = &[
        ("$x and $y\n", "$x and $y"),
        (
            "$x and\n            more $y   \n\n            last $z\n",
            "$x and more $y\nlast $z",
        ),
        ("$x # a comment\n", "$x"),
        ("'it''s $x'\n", "it's $x"),
        (
            "'$x\n             folded  \n\n             $y'\n",
            "$x folded\n$y",
        ),
        (
            "\"a\\t$x\\\"q\\\" \\u00e9\\x41\\U0001F600 $y\"\n",
            "a\t$x\"q\" éA😀 $y",
        ),
        ("\"$x \\\n             $y\"\n", "$x $y"),
        ("\"$x\\\n\n             $y\"\n", "$x\n$y"),
        ("\"$x  \n  \n             $y \\n\"\n", "$x\n$y \n"),
        ("\"$x\\ \n             $y\"\n", "$x  $y"),
        (
            "\"\\N\\_\\L\\P\\0\\a\\b\\v\\f\\r\\e\\/\\\\ $x\"\n",
            "\u{85}\u{a0}\u{2028}\u{2029}\0\u{7}\u{8}\u{b}\u{c}\r\u{1b}/\\ $x",
        ),
        ("!!str $x\n", "$x"),
        ("&anchor $x\n", "$x"),
    ];
    for (v, want) in cases {
        let (text, t) = yaml_value(v);
        assert_eq!(t.source, *want, "{v:?}");
        for needle in ["$x", "$y", "$z"] {
            if t.source.contains(needle) {
                assert_eq!(at(&text, &t, needle), needle, "{v:?}");
            }
        }
    }
}

#[test]
fn yaml_errors_have_positions() {
    let e = extract(Path::new("a.yaml"), "AWSTemplateFormatVersion: 1\nb: [\n").expect_err("bad");
    assert!(e.message.starts_with("YAML: "), "{}", e.message);
    assert!(e.pos.line >= 2, "{e:?}");
    let deep = format!(
        "AWSTemplateFormatVersion: {}{}",
        "[".repeat(300),
        "]".repeat(300)
    );
    let e = extract(Path::new("a.yaml"), &deep).expect_err("deep");
    assert!(
        e.message.contains("nested deeper") || e.message.contains("recursion limit"),
        "{}",
        e.message
    );
    let deep = "AWSTemplateFormatVersion:\n".to_string() + &"- ".repeat(200) + "x\n";
    let e = extract(Path::new("a.yaml"), &deep).expect_err("deep");
    assert!(e.message.contains("nested deeper"), "{}", e.message);
    assert!(extract(Path::new("a.yaml"), "just: text")
        .expect("ok")
        .is_empty());
    assert!(extract(Path::new("a.yaml"), "").expect("ok").is_empty());
    assert!(extract(Path::new("a.yml"), "- a\n- b\n")
        .expect("ok")
        .is_empty());
}

#[test]
fn yaml_anchors_aliases_and_merge_keys() {
    let text = "openapi: 3.0.1
x-common: &tpl
  application/json: |
    {\"a\": $input.json('$')}
x-integ: &integ
  type: aws
paths:
  /a:
    post:
      x-amazon-apigateway-integration:
        <<: *integ
        requestTemplates: *tpl
";
    let t = extract(Path::new("a.yaml"), text).expect("extract");
    assert_eq!(t.len(), 1);
    assert_exact(text, &t[0]);
    assert_eq!(at(text, &t[0], "$input"), "$input");
    assert_eq!(line_col(text, &t[0], "$input"), (4, 11));
    let text2 = "openapi: 3.0.1
x-base: &base
  requestTemplates:
    a/b: $x
paths:
  /a:
    post:
      x-amazon-apigateway-integration:
        <<: *base
        type: aws
";
    let t = extract(Path::new("a.yaml"), text2).expect("extract");
    assert_eq!(t.len(), 1);
    assert_eq!(at(text2, &t[0], "$x"), "$x");
}

#[test]
fn gateway_responses_in_openapi() {
    let text = r#"{"swagger": "2.0", "paths": {}, "x-amazon-apigateway-gateway-responses": {"DEFAULT_4XX": {"responseTemplates": {"application/json": "{\"message\":$context.error.messageString}"}}}}"#;
    let t = one("a.json", text);
    assert_eq!(t.kind, TemplateKind::GatewayResponse);
    assert_eq!(
        t.location,
        "x-amazon-apigateway-gateway-responses.DEFAULT_4XX.responseTemplates.application/json"
    );
    assert_eq!(at(text, &t, "$context"), "$context");
}

#[test]
fn sam_sub_placeholders() {
    let text = "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      DefinitionBody:\n        openapi: 3.0.1\n        paths:\n          /x:\n            post:\n              x-amazon-apigateway-integration:\n                requestTemplates:\n                  application/json: !Sub |\n                    {\"arn\": \"arn:aws:states:${AWS::Region}:${AWS::AccountId}:x\", \"v\": \"${!stageVariables.env}\", \"b\": $input.json('$')}\n";
    let t = one("template.yaml", text);
    assert_eq!(
        t.source,
        "{\"arn\": \"arn:aws:states:AWS::Region:AWS::AccountId:x\", \"v\": \"${stageVariables.env}\", \"b\": $input.json('$')}\n"
    );
    assert_eq!(at(text, &t, "$input.json"), "$input.json");
    assert_eq!(at(text, &t, "stageVariables.env}"), "stageVariables.env}");
    assert!(from(text, &t, "${stageVariables").starts_with("${!stage"));
    assert!(from(text, &t, "AWS::Region").starts_with("${AWS::Region}:"));
    assert!(from(text, &t, ":AWS::AccountId").starts_with(":${AWS::AccountId}"));
    // The placeholder maps as a whole: its last template byte to its start.
    let i = t.source.find("AWS::Region").expect("placeholder");
    let seg = t
        .map
        .segments()
        .iter()
        .find(|s| s.template.start == i)
        .expect("segment");
    assert_eq!(seg.template.len(), "AWS::Region".len());
    assert_eq!(seg.file.len(), "${AWS::Region}".len());
    assert!(t
        .location
        .starts_with("Resources.Api.Properties.DefinitionBody.paths./x.post"));
}

#[test]
fn sub_forms() {
    let wrap = |v: &str| {
        format!("Resources:\n  M:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      Integration:\n        RequestTemplates:\n          application/json: {v}\n")
    };
    let cases: &[(&str, &str)] = &[
        ("!Sub \"${Var} $x\"", "Var $x"),
        ("!Sub '${Var} $x'", "Var $x"),
        ("!Sub\n            - \"${Var} $x ${!y}\"\n            - Var: 1", "Var $x ${y}"),
        ("\n            Fn::Sub: \"${Var} $x\"", "Var $x"),
        ("\n            Fn::Sub:\n              - \"${Var} $x\"\n              - {Var: !Ref X}", "Var $x"),
        ("!Sub \"${} ${Var $x\"", "${} ${Var $x"),
        ("!Join [\"\", [\"{\\\"a\\\": \", \"$x}\"]]", "{\"a\": $x}"),
        ("\n            Fn::Join:\n              - \"\\n\"\n              - - \"#set($a = 1)\"\n                - \"$x\"", "#set($a = 1)\n$x"),
    ];
    for (v, want) in cases {
        let text = wrap(v);
        let t = one("stack.yaml", &text);
        assert_eq!(t.source, *want, "{v:?}");
        assert_eq!(at(&text, &t, "$x"), "$x", "{v:?}");
        assert_eq!(
            t.location,
            "Resources.M.Properties.Integration.RequestTemplates.application/json"
        );
    }
    for skipped in [
        "!Ref T",
        "!If [c, a, b]",
        "!Join [\"\", [!Ref A, \"$x\"]]",
        "{Fn::GetAtt: [a, b]}",
        "!Sub [!Ref A]",
    ] {
        let text = wrap(skipped);
        let t = extract(Path::new("stack.yaml"), &text).expect("extract");
        assert!(t.is_empty(), "{skipped:?}: {t:?}");
    }
}

#[test]
fn cloudformation_json() {
    let text = r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"M": {"Type": "AWS::ApiGateway::Method", "Properties": {"Integration": {
  "RequestTemplates": {"application/json": {"Fn::Sub": "{\"s\": \"${AWS::Region}\", \"i\": $input.json('$')}"}},
  "IntegrationResponses": [{"ResponseTemplates": {"application/json": "$input.path('$.x')"}}]}}},
  "G": {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": {"ResponseTemplates": {"application/json": "{\"m\": $context.error.messageString}"}}},
  "R": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {"openapi": "3.0.1", "paths": {"/": {"get": {"x-amazon-apigateway-integration": {"requestTemplates": {"text/plain": "$y"}}}}}}}}}}"#;
    let t = extract(Path::new("stack.json"), text).expect("extract");
    assert_eq!(t.len(), 4);
    for x in &t {
        assert_exact(text, x);
    }
    assert_eq!(
        t[0].source,
        "{\"s\": \"AWS::Region\", \"i\": $input.json('$')}"
    );
    assert_eq!(at(text, &t[0], "$input.json"), "$input.json");
    assert!(from(text, &t[0], "AWS::Region").starts_with("${AWS::Region}"));
    assert_eq!(
        t[1].location,
        "Resources.M.Properties.Integration.IntegrationResponses[0].ResponseTemplates.application/json"
    );
    assert_eq!(t[1].kind, TemplateKind::Response);
    assert_eq!(t[2].kind, TemplateKind::GatewayResponse);
    assert_eq!(
        t[2].location,
        "Resources.G.Properties.ResponseTemplates.application/json"
    );
    assert_eq!(
        t[3].location,
        "Resources.R.Properties.Body.paths./.get.x-amazon-apigateway-integration.requestTemplates.text/plain"
    );
    assert_eq!(at(text, &t[3], "$y"), "$y");
}

#[test]
fn dot_template_files() {
    let yaml = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  G:\n    Type: AWS::ApiGateway::GatewayResponse\n    Properties:\n      ResponseTemplates:\n        application/json: '{\"m\": $context.error.message}'\n";
    let t = one("stack.template", yaml);
    assert_eq!(at(yaml, &t, "$context"), "$context");
    let json = "{\"Resources\": {}}";
    assert!(extract(Path::new("stack.template"), json)
        .expect("ok")
        .is_empty());
    // Some other kind of `.template` file: not ours.
    assert!(extract(Path::new("page.template"), "<p>{{ x }}: [</p>")
        .expect("ok")
        .is_empty());
    // A broken CloudFormation one is.
    assert!(extract(
        Path::new("s.template"),
        "Resources: [\n  Type: AWS::Serverless::Api\n"
    )
    .is_err());
}

#[test]
fn too_many_templates_is_an_error() {
    // Aliases multiply templates: 4 paths × 4 methods × … of one map.
    let mut text = String::from(
        "openapi: 3.0.1\nx-t: &t {a: $x, b: $x, c: $x, d: $x, e: $x, f: $x, g: $x, h: $x, i: $x, j: $x}\n",
    );
    text.push_str("x-i: &i {x-amazon-apigateway-integration: {requestTemplates: *t}}\n");
    text.push_str("x-m: &m {");
    for i in 0..40 {
        text.push_str(&format!("m{i}: *i, "));
    }
    text.push_str("}\npaths: {");
    for i in 0..40 {
        text.push_str(&format!("/p{i}: *m, "));
    }
    text.push_str("}\n");
    let e = extract(Path::new("a.yaml"), &text).expect_err("too many");
    assert!(e.message.contains("templates"), "{}", e.message);
}

#[test]
fn collect_paths_walks_and_filters() {
    // Removed when dropped, whether the test passes or fails.
    let tmp = tempfile::Builder::new()
        .prefix("apigw-vtl-collect-")
        .tempdir()
        .expect("temp dir");
    let dir = tmp.path().to_path_buf();
    let mk = |p: &str| {
        let p = dir.join(p);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, "x").expect("write");
    };
    for f in [
        "b.vtl",
        "a.yaml",
        "sub/c.json",
        "sub/d.txt",
        "sub/e.template",
        "sub/f.vm",
        "sub/g.YML",
        "ignored/h.vtl",
        "skip.vtl",
        ".hidden/i.vtl",
    ] {
        mk(f);
    }
    std::fs::write(dir.join(".gitignore"), "ignored/\nskip.vtl\n").expect("write");
    let got =
        collect_paths(&[dir.clone(), dir.join("sub/d.txt"), dir.join("b.vtl")]).expect("collect");
    let rel: Vec<String> = got
        .iter()
        .map(|p| {
            p.strip_prefix(&dir)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    assert_eq!(
        rel,
        [
            "a.yaml",
            "b.vtl",
            "sub/c.json",
            "sub/d.txt",
            "sub/e.template",
            "sub/f.vm",
            "sub/g.YML"
        ]
    );
    assert!(collect_paths(&[dir.join("nope")]).is_err());
}

// ---------------------------------------------------------------------------
// Random YAML: the walk agrees with the parsed value wherever libyaml parses.

#[test]
fn an_anchor_ends_where_libyaml_ends_it() {
    // libyaml ends an anchor's name at the first character that is not a
    // letter, digit, `_` or `-`: `&9:-:>[` is the anchor `9` on the plain
    // scalar `:-:>[…` (found by never_panics_yamlish).
    check_locate("k: &9:-:>[\t\u{e9}'");
    check_locate("k: &9:-:>[x");
    check_locate("k: &a-b_c :x");
    check_locate("k: !t &n:v");
    let doc = yaml::parse("k: &9:-x", 0).unwrap_or_else(|e| panic!("{e:?}"));
    let Some(Doc::Str(s)) = doc.get("k").map(Doc::untag) else {
        panic!("no scalar");
    };
    assert_eq!(s.value, ":-x");
}

fn check_locate(text: &str) {
    let Ok(doc) = yaml::parse(text, 0) else {
        return;
    };
    let Some(Doc::Str(s)) = doc.get("k").map(Doc::untag) else {
        return;
    };
    let Src::Yaml { at, style } = s.src else {
        return;
    };
    let pieces = yaml::locate(text, at, &s.value, style);
    let Some(p) = pieces else {
        panic!("no map for {text:?} (value {:?}, {style:?})", s.value);
    };
    let t = Embedded {
        source: s.value.clone(),
        kind: TemplateKind::Request,
        content_type: None,
        location: String::new(),
        map: p.to_map(),
        escaping: Escaping::Raw,
        integration: None,
    };
    assert_exact(text, &t);
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "\\PC{0,200}") {
        let _ = extract(Path::new("a.json"), &s);
        let _ = extract(Path::new("a.yaml"), &s);
        let _ = extract(Path::new("a.template"), &s);
    }

    #[test]
    fn never_panics_yamlish(s in "(openapi: 3\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration:\n        requestTemplates:\n          k: )?[ \\n\\r\\t|>+\\-0-9'\"\\\\!#&*:{}\\[\\],$a-zé]{0,120}") {
        let _ = extract(Path::new("a.yaml"), &s);
        check_locate(&s.replacen("          k: ", "k: ", 1));
    }

    #[test]
    fn block_scalars_map_exactly(
        header in "[|>]([1-4]?[+-]?|[+-]?[1-4]?)( # c)?",
        lines in proptest::collection::vec("( {0,6})([a-z$é'\"#:\\\\ \t]{0,8})", 0..6),
        crlf in proptest::bool::ANY,
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("k: {header}{nl}");
        for l in &lines {
            text.push_str("  ");
            text.push_str(l);
            text.push_str(nl);
        }
        text.push_str("z: 1");
        text.push_str(nl);
        check_locate(&text);
    }

    #[test]
    fn flow_scalars_map_exactly(
        quote in "[\"']?",
        // Continuation lines indented, or at the key's indentation (PyYAML reads both).
        indent in "(  )?",
        lines in proptest::collection::vec("( {0,3})([a-z$é'#:\\\\ \t]|\\\\[nt\"\\\\ ]|\\\\x4[0-9]|\\\\u00e9|'' ){0,8}( {0,2})", 1..5),
        crlf in proptest::bool::ANY,
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("k: {quote}");
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                text.push_str(nl);
                text.push_str(&indent);
            }
            text.push_str(l);
        }
        text.push_str(&quote);
        text.push_str(nl);
        check_locate(&text);
    }
}

// ---------------------------------------------------------------------------
// The fixture documents under tests/lint/fixtures/

fn fixture(name: &str) -> (String, Vec<Embedded>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/lint/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    let t = extract(&path, &text).expect("extract");
    for x in &t {
        assert_exact(&text, x);
    }
    (text, t)
}

/// The template whose location ends with `loc`, and for each needle: the
/// template offset of its first occurrence maps to the same text in the file,
/// at `line:column`.
fn check(text: &str, t: &[Embedded], loc: &str, needles: &[(&str, u32, u32)]) {
    let e = t
        .iter()
        .find(|e| e.location.ends_with(loc))
        .unwrap_or_else(|| panic!("no template at {loc}"));
    for (needle, line, column) in needles {
        let off = e.source.find(needle).expect("needle in template");
        let pos = file_pos(text, e.map.file_offset(off));
        assert!(
            text.get(pos.offset..)
                .is_some_and(|r| r.starts_with(needle)),
            "{loc}: {needle:?} maps to {pos:?}"
        );
        assert_eq!(
            (pos.line, pos.column),
            (*line, *column),
            "{loc}: {needle:?}"
        );
    }
}

#[test]
fn fixture_openapi_yaml() {
    let (text, t) = fixture("openapi.yaml");
    assert_eq!(t.len(), 4);
    let base = "paths./orders.post.x-amazon-apigateway-integration";
    check(
        &text,
        &t,
        "requestTemplates.application/json",
        &[
            ("$util.escapeJavaScript", 15, 25),
            ("$input.json('$')", 15, 48),
            ("$util.toJson", 16, 24),
            ("$input.path('$.missing')", 17, 24),
        ],
    );
    check(
        &text,
        &t,
        "responses.default.responseTemplates.application/json",
        &[
            ("#set($m", 23, 34),
            ("$m.put('a', 1)", 23, 49),
            ("{}", 23, 44),
        ],
    );
    let folded = &t[2];
    assert_eq!(
        folded.location,
        format!("{base}.responses.4\\d{{2}}.responseTemplates.application/json")
    );
    assert!(
        folded.source.contains("'\")\", \"detail\""),
        "{}",
        folded.source
    );
    check(
        &text,
        &t,
        "4\\d{2}.responseTemplates.application/json",
        &[
            ("$util.escapeJavaScript", 28, 28),
            (".replaceAll", 28, 81),
            ("\"detail\"", 29, 17),
            ("$util.foo()", 29, 28),
        ],
    );
    assert_eq!(t[3].source, "$input.path('$.errorMessage')");
    assert_eq!(t[3].escaping, Escaping::YamlSingle);
    check(
        &text,
        &t,
        "responseTemplates.text/plain",
        &[("$input", 30, 28), ("$.errorMessage", 30, 42)],
    );
}

#[test]
fn fixture_openapi_json() {
    let (text, t) = fixture("openapi.json");
    assert_eq!(t.len(), 1);
    assert!(t[0].source.contains("\"café\": \"$input.path('$.a[')\""));
    check(
        &text,
        &t,
        "requestTemplates.application/json",
        &[
            ("$input.params('id')", 8, 49),
            ("$input.path('$.a[')", 8, 92),
            ("$.a[", 8, 105),
            ("$context.requestID", 8, 127),
        ],
    );
}

#[test]
fn fixture_sam_yaml() {
    let (text, t) = fixture("sam.yaml");
    assert_eq!(t.len(), 1);
    assert!(t[0]
        .source
        .contains("\"arn:aws:states:AWS::Region:AWS::AccountId:stateMachine:Run\""));
    assert!(t[0].source.contains("\"env\": \"${stageVariables.env}\""));
    check(
        &text,
        &t,
        "DefinitionBody.paths./run.post.x-amazon-apigateway-integration.requestTemplates.application/json",
        &[
            ("$util.escapeJavaScript", 19, 33),
            ("$context.xrayTraceID", 22, 33),
            ("stageVariables.env}", 21, 34),
            (":stateMachine:Run", 20, 90),
        ],
    );
    let e = &t[0];
    let i = e.source.find("AWS::Region").expect("placeholder");
    let pos = file_pos(&text, e.map.file_offset(i));
    assert!(text
        .get(pos.offset..)
        .is_some_and(|r| r.starts_with("${AWS::Region}")));
    assert_eq!((pos.line, pos.column), (20, 58));
    let i = e.source.find("${stageVariables").expect("literal");
    assert!(text
        .get(e.map.file_offset(i)..)
        .is_some_and(|r| r.starts_with("${!stageVariables")));
}

#[test]
fn fixture_stack_json() {
    let (text, t) = fixture("stack.json");
    assert_eq!(t.len(), 3);
    assert!(t[0]
        .source
        .starts_with("#parse('common.vtl')\n{\"region\": \"AWS::Region\""));
    check(
        &text,
        &t,
        "Resources.PostMethod.Properties.Integration.RequestTemplates.application/json",
        &[
            ("#parse('common.vtl')", 9, 46),
            ("$input.json('$')", 9, 111),
        ],
    );
    check(
        &text,
        &t,
        "IntegrationResponses[0].ResponseTemplates.application/json",
        &[("$input.json('$.result')", 12, 78)],
    );
    assert_eq!(t[2].kind, TemplateKind::GatewayResponse);
    check(
        &text,
        &t,
        "Resources.NotFound.Properties.ResponseTemplates.application/json",
        &[("$context.error.messageString", 21, 66)],
    );
}

#[test]
fn fixture_vtl_files() {
    let (text, t) = fixture("seed-unquoted-arn.vtl");
    assert!(text.ends_with("}\n"));
    check(
        &text,
        &t,
        "",
        &[("arn:aws:states", 3, 67), ("$stageVariables", 3, 47)],
    );
    for f in [
        "start-execution.vtl",
        "rules.vtl",
        "clean/petstore.vtl",
        "clean/params-passthrough.vtl",
        "clean/context.vtl",
    ] {
        let (text, t) = fixture(f);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].source, text);
        assert!(text.ends_with('\n'), "{f}");
    }
}

#[test]
fn every_fixture_extracts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint/fixtures");
    let files = collect_paths(&[dir]).expect("collect");
    assert!(files.len() >= 10, "{files:?}");
    let mut templates = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let t = match extract(f, &text) {
            Ok(t) => t,
            Err(e) => {
                assert!(f.ends_with("broken-stack.yaml"), "{}: {e}", f.display());
                continue;
            }
        };
        for x in &t {
            assert_exact(&text, x);
        }
        templates += t.len();
    }
    assert_eq!(templates, 33);
}

#[test]
fn yaml_flow_collections() {
    let text = "openapi: 3.0.1\npaths: {/x: {get: {x-amazon-apigateway-integration: {requestTemplates: {a/b: $x and\n    $y, c/d: \"$z\\t\"}}}}}\n";
    let t = extract(Path::new("a.yaml"), text).expect("extract");
    assert_eq!(t.len(), 2);
    for x in &t {
        assert_exact(text, x);
    }
    assert_eq!(t[0].source, "$x and $y");
    assert_eq!(at(text, &t[0], "$y"), "$y");
    assert_eq!(t[1].source, "$z\t");
    assert_eq!(at(text, &t[1], "$z"), "$z");
}

#[test]
fn large_templates_are_linear() {
    let mut text = String::from(
        "openapi: 3.0.1\npaths:\n  /x:\n    get:\n      x-amazon-apigateway-integration:\n        requestTemplates:\n          a/b: |\n",
    );
    for i in 0..50_000 {
        text.push_str(&format!(
            "            \"f{i}\": \"$input.path('$.f{i}')\",\n"
        ));
    }
    text.push_str("          c/d: \"");
    for i in 0..50_000 {
        text.push_str(&format!("\\\"g{i}\\\": $x\\n  "));
    }
    text.push_str("\"\n");
    let start = std::time::Instant::now();
    let t = extract(Path::new("a.yaml"), &text).expect("extract");
    assert_eq!(t.len(), 2);
    assert_eq!(at(&text, &t[0], "$.f49999"), "$.f49999");
    assert_eq!(at(&text, &t[1], "g49999"), "g49999");
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}
