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

use std::cell::OnceCell;
use std::rc::Rc;

use super::value::{Entries, Value};

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

    /// Where the contents are read from while they are not built.
    pub fn source(&self) -> Option<(&dyn Tape, u32)> {
        match (&self.src, self.cell.get()) {
            (Some((tape, node)), None) => Some((&**tape, *node)),
            _ => None,
        }
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
