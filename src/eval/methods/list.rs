//! `java.util.ArrayList`'s methods (json-smart's `JSONArray` is one too).

use std::cell::RefCell;
use std::rc::Rc;

use super::iterator::{concurrent_modification, JavaIterator};
use super::{err, int_arg, ok, void, MResult};
use crate::eval::budget::{Budget, Exceeded, VALUE_BYTES};
use crate::eval::value::{ArrayOf, CallError, JStr, List, ListRef, Value};

/// What `containsAll(null)` throws (`AbstractCollection`'s loop over it).
pub(super) const NULL_COLLECTION_ITERATED: &str = "java.lang.NullPointerException: Cannot invoke \"java.util.Collection.iterator()\" because \"c\" is null";

pub(super) fn ioobe(index: i64, len: usize) -> MResult {
    err(format!(
        "java.lang.IndexOutOfBoundsException: Index {index} out of bounds for length {len}"
    ))
}

/// `ArrayList.rangeCheckForAdd`'s exception: an insertion index past the
/// size (`add(i, v)`, `addAll(i, c)`).
fn add_index_error(index: impl std::fmt::Display, len: usize) -> MResult {
    err(format!(
        "java.lang.IndexOutOfBoundsException: Index: {index}, Size: {len}"
    ))
}

pub(super) fn method(l: &ListRef, name: &str, args: &[Value], budget: &Budget) -> MResult {
    // A `subList` view argument may read this list: it is compared with
    // the items, or read, before the list is borrowed.
    if let [v @ Value::Object(o)] = args {
        if o.is_list() && matches!(name, "contains" | "indexOf" | "lastIndexOf" | "remove") {
            return find_view(l, name, v, budget);
        }
    }
    let mut view = match args.last() {
        Some(Value::Object(o))
            if o.is_list()
                && matches!(name, "addAll" | "removeAll" | "retainAll" | "containsAll") =>
        {
            o.elements(budget)
        }
        _ => None,
    };
    let Ok(mut list) = l.try_borrow_mut() else {
        return err("java.util.ConcurrentModificationException");
    };
    let len = list.items.len();
    if list.immutable {
        if let Some(r) = immutable_method(name, args) {
            return r;
        }
    }
    if let Some(array) = list.array {
        if let Some(r) = array_method(l, &mut list.items, array.of, name, args, &mut view, budget) {
            return r;
        }
    }
    match (name, args) {
        ("size", []) => ok(Value::Int(len as i32)),
        ("isEmpty", []) => ok(Value::Bool(len == 0)),
        // A null collection (`addAll(index, c)` checks the index first).
        ("addAll", [Value::Int(i), Value::Null]) if usize::try_from(*i).map_or(true, |i| i > len) => {
            add_index_error(i, len)
        }
        ("addAll", [Value::Null]) | ("addAll", [Value::Int(_), Value::Null]) => {
            err("java.lang.NullPointerException: Cannot invoke \"java.util.Collection.toArray()\" because \"c\" is null")
        }
        ("containsAll", [Value::Null]) => err(NULL_COLLECTION_ITERATED),
        ("removeAll" | "retainAll", [Value::Null]) => err("java.lang.NullPointerException"),
        ("get", [i]) => {
            let i = int_arg(i)?;
            match usize::try_from(i).ok().and_then(|i| list.items.get(i)) {
                Some(v) => ok(v.clone()),
                None => ioobe(i64::from(i), len),
            }
        }
        ("add", [v]) => {
            charge!(budget.grow(len, list.items.capacity(), 1, VALUE_BYTES));
            budget.note_list(l, v);
            list.items.push(v.clone());
            list.mods = list.mods.wrapping_add(1);
            ok(Value::Bool(true))
        }
        ("add", [i, v]) => {
            let i = int_arg(i)?;
            match usize::try_from(i).ok().filter(|&i| i <= len) {
                Some(i) => {
                    charge!(budget.grow(len, list.items.capacity(), 1, VALUE_BYTES));
                    charge!(budget.scan((len - i) * VALUE_BYTES));
                    budget.note_list(l, v);
                    list.items.insert(i, v.clone());
                    list.mods = list.mods.wrapping_add(1);
                    void()
                }
                None => add_index_error(i, len),
            }
        }
        ("set", [i, v]) => {
            let i = int_arg(i)?;
            match usize::try_from(i).ok().and_then(|i| list.items.get_mut(i)) {
                Some(slot) => {
                    budget.note_list(l, v);
                    ok(std::mem::replace(slot, v.clone()))
                }
                None => ioobe(i64::from(i), len),
            }
        }
        // remove(int) is more specific than remove(Object) for an Integer
        // argument (a Short or Byte widens to it).
        ("remove", [x @ (Value::Int(_) | Value::Short(_) | Value::Byte(_))]) => {
            let i = x.int_like().unwrap_or(-1);
            match usize::try_from(i).ok().filter(|&i| i < len) {
                Some(i) => {
                    charge!(budget.scan((len - i) * VALUE_BYTES));
                    list.mods = list.mods.wrapping_add(1);
                    ok(list.items.remove(i))
                }
                None => ioobe(i64::from(i), len),
            }
        }
        ("remove", [v]) => match charged!(position(&list.items, v, budget)) {
            Some(p) => {
                charge!(budget.scan((len - p) * VALUE_BYTES));
                list.items.remove(p);
                list.mods = list.mods.wrapping_add(1);
                ok(Value::Bool(true))
            }
            None => ok(Value::Bool(false)),
        },
        ("contains", [v]) => ok(Value::Bool(
            charged!(position(&list.items, v, budget)).is_some(),
        )),
        ("indexOf", [v]) => ok(Value::Int(
            charged!(position(&list.items, v, budget)).map_or(-1, |p| p as i32),
        )),
        ("lastIndexOf", [v]) => {
            let p = charged!(last_position(&list.items, v, budget));
            ok(Value::Int(p.map_or(-1, |p| p as i32)))
        }
        ("clear", []) => {
            charge!(budget.steps(len as u64));
            list.items.clear();
            list.mods = list.mods.wrapping_add(1);
            void()
        }
        ("addAll", [c]) => {
            let items = charged!(collection_items(c, l, &list.items, &mut view, budget)?);
            charge!(budget.grow(len, list.items.capacity(), items.len(), VALUE_BYTES));
            let changed = !items.is_empty();
            if let Some(v) = items
                .iter()
                .find(|v| matches!(v, Value::List(_) | Value::Map(_) | Value::Object(_)))
            {
                budget.note_list(l, v);
            }
            list.items.extend(items);
            // `ArrayList.addAll` counts a change even when nothing is added.
            list.mods = list.mods.wrapping_add(1);
            ok(Value::Bool(changed))
        }
        ("addAll", [i, c]) => {
            let i = int_arg(i)?;
            let items = charged!(collection_items(c, l, &list.items, &mut view, budget)?);
            let Some(at) = usize::try_from(i).ok().filter(|&i| i <= len) else {
                return add_index_error(i, len);
            };
            charge!(budget.scan((len - at) * VALUE_BYTES));
            charge!(budget.grow(len, list.items.capacity(), items.len(), VALUE_BYTES));
            let changed = !items.is_empty();
            if let Some(v) = items
                .iter()
                .find(|v| matches!(v, Value::List(_) | Value::Map(_) | Value::Object(_)))
            {
                budget.note_list(l, v);
            }
            let tail = list.items.split_off(at);
            list.items.extend(items);
            list.items.extend(tail);
            list.mods = list.mods.wrapping_add(1);
            ok(Value::Bool(changed))
        }
        // A shallow copy, of the same class (a JSONArray's is a JSONArray).
        ("clone", []) => {
            charge!(budget.slots(len));
            let copy = Rc::new(RefCell::new(List {
                items: list.items.to_vec().into(),
                json: list.json,
                array: None,
                mods: 0,
                immutable: false,
            }));
            // Nothing holds the copy yet: it is in no cycle (an insert that
            // makes one notes it).
            ok(Value::List(copy))
        }
        // List.sort(null): the elements' natural order (Comparable.compareTo),
        // stable as Java's TimSort is.
        ("sort", [Value::Null]) => {
            let n = len as u64;
            charge!(budget.steps(n.saturating_mul(u64::from(n.max(1).ilog2() + 1))));
            match sorted_naturally(&list.items, budget) {
                Ok(sorted) => {
                    *list.items = sorted;
                    list.mods = list.mods.wrapping_add(1);
                }
                Err(e) => return Some(Err(e)),
            }
            void()
        }
        // ArrayList.batchRemove: keeps each element that `c` holds (retainAll)
        // or does not hold (removeAll); whether any was dropped.
        ("removeAll" | "retainAll", [c]) => {
            let items = charged!(collection_items(c, l, &list.items, &mut view, budget)?);
            let keep_held = name == "retainAll";
            let mut keep = Vec::with_capacity(len);
            for x in list.items.iter() {
                let held = charged!(position(&items, x, budget)).is_some();
                keep.push(held == keep_held);
            }
            let mut flags = keep.into_iter();
            list.items.retain(|_| flags.next().unwrap_or(true));
            // `modCount` grows by the number removed.
            let removed = len - list.items.len();
            list.mods = list.mods.wrapping_add(removed as u32);
            ok(Value::Bool(removed != 0))
        }
        ("containsAll", [c]) => {
            let items = charged!(collection_items(c, l, &list.items, &mut view, budget)?);
            for v in &items {
                if charged!(position(&list.items, v, budget)).is_none() {
                    return ok(Value::Bool(false));
                }
            }
            ok(Value::Bool(true))
        }
        // A view of the list ([`super::sublist`]).
        ("subList", [a, b]) => {
            let (a, b) = (int_arg(a)?, int_arg(b)?);
            super::sublist::of_list(l, list.array.is_some(), list.mods, a, b, len)
        }
        ("toArray", [a]) => to_array_in(Some((l, list.array)), &list.items, a, budget),
        // `toArray(T[] a)` given several arguments: 1.7 takes a method whose
        // last parameter is an array for one of variable arity, and hands it
        // the arguments as an `Object[]`.
        ("toArray", [_, _, ..]) => {
            let n = list.items.len();
            charge!(budget.slots(args.len().max(n)));
            let items: Vec<Value> = if args.len() >= n {
                // Filled with the items, the slot after them nulled.
                let mut a = list.items.to_vec();
                a.extend(args.iter().skip(n).enumerate().map(|(i, v)| {
                    if i == 0 {
                        Value::Null
                    } else {
                        v.clone()
                    }
                }));
                a
            } else {
                list.items.to_vec()
            };
            ok(Value::new_array(ArrayOf::Objects, items, budget))
        }
        // `Object[]`, a copy.
        ("toArray", []) => {
            charge!(budget.slots(len));
            ok(Value::new_array(
                ArrayOf::Objects,
                list.items.to_vec(),
                budget,
            ))
        }
        ("stream" | "parallelStream", []) => ok(super::stream::JavaStream::of_collection(
            Value::List(l.clone()),
            name == "parallelStream",
            budget,
        )),
        ("iterator", []) => ok(JavaIterator::of_list(
            l,
            list.array.is_some(),
            false,
            0,
            (len, list.mods),
            budget,
        )),
        ("listIterator", []) => ok(JavaIterator::of_list(
            l,
            list.array.is_some(),
            true,
            0,
            (len, list.mods),
            budget,
        )),
        ("listIterator", [at]) => {
            let array = list.array.is_some();
            match super::iterator::list_iterator_at(at, len)? {
                Ok(at) => ok(JavaIterator::of_list(
                    l,
                    array,
                    true,
                    at,
                    (len, list.mods),
                    budget,
                )),
                Err(e) => e,
            }
        }
        ("toJSONString", []) if list.json => {
            drop(list);
            let mut s = String::new();
            charge!(Value::List(l.clone()).write_json(&mut s, budget));
            ok(Value::Str(JStr::from(s)))
        }
        _ => None,
    }
}

pub(super) fn unsupported() -> MResult {
    err("java.lang.UnsupportedOperationException")
}

/// `contains`, `indexOf`, `lastIndexOf` or `remove(Object)` of the list
/// `l` for the `subList` view `v` (which may be a view of `l`): the items
/// are copied (charged) and compared with `v` while `l` is not borrowed.
fn find_view(l: &ListRef, name: &str, v: &Value, budget: &Budget) -> MResult {
    let (items, array) = {
        let Ok(list) = l.try_borrow() else {
            return concurrent_modification();
        };
        charge!(budget.slots(list.items.len()));
        (list.items.to_vec(), list.array.is_some())
    };
    let found = if name == "lastIndexOf" {
        charged!(last_position(&items, v, budget))
    } else {
        charged!(position(&items, v, budget))
    };
    match (name, found) {
        ("contains", _) => ok(Value::Bool(found.is_some())),
        ("indexOf" | "lastIndexOf", _) => ok(Value::Int(found.map_or(-1, |p| p as i32))),
        (_, None) => ok(Value::Bool(false)),
        // An array's `remove` of an item it holds throws.
        (_, Some(_)) if array => unsupported(),
        (_, Some(p)) => {
            let Ok(mut list) = l.try_borrow_mut() else {
                return concurrent_modification();
            };
            if p >= list.items.len() {
                return concurrent_modification();
            }
            charge!(budget.scan((list.items.len() - p) * VALUE_BYTES));
            list.items.remove(p);
            list.mods = list.mods.wrapping_add(1);
            ok(Value::Bool(true))
        }
    }
}

/// `AbstractCollection.addAll(null)` and `AbstractList.addAll(i, null)`.
fn null_collection() -> MResult {
    err(super::npe(
        "Cannot invoke \"java.util.Collection.iterator()\" because \"c\" is null",
    ))
}

/// `toArray(T[] a)` of a collection of `items`: `receiver` is the list and
/// whether it is an array when the collection is a list, `None` for a map's
/// view. Velocity 1.7 passes an argument that is no array as an `Object[]`
/// of one (it reads an array parameter as a variable one); a `char[]` or
/// `byte[]` argument fails as Velocity's call of it does. An array large
/// enough is filled (the slot after the last item set to null) and returned
/// itself; else a new array of its type is returned. An item a `String[]`
/// cannot hold throws `ArrayStoreException`: an `ArrayList` (or json-smart's
/// `JSONArray`) with `System.arraycopy`'s message, the rest (an array through
/// Velocity's list wrapper, a map's view), which store item by item, with
/// the item's class. A null argument is Java 11's `toArray(IntFunction)`,
/// which fails.
pub(super) fn to_array_in(
    receiver: Option<(&ListRef, Option<crate::eval::value::JavaArray>)>,
    items: &[Value],
    arg: &Value,
    budget: &Budget,
) -> MResult {
    let n = items.len();
    let receiver_is = |a: &ListRef| receiver.filter(|(r, _)| Rc::ptr_eq(r, a));
    let target = match arg {
        Value::Null => {
            return err(super::npe(
                "Cannot invoke \"java.util.function.IntFunction.apply(int)\" because \"generator\" is null",
            ))
        }
        // The receiver itself is borrowed: its kind is known.
        Value::List(a) => match receiver_is(a) {
            Some((_, j)) => j.map(|j| (a, j.of, n)),
            None => a
                .try_borrow()
                .ok()
                .and_then(|t| t.array.map(|j| (a, j.of, t.items.len()))),
        },
        _ => None,
    };
    let of = match target {
        Some((
            _,
            ArrayOf::Chars | ArrayOf::Bytes | ArrayOf::Ints | ArrayOf::Longs | ArrayOf::Doubles,
            _,
        )) => return err("java.lang.IllegalArgumentException: wrong number of arguments"),
        // An array filled with its own items: unchanged.
        Some((a, _, _)) if receiver_is(a).is_some() => return ok(arg.clone()),
        Some((_, of, _)) => of,
        None => ArrayOf::Objects,
    };
    let element = match of {
        ArrayOf::Strings => Some("java.lang.String"),
        ArrayOf::BigIntegers => Some("java.math.BigInteger"),
        ArrayOf::BigDecimals => Some("java.math.BigDecimal"),
        _ => None,
    };
    if let Some(element) = element {
        charge!(budget.steps(n as u64));
        if let Some(bad) = items.iter().find(|v| {
            !matches!(
                (of, v),
                (_, Value::Null)
                    | (ArrayOf::Strings, Value::Str(_))
                    | (ArrayOf::BigIntegers, Value::BigInt(_))
                    | (ArrayOf::BigDecimals, Value::Decimal(_))
            )
        }) {
            return err(match receiver {
                Some((_, None)) => format!("java.lang.ArrayStoreException: arraycopy: element type mismatch: can not cast one of the elements of java.lang.Object[] to the type of the destination array, {element}"),
                _ => format!("java.lang.ArrayStoreException: {}", bad.java_class_name()),
            });
        }
    }
    match target {
        Some((a, _, len)) if len >= n => {
            charge!(budget.steps(len as u64));
            let Ok(mut t) = a.try_borrow_mut() else {
                return err("java.util.ConcurrentModificationException");
            };
            let slots = t.items.iter_mut();
            for (slot, v) in slots.zip(items.iter().chain(std::iter::once(&Value::Null))) {
                budget.note_list(a, v);
                *slot = v.clone();
            }
            ok(arg.clone())
        }
        _ => {
            // The argument as an array of one holds the one item there is,
            // or null.
            let filled = if target.is_none() && n == 0 {
                vec![Value::Null]
            } else {
                items.to_vec()
            };
            charge!(budget.slots(filled.len()));
            ok(Value::new_array(of, filled, budget))
        }
    }
}

/// The methods of a Java array (`l`, its `items`) that differ from an
/// `ArrayList`'s: Velocity 1.7 calls them on `java.util.AbstractList` over
/// the array, whose `get` and `set` read and write the array
/// (`java.lang.reflect.Array`) and whose other changes throw
/// `UnsupportedOperationException` when they would add or remove something.
/// `None`: as an `ArrayList` does (or not found).
fn array_method(
    l: &ListRef,
    items: &mut [Value],
    of: ArrayOf,
    name: &str,
    args: &[Value],
    view: &mut Option<Result<Vec<Value>, Exceeded>>,
    budget: &Budget,
) -> Option<MResult> {
    let len = items.len();
    let out_of_bounds = || err("java.lang.ArrayIndexOutOfBoundsException");
    // The array itself is no Collection argument either.
    if let [.., Value::List(c)] = args {
        if Rc::ptr_eq(c, l) && matches!(name, "addAll" | "removeAll" | "retainAll" | "containsAll")
        {
            return Some(None);
        }
    }
    Some(match (name, args) {
        ("get", [i]) => {
            let i = int_arg(i)?;
            match usize::try_from(i).ok().and_then(|i| items.get(i)) {
                Some(v) => ok(v.clone()),
                None => out_of_bounds(),
            }
        }
        // `Array.set`: the index first, then the value's type.
        ("set", [i, v]) => {
            let i = int_arg(i)?;
            let Some(slot) = usize::try_from(i).ok().and_then(|i| items.get_mut(i)) else {
                return Some(out_of_bounds());
            };
            // `Array.set` of a primitive array unboxes and widens.
            let widened = match (of, v) {
                (
                    ArrayOf::Ints,
                    Value::Int(_) | Value::Short(_) | Value::Byte(_) | Value::Char(_),
                ) => v.int_like().or_else(|| char_code(v)).map(Value::Int),
                (ArrayOf::Longs, Value::Long(x)) => Some(Value::Long(*x)),
                (
                    ArrayOf::Longs,
                    Value::Int(_) | Value::Short(_) | Value::Byte(_) | Value::Char(_),
                ) => v
                    .int_like()
                    .or_else(|| char_code(v))
                    .map(|x| Value::Long(i64::from(x))),
                (ArrayOf::Doubles, Value::Double(x)) => Some(Value::Double(*x)),
                (ArrayOf::Doubles, Value::Float(x)) => Some(Value::Double(f64::from(*x))),
                (ArrayOf::Doubles, Value::Long(x)) => Some(Value::Double(*x as f64)),
                (
                    ArrayOf::Doubles,
                    Value::Int(_) | Value::Short(_) | Value::Byte(_) | Value::Char(_),
                ) => v
                    .int_like()
                    .or_else(|| char_code(v))
                    .map(|x| Value::Double(f64::from(x))),
                _ => None,
            };
            if let Some(w) = widened {
                return Some(ok(std::mem::replace(slot, w)));
            }
            match (of, v) {
                (ArrayOf::Objects, _)
                | (ArrayOf::Strings, Value::Str(_) | Value::Null)
                | (ArrayOf::Chars, Value::Char(_))
                | (ArrayOf::Bytes, Value::Byte(_))
                | (ArrayOf::BigIntegers, Value::BigInt(_) | Value::Null)
                | (ArrayOf::BigDecimals, Value::Decimal(_) | Value::Null) => {}
                (ArrayOf::Strings | ArrayOf::BigIntegers | ArrayOf::BigDecimals, _) => {
                    return Some(err(
                        "java.lang.IllegalArgumentException: array element type mismatch",
                    ))
                }
                // A null does not unbox; nothing else is a Character or Byte.
                (_, Value::Null) => return Some(err("java.lang.IllegalArgumentException")),
                _ => {
                    return Some(err(
                        "java.lang.IllegalArgumentException: argument type mismatch",
                    ))
                }
            }
            // An `Object[]` can be made to hold itself, through a list or
            // directly: noted, so that the cycle is freed with the render.
            budget.note_list(l, v);
            ok(std::mem::replace(slot, v.clone()))
        }
        ("add", [_]) => unsupported(),
        ("add", [i, _]) => {
            int_arg(i)?;
            unsupported()
        }
        ("remove", [Value::Int(_) | Value::Short(_) | Value::Byte(_)]) => unsupported(),
        // `AbstractCollection.remove`: found, it is removed (which throws).
        ("remove", [v]) => match position(items, v, budget) {
            Ok(Some(_)) => unsupported(),
            Ok(None) => ok(Value::Bool(false)),
            Err(e) => Some(Err(e.into())),
        },
        ("clear", []) if len > 0 => unsupported(),
        ("addAll", [Value::Null]) => null_collection(),
        ("addAll", [i, Value::Null]) => match int_arg(i)? {
            i if i < 0 || i as usize > len => add_index_error(i, len),
            _ => null_collection(),
        },
        // Each element of the argument is added (the first throws).
        ("addAll", [c]) => match collection_items(c, l, items, view, budget)? {
            Ok(added) if added.is_empty() => ok(Value::Bool(false)),
            Ok(_) => unsupported(),
            Err(e) => Some(Err(e.into())),
        },
        ("addAll", [i, c]) => {
            let i = int_arg(i)?;
            match collection_items(c, l, items, view, budget)? {
                Err(e) => Some(Err(e.into())),
                Ok(_) if i < 0 || i as usize > len => add_index_error(i, len),
                Ok(added) if added.is_empty() => ok(Value::Bool(false)),
                Ok(_) => unsupported(),
            }
        }
        ("removeAll" | "retainAll", [Value::Null]) => err("java.lang.NullPointerException"),
        // `AbstractCollection`'s: the first element to go is removed (which throws).
        ("removeAll" | "retainAll", [c]) => {
            let other = match collection_items(c, l, items, view, budget)? {
                Ok(other) => other,
                Err(e) => return Some(Some(Err(e.into()))),
            };
            let keep_held = name == "retainAll";
            for x in items.iter() {
                match position(&other, x, budget) {
                    Ok(p) if p.is_some() != keep_held => return Some(unsupported()),
                    Ok(_) => {}
                    Err(e) => return Some(Some(Err(e.into()))),
                }
            }
            ok(Value::Bool(false))
        }
        // An array's `clone` is not public to Velocity.
        ("clone", []) => return Some(None),
        _ => return None,
    })
}

/// The index of the first element that `equals` `v`.
pub(super) fn position(
    items: &[Value],
    v: &Value,
    budget: &Budget,
) -> Result<Option<usize>, Exceeded> {
    for (p, x) in items.iter().enumerate() {
        if x.java_equals(v, budget)? {
            return Ok(Some(p));
        }
    }
    Ok(None)
}

/// The methods of an unmodifiable list (`ImmutableCollections$ListN`)
/// that differ from an `ArrayList`'s: every change throws
/// `UnsupportedOperationException`, whatever its arguments, and it has no
/// `clone`, `trimToSize` or `ensureCapacity`. `None`: as an `ArrayList`.
fn immutable_method(name: &str, args: &[Value]) -> Option<MResult> {
    match (name, args.len()) {
        ("add" | "addAll", 1 | 2)
        | ("set", 2)
        | ("remove" | "removeAll" | "retainAll" | "removeIf" | "replaceAll" | "sort", 1)
        | ("clear", 0) => Some(unsupported()),
        ("clone" | "trimToSize" | "ensureCapacity", _) => Some(None),
        _ => None,
    }
}

/// The code of a Character (what a primitive array's `Array.set` widens it to).
fn char_code(v: &Value) -> Option<i32> {
    match v {
        Value::Char(c) => Some(i32::from(*c)),
        _ => None,
    }
}

/// [`position`] from the end (`lastIndexOf`).
pub(super) fn last_position(
    items: &[Value],
    v: &Value,
    budget: &Budget,
) -> Result<Option<usize>, Exceeded> {
    for (p, x) in items.iter().enumerate().rev() {
        if x.java_equals(v, budget)? {
            return Ok(Some(p));
        }
    }
    Ok(None)
}

/// `items` in their natural order (`Collections.sort` with no comparator):
/// Java's sort's comparisons in its order ([`super::timsort`]), so that a
/// comparison that throws is the one Java meets first; that error ends it.
#[inline(never)]
pub(super) fn sorted_naturally(items: &[Value], budget: &Budget) -> Result<Vec<Value>, CallError> {
    let order = super::timsort::sort(items.len(), &mut |x, y, receiver| match (
        items.get(x),
        items.get(y),
    ) {
        (Some(a), Some(b)) => natural_order(a, b, receiver, budget),
        _ => Ok(std::cmp::Ordering::Equal),
    })?;
    Ok(order
        .iter()
        .filter_map(|&i| items.get(i).cloned())
        .collect())
}

/// `((Comparable) a).compareTo(b)` as Java's sort calls it: a null `a` is a
/// NullPointerException naming it as the sort's code does (`receiver`),
/// an `a` that is not Comparable a ClassCastException; the rest is
/// `a.compareTo(b)`'s (a null `b`, or one it cannot compare with, throws).
pub(super) fn natural_order(
    a: &Value,
    b: &Value,
    receiver: &str,
    budget: &Budget,
) -> Result<std::cmp::Ordering, CallError> {
    if a.is_null() {
        return Err(CallError::Java(super::npe(&format!(
            "Cannot invoke \"java.lang.Comparable.compareTo(Object)\" because \"{receiver}\" is null"
        ))));
    }
    if matches!(a, Value::List(_) | Value::Map(_) | Value::Object(_)) {
        return Err(CallError::Java(super::cce(a, "java.lang.Comparable")));
    }
    match super::call_method(a, "compareTo", std::slice::from_ref(b), budget) {
        Some(Ok(Value::Int(c))) => Ok(c.cmp(&0)),
        Some(Err(e)) => Err(e),
        _ => Err(CallError::Java(super::cce(b, &a.java_class_name()))),
    }
}

/// [`super::collection_elements`] of an argument of a method of `this`,
/// whose items (`this_items`) are borrowed here: `$l.addAll($l)` copies them
/// (as Java copies the list first). `view`: the elements of a `subList`
/// view argument, read before `this` was borrowed.
fn collection_items(
    c: &Value,
    this: &ListRef,
    this_items: &[Value],
    view: &mut Option<Result<Vec<Value>, Exceeded>>,
    budget: &Budget,
) -> Option<Result<Vec<Value>, Exceeded>> {
    if let Some(items) = view.take() {
        return Some(items);
    }
    match c {
        Value::List(o) if Rc::ptr_eq(this, o) => {
            Some(budget.slots(this_items.len()).map(|()| this_items.to_vec()))
        }
        _ => super::collection_elements(c, budget),
    }
}
