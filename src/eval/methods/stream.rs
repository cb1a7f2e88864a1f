//! `java.util.stream`: what `stream()` and `parallelStream()` of a list, an
//! array, a `subList` view or a map's view, `lines()`, `chars()` and
//! `codePoints()` of a string and `stream()` of an `Optional` return.
//!
//! A template cannot write a lambda, so what it can call is what takes no
//! function: `count`, `distinct`, `sorted` (natural order), `limit`, `skip`,
//! `findFirst`, `findAny`, `toList`, `toArray`, `iterator`, and for the
//! streams of numbers (`IntStream`, `LongStream`, `DoubleStream`) `sum`,
//! `average`, `max`, `min`, `summaryStatistics`, `boxed`, `asLongStream`,
//! `asDoubleStream`. A method that takes a function is found only for a
//! null argument, and throws `NullPointerException` (see
//! [`super::null_function`]).
//!
//! A stream is used once, as Java's: an intermediate operation links it to
//! the stream it returns, a terminal one consumes it, and either on a
//! linked or consumed stream throws `IllegalStateException`. The pipeline
//! is run at the terminal operation, reading its source then (an
//! `ArrayList`'s spliterator binds late: `$l.stream()` sees the items `$l`
//! holds at `count()`), each operation over all the items in turn. What a
//! template can tell from Java's laziness is the same: `sorted()` compares
//! every item it is given, and nothing else here can throw part way.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use crate::eval::value::JStr;

use super::class::JavaClass;
use super::iterator::{identity_method, no_such_element};
use super::optional::JavaOptional;
use super::{err, npe, ok, wrong_number_of_arguments, MResult};
use crate::eval::budget::Budget;
use crate::eval::jstring;
use crate::eval::value::{
    host_class_name, ArrayOf, CallError, CallResult, HostObject, JavaIter, List, MapRef, MapView,
    Value,
};

/// What every use of a linked or consumed stream throws.
const USED: &str =
    "java.lang.IllegalStateException: stream has already been operated upon or closed";

/// The element type of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `Stream<T>`.
    Ref,
    /// `IntStream`: its items are Integers.
    Int,
    /// `LongStream`: Longs.
    Long,
    /// `DoubleStream`: Doubles.
    Double,
}

/// Where a stream's items come from.
#[derive(Debug, Clone)]
enum Source {
    /// A list, an array, a `subList` view or a map's view, read at the
    /// terminal operation.
    Collection(Value),
    /// The UTF-16 units of a string (`chars()`).
    Chars(JStr),
    /// The code points of a string (`codePoints()`).
    CodePoints(JStr),
    /// The lines of a string (`lines()`).
    Lines(JStr),
    /// A map's keys, values or entries (`keySet().stream()`, …), read at
    /// the terminal operation.
    MapView(MapRef, MapView),
    /// Items known when the stream was made (`Optional.stream()`).
    Items(Vec<Value>),
}

/// An intermediate operation.
#[derive(Debug, Clone, Copy)]
enum Op {
    Distinct,
    Sorted,
    Limit(u64),
    Skip(u64),
    /// `asLongStream()`: each Integer to a Long.
    AsLong,
    /// `asDoubleStream()`: each Integer or Long to a Double.
    AsDouble,
}

/// A source and the operations on it, in order.
#[derive(Debug, Clone)]
struct Pipeline {
    source: Source,
    ops: Vec<Op>,
}

/// A `java.util.stream` pipeline stage.
#[derive(Debug)]
pub struct JavaStream {
    /// The pipeline up to this stage; `None` once the stage was linked to
    /// another or consumed (or the cycle collector let go of it).
    pipeline: RefCell<Option<Pipeline>>,
    kind: Kind,
    /// Java's class of the stage (`java.util.stream.ReferencePipeline$Head`).
    class: &'static str,
    /// `isParallel()` (`parallel()` and `sequential()` set it).
    parallel: Rc<Cell<bool>>,
    /// Its identity hash.
    hash: i32,
    /// Itself (`sequential()` and `parallel()` return the stage itself).
    this: Weak<JavaStream>,
}

impl JavaStream {
    fn make(
        pipeline: Pipeline,
        kind: Kind,
        class: &'static str,
        parallel: Rc<Cell<bool>>,
        budget: &Budget,
    ) -> Value {
        let hash = budget.identity_hash();
        Value::Object(Rc::new_cyclic(|this| JavaStream {
            pipeline: RefCell::new(Some(pipeline)),
            kind,
            class,
            parallel,
            hash,
            this: this.clone(),
        }))
    }

    fn head(source: Source, kind: Kind, parallel: bool, budget: &Budget) -> Value {
        let class = match kind {
            Kind::Ref => "java.util.stream.ReferencePipeline$Head",
            Kind::Int => "java.util.stream.IntPipeline$Head",
            Kind::Long => "java.util.stream.LongPipeline$Head",
            Kind::Double => "java.util.stream.DoublePipeline$Head",
        };
        let pipeline = Pipeline {
            source,
            ops: Vec::new(),
        };
        Self::make(pipeline, kind, class, Rc::new(Cell::new(parallel)), budget)
    }

    /// `stream()` (`parallel`: `parallelStream()`) of a list, an array, a
    /// `subList` view or a map's view `c`.
    pub(super) fn of_collection(c: Value, parallel: bool, budget: &Budget) -> Value {
        Self::head(Source::Collection(c), Kind::Ref, parallel, budget)
    }

    /// `stream()` (`parallel`: `parallelStream()`) of the `kind` view of `m`.
    pub(super) fn of_map_view(m: &MapRef, kind: MapView, parallel: bool, budget: &Budget) -> Value {
        Self::head(
            Source::MapView(m.clone(), kind),
            Kind::Ref,
            parallel,
            budget,
        )
    }

    /// `chars()` of `s`.
    pub(super) fn chars(s: &JStr, budget: &Budget) -> Value {
        Self::head(Source::Chars(s.clone()), Kind::Int, false, budget)
    }

    /// `codePoints()` of `s`.
    pub(super) fn code_points(s: &JStr, budget: &Budget) -> Value {
        Self::head(Source::CodePoints(s.clone()), Kind::Int, false, budget)
    }

    /// `lines()` of `s`.
    pub(super) fn lines(s: &JStr, budget: &Budget) -> Value {
        Self::head(Source::Lines(s.clone()), Kind::Ref, false, budget)
    }

    /// A stream of `items` (`Optional.stream()`).
    pub(super) fn of_items(items: Vec<Value>, budget: &Budget) -> Value {
        Self::head(Source::Items(items), Kind::Ref, false, budget)
    }

    /// The pipeline, which this use links or consumes; `Err`: it was
    /// linked or consumed already.
    fn take(&self) -> Result<Pipeline, CallError> {
        self.pipeline
            .try_borrow_mut()
            .ok()
            .and_then(|mut p| p.take())
            .ok_or_else(|| CallError::Java(USED.into()))
    }

    /// An intermediate operation: a new stage of class `class` and kind
    /// `kind`, this one linked to it.
    fn then(&self, op: Option<Op>, kind: Kind, class: &'static str, budget: &Budget) -> MResult {
        let mut p = match self.take() {
            Ok(p) => p,
            Err(e) => return Some(Err(e)),
        };
        if let Some(op) = op {
            p.ops.push(op);
        }
        ok(Self::make(p, kind, class, self.parallel.clone(), budget))
    }

    /// A terminal operation: the items the pipeline gives.
    fn run(&self, budget: &Budget) -> Result<Vec<Value>, CallError> {
        let p = self.take()?;
        let mut items = read(&p.source, budget)?;
        for op in &p.ops {
            items = apply(*op, items, budget)?;
        }
        Ok(items)
    }

    /// The class of the stage `op` makes of this one.
    fn op_class(&self, op: &str) -> &'static str {
        match (self.kind, op) {
            (Kind::Ref, "distinct") => "java.util.stream.DistinctOps$1",
            (Kind::Ref, "sorted") => "java.util.stream.SortedOps$OfRef",
            (Kind::Ref, "slice") => "java.util.stream.SliceOps$1",
            (Kind::Ref, _) => "java.util.stream.ReferencePipeline$1",
            (Kind::Int, "distinct") => "java.util.stream.ReferencePipeline$4",
            (Kind::Int, "sorted") => "java.util.stream.SortedOps$OfInt",
            (Kind::Int, "slice") => "java.util.stream.SliceOps$2",
            (Kind::Int, "boxed") => "java.util.stream.IntPipeline$1",
            (Kind::Int, "asLongStream") => "java.util.stream.IntPipeline$2",
            (Kind::Int, "asDoubleStream") => "java.util.stream.IntPipeline$3",
            (Kind::Int, _) => "java.util.stream.IntPipeline$9",
            (Kind::Long, "distinct") => "java.util.stream.ReferencePipeline$5",
            (Kind::Long, "sorted") => "java.util.stream.SortedOps$OfLong",
            (Kind::Long, "slice") => "java.util.stream.SliceOps$3",
            (Kind::Long, "boxed") => "java.util.stream.LongPipeline$1",
            (Kind::Long, "asDoubleStream") => "java.util.stream.LongPipeline$2",
            (Kind::Long, _) => "java.util.stream.LongPipeline$8",
            (Kind::Double, "distinct") => "java.util.stream.ReferencePipeline$6",
            (Kind::Double, "sorted") => "java.util.stream.SortedOps$OfDouble",
            (Kind::Double, "slice") => "java.util.stream.SliceOps$4",
            (Kind::Double, "boxed") => "java.util.stream.DoublePipeline$1",
            (Kind::Double, _) => "java.util.stream.DoublePipeline$7",
        }
    }

    /// `limit(n)` and `skip(n)`: Java checks `n` first.
    fn slice(&self, name: &str, n: &Value, budget: &Budget) -> MResult {
        let n = long_arg(n)?;
        let Ok(n) = u64::try_from(n) else {
            return err(format!("java.lang.IllegalArgumentException: {n}"));
        };
        let op = if name == "limit" {
            Op::Limit(n)
        } else {
            Op::Skip(n)
        };
        self.then(Some(op), self.kind, self.op_class("slice"), budget)
    }

    fn this(&self) -> MResult {
        let this = self.this.upgrade()?;
        ok(Value::Object(this as Rc<dyn HostObject>))
    }

    /// The methods every kind of stream has.
    fn common(&self, name: &str, args: &[Value], budget: &Budget) -> MResult {
        match (name, args) {
            ("count", []) => match self.run(budget) {
                Ok(items) => ok(Value::Long(items.len() as i64)),
                Err(e) => Some(Err(e)),
            },
            ("distinct", []) => {
                self.then(Some(Op::Distinct), self.kind, self.op_class("distinct"), budget)
            }
            ("sorted", []) => self.then(Some(Op::Sorted), self.kind, self.op_class("sorted"), budget),
            ("limit" | "skip", [n]) => self.slice(name, n, budget),
            ("unordered", []) => self.then(None, self.kind, self.op_class("unordered"), budget),
            ("findFirst" | "findAny", []) => {
                let items = match self.run(budget) {
                    Ok(items) => items,
                    Err(e) => return Some(Err(e)),
                };
                match (self.kind, items.into_iter().next()) {
                    (Kind::Ref, Some(Value::Null)) => err("java.lang.NullPointerException"),
                    (Kind::Ref, v) => ok(JavaOptional::of_option(v)),
                    (kind, v) => ok(PrimitiveOptional::value(kind, v)),
                }
            }
            ("toArray", []) => {
                let items = match self.run(budget) {
                    Ok(items) => items,
                    Err(e) => return Some(Err(e)),
                };
                let of = match self.kind {
                    Kind::Ref => ArrayOf::Objects,
                    Kind::Int => ArrayOf::Ints,
                    Kind::Long => ArrayOf::Longs,
                    Kind::Double => ArrayOf::Doubles,
                };
                ok(Value::new_array(of, items, budget))
            }
            ("iterator", []) => {
                let items = match self.run(budget) {
                    Ok(items) => items,
                    Err(e) => return Some(Err(e)),
                };
                let class = match self.kind {
                    Kind::Ref => "java.util.Spliterators$1Adapter",
                    Kind::Int => "java.util.Spliterators$2Adapter",
                    Kind::Long => "java.util.Spliterators$3Adapter",
                    Kind::Double => "java.util.Spliterators$4Adapter",
                };
                ok(Value::Object(Rc::new(StreamIterator {
                    items: RefCell::new(items),
                    cursor: Cell::new(0),
                    class,
                    hash: budget.identity_hash(),
                })))
            }
            ("isParallel", []) => ok(Value::Bool(self.parallel.get())),
            ("sequential" | "parallel", []) => {
                self.parallel.set(name == "parallel");
                self.this()
            }
            // `onClose` checks the stage before its argument.
            ("onClose", [Value::Null]) => match self.pipeline.try_borrow() {
                Ok(p) if p.is_some() => err("java.lang.NullPointerException"),
                _ => err(USED),
            },
            ("close", []) => {
                if let Ok(mut p) = self.pipeline.try_borrow_mut() {
                    *p = None;
                }
                super::void()
            }
            // `sorted(Comparator)` takes only a null (of a `Stream`).
            ("sorted", [Value::Null]) if self.kind == Kind::Ref => {
                err("java.lang.NullPointerException")
            }
            // `toArray(IntFunction)` (of a `Stream`) too.
            ("toArray", [Value::Null]) if self.kind == Kind::Ref => err(npe(
                "Cannot invoke \"java.util.function.IntFunction.apply(int)\" because \"generator\" is null",
            )),
            (
                "count" | "distinct" | "sorted" | "toArray" | "unordered" | "findFirst" | "findAny"
                | "iterator" | "spliterator" | "isParallel" | "sequential" | "parallel" | "close"
                | "hashCode" | "toString" | "getClass" | "notify" | "notifyAll",
                [_, ..],
            ) => wrong_number_of_arguments(),
            _ => None,
        }
    }

    /// The methods of a `Stream<T>` besides [`JavaStream::common`]'s.
    fn reference(&self, name: &str, args: &[Value], budget: &Budget) -> MResult {
        match (name, args) {
            ("toList", []) => {
                let items = match self.run(budget) {
                    Ok(items) => items,
                    Err(e) => return Some(Err(e)),
                };
                ok(Value::List(Rc::new(RefCell::new(List {
                    items: items.into(),
                    json: false,
                    array: None,
                    mods: 0,
                    immutable: true,
                }))))
            }
            ("toList", [_, ..]) => wrong_number_of_arguments(),
            _ => super::null_function(REF_FUNCTIONS, name, args),
        }
    }

    /// The methods of an `IntStream`, `LongStream` or `DoubleStream`
    /// besides [`JavaStream::common`]'s.
    fn numbers(&self, name: &str, args: &[Value], budget: &Budget) -> MResult {
        let kind = self.kind;
        let items = || self.run(budget);
        match (name, args) {
            ("boxed", []) => self.then(None, Kind::Ref, self.op_class("boxed"), budget),
            ("asLongStream", []) if kind == Kind::Int => {
                self.then(Some(Op::AsLong), Kind::Long, self.op_class(name), budget)
            }
            ("asDoubleStream", []) if kind != Kind::Double => self.then(
                Some(Op::AsDouble),
                Kind::Double,
                self.op_class(name),
                budget,
            ),
            ("sum", []) => {
                let s = match items() {
                    Ok(items) => Stats::of(kind, &items),
                    Err(e) => return Some(Err(e)),
                };
                ok(match kind {
                    Kind::Int => Value::Int(s.sum as i32),
                    Kind::Double => Value::Double(s.dsum),
                    _ => Value::Long(s.sum),
                })
            }
            ("average", []) => {
                let s = match items() {
                    Ok(items) => Stats::of(kind, &items),
                    Err(e) => return Some(Err(e)),
                };
                let avg = (s.count > 0).then(|| Value::Double(s.average(kind)));
                ok(PrimitiveOptional::value(Kind::Double, avg))
            }
            ("max" | "min", []) => {
                let s = match items() {
                    Ok(items) => Stats::of(kind, &items),
                    Err(e) => return Some(Err(e)),
                };
                let v = (s.count > 0).then(|| s.extreme(kind, name == "max"));
                ok(PrimitiveOptional::value(kind, v))
            }
            ("summaryStatistics", []) => {
                let mut st = match items() {
                    Ok(items) => SummaryStatistics {
                        kind,
                        stats: Stats::of(kind, &items),
                        text: String::new(),
                        hash: budget.identity_hash(),
                    },
                    Err(e) => return Some(Err(e)),
                };
                st.text = match st.text(budget) {
                    Ok(t) => t,
                    Err(e) => return Some(Err(e)),
                };
                ok(Value::Object(Rc::new(st)))
            }
            (
                "boxed" | "asLongStream" | "asDoubleStream" | "sum" | "average" | "max" | "min"
                | "summaryStatistics",
                [_, ..],
            ) => wrong_number_of_arguments(),
            _ => super::null_function(NUMBER_FUNCTIONS, name, args),
        }
    }
}

/// The methods of `Stream` that take a function (by name and number of
/// parameters; `max`, `min` and `sorted` take a `Comparator`).
const REF_FUNCTIONS: &[(&str, usize)] = &[
    ("filter", 1),
    ("map", 1),
    ("mapToInt", 1),
    ("mapToLong", 1),
    ("mapToDouble", 1),
    ("flatMap", 1),
    ("flatMapToInt", 1),
    ("flatMapToLong", 1),
    ("flatMapToDouble", 1),
    ("mapMulti", 1),
    ("peek", 1),
    ("takeWhile", 1),
    ("dropWhile", 1),
    ("sorted", 1),
    ("forEach", 1),
    ("forEachOrdered", 1),
    ("toArray", 1),
    ("reduce", 1),
    ("reduce", 2),
    ("reduce", 3),
    ("collect", 1),
    ("collect", 3),
    ("min", 1),
    ("max", 1),
    ("anyMatch", 1),
    ("allMatch", 1),
    ("noneMatch", 1),
];

/// Those of `IntStream`, `LongStream` and `DoubleStream`.
const NUMBER_FUNCTIONS: &[(&str, usize)] = &[
    ("filter", 1),
    ("map", 1),
    ("mapToObj", 1),
    ("mapToInt", 1),
    ("mapToLong", 1),
    ("mapToDouble", 1),
    ("flatMap", 1),
    ("mapMulti", 1),
    ("peek", 1),
    ("takeWhile", 1),
    ("dropWhile", 1),
    ("forEach", 1),
    ("forEachOrdered", 1),
    ("reduce", 1),
    ("reduce", 2),
    ("collect", 3),
    ("anyMatch", 1),
    ("allMatch", 1),
    ("noneMatch", 1),
];

/// A `long` parameter: an Integer, Short, Byte or Long.
fn long_arg(v: &Value) -> Option<i64> {
    match v {
        Value::Long(l) => Some(*l),
        _ => v.int_like().map(i64::from),
    }
}

/// The items of `source` now.
fn read(source: &Source, budget: &Budget) -> Result<Vec<Value>, CallError> {
    let items = match source {
        Source::Collection(Value::List(l)) => {
            let l = l
                .try_borrow()
                .map_err(|_| CallError::Java(super::sublist::CME.into()))?;
            budget.slots(l.items.len())?;
            l.items.to_vec()
        }
        Source::Collection(Value::Object(o)) => match o.elements(budget) {
            Some(items) => items?,
            None => match o.list_elements(budget) {
                Some(items) => items?,
                None => Vec::new(),
            },
        },
        Source::Collection(_) => Vec::new(),
        Source::MapView(m, kind) => super::map::view_elements(m, *kind, budget)?,
        Source::Items(items) => {
            budget.slots(items.len())?;
            items.clone()
        }
        Source::Chars(s) => {
            budget.slots(jstring::units_len(s))?;
            jstring::units(s)
                .map(|u| Value::Int(i32::from(u)))
                .collect()
        }
        Source::CodePoints(s) => {
            budget.slots(s.chars().count())?;
            s.chars()
                .map(|c| match jstring::as_lone(c) {
                    Some(u) => Value::Int(i32::from(u)),
                    None => Value::Int(c as i32),
                })
                .collect()
        }
        Source::Lines(s) => {
            budget.scan(s.len())?;
            let lines = java_lines(s);
            budget.slots(lines.len())?;
            lines.into_iter().map(Value::str).collect()
        }
    };
    Ok(items)
}

/// `String.lines()`: the lines of `s`, each ended by `\n`, `\r` or `\r\n`
/// (or the end of `s`), a last empty one left out.
fn java_lines(s: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        match rest.find(['\n', '\r']) {
            Some(i) => {
                lines.push(&rest[..i]);
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
            }
            None => {
                lines.push(rest);
                rest = "";
            }
        }
    }
    lines
}

/// `items` after the operation `op`.
fn apply(op: Op, mut items: Vec<Value>, budget: &Budget) -> Result<Vec<Value>, CallError> {
    Ok(match op {
        Op::Limit(n) => {
            items.truncate(usize::try_from(n).unwrap_or(usize::MAX));
            items
        }
        Op::Skip(n) => {
            let n = usize::try_from(n).unwrap_or(usize::MAX).min(items.len());
            items.drain(..n);
            items
        }
        Op::AsLong => items
            .into_iter()
            .map(|v| match v {
                Value::Int(i) => Value::Long(i64::from(i)),
                v => v,
            })
            .collect(),
        Op::AsDouble => items
            .into_iter()
            .map(|v| match v {
                Value::Int(i) => Value::Double(f64::from(i)),
                Value::Long(l) => Value::Double(l as f64),
                v => v,
            })
            .collect(),
        Op::Distinct => distinct(items, budget)?,
        Op::Sorted => sorted(items, budget)?,
    })
}

/// The first of each run of equal items (`LinkedHashSet`'s: `hashCode`
/// and `equals`), in order.
fn distinct(items: Vec<Value>, budget: &Budget) -> Result<Vec<Value>, CallError> {
    let mut seen: std::collections::HashMap<i32, Vec<usize>> = std::collections::HashMap::new();
    let mut out: Vec<Value> = Vec::new();
    for v in items {
        let h = super::java_hash(&v, budget)?;
        let bucket = seen.entry(h).or_default();
        let mut found = false;
        for &i in bucket.iter() {
            if let Some(w) = out.get(i) {
                if w.java_equals(&v, budget)? {
                    found = true;
                    break;
                }
            }
        }
        if !found {
            bucket.push(out.len());
            out.push(v);
        }
    }
    Ok(out)
}

/// `items` sorted: numbers (of an `IntStream`, …) by value, anything else
/// in natural order, with `Comparator.naturalOrder()`'s comparisons and
/// failures (Java's TimSort, as `List.sort`).
fn sorted(items: Vec<Value>, budget: &Budget) -> Result<Vec<Value>, CallError> {
    let n = items.len() as u64;
    budget.steps(n.saturating_mul(u64::from(n.max(1).ilog2() + 1)))?;
    let order = super::timsort::sort(
        items.len(),
        &mut |x, y, _| match (items.get(x), items.get(y)) {
            (Some(a), Some(b)) => natural_order(a, b, budget),
            _ => Ok(std::cmp::Ordering::Equal),
        },
    )?;
    Ok(order
        .iter()
        .filter_map(|&i| items.get(i).cloned())
        .collect())
}

/// `Comparator.naturalOrder().compare(a, b)`: both cast to `Comparable`,
/// then `a.compareTo(b)`.
fn natural_order(a: &Value, b: &Value, budget: &Budget) -> Result<std::cmp::Ordering, CallError> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => return Ok(x.cmp(y)),
        (Value::Long(x), Value::Long(y)) => return Ok(x.cmp(y)),
        (Value::Double(x), Value::Double(y)) => return Ok(double_compare(*x, *y)),
        _ => {}
    }
    for v in [a, b] {
        if matches!(v, Value::List(_) | Value::Map(_) | Value::Object(_)) {
            return Err(CallError::Java(super::cce(v, "java.lang.Comparable")));
        }
    }
    if a.is_null() {
        return Err(CallError::Java(npe(
            "Cannot invoke \"java.lang.Comparable.compareTo(Object)\" because \"c1\" is null",
        )));
    }
    super::list::natural_order(a, b, "c1", budget)
}

/// `Double.compare`: `-0.0` before `0.0`, every NaN equal and after
/// everything else.
fn double_compare(x: f64, y: f64) -> std::cmp::Ordering {
    if x < y {
        std::cmp::Ordering::Less
    } else if x > y {
        std::cmp::Ordering::Greater
    } else {
        let bits = |d: f64| {
            if d.is_nan() {
                0x7ff8_0000_0000_0000_i64
            } else {
                d.to_bits() as i64
            }
        };
        bits(x).cmp(&bits(y))
    }
}

/// Counts, sums and extremes of a stream of numbers.
#[derive(Debug, Clone, Copy)]
struct Stats {
    count: i64,
    /// The sum of an `IntStream` or `LongStream` (wrapping, as Java's).
    sum: i64,
    /// The sum of a `DoubleStream`.
    dsum: f64,
    min: f64,
    max: f64,
    imin: i64,
    imax: i64,
}

impl Stats {
    fn of(kind: Kind, items: &[Value]) -> Stats {
        let (imin, imax) = match kind {
            Kind::Int => (i64::from(i32::MAX), i64::from(i32::MIN)),
            _ => (i64::MAX, i64::MIN),
        };
        let mut s = Stats {
            count: 0,
            sum: 0,
            dsum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            imin,
            imax,
        };
        for v in items {
            s.count += 1;
            match v {
                Value::Double(d) => {
                    s.dsum += d;
                    s.min = s.min.min(*d);
                    s.max = s.max.max(*d);
                }
                Value::Int(_) | Value::Long(_) => {
                    let x = long_arg(v).unwrap_or(0);
                    s.sum = s.sum.wrapping_add(x);
                    s.imin = s.imin.min(x);
                    s.imax = s.imax.max(x);
                }
                _ => {}
            }
        }
        s
    }

    fn average(&self, kind: Kind) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        match kind {
            Kind::Double => self.dsum / self.count as f64,
            _ => self.sum as f64 / self.count as f64,
        }
    }

    /// The maximum (`max`) or minimum as a value of the stream's kind.
    fn extreme(&self, kind: Kind, max: bool) -> Value {
        match (kind, max) {
            (Kind::Double, true) => Value::Double(self.max),
            (Kind::Double, false) => Value::Double(self.min),
            (Kind::Int, true) => Value::Int(self.imax as i32),
            (Kind::Int, false) => Value::Int(self.imin as i32),
            (_, true) => Value::Long(self.imax),
            (_, false) => Value::Long(self.imin),
        }
    }
}

impl HostObject for JavaStream {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "class" | "Class" => Some(JavaClass::value(self.class)),
            // `isParallel()`.
            "parallel" | "Parallel" => Some(Value::Bool(self.parallel.get())),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        if let r @ Some(_) = identity_method(self, self.hash, self.class, name, args) {
            return r;
        }
        if let r @ Some(_) = self.common(name, args, budget) {
            return r;
        }
        match self.kind {
            Kind::Ref => self.reference(name, args, budget),
            _ => self.numbers(name, args, budget),
        }
        .or_else(|| super::null_function(&[("onClose", 1)], name, args))
    }

    fn to_java_string(&self) -> String {
        format!("{}@{:x}", self.class, self.hash)
    }

    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        if let Ok(p) = self.pipeline.try_borrow() {
            match p.as_ref().map(|p| &p.source) {
                Some(Source::Collection(v)) => f(v),
                Some(Source::Items(items)) => items.iter().for_each(f),
                Some(Source::MapView(m, _)) => f(&Value::Map(m.clone())),
                _ => {}
            }
        }
    }

    fn release(&self) {
        if let Ok(mut p) = self.pipeline.try_borrow_mut() {
            *p = None;
        }
    }
}

/// What a stream's `iterator()` returns (`Spliterators$1Adapter`): its
/// items, read when it was made.
#[derive(Debug)]
struct StreamIterator {
    items: RefCell<Vec<Value>>,
    cursor: Cell<usize>,
    class: &'static str,
    hash: i32,
}

impl StreamIterator {
    fn has_next(&self) -> bool {
        self.items
            .try_borrow()
            .is_ok_and(|items| self.cursor.get() < items.len())
    }

    fn next(&self) -> MResult {
        let i = self.cursor.get();
        match self.items.try_borrow().ok()?.get(i) {
            Some(v) => {
                self.cursor.set(i + 1);
                ok(v.clone())
            }
            None => no_such_element(),
        }
    }
}

impl HostObject for StreamIterator {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "class" | "Class" => Some(JavaClass::value(self.class)),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value], _budget: &Budget) -> CallResult {
        if let r @ Some(_) = identity_method(self, self.hash, self.class, name, args) {
            return r;
        }
        match (name, args) {
            ("hasNext", []) => ok(Value::Bool(self.has_next())),
            ("next", []) => self.next(),
            ("nextInt", []) if self.class.contains("$2") => self.next(),
            ("nextLong", []) if self.class.contains("$3") => self.next(),
            ("nextDouble", []) if self.class.contains("$4") => self.next(),
            ("remove", []) => err("java.lang.UnsupportedOperationException: remove"),
            ("hasNext" | "next" | "remove" | "hashCode" | "toString" | "getClass", _) => {
                wrong_number_of_arguments()
            }
            _ => super::null_function(super::ITERATOR_FUNCTIONS, name, args),
        }
    }

    fn to_java_string(&self) -> String {
        format!("{}@{:x}", self.class, self.hash)
    }

    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        if let Ok(items) = self.items.try_borrow() {
            items.iter().for_each(f);
        }
    }

    fn release(&self) {
        if let Ok(mut items) = self.items.try_borrow_mut() {
            items.clear();
        }
    }

    fn iterator(&self) -> Option<&dyn JavaIter> {
        Some(self)
    }
}

impl JavaIter for StreamIterator {
    fn has_next(&self) -> bool {
        StreamIterator::has_next(self)
    }

    fn next(&self) -> CallResult {
        StreamIterator::next(self)
    }
}

/// `java.util.OptionalInt`, `OptionalLong` or `OptionalDouble`.
#[derive(Debug)]
struct PrimitiveOptional {
    kind: Kind,
    value: Option<Value>,
}

impl PrimitiveOptional {
    fn value(kind: Kind, value: Option<Value>) -> Value {
        Value::Object(Rc::new(PrimitiveOptional { kind, value }))
    }

    fn class(&self) -> &'static str {
        match self.kind {
            Kind::Long => "java.util.OptionalLong",
            Kind::Double => "java.util.OptionalDouble",
            _ => "java.util.OptionalInt",
        }
    }

    fn simple(&self) -> &'static str {
        match self.kind {
            Kind::Long => "OptionalLong",
            Kind::Double => "OptionalDouble",
            _ => "OptionalInt",
        }
    }

    /// `orElse(x)`'s argument as the optional's type.
    fn other(&self, x: &Value) -> Option<Value> {
        match self.kind {
            Kind::Long => long_arg(x).map(Value::Long),
            Kind::Double => match x {
                Value::Double(d) => Some(Value::Double(*d)),
                Value::Float(f) => Some(Value::Double(f64::from(*f))),
                _ => long_arg(x).map(|l| Value::Double(l as f64)),
            },
            _ => x.int_like().map(Value::Int),
        }
    }
}

impl HostObject for PrimitiveOptional {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "class" | "Class" => Some(JavaClass::value(self.class())),
            "present" | "Present" => Some(Value::Bool(self.value.is_some())),
            "empty" | "Empty" => Some(Value::Bool(self.value.is_none())),
            // `getAsInt()` (empty, Java's throws; here it is undefined).
            "asInt" | "AsInt" if self.kind == Kind::Int => self.value.clone(),
            "asLong" | "AsLong" if self.kind == Kind::Long => self.value.clone(),
            "asDouble" | "AsDouble" if self.kind == Kind::Double => self.value.clone(),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        let getter = match self.kind {
            Kind::Long => "getAsLong",
            Kind::Double => "getAsDouble",
            _ => "getAsInt",
        };
        match (name, args) {
            (n, []) if n == getter || n == "orElseThrow" => match &self.value {
                Some(v) => ok(v.clone()),
                None => err("java.util.NoSuchElementException: No value present"),
            },
            ("isPresent", []) => ok(Value::Bool(self.value.is_some())),
            ("isEmpty", []) => ok(Value::Bool(self.value.is_none())),
            ("orElse", [x]) => {
                let x = self.other(x)?;
                ok(self.value.clone().unwrap_or(x))
            }
            ("toString", []) => ok(Value::str(&self.to_java_string())),
            ("hashCode", []) => ok(Value::Int(match &self.value {
                Some(v) => super::java_hash(v, budget).unwrap_or(0),
                None => 0,
            })),
            ("equals", [other]) => ok(Value::Bool(match other {
                Value::Object(o) => o.to_java_string() == self.to_java_string(),
                _ => false,
            })),
            ("getClass", []) => ok(JavaClass::value(self.class())),
            (n, [_, ..])
                if n == getter
                    || matches!(
                        n,
                        "isPresent"
                            | "isEmpty"
                            | "toString"
                            | "hashCode"
                            | "getClass"
                            | "notify"
                            | "notifyAll"
                    ) =>
            {
                wrong_number_of_arguments()
            }
            _ => None,
        }
    }

    fn to_java_string(&self) -> String {
        match &self.value {
            Some(v) => format!("{}[{}]", self.simple(), v.to_java_string()),
            None => format!("{}.empty", self.simple()),
        }
    }
}

/// `java.util.IntSummaryStatistics`, `LongSummaryStatistics` or
/// `DoubleSummaryStatistics`.
#[derive(Debug)]
struct SummaryStatistics {
    kind: Kind,
    stats: Stats,
    /// Its `toString()`.
    text: String,
    /// Its identity hash.
    hash: i32,
}

impl SummaryStatistics {
    fn class(&self) -> &'static str {
        match self.kind {
            Kind::Long => "java.util.LongSummaryStatistics",
            Kind::Double => "java.util.DoubleSummaryStatistics",
            _ => "java.util.IntSummaryStatistics",
        }
    }

    fn getter(&self, name: &str) -> Option<Value> {
        let s = &self.stats;
        let double = self.kind == Kind::Double;
        Some(match name {
            "getCount" => Value::Long(s.count),
            "getSum" if double => Value::Double(s.dsum),
            "getSum" => Value::Long(s.sum),
            "getMin" => s.extreme(self.kind, false),
            "getMax" => s.extreme(self.kind, true),
            "getAverage" => Value::Double(s.average(self.kind)),
            _ => return None,
        })
    }

    /// Java's `toString`, through `String.format`.
    fn text(&self, budget: &Budget) -> Result<String, CallError> {
        let simple = self.class().trim_start_matches("java.util.");
        let format = if self.kind == Kind::Double {
            "%s{count=%d, sum=%f, min=%f, average=%f, max=%f}"
        } else {
            "%s{count=%d, sum=%d, min=%d, average=%f, max=%d}"
        };
        let mut args = vec![Value::str(format), Value::str(simple)];
        for g in ["getCount", "getSum", "getMin", "getAverage", "getMax"] {
            args.push(self.getter(g).unwrap_or_default());
        }
        match super::call_method(&Value::str(""), "format", &args, budget) {
            Some(Ok(v)) => Ok(v.to_java_string()),
            Some(Err(e)) => Err(e),
            None => Ok(String::new()),
        }
    }
}

impl HostObject for SummaryStatistics {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "class" | "Class" => Some(JavaClass::value(self.class())),
            "count" | "Count" => self.getter("getCount"),
            "sum" | "Sum" => self.getter("getSum"),
            "min" | "Min" => self.getter("getMin"),
            "max" | "Max" => self.getter("getMax"),
            "average" | "Average" => self.getter("getAverage"),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        match (name, args) {
            ("toString", []) => ok(Value::str(&self.text)),
            ("getClass", []) => ok(JavaClass::value(self.class())),
            ("hashCode", []) => ok(Value::Int(self.hash)),
            // Object's: itself only (the same class, text and identity hash).
            ("equals", [other]) => ok(Value::Bool(match other {
                Value::Object(o) => {
                    host_class_name(o.as_ref()) == self.class()
                        && o.to_java_string() == self.text
                        && matches!(o.call("hashCode", &[], budget),
                            Some(Ok(Value::Int(h))) if h == self.hash)
                }
                _ => false,
            })),
            (_, []) => self.getter(name).map(Ok),
            _ => None,
        }
    }

    fn to_java_string(&self) -> String {
        self.text.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::{double_compare, java_lines};
    use std::cmp::Ordering;

    #[test]
    fn lines_end_at_lf_cr_and_crlf_and_drop_a_last_empty_one() {
        assert_eq!(java_lines(""), Vec::<&str>::new());
        assert_eq!(java_lines("\n"), vec![""]);
        assert_eq!(
            java_lines("a\r\nb\rc\n\r\nd\r"),
            vec!["a", "b", "c", "", "d"]
        );
        assert_eq!(java_lines("é\n😀"), vec!["é", "😀"]);
    }

    #[test]
    fn doubles_compare_as_java_does() {
        assert_eq!(double_compare(-0.0, 0.0), Ordering::Less);
        assert_eq!(double_compare(f64::NAN, f64::INFINITY), Ordering::Greater);
        assert_eq!(double_compare(-f64::NAN, f64::NAN), Ordering::Equal);
        assert_eq!(double_compare(1.0, 2.0), Ordering::Less);
    }
}
