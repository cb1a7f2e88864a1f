//! The work and memory one render may use.
//!
//! A [`Budget`] is made when a render starts and lives until its values are
//! gone. Whatever does work charges it as the work happens, never after:
//!
//! - **steps** measure time: the walker charges one per node and expression it
//!   visits; code that loops over data charges one per element it touches and
//!   one per [`BYTES_PER_STEP`] bytes it scans or copies ([`Budget::scan`]);
//! - **bytes** measure memory: every string, list slot, map entry or parsed body
//!   node a render builds is charged when it is built ([`Budget::alloc`]), the
//!   request body when the render starts, and nothing is refunded — so the
//!   memory a render holds never exceeds what it was charged.
//!
//! Both are checked on every charge, and long operations charge as they go (at
//! least every [`CHUNK`] bytes or elements), so no render overshoots either limit
//! by more than a constant. Once exceeded, a budget stays exceeded: every later
//! charge fails too.
//!
//! The budget also remembers the containers a render made hold other containers,
//! the only way a reference cycle can arise, and frees such cycles when it is
//! dropped (see [`super::cycles`]).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;

use super::cycles::Cycles;
use super::value::{Key, ListRef, MapRef, Value};

/// Bytes scanned or copied per step charged.
pub const BYTES_PER_STEP: usize = 64;

/// Long operations charge at least this often (bytes, or elements).
pub const CHUNK: usize = 64 * 1024;

/// Deepest nesting of lists and maps that printing, comparing and hashing
/// follow. Java has no such limit but its stack: a list that holds itself
/// through another list overflows it (`java.lang.StackOverflowError`), as it
/// does here past this depth. Java's default stack takes a little over 10,000
/// levels of nested lists.
pub const MAX_VALUE_DEPTH: usize = 10_000;

/// Bytes charged for one value slot (a list element or a map entry's value).
pub const VALUE_BYTES: usize = std::mem::size_of::<Value>();

/// Bytes charged for one map entry slot: its key, its value, its hash and its
/// index.
pub const ENTRY_BYTES: usize = std::mem::size_of::<(Key, Value)>() + 16;

/// Bytes charged for a new list or map, besides its slots.
pub const CONTAINER_BYTES: usize = 64;

/// Bytes charged for a class's identity hash kept by name, besides the name.
const CLASS_HASH_BYTES: usize = 32;

/// A limit a render went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    /// More evaluation steps than the budget's (the limit).
    Steps(u64),
    /// More bytes built than the budget's (the limit).
    Bytes(u64),
    /// Values nested deeper than [`MAX_VALUE_DEPTH`] (Java: a stack overflow).
    Depth(usize),
    /// A Java exception that writing a value throws: its message (json-smart
    /// casts a `char[]` or `byte[]` inside JSON to `Object[]`).
    Java(&'static str),
}

impl fmt::Display for Exceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exceeded::Steps(max) => write!(f, "evaluation budget of {max} steps exceeded"),
            Exceeded::Bytes(max) => write!(
                f,
                "memory budget of {max} bytes exceeded (strings, lists and maps built by the render, and the body)"
            ),
            Exceeded::Depth(max) => write!(
                f,
                "java.lang.StackOverflowError: lists and maps nested deeper than {max} levels (one holds itself through another?)"
            ),
            Exceeded::Java(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Exceeded {}

/// The steps and bytes of one render, and the bookkeeping that frees its cycles.
/// Charges take `&self`: the budget is shared by reference with everything the
/// render calls.
pub struct Budget {
    /// One more than the steps that may still be charged, or 0 once a
    /// charge went over: a charge of `n` fits when `n < steps_room`, one
    /// comparison (and no saturating arithmetic) on the hot path.
    steps_room: Cell<u64>,
    steps_max: u64,
    /// The same for bytes.
    bytes_room: Cell<u64>,
    bytes_max: u64,
    cycles: Cycles,
    /// Whether the render made a lone surrogate (see [`super::jstring`]).
    lone_surrogates: Cell<bool>,
    /// The state of the render's identity hashes ([`Budget::identity_hash`]).
    identities: Cell<u32>,
    /// The identity hashes drawn for classes, by name ([`Budget::class_hash`]).
    class_hashes: RefCell<HashMap<Box<str>, i32>>,
}

impl fmt::Debug for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Budget")
            .field("steps", &self.steps_used())
            .field("steps_max", &self.steps_max)
            .field("bytes", &self.bytes_used())
            .field("bytes_max", &self.bytes_max)
            .finish()
    }
}

impl Budget {
    /// A budget of `steps_max` steps and `bytes_max` bytes.
    pub fn new(steps_max: u64, bytes_max: usize) -> Budget {
        Budget {
            steps_room: Cell::new(steps_max.saturating_add(1)),
            steps_max,
            bytes_room: Cell::new((bytes_max as u64).saturating_add(1)),
            bytes_max: bytes_max as u64,
            cycles: Cycles::default(),
            lone_surrogates: Cell::new(false),
            identities: Cell::new(0),
            class_hashes: RefCell::new(HashMap::new()),
        }
    }

    /// The next identity hash of this render (`Object.hashCode()` of a value
    /// compared by identity: a Java array). The JVM draws them from a
    /// per-thread random sequence, so the values AWS prints cannot be
    /// predicted; these scramble a count started afresh each render, so a
    /// render's output is the same every time. Positive and never 0, as
    /// HotSpot's are, and distinct within a render (the scrambling is a
    /// one-to-one map of 31-bit numbers that keeps only 0 in place).
    pub fn identity_hash(&self) -> i32 {
        const MASK: u32 = 0x7fff_ffff;
        let n = self.identities.get().wrapping_add(1) & MASK;
        self.identities.set(n);
        // Odd multipliers and right shifts are one-to-one modulo 2^31.
        let mut x = n.wrapping_mul(0x5bd1_e995) & MASK;
        x ^= x >> 15;
        x = x.wrapping_mul(0x27d4_eb2d) & MASK;
        x ^= x >> 13;
        // A count past 2^31 - 1 (no render makes that many) starts again at 1.
        (if x == 0 { 1 } else { x }) as i32
    }

    /// `Class.hashCode()` of the class named `name`: an identity hash drawn
    /// the first time the render asks for it (the name it is kept under is
    /// charged), the same after (a class is one object).
    pub fn class_hash(&self, name: &str) -> Result<i32, Exceeded> {
        let known = self
            .class_hashes
            .try_borrow()
            .ok()
            .and_then(|m| m.get(name).copied());
        if let Some(h) = known {
            return Ok(h);
        }
        self.alloc(name.len() + CLASS_HASH_BYTES)?;
        let h = self.identity_hash();
        if let Ok(mut m) = self.class_hashes.try_borrow_mut() {
            m.insert(name.into(), h);
        }
        Ok(h)
    }

    /// A budget that never runs out (depth is still bounded): for values built
    /// outside a render, in tests and tools.
    pub fn unmetered() -> Budget {
        Budget::new(u64::MAX, usize::MAX)
    }

    /// Charges `n` steps.
    #[inline]
    pub fn steps(&self, n: u64) -> Result<(), Exceeded> {
        let room = self.steps_room.get();
        if n >= room {
            // Past the limit, none are left from now on (a budget of
            // `u64::MAX` steps has no limit).
            if self.steps_max == u64::MAX {
                return Ok(());
            }
            self.steps_room.set(0);
            return Err(Exceeded::Steps(self.steps_max));
        }
        self.steps_room.set(room - n);
        Ok(())
    }

    /// Charges one step.
    #[inline]
    pub fn step(&self) -> Result<(), Exceeded> {
        self.steps(1)
    }

    /// Charges the steps of scanning or copying `bytes` bytes.
    #[inline]
    pub fn scan(&self, bytes: usize) -> Result<(), Exceeded> {
        self.steps((bytes / BYTES_PER_STEP) as u64)
    }

    /// Charges `bytes` bytes about to be built.
    #[inline]
    pub fn alloc(&self, bytes: usize) -> Result<(), Exceeded> {
        let room = self.bytes_room.get();
        let n = bytes as u64;
        if n >= room {
            if self.bytes_max == u64::MAX {
                return Ok(());
            }
            self.bytes_room.set(0);
            return Err(Exceeded::Bytes(self.bytes_max));
        }
        self.bytes_room.set(room - n);
        Ok(())
    }

    /// Charges building a string of `bytes` bytes: its memory and the copying.
    #[inline]
    pub fn build(&self, bytes: usize) -> Result<(), Exceeded> {
        self.alloc(bytes)?;
        self.scan(bytes)
    }

    /// Charges a node's step and then writing its `bytes` bytes of text
    /// ([`Budget::step`], then [`Budget::build`]), with one check when
    /// neither limit is reached; the error is the one the three charges in
    /// turn would give.
    #[inline]
    pub fn step_and_build(&self, bytes: usize) -> Result<(), Exceeded> {
        self.step_then_alloc(bytes, (bytes / BYTES_PER_STEP) as u64)
    }

    /// [`Budget::step`], then [`Budget::alloc`] of `bytes`, with one check.
    #[inline]
    pub fn step_and_alloc(&self, bytes: usize) -> Result<(), Exceeded> {
        self.step_then_alloc(bytes, 0)
    }

    /// A step, `bytes` bytes, then `more` steps: one check when neither
    /// limit is reached.
    #[inline(always)]
    fn step_then_alloc(&self, bytes: usize, more: u64) -> Result<(), Exceeded> {
        let (steps, room) = (more.saturating_add(1), self.steps_room.get());
        let (n, bytes_room) = (bytes as u64, self.bytes_room.get());
        if steps >= room || n >= bytes_room {
            return self.first_failed(steps, n);
        }
        self.steps_room.set(room - steps);
        self.bytes_room.set(bytes_room - n);
        Ok(())
    }

    /// Charges `steps` steps when they fit, and nothing when they do not
    /// (`false`). Charges that add up to these, each of at least a step or
    /// made after one, made one by one all succeed when these fit (each
    /// fits in what the ones before it left) and leave what this leaves: a
    /// caller that gets `false` makes them one by one, to fail where they
    /// fail.
    #[inline(always)]
    pub fn try_steps(&self, steps: u64) -> bool {
        let room = self.steps_room.get();
        if steps >= room {
            return false;
        }
        self.steps_room.set(room - steps);
        true
    }

    /// [`Budget::step_then_alloc`] of `steps` steps and `n` bytes when one
    /// of them does not fit: both charged, and the one that failed first of
    /// the step, the bytes, and the steps after them.
    #[cold]
    #[inline(never)]
    fn first_failed(&self, steps: u64, n: u64) -> Result<(), Exceeded> {
        let (room, bytes_room) = (self.steps_room.get(), self.bytes_room.get());
        // Each charged as its own charge would (one without a limit never fails).
        let steps_fit = steps < room || self.steps_max == u64::MAX;
        let bytes_fit = n < bytes_room || self.bytes_max == u64::MAX;
        if steps_fit {
            self.steps_room.set(room.saturating_sub(steps));
        } else {
            self.steps_room.set(0);
        }
        if bytes_fit {
            self.bytes_room.set(bytes_room.saturating_sub(n));
        } else {
            self.bytes_room.set(0);
        }
        match (steps_fit, bytes_fit) {
            (true, true) => Ok(()),
            // The step first, then the bytes, then the steps after them.
            (false, _) if room <= 1 || bytes_fit => Err(Exceeded::Steps(self.steps_max)),
            _ => Err(Exceeded::Bytes(self.bytes_max)),
        }
    }

    /// Charges a new list or map of `n` slots: its memory and one step per slot.
    #[inline]
    pub fn slots(&self, n: usize) -> Result<(), Exceeded> {
        self.alloc(CONTAINER_BYTES.saturating_add(n.saturating_mul(VALUE_BYTES)))?;
        self.steps(n as u64)
    }

    /// Charges adding `more` slots of `slot` bytes to a vector (or map) of
    /// `len` slots and capacity `cap`: the whole new buffer when it must grow
    /// (to double the capacity, or to `len + more`; the old one is not
    /// refunded, as it lives on while the new one is filled), and a step per slot.
    #[inline]
    pub fn grow(&self, len: usize, cap: usize, more: usize, slot: usize) -> Result<(), Exceeded> {
        let need = len.saturating_add(more);
        if need > cap {
            let new_cap = need.max(cap.saturating_mul(2)).max(4);
            self.alloc(new_cap.saturating_mul(slot))?;
        }
        self.steps(more as u64)
    }

    /// Charges a vector (or map) that grew from capacity `before` to `after`:
    /// its whole new buffer.
    #[inline]
    pub fn regrown(&self, before: usize, after: usize, slot: usize) -> Result<(), Exceeded> {
        if after > before {
            self.alloc(after.saturating_mul(slot))?;
        }
        Ok(())
    }

    /// Bytes that may still be built.
    pub fn bytes_left(&self) -> usize {
        usize::try_from(self.bytes_room.get().saturating_sub(1)).unwrap_or(usize::MAX)
    }

    /// Steps that can still be charged.
    pub fn steps_left(&self) -> u64 {
        self.steps_room.get().saturating_sub(1)
    }

    /// Steps charged so far (one more than the limit once over it).
    pub fn steps_used(&self) -> u64 {
        used(self.steps_max, self.steps_room.get())
    }

    /// Bytes charged so far (one more than the limit once over it).
    pub fn bytes_used(&self) -> u64 {
        used(self.bytes_max, self.bytes_room.get())
    }

    /// Notes that `inserted` was put into the container (or object) `holder`:
    /// if both can hold values, `holder` may now be part of a cycle.
    #[inline]
    pub fn note_insert(&self, holder: &Value, inserted: &Value) {
        if holds_values(inserted) {
            self.cycles.note(holder);
        }
    }

    /// [`Budget::note_insert`] for a list.
    #[inline]
    pub fn note_list(&self, holder: &ListRef, inserted: &Value) {
        if holds_values(inserted) {
            self.cycles.note(&Value::List(holder.clone()));
        }
    }

    /// [`Budget::note_insert`] for a map.
    #[inline]
    pub fn note_map(&self, holder: &MapRef, inserted: &Value) {
        if holds_values(inserted) {
            self.cycles.note(&Value::Map(holder.clone()));
        }
    }

    /// Notes that the render made a string with a lone surrogate in it.
    pub fn note_lone_surrogate(&self) {
        self.lone_surrogates.set(true);
    }

    /// Did the render make a string with a lone surrogate in it? Then its
    /// output must go through [`super::jstring::java_utf8`].
    pub fn saw_lone_surrogates(&self) -> bool {
        self.lone_surrogates.get()
    }

    /// Frees the reference cycles among the noted containers that nothing
    /// outside them holds any more. Runs when the budget is dropped; call it
    /// earlier to free them sooner.
    pub fn collect_cycles(&self) {
        self.cycles.collect();
    }
}

/// What was charged of a limit `max` that has `room` left ([`Budget`]).
fn used(max: u64, room: u64) -> u64 {
    match room {
        0 => max.saturating_add(1),
        r => max.saturating_sub(r - 1),
    }
}

/// Can `v` hold other values (and so close a cycle)?
#[inline]
fn holds_values(v: &Value) -> bool {
    matches!(v, Value::List(_) | Value::Map(_) | Value::Object(_))
}

impl Drop for Budget {
    fn drop(&mut self) {
        self.cycles.collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_fail_past_the_limits_and_stay_failed() {
        let b = Budget::new(10, 100);
        assert!(b.steps(10).is_ok());
        assert_eq!(b.step(), Err(Exceeded::Steps(10)));
        assert_eq!(b.steps(0), Err(Exceeded::Steps(10)));
        assert!(b.alloc(100).is_ok());
        assert_eq!(b.alloc(1), Err(Exceeded::Bytes(100)));
        assert_eq!(b.alloc(0), Err(Exceeded::Bytes(100)));
        assert_eq!(b.bytes_left(), 0);
    }

    #[test]
    fn step_and_build_fails_as_its_three_charges_in_turn() {
        // Limits around a text of 130 bytes (a step, 130 bytes, then two
        // steps of copying): each way to fail, and the edges where it fits.
        for steps_max in 0..6u64 {
            for bytes_max in [0, 129, 130, 131] {
                let three = Budget::new(steps_max, bytes_max);
                let expected = three.step().and_then(|()| three.build(130));
                assert_eq!(
                    Budget::new(steps_max, bytes_max).step_and_build(130),
                    expected,
                    "{steps_max} steps, {bytes_max} bytes"
                );
            }
        }
        for steps_max in 0..3u64 {
            for bytes_max in [0, 9, 10] {
                let two = Budget::new(steps_max, bytes_max);
                let expected = two.step().and_then(|()| two.alloc(10));
                let one = Budget::new(steps_max, bytes_max);
                assert_eq!(one.step_and_alloc(10), expected);
            }
        }
        let b = Budget::new(3, 130);
        assert!(b.step_and_build(130).is_ok());
        assert_eq!(b.bytes_left(), 0);
        assert_eq!(b.step_and_build(0), Err(Exceeded::Steps(3)));
    }

    #[test]
    fn a_failed_combined_charge_charges_both_and_stays_failed() {
        // A step and 640 bytes (ten steps of copying) over a limit of one step.
        let b = Budget::new(1, 1000);
        assert_eq!(b.step_and_build(640), Err(Exceeded::Steps(1)));
        assert_eq!(b.steps(0), Err(Exceeded::Steps(1)));
        assert!(b.alloc(360).is_ok());
        assert_eq!(b.alloc(1), Err(Exceeded::Bytes(1000)));
        assert_eq!(b.alloc(0), Err(Exceeded::Bytes(1000)));
        assert_eq!((b.steps_used(), b.bytes_used()), (2, 1001));
        let u = Budget::unmetered();
        assert!(u.alloc(usize::MAX - 1).is_ok());
        assert!(u.step_and_build(usize::MAX).is_ok());
        assert!(u.alloc(0).is_ok() && u.steps(1).is_ok());
    }

    #[test]
    fn identity_hashes_are_positive_distinct_and_the_same_each_render() {
        let b = Budget::unmetered();
        let hashes: Vec<i32> = (0..200_000).map(|_| b.identity_hash()).collect();
        assert!(hashes.iter().all(|&h| h > 0));
        let distinct: std::collections::HashSet<i32> = hashes.iter().copied().collect();
        assert_eq!(distinct.len(), hashes.len());
        let again = Budget::unmetered();
        assert_eq!(again.identity_hash(), hashes[0]);
    }

    #[test]
    fn unmetered_never_runs_out() {
        let b = Budget::unmetered();
        assert!(b.steps(u64::MAX).is_ok());
        assert!(b.alloc(usize::MAX).is_ok());
        assert!(b.alloc(usize::MAX).is_ok());
    }
}
