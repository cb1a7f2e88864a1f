//! `java.lang.Object`'s methods every value has (`getClass`, `toString`,
//! `hashCode`, `equals`).

use super::class::class_of;
use super::string::java_string_hash;
use super::{ok, MResult};
use crate::eval::budget::{Budget, Exceeded, MAX_VALUE_DEPTH};
use crate::eval::value::{CallError, JStr, ListRef, MapRef, Value};

/// Java's `hashCode()` of a value, charged to `budget` (a step per value).
///
/// Lists hash as `ArrayList` (`31 * h + e`), maps as `AbstractMap` (the sum of
/// `key ^ value` over the entries), a map entry as `key ^ value`. Computed
/// without recursion; a list that holds itself has no end, and past
/// [`MAX_VALUE_DEPTH`] levels the hash fails as Java's stack overflows.
pub fn java_hash(v: &Value, budget: &Budget) -> Result<i32, Exceeded> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut pending = start(v, &mut stack, budget)?;
    loop {
        let Some(top) = stack.last_mut() else {
            return Ok(pending.unwrap_or(0));
        };
        let next_value = match top {
            Frame::List { list, next, h } => {
                if let Some(x) = pending.take() {
                    *h = h.wrapping_mul(31).wrapping_add(x);
                }
                let item = list
                    .try_borrow()
                    .ok()
                    .and_then(|l| l.items.get(*next).cloned());
                *next += 1;
                match item {
                    Some(item) => item,
                    None => {
                        pending = Some(*h);
                        stack.pop();
                        continue;
                    }
                }
            }
            Frame::Map { map, next, h, key } => {
                if let Some(x) = pending.take() {
                    *h = h.wrapping_add(*key ^ x);
                }
                let entry = map.try_borrow().ok().and_then(|m| {
                    m.entries
                        .get_index(*next)
                        .map(|(k, v)| (k.to_value(), v.clone()))
                });
                *next += 1;
                match entry {
                    Some((k, v)) => {
                        *key = scalar_hash(&k);
                        v
                    }
                    None => {
                        pending = Some(*h);
                        stack.pop();
                        continue;
                    }
                }
            }
            Frame::Entry { key, value } => match value.take() {
                Some(v) => v,
                None => {
                    pending = Some(*key ^ pending.unwrap_or(0));
                    stack.pop();
                    continue;
                }
            },
        };
        pending = start(&next_value, &mut stack, budget)?;
    }
}

/// A list, map or map entry whose hash is being computed.
enum Frame {
    List {
        list: ListRef,
        next: usize,
        h: i32,
    },
    Map {
        map: MapRef,
        next: usize,
        h: i32,
        /// The hash of the key of the entry whose value is being hashed.
        key: i32,
    },
    Entry {
        key: i32,
        value: Option<Value>,
    },
}

/// The hash of `v` when it needs no frame; else pushes its frame and gives `None`.
fn start(v: &Value, stack: &mut Vec<Frame>, budget: &Budget) -> Result<Option<i32>, Exceeded> {
    budget.step()?;
    let frame = match v {
        // A Java array's hash is its identity's.
        Value::List(l) if l.try_borrow().is_ok_and(|l| l.array.is_some()) => {
            let hash = l
                .try_borrow()
                .ok()
                .and_then(|l| l.array)
                .map_or(0, |a| a.hash);
            return Ok(Some(hash));
        }
        Value::List(l) => Frame::List {
            list: l.clone(),
            next: 0,
            h: 1,
        },
        Value::Map(m) => Frame::Map {
            map: m.clone(),
            next: 0,
            h: 0,
            key: 0,
        },
        // A `subList` view hashes as a list of its elements.
        Value::Object(o) if o.is_list() => match o.list_elements(budget) {
            Some(items) => Frame::List {
                list: match Value::new_list(items?) {
                    Value::List(l) => l,
                    _ => return Ok(Some(1)),
                },
                next: 0,
                h: 1,
            },
            None => return Ok(Some(1)),
        },
        // A `Map` object (`$foreach`) hashes as its map.
        Value::Object(o) if o.as_map().is_some() => match o.as_map() {
            Some(m) => Frame::Map {
                map: m,
                next: 0,
                h: 0,
                key: 0,
            },
            None => return Ok(Some(0)),
        },
        Value::Object(o) => match o.entry() {
            Some((k, value)) => Frame::Entry {
                key: scalar_hash(&k),
                value: Some(value),
            },
            None => {
                let hash = match o.hash_code(budget) {
                    Some(h) => h?,
                    None => java_string_hash(&o.to_java_string()),
                };
                return Ok(Some(hash));
            }
        },
        other => return Ok(Some(scalar_hash(other))),
    };
    if stack.len() >= MAX_VALUE_DEPTH {
        return Err(Exceeded::Depth(MAX_VALUE_DEPTH));
    }
    stack.push(frame);
    Ok(None)
}

/// The hash of a value that holds no other values (lists, maps and entries hash as 0).
fn scalar_hash(v: &Value) -> i32 {
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
        Value::BigInt(b) => bigint_hash(b),
        // BigDecimal.hashCode: 31 * unscaledValue.hashCode() + scale.
        Value::Decimal(d) => bigint_hash(&d.unscaled)
            .wrapping_mul(31)
            .wrapping_add(d.scale as i32),
        Value::Str(s) => java_string_hash(s),
        Value::Char(c) => i32::from(*c),
        Value::Byte(b) => i32::from(*b),
        Value::Short(v) => i32::from(*v),
        Value::Float(f) => crate::eval::value::float_bits(*f) as i32,
        Value::Object(o) => java_string_hash(&o.to_java_string()),
        Value::List(_) | Value::Map(_) => 0,
    }
}

/// `BigInteger.hashCode`.
fn bigint_hash(b: &num_bigint::BigInt) -> i32 {
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

/// Methods of `java.lang.Object` every value has.
pub(super) fn method(recv: &Value, name: &str, args: &[Value], budget: &Budget) -> MResult {
    let r = match (name, args) {
        ("getClass", []) => return ok(class_of(recv)),
        ("toString", []) => recv.java_string(budget).map(|s| Value::Str(JStr::from(s))),
        ("hashCode", []) => java_hash(recv, budget).map(Value::Int),
        ("equals", [other]) => recv.java_equals(other, budget).map(Value::Bool),
        _ => return None,
    };
    Some(r.map_err(CallError::from))
}
