//! One shared string per distinct name of a syntax tree.
//!
//! Templates repeat a few names (`input`, `path`, `util`, their variables)
//! thousands of times; the parser makes each once and shares it. The table is
//! open-addressed over a seeded hash of the name's bytes (a folded multiply of
//! its first and last eight bytes, and of the bytes between for long names),
//! so looking a name up costs a few instructions and a comparison; the seed is
//! drawn per table, so nobody can choose names that collide. Each entry holds
//! the name's first and last eight bytes and its length, which say what a
//! name of at most 16 bytes is: such a name is found by comparing the entry
//! alone, without reading the string it stands for. The entries of names
//! met lately are also kept in a small table of their own, looked at first:
//! the names a template repeats are found there, in a few cache lines.

use std::hash::BuildHasher;
use std::sync::Arc;

/// Names and their shared strings.
pub(crate) struct Interner {
    seed: u64,
    /// A power of two long, at most half full (see [`Entry`]).
    table: Vec<Entry>,
    len: usize,
    /// The names by number, in the order they were first met.
    list: Vec<Arc<str>>,
    /// The entries of names found or made lately, by a hash of their ends
    /// and length ([`RECENT`] of them once a name is looked up): a template
    /// names a few things over and over, and their entries are found here,
    /// in a few cache lines, rather than in the table, whose entries are
    /// spread over far more.
    recent: Vec<Entry>,
}

/// [`Interner::recent`]'s length (a power of two).
const RECENT: usize = 64;

/// An entry of the table: a name's [`ends`], its length and its number
/// ([`EMPTY`] for no name).
#[derive(Clone, Copy)]
struct Entry {
    first: u64,
    last: u64,
    len: u32,
    id: u32,
}

/// [`Entry::id`] of an entry with no name.
const EMPTY: u32 = u32::MAX;

const NO_ENTRY: Entry = Entry {
    first: 0,
    last: 0,
    len: 0,
    id: EMPTY,
};

const INITIAL: usize = 256;

/// [`Interner::reserve`] makes no larger table (names beyond grow it).
const MAX_RESERVED: usize = 1 << 14;

impl Default for Interner {
    fn default() -> Interner {
        Interner {
            seed: std::collections::hash_map::RandomState::new().hash_one(0x6e61_6d65_u64),
            table: Vec::new(),
            len: 0,
            list: Vec::new(),
            recent: Vec::new(),
        }
    }
}

/// The 128-bit product of `a` and `b`, folded to 64 bits.
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let m = u128::from(a) * u128::from(b);
    (m as u64) ^ ((m >> 64) as u64)
}

/// Eight bytes of `b` from `at`, little-endian (0 if there are fewer).
#[inline]
fn word(b: &[u8], at: usize) -> u64 {
    match b.get(at..at + 8) {
        Some(w) => {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            u64::from_le_bytes(a)
        }
        None => 0,
    }
}

/// Four bytes of `b` from `at`, little-endian (0 if there are fewer).
#[inline]
fn half(b: &[u8], at: usize) -> u64 {
    match b.get(at..at + 4) {
        Some(w) => {
            let mut a = [0u8; 4];
            a.copy_from_slice(w);
            u64::from(u32::from_le_bytes(a))
        }
        None => 0,
    }
}

/// The first and the last eight bytes of `b` (overlapping when shorter
/// than 16; for fewer than 8, its first and last four, or for fewer than 4
/// its first, middle and last byte), which with its length say what `b` is
/// when it is at most 16 bytes long.
#[inline]
pub(crate) fn ends(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    if n >= 8 {
        (word(b, 0), word(b, n - 8))
    } else if n >= 4 {
        (half(b, 0), half(b, n - 4))
    } else if n > 0 {
        let at = |i: usize| u64::from(b.get(i).copied().unwrap_or(0));
        (at(0) | (at(n / 2) << 8) | (at(n - 1) << 16), 0)
    } else {
        (0, 0)
    }
}

/// The text of a name's bytes: a slice of text on its characters'
/// boundaries is text (anything else, which the parser never hands over,
/// is the empty name).
fn text_of(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or("")
}

const K1: u64 = 0x243f_6a88_85a3_08d3;
const K2: u64 = 0x1319_8a2e_0370_7344;

impl Interner {
    /// The hash of `s`, and its [`ends`] (which the search compares).
    #[inline]
    fn hash(&self, s: &[u8]) -> (u64, (u64, u64)) {
        let ends = ends(s);
        (self.hash_ends(s, ends), ends)
    }

    /// The hash of `s`, whose [`ends`] are `(first, last)`.
    #[inline]
    fn hash_ends(&self, b: &[u8], (first, last): (u64, u64)) -> u64 {
        let n = b.len();
        let mut h = fold(first ^ self.seed, last ^ K1 ^ n as u64);
        // The bytes between the first and the last eight.
        let mut at = 8;
        while at + 8 < n {
            h = fold(h ^ word(b, at), K2 ^ self.seed);
            at += 8;
        }
        h
    }

    /// How many names the table holds.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The shared string of `name`, made if new.
    #[inline(always)]
    pub(crate) fn intern(&mut self, name: &str) -> Arc<str> {
        self.intern_bytes(name.as_bytes())
    }

    /// [`Interner::intern`] for the bytes of a name (a slice of the text
    /// parsed, on its characters' boundaries: no check of them needed).
    #[inline(always)]
    pub(crate) fn intern_bytes(&mut self, name: &[u8]) -> Arc<str> {
        let id = self.id_bytes(name);
        match self.list.get(id as usize) {
            Some(s) => s.clone(),
            None => Arc::from(text_of(name)),
        }
    }

    /// The number of `name` (names are numbered from 0 in the order they are
    /// first met; [`Interner::names`] lists them), made if new. Nothing is
    /// shared, so nothing is counted.
    ///
    /// Inlined where the parser names things: most names are there already,
    /// and finding one costs less than a call; making one is out of line.
    #[inline(always)]
    pub(crate) fn id(&mut self, name: &str) -> u32 {
        self.id_bytes(name.as_bytes())
    }

    /// [`Interner::id`] for the bytes of a name (as [`Interner::intern_bytes`]).
    #[inline(always)]
    pub(crate) fn id_bytes(&mut self, bytes: &[u8]) -> u32 {
        let (first, last) = ends(bytes);
        // At most one name per byte of the text parsed: its length fits.
        let len = bytes.len() as u32;
        // A name met lately: its entry, as the table's search would take it.
        // (The multiplier spreads the ends' bytes over the top bits; which
        // names share a place decides only what is found here.)
        let r = ((first ^ last.rotate_left(29) ^ u64::from(len)).wrapping_mul(K1) >> 58) as usize
            & (RECENT - 1);
        match self.recent.get(r) {
            Some(e)
                if e.first == first
                    && e.last == last
                    && e.len == len
                    && e.id != EMPTY
                    && (bytes.len() <= 16 || self.is_listed(e.id, bytes)) =>
            {
                return e.id
            }
            _ => {}
        }
        let id = self.find_or_insert(bytes, (first, last));
        if self.recent.is_empty() {
            self.recent = vec![NO_ENTRY; RECENT];
        }
        if let Some(e) = self.recent.get_mut(r) {
            *e = Entry {
                first,
                last,
                len,
                id,
            };
        }
        id
    }

    /// [`Interner::id`] by the table: the number of `name`, whose [`ends`]
    /// are `(first, last)`, made if new.
    #[inline(always)]
    fn find_or_insert(&mut self, bytes: &[u8], (first, last): (u64, u64)) -> u32 {
        let h = self.hash_ends(bytes, (first, last));
        let len = bytes.len() as u32;
        // An empty table has no entry to probe (the mask is never used then).
        let mask = self.table.len().wrapping_sub(1);
        let mut i = (h >> 32) as usize & mask;
        // The table is at most half full: an empty entry comes before the end of a round.
        for _ in 0..self.table.len() {
            match self.table.get(i) {
                Some(e) if e.id == EMPTY => break,
                // A name of at most 16 bytes is its ends and length; a
                // longer one is compared whole.
                Some(e)
                    if e.first == first
                        && e.last == last
                        && e.len == len
                        && (bytes.len() <= 16 || self.is_listed(e.id, bytes)) =>
                {
                    return e.id
                }
                Some(_) => i = (i + 1) & mask,
                None => break,
            }
        }
        self.insert(h, i, bytes)
    }

    /// Whether the name numbered `id` is `bytes`.
    fn is_listed(&self, id: u32, bytes: &[u8]) -> bool {
        self.list
            .get(id as usize)
            .is_some_and(|s| s.as_bytes() == bytes)
    }

    /// The names by number.
    pub(crate) fn names(&self) -> &[Arc<str>] {
        &self.list
    }

    /// The names by number, the table dropped.
    #[cfg(test)]
    pub(crate) fn into_names(self) -> Vec<Arc<str>> {
        self.list
    }

    /// Makes the entry of `name` (hashed `h`), which is not in the table, in
    /// the empty entry `at` that the search ended on (unless the table grows
    /// first); gives its number.
    #[inline(never)]
    fn insert(&mut self, h: u64, at: usize, bytes: &[u8]) -> u32 {
        let name = text_of(bytes);
        let mut i = at;
        let grown = self.len * 2 >= self.table.len();
        if grown {
            self.grow();
        }
        if grown || !matches!(self.table.get(i), Some(e) if e.id == EMPTY) {
            i = self.free_entry(h);
        }
        // At most one name per byte of the text parsed: fewer than 2^32.
        let id = self.list.len() as u32;
        let (first, last) = ends(name.as_bytes());
        if let Some(e) = self.table.get_mut(i) {
            *e = Entry {
                first,
                last,
                len: name.len() as u32,
                id,
            };
            self.list.push(Arc::from(name));
            self.len += 1;
        }
        id
    }

    /// The first empty entry from where hash `h` starts its search.
    fn free_entry(&self, h: u64) -> usize {
        let mask = self.table.len().wrapping_sub(1);
        let mut i = (h >> 32) as usize & mask;
        // Each round moves to the next entry; an empty one comes before the end of a round.
        for _ in 0..self.table.len() {
            match self.table.get(i) {
                Some(e) if e.id != EMPTY => i = (i + 1) & mask,
                _ => break,
            }
        }
        i
    }

    /// Makes room for about `n` names before the table grows (a parser
    /// guesses from the length of its text, so that a long template's table
    /// is not rebuilt at every doubling). A table the first name would make
    /// at least as large is not made here: a smaller one would be full at
    /// once and rebuilt at the second name.
    pub(crate) fn reserve(&mut self, n: usize) {
        let size = n.saturating_mul(2).next_power_of_two().min(MAX_RESERVED);
        if self.len == 0 && size > INITIAL && self.table.len() < size {
            self.table = vec![NO_ENTRY; size];
        }
    }

    #[cold]
    fn grow(&mut self) {
        let size = (self.table.len() * 2).max(INITIAL);
        let mut table = vec![NO_ENTRY; size];
        let mask = size - 1;
        // The names are hashed again (the table keeps no hashes): a table
        // grows a few times per parse at most.
        for (id, name) in self.list.iter().enumerate() {
            let (h, (first, last)) = self.hash(name.as_bytes());
            let mut i = (h >> 32) as usize & mask;
            // Each round moves to the next entry; an empty one comes before the end of a round.
            for _ in 0..size {
                match table.get_mut(i) {
                    Some(e) if e.id == EMPTY => {
                        *e = Entry {
                            first,
                            last,
                            len: name.len() as u32,
                            id: id as u32,
                        };
                        break;
                    }
                    _ => i = (i + 1) & mask,
                }
            }
        }
        self.table = table;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_string_per_name() {
        let mut t = Interner::default();
        let names: Vec<String> = (0..5000)
            .map(|i| format!("{}{i}", "n".repeat(i % 40)))
            .chain(["".into(), "a".into(), "ab".into(), "abcdefgh".into()])
            .collect();
        let first: Vec<Arc<str>> = names.iter().map(|n| t.intern(n)).collect();
        for (n, f) in names.iter().zip(&first) {
            assert_eq!(&**f, n.as_str());
            let again = t.intern(n);
            assert!(Arc::ptr_eq(f, &again), "{n} made twice");
        }
        assert_eq!(t.len, names.len());
        // Numbered in the order first met, the same name the same number.
        for (i, n) in names.iter().enumerate() {
            assert_eq!(t.id(n), i as u32, "{n}");
            assert!(Arc::ptr_eq(&t.names()[i], &first[i]));
        }
        assert_eq!(t.id("new"), names.len() as u32);
        assert_eq!(t.into_names().len(), names.len() + 1);
    }

    #[test]
    fn long_names_with_the_same_ends_are_told_apart() {
        let mut t = Interner::default();
        let names = [
            "abcdefgh1ijklmnopq",
            "abcdefgh2ijklmnopq",
            "abcdefgh12ijklmnopq",
            "abcdefghijklmnopq",
            "abcdefghXYijklmnop",
        ];
        for (i, n) in names.iter().enumerate() {
            assert_eq!(t.id(n), i as u32, "{n}");
        }
        for (i, n) in names.iter().enumerate() {
            assert_eq!(t.id(n), i as u32, "{n}");
            assert_eq!(&*t.names()[i], *n);
        }
    }

    proptest::proptest! {
        /// Names are numbered in the order they are first met, whether a
        /// lookup finds them among the recent ones or in the table: names of
        /// few letters (so that they repeat and share places among the
        /// recent ones), short and long.
        #[test]
        fn names_are_numbered_in_the_order_first_met(
            names in proptest::collection::vec("[ab_-]{0,3}|[a-c]{15,18}|x[0-9]{1,3}", 0..400)
        ) {
            let mut t = Interner::default();
            let mut expected: std::collections::HashMap<&str, u32> = Default::default();
            for n in &names {
                let next = expected.len() as u32;
                let want = *expected.entry(n.as_str()).or_insert(next);
                proptest::prop_assert_eq!(t.id(n), want, "{}", n);
            }
            let listed: Vec<&str> = t.names().iter().map(|s| &**s).collect();
            let mut by_id: Vec<(&u32, &&str)> = expected.iter().map(|(k, v)| (v, k)).collect();
            by_id.sort();
            let want: Vec<&str> = by_id.into_iter().map(|(_, k)| *k).collect();
            proptest::prop_assert_eq!(listed, want);
        }
    }

    #[test]
    fn room_is_made_only_beyond_the_first_table() {
        for (n, size) in [
            (0, 0),
            (1, 0),
            (INITIAL / 2, 0),
            (INITIAL, 2 * INITIAL),
            (1 << 20, MAX_RESERVED),
        ] {
            let mut t = Interner::default();
            t.reserve(n);
            assert_eq!(t.table.len(), size, "reserve({n})");
            // Names go in and are found again whatever the table.
            let a = t.intern("a");
            let b = t.intern("b");
            assert!(Arc::ptr_eq(&a, &t.intern("a")) && Arc::ptr_eq(&b, &t.intern("b")));
            assert_eq!(t.len, 2);
        }
    }
}
