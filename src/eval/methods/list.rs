//! `java.util.ArrayList`'s methods (json-smart's `JSONArray` is one too).

use std::rc::Rc;

use super::{err, int_arg, ok, void, MResult};
use crate::eval::value::{ListRef, Value};

fn ioobe(index: i64, len: usize) -> MResult {
    err(format!(
        "java.lang.IndexOutOfBoundsException: Index {index} out of bounds for length {len}"
    ))
}

pub(super) fn method(l: &ListRef, name: &str, args: &[Value]) -> MResult {
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
