//! The comparisons of Java's `ComparableTimSort`, which `List.sort(null)`
//! runs: the same comparisons in the same order, with the same receiver,
//! so that a comparison that throws (a `ClassCastException` between two
//! classes, a `NullPointerException`) is the one Java meets first. For an
//! order that holds, the result is the stable sort's.
//!
//! Written from the algorithm as Tim Peters describes it (runs found and
//! extended by binary insertion to a minimum length, a stack of runs kept
//! balanced, merges that gallop once one side keeps winning) with the
//! constants and choices of Java's version. It sorts positions, never
//! panics whatever the comparison answers (an answer that breaks the order
//! gives some permutation), and stops at the first comparison that fails.

use std::cmp::Ordering;

/// Below this many elements: binary insertion only, no merges.
const MIN_MERGE: usize = 32;

/// Wins in a row after which a merge gallops.
const MIN_GALLOP: usize = 7;

/// `cmp(x, y, receiver)`: `x.compareTo(y)` for positions `x` and `y`, or
/// the failure that stops the sort; `receiver` is how Java's code names `x`
/// there (`a[runHi]`, `pivot`, `key`, `a[cursor2]`, `tmp[cursor2]`: what a
/// `NullPointerException` for a null `x` says).
pub(super) type Compare<'c, E> =
    &'c mut dyn FnMut(usize, usize, &'static str) -> Result<Ordering, E>;

/// The positions `0..n` sorted by `cmp`, as Java's sort orders them, or the
/// first failure.
pub(super) fn sort<E>(n: usize, cmp: Compare<'_, E>) -> Result<Vec<usize>, E> {
    let mut a: Vec<usize> = (0..n).collect();
    if n < 2 {
        return Ok(a);
    }
    if n < MIN_MERGE {
        let run = run_made_ascending(&mut a, 0, n, cmp)?;
        binary_sort(&mut a, 0, n, run, cmp)?;
        return Ok(a);
    }
    let mut m = Merges {
        runs: Vec::new(),
        tmp: Vec::new(),
        min_gallop: MIN_GALLOP,
    };
    let min_run = min_run_length(n);
    let mut lo = 0;
    while lo < n {
        let mut run = run_made_ascending(&mut a, lo, n, cmp)?;
        if run < min_run {
            let force = (n - lo).min(min_run);
            binary_sort(&mut a, lo, lo + force, lo + run, cmp)?;
            run = force;
        }
        m.runs.push((lo, run));
        m.collapse(&mut a, cmp)?;
        lo += run;
    }
    m.force_collapse(&mut a, cmp)?;
    Ok(a)
}

/// `v[i]` (0 past the end, which a correct index never is).
fn at(v: &[usize], i: usize) -> usize {
    v.get(i).copied().unwrap_or(0)
}

fn at_signed(v: &[usize], i: isize) -> usize {
    usize::try_from(i).map_or(0, |i| at(v, i))
}

fn put(v: &mut [usize], i: usize, x: usize) {
    if let Some(e) = v.get_mut(i) {
        *e = x;
    }
}

fn put_signed(v: &mut [usize], i: isize, x: usize) {
    if let Ok(i) = usize::try_from(i) {
        put(v, i, x);
    }
}

/// `dst[to..to + n] = src[from..from + n]` (nothing when out of range).
fn copy(src: &[usize], from: usize, dst: &mut [usize], to: usize, n: usize) {
    if let (Some(s), Some(d)) = (
        src.get(from..from.saturating_add(n)),
        dst.get_mut(to..to.saturating_add(n)),
    ) {
        d.copy_from_slice(s);
    }
}

/// `v[to..to + n] = v[from..from + n]`, overlapping or not.
fn shift(v: &mut [usize], from: usize, to: usize, n: usize) {
    let fits = |start: usize| start.checked_add(n).is_some_and(|end| end <= v.len());
    if fits(from) && fits(to) {
        v.copy_within(from..from + n, to);
    }
}

fn signed(i: isize) -> usize {
    usize::try_from(i).unwrap_or(usize::MAX)
}

/// The length of the run that starts at `lo` (ascending, or strictly
/// descending and then reversed).
fn run_made_ascending<E>(
    a: &mut [usize],
    lo: usize,
    hi: usize,
    cmp: Compare<'_, E>,
) -> Result<usize, E> {
    let mut run_hi = lo + 1;
    if run_hi == hi {
        return Ok(1);
    }
    if cmp(at(a, run_hi), at(a, lo), "a[runHi]")?.is_lt() {
        run_hi += 1;
        while run_hi < hi && cmp(at(a, run_hi), at(a, run_hi - 1), "a[runHi]")?.is_lt() {
            run_hi += 1;
        }
        if let Some(run) = a.get_mut(lo..run_hi) {
            run.reverse();
        }
    } else {
        run_hi += 1;
        while run_hi < hi && cmp(at(a, run_hi), at(a, run_hi - 1), "a[runHi]")?.is_ge() {
            run_hi += 1;
        }
    }
    Ok(run_hi - lo)
}

/// Sorts `a[lo..hi]`, of which `a[lo..start]` is sorted, by binary insertion.
fn binary_sort<E>(
    a: &mut [usize],
    lo: usize,
    hi: usize,
    start: usize,
    cmp: Compare<'_, E>,
) -> Result<(), E> {
    let mut start = if start == lo { start + 1 } else { start };
    while start < hi {
        let pivot = at(a, start);
        let (mut left, mut right) = (lo, start);
        while left < right {
            let mid = (left + right) / 2;
            if cmp(pivot, at(a, mid), "pivot")?.is_lt() {
                right = mid;
            } else {
                left = mid + 1;
            }
        }
        shift(a, left, left + 1, start - left);
        put(a, left, pivot);
        start += 1;
    }
    Ok(())
}

/// The minimum run length for `n` elements: `n` itself below
/// [`MIN_MERGE`], else between half of it and it, such that `n` divided by
/// it is a power of two or just under.
fn min_run_length(mut n: usize) -> usize {
    let mut r = 0;
    while n >= MIN_MERGE {
        r |= n & 1;
        n >>= 1;
    }
    n + r
}

/// Where `key` goes in the sorted `v[base..base + len]`, before any equal
/// element, searching from `hint` outwards.
fn gallop_left<E>(
    key: usize,
    v: &[usize],
    base: usize,
    len: usize,
    hint: usize,
    cmp: Compare<'_, E>,
) -> Result<usize, E> {
    let (base, len, hint) = (base as isize, len as isize, hint as isize);
    let (mut last, mut ofs) = (0isize, 1isize);
    if cmp(key, at_signed(v, base + hint), "key")?.is_gt() {
        let max = len - hint;
        while ofs < max && cmp(key, at_signed(v, base + hint + ofs), "key")?.is_gt() {
            last = ofs;
            ofs = ofs.saturating_mul(2).saturating_add(1);
        }
        ofs = ofs.min(max);
        last += hint;
        ofs += hint;
    } else {
        let max = hint + 1;
        while ofs < max && cmp(key, at_signed(v, base + hint - ofs), "key")?.is_le() {
            last = ofs;
            ofs = ofs.saturating_mul(2).saturating_add(1);
        }
        ofs = ofs.min(max);
        (last, ofs) = (hint - ofs, hint - last);
    }
    last += 1;
    while last < ofs {
        let m = last + (ofs - last) / 2;
        if cmp(key, at_signed(v, base + m), "key")?.is_gt() {
            last = m + 1;
        } else {
            ofs = m;
        }
    }
    Ok(signed(ofs))
}

/// Where `key` goes in the sorted `v[base..base + len]`, after any equal
/// element, searching from `hint` outwards.
fn gallop_right<E>(
    key: usize,
    v: &[usize],
    base: usize,
    len: usize,
    hint: usize,
    cmp: Compare<'_, E>,
) -> Result<usize, E> {
    let (base, len, hint) = (base as isize, len as isize, hint as isize);
    let (mut last, mut ofs) = (0isize, 1isize);
    if cmp(key, at_signed(v, base + hint), "key")?.is_lt() {
        let max = hint + 1;
        while ofs < max && cmp(key, at_signed(v, base + hint - ofs), "key")?.is_lt() {
            last = ofs;
            ofs = ofs.saturating_mul(2).saturating_add(1);
        }
        ofs = ofs.min(max);
        (last, ofs) = (hint - ofs, hint - last);
    } else {
        let max = len - hint;
        while ofs < max && cmp(key, at_signed(v, base + hint + ofs), "key")?.is_ge() {
            last = ofs;
            ofs = ofs.saturating_mul(2).saturating_add(1);
        }
        ofs = ofs.min(max);
        last += hint;
        ofs += hint;
    }
    last += 1;
    while last < ofs {
        let m = last + (ofs - last) / 2;
        if cmp(key, at_signed(v, base + m), "key")?.is_lt() {
            ofs = m;
        } else {
            last = m + 1;
        }
    }
    Ok(signed(ofs))
}

/// The stack of runs waiting to be merged, and the merges' state.
struct Merges {
    /// Each run's start and length.
    runs: Vec<(usize, usize)>,
    tmp: Vec<usize>,
    min_gallop: usize,
}

impl Merges {
    fn len(&self, i: usize) -> usize {
        self.runs.get(i).map_or(0, |r| r.1)
    }

    /// Merges until the runs' lengths shrink fast enough down the stack.
    fn collapse<E>(&mut self, a: &mut [usize], cmp: Compare<'_, E>) -> Result<(), E> {
        while self.runs.len() > 1 {
            let mut n = self.runs.len() - 2;
            if (n > 0 && self.len(n - 1) <= self.len(n) + self.len(n + 1))
                || (n > 1 && self.len(n - 2) <= self.len(n) + self.len(n - 1))
            {
                if self.len(n - 1) < self.len(n + 1) {
                    n -= 1;
                }
            } else if self.len(n) > self.len(n + 1) {
                break;
            }
            self.merge_at(a, n, cmp)?;
        }
        Ok(())
    }

    /// Merges every run left.
    fn force_collapse<E>(&mut self, a: &mut [usize], cmp: Compare<'_, E>) -> Result<(), E> {
        while self.runs.len() > 1 {
            let mut n = self.runs.len() - 2;
            if n > 0 && self.len(n - 1) < self.len(n + 1) {
                n -= 1;
            }
            self.merge_at(a, n, cmp)?;
        }
        Ok(())
    }

    /// Merges runs `i` and `i + 1`.
    fn merge_at<E>(&mut self, a: &mut [usize], i: usize, cmp: Compare<'_, E>) -> Result<(), E> {
        let (Some(&(base1, len1)), Some(&(base2, len2))) = (self.runs.get(i), self.runs.get(i + 1))
        else {
            return Ok(());
        };
        if let Some(r) = self.runs.get_mut(i) {
            r.1 = len1 + len2;
        }
        self.runs.remove(i + 1);
        // What of run 1 is already in place before run 2's first element,
        // and what of run 2 after run 1's last.
        let k = gallop_right(at(a, base2), a, base1, len1, 0, cmp)?;
        let (base1, len1) = (base1 + k, len1 - k);
        if len1 == 0 {
            return Ok(());
        }
        let len2 = gallop_left(at(a, base1 + len1 - 1), a, base2, len2, len2 - 1, cmp)?;
        if len2 == 0 {
            return Ok(());
        }
        if len1 <= len2 {
            self.merge_lo(a, base1, len1, base2, len2, cmp)
        } else {
            self.merge_hi(a, base1, len1, base2, len2, cmp)
        }
    }

    /// Merges from the front, run 1 (the shorter) copied aside.
    fn merge_lo<E>(
        &mut self,
        a: &mut [usize],
        base1: usize,
        mut len1: usize,
        base2: usize,
        mut len2: usize,
        cmp: Compare<'_, E>,
    ) -> Result<(), E> {
        let mut tmp = std::mem::take(&mut self.tmp);
        tmp.clear();
        tmp.extend_from_slice(a.get(base1..base1 + len1).unwrap_or_default());
        let (mut c1, mut c2, mut dest) = (0usize, base2, base1);
        put(a, dest, at(a, c2));
        dest += 1;
        c2 += 1;
        len2 -= 1;
        let mut min_gallop = self.min_gallop;
        let res = (|| {
            // Run 2 done, or one element of run 1 left: the end below.
            if len2 == 0 || len1 == 1 {
                return Ok(());
            }
            'outer: loop {
                let (mut count1, mut count2) = (0usize, 0usize);
                // One element at a time until one side keeps winning.
                loop {
                    if cmp(at(a, c2), at(&tmp, c1), "a[cursor2]")?.is_lt() {
                        put(a, dest, at(a, c2));
                        dest += 1;
                        c2 += 1;
                        count2 += 1;
                        count1 = 0;
                        len2 -= 1;
                        if len2 == 0 {
                            break 'outer;
                        }
                    } else {
                        put(a, dest, at(&tmp, c1));
                        dest += 1;
                        c1 += 1;
                        count1 += 1;
                        count2 = 0;
                        len1 -= 1;
                        if len1 == 1 {
                            break 'outer;
                        }
                    }
                    if (count1 | count2) >= min_gallop {
                        break;
                    }
                }
                // Galloping while it pays.
                loop {
                    count1 = gallop_right(at(a, c2), &tmp, c1, len1, 0, cmp)?;
                    if count1 != 0 {
                        copy(&tmp, c1, a, dest, count1);
                        dest += count1;
                        c1 += count1;
                        len1 -= count1;
                        if len1 <= 1 {
                            break 'outer;
                        }
                    }
                    put(a, dest, at(a, c2));
                    dest += 1;
                    c2 += 1;
                    len2 -= 1;
                    if len2 == 0 {
                        break 'outer;
                    }
                    count2 = gallop_left(at(&tmp, c1), a, c2, len2, 0, cmp)?;
                    if count2 != 0 {
                        shift(a, c2, dest, count2);
                        dest += count2;
                        c2 += count2;
                        len2 -= count2;
                        if len2 == 0 {
                            break 'outer;
                        }
                    }
                    put(a, dest, at(&tmp, c1));
                    dest += 1;
                    c1 += 1;
                    len1 -= 1;
                    if len1 == 1 {
                        break 'outer;
                    }
                    min_gallop = min_gallop.saturating_sub(1);
                    if count1 < MIN_GALLOP && count2 < MIN_GALLOP {
                        break;
                    }
                }
                min_gallop += 2;
            }
            Ok(())
        })();
        self.min_gallop = min_gallop.max(1);
        res?;
        if len1 == 1 {
            shift(a, c2, dest, len2);
            put(a, dest + len2, at(&tmp, c1));
        } else if len1 > 1 {
            copy(&tmp, c1, a, dest, len1);
        }
        self.tmp = tmp;
        Ok(())
    }

    /// Merges from the back, run 2 (the shorter) copied aside.
    fn merge_hi<E>(
        &mut self,
        a: &mut [usize],
        base1: usize,
        mut len1: usize,
        base2: usize,
        mut len2: usize,
        cmp: Compare<'_, E>,
    ) -> Result<(), E> {
        let mut tmp = std::mem::take(&mut self.tmp);
        tmp.clear();
        tmp.extend_from_slice(a.get(base2..base2 + len2).unwrap_or_default());
        let mut c1 = (base1 + len1) as isize - 1;
        let mut c2 = len2 as isize - 1;
        let mut dest = (base2 + len2) as isize - 1;
        put_signed(a, dest, at_signed(a, c1));
        dest -= 1;
        c1 -= 1;
        len1 -= 1;
        let mut min_gallop = self.min_gallop;
        let res = (|| {
            // Run 1 done, or one element of run 2 left: the end below.
            if len1 == 0 || len2 == 1 {
                return Ok(());
            }
            'outer: loop {
                let (mut count1, mut count2) = (0usize, 0usize);
                loop {
                    if cmp(at_signed(&tmp, c2), at_signed(a, c1), "tmp[cursor2]")?.is_lt() {
                        put_signed(a, dest, at_signed(a, c1));
                        dest -= 1;
                        c1 -= 1;
                        count1 += 1;
                        count2 = 0;
                        len1 -= 1;
                        if len1 == 0 {
                            break 'outer;
                        }
                    } else {
                        put_signed(a, dest, at_signed(&tmp, c2));
                        dest -= 1;
                        c2 -= 1;
                        count2 += 1;
                        count1 = 0;
                        len2 -= 1;
                        if len2 == 1 {
                            break 'outer;
                        }
                    }
                    if (count1 | count2) >= min_gallop {
                        break;
                    }
                }
                loop {
                    count1 =
                        len1 - gallop_right(at_signed(&tmp, c2), a, base1, len1, len1 - 1, cmp)?;
                    if count1 != 0 {
                        dest -= count1 as isize;
                        c1 -= count1 as isize;
                        len1 -= count1;
                        shift(a, signed(c1 + 1), signed(dest + 1), count1);
                        if len1 == 0 {
                            break 'outer;
                        }
                    }
                    put_signed(a, dest, at_signed(&tmp, c2));
                    dest -= 1;
                    c2 -= 1;
                    len2 -= 1;
                    if len2 == 1 {
                        break 'outer;
                    }
                    count2 = len2 - gallop_left(at_signed(a, c1), &tmp, 0, len2, len2 - 1, cmp)?;
                    if count2 != 0 {
                        dest -= count2 as isize;
                        c2 -= count2 as isize;
                        len2 -= count2;
                        copy(&tmp, signed(c2 + 1), a, signed(dest + 1), count2);
                        if len2 <= 1 {
                            break 'outer;
                        }
                    }
                    put_signed(a, dest, at_signed(a, c1));
                    dest -= 1;
                    c1 -= 1;
                    len1 -= 1;
                    if len1 == 0 {
                        break 'outer;
                    }
                    min_gallop = min_gallop.saturating_sub(1);
                    if count1 < MIN_GALLOP && count2 < MIN_GALLOP {
                        break;
                    }
                }
                min_gallop += 2;
            }
            Ok(())
        })();
        self.min_gallop = min_gallop.max(1);
        res?;
        if len2 == 1 {
            dest -= len1 as isize;
            c1 -= len1 as isize;
            shift(a, signed(c1 + 1), signed(dest + 1), len1);
            put_signed(a, dest, at_signed(&tmp, c2));
        } else if len2 > 1 {
            copy(&tmp, 0, a, signed(dest - (len2 as isize - 1)), len2);
        }
        self.tmp = tmp;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The sort of `keys` by natural order, and how many comparisons.
    fn sorted(keys: &[i32]) -> (Vec<usize>, usize) {
        let mut calls = 0;
        let order = sort::<()>(keys.len(), &mut |x, y, _| {
            calls += 1;
            Ok(at_key(keys, x).cmp(&at_key(keys, y)))
        });
        (order.unwrap_or_default(), calls)
    }

    fn at_key(keys: &[i32], i: usize) -> i32 {
        keys.get(i).copied().unwrap_or(i32::MIN)
    }

    fn stable(keys: &[i32]) -> Vec<usize> {
        let mut want: Vec<usize> = (0..keys.len()).collect();
        want.sort_by_key(|&i| at_key(keys, i));
        want
    }

    #[test]
    fn shapes_that_take_every_path() {
        // Sorted, reversed, sawtooth, runs of equal keys, a long run then a
        // short one (galloping from both ends), sizes around MIN_MERGE.
        let mut shapes: Vec<Vec<i32>> = Vec::new();
        for n in [0, 1, 2, 3, 31, 32, 33, 64, 65, 100, 257, 1000, 5000] {
            shapes.push((0..n).collect());
            shapes.push((0..n).rev().collect());
            shapes.push((0..n).map(|i| i % 7).collect());
            shapes.push((0..n).map(|i| i / 50).collect());
            shapes.push((0..n).map(|i| (i * 7919) % 101).collect());
            shapes.push(
                (0..n)
                    .map(|i| if i < n * 3 / 4 { i } else { i - n / 2 })
                    .collect(),
            );
            shapes.push((0..n).map(|i| if i % 200 < 100 { i } else { -i }).collect());
        }
        for keys in shapes {
            let (got, calls) = sorted(&keys);
            assert_eq!(got, stable(&keys), "{keys:?}");
            let n = keys.len();
            let bound = n * (usize::BITS - n.leading_zeros()) as usize;
            assert!(calls <= bound.max(1), "{calls} comparisons for {n}");
        }
    }

    #[test]
    fn a_failure_stops_the_sort_at_once() {
        let mut calls = 0;
        let r = sort(100, &mut |x, y, _| {
            calls += 1;
            if calls == 50 {
                Err((x, y))
            } else {
                Ok(x.cmp(&y).reverse())
            }
        });
        assert!(r.is_err());
        assert_eq!(calls, 50);
        // The first comparison is Java's: the second element against the first.
        let mut first = None;
        let _ = sort(5, &mut |x, y, at| {
            first.get_or_insert((x, y, at));
            Err(())
        });
        assert_eq!(first, Some((1, 0, "a[runHi]")));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// For an order that holds, the standard stable sort's order.
        #[test]
        fn the_order_is_the_stable_sorts(keys in proptest::collection::vec(0i32..12, 0..700)) {
            prop_assert_eq!(sorted(&keys).0, stable(&keys));
        }

        /// Sorted stretches (which make long runs and gallops).
        #[test]
        fn runs_and_gallops(parts in proptest::collection::vec((0i32..1000, 1usize..120, any::<bool>()), 0..12)) {
            let mut keys = Vec::new();
            for (start, len, up) in parts {
                let run: Vec<i32> = (0..len as i32).map(|i| start + if up { i } else { -i }).collect();
                keys.extend(run);
            }
            prop_assert_eq!(sorted(&keys).0, stable(&keys));
        }

        /// Whatever the comparison answers, a permutation and no panic.
        #[test]
        fn any_answers_give_a_permutation(n in 0usize..400, answers in proptest::collection::vec(0u8..3, 1..64)) {
            let mut k = 0usize;
            let got = sort::<()>(n, &mut |_, _, _| {
                k += 1;
                Ok(match answers.get(k % answers.len()) {
                    Some(0) => Ordering::Less,
                    Some(1) => Ordering::Equal,
                    _ => Ordering::Greater,
                })
            });
            let mut got = got.unwrap_or_default();
            got.sort_unstable();
            prop_assert_eq!(got, (0..n).collect::<Vec<_>>());
        }
    }
}
