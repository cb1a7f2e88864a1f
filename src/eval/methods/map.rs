//! `java.util.LinkedHashMap`'s methods and its `Map.Entry`.

use std::cell::RefCell;
use std::rc::Rc;

use super::object::JavaClass;
use super::{err, java_hash, ok, void, MResult};
use crate::eval::value::{HostObject, Key, List, MapRef, Value};

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

pub(super) fn method(m: &MapRef, name: &str, args: &[Value]) -> MResult {
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
