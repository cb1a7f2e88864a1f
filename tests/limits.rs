//! The attacks on work and memory that ran for seconds or took gigabytes end
//! with a clear error, and the memory a render holds stays within its budget.
//!
//! A counting allocator records the peak of the bytes this thread holds during
//! each render. The renders use a smaller memory budget than the default (the
//! mechanism is the same, the tests faster); the release command line with the
//! defaults is measured in the closing notes of the work, not here (no timed
//! tests).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use apigw_vtl::runtime::{GatewayError, GatewayOptions, MappingTemplate, Request};
use apigw_vtl::{Limits, RenderErrorKind, RenderOptions};

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn add(n: isize) {
    let _ = LIVE.try_with(|l| {
        let v = l.get() + n;
        l.set(v);
        let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
    });
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// counters are const-initialised thread-locals that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size as isize - layout.size() as isize);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const MEMORY: usize = 16 << 20;

fn options(memory: usize) -> GatewayOptions {
    GatewayOptions {
        render: RenderOptions {
            limits: Limits {
                memory_max: memory,
                steps_max: 5_000_000,
                ..Limits::default()
            },
            ..RenderOptions::default()
        },
        ..GatewayOptions::default()
    }
}

/// Renders `template` against `body`; gives the result and the peak bytes the
/// render held beyond what the thread held before it.
fn render(template: &str, body: &str, memory: usize) -> (Result<String, GatewayError>, usize) {
    let m = MappingTemplate::parse(template).unwrap_or_else(|e| panic!("{template}: {e}"));
    let request = Request {
        body: Some(body.into()),
        ..Request::default()
    };
    let before = LIVE.with(|l| l.get());
    PEAK.with(|p| p.set(before));
    let r = m.render(&request, &options(memory)).map(|r| r.body);
    let peak = PEAK.with(|p| p.get()) - before;
    (r, peak.max(0) as usize)
}

/// The render failed on a limit, within the memory budget (what the budget
/// counts is an estimate of what is allocated: within a factor of two).
fn assert_limited(template: &str, body: &str, message: &str) {
    assert_limited_in(template, body, message, MEMORY);
}

fn assert_limited_in(template: &str, body: &str, message: &str, memory: usize) {
    let (r, peak) = render(template, body, memory);
    match r {
        Err(GatewayError::Render(e)) => {
            assert_eq!(e.kind, RenderErrorKind::Limit, "{template}: {e}");
            assert!(e.message.contains(message), "{template}: {}", e.message);
            assert!(!e.message.contains('\n'), "one line: {}", e.message);
        }
        other => panic!("{template}: expected a limit error, got {other:?}"),
    }
    assert!(
        peak <= 2 * memory + body.len(),
        "{template}: held {peak} bytes, over twice the {memory}-byte budget"
    );
}

fn nested_arrays(depth: usize) -> String {
    "[".repeat(depth) + &"]".repeat(depth)
}

#[test]
fn deep_scans_of_deep_documents_end() {
    // 600 bytes of body, 8 GB before the budget.
    assert_limited(
        "$input.json('$..[*]..[*]..[*]')",
        &nested_arrays(300),
        "budget",
    );
    assert_limited(
        "#foreach($i in [1..100])$input.path('$..[*]..[*]').size()#end",
        &nested_arrays(300),
        "budget",
    );
}

#[test]
fn scans_of_large_documents_stay_within_the_budget() {
    // 5 MB of nested objects: `$..id` is one match per object.
    let items: Vec<String> = (0..40_000)
        .map(|i| format!(r#"{{"id":{i},"child":{{"id":{i},"child":{{"id":{i},"x":"yyyyyyyyyyyyyyyyyyyy"}}}}}}"#))
        .collect();
    let body = format!("[{}]", items.join(","));
    let memory = 64 << 20;
    let (r, peak) = render("$input.json('$..id')", &body, memory);
    let out = r.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.starts_with("[0,0,0,1,1,1,2"),
        "{}",
        out.get(..40).unwrap_or(&out)
    );
    assert!(peak <= 2 * memory + body.len(), "held {peak} bytes");
    // Every subtree of it, printed, many times: more than the budget.
    assert_limited_in(
        "#foreach($i in [1..100])$input.json('$..*')#end",
        &body,
        "budget",
        memory,
    );
}

#[test]
fn printing_shared_lists_ends() {
    // `[$l, $l]` 40 times: 2^40 elements when printed.
    assert_limited(
        "#set($l=[1])#foreach($i in [1..40])#set($l=[$l,$l])#end$l",
        "{}",
        "budget",
    );
    assert_limited(
        "#set($l=[1])#foreach($i in [1..40])#set($l=[$l,$l])#end$input.json('$')$l.toString()",
        "{}",
        "budget",
    );
}

#[test]
fn doubling_lists_ends() {
    // `$l.addAll($l)` 26 times: 2^26 elements.
    assert_limited(
        "#set($l=[1])#foreach($i in [1..26])#set($d=$l.addAll($l))#end$l.size()",
        "{}",
        "memory budget",
    );
}

#[test]
fn building_from_a_large_string_ends() {
    // A 4 MB string (the issue's 32 MB, scaled to the smaller budget) split
    // into characters, made an array of characters or of bytes, parsed as a
    // document of two million numbers.
    let body = "1,".repeat(2 << 20);
    for t in [
        "$input.body.split('').size()",
        "$input.body.split('(?=,)').size()",
        "$input.body.toCharArray().size()",
        "$input.body.getBytes().size()",
        "$input.body.bytes.size()",
        "$util.parseJson(\"[$input.body]\").size()",
    ] {
        assert_limited(t, &body, "budget");
    }
}

#[test]
fn reading_a_large_body_of_small_values_ends() {
    // Two million numbers in 4 MB: read on first use, the body's one pass
    // notes a node per value; it stops where the budget would, not after
    // noting them all.
    let body = format!("[{}1]", "1,".repeat(2 << 20));
    for t in [
        "$input.path('$').size()",
        "$input.json('$[0]')",
        "$input.path('$[1]')",
    ] {
        assert_limited(t, &body, "budget");
    }
    // With a byte json-smart reads permissively, the general reader.
    let body = format!("[{}'1']", "1,".repeat(2 << 20));
    assert_limited("$input.path('$').size()", &body, "budget");
}

#[test]
fn long_loops_of_method_calls_end() {
    // A 1 MB string scanned on every call.
    let body = "x".repeat(1 << 20);
    assert_limited(
        "#foreach($i in [1..1000])#foreach($j in [1..1000])#set($d=$input.body.indexOf('y'))#end#end",
        &body,
        "evaluation budget",
    );
    assert_limited(
        "#foreach($i in [1..1000])#foreach($j in [1..1000])#set($d=$util.escapeJavaScript($input.body))#end#end",
        &body,
        "budget",
    );
}

#[test]
fn the_body_counts() {
    let opts = GatewayOptions {
        render: RenderOptions {
            limits: Limits {
                memory_max: 1000,
                ..Limits::default()
            },
            ..RenderOptions::default()
        },
        ..GatewayOptions::default()
    };
    let m = MappingTemplate::parse("$input.body").unwrap_or_else(|e| panic!("{e}"));
    let request = Request {
        body: Some("x".repeat(2000).into()),
        ..Request::default()
    };
    match m.render(&request, &opts) {
        Err(GatewayError::Render(e)) => {
            assert_eq!(e.kind, RenderErrorKind::Limit);
            assert!(
                e.message.contains("memory budget of 1000 bytes"),
                "{}",
                e.message
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_sort_that_runs_out_of_budget_part_way_ends_with_the_limit() {
    // 64 strings in a shuffled order; every step budget from enough for the
    // sort's own charge to enough for all its comparisons, so that the budget
    // runs out at each point of the sort: the render ends with the limit,
    // never with a sort that finds its comparisons inconsistent (a panic).
    let words: Vec<String> = (0..64u32)
        .map(|i| format!("'{}{}'", "f".repeat(40), (i * 37) % 64))
        .collect();
    let template = format!("#set($l = [{}])$l.sort(null)$l", words.join(","));
    let m = MappingTemplate::parse(&template).expect("parses");
    let mut limited = 0;
    for steps in (400..4_000).step_by(7) {
        let opts = GatewayOptions {
            render: RenderOptions {
                limits: Limits {
                    steps_max: steps,
                    ..Limits::default()
                },
                ..RenderOptions::default()
            },
            ..GatewayOptions::default()
        };
        match m.render(&Request::default(), &opts) {
            Err(GatewayError::Render(e)) => {
                assert_eq!(e.kind, RenderErrorKind::Limit, "{steps}: {e}");
                limited += 1;
            }
            Ok(r) => assert!(r.body.starts_with("[ffff"), "{steps}: {}", r.body),
            Err(e) => panic!("{steps}: {e}"),
        }
    }
    assert!(limited > 0, "no budget ran out");
}
