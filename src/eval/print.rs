//! Java's `toString` and json-smart's JSON text of values, written without
//! recursion and charged to a [`Budget`] as they are written.
//!
//! - `toString`: lists as `ArrayList` prints them (`[a, b]`, an element that is
//!   the list itself as `(this Collection)`), maps as `LinkedHashMap` (`{k=v}`, a
//!   value that is the map itself as `(this Map)`), a map entry as `k=v`; a map
//!   inside `$context` as the empty string; a json-smart `JSONArray` (a list with
//!   `json` set) as its JSON text; a `subList` view as a list of its elements
//!   (over a `JSONArray` too), or `ConcurrentModificationException` when it is
//!   stale.
//! - JSON (`JSONValue.toJSONString`, default style): compact, strings escaped as
//!   json-smart escapes them (`/` as `\/`, control characters and U+007F..U+009F,
//!   U+2000..U+20FF as `\uXXXX`), infinite doubles as `null`, NaN as `NaN`; maps
//!   become objects, lists and `subList` views arrays, other objects their
//!   quoted `toString`. JSON has no `(this Collection)`: json-smart recurses
//!   into a list that holds itself.
//!
//! A list that holds itself through another one has no end: Java overflows its
//! stack, and here printing stops past [`MAX_VALUE_DEPTH`] levels with
//! [`Exceeded::Depth`]. Shared sublists print once per reference, as in Java
//! (`[$l, $l]` nested 40 times is 2⁴⁰ elements): the budget ends that.

use std::fmt::Write as _;
use std::rc::Rc;

use super::budget::{Budget, Exceeded, CHUNK, MAX_VALUE_DEPTH};
use super::value::{ArrayOf, HostObject, Key, ListRef, MapRef, MapView, Value};

/// Writes the Java `toString()` of `v` into `out` (null as `null`, as
/// `String.valueOf` writes it).
pub fn write_java(v: &Value, out: &mut String, budget: &Budget) -> Result<(), Exceeded> {
    // The common case: a short string or a number, written at once.
    let start = out.len();
    match v {
        Value::Str(s) if s.len() < CHUNK => push_short(out, s),
        Value::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::Long(i) => out.push_str(itoa::Buffer::new().format(*i)),
        Value::Double(d) => super::number::write_java_double(*d, out),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
        _ => {
            let mut p = Printer::new(out, budget);
            p.value(v, false)?;
            p.run()?;
            return p.flush();
        }
    }
    budget.alloc(out.len() - start)
}

/// Writes json-smart's `JSONValue.toJSONString(v)` into `out`.
pub fn write_json(v: &Value, out: &mut String, budget: &Budget) -> Result<(), Exceeded> {
    let mut p = Printer::new(out, budget);
    p.value(v, true)?;
    p.run()?;
    p.flush()
}

/// The start of the Java `toString()` of `v`: at most about `max` bytes are
/// written (more than that of one scalar is never copied), for messages.
pub fn excerpt(v: &Value, max: usize) -> String {
    let mut out = String::new();
    let _ = write_java(v, &mut out, &Budget::new(u64::MAX, max));
    if out.len() > max {
        let mut cut = max;
        while cut > 0 && !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

/// What json-smart throws writing a `char[]` as JSON.
const CHARS_NOT_OBJECTS: &str = "java.lang.ClassCastException: class [C cannot be cast to class [Ljava.lang.Object; ([C and [Ljava.lang.Object; are in module java.base of loader 'bootstrap')";

/// What json-smart throws writing a `byte[]` as JSON.
const BYTES_NOT_OBJECTS: &str = "java.lang.ClassCastException: class [B cannot be cast to class [Ljava.lang.Object; ([B and [Ljava.lang.Object; are in module java.base of loader 'bootstrap')";

/// What json-smart throws writing an `int[]`, `long[]` or `double[]` as JSON.
const INTS_NOT_OBJECTS: &str = "java.lang.ClassCastException: class [I cannot be cast to class [Ljava.lang.Object; ([I and [Ljava.lang.Object; are in module java.base of loader 'bootstrap')";
const LONGS_NOT_OBJECTS: &str = "java.lang.ClassCastException: class [J cannot be cast to class [Ljava.lang.Object; ([J and [Ljava.lang.Object; are in module java.base of loader 'bootstrap')";
const DOUBLES_NOT_OBJECTS: &str = "java.lang.ClassCastException: class [D cannot be cast to class [Ljava.lang.Object; ([D and [Ljava.lang.Object; are in module java.base of loader 'bootstrap')";

enum Frame {
    /// A list being written; `next` is the index of the next element.
    List {
        list: ListRef,
        next: usize,
        json: bool,
    },
    /// A map being written; `next` is the index of the next entry.
    Map {
        map: MapRef,
        next: usize,
        json: bool,
        /// The object the map is the contents of ([`HostObject::as_map`]),
        /// or null: a value that is it prints `(this Map)`.
        owner: *const (),
    },
    /// A value still to write.
    Pending(Value),
    /// The text written from `start` on is an object's `toString` inside JSON:
    /// it becomes a JSON string once written.
    Quote { start: usize },
}

struct Printer<'o, 'b> {
    out: &'o mut String,
    budget: &'b Budget,
    /// `out.len()` when bytes were last charged.
    charged: usize,
    /// Values written since steps were last charged.
    values: usize,
    stack: Vec<Frame>,
}

impl<'o, 'b> Printer<'o, 'b> {
    fn new(out: &'o mut String, budget: &'b Budget) -> Printer<'o, 'b> {
        let charged = out.len();
        Printer {
            out,
            budget,
            charged,
            values: 0,
            stack: Vec::new(),
        }
    }

    /// Charges what was written since the last charge.
    fn flush(&mut self) -> Result<(), Exceeded> {
        let written = self.out.len().saturating_sub(self.charged);
        self.charged = self.out.len();
        let values = std::mem::take(&mut self.values);
        self.budget.build(written)?;
        self.budget.steps(values as u64)
    }

    fn check(&mut self) -> Result<(), Exceeded> {
        if self.out.len().saturating_sub(self.charged) >= CHUNK || self.values >= CHUNK / 64 {
            self.flush()?;
        }
        Ok(())
    }

    fn push(&mut self, s: &str) -> Result<(), Exceeded> {
        if s.len() >= CHUNK {
            // Charged before it is copied.
            self.flush()?;
            self.budget.build(s.len())?;
            self.out.push_str(s);
            self.charged = self.out.len();
            return Ok(());
        }
        self.out.push_str(s);
        self.check()
    }

    /// A JSON string, escaped a chunk at a time.
    fn json_string(&mut self, s: &str) -> Result<(), Exceeded> {
        self.out.push('"');
        let mut rest = s;
        while !rest.is_empty() {
            let mut cut = rest.len().min(CHUNK);
            while cut > 0 && !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            if cut == 0 {
                cut = rest.len();
            }
            let (piece, tail) = rest.split_at(cut);
            escape_json_into(piece, self.out);
            rest = tail;
            self.check()?;
        }
        self.push("\"")
    }

    /// Opens a container's frame: a step more than a scalar.
    fn open(&mut self, frame: Frame) -> Result<(), Exceeded> {
        if self.stack.len() >= MAX_VALUE_DEPTH {
            return Err(Exceeded::Depth(MAX_VALUE_DEPTH));
        }
        self.values += 1;
        self.stack.push(frame);
        Ok(())
    }

    /// Writes a scalar, or opens the frame of a container.
    fn value(&mut self, v: &Value, json: bool) -> Result<(), Exceeded> {
        self.values += 1;
        match v {
            Value::Null => self.push("null"),
            Value::Bool(b) => self.push(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                self.out.push_str(itoa::Buffer::new().format(*i));
                self.check()
            }
            Value::Long(i) => {
                self.out.push_str(itoa::Buffer::new().format(*i));
                self.check()
            }
            Value::Byte(_) | Value::Short(_) => {
                let i = v.int_like().unwrap_or_default();
                self.out.push_str(itoa::Buffer::new().format(i));
                self.check()
            }
            Value::BigInt(i) => {
                let _ = write!(self.out, "{i}");
                self.check()
            }
            // json-smart writes a Float's `toString`, infinite or not.
            Value::Float(f) => {
                super::number::write_java_float(*f, self.out);
                self.check()
            }
            Value::Double(d) if json && !d.is_finite() => {
                self.push(if d.is_nan() { "NaN" } else { "null" })
            }
            Value::Double(d) => {
                super::number::write_java_double(*d, self.out);
                self.check()
            }
            Value::Decimal(d) => self.push(&d.to_java_string()),
            Value::Str(s) if json => self.json_string(s),
            Value::Str(s) => self.push(s),
            // json-smart writes a `Character` as a bean without properties.
            Value::Char(_) if json => self.push("{}"),
            Value::Char(c) => self.push(super::jstring::unit_char(*c).encode_utf8(&mut [0; 4])),
            Value::List(l) => {
                // A Java array's `toString` (json-smart writes a `String[]`
                // as a JSON array, and casts a `char[]` or `byte[]` to
                // `Object[]`, which fails).
                let (array, json_list) =
                    l.try_borrow().map_or((None, false), |l| (l.array, l.json));
                if let Some(a) = array {
                    if !json {
                        return self.push(&a.to_java_string());
                    }
                    match a.of {
                        ArrayOf::Chars => return Err(Exceeded::Java(CHARS_NOT_OBJECTS)),
                        ArrayOf::Bytes => return Err(Exceeded::Java(BYTES_NOT_OBJECTS)),
                        ArrayOf::Ints => return Err(Exceeded::Java(INTS_NOT_OBJECTS)),
                        ArrayOf::Longs => return Err(Exceeded::Java(LONGS_NOT_OBJECTS)),
                        ArrayOf::Doubles => return Err(Exceeded::Java(DOUBLES_NOT_OBJECTS)),
                        ArrayOf::Strings
                        | ArrayOf::Objects
                        | ArrayOf::BigIntegers
                        | ArrayOf::BigDecimals => {}
                    }
                }
                let json = json || json_list;
                self.open(Frame::List {
                    list: l.clone(),
                    next: 0,
                    json,
                })?;
                self.push("[")
            }
            Value::Map(m) => {
                if !json && m.try_borrow().is_ok_and(|m| m.prints_empty) {
                    return Ok(());
                }
                self.open(Frame::Map {
                    map: m.clone(),
                    next: 0,
                    json,
                    owner: std::ptr::null(),
                })?;
                self.push("{")
            }
            Value::Object(o) => {
                if o.is_list() {
                    return self.list_view(o, json);
                }
                if let Some((m, kind)) = o.map_view() {
                    return self.view(o.as_ref(), &m, kind, json);
                }
                if let Some(m) = o.as_map() {
                    // (A value that is the object prints `(this Map)`.)
                    self.open(Frame::Map {
                        map: m,
                        next: 0,
                        json,
                        owner: Rc::as_ptr(o) as *const (),
                    })?;
                    return self.push("{");
                }
                if json {
                    self.open(Frame::Quote {
                        start: self.out.len(),
                    })?;
                }
                match o.entry() {
                    // `Map.Entry.toString()`: key=value.
                    Some((k, v)) => {
                        self.value(&k, false)?;
                        self.push("=")?;
                        self.open(Frame::Pending(v))
                    }
                    None => self.push(&o.to_java_string()),
                }
            }
        }
    }

    /// A `subList` view `o`: printed as `AbstractCollection.toString`
    /// prints it (`[a, b]`, over a `JSONArray` too; an element that is the
    /// view itself as `(this Collection)`), and written by JSON as a JSON
    /// array. A stale view throws `ConcurrentModificationException`.
    fn list_view(&mut self, o: &Rc<dyn HostObject>, json: bool) -> Result<(), Exceeded> {
        let mut items = o.list_elements(self.budget).unwrap_or(Ok(Vec::new()))?;
        if !json {
            for x in &mut items {
                if matches!(x, Value::Object(xo) if Rc::ptr_eq(xo, o)) {
                    *x = Value::str("(this Collection)");
                }
            }
        }
        // Counted once, as the view.
        self.values = self.values.saturating_sub(1);
        self.value(&Value::new_list(items), json)
    }

    /// A map's view `o` (of `m`): printed as `AbstractCollection.toString`
    /// prints it, and written by a JSON array as a list: its elements as a
    /// list. Java's view is one object, so one of the same map and kind
    /// among its elements is itself.
    fn view(
        &mut self,
        o: &dyn HostObject,
        m: &MapRef,
        kind: MapView,
        json: bool,
    ) -> Result<(), Exceeded> {
        let mut items = o.elements(self.budget).unwrap_or(Ok(Vec::new()))?;
        if !json {
            for x in &mut items {
                let this = match x {
                    Value::Object(xo) => xo
                        .map_view()
                        .is_some_and(|(xm, xk)| xk == kind && Rc::ptr_eq(&xm, m)),
                    _ => false,
                };
                if this {
                    *x = Value::str("(this Collection)");
                }
            }
        }
        self.value(&Value::new_list(items), json)
    }

    fn key(&mut self, k: &Key, json: bool) -> Result<(), Exceeded> {
        self.values += 1;
        if json {
            match k {
                Key::Null => self.push("null"),
                Key::Str(s) | Key::Other(s) => self.json_string(s),
                // A number or boolean key: its (short) text.
                other => {
                    let mut s = String::new();
                    Printer::new(&mut s, self.budget).value(&other.to_value(), false)?;
                    self.json_string(&s)
                }
            }
        } else {
            self.value(&k.to_value(), false)
        }
    }

    fn run(&mut self) -> Result<(), Exceeded> {
        while let Some(top) = self.stack.last_mut() {
            match top {
                Frame::List { list, next, json } => {
                    let i = *next;
                    *next += 1;
                    let (this, json) = (Rc::as_ptr(list), *json);
                    let item = list.try_borrow().ok().and_then(|l| l.items.get(i).cloned());
                    let Some(item) = item else {
                        self.stack.pop();
                        self.push("]")?;
                        continue;
                    };
                    if i > 0 {
                        self.push(if json { "," } else { ", " })?;
                    }
                    match &item {
                        Value::List(x) if !json && std::ptr::eq(Rc::as_ptr(x), this) => {
                            self.push("(this Collection)")?;
                        }
                        _ => self.value(&item, json)?,
                    }
                }
                Frame::Map {
                    map,
                    next,
                    json,
                    owner,
                } => {
                    let i = *next;
                    *next += 1;
                    let (this, json, owner) = (Rc::as_ptr(map), *json, *owner);
                    let entry = map
                        .try_borrow()
                        .ok()
                        .and_then(|m| m.entries.get_index(i).map(|(k, v)| (k.clone(), v.clone())));
                    let Some((k, v)) = entry else {
                        self.stack.pop();
                        self.push("}")?;
                        continue;
                    };
                    if i > 0 {
                        self.push(if json { "," } else { ", " })?;
                    }
                    self.key(&k, json)?;
                    self.push(if json { ":" } else { "=" })?;
                    match &v {
                        Value::Map(x) if !json && std::ptr::eq(Rc::as_ptr(x), this) => {
                            self.push("(this Map)")?;
                        }
                        Value::Object(o) if !json && std::ptr::addr_eq(Rc::as_ptr(o), owner) => {
                            self.push("(this Map)")?;
                        }
                        _ => self.value(&v, json)?,
                    }
                }
                Frame::Pending(_) => {
                    if let Some(Frame::Pending(v)) = self.stack.pop() {
                        self.value(&v, false)?;
                    }
                }
                Frame::Quote { start } => {
                    let start = *start;
                    self.stack.pop();
                    let raw = self.out.split_off(start.min(self.out.len()));
                    self.charged = self.charged.min(self.out.len());
                    self.budget.alloc(raw.len())?;
                    self.json_string(&raw)?;
                }
            }
        }
        Ok(())
    }
}

/// A string as json-smart's default style escapes it, in quotes.
pub fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    escape_json_into(s, out);
    out.push('"');
}

/// The inside of [`write_json_string`].
fn escape_json_into(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Copy the run of characters written as they are.
        let run = i;
        while bytes
            .get(i)
            .is_some_and(|&b| b >= 0x20 && b != b'"' && b != b'\\' && b != b'/' && b < 0x7f)
        {
            i += 1;
        }
        if i > run {
            out.push_str(s.get(run..i).unwrap_or(""));
        }
        let Some(c) = s.get(i..).and_then(|t| t.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '/' => out.push_str("\\/"),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2000}'..='\u{20ff}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// `out.push_str(s)` for a string of 1 to 16 bytes, copied with stores that
/// overlap (two of 8 bytes from 8 bytes on, two of 4 from 4, else three of
/// one), without the call
/// to `memcpy` that `push_str` makes (and `push_short` too, where the
/// compiler merges its lengths back into one copy of a length known at run
/// time). Any other length: `push_str`.
#[inline(always)]
pub fn push_upto_16(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let n = b.len();
    if !(1..=16).contains(&n) {
        out.push_str(s);
        return;
    }
    out.reserve(n);
    let len = out.len();
    // SAFETY: `reserve` left room for `n` more bytes after the `len` the
    // string holds. With 8 <= n <= 16, the stores write bytes `len..len + 8`
    // and `len + n - 8..len + n` with the first and the last 8 bytes of `s`
    // (both within `s`, which has `n` >= 8 bytes); with 4 <= n < 8, bytes
    // `len..len + 4` and `len + n - 4..len + n` with its first and last 4;
    // with 1 <= n < 4, bytes `len`, `len + n / 2` and `len + n - 1` with
    // bytes 0, `n / 2` and `n - 1` of `s` (which cover `0..n`). All within
    // the room, with no gap between them, so bytes
    // `len..len + n` are those of `s`, in order: the new length ends the
    // UTF-8 of `s` appended to the string's.
    unsafe {
        let v = out.as_mut_vec();
        let at = v.as_mut_ptr().add(len);
        let from = b.as_ptr();
        if n >= 8 {
            let head = from.cast::<[u8; 8]>().read_unaligned();
            let tail = from.add(n - 8).cast::<[u8; 8]>().read_unaligned();
            at.cast::<[u8; 8]>().write_unaligned(head);
            at.add(n - 8).cast::<[u8; 8]>().write_unaligned(tail);
        } else if n >= 4 {
            let head = from.cast::<[u8; 4]>().read_unaligned();
            let tail = from.add(n - 4).cast::<[u8; 4]>().read_unaligned();
            at.cast::<[u8; 4]>().write_unaligned(head);
            at.add(n - 4).cast::<[u8; 4]>().write_unaligned(tail);
        } else {
            at.write(from.read());
            at.add(n / 2).write(from.add(n / 2).read());
            at.add(n - 1).write(from.add(n - 1).read());
        }
        v.set_len(len + n);
    }
}

/// [`push_short`] of the bytes `b`, which must be UTF-8 (ASCII where it is
/// called): no check of the characters' boundaries where the caller knows
/// them.
///
/// # Safety
///
/// `b` must be UTF-8.
#[inline(always)]
pub unsafe fn push_short_utf8(out: &mut String, b: &[u8]) {
    // SAFETY: the caller hands UTF-8 bytes, which keep the string UTF-8
    // appended to it.
    let v = unsafe { out.as_mut_vec() };
    macro_rules! by_len {
        ($($n:literal)*) => {
            match b.len() {
                $($n => {
                    if let Some(t) = b.first_chunk::<$n>() {
                        v.extend_from_slice(t);
                    }
                })*
                _ => v.extend_from_slice(b),
            }
        };
    }
    by_len!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

/// `out.push_str(s)`, with the copy of a string of up to 16 bytes inlined:
/// each length gets a copy of a size known when compiling (a move or two),
/// where `push_str` calls `memcpy` for any length. Text nodes, names and
/// short values are mostly that short.
#[inline(always)]
pub fn push_short(out: &mut String, s: &str) {
    macro_rules! by_len {
        ($($n:literal)*) => {
            match s.len() {
                $($n => {
                    if let Some(t) = s.get(..$n) {
                        out.push_str(t);
                    }
                })*
                _ => out.push_str(s),
            }
        };
    }
    by_len!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

#[cfg(test)]
mod tests {
    use super::{push_short, push_upto_16};

    /// Both short appends, on every slice of a text of 1- to 4-byte
    /// characters, onto a string with no room to spare and onto one with room.
    #[test]
    fn short_appends_append_what_push_str_appends() {
        let text = "aé€😀bcdefghijklmnopqrstuvwxyz0123456789";
        type Append = fn(&mut String, &str);
        let appends: [(&str, Append); 2] =
            [("push_upto_16", push_upto_16), ("push_short", push_short)];
        for (start, _) in text.char_indices() {
            for end in (start..=text.len()).filter(|&e| text.is_char_boundary(e)) {
                let s = &text[start..end];
                for (name, append) in appends {
                    for mut ours in [String::from("x"), String::with_capacity(64) + "x"] {
                        append(&mut ours, s);
                        assert_eq!(ours, format!("x{s}"), "{name}({s:?})");
                    }
                }
            }
        }
    }
}
