//! Byte classes of 16 bytes at once, one bit per byte (bit `i` for byte
//! `i`): the string and blank scans of the compactor and of the body
//! reader. SSE2 on x86-64 (every x86-64 CPU has it); elsewhere a byte loop
//! (`portable`).

/// The bytes that end a run of plain string content for the compactor: the
/// double quote, the backslash, `/` (written `\/`), control characters, DEL
/// and every byte past ASCII; with `ESC` the single quote too
/// (escapeJavaScript writes it `\'`). Bit `i` is set when byte `i` is one.
#[inline(always)]
pub(super) fn string_stops<const ESC: bool>(chunk: &[u8; 16]) -> u32 {
    imp::string_stops::<ESC>(chunk)
}

/// [`string_stops`] with `ESC`, and apart the bytes that escapeJavaScript
/// writes after a backslash (and that end the escapes written again as
/// they are: `\\"`, `\\\\`, `\\/`, `\\'`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct EscapeStops {
    pub(super) stops: u32,
    pub(super) backslash: u32,
    pub(super) double_quote: u32,
    pub(super) single_quote: u32,
    pub(super) slash: u32,
}

impl EscapeStops {
    /// `f` of each mask.
    #[inline(always)]
    pub(super) fn map(self, f: impl Fn(u32) -> u32) -> EscapeStops {
        EscapeStops {
            stops: f(self.stops),
            backslash: f(self.backslash),
            double_quote: f(self.double_quote),
            single_quote: f(self.single_quote),
            slash: f(self.slash),
        }
    }

    /// The masks of 16 bytes followed by those of the 16 bytes `next` (bit
    /// `16 + k` for byte `k` of `next`).
    #[inline(always)]
    pub(super) fn then(self, next: EscapeStops) -> EscapeStops {
        EscapeStops {
            stops: self.stops | next.stops << 16,
            backslash: self.backslash | next.backslash << 16,
            double_quote: self.double_quote | next.double_quote << 16,
            single_quote: self.single_quote | next.single_quote << 16,
            slash: self.slash | next.slash << 16,
        }
    }
}

/// The masks of [`EscapeStops`].
#[inline(always)]
pub(super) fn escape_stops(chunk: &[u8; 16]) -> EscapeStops {
    imp::escape_stops(chunk)
}

/// The bytes that are `quote` or a backslash: where a string's plain run
/// ends for the reader.
#[inline(always)]
pub(super) fn quote_stops(chunk: &[u8; 16], quote: u8) -> u32 {
    imp::quote_stops(chunk, quote)
}

/// The bytes that are not blank (above the space): where a run of blanks
/// ends.
#[inline(always)]
pub(super) fn blank_stops(chunk: &[u8; 16]) -> u32 {
    imp::blank_stops(chunk)
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use core::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_max_epu8,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    #[inline(always)]
    pub(super) fn string_stops<const ESC: bool>(chunk: &[u8; 16]) -> u32 {
        // SAFETY: `chunk` is 16 readable bytes (the load is unaligned), and
        // SSE2 is part of every x86-64 CPU, so the target always has it.
        unsafe {
            let x = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            let eq = |c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
            // One more than each byte, as a signed byte, is below 0x21 for
            // the controls (1..=0x20), DEL (-128) and every byte past ASCII
            // (negative, or 0 for 0xff); not for the space or any other.
            let odd = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(1)), _mm_set1_epi8(0x21));
            let mut m = _mm_or_si128(
                _mm_or_si128(odd, eq(b'"')),
                _mm_or_si128(eq(b'\\'), eq(b'/')),
            );
            if ESC {
                m = _mm_or_si128(m, eq(b'\''));
            }
            // The mask of 16 bytes is the low 16 bits.
            _mm_movemask_epi8(m) as u32
        }
    }

    #[inline(always)]
    pub(super) fn escape_stops(chunk: &[u8; 16]) -> super::EscapeStops {
        // SAFETY: as in `string_stops`.
        unsafe {
            let x = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            let eq = |c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
            // As in `string_stops`.
            let odd = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(1)), _mm_set1_epi8(0x21));
            let (backslash, double_quote) = (eq(b'\\'), eq(b'"'));
            let (single_quote, slash) = (eq(b'\''), eq(b'/'));
            let stops = _mm_or_si128(
                _mm_or_si128(odd, _mm_or_si128(backslash, double_quote)),
                _mm_or_si128(single_quote, slash),
            );
            super::EscapeStops {
                stops: _mm_movemask_epi8(stops) as u32,
                backslash: _mm_movemask_epi8(backslash) as u32,
                double_quote: _mm_movemask_epi8(double_quote) as u32,
                single_quote: _mm_movemask_epi8(single_quote) as u32,
                slash: _mm_movemask_epi8(slash) as u32,
            }
        }
    }

    #[inline(always)]
    pub(super) fn quote_stops(chunk: &[u8; 16], quote: u8) -> u32 {
        // SAFETY: as in `string_stops`.
        unsafe {
            let x = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            let q = _mm_cmpeq_epi8(x, _mm_set1_epi8(quote as i8));
            let e = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8));
            _mm_movemask_epi8(_mm_or_si128(q, e)) as u32
        }
    }

    #[inline(always)]
    pub(super) fn blank_stops(chunk: &[u8; 16]) -> u32 {
        // SAFETY: as in `string_stops`.
        unsafe {
            let x = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            // A byte is at most the space when the larger of it and the
            // space is the space.
            let space = _mm_set1_epi8(b' ' as i8);
            let blank = _mm_cmpeq_epi8(_mm_max_epu8(x, space), space);
            (_mm_movemask_epi8(blank) as u32) ^ 0xffff
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
use portable as imp;

/// The masks byte by byte: where there is no SSE2 (and in the tests, which
/// hold both to the same table).
#[cfg(any(not(target_arch = "x86_64"), test))]
mod portable {
    #[inline(always)]
    pub(super) fn string_stops<const ESC: bool>(chunk: &[u8; 16]) -> u32 {
        let mut m = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let stop = !(0x20..0x7f).contains(&c)
                || c == b'"'
                || c == b'\\'
                || c == b'/'
                || (ESC && c == b'\'');
            m |= u32::from(stop) << i;
        }
        m
    }

    #[inline(always)]
    pub(super) fn escape_stops(chunk: &[u8; 16]) -> super::EscapeStops {
        let of = |c: u8| {
            let mut m = 0;
            for (i, &x) in chunk.iter().enumerate() {
                m |= u32::from(x == c) << i;
            }
            m
        };
        super::EscapeStops {
            stops: string_stops::<true>(chunk),
            backslash: of(b'\\'),
            double_quote: of(b'"'),
            single_quote: of(b'\''),
            slash: of(b'/'),
        }
    }

    #[inline(always)]
    pub(super) fn quote_stops(chunk: &[u8; 16], quote: u8) -> u32 {
        let mut m = 0;
        for (i, &c) in chunk.iter().enumerate() {
            m |= u32::from(c == quote || c == b'\\') << i;
        }
        m
    }

    #[inline(always)]
    pub(super) fn blank_stops(chunk: &[u8; 16]) -> u32 {
        let mut m = 0;
        for (i, &c) in chunk.iter().enumerate() {
            m |= u32::from(c > b' ') << i;
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::{blank_stops, escape_stops, portable, quote_stops, string_stops, EscapeStops};

    #[test]
    fn blanks_in_every_place() {
        for c in 0..=255u8 {
            for at in 0..16 {
                for fill in [b' ', b'\t', 0, b'a'] {
                    let mut chunk = [fill; 16];
                    if let Some(x) = chunk.get_mut(at) {
                        *x = c;
                    }
                    let want = chunk
                        .iter()
                        .enumerate()
                        .fold(0, |m, (i, &c)| m | u32::from(c > b' ') << i);
                    assert_eq!(blank_stops(&chunk), want, "byte {c:#x} at {at}");
                    assert_eq!(portable::blank_stops(&chunk), want);
                }
            }
        }
    }

    #[test]
    fn quotes_and_backslashes_in_every_place() {
        for c in 0..=255u8 {
            for quote in [b'"', b'\'', b'\\'] {
                for at in 0..16 {
                    let mut chunk = [b'a'; 16];
                    if let Some(x) = chunk.get_mut(at) {
                        *x = c;
                    }
                    let want = u32::from(c == quote || c == b'\\') << at;
                    assert_eq!(quote_stops(&chunk, quote), want, "byte {c:#x} at {at}");
                    assert_eq!(portable::quote_stops(&chunk, quote), want);
                }
            }
        }
    }

    #[test]
    fn every_byte_in_every_place() {
        for c in 0..=255u8 {
            for esc in [false, true] {
                let want = !(0x20..0x7f).contains(&c)
                    || matches!(c, b'"' | b'\\' | b'/')
                    || (esc && c == b'\'');
                for at in 0..16 {
                    let mut chunk = [b'a'; 16];
                    if let Some(x) = chunk.get_mut(at) {
                        *x = c;
                    }
                    let (m, p) = if esc {
                        (
                            string_stops::<true>(&chunk),
                            portable::string_stops::<true>(&chunk),
                        )
                    } else {
                        (
                            string_stops::<false>(&chunk),
                            portable::string_stops::<false>(&chunk),
                        )
                    };
                    assert_eq!(m, u32::from(want) << at, "byte {c:#x} at {at}, esc {esc}");
                    assert_eq!(p, m);
                    if esc {
                        let is = |x: u8| u32::from(c == x) << at;
                        let want = EscapeStops {
                            stops: m,
                            backslash: is(b'\\'),
                            double_quote: is(b'"'),
                            single_quote: is(b'\''),
                            slash: is(b'/'),
                        };
                        assert_eq!(escape_stops(&chunk), want);
                        assert_eq!(portable::escape_stops(&chunk), want);
                    }
                }
            }
        }
    }
}
