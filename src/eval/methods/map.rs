//! `java.util.LinkedHashMap`'s methods and its `Map.Entry`.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::class::JavaClass;
use super::{err, java_hash, ok, void, MResult};
use crate::eval::budget::{Budget, Exceeded, CONTAINER_BYTES, ENTRY_BYTES};
use crate::eval::value::{
    ArrayOf, CallError, CallResult, Entries, HostObject, JStr, Key, MapRef, MapView, Value,
};

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
    pub(crate) fn value(map: &MapRef, key: &Key, value: &Value) -> Value {
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
                    .map(|s| Value::Str(JStr::from(s)))
                    .map_err(CallError::from),
            ),
            ("getClass", []) => ok(JavaClass::value("java.util.LinkedHashMap$Entry")),
            ("hashCode", []) => Some(
                java_hash(&this(), budget)
                    .map(Value::Int)
                    .map_err(CallError::from),
            ),
            ("getKey" | "getValue" | "toString" | "getClass" | "hashCode", [_, ..]) => {
                super::wrong_number_of_arguments()
            }
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

/// A live view of a map: what `keySet()`, `values()` and `entrySet()`
/// return. It reads the map at each use, so it sees the entries put or
/// removed after it was made, and its `remove` and `clear` change the map,
/// as Java's views do; it has no `get` (a `Set` is no `List`), and
/// `#foreach` over it iterates the map itself (a change of the map's size
/// during the loop is a `ConcurrentModificationException`).
#[derive(Debug)]
pub struct CollectionView {
    /// `None` once the cycle collector let go of it.
    map: RefCell<Option<MapRef>>,
    kind: MapView,
}

impl CollectionView {
    pub(crate) fn value(map: &MapRef, kind: MapView) -> Value {
        Value::Object(Rc::new(CollectionView {
            map: RefCell::new(Some(map.clone())),
            kind,
        }))
    }

    fn map(&self) -> Option<MapRef> {
        self.map.try_borrow().ok()?.clone()
    }

    fn class_name(&self) -> &'static str {
        match self.kind {
            MapView::Keys => "java.util.LinkedHashMap$LinkedKeySet",
            MapView::Values => "java.util.LinkedHashMap$LinkedValues",
            MapView::Entries => "java.util.LinkedHashMap$LinkedEntrySet",
        }
    }

    /// `contains(x)`: a key, a value (by `equals`), or an entry whose key
    /// the map has with an equal value.
    fn contains(&self, m: &MapRef, x: &Value, budget: &Budget) -> Result<bool, Exceeded> {
        let Ok(map) = m.try_borrow() else {
            return Ok(false);
        };
        match self.kind {
            MapView::Keys => Ok(map.entries.contains_key(&x.to_key(budget)?)),
            MapView::Values => {
                for v in map.entries.values() {
                    if v.java_equals(x, budget)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            MapView::Entries => {
                let Value::Object(o) = x else {
                    return Ok(false);
                };
                let Some((k, v)) = o.entry() else {
                    return Ok(false);
                };
                match map.entries.get(&k.to_key(budget)?) {
                    Some(have) => have.java_equals(&v, budget),
                    None => Ok(false),
                }
            }
        }
    }

    fn contains_all(&self, m: &MapRef, items: &[Value], budget: &Budget) -> Result<bool, Exceeded> {
        for x in items {
            if !self.contains(m, x, budget)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `remove(x)`: the entry of that key, of the first equal value, or
    /// that entry; whether one was removed.
    fn remove(&self, m: &MapRef, x: &Value, budget: &Budget) -> Result<bool, Exceeded> {
        let key = match self.kind {
            MapView::Keys => Some(x.to_key(budget)?),
            MapView::Values => {
                let Ok(map) = m.try_borrow() else {
                    return Ok(false);
                };
                let mut found = None;
                for (k, v) in map.entries.iter() {
                    if v.java_equals(x, budget)? {
                        found = Some(k.clone());
                        break;
                    }
                }
                found
            }
            MapView::Entries => {
                if !self.contains(m, x, budget)? {
                    return Ok(false);
                }
                match x {
                    Value::Object(o) => o.entry().map(|(k, _)| k.to_key(budget)).transpose()?,
                    _ => None,
                }
            }
        };
        let Some(key) = key else {
            return Ok(false);
        };
        let Ok(mut map) = m.try_borrow_mut() else {
            return Ok(false);
        };
        budget.scan(map.entries.len().saturating_mul(ENTRY_BYTES))?;
        Ok(map.entries.shift_remove(&key).is_some())
    }
}

/// A map's keys, values or entries, in order, copied and charged.
pub(crate) fn view_elements(
    m: &MapRef,
    kind: MapView,
    budget: &Budget,
) -> Result<Vec<Value>, Exceeded> {
    let Ok(map) = m.try_borrow() else {
        return Ok(Vec::new());
    };
    let n = map.entries.len();
    budget.slots(n)?;
    Ok(match kind {
        MapView::Keys => map.entries.keys().map(Key::to_value).collect(),
        MapView::Values => map.entries.values().cloned().collect(),
        MapView::Entries => {
            budget.alloc(n.saturating_mul(CONTAINER_BYTES))?;
            map.entries
                .iter()
                .map(|(k, v)| MapEntry::value(m, k, v))
                .collect()
        }
    })
}

impl HostObject for CollectionView {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "class" | "Class" => Some(JavaClass::value(self.class_name())),
            "empty" | "Empty" => {
                let m = self.map()?;
                let empty = m.try_borrow().ok()?.entries.is_empty();
                Some(Value::Bool(empty))
            }
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        let m = self.map()?;
        let len = m.try_borrow().map_or(0, |m| m.entries.len());
        let set = self.kind != MapView::Values;
        match (name, args) {
            ("size", []) => ok(Value::Int(i32::try_from(len).unwrap_or(i32::MAX))),
            ("isEmpty", []) => ok(Value::Bool(len == 0)),
            ("contains", [x]) => ok(Value::Bool(charged!(self.contains(&m, x, budget)))),
            ("containsAll", [Value::Null]) => err(super::list::NULL_COLLECTION_ITERATED),
            ("removeAll" | "retainAll", [Value::Null]) => err("java.lang.NullPointerException"),
            ("containsAll", [c]) => {
                let items = charged!(super::collection_elements(c, budget)?);
                ok(Value::Bool(charged!(self.contains_all(&m, &items, budget))))
            }
            ("remove", [x]) => ok(Value::Bool(charged!(self.remove(&m, x, budget)))),
            ("clear", []) => {
                charge!(budget.steps(len as u64));
                if let Ok(mut map) = m.try_borrow_mut() {
                    map.entries.clear();
                }
                void()
            }
            ("add" | "addAll", [_]) => err("java.lang.UnsupportedOperationException"),
            ("toArray", []) => {
                let items = charged!(view_elements(&m, self.kind, budget));
                ok(Value::new_array(ArrayOf::Objects, items, budget))
            }
            ("toArray", [a]) => {
                let items = charged!(view_elements(&m, self.kind, budget));
                super::list::to_array_in(None, &items, a, budget)
            }
            ("stream" | "parallelStream", []) => ok(super::stream::JavaStream::of_map_view(
                &m,
                self.kind,
                name == "parallelStream",
                budget,
            )),
            ("iterator", []) => ok(super::iterator::JavaIterator::of_map(
                &m,
                self.kind,
                super::iterator::map_stamp(&m),
                budget,
            )),
            ("toString", []) => {
                let items = charged!(view_elements(&m, self.kind, budget));
                let s = charged!(Value::new_list(items).java_string(budget));
                ok(Value::Str(JStr::from(s)))
            }
            // AbstractSet's: the sum of the elements' hash codes (a values
            // view keeps Object's, by identity: not known here).
            ("hashCode", []) if set => {
                let items = charged!(view_elements(&m, self.kind, budget));
                let mut h = 0i32;
                for x in &items {
                    h = h.wrapping_add(charged!(java_hash(x, budget)));
                }
                ok(Value::Int(h))
            }
            // A set view's is AbstractSet's: another set view of the same size
            // holding them all. A values view's is Object's, identity, and a
            // map has one values view: a values view of the same map.
            ("equals", [other]) => {
                let other = match other {
                    Value::Object(o) => o.map_view(),
                    _ => None,
                };
                let same = match other {
                    Some((om, MapView::Values)) => !set && Rc::ptr_eq(&om, &m),
                    Some((om, kind))
                        if set && om.try_borrow().is_ok_and(|o| o.entries.len() == len) =>
                    {
                        let items = charged!(view_elements(&om, kind, budget));
                        charged!(self.contains_all(&m, &items, budget))
                    }
                    _ => false,
                };
                ok(Value::Bool(same))
            }
            ("getClass", []) => ok(JavaClass::value(self.class_name())),
            _ => super::null_function(super::COLLECTION_FUNCTIONS, name, args),
        }
    }

    /// `[a, b]`, unmetered.
    fn to_java_string(&self) -> String {
        match self.map() {
            Some(m) => view_elements(&m, self.kind, &Budget::unmetered())
                .map(|items| Value::new_list(items).to_java_string())
                .unwrap_or_default(),
            None => "[]".into(),
        }
    }

    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        if let Some(m) = self.map() {
            f(&Value::Map(m));
        }
    }

    fn release(&self) {
        if let Ok(mut m) = self.map.try_borrow_mut() {
            *m = None;
        }
    }

    fn elements(&self, budget: &Budget) -> Option<Result<Vec<Value>, Exceeded>> {
        let m = self.map()?;
        Some(view_elements(&m, self.kind, budget))
    }

    fn map_view(&self) -> Option<(MapRef, MapView)> {
        Some((self.map()?, self.kind))
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
    // `putAll` of a `Map` object (`$foreach`): of its map.
    if let ("putAll", [Value::Object(o)]) = (name, args) {
        if let Some(other) = o.as_map() {
            return method(m, name, &[Value::Map(other)], budget);
        }
    }
    if let ("putAll", [Value::Null]) = (name, args) {
        return err("java.lang.NullPointerException: Cannot invoke \"java.util.Map.size()\" because \"m\" is null");
    }
    match (name, args) {
        ("keySet", []) => return ok(CollectionView::value(m, MapView::Keys)),
        ("values", []) => return ok(CollectionView::value(m, MapView::Values)),
        ("entrySet", []) => return ok(CollectionView::value(m, MapView::Entries)),
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
        // A shallow copy: a LinkedHashMap of the same entries.
        ("clone", [], _) => {
            charge!(budget.slots(len));
            charge!(budget.alloc(len.saturating_mul(ENTRY_BYTES)));
            let entries = map
                .entries
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let copy = Value::new_map(Entries::from_unique(entries));
            // Nothing holds the copy yet: it is in no cycle.
            ok(copy)
        }
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
        // `Map.replace(key, oldValue, newValue)`: when the key holds the old value.
        ("replace", [_, old, v], Some(key)) => {
            let held = match map.entries.get(&key) {
                Some(x) => charged!(x.java_equals(old, budget)),
                None => false,
            };
            if !held {
                return ok(Value::Bool(false));
            }
            budget.note_map(m, v);
            map.entries.insert(key, v.clone());
            ok(Value::Bool(true))
        }
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
