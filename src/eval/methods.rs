//! Java methods and properties on values: `String`, `Map`, `List` as Velocity 1.7 sees them.

use super::value::Value;

/// `$recv.name(args)`. `None`: no such method (the reference stays undefined).
/// A method that Java declares `void` gives `Value::Str("")`, as 1.7 renders it.
pub fn call_method(recv: &Value, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
    match recv {
        Value::Object(o) => o.call(name, args),
        _ => None,
    }
}

/// `$recv.name`: `getName()`, `getname()`, `get("name")` on maps, `isName()`. `None`: undefined.
pub fn get_property(recv: &Value, name: &str) -> Option<Value> {
    match recv {
        Value::Object(o) => o.property(name),
        Value::Map(m) => m.borrow().entries.get(&super::value::Key::str(name)).cloned(),
        _ => None,
    }
}

/// `$recv[idx]`. `Ok(None)`: undefined.
pub fn get_index(recv: &Value, idx: &Value) -> Result<Option<Value>, String> {
    let _ = (recv, idx);
    Ok(None)
}

/// `#set($recv.name = value)`. `None`: the property cannot be set.
pub fn set_property(recv: &Value, name: &str, value: Value) -> Option<Result<(), String>> {
    match recv {
        Value::Object(o) => o.set_property(name, value),
        Value::Map(m) => {
            m.borrow_mut().entries.insert(super::value::Key::str(name), value);
            Some(Ok(()))
        }
        _ => None,
    }
}

/// `#set($recv[idx] = value)`. `None`: cannot be set.
pub fn set_index(recv: &Value, idx: &Value, value: Value) -> Option<Result<(), String>> {
    let _ = (recv, idx, value);
    None
}
