//! JSONPath as API Gateway's `$input.json(path)` / `$input.path(path)` read it:
//! a port of **Jayway JsonPath 2.0.0** (the version the reference oracle runs)
//! over json-smart values, quirks included.
//!
//! It runs over the engine's values, the tree [`crate::runtime::json::parse`]
//! builds from a body: what it selects is shared with the document, as in Java.
//!
//! ```
//! use apigw_vtl::runtime::{json, jsonpath::JsonPath};
//! let doc = json::parse(r#"{"a": [{"b": 1}, {"b": 2}, {"c": 3}]}"#).unwrap();
//! let p = JsonPath::compile("$.a[*].b").unwrap();
//! assert!(!p.is_definite());
//! assert_eq!(p.eval(&doc).unwrap().map(|v| v.to_json_string()), Some("[1,2]".into()));
//! // A definite path that matches nothing is "not found" (Jayway's PathNotFoundException).
//! assert!(JsonPath::compile("$.x").unwrap().eval(&doc).unwrap().is_none());
//! ```
//!
//! What 2.0.0 does (all confirmed against the oracle, see the tests):
//! - A *definite* path (no `..`, `*`, filter, index list or slice) yields its
//!   single value; an *indefinite* one a JSON array of all matches.
//! - "Not found" (`Ok(None)`) is Jayway's `PathNotFoundException`, which aborts
//!   the **whole** evaluation wherever it is thrown: a missing leaf property
//!   (even after a filter: `$.b[?(@.x)].missing` is not found as soon as one
//!   matching item lacks it), an index out of range (also in `[0,5]`), a
//!   property read on a non-object (`$.a.b` with `a` an array), a missing
//!   property in the middle of an all-definite path. Only `[*]` over an array
//!   swallows it per element (`$.a[*].b` skips items without `b`), and a missing
//!   middle property is skipped when some later step is indefinite.
//! - Negative single indexes (`[-1]`) are out of range; `[-1:]`, `[:-1]` and
//!   `[(@.length-1)]` count from the end.
//! - `['a','b']` is definite and yields an object of the keys that exist.
//! - No functions (`.length()` is a property named `length()`), no `["double"]`
//!   quotes (a path error), no `in`/`nin`/… filter operators (errors).
//! - Filters compare like `Criteria.safeCompare`: literals are Java strings
//!   (unquoted `10` too); string vs number compares as `BigDecimal` (a
//!   non-numeric string is a `NumberFormatException`, an [`EvalError`]); string
//!   vs string is `compareTo`; `null` and the string `"null"` are "nullish";
//!   other mixes are false (`!=` too).

mod compile;
mod filter;
#[cfg(test)]
mod tests;

use compile::{ArrayOp, Compiled, Token};
use filter::{Criteria, Decimal, JavaPattern, Op, Operand, Pred};
use std::cmp::Ordering;
use std::rc::Rc;

use crate::eval::budget::{Budget, Exceeded, ENTRY_BYTES, VALUE_BYTES};
use crate::eval::value::{entries_with_capacity, Key, List, StrKey, Value};

pub use compile::MAX_PATH_NESTING;

/// Deepest recursion of one evaluation: path steps plus document levels a
/// deep scan (`..`) descends, plus filter sub-paths; deeper is an
/// [`EvalErrorKind::Limit`] error. Room for every document json-smart reads
/// (at most 401 levels, see [`crate::runtime::json::MAX_JSON_DEPTH`]) under
/// a long path: Jayway evaluates those.
pub const MAX_EVAL_DEPTH: usize = 1000;

/// Steps (path tokens applied, nodes scanned) one evaluation may take.
pub const MAX_EVAL_STEPS: u64 = 20_000_000;

/// A path that does not compile, with the char offset in the path where it is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    pub message: String,
    /// Offset in chars from the start of the path text given to [`JsonPath::compile`].
    pub offset: usize,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid JSONPath at char {}: {}",
            self.offset, self.message
        )
    }
}

impl std::error::Error for PathError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalErrorKind {
    /// Jayway's `InvalidPathException` at evaluation time: an index on a
    /// non-array (`$.obj[0]`), a filter on a primitive, `['a','b']` not last.
    InvalidPath,
    /// Another Java exception: `NumberFormatException` comparing a
    /// non-numeric string with a number, `ClassCastException` (`=~` with no
    /// regex), `NullPointerException` (`[?]` without a filter), a regex that
    /// runs too long.
    Runtime,
    /// [`MAX_EVAL_DEPTH`] or [`MAX_EVAL_STEPS`] exceeded.
    Limit,
    /// The render's budget ran out (see [`JsonPath::select_with_budget`]).
    Budget(Exceeded),
}

/// Evaluation failed the way Jayway throws (other than "not found").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub kind: EvalErrorKind,
    /// The Java-style message, e.g. `Filter: [0] can only be applied to arrays. …`.
    pub message: String,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}

/// What a path selects: values shared with the document.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Jayway threw `PathNotFoundException` (`$input.json` gives `""`,
    /// `$input.path` null).
    NotFound,
    /// The value of a definite path.
    One(Value),
    /// The matches of an indefinite path, in Jayway's order.
    Many(Vec<Value>),
}

impl Selection {
    /// The selected value: `None` for not found, a json-smart `JSONArray` of the
    /// matches of an indefinite path.
    pub fn into_value(self) -> Option<Value> {
        match self {
            Selection::NotFound => None,
            Selection::One(v) => Some(v),
            Selection::Many(items) => Some(Value::List(Rc::new(std::cell::RefCell::new(List {
                items: items.into(),
                json: true,
                array: None,
                mods: 0,
                immutable: false,
            })))),
        }
    }
}

/// A compiled JSONPath: immutable, `Send + Sync`, evaluate any number of times.
#[derive(Debug)]
pub struct JsonPath {
    source: String,
    compiled: Compiled,
}

impl JsonPath {
    /// Compiles `path` as Jayway 2.0.0 does: surrounding whitespace is
    /// trimmed, a path not starting with `$` or `@` gets `$.` in front.
    pub fn compile(path: &str) -> Result<JsonPath, PathError> {
        Ok(JsonPath {
            source: path.to_string(),
            compiled: compile::compile(path, 0, 0)?,
        })
    }

    /// The text this path was compiled from.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Jayway's `isDefinite()`: no deep scan, wildcard, filter, index list or slice.
    pub fn is_definite(&self) -> bool {
        definite(&self.compiled)
    }

    /// Evaluates against `doc`: `Ok(None)` when not found, the value of a
    /// definite path, or an array of the matches of an indefinite one.
    /// Bounded by [`MAX_EVAL_STEPS`] and [`MAX_EVAL_DEPTH`] only.
    pub fn eval(&self, doc: &Value) -> Result<Option<Value>, EvalError> {
        Ok(self.select(doc)?.into_value())
    }

    /// Like [`JsonPath::eval`], keeping apart one value and a list of matches.
    pub fn select(&self, doc: &Value) -> Result<Selection, EvalError> {
        self.select_with_budget(doc, &Budget::unmetered())
    }

    /// Like [`JsonPath::select`], charging `budget` a step for each token
    /// applied and node scanned, and the memory of each match as it is found.
    pub fn select_with_budget(&self, doc: &Value, budget: &Budget) -> Result<Selection, EvalError> {
        let mut steps = 0u64;
        let res = run(&self.compiled, doc, doc, false, &mut steps, 0, budget);
        match res {
            Ok(hits) => {
                if self.is_definite() {
                    Ok(hits
                        .into_iter()
                        .next()
                        .map_or(Selection::NotFound, Selection::One))
                } else {
                    Ok(Selection::Many(hits))
                }
            }
            Err(Exc::NotFound) => Ok(Selection::NotFound),
            Err(Exc::Error(e)) => Err(e),
        }
    }
}

fn definite(c: &Compiled) -> bool {
    c.tokens.iter().all(Token::is_definite)
}

/// A Java exception thrown during evaluation.
enum Exc {
    /// `PathNotFoundException`.
    NotFound,
    Error(EvalError),
}

fn invalid(message: String) -> Exc {
    Exc::Error(EvalError {
        kind: EvalErrorKind::InvalidPath,
        message,
    })
}

fn runtime(message: impl Into<String>) -> Exc {
    Exc::Error(EvalError {
        kind: EvalErrorKind::Runtime,
        message: message.into(),
    })
}

/// A map or list being changed while a path reads it (only a host's own
/// re-entrant use could do that).
fn busy() -> Exc {
    runtime("java.util.ConcurrentModificationException")
}

fn over_budget(e: Exceeded) -> Exc {
    Exc::Error(EvalError {
        kind: EvalErrorKind::Budget(e),
        message: e.to_string(),
    })
}

fn limit(message: String) -> Exc {
    Exc::Error(EvalError {
        kind: EvalErrorKind::Limit,
        message,
    })
}

/// Evaluates a compiled path on `model` (`root` for `$` references in filters).
fn run(
    path: &Compiled,
    model: &Value,
    root: &Value,
    require_props: bool,
    steps: &mut u64,
    depth: usize,
    budget: &Budget,
) -> Result<Vec<Value>, Exc> {
    let n = path.tokens.len();
    // Jayway's isUpstreamDefinite(): this token and the path from the previous
    // token to the end (sic) are all definite.
    let def: Vec<bool> = path.tokens.iter().map(Token::is_definite).collect();
    let mut suffix_all = vec![true; n + 1];
    for k in (0..n).rev() {
        let rest = suffix_all.get(k + 1).copied().unwrap_or(true);
        if let Some(s) = suffix_all.get_mut(k) {
            *s = rest && def.get(k).copied().unwrap_or(true);
        }
    }
    let upstream: Vec<bool> = (0..n)
        .map(|k| match k.checked_sub(1) {
            None => def.first().copied().unwrap_or(true),
            Some(p) => suffix_all.get(p).copied().unwrap_or(true),
        })
        .collect();
    let mut ev = Evaluator {
        tokens: &path.tokens,
        upstream,
        root,
        require_props,
        steps,
        budget,
        results: Vec::new(),
    };
    ev.eval(0, model, depth)?;
    Ok(ev.results)
}

struct Evaluator<'a, 's> {
    tokens: &'a [Token],
    upstream: Vec<bool>,
    root: &'a Value,
    require_props: bool,
    steps: &'s mut u64,
    budget: &'s Budget,
    results: Vec<Value>,
}

impl<'a> Evaluator<'a, '_> {
    fn tick(&mut self, depth: usize) -> Result<(), Exc> {
        self.budget.step().map_err(over_budget)?;
        *self.steps += 1;
        if *self.steps > MAX_EVAL_STEPS {
            return Err(limit(format!(
                "JSONPath evaluation took more than {MAX_EVAL_STEPS} steps"
            )));
        }
        if depth > MAX_EVAL_DEPTH {
            return Err(limit(format!(
                "JSONPath evaluation nested deeper than {MAX_EVAL_DEPTH} levels"
            )));
        }
        Ok(())
    }

    /// Records a match, charging its slot.
    fn found(&mut self, v: Value) -> Result<(), Exc> {
        let (len, cap) = (self.results.len(), self.results.capacity());
        self.budget
            .grow(len, cap, 1, VALUE_BYTES)
            .map_err(over_budget)?;
        self.results.push(v);
        Ok(())
    }

    fn is_leaf(&self, k: usize) -> bool {
        k + 1 >= self.tokens.len()
    }

    /// Applies token `k` to `model`, then the rest of the path. Each token's
    /// work is its own function, so that this recursive frame stays small.
    fn eval(&mut self, k: usize, model: &Value, depth: usize) -> Result<(), Exc> {
        self.tick(depth)?;
        let Some(token) = self.tokens.get(k) else {
            self.found(model.clone())?;
            return Ok(());
        };
        match token {
            Token::Root => self.next(k, model, depth),
            Token::Property(props) => self.eval_property(k, props, model, depth),
            Token::Array(op) => self.eval_array(k, op, model, depth),
            Token::Wildcard => self.eval_wildcard(k, model, depth),
            Token::Scan => self.walk(k + 1, model, depth + 1),
            Token::Filter(preds) => self.eval_filter(k, token, preds, model, depth),
        }
    }

    fn eval_property(
        &mut self,
        k: usize,
        props: &'a [String],
        model: &Value,
        depth: usize,
    ) -> Result<(), Exc> {
        let Value::Map(map) = model else {
            return Err(Exc::NotFound);
        };
        let map = map.try_borrow().map_err(|_| busy())?;
        if let [prop] = props {
            self.property(k, map.entries.get(&StrKey(prop)), depth)
        } else {
            if !self.is_leaf(k) {
                return Err(invalid(format!(
                    "Multi properties can only be used as path leafs: {}",
                    self.shown(k)
                )));
            }
            let mut merged = entries_with_capacity(props.len());
            for p in props {
                match map.entries.get(&StrKey(p)) {
                    Some(v) => {
                        merged.insert(Key::str(p), v.clone());
                    }
                    None if self.require_props => return Err(Exc::NotFound),
                    None => {}
                }
            }
            self.budget
                .alloc(merged.len().saturating_mul(ENTRY_BYTES))
                .map_err(over_budget)?;
            self.found(Value::new_map(merged))?;
            Ok(())
        }
    }

    fn eval_array(
        &mut self,
        k: usize,
        op: &ArrayOp,
        model: &Value,
        depth: usize,
    ) -> Result<(), Exc> {
        let list = match model {
            Value::List(l) => l.try_borrow().map_err(|_| busy())?,
            Value::Null => return Err(Exc::NotFound),
            other => {
                return Err(invalid(format!(
                    "Filter: {} can only be applied to arrays. Current context is: {}",
                    self.shown(k),
                    short(&java_to_string(other))
                )))
            }
        };
        let items = list.items.as_slice();
        let len = items.len() as i64;
        match op {
            ArrayOp::SingleIndex(i) => self.index(k, items, i64::from(*i), depth),
            ArrayOp::IndexSequence(v) => {
                for &i in v {
                    self.index(k, items, i64::from(i), depth)?;
                }
                Ok(())
            }
            ArrayOp::ContextSize(i) => self.index(k, items, len + i64::from(*i), depth),
            ArrayOp::SliceFrom(from) => {
                let mut from = i64::from(*from);
                if from < 0 {
                    from += len;
                }
                for i in from.max(0)..len {
                    self.index(k, items, i, depth)?;
                }
                Ok(())
            }
            ArrayOp::SliceTo(to) => {
                let mut to = i64::from(*to);
                if to < 0 {
                    to += len;
                }
                for i in 0..to.min(len) {
                    self.index(k, items, i, depth)?;
                }
                Ok(())
            }
            ArrayOp::SliceBetween(from, to) => {
                let to = i64::from(*to).min(len);
                for i in i64::from(*from)..to {
                    self.index(k, items, i, depth)?;
                }
                Ok(())
            }
        }
    }

    fn eval_wildcard(&mut self, k: usize, model: &Value, depth: usize) -> Result<(), Exc> {
        match model {
            Value::Map(map) => {
                let map = map.try_borrow().map_err(|_| busy())?;
                for v in map.entries.values() {
                    self.property(k, Some(v), depth)?;
                }
            }
            Value::List(list) => {
                let list = list.try_borrow().map_err(|_| busy())?;
                let items = list.items.as_slice();
                for i in 0..items.len() {
                    match self.index(k, items, i as i64, depth) {
                        Err(Exc::NotFound) if !self.require_props => {}
                        other => other?,
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn eval_filter(
        &mut self,
        k: usize,
        token: &Token,
        preds: &'a [Option<Pred>],
        model: &Value,
        depth: usize,
    ) -> Result<(), Exc> {
        match model {
            Value::Map(_) => {
                if self.accept(preds, model, depth)? {
                    self.next(k, model, depth)?;
                }
                Ok(())
            }
            Value::List(list) => {
                let list = list.try_borrow().map_err(|_| busy())?;
                let items = list.items.as_slice();
                for (i, item) in items.iter().enumerate() {
                    if self.accept(preds, item, depth)? {
                        self.index(k, items, i as i64, depth)?;
                    }
                }
                Ok(())
            }
            other => Err(invalid(format!(
                "Filter: {} can not be applied to primitives. Current context is: {}",
                token.fragment(),
                short(&java_to_string(other))
            ))),
        }
    }

    /// The path up to token `k`, for messages.
    fn shown(&self, k: usize) -> String {
        self.tokens
            .iter()
            .take(k + 1)
            .map(Token::fragment)
            .collect()
    }

    /// Continues after token `k` (or records `model` when `k` is the leaf).
    fn next(&mut self, k: usize, model: &Value, depth: usize) -> Result<(), Exc> {
        if self.is_leaf(k) {
            self.found(model.clone())?;
            Ok(())
        } else {
            self.eval(k + 1, model, depth + 1)
        }
    }

    /// `handleObjectProperty` for one property whose value is `value`.
    fn property(&mut self, k: usize, value: Option<&Value>, depth: usize) -> Result<(), Exc> {
        match value {
            Some(v) => self.next(k, v, depth),
            None => {
                if self.is_leaf(k) {
                    Err(Exc::NotFound)
                } else if !self.upstream.get(k).copied().unwrap_or(true) && !self.require_props {
                    Ok(())
                } else {
                    Err(Exc::NotFound)
                }
            }
        }
    }

    /// `handleArrayIndex`.
    fn index(&mut self, k: usize, items: &[Value], i: i64, depth: usize) -> Result<(), Exc> {
        let v = usize::try_from(i)
            .ok()
            .and_then(|i| items.get(i))
            .ok_or(Exc::NotFound)?;
        self.next(k, v, depth)
    }

    /// `ScanPathToken.walk` with target token `t`.
    fn walk(&mut self, t: usize, model: &Value, depth: usize) -> Result<(), Exc> {
        self.tick(depth)?;
        match model {
            Value::Map(map) => {
                if self.scan_matches(t, model, depth)? {
                    self.eval(t, model, depth + 1)?;
                }
                let map = map.try_borrow().map_err(|_| busy())?;
                for v in map.entries.values() {
                    self.walk(t, v, depth + 1)?;
                }
            }
            Value::List(list) => {
                let list = list.try_borrow().map_err(|_| busy())?;
                let items = list.items.as_slice();
                if self.scan_matches(t, model, depth)? {
                    if self.is_leaf(t) {
                        self.eval(t, model, depth + 1)?;
                    } else {
                        for item in items {
                            self.eval(t + 1, item, depth + 1)?;
                        }
                    }
                }
                for item in items {
                    self.walk(t, item, depth + 1)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn scan_matches(&mut self, t: usize, model: &Value, depth: usize) -> Result<bool, Exc> {
        Ok(match self.tokens.get(t) {
            Some(Token::Property(props)) => match model {
                Value::Map(map) => {
                    let map = map.try_borrow().map_err(|_| busy())?;
                    props.iter().all(|p| map.entries.contains_key(&StrKey(p)))
                }
                _ => false,
            },
            Some(Token::Array(_)) => matches!(model, Value::List(_)),
            Some(Token::Wildcard) => true,
            Some(Token::Filter(preds)) => self.accept(preds, model, depth)?,
            _ => false,
        })
    }

    fn accept(
        &mut self,
        preds: &'a [Option<Pred>],
        item: &Value,
        depth: usize,
    ) -> Result<bool, Exc> {
        for p in preds {
            let Some(p) = p else {
                return Err(runtime("java.lang.NullPointerException"));
            };
            if !self.apply(p, item, depth + 1)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn apply(&mut self, p: &'a Pred, item: &Value, depth: usize) -> Result<bool, Exc> {
        self.tick(depth)?;
        match p {
            Pred::Crit(c) => self.criteria(c, item, depth),
            Pred::And(ps) => {
                for p in ps {
                    if !self.apply(p, item, depth + 1)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Pred::Or(l, r) => {
                Ok(self.apply(l, item, depth + 1)? || self.apply(r, item, depth + 1)?)
            }
        }
    }

    /// Evaluates a (definite) filter path: `Ok(None)` when not found.
    fn sub_path(
        &mut self,
        path: &'a Compiled,
        on: &Value,
        require_props: bool,
        depth: usize,
    ) -> Result<Option<Value>, Exc> {
        match run(
            path,
            on,
            self.root,
            require_props,
            self.steps,
            depth + 1,
            self.budget,
        ) {
            Ok(hits) => Ok(hits.into_iter().next()),
            Err(Exc::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn criteria(&mut self, c: &'a Criteria, item: &Value, depth: usize) -> Result<bool, Exc> {
        match c {
            Criteria::Exists { path, exists } => {
                // Always evaluated against the item, even a `$` path.
                let v = self.sub_path(path, item, true, depth)?;
                let present = matches!(&v, Some(v) if !v.is_null());
                Ok(match v {
                    None => !exists,
                    Some(_) => present == *exists,
                })
            }
            Criteria::Compare { left, op, right } => {
                let Some(l) = self.operand(left, item, depth)? else {
                    return Ok(false);
                };
                let Some(r) = self.operand(right, item, depth)? else {
                    return Ok(false);
                };
                compare(*op, &r, &l, self.budget)
            }
        }
    }

    /// An operand's Java value; `None` when its path is not found.
    fn operand(
        &mut self,
        o: &'a Operand,
        item: &Value,
        depth: usize,
    ) -> Result<Option<JObj<'a>>, Exc> {
        Ok(Some(match o {
            Operand::Str(s) => JObj::Lit(s),
            Operand::Pattern(p) => JObj::Pattern(p),
            Operand::Path(p) => {
                let on = if p.is_root_path { self.root } else { item };
                match self.sub_path(p, on, false, depth)? {
                    None => return Ok(None),
                    Some(v) => JObj::Doc(v),
                }
            }
        }))
    }
}

/// At most 200 characters of `s`, then `…`, on one line (line breaks as `\n`):
/// Jayway prints the whole context, which may be the whole body.
fn short(s: &str) -> String {
    const MAX: usize = 200;
    let (head, cut) = match s.char_indices().nth(MAX) {
        Some((cut, _)) => (s.get(..cut).unwrap_or(s), true),
        None => (s, false),
    };
    let mut t = head.replace('\r', "\\r").replace('\n', "\\n");
    if cut {
        t.push('…');
    }
    t
}

/// A Java object as a filter sees it.
enum JObj<'a> {
    /// A literal of the filter (always a `String` in Jayway 2.0.0).
    Lit(&'a str),
    /// A value from the document, or a map built by `['a','b']`.
    Doc(Value),
    Pattern(&'a JavaPattern),
}

/// What a filter compares.
enum Kind<'x> {
    Null,
    Str(&'x str),
    Num(&'x Value),
    Bool(bool),
    Other,
}

impl JObj<'_> {
    fn kind(&self) -> Kind<'_> {
        match self {
            JObj::Lit(s) => Kind::Str(s),
            JObj::Pattern(_) => Kind::Other,
            JObj::Doc(v) => match v {
                Value::Null => Kind::Null,
                Value::Str(s) => Kind::Str(s),
                Value::Bool(b) => Kind::Bool(*b),
                Value::Int(_)
                | Value::Byte(_)
                | Value::Short(_)
                | Value::Float(_)
                | Value::Long(_)
                | Value::BigInt(_)
                | Value::Double(_)
                | Value::Decimal(_) => Kind::Num(v),
                Value::Char(_) | Value::List(_) | Value::Map(_) | Value::Object(_) => Kind::Other,
            },
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.kind(), Kind::Null)
    }

    fn nullish(&self) -> bool {
        matches!(self.kind(), Kind::Null | Kind::Str("null"))
    }

    /// `toString()`; `None` for null.
    fn java_string(&self, budget: &Budget) -> Result<Option<String>, Exc> {
        Ok(Some(match self {
            JObj::Lit(s) => s.to_string(),
            JObj::Pattern(p) => p.source.clone(),
            JObj::Doc(Value::Null) => return Ok(None),
            JObj::Doc(v) => v.java_string(budget).map_err(over_budget)?,
        }))
    }
}

/// Are both the same map or list of the document?
fn same_container(a: &JObj<'_>, b: &JObj<'_>) -> bool {
    match (a, b) {
        (JObj::Doc(Value::Map(x)), JObj::Doc(Value::Map(y))) => Rc::ptr_eq(x, y),
        (JObj::Doc(Value::List(x)), JObj::Doc(Value::List(y))) => Rc::ptr_eq(x, y),
        (JObj::Doc(Value::Object(x)), JObj::Doc(Value::Object(y))) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// `new BigDecimal(number.toString())`.
fn number_decimal(v: &Value) -> Result<Decimal, Exc> {
    Decimal::parse(&v.to_java_string()).map_err(runtime)
}

/// `Criteria.safeCompare(left, right)` (`left` is the expected value, the right
/// operand of the filter). `Ok(None)`: `ValueCompareException`.
fn safe_compare(left: &JObj<'_>, right: &JObj<'_>) -> Result<Option<Ordering>, Exc> {
    if same_container(left, right) {
        return Ok(Some(Ordering::Equal));
    }
    let (ln, rn) = (left.nullish(), right.nullish());
    if ln || rn {
        return Ok(Some(ln.cmp(&rn).reverse()));
    }
    Ok(match (left.kind(), right.kind()) {
        (Kind::Str(a), Kind::Str(b)) => {
            if a.contains('\'') {
                Some(filter::java_string_cmp(&a.replace("\\'", "'"), b))
            } else {
                Some(filter::java_string_cmp(a, b))
            }
        }
        (Kind::Num(a), Kind::Num(b)) => Some(number_decimal(a)?.cmp(&number_decimal(b)?)),
        (Kind::Str(a), Kind::Num(b)) => {
            let a = Decimal::parse(a).map_err(runtime)?;
            Some(a.cmp(&number_decimal(b)?))
        }
        (Kind::Str(a), Kind::Bool(b)) => Some(a.eq_ignore_ascii_case("true").cmp(&b)),
        (Kind::Bool(a), Kind::Bool(b)) => Some(a.cmp(&b)),
        _ => None,
    })
}

/// `CriteriaType.eval(expected, model)`.
fn compare(op: Op, expected: &JObj<'_>, model: &JObj<'_>, budget: &Budget) -> Result<bool, Exc> {
    let one_null = expected.is_null() ^ model.is_null();
    let ord = |f: fn(Ordering) -> bool| -> Result<bool, Exc> {
        Ok(safe_compare(expected, model)?.is_some_and(f))
    };
    match op {
        Op::Eq => ord(|o| o == Ordering::Equal),
        Op::Ne => ord(|o| o != Ordering::Equal),
        // `0 > safeCompare(expected, model)`: model > expected.
        Op::Gt => Ok(!one_null && ord(|o| o == Ordering::Less)?),
        Op::Gte => Ok(!one_null && ord(|o| o != Ordering::Greater)?),
        Op::Lt => Ok(!one_null && ord(|o| o == Ordering::Greater)?),
        Op::Lte => Ok(!one_null && ord(|o| o != Ordering::Less)?),
        Op::Regex => {
            let (pattern, target) = match (model, expected) {
                (JObj::Pattern(p), t) => (p, t),
                (t, JObj::Pattern(p)) => (p, t),
                _ => {
                    return Err(runtime(
                        "java.lang.ClassCastException: the right side of =~ is not a regex",
                    ))
                }
            };
            match target.java_string(budget)? {
                None => Ok(false),
                Some(s) => {
                    let re = pattern.regex(budget).map_err(|e| match e {
                        filter::PatternError::Budget(e) => over_budget(e),
                        filter::PatternError::Java(m) => runtime(m),
                    })?;
                    let (r, steps) = crate::eval::jregex::timed(s.len(), || {
                        re.is_match(&s).map_err(|e| format!("regex failed: {e}"))
                    });
                    budget.steps(steps).map_err(over_budget)?;
                    r.map_err(runtime)
                }
            }
        }
    }
}

/// The start of the Java `toString()` of a document value (maps as `{k=v, …}`,
/// lists as compact JSON, strings raw), for messages: however large the value,
/// printing stops soon after [`short`]'s length.
pub(crate) fn java_to_string(v: &Value) -> String {
    crate::eval::print::excerpt(v, 1024)
}
