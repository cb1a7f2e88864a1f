//! The walker's shortcuts against its general path: the same output, and the
//! same charges (the smallest step and memory budgets and output limit that
//! suffice, and the error one below them).

use super::SHORTCUTS;
use crate::runtime::{GatewayOptions, MappingTemplate, Request};

const EVENT: &str = r#"{
  "headers": {"Accept": "application/json", "X-A": "it's", "X-B": "caf\u00e9 \"q\"",
              "X-C": "1", "X-D": "", "X-E": "e", "X-F": "f", "X-G": "g", "X-H": "h", "X-I": "i"},
  "queryStringParameters": {"q": "a/b"},
  "stageVariables": {"v": "</script>"},
  "requestContext": {"stage": "dev", "identity": {"sourceIp": "198.51.100.7", "userAgent": null}},
  "body": "{\"s\": \"SKU-1\", \"e\": \"Item \\\"0\\\" it's\\u00e9\", \"d\": 26.22, \"i\": 7, \"n\": null, \"t\": true, \"r\": \"r1\", \"r\": \"r2\", \"o\": {\"p\": \"x\"}, \"a\": [1], \"rows\": [{\"k\": 1}, {\"k\": \"two\"}, [3], \"s\", null, {\"k\": 4.5}], \"nested\": {\"e\": \"Item \\\"0\\\" it's\\u00e9\", \"long\": \"A string of more than sixty-four bytes once decoded: \\\"quoted\\\", it's \\u00e9t\\u00e9 / \\ud83d\\ude00 \\n\\x41.\"}}"
}"#;

/// Templates whose references take a shortcut (with the shortcuts on).
const TEMPLATES: &[&str] = &[
    // `$util.escapeJavaScript` of a string read in place.
    "#set($s = \"it's\")[$util.escapeJavaScript($s)][$util.escapeJavaScript($none)]",
    "#set($m = {\"a\": \"x'y\", \"b\": 1, \"e\": \"\", \"l\": [1], \"z\": $null})#set($k = 'a')\
     [$util.escapeJavaScript($m.get($k))][$util.escapeJavaScript($m.get('a'))]\
     [$util.escapeJavaScript($m.get(\"b\"))][$util.escapeJavaScript($m.get('e'))]\
     [$util.escapeJavaScript($m.get('l'))][$util.escapeJavaScript($m.get('zz'))]\
     [$util.escapeJavaScript($m.get($nokey))][$util.escapeJavaScript($m.a)]\
     [$util.escapeJavaScript($m.l)][$util.escapeJavaScript($m.class)]\
     [$util.escapeJavaScript($m.get(1))][$util.escapeJavaScript($m.get($k, 2))]",
    // The params passthrough: a map of more than 8 entries, read by key.
    "#set($all = $input.params())#foreach($type in $all.keySet())#set($p = $all.get($type))\
     $type:#foreach($n in $p.keySet())$n=$util.escapeJavaScript($p.get($n))#if($foreach.hasNext),#end#end;#end\
     #foreach($key in $stageVariables.keySet())$util.escapeJavaScript($stageVariables.get($key))#end",
    // A request body's object, read without building it, and built.
    "#set($o = $input.path('$'))[$o.s][$o.e][$o.d][$o.i][$o.n][$o.t][$o.r][$o.o][$o.a][$o.missing]\
     [$util.escapeJavaScript($o.e)][$util.escapeJavaScript($o.get('e'))][$util.escapeJavaScript($o.r)]\
     [$util.escapeJavaScript($o.d)][$util.escapeJavaScript($o.o.p)]#set($o.new = 1)\
     [$util.escapeJavaScript($o.s)][$util.escapeJavaScript($o.get('s'))][$o.s]",
    // Strings with escapes in an object not yet built (a nested one: the
    // root is built once a container member of it is read), a long one's
    // decoded length charged as steps.
    "#set($o = $input.path('$'))#set($n = $o.nested)[$util.escapeJavaScript($n.e)]\
     [$util.escapeJavaScript($n.long)][$n.long][$util.escapeJavaScript($n.missing)]",
    // `$map.key` printed in place: a built map's members of every kind,
    // the class getter, absent and null members, a long string, roots that
    // are no map, and each the last thing charged.
    "#set($m = {'s': 'v', 'i': 1, 'd': 2.5, 'l': [1, 'x'], 'o': {'p': 'q'}, 'z': $null})\
     #set($l = \"a string of more than sixty-four bytes, printed from the map: 0123456789\")#set($m.long = $l)\
     [$m.s][$m.i][$m.d][$m.l][$m.o][$m.z][$!m.z][$m.missing][$m.class][$m.long][$m.empty]\
     #set($s = 'abc')[$s.bytes][$s.class][$none.x][$!none.x]#define($d)d#end[$d.x]",
    "#set($m = {'s': 'v'})$m.s",
    // `$m.get(k)` printed from the map: a string by a variable and by a
    // literal key, and what falls back (absent, null, a number, a list, a
    // `#define` key, a key that is no string, a long string, a quiet one).
    "#set($m = {'s': 'v', 'i': 1, 'l': [1], 'z': $null, 'x': \"it's\"})#set($k = 's')#set($i = 'i')\
     #set($m.long = \"a string of more than sixty-four bytes, printed from the map: 0123456789\")\
     [$m.get($k)][$m.get('s')][$m.get(\"x\")][$m.get($i)][$m.get('l')][$m.get('z')][$!m.get('z')]\
     [$m.get('none')][$m.get($none)][$m.get(1)][$m.get('long')]#define($d)s#end[$m.get($d)]\
     #set($all = $input.params())#foreach($t in $all.keySet())#set($p = $all.get($t))\
     #foreach($n in $p.keySet())$n=$p.get($n);#end#end",
    // `#foreach` over a body array not built: its items read one at a
    // time (objects, an array, scalars), one kept, the array built after.
    "#foreach($r in $input.path('$.rows'))[$r][$r.k]#if($foreach.hasNext),#end#end",
    "#foreach($r in $input.path('$.rows'))[$r]#set($r = 5)#end",
    "#set($o = $input.path('$'))#foreach($r in $o.rows)#set($k = $r)#end[$k]\
     #foreach($r in $o.rows)#if($foreach.index == 1)#set($kept = $r)#end#end#set($kept.x = 1)$o.rows",
    "#set($m = {'s': 'v'})#set($k = 's')$m.get($k)",
    "#set($m = {'s': 'v'})$m.get('s')",
    "#set($m = {'s': 'v'})$m.none",
    // Variables printed in place: short and long strings, a `#define`
    // block, escaped ones, and what is no string.
    "#set($s = 'abc')#set($l = \"a string of more than sixty-four bytes, printed from the variable: 0123456789\")\
     [$s][$l][\\$s][$!s][${s}]#define($d)d$s#end[$d]#set($d = 'set')[$d][$none][$!none]#set($i = 7)[$i]",
    // The same, each the last thing charged (its steps' order shows).
    "#set($s = 'abc')$s",
    "#set($s = \"it's\")$util.escapeJavaScript($s)",
    "#set($m = {'k': \"it's\"})#set($k = 'k')$util.escapeJavaScript($m.get($k))",
    // The whole output one value, escaped as it is: `get`'s size check of
    // the value fails before the output's.
    "#set($m = {'k': 'plain'})#set($k = 'k')$util.escapeJavaScript($m.get($k))",
    "#set($m = {'k': 'plain'})$util.escapeJavaScript($m.get('k'))",
    "$util.escapeJavaScript(1)",
    // A held string of more than 64 bytes escaped (its scan a step), each
    // the last thing charged.
    "#set($m = {'k': \"a string of more than sixty-four bytes, escaped from the map: 0123456789 it's\"})\
     #set($k = 'k')$util.escapeJavaScript($m.get($k))",
    "#set($s = \"a string of more than sixty-four bytes, escaped from the variable: 0123456789 it's\")\
     $util.escapeJavaScript($s)",
    // Calls on `$util` written in place, and those that go the general way.
    "#set($s = \"it's\")#set($m = {'k': 'v'})[$util.escapeJavaScript($s)][$util.escapeJavaScript(1)]\
     [$util.escapeJavaScript($input.json('$.s'))][$util.escapeJavaScript($s, 2)][$util.escapeJavaScript()]\
     [$util.urlEncode($s)][$util.escapeJavaScript(\"$s!\")][$util.escapeJavaScript($m)][\\$util.escapeJavaScript($s)]",
    // `#foreach` over a map's keySet, without the view: each loop the last
    // thing charged, a map changed as it iterates, and what is no map.
    "#set($m = {'a': 1, 'b': 2})#foreach($k in $m.keySet())$k#end",
    "#set($m = {'a': 1})#foreach($k in $m.keySet())#end",
    "#set($m = {'a': 1, 'b': 2})[#foreach($k in $m.keySet())$k#if($k == 'b')#set($m.c = 3)#end#end]\
     #set($s = 'ab')[#foreach($k in $s.keySet())$k#end][#foreach($k in $none.keySet())$k#end]\
     [#foreach($k in $m.values())$k#end]",
    // An `#if` whose chosen block is one text node, each the last thing charged.
    "#set($m = {'a': 1, 'b': 2})#foreach($k in $m.keySet())$k#if($foreach.hasNext),#end#end",
    "#if($none)x#else[y]#end",
    // `$x.hasNext` found when the template compiles (a first condition),
    // and read at render time (a later one): the loop's scope, another
    // loop's, a map's entry, and `$foreach` set to something else.
    "#foreach($i in [1, 2])#foreach($j in [3])[#if($foreach.hasNext)a#elseif($foreach.hasNext)b#else c#end]     #set($outer = $foreach.parent)[#if($outer.hasNext)o#end]#end#end     #set($f = {'hasNext': true})[#if($f.hasNext)m#end]     #foreach($i in [1, 2])#set($foreach = {'hasNext': 'x'})[#if($foreach.hasNext)s#end]#end     #foreach($i in [1, 2])#if(false)#elseif($foreach.hasNext),#end#end",
    "#foreach($i in [1, 2])#if($foreach.hasNext),#end#end",
    "#if(true)#{else}x#end#if(false)#elseif(true)text#end",
    // Chains of properties through maps.
    "[$context.stage][$context.identity.sourceIp][$context.identity.userAgent][$context.identity.none]\
     #set($m = {\"a\": {\"b\": {\"c\": 'deep'}, \"l\": [1], \"n\": $null}})\
     [$m.a.b.c][$m.a.b][$m.a.l.size][$m.a.n.x][$m.a.class.name][$m.a.b.class][$m.x.y.z]\
     #set($o = $input.path('$'))[$o.o.p][$o.a.b][$o.o.q]",
];

fn render(
    template: &MappingTemplate,
    req: &Request,
    steps: u64,
    memory: usize,
    output: usize,
) -> String {
    let mut opts = GatewayOptions::default();
    opts.render.limits.steps_max = steps;
    opts.render.limits.memory_max = memory;
    opts.render.limits.output_max = output;
    match template.render(req, &opts) {
        Ok(r) => format!("ok {}", r.body),
        Err(e) => format!("error {e}"),
    }
}

/// The smallest limit in `1..=high` under which `ok` holds.
fn smallest(high: u64, ok: impl Fn(u64) -> bool) -> u64 {
    let (mut lo, mut hi) = (1, high);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// What a render shows of its charges: its output, the smallest budgets and
/// output limit it fits in, and the errors just below them.
fn charges(template: &MappingTemplate, req: &Request) -> Vec<String> {
    const STEPS: u64 = 1_000_000;
    const MEMORY: usize = 1 << 24;
    const OUTPUT: usize = 1 << 20;
    let full = render(template, req, STEPS, MEMORY, OUTPUT);
    let steps = smallest(STEPS, |n| {
        render(template, req, n, MEMORY, OUTPUT).starts_with("ok")
    });
    let memory = smallest(MEMORY as u64, |n| {
        render(template, req, STEPS, n as usize, OUTPUT).starts_with("ok")
    });
    let output = smallest(OUTPUT as u64, |n| {
        render(template, req, STEPS, MEMORY, n as usize).starts_with("ok")
    });
    vec![
        full,
        format!("steps {steps}"),
        render(template, req, steps - 1, MEMORY, OUTPUT),
        format!("memory {memory}"),
        render(template, req, STEPS, memory as usize - 1, OUTPUT),
        format!("output {output}"),
        render(template, req, STEPS, MEMORY, output as usize - 1),
    ]
}

#[test]
fn shortcuts_render_and_charge_as_the_general_path() {
    let req = match Request::from_event_json(EVENT) {
        Ok(r) => r,
        Err(e) => panic!("event: {e}"),
    };
    for src in TEMPLATES {
        let template = match MappingTemplate::parse(src) {
            Ok(t) => t,
            Err(e) => panic!("{src}: {e}"),
        };
        SHORTCUTS.with(|s| s.set(true));
        let fast = charges(&template, &req);
        SHORTCUTS.with(|s| s.set(false));
        let general = charges(&template, &req);
        SHORTCUTS.with(|s| s.set(true));
        assert_eq!(fast, general, "{src}");
        assert!(fast[0].starts_with("ok"), "{src}: {}", fast[0]);
    }
}

/// A method's result that is a body's container not yet built is counted
/// for the output limit (and built to be counted) only when it may pass the
/// limit: the same results whether it is built or not.
#[test]
fn unbuilt_containers_meet_the_output_limit_as_built_ones() {
    let req = match Request::from_event_json(r#"{"body": "[1,2,3,4,5,6,7,8,9,10]"}"#) {
        Ok(r) => r,
        Err(e) => panic!("event: {e}"),
    };
    let template = match MappingTemplate::parse("#set($l = $input.path('$'))$l.size()") {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let with_output_max = |max: usize| {
        let mut opts = GatewayOptions::default();
        opts.render.limits.output_max = max;
        match template.render(&req, &opts) {
            Ok(r) => format!("ok {}", r.body),
            Err(e) => format!("error {e}"),
        }
    };
    // 10 items in 22 bytes of text.
    assert!(with_output_max(9).contains("output larger than 9 bytes"));
    assert_eq!(with_output_max(10), "ok 10");
    assert_eq!(with_output_max(22), "ok 10");
}

/// `#foreach` sets `$velocityCount` and `$velocityHasNext` only when the
/// program can read them (it names them, or runs `#evaluate`): read directly,
/// in a string, through a macro or through `#evaluate`, they count as before.
#[test]
fn loop_counters_are_set_where_they_can_be_read() {
    let req = match Request::from_event_json("{}") {
        Ok(r) => r,
        Err(e) => panic!("event: {e}"),
    };
    let mut opts = GatewayOptions::default();
    opts.render.null_mode = crate::NullMode::Velocity;
    for (src, expected) in [
        (
            "#foreach($i in [1, 2])$velocityCount$velocityHasNext#end",
            "1true2false",
        ),
        (
            "#foreach($i in [1, 2])#set($s = \"$velocityCount\")$s#end",
            "12",
        ),
        (
            "#macro(m)$velocityCount#end#foreach($i in [1, 2])#m()#end",
            "12",
        ),
        (
            "#set($t = '$velocityCount')#foreach($i in [1, 2])#evaluate($t)#end",
            "12",
        ),
        (
            "#foreach($i in [1, 2])$i#end$velocityCount",
            "12$velocityCount",
        ),
    ] {
        let template = match MappingTemplate::parse(src) {
            Ok(t) => t,
            Err(e) => panic!("{src}: {e}"),
        };
        match template.render(&req, &opts) {
            Ok(r) => assert_eq!(r.body, expected, "{src}"),
            Err(e) => panic!("{src}: {e}"),
        }
    }
    let counters = |src: &str| match MappingTemplate::parse(src) {
        Ok(t) => t.template().program().loop_counters,
        Err(e) => panic!("{src}: {e}"),
    };
    assert!(!counters("#foreach($i in [1, 2])$i$foreach.count#end"));
    assert!(counters("#foreach($i in [1, 2])$velocityHasNext#end"));
    assert!(counters("#set($velocityCount = 1)"));
}
