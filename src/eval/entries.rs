//! The entries of a map (`java.util.LinkedHashMap`, json-smart's objects): in
//! insertion order, a repeated key keeping its first place.
//!
//! Most maps a template meets are small (a request body's objects, `$context`
//! and its maps), so the entries are a vector, searched from the start, and a
//! hash index is built only when a map of more than [`SMALL`] entries is
//! searched and the hint below misses (a map that is only built, iterated and
//! printed never hashes its keys). Keys come from request bodies: the index
//! hashes with the seeded [`Hasher`], and a small map is too small for
//! collisions to matter.
//!
//! Templates tend to read a map's keys in their order (`$m.get($k)` for each
//! `$k` of `$m.keySet()`, `$item.a` then `$item.b`), so each map keeps a hint:
//! the position after the last one found (the first, after the last entry).
//! A search first compares the key of that entry; the hint is only a guess,
//! confirmed by that comparison, so any value of it finds the same entry.

use std::cell::{Cell, OnceCell};
use std::hash::{BuildHasher, Hash};

use hashbrown::HashTable;
use indexmap::Equivalent;

use super::value::{Hasher, Key, Value};

/// Entries a map holds before it gets a hash index.
pub const SMALL: usize = 8;

#[derive(Clone, Default)]
pub struct Entries {
    items: Vec<(Key, Value)>,
    /// Positions in `items`, by their key's hash: built when a search of a
    /// map of more than [`SMALL`] entries needs it, kept up to date after.
    /// Boxed: most maps never have one, and every map is made, moved and
    /// dropped (a request body's objects and arrays, and the maps a render
    /// builds), so they stay a pointer smaller than the index.
    index: OnceCell<Box<Index>>,
    /// The position after the last entry found: where a search looks first.
    hint: Cell<u32>,
    /// Java's `modCount` of the map: how many times a key was added or
    /// removed, or the map cleared (wrapping). A new value for a key it
    /// holds is no change. Iterators and `#foreach` compare it with the
    /// count they began with.
    mods: u32,
}

#[derive(Clone)]
struct Index {
    hasher: Hasher,
    table: HashTable<usize>,
}

impl Index {
    /// The index of `items`, with room for as many entries as `items` has
    /// room for (a map built at a known size is not rehashed as it fills).
    fn of(items: &[(Key, Value)], room: usize) -> Index {
        let hasher = Hasher::default();
        let mut table = HashTable::with_capacity(room.max(items.len()));
        for (i, (k, _)) in items.iter().enumerate() {
            let h = hasher.hash_one(k);
            table.insert_unique(h, i, |&j| rehash(&hasher, items, j));
        }
        Index { hasher, table }
    }
}

fn rehash(hasher: &Hasher, items: &[(Key, Value)], i: usize) -> u64 {
    items.get(i).map_or(0, |(k, _)| hasher.hash_one(k))
}

impl std::fmt::Debug for Entries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Entries {
    pub fn new() -> Entries {
        Entries::default()
    }

    pub fn with_capacity(n: usize) -> Entries {
        Entries {
            items: Vec::with_capacity(n),
            ..Entries::default()
        }
    }

    /// The entries `items`, in order, whose keys the caller knows are distinct.
    pub fn from_unique(items: Vec<(Key, Value)>) -> Entries {
        Entries {
            items,
            ..Entries::default()
        }
    }

    /// How many times the map was changed ([`Entries`]' `mods`).
    pub fn mods(&self) -> u32 {
        self.mods
    }

    /// The hash index, built now if the map is large and has none yet.
    /// `None`: a small map, searched from the start.
    #[inline]
    fn index(&self) -> Option<&Index> {
        if self.items.len() <= SMALL {
            return self.index.get().map(|ix| &**ix);
        }
        Some(
            self.index
                .get_or_init(|| Box::new(Index::of(&self.items, self.items.capacity()))),
        )
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The room the entries have before they grow.
    pub fn capacity(&self) -> usize {
        self.items.capacity()
    }

    /// The position of the entry of `key`.
    #[inline]
    pub fn get_index_of<Q>(&self, key: &Q) -> Option<usize>
    where
        Q: ?Sized + Hash + Equivalent<Key>,
    {
        // After the last entry, the first: a map read in order again.
        let hint = match self.hint.get() as usize {
            h if h < self.items.len() => h,
            _ => 0,
        };
        if let Some((k, _)) = self.items.get(hint) {
            if key.equivalent(k) {
                self.hint.set(hint.saturating_add(1) as u32);
                return Some(hint);
            }
        }
        let found = self.search(key)?;
        self.hint.set(found.saturating_add(1) as u32);
        Some(found)
    }

    /// [`Entries::get_index_of`] without the hint.
    #[inline(never)]
    fn search<Q>(&self, key: &Q) -> Option<usize>
    where
        Q: ?Sized + Hash + Equivalent<Key>,
    {
        match self.index() {
            None => self.items.iter().position(|(k, _)| key.equivalent(k)),
            Some(ix) => {
                let h = ix.hasher.hash_one(key);
                let items = &self.items;
                ix.table
                    .find(h, |&i| items.get(i).is_some_and(|(k, _)| key.equivalent(k)))
                    .copied()
            }
        }
    }

    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Option<&Value>
    where
        Q: ?Sized + Hash + Equivalent<Key>,
    {
        let i = self.get_index_of(key)?;
        self.items.get(i).map(|(_, v)| v)
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut Value>
    where
        Q: ?Sized + Hash + Equivalent<Key>,
    {
        let i = self.get_index_of(key)?;
        self.items.get_mut(i).map(|(_, v)| v)
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        Q: ?Sized + Hash + Equivalent<Key>,
    {
        self.get_index_of(key).is_some()
    }

    /// The entry at position `i`.
    pub fn get_index(&self, i: usize) -> Option<(&Key, &Value)> {
        self.items.get(i).map(|(k, v)| (k, v))
    }

    /// Sets `key` to `value`: a new key goes last, a known one keeps its
    /// place. Returns the value it replaced.
    pub fn insert(&mut self, key: Key, value: Value) -> Option<Value> {
        // A large map is searched by its index (built now if need be).
        let _ = self.index();
        let Entries { items, index, .. } = self;
        let Some(ix) = index.get_mut() else {
            if let Some((_, v)) = items.iter_mut().find(|(k, _)| *k == key) {
                return Some(std::mem::replace(v, value));
            }
            self.push_unique(key, value);
            return None;
        };
        // Indexed: the key hashed once, for the search and the insertion.
        let h = ix.hasher.hash_one(&key);
        let found = ix
            .table
            .find(h, |&i| items.get(i).is_some_and(|(k, _)| *k == key))
            .copied();
        if let Some((_, v)) = found.and_then(|i| items.get_mut(i)) {
            return Some(std::mem::replace(v, value));
        }
        let i = items.len();
        items.push((key, value));
        let hasher = &ix.hasher;
        ix.table.insert_unique(h, i, |&j| rehash(hasher, items, j));
        self.mods = self.mods.wrapping_add(1);
        None
    }

    /// Sets the value of the entry at position `i` (if there is one).
    pub fn set_value_at(&mut self, i: usize, value: Value) {
        if let Some((_, v)) = self.items.get_mut(i) {
            *v = value;
        }
    }

    /// Appends an entry whose key the caller knows the map does not hold.
    pub fn push_unique(&mut self, key: Key, value: Value) {
        self.mods = self.mods.wrapping_add(1);
        let Entries { items, index, .. } = self;
        let i = items.len();
        match index.get_mut() {
            // Indexed already: kept up to date.
            Some(ix) => {
                let h = ix.hasher.hash_one(&key);
                items.push((key, value));
                let hasher = &ix.hasher;
                ix.table.insert_unique(h, i, |&j| rehash(hasher, items, j));
            }
            None => items.push((key, value)),
        }
    }

    /// Removes the entry of `key`, the others keeping their order.
    pub fn shift_remove<Q>(&mut self, key: &Q) -> Option<Value>
    where
        Q: ?Sized + Hash + Equivalent<Key>,
    {
        let i = self.get_index_of(key)?;
        if i >= self.items.len() {
            return None;
        }
        let (_, v) = self.items.remove(i);
        self.mods = self.mods.wrapping_add(1);
        if let Some(ix) = self.index.get_mut() {
            let h = ix.hasher.hash_one(key);
            if let Ok(e) = ix.table.find_entry(h, |&j| j == i) {
                e.remove();
            }
            for j in ix.table.iter_mut() {
                if *j > i {
                    *j -= 1;
                }
            }
        }
        Some(v)
    }

    /// Removes every entry: a change even of an empty map, as Java's
    /// `HashMap.clear()` counts it.
    pub fn clear(&mut self) {
        self.items.clear();
        self.index = OnceCell::new();
        self.mods = self.mods.wrapping_add(1);
    }

    /// Does dropping the entries free nothing but their vector (and index)?
    #[inline]
    pub fn owns_nothing(&self) -> bool {
        self.items
            .iter()
            .all(|(k, v)| k.owns_nothing() && v.owns_nothing())
    }

    /// Drops the entries without running the drop of each key and value:
    /// only for entries that [own nothing](Entries::owns_nothing) (for
    /// any other, what they own would never be freed).
    #[inline]
    pub fn forget_items(self) {
        debug_assert!(self.owns_nothing());
        self.items.into_iter().for_each(std::mem::forget);
    }

    /// Removes every entry, in order.
    pub fn drain(&mut self, range: std::ops::RangeFull) -> std::vec::Drain<'_, (Key, Value)> {
        self.index = OnceCell::new();
        self.mods = self.mods.wrapping_add(1);
        self.items.drain(range)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Key, &Value)> + ExactSizeIterator {
        self.items.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Key> + ExactSizeIterator {
        self.items.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.items.iter().map(|(_, v)| v)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = Value> + ExactSizeIterator {
        self.items.into_iter().map(|(_, v)| v)
    }

    /// Reorders the entries by `f` of each (a stable sort, `f` called once per entry).
    pub fn sort_by_cached_key<T: Ord>(&mut self, mut f: impl FnMut(&Key, &Value) -> T) {
        self.items.sort_by_cached_key(|(k, v)| f(k, v));
        // Rebuilt when next needed.
        self.index = OnceCell::new();
    }
}

impl FromIterator<(Key, Value)> for Entries {
    fn from_iter<I: IntoIterator<Item = (Key, Value)>>(iter: I) -> Entries {
        let iter = iter.into_iter();
        let mut e = Entries::with_capacity(iter.size_hint().0);
        for (k, v) in iter {
            e.insert(k, v);
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::value::StrKey;

    fn k(s: &str) -> Key {
        Key::str(s)
    }

    /// The same operations on `Entries` and on an `IndexMap` give the same
    /// entries, in the same order, small and indexed alike.
    #[test]
    fn behaves_as_an_ordered_map() {
        let mut e = Entries::new();
        let mut m: indexmap::IndexMap<Key, Value, Hasher> = Default::default();
        let mut seed = 7u64;
        for step in 0..4000u64 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let key = match (seed >> 33) % 3 {
                0 => Key::Int(((seed >> 40) % 40) as i32),
                _ => k(&format!("k{}", (seed >> 40) % 40)),
            };
            match (seed >> 20) % 5 {
                0 => assert_eq!(
                    e.shift_remove(&key).map(|v| v.to_java_string()),
                    m.shift_remove(&key).map(|v| v.to_java_string())
                ),
                1 if step % 500 == 0 => {
                    e.clear();
                    m.clear();
                }
                _ => assert_eq!(
                    e.insert(key.clone(), Value::Int(step as i32))
                        .map(|v| v.to_java_string()),
                    m.insert(key, Value::Int(step as i32))
                        .map(|v| v.to_java_string())
                ),
            }
            assert_eq!(e.len(), m.len());
            let ours: Vec<_> = e
                .iter()
                .map(|(k, v)| (k.clone(), v.to_java_string()))
                .collect();
            let theirs: Vec<_> = m
                .iter()
                .map(|(k, v)| (k.clone(), v.to_java_string()))
                .collect();
            assert_eq!(ours, theirs, "step {step}");
            for (i, (key, _)) in m.iter().enumerate() {
                assert_eq!(e.get_index_of(key), Some(i));
            }
        }
    }

    #[test]
    fn string_keys_are_found_by_str_small_and_indexed() {
        let mut e = Entries::new();
        for i in 0..20 {
            e.insert(k(&format!("n{i}")), Value::Int(i));
            for j in 0..=i {
                let name = format!("n{j}");
                assert!(matches!(e.get(&StrKey(&name)), Some(Value::Int(x)) if *x == j));
            }
            assert!(e.get(&StrKey("absent")).is_none());
            // `"1"` and the Integer 1 are different keys.
            assert!(e.get(&Key::Int(i)).is_none());
        }
    }

    /// A map read in its order needs no index; read in any other order it
    /// builds one; the hint never finds a wrong entry, stale or not.
    #[test]
    fn the_hint_and_the_lazy_index_find_what_a_scan_finds() {
        let mut e = Entries::new();
        for i in 0..40 {
            e.push_unique(k(&format!("h{i}")), Value::Int(i));
        }
        for round in 0..2 {
            for i in 0..40 {
                assert_eq!(e.get_index_of(&StrKey(&format!("h{i}"))), Some(i as usize));
            }
            assert!(e.index.get().is_none(), "round {round}: read in order");
        }
        let scan = |e: &Entries, key: &str| e.keys().position(|x| *x == k(key));
        let mut seed = 11u64;
        for step in 0..2000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let key = format!("h{}", (seed >> 33) % 50);
            match (seed >> 20) % 7 {
                0 => {
                    e.shift_remove(&StrKey(&key));
                }
                1 => {
                    e.insert(k(&key), Value::Int(step));
                }
                _ => {}
            }
            assert_eq!(e.get_index_of(&StrKey(&key)), scan(&e, &key), "step {step}");
            // The next entry, and one absent key, whatever the hint says.
            let next = format!("h{}", (seed >> 40) % 50);
            assert_eq!(e.get_index_of(&StrKey(&next)), scan(&e, &next));
            assert_eq!(e.get_index_of(&StrKey("absent")), None);
        }
        assert!(e.len() > SMALL && e.index.get().is_some());
    }

    #[test]
    fn sorting_keeps_the_index_right() {
        let mut e: Entries = (0..12).map(|i| (Key::Int(i), Value::Int(i))).collect();
        e.sort_by_cached_key(|k, _| match k {
            Key::Int(i) => -i,
            _ => 0,
        });
        let keys: Vec<_> = e.keys().cloned().collect();
        assert_eq!(keys.first(), Some(&Key::Int(11)));
        for i in 0..12 {
            assert_eq!(e.get_index_of(&Key::Int(i)), Some((11 - i) as usize));
        }
    }
}
