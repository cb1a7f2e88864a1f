//! Building the map from a decoded value's bytes to the file bytes they came from.

use std::ops::Range;

use crate::lint::{OffsetMap, Segment};

/// One run of value bytes and the file bytes they came from. Equal lengths:
/// byte for byte; otherwise one decoded unit (an escape, a folded line break, a
/// CloudFormation placeholder) whose bytes all stand for the whole file range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Piece {
    pub t: usize,
    pub tl: usize,
    pub f: usize,
    pub fl: usize,
}

/// Pieces in value order, consecutive in the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Pieces {
    v: Vec<Piece>,
    len: usize,
}

impl Pieces {
    pub fn new() -> Pieces {
        Pieces::default()
    }

    /// The value bytes covered so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Appends `tl` value bytes that came from `fl` file bytes at `f`. Runs
    /// that are byte for byte and follow each other in both are merged.
    pub fn push(&mut self, tl: usize, f: usize, fl: usize) {
        if tl == 0 {
            return;
        }
        let t = self.len;
        self.len += tl;
        if let Some(last) = self.v.last_mut() {
            if tl == fl && last.tl == last.fl && last.t + last.tl == t && last.f + last.fl == f {
                last.tl += tl;
                last.fl += fl;
                return;
            }
        }
        self.v.push(Piece { t, tl, f, fl });
    }

    /// The file bytes that value bytes `t .. t + n` (one character or one
    /// decoded unit) came from.
    pub fn file_range(&self, t: usize, n: usize) -> Range<usize> {
        let idx = self.v.partition_point(|p| p.t + p.tl <= t);
        match self.v.get(idx) {
            Some(p) if t >= p.t => {
                if p.tl == p.fl {
                    let s = p.f + (t - p.t);
                    s..s + n.min(p.t + p.tl - t)
                } else {
                    p.f..p.f + p.fl
                }
            }
            Some(p) => p.f..p.f,
            None => {
                let end = self.v.last().map_or(0, |p| p.f + p.fl);
                end..end
            }
        }
    }

    pub fn to_map(&self) -> OffsetMap {
        OffsetMap::new(
            self.v
                .iter()
                .map(|p| Segment {
                    template: p.t..p.t + p.tl,
                    file: p.f..p.f + p.fl,
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_exact_runs_only() {
        let mut p = Pieces::new();
        p.push(2, 10, 2);
        p.push(1, 12, 1);
        p.push(1, 13, 2); // an escape
        p.push(1, 15, 1);
        p.push(0, 99, 3); // nothing
        assert_eq!(p.len(), 5);
        assert_eq!(p.v.len(), 3);
        assert_eq!(p.file_range(1, 1), 11..12);
        assert_eq!(p.file_range(3, 1), 13..15);
        assert_eq!(p.file_range(9, 1), 16..16);
        let m = p.to_map();
        assert_eq!(m.file_offset(2), 12);
        assert_eq!(m.file_offset(3), 13);
        assert_eq!(m.file_offset(4), 15);
    }
}
