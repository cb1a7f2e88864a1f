//! `$context` and `$stageVariables`, and the overrides a template sets.
//!
//! `$context` is built from the event's `requestContext`:
//! - top-level keys whose value is null or absent are absent (`$context.keySet()`
//!   lists only keys with a value, as recorded against AWS);
//! - nested nulls (`identity.accessKey`, …) are empty strings;
//! - `authorizer.*` values are strings (numbers and booleans stringified, as AWS
//!   documents), `authorizer.claims` stays a map of strings;
//! - `$context`, `identity` and `requestOverride` iterate (and print) in Java 8
//!   `HashMap` order, as recorded against AWS ([`hash_map_order`]);
//! - every map inside `$context` (`identity`, `authorizer`, `authorizer.claims`,
//!   `requestOverride` and its maps, `responseOverride` and its `header`) prints
//!   as the empty string, as recorded (`"$context.get('identity')"` is `""`) and
//!   documented (`$context.authorizer.claims` alone is null); its keys and
//!   values are read as usual;
//! - `requestOverride` holds `header`, `querystring` and `path` maps and
//!   `responseOverride` a `header` map (plus `status` once set). Setting the same
//!   override twice is an error, as on AWS (which answers 5XX).
//!
//! It is read from the event on first use ([`ContextTape`]), as a request
//! body is ([`crate::eval::lazy`]).

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

use indexmap::IndexMap;

use super::overrides;
use crate::eval::budget::{Budget, Exceeded};
use crate::eval::lazy::{Lazy, Member, Tape};
use crate::eval::methods;
use crate::eval::value::{
    same_text, CallError, CallResult, Entries, HostObject, Key, Map, StrKey, Value,
};

/// A map whose entries may each be set once (`$context.requestOverride.header` …).
#[derive(Debug)]
pub(crate) struct OverrideMap {
    name: &'static str,
    map: Value,
    set: RefCell<HashSet<Key>>,
}

impl OverrideMap {
    pub(crate) fn new(name: &'static str, entries: crate::eval::value::Entries) -> Rc<OverrideMap> {
        Rc::new(OverrideMap {
            name,
            map: Value::new_map(entries),
            set: RefCell::new(HashSet::new()),
        })
    }

    fn first_set(&self, key: Key) -> Result<(), CallError> {
        let shown = key.to_value().to_java_string();
        if self.set.borrow_mut().insert(key) {
            Ok(())
        } else {
            Err(CallError::Java(format!(
                "$context.{}.{shown} is overridden twice: API Gateway allows each override once",
                self.name
            )))
        }
    }

    /// The entries as they stand.
    pub(crate) fn value(&self) -> &Value {
        &self.map
    }

    /// Whether `value` set for `key` is an override API Gateway can apply
    /// (see [`super::overrides`]).
    fn check(&self, key: &Key, value: &Value, budget: &Budget) -> Result<(), CallError> {
        let name = key.to_value().java_string(budget)?;
        let problem = match self.name {
            "requestOverride.header" | "responseOverride.header" => {
                match overrides::header_name_problem(&name) {
                    Some(p) => Some(p),
                    None => {
                        let mut found = None;
                        for text in value_texts(value, budget)? {
                            found = overrides::header_value_problem(&text);
                            if found.is_some() {
                                break;
                            }
                        }
                        found
                    }
                }
            }
            "responseOverride" if name == "status" && !value.is_null() => {
                overrides::status_problem(&value.java_string(budget)?)
            }
            _ => None,
        };
        match problem {
            Some(p) => Err(CallError::Java(overrides::message(
                &format!("{}.{}", self.name, shown_name(&name)),
                &p,
            ))),
            None => Ok(()),
        }
    }
}

/// The texts an override value sends: each element of a list (a multi-value
/// header), else the value's.
fn value_texts(value: &Value, budget: &Budget) -> Result<Vec<String>, Exceeded> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::List(l) => {
            let items: Vec<Value> = l.borrow().items.to_vec();
            items.iter().map(|v| v.java_string(budget)).collect()
        }
        other => Ok(vec![other.java_string(budget)?]),
    }
}

/// A name for messages: at most 60 characters, line breaks shown escaped.
fn shown_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .take(60)
        .flat_map(char::escape_default)
        .collect();
    if name.chars().count() > 60 {
        s.push('…');
    }
    s
}

impl HostObject for OverrideMap {
    fn property(&self, name: &str) -> Option<Value> {
        // A map's property reads an entry: nothing is built.
        methods::get_property(&self.map, name, &Budget::unmetered())
            .ok()
            .flatten()
    }

    fn call(&self, name: &str, args: &[Value], budget: &Budget) -> CallResult {
        if name == "put" {
            if let [k, v] = args {
                let key = match k.to_key(budget) {
                    Ok(key) => key,
                    Err(e) => return Some(Err(e.into())),
                };
                if let Err(e) = self.check(&key, v, budget) {
                    return Some(Err(e));
                }
                if let Err(e) = self.first_set(key) {
                    return Some(Err(e));
                }
            }
        }
        methods::call_method(&self.map, name, args, budget)
    }

    /// A map inside `$context`: prints as the empty string (see the module doc).
    fn to_java_string(&self) -> String {
        String::new()
    }

    fn set_property(
        &self,
        name: &str,
        value: Value,
        budget: &Budget,
    ) -> Option<Result<(), CallError>> {
        if let Err(e) = self.check(&Key::str(name), &value, budget) {
            return Some(Err(e));
        }
        if let Err(e) = self.first_set(Key::str(name)) {
            return Some(Err(e));
        }
        methods::set_property(&self.map, name, value, budget)
    }

    fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        f(&self.map);
    }
}

/// A map inside `$context`: it prints as the empty string.
fn context_map(entries: crate::eval::value::Entries) -> Value {
    let v = Value::new_map(entries);
    if let Value::Map(m) = &v {
        m.borrow_mut().prints_empty = true;
    }
    v
}

fn stringify(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::str(""),
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Object(o) => {
            let mut m = crate::eval::value::entries_with_capacity(o.len());
            for (k, v) in o {
                m.push_unique(Key::str(k), stringify(v));
            }
            context_map(m)
        }
        other => Value::str(&other.to_string()),
    }
}

fn no_nulls(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::str(""),
        serde_json::Value::Object(o) => {
            let mut m = crate::eval::value::entries_with_capacity(o.len());
            for (k, v) in o {
                m.push_unique(Key::str(k), no_nulls(v));
            }
            context_map(m)
        }
        other => Value::from_json(other),
    }
}

/// `$context.keySet()` as recorded against AWS (REST API, no authorizer). Used as
/// the insertion order of [`hash_map_order`]: it decides the order of keys that
/// share a hash bucket. Keys not listed come after, in the event's order.
const CONTEXT_KEYS: &[&str] = &[
    "resourceId",
    "resourcePath",
    "httpMethod",
    "extendedRequestId",
    "requestTime",
    "path",
    "accountId",
    "protocol",
    "requestOverride",
    "stage",
    "domainPrefix",
    "requestTimeEpoch",
    "requestId",
    "identity",
    "domainName",
    "deploymentId",
    "responseOverride",
    "apiId",
];

/// `$context.identity.keySet()` as recorded against AWS; as [`CONTEXT_KEYS`].
const IDENTITY_KEYS: &[&str] = &[
    "cognitoIdentityPoolId",
    "accountId",
    "cognitoIdentityId",
    "caller",
    "sourceIp",
    "principalOrgId",
    "accessKey",
    "cognitoAuthenticationType",
    "cognitoAuthenticationProvider",
    "userArn",
    "userAgent",
    "user",
];

/// `$context.requestOverride.keySet()` as recorded against AWS.
const REQUEST_OVERRIDE_KEYS: &[&str] = &["path", "header", "querystring"];

/// Java's `String.hashCode()`.
fn java_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// The order a Java 8 `HashMap` iterates `entries` in, had they been `put` into a
/// `new HashMap<>()` in `insertion` order (keys `insertion` does not name after the
/// named ones, in their given order): by bucket (`(h ^ h >>> 16) & (capacity - 1)`,
/// capacity 16 doubled while more than 3/4 full), then insertion order within a
/// bucket. (Java turns a bucket of 8+ into a tree only at capacity 64+; `$context`
/// maps stay far below that.) Recorded against AWS for `$context`, `identity`
/// and `requestOverride`.
pub(crate) fn hash_map_order(
    mut entries: crate::eval::value::Entries,
    insertion: &[&str],
) -> crate::eval::value::Entries {
    let mut capacity: usize = 16;
    while entries.len() > capacity / 4 * 3 {
        capacity *= 2;
    }
    // By bucket, then insertion order within one (unnamed keys after the
    // named ones, in their given order): a stable sort in place, each key's
    // place computed once and the table rebuilt from the stored hashes.
    entries.sort_by_cached_key(|k, _| {
        let (h, rank) = match k {
            Key::Str(s) => (
                java_hash(s),
                insertion
                    .iter()
                    .position(|n| *n == &**s)
                    .unwrap_or(insertion.len()),
            ),
            other => (
                java_hash(&other.to_value().to_java_string()),
                insertion.len(),
            ),
        };
        (crate::eval::value::hash_map_bucket(h, capacity), rank)
    });
    entries
}

/// The per-render `$context`: the map the template sees, read from the event
/// on first use ([`ContextTape`]).
pub(crate) struct ContextValue {
    pub(crate) value: Value,
    tape: Rc<ContextTape>,
}

/// Which of `$context` a render builds.
#[derive(Debug, Clone)]
pub(crate) enum ContextKeys {
    /// All of it: the template reads `$context` as a whole (prints it,
    /// iterates it, calls its methods, passes it on).
    All,
    /// Only these top-level keys: the template reads `$context` only as
    /// `$context.name…` with these names, so no other key, nor the order of
    /// the keys, can show.
    Only(Arc<[ContextKey]>),
}

/// A top-level key of `$context` a template reads as `$context.name…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContextKey {
    pub(crate) name: Box<str>,
    /// `Some`: the template reads this key only as `$context.name.sub…`, with
    /// these `sub`s: when its value is a map (`identity`, `authorizer`), only
    /// those entries are built, since neither the others nor their order can
    /// show. `None`: the value is read as a whole.
    pub(crate) sub: Option<Vec<Box<str>>>,
}

/// The value of top-level entry `k` (or of an entry inside it): `authorizer`'s
/// values are strings, nulls elsewhere empty strings.
fn context_value(k: &str, v: &serde_json::Value) -> Value {
    if k == "authorizer" {
        stringify(v)
    } else {
        no_nulls(v)
    }
}

/// `o.get_key_value(name)`, as [`entry_named`](super::request::entry_named)
/// finds it. Kept a call: inlined into its callers it made the `$context`
/// block about 2% dearer.
#[inline(never)]
fn json_entry<'a>(
    o: &'a serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<(&'a str, &'a serde_json::Value)> {
    super::request::entry_named(o.len(), o.iter(), || o.get_key_value(name), name)
}

/// `o.get(name)` ([`json_entry`]).
#[inline]
fn json_get<'a>(
    o: &'a serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<&'a serde_json::Value> {
    json_entry(o, name).map(|(_, v)| v)
}

/// The keys of `$context` that are the render's own maps, not the event's.
fn is_override(key: &str) -> bool {
    key == "requestOverride" || key == "responseOverride"
}

/// `$context.requestOverride`: its `path`, `header` and `querystring` maps, in
/// the order recorded against AWS (which is their `HashMap` order).
fn request_override() -> (Value, [Rc<OverrideMap>; 3]) {
    let header = OverrideMap::new("requestOverride.header", Default::default());
    let querystring = OverrideMap::new("requestOverride.querystring", Default::default());
    let path = OverrideMap::new("requestOverride.path", Default::default());
    let mut ro = crate::eval::value::entries_with_capacity(3);
    for k in REQUEST_OVERRIDE_KEYS {
        let map = match *k {
            "path" => &path,
            "header" => &header,
            _ => &querystring,
        };
        ro.push_unique(Key::str(k), Value::Object(map.clone()));
    }
    (context_map(ro), [header, querystring, path])
}

/// `$context.responseOverride` (a map holding the `header` map) and its header map.
fn response_override() -> (Value, (Rc<OverrideMap>, Rc<OverrideMap>)) {
    let response_header = OverrideMap::new("responseOverride.header", Default::default());
    let mut so = crate::eval::value::entries_with_capacity(1);
    so.push_unique(Key::str("header"), Value::Object(response_header.clone()));
    let response = OverrideMap::new("responseOverride", so);
    (Value::Object(response.clone()), (response, response_header))
}

/// The position of entry `name` in `o`, when [`json_entry`] finds it by a walk
/// (`None` for a large `o`, which it hashes, and for a name `o` lacks).
fn json_position(o: &serde_json::Map<String, serde_json::Value>, name: &str) -> Option<usize> {
    if o.len() > 32 {
        return None;
    }
    o.keys().position(|k| same_text(k, name))
}

/// A map the tape keeps for a top-level key, with what reading its entries
/// needs, found once when it is made (the event does not change during a
/// render).
struct Kept {
    /// The key, when its entry is looked up by name (else it is the key of
    /// the entry at [`Kept::at`]).
    name: Option<Box<str>>,
    value: Value,
    /// The position of the key's entry in `requestContext`, when found by a
    /// walk (else it is looked up by name).
    at: Option<usize>,
    /// The plan's entry for the key (its index), when the plan names only
    /// some of the map's entries.
    plan: Option<usize>,
}

/// The maps a tape keeps: most renders keep one or two.
type KeptMaps = smallvec::SmallVec<[Kept; 2]>;

/// `$context` for one render, read from the event's `requestContext` as the
/// template asks ([`crate::eval::lazy`]): a map is built only when something
/// needs it whole (a lookup that is not `$context.name`, iteration, a
/// change), and a printed `$context.name` or `$context.name.sub` whose value
/// is a string is written from the event, with no value made. The maps of
/// top-level keys (`identity`, `authorizer`) are made once each and kept, so
/// that every reader shares one map, as every reader of a built `$context`
/// does.
///
/// Node 0 is `$context`; node `i + 1` the `i`th map kept in `subs`. Names
/// are looked up as [`json_entry`] looks them up (a large `requestContext`
/// is hashed); a kept map's entry in `requestContext` is found again by its
/// position when a walk found it.
struct ContextTape {
    rc: Arc<serde_json::Map<String, serde_json::Value>>,
    keys: ContextKeys,
    /// The maps of top-level keys made so far, with their keys. Cleared when
    /// the render ends ([`ContextValue`]'s drop): each holds this tape.
    subs: RefCell<KeptMaps>,
    /// This tape, for the maps it makes.
    me: std::rc::Weak<ContextTape>,
    /// The override maps, once `$context` or the override key is built.
    request: RefCell<Option<[Rc<OverrideMap>; 3]>>,
    response: RefCell<Option<(Rc<OverrideMap>, Rc<OverrideMap>)>>,
    /// [`Tape::size_bound`], worked out on first use.
    bound: std::cell::OnceCell<usize>,
    /// Where the last walk of `requestContext` for a top-level key ended.
    walked: std::cell::Cell<usize>,
}

impl ContextTape {
    /// The plan's entry for top-level key `name`: `None` when the render has
    /// no such key (in the plan's mode); `Some(None)`: read whole.
    fn plan(&self, name: &str) -> Option<Option<&[Box<str>]>> {
        match &self.keys {
            ContextKeys::All => Some(None),
            ContextKeys::Only(keys) => keys
                .iter()
                .find(|k| same_text(&k.name, name))
                .map(|k| k.sub.as_deref()),
        }
    }

    /// The value of top-level key `name`, when the render has it (and it is
    /// not null).
    fn top(&self, name: &str) -> Option<&serde_json::Value> {
        self.plan(name)?;
        self.top_entry(name).filter(|v| !v.is_null())
    }

    /// `requestContext`'s entry `name`, as [`json_entry`] finds it, its walk
    /// started after the entry found last: a template that reads keys in the
    /// event's order walks each entry about once.
    fn top_entry(&self, name: &str) -> Option<&serde_json::Value> {
        let o = &*self.rc;
        if o.len() > 32 {
            return json_get(o, name);
        }
        let from = self.walked.get();
        let (i, (_, v)) = o
            .iter()
            .enumerate()
            .skip(from)
            .chain(o.iter().enumerate().take(from))
            .find(|(_, (k, _))| same_text(k, name))?;
        self.walked.set(i + 1);
        Some(v)
    }

    /// The map of top-level key `name`, made on first use and kept.
    fn sub_map(&self, name: &str) -> Value {
        self.sub_map_among(name, usize::MAX)
    }

    /// The map of top-level key `name`, when it was made before.
    fn kept_sub_map(&self, name: &str) -> Option<Value> {
        self.kept_among(&self.subs.borrow(), name)
    }

    /// [`ContextTape::sub_map`], looking for it among the first `known` kept
    /// maps only (when building `$context`, each key is met once: only maps
    /// kept before the build can be met again, and a large event is not
    /// searched once per key).
    fn sub_map_among(&self, name: &str, known: usize) -> Value {
        let mut subs = self.subs.borrow_mut();
        let earlier = subs.get(..known.min(subs.len())).unwrap_or_default();
        if let Some(v) = self.kept_among(earlier, name) {
            return v;
        }
        let Some(this) = self.me.upgrade() else {
            return Value::Null;
        };
        let node = u32::try_from(subs.len() + 1).unwrap_or(u32::MAX);
        let v = Value::Map(Rc::new(RefCell::new(Map {
            entries: Lazy::on_tape(this, node),
            prints_empty: true,
        })));
        let at = json_position(&self.rc, name);
        let plan = match &self.keys {
            ContextKeys::All => None,
            ContextKeys::Only(keys) => keys
                .iter()
                .position(|k| k.sub.is_some() && same_text(&k.name, name)),
        };
        subs.push(Kept {
            name: at.is_none().then(|| Box::from(name)),
            value: v.clone(),
            at,
            plan,
        });
        v
    }

    /// The top-level key of `kept`.
    fn kept_name<'a>(&'a self, kept: &'a Kept) -> &'a str {
        match (&kept.name, kept.at) {
            (Some(name), _) => name,
            (None, Some(i)) => self.rc.keys().nth(i).map_or("", String::as_str),
            (None, None) => "",
        }
    }

    /// The kept map of top-level key `name` among `subs`.
    fn kept_among(&self, subs: &[Kept], name: &str) -> Option<Value> {
        subs.iter()
            .find(|k| same_text(self.kept_name(k), name))
            .map(|k| k.value.clone())
    }

    /// The names the plan reads in a kept map (its [`Kept::plan`]): `None`
    /// when it reads them all.
    fn kept_plan(&self, plan: Option<usize>) -> Option<&[Box<str>]> {
        match &self.keys {
            ContextKeys::Only(keys) => keys.get(plan?)?.sub.as_deref(),
            ContextKeys::All => None,
        }
    }

    /// The top-level key of the kept map at `node`, its object, and the
    /// names the plan reads in it (`None`: all).
    #[allow(clippy::type_complexity)]
    fn object(
        &self,
        node: u32,
    ) -> Option<(
        &str,
        &serde_json::Map<String, serde_json::Value>,
        Option<&[Box<str>]>,
    )> {
        let (found, plan) = {
            let subs = self.subs.borrow();
            let kept = subs.get(node.checked_sub(1)? as usize)?;
            let found = match kept.at {
                Some(i) => self.rc.iter().nth(i).map(|(k, v)| (k.as_str(), v)),
                None => json_entry(&self.rc, kept.name.as_deref().unwrap_or_default()),
            };
            (found, kept.plan)
        };
        match found? {
            (k, serde_json::Value::Object(o)) => Some((k, o, self.kept_plan(plan))),
            _ => None,
        }
    }

    /// The entry `sub` of the kept map at `node`, when the render has it.
    fn sub_entry(&self, node: u32, sub: &str) -> Option<(&str, &serde_json::Value)> {
        let (k, o, plan) = self.object(node)?;
        if let Some(subs) = plan {
            if !subs.iter().any(|s| same_text(s, sub)) {
                return None;
            }
        }
        json_get(o, sub).map(|v| (k, v))
    }

    /// The text a string entry (top-level or inside a top-level map) is read
    /// as, when it is a string: `None` for anything else. A null inside a
    /// top-level map is read as the empty string ([`context_value`]).
    fn str_at(&self, node: u32, key: &str) -> Option<&str> {
        if node == 0 {
            if is_override(key) {
                return None;
            }
            return self.top(key)?.as_str();
        }
        match self.sub_entry(node, key)?.1 {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Null => Some(""),
            _ => None,
        }
    }
}

impl Tape for ContextTape {
    fn items(&self, _this: &Rc<dyn Tape>, _node: u32) -> Vec<Value> {
        // No node of this tape is a list.
        Vec::new()
    }

    fn entries(&self, _this: &Rc<dyn Tape>, node: u32) -> Entries {
        if node != 0 {
            let Some((k, o, plan)) = self.object(node) else {
                return Entries::default();
            };
            return match plan {
                // Only the entries the template names.
                Some(subs) => {
                    let mut m = crate::eval::value::entries_with_capacity(subs.len());
                    // The plan lists each name once.
                    for sub in subs {
                        if let Some(v) = json_get(o, sub) {
                            m.push_unique(Key::str(sub), context_value(k, v));
                        }
                    }
                    m
                }
                None => {
                    let mut m = crate::eval::value::entries_with_capacity(o.len());
                    for (sk, v) in o {
                        m.push_unique(Key::str(sk), context_value(k, v));
                    }
                    if k == "identity" {
                        m = hash_map_order(m, IDENTITY_KEYS);
                    }
                    m
                }
            };
        }
        // A top-level object is the map the tape keeps for it.
        let known = self.subs.borrow().len();
        let entry = |name: &str, v: &serde_json::Value| match v {
            serde_json::Value::Object(_) => self.sub_map_among(name, known),
            _ => context_value(name, v),
        };
        match &self.keys {
            ContextKeys::Only(names) => {
                let mut m = crate::eval::value::entries_with_capacity(names.len());
                for k in names.iter() {
                    let value = match &*k.name {
                        "requestOverride" => {
                            let (v, maps) = request_override();
                            *self.request.borrow_mut() = Some(maps);
                            Some(v)
                        }
                        "responseOverride" => {
                            let (v, maps) = response_override();
                            *self.response.borrow_mut() = Some(maps);
                            Some(v)
                        }
                        name => self.top(name).map(|v| entry(name, v)),
                    };
                    // The plan lists each name once.
                    if let Some(v) = value {
                        m.push_unique(Key::str(&k.name), v);
                    }
                }
                m
            }
            ContextKeys::All => {
                let mut m = crate::eval::value::entries_with_capacity(self.rc.len() + 2);
                for (k, v) in self.rc.iter() {
                    if !is_override(k) && !v.is_null() {
                        m.insert(Key::str(k), entry(k, v));
                    }
                }
                let (v, maps) = request_override();
                *self.request.borrow_mut() = Some(maps);
                m.insert(Key::str("requestOverride"), v);
                let (v, maps) = response_override();
                *self.response.borrow_mut() = Some(maps);
                m.insert(Key::str("responseOverride"), v);
                hash_map_order(m, CONTEXT_KEYS)
            }
        }
    }

    fn member(&self, node: u32, key: &str) -> Member {
        let v = if node == 0 {
            if is_override(key) {
                return Member::Build;
            }
            // A map made before (`$context.identity` read again): found
            // among the few kept, without the event searched.
            if let Some(v) = self.kept_sub_map(key) {
                return Member::Found(v);
            }
            match self.top(key) {
                None => return Member::Absent,
                // Made once, and shared by every reader.
                Some(serde_json::Value::Object(_)) => return Member::Found(self.sub_map(key)),
                Some(v) => (key, v),
            }
        } else {
            match self.sub_entry(node, key) {
                None => return Member::Absent,
                Some(found) => found,
            }
        };
        match v {
            // Made by the map that holds it, to be shared.
            (_, serde_json::Value::Object(_) | serde_json::Value::Array(_)) => Member::Build,
            (k, v) => Member::Found(context_value(k, v)),
        }
    }

    fn write_member(&self, node: u32, key: &str, out: &mut String) -> bool {
        match self.str_at(node, key) {
            Some(s) => {
                out.push_str(s);
                true
            }
            None => false,
        }
    }

    fn size_bound(&self) -> usize {
        // The most entries any map of the tape holds: `$context` has at most
        // the event's keys and the two overrides.
        *self.bound.get_or_init(|| {
            let inner = self
                .rc
                .values()
                .filter_map(|v| v.as_object().map(|o| o.len()));
            inner.max().unwrap_or(0).max(self.rc.len() + 2)
        })
    }

    fn with_str_member(&self, node: u32, key: &str, f: &mut dyn FnMut(&str)) -> bool {
        match self.str_at(node, key) {
            Some(s) => {
                f(s);
                true
            }
            None => false,
        }
    }
}

pub(crate) fn build_context(
    rc: &Arc<serde_json::Map<String, serde_json::Value>>,
    keys: ContextKeys,
) -> ContextValue {
    let tape = Rc::new_cyclic(|me| ContextTape {
        rc: Arc::clone(rc),
        keys,
        subs: RefCell::new(KeptMaps::new()),
        me: me.clone(),
        request: RefCell::new(None),
        response: RefCell::new(None),
        bound: std::cell::OnceCell::new(),
        walked: std::cell::Cell::new(0),
    });
    let this: Rc<dyn Tape> = tape.clone();
    let value = Value::Map(Rc::new(RefCell::new(Map {
        entries: Lazy::on_tape(this, 0),
        prints_empty: false,
    })));
    ContextValue { value, tape }
}

impl Drop for ContextValue {
    fn drop(&mut self) {
        // The kept maps hold the tape: let them go with the render.
        let subs = std::mem::take(&mut *self.tape.subs.borrow_mut());
        drop(subs);
    }
}

impl ContextValue {
    /// The overrides the template set, their values as text (charged to `budget`).
    /// `None`: the template touched neither override (nothing is made).
    pub(crate) fn overrides(&self, budget: &Budget) -> Result<Option<super::Overrides>, Exceeded> {
        let (request, response) = (self.tape.request.borrow(), self.tape.response.borrow());
        if request.is_none() && response.is_none() {
            return Ok(None);
        }
        let mut out = super::Overrides::default();
        if let Some([h, q, p]) = &*request {
            out.request_header = entries(h, budget)?;
            out.request_querystring = entries(q, budget)?;
            out.request_path = entries(p, budget)?;
        }
        if let Some((response, header)) = &*response {
            let mut response_header = entries(header, budget)?;
            let status = match response.value() {
                Value::Map(m) => m
                    .borrow()
                    .entries
                    .get(&StrKey("status"))
                    .filter(|v| !v.is_null())
                    .cloned(),
                _ => None,
            };
            if let Some(v) = status {
                out.response_status = Some(v.java_string(budget)?);
            }
            response_header.retain(|_, v| !v.is_empty());
            out.response_header = response_header;
        }
        Ok(Some(out))
    }
}

fn entries(m: &OverrideMap, budget: &Budget) -> Result<IndexMap<String, Vec<String>>, Exceeded> {
    let mut out = IndexMap::new();
    let Value::Map(map) = m.value() else {
        return Ok(out);
    };
    let pairs: Vec<(Key, Value)> = map
        .borrow()
        .entries
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in pairs {
        if v.is_null() {
            continue;
        }
        let values = value_texts(&v, budget)?;
        out.insert(k.to_value().java_string(budget)?, values);
    }
    Ok(out)
}

/// `$stageVariables`: a map of strings.
pub(crate) fn stage_variables(vars: &IndexMap<String, String>) -> Value {
    let mut m = crate::eval::value::entries_with_capacity(vars.len());
    for (k, v) in vars {
        m.push_unique(Key::str(k), Value::str(v));
    }
    Value::new_map(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> crate::eval::value::Entries {
        names.iter().map(|n| (Key::str(n), Value::Null)).collect()
    }

    fn names(m: &crate::eval::value::Entries) -> Vec<String> {
        m.keys().map(|k| k.to_value().to_java_string()).collect()
    }

    /// `template` rendered against a `requestContext` of `rc`, twice: with
    /// `$context` read by name only, and built whole (a `$context.size()`
    /// in a branch not taken); both must print the same.
    fn render(template: &str, rc: serde_json::Value) -> String {
        use crate::runtime::{GatewayOptions, MappingTemplate, Request};
        let serde_json::Value::Object(rc) = rc else {
            panic!("requestContext must be an object");
        };
        let request = Request {
            request_context: Arc::new(rc),
            ..Request::default()
        };
        let out = |src: &str| {
            MappingTemplate::parse(src)
                .unwrap()
                .render(&request, &GatewayOptions::default())
                .unwrap()
                .body
        };
        let named = out(template);
        let whole = out(&format!("#if(false)$context.size()#end{template}"));
        assert_eq!(named, whole, "{template}");
        named
    }

    fn small_rc() -> serde_json::Value {
        serde_json::json!({
            "apiId": "a1",
            "stage": "prod",
            "empty": null,
            "identity": {"sourceIp": "198.51.100.7", "accountId": null, "user": "u"},
            "authorizer": {"principalId": "p", "nothing": null, "count": 3,
                           "claims": {"sub": "s", "none": null}},
        })
    }

    /// A `requestContext` larger than the size a lookup walks (so hashed).
    fn large_rc() -> serde_json::Value {
        let mut rc = small_rc();
        for i in 0..40 {
            rc[format!("key{i}")] = serde_json::Value::from(format!("v{i}"));
        }
        rc
    }

    #[test]
    fn kept_maps_are_read_alike_at_any_size_and_by_any_reader() {
        let template = "$context.identity.sourceIp|[$context.identity.accountId]|\
$context.authorizer.principalId|[$context.authorizer.nothing]|$context.authorizer.count|\
$context.authorizer.claims.sub|[$context.authorizer.claims.none]|$context.identity.user|\
[$context.empty]|$context.identity.accountId.length()|$context.apiId|$context.identity.sourceIp";
        let expected = "198.51.100.7|[]|p|[]|3|s|[]|u|[]|0|a1|198.51.100.7";
        assert_eq!(render(template, small_rc()), expected);
        assert_eq!(render(template, large_rc()), expected);
    }

    #[test]
    fn a_kept_map_changed_by_the_template_is_read_changed() {
        let template = "$context.identity.sourceIp#set($context.identity.sourceIp = 'q') \
$context.identity.sourceIp#set($context.identity.accountId = 'n') [$context.identity.accountId] \
$context.authorizer.principalId#set($a = $context.authorizer)#set($d = $a.put('principalId', 'z')) \
$context.authorizer.principalId $a.principalId [$context.identity.nope] $context.key3";
        let expected = "198.51.100.7 q [n] p z z [] v3";
        assert_eq!(render(template, large_rc()), expected);
        assert_eq!(
            render(&template.replace(" $context.key3", ""), small_rc()),
            "198.51.100.7 q [n] p z z []"
        );
    }

    #[test]
    fn a_kept_map_is_the_entry_it_was_made_for() {
        // Two maps read in turn: each node keeps its own entry.
        let template = "#foreach($i in [1..2])$context.authorizer.principalId\
$context.identity.user$context.authorizer.claims.sub#end";
        assert_eq!(render(template, small_rc()), "puspus");
        assert_eq!(render(template, large_rc()), "puspus");
    }

    #[test]
    fn java_string_hash() {
        // Known values of Java's String.hashCode().
        assert_eq!(java_hash(""), 0);
        assert_eq!(java_hash("a"), 97);
        assert_eq!(java_hash("identity"), -135761730);
        assert_eq!(java_hash("polygenelubricants"), i32::MIN);
    }

    #[test]
    fn hash_map_order_is_the_recorded_one_whatever_the_event_order() {
        let mut reversed: Vec<&str> = CONTEXT_KEYS.to_vec();
        reversed.reverse();
        assert_eq!(
            names(&hash_map_order(keys(&reversed), CONTEXT_KEYS)),
            CONTEXT_KEYS
        );
        let mut sorted: Vec<&str> = IDENTITY_KEYS.to_vec();
        sorted.sort_unstable();
        assert_eq!(
            names(&hash_map_order(keys(&sorted), IDENTITY_KEYS)),
            IDENTITY_KEYS
        );
        assert_eq!(
            names(&hash_map_order(
                keys(&["querystring", "header", "path"]),
                REQUEST_OVERRIDE_KEYS
            )),
            REQUEST_OVERRIDE_KEYS
        );
    }

    #[test]
    fn hash_map_order_grows_the_table_as_java_does() {
        // One-letter keys hash to their code: "a" is 97, "q" 113. In a table of
        // 16 both fall in bucket 1 (given order within it); 12 keys fit there.
        let letters =
            |n: u8| -> Vec<String> { (b'a'..b'a' + n).map(|c| (c as char).to_string()).collect() };
        let mut twelve = vec!["q".to_string()];
        twelve.extend(letters(11));
        let t: Vec<&str> = twelve.iter().map(String::as_str).collect();
        assert_eq!(names(&hash_map_order(keys(&t), &[])), twelve);
        // The 13th key doubles the table to 32: "q" moves to bucket 17, last.
        let mut thirteen = vec!["q".to_string()];
        thirteen.extend(letters(12));
        let t: Vec<&str> = thirteen.iter().map(String::as_str).collect();
        let mut expected = letters(12);
        expected.push("q".into());
        assert_eq!(names(&hash_map_order(keys(&t), &[])), expected);
        // Unnamed keys that share a bucket keep their given order.
        let same_bucket = ["Aa", "BB"]; // equal Java hash codes
        assert_eq!(
            names(&hash_map_order(keys(&same_bucket), &[])),
            ["Aa", "BB"]
        );
        assert_eq!(
            names(&hash_map_order(keys(&["BB", "Aa"]), &[])),
            ["BB", "Aa"]
        );
    }
}
