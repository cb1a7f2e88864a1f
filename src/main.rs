//! The `apigw-vtl` command line: a thin layer over the library.

mod cli;

use std::alloc::{GlobalAlloc, Layout};

use libmimalloc_sys as ffi;
use mimalloc::MiMalloc;

/// A render allocates many small values and frees them together; mimalloc does
/// that markedly faster than the system allocator (see the Performance section).
/// Its v2 line (the `v2` feature): v3 shares state between threads, and two
/// threads rendering a short template got 1.2-1.7x the throughput of one,
/// against 1.8-2.1x with v2, at the same speed on one thread; and a 10 MB
/// pass-through peaked at 48.9 MB, against 34.8 MB with v2.
#[global_allocator]
static GLOBAL: Allocator = Allocator;

/// mimalloc, called without its aligned entry points where the layout needs
/// no more than a word's alignment (every mimalloc block has that).
/// `mimalloc::MiMalloc` goes through `mi_malloc_aligned` for every
/// allocation, and checking the alignment there cost about 30 instructions
/// per allocation of a render.
struct Allocator;

/// The alignment every mimalloc block has.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: every call hands mimalloc a layout it accepts (the aligned entry
// points for alignments past a word), and every block goes back to
// `mi_free`, which frees blocks from any of mimalloc's entry points.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: a plain allocation of `size` bytes, word-aligned.
            unsafe { ffi::mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: as the caller's contract for `alloc`.
            unsafe { MiMalloc.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: as in `alloc`, zeroed.
            unsafe { ffi::mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: as the caller's contract for `alloc_zeroed`.
            unsafe { MiMalloc.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from mimalloc and is freed once (the caller's contract).
        unsafe { ffi::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: `ptr` came from mimalloc with this word-aligned layout;
            // `mi_realloc` keeps the word alignment.
            unsafe { ffi::mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            // SAFETY: as the caller's contract for `realloc`.
            unsafe { MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

/// Returns the memory freed so far to the system now, rather than after
/// mimalloc's delay. `render` calls it once the request is read: the event's
/// text (as large as the body) is freed then, and a one-shot render would
/// otherwise hold it while the output is allocated beside it (its peak was
/// 3.3x to 4.1x the body, depending on where the output fell; 2.9x to 3.1x
/// after the call). Out of line and cold: inlined into `render`, it moved the
/// code of the renders `bench` times (a pass-through 5% slower, with the same
/// instructions).
#[cold]
#[inline(never)]
pub(crate) fn release_freed_memory() {
    // SAFETY: `mi_collect` takes no pointers; forcing it frees only memory
    // that no live allocation uses.
    unsafe { ffi::mi_collect(true) }
}

fn main() {
    std::process::exit(cli::run());
}
