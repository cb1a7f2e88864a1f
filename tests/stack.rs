//! Deep templates, deep bodies and deep JSONPaths render on a thread with the
//! stack README's Limits documents for a render (256 KiB): each ends with its
//! output or a clear error, never a stack overflow.

use apigw_vtl::runtime::{GatewayError, GatewayOptions, MappingTemplate, Request};
use apigw_vtl::{NullMode, RenderOptions};

/// The stack a render needs at most (README, Limits).
const STACK: usize = 256 * 1024;

/// Parses and renders on a thread with a [`STACK`]-byte stack.
fn render(template: &str, body: &str, mode: NullMode) -> Result<String, String> {
    let (template, body) = (template.to_string(), body.to_string());
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let m = MappingTemplate::parse(&template).map_err(|e| e.to_string())?;
            let request = Request {
                body: Some(body.into()),
                ..Request::default()
            };
            let opts = GatewayOptions {
                render: RenderOptions {
                    null_mode: mode,
                    ..RenderOptions::default()
                },
                ..GatewayOptions::default()
            };
            m.render(&request, &opts)
                .map(|r| r.body)
                .map_err(|e| match e {
                    GatewayError::Render(e) => e.message,
                    other => other.to_string(),
                })
        })
        .expect("spawn a thread")
        .join()
        .expect("the render ends without overflowing its stack")
}

fn ok(template: &str, body: &str, mode: NullMode) -> String {
    render(template, body, mode).unwrap_or_else(|e| panic!("{}: {e}", short(template)))
}

fn fails(template: &str, body: &str, mode: NullMode, message: &str) {
    match render(template, body, mode) {
        Err(e) => assert!(e.contains(message), "{}: {e}", short(template)),
        Ok(out) => panic!(
            "{}: expected an error, got {}",
            short(template),
            short(&out)
        ),
    }
}

fn short(s: &str) -> String {
    s.chars().take(120).collect()
}

const GW: NullMode = NullMode::ApiGateway;
const STOCK: NullMode = NullMode::Velocity;

fn ifs(n: usize, inner: &str) -> String {
    format!("{}{inner}{}", "#if(true)".repeat(n), "#end".repeat(n))
}

fn loops(n: usize, inner: &str) -> String {
    format!(
        "{}{inner}{}",
        "#foreach($i in [1])".repeat(n),
        "#end".repeat(n)
    )
}

/// `#define($d0)…#end` … `#define($dN)` each wrapping the one before, then `$dN`.
fn defines(levels: usize, wrap: impl Fn(&str) -> String) -> String {
    let mut t = String::from("#define($d0)x#end");
    for i in 1..=levels {
        let inner = format!("$d{}", i - 1);
        t.push_str(&format!("#define($d{i}){}#end", wrap(&inner)));
    }
    t.push_str(&format!("$d{levels}"));
    t
}

#[test]
fn templates_as_deep_as_the_parser_allows() {
    assert_eq!(ok(&ifs(127, "x"), "", GW), "x");
    assert_eq!(ok(&loops(127, "x"), "", GW), "x");
    let deep = [
        (
            format!("#set($a = {}1{})$a", "(".repeat(120), ")".repeat(120)),
            "1",
        ),
        (
            format!(
                "#set($a = {}1{})$a.size()",
                "[".repeat(120),
                "]".repeat(120)
            ),
            "1",
        ),
        (format!("#set($a = 1{})$a", " + 1".repeat(250)), "251"),
        (format!("#if({}true)y#end", "!!".repeat(120)), "y"),
        (
            format!(
                "#set($m = {{}})$m{}",
                ".put('a', $m".repeat(120) + &")".repeat(120)
            ),
            "{a=null}",
        ),
        (
            format!(
                "#set($s = 'y')#set($t = \"{}x{}\")$t",
                "#if(true)".repeat(100),
                "#end".repeat(100)
            ),
            "x",
        ),
    ];
    for (t, expected) in deep {
        assert_eq!(ok(&t, "", GW), expected, "{}", short(&t));
    }
    // One level more than the parser allows: an error with a position.
    fails(&ifs(5000, "x"), "", GW, "nests deeper than");
    fails(
        &format!("#set($a = {}1{})", "(".repeat(5000), ")".repeat(5000)),
        "",
        GW,
        "nests deeper than",
    );
}

#[test]
fn chained_defines_and_macros_end() {
    // 60 chained #defines: rendered.
    assert_eq!(ok(&defines(60, |s| s.to_string()), "", GW), "x");
    assert_eq!(ok(&defines(20, |s| ifs(5, s)), "", GW), "x");
    // 63 chained #defines of 120 nested #ifs (a 2 MB stack overflowed): an error.
    fails(
        &defines(63, |s| ifs(120, s)),
        "",
        GW,
        "nesting deeper than 512 levels",
    );
    // A #define used as a value, inside nested expressions, each level.
    fails(
        &defines(63, |s| {
            format!("#if({}{s} == 'x'{})y#end", "(".repeat(60), ")".repeat(60))
        }),
        "",
        GW,
        "nesting deeper than 512 levels",
    );
    // Macros calling themselves inside nested #ifs and loops (stock Velocity).
    fails(
        &format!(
            "#macro(m $n){}#end#m(1)",
            ifs(120, "#set($k = $n + 1)#m($k)")
        ),
        "",
        STOCK,
        "nesting deeper than 512 levels",
    );
    fails(
        &format!("#macro(m $n){}#end#m(1)", loops(60, "#m($n)")),
        "",
        STOCK,
        "nesting deeper than 512 levels",
    );
    fails("#macro(m)#m()#end#m()", "", STOCK, "nesting deeper than 64");
    // #evaluate of text that evaluates itself.
    // The deeper the render, the less the evaluated text may nest.
    fails(
        &format!("#set($s = '{}')#evaluate($s)", ifs(120, "#evaluate($s)")),
        "",
        STOCK,
        "nests deeper than 256 levels",
    );
    fails(
        "#set($s = '#evaluate($s)')#evaluate($s)",
        "",
        STOCK,
        "nesting deeper than 64",
    );
}

fn nested_arrays(depth: usize) -> String {
    "[".repeat(depth) + &"]".repeat(depth)
}

fn nested_objects(depth: usize) -> String {
    "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth)
}

#[test]
fn bodies_as_deep_as_json_smart_allows() {
    // JSON arrays print as JSON; objects as Java maps.
    let arrays = nested_arrays(400);
    let objects = nested_objects(400);
    let objects_java = "{a=".repeat(400) + "1" + &"}".repeat(400);
    for (body, printed) in [(&arrays, &arrays), (&objects, &objects_java)] {
        let body = body.as_str();
        assert_eq!(ok("$input.json('$')", body, GW), body);
        assert_eq!(&ok("$input.path('$')", body, GW), printed);
        assert_eq!(&ok("#set($x = $input.path('$'))$x", body, GW), printed);
        assert_eq!(&ok("$util.parseJson($input.body)", body, GW), printed);
        assert!(ok("$input.json('$..*')", body, GW).len() > 1000);
        assert_eq!(
            ok("$input.path('$').equals($input.path('$'))", body, GW),
            "true"
        );
        assert!(!ok("$input.path('$').hashCode()", body, GW).is_empty());
    }
    assert_eq!(ok("$input.path('$..*').size()", &arrays, GW), "399");
    assert_eq!(ok("$input.path('$..*').size()", &objects, GW), "400");
    // One level deeper than json-smart reads: its error, said plainly.
    fails(
        "$input.json('$')",
        &nested_arrays(402),
        GW,
        "nested deeper than 400 levels",
    );
}

#[test]
fn jsonpaths_as_deep_as_they_come() {
    let body = r#"{"a":[{"b":[1,2]},{"b":[3]}]}"#;
    for path in [
        format!("$.a{}", "[0]".repeat(5000)),
        format!("${}", "..a".repeat(2000)),
        format!("$.a[?({}@.b{})]", "(".repeat(2000), ")".repeat(2000)),
        format!("$.a[?({}@.b)]", "!".repeat(2000)),
        format!("$.a[?(@.b{}]", "[?(@.c".repeat(1000) + &")]".repeat(1000)),
        format!("$.a[?(@.b == {}1{})]", "[".repeat(2000), "]".repeat(2000)),
    ] {
        // Ends, with a result or Jayway's error.
        let _ = render(&format!("$input.json('{path}')"), body, GW);
    }
}

#[test]
fn the_deepest_template_over_the_deepest_body() {
    // Nested as far as a render may (a template nesting 240 units, #defines
    // adding up to 512), doing the deepest work there is at the bottom.
    let body = nested_arrays(400);
    let bottom = "$input.json('$')$input.json('$..*').length()$util.parseJson($input.body).size()\
                  #set($p = $input.path('$'))$p.equals($p)$p";
    let inner = defines(14, |s| ifs(10, s))
        .replace("#define($d0)x#end", &format!("#define($d0){bottom}#end"));
    let t = ifs(60, &inner);
    let out = ok(&t, &body, GW);
    assert!(out.starts_with(&body), "{}", short(&out));
}
