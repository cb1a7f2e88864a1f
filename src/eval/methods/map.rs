//! `java.util.LinkedHashMap`'s methods and its `Map.Entry`.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::object::JavaClass;
use super::{err, java_hash, ok, void, MResult};
use crate::eval::budget::{Budget, CONTAINER_BYTES, ENTRY_BYTES};
use crate::eval::value::{CallError, CallResult, HostObject, Key, MapRef, Value};

/// A `Map.Entry` of a map's `entrySet()`; `setValue` writes through to the map.
#[derive(Debug)]
pub struct MapEntry {
    map: MapRef,
    key: Key,
    value: RefCell<Value>,
    /// This entry, to note it as a holder of values when `setValue` changes it.
    this: Weak<MapEntry>,
}

impl MapEntry {
    fn value(map: &MapRef, key: &Key, value: &Value) -> Value {
        Value::Object(Rc::new_cyclic(|this| MapEntry {
            map: map.clone(),
            key: key.clone(),
            value: RefCell::new(value.clone()),
            this: this.clone(),
        }))
    }

    fn set_value(&self, v: Value, budget: &Budget) -> Value {
        budget.note_map(&self.map, &v);
        if let Some(this) = self.this.upgrade() {
            budget.note_insert(&Value::Object(this), &v);
        }
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
    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        let this = || {
            self.this
                .upgrade()
                .map(|t| Value::Object(t))
                .unwrap_or_default()
        };
        match (name, args) {
            ("getKey", []) => ok(self.key.to_value()),
            ("getValue", []) => ok(self.value.borrow().clone()),
            ("setValue", [v]) => ok(self.set_value(v.clone(), budget)),
            ("toString", []) => Some(
                this()
                    .java_string(budget)
                    .map(|s| Value::Str(Rc::from(s)))
                    .map_err(CallError::from),
            ),
            ("getClass", []) => ok(JavaClass::value("java.util.LinkedHashMap$Entry")),
            ("hashCode", []) => Some(
                java_hash(&this(), budget)
                    .map(Value::Int)
                    .map_err(CallError::from),
            ),
            _ => None,
        }
    }
    /// `key=value`, unmetered (printing inside a render goes through
    /// [`HostObject::entry`] and the render's budget).
    fn to_java_string(&self) -> String {
        let mut s = self.key.to_value().to_java_string();
        s.push('=');
        s.push_str(&self.value.borrow().to_java_string());
        s
    }
    fn set_property(
        &self,
        name: &str,
        value: Value,
        budget: &Budget,
    ) -> Option<Result<(), CallError>> {
        match name {
            "value" | "Value" => {
                self.set_value(value, budget);
                Some(Ok(()))
            }
            _ => None,
        }
    }
    fn entry(&self) -> Option<(Value, Value)> {
        Some((self.key.to_value(), self.value.borrow().clone()))
    }
    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        f(&Value::Map(self.map.clone()));
        if let Ok(v) = self.value.try_borrow() {
            f(&v);
        }
    }
    fn release(&self) {
        if let Ok(mut v) = self.value.try_borrow_mut() {
            *v = Value::Null;
        }
    }
}

/// `get(key)` of a string `key`, found by the string itself (no key is
/// built). `None`: `key` is not a string, or the map is in use (Java throws
/// `ConcurrentModificationException` there).
#[inline]
pub fn get_str(m: &MapRef, key: &Value) -> Option<Value> {
    let Value::Str(k) = key else {
        return None;
    };
    let map = m.try_borrow_mut().ok()?;
    Some(map.get_str(k))
}

pub(super) fn method(m: &MapRef, name: &str, args: &[Value], budget: &Budget) -> MResult {
    // The common case first, found by the string itself (no key is built).
    if let ("get", [key @ Value::Str(_)]) = (name, args) {
        return match get_str(m, key) {
            Some(v) => ok(v),
            None => err("java.util.ConcurrentModificationException"),
        };
    }
    match (name, args) {
        ("keySet", []) | ("values", []) | ("entrySet", []) => {
            let map = m.try_borrow().ok()?;
            let n = map.entries.len();
            charge!(budget.slots(n));
            let items = match name {
                "keySet" => map.entries.keys().map(Key::to_value).collect(),
                "values" => map.entries.values().cloned().collect(),
                _ => {
                    charge!(budget.alloc(n.saturating_mul(CONTAINER_BYTES)));
                    map.entries
                        .iter()
                        .map(|(k, v)| MapEntry::value(m, k, v))
                        .collect()
                }
            };
            return ok(Value::new_list(items));
        }
        ("putAll", [Value::Map(o)]) => {
            if Rc::ptr_eq(o, m) {
                return void();
            }
            let other: Vec<(Key, Value)> = {
                let o = o.try_borrow().ok()?;
                if let Ok(map) = m.try_borrow() {
                    let (len, cap) = (map.entries.len(), map.entries.capacity());
                    charge!(budget.grow(len, cap, o.entries.len(), ENTRY_BYTES));
                }
                o.entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
            let mut map = m.try_borrow_mut().ok()?;
            for (k, v) in other {
                budget.note_map(m, &v);
                map.entries.insert(k, v);
            }
            return void();
        }
        _ => {}
    }
    // The key argument, made before the map is borrowed (a key that is a list
    // or map is its `toString`, which may be this map's).
    let key = match args.first() {
        Some(k) if name != "containsValue" => Some(charged!(k.to_key(budget))),
        _ => None,
    };
    let Ok(mut map) = m.try_borrow_mut() else {
        return err("java.util.ConcurrentModificationException");
    };
    let len = map.entries.len();
    match (name, args, key) {
        ("size", [], _) => ok(Value::Int(len as i32)),
        ("isEmpty", [], _) => ok(Value::Bool(len == 0)),
        ("get", [_], Some(key)) => ok(map.entries.get(&key).cloned().unwrap_or_default()),
        ("getOrDefault", [_, d], Some(key)) => {
            ok(map.entries.get(&key).cloned().unwrap_or_else(|| d.clone()))
        }
        ("containsKey", [_], Some(key)) => ok(Value::Bool(map.entries.contains_key(&key))),
        ("containsValue", [v], _) => {
            for x in map.entries.values() {
                if charged!(x.java_equals(v, budget)) {
                    return ok(Value::Bool(true));
                }
            }
            ok(Value::Bool(false))
        }
        ("put", [_, v], Some(key)) => {
            charge!(budget.grow(len, map.entries.capacity(), 1, ENTRY_BYTES));
            budget.note_map(m, v);
            ok(map.entries.insert(key, v.clone()).unwrap_or_default())
        }
        ("putIfAbsent", [_, v], Some(key)) => match map.entries.get(&key) {
            Some(old) if !old.is_null() => ok(old.clone()),
            _ => {
                charge!(budget.grow(len, map.entries.capacity(), 1, ENTRY_BYTES));
                budget.note_map(m, v);
                map.entries.insert(key, v.clone());
                ok(Value::Null)
            }
        },
        ("replace", [_, v], Some(key)) => match map.entries.get_mut(&key) {
            Some(slot) => {
                budget.note_map(m, v);
                ok(std::mem::replace(slot, v.clone()))
            }
            None => ok(Value::Null),
        },
        // LinkedHashMap.remove keeps the order of the other entries.
        ("remove", [_], Some(key)) => {
            charge!(budget.scan(len.saturating_mul(ENTRY_BYTES)));
            ok(map.entries.shift_remove(&key).unwrap_or_default())
        }
        ("remove", [_, v], Some(key)) => {
            let found = match map.entries.get(&key) {
                Some(x) => charged!(x.java_equals(v, budget)),
                None => false,
            };
            if found {
                charge!(budget.scan(len.saturating_mul(ENTRY_BYTES)));
                map.entries.shift_remove(&key);
            }
            ok(Value::Bool(found))
        }
        ("clear", [], _) => {
            charge!(budget.steps(len as u64));
            map.entries.clear();
            void()
        }
        _ => None,
    }
}
