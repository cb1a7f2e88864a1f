//! Java methods and properties on values: `String`, `Map`, `List` as Velocity 1.7 sees them.
//!
//! Method lookup follows 1.7's introspection: an argument matches a parameter only
//! by Java's method-invocation conversion (an `Integer` fits `int`, `long`, `double`
//! and `Object` parameters; a `Long` fits `long`, `double`, `Object`; `null` fits any
//! reference type; a `String` is never converted to a number). No match → `None`
//! (the reference stays undefined). A Java exception → `Some(Err(text))` where the
//! text is the exception's `toString()` (`java.lang.StringIndexOutOfBoundsException: …`).
//!
//! Strings are indexed in UTF-16 code units, as Java does. A substring that splits a
//! surrogate pair cannot be represented in a Rust `String`: the lone half becomes U+FFFD.
//!
//! Results that grow strings (`repeat`, `replace`, `concat`, …) are capped at
//! [`MAX_STRING`] bytes; beyond it the call fails with an `OutOfMemoryError`.

use super::jregex;
use super::number::Decimal;
use super::value::{HostObject, Key, List, ListRef, MapRef, StrKey, Value};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};
use std::cell::RefCell;
use std::rc::Rc;

/// Largest string (in bytes) a method may build.
pub const MAX_STRING: usize = 16 << 20;

type MResult = Option<Result<Value, String>>;

fn ok(v: Value) -> MResult {
    Some(Ok(v))
}

fn err(e: impl Into<String>) -> MResult {
    Some(Err(e.into()))
}

fn void() -> MResult {
    Some(Ok(Value::str("")))
}

fn too_big() -> String {
    "java.lang.OutOfMemoryError: Requested array size exceeds VM limit".into()
}

fn npe(what: &str) -> String {
    format!("java.lang.NullPointerException: {what}")
}

// ---------------------------------------------------------------------------
// Argument conversion (1.7's IntrospectionUtils.isMethodInvocationConvertible)

/// An `int` parameter: only `Integer` converts.
fn int_arg(v: &Value) -> Option<i32> {
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

/// A `String` / `CharSequence` parameter: `Some(None)` for null.
fn str_arg(v: &Value) -> Option<Option<&str>> {
    match v {
        Value::Str(s) => Some(Some(s)),
        Value::Null => Some(None),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// UTF-16 helpers

fn units(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// Length in UTF-16 code units.
pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// `s.substring(begin, end)` in UTF-16 units; the caller checks the bounds.
fn utf16_slice(s: &str, begin: usize, end: usize) -> String {
    if s.is_ascii() {
        return s.get(begin..end).unwrap_or("").to_string();
    }
    let u = units(s);
    String::from_utf16_lossy(u.get(begin..end).unwrap_or(&[]))
}

fn find_units(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return (from <= hay.len()).then_some(from);
    }
    if needle.len() > hay.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| hay.get(i..i + needle.len()) == Some(needle))
}

fn rfind_units(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    let start = from.min(hay.len() - needle.len());
    (0..=start)
        .rev()
        .find(|&i| hay.get(i..i + needle.len()) == Some(needle))
}

/// `String.indexOf(String, from)`.
fn index_of(s: &str, needle: &str, from: i64) -> i32 {
    let hay = units(s);
    let from = from.max(0) as usize;
    if from >= hay.len() {
        return if needle.is_empty() {
            hay.len() as i32
        } else {
            -1
        };
    }
    find_units(&hay, &units(needle), from).map_or(-1, |i| i as i32)
}

/// `String.lastIndexOf(String, from)`.
fn last_index_of(s: &str, needle: &str, from: i64) -> i32 {
    let hay = units(s);
    let n = units(needle);
    let right = hay.len() as i64 - n.len() as i64;
    let from = from.min(right);
    if from < 0 {
        return -1;
    }
    rfind_units(&hay, &n, from as usize).map_or(-1, |i| i as i32)
}

/// The UTF-16 encoding of a code point (`None` if it is not one).
fn code_point_units(cp: i32) -> Option<Vec<u16>> {
    let cp = u32::try_from(cp).ok()?;
    if (0xD800..0xE000).contains(&cp) {
        return Some(vec![cp as u16]);
    }
    let c = char::from_u32(cp)?;
    let mut buf = [0u16; 2];
    Some(c.encode_utf16(&mut buf).to_vec())
}

fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(i32::from(u)))
}

/// `Character.isWhitespace`.
fn java_is_whitespace(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\u{1c}'..='\u{1f}')
        || (c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{85}'))
}

fn java_compare(a: &str, b: &str) -> i32 {
    let (ua, ub) = (units(a), units(b));
    for (x, y) in ua.iter().zip(ub.iter()) {
        if x != y {
            return i32::from(*x) - i32::from(*y);
        }
    }
    ua.len() as i32 - ub.len() as i32
}

fn fold_case_unit(u: u16) -> u16 {
    // Character.toUpperCase then toLowerCase on a UTF-16 unit (BMP, simple mappings).
    let Some(c) = char::from_u32(u32::from(u)) else {
        return u;
    };
    let up = single_char(c.to_uppercase()).unwrap_or(c);
    let low = single_char(up.to_lowercase()).unwrap_or(up);
    u16::try_from(low as u32).unwrap_or(u)
}

fn single_char(mut it: impl Iterator<Item = char>) -> Option<char> {
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

fn compare_ignore_case(a: &str, b: &str) -> i32 {
    let (ua, ub) = (units(a), units(b));
    for (x, y) in ua.iter().zip(ub.iter()) {
        if x != y {
            let (fx, fy) = (fold_case_unit(*x), fold_case_unit(*y));
            if fx != fy {
                return i32::from(fx) - i32::from(fy);
            }
        }
    }
    ua.len() as i32 - ub.len() as i32
}

/// Java's `hashCode()` of a value.
pub fn java_hash(v: &Value) -> i32 {
    java_hash_depth(v, 0)
}

fn java_hash_depth(v: &Value, depth: usize) -> i32 {
    if depth > 200 {
        return 0;
    }
    match v {
        Value::Null => 0,
        Value::Bool(b) => {
            if *b {
                1231
            } else {
                1237
            }
        }
        Value::Int(i) => *i,
        Value::Long(l) => (*l ^ ((*l as u64) >> 32) as i64) as i32,
        Value::Double(d) => {
            let bits = if d.is_nan() {
                0x7ff8000000000000u64
            } else {
                d.to_bits()
            };
            (bits ^ (bits >> 32)) as i32
        }
        Value::BigInt(b) => {
            let (sign, mut digits) = b.to_u32_digits();
            digits.reverse();
            let h = digits
                .iter()
                .fold(0i32, |h, w| h.wrapping_mul(31).wrapping_add(*w as i32));
            match sign {
                num_bigint::Sign::Minus => h.wrapping_neg(),
                num_bigint::Sign::NoSign => 0,
                num_bigint::Sign::Plus => h,
            }
        }
        // BigDecimal.hashCode: 31 * unscaledValue.hashCode() + scale.
        Value::Decimal(d) => {
            java_hash_depth(&Value::BigInt(Rc::new(d.unscaled.clone())), depth + 1)
                .wrapping_mul(31)
                .wrapping_add(d.scale as i32)
        }
        Value::Str(s) => java_string_hash(s),
        Value::List(l) => l.try_borrow().map_or(0, |l| {
            l.items.iter().fold(1i32, |h, e| {
                h.wrapping_mul(31)
                    .wrapping_add(java_hash_depth(e, depth + 1))
            })
        }),
        Value::Map(m) => m.try_borrow().map_or(0, |m| {
            m.entries.iter().fold(0i32, |h, (k, v)| {
                h.wrapping_add(
                    java_hash_depth(&k.to_value(), depth + 1) ^ java_hash_depth(v, depth + 1),
                )
            })
        }),
        Value::Object(o) => java_string_hash(&o.to_java_string()),
    }
}

// ---------------------------------------------------------------------------
// Host objects for Java values without a Value variant

/// A `java.lang.Class` (what `$x.class` / `$x.getClass()` returns).
#[derive(Debug)]
pub struct JavaClass {
    pub name: String,
}

impl JavaClass {
    pub fn value(name: &str) -> Value {
        Value::Object(Rc::new(JavaClass { name: name.into() }))
    }
    fn simple_name(&self) -> String {
        let tail = self.name.rsplit('.').next().unwrap_or(&self.name);
        tail.rsplit('$').next().unwrap_or(tail).to_string()
    }
}

impl HostObject for JavaClass {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "name" | "Name" | "typeName" | "TypeName" => Some(Value::str(&self.name)),
            "simpleName" | "SimpleName" => Some(Value::str(&self.simple_name())),
            "class" | "Class" => Some(JavaClass::value("java.lang.Class")),
            _ => None,
        }
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match (name, args.len()) {
            ("getName" | "getTypeName", 0) => ok(Value::str(&self.name)),
            ("getSimpleName", 0) => ok(Value::str(&self.simple_name())),
            ("toString", 0) => ok(Value::str(&self.to_java_string())),
            ("getClass", 0) => ok(JavaClass::value("java.lang.Class")),
            _ => None,
        }
    }
    fn to_java_string(&self) -> String {
        format!("class {}", self.name)
    }
}

/// A `Map.Entry` of a map's `entrySet()`; `setValue` writes through to the map.
#[derive(Debug)]
pub struct MapEntry {
    map: MapRef,
    key: Key,
    value: RefCell<Value>,
}

impl MapEntry {
    fn set_value(&self, v: Value) -> Value {
        if let Ok(mut m) = self.map.try_borrow_mut() {
            if let Some(slot) = m.entries.get_mut(&self.key) {
                *slot = v.clone();
            }
        }
        self.value.replace(v)
    }
}

impl HostObject for MapEntry {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "key" | "Key" => Some(self.key.to_value()),
            "value" | "Value" => Some(self.value.borrow().clone()),
            "class" | "Class" => Some(JavaClass::value("java.util.LinkedHashMap$Entry")),
            _ => None,
        }
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match (name, args) {
            ("getKey", []) => ok(self.key.to_value()),
            ("getValue", []) => ok(self.value.borrow().clone()),
            ("setValue", [v]) => ok(self.set_value(v.clone())),
            ("toString", []) => ok(Value::str(&self.to_java_string())),
            ("getClass", []) => ok(JavaClass::value("java.util.LinkedHashMap$Entry")),
            ("hashCode", []) => ok(Value::Int(
                java_hash(&self.key.to_value()) ^ java_hash(&self.value.borrow()),
            )),
            _ => None,
        }
    }
    fn to_java_string(&self) -> String {
        let mut s = self.key.to_value().to_java_string();
        s.push('=');
        self.value.borrow().write_java(&mut s);
        s
    }
    fn set_property(&self, name: &str, value: Value) -> Option<Result<(), String>> {
        match name {
            "value" | "Value" => {
                self.set_value(value);
                Some(Ok(()))
            }
            _ => None,
        }
    }
}

/// The Java class name of a host object: its `class` property if it has one.
pub fn host_class_name(o: &dyn HostObject) -> String {
    match o.property("class") {
        Some(Value::Object(c)) => {
            let s = c.to_java_string();
            s.strip_prefix("class ").unwrap_or(&s).to_string()
        }
        Some(Value::Str(s)) => s.strip_prefix("class ").unwrap_or(&s).to_string(),
        _ => "java.lang.Object".into(),
    }
}

fn class_of(v: &Value) -> Value {
    JavaClass::value(&v.java_class_name())
}

// ---------------------------------------------------------------------------
// Method calls

/// `$recv.name(args)`. `None`: no such method (the reference stays undefined).
/// A method that Java declares `void` gives `Value::Str("")`, as 1.7 renders it.
pub fn call_method(recv: &Value, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    match recv {
        Value::Object(o) => o.call(name, args),
        Value::Null => None,
        _ => {
            if let Some(r) = object_method(recv, name, args) {
                return Some(r);
            }
            match recv {
                Value::Str(s) => string_method(s, name, args),
                Value::List(l) => list_method(l, name, args),
                Value::Map(m) => map_method(m, name, args),
                Value::Bool(b) => bool_method(*b, name, args),
                _ => number_method(recv, name, args),
            }
        }
    }
}

/// Methods of `java.lang.Object` every value has.
fn object_method(recv: &Value, name: &str, args: &[Value]) -> MResult {
    match (name, args) {
        ("getClass", []) => ok(class_of(recv)),
        ("toString", []) => ok(Value::str(&recv.to_java_string())),
        ("hashCode", []) => ok(Value::Int(java_hash(recv))),
        ("equals", [other]) => ok(Value::Bool(recv.java_equals(other))),
        _ => None,
    }
}

fn cap(s: String) -> MResult {
    if s.len() > MAX_STRING {
        err(too_big())
    } else {
        ok(Value::str(&s))
    }
}

fn sioobe(msg: String) -> MResult {
    err(format!("java.lang.StringIndexOutOfBoundsException: {msg}"))
}

fn substring(s: &str, begin: i64, end: i64) -> MResult {
    let len = utf16_len(s) as i64;
    if begin < 0 || end > len || begin > end {
        return sioobe(format!("begin {begin}, end {end}, length {len}"));
    }
    ok(Value::str(&utf16_slice(s, begin as usize, end as usize)))
}

fn string_method(s: &Rc<str>, name: &str, args: &[Value]) -> MResult {
    let s: &str = s;
    match (name, args) {
        ("length", []) => ok(Value::Int(utf16_len(s) as i32)),
        ("isEmpty", []) => ok(Value::Bool(s.is_empty())),
        // `byte[]` of the UTF-8 encoding; Velocity wraps arrays so `size()` and `get(i)` work.
        ("getBytes", []) => ok(Value::new_list(
            s.bytes().map(|b| Value::Int(i32::from(b as i8))).collect(),
        )),
        ("isBlank", []) => ok(Value::Bool(s.chars().all(java_is_whitespace))),
        ("toString" | "intern", []) => ok(Value::str(s)),
        ("toUpperCase", []) => ok(Value::str(&s.to_uppercase())),
        ("toLowerCase", []) => ok(Value::str(&s.to_lowercase())),
        ("trim", []) => ok(Value::str(s.trim_matches(|c: char| c <= ' '))),
        ("strip", []) => ok(Value::str(s.trim_matches(java_is_whitespace))),
        ("stripLeading", []) => ok(Value::str(s.trim_start_matches(java_is_whitespace))),
        ("stripTrailing", []) => ok(Value::str(s.trim_end_matches(java_is_whitespace))),
        ("charAt", [i]) => {
            let i = int_arg(i)?;
            let u = units(s);
            match usize::try_from(i).ok().and_then(|i| u.get(i)) {
                Some(c) => ok(Value::str(&String::from_utf16_lossy(&[*c]))),
                None => sioobe(format!("String index out of range: {i}")),
            }
        }
        ("codePointAt", [i]) => {
            let i = int_arg(i)?;
            let u = units(s);
            let Some(&c) = usize::try_from(i).ok().and_then(|i| u.get(i)) else {
                return sioobe(format!("index {i}, length {}", u.len()));
            };
            let next = u.get(i as usize + 1).copied();
            let cp = match (c, next) {
                (0xD800..=0xDBFF, Some(lo @ 0xDC00..=0xDFFF)) => {
                    0x10000 + ((i32::from(c) - 0xD800) << 10) + (i32::from(lo) - 0xDC00)
                }
                _ => i32::from(c),
            };
            ok(Value::Int(cp))
        }
        ("substring", [b]) => {
            let b = int_arg(b)?;
            substring(s, i64::from(b), utf16_len(s) as i64)
        }
        ("substring" | "subSequence", [b, e]) => {
            let (b, e) = (int_arg(b)?, int_arg(e)?);
            substring(s, i64::from(b), i64::from(e))
        }
        ("indexOf" | "lastIndexOf", [needle]) | ("indexOf" | "lastIndexOf", [needle, _]) => {
            let from = match args.get(1) {
                Some(f) => Some(int_arg(f)?),
                None => None,
            };
            let last = name == "lastIndexOf";
            let default_from = if last { i64::from(i32::MAX) } else { 0 };
            let from = from.map_or(default_from, i64::from);
            let needle: String = match needle {
                Value::Int(cp) => match code_point_units(*cp) {
                    Some(u) => String::from_utf16_lossy(&u),
                    None => return ok(Value::Int(-1)),
                },
                other => match str_arg(other)? {
                    Some(n) => n.to_string(),
                    None => {
                        return err(npe(
                            "Cannot invoke \"String.coder()\" because \"str\" is null",
                        ))
                    }
                },
            };
            ok(Value::Int(if last {
                last_index_of(s, &needle, from)
            } else {
                index_of(s, &needle, from)
            }))
        }
        ("contains", [n]) => match str_arg(n)? {
            Some(n) => ok(Value::Bool(s.contains(n))),
            None => err(npe(
                "Cannot invoke \"java.lang.CharSequence.toString()\" because \"s\" is null",
            )),
        },
        ("startsWith", [p]) => match str_arg(p)? {
            Some(p) => ok(Value::Bool(s.starts_with(p))),
            None => err(npe(
                "Cannot invoke \"String.length()\" because \"prefix\" is null",
            )),
        },
        ("startsWith", [p, off]) => {
            let off = int_arg(off)?;
            match str_arg(p)? {
                Some(p) => {
                    let u = units(s);
                    let pu = units(p);
                    let r = usize::try_from(off)
                        .ok()
                        .and_then(|o| u.get(o..o.checked_add(pu.len())?))
                        .is_some_and(|w| w == pu.as_slice());
                    ok(Value::Bool(r))
                }
                None => err(npe(
                    "Cannot invoke \"String.length()\" because \"prefix\" is null",
                )),
            }
        }
        ("endsWith", [p]) => match str_arg(p)? {
            Some(p) => ok(Value::Bool(s.ends_with(p))),
            None => err(npe(
                "Cannot invoke \"String.length()\" because \"suffix\" is null",
            )),
        },
        ("equalsIgnoreCase", [o]) => match str_arg(o)? {
            Some(o) => ok(Value::Bool(
                utf16_len(s) == utf16_len(o) && compare_ignore_case(s, o) == 0,
            )),
            None => ok(Value::Bool(false)),
        },
        ("contentEquals", [o]) => match str_arg(o)? {
            Some(o) => ok(Value::Bool(s == o)),
            None => err(npe(
                "Cannot invoke \"java.lang.CharSequence.length()\" because \"cs\" is null",
            )),
        },
        ("compareTo", [o]) => match str_arg(o)? {
            Some(o) => ok(Value::Int(java_compare(s, o))),
            None => err(npe(
                "Cannot read field \"value\" because \"anotherString\" is null",
            )),
        },
        ("compareToIgnoreCase", [o]) => match str_arg(o)? {
            Some(o) => ok(Value::Int(compare_ignore_case(s, o))),
            None => err(npe(
                "Cannot invoke \"String.length()\" because \"s2\" is null",
            )),
        },
        ("concat", [o]) => match str_arg(o)? {
            Some(o) => cap(format!("{s}{o}")),
            None => err(npe(
                "Cannot invoke \"String.isEmpty()\" because \"str\" is null",
            )),
        },
        ("repeat", [n]) => {
            let n = int_arg(n)?;
            if n < 0 {
                return err(format!(
                    "java.lang.IllegalArgumentException: count is negative: {n}"
                ));
            }
            if (n as usize).saturating_mul(s.len()) > MAX_STRING {
                return err(too_big());
            }
            ok(Value::str(&s.repeat(n as usize)))
        }
        ("replace", [a, b]) => {
            let (Some(a), Some(b)) = (str_arg(a)?, str_arg(b)?) else {
                return err(npe("Cannot invoke \"java.lang.CharSequence.toString()\" because \"target\" is null"));
            };
            replace_literal(s, a, b)
        }
        ("replaceAll" | "replaceFirst", [re, rep]) => {
            let (Some(re), Some(rep)) = (str_arg(re)?, str_arg(rep)?) else {
                return err(npe(
                    "Cannot invoke \"String.length()\" because \"regex\" is null",
                ));
            };
            Some(jregex::replace(s, re, rep, name == "replaceAll").map(|r| Value::str(&r)))
        }
        ("matches", [re]) => match str_arg(re)? {
            Some(re) => Some(jregex::matches(s, re).map(Value::Bool)),
            None => err(npe(
                "Cannot invoke \"String.length()\" because \"regex\" is null",
            )),
        },
        ("split", [re]) | ("split", [re, _]) => {
            let limit = match args.get(1) {
                Some(l) => int_arg(l)?,
                None => 0,
            };
            match str_arg(re)? {
                Some(re) => {
                    Some(jregex::split(s, re, limit).map(|parts| {
                        Value::new_list(parts.iter().map(|p| Value::str(p)).collect())
                    }))
                }
                None => err(npe(
                    "Cannot invoke \"String.length()\" because \"regex\" is null",
                )),
            }
        }
        ("toCharArray", []) => ok(Value::new_list(
            s.encode_utf16()
                .map(|u| Value::str(&String::from_utf16_lossy(&[u])))
                .collect(),
        )),
        ("valueOf", [v]) if !v.is_null() => ok(Value::str(&v.to_java_string())),
        ("join", [sep, rest @ ..]) if !rest.is_empty() => {
            let Some(Some(sep)) = str_arg(sep) else {
                return None;
            };
            let items: Vec<Value> = match rest {
                [Value::List(l)] => l.borrow().items.clone(),
                _ => rest.to_vec(),
            };
            let mut out = String::new();
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                match it {
                    Value::Str(x) => out.push_str(x),
                    Value::Null => out.push_str("null"),
                    other => {
                        if matches!(rest, [Value::List(_)]) {
                            return err(format!(
                                "java.lang.ClassCastException: class {} cannot be cast to class java.lang.CharSequence",
                                other.java_class_name()
                            ));
                        }
                        return None;
                    }
                }
                if out.len() > MAX_STRING {
                    return err(too_big());
                }
            }
            ok(Value::str(&out))
        }
        _ => None,
    }
}

fn replace_literal(s: &str, target: &str, rep: &str) -> MResult {
    if target.is_empty() {
        // Java inserts the replacement around every UTF-16 unit; we do it per char.
        let n = s.chars().count() + 1;
        if n.saturating_mul(rep.len()).saturating_add(s.len()) > MAX_STRING {
            return err(too_big());
        }
        let mut out = String::with_capacity(s.len() + n * rep.len());
        out.push_str(rep);
        for c in s.chars() {
            out.push(c);
            out.push_str(rep);
        }
        return ok(Value::str(&out));
    }
    let count = s.matches(target).count();
    if rep.len() > target.len()
        && count
            .saturating_mul(rep.len() - target.len())
            .saturating_add(s.len())
            > MAX_STRING
    {
        return err(too_big());
    }
    ok(Value::str(&s.replace(target, rep)))
}

fn bool_method(b: bool, name: &str, args: &[Value]) -> MResult {
    match (name, args) {
        ("booleanValue", []) => ok(Value::Bool(b)),
        ("compareTo", [Value::Bool(o)]) => ok(Value::Int(i32::from(b) - i32::from(*o))),
        _ => None,
    }
}

fn number_method(recv: &Value, name: &str, args: &[Value]) -> MResult {
    if let Value::Decimal(d) = recv {
        return decimal_method(d, name, args);
    }
    let as_f64 = match recv {
        Value::Int(i) => f64::from(*i),
        Value::Long(l) => *l as f64,
        Value::BigInt(b) => b.to_f64().unwrap_or(f64::NAN),
        Value::Double(d) => *d,
        _ => return None,
    };
    let as_i64 = match recv {
        Value::Int(i) => i64::from(*i),
        Value::Long(l) => *l,
        // BigInteger.longValue keeps the low 64 bits.
        Value::BigInt(b) => {
            let (sign, digits) = b.to_u64_digits();
            let low = digits.first().copied().unwrap_or(0) as i64;
            if sign == num_bigint::Sign::Minus {
                low.wrapping_neg()
            } else {
                low
            }
        }
        // Java's (long) cast saturates, as Rust's does; NaN → 0.
        Value::Double(d) => *d as i64,
        _ => return None,
    };
    match (name, args) {
        ("intValue", []) => ok(Value::Int(match recv {
            Value::Double(d) => *d as i32,
            _ => as_i64 as i32,
        })),
        ("longValue", []) => ok(Value::Long(as_i64)),
        ("doubleValue", []) => ok(Value::Double(as_f64)),
        ("isNaN", []) if matches!(recv, Value::Double(_)) => ok(Value::Bool(as_f64.is_nan())),
        ("isInfinite", []) if matches!(recv, Value::Double(_)) => {
            ok(Value::Bool(as_f64.is_infinite()))
        }
        ("compareTo", [o]) => {
            let r = match (recv, o) {
                (Value::Int(a), Value::Int(b)) => a.cmp(b) as i32,
                (Value::Long(a), Value::Long(b)) => a.cmp(b) as i32,
                (Value::BigInt(a), Value::BigInt(b)) => a.cmp(b) as i32,
                (Value::Double(a), Value::Double(b)) => a.total_cmp(b) as i32,
                _ => return None,
            };
            ok(Value::Int(r))
        }
        _ => match recv {
            Value::BigInt(b) => bigint_method(b, name, args),
            _ => None,
        },
    }
}

/// `java.math.BigDecimal` methods (the cheap ones).
fn decimal_method(d: &Decimal, name: &str, args: &[Value]) -> MResult {
    let dec = |r: Result<Decimal, String>| Some(r.map(|v| Value::Decimal(Rc::new(v))));
    match (name, args) {
        ("intValue", []) => ok(Value::Int(d.int_value())),
        ("longValue", []) => ok(Value::Long(d.long_value())),
        ("doubleValue", []) => ok(Value::Double(d.to_f64())),
        ("scale", []) => ok(Value::Int(i32::try_from(d.scale).unwrap_or(i32::MAX))),
        ("signum", []) => ok(Value::Int(d.signum())),
        ("precision", []) => ok(Value::Int(d.precision())),
        ("toPlainString", []) => cap(d.to_plain_string()),
        ("unscaledValue", []) => ok(Value::BigInt(Rc::new(d.unscaled.clone()))),
        ("toBigInteger", []) => ok(Value::BigInt(Rc::new(d.to_bigint()))),
        ("negate", []) => dec(Ok(Decimal {
            unscaled: -d.unscaled.clone(),
            scale: d.scale,
        })),
        ("abs", []) => dec(Ok(Decimal {
            unscaled: d.unscaled.abs(),
            scale: d.scale,
        })),
        ("stripTrailingZeros", []) => dec(Ok(d.strip_trailing_zeros())),
        ("compareTo", [Value::Decimal(o)]) => ok(Value::Int(d.compare(o) as i32)),
        // compareTo(Object) casts its argument.
        ("compareTo", [o]) if !o.is_null() => err(format!(
            "java.lang.ClassCastException: class {} cannot be cast to class java.math.BigDecimal",
            o.java_class_name()
        )),
        ("add", [Value::Decimal(o)]) => dec(d.add(o)),
        ("subtract", [Value::Decimal(o)]) => dec(d.sub(o)),
        ("multiply", [Value::Decimal(o)]) => dec(d.mul(o)),
        _ => None,
    }
}

fn bigint_method(b: &BigInt, name: &str, args: &[Value]) -> MResult {
    let other = |v: &Value| match v {
        Value::BigInt(o) => Some((**o).clone()),
        _ => None,
    };
    let big = |v: BigInt| Some(super::number::check_bigint(v).map(|v| Value::BigInt(Rc::new(v))));
    match (name, args) {
        ("add", [o]) => big(b + other(o)?),
        ("subtract", [o]) => big(b - other(o)?),
        ("multiply", [o]) => big(b * other(o)?),
        ("negate", []) => big(-b.clone()),
        _ => None,
    }
}

fn ioobe(index: i64, len: usize) -> MResult {
    err(format!(
        "java.lang.IndexOutOfBoundsException: Index {index} out of bounds for length {len}"
    ))
}

fn list_method(l: &ListRef, name: &str, args: &[Value]) -> MResult {
    let Ok(mut list) = l.try_borrow_mut() else {
        return err("java.util.ConcurrentModificationException");
    };
    let len = list.items.len();
    match (name, args) {
        ("size", []) => ok(Value::Int(len as i32)),
        ("isEmpty", []) => ok(Value::Bool(len == 0)),
        ("get", [i]) => {
            let i = int_arg(i)?;
            match usize::try_from(i).ok().and_then(|i| list.items.get(i)) {
                Some(v) => ok(v.clone()),
                None => ioobe(i64::from(i), len),
            }
        }
        ("add", [v]) => {
            list.items.push(v.clone());
            ok(Value::Bool(true))
        }
        ("add", [i, v]) => {
            let i = int_arg(i)?;
            match usize::try_from(i).ok().filter(|&i| i <= len) {
                Some(i) => {
                    list.items.insert(i, v.clone());
                    void()
                }
                None => err(format!(
                    "java.lang.IndexOutOfBoundsException: Index: {i}, Size: {len}"
                )),
            }
        }
        ("set", [i, v]) => {
            let i = int_arg(i)?;
            match usize::try_from(i).ok().and_then(|i| list.items.get_mut(i)) {
                Some(slot) => ok(std::mem::replace(slot, v.clone())),
                None => ioobe(i64::from(i), len),
            }
        }
        // remove(int) is more specific than remove(Object) for an Integer argument.
        ("remove", [Value::Int(i)]) => {
            let i = *i;
            match usize::try_from(i).ok().filter(|&i| i < len) {
                Some(i) => ok(list.items.remove(i)),
                None => ioobe(i64::from(i), len),
            }
        }
        ("remove", [v]) => match list.items.iter().position(|x| x.java_equals(v)) {
            Some(p) => {
                list.items.remove(p);
                ok(Value::Bool(true))
            }
            None => ok(Value::Bool(false)),
        },
        ("contains", [v]) => ok(Value::Bool(list.items.iter().any(|x| x.java_equals(v)))),
        ("indexOf", [v]) => ok(Value::Int(
            list.items
                .iter()
                .position(|x| x.java_equals(v))
                .map_or(-1, |p| p as i32),
        )),
        ("lastIndexOf", [v]) => ok(Value::Int(
            list.items
                .iter()
                .rposition(|x| x.java_equals(v))
                .map_or(-1, |p| p as i32),
        )),
        ("clear", []) => {
            list.items.clear();
            void()
        }
        ("addAll", [c]) => {
            let items = collection_items(c, l, &list.items)?;
            let changed = !items.is_empty();
            list.items.extend(items);
            ok(Value::Bool(changed))
        }
        ("addAll", [i, c]) => {
            let i = int_arg(i)?;
            let items = collection_items(c, l, &list.items)?;
            let Some(at) = usize::try_from(i).ok().filter(|&i| i <= len) else {
                return err(format!(
                    "java.lang.IndexOutOfBoundsException: Index: {i}, Size: {len}"
                ));
            };
            let changed = !items.is_empty();
            let tail = list.items.split_off(at);
            list.items.extend(items);
            list.items.extend(tail);
            ok(Value::Bool(changed))
        }
        ("containsAll", [c]) => {
            let items = collection_items(c, l, &list.items)?;
            ok(Value::Bool(
                items
                    .iter()
                    .all(|v| list.items.iter().any(|x| x.java_equals(v))),
            ))
        }
        ("subList", [a, b]) => {
            let (a, b) = (int_arg(a)?, int_arg(b)?);
            if a < 0 {
                return err(format!(
                    "java.lang.IndexOutOfBoundsException: fromIndex = {a}"
                ));
            }
            if b as i64 > len as i64 {
                return err(format!(
                    "java.lang.IndexOutOfBoundsException: toIndex = {b}"
                ));
            }
            if a > b {
                return err(format!(
                    "java.lang.IllegalArgumentException: fromIndex({a}) > toIndex({b})"
                ));
            }
            let items = list
                .items
                .get(a as usize..b as usize)
                .unwrap_or(&[])
                .to_vec();
            ok(Value::new_list(items))
        }
        ("toJSONString", []) if list.json => {
            drop(list);
            ok(Value::str(&Value::List(l.clone()).to_json_string()))
        }
        _ => None,
    }
}

/// The elements of a `Collection` argument (a list; a map is no Collection).
fn collection_items(c: &Value, this: &ListRef, this_items: &[Value]) -> Option<Vec<Value>> {
    match c {
        // `$l.addAll($l)`: the list is borrowed here; Java copies it first.
        Value::List(o) if Rc::ptr_eq(this, o) => Some(this_items.to_vec()),
        Value::List(o) => o.try_borrow().ok().map(|o| o.items.clone()),
        _ => None,
    }
}

fn map_method(m: &MapRef, name: &str, args: &[Value]) -> MResult {
    match (name, args) {
        ("keySet", []) | ("values", []) | ("entrySet", []) => {
            let map = m.try_borrow().ok()?;
            let items = match name {
                "keySet" => map.entries.keys().map(Key::to_value).collect(),
                "values" => map.entries.values().cloned().collect(),
                _ => map
                    .entries
                    .iter()
                    .map(|(k, v)| {
                        Value::Object(Rc::new(MapEntry {
                            map: m.clone(),
                            key: k.clone(),
                            value: RefCell::new(v.clone()),
                        }))
                    })
                    .collect(),
            };
            return ok(Value::List(Rc::new(RefCell::new(List {
                items,
                json: false,
            }))));
        }
        ("putAll", [Value::Map(o)]) => {
            if Rc::ptr_eq(o, m) {
                return void();
            }
            let other: Vec<(Key, Value)> = o
                .try_borrow()
                .ok()?
                .entries
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let mut map = m.try_borrow_mut().ok()?;
            for (k, v) in other {
                map.entries.insert(k, v);
            }
            return void();
        }
        _ => {}
    }
    let Ok(mut map) = m.try_borrow_mut() else {
        return err("java.util.ConcurrentModificationException");
    };
    match (name, args) {
        ("size", []) => ok(Value::Int(map.entries.len() as i32)),
        ("isEmpty", []) => ok(Value::Bool(map.entries.is_empty())),
        ("get", [k]) => ok(map.entries.get(&k.to_key()).cloned().unwrap_or_default()),
        ("getOrDefault", [k, d]) => ok(map
            .entries
            .get(&k.to_key())
            .cloned()
            .unwrap_or_else(|| d.clone())),
        ("containsKey", [k]) => ok(Value::Bool(map.entries.contains_key(&k.to_key()))),
        ("containsValue", [v]) => ok(Value::Bool(map.entries.values().any(|x| x.java_equals(v)))),
        ("put", [k, v]) => ok(map
            .entries
            .insert(k.to_key(), v.clone())
            .unwrap_or_default()),
        ("putIfAbsent", [k, v]) => {
            let key = k.to_key();
            match map.entries.get(&key) {
                Some(old) if !old.is_null() => ok(old.clone()),
                _ => {
                    map.entries.insert(key, v.clone());
                    ok(Value::Null)
                }
            }
        }
        ("replace", [k, v]) => {
            let key = k.to_key();
            match map.entries.get_mut(&key) {
                Some(slot) => ok(std::mem::replace(slot, v.clone())),
                None => ok(Value::Null),
            }
        }
        // LinkedHashMap.remove keeps the order of the other entries.
        ("remove", [k]) => ok(map.entries.shift_remove(&k.to_key()).unwrap_or_default()),
        ("remove", [k, v]) => {
            let key = k.to_key();
            if map.entries.get(&key).is_some_and(|x| x.java_equals(v)) {
                map.entries.shift_remove(&key);
                ok(Value::Bool(true))
            } else {
                ok(Value::Bool(false))
            }
        }
        ("clear", []) => {
            map.entries.clear();
            void()
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Properties and indexes

/// Does `name` name the getter `get<Prop>` / `is<Prop>` (1.7 tries `prop` as written,
/// then with its first letter's case toggled)?
fn names_prop(name: &str, prop: &str) -> bool {
    if name == prop {
        return true;
    }
    // `toggle_first(name) == prop`, without building the toggled string.
    let (mut a, mut b) = (name.chars(), prop.chars());
    let (Some(x), Some(y)) = (a.next(), b.next()) else {
        return false;
    };
    let toggled_matches = if x.is_lowercase() {
        x.to_uppercase().eq(std::iter::once(y))
    } else {
        x.to_lowercase().eq(std::iter::once(y))
    };
    toggled_matches && a.as_str() == b.as_str()
}

/// `$recv.name`: `getName()`, `getname()`, `get("name")` on maps, `isName()`. `None`: undefined.
pub fn get_property(recv: &Value, name: &str) -> Option<Value> {
    if let Value::Object(o) = recv {
        return o.property(name);
    }
    if recv.is_null() || name.is_empty() {
        return None;
    }
    // 1: getter methods (`getClass` is one every object has).
    if names_prop(name, "Class") {
        return Some(class_of(recv));
    }
    match recv {
        // 2: Map.get(name), whatever it holds.
        Value::Map(m) => Some(
            m.try_borrow()
                .ok()?
                .entries
                .get(&StrKey(name))
                .cloned()
                .unwrap_or_default(),
        ),
        // 4: boolean `isName()` getters.
        Value::Str(s) => {
            if names_prop(name, "Bytes") {
                string_method(s, "getBytes", &[]).and_then(Result::ok)
            } else if names_prop(name, "Empty") {
                Some(Value::Bool(s.is_empty()))
            } else if names_prop(name, "Blank") {
                Some(Value::Bool(s.chars().all(java_is_whitespace)))
            } else {
                None
            }
        }
        Value::List(l) => {
            if names_prop(name, "Empty") {
                Some(Value::Bool(l.try_borrow().ok()?.items.is_empty()))
            } else {
                None
            }
        }
        Value::Double(d) => {
            if names_prop(name, "NaN") {
                Some(Value::Bool(d.is_nan()))
            } else if names_prop(name, "Infinite") {
                Some(Value::Bool(d.is_infinite()))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Adjusts a negative `Integer` index by `size()` (1.7's `ASTIndex.adjMinusIndexArg`).
fn adjust_index(recv: &Value, idx: &Value) -> Result<Value, String> {
    let Value::Int(i) = idx else {
        return Ok(idx.clone());
    };
    if *i >= 0 {
        return Ok(idx.clone());
    }
    let size = match recv {
        Value::List(l) => l.try_borrow().map(|l| l.items.len()).unwrap_or(0),
        Value::Map(m) => m.try_borrow().map(|m| m.entries.len()).unwrap_or(0),
        Value::Object(o) => match o.call("size", &[]) {
            Some(Ok(Value::Int(n))) => n.max(0) as usize,
            _ => {
                return Err(format!(
                "A 'size()' method required for negative value {i} does not exist for class '{}'",
                recv.java_class_name()
            ))
            }
        },
        _ => {
            return Err(format!(
                "A 'size()' method required for negative value {i} does not exist for class '{}'",
                recv.java_class_name()
            ))
        }
    };
    Ok(Value::Int((size as i64 + i64::from(*i)) as i32))
}

/// `$recv[idx]`: `get(idx)` after adjusting a negative Integer index by `size()`.
/// `Ok(None)`: undefined (no `get` method fits). `Err`: what 1.7 throws
/// (`java.lang.IndexOutOfBoundsException: …`, or the missing-`size()` message).
pub fn get_index(recv: &Value, idx: &Value) -> Result<Option<Value>, String> {
    if recv.is_null() {
        return Ok(None);
    }
    let idx = adjust_index(recv, idx)?;
    match recv {
        Value::List(_) | Value::Map(_) | Value::Object(_) => {
            match call_method(recv, "get", std::slice::from_ref(&idx)) {
                Some(Ok(v)) => Ok(Some(v)),
                Some(Err(e)) => Err(e),
                None => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

/// `#set($recv.name = value)`. `None`: the property cannot be set.
pub fn set_property(recv: &Value, name: &str, value: Value) -> Option<Result<(), String>> {
    match recv {
        Value::Object(o) => o.set_property(name, value),
        Value::Map(m) => {
            m.try_borrow_mut()
                .ok()?
                .entries
                .insert(Key::str(name), value);
            Some(Ok(()))
        }
        _ => None,
    }
}

/// `#set($recv[idx] = value)`: `set(idx, value)`, else `put(idx, value)`, after
/// adjusting a negative Integer index by `size()`. `None`: cannot be set.
pub fn set_index(recv: &Value, idx: &Value, value: Value) -> Option<Result<(), String>> {
    if recv.is_null() {
        return None;
    }
    let idx = match adjust_index(recv, idx) {
        Ok(i) => i,
        Err(e) => return Some(Err(e)),
    };
    let args = [idx, value];
    let r = match recv {
        Value::List(l) => list_method(l, "set", &args),
        Value::Map(m) => map_method(m, "put", &args),
        Value::Object(o) => o.call("set", &args).or_else(|| o.call("put", &args)),
        _ => None,
    }?;
    Some(r.map(|_| ()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(v: &str) -> Value {
        Value::str(v)
    }

    fn call(recv: &Value, name: &str, args: &[Value]) -> String {
        match call_method(recv, name, args) {
            None => "NONE".into(),
            Some(Ok(v)) => v.to_java_string(),
            Some(Err(e)) => format!("ERR {e}"),
        }
    }

    #[test]
    fn string_methods() {
        // expected: oracle
        let a = s("abc");
        assert_eq!(
            call(&a, "substring", &[Value::Int(5)]),
            "ERR java.lang.StringIndexOutOfBoundsException: begin 5, end 3, length 3"
        );
        assert_eq!(
            call(&a, "charAt", &[Value::Int(5)]),
            "ERR java.lang.StringIndexOutOfBoundsException: String index out of range: 5"
        );
        assert_eq!(call(&a, "substring", &[Value::Int(1)]), "bc");
        assert_eq!(call(&a, "substring", &[Value::Long(1)]), "NONE");
        assert_eq!(call(&a, "indexOf", &[Value::Int(98)]), "1");
        assert_eq!(call(&a, "indexOf", &[s("")]), "0");
        assert_eq!(call(&a, "indexOf", &[s(""), Value::Int(9)]), "3");
        assert_eq!(call(&a, "lastIndexOf", &[s("")]), "3");
        let e = s("h\u{e9}\u{1F600}x");
        assert_eq!(call(&e, "length", &[]), "5");
        assert_eq!(call(&e, "indexOf", &[s("x")]), "4");
        assert_eq!(
            call(&e, "substring", &[Value::Int(2), Value::Int(4)]),
            "\u{1F600}"
        );
        assert_eq!(call(&s(" a "), "trim", &[]), "a");
        assert_eq!(call(&s("ab"), "hashCode", &[]), "3105");
        assert_eq!(call(&s("a"), "compareTo", &[s("c")]), "-2");
        assert_eq!(call(&s("abc"), "replace", &[s(""), s("-")]), "-a-b-c-");
        assert_eq!(
            call(&a, "repeat", &[Value::Int(-1)]),
            "ERR java.lang.IllegalArgumentException: count is negative: -1"
        );
        assert!(call(&a, "repeat", &[Value::Int(i32::MAX)]).starts_with("ERR"));
        assert_eq!(call(&a, "class", &[]), "NONE");
        assert_eq!(call(&a, "getClass", &[]), "class java.lang.String");
    }

    #[test]
    fn list_methods() {
        // expected: oracle
        let l = Value::new_list(vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
        assert_eq!(call(&l, "remove", &[Value::Int(0)]), "1");
        assert_eq!(call(&l, "remove", &[Value::Long(3)]), "false");
        assert_eq!(
            call(&l, "add", &[Value::Int(7), s("x")]),
            "ERR java.lang.IndexOutOfBoundsException: Index: 7, Size: 2"
        );
        assert_eq!(call(&l, "add", &[Value::Int(0), s("x")]), "");
        assert_eq!(l.to_java_string(), "[x, 2, 3]");
        assert_eq!(
            call(&l, "get", &[Value::Int(5)]),
            "ERR java.lang.IndexOutOfBoundsException: Index 5 out of bounds for length 3"
        );
        assert_eq!(call(&l, "get", &[Value::Long(0)]), "NONE");
        assert_eq!(
            get_index(&l, &Value::Int(-1)).map(|v| v.map(|v| v.to_java_string())),
            Ok(Some("3".into()))
        );
        assert_eq!(
            get_index(&s("abc"), &Value::Int(-1)).map(|v| v.is_some()),
            Err("A 'size()' method required for negative value -1 does not exist for class 'java.lang.String'".into())
        );
        assert_eq!(
            get_property(&l, "empty").map(|v| v.to_java_string()),
            Some("false".into())
        );
        assert_eq!(get_property(&l, "size").map(|v| v.to_java_string()), None);
    }

    #[test]
    fn map_methods() {
        // expected: oracle
        let mut e = crate::eval::value::Entries::default();
        e.insert(Key::str("a"), Value::Int(1));
        e.insert(Key::str("b"), s("x"));
        let m = Value::new_map(e);
        assert_eq!(call(&m, "entrySet", &[]), "[a=1, b=x]");
        assert_eq!(call(&m, "keySet", &[]), "[a, b]");
        assert_eq!(call(&m, "put", &[s("a"), Value::Int(2)]), "1");
        assert_eq!(call(&m, "put", &[s("c"), Value::Int(2)]), "null");
        assert_eq!(get_property(&m, "size").map(|v| v.is_null()), Some(true));
        assert_eq!(
            get_property(&m, "class").map(|v| v.to_java_string()),
            Some("class java.util.LinkedHashMap".into())
        );
        let entries = call_method(&m, "entrySet", &[]);
        if let Some(Ok(Value::List(l))) = entries {
            let first = l.borrow().items.first().cloned().unwrap_or_default();
            assert_eq!(
                get_property(&first, "key").map(|v| v.to_java_string()),
                Some("a".into())
            );
            assert_eq!(call(&first, "getValue", &[]), "2");
            assert_eq!(call(&first, "setValue", &[Value::Int(9)]), "2");
            assert_eq!(m.to_java_string(), "{a=9, b=x, c=2}");
        } else {
            panic!("entrySet");
        }
        assert_eq!(call(&m, "remove", &[s("a")]), "9");
        assert_eq!(m.to_java_string(), "{b=x, c=2}");
    }

    proptest! {
        #[test]
        fn substring_never_panics(st in "\\PC{0,12}", a in -3i32..20, b in -3i32..20) {
            let v = Value::str(&st);
            let _ = call_method(&v, "substring", &[Value::Int(a), Value::Int(b)]);
            let _ = call_method(&v, "substring", &[Value::Int(a)]);
            let _ = call_method(&v, "charAt", &[Value::Int(a)]);
            let _ = call_method(&v, "codePointAt", &[Value::Int(a)]);
            let _ = call_method(&v, "indexOf", &[Value::str("a"), Value::Int(a)]);
            let _ = call_method(&v, "lastIndexOf", &[Value::str(""), Value::Int(b)]);
            let _ = call_method(&v, "indexOf", &[Value::Int(a * 1000)]);
            let _ = call_method(&v, "startsWith", &[Value::str("a"), Value::Int(a)]);
        }
    }
    #[test]
    fn big_decimal_methods() {
        // expected: oracle
        let b = Value::BigInt(Rc::new(
            "12345678901234567890".parse::<BigInt>().unwrap_or_default(),
        ));
        let half = Decimal::from_f64(0.5)
            .and_then(|h| {
                Decimal::from_bigint(&"12345678901234567890".parse().unwrap_or_default()).add(&h)
            })
            .map(|d| Value::Decimal(Rc::new(d)))
            .unwrap_or_default();
        let x = &half;
        assert_eq!(call(x, "intValue", &[]), "-350287150");
        assert_eq!(call(x, "longValue", &[]), "-6101065172474983726");
        assert_eq!(call(x, "doubleValue", &[]), "1.2345678901234567E19");
        assert_eq!(call(x, "toString", &[]), "12345678901234567890.5");
        assert_eq!(call(x, "scale", &[]), "1");
        assert_eq!(call(x, "signum", &[]), "1");
        assert_eq!(call(x, "precision", &[]), "21");
        assert_eq!(call(x, "hashCode", &[]), "1337890915");
        assert_eq!(call(x, "toPlainString", &[]), "12345678901234567890.5");
        assert_eq!(call(x, "negate", &[]), "-12345678901234567890.5");
        assert_eq!(call(x, "abs", &[]), "12345678901234567890.5");
        assert_eq!(call(x, "unscaledValue", &[]), "123456789012345678905");
        assert_eq!(
            call(x, "add", std::slice::from_ref(x)),
            "24691357802469135781.0"
        );
        assert_eq!(call(x, "compareTo", std::slice::from_ref(x)), "0");
        assert_eq!(call(x, "equals", std::slice::from_ref(x)), "true");
        assert_eq!(call(x, "equals", std::slice::from_ref(&b)), "false");
        assert_eq!(call(x, "equals", &[Value::Int(1)]), "false");
        assert!(
            call(x, "compareTo", &[Value::Int(1)]).starts_with("ERR java.lang.ClassCastException")
        );
        assert_eq!(x.java_class_name(), "java.math.BigDecimal");
        // A BigDecimal map key stays a BigDecimal.
        assert_eq!(
            x.to_key().to_value().java_class_name(),
            "java.math.BigDecimal"
        );
        assert!(x.to_key().to_value().java_equals(x));
    }
}
