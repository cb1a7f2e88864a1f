//! `subList(from, to)`: a live view of part of a list, as Java's is.
//!
//! A view reads and writes the list it was made from (its root): `set`
//! writes through, `add`, `remove`, `clear`, `addAll`, `removeAll` and
//! `retainAll` change the list (and the sizes of the views it was taken
//! from, when it is a view of a view). An `ArrayList` (or json-smart's
//! `JSONArray`) gives a `java.util.ArrayList$SubList`, which keeps the
//! list's modification count ([`List::mods`]) it last saw: once the list
//! was changed otherwise than through the view, nearly every use of the
//! view throws `ConcurrentModificationException` (Java checks an index
//! argument first). A Java array gives a `java.util.AbstractList$SubList`
//! over Velocity's fixed-size list wrapper: `set` writes through to the
//! array, whatever adds or removes throws `UnsupportedOperationException`,
//! and it never goes stale (Velocity wraps the array anew for each call,
//! and nothing changes an array's size).
//!
//! A view prints as `AbstractCollection.toString` prints (`[a, b]`, even
//! over a `JSONArray`), is written as a JSON array inside JSON, equals and
//! hashes as a `List`, and `#foreach` walks it with its own iterator.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use super::class::JavaClass;
use super::iterator::{concurrent_modification, identity_method, illegal_state, no_such_element};
use super::list::{ioobe, last_position, position, sorted_naturally, to_array_in, unsupported};
use super::{err, int_arg, ok, void, wrong_number_of_arguments, MResult};
use crate::eval::budget::{Budget, Exceeded, VALUE_BYTES};
use crate::eval::value::{
    ArrayOf, CallError, CallResult, HostObject, JStr, JavaIter, List, ListRef, Value,
};

/// What a stale view throws.
pub(crate) const CME: &str = "java.util.ConcurrentModificationException";

/// A view of `size` items of a list from `offset` on.
#[derive(Debug)]
pub struct SubList {
    /// The list viewed (Java's `root`); `None` once the cycle collector
    /// let go of it.
    root: RefCell<Option<ListRef>>,
    /// The view this one was taken from (`subList` of a view): its size
    /// follows this one's changes. `None` for a view of the list itself.
    parent: RefCell<Option<Rc<SubList>>>,
    /// Where the view starts in the root.
    offset: usize,
    size: Cell<usize>,
    /// The root's [`List::mods`] when the view was made or last changed it.
    mods: Cell<u32>,
    /// The root is a Java array.
    array: bool,
    /// Itself (to make views and iterators of it).
    this: Weak<SubList>,
}

impl Drop for SubList {
    /// Frees a long chain of views of views without recursion.
    fn drop(&mut self) {
        let mut next = self.parent.get_mut().take();
        while let Some(p) = next {
            match Rc::try_unwrap(p) {
                Ok(mut sub) => next = sub.parent.get_mut().take(),
                Err(_) => break,
            }
        }
    }
}

/// `subListRangeCheck(from, to, size)`: the indexes of a new view, or the
/// exception.
fn range(a: i32, b: i32, len: usize) -> Result<(usize, usize), MResult> {
    if a < 0 {
        return Err(err(format!(
            "java.lang.IndexOutOfBoundsException: fromIndex = {a}"
        )));
    }
    if b as i64 > len as i64 {
        return Err(err(format!(
            "java.lang.IndexOutOfBoundsException: toIndex = {b}"
        )));
    }
    if a > b {
        return Err(err(format!(
            "java.lang.IllegalArgumentException: fromIndex({a}) > toIndex({b})"
        )));
    }
    Ok((a as usize, b as usize))
}

/// `list.subList(a, b)` of the list `l`, which holds `len` items (`array`:
/// it is a Java array; `mods`: its modification count).
pub(super) fn of_list(l: &ListRef, array: bool, mods: u32, a: i32, b: i32, len: usize) -> MResult {
    match range(a, b, len) {
        Ok((a, b)) => ok(SubList::value(l.clone(), None, array, a, b - a, mods)),
        Err(e) => e,
    }
}

impl SubList {
    fn value(
        root: ListRef,
        parent: Option<Rc<SubList>>,
        array: bool,
        offset: usize,
        size: usize,
        mods: u32,
    ) -> Value {
        Value::Object(Rc::new_cyclic(|this| SubList {
            root: RefCell::new(Some(root)),
            parent: RefCell::new(parent),
            offset,
            size: Cell::new(size),
            mods: Cell::new(mods),
            array,
            this: this.clone(),
        }))
    }

    fn root(&self) -> Option<ListRef> {
        self.root.try_borrow().ok()?.clone()
    }

    fn class_name(&self) -> &'static str {
        if self.array {
            "java.util.AbstractList$SubList"
        } else {
            "java.util.ArrayList$SubList"
        }
    }

    /// Whether the root was changed not through this view.
    fn stale(&self, root: &List) -> bool {
        !self.array && root.mods != self.mods.get()
    }

    /// `checkForComodification()`: the root, unless the view is stale.
    fn check(&self) -> Result<ListRef, CallError> {
        let root = self.root().ok_or(CallError::Java(CME.into()))?;
        let fresh = root.try_borrow().is_ok_and(|r| !self.stale(&r));
        if fresh {
            Ok(root)
        } else {
            Err(CallError::Java(CME.into()))
        }
    }

    /// The view's items now, copied and charged (`Err`: the view is stale).
    pub(crate) fn items(&self, budget: &Budget) -> Result<Vec<Value>, Exceeded> {
        let root = self.root().ok_or(Exceeded::Java(CME))?;
        let Ok(r) = root.try_borrow() else {
            return Err(Exceeded::Java(CME));
        };
        if self.stale(&r) {
            return Err(Exceeded::Java(CME));
        }
        let size = self.size.get();
        budget.slots(size)?;
        let end = self.offset.saturating_add(size);
        Ok(r.items.get(self.offset..end).unwrap_or(&[]).to_vec())
    }

    /// `updateSizeAndModCount(delta)`: after a change through this view,
    /// it and the views it was taken from take the root's count.
    fn changed(&self, root: &ListRef, delta: isize, budget: &Budget) -> Result<(), Exceeded> {
        let mods = root.try_borrow().map_or(0, |r| r.mods);
        let mut view = self.this.upgrade();
        while let Some(v) = view {
            budget.step()?;
            v.size.set(v.size.get().saturating_add_signed(delta));
            v.mods.set(mods);
            view = v.parent.try_borrow().ok().and_then(|p| p.clone());
        }
        Ok(())
    }

    /// `Objects.checkIndex(i, size)`.
    fn index(&self, i: i32) -> Result<usize, MResult> {
        let size = self.size.get();
        usize::try_from(i)
            .ok()
            .filter(|&i| i < size)
            .ok_or_else(|| ioobe(i64::from(i), size))
    }

    /// `rangeCheckForAdd(i)`.
    fn index_for_add(&self, i: i32) -> Result<usize, MResult> {
        let size = self.size.get();
        usize::try_from(i)
            .ok()
            .filter(|&i| i <= size)
            .ok_or_else(|| {
                err(format!(
                    "java.lang.IndexOutOfBoundsException: Index: {i}, Size: {size}"
                ))
            })
    }

    /// The root's method `name` called with `args`, then the sizes of this
    /// view and those it was taken from changed by `delta` if it succeeded.
    fn through(
        &self,
        root: &ListRef,
        name: &str,
        args: &[Value],
        delta: isize,
        budget: &Budget,
    ) -> MResult {
        let r = super::list::method(root, name, args, budget)?;
        if r.is_ok() {
            charge!(self.changed(root, delta, budget));
        }
        Some(r)
    }

    /// The elements of a `Collection` argument (this view's own when it is
    /// the argument). `None`: no collection.
    fn argument(&self, c: &Value, budget: &Budget) -> Option<Result<Vec<Value>, Exceeded>> {
        match c {
            Value::Object(o) if self.is(o) => Some(self.items(budget)),
            _ => super::collection_elements(c, budget),
        }
    }

    fn is(&self, o: &Rc<dyn HostObject>) -> bool {
        std::ptr::eq(
            Rc::as_ptr(o) as *const (),
            self as *const SubList as *const (),
        )
    }

    /// `addAll(i, c)`: nothing to add is no change, and no check.
    fn add_all(&self, at: i32, c: &Value, budget: &Budget) -> MResult {
        let at = match self.index_for_add(at) {
            Ok(at) => at,
            Err(e) => return e,
        };
        if c.is_null() {
            return err(super::npe(
                "Cannot invoke \"java.util.Collection.size()\" because \"c\" is null",
            ));
        }
        let items = charged!(self.argument(c, budget)?);
        if items.is_empty() {
            return ok(Value::Bool(false));
        }
        let root = charged!(self.check());
        let n = items.len() as isize;
        let at = Value::Int((self.offset + at) as i32);
        let r = self.through(&root, "addAll", &[at, Value::new_list(items)], n, budget)?;
        Some(r.map(|_| Value::Bool(true)))
    }

    /// `removeAll(c)` (`keep_held`: `retainAll(c)`).
    fn remove_all(&self, c: &Value, keep_held: bool, budget: &Budget) -> MResult {
        if c.is_null() {
            return err("java.lang.NullPointerException");
        }
        let other = charged!(self.argument(c, budget)?);
        let root = charged!(self.check());
        let items = charged!(self.items(budget));
        let mut keep = Vec::with_capacity(items.len());
        for x in &items {
            let held = charged!(position(&other, x, budget)).is_some();
            keep.push(held == keep_held);
        }
        let removed = keep.iter().filter(|k| !**k).count();
        if removed == 0 {
            return ok(Value::Bool(false));
        }
        // An array's first removal throws.
        if self.array {
            return unsupported();
        }
        {
            let Ok(mut r) = root.try_borrow_mut() else {
                return concurrent_modification();
            };
            charge!(budget.scan(r.items.len().saturating_sub(self.offset) * VALUE_BYTES));
            let (start, end) = (self.offset, self.offset + items.len());
            let mut flags = keep.into_iter();
            let mut i = 0;
            r.items.retain(|_| {
                let k = if (start..end).contains(&i) {
                    flags.next().unwrap_or(true)
                } else {
                    true
                };
                i += 1;
                k
            });
            r.mods = r.mods.wrapping_add(removed as u32);
        }
        charge!(self.changed(&root, -(removed as isize), budget));
        ok(Value::Bool(true))
    }

    /// `clear()`: `removeRange(0, size())`.
    fn clear(&self, budget: &Budget) -> MResult {
        let root = charged!(self.check());
        let size = self.size.get();
        if self.array {
            return if size > 0 { unsupported() } else { void() };
        }
        {
            let Ok(mut r) = root.try_borrow_mut() else {
                return concurrent_modification();
            };
            let len = r.items.len();
            charge!(budget.steps(size as u64));
            charge!(budget.scan(len.saturating_sub(self.offset) * VALUE_BYTES));
            let end = self.offset.saturating_add(size).min(len);
            let start = self.offset.min(end);
            r.items.drain(start..end);
            r.mods = r.mods.wrapping_add(1);
        }
        charge!(self.changed(&root, -(size as isize), budget));
        void()
    }

    /// `sort(null)`: `List.sort`, which sorts a copy and sets the items
    /// back (no structural change).
    fn sort(&self, budget: &Budget) -> MResult {
        let root = charged!(self.check());
        let items = charged!(self.items(budget));
        let n = items.len() as u64;
        charge!(budget.steps(n.saturating_mul(u64::from(n.max(1).ilog2() + 1))));
        let sorted = match sorted_naturally(&items, budget) {
            Ok(s) => s,
            Err(e) => return Some(Err(e)),
        };
        let Ok(mut r) = root.try_borrow_mut() else {
            return concurrent_modification();
        };
        let slots = r.items.iter_mut().skip(self.offset);
        for (slot, v) in slots.zip(sorted) {
            *slot = v;
        }
        void()
    }

    /// `equals(o)`: itself; no `List`; else element by element, then the
    /// check.
    fn equals(&self, o: &Value, budget: &Budget) -> MResult {
        match o {
            Value::Object(x) if self.is(x) => return ok(Value::Bool(true)),
            Value::Object(x) if x.is_list() => {}
            Value::List(l) if l.try_borrow().is_ok_and(|l| l.array.is_none()) => {}
            _ => return ok(Value::Bool(false)),
        }
        charged!(self.check());
        let mine = Value::new_list(charged!(self.items(budget)));
        ok(Value::Bool(charged!(mine.java_equals(o, budget))))
    }

    fn iterator(&self, at: usize, budget: &Budget) -> Value {
        Value::Object(Rc::new(SubListIter {
            view: RefCell::new(self.this.upgrade()),
            cursor: Cell::new(at),
            last: Cell::new(None),
            expected: Cell::new(self.mods.get()),
            hash: budget.identity_hash(),
        }))
    }

    fn method(&self, name: &str, args: &[Value], budget: &Budget) -> MResult {
        let size = self.size.get();
        macro_rules! index {
            ($e:expr) => {
                match $e {
                    Ok(i) => i,
                    Err(e) => return e,
                }
            };
        }
        match (name, args) {
            ("size", []) => {
                charged!(self.check());
                ok(Value::Int(size as i32))
            }
            ("isEmpty", []) => {
                charged!(self.check());
                ok(Value::Bool(size == 0))
            }
            ("get", [i]) => {
                let i = index!(self.index(int_arg(i)?));
                let root = charged!(self.check());
                let v = root
                    .try_borrow()
                    .ok()
                    .and_then(|r| r.items.get(self.offset + i).cloned());
                ok(v.unwrap_or_default())
            }
            ("set", [i, v]) => {
                let i = index!(self.index(int_arg(i)?));
                let root = charged!(self.check());
                let at = Value::Int((self.offset + i) as i32);
                super::list::method(&root, "set", &[at, v.clone()], budget)
            }
            ("add", [v]) => {
                let root = charged!(self.check());
                let at = Value::Int((self.offset + size) as i32);
                let r = self.through(&root, "add", &[at, v.clone()], 1, budget)?;
                Some(r.map(|_| Value::Bool(true)))
            }
            ("add", [i, v]) => {
                let i = index!(self.index_for_add(int_arg(i)?));
                let root = charged!(self.check());
                let at = Value::Int((self.offset + i) as i32);
                self.through(&root, "add", &[at, v.clone()], 1, budget)
            }
            // remove(int) is more specific than remove(Object) for an Integer.
            ("remove", [Value::Int(i)]) => {
                let i = index!(self.index(*i));
                let root = charged!(self.check());
                let at = Value::Int((self.offset + i) as i32);
                self.through(&root, "remove", &[at], -1, budget)
            }
            // `AbstractCollection.remove`: the first equal item, through the
            // view's iterator.
            ("remove", [v]) => {
                let items = charged!(self.items(budget));
                match charged!(position(&items, v, budget)) {
                    Some(p) => {
                        let root = charged!(self.check());
                        let at = Value::Int((self.offset + p) as i32);
                        let r = self.through(&root, "remove", &[at], -1, budget)?;
                        Some(r.map(|_| Value::Bool(true)))
                    }
                    None => ok(Value::Bool(false)),
                }
            }
            ("clear", []) => self.clear(budget),
            ("addAll", [c]) => self.add_all(size as i32, c, budget),
            ("addAll", [i, c]) => self.add_all(int_arg(i)?, c, budget),
            ("removeAll", [c]) => self.remove_all(c, false, budget),
            ("retainAll", [c]) => self.remove_all(c, true, budget),
            ("contains", [v]) => {
                let items = charged!(self.items(budget));
                ok(Value::Bool(charged!(position(&items, v, budget)).is_some()))
            }
            ("indexOf", [v]) => {
                let items = charged!(self.items(budget));
                let p = charged!(position(&items, v, budget));
                ok(Value::Int(p.map_or(-1, |p| p as i32)))
            }
            ("lastIndexOf", [v]) => {
                let items = charged!(self.items(budget));
                let p = charged!(last_position(&items, v, budget));
                ok(Value::Int(p.map_or(-1, |p| p as i32)))
            }
            ("containsAll", [c]) => {
                let other = charged!(self.argument(c, budget)?);
                if other.is_empty() {
                    return ok(Value::Bool(true));
                }
                let items = charged!(self.items(budget));
                for v in &other {
                    if charged!(position(&items, v, budget)).is_none() {
                        return ok(Value::Bool(false));
                    }
                }
                ok(Value::Bool(true))
            }
            // A view of this view (made without a check: a stale view
            // gives a stale one).
            ("subList", [a, b]) => {
                let (a, b) = (int_arg(a)?, int_arg(b)?);
                let root = self.root()?;
                match range(a, b, size) {
                    Ok((a, b)) => ok(SubList::value(
                        root,
                        self.this.upgrade(),
                        self.array,
                        self.offset + a,
                        b - a,
                        self.mods.get(),
                    )),
                    Err(e) => e,
                }
            }
            ("toArray", []) => {
                let items = charged!(self.items(budget));
                ok(Value::new_array(ArrayOf::Objects, items, budget))
            }
            ("toArray", [a]) => {
                let root = charged!(self.check());
                let items = charged!(self.items(budget));
                // `ArrayList$SubList` copies as an `ArrayList` does; over an
                // array, `AbstractCollection` stores item by item.
                let receiver = (!self.array).then_some((&root, None));
                to_array_in(receiver, &items, a, budget)
            }
            ("stream" | "parallelStream", []) => {
                let this = self.this.upgrade()?;
                ok(super::stream::JavaStream::of_collection(
                    Value::Object(this as Rc<dyn HostObject>),
                    name == "parallelStream",
                    budget,
                ))
            }
            ("iterator" | "listIterator", []) => {
                charged!(self.check());
                ok(self.iterator(0, budget))
            }
            ("listIterator", [at]) => {
                charged!(self.check());
                match super::iterator::list_iterator_at(at, size)? {
                    Ok(at) => ok(self.iterator(at, budget)),
                    Err(e) => e,
                }
            }
            ("sort", [Value::Null]) => self.sort(budget),
            ("equals", [o]) => self.equals(o, budget),
            ("hashCode", []) => {
                charged!(self.check());
                let this = self
                    .this
                    .upgrade()
                    .map(|t| Value::Object(t as Rc<dyn HostObject>));
                ok(Value::Int(charged!(super::java_hash(
                    &this.unwrap_or_default(),
                    budget
                ))))
            }
            ("toString", []) => {
                let this = self
                    .this
                    .upgrade()
                    .map(|t| Value::Object(t as Rc<dyn HostObject>));
                let s = charged!(this.unwrap_or_default().java_string(budget));
                ok(Value::Str(JStr::from(s)))
            }
            ("getClass", []) => ok(JavaClass::value(self.class_name())),
            (
                "size" | "isEmpty" | "clear" | "iterator" | "listIterator" | "hashCode"
                | "toString" | "getClass" | "stream" | "parallelStream" | "spliterator",
                [_, ..],
            ) => wrong_number_of_arguments(),
            // `ArrayList$SubList.removeIf` checks the view first.
            ("removeIf", [_]) if !self.array => {
                charged!(self.check());
                super::null_function(super::LIST_FUNCTIONS, name, args)
            }
            _ => super::null_function(super::LIST_FUNCTIONS, name, args),
        }
    }
}

impl HostObject for SubList {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "class" | "Class" => Some(JavaClass::value(self.class_name())),
            "empty" | "Empty" => Some(Value::Bool(self.size.get() == 0)),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        self.method(name, args, budget)
    }

    /// `[a, b]`, unmetered (printing inside a render goes through
    /// [`HostObject::list_elements`] and the render's budget).
    fn to_java_string(&self) -> String {
        match self.this.upgrade() {
            Some(t) => Value::Object(t).to_java_string(),
            None => "[]".into(),
        }
    }

    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        if let Some(root) = self.root() {
            f(&Value::List(root));
        }
        if let Ok(Some(p)) = self.parent.try_borrow().as_deref() {
            f(&Value::Object(p.clone()));
        }
    }

    fn release(&self) {
        if let Ok(mut r) = self.root.try_borrow_mut() {
            *r = None;
        }
        if let Ok(mut p) = self.parent.try_borrow_mut() {
            *p = None;
        }
    }

    fn elements(&self, budget: &Budget) -> Option<Result<Vec<Value>, Exceeded>> {
        Some(self.items(budget))
    }

    fn is_list(&self) -> bool {
        true
    }

    fn list_elements(&self, budget: &Budget) -> Option<Result<Vec<Value>, Exceeded>> {
        Some(self.items(budget))
    }
}

/// The iterator of a view (`iterator()` and `listIterator()` alike):
/// `java.util.ArrayList$SubList$1`. It reads the root live; `next()` and
/// the rest throw `ConcurrentModificationException` once the root was
/// changed not through the iterator.
#[derive(Debug)]
pub struct SubListIter {
    /// `None` once the cycle collector let go of it.
    view: RefCell<Option<Rc<SubList>>>,
    cursor: Cell<usize>,
    /// The element `next()` or `previous()` last returned (`lastRet`).
    last: Cell<Option<usize>>,
    /// The root's count the iterator expects.
    expected: Cell<u32>,
    hash: i32,
}

impl SubListIter {
    fn view(&self) -> Option<Rc<SubList>> {
        self.view.try_borrow().ok()?.clone()
    }

    fn class_name(&self) -> &'static str {
        match self.view() {
            Some(v) if v.array => "java.util.AbstractList$SubList$1",
            _ => "java.util.ArrayList$SubList$1",
        }
    }

    /// The view and its root, unless the root changed under the iterator.
    fn check(&self) -> Result<(Rc<SubList>, ListRef), MResult> {
        let view = self.view().ok_or(None)?;
        let root = view.root().ok_or(None)?;
        let stale = !view.array
            && root
                .try_borrow()
                .map_or(true, |r| r.mods != self.expected.get());
        if stale {
            return Err(concurrent_modification());
        }
        Ok((view, root))
    }

    fn has_next(&self) -> bool {
        self.view()
            .is_some_and(|v| self.cursor.get() != v.size.get())
    }

    fn step(&self, back: bool) -> MResult {
        let (view, root) = match self.check() {
            Ok(x) => x,
            Err(e) => return e,
        };
        let cursor = self.cursor.get();
        let i = if back {
            match cursor.checked_sub(1) {
                Some(i) => i,
                None => return no_such_element(),
            }
        } else {
            if cursor >= view.size.get() {
                return no_such_element();
            }
            cursor
        };
        let Some(item) = root
            .try_borrow()
            .ok()
            .and_then(|r| r.items.get(view.offset + i).cloned())
        else {
            return concurrent_modification();
        };
        self.cursor.set(if back { i } else { i + 1 });
        self.last.set(Some(i));
        ok(item)
    }

    fn call_method(&self, name: &str, args: &[Value], budget: &Budget) -> MResult {
        if let r @ Some(_) = identity_method(self, self.hash, self.class_name(), name, args) {
            return r;
        }
        let cursor = self.cursor.get();
        match (name, args) {
            ("hasNext", []) => ok(Value::Bool(self.has_next())),
            ("next", []) => self.step(false),
            ("hasPrevious", []) => ok(Value::Bool(cursor != 0)),
            ("previous", []) => self.step(true),
            ("nextIndex", []) => ok(Value::Int(cursor as i32)),
            ("previousIndex", []) => ok(Value::Int(cursor as i32 - 1)),
            ("remove", []) => {
                let Some(at) = self.last.get() else {
                    return illegal_state();
                };
                let (view, _) = match self.check() {
                    Ok(x) => x,
                    Err(e) => return e,
                };
                if let Err(e) = view.method("remove", &[Value::Int(at as i32)], budget)? {
                    return Some(Err(e));
                }
                self.cursor.set(at);
                self.last.set(None);
                self.expected.set(view.mods.get());
                void()
            }
            ("set", [x]) => {
                let Some(at) = self.last.get() else {
                    return illegal_state();
                };
                let (view, root) = match self.check() {
                    Ok(x) => x,
                    Err(e) => return e,
                };
                let at = Value::Int((view.offset + at) as i32);
                let r = super::list::method(&root, "set", &[at, x.clone()], budget)?;
                Some(r.map(|_| Value::str("")))
            }
            ("add", [x]) => {
                let (view, _) = match self.check() {
                    Ok(x) => x,
                    Err(e) => return e,
                };
                if let Err(e) =
                    view.method("add", &[Value::Int(cursor as i32), x.clone()], budget)?
                {
                    return Some(Err(e));
                }
                self.cursor.set(cursor + 1);
                self.last.set(None);
                self.expected.set(view.mods.get());
                void()
            }
            (
                "hasNext" | "next" | "hasPrevious" | "previous" | "nextIndex" | "previousIndex"
                | "remove" | "hashCode" | "toString" | "getClass",
                _,
            ) => wrong_number_of_arguments(),
            _ => super::null_function(super::ITERATOR_FUNCTIONS, name, args),
        }
    }
}

impl HostObject for SubListIter {
    fn property(&self, name: &str) -> Option<Value> {
        match name {
            "class" | "Class" => Some(JavaClass::value(self.class_name())),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        self.call_method(name, args, budget)
    }

    fn to_java_string(&self) -> String {
        format!("{}@{:x}", self.class_name(), self.hash)
    }

    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        if let Some(v) = self.view() {
            f(&Value::Object(v));
        }
    }

    fn release(&self) {
        if let Ok(mut v) = self.view.try_borrow_mut() {
            *v = None;
        }
    }

    fn iterator(&self) -> Option<&dyn JavaIter> {
        Some(self)
    }
}

impl JavaIter for SubListIter {
    fn has_next(&self) -> bool {
        SubListIter::has_next(self)
    }

    fn next(&self) -> CallResult {
        self.step(false)
    }
}
