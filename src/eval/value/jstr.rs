//! [`JStr`]: the text of a `java.lang.String` value, in 16 bytes.
//!
//! A string of at most [`INLINE_MAX`] bytes is held in place; a longer one is
//! shared (`Rc<str>`), so a copy of it is a count. Most strings a template
//! meets are short (header names and values, map keys, the pieces of a
//! split), and this way they cost no allocation to make, copy or drop.
//!
//! Layout (`repr(C)`, 16 bytes, 8-aligned): a shared string is its data
//! pointer (from [`Rc::into_raw`]) and its length; a string in place is its
//! bytes (zeros after them) with its last byte `0x80 | len`. The two are
//! told apart by that last byte's high bit: in a shared string it is the top
//! byte of the length, always zero (no allocation is that large). Strings in
//! place need a little-endian machine (where that byte is the length's top
//! one); elsewhere every string is shared.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::rc::Rc;

/// Strings up to this many bytes are held in place.
pub const INLINE_MAX: usize = 15;

/// Whether strings are held in place on this machine (see the module docs).
const INLINE: bool = cfg!(target_endian = "little");

/// The tag bit of the last byte: set for a string held in place.
const IN_PLACE: u8 = 0x80;

/// The text of a Java string: in place up to [`INLINE_MAX`] bytes, else
/// shared. Derefs to `str`; compares, orders and hashes as its text.
///
/// Two plain words, not a union: the compiler then keeps and moves a string
/// as two registers, as it does an `Rc<str>` (as a union it went through
/// the stack in 16-byte moves that waited on the two 8-byte stores before
/// them).
#[repr(C)]
pub struct JStr {
    /// Shared: the data pointer of the `Rc<str>`. In place: bytes 0–7 (an
    /// address without provenance, never followed).
    ptr: *const u8,
    /// Shared: the length. In place: bytes 8–14, and the tag byte on top.
    len: usize,
}

const _: () = assert!(std::mem::size_of::<JStr>() == 16);
const _: () = assert!(std::mem::size_of::<usize>() == 8 || !INLINE);

impl JStr {
    /// Is the string held in place (its drop frees nothing)?
    #[inline(always)]
    pub(crate) fn in_place(&self) -> bool {
        INLINE && self.tag() & IN_PLACE != 0
    }

    /// The last byte (the top one of the second word).
    #[inline(always)]
    fn tag(&self) -> u8 {
        (self.len >> (usize::BITS - 8)) as u8
    }

    /// The string's text.
    #[inline(always)]
    pub fn as_str(&self) -> &str {
        if self.in_place() {
            // SAFETY: in place, the two words hold, in memory order (a
            // little-endian machine), a copy of a `str` of `len` ≤ 15
            // bytes (`new`); they are read as bytes, never as a pointer.
            unsafe {
                let len = usize::from(self.tag() & !IN_PLACE);
                let bytes = (self as *const JStr).cast::<u8>();
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(bytes, len))
            }
        } else {
            // SAFETY: shared, the pointer and length are those of a live
            // `Rc<str>` this value holds one count of.
            unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(self.ptr, self.len)) }
        }
    }

    /// A string of `s`'s text: in place when short enough, else a new
    /// shared copy.
    #[inline(always)]
    pub fn new(s: &str) -> JStr {
        if INLINE && s.len() <= INLINE_MAX {
            let (lo, hi) = load_short(s.as_bytes());
            let tag = ((IN_PLACE | s.len() as u8) as usize) << (usize::BITS - 8);
            return JStr {
                ptr: lo as usize as *const u8,
                len: hi as usize | tag,
            };
        }
        JStr::copied(s)
    }

    /// A new shared copy of `s`.
    #[inline(never)]
    fn copied(s: &str) -> JStr {
        JStr::shared(Rc::from(s))
    }

    /// A string holding `rc` (its text not copied).
    #[inline]
    fn shared(rc: Rc<str>) -> JStr {
        let len = rc.len();
        let ptr = Rc::into_raw(rc).cast::<u8>();
        JStr { ptr, len }
    }

    /// The shared string's raw `Rc` pointer (only for a shared string).
    #[inline(always)]
    fn raw(&self) -> *const str {
        std::ptr::slice_from_raw_parts(self.ptr, self.len) as *const str
    }
}

/// The bytes of `b` (at most 15; only the first 15 of a longer one) as a
/// little-endian number in two words (low, high), zeros past them: from
/// two loads that may overlap, by size class (a copy of a length known only
/// when running is a call, and writes byte by byte). No 128-bit shift: its
/// generic code (`shld`, a test and two `cmov`s) cost more than the loads.
/// Also the short chunk of the escape masks (`json::js_stops_from`).
#[inline(always)]
pub(crate) fn load_short(b: &[u8]) -> (u64, u64) {
    let b = b.get(..INLINE_MAX).unwrap_or(b);
    let n = b.len();
    if let (Some(lo), Some(hi)) = (b.first_chunk::<8>(), b.last_chunk::<8>()) {
        // `hi` holds bytes `n - 8 .. n`: the low word is all `lo`'s (the
        // overlap holds the same bytes), the high word `hi`'s last `n - 8`
        // bytes, by a shift of `8 * (16 - n)` bits (8 to 64: made in two, as
        // a shift of 64 is not one).
        let hi = u64::from_le_bytes(*hi) >> (8 * (16 - n) - 1) >> 1;
        return (u64::from_le_bytes(*lo), hi);
    }
    if let (Some(lo), Some(hi)) = (b.first_chunk::<4>(), b.last_chunk::<4>()) {
        let lo =
            u32::from_le_bytes(*lo) as u64 | u64::from(u32::from_le_bytes(*hi)) << (8 * (n - 4));
        return (lo, 0);
    }
    let lo = match b {
        [] => 0,
        [a] => u64::from(*a),
        [a, c] => u64::from(*a) | u64::from(*c) << 8,
        [a, c, d, ..] => u64::from(*a) | u64::from(*c) << 8 | u64::from(*d) << 16,
    };
    (lo, 0)
}

impl Clone for JStr {
    #[inline(always)]
    fn clone(&self) -> JStr {
        if !self.in_place() {
            // SAFETY: a shared string holds a count of a live `Rc<str>`;
            // the copy holds one more.
            unsafe { Rc::increment_strong_count(self.raw()) };
        }
        // A shared copy owns the count just taken.
        JStr {
            ptr: self.ptr,
            len: self.len,
        }
    }
}

impl Drop for JStr {
    #[inline(always)]
    fn drop(&mut self) {
        if !self.in_place() {
            // SAFETY: a shared string owns one count of its `Rc<str>`,
            // given back here once.
            drop(unsafe { Rc::from_raw(self.raw()) });
        }
    }
}

impl Deref for JStr {
    type Target = str;
    #[inline(always)]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for JStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for JStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for JStr {
    #[inline]
    fn from(s: &str) -> JStr {
        JStr::new(s)
    }
}

impl From<String> for JStr {
    fn from(s: String) -> JStr {
        if INLINE && s.len() <= INLINE_MAX {
            return JStr::new(&s);
        }
        JStr::shared(Rc::from(s))
    }
}

impl From<Box<str>> for JStr {
    fn from(s: Box<str>) -> JStr {
        if INLINE && s.len() <= INLINE_MAX {
            return JStr::new(&s);
        }
        JStr::shared(Rc::from(s))
    }
}

impl From<Rc<str>> for JStr {
    /// Short text is copied in place; longer text is shared as it is.
    fn from(rc: Rc<str>) -> JStr {
        if INLINE && rc.len() <= INLINE_MAX {
            return JStr::new(&rc);
        }
        JStr::shared(rc)
    }
}

impl Default for JStr {
    fn default() -> JStr {
        JStr::new("")
    }
}

impl PartialEq for JStr {
    #[inline]
    fn eq(&self, other: &JStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for JStr {}

impl PartialEq<str> for JStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for JStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for JStr {
    fn partial_cmp(&self, other: &JStr) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for JStr {
    fn cmp(&self, other: &JStr) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for JStr {
    /// As its text hashes (so a `str` finds it in a map).
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for JStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for JStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_strings_are_held_in_place_and_long_ones_shared() {
        for n in 0..=40 {
            let s: String = "é0123456789abcdefghijklmnopqrstuvwxyz"
                .chars()
                .take(n)
                .collect();
            let j = JStr::new(&s);
            assert_eq!(j.as_str(), s);
            assert_eq!(j.in_place(), INLINE && s.len() <= INLINE_MAX, "{s:?}");
            let c = j.clone();
            assert_eq!(c, j);
            // Shared: one text; in place: a copy.
            assert_eq!(
                std::ptr::eq(c.as_str().as_ptr(), j.as_str().as_ptr()),
                !j.in_place()
            );
            drop(j);
            assert_eq!(&*c, s);
            for j in [
                JStr::from(s.clone()),
                JStr::from(Rc::<str>::from(s.as_str())),
                JStr::from(Box::<str>::from(s.as_str())),
            ] {
                assert_eq!(&*j, s);
                assert_eq!(j.in_place(), INLINE && s.len() <= INLINE_MAX);
            }
        }
    }

    #[test]
    fn a_shared_string_counts_its_copies() {
        let rc: Rc<str> = Rc::from("a string longer than fifteen bytes");
        let j = JStr::from(Rc::clone(&rc));
        assert_eq!(Rc::strong_count(&rc), 2);
        let copies: Vec<JStr> = (0..5).map(|_| j.clone()).collect();
        assert_eq!(Rc::strong_count(&rc), 7);
        drop(copies);
        drop(j);
        assert_eq!(Rc::strong_count(&rc), 1);
    }

    #[test]
    fn compares_and_hashes_as_its_text() {
        use std::collections::hash_map::DefaultHasher;
        let h = |x: &dyn Fn(&mut DefaultHasher)| {
            let mut s = DefaultHasher::new();
            x(&mut s);
            s.finish()
        };
        for s in [
            "",
            "a",
            "fifteen bytes!!",
            "sixteen bytes!!!",
            "x".repeat(100).as_str(),
        ] {
            let j = JStr::new(s);
            assert_eq!(h(&|st| j.hash(st)), h(&|st| s.hash(st)));
            assert_eq!(format!("{j}"), s);
            assert_eq!(format!("{j:?}"), format!("{s:?}"));
        }
        assert!(JStr::new("abc") < JStr::new("abd"));
        assert!(JStr::new("b") > JStr::new("a string longer than fifteen"));
    }

    proptest! {
        #[test]
        fn any_text_round_trips(s in "\\PC{0,40}") {
            let j = JStr::new(&s);
            prop_assert_eq!(j.as_str(), s.as_str());
            let c = j.clone();
            prop_assert_eq!(c.as_str(), s.as_str());
            let o = JStr::from(s.clone());
            prop_assert_eq!(o.as_str(), s.as_str());
        }
    }
}
