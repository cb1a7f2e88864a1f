//! `$foreach`: the scope object of a `#foreach` loop, Velocity 1.7's
//! `ForeachScope`.
//!
//! A 1.7 `Scope` is an `AbstractMap` over a `java.util.HashMap` of its own (its
//! storage), with getters besides: `$foreach.index`, `count`, `hasNext`,
//! `first`, `last`, `parent`, `topmost`, `replaced`. Any other property is a
//! key of the storage (`$foreach.k` is `get("k")`, `#set($foreach.k = 1)` a
//! `put`), and every `Map` method reads or changes the storage, which lives as
//! long as the loop (each `#foreach` starts with an empty one). It prints as
//! the map does (`{}` while empty), in `HashMap`'s order, a value that is the
//! scope itself as `(this Map)`.
//!
//! The storage is one of the engine's maps, made on first use, kept in Java's
//! `HashMap` order after every call through the scope (by bucket of the key's
//! hash at the table's size, 16 doubled while more than 3/4 full, then in
//! insertion order within a bucket).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use crate::eval::budget::Budget;
use crate::eval::methods;
use crate::eval::value::{
    hash_map_bucket, host_class_name, CallError, CallResult, Entries, HostObject, MapRef, Value,
};

/// The class of `$foreach`.
const FOREACH_SCOPE: &str = "org.apache.velocity.runtime.directive.ForeachScope";

/// The storage's methods that read no order of its keys: they leave it
/// unsorted (see `ForeachScope::ordered`).
const ORDER_FREE: &[&str] = &[
    "put",
    "get",
    "getOrDefault",
    "containsKey",
    "putIfAbsent",
    "replace",
    "remove",
    "size",
    "isEmpty",
    "clear",
];

/// A `HashMap`'s first table size.
const FIRST_CAPACITY: usize = 16;

pub(in crate::eval) struct ForeachScope {
    index: Cell<i64>,
    has_next: Cell<bool>,
    /// The scope of the loop this one is in.
    parent: Option<Value>,
    /// What `$foreach` held before the loop when that was no scope.
    replaced: Option<Value>,
    /// Itself: the topmost scope of a loop in no other.
    this: Weak<ForeachScope>,
    /// The storage, made on first use.
    storage: RefCell<Option<MapRef>>,
    /// The storage's `HashMap` table size (it never shrinks).
    capacity: Cell<usize>,
    /// Keys were added since the storage was last put in `HashMap`'s order.
    unordered: Cell<bool>,
}

impl std::fmt::Debug for ForeachScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the storage: it may hold the scope.
        f.debug_struct("ForeachScope")
            .field("index", &self.index.get())
            .finish_non_exhaustive()
    }
}

impl ForeachScope {
    /// The scope of a loop begun while `$foreach` held `previous`;
    /// `innermost`: the scope of the loop it is in, if any.
    pub(in crate::eval) fn new(
        previous: Value,
        innermost: Option<&Rc<ForeachScope>>,
    ) -> Rc<ForeachScope> {
        let is_scope = match &previous {
            // Mostly the scope of the loop around (else one kept in a
            // variable from a loop that ended).
            Value::Object(o) => {
                innermost.is_some_and(|s| std::ptr::addr_eq(Rc::as_ptr(o), Rc::as_ptr(s)))
                    || host_class_name(o.as_ref()) == FOREACH_SCOPE
            }
            _ => false,
        };
        let (parent, replaced) = match previous {
            Value::Null => (None, None),
            p if is_scope => (Some(p), None),
            r => (None, Some(r)),
        };
        Rc::new_cyclic(|this| ForeachScope {
            index: Cell::new(-1),
            has_next: Cell::new(false),
            parent,
            replaced,
            this: this.clone(),
            storage: RefCell::new(None),
            capacity: Cell::new(FIRST_CAPACITY),
            unordered: Cell::new(false),
        })
    }

    /// The next iteration begins; `has_next`: another follows.
    #[inline]
    pub(in crate::eval) fn advance(&self, has_next: bool) {
        self.index.set(self.index.get() + 1);
        self.has_next.set(has_next);
    }

    #[inline]
    pub(in crate::eval) fn has_next(&self) -> bool {
        self.has_next.get()
    }

    /// A getter of `ForeachScope` by its property name.
    fn getter(&self, name: &str) -> Option<Value> {
        let index = self.index.get();
        Some(match name {
            "index" => Value::Int(index as i32),
            "count" => Value::Int((index + 1) as i32),
            "hasNext" => Value::Bool(self.has_next.get()),
            "first" => Value::Bool(index < 1),
            "last" => Value::Bool(!self.has_next.get()),
            "parent" => self.parent.clone().unwrap_or(Value::Null),
            "topmost" => self.topmost(),
            "replaced" => self.replaced.clone().unwrap_or(Value::Null),
            "class" | "Class" => methods::JavaClass::value(FOREACH_SCOPE),
            _ => return None,
        })
    }

    fn topmost(&self) -> Value {
        let mut top: Option<Value> = None;
        let mut cur = self.parent.clone();
        // Bounded by the loop nesting depth.
        let mut guard = 0;
        while let Some(Value::Object(o)) = cur {
            guard += 1;
            if guard > 10_000 {
                break;
            }
            let p = o.property("parent");
            top = Some(Value::Object(o));
            cur = match p {
                Some(Value::Null) | None => None,
                other => other,
            };
        }
        top.or_else(|| {
            let this: Rc<dyn HostObject> = self.this.upgrade()?;
            Some(Value::Object(this))
        })
        .unwrap_or(Value::Null)
    }

    /// The storage, made now if it was not.
    fn storage(&self) -> Option<MapRef> {
        let mut s = self.storage.try_borrow_mut().ok()?;
        if s.is_none() {
            if let Value::Map(m) = Value::new_map(Entries::new()) {
                *s = Some(m);
            }
        }
        s.clone()
    }

    /// The storage when it was made.
    fn storage_if_made(&self) -> Option<MapRef> {
        self.storage.try_borrow().ok()?.clone()
    }

    /// After a call that added keys to the storage (`len` of them now):
    /// the table doubles as `HashMap`'s does, and the order is due.
    fn grown(&self, len: usize) {
        let mut capacity = self.capacity.get();
        while len > capacity / 4 * 3 {
            capacity = capacity.saturating_mul(2);
        }
        self.capacity.set(capacity);
        self.unordered.set(true);
    }

    /// The storage `m` in `HashMap`'s order of its keys, before anything
    /// reads that order: a stable sort by bucket keeps the order keys came
    /// in within a bucket (new keys are appended; a removal moves nothing).
    /// Calls that read no order skip it, so a loop of `put`s sorts nothing.
    fn ordered(&self, m: &MapRef) {
        if !self.unordered.replace(false) {
            return;
        }
        let Ok(mut m) = m.try_borrow_mut() else {
            return;
        };
        let capacity = self.capacity.get();
        // The keys are scalars or text, charged when they were made; the
        // sort is charged with what reads the order (printing, iterating).
        let unmetered = Budget::unmetered();
        m.entries.sort_by_cached_key(|k, _| {
            let h = methods::java_hash(&k.to_value(), &unmetered).unwrap_or(0);
            hash_map_bucket(h, capacity)
        });
    }
}

impl HostObject for ForeachScope {
    fn property(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.getter(name) {
            return Some(v);
        }
        // `Map.get(name)` of the storage.
        let v = self
            .storage_if_made()
            .and_then(|m| m.try_borrow().ok()?.with_str(name, |v| v.cloned()));
        Some(v.unwrap_or(Value::Null))
    }

    fn set_property(
        &self,
        name: &str,
        value: Value,
        budget: &Budget,
    ) -> Option<Result<(), CallError>> {
        let r = self.call("put", &[Value::str(name), value], budget)?;
        Some(r.map(drop))
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        if args.is_empty() {
            let prop = match name {
                "getIndex" => "index",
                "getCount" => "count",
                "hasNext" | "getHasNext" => "hasNext",
                "isFirst" | "getFirst" => "first",
                "isLast" | "getLast" => "last",
                "getParent" => "parent",
                "getTopmost" => "topmost",
                "getReplaced" => "replaced",
                "getClass" => "class",
                _ => "",
            };
            if let Some(v) = self.getter(prop) {
                return Some(Ok(v));
            }
            // Read without making the storage.
            if self.storage_if_made().is_none() {
                match name {
                    "size" | "hashCode" => return Some(Ok(Value::Int(0))),
                    "isEmpty" => return Some(Ok(Value::Bool(true))),
                    "toString" => return Some(Ok(Value::str("{}"))),
                    "clear" => return Some(Ok(Value::Null)),
                    _ => {}
                }
            }
        }
        let m = self.storage()?;
        if !ORDER_FREE.contains(&name) {
            self.ordered(&m);
        }
        let len = || m.try_borrow().map_or(0, |s| s.entries.len());
        let before = len();
        let map = Value::Map(m.clone());
        // `equals(this)`: the storage equals itself.
        let me = [map.clone()];
        let args = match (name, args) {
            ("equals", [Value::Object(o)]) if self.is_me(o) => &me[..],
            _ => args,
        };
        let r = methods::call_method(&map, name, args, budget);
        let after = len();
        if after > before {
            self.grown(after);
        }
        r
    }

    fn to_java_string(&self) -> String {
        // Printed through `as_map` where a budget is at hand; this is the
        // text of an empty scope.
        "{}".into()
    }

    fn as_map(&self) -> Option<MapRef> {
        let m = self.storage()?;
        self.ordered(&m);
        Some(m)
    }

    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        if let Some(m) = self.storage_if_made() {
            f(&Value::Map(m));
        }
        if let Some(p) = &self.parent {
            f(p);
        }
        if let Some(r) = &self.replaced {
            f(r);
        }
    }

    fn release(&self) {
        if let Ok(mut s) = self.storage.try_borrow_mut() {
            *s = None;
        }
    }
}

impl ForeachScope {
    /// Is `o` this scope?
    fn is_me(&self, o: &Rc<dyn HostObject>) -> bool {
        std::ptr::addr_eq(Rc::as_ptr(o), self.this.as_ptr())
    }
}
