//! `$x.name` and `$x[i]`, read and set, as Velocity 1.7's introspection
//! resolves them: getters, `Map.get`, boolean `is` getters, `get(i)` / `set(i, v)`
//! / `put(k, v)` with negative indexes counted from the end.

use super::class::class_of;
use super::string::java_is_whitespace;
use super::{call_method, list, map};
use crate::eval::budget::{Budget, ENTRY_BYTES};
use crate::eval::value::{CallError, Key, Value};

/// Does `name` name the getter `get<Prop>` / `is<Prop>` (1.7 tries `prop` as written,
/// then with its first letter's case toggled)?
pub(super) fn names_prop(name: &str, prop: &str) -> bool {
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

/// `$recv.name`: `getName()`, `getname()`, `get("name")` on maps, `isName()`.
/// `Ok(None)`: undefined. What it builds (`$s.bytes`) is charged to `budget`.
#[inline]
pub fn get_property(recv: &Value, name: &str, budget: &Budget) -> Result<Option<Value>, CallError> {
    if let Value::Str(s) = recv {
        if names_prop(name, "Bytes") {
            return super::string::method(s, "getBytes", &[], budget).transpose();
        }
    }
    Ok(read_property(recv, name))
}

/// [`get_property`] of anything but a string's `bytes`: builds nothing.
#[inline]
fn read_property(recv: &Value, name: &str) -> Option<Value> {
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
        Value::Map(m) => Some(m.try_borrow().ok()?.get_str(name)),
        // 4: boolean `isName()` getters.
        Value::Str(s) => {
            if names_prop(name, "Empty") {
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
        Value::Double(d) => floating_property(*d, name),
        Value::Float(f) => floating_property(f64::from(*f), name),
        _ => None,
    }
}

/// The boolean getters of a `Double` or `Float` (`d` its value).
fn floating_property(d: f64, name: &str) -> Option<Value> {
    if names_prop(name, "NaN") {
        Some(Value::Bool(d.is_nan()))
    } else if names_prop(name, "Infinite") {
        Some(Value::Bool(d.is_infinite()))
    } else {
        None
    }
}

/// Adjusts a negative `Integer` index by `size()` (1.7's `ASTIndex.adjMinusIndexArg`).
fn adjust_index(recv: &Value, idx: &Value, budget: &Budget) -> Result<Value, CallError> {
    let Value::Int(i) = idx else {
        return Ok(idx.clone());
    };
    if *i >= 0 {
        return Ok(idx.clone());
    }
    let size = match recv {
        Value::List(l) => l.try_borrow().map(|l| l.items.len()).unwrap_or(0),
        Value::Map(m) => m.try_borrow().map(|m| m.entries.len()).unwrap_or(0),
        Value::Object(o) => match o.call("size", &[], budget) {
            Some(Ok(Value::Int(n))) => n.max(0) as usize,
            _ => {
                return Err(CallError::Java(format!(
                "A 'size()' method required for negative value {i} does not exist for class '{}'",
                recv.java_class_name()
            )))
            }
        },
        _ => {
            return Err(CallError::Java(format!(
                "A 'size()' method required for negative value {i} does not exist for class '{}'",
                recv.java_class_name()
            )))
        }
    };
    Ok(Value::Int((size as i64 + i64::from(*i)) as i32))
}

/// `$recv[idx]`: `get(idx)` after adjusting a negative Integer index by `size()`.
/// `Ok(None)`: undefined (no `get` method fits). `Err`: what 1.7 throws
/// (`java.lang.IndexOutOfBoundsException: …`, or the missing-`size()` message).
pub fn get_index(recv: &Value, idx: &Value, budget: &Budget) -> Result<Option<Value>, CallError> {
    if recv.is_null() {
        return Ok(None);
    }
    let idx = adjust_index(recv, idx, budget)?;
    match recv {
        Value::List(_) | Value::Map(_) | Value::Object(_) => {
            match call_method(recv, "get", std::slice::from_ref(&idx), budget) {
                Some(Ok(v)) => Ok(Some(v)),
                Some(Err(e)) => Err(e),
                None => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

/// `#set($recv.name = value)`. `None`: the property cannot be set.
pub fn set_property(
    recv: &Value,
    name: &str,
    value: Value,
    budget: &Budget,
) -> Option<Result<(), CallError>> {
    match recv {
        Value::Object(o) => o.set_property(name, value, budget),
        Value::Map(m) => {
            let mut map = m.try_borrow_mut().ok()?;
            let (len, cap) = (map.entries.len(), map.entries.capacity());
            if let Err(e) = budget.grow(len, cap, 1, ENTRY_BYTES) {
                return Some(Err(e.into()));
            }
            budget.note_map(m, &value);
            map.entries.insert(Key::str(name), value);
            Some(Ok(()))
        }
        _ => None,
    }
}

/// `#set($recv[idx] = value)`: `set(idx, value)`, else `put(idx, value)`, after
/// adjusting a negative Integer index by `size()`. `None`: cannot be set.
pub fn set_index(
    recv: &Value,
    idx: &Value,
    value: Value,
    budget: &Budget,
) -> Option<Result<(), CallError>> {
    if recv.is_null() {
        return None;
    }
    let idx = match adjust_index(recv, idx, budget) {
        Ok(i) => i,
        Err(e) => return Some(Err(e)),
    };
    let args = [idx, value];
    let r = match recv {
        Value::List(l) => list::method(l, "set", &args, budget),
        Value::Map(m) => map::method(m, "put", &args, budget),
        Value::Object(o) => o
            .call("set", &args, budget)
            .or_else(|| o.call("put", &args, budget)),
        _ => None,
    }?;
    Some(r.map(|_| ()))
}
