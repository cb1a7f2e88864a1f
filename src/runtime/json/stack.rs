//! The small stacks of the one-pass readers: the open containers and the key
//! fingerprints of the open objects. Every step pushes or pops one, so each
//! operation is a few inlined instructions on an array while the stack is
//! shallow; past `N` items the rest go to a vector (cold).

/// A stack of `Copy` items: the first `N` in an array, the rest in `spill`
/// (which always holds `len - N` items when `len > N`, else none).
pub(super) struct Stack<T: Copy + Default, const N: usize> {
    inline: [T; N],
    len: usize,
    spill: Vec<T>,
}

impl<T: Copy + Default, const N: usize> Stack<T, N> {
    pub(super) fn new() -> Self {
        Stack {
            inline: [T::default(); N],
            len: 0,
            spill: Vec::new(),
        }
    }

    #[inline(always)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline(always)]
    pub(super) fn push(&mut self, v: T) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = v,
            None => self.spill.push(v),
        }
        self.len += 1;
    }

    #[inline(always)]
    pub(super) fn pop(&mut self) -> Option<T> {
        self.len = self.len.checked_sub(1)?;
        match self.inline.get(self.len) {
            Some(&v) => Some(v),
            None => self.spill.pop(),
        }
    }

    /// Drops the items from `len` on.
    #[inline(always)]
    pub(super) fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.len = len;
            if !self.spill.is_empty() {
                self.spill.truncate(len.saturating_sub(N));
            }
        }
    }

    /// Whether an item from `from` on is `v`. Inlined, with the search
    /// out of line: a call given the stack's address would keep its length
    /// in memory wherever the stack is used.
    #[inline(always)]
    pub(super) fn contains_from(&self, from: usize, v: &T) -> bool
    where
        T: PartialEq,
    {
        let inline = self.inline.get(from.min(N)..self.len.min(N)).unwrap_or(&[]);
        let spill = self.spill.get(from.saturating_sub(N)..).unwrap_or(&[]);
        either_contains(inline, spill, v)
    }
}

/// Whether `a` or `b` holds `v`.
#[inline(never)]
fn either_contains<T: PartialEq>(a: &[T], b: &[T], v: &T) -> bool {
    a.contains(v) || b.contains(v)
}

#[cfg(test)]
mod tests {
    use super::Stack;
    use proptest::prelude::*;

    proptest! {
        /// The stack behaves as a vector does, across the array's end.
        #[test]
        fn stack_is_a_vector(ops in proptest::collection::vec((0u8..4, 0u64..6, 0usize..12), 0..200)) {
            let mut s: Stack<u64, 4> = Stack::new();
            let mut v: Vec<u64> = Vec::new();
            for (op, x, at) in ops {
                match op {
                    0 | 1 => { s.push(x); v.push(x); }
                    2 => prop_assert_eq!(s.pop(), v.pop()),
                    _ => { s.truncate(at); v.truncate(at); }
                }
                prop_assert_eq!(s.len(), v.len());
                prop_assert_eq!(s.is_empty(), v.is_empty());
                for from in 0..=v.len() + 1 {
                    for x in 0..6 {
                        let want = v.get(from..).is_some_and(|t| t.contains(&x));
                        prop_assert_eq!(s.contains_from(from, &x), want);
                    }
                }
            }
        }
    }
}
