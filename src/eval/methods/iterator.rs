//! `java.util.Iterator`s: what `iterator()` and `listIterator()` of a list,
//! and `iterator()` of a map's view, return.
//!
//! An iterator reads its list or map live, as Java's do: `next()` after the
//! list or map was changed since the iterator was made (or last changed it
//! itself) throws `ConcurrentModificationException`. A list counts its
//! changes as Java's `modCount` does ([`List::mods`](crate::eval::value::List::mods):
//! an add and a remove are two, a `sort` one, a `set` none); for a map a
//! change of size stands in for that count, which is the same for every
//! change a template can make but one that puts and removes as many (a
//! `put` of a present key is no modification in Java either). `#foreach`
//! over an iterator consumes it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::class::JavaClass;
use super::{err, int_arg, ok, void, wrong_number_of_arguments, MResult};
use crate::eval::budget::Budget;
use crate::eval::budget::VALUE_BYTES;
use crate::eval::value::{CallResult, HostObject, JavaIter, Key, ListRef, MapRef, MapView, Value};

/// An iterator over a list (an `ArrayList`, a `JSONArray` or a Java array)
/// or over a map's keys, values or entries.
#[derive(Debug)]
pub struct JavaIterator {
    /// What it iterates; `None` once the cycle collector let go of it.
    source: RefCell<Option<Source>>,
    /// A `ListIterator` (`listIterator()`): it also goes back, sets and adds.
    list_iterator: bool,
    /// The position of the next element (Java's `cursor`).
    cursor: Cell<usize>,
    /// The element `next()` or `previous()` last returned (`lastRet`): what
    /// `remove()` and `set(x)` change.
    last: Cell<Option<usize>>,
    /// The size and (a list's) modification count the source had when the
    /// iterator was made or last changed it (see the module's notes).
    expected: Cell<(usize, u32)>,
    /// A map iterator's `next != null`: whether an entry followed the one
    /// `next()` last returned when it returned it (an entry put after that
    /// is not reached, as in `LinkedHashMap`).
    map_has_next: Cell<bool>,
    /// Its identity hash (`toString` is the class and this, in hex).
    hash: i32,
}

#[derive(Debug, Clone)]
enum Source {
    /// A list; `array`: a Java array, whose iterator cannot remove or add.
    List {
        list: ListRef,
        array: bool,
    },
    Map(MapRef, MapView),
}

pub(super) fn concurrent_modification() -> MResult {
    err(super::sublist::CME)
}

pub(super) fn no_such_element() -> MResult {
    err("java.util.NoSuchElementException")
}

pub(super) fn illegal_state() -> MResult {
    err("java.lang.IllegalStateException")
}

/// The size and modification count of the list `l` now.
fn list_stamp(l: &ListRef) -> (usize, u32) {
    l.try_borrow().map_or((0, 0), |l| (l.items.len(), l.mods))
}

/// The size and modification count of the map `m` now.
pub(crate) fn map_stamp(m: &MapRef) -> (usize, u32) {
    m.try_borrow()
        .map_or((0, 0), |m| (m.entries.len(), m.entries.mods()))
}

impl JavaIterator {
    /// `list.iterator()` (`list_iterator`: `listIterator(at)`), the list
    /// `l` holding `len` items, changed `mods` times. `at` is checked by
    /// the caller.
    pub(crate) fn of_list(
        l: &ListRef,
        array: bool,
        list_iterator: bool,
        at: usize,
        (len, mods): (usize, u32),
        budget: &Budget,
    ) -> Value {
        Value::Object(Rc::new(JavaIterator {
            source: RefCell::new(Some(Source::List {
                list: l.clone(),
                array,
            })),
            list_iterator,
            cursor: Cell::new(at),
            last: Cell::new(None),
            expected: Cell::new((len, mods)),
            map_has_next: Cell::new(false),
            hash: budget.identity_hash(),
        }))
    }

    /// `iterator()` of the `kind` view of `m`, which holds `len` entries
    /// and was changed `mods` times.
    pub(crate) fn of_map(
        m: &MapRef,
        kind: MapView,
        (len, mods): (usize, u32),
        budget: &Budget,
    ) -> Value {
        Value::Object(Rc::new(JavaIterator {
            source: RefCell::new(Some(Source::Map(m.clone(), kind))),
            list_iterator: false,
            cursor: Cell::new(0),
            last: Cell::new(None),
            expected: Cell::new((len, mods)),
            map_has_next: Cell::new(len > 0),
            hash: budget.identity_hash(),
        }))
    }

    fn source(&self) -> Option<Source> {
        self.source.try_borrow().ok()?.clone()
    }

    fn class_name(&self) -> &'static str {
        match (self.source(), self.list_iterator) {
            (Some(Source::List { list, array: false }), _)
                if list.try_borrow().is_ok_and(|l| l.immutable) =>
            {
                "java.util.ImmutableCollections$ListItr"
            }
            (Some(Source::List { array: false, .. }), false) => "java.util.ArrayList$Itr",
            (Some(Source::List { array: false, .. }), true) => "java.util.ArrayList$ListItr",
            (Some(Source::List { array: true, .. }), false) => "java.util.AbstractList$Itr",
            (Some(Source::List { array: true, .. }), true) => "java.util.AbstractList$ListItr",
            (Some(Source::Map(_, MapView::Keys)), _) => "java.util.LinkedHashMap$LinkedKeyIterator",
            (Some(Source::Map(_, MapView::Values)), _) => {
                "java.util.LinkedHashMap$LinkedValueIterator"
            }
            (Some(Source::Map(_, MapView::Entries)), _) => {
                "java.util.LinkedHashMap$LinkedEntryIterator"
            }
            (None, _) => "java.util.Iterator",
        }
    }

    /// The source's size now.
    fn size(source: &Source) -> usize {
        Self::stamp(source).0
    }

    /// The source's size and modification count now.
    fn stamp(source: &Source) -> (usize, u32) {
        match source {
            Source::List { list, .. } => list_stamp(list),
            Source::Map(m, _) => map_stamp(m),
        }
    }

    /// `hasNext()`.
    pub(crate) fn has_next(&self) -> bool {
        match self.source() {
            Some(s @ Source::List { .. }) => self.cursor.get() != Self::size(&s),
            Some(Source::Map(..)) => self.map_has_next.get(),
            None => false,
        }
    }

    /// `next()`.
    pub(crate) fn next(&self) -> MResult {
        let source = self.source()?;
        let now = Self::stamp(&source);
        if now != self.expected.get() {
            return concurrent_modification();
        }
        let len = now.0;
        let i = self.cursor.get();
        match &source {
            Source::List { list, .. } => {
                if i >= len {
                    return no_such_element();
                }
                let item = list.try_borrow().ok()?.items.get(i).cloned()?;
                self.cursor.set(i + 1);
                self.last.set(Some(i));
                ok(item)
            }
            Source::Map(m, kind) => {
                if !self.map_has_next.get() || i >= len {
                    return no_such_element();
                }
                let map = m.try_borrow().ok()?;
                let (k, v) = map.entries.get_index(i)?;
                let item = match kind {
                    MapView::Keys => k.to_value(),
                    MapView::Values => v.clone(),
                    MapView::Entries => super::map::MapEntry::value(m, k, v),
                };
                self.cursor.set(i + 1);
                self.last.set(Some(i));
                self.map_has_next.set(i + 1 < len);
                ok(item)
            }
        }
    }

    /// `remove()`: the element last returned.
    fn remove(&self, budget: &Budget) -> MResult {
        let source = self.source()?;
        // `ImmutableCollections$ListItr` removes nothing.
        if let Source::List { list, .. } = &source {
            if list.try_borrow().is_ok_and(|l| l.immutable) {
                return super::list::unsupported();
            }
        }
        let Some(at) = self.last.get() else {
            return illegal_state();
        };
        if Self::stamp(&source) != self.expected.get() {
            return concurrent_modification();
        }
        match &source {
            // The list's own `remove(int)` (an array's throws
            // `UnsupportedOperationException`), charged as it charges.
            Source::List { list, .. } => {
                if let Err(e) =
                    super::list::method(list, "remove", &[Value::Int(at as i32)], budget)?
                {
                    return Some(Err(e));
                }
            }
            Source::Map(m, _) => {
                let mut map = m.try_borrow_mut().ok()?;
                let key: Option<Key> = map.entries.get_index(at).map(|(k, _)| k.clone());
                if let Some(k) = key {
                    charge!(budget.scan(map.entries.len().saturating_sub(at) * VALUE_BYTES));
                    map.entries.shift_remove(&k);
                }
            }
        }
        // The list's cursor goes back to the removed element's place (a
        // list iterator's too, after `previous()`).
        if at < self.cursor.get() {
            self.cursor.set(at);
        }
        self.last.set(None);
        self.expected.set(Self::stamp(&source));
        void()
    }

    /// The methods of a `ListIterator` besides `hasNext`, `next` and `remove`.
    fn list_iterator_call(&self, name: &str, args: &[Value], budget: &Budget) -> MResult {
        let Some(Source::List { list, array }) = self.source() else {
            return None;
        };
        let now = list_stamp(&list);
        let changed = now != self.expected.get();
        let cursor = self.cursor.get();
        match (name, args) {
            ("hasPrevious", []) => ok(Value::Bool(cursor != 0)),
            ("nextIndex", []) => ok(Value::Int(cursor as i32)),
            ("previousIndex", []) => ok(Value::Int(cursor as i32 - 1)),
            ("previous", []) => {
                if changed {
                    return concurrent_modification();
                }
                let Some(i) = cursor.checked_sub(1) else {
                    return no_such_element();
                };
                let item = list.try_borrow().ok()?.items.get(i).cloned()?;
                self.cursor.set(i);
                self.last.set(Some(i));
                ok(item)
            }
            ("set", [x]) => {
                let Some(at) = self.last.get() else {
                    return illegal_state();
                };
                if changed {
                    return concurrent_modification();
                }
                let r =
                    super::list::method(&list, "set", &[Value::Int(at as i32), x.clone()], budget);
                r.map(|r| r.map(|_| Value::str("")))
            }
            ("add", [x]) => {
                if changed {
                    return concurrent_modification();
                }
                if array {
                    return super::list::unsupported();
                }
                let r = super::list::method(
                    &list,
                    "add",
                    &[Value::Int(cursor as i32), x.clone()],
                    budget,
                )?;
                if let Err(e) = r {
                    return Some(Err(e));
                }
                self.cursor.set(cursor + 1);
                self.last.set(None);
                self.expected.set(list_stamp(&list));
                void()
            }
            ("hasPrevious" | "nextIndex" | "previousIndex" | "previous", _) => {
                wrong_number_of_arguments()
            }
            _ => None,
        }
    }
}

impl HostObject for JavaIterator {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "class" | "Class" => Some(JavaClass::value(self.class_name())),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        if let r @ Some(_) = identity_method(self, self.hash, self.class_name(), name, args) {
            return r;
        }
        match (name, args) {
            ("hasNext", []) => ok(Value::Bool(self.has_next())),
            ("next", []) => self.next(),
            ("remove", []) => self.remove(budget),
            ("hasNext" | "next" | "remove" | "hashCode" | "toString" | "getClass", _) => {
                wrong_number_of_arguments()
            }
            _ if self.list_iterator => self
                .list_iterator_call(name, args, budget)
                .or_else(|| super::null_function(super::ITERATOR_FUNCTIONS, name, args)),
            _ => super::null_function(super::ITERATOR_FUNCTIONS, name, args),
        }
    }

    fn to_java_string(&self) -> String {
        format!("{}@{:x}", self.class_name(), self.hash)
    }

    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        match self.source() {
            Some(Source::List { list, .. }) => f(&Value::List(list)),
            Some(Source::Map(m, _)) => f(&Value::Map(m)),
            None => {}
        }
    }

    fn release(&self) {
        if let Ok(mut s) = self.source.try_borrow_mut() {
            *s = None;
        }
    }

    fn iterator(&self) -> Option<&dyn JavaIter> {
        Some(self)
    }
}

impl JavaIter for JavaIterator {
    fn has_next(&self) -> bool {
        JavaIterator::has_next(self)
    }

    fn next(&self) -> CallResult {
        JavaIterator::next(self)
    }
}

/// `java.lang.Object`'s methods of an iterator `it` (its identity hash
/// `hash`, its class `class`): equal only to itself, its `toString` the
/// class and the hash. `None`: none of them, or the wrong arguments.
pub(super) fn identity_method(
    it: &dyn HostObject,
    hash: i32,
    class: &'static str,
    name: &str,
    args: &[Value],
) -> MResult {
    match (name, args) {
        ("hashCode", []) => ok(Value::Int(hash)),
        ("equals", [other]) => ok(Value::Bool(match other {
            Value::Object(o) => o.to_java_string() == it.to_java_string(),
            _ => false,
        })),
        ("toString", []) => ok(Value::str(&it.to_java_string())),
        ("getClass", []) => ok(JavaClass::value(class)),
        _ => None,
    }
}

/// `listIterator(at)`'s check of `at` (`None`: no such method for the
/// argument; `Err`: the call's exception).
pub(crate) fn list_iterator_at(at: &Value, len: usize) -> Option<Result<usize, MResult>> {
    let i = int_arg(at)?;
    match usize::try_from(i).ok().filter(|&i| i <= len) {
        Some(i) => Some(Ok(i)),
        None => Some(Err(err(format!(
            "java.lang.IndexOutOfBoundsException: Index: {i}, Size: {len}"
        )))),
    }
}
