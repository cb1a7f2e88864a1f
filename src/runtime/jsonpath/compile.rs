//! Path compiler: a port of Jayway JsonPath 2.0.0's `PathCompiler` and
//! `PathComponentAnalyzer`, quirks included (the oracle runs that version).

use super::filter::{parse_filter, Pred};
use super::PathError;

/// Deepest nesting of paths inside filters inside paths (`[?(@[?(…)])]`).
/// Jayway has no limit; real paths nest once or twice.
pub const MAX_PATH_NESTING: usize = 16;

/// One step of a compiled path (Jayway's `PathToken` subclasses).
#[derive(Debug)]
pub(crate) enum Token {
    /// `$` (also in the middle of a path, where it is a no-op step).
    Root,
    /// `['a']` (one name) or `['a','b']` (a leaf that builds a map).
    Property(Vec<String>),
    Array(ArrayOp),
    /// `*` / `[*]`.
    Wildcard,
    /// `..`.
    Scan,
    /// `[?(…)]`; `None` is a `[?]` placeholder with no filter supplied
    /// (Jayway throws a NullPointerException when it is applied).
    Filter(Vec<Option<Pred>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArrayOp {
    SingleIndex(i32),
    IndexSequence(Vec<i32>),
    /// `[(@.length-n)]`: holds `-n`.
    ContextSize(i32),
    SliceFrom(i32),
    SliceTo(i32),
    SliceBetween(i32, i32),
}

impl Token {
    pub(crate) fn is_definite(&self) -> bool {
        match self {
            Token::Root | Token::Property(_) => true,
            Token::Array(op) => matches!(op, ArrayOp::SingleIndex(_) | ArrayOp::ContextSize(_)),
            Token::Wildcard | Token::Scan | Token::Filter(_) => false,
        }
    }

    /// Jayway's `getPathFragment()`, used in messages.
    pub(crate) fn fragment(&self) -> String {
        match self {
            Token::Root => "$".into(),
            Token::Property(p) => {
                let quoted: Vec<String> = p.iter().map(|s| format!("'{s}'")).collect();
                format!("[{}]", quoted.join(", "))
            }
            Token::Array(op) => match op {
                ArrayOp::SingleIndex(i) => format!("[{i}]"),
                ArrayOp::IndexSequence(v) => {
                    let s: Vec<String> = v.iter().map(|i| i.to_string()).collect();
                    format!("[{}]", s.join(","))
                }
                ArrayOp::ContextSize(i) => format!("[@.size(){i}]"),
                ArrayOp::SliceFrom(i) => format!("[{i}:]"),
                ArrayOp::SliceTo(i) => format!("[:{i}]"),
                ArrayOp::SliceBetween(a, b) => format!("[{a}:{b}]"),
            },
            Token::Wildcard => "[*]".into(),
            Token::Scan => "..".into(),
            Token::Filter(p) => {
                let mut s = String::from("[");
                for i in 0..p.len() {
                    if i > 0 {
                        s.push(',');
                    }
                    s.push('?');
                }
                s.push(']');
                s
            }
        }
    }
}

#[derive(Debug)]
pub(crate) struct Compiled {
    pub tokens: Vec<Token>,
    pub is_root_path: bool,
}

fn err(message: impl Into<String>, offset: usize) -> PathError {
    PathError {
        message: message.into(),
        offset,
    }
}

fn oob(i: usize, offset: usize) -> PathError {
    err(
        format!("java.lang.StringIndexOutOfBoundsException: String index out of range: {i}"),
        offset,
    )
}

/// Java's `String.trim()`: strips chars <= U+0020 at both ends.
/// Returns the trimmed chars and the number stripped at the front.
pub(crate) fn java_trim(chars: &[char]) -> (&[char], usize) {
    let start = chars.iter().position(|&c| c > ' ').unwrap_or(chars.len());
    let end = chars
        .iter()
        .rposition(|&c| c > ' ')
        .map_or(start, |e| e + 1);
    (chars.get(start..end).unwrap_or(&[]), start)
}

/// Java's `Integer.parseInt(s)` (ASCII digits).
pub(crate) fn java_parse_int(s: &str) -> Result<i32, String> {
    let fail = || format!("java.lang.NumberFormatException: For input string: \"{s}\"");
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        Some(_) => (false, s),
        None => return Err(fail()),
    };
    if digits.is_empty() {
        return Err(fail());
    }
    let mut v: i64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(10).ok_or_else(fail)?;
        v = v * 10 + i64::from(d);
        if v > i64::from(i32::MAX) + 1 {
            return Err(fail());
        }
    }
    let v = if neg { -v } else { v };
    i32::try_from(v).map_err(|_| fail())
}

/// Compiles a path. `base` is the offset of `src` in the text the user wrote,
/// `nesting` how deep inside filters this path is.
pub(crate) fn compile(src: &str, base: usize, nesting: usize) -> Result<Compiled, PathError> {
    if nesting > MAX_PATH_NESTING {
        return Err(err(
            format!("paths nest more than {MAX_PATH_NESTING} levels deep inside filters"),
            base,
        ));
    }
    if src.is_empty() {
        return Err(err("Path may not be null empty", base));
    }
    match compile_simple(src) {
        Some(c) => Ok(c),
        None => compile_general(src, base, nesting),
    }
}

/// [`compile`] of any path, by Jayway's steps.
pub(crate) fn compile_general(
    src: &str,
    base: usize,
    nesting: usize,
) -> Result<Compiled, PathError> {
    let all: Vec<char> = src.chars().collect();
    let (trimmed, lead) = java_trim(&all);
    // Offsets in `path` map back to `src` through these.
    let mut prefix = 0usize;
    let mut path: Vec<char> = trimmed.to_vec();
    let at = |i: usize, prefix: usize| base + lead + i.saturating_sub(prefix);
    if path.len() >= 2 && path.ends_with(&['.', '.']) {
        return Err(err(
            "A path can not end with a scan.",
            at(path.len() - 2, 0),
        ));
    }
    match path.first() {
        None => return Err(oob(0, base)),
        Some('$') | Some('@') => {}
        Some(_) => {
            path.splice(0..0, ['$', '.']);
            prefix = 2;
        }
    }
    let is_root_path = path.first() == Some(&'$');
    if let Some(first) = path.first_mut() {
        *first = '$';
    }
    if let Some(&c) = path.get(1) {
        if c != '.' && c != '[' {
            let shown: String = path.iter().collect();
            return Err(err(format!("Invalid path {shown}"), at(1, prefix)));
        }
    }

    let mut tokens: Vec<Token> = Vec::new();
    let mut i = 0usize;
    while let Some(&current) = path.get(i) {
        let start = i;
        let fragment: Vec<char> = match current {
            ' ' => return Err(err("Space not allowed in path", at(i, prefix))),
            '$' => {
                i += 1;
                vec!['$']
            }
            '[' => {
                let n = fast_forward_until_closed(&path, i);
                let f = path.get(i..i + n).unwrap_or(&[]).to_vec();
                i += n;
                f
            }
            '.' => {
                i += 1;
                match path.get(i) {
                    None => return Err(oob(i, at(i, prefix))),
                    Some('.') => {
                        i += 1;
                        vec!['.', '.']
                    }
                    Some(_) => {
                        let n = fast_forward(&path, i);
                        if n == 0 {
                            continue;
                        }
                        let name = path.get(i..i + n).unwrap_or(&[]);
                        let f = if name == ['*'] {
                            vec!['[', '*', ']']
                        } else {
                            let mut f = vec!['[', '\''];
                            f.extend_from_slice(name);
                            f.extend_from_slice(&['\'', ']']);
                            f
                        };
                        i += n;
                        f
                    }
                }
            }
            '*' => {
                i += 1;
                vec!['[', '*', ']']
            }
            _ => {
                let n = fast_forward(&path, i);
                let mut f = vec!['[', '\''];
                f.extend_from_slice(path.get(i..i + n).unwrap_or(&[]));
                f.extend_from_slice(&['\'', ']']);
                i += n.max(1);
                f
            }
        };
        let token = analyze(&fragment, at(start, prefix), nesting)?;
        if tokens.is_empty() && !matches!(token, Token::Root) {
            return Err(err(
                "java.lang.ClassCastException: the first path component is not the root",
                at(start, prefix),
            ));
        }
        tokens.push(token);
    }
    Ok(Compiled {
        tokens,
        is_root_path,
    })
}

/// The commonest paths, `$` then `.name` and `[digits]` steps (names of
/// ASCII letters, digits, `_` and `-`; at most 9 digits), compiled without
/// the general compiler's copies, to the same tokens; `None` for any other
/// path. The property tests check it against [`compile`]'s general path.
pub(crate) fn compile_simple(src: &str) -> Option<Compiled> {
    let b = src.as_bytes();
    let mut rest = b.strip_prefix(b"$")?;
    let mut tokens = Vec::with_capacity(1 + b.iter().filter(|&&c| c == b'.' || c == b'[').count());
    tokens.push(Token::Root);
    while let Some((&first, after)) = rest.split_first() {
        let run = |s: &[u8], ok: fn(&u8) -> bool| s.iter().position(|c| !ok(c)).unwrap_or(s.len());
        match first {
            b'.' => {
                let n = run(after, |&c| {
                    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
                });
                let (name, tail) = after.split_at_checked(n)?;
                if name.is_empty() {
                    return None;
                }
                tokens.push(Token::Property(vec![std::str::from_utf8(name)
                    .ok()?
                    .to_string()]));
                rest = tail;
            }
            b'[' => {
                let n = run(after, u8::is_ascii_digit);
                let (digits, tail) = after.split_at_checked(n)?;
                if digits.is_empty() || digits.len() > 9 {
                    return None;
                }
                rest = tail.strip_prefix(b"]")?;
                let i = digits
                    .iter()
                    .fold(0i32, |v, &d| v * 10 + i32::from(d - b'0'));
                tokens.push(Token::Array(ArrayOp::SingleIndex(i)));
            }
            _ => return None,
        }
    }
    Some(Compiled {
        tokens,
        is_root_path: true,
    })
}

fn fast_forward(s: &[char], mut index: usize) -> usize {
    let mut skip = 0;
    while let Some(&c) = s.get(index) {
        if c == '.' || c == '[' || c == ' ' {
            break;
        }
        index += 1;
        skip += 1;
    }
    skip
}

fn fast_forward_until_closed(s: &[char], mut index: usize) -> usize {
    let mut skip = 1;
    let mut nested: i64 = 0;
    index += 1;
    while let Some(&c) = s.get(index) {
        index += 1;
        skip += 1;
        if c == ']' && nested == 0 {
            break;
        }
        if c == '[' {
            nested += 1;
        }
        if c == ']' {
            nested -= 1;
        }
    }
    skip
}

/// Jayway's `FILTER_PATTERN`: `^\[\s*\?\s*[,\s*\?]*?\s*]$` (`[?]`, `[?, ?]`, …).
fn is_placeholder_filter(f: &[char]) -> bool {
    let ws = |c: char| matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r');
    let Some(inner) = f.strip_prefix(&['[']).and_then(|r| r.strip_suffix(&[']'])) else {
        return false;
    };
    let mut it = inner.iter().copied().skip_while(|&c| ws(c));
    if it.next() != Some('?') {
        return false;
    }
    it.all(|c| ws(c) || c == ',' || c == '*' || c == '?')
}

fn analyze(f: &[char], off: usize, nesting: usize) -> Result<Token, PathError> {
    match f {
        ['$'] => return Ok(Token::Root),
        ['.', '.'] => return Ok(Token::Scan),
        ['[', '*', ']'] | ['.', '*'] => return Ok(Token::Wildcard),
        _ => {}
    }
    if is_placeholder_filter(f) {
        let n = f.iter().filter(|&&c| c == '?').count();
        return Ok(Token::Filter((0..n).map(|_| None).collect()));
    }
    for (i, &c) in f.iter().enumerate() {
        match c {
            '?' => return analyze_filter(f, i, off, nesting),
            '\'' => return analyze_property(f, i, off),
            c if c.is_ascii_digit() || c == ':' || c == '-' || c == '@' => {
                return analyze_array(f, i, off)
            }
            _ => {}
        }
    }
    let shown: String = f.iter().collect();
    Err(err(
        format!("Could not analyze path component: {shown}"),
        off,
    ))
}

fn analyze_filter(f: &[char], i: usize, off: usize, nesting: usize) -> Result<Token, PathError> {
    let mut start = i;
    while f.get(start) != Some(&'[') {
        start = start.checked_sub(1).ok_or_else(|| oob(0, off))?;
    }
    let mut end = 0usize;
    let mut mem = ' ';
    let mut curr = start;
    let mut in_prop = false;
    let mut open_square: i64 = 0;
    let mut open_parens: i64 = 0;
    while end == 0 {
        let c = *f
            .get(curr)
            .ok_or_else(|| oob(curr, off + curr.min(f.len())))?;
        match c {
            '(' if !in_prop => open_parens += 1,
            ')' if !in_prop => open_parens -= 1,
            '[' if !in_prop => open_square += 1,
            ']' if !in_prop => {
                open_square -= 1;
                if open_parens == 0 {
                    end = curr + 1;
                }
            }
            '\'' if mem != '\\' => in_prop = !in_prop,
            _ => {}
        }
        mem = c;
        curr += 1;
    }
    if open_parens != 0 || open_square != 0 {
        return Err(err("Filter brackets are not balanced", off + start));
    }
    let text: String = f.get(start..end).unwrap_or(&[]).iter().collect();
    let pred = parse_filter(&text, off + start, nesting)?;
    Ok(Token::Filter(vec![Some(pred)]))
}

fn analyze_property(f: &[char], mut i: usize, off: usize) -> Result<Token, PathError> {
    let mut properties = Vec::new();
    let mut buffer = String::new();
    let mut open = false;
    let mut current = *f.get(i).ok_or_else(|| oob(i, off))?;
    while current != ']' {
        if current == '\'' {
            if open {
                properties.push(std::mem::take(&mut buffer));
                open = false;
            } else {
                open = true;
            }
        } else if open {
            buffer.push(current);
        }
        i += 1;
        current = *f.get(i).ok_or_else(|| oob(i, off + i.min(f.len())))?;
    }
    Ok(Token::Property(properties))
}

fn analyze_array(f: &[char], mut i: usize, off: usize) -> Result<Token, PathError> {
    let ch = |i: usize| {
        f.get(i)
            .copied()
            .ok_or_else(|| oob(i, off + i.min(f.len())))
    };
    let int = |s: &str| java_parse_int(s).map_err(|m| err(m, off));
    let mut buffer = String::new();
    let mut numbers: Vec<i32> = Vec::new();
    let mut current = ch(i)?;
    let context_size = current == '@';
    let (mut slice_to, mut slice_from, mut slice_between, mut index_sequence) =
        (false, false, false, false);
    let digit_like = |c: char| c.is_ascii_digit() || c == ' ' || c == '-';
    if context_size {
        // Skips `@` and the character after it (Jayway assumes `.`).
        i += 2;
        current = ch(i)?;
        while current != '-' {
            if current != ' ' && current != '(' && current != ')' {
                buffer.push(current);
            }
            i += 1;
            current = ch(i)?;
        }
        let function = std::mem::take(&mut buffer);
        if function != "size" && function != "length" {
            return Err(err(
                format!(
                    "Invalid function: @.{function}. Supported functions are: [(@.length - n)] and [(@.size() - n)]"
                ),
                off,
            ));
        }
        while current != ')' {
            if current != ' ' {
                buffer.push(current);
            }
            i += 1;
            current = ch(i)?;
        }
    } else {
        while current.is_ascii_digit() || matches!(current, ',' | ' ' | ':' | '-') {
            match current {
                ' ' => {}
                ':' => {
                    if buffer.is_empty() {
                        slice_to = true;
                        i += 1;
                        current = ch(i)?;
                        while digit_like(current) {
                            if current != ' ' {
                                buffer.push(current);
                            }
                            i += 1;
                            current = ch(i)?;
                        }
                        numbers.push(int(&buffer)?);
                        buffer.clear();
                    } else {
                        numbers.push(int(&buffer)?);
                        buffer.clear();
                        i += 1;
                        current = ch(i)?;
                        while digit_like(current) {
                            if current != ' ' {
                                buffer.push(current);
                            }
                            i += 1;
                            current = ch(i)?;
                        }
                        if buffer.is_empty() {
                            slice_from = true;
                        } else {
                            slice_between = true;
                            numbers.push(int(&buffer)?);
                            buffer.clear();
                        }
                    }
                }
                ',' => {
                    numbers.push(int(&buffer)?);
                    buffer.clear();
                    index_sequence = true;
                }
                c => buffer.push(c),
            }
            if current == ']' {
                break;
            }
            i += 1;
            current = ch(i)?;
        }
    }
    if !buffer.is_empty() {
        numbers.push(int(&buffer)?);
    }
    let single = numbers.len() == 1 && !slice_to && !slice_from && !context_size;
    let first = *numbers
        .first()
        .ok_or_else(|| err("java.lang.IndexOutOfBoundsException: no index", off))?;
    let op = if single {
        ArrayOp::SingleIndex(first)
    } else if index_sequence {
        ArrayOp::IndexSequence(numbers)
    } else if slice_from {
        ArrayOp::SliceFrom(first)
    } else if slice_to {
        ArrayOp::SliceTo(first)
    } else if slice_between {
        let second = *numbers
            .get(1)
            .ok_or_else(|| err("java.lang.IndexOutOfBoundsException: no index", off))?;
        ArrayOp::SliceBetween(first, second)
    } else if context_size {
        ArrayOp::ContextSize(first)
    } else {
        return Err(err(
            "java.lang.NullPointerException: no array operation",
            off,
        ));
    };
    Ok(Token::Array(op))
}
