//! Inline filters `[?(…)]`: a port of Jayway JsonPath 2.0.0's `Filter.parse`,
//! `Criteria.parse` / `Criteria.create` and `Criteria.safeCompare`.
//!
//! 2.0.0 knows only `==`, `!=`, `<`, `<=`, `>`, `>=`, `=~` and existence
//! (`@.x`, `!@.x`), joined by `&&` / `||`; there is no grouping (parentheses
//! around a criterion are stripped), no `in`/`nin`/`size`/`empty`/… operators
//! and no JSON literals. The right-hand side of a comparison is a path, a
//! `'quoted'` string, a `/regex/` or else its raw text as a Java `String`
//! (`10`, `true`, `null`, `"x"` with the quotes).

use super::compile::{compile, Compiled};
use super::PathError;
use fancy_regex::Regex;
use std::cmp::Ordering;

/// A filter: Jayway's `SingleFilter` / `AndFilter` / `OrFilter` over criteria.
#[derive(Debug)]
pub(crate) enum Pred {
    Crit(Box<Criteria>),
    And(Vec<Pred>),
    Or(Box<Pred>, Box<Pred>),
}

impl Pred {
    fn and(self, other: Pred) -> Pred {
        match self {
            Pred::And(mut v) => {
                v.push(other);
                Pred::And(v)
            }
            Pred::Or(l, r) => Pred::Or(l, Box::new(Pred::And(vec![*r, other]))),
            single => Pred::And(vec![single, other]),
        }
    }
}

#[derive(Debug)]
pub(crate) enum Criteria {
    /// `@.x` (exists = true) or `!@.x`.
    Exists { path: Compiled, exists: bool },
    Compare {
        left: Operand,
        op: Op,
        right: Operand,
    },
}

#[derive(Debug)]
pub(crate) enum Operand {
    Path(Compiled),
    Str(String),
    Pattern(Box<JavaPattern>),
}

/// A `=~ /regex/` operand. Its syntax is checked when the path compiles (as
/// Jayway does); the regex is built when first used, by the render that uses
/// it and charged to its budget: building a regex with lookarounds costs
/// hundreds of microseconds each, too much for a template's compilation to
/// pay unmetered.
#[derive(Debug)]
pub(crate) struct JavaPattern {
    pub source: String,
    /// The pattern as the regex engine reads it.
    translated: String,
    /// The case folding its regex-crate parts cost (as
    /// [`crate::eval::jregex::fold_cost`] counts it), summed when the path
    /// compiled: a parse of the whole translation fails on fancy-regex's own
    /// constructs (lookarounds) and would count nothing.
    fold_cost: u64,
    built: std::sync::OnceLock<Result<Regex, String>>,
}

impl JavaPattern {
    /// The regex, built on first use: its building charged to `budget`
    /// first as [`crate::eval::jregex::compile_cost`] predicts, then for any
    /// time beyond that.
    pub fn regex(&self, budget: &crate::eval::budget::Budget) -> Result<&Regex, PatternError> {
        if let Some(r) = self.built.get() {
            return r.as_ref().map_err(|e| PatternError::Java(e.clone()));
        }
        let cost = crate::eval::jregex::build_cost(&self.source, self.fold_cost);
        budget.steps(cost).map_err(PatternError::Budget)?;
        let (r, steps) = crate::eval::jregex::timed(self.translated.len(), || {
            fancy_regex::RegexBuilder::new(&self.translated)
                .backtrack_limit(1_000_000)
                .build()
                .map_err(|e| format!("java.util.regex.PatternSyntaxException: {e}"))
        });
        budget
            .steps(steps.saturating_sub(cost))
            .map_err(PatternError::Budget)?;
        let r = self.built.get_or_init(|| r);
        r.as_ref().map_err(|e| PatternError::Java(e.clone()))
    }
}

/// Why a `=~` regex could not be used.
pub(crate) enum PatternError {
    Java(String),
    Budget(crate::eval::budget::Exceeded),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    Regex,
}

/// Jayway's `Criteria.OPERATORS`, searched in this order.
const OPERATORS: [(&str, Op); 7] = [
    ("==", Op::Eq),
    (">=", Op::Gte),
    ("<=", Op::Lte),
    ("!=", Op::Ne),
    ("<", Op::Lt),
    (">", Op::Gt),
    ("=~", Op::Regex),
];

fn err(message: impl Into<String>, offset: usize) -> PathError {
    PathError {
        message: message.into(),
        offset,
    }
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// `Filter.parse(text)`; `text` is `[?(…)]`, `off` its offset in the user's path.
pub(crate) fn parse_filter(text: &str, off: usize, nesting: usize) -> Result<Pred, PathError> {
    let f = trim(text);
    let f = f
        .strip_prefix('[')
        .and_then(|f| f.strip_suffix(']'))
        .ok_or_else(|| {
            err(
                format!("Filter must start with '[' and end with ']'. {f}"),
                off,
            )
        })?;
    let f = trim(f);
    let f = trim(f.strip_prefix('?').ok_or_else(|| {
        err(
            format!("Filter must start with '[?' and end with ']'. {f}"),
            off,
        )
    })?);
    let f = f
        .strip_prefix('(')
        .and_then(|f| f.strip_suffix(')'))
        .ok_or_else(|| {
            err(
                format!("Filter must start with '[?(' and end with ')]'. {f}"),
                off,
            )
        })?;
    let f = trim(f);

    let mut operators: Vec<bool> = Vec::new(); // true: &&
    let mut criteria: Vec<Pred> = Vec::new();
    for piece in split_operators(f) {
        let piece = trim(piece);
        match piece {
            "&&" => operators.push(true),
            "||" => operators.push(false),
            _ => {
                let clean = clean_criteria(piece).ok_or_else(|| {
                    err(
                        "java.lang.StringIndexOutOfBoundsException: empty criteria",
                        off,
                    )
                })?;
                criteria.push(Pred::Crit(Box::new(parse_criteria(clean, off, nesting)?)));
            }
        }
    }
    let invalid = || err(format!("Invalid operators {f}"), off);
    let empty = || err("java.util.EmptyStackException", off);
    let mut root = criteria.pop().ok_or_else(empty)?;
    while let Some(and) = operators.pop() {
        if and {
            root = root.and(criteria.pop().ok_or_else(empty)?);
        } else {
            let c = criteria.pop().ok_or_else(invalid)?;
            root = Pred::Or(Box::new(root), Box::new(c));
        }
    }
    if !criteria.is_empty() {
        return Err(invalid());
    }
    Ok(root)
}

/// `s.split("((?<=&&|\\|\\|)|(?=&&|\\|\\|))")`: splits before and after every
/// `&&` / `||`, quotes or not.
fn split_operators(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let is_op = |i: usize| matches!(b.get(i..i + 2), Some(b"&&") | Some(b"||"));
    let mut pieces = Vec::new();
    let mut last = 0;
    for p in 1..b.len() {
        let cut = is_op(p) || (p >= 2 && is_op(p - 2));
        if cut && s.is_char_boundary(p) {
            pieces.push(&s[last..p]);
            last = p;
        }
    }
    pieces.push(&s[last..]);
    if s.is_empty() {
        return vec![""];
    }
    pieces
}

/// `cleanCriteria`: strips `[ ? ( ` at the front and `) ` at the back.
fn clean_criteria(s: &str) -> Option<&str> {
    let start = s.find(|c| !matches!(c, '[' | '?' | '(' | ' '))?;
    let end = s.rfind(|c| !matches!(c, ')' | ' '))?;
    let end = end + s.get(end..)?.chars().next()?.len_utf8();
    s.get(start..end.max(start))
}

fn is_path(s: &str) -> bool {
    s.starts_with('$') || s.starts_with('@') || s.starts_with("!@")
}

fn is_string(s: &str) -> bool {
    s.starts_with('\'') && s.ends_with('\'')
}

/// The content of a `'quoted'` operand (`'` alone fails as in Java).
fn unquote(s: &str, off: usize) -> Result<String, PathError> {
    if s.len() < 2 {
        return Err(err(
            "java.lang.StringIndexOutOfBoundsException: begin 1, end 0",
            off,
        ));
    }
    Ok(s[1..s.len() - 1].to_string())
}

fn is_pattern(s: &str) -> bool {
    s.starts_with('/') && (s.ends_with('/') || s.ends_with("/i"))
}

fn compile_pattern(s: &str, off: usize) -> Result<JavaPattern, PathError> {
    let last = s.rfind('/').unwrap_or(0);
    if last == 0 {
        return Err(err(
            "java.lang.StringIndexOutOfBoundsException: begin 1, end 0",
            off,
        ));
    }
    let ignore_case = s.ends_with('i');
    let source = s.get(1..last).unwrap_or("").to_string();
    // Jayway compiles `/re/i` with CASE_INSENSITIVE alone: ASCII letters fold.
    let translated =
        crate::eval::jregex::translate_flags(&source, ignore_case).map_err(|m| err(m, off))?;
    let translated = format!(r"\A(?:{translated})\z");
    // The syntax is checked now, cheaply: fancy-regex parses the pattern, and
    // regex-syntax the parts it hands to the regex crate (classes, Unicode
    // properties), without building anything.
    let tree = fancy_regex::Expr::parse_tree(&translated)
        .map_err(|e| err(format!("java.util.regex.PatternSyntaxException: {e}"), off))?;
    let fold_cost = check_delegates(&tree.expr)
        .map_err(|e| err(format!("java.util.regex.PatternSyntaxException: {e}"), off))?;
    Ok(JavaPattern {
        source,
        translated,
        fold_cost,
        built: std::sync::OnceLock::new(),
    })
}

/// The most case folding (in steps, as [`crate::eval::jregex::fold_cost`]
/// counts them) a path's compilation checks: about a millisecond.
const FOLD_CHECKED: u64 = 30_000;

/// Parses the parts of a regex fancy-regex hands to the regex crate, as the
/// regex crate will when the regex is built. (fancy-regex bounds the tree's
/// nesting.) Ok: the case folding the parts cost, summed.
fn check_delegates(e: &fancy_regex::Expr) -> Result<u64, String> {
    crate::eval::jregex::sum_delegates(e, &mut |inner, casei| {
        let last_line = |e: &dyn std::fmt::Display| {
            e.to_string()
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let tree = regex_syntax::ast::parse::Parser::new()
            .parse(inner)
            .map_err(|e| last_line(&e))?;
        // Case folding a class that holds a complement walks all of
        // Unicode (milliseconds each): such a part is only parsed here,
        // and the rest of its checking is left to the build, charged to
        // the render.
        let fold = crate::eval::jregex::fold_cost_of(&tree, casei);
        if fold > FOLD_CHECKED {
            return Ok(fold);
        }
        regex_syntax::hir::translate::TranslatorBuilder::new()
            .case_insensitive(casei)
            .build()
            .translate(inner, &tree)
            .map(|_| fold)
            .map_err(|e| last_line(&e))
    })
}

fn compile_operand_path(s: &str, off: usize, nesting: usize) -> Result<Compiled, PathError> {
    let c = compile(s, off, nesting + 1)?;
    if !c.tokens.iter().all(|t| t.is_definite()) {
        return Err(err(format!("the predicate path: {s} is not definite"), off));
    }
    Ok(c)
}

/// `Criteria.parse` + `Criteria.create`.
fn parse_criteria(c: &str, off: usize, nesting: usize) -> Result<Criteria, PathError> {
    let found = OPERATORS
        .iter()
        .find_map(|&(text, op)| c.find(text).map(|at| (at, text, op)));
    let (left, op, right) = match found {
        Some((at, text, op)) => (trim(&c[..at]), Some(op), trim(&c[at + text.len()..])),
        None => (trim(c), None, ""),
    };
    let mut exists = true;
    let left_op = if is_path(left) {
        let p = if let Some(rest) = left.strip_prefix('!') {
            exists = false;
            rest
        } else {
            left
        };
        Operand::Path(compile_operand_path(p, off, nesting)?)
    } else if is_string(left) {
        Operand::Str(unquote(left, off)?)
    } else if is_pattern(left) {
        Operand::Pattern(Box::new(compile_pattern(left, off)?))
    } else {
        Operand::Str(left.to_string())
    };
    let right_op = if is_path(right) {
        if right.starts_with('!') {
            return Err(err(
                "Invalid negation! Can only be used for existence check e.g [?(!@.foo)]",
                off,
            ));
        }
        Operand::Path(compile_operand_path(right, off, nesting)?)
    } else if is_string(right) {
        Operand::Str(unquote(right, off)?)
    } else if is_pattern(right) {
        Operand::Pattern(Box::new(compile_pattern(right, off)?))
    } else {
        Operand::Str(right.to_string())
    };
    match (left_op, op) {
        (Operand::Path(path), None) => Ok(Criteria::Exists { path, exists }),
        (_, None) => Err(err(
            "java.lang.UnsupportedOperationException: CriteriaType  can not be parsed",
            off,
        )),
        (left, Some(op)) => Ok(Criteria::Compare {
            left,
            op,
            right: right_op,
        }),
    }
}

// ---------------------------------------------------------------------------
// Comparison of Java values (`Criteria.safeCompare` and friends).

/// A decimal number `0.digits × 10^exp` with `digits` free of leading and
/// trailing zeros (empty for zero): what `new BigDecimal(s)` compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    neg: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// Parses Java `BigDecimal(String)` syntax. Err: NumberFormatException message.
    pub(crate) fn parse(s: &str) -> Result<Decimal, String> {
        let bad = |c: char| {
            format!(
                "Character {c} is neither a decimal digit number, decimal point, nor \"e\" notation exponential mark."
            )
        };
        let mut chars = s.chars().peekable();
        let mut neg = false;
        match chars.peek() {
            Some('-') => {
                neg = true;
                chars.next();
            }
            Some('+') => {
                chars.next();
            }
            _ => {}
        }
        let mut digits: Vec<u8> = Vec::new();
        let mut point: Option<usize> = None;
        let mut exp: i64 = 0;
        let mut any = false;
        while let Some(c) = chars.next() {
            match c {
                '0'..='9' => {
                    any = true;
                    digits.push(c as u8 - b'0');
                }
                '.' => {
                    if point.is_some() {
                        return Err("Character array contains more than one decimal point.".into());
                    }
                    point = Some(digits.len());
                }
                'e' | 'E' => {
                    let rest: String = chars.by_ref().collect();
                    let r = rest.strip_prefix('+').unwrap_or(&rest);
                    if r.is_empty() || r.starts_with('+') {
                        return Err("No exponent digits.".into());
                    }
                    exp = r
                        .parse::<i32>()
                        .map(i64::from)
                        .map_err(|_| "Exponent overflow.".to_string())?;
                    break;
                }
                c => return Err(bad(c)),
            }
        }
        if !any {
            return Err("No digits found.".into());
        }
        let int_len = point.unwrap_or(digits.len()) as i64;
        let lead = digits.iter().take_while(|&&d| d == 0).count();
        let mut d: Vec<u8> = digits.get(lead..).unwrap_or(&[]).to_vec();
        while d.last() == Some(&0) {
            d.pop();
        }
        let e = int_len - lead as i64 + exp;
        Ok(Decimal {
            neg: neg && !d.is_empty(),
            exp: if d.is_empty() { 0 } else { e },
            digits: d,
        })
    }

    pub(crate) fn cmp(&self, other: &Decimal) -> Ordering {
        let sign = |d: &Decimal| {
            if d.digits.is_empty() {
                0
            } else if d.neg {
                -1
            } else {
                1
            }
        };
        let (a, b) = (sign(self), sign(other));
        if a != b || a == 0 {
            return a.cmp(&b);
        }
        let mag = self
            .exp
            .cmp(&other.exp)
            .then_with(|| self.digits.cmp(&other.digits));
        if a < 0 {
            mag.reverse()
        } else {
            mag
        }
    }
}

/// `String.compareTo`: UTF-16 code unit order.
pub(crate) fn java_string_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}
