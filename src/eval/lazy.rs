//! Containers read from a document on first use.
//!
//! A request body's objects and arrays are maps and lists like any other, but
//! most of a body is never looked at, or only read a member at a time. So the
//! body reader ([`crate::runtime::json`]) records where each object and array
//! is (a [`Tape`]), and hands out maps and lists whose contents are built the
//! first time anything needs them: [`Lazy`] holds either what was built or
//! where to build it from. Reading a member whose value is not itself an object
//! or array ([`Tape::member`]) builds nothing.
//!
//! A container is built in place, inside the map or list that every holder
//! shares, so Java's shared mutation is kept: a put through one reference is
//! seen through all of them.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use super::value::{Entries, List, Map, Value};

/// Where the contents of a container are read from.
pub trait Tape {
    /// The items of the array `node`; `this` is this tape, for what they hold.
    fn items(&self, this: &Rc<dyn Tape>, node: u32) -> Vec<Value>;
    /// The entries of the object `node`; `this` is this tape.
    fn entries(&self, this: &Rc<dyn Tape>, node: u32) -> Entries;
    /// The value of `key` in the object `node`, when reading it builds no
    /// container.
    fn member(&self, node: u32, key: &str) -> Member;
    /// Writes the value of `key` in the object `node` into `out` as Java
    /// prints it, when that needs no value made: a short string, or a number
    /// whose text is Java's. `false`: nothing written (the caller reads the
    /// member as a value).
    fn write_member(&self, _node: u32, _key: &str, _out: &mut String) -> bool {
        false
    }
    /// At least as many as the items or entries any container of the tape
    /// holds (each takes at least a byte of the text: the text's length).
    fn size_bound(&self) -> usize;
    /// `f` of the value of `key` in the object `node`, when it is a short
    /// string (decoded). `false`: `f` not called (the caller reads the member
    /// as a value).
    fn with_str_member(&self, _node: u32, _key: &str, _f: &mut dyn FnMut(&str)) -> bool {
        false
    }
    /// The value of `key` in the object `node` for an `escapeJavaScript` of
    /// it, when it is a short string: its text, or, written with escapes,
    /// its text undecoded ([`StrMember::JsEscaped`]). `None`: neither (the
    /// caller reads the member as a value). Returned, not handed to a
    /// callback: each `$util.escapeJavaScript($item.name)` of a loop is a
    /// dynamic call fewer.
    fn str_member_to_escape(&self, _node: u32, _key: &str) -> Option<StrMember<'_>> {
        None
    }
    /// Where this tape notes the item it lends to a [`Walk`]; `None`: it
    /// walks no array (`#foreach` builds the list).
    fn lent(&self) -> Option<&Lent> {
        None
    }
    /// The node of the first item of the array `array`; `None`: it is
    /// empty.
    fn first_item(&self, _array: u32) -> Option<u32> {
        None
    }
    /// A step of a [`Walk`] over the array `array` (`this`: this tape): the
    /// item at `*next` into `slot` (through [`Lent::lend`]) and `*next` its
    /// next item's node (`None` past the last). `false`: nothing done, as
    /// the item lent before is not the loop's alone.
    fn walk_next(
        &self,
        _this: &Rc<dyn Tape>,
        _array: u32,
        _next: &mut Option<u32>,
        _slot: &mut Value,
    ) -> bool {
        false
    }
}

/// The container a [`Walk`] lent out, and the node it stands for. Until it
/// is given back, building the array that holds that node puts this
/// container in its place ([`Lent::take_at`]), so that the loop's variable
/// and the built list share it as Java's would. Lending makes a cycle (the
/// container's contents are read from the tape that notes it) that the walk
/// breaks when it ends ([`Walk::finish`]).
#[derive(Default)]
pub struct Lent(RefCell<Option<(u32, Value)>>);

impl Lent {
    /// The container lent for the node `at`, taken back (for the build of
    /// the array that holds it).
    pub fn take_at(&self, at: u32) -> Option<Value> {
        let mut lent = self.0.try_borrow_mut().ok()?;
        match &*lent {
            Some((n, _)) if *n == at => lent.take().map(|(_, v)| v),
            _ => None,
        }
    }

    fn is_free(&self) -> bool {
        self.0.try_borrow().is_ok_and(|l| l.is_none())
    }

    /// The item at the node `at` into `slot`, the loop's variable: when it
    /// is a container (`array`: `Some(true)` for an array, `Some(false)` for
    /// an object), the one lent before read into in place if it can be,
    /// else a new one (`make`) lent; a scalar's value (`make`) otherwise.
    /// `false`: nothing done, as the container lent before is not the
    /// loop's alone.
    #[inline(always)]
    pub fn lend(
        &self,
        at: u32,
        array: Option<bool>,
        slot: &mut Value,
        make: impl FnOnce() -> Value,
    ) -> bool {
        let Ok(mut held) = self.0.try_borrow_mut() else {
            return false;
        };
        if let Some((node, v)) = &mut *held {
            match reuse(v, slot, at, array) {
                Reuse::Done => {
                    *node = at;
                    return true;
                }
                Reuse::Kept => return false,
                // Given back: the slot's value (this container) is replaced
                // below.
                Reuse::Free => *held = None,
            }
        }
        let v = make();
        if array.is_some() {
            *held = Some((at, v.clone()));
        }
        drop(held);
        std::mem::replace(slot, v).discard();
        true
    }
}

/// What [`reuse`] did with a lent container.
enum Reuse {
    /// It is the container of the next item now (and still the loop's
    /// variable).
    Done,
    /// It is held elsewhere too, or built: not the loop's alone.
    Kept,
    /// The loop's alone, but the next item is not a container of its kind,
    /// or the loop's variable was set to something else (the next item must
    /// go there).
    Free,
}

/// The lent container `v`, held by its lender and at most the loop's
/// variable `slot`, made that of the node `at` (a container when `array` is
/// `Some`) if it is one of its kind, not built, and still the variable's.
#[inline(always)]
fn reuse(v: &Value, slot: &Value, at: u32, array: Option<bool>) -> Reuse {
    match v {
        Value::Map(m) => reuse_container(m, slot, at, array),
        Value::List(l) => reuse_container(l, slot, at, array),
        _ => Reuse::Free,
    }
}

/// A map or list that can be lent: whether it is built, and its contents
/// read from another node of the tape while it is not.
trait Lendable: Sized {
    /// Whether it is an array (the kind [`reuse`] compares).
    const ARRAY: bool;
    fn built(&self) -> bool;
    fn retarget(&mut self, at: u32) -> bool;
    /// The container in `slot`, when it holds one of this kind.
    fn in_slot(slot: &Value) -> Option<&Rc<RefCell<Self>>>;
}

impl Lendable for Map {
    const ARRAY: bool = false;
    fn built(&self) -> bool {
        self.entries.if_built().is_some()
    }
    fn retarget(&mut self, at: u32) -> bool {
        self.entries.retarget(at)
    }
    fn in_slot(slot: &Value) -> Option<&Rc<RefCell<Map>>> {
        match slot {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
}

impl Lendable for List {
    const ARRAY: bool = true;
    fn built(&self) -> bool {
        self.items.if_built().is_some()
    }
    fn retarget(&mut self, at: u32) -> bool {
        self.items.retarget(at)
    }
    fn in_slot(slot: &Value) -> Option<&Rc<RefCell<List>>> {
        match slot {
            Value::List(l) => Some(l),
            _ => None,
        }
    }
}

/// Whether `slot` holds the lent container `c`, and whether nothing but
/// its lender and that holds it.
#[inline(always)]
fn holders<T: Lendable>(c: &Rc<RefCell<T>>, slot: &Value) -> (bool, bool) {
    let held = T::in_slot(slot).is_some_and(|s| Rc::ptr_eq(s, c));
    let only = Rc::strong_count(c) == 1 + usize::from(held) && Rc::weak_count(c) == 0;
    (held, only)
}

/// [`reuse`] of a lent map or list.
#[inline(always)]
fn reuse_container<T: Lendable>(
    c: &Rc<RefCell<T>>,
    slot: &Value,
    at: u32,
    array: Option<bool>,
) -> Reuse {
    let (held, only) = holders(c, slot);
    if !only {
        return Reuse::Kept;
    }
    let Ok(mut c) = c.try_borrow_mut() else {
        return Reuse::Kept;
    };
    if c.built() {
        Reuse::Kept
    } else if held && array == Some(T::ARRAY) && c.retarget(at) {
        Reuse::Done
    } else {
        Reuse::Free
    }
}

/// `#foreach` over an array of a tape that is not built: its items handed
/// out one at a time, without the list of them. An item that is an object
/// or array is lent ([`Lent`]); while the loop's variable is all that holds
/// it and it is not built, nothing can tell it from one the array's build
/// would make, so the next item of that kind is read into it in place
/// (no allocation per item). Otherwise (kept elsewhere, or built: maybe
/// changed) [`Walk::next_into`] and [`Walk::finish`] answer `false`, and the
/// caller builds the array, which takes the lent container in its place.
pub struct Walk {
    tape: Rc<dyn Tape>,
    array: u32,
    next: Option<u32>,
}

impl Walk {
    /// A walk over the items of the array `array` of `tape`, when the tape
    /// walks arrays and lends nothing now.
    pub fn start(tape: &Rc<dyn Tape>, array: u32) -> Option<Walk> {
        if !tape.lent()?.is_free() {
            return None;
        }
        Some(Walk {
            tape: Rc::clone(tape),
            array,
            next: tape.first_item(array),
        })
    }

    #[inline]
    pub fn has_next(&self) -> bool {
        self.next.is_some()
    }

    /// The next item into `slot` (the loop's variable; past the last: the
    /// slot emptied). `false`: the lent container is not the loop's alone
    /// any more, and nothing was done (the caller builds the array).
    #[inline]
    pub fn next_into(&mut self, slot: &mut Value) -> bool {
        if self.next.is_none() {
            std::mem::take(slot).discard();
            return true;
        }
        self.tape
            .walk_next(&self.tape, self.array, &mut self.next, slot)
    }

    /// The loop ends, its variable still `slot`: the lent container given
    /// back when it is the loop's alone; `false`: it is not (the caller
    /// builds the array, which takes it).
    pub fn finish(&mut self, slot: &Value) -> bool {
        let Some(lent) = self.tape.lent() else {
            return true;
        };
        let Ok(mut held) = lent.0.try_borrow_mut() else {
            return false;
        };
        match &*held {
            Some((_, v)) if !alone(v, slot) => false,
            _ => {
                let given = held.take();
                drop(held);
                drop(given);
                true
            }
        }
    }

    /// After the caller built the array: anything still lent given back
    /// (the build took the container; this only breaks the cycle should it
    /// not have).
    pub fn release(&mut self) {
        if let Some(lent) = self.tape.lent() {
            let given = lent.0.try_borrow_mut().ok().and_then(|mut l| l.take());
            drop(given);
        }
    }
}

/// Whether the lent container `v` is held by its lender and at most the
/// loop's variable `slot` alone, and not built.
fn alone(v: &Value, slot: &Value) -> bool {
    fn unbuilt_alone<T: Lendable>(c: &Rc<RefCell<T>>, slot: &Value) -> bool {
        holders(c, slot).1 && c.try_borrow().is_ok_and(|c| !c.built())
    }
    match v {
        Value::Map(m) => unbuilt_alone(m, slot),
        Value::List(l) => unbuilt_alone(l, slot),
        _ => true,
    }
}

/// A short string member of a document, for [`Tape::str_member_to_escape`].
#[derive(Clone, Copy)]
pub enum StrMember<'a> {
    /// The string.
    Text(&'a str),
    /// Written with escapes: `write(raw, quote, out)` appends commons-lang's
    /// `escapeJavaScript` of the decoded string to `out`, straight from the
    /// document's text `raw` (the string's content, quoted with `quote`),
    /// and returns the decoded string's length.
    JsEscaped {
        raw: &'a str,
        quote: u8,
        write: fn(&str, u8, &mut String) -> usize,
    },
}

impl StrMember<'_> {
    /// [`StrMember::JsEscaped`]'s escapeJavaScript of the member appended to
    /// `out` (the decoded string's length); [`StrMember::Text`]: `None`.
    #[inline(always)]
    pub fn write_js_escaped(self, out: &mut String) -> Option<usize> {
        match self {
            StrMember::JsEscaped { raw, quote, write } => Some(write(raw, quote, out)),
            StrMember::Text(_) => None,
        }
    }
}

/// What [`Tape::member`] found.
pub enum Member {
    /// The key is not in the object.
    Absent,
    /// Its value: never an object or an array, unless the tape keeps it and
    /// answers the same one every time (so that every reader shares it).
    Found(Value),
    /// The object must be built to answer: the value is an object or an
    /// array (which every reader must share), or the object is large.
    Build,
}

/// A container's contents, or where to read them from.
pub struct Lazy<T> {
    cell: OnceCell<T>,
    src: Option<(Rc<dyn Tape>, u32)>,
}

/// What a [`Lazy`] holds: something a [`Tape`] can build.
pub trait Built: Default {
    fn build(tape: &Rc<dyn Tape>, node: u32) -> Self;
}

impl Built for Entries {
    fn build(tape: &Rc<dyn Tape>, node: u32) -> Self {
        tape.entries(tape, node)
    }
}

impl Built for Vec<Value> {
    fn build(tape: &Rc<dyn Tape>, node: u32) -> Self {
        tape.items(tape, node)
    }
}

impl<T: Built> Lazy<T> {
    /// The contents of `node` in `tape`, built on first use.
    pub fn on_tape(tape: Rc<dyn Tape>, node: u32) -> Lazy<T> {
        Lazy {
            cell: OnceCell::new(),
            src: Some((tape, node)),
        }
    }

    /// The contents, built now if they were not yet.
    #[inline]
    pub fn force(&self) -> &T {
        match self.cell.get() {
            Some(v) => v,
            None => self.build(),
        }
    }

    #[cold]
    #[inline(never)]
    fn build(&self) -> &T {
        self.cell.get_or_init(|| match &self.src {
            Some((tape, node)) => T::build(tape, *node),
            None => T::default(),
        })
    }

    /// The contents, built now if they were not yet, to change.
    #[inline]
    pub fn force_mut(&mut self) -> &mut T {
        self.force();
        match self.cell.get_mut() {
            Some(v) => v,
            None => unreachable!("`force` has just filled the cell"),
        }
    }

    /// The contents when built, without building them.
    #[inline]
    pub fn if_built(&self) -> Option<&T> {
        self.cell.get()
    }

    /// The contents when built, taken out (the container is left empty);
    /// nothing is built.
    pub fn take_built(&mut self) -> Option<T> {
        self.src = None;
        self.cell.take()
    }

    /// While the contents are not built: at least as many as the items or
    /// entries they will hold ([`Tape::size_bound`]).
    #[inline]
    pub fn unbuilt_size_bound(&self) -> Option<usize> {
        self.source().map(|(tape, _)| tape.size_bound())
    }

    /// While the contents are not built: read them from the node `at` of
    /// the same tape instead. `false`: they are built (nothing changed).
    pub fn retarget(&mut self, at: u32) -> bool {
        match (&mut self.src, self.cell.get()) {
            (Some((_, node)), None) => {
                *node = at;
                true
            }
            _ => false,
        }
    }

    /// [`Lazy::source`], the tape as shared.
    pub fn source_rc(&self) -> Option<(&Rc<dyn Tape>, u32)> {
        match (&self.src, self.cell.get()) {
            (Some((tape, node)), None) => Some((tape, *node)),
            _ => None,
        }
    }

    /// Where the contents are read from while they are not built.
    pub fn source(&self) -> Option<(&dyn Tape, u32)> {
        self.source_rc().map(|(tape, node)| (&**tape, node))
    }
}

impl<T> From<T> for Lazy<T> {
    fn from(v: T) -> Lazy<T> {
        Lazy {
            cell: OnceCell::from(v),
            src: None,
        }
    }
}

impl<T: Built> Default for Lazy<T> {
    fn default() -> Lazy<T> {
        Lazy::from(T::default())
    }
}

impl<T: Built + Clone> Clone for Lazy<T> {
    fn clone(&self) -> Lazy<T> {
        Lazy {
            cell: self.cell.clone(),
            src: self.src.clone(),
        }
    }
}

impl<T: Built + std::fmt::Debug> std::fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.force().fmt(f)
    }
}

impl<T: Built> std::ops::Deref for Lazy<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        self.force()
    }
}

impl<T: Built> std::ops::DerefMut for Lazy<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        self.force_mut()
    }
}
