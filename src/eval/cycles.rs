//! Freeing the reference cycles a render makes.
//!
//! Lists and maps are reference-counted, so a list that holds itself
//! (`#set($d = $l.add($l))`) would never be freed. A cycle can only arise when
//! an existing container is made to hold another container or object (a new
//! list or map literal only refers to values older than itself), so the
//! containers that were, and only those, are noted as they change
//! ([`Cycles::note`]: a pointer pushed, once per container). A render that
//! never puts a container into a container notes nothing and pays nothing.
//!
//! When the render's [`super::budget::Budget`] is dropped, the noted containers
//! are collected by trial deletion (as CPython's and Bacon and Rajan's
//! synchronous cycle collectors do): everything reachable from them is counted;
//! a node referenced more often than from inside that subgraph is held from
//! outside, and so is everything it reaches; the rest is garbage, and emptying
//! its lists and maps breaks its cycles, so reference counting frees it all.
//! Host objects take part through [`HostObject::for_each_value`] and
//! [`HostObject::release`]; one that does not report what it holds only makes
//! what it holds look referenced from outside, which keeps it (never the reverse).
//!
//! The walk is iterative (no recursion over values) and each node is visited
//! once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use super::value::{HostObject, List, Map, Value};

/// A noted container, held weakly: noting never keeps anything alive.
enum Held {
    List(Weak<RefCell<List>>),
    Map(Weak<RefCell<Map>>),
    Object(Weak<dyn HostObject>),
}

impl Held {
    fn upgrade(&self) -> Option<Value> {
        match self {
            Held::List(w) => w.upgrade().map(Value::List),
            Held::Map(w) => w.upgrade().map(Value::Map),
            Held::Object(w) => w.upgrade().map(Value::Object),
        }
    }
}

/// The containers of one render that may be part of a cycle.
#[derive(Default)]
pub(crate) struct Cycles {
    /// The noted containers, each once (by address, checked alive: a freed
    /// container's address may be reused by a new one). Made on the first note.
    held: RefCell<Option<Box<Noted>>>,
}

/// The noted containers, and where each is in the list by address.
type Noted = (Vec<Held>, HashMap<usize, usize>);

/// The address of a container or object; `None` for other values.
fn address(v: &Value) -> Option<usize> {
    match v {
        Value::List(l) => Some(Rc::as_ptr(l) as usize),
        Value::Map(m) => Some(Rc::as_ptr(m) as usize),
        Value::Object(o) => Some(Rc::as_ptr(o) as *const () as usize),
        _ => None,
    }
}

fn strong_count(v: &Value) -> usize {
    match v {
        Value::List(l) => Rc::strong_count(l),
        Value::Map(m) => Rc::strong_count(m),
        Value::Object(o) => Rc::strong_count(o),
        _ => 0,
    }
}

/// Calls `f` with every container or object `v` holds, once per reference.
fn for_each_child(v: &Value, f: &mut dyn FnMut(&Value)) {
    let mut visit = |c: &Value| {
        if address(c).is_some() {
            f(c);
        }
    };
    match v {
        Value::List(l) => {
            if let Ok(l) = l.try_borrow() {
                // Contents not yet read from the body hold no container
                // of the render's: not built to be walked.
                if let Some(items) = l.items.if_built() {
                    items.iter().for_each(&mut visit);
                }
            }
        }
        Value::Map(m) => {
            if let Ok(m) = m.try_borrow() {
                if let Some(entries) = m.entries.if_built() {
                    entries.values().for_each(&mut visit);
                }
            }
        }
        Value::Object(o) => o.for_each_value(&mut visit),
        _ => {}
    }
}

struct Node {
    value: Value,
    /// References to this node from nodes of the subgraph.
    internal: usize,
    live: bool,
}

impl Cycles {
    /// Notes that `holder` was made to hold a container or object.
    pub(crate) fn note(&self, holder: &Value) {
        let Some(addr) = address(holder) else {
            return;
        };
        let Ok(mut held) = self.held.try_borrow_mut() else {
            return;
        };
        let (list, index) = &mut **held.get_or_insert_with(Default::default);
        if let Some(&i) = index.get(&addr) {
            let alive = list
                .get(i)
                .and_then(Held::upgrade)
                .is_some_and(|v| address(&v) == Some(addr));
            if alive {
                return;
            }
        }
        let weak = match holder {
            Value::List(l) => Held::List(Rc::downgrade(l)),
            Value::Map(m) => Held::Map(Rc::downgrade(m)),
            Value::Object(o) => Held::Object(Rc::downgrade(o)),
            _ => return,
        };
        index.insert(addr, list.len());
        list.push(weak);
    }

    /// Frees the cycles among the noted containers that nothing outside holds.
    pub(crate) fn collect(&self) {
        let held = match self.held.try_borrow_mut() {
            Ok(mut h) => match h.take() {
                Some(h) => h.0,
                None => return,
            },
            Err(_) => return,
        };
        let mut nodes: Vec<Node> = Vec::new();
        let mut index: HashMap<usize, usize> = HashMap::new();
        let mut work: Vec<usize> = Vec::new();
        let mut add = |v: &Value, nodes: &mut Vec<Node>, work: &mut Vec<usize>| -> usize {
            let addr = address(v).unwrap_or(0);
            *index.entry(addr).or_insert_with(|| {
                nodes.push(Node {
                    value: v.clone(),
                    internal: 0,
                    live: false,
                });
                work.push(nodes.len() - 1);
                nodes.len() - 1
            })
        };
        for h in &held {
            if let Some(v) = h.upgrade() {
                add(&v, &mut nodes, &mut work);
            }
        }
        drop(held);
        // Count the references inside the subgraph reachable from the noted nodes.
        while let Some(i) = work.pop() {
            let Some(v) = nodes.get(i).map(|n| n.value.clone()) else {
                continue;
            };
            let mut children = Vec::new();
            for_each_child(&v, &mut |c| children.push(c.clone()));
            for c in &children {
                let j = add(c, &mut nodes, &mut work);
                if let Some(n) = nodes.get_mut(j) {
                    n.internal += 1;
                }
            }
        }
        // Held from outside: more references than the subgraph's (and the table's own).
        let mut live: Vec<usize> = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| strong_count(&n.value).saturating_sub(1) > n.internal)
            .map(|(i, _)| i)
            .collect();
        for &i in &live {
            if let Some(n) = nodes.get_mut(i) {
                n.live = true;
            }
        }
        // Everything they reach is alive too.
        while let Some(i) = live.pop() {
            let Some(v) = nodes.get(i).map(|n| n.value.clone()) else {
                continue;
            };
            let mut children = Vec::new();
            for_each_child(&v, &mut |c| children.push(c.clone()));
            for c in &children {
                if let Some(&j) = address(c).and_then(|a| index.get(&a)) {
                    if let Some(n) = nodes.get_mut(j) {
                        if !n.live {
                            n.live = true;
                            live.push(j);
                        }
                    }
                }
            }
        }
        // The rest is garbage: empty it, which breaks its cycles.
        let mut trash: Vec<Value> = Vec::new();
        for n in nodes.iter().filter(|n| !n.live) {
            match &n.value {
                Value::List(l) => {
                    if let Ok(mut l) = l.try_borrow_mut() {
                        if let Some(mut items) = l.items.take_built() {
                            trash.append(&mut items);
                        }
                    }
                }
                Value::Map(m) => {
                    if let Ok(mut m) = m.try_borrow_mut() {
                        if let Some(mut entries) = m.entries.take_built() {
                            trash.extend(entries.drain(..).map(|(_, v)| v));
                        }
                    }
                }
                Value::Object(o) => o.release(),
                _ => {}
            }
        }
        drop(nodes);
        drop(trash);
    }
}
