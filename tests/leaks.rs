//! Renders free everything they build, reference cycles included.
//!
//! A counting allocator tracks the bytes each thread holds; a template that
//! makes a list or map hold itself is rendered many times, and what the thread
//! holds must not grow from one render to the next. (The same cases run clean
//! under LeakSanitizer: `RUSTFLAGS=-Zsanitizer=leak cargo +nightly test
//! --target x86_64-unknown-linux-gnu --test leaks`.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use apigw_vtl::runtime::{GatewayOptions, MappingTemplate, Request};
use apigw_vtl::{Context, NullMode, RenderOptions, Template};

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn add(n: isize) {
    let _ = LIVE.try_with(|l| l.set(l.get() + n));
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// counter is a const-initialised thread-local that never allocates.
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

fn live() -> isize {
    LIVE.with(|l| l.get())
}

/// Bytes the thread holds after `render` ran 20 times more than after it ran 5 times.
fn growth(render: &dyn Fn()) -> isize {
    for _ in 0..5 {
        render();
    }
    let before = live();
    for _ in 0..20 {
        render();
    }
    live() - before
}

const CYCLES: &[&str] = &[
    // A list that holds itself (Java prints `[1, (this Collection)]`).
    "#set($l=[1])#set($d=$l.add($l))$l",
    "#set($l=[])$l.add($l)",
    // A map that holds itself (`{a=(this Map)}`).
    "#set($m={})#set($d=$m.put('a',$m))$m",
    "#set($m={})#set($m.a=$m)#set($m['b']=$m)",
    // Two lists that hold each other (printing them fails, as in Java).
    "#set($a=[1])#set($b=[2])#set($d=$a.add($b))#set($d=$b.add($a))$a.size()",
    "#set($a=[1])#set($b=[2])#set($d=$a.add($b))#set($d=$b.add($a))$a",
    // Through addAll, set, a map entry and a nested literal.
    "#set($l=[1])#set($d=$l.addAll([$l, [$l]]))#set($d=$l.set(0, $l))$l.size()",
    "#set($m={'a':1})#set($e=$m.entrySet())#foreach($x in $e)#set($d=$x.setValue($e))#end$m.size()",
    "#set($m={'a':1})#set($e=$m.entrySet())#foreach($x in $e)#set($d=$x.setValue($x))#end",
    // A map that holds a view of itself (a view reads its map).
    "#set($m={'a':1})#set($d=$m.put('k',$m.keySet()))$m",
    "#set($m={'a':1})#set($d=$m.put('v',$m.values()))$m",
    "#set($m={'a':1})#set($l=[$m.entrySet()])#set($d=$m.put('l',$l))$m.size()",
    // A list or map that holds an iterator over itself.
    "#set($l=[1])#set($d=$l.add($l.iterator()))$l.size()",
    "#set($l=[1])#set($i=$l.listIterator())#set($d=$i.next())#set($d=$i.add($i))$l.size()",
    "#set($m={'a':1})#set($d=$m.put('i',$m.keySet().iterator()))$m.size()",
    "#set($m={'a':1})#set($i=$m.entrySet().iterator())#set($e=$i.next())#set($d=$e.setValue($i))",
    // A Java array that holds a list holding the array.
    "#set($s='a,b')#set($a=$s.split(','))#set($l=[$a])#set($d=$l.add($a.iterator()))$l.size()",
    // An Object[] that holds itself: set directly, through a list, through
    // its iterator, and filled by toArray.
    "#set($l=[1])#set($o=$l.toArray())#set($d=$o.set(0, $o))$o.size()",
    "#set($l=[1])#set($o=$l.toArray())#set($d=$o.set(0, [$o]))$o.size()",
    "#set($l=[1])#set($o=$l.toArray())#set($i=$o.listIterator())#set($d=$i.next())#set($d=$i.set($o))",
    "#set($p=[0, 0])#set($o=$p.toArray())#set($l=[$o])#set($r=$l.toArray($o))$r.size()",
    // subList views: one that holds itself (through its list), a list that
    // holds its view, a view of a view, an iterator of a view, a view of
    // an Object[] and of the body's array, and a long chain of views.
    "#set($l=[1,2,3])#set($s=$l.subList(0,2))#set($d=$s.add($s))$s",
    "#set($l=[1,2,3])#set($s=$l.subList(0,2))#set($d=$l.add($s))$l.size()",
    "#set($l=[1,2,3])#set($s=$l.subList(0,2))#set($t=$s.subList(0,1))#set($d=$t.add($t))$l.size()",
    "#set($l=[1,2,3])#set($s=$l.subList(0,2))#set($i=$s.iterator())#set($d=$s.add($i))$l.size()",
    "#set($l=[1])#set($o=$l.toArray())#set($v=$o.subList(0,1))#set($d=$v.set(0,$v))$o.size()",
    "#set($j=$input.path('$.list'))#set($s=$j.subList(0,1))#set($d=$s.add($s))$s.size()",
    "#set($l=[1])#set($s=$l.subList(0,1))#foreach($i in [1..3000])#set($s=$s.subList(0,1))#end#set($d=$s.add($s))$s.size()",
    // A loop's `$foreach` that holds itself: directly, as a property, through
    // a list, through its parent, and kept past its loop.
    "#foreach($i in [1])#set($d=$foreach.put('me',$foreach))#end",
    "#foreach($i in [1,2])#set($foreach.me=[$foreach])#end",
    "#foreach($i in [1])#foreach($j in [1])#set($d=$foreach.parent.put('c',$foreach))#end#end",
    "#foreach($i in [1])#set($o=$foreach)#set($d=$o.put('l',[$o]))#end$o.size()",
    // Streams over a list or a map that holds them, and their iterators.
    "#set($l=[1])#set($d=$l.add($l.stream()))$l.size()",
    "#set($l=[1])#set($s=$l.stream())#set($d=$l.add($s.distinct()))$l.size()",
    "#set($m={'a':1})#set($d=$m.put('s',$m.keySet().stream()))$m.size()",
    "#set($l=[1])#set($d=$l.add($l))#set($i=$l.stream().iterator())#set($d=$l.add($i))$l.size()",
    "#set($l=[1])#set($d=$l.add($l))#set($t=$l.stream().toList())#set($d=$l.add($t))$l.size()",
    "#set($l=[1,2,3])#set($s=$l.subList(0,2))#set($d=$l.add($s.stream()))$l.size()",
    // Copies of containers that hold themselves.
    "#set($l=[1])#set($d=$l.add($l))#set($c=$l.clone())#set($d=$c.add($c))$c.size()",
    "#set($m={})#set($d=$m.put('s',$m))#set($c=$m.clone())#set($d=$c.put('c',$c))$c.size()",
    // A long chain of cycles built in a loop.
    "#foreach($i in [1..200])#set($x=[$i])#set($d=$x.add($x))#set($m={'x':$x})#set($d=$x.add($m))#end",
    // The body's own document made to hold itself.
    "#set($b=$input.path('$'))#set($d=$b.put('self',$b))$input.json('$.a')",
    "#set($l=$input.path('$.list'))#set($d=$l.add($l))#set($d=$l.add($input.path('$')))",
    // A `#foreach` over a body array not built lends its items (a cycle
    // through the document until the loop ends): ended normally, by
    // `#break` with the item kept, by `#stop`, by an error, nested.
    "#foreach($r in $input.path('$.rows'))$r#end",
    "#foreach($r in $input.path('$.rows'))#set($k=$r)#break#end$k",
    "#foreach($r in $input.path('$.rows'))#stop#end",
    "#set($a=$input.path('$.rows'))#foreach($r in $a)#set($d=$a.remove(0))#end",
    "#set($a=$input.path('$.rows'))#foreach($r in $a)#foreach($s in $a)#end#set($d=$r.put('me',$r))#end",
    "#foreach($r in $input.path('$.rows'))#set($d=$r.put('me',$r))#end",
    // $context's override maps.
    "#set($h=$context.requestOverride.header)#set($h.x=$h)#set($context.responseOverride.header.y=[$h])",
    // $context read from the event on first use: its kept maps hold the reader.
    "$context.identity.sourceIp#set($i=$context.identity)#set($d=$i.put('me',$i))$context.apiId",
    "#set($c=$context)#set($d=$c.put('me',$c))$context.identity.keySet().size()",
];

#[test]
fn cycles_are_freed_after_each_render() {
    let context = r#"{"apiId":"a1","identity":{"sourceIp":"198.51.100.7","user":null}}"#;
    let request = Request {
        body: Some(r#"{"a":1,"list":[1,2],"rows":[{"k":1},{"k":2},[3]]}"#.into()),
        request_context: std::sync::Arc::new(
            serde_json::from_str(context).unwrap_or_else(|e| panic!("{e}")),
        ),
        ..Request::default()
    };
    let opts = GatewayOptions::default();
    for src in CYCLES {
        let m = MappingTemplate::parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let g = growth(&|| {
            let _ = m.render(&request, &opts);
        });
        assert_eq!(
            g, 0,
            "mapping template leaks {g} bytes over 20 renders: {src}"
        );

        let t = Template::parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        for null_mode in [NullMode::ApiGateway, NullMode::Velocity] {
            let ro = RenderOptions {
                null_mode,
                ..RenderOptions::default()
            };
            let g = growth(&|| {
                let _ = t.render_with(&Context::new(), &ro);
            });
            assert_eq!(g, 0, "template leaks {g} bytes over 20 renders: {src}");
        }
    }
}

#[test]
fn deep_values_are_freed_without_recursion() {
    // 30,000 levels of nested lists, dropped on a thread with a small stack.
    let src =
        "#set($l=[])#foreach($a in [1..30])#foreach($b in [1..1000])#set($l=[$l])#end#end$l.size()";
    let t = Template::parse(src).unwrap_or_else(|e| panic!("{e}"));
    let out = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || t.render(&Context::new()))
        .map(|h| h.join());
    match out {
        Ok(Ok(Ok(s))) => assert_eq!(s, "1"),
        other => panic!("the render failed: {other:?}"),
    }
}
