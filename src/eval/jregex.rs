//! Java regular expressions (`java.util.regex`) on top of `fancy-regex`.
//!
//! [`translate`] rewrites Java syntax into fancy-regex syntax where they differ:
//! ASCII-only `\w \d \s` (Java's default), Java's `.` and `$` line terminators,
//! POSIX and `java*` property classes, possessive quantifiers (as atomic groups),
//! `\Q…\E`, `\h \H \v \V \R \z \Z \e \a \cX \0oct \uXXXX`, inline flags
//! (`d`, `u`, `U` dropped). Replacement strings follow `Matcher.appendReplacement`
//! (`$1`, `${name}`, `\$`; a dangling `$` or `\`, or a missing group, throws).
//!
//! Matching is bounded: fancy-regex gives up after a backtrack limit, reported as
//! an error (Java would run for a very long time or overflow its stack).
//!
//! Compiled patterns are cached per thread (a small LRU).

use fancy_regex::{Captures, Regex, RegexBuilder};
use std::cell::RefCell;
use std::rc::Rc;

const CACHE_SIZE: usize = 64;
const BACKTRACK_LIMIT: usize = 1_000_000;
/// Largest string (in bytes) a replacement may build.
pub const MAX_OUTPUT: usize = 16 << 20;

/// Why [`replace`] or [`split`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegexError {
    /// What Java throws (`java.util.regex.PatternSyntaxException: …`).
    Java(String),
    /// The caller's meter said stop.
    Stopped,
}

impl std::fmt::Display for RegexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegexError::Java(s) => f.write_str(s),
            RegexError::Stopped => f.write_str("stopped"),
        }
    }
}

impl From<String> for RegexError {
    fn from(s: String) -> RegexError {
        RegexError::Java(s)
    }
}

/// Told, as an operation goes, the steps its searches took (see
/// [`search_steps`]) and the bytes it built since last told; `false` stops the
/// operation ([`RegexError::Stopped`]).
pub type Meter<'m> = &'m mut dyn FnMut(u64, usize) -> bool;

/// The steps one search is worth: [`SEARCH_STEPS`], one per 64 bytes it went
/// through, and, when it took far longer than scanning takes (more than 20 µs
/// and 10 ns a byte: backtracking in fancy-regex's VM, which reports no count,
/// up to [`BACKTRACK_LIMIT`] per search), one per 25 ns beyond that. Only such
/// slow searches make the count depend on the clock.
pub fn search_steps(scanned: usize, nanos: u128) -> u64 {
    let base = SEARCH_STEPS + (scanned / 64) as u64;
    let free = 20_000 + 10 * scanned as u128;
    base.saturating_add(u64::try_from(nanos.saturating_sub(free) / 25).unwrap_or(u64::MAX))
}

/// What starting one search costs, in steps: about what the walker's steps
/// cost each (a `replaceAll` of a one-byte pattern over a long string searches
/// once per byte).
pub const SEARCH_STEPS: u64 = 5;

/// Runs one search, giving its result and its steps.
pub fn timed<T>(scanned: usize, search: impl FnOnce() -> T) -> (T, u64) {
    let start = std::time::Instant::now();
    let r = search();
    (r, search_steps(scanned, start.elapsed().as_nanos()))
}

/// A compiled Java regex.
#[derive(Debug)]
pub struct Compiled {
    pub re: Regex,
    /// Named groups and their numbers.
    pub names: Vec<(String, usize)>,
}

type CacheEntry = (String, bool, Result<Rc<Compiled>, String>);

thread_local! {
    static CACHE: RefCell<Vec<CacheEntry>> = const { RefCell::new(Vec::new()) };
}

fn syntax_error(desc: &str, index: usize, pattern: &str) -> String {
    format!("java.util.regex.PatternSyntaxException: {desc} near index {index}\n{pattern}")
}

/// Compiles a Java regex (cached). `anchored`: must match the whole input.
pub fn compile(pattern: &str, anchored: bool) -> Result<Rc<Compiled>, String> {
    let hit = CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let pos = c
            .iter()
            .position(|(p, a, _)| p == pattern && *a == anchored)?;
        let e = c.remove(pos);
        let r = e.2.clone();
        c.push(e);
        Some(r)
    });
    if let Some(r) = hit {
        return r;
    }
    let r = translate_with_names(pattern, false).and_then(|(t, names)| {
        let t = if anchored { format!(r"\A(?:{t})\z") } else { t };
        RegexBuilder::new(&t)
            .backtrack_limit(BACKTRACK_LIMIT)
            .delegate_size_limit(10 << 20)
            .build()
            .map(|re| Rc::new(Compiled { re, names }))
            .map_err(|e| syntax_error(&e.to_string(), 0, pattern))
    });
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_SIZE {
            let _ = c.remove(0);
        }
        c.push((pattern.to_string(), anchored, r.clone()));
    });
    r
}

fn match_error(e: fancy_regex::Error) -> String {
    format!("java.lang.StackOverflowError: regex matching gave up ({e})")
}

/// Java's line terminators, for `.` and `$`.
const NOT_LINE_TERM: &str = r"[^\n\r\x{85}\x{2028}\x{2029}]";
/// Java's MULTILINE `^`: at the start, or after a line terminator, never at the end.
const MULTILINE_CARET: &str = r"(?:(?<![^\n\r\x{85}\x{2028}\x{2029}])(?!\z)(?!(?<=\r)\n))";
/// Java's MULTILINE `$`: before a line terminator (not inside `\r\n`), or at the end.
const MULTILINE_DOLLAR: &str = r"(?:(?=[\n\r\x{85}\x{2028}\x{2029}]|\z)(?!(?<=\r)\n))";
const DOLLAR: &str = r"(?=(?:\r\n|[\n\r\x{85}\x{2028}\x{2029}])?\z)";

/// A POSIX / java property class body (for use inside `[...]`), or a Unicode property.
/// The class for `\p{name}` (`\P{name}` when `negated`). Under
/// CASE_INSENSITIVE (`casei`, with or without UNICODE_CASE) Java widens the
/// case classes to all three cases, and `Lower` and `Upper` to both.
fn property_class(name: &str, negated: bool, casei: bool) -> Option<String> {
    /// Java's `isLowerCase || isUpperCase || isTitleCase`, and the three
    /// general categories.
    const ANY_CASE: &str = r"\p{Lowercase}\p{Uppercase}\p{Lt}";
    const CASED_LETTER: &str = r"\p{Lu}\p{Ll}\p{Lt}";
    let body = match name {
        "Lower" | "Upper" if casei => "a-zA-Z",
        "javaLowerCase" | "javaUpperCase" | "javaTitleCase" if casei => ANY_CASE,
        "javaTitleCase" => r"\p{Lt}",
        "Lu" | "Ll" | "Lt" if casei => CASED_LETTER,
        "Lower" => "a-z",
        "Upper" => "A-Z",
        "ASCII" => r"\x00-\x7F",
        "Alpha" => "a-zA-Z",
        "Digit" => "0-9",
        "Alnum" => "a-zA-Z0-9",
        "Punct" => r##"!-/:-@\[-`{-~"##,
        "Graph" => r##"!-~"##,
        "Print" => r##" -~"##,
        "Blank" => r" \t",
        "Cntrl" => r"\x00-\x1F\x7F",
        "XDigit" => "0-9a-fA-F",
        "Space" => r" \t\n\x0B\f\r",
        "javaLowerCase" => r"\p{Lowercase}",
        "javaUpperCase" => r"\p{Uppercase}",
        "javaWhitespace" => r"\t-\r\x1C-\x1F\p{Zs}\p{Zl}\p{Zp}&&[^\xA0\x{2007}\x{202F}]",
        "javaDigit" => r"\p{Nd}",
        "javaLetter" => r"\p{L}",
        "javaLetterOrDigit" => r"\p{L}\p{Nd}",
        "javaAlphabetic" => r"\p{Alphabetic}",
        "javaMirrored" => return None,
        _ => {
            // Java reads a bare name, and one after `gc=`, as a general
            // category only (`\p{Latin}` and `\p{Alphabetic}` are errors
            // there); `Is` also takes binary properties and scripts.
            let category = |n: &str| {
                let mut b = n.bytes();
                let first = b.next().is_some_and(|c| c.is_ascii_uppercase());
                let second = b.next().map_or(true, |c| c.is_ascii_lowercase());
                n == "LC" || (first && second && b.next().is_none())
            };
            let n = if let Some(n) = name.strip_prefix("Is") {
                n
            } else if let Some(n) = name.strip_prefix("script=") {
                n
            } else if let Some(n) = name.strip_prefix("sc=") {
                n
            } else {
                let n = name
                    .strip_prefix("general_category=")
                    .or_else(|| name.strip_prefix("gc="))
                    .unwrap_or(name);
                if !category(n) {
                    return None;
                }
                n
            };
            let n = match n {
                "Lu" | "Ll" | "Lt" if casei => return property_class(n, negated, casei),
                "Uppercase" | "UPPERCASE" | "Lowercase" | "LOWERCASE" | "Titlecase"
                | "TITLECASE"
                    if casei =>
                {
                    return property_class("javaLowerCase", negated, casei)
                }
                "Titlecase" | "TITLECASE" => "Lt",
                "Alphabetic" | "ALPHABETIC" => "Alphabetic",
                "Letter" | "LETTER" => "L",
                "White_Space" | "WHITE_SPACE" | "WhiteSpace" => "White_Space",
                "Uppercase" | "UPPERCASE" => "Uppercase",
                "Lowercase" | "LOWERCASE" => "Lowercase",
                "Digit" | "DIGIT" => "Nd",
                "Punctuation" | "PUNCTUATION" => "P",
                "Control" | "CONTROL" => "Cc",
                other => other,
            };
            if n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let p = format!(r"\{}{{{}}}", if negated { 'P' } else { 'p' }, n);
            return Some(p);
        }
    };
    Some(if negated {
        format!("[^{body}]")
    } else {
        format!("[{body}]")
    })
}

/// Pushes ASCII letter `c` matching both its cases, as Java's ASCII-only
/// `(?i)` folds it: `[cC]`, or both letters inside a class.
fn push_ascii_folded(out: &mut String, c: char, in_class: bool) {
    if !in_class {
        out.push('[');
    }
    out.push(c.to_ascii_lowercase());
    out.push(c.to_ascii_uppercase());
    if !in_class {
        out.push(']');
    }
}

/// Pushes a literal character, escaped for fancy-regex.
fn push_literal(out: &mut String, c: char, in_class: bool) {
    let meta = if in_class {
        matches!(c, '\\' | '[' | ']' | '^' | '-' | '&' | '~')
    } else {
        matches!(
            c,
            '\\' | '.'
                | '+'
                | '*'
                | '?'
                | '('
                | ')'
                | '|'
                | '['
                | ']'
                | '{'
                | '}'
                | '^'
                | '$'
                | '#'
        )
    };
    if c.is_whitespace() || c.is_control() {
        out.push_str(&format!(r"\x{{{:X}}}", c as u32));
    } else if meta {
        out.push('\\');
        out.push(c);
    } else {
        out.push(c);
    }
}

/// How deep character classes may nest (`[a[b[c]]]` is 3 deep): the
/// translation recurses into each, and the regex crate allows little more.
const CLASS_DEPTH_MAX: usize = 64;

struct Translator<'a> {
    chars: Vec<char>,
    pos: usize,
    pattern: &'a str,
    out: String,
    /// Output positions where each open group starts, with the flags outside it.
    groups: Vec<(usize, Flags, bool, Option<usize>)>,
    flags: Flags,
    /// Output position of the last complete atom (for possessive quantifiers).
    last_atom: Option<usize>,
    /// The last atom is zero-width (`^`, `\b`, a lookaround): Java lets it be
    /// quantified, fancy-regex only inside a group.
    last_assertion: bool,
    /// Capturing groups opened so far.
    group_count: usize,
    /// The last escape was a backreference that can never match.
    missing_backref: bool,
    /// Named groups and their numbers (emitted as plain groups: fancy-regex does
    /// not allow numbered backreferences once a group is named).
    names: Vec<(String, usize)>,
    /// The character the last escape stands for, when it is one character
    /// (for ranges and case folding in classes).
    escaped_char: Option<char>,
}

#[derive(Clone, Copy, Default)]
struct Flags {
    dotall: bool,
    multiline: bool,
    comments: bool,
    /// `i`: CASE_INSENSITIVE. Without `u` Java folds ASCII letters only,
    /// which the translation spells out (`[aA]`); with it, Unicode case,
    /// which the regex crate's `(?i)` stands for.
    casei: bool,
    /// `u`: UNICODE_CASE.
    unicode_case: bool,
}

impl Flags {
    /// Java's ASCII-only case folding is on: the translation folds.
    fn ascii_fold(self) -> bool {
        self.casei && !self.unicode_case
    }

    /// The regex crate's `(?i)` is on.
    fn regex_i(self) -> bool {
        self.casei && self.unicode_case
    }

    /// The flags to give fancy-regex (`ix-i` style) to go from `self` to `to`.
    fn change_to(self, to: Flags) -> String {
        let (mut on, mut off) = (String::new(), String::new());
        for (was, is, f) in [
            (self.regex_i(), to.regex_i(), 'i'),
            (self.comments, to.comments, 'x'),
        ] {
            if is && !was {
                on.push(f);
            } else if was && !is {
                off.push(f);
            }
        }
        if !off.is_empty() {
            on.push('-');
            on.push_str(&off);
        }
        on
    }
}

/// The other case of an ASCII letter (anything else unchanged).
fn swap_ascii_case(c: char) -> char {
    if c.is_ascii_lowercase() {
        c.to_ascii_uppercase()
    } else {
        c.to_ascii_lowercase()
    }
}

/// Adds to a class the other case of `c` if it is an ASCII letter and `fold`.
fn fold_single(out: &mut String, c: Option<char>, fold: bool) {
    if let Some(c) = c.filter(|c| fold && c.is_ascii_alphabetic()) {
        out.push(swap_ascii_case(c));
    }
}

/// Adds to a class the ASCII letters whose other case is in `lo..=hi`, as
/// Java's CASE_INSENSITIVE range does.
fn push_range_fold(out: &mut String, lo: char, hi: char) {
    let range = lo..=hi;
    for c in ('A'..='Z').chain('a'..='z') {
        if !range.contains(&c) && range.contains(&swap_ascii_case(c)) {
            out.push(c);
        }
    }
}

impl<'a> Translator<'a> {
    fn err(&self, desc: &str) -> String {
        syntax_error(desc, self.pos, self.pattern)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    /// Reads `{...}` after a `\p` / `\x` etc. Returns the contents.
    fn braced(&mut self) -> Result<String, String> {
        if self.peek() != Some('{') {
            return Err(self.err("Illegal/unsupported escape sequence"));
        }
        let start = self.pos + 1;
        let Some(len) = self
            .chars
            .get(start..)
            .and_then(|r| r.iter().position(|&c| c == '}'))
        else {
            return Err(self.err("Unclosed character family"));
        };
        let s: String = self
            .chars
            .get(start..start + len)
            .unwrap_or(&[])
            .iter()
            .collect();
        self.pos = start + len + 1;
        Ok(s)
    }

    /// Translates an escape after `\` (already consumed). Returns the text to emit.
    fn escape(&mut self, in_class: bool) -> Result<String, String> {
        self.escaped_char = None;
        let Some(c) = self.peek() else {
            return Err(self.err("Unexpected internal error"));
        };
        self.pos += 1;
        let cls = |body: &str, neg: bool| -> String {
            if in_class && !neg {
                body.to_string()
            } else if neg {
                format!("[^{body}]")
            } else {
                format!("[{body}]")
            }
        };
        Ok(match c {
            'd' => cls("0-9", false),
            'D' => cls("0-9", true),
            'w' => cls("a-zA-Z_0-9", false),
            'W' => cls("a-zA-Z_0-9", true),
            's' => cls(r" \t\n\x0B\f\r", false),
            'S' => cls(r" \t\n\x0B\f\r", true),
            'h' => cls(
                r" \t\xA0\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}",
                false,
            ),
            'H' => cls(
                r" \t\xA0\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}",
                true,
            ),
            'v' => cls(r"\n\x0B\f\r\x{85}\x{2028}\x{2029}", false),
            'V' => cls(r"\n\x0B\f\r\x{85}\x{2028}\x{2029}", true),
            'R' if !in_class => r"(?:\r\n|[\n\x0B\f\r\x{85}\x{2028}\x{2029}])".into(),
            'z' if !in_class => r"\z".into(),
            'Z' if !in_class => DOLLAR.into(),
            'A' if !in_class => r"\A".into(),
            'b' if !in_class => r"\b".into(),
            'B' if !in_class => r"\B".into(),
            'G' if !in_class => return Err(self.err("\\G is not supported")),
            't' => self.escaped('\t', in_class),
            'n' => self.escaped('\n', in_class),
            'r' => self.escaped('\r', in_class),
            'f' => self.escaped('\x0C', in_class),
            'a' => self.escaped('\x07', in_class),
            'e' => self.escaped('\x1B', in_class),
            'c' => {
                let Some(x) = self.peek() else {
                    return Err(self.err("Illegal control escape sequence"));
                };
                self.pos += 1;
                let v = char::from_u32((x as u32) ^ 64)
                    .ok_or_else(|| self.err("Illegal control escape sequence"))?;
                self.escaped(v, in_class)
            }
            '0' => {
                let mut v: u32 = 0;
                let mut n = 0;
                while n < 3 {
                    match self.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) if v * 8 + d <= 0o377 => {
                            v = v * 8 + d;
                            self.pos += 1;
                            n += 1;
                        }
                        _ => break,
                    }
                }
                if n == 0 {
                    return Err(self.err("Illegal octal escape sequence"));
                }
                self.escaped(char::from_u32(v).unwrap_or('\0'), in_class)
            }
            'x' => {
                if self.peek() == Some('{') {
                    let h = self.braced()?;
                    let v = u32::from_str_radix(&h, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| self.err("Illegal hexadecimal escape sequence"))?;
                    self.escaped(v, in_class)
                } else {
                    let h: String = self
                        .chars
                        .get(self.pos..self.pos + 2)
                        .unwrap_or(&[])
                        .iter()
                        .collect();
                    let v = (h.len() == 2)
                        .then(|| u32::from_str_radix(&h, 16).ok())
                        .flatten()
                        .and_then(char::from_u32)
                        .ok_or_else(|| self.err("Illegal hexadecimal escape sequence"))?;
                    self.pos += 2;
                    self.escaped(v, in_class)
                }
            }
            'u' => {
                let h: String = self
                    .chars
                    .get(self.pos..self.pos + 4)
                    .unwrap_or(&[])
                    .iter()
                    .collect();
                let v = (h.len() == 4)
                    .then(|| u32::from_str_radix(&h, 16).ok())
                    .flatten()
                    .ok_or_else(|| self.err("Illegal Unicode escape sequence"))?;
                self.pos += 4;
                if (0xD800..0xE000).contains(&v) {
                    // A surrogate half never matches text held as UTF-8. The
                    // empty class is case-sensitive: under `(?i)` the regex
                    // crate would fold all of Unicode to build it (milliseconds
                    // for each one).
                    return Ok(if in_class {
                        String::new()
                    } else {
                        "(?-i:[^\\x{0}-\\x{10FFFF}])".into()
                    });
                }
                self.escaped(char::from_u32(v).unwrap_or('\0'), in_class)
            }
            'p' | 'P' => {
                let name = if self.peek() == Some('{') {
                    self.braced()?
                } else {
                    let Some(n) = self.peek() else {
                        return Err(self.err("Illegal/unsupported escape sequence"));
                    };
                    self.pos += 1;
                    n.to_string()
                };
                let p = property_class(&name, c == 'P', self.flags.casei).ok_or_else(|| {
                    self.err(&format!("Unknown character property name {{{name}}}"))
                })?;
                if in_class && p.starts_with('[') && c == 'p' {
                    p.trim_start_matches('[').trim_end_matches(']').to_string()
                } else {
                    p
                }
            }
            'k' if !in_class => {
                self.last_assertion = false;
                let Some('<') = self.peek() else {
                    return Err(self.err("\\k is not followed by '<' for named capturing group"));
                };
                let start = self.pos + 1;
                let len = self
                    .chars
                    .get(start..)
                    .and_then(|r| r.iter().position(|&c| c == '>'))
                    .ok_or_else(|| self.err("named capturing group is missing trailing '>'"))?;
                let name: String = self
                    .chars
                    .get(start..start + len)
                    .unwrap_or(&[])
                    .iter()
                    .collect();
                self.pos = start + len + 1;
                match self.names.iter().find(|(n, _)| *n == name) {
                    Some((_, i)) => self.backref(*i),
                    None => {
                        return Err(
                            self.err(&format!("named capturing group <{name}> does not exist"))
                        )
                    }
                }
            }
            '1'..='9' if !in_class => {
                // Java reads more digits while the number stays a group opened so far;
                // a reference to a group not (yet) opened never matches.
                let mut n = c.to_digit(10).unwrap_or(1) as usize;
                while let Some(d) = self.peek().and_then(|d| d.to_digit(10)) {
                    let m = n * 10 + d as usize;
                    if m > self.group_count {
                        break;
                    }
                    n = m;
                    self.pos += 1;
                }
                if n > self.group_count || self.groups.iter().any(|g| g.3 == Some(n)) {
                    self.missing_backref = true;
                    "(?!)".into()
                } else {
                    self.backref(n)
                }
            }
            'Q' => {
                let mut s = String::new();
                let fold = self.flags.ascii_fold();
                while let Some(x) = self.peek() {
                    if x == '\\' && self.peek_at(1) == Some('E') {
                        self.pos += 2;
                        return Ok(s);
                    }
                    if fold && x.is_ascii_alphabetic() {
                        push_ascii_folded(&mut s, x, in_class);
                    } else {
                        push_literal(&mut s, x, in_class);
                    }
                    self.pos += 1;
                }
                s
            }
            'E' => String::new(),
            c if c.is_ascii_alphanumeric() => {
                return Err(self.err("Illegal/unsupported escape sequence"));
            }
            c => self.escaped(c, in_class),
        })
    }

    /// A backreference to group `n`. Under Java's ASCII-only folding it is
    /// made case-insensitive (fancy-regex then folds Unicode case: a
    /// difference for non-ASCII letters only).
    fn backref(&self, n: usize) -> String {
        if self.flags.ascii_fold() {
            format!(r"(?i:\{n})")
        } else {
            format!(r"\{n}")
        }
    }

    /// The text for the one character `v` an escape stands for. Outside a
    /// class an ASCII letter is folded here when Java would; inside, the
    /// class folds it (it may be a range's end).
    fn escaped(&mut self, v: char, in_class: bool) -> String {
        self.escaped_char = Some(v);
        if !in_class && self.flags.ascii_fold() && v.is_ascii_alphabetic() {
            let mut s = String::with_capacity(4);
            push_ascii_folded(&mut s, v, false);
            return s;
        }
        if v.is_ascii_alphanumeric() {
            v.to_string()
        } else {
            format!(r"\x{{{:X}}}", v as u32)
        }
    }

    /// Translates a character class starting after `[`, nested `depth`
    /// classes deep (at most [`CLASS_DEPTH_MAX`]).
    fn class(&mut self, depth: usize) -> Result<String, String> {
        if depth >= CLASS_DEPTH_MAX {
            return Err(self.err(&format!(
                "Character classes nested deeper than {CLASS_DEPTH_MAX} levels"
            )));
        }
        let mut out = String::from("[");
        if self.peek() == Some('^') {
            out.push('^');
            self.pos += 1;
        }
        // Java's ASCII-only CASE_INSENSITIVE folds each single character
        // and range of the class (before any negation): the last single
        // character waits in `single` in case a range starts from it.
        let fold = self.flags.ascii_fold();
        let mut single: Option<char> = None;
        let mut range_from: Option<char> = None;
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("Unclosed character class"));
            };
            let mut one = None;
            match c {
                ']' if !first => {
                    self.pos += 1;
                    fold_single(&mut out, single.take(), fold);
                    out.push(']');
                    return Ok(out);
                }
                '[' => {
                    self.pos += 1;
                    fold_single(&mut out, single.take(), fold);
                    range_from = None;
                    let inner = self.class(depth + 1)?;
                    out.push_str(&inner);
                }
                '\\' => {
                    self.pos += 1;
                    let e = self.escape(true)?;
                    match self.escaped_char {
                        Some(v) => one = Some((v, e)),
                        None => {
                            fold_single(&mut out, single.take(), fold);
                            range_from = None;
                            out.push_str(&e);
                        }
                    }
                }
                '&' if self.peek_at(1) == Some('&') => {
                    self.pos += 2;
                    fold_single(&mut out, single.take(), fold);
                    range_from = None;
                    out.push_str("&&");
                }
                '-' => {
                    self.pos += 1;
                    let range = !first
                        && self.peek().is_some_and(|n| n != ']')
                        && !out.ends_with('[')
                        && !out.ends_with("[^");
                    if range {
                        range_from = single.take();
                        out.push('-');
                    } else {
                        fold_single(&mut out, single.take(), fold);
                        out.push_str(r"\-");
                    }
                }
                c => {
                    self.pos += 1;
                    let mut t = String::new();
                    push_literal(&mut t, c, true);
                    one = Some((c, t));
                }
            }
            if let Some((v, text)) = one {
                if let Some(lo) = range_from.take() {
                    out.push_str(&text);
                    if fold && lo <= v {
                        push_range_fold(&mut out, lo, v);
                    }
                } else {
                    fold_single(&mut out, single.take(), fold);
                    out.push_str(&text);
                    single = Some(v);
                }
            }
            first = false;
        }
    }

    fn quantifier_follows(&self) -> bool {
        matches!(self.peek(), Some('*' | '+' | '?' | '{'))
    }

    fn run(&mut self) -> Result<String, String> {
        while let Some(c) = self.peek() {
            let atom_start = self.out.len();
            if !matches!(c, '*' | '+' | '?' | '{') {
                self.last_assertion = false;
            }
            match c {
                '\\' => {
                    self.pos += 1;
                    let zero_width = matches!(self.peek(), Some('b' | 'B' | 'z' | 'Z' | 'A'));
                    self.missing_backref = false;
                    let e = self.escape(false)?;
                    let zero_width = zero_width || self.missing_backref;
                    self.out.push_str(&e);
                    self.last_atom = Some(atom_start);
                    self.last_assertion = zero_width;
                }
                '[' => {
                    self.pos += 1;
                    let cls = self.class(0)?;
                    self.out.push_str(&cls);
                    self.last_atom = Some(atom_start);
                }
                '.' => {
                    self.pos += 1;
                    if self.flags.dotall {
                        self.out.push_str("(?s:.)");
                    } else {
                        self.out.push_str(NOT_LINE_TERM);
                    }
                    self.last_atom = Some(atom_start);
                }
                '$' => {
                    self.pos += 1;
                    if self.flags.multiline {
                        self.out.push_str(MULTILINE_DOLLAR);
                    } else {
                        self.out.push_str(DOLLAR);
                    }
                    self.last_atom = Some(atom_start);
                    self.last_assertion = true;
                }
                '(' => {
                    self.pos += 1;
                    self.open_group()?;
                }
                ')' => {
                    self.pos += 1;
                    let Some((start, outer, lookaround, _)) = self.groups.pop() else {
                        return Err(self.err("Unmatched closing ')'"));
                    };
                    self.out.push(')');
                    self.flags = outer;
                    self.last_atom = Some(start);
                    self.last_assertion = lookaround;
                }
                '*' | '+' | '?' | '{' => {
                    let Some(atom) = self.last_atom else {
                        if c == '{' {
                            // Java quantifies an empty atom here: it matches the empty string.
                            let q_start = self.out.len();
                            self.quantifier(c)?;
                            self.out.truncate(q_start);
                            if matches!(self.peek(), Some('+' | '?')) {
                                self.pos += 1;
                            }
                            continue;
                        }
                        return Err(self.err(&format!("Dangling meta character '{c}'")));
                    };
                    if self.last_assertion {
                        // A quantified zero-width atom: optional if the minimum is 0,
                        // else the atom itself (fancy-regex refuses to repeat it).
                        let q_start = self.out.len();
                        self.quantifier(c)?;
                        let q: String = self.out.get(q_start..).unwrap_or("").to_string();
                        self.out.truncate(q_start);
                        let min_zero = q == "*" || q == "?" || q.starts_with("{0");
                        if min_zero {
                            self.out.truncate(atom);
                            self.out.push_str("(?:)");
                        }
                        if matches!(self.peek(), Some('+' | '?')) {
                            self.pos += 1;
                        }
                        self.last_assertion = false;
                        self.last_atom = None;
                        if self.quantifier_follows() {
                            return Err(self.err("Dangling meta character"));
                        }
                        continue;
                    }
                    self.quantifier(c)?;
                    if self.peek() == Some('+') {
                        // possessive: an atomic group around atom + quantifier
                        self.pos += 1;
                        self.out.insert_str(atom, "(?>");
                        self.out.push(')');
                    } else if self.peek() == Some('?') {
                        self.pos += 1;
                        self.out.push('?');
                    }
                    self.last_atom = if self.quantifier_follows() {
                        return Err(self.err("Dangling meta character"));
                    } else {
                        None
                    };
                }
                '|' => {
                    self.pos += 1;
                    self.out.push('|');
                    self.last_atom = None;
                }
                '^' => {
                    self.pos += 1;
                    self.out.push_str(if self.flags.multiline {
                        MULTILINE_CARET
                    } else {
                        "^"
                    });
                    self.last_atom = Some(atom_start);
                    self.last_assertion = true;
                }
                '#' if self.flags.comments => {
                    while let Some(x) = self.peek() {
                        self.pos += 1;
                        if x == '\n' {
                            break;
                        }
                    }
                }
                c if self.flags.comments && c.is_whitespace() => {
                    self.pos += 1;
                }
                c => {
                    self.pos += 1;
                    if self.flags.ascii_fold() && c.is_ascii_alphabetic() {
                        push_ascii_folded(&mut self.out, c, false);
                    } else {
                        push_literal(&mut self.out, c, false);
                    }
                    self.last_atom = Some(atom_start);
                }
            }
        }
        if !self.groups.is_empty() {
            return Err(self.err("Unclosed group"));
        }
        Ok(std::mem::take(&mut self.out))
    }

    fn quantifier(&mut self, c: char) -> Result<(), String> {
        self.pos += 1;
        if c != '{' {
            self.out.push(c);
            return Ok(());
        }
        let start = self.pos;
        let mut body = String::new();
        while let Some(x) = self.peek() {
            self.pos += 1;
            if x == '}' {
                let ok = {
                    let mut parts = body.splitn(2, ',');
                    let a = parts.next().unwrap_or("");
                    let b = parts.next();
                    !a.is_empty()
                        && a.chars().all(|d| d.is_ascii_digit())
                        && b.map_or(true, |b| b.chars().all(|d| d.is_ascii_digit()))
                };
                if !ok {
                    break;
                }
                let nums: Vec<u64> = body
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(|p| p.parse::<u64>().unwrap_or(u64::MAX))
                    .collect();
                if nums.iter().any(|&n| n > 1000) {
                    return Err(self.err("Illegal repetition range (too large for this engine)"));
                }
                if let [a, b] = nums.as_slice() {
                    if a > b {
                        return Err(self.err("Illegal repetition range"));
                    }
                }
                self.out.push('{');
                self.out.push_str(&body);
                self.out.push('}');
                return Ok(());
            }
            body.push(x);
        }
        self.pos = start;
        Err(self.err("Illegal repetition"))
    }

    fn open_group(&mut self) -> Result<(), String> {
        let start = self.out.len();
        let outer = self.flags;
        if self.peek() != Some('?') {
            self.group_count += 1;
            self.groups
                .push((start, outer, false, Some(self.group_count)));
            self.out.push('(');
            self.last_atom = None;
            return Ok(());
        }
        self.pos += 1;
        match self.peek() {
            Some(':') | Some('=') | Some('!') | Some('>') => {
                let k = self.peek().unwrap_or(':');
                self.pos += 1;
                self.out.push_str("(?");
                self.out.push(k);
                self.groups
                    .push((start, outer, matches!(k, '=' | '!'), None));
                self.last_atom = None;
                Ok(())
            }
            Some('<') => {
                self.pos += 1;
                match self.peek() {
                    Some('=') | Some('!') => {
                        let k = self.peek().unwrap_or('=');
                        self.pos += 1;
                        self.out.push_str("(?<");
                        self.out.push(k);
                        self.groups.push((start, outer, true, None));
                        self.last_atom = None;
                        Ok(())
                    }
                    _ => {
                        let st = self.pos;
                        let len = self
                            .chars
                            .get(st..)
                            .and_then(|r| r.iter().position(|&c| c == '>'))
                            .ok_or_else(|| {
                                self.err("named capturing group is missing trailing '>'")
                            })?;
                        let name: String =
                            self.chars.get(st..st + len).unwrap_or(&[]).iter().collect();
                        let valid = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                            && name.chars().all(|c| c.is_ascii_alphanumeric());
                        if !valid {
                            return Err(
                                self.err("capturing group name does not start with a Latin letter")
                            );
                        }
                        self.pos = st + len + 1;
                        if self.names.iter().any(|(n, _)| *n == name) {
                            return Err(self.err(&format!(
                                "Named capturing group <{name}> is already defined"
                            )));
                        }
                        self.group_count += 1;
                        self.names.push((name, self.group_count));
                        self.out.push('(');
                        self.groups
                            .push((start, outer, false, Some(self.group_count)));
                        self.last_atom = None;
                        Ok(())
                    }
                }
            }
            _ => {
                // inline flags: (?idmsux-idmsux) or (?idmsux-idmsux:X)
                let mut on = true;
                let mut flags = self.flags;
                loop {
                    let Some(f) = self.peek() else {
                        return Err(self.err("Unknown inline modifier"));
                    };
                    self.pos += 1;
                    match f {
                        '-' => on = false,
                        'i' => flags.casei = on,
                        // UNICODE_CHARACTER_CLASS implies UNICODE_CASE.
                        'u' | 'U' => flags.unicode_case = on,
                        'm' => flags.multiline = on,
                        's' => flags.dotall = on,
                        'x' => flags.comments = on,
                        'd' | 'c' => {}
                        ')' => {
                            // applies to the rest of the enclosing group
                            let k = self.flags.change_to(flags);
                            self.flags = flags;
                            if !k.is_empty() {
                                self.out.push_str(&format!("(?{k})"));
                            }
                            self.last_atom = None;
                            return Ok(());
                        }
                        ':' => {
                            self.groups.push((start, outer, false, None));
                            let k = self.flags.change_to(flags);
                            self.flags = flags;
                            self.out.push_str(&format!("(?{k}:"));
                            self.last_atom = None;
                            return Ok(());
                        }
                        _ => return Err(self.err("Unknown inline modifier")),
                    }
                }
            }
        }
    }
}

/// Rewrites a Java regex into fancy-regex syntax.
pub fn translate(pattern: &str) -> Result<String, String> {
    translate_with_names(pattern, false).map(|(t, _)| t)
}

/// [`translate`] as `Pattern.compile(pattern, CASE_INSENSITIVE)` reads it
/// when `case_insensitive`.
pub fn translate_flags(pattern: &str, case_insensitive: bool) -> Result<String, String> {
    translate_with_names(pattern, case_insensitive).map(|(t, _)| t)
}

fn translate_with_names(
    pattern: &str,
    case_insensitive: bool,
) -> Result<(String, Vec<(String, usize)>), String> {
    let mut t = Translator {
        chars: pattern.chars().collect(),
        pos: 0,
        pattern,
        out: String::with_capacity(pattern.len() + 8),
        groups: Vec::new(),
        flags: Flags {
            casei: case_insensitive,
            ..Flags::default()
        },
        last_atom: None,
        last_assertion: false,
        group_count: 0,
        missing_backref: false,
        names: Vec::new(),
        escaped_char: None,
    };
    let out = t.run()?;
    Ok((out, t.names))
}

/// The steps building a regex from `pattern` is charged before it starts:
/// what it may take, from what makes building slow. Each lookaround the
/// translation makes (Java's `$` and `\Z`, `^` in MULTILINE mode) is built
/// as a regex of its own, up to about 350 µs; escapes (`\p{…}` classes),
/// `.` and possessive `+` up to about 200 µs and 100 µs; a class 30 µs. A
/// step is about 35 ns of the walker's time.
/// A case-insensitive pattern is charged besides for its case folding, as
/// [`fold_cost`] predicts from the translation.
pub fn compile_cost(pattern: &str) -> u64 {
    let fold = translate(pattern).map_or(0, |t| fold_cost(&t));
    build_cost(pattern, fold)
}

/// [`compile_cost`] of a Java `pattern` whose translation's [`fold_cost`] is
/// known.
pub fn build_cost(pattern: &str, fold: u64) -> u64 {
    let per_char: u64 = pattern
        .bytes()
        .map(|b| match b {
            b'$' | b'^' => 10_000,
            b'\\' => 6_000,
            b'.' | b'+' => 3_000,
            b'[' => 1_000,
            _ => 0,
        })
        .sum();
    per_char
        .saturating_add((pattern.len() / 16) as u64)
        .saturating_add(fold)
}

/// All of Unicode, in code points: what folding a class that holds the
/// complement of another walks through.
const ALL_CODE_POINTS: u64 = 0x11_0000;

/// The steps the regex crate's case folding of a translated pattern may take
/// (0 for a case-sensitive one). Under `(?i)` each bracketed class is folded
/// code point by code point over every range it holds once its items are
/// joined: a class holding the complement of another (`[x[^a]]`, `[\W]`, a
/// `&&`) walks all of Unicode, about 7 ms each, where `[^a]` alone or
/// `[a-z]` take microseconds. Predicted from the syntax tree, without
/// folding: a code point walked is about 6 ns, a step 35 ns.
///
/// A translation regex-syntax cannot parse (one with lookarounds, which
/// fancy-regex adds for Java's `$`) is counted part by part: the parts
/// fancy-regex hands to the regex crate.
pub fn fold_cost(translated: &str) -> u64 {
    if !translated.contains("(?") {
        return 0;
    }
    match regex_syntax::ast::parse::Parser::new().parse(translated) {
        Ok(tree) => fold_cost_of(&tree, false),
        Err(_) => fancy_regex::Expr::parse_tree(translated)
            .map_or(0, |tree| delegates_fold_cost(&tree.expr)),
    }
}

/// [`fold_cost_of`] summed over the parts of a fancy-regex tree that the
/// regex crate builds (a part that does not parse counts nothing).
fn delegates_fold_cost(e: &fancy_regex::Expr) -> u64 {
    sum_delegates(e, &mut |inner, casei| {
        Ok::<u64, ()>(
            regex_syntax::ast::parse::Parser::new()
                .parse(inner)
                .map_or(0, |tree| fold_cost_of(&tree, casei)),
        )
    })
    .unwrap_or(0)
}

/// `f` of each part of a fancy-regex tree that fancy-regex hands to the regex
/// crate (its pattern, and whether it ignores case), summed; the first error
/// ends the walk. (fancy-regex bounds the tree's nesting.)
pub fn sum_delegates<E>(
    e: &fancy_regex::Expr,
    f: &mut impl FnMut(&str, bool) -> Result<u64, E>,
) -> Result<u64, E> {
    use fancy_regex::Expr;
    match e {
        Expr::Delegate { inner, casei, .. } => f(inner, *casei),
        Expr::Concat(v) | Expr::Alt(v) => v.iter().try_fold(0u64, |total, x| {
            sum_delegates(x, f).map(|c| total.saturating_add(c))
        }),
        Expr::Group(x) | Expr::LookAround(x, _) | Expr::AtomicGroup(x) => sum_delegates(x, f),
        Expr::Repeat { child, .. } => sum_delegates(child, f),
        Expr::Conditional {
            condition,
            true_branch,
            false_branch,
        } => [condition, true_branch, false_branch]
            .into_iter()
            .try_fold(0u64, |total, x| {
                sum_delegates(x, f).map(|c| total.saturating_add(c))
            }),
        _ => Ok(0),
    }
}

/// [`fold_cost`] of a parsed pattern, case-insensitive from the start when
/// `insensitive` (else only where a flag says so).
pub fn fold_cost_of(tree: &regex_syntax::ast::Ast, insensitive: bool) -> u64 {
    use regex_syntax::ast;
    /// Code points of the bracketed classes open around the visit, each with
    /// whether it holds a complement (then it walks all of Unicode).
    #[derive(Default)]
    struct Folds {
        insensitive: bool,
        open: Vec<(u64, bool)>,
        walked: u64,
    }
    impl Folds {
        fn add(&mut self, n: u64, complement: bool) {
            if let Some(top) = self.open.last_mut() {
                top.0 = top.0.saturating_add(n);
                top.1 |= complement;
            } else {
                // Outside brackets a class is folded alone, before any
                // negation: only what it holds is walked.
                self.walked = self.walked.saturating_add(n);
            }
        }
        fn close(&mut self, negated: bool) {
            let (n, complement) = self.open.pop().unwrap_or_default();
            let walked = if complement {
                ALL_CODE_POINTS
            } else {
                n.min(ALL_CODE_POINTS)
            };
            self.walked = self.walked.saturating_add(walked);
            if let Some(top) = self.open.last_mut() {
                top.0 = top.0.saturating_add(n);
                top.1 |= complement || negated;
            }
        }
    }
    /// A Unicode property is folded alone first, then with its class: up to
    /// an eighth of Unicode (`\p{L}` holds about 140,000 code points).
    const PROPERTY: u64 = ALL_CODE_POINTS / 8;
    impl ast::Visitor for Folds {
        type Output = Folds;
        type Err = ();
        fn finish(self) -> Result<Folds, ()> {
            Ok(self)
        }
        fn visit_pre(&mut self, a: &ast::Ast) -> Result<(), ()> {
            match a {
                ast::Ast::Flags(f) => {
                    self.insensitive |= f.flags.flag_state(ast::Flag::CaseInsensitive) == Some(true)
                }
                ast::Ast::Group(g) => {
                    if let ast::GroupKind::NonCapturing(f) = &g.kind {
                        self.insensitive |= f.flag_state(ast::Flag::CaseInsensitive) == Some(true);
                    }
                }
                ast::Ast::ClassBracketed(_) => self.open.push((0, false)),
                ast::Ast::ClassUnicode(_) => self.add(PROPERTY, false),
                _ => {}
            }
            Ok(())
        }
        fn visit_post(&mut self, a: &ast::Ast) -> Result<(), ()> {
            if let ast::Ast::ClassBracketed(c) = a {
                self.close(c.negated);
            }
            Ok(())
        }
        fn visit_class_set_item_pre(&mut self, item: &ast::ClassSetItem) -> Result<(), ()> {
            if let ast::ClassSetItem::Bracketed(_) = item {
                self.open.push((0, false));
            }
            Ok(())
        }
        fn visit_class_set_item_post(&mut self, item: &ast::ClassSetItem) -> Result<(), ()> {
            use ast::ClassSetItem as I;
            match item {
                I::Empty(_) | I::Union(_) => {}
                I::Literal(_) => self.add(1, false),
                I::Range(r) => {
                    let n = u64::from(r.end.c).saturating_sub(u64::from(r.start.c)) + 1;
                    self.add(n, false);
                }
                I::Ascii(c) => self.add(128, c.negated),
                I::Perl(c) => self.add(PROPERTY, c.negated),
                I::Unicode(c) => self.add(PROPERTY, c.is_negated()),
                I::Bracketed(c) => self.close(c.negated),
            }
            Ok(())
        }
        fn visit_class_set_binary_op_pre(&mut self, _op: &ast::ClassSetBinaryOp) -> Result<(), ()> {
            // Both sides are folded whole (and then the result with its class).
            self.add(ALL_CODE_POINTS, true);
            Ok(())
        }
    }
    let start = Folds {
        insensitive,
        ..Folds::default()
    };
    match ast::visit(tree, start) {
        Ok(f) if f.insensitive => f.walked / 5,
        _ => 0,
    }
}

/// Is `pattern` compiled already (on this thread)?
fn cached(pattern: &str, anchored: bool) -> bool {
    CACHE.with(|c| {
        c.borrow()
            .iter()
            .any(|(p, a, _)| p == pattern && *a == anchored)
    })
}

/// [`compile`], telling `meter` its work: a step per 16 bytes of pattern; for
/// a pattern not compiled yet, [`compile_cost`] before it starts (so that no
/// compilation starts that the budget cannot pay) and, as [`search_steps`],
/// any time it takes beyond that.
fn metered_compile(
    pattern: &str,
    anchored: bool,
    meter: Meter<'_>,
) -> Result<Rc<Compiled>, RegexError> {
    let cost = if cached(pattern, anchored) {
        0
    } else {
        compile_cost(pattern)
    };
    if !meter(cost, 0) {
        return Err(RegexError::Stopped);
    }
    let (c, steps) = timed(pattern.len(), || compile(pattern, anchored));
    if !meter(
        steps
            .saturating_sub(cost)
            .saturating_add((pattern.len() / 16) as u64),
        pattern.len(),
    ) {
        return Err(RegexError::Stopped);
    }
    Ok(c?)
}

/// `String.matches(regex)`.
pub fn matches(s: &str, pattern: &str, meter: Meter<'_>) -> Result<bool, RegexError> {
    let c = metered_compile(pattern, true, meter)?;
    let (r, steps) = timed(s.len(), || c.re.is_match(s).map_err(match_error));
    if !meter(steps, 0) {
        return Err(RegexError::Stopped);
    }
    Ok(r?)
}

/// Successive matches as Java's `Matcher.find()` reports them: after an empty
/// match the next search starts one character further.
/// `f` gives whether to go on and the bytes it built; both it and each search
/// are told to `meter`.
fn for_each_match(
    re: &Regex,
    s: &str,
    meter: Meter<'_>,
    mut f: impl FnMut(&Captures<'_>) -> Result<(bool, usize), String>,
) -> Result<(), RegexError> {
    let mut pos = 0;
    while pos <= s.len() {
        let clock = std::time::Instant::now();
        let found = re.captures_from_pos(s, pos);
        let nanos = clock.elapsed().as_nanos();
        let Some(caps) = found.map_err(match_error)? else {
            if !meter(search_steps(s.len() - pos, nanos), 0) {
                return Err(RegexError::Stopped);
            }
            break;
        };
        let Some(m) = caps.get(0) else { break };
        let (start, end) = (m.start(), m.end());
        // A match is charged for the text up to its end.
        let steps = search_steps(end - pos, nanos);
        let (go_on, made) = f(&caps)?;
        if !meter(steps, made) {
            return Err(RegexError::Stopped);
        }
        if !go_on {
            break;
        }
        pos = if end == start {
            match s.get(end..).and_then(|r| r.chars().next()) {
                Some(c) => end + c.len_utf8(),
                None => break,
            }
        } else {
            end
        };
    }
    Ok(())
}

/// One piece of a parsed Java replacement string.
enum Piece {
    Lit(String),
    Group(usize),
}

fn parse_replacement(rep: &str, compiled: &Compiled) -> Result<Vec<Piece>, String> {
    let group_count = compiled.re.captures_len().saturating_sub(1);
    let chars: Vec<char> = rep.chars().collect();
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                i += 1;
                let Some(&n) = chars.get(i) else {
                    return Err(
                        "java.lang.IllegalArgumentException: character to be escaped is missing"
                            .into(),
                    );
                };
                lit.push(n);
                i += 1;
            }
            '$' => {
                i += 1;
                let Some(&n) = chars.get(i) else {
                    return Err("java.lang.IllegalArgumentException: Illegal group reference: group index is missing".into());
                };
                let group = if n == '{' {
                    i += 1;
                    let mut name = String::new();
                    while let Some(&x) = chars.get(i) {
                        if !x.is_ascii_alphanumeric() {
                            break;
                        }
                        name.push(x);
                        i += 1;
                    }
                    if name.is_empty() {
                        return Err("java.lang.IllegalArgumentException: named capturing group has 0 length name".into());
                    }
                    if chars.get(i) != Some(&'}') {
                        return Err("java.lang.IllegalArgumentException: named capturing group is missing trailing '}'".into());
                    }
                    i += 1;
                    if name.starts_with(|c: char| c.is_ascii_digit()) {
                        return Err("java.lang.IllegalArgumentException: capturing group name {"
                            .to_string()
                            + &name
                            + "} starts with digit character");
                    }
                    compiled
                        .names
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, i)| *i)
                        .ok_or_else(|| {
                            format!(
                                "java.lang.IllegalArgumentException: No group with name {{{name}}}"
                            )
                        })?
                } else {
                    let Some(d) = n.to_digit(10) else {
                        return Err(
                            "java.lang.IllegalArgumentException: Illegal group reference".into(),
                        );
                    };
                    i += 1;
                    let mut g = d as usize;
                    while let Some(d) = chars.get(i).and_then(|x| x.to_digit(10)) {
                        let ng = g * 10 + d as usize;
                        if ng > group_count {
                            break;
                        }
                        g = ng;
                        i += 1;
                    }
                    if g > group_count {
                        return Err(format!("java.lang.IndexOutOfBoundsException: No group {g}"));
                    }
                    g
                };
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Group(group));
            }
            c => {
                lit.push(c);
                i += 1;
            }
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    Ok(pieces)
}

/// `String.replaceAll` (`all`) / `String.replaceFirst`, telling `meter` the
/// input scanned and the output built at each match. A null replacement
/// (`None`) throws as Java's does: `replaceFirst` once the pattern is
/// compiled, `replaceAll` at the first match (without one the text is
/// returned).
pub fn replace(
    s: &str,
    pattern: &str,
    rep: Option<&str>,
    all: bool,
    meter: Meter<'_>,
) -> Result<String, RegexError> {
    let c = metered_compile(pattern, false, meter)?;
    if rep.is_none() && !all {
        return Err(RegexError::Java(
            "java.lang.NullPointerException: replacement".into(),
        ));
    }
    let re = &c.re;
    let mut out = String::new();
    let mut last = 0;
    let mut pieces: Option<Vec<Piece>> = None;
    let mut told = 0;
    for_each_match(re, s, &mut *meter, |caps| {
        let Some(m) = caps.get(0) else {
            return Ok((false, 0));
        };
        // Java parses the replacement at the first match only.
        if pieces.is_none() {
            let Some(rep) = rep else {
                return Err(
                    "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"replacement\" is null"
                        .into(),
                );
            };
            pieces = Some(parse_replacement(rep, &c)?);
        }
        out.push_str(s.get(last..m.start()).unwrap_or(""));
        for p in pieces.iter().flatten() {
            match p {
                Piece::Lit(l) => out.push_str(l),
                Piece::Group(g) => {
                    if let Some(x) = caps.get(*g) {
                        out.push_str(x.as_str());
                    }
                }
            }
        }
        if out.len() > MAX_OUTPUT {
            return Err("java.lang.OutOfMemoryError: Requested array size exceeds VM limit".into());
        }
        let made = out.len() - told;
        told = out.len();
        last = m.end();
        Ok((all, made))
    })?;
    let tail = s.get(last..).unwrap_or("");
    if !meter(0, tail.len()) {
        return Err(RegexError::Stopped);
    }
    out.push_str(tail);
    Ok(out)
}

/// `String.split(regex, limit)`: Java's rules (no leading empty string for a
/// zero-width match at 0; trailing empty strings removed when `limit == 0`),
/// telling `meter` the input scanned and the bytes of each part as it is made.
pub fn split(
    s: &str,
    pattern: &str,
    limit: i32,
    meter: Meter<'_>,
) -> Result<Vec<String>, RegexError> {
    let c = metered_compile(pattern, false, meter)?;
    let re = &c.re;
    let mut parts: Vec<String> = Vec::new();
    let mut index = 0;
    let limited = limit > 0;
    let mut matched = false;
    for_each_match(re, s, &mut *meter, |caps| {
        let Some(m) = caps.get(0) else {
            return Ok((false, 0));
        };
        if !limited || parts.len() < (limit - 1) as usize {
            if index == 0 && m.start() == 0 && m.start() == m.end() {
                return Ok((true, 0));
            }
            let part = s.get(index..m.start()).unwrap_or("");
            parts.push(part.to_string());
            index = m.end();
            matched = true;
            Ok((true, part.len()))
        } else {
            Ok((false, 0))
        }
    })?;
    let tail = if matched {
        s.get(index..).unwrap_or("")
    } else {
        s
    };
    if !meter(0, tail.len()) {
        return Err(RegexError::Stopped);
    }
    if !matched {
        return Ok(vec![s.to_string()]);
    }
    parts.push(tail.to_string());
    if limit == 0 {
        while parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sp(s: &str, re: &str, limit: i32) -> String {
        match split(s, re, limit, &mut |_: u64, _: usize| true) {
            Ok(v) => format!("{}:{}", v.len(), v.join("|")),
            Err(e) => format!("ERR {e}"),
        }
    }

    fn ra(s: &str, re: &str, rep: &str) -> String {
        replace(s, re, Some(rep), true, &mut |_: u64, _: usize| true)
            .unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn deeply_nested_classes_are_an_error_not_a_crash() {
        // Found while fuzzing: each nested `[` was a level of recursion.
        let deep = "[".repeat(100_000);
        let e = translate(&deep).expect_err("too deep");
        assert!(e.contains("nested deeper than 64 levels"), "{e}");
        let ok = format!("{}a{}", "[".repeat(20), "]".repeat(20));
        assert!(compile(&ok, true).is_ok());
    }

    #[test]
    fn case_folding_is_predicted_from_the_classes() {
        // A class holding a complement walks all of Unicode when folded.
        let full = fold_cost("(?i)[x[^1]]");
        assert!(full >= 200_000, "{full}");
        assert_eq!(fold_cost("(?i)[x\\W]"), full);
        // Set operations are counted as if they did (an overestimate).
        assert!(fold_cost("(?i)[a-z&&[^aeiou]]") >= full);
        // Small classes, a negated class alone, and case-sensitive patterns
        // cost (next to) nothing.
        assert!(fold_cost("(?i)[a-z][^a]x") < 100);
        assert_eq!(fold_cost("[x[^1]]"), 0);
        // With a lookaround (Java's `$`) the whole translation is no regex-syntax
        // pattern: its parts are counted.
        assert!(fold_cost("(?iu)[x[^1]](?=\\n?\\z)") >= full);
        assert_eq!(fold_cost("(?-i)[x[^1]]"), 0);
        assert!(compile_cost("(?iu)[x[^1]]") > full);
        // Java's `(?i)` without `u` folds ASCII letters only: the
        // translation spells them out and nothing is folded by the regex crate.
        assert!(compile_cost("(?i)[x[^1]]") < full);
    }

    #[test]
    fn plain_case_insensitivity_folds_ascii_letters_only() {
        // Found by fuzzing: a JSONPath filter `/…/i` of a few hundred `k`s
        // and Kelvin signs took most of a second to build in the
        // instrumented build while the regex crate folded Unicode case
        // (`k`, `K`, `\u{212A}`). Java's CASE_INSENSITIVE folds ASCII only,
        // and so does the translation now, by itself.
        let pattern = "k\u{212A}Kp?".repeat(60);
        let t = translate_flags(&pattern, true).expect("translates");
        assert!(t.starts_with("[kK]\u{212A}[kK][pP]?"), "{t}");
        assert_eq!(fold_cost(&t), 0);
        let c = compile(&format!("(?i){pattern}"), true).expect("compiles");
        let text = "K\u{212A}kP".repeat(60);
        assert!(c.re.is_match(&text).unwrap_or(false));
        assert!(!c
            .re
            .is_match(&text.replace('\u{212A}', "k"))
            .unwrap_or(true));
        // Classes: each character and range folds before negation.
        assert_eq!(
            translate("(?i)[^a-c\\x{e9}]").as_deref(),
            Ok("[^a-cABC\\x{E9}]")
        );
    }

    #[test]
    fn lone_surrogate_escapes_match_nothing_even_ignoring_case() {
        // Found by fuzzing: each `\ud800` under `(?i)` made the regex crate
        // fold all of Unicode (about 50 ms a time in a JSONPath filter).
        let pattern = format!("(?i)a{}", "\\ud800".repeat(200));
        let c = compile(&pattern, false).expect("compiles");
        assert!(!c.re.is_match("a").unwrap_or(true));
        let c = compile("(?i)[a\\ud800]", false).expect("compiles");
        assert!(c.re.is_match("A").unwrap_or(false));
    }

    #[test]
    fn split_rules() {
        // expected: oracle
        assert_eq!(sp("a,b,,c,,", ",", 0), "4:a|b||c");
        assert_eq!(sp("a,b,,c,,", ",", -1), "6:a|b||c||");
        assert_eq!(sp("a,b,,c,,", ",", 2), "2:a|b,,c,,");
        assert_eq!(sp("abc", "", 0), "3:a|b|c");
        assert_eq!(sp("", ",", 0), "1:");
        assert_eq!(sp(",", ",", 0), "0:");
        assert_eq!(sp("a.b", ".", 0), "0:");
        assert_eq!(sp("a1b22c", "\\d+", 0), "3:a|b|c");
    }

    #[test]
    fn replacements() {
        // expected: oracle
        assert_eq!(ra("abc", "(b)", "[$1]"), "a[b]c");
        assert_eq!(ra("abc", "(?<n>b)", "${n}${n}"), "abbc");
        assert_eq!(ra("abc", "b", "\\$"), "a$c");
        assert_eq!(ra("abc", "a", "\\\\"), "\\bc");
        assert_eq!(
            ra("abc", "a", "$2"),
            "ERR java.lang.IndexOutOfBoundsException: No group 2"
        );
        assert_eq!(
            ra("abc", "a", "x$"),
            "ERR java.lang.IllegalArgumentException: Illegal group reference: group index is missing"
        );
        assert_eq!(ra("xyz", "a", "$9"), "xyz");
        assert_eq!(ra("aaa", "a*", "-"), "--");
        assert_eq!(ra("baaac", "a*", "-"), "-b--c-");
        assert_eq!(ra("a\nb", ".", "x"), "x\nx");
        assert_eq!(ra("aaa", "a*+a", "x"), "aaa");
        assert_eq!(ra("a.b", "\\Q.\\E", "!"), "a!b");
        assert_eq!(ra("Ab1_é", "\\w", "x"), "xxxxé");
        assert_eq!(ra("Ab1", "\\p{Alpha}", "x"), "xx1");
        assert_eq!(ra("abcde", "[a-e&&[^c]]", "x"), "xxcxx");
        assert!(ra("abc", "[a", "x").starts_with("ERR java.util.regex.PatternSyntaxException"));
        assert!(matches("abc", "a.c", &mut |_: u64, _: usize| true).unwrap_or(false));
        assert!(!matches("abcd", "a.c", &mut |_: u64, _: usize| true).unwrap_or(true));
        assert!(matches("ab", "a|ab", &mut |_: u64, _: usize| true).unwrap_or(false));
    }

    #[test]
    fn catastrophic_backtracking_fails() {
        let s = "a".repeat(40) + "!";
        assert!(
            matches(&s, "(a+)+b", &mut |_: u64, _: usize| true).is_err()
                || !matches(&s, "(a+)+b", &mut |_: u64, _: usize| true).unwrap_or(true)
        );
        assert!(matches(&s, "(a|a)+\\1b", &mut |_: u64, _: usize| true).is_err());
    }

    proptest! {
        #[test]
        fn translator_never_panics(p in "\\PC{0,16}", s in "\\PC{0,16}", rep in "\\PC{0,6}") {
            let _ = translate(&p);
            let _ = split(&s, &p, 0, &mut |_: u64, _: usize| true);
            let _ = split(&s, &p, 2, &mut |_: u64, _: usize| true);
            let _ = replace(&s, &p, Some(&rep), true, &mut |_: u64, _: usize| true);
            let _ = matches(&s, &p, &mut |_: u64, _: usize| true);
        }

        #[test]
        fn regexish_never_panics(p in "[\\\\()\\[\\]{}a-c0-9?*+|^$.&-]{0,12}", s in "[a-c0-9]{0,10}") {
            let _ = split(&s, &p, 0, &mut |_: u64, _: usize| true);
            let _ = replace(&s, &p, Some("$0"), false, &mut |_: u64, _: usize| true);
        }
    }
}
