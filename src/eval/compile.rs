//! The compile (resolve) pass: the syntax tree becomes the tree the walker
//! renders, with the work that can happen once done once.
//!
//! - Variables are **slots**: every name a template mentions gets an index into
//!   the render's variable array, so the walker never hashes a name. `$foreach`,
//!   `$velocityCount` and `$velocityHasNext` have fixed slots.
//! - String literals are **constants**, numbered: a render makes each one's
//!   value once, however often a loop evaluates it.
//! - `#define` bodies are shared (`Arc`), not copied per use; `#macro`s are
//!   collected (stock Velocity registers them when it parses, so a call may come
//!   before the definition).
//! - Spans stay on every node, for errors and for the cases where Velocity
//!   prints the source text.
//! - Each body a render may enter from elsewhere (the template, a `#macro`, a
//!   `#define`, `#evaluate`d text) records its **height**: how deep the walker
//!   nests inside it, in the parser's units (a statement in a block 2, an
//!   expression 1). The walker adds the heights of the bodies it enters, so
//!   the stack a render needs is bounded however macros, `#define`s and
//!   `#evaluate` chain (see [`crate::eval::render::MAX_RENDER_NESTING`]).
//!
//! The pass takes the syntax tree by value: names, texts and bodies move into
//! the program rather than being copied and then dropped with the tree (each
//! copy of a shared name is an atomic count). It compiles the trees the
//! linter reads (parsed with shared names; it compiles a copy, see
//! [`crate::Template::ast`]) and text handed to `#evaluate` at render time,
//! against the render's own [`Namespace`], which extends the template's
//! names. A template parsed to be rendered is not compiled by this pass: the
//! parser builds its program itself, by the same rules ([`super::direct`]),
//! with no syntax tree in between.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use num_bigint::BigInt;

use super::value::Hasher;
use crate::syntax::ast::{self, BinOp, IncludeKind, IntLit, TreeName, UnaryOp};
use crate::syntax::parser::Counts;
use crate::syntax::span::Span;

/// An index into a render's variables.
pub type Slot = u32;

/// `$foreach`, the innermost loop's scope object.
pub const SLOT_FOREACH: Slot = 0;
/// `$velocityCount`.
pub const SLOT_VELOCITY_COUNT: Slot = 1;
/// `$velocityHasNext`.
pub const SLOT_VELOCITY_HAS_NEXT: Slot = 2;

/// `$velocityCount`'s or `$velocityHasNext`'s slot.
fn is_loop_counter(s: Slot) -> bool {
    s == SLOT_VELOCITY_COUNT || s == SLOT_VELOCITY_HAS_NEXT
}

/// The names of the fixed slots, in slot order.
const FIXED: [&str; 3] = ["foreach", "velocityCount", "velocityHasNext"];

/// A compiled template: `Send + Sync`, shared by every render.
#[derive(Debug)]
pub struct Program {
    pub body: Block,
    /// How deep the walker nests inside `body` (see the module's notes).
    pub height: u32,
    pub names: Names,
    /// String literals, by constant number.
    pub strings: Vec<ast::Text>,
    /// `#macro` definitions by name (the first one wins, as in 1.7).
    pub macros: HashMap<Arc<str>, Arc<MacroDef>, Hasher>,
    /// The program can run `#evaluate` (which can name anything at render time).
    pub evaluates: bool,
    /// The program names `$velocityCount` or `$velocityHasNext` (else a
    /// `#foreach` need not set them: nothing can read them).
    pub loop_counters: bool,
}

/// Variable names and their slots.
///
/// The table by name is made when first needed: a template compiled from
/// numbered names ([`ast::NameId`]) gives each distinct name its slot without
/// it, and a gateway render looks its few names up once, by
/// [`Names::find`]; the public API's renders by name and `#evaluate` make it.
#[derive(Debug, Clone, Default)]
pub struct Names {
    list: Vec<Arc<str>>,
    map: OnceLock<HashMap<Arc<str>, Slot, Hasher>>,
}

impl Names {
    /// The fixed slots, with room for `more` names besides.
    fn new(more: usize) -> Names {
        let mut list = Vec::with_capacity(FIXED.len() + more);
        list.extend(FIXED.iter().map(|&f| Arc::from(f)));
        Names {
            list,
            map: OnceLock::new(),
        }
    }

    /// The table by name of `list`.
    fn table(list: &[Arc<str>]) -> HashMap<Arc<str>, Slot, Hasher> {
        let mut map = HashMap::with_capacity_and_hasher(list.len(), Hasher::default());
        for (s, name) in list.iter().enumerate() {
            // A name has one slot.
            map.entry(name.clone()).or_insert(s as Slot);
        }
        map
    }

    /// The table by name, made now if not yet.
    fn map(&self) -> &HashMap<Arc<str>, Slot, Hasher> {
        self.map.get_or_init(|| Names::table(&self.list))
    }

    /// `f` of the table by name (made now if not yet) and the list.
    fn with_map<R>(
        &mut self,
        f: impl FnOnce(&mut HashMap<Arc<str>, Slot, Hasher>, &mut Vec<Arc<str>>) -> R,
    ) -> R {
        let mut map = match self.map.take() {
            Some(m) => m,
            None => Names::table(&self.list),
        };
        let r = f(&mut map, &mut self.list);
        self.map = OnceLock::from(map);
        r
    }

    /// The slot of `name`, made if new.
    pub fn slot(&mut self, name: &str) -> Slot {
        self.with_map(|map, list| match map.get(name) {
            Some(&s) => s,
            None => {
                let s = list.len() as Slot;
                let name: Arc<str> = Arc::from(name);
                list.push(name.clone());
                map.insert(name, s);
                s
            }
        })
    }

    /// [`Names::slot`] for a shared name (kept as it is if new): its text
    /// hashed once.
    fn shared_slot(&mut self, name: &Arc<str>) -> Slot {
        self.with_map(|map, list| {
            let next = list.len() as Slot;
            match map.entry(name.clone()) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => {
                    e.insert(next);
                    list.push(name.clone());
                    next
                }
            }
        })
    }

    /// [`Names::shared_slot`] for a name the caller has not given a slot
    /// yet (a compilation from numbered names asks once per number, and
    /// each number is a distinct name), unless it is a fixed one: no table
    /// by name needed.
    fn new_slot(&mut self, name: &Arc<str>) -> Slot {
        if let Some(i) = FIXED.iter().position(|f| **f == **name) {
            return i as Slot;
        }
        if self.map.get().is_some() {
            return self.shared_slot(name);
        }
        let s = self.list.len() as Slot;
        self.list.push(name.clone());
        s
    }

    /// The slot of `name`, if the template names it.
    pub fn get(&self, name: &str) -> Option<Slot> {
        self.map().get(name).copied()
    }

    /// [`Names::get`] without making the table by name (a search of the
    /// list when it is not made): for a few names looked up once.
    pub fn find(&self, name: &str) -> Option<Slot> {
        match self.map.get() {
            Some(m) => m.get(name).copied(),
            None => self
                .list
                .iter()
                .position(|s| **s == *name)
                .map(|i| i as Slot),
        }
    }

    /// The name of `slot`.
    pub fn name(&self, slot: Slot) -> Option<&str> {
        self.list.get(slot as usize).map(|s| &**s)
    }

    /// The name of `slot`, shared (the empty name for a slot it has not).
    pub(crate) fn shared(&self, slot: Slot) -> Arc<str> {
        match self.list.get(slot as usize) {
            Some(s) => s.clone(),
            None => Arc::from(""),
        }
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// Where a compilation puts names and string constants.
pub trait Namespace {
    fn slot(&mut self, name: &str) -> Slot;
    /// [`Namespace::slot`] for a name of the syntax tree (which shares its
    /// names: the namespace may remember the slot by the string's address).
    fn shared_slot(&mut self, name: &Arc<str>) -> Slot {
        self.slot(name)
    }
    /// [`Namespace::slot`] for the name numbered `id` in the parse's list of
    /// names (`name`: the list's string): the namespace may remember the
    /// slot by the number.
    fn id_slot(&mut self, id: u32, name: &Arc<str>) -> Slot {
        let _ = id;
        self.shared_slot(name)
    }
    fn string(&mut self, s: &str) -> u32;
    /// [`Namespace::string`] for a string of the syntax tree, handed over
    /// (the namespace may keep it as it is).
    fn text_string(&mut self, s: ast::Text) -> u32 {
        self.string(&s)
    }
}

/// The namespace of a template being parsed.
pub(crate) struct TemplateNamespace {
    pub(crate) names: Names,
    /// A name resolved to `$velocityCount`'s or `$velocityHasNext`'s slot.
    pub(crate) loop_counters: bool,
    pub(crate) strings: Vec<ast::Text>,
    /// Slots by the address of a shared name: the parser makes one string per
    /// distinct name, so most names are found without hashing their text.
    by_address: ByAddress,
    /// Slots by the number of a name in the parse's list of names
    /// ([`NO_SLOT`] where not known yet): for trees of [`ast::NameId`]s.
    by_id: Vec<Slot>,
}

/// [`TemplateNamespace::by_id`]: no slot yet.
const NO_SLOT: Slot = Slot::MAX;

/// Slots by the address of a shared name: an open-addressed table (addresses
/// hash well by a multiplication), at most half full. Each string whose
/// address it knows is held (by the names' list, or in `held` when its name
/// had a slot already), so that no address is freed and used again by
/// another name while the compilation runs (the tree it compiles is consumed).
#[derive(Default)]
struct ByAddress {
    table: Vec<(usize, Slot)>,
    len: usize,
    held: Vec<Arc<str>>,
}

impl ByAddress {
    /// A table with room for `n` addresses before it grows.
    fn with_room(n: usize) -> ByAddress {
        if n == 0 {
            return ByAddress::default();
        }
        let size = n.saturating_mul(2).max(256).next_power_of_two();
        ByAddress {
            table: vec![(0, 0); size],
            len: 0,
            held: Vec::new(),
        }
    }

    #[inline]
    fn index(address: usize, mask: usize) -> usize {
        ((address as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & mask
    }

    #[inline]
    fn get(&self, address: usize) -> Option<Slot> {
        let mask = self.table.len().checked_sub(1)?;
        let mut i = Self::index(address, mask);
        for _ in 0..self.table.len() {
            match self.table.get(i) {
                Some(&(a, s)) if a == address => return Some(s),
                Some(&(0, _)) | None => return None,
                Some(_) => i = (i + 1) & mask,
            }
        }
        None
    }

    fn insert(&mut self, address: usize, slot: Slot) {
        if (self.len + 1) * 2 > self.table.len() {
            let size = (self.table.len() * 2).max(256);
            let old = std::mem::replace(&mut self.table, vec![(0, 0); size]);
            self.len = 0;
            for (a, s) in old {
                if a != 0 {
                    self.insert(a, s);
                }
            }
        }
        let mask = self.table.len() - 1;
        let mut i = Self::index(address, mask);
        for _ in 0..self.table.len() {
            match self.table.get_mut(i) {
                Some(e) if e.0 == 0 || e.0 == address => {
                    if e.0 == 0 {
                        self.len += 1;
                    }
                    *e = (address, slot);
                    return;
                }
                _ => i = (i + 1) & mask,
            }
        }
    }
}

impl TemplateNamespace {
    /// A namespace for names numbered by the parse ([`ast::NameId`]), with
    /// room for about `names` names and `strings` constants.
    pub(crate) fn for_ids(names: usize, strings: usize) -> TemplateNamespace {
        TemplateNamespace {
            names: Names::new(names),
            loop_counters: false,
            strings: Vec::with_capacity(strings),
            by_address: ByAddress::default(),
            by_id: Vec::with_capacity(names),
        }
    }

    /// [`Namespace::id_slot`].
    #[inline(always)]
    pub(crate) fn id_slot_of(&mut self, id: u32, name: &Arc<str>) -> Slot {
        self.id_slot(id, name)
    }

    /// [`Namespace::slot`].
    pub(crate) fn slot_of(&mut self, name: &str) -> Slot {
        self.slot(name)
    }

    /// [`Namespace::text_string`].
    #[inline(always)]
    pub(crate) fn text_string_of(&mut self, s: ast::Text) -> u32 {
        self.text_string(s)
    }

    /// [`Namespace::shared_slot`] for an address not seen yet.
    #[inline(never)]
    fn new_address(&mut self, address: usize, name: &Arc<str>) -> Slot {
        let known = self.names.len();
        let s = self.names.shared_slot(name);
        self.loop_counters |= is_loop_counter(s);
        self.by_address.insert(address, s);
        // A new name is held by the list of names already.
        if (s as usize) < known {
            self.by_address.held.push(name.clone());
        }
        s
    }

    /// [`Namespace::id_slot`] for a number not seen yet.
    #[inline(never)]
    fn new_id(&mut self, id: u32, name: &Arc<str>) -> Slot {
        let s = self.names.new_slot(name);
        self.loop_counters |= is_loop_counter(s);
        let i = id as usize;
        if self.by_id.len() <= i {
            self.by_id.resize(i + 1, NO_SLOT);
        }
        if let Some(e) = self.by_id.get_mut(i) {
            *e = s;
        }
        s
    }
}

impl Namespace for TemplateNamespace {
    /// Inlined into the compilation: nearly every name is found by its
    /// number; a name met for the first time is out of line.
    #[inline(always)]
    fn id_slot(&mut self, id: u32, name: &Arc<str>) -> Slot {
        match self.by_id.get(id as usize) {
            Some(&s) if s != NO_SLOT => s,
            _ => self.new_id(id, name),
        }
    }

    fn slot(&mut self, name: &str) -> Slot {
        let s = self.names.slot(name);
        self.loop_counters |= is_loop_counter(s);
        s
    }

    /// Inlined into the compilation: nearly every name is found by its
    /// address; a name met for the first time is out of line.
    #[inline(always)]
    fn shared_slot(&mut self, name: &Arc<str>) -> Slot {
        let address = Arc::as_ptr(name) as *const u8 as usize;
        match self.by_address.get(address) {
            Some(s) => s,
            None => self.new_address(address, name),
        }
    }

    fn string(&mut self, s: &str) -> u32 {
        self.text_string(ast::Text::from(s))
    }

    fn text_string(&mut self, s: ast::Text) -> u32 {
        let id = self.strings.len() as u32;
        self.strings.push(s);
        id
    }
}

pub type Block = Vec<Node>;

/// A statement of the program. `repr(u8)`: the kind is a byte of its own,
/// which the walker reads for every node (kept in a spare value of a
/// reference's field, it would take arithmetic to read). The node is no
/// bigger for it: the reference leaves room.
#[derive(Debug, Clone)]
#[repr(u8)]
pub enum Node {
    Text(Span, ast::Text),
    /// Not boxed (a statement's reference, printed, is the commonest node).
    Ref(Ref),
    Set {
        span: Span,
        target: Box<Ref>,
        value: Expr,
    },
    If {
        span: Span,
        branches: Vec<(Expr, Block)>,
        otherwise: Option<Block>,
        /// The slot of `$x` when the first condition is `$x.hasNext` (the
        /// innermost loop's `$foreach.hasNext` when `$x` holds its scope):
        /// found here, so that the walker reads the slot without going
        /// through the condition's reference.
        has_next: Option<Slot>,
    },
    Foreach {
        span: Span,
        var: Slot,
        iterable: Expr,
        body: Block,
    },
    Break(Span, Option<Box<Expr>>),
    Stop(Span),
    /// A `#macro` definition: prints nothing (registered at compile time).
    Macro(Span),
    MacroCall {
        span: Span,
        name: Arc<str>,
        args: Vec<Expr>,
    },
    Define {
        span: Span,
        slot: Slot,
        body: Arc<Block>,
        /// How deep the walker nests inside `body`.
        height: u32,
    },
    Evaluate {
        span: Span,
        arg: Expr,
    },
    Include {
        span: Span,
        kind: IncludeKind,
    },
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Text(s, _) | Node::Break(s, _) | Node::Stop(s) | Node::Macro(s) => *s,
            Node::Ref(r) => r.span,
            Node::Set { span, .. }
            | Node::If { span, .. }
            | Node::Foreach { span, .. }
            | Node::MacroCall { span, .. }
            | Node::Define { span, .. }
            | Node::Evaluate { span, .. }
            | Node::Include { span, .. } => *span,
        }
    }
}

/// A reference: `$root` and its chain.
#[derive(Debug, Clone)]
pub struct Ref {
    pub span: Span,
    pub root: Slot,
    pub parts: Chain,
    pub silent: bool,
    pub backslashes: u32,
    /// Which of the walker's in-place paths a printed reference of this form
    /// may take (decided once): only a statement's reference ([`Node::Ref`])
    /// is printed so, and the walker reads no other's (this pass makes any
    /// other [`Shape::Other`]; the parser's builder gives every reference
    /// the shape of its parts).
    pub shape: Shape,
    /// How deep the walker nests inside the reference's arguments, for
    /// the heights of the bodies that hold it, when the parser built the
    /// program (`eval::direct`, which counts heights bottom-up; the
    /// compile pass counts them top-down and leaves 0). Fits the room
    /// the other fields leave.
    pub height: u32,
}

impl Ref {
    /// A reference to be filled in: `$foreach` with no parts (nothing to
    /// drop when it is overwritten).
    pub(crate) fn unfilled() -> Ref {
        Ref {
            span: Span::default(),
            root: SLOT_FOREACH,
            parts: Chain::none(),
            silent: false,
            backslashes: 0,
            shape: Shape::Other,
            height: 0,
        }
    }

    /// The root's slot when the reference is `$x.hasNext` (which the walker
    /// reads from the innermost loop's scope when `$x` holds it).
    pub fn has_next_root(&self) -> Option<Slot> {
        match self.parts.as_slice() {
            [Part::Property(_, name)] if &**name == "hasNext" => Some(self.root),
            _ => None,
        }
    }
}

/// The chain of a compiled reference, read as a slice of parts: most have
/// one part, held inline, or none (an empty slice, which allocates nothing).
/// Smaller than a `SmallVec` of one (no capacity word), which keeps a
/// reference, and so every node, smaller; and as quick to read (two forms).
#[derive(Debug, Clone)]
pub enum Chain {
    One(Part),
    Other(Box<[Part]>),
}

impl Chain {
    /// No parts.
    pub fn none() -> Chain {
        Chain::Other(Box::default())
    }

    #[inline]
    pub fn as_slice(&self) -> &[Part] {
        match self {
            Chain::One(p) => std::slice::from_ref(p),
            Chain::Other(ps) => ps,
        }
    }
}

impl std::ops::Deref for Chain {
    type Target = [Part];

    #[inline]
    fn deref(&self) -> &[Part] {
        self.as_slice()
    }
}

/// The forms of printed references the walker renders in place when their
/// values allow it (see `render::write_in_place`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `$name`.
    Var,
    /// `$obj.name(arg)` whose argument is `$m.key` (`$util.escapeJavaScript($m.key)`),
    /// and `$m.get('k')`.
    CallOnReadable,
    /// `$obj.name(arg)` whose argument is `$s` or `$m.get(k)`
    /// (`$util.escapeJavaScript($s)`): a string held by a variable or a map.
    CallOnHeld,
    /// `$map.key` (printed straight from the map's member when it can be).
    Member,
    /// Anything else, any reference with backslashes in front, and any
    /// reference that is not a statement's (never printed in place).
    Other,
}

impl Shape {
    /// The shape of a compiled reference with these parts (what
    /// [`Shape::of_tree`] gives from the syntax tree's).
    pub(crate) fn of(parts: &[Part], backslashes: u32) -> Shape {
        if backslashes != 0 {
            return Shape::Other;
        }
        match parts {
            [] => Shape::Var,
            [Part::Property(..)] => Shape::Member,
            [Part::Method(_, name, args)] => match &**args {
                // `$m.get('k')`, printed from the map.
                [Expr::Str(..)] if &**name == "get" => Shape::CallOnReadable,
                [Expr::Ref(a)] => match a.parts.as_slice() {
                    [Part::Property(..)] => Shape::CallOnReadable,
                    [] => Shape::CallOnHeld,
                    [Part::Method(_, m, _)] if &**m == "get" => Shape::CallOnHeld,
                    _ => Shape::Other,
                },
                _ => Shape::Other,
            },
            _ => Shape::Other,
        }
    }

    /// The shape of the compiled form of a reference of the syntax tree
    /// with these parts (whose names `names` numbers, if they are numbers):
    /// read before the parts are compiled, so that the compiled chain is
    /// made where it goes and not read back.
    #[inline]
    fn of_tree<T: TreeName>(
        parts: &[ast::RefPart<T>],
        backslashes: u32,
        names: &[Arc<str>],
    ) -> Shape {
        if backslashes != 0 {
            return Shape::Other;
        }
        match parts {
            [] => Shape::Var,
            [ast::RefPart::Property(..)] => Shape::Member,
            [ast::RefPart::Method(_, name, args)] => match args.as_slice() {
                // `$m.get('k')`, printed from the map (a plain string
                // literal: an interpolated one is no constant).
                [ast::Expr::Str {
                    interpolated: None, ..
                }] if name.text(names) == "get" => Shape::CallOnReadable,
                [ast::Expr::Ref(a)] => match a.parts.as_slice() {
                    [ast::RefPart::Property(..)] => Shape::CallOnReadable,
                    [] => Shape::CallOnHeld,
                    [ast::RefPart::Method(_, m, _)] if m.text(names) == "get" => Shape::CallOnHeld,
                    _ => Shape::Other,
                },
                _ => Shape::Other,
            },
            _ => Shape::Other,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Part {
    /// `.name`: the name as written (map key, getter name).
    Property(Span, Arc<str>),
    /// `.name(args…)`: the arguments in a boxed slice (smaller than a vector,
    /// which makes every reference smaller).
    Method(Span, Arc<str>, Box<[Expr]>),
    Index(Span, Expr),
}

impl Part {
    pub fn span(&self) -> Span {
        match self {
            Part::Property(s, _) | Part::Method(s, _, _) | Part::Index(s, _) => *s,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Expr {
    Ref(Box<Ref>),
    /// A string literal: its constant number.
    Str(Span, u32),
    /// A double-quoted string with references or directives, rendered each time.
    Interpolated(Span, Block),
    Int(Span, i32),
    Long(Span, i64),
    Big(Span, Box<BigInt>),
    Float(Span, f64),
    Bool(Span, bool),
    List(Span, Vec<Expr>),
    Range(Span, Box<Expr>, Box<Expr>),
    Map(Span, Vec<(Expr, Expr)>),
    Not(Span, Box<Expr>),
    Binary(Span, BinOp, Box<Expr>, Box<Expr>),
    Paren(Span, Box<Expr>),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Ref(r) => r.span,
            Expr::Str(s, _)
            | Expr::Interpolated(s, _)
            | Expr::Int(s, _)
            | Expr::Long(s, _)
            | Expr::Big(s, _)
            | Expr::Float(s, _)
            | Expr::Bool(s, _)
            | Expr::List(s, _)
            | Expr::Range(s, _, _)
            | Expr::Map(s, _)
            | Expr::Not(s, _)
            | Expr::Binary(s, _, _, _)
            | Expr::Paren(s, _) => *s,
        }
    }
}

/// A `#macro`: its parameters' slots (and names, for 1.7's printing of a null
/// argument as written) and its body.
#[derive(Debug)]
pub struct MacroDef {
    pub params: Vec<Slot>,
    pub param_names: Vec<Arc<str>>,
    pub body: Block,
    /// How deep the walker nests inside `body`.
    pub height: u32,
}

/// Compiles a parsed template.
pub fn compile(ast: ast::Block) -> Program {
    compile_observed(ast, &mut |_| {})
}

/// A reference as an observer of the compilation is shown it (see
/// [`compile_observed`]): its root and the first two parts of its chain,
/// whatever form the tree's names have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen<'r> {
    pub root: &'r str,
    pub parts: [Option<SeenPart<'r>>; 2],
}

/// A part of a [`Seen`] reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeenPart<'r> {
    /// `.name`.
    Property(&'r str),
    /// `.name(…)`, with its argument when that is one plain string literal
    /// (`.name('x')`, not interpolated).
    Method(&'r str, Option<&'r str>),
    /// `[…]`.
    Index,
}

impl<'r> Seen<'r> {
    /// The view of `r`, whose names `names` numbers (if they are numbers).
    fn of<T: TreeName>(r: &'r ast::Reference<T>, names: &'r [Arc<str>]) -> Seen<'r> {
        let part = |p: &'r ast::RefPart<T>| match p {
            ast::RefPart::Property(_, n) => SeenPart::Property(n.text(names)),
            ast::RefPart::Method(_, n, args) => {
                let literal = match args.as_slice() {
                    [ast::Expr::Str {
                        value,
                        interpolated: None,
                        ..
                    }] => Some(&**value),
                    _ => None,
                };
                SeenPart::Method(n.text(names), literal)
            }
            ast::RefPart::Index(..) => SeenPart::Index,
        };
        Seen {
            root: r.root.text(names),
            parts: [r.parts.first().map(part), r.parts.get(1).map(part)],
        }
    }
}

/// The observer of a compilation.
pub type Observer<'o> = &'o mut dyn FnMut(&Seen<'_>);

/// Compiles a parsed template, showing `seen` every reference the program can
/// evaluate (those of the body, of interpolated strings and of the `#macro`s
/// that are registered), so that a caller learns what the template uses
/// without a walk of its own.
pub fn compile_observed(ast: ast::Block, seen: Observer<'_>) -> Program {
    compile_observed_sized(ast, &[], Counts::default(), |_| Watch::Every, seen)
}

/// Which references an observer is shown: by its filter's answer for their
/// root name (asked once per name).
pub(crate) type Roots = fn(&str) -> Watch;

/// What an observer's filter answers for a root name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Watch {
    /// No reference of this root is shown.
    No,
    /// Only the first reference of this root that the compilation meets
    /// (the observer learns nothing from the others).
    First,
    /// Every reference of this root.
    Every,
}

/// [`compile_observed`] for a tree of about `counts.names` distinct names
/// and `counts.strings` string literals (the parser's counts): the tables of
/// names, of constants and of what the observer watches are made at their
/// size at once. `seen` is shown the references `roots` asks for (see
/// [`Watch`]). `names`: the parse's list of names, which the tree's names
/// number if they are [`ast::NameId`]s.
pub(crate) fn compile_observed_sized<T: TreeName>(
    ast: ast::Block<T>,
    tree_names: &[Arc<str>],
    counts: Counts,
    roots: Roots,
    seen: Observer<'_>,
) -> Program {
    let names = counts.names;
    let ids = if T::IDS { tree_names.len() } else { 0 };
    let mut ns = TemplateNamespace {
        names: Names::new(names),
        loop_counters: false,
        strings: Vec::with_capacity(counts.strings),
        by_address: ByAddress::with_room(if T::IDS { 0 } else { names }),
        by_id: vec![NO_SLOT; ids],
    };
    let mut macros = HashMap::default();
    let mut c = Compiler {
        ns: &mut ns,
        tree_names,
        seen,
        watcher: Watcher::new(roots, FIXED.len() + names),
        evaluates: false,
        macros: Some(&mut macros),
        depth: 0,
        max: 0,
    };
    let body = c.block(ast);
    let evaluates = c.evaluates;
    let height = c.max;
    Program {
        body,
        height,
        names: ns.names,
        strings: ns.strings,
        macros,
        evaluates,
        loop_counters: ns.loop_counters,
    }
}

/// Compiles text handed to `#evaluate`, against a render's namespace; gives
/// the body and its height. Its `#macro`s are not registered (see
/// [`compile_evaluated`]).
pub fn compile_with(ast: ast::Block, ns: &mut dyn Namespace) -> (Block, u32) {
    compile_text(ast, ns, None)
}

/// [`compile_with`], registering the `#macro`s the text defines in `macros`
/// (as a template's are in its program's), the first of a name winning: 1.7
/// registers them as it parses the text.
pub(crate) fn compile_evaluated(
    ast: ast::Block,
    ns: &mut dyn Namespace,
    macros: &mut HashMap<Arc<str>, Arc<MacroDef>, Hasher>,
) -> (Block, u32) {
    compile_text(ast, ns, Some(macros))
}

fn compile_text(
    ast: ast::Block,
    ns: &mut dyn Namespace,
    macros: Option<&mut HashMap<Arc<str>, Arc<MacroDef>, Hasher>>,
) -> (Block, u32) {
    let mut c = Compiler {
        ns,
        tree_names: &[],
        seen: &mut |_| {},
        watcher: Watcher::new(|_| Watch::No, 0),
        evaluates: false,
        macros,
        depth: 0,
        max: 0,
    };
    let body = c.block(ast);
    (body, c.max)
}

/// One compilation: where names and constants go, and who watches.
struct Compiler<'c, N: Namespace + ?Sized> {
    ns: &'c mut N,
    /// The parse's list of names, which the tree's names number if they
    /// are [`ast::NameId`]s.
    tree_names: &'c [Arc<str>],
    seen: Observer<'c>,
    /// Which references `seen` is shown.
    watcher: Watcher,
    evaluates: bool,
    /// Where `#macro`s are registered (see [`Compiler::register_macro`]). A
    /// call may come before the definition.
    macros: Option<&'c mut HashMap<Arc<str>, Arc<MacroDef>, Hasher>>,
    /// The nesting of what is being compiled, and the deepest so far, in the
    /// parser's units (which bound them).
    depth: u32,
    max: u32,
}

/// Whether the observer watches a slot's name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Watched {
    Unasked,
    /// Every reference (a root watched for its first one only is
    /// [`Watched::No`] once that is shown).
    Yes,
    No,
}

/// Which references an observer is shown: its filter's answer for each
/// root, asked once per slot and kept by slot ([`Watched`]), so that a
/// reference costs the observer a call only when it matters.
pub(crate) struct Watcher {
    roots: Roots,
    watched: Vec<Watched>,
}

impl Watcher {
    /// A watcher asking `roots`, with room for `slots` answers.
    pub(crate) fn new(roots: Roots, slots: usize) -> Watcher {
        Watcher {
            roots,
            watched: Vec::with_capacity(slots),
        }
    }

    /// Whether a reference whose root has slot `root` (named `name()`) is
    /// shown.
    #[inline(always)]
    pub(crate) fn shows<'n>(&mut self, root: Slot, name: impl FnOnce() -> &'n str) -> bool {
        match self.watched.get(root as usize) {
            Some(Watched::No) => false,
            Some(Watched::Yes) => true,
            _ => self.ask(root, name()),
        }
    }

    /// Asks the filter about `name`, the name of slot `root`, the first time.
    #[inline(never)]
    fn ask(&mut self, root: Slot, name: &str) -> bool {
        let watch = (self.roots)(name);
        let i = root as usize;
        if self.watched.len() <= i {
            self.watched.resize(i + 1, Watched::Unasked);
        }
        if let Some(e) = self.watched.get_mut(i) {
            *e = match watch {
                Watch::Every => Watched::Yes,
                Watch::First | Watch::No => Watched::No,
            };
        }
        watch != Watch::No
    }
}

/// What a statement inside a block adds to the nesting (as in the parser).
pub(crate) const STATEMENT_UNITS: u32 = 2;

/// What a `#foreach` adds besides (its loop keeps more on the stack).
pub(crate) const FOREACH_UNITS: u32 = 2;

impl<N: Namespace + ?Sized> Compiler<'_, N> {
    /// The slot of a name of the tree.
    #[inline(always)]
    fn slot_of<T: TreeName>(&mut self, name: &T) -> Slot {
        let names = self.tree_names;
        match (name.resolve(names), name.id()) {
            (Some(s), Some(id)) => self.ns.id_slot(id, s),
            (Some(s), None) => self.ns.shared_slot(s),
            (None, _) => self.ns.slot(""),
        }
    }

    fn block<T: TreeName>(&mut self, b: ast::Block<T>) -> Block {
        self.depth += STATEMENT_UNITS;
        self.max = self.max.max(self.depth);
        let mut block = Vec::with_capacity(b.len());
        for n in b {
            // The commonest nodes here, the others out of line: with all of
            // them inlined, every node was first copied whole to the stack.
            match n {
                ast::Node::Text(span, text) => block.push(Node::Text(span, text)),
                ast::Node::Ref(mut r) => self.printed_reference(&mut r, &mut block),
                n => self.node(n, &mut block),
            }
        }
        self.depth -= STATEMENT_UNITS;
        block
    }

    /// Compiles a body entered from elsewhere (a `#macro`'s or `#define`'s),
    /// and gives its own height; `in_place`: it is also rendered where it is
    /// written (a `#define`).
    fn body<T: TreeName>(&mut self, b: ast::Block<T>, in_place: bool) -> (Block, u32) {
        let (depth, max) = (self.depth, self.max);
        self.depth = 0;
        self.max = 0;
        let block = self.block(b);
        let height = self.max;
        self.depth = depth;
        self.max = if in_place {
            max.max(depth + height)
        } else {
            max
        };
        (block, height)
    }

    /// Registers a `#macro`, as 1.7's parser does: every one it meets, inside
    /// another macro's body or a string too, the first definition of a name
    /// winning. The body is compiled first, so that the macros defined in it
    /// come first, as 1.7's parser ends them first.
    fn register_macro<T: TreeName>(&mut self, name: T, params: Box<[T]>, body: ast::Block<T>) {
        let names = self.tree_names;
        if self.macros.is_none() {
            return;
        }
        let slots = params.iter().map(|p| self.slot_of(p)).collect();
        let (body, height) = self.body(body, false);
        if self
            .macros
            .as_ref()
            .map_or(true, |m| m.contains_key(name.text(names)))
        {
            return;
        }
        let def = MacroDef {
            params: slots,
            param_names: params
                .into_vec()
                .into_iter()
                .map(|p| p.into_shared(names))
                .collect(),
            body,
            height,
        };
        if let Some(m) = self.macros.as_mut() {
            m.insert(name.into_shared(names), Arc::new(def));
        }
    }

    /// Compiles a statement's reference onto the end of `block`, in its
    /// place (see [`Compiler::reference`]).
    #[inline(always)]
    fn printed_reference<T: TreeName>(&mut self, r: &mut ast::Reference<T>, block: &mut Block) {
        block.push(Node::Ref(Ref::unfilled()));
        if let Some(Node::Ref(to)) = block.last_mut() {
            self.reference(r, true, to);
        }
    }

    /// Compiles `n` onto the end of `block`. Each node is made where it
    /// goes: made here and then pushed, it would be copied on the way.
    #[inline(never)]
    fn node<T: TreeName>(&mut self, n: ast::Node<T>, block: &mut Block) {
        match n {
            ast::Node::Text(span, text) => block.push(Node::Text(span, text)),
            // Compiled in its place (see [`Compiler::reference`]).
            ast::Node::Ref(mut r) => self.printed_reference(&mut r, block),
            ast::Node::Set {
                span,
                target,
                value,
            } => {
                let target = self.boxed_reference(target);
                block.push(Node::Set {
                    span,
                    target,
                    value: self.expr(value),
                });
            }
            ast::Node::If {
                span,
                branches,
                otherwise,
            } => {
                let mut compiled = Vec::with_capacity(branches.len());
                for (c, b) in branches {
                    let c = self.expr(c);
                    compiled.push((c, self.block(b)));
                }
                let has_next = match compiled.first() {
                    Some((Expr::Ref(r), _)) => r.has_next_root(),
                    _ => None,
                };
                let otherwise = otherwise.map(|b| self.block(b));
                block.push(Node::If {
                    span,
                    branches: compiled,
                    otherwise,
                    has_next,
                });
            }
            ast::Node::Foreach {
                span,
                var,
                iterable,
                body,
                ..
            } => {
                let var = self.slot_of(&var);
                let iterable = self.expr(*iterable);
                self.depth += FOREACH_UNITS;
                let body = self.block(body);
                self.depth -= FOREACH_UNITS;
                block.push(Node::Foreach {
                    span,
                    var,
                    iterable,
                    body,
                });
            }
            ast::Node::Break(span, scope) => {
                let scope = scope.map(|e| Box::new(self.expr(*e)));
                block.push(Node::Break(span, scope));
            }
            ast::Node::Stop(span) => block.push(Node::Stop(span)),
            ast::Node::Macro {
                span,
                name,
                params,
                body,
            } => {
                self.register_macro(name, params, body);
                block.push(Node::Macro(span));
            }
            ast::Node::MacroCall { span, name, args } => {
                let name = name.into_shared(self.tree_names);
                block.push(Node::MacroCall {
                    span,
                    name,
                    args: self.exprs(args),
                });
            }
            ast::Node::Define { span, name, body } => {
                let slot = self.slot_of(&name);
                let (body, height) = self.body(body, false);
                block.push(Node::Define {
                    span,
                    slot,
                    body: Arc::new(body),
                    height,
                });
            }
            ast::Node::Evaluate { span, arg } => {
                self.evaluates = true;
                block.push(Node::Evaluate {
                    span,
                    arg: self.expr(arg),
                });
            }
            ast::Node::Include { span, kind, args } => {
                // The arguments are compiled for what they define (1.7
                // registers a `#macro` in an interpolated string among them)
                // and dropped: a render refuses the directive, entering
                // none of them (they add no height).
                let max = self.max;
                drop(self.exprs(args));
                self.max = max;
                block.push(Node::Include { span, kind });
            }
        }
    }

    fn exprs<T: TreeName>(&mut self, es: Vec<ast::Expr<T>>) -> Vec<Expr> {
        let mut out = Vec::with_capacity(es.len());
        out.extend(es.into_iter().map(|e| self.expr(e)));
        out
    }

    #[inline]
    fn boxed_reference<T: TreeName>(&mut self, mut r: Box<ast::Reference<T>>) -> Box<Ref> {
        let mut to = Box::new(Ref::unfilled());
        self.reference(&mut r, false, &mut to);
        to
    }

    /// Compiles the reference in the syntax tree's box into `to`, taking its
    /// parts out in place (moving the reference out whole copies it twice).
    /// `printed`: it is a statement's (only those have a [`Shape`] besides
    /// [`Shape::Other`]: the walker reads it of no other). The reference is
    /// written where it goes (`to`, made [`Ref::unfilled`] there): returned
    /// and then copied there, the copy's wide loads would wait on the
    /// narrow stores that made it.
    #[inline]
    fn reference<T: TreeName>(&mut self, r: &mut ast::Reference<T>, printed: bool, to: &mut Ref) {
        let root = self.slot_of(&r.root);
        let names = self.tree_names;
        if self.watcher.shows(root, || r.root.text(names)) {
            (self.seen)(&Seen::of(r, names));
        }
        let shape = if printed {
            Shape::of_tree(&r.parts, r.backslashes, self.tree_names)
        } else {
            Shape::Other
        };
        // `to` is unfilled: it owns nothing, so it is replaced without a
        // drop of its empty chain.
        let unfilled = std::mem::replace(
            to,
            Ref {
                span: r.span,
                root,
                shape,
                // Most references have one part or none: one is popped and made
                // the chain's inline part, without a drain of the old list.
                parts: match r.parts.len() {
                    0 => Chain::none(),
                    1 => match r.parts.pop() {
                        Some(p) => Chain::One(self.part(p)),
                        None => Chain::none(),
                    },
                    _ => Chain::Other(r.parts.drain(..).map(|p| self.part(p)).collect()),
                },
                silent: r.silent,
                backslashes: r.backslashes,
                height: 0,
            },
        );
        std::mem::forget(unfilled);
    }

    #[inline]
    fn part<T: TreeName>(&mut self, p: ast::RefPart<T>) -> Part {
        match p {
            ast::RefPart::Property(span, name) => {
                Part::Property(span, name.into_shared(self.tree_names))
            }
            ast::RefPart::Method(span, name, args) => {
                let name = name.into_shared(self.tree_names);
                // Of the length of its capacity: boxed without a copy.
                Part::Method(span, name, self.exprs(args).into_boxed_slice())
            }
            ast::RefPart::Index(span, e) => Part::Index(span, self.expr(e)),
        }
    }

    fn expr<T: TreeName>(&mut self, e: ast::Expr<T>) -> Expr {
        self.depth += 1;
        self.max = self.max.max(self.depth);
        let x = self.expr_inner(e);
        self.depth -= 1;
        x
    }

    fn expr_inner<T: TreeName>(&mut self, e: ast::Expr<T>) -> Expr {
        let bx = |c: &mut Self, e: Box<ast::Expr<T>>| Box::new(c.expr(*e));
        match e {
            ast::Expr::Ref(r) => Expr::Ref(self.boxed_reference(r)),
            ast::Expr::Str {
                span,
                value,
                interpolated,
            } => match interpolated {
                None => Expr::Str(span, self.ns.text_string(value)),
                Some(b) => {
                    let b = self.block(*b);
                    Expr::Interpolated(span, b)
                }
            },
            ast::Expr::Int(span, IntLit::Int(i)) => Expr::Int(span, i),
            ast::Expr::Int(span, IntLit::Long(i)) => Expr::Long(span, i),
            ast::Expr::Int(span, IntLit::Big(b)) => Expr::Big(span, Box::new(b)),
            ast::Expr::Float(span, f) => Expr::Float(span, f),
            ast::Expr::Bool(span, b) => Expr::Bool(span, b),
            ast::Expr::List(span, items) => Expr::List(span, self.exprs(items)),
            ast::Expr::Range(span, a, b) => {
                let a = bx(self, a);
                Expr::Range(span, a, bx(self, b))
            }
            ast::Expr::Map(span, entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let k = self.expr(k);
                    out.push((k, self.expr(v)));
                }
                Expr::Map(span, out)
            }
            ast::Expr::Unary(span, UnaryOp::Not, inner) => Expr::Not(span, bx(self, inner)),
            ast::Expr::Binary(span, op, l, r) => {
                let l = bx(self, l);
                Expr::Binary(span, op, l, bx(self, r))
            }
            ast::Expr::Paren(span, inner) => Expr::Paren(span, bx(self, inner)),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn programs_are_shareable() {
        assert_send_sync::<Program>();
    }

    #[test]
    fn compiled_nodes_stay_small() {
        // Every node is moved as it is compiled and read as it renders: one
        // bigger variant makes them all bigger.
        assert!(std::mem::size_of::<Part>() <= 48);
        assert!(std::mem::size_of::<Ref>() <= 72);
        assert!(std::mem::size_of::<Node>() <= 80);
        assert!(std::mem::size_of::<Expr>() <= 40);
    }

    #[test]
    fn chains_hold_every_part() {
        for (src, spans) in [
            ("$a", vec![]),
            ("$a.b", vec![(3, 4)]),
            ("$a.b.c($d)[0]", vec![(3, 4), (5, 10), (10, 13)]),
        ] {
            let p = compile(crate::syntax::parse(src).expect("parses"));
            let Some(Node::Ref(r)) = p.body.first() else {
                panic!("{src}")
            };
            let got: Vec<(u32, u32)> = r
                .parts
                .iter()
                .map(|x| (x.span().start, x.span().end))
                .collect();
            assert_eq!(got, spans, "{src}");
        }
    }

    /// Velocity 1.7 registers every `#macro` its parser meets, inside
    /// another macro or a string too, the first of a name winning (source:
    /// oracle: `#macro(outer)#macro(inner)I#end#end[#inner()]` renders
    /// `[I]`, `#set($s = "#macro(m)S#end")#macro(m)T#end[#m()]` renders
    /// `[S]`).
    #[test]
    fn macros_are_registered_as_velocity_parses_them() {
        let ast = crate::syntax::parse(
            "#m()#if($x)#macro(m $a)first#end#end#macro(m)second#end\
             #macro(outer)#macro(inner)#end#end#set($s = \"#macro(str)#end\")\
             #if(false)#parse(\"#macro(inc)#end\")#end",
        )
        .expect("parses");
        let p = compile(ast);
        let mut names: Vec<&str> = p.macros.keys().map(|k| &**k).collect();
        names.sort_unstable();
        assert_eq!(names, ["inc", "inner", "m", "outer", "str"]);
        let m = p.macros.get("m").expect("m is registered");
        assert_eq!(m.param_names, vec![Arc::from("a")]);
        assert!(matches!(&m.body[..], [Node::Text(_, t)] if &**t == "first"));
    }

    #[test]
    fn the_observer_sees_every_reference_that_can_run() {
        let ast = crate::syntax::parse(
            "$a #set($b = \"$c\") #macro(m)$d#end #foreach($i in $e)$f.g($h)#end",
        )
        .expect("parses");
        let mut seen = Vec::new();
        let p = compile_observed(ast, &mut |r| seen.push(r.root.to_string()));
        seen.sort_unstable();
        assert_eq!(seen, ["a", "b", "c", "d", "e", "f", "h"]);
        assert!(!p.evaluates);
        assert!(compile(crate::syntax::parse("#evaluate('x')").expect("parses")).evaluates);
    }

    #[test]
    fn an_observer_is_shown_what_its_filter_asks_for() {
        use crate::syntax::parser::parse_counting;
        let source: Arc<str> = Arc::from("$a.x $b.y #set($c = $a.z) $b.w $d");
        let (tree, counts) = parse_counting(&source, 0).expect("parses");
        let mut seen = Vec::new();
        let roots = |name: &str| match name {
            "a" => Watch::Every,
            "b" => Watch::First,
            _ => Watch::No,
        };
        compile_observed_sized(tree, &[], counts, roots, &mut |r| {
            seen.push(format!("{}.{:?}", r.root, r.parts[0]))
        });
        assert_eq!(
            seen,
            [
                "a.Some(Property(\"x\"))",
                "b.Some(Property(\"y\"))",
                "a.Some(Property(\"z\"))"
            ]
        );
    }

    #[test]
    fn only_statements_have_shapes() {
        // (`#set(` swallows the blank in front of it.)
        let p = compile(crate::syntax::parse("$a.b #set($c = $a.b)").expect("parses"));
        let [Node::Ref(printed), Node::Set {
            value: Expr::Ref(r),
            ..
        }] = &p.body[..]
        else {
            panic!("{:?}", p.body)
        };
        assert_eq!(printed.shape, Shape::Member);
        assert_eq!(r.shape, Shape::Other);
    }

    /// Everything a compiled program holds, as text (macros in name order).
    fn shown(p: &Program) -> String {
        let mut macros: Vec<_> = p.macros.iter().collect();
        macros.sort_by(|a, b| a.0.cmp(b.0));
        let names: Vec<_> = (0..p.names.len() as Slot)
            .map(|s| p.names.name(s))
            .collect();
        format!(
            "{:?}\n{}\n{names:?}\n{:?}\n{macros:?}\n{} {}",
            p.body, p.height, p.strings, p.evaluates, p.loop_counters
        )
    }

    #[test]
    fn names_as_numbers_compile_as_shared_names_do() {
        use crate::syntax::ast::NameId;
        use crate::syntax::parser::{parse_counting, parse_named};
        for src in [
            "$a $b.c $a.d($e, 'x', \"$f.g\")[$h] ${i}.j $!k \\$l",
            "#set($a = {'k': $b.c}) #set($a.b = [1..$n]) $a",
            "#foreach($i in $list)$velocityCount $foreach.hasNext #if($i.x)#break#end#end",
            "#macro(m $p $q)$p.r $q#end #m($s 't') #define($d)$p $u#end $d",
            "#if($x.hasNext)y#elseif(!$z)w#else$v#end #evaluate($e) #stop",
            "$input.params('a') $context.requestId $input.json('$.x') $util.urlEncode($s)",
            "#macro(m)a#end#macro(m)b#end#m()#m",
        ] {
            let source: Arc<str> = Arc::from(src);
            let (tree, counts) = parse_counting(&source, 0).expect("parses");
            let mut seen_shared = Vec::new();
            let shared = compile_observed_sized(tree, &[], counts, |_| Watch::Every, &mut |r| {
                seen_shared.push(format!("{r:?}"))
            });
            let p = parse_named::<NameId>(&source, 0).expect("parses");
            let mut seen_ids = Vec::new();
            let ids =
                compile_observed_sized(p.tree, &p.names, p.counts, |_| Watch::Every, &mut |r| {
                    seen_ids.push(format!("{r:?}"))
                });
            assert_eq!(shown(&ids), shown(&shared), "{src}");
            assert_eq!(seen_ids, seen_shared, "{src}");
        }
    }

    pub(crate) mod prop {
        use super::*;
        use crate::syntax::ast::NameId;
        use crate::syntax::parser::{parse_counting, parse_named};
        use proptest::prelude::*;

        /// Pieces that make templates with every kind of name the tree
        /// holds (roots, properties, methods, loop variables, macros and
        /// their parameters, `#define`s), nested and repeated.
        pub(crate) const PIECES: [&str; 24] = [
            "$a",
            "$b.c",
            "$a.d($b, 'x')",
            "${e}",
            "$!f.g",
            "\\$a",
            "#set($a = $b.c)",
            "#if($a.hasNext)x#end",
            "#if($c)y#elseif($e.f)z#else w#end",
            "#foreach($i in $l)$i.k $foreach.index#end",
            "#foreach($j in [1..3])#if($velocityCount)$j#end#end",
            "#macro(m $p $q)$p.r $q#end",
            "#m($a 'y')",
            "#define($d)$q.s#end",
            "$d",
            " ",
            "\n",
            "\"$h.i\"",
            "#literal()$t#end",
            "#evaluate('$z')",
            "$input.path('$.x')",
            "## c\n",
            "#set($m = {'k': $n})",
            "#if(",
        ];

        /// Every printed reference's shape, as [`Shape::of`] gives it from
        /// the compiled parts (the walker's view), against the shape the
        /// compilation read from the syntax tree.
        fn check_shapes(block: &[Node]) -> Result<(), String> {
            for n in block {
                match n {
                    Node::Ref(r) => {
                        let want = Shape::of(&r.parts, r.backslashes);
                        if r.shape != want {
                            return Err(format!("{:?}: {:?}, not {want:?}", r, r.shape));
                        }
                    }
                    Node::If {
                        branches,
                        otherwise,
                        ..
                    } => {
                        for (_, b) in branches {
                            check_shapes(b)?;
                        }
                        check_shapes(otherwise.as_deref().unwrap_or(&[]))?;
                    }
                    Node::Foreach { body, .. } => check_shapes(body)?,
                    Node::Define { body, .. } => check_shapes(body)?,
                    _ => {}
                }
            }
            Ok(())
        }

        /// References of every shape and near misses: plain, members,
        /// calls with one argument of each kind, `get` and other names.
        const SHAPED: [&str; 18] = [
            "$a",
            "$a.b",
            "$a.get('k')",
            "$a.get(\"k\")",
            "$a.get(\"$k\")",
            "$a.put('k')",
            "$a.f($b)",
            "$a.f($b.c)",
            "$a.f($b.get($k))",
            "$a.f($b.put($k))",
            "$a.f($b.c.d)",
            "$a.f($b, $c)",
            "$a.f(1)",
            "$a.b.c",
            "$a[0]",
            "\\$a.b",
            "$!{a.get('k')}",
            "#foreach($i in $l)$i.get('x')#if($i)$i.f($j)#end#end",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn shapes_read_from_the_tree_are_those_of_the_compiled_parts(
                picks in proptest::collection::vec(0..SHAPED.len(), 1..12)
            ) {
                let src: String = picks
                    .iter()
                    .filter_map(|&i| SHAPED.get(i).copied())
                    .collect::<Vec<_>>()
                    .join(" ");
                let source: Arc<str> = Arc::from(src.as_str());
                let p = parse_named::<NameId>(&source, 0).expect("parses");
                let ids = compile_observed_sized(p.tree, &p.names, p.counts, |_| Watch::Every, &mut |_| {});
                prop_assert_eq!(check_shapes(&ids.body), Ok(()), "{}", src);
                let shared = compile(crate::syntax::parse(&src).expect("parses"));
                prop_assert_eq!(check_shapes(&shared.body), Ok(()), "{}", src);
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]
            #[test]
            fn names_as_numbers_compile_as_shared_names_do(
                picks in proptest::collection::vec(0..PIECES.len(), 0..40)
            ) {
                let src: String = picks.iter().filter_map(|&i| PIECES.get(i).copied()).collect();
                let source: Arc<str> = Arc::from(src.as_str());
                if let Ok((tree, counts)) = parse_counting(&source, 0) {
                    let shared = compile_observed_sized(tree, &[], counts, |_| Watch::Every, &mut |_| {});
                    let p = parse_named::<NameId>(&source, 0).expect("parses both ways");
                    let ids = compile_observed_sized(p.tree, &p.names, p.counts, |_| Watch::Every, &mut |_| {});
                    prop_assert_eq!(shown(&ids), shown(&shared), "{}", src);
                } else {
                    prop_assert!(parse_named::<NameId>(&source, 0).is_err(), "{}", src);
                }
            }
        }
    }

    #[test]
    fn names_are_found_with_or_without_their_table() {
        use crate::syntax::ast::NameId;
        use crate::syntax::parser::parse_named;
        let source: Arc<str> =
            Arc::from("$a $b.a #foreach($i in $foreach)$velocityCount $a#end #define($d)$b#end");
        let p = parse_named::<NameId>(&source, 0).expect("parses");
        let prog =
            compile_observed_sized(p.tree, &p.names, p.counts, |_| Watch::Every, &mut |_| {});
        // The fixed names keep their slots; no name has two.
        assert_eq!(prog.names.find("foreach"), Some(SLOT_FOREACH));
        assert_eq!(prog.names.find("velocityCount"), Some(SLOT_VELOCITY_COUNT));
        assert!(prog.loop_counters);
        let names: Vec<&str> = (0..prog.names.len() as Slot)
            .filter_map(|s| prog.names.name(s))
            .collect();
        assert_eq!(
            names,
            [
                "foreach",
                "velocityCount",
                "velocityHasNext",
                "a",
                "b",
                "i",
                "d"
            ]
        );
        assert_eq!(prog.names.find("nope"), None);
        for (s, name) in names.iter().enumerate() {
            // By a search of the list, then by the table, then again.
            assert_eq!(prog.names.find(name), Some(s as Slot), "{name}");
            assert_eq!(prog.names.get(name), Some(s as Slot), "{name}");
            assert_eq!(prog.names.find(name), Some(s as Slot), "{name}");
        }
        assert_eq!(prog.names.get("nope"), None);
    }

    #[test]
    fn names_become_slots_once() {
        let ast = crate::syntax::parse("#set($a = 'x')$a $b #foreach($i in [1])$i $a#end")
            .expect("parses");
        let p = compile(ast);
        assert_eq!(p.names.get("foreach"), Some(SLOT_FOREACH));
        let a = p.names.get("a").expect("a has a slot");
        assert_eq!(p.names.name(a), Some("a"));
        assert!(p.names.get("b").is_some() && p.names.get("i").is_some());
        assert_eq!(p.names.len(), FIXED.len() + 3);
        assert_eq!(p.strings, vec![ast::Text::from("x")]);
    }
}
