//! Differential test against the Velocity 1.7 oracle.
//!
//! Generates random, self-contained templates (seeded, reproducible), renders them
//! with the oracle (`$APIGW_VTL_ORACLE batch`, one JVM per null mode) and with this
//! crate, and compares every output byte for byte. When the oracle errors, we must
//! error too (parse or render, position not compared). Where Java computes what
//! this crate stops at a documented limit (README, Limits), the case is excused:
//! a number past the digit cap, a string a method builds past the string cap;
//! a render past the step or memory budget is rendered again within ten times
//! the steps and four times the memory, and must then match (or stop at one of
//! those caps).
//!
//! A second test does the same for generated request bodies (JSON, with
//! json-smart's permissive forms now and then) and templates that read them
//! through `$input.path`, `$input.json` and the maps and lists those return,
//! rendered as API Gateway renders them ([`MappingTemplate`]).
//!
//! Environment:
//! * `APIGW_VTL_ORACLE` — path of the oracle script; unset: the test is skipped.
//! * `APIGW_VTL_DIFF_CASES` — number of templates (default 5000), in each test.
//! * `APIGW_VTL_DIFF_SEED` — PRNG seed (default fixed).
//!
//! All differences go to `<target dir>/differential-failures-SEED.jsonl` and
//! `<target dir>/differential-bodies-failures-SEED.jsonl` (one file per seed,
//! so a run of several seeds keeps each one's).
//!
//! The generator stays inside what Velocity 1.7 supports and avoids output that is
//! unstable (hash codes, `class`, Java arrays printed directly) or where API Gateway
//! knowingly differs from stock Velocity (in apigw mode it never compares a possibly
//! null value with `==`/`!=`, since AWS treats `null == ""` as true, nor tests one
//! in a condition, since a null reference is true on AWS; no `#macro`,
//! `#evaluate`, `#include`, `#parse`, `#stop`).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use apigw_vtl::runtime::{GatewayOptions, MappingTemplate, Request};
use apigw_vtl::{Context, Limits, NullMode, RenderOptions, Template};
use serde_json::json;

const DEFAULT_SEED: u64 = 0x5eed_a919_3b7c_0d11;
const DEFAULT_CASES: usize = 5000;

// ---------------------------------------------------------------------------
// PRNG (xorshift64*)

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `percent`%.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------
// Template generator

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Int,
    Dbl,
    Str,
    Bool,
    List,
    Map,
}

const TYPES: [Ty; 6] = [Ty::Int, Ty::Dbl, Ty::Str, Ty::Bool, Ty::List, Ty::Map];

const INTS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "7",
    "10",
    "-1",
    "-5",
    "100",
    "46341",
    "65536",
    "1000000",
    "2147483647",
    "-2147483648",
    "2147483646",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775807",
    "12345678901234567890",
];
const DOUBLES: &[&str] = &[
    "0.5",
    "1.25",
    "3.0",
    "1000.0",
    "0.1",
    "0.2",
    "2.5",
    "1.0E7",
    "1.5E-3",
    "123456.789",
    "-0.75",
    "9999999.0",
    "0.001",
    "100.0",
];
const STRINGS: &[&str] = &[
    "abc",
    "Hello World",
    "a,b,c",
    "  padded  ",
    "x",
    "",
    "MiXeD",
    "2024-05-06",
    "a.b.c",
    "été",
    "42",
    "tab\there",
    "it's",
    "banana",
];
const KEYS: &[&str] = &["k", "n", "name", "x", "id"];
const WORDS: &[&str] = &[
    "a", "text", "x", "id", ":", ",", "-", "=", "{", "}", "\"k\": ", "\"", "ok", "1", "()", ";",
];
const INDENTS: &[&str] = &["", " ", "  ", "    ", "\t", "\t\t"];

struct Gen<'r> {
    rng: &'r mut Rng,
    /// Variables that are defined (top-level `#set`) and keep their type.
    vars: Vec<(String, Ty)>,
    velocity: bool,
    depth: usize,
    loops: usize,
    out: String,
}

impl Gen<'_> {
    fn var_of(&mut self, ty: Ty) -> Option<String> {
        let names: Vec<&String> = self
            .vars
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(n, _)| n)
            .collect();
        if names.is_empty() {
            None
        } else {
            Some((self.rng.pick(&names)).clone())
        }
    }

    fn expr(&mut self, ty: Ty, d: usize) -> String {
        match ty {
            Ty::Int => self.int_expr(d),
            Ty::Dbl => self.dbl_expr(d),
            Ty::Str => self.str_expr(d),
            Ty::Bool => self.bool_expr(d),
            Ty::List => self.list_expr(d),
            Ty::Map => self.map_expr(d),
        }
    }

    fn int_atom(&mut self) -> String {
        let lit = self.rng.pick(INTS).to_string();
        if lit.starts_with('-') {
            format!("({lit})")
        } else {
            lit
        }
    }

    fn int_expr(&mut self, d: usize) -> String {
        let choice = if d == 0 {
            self.rng.below(4)
        } else {
            self.rng.below(8)
        };
        match choice {
            0 | 1 => self.int_atom(),
            2 | 3 => match self.var_of(Ty::Int) {
                // A Byte or a Short: Velocity's arithmetic keeps their types.
                Some(v) if self.rng.chance(8) => {
                    format!("${v}.{}()", self.rng.pick(&["byteValue", "shortValue"]))
                }
                Some(v) => format!("${v}"),
                None => self.int_atom(),
            },
            4 => match self.var_of(Ty::Str) {
                // A split's array read as a list.
                Some(v) if self.rng.chance(25) => format!("${v}.split(\",\").size()"),
                Some(v) => format!("${v}.length()"),
                None => self.int_atom(),
            },
            5 => match self.var_of(Ty::List) {
                Some(v) => format!("${v}.size()"),
                None => self.int_atom(),
            },
            _ => {
                let op = self.rng.pick(&["+", "-", "*", "/", "%", "+", "*"]);
                let a = self.int_expr(d - 1);
                let b = self.int_expr(d - 1);
                if self.rng.chance(30) {
                    format!("({a} {op} {b})")
                } else {
                    format!("{a} {op} {b}")
                }
            }
        }
    }

    fn dbl_expr(&mut self, d: usize) -> String {
        let choice = if d == 0 {
            self.rng.below(3)
        } else {
            self.rng.below(6)
        };
        match choice {
            0 | 1 => {
                let lit = self.rng.pick(DOUBLES).to_string();
                if lit.starts_with('-') {
                    format!("({lit})")
                } else {
                    lit
                }
            }
            2 => match self.var_of(Ty::Dbl) {
                // A Float: with integers Velocity's arithmetic stays in float.
                Some(v) if self.rng.chance(8) => format!("${v}.floatValue()"),
                Some(v) => format!("${v}"),
                None => match self.var_of(Ty::Int) {
                    Some(v) if self.rng.chance(8) => format!("${v}.floatValue()"),
                    _ => "2.5".into(),
                },
            },
            _ => {
                let op = self.rng.pick(&["+", "-", "*", "/"]);
                let a = self.dbl_expr(d - 1);
                let b = if self.rng.chance(50) {
                    self.int_expr(d - 1)
                } else {
                    self.dbl_expr(d - 1)
                };
                format!("({a} {op} {b})")
            }
        }
    }

    fn str_literal(&mut self) -> String {
        let s = self.rng.pick(STRINGS);
        if self.rng.chance(30) {
            format!("'{}'", s.replace('\'', "''"))
        } else {
            format!("\"{s}\"")
        }
    }

    /// A double-quoted string with references inside.
    fn interpolated(&mut self) -> String {
        let mut s = String::from("\"");
        for _ in 0..1 + self.rng.below(3) {
            s.push_str(self.rng.pick(&["", "v=", " ", "-", "(", "k: "]));
            s.push_str(&self.reference(true));
        }
        s.push_str(self.rng.pick(&["", "!", " end", "]"]));
        s.push('"');
        s
    }

    fn str_expr(&mut self, d: usize) -> String {
        let choice = if d == 0 {
            self.rng.below(3)
        } else {
            self.rng.below(12)
        };
        let Some(var) = self.var_of(Ty::Str) else {
            // Velocity 1.7 calls no methods on string literals.
            return self.str_literal();
        };
        let s = format!("${var}");
        match choice {
            0 | 1 => self.str_literal(),
            2 => s,
            3 => self.interpolated(),
            4 => format!("{s}.toUpperCase()"),
            5 => format!("{s}.trim()"),
            6 => {
                let a = self.rng.pick(&["a", ",", "b", " ", "."]);
                let b = self.rng.pick(&["_", "", "--", "A"]);
                format!("{s}.replace(\"{a}\", \"{b}\")")
            }
            7 => {
                let (re, rep) = self.rng.pick(&[
                    ("[aeiou]", "_"),
                    ("\\s+", ""),
                    ("(\\w)(\\w)", "$2$1"),
                    ("^(.)", "<$1>"),
                    ("[0-9]", "<$0>"),
                    ("(?i)B", "$0$0"),
                    ("(?<=a)(.)", "[$1]"),
                ]);
                format!("{s}.replaceAll(\"{re}\", \"{rep}\")")
            }
            8 => {
                // A literal argument: self-concatenation in loops grows exponentially.
                let c = self.str_literal();
                format!("{s}.concat({c})")
            }
            9 => format!("{s}.toLowerCase()"),
            10 => {
                // Velocity's + concatenates when either side is a string.
                let other = self.int_expr(d - 1);
                format!("{} + {other}", self.str_literal())
            }
            _ if self.rng.chance(30) => format!("{s}.split(\",\").get(0)"),
            _ => format!("{s}.substring(0)"),
        }
    }

    fn bool_expr(&mut self, d: usize) -> String {
        let choice = if d == 0 {
            self.rng.below(3)
        } else {
            self.rng.below(12)
        };
        match choice {
            0 => self.rng.pick(&["true", "false"]).to_string(),
            1 | 2 => match self.var_of(Ty::Bool) {
                Some(v) => format!("${v}"),
                None => "true".into(),
            },
            3 | 4 => {
                let op = self.rng.pick(&[
                    "==", "!=", "<", ">", "<=", ">=", "lt", "gt", "le", "ge", "eq", "ne",
                ]);
                let (a, b) = if self.rng.chance(70) {
                    (self.int_expr(d - 1), self.int_expr(d - 1))
                } else {
                    (self.dbl_expr(d - 1), self.int_expr(d - 1))
                };
                format!("{a} {op} {b}")
            }
            5 => {
                let op = self.rng.pick(&["==", "!="]);
                let a = self.str_expr(d - 1);
                let b = self.str_expr(d - 1);
                format!("{a} {op} {b}")
            }
            6 => {
                let op = self.rng.pick(&["&&", "||", "and", "or"]);
                let a = self.bool_expr(d - 1);
                let b = self.bool_expr(d - 1);
                format!("({a} {op} {b})")
            }
            7 => {
                let a = self.bool_expr(d - 1);
                if self.rng.chance(50) {
                    format!("!({a})")
                } else {
                    format!("!{a}")
                }
            }
            8 => match self.var_of(Ty::Str) {
                Some(v) => {
                    let m = self
                        .rng
                        .pick(&["contains", "startsWith", "endsWith", "equals"]);
                    let arg = self.str_literal();
                    // An array has contains and equals (by identity), not
                    // the other two: undefined is true in an API Gateway `#if`.
                    if matches!(m, "contains" | "equals") && self.rng.chance(30) {
                        format!("${v}.split(\" \").{m}({arg})")
                    } else if m == "equals" && self.rng.chance(30) {
                        // A Character: equal to no string, == to its text.
                        let op = self.rng.pick(&[".equals(", " == ", " != "]);
                        let close = if op == ".equals(" { ")" } else { "" };
                        format!("${v}.concat(\"x\").charAt(0){op}{arg}{close}")
                    } else {
                        format!("${v}.{m}({arg})")
                    }
                }
                None => "false".into(),
            },
            9 => match self.var_of(Ty::Map) {
                Some(v) => format!("${v}.containsKey(\"{}\")", self.rng.pick(KEYS)),
                None => "true".into(),
            },
            10 => match self.var_of(Ty::List) {
                Some(v) => format!("${v}.isEmpty()"),
                None => "false".into(),
            },
            _ => {
                // Truthiness of a reference. An undefined one is false in stock
                // Velocity and true on API Gateway (AWS-recorded), where the oracle
                // says false: apigw mode tests `true` instead (same random draws).
                if self.rng.chance(40) {
                    let n = self.rng.below(3);
                    if self.velocity {
                        format!("$undef{n}")
                    } else {
                        "true".into()
                    }
                } else {
                    let ty = self.rng.pick(&TYPES);
                    match self.var_of(ty) {
                        Some(v) => format!("${v}"),
                        None => "true".into(),
                    }
                }
            }
        }
    }

    fn list_expr(&mut self, d: usize) -> String {
        match self.rng.below(if d == 0 { 2 } else { 5 }) {
            0 => {
                let a = self.rng.below(6) as i64 - 2;
                let b = self.rng.below(6) as i64 - 2;
                format!("[{a}..{b}]")
            }
            1 => match self.var_of(Ty::List) {
                Some(v) => format!("${v}"),
                None => "[1, 2]".into(),
            },
            _ => {
                let n = 1 + self.rng.below(4);
                let items: Vec<String> = (0..n)
                    .map(|_| {
                        let ty = self
                            .rng
                            .pick(&[Ty::Int, Ty::Dbl, Ty::Str, Ty::Bool, Ty::Map]);
                        self.expr_atomic(ty, d - 1)
                    })
                    .collect();
                format!("[{}]", items.join(", "))
            }
        }
    }

    fn map_expr(&mut self, d: usize) -> String {
        if d == 0 || self.rng.chance(20) {
            if let Some(v) = self.var_of(Ty::Map) {
                return format!("${v}");
            }
        }
        let n = 1 + self.rng.below(3);
        let mut keys: Vec<&str> = Vec::new();
        let mut items = Vec::new();
        for _ in 0..n {
            let k = self.rng.pick(KEYS);
            if keys.contains(&k) {
                continue;
            }
            keys.push(k);
            let ty = self
                .rng
                .pick(&[Ty::Int, Ty::Dbl, Ty::Str, Ty::Bool, Ty::List]);
            let v = self.expr_atomic(ty, d.saturating_sub(1));
            items.push(format!("\"{k}\": {v}"));
        }
        format!("{{{}}}", items.join(", "))
    }

    /// An expression usable as a list element, map value or method argument
    /// (Velocity 1.7 takes no operators there).
    fn expr_atomic(&mut self, ty: Ty, d: usize) -> String {
        match ty {
            Ty::Int => self.rng.pick(INTS).to_string(),
            Ty::Dbl => self.rng.pick(DOUBLES).to_string(),
            Ty::Str => {
                if self.rng.chance(30) {
                    self.interpolated()
                } else {
                    self.str_literal()
                }
            }
            Ty::Bool => self.rng.pick(&["true", "false"]).to_string(),
            Ty::List if d > 0 => self.list_expr(d),
            Ty::Map if d > 0 => self.map_expr(d),
            Ty::List => "[1]".into(),
            Ty::Map => "{\"k\": 1}".into(),
        }
    }

    /// A reference to print. `quoted`: inside a string literal.
    fn reference(&mut self, quoted: bool) -> String {
        let silent = if self.rng.chance(25) { "!" } else { "" };
        let formal = self.rng.chance(30);
        let body = match self.rng.below(10) {
            0 | 1 => format!("undef{}", self.rng.below(3)),
            2 => format!("undef{}.{}", self.rng.below(3), self.rng.pick(KEYS)),
            3 if self.loops > 0 => {
                let p = self
                    .rng
                    .pick(&["count", "index", "hasNext", "first", "last"]);
                if self.rng.chance(20) {
                    "velocityCount".to_string()
                } else {
                    format!("foreach.{p}")
                }
            }
            3 if self.loops > 0 => format!("it{}", self.loops - 1),
            _ => {
                // No string variables inside string literals: a string expression then
                // holds at most one string variable and cannot double in a loop.
                let ty = if quoted {
                    self.rng
                        .pick(&[Ty::Int, Ty::Dbl, Ty::Bool, Ty::List, Ty::Map])
                } else {
                    self.rng.pick(&TYPES)
                };
                match self.var_of(ty) {
                    None => format!("undef{}", self.rng.below(3)),
                    Some(v) => match (ty, self.rng.below(4)) {
                        (Ty::Map, 0) => format!("{v}.{}", self.rng.pick(KEYS)),
                        (Ty::Map, 1) if quoted => format!("{v}.get('{}')", self.rng.pick(KEYS)),
                        (Ty::Map, 1) => format!("{v}.get(\"{}\")", self.rng.pick(KEYS)),
                        (Ty::Map, 2) => format!("{v}.size()"),
                        (Ty::List, 0) => format!("{v}[0]"),
                        (Ty::List, 1) => format!("{v}.size()"),
                        (Ty::List, 2) => format!("{v}.get(0)"),
                        (Ty::Str, 0) => format!("{v}.length()"),
                        (Ty::Str, 1) => format!("{v}.toUpperCase()"),
                        (Ty::Str, 2) if !quoted => {
                            let (re, rep) = self.rng.pick(&[
                                ("[a-c]", "-"),
                                ("(.)(.)", "$2$1"),
                                ("(\\d)", "$1$1"),
                            ]);
                            format!("{v}.replaceAll(\"{re}\", \"{rep}\")")
                        }
                        _ => v,
                    },
                }
            }
        };
        if formal {
            format!("${silent}{{{body}}}")
        } else {
            format!("${silent}{body}")
        }
    }

    fn text(&mut self) {
        for _ in 0..1 + self.rng.below(3) {
            let w = match self.rng.below(6) {
                0 => "\n".to_string(),
                1 => format!("\n{}", self.rng.pick(INDENTS)),
                2 => " ".into(),
                _ => self.rng.pick(WORDS).to_string(),
            };
            // Keep a preceding reference from swallowing text as a name, property or
            // index: the generator wants few parse errors, not none.
            if self
                .out
                .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '}' || c == ')')
                && w.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '(')
                && !self.rng.chance(10)
            {
                self.out.push(' ');
            }
            self.out.push_str(&w);
        }
    }

    /// Emits a directive either inline or on a line of its own, indented.
    fn directive(&mut self, text: &str) {
        match self.rng.below(4) {
            0 | 1 => {
                if !self.out.is_empty() && !self.out.ends_with('\n') {
                    self.out.push('\n');
                }
                let ind = self.rng.pick(INDENTS);
                self.out.push_str(ind);
                self.out.push_str(text);
                self.out
                    .push_str(self.rng.pick(&["\n", "\n", "  \n", " ", ""]));
            }
            _ => {
                if self.rng.chance(30) {
                    self.out.push(' ');
                }
                self.out.push_str(text);
            }
        }
    }

    fn stmt(&mut self, top: bool) {
        let choice = if self.depth >= 3 {
            self.rng.below(5)
        } else {
            self.rng.below(10)
        };
        match choice {
            0 | 1 => self.text(),
            2 | 3 => {
                let r = self.reference(false);
                if self.out.ends_with(|c: char| c.is_ascii_alphanumeric()) {
                    self.out.push(' ');
                }
                self.out.push_str(&r);
            }
            4 => self.set(top),
            5 | 6 => self.if_chain(),
            7 | 8 => self.foreach(),
            _ => match self.rng.below(4) {
                0 => {
                    let ind = self.rng.pick(INDENTS);
                    self.out.push_str(&format!("{ind}## comment $x #if\n"));
                }
                1 => self.out.push_str("#* block\n comment *#"),
                2 => self.out.push_str("#[[ $raw #if ]]#"),
                _ => {
                    let r = self.reference(false);
                    self.out.push_str(&format!("\\{r}"));
                }
            },
        }
    }

    fn set(&mut self, top: bool) {
        let (name, ty) = if top || self.vars.is_empty() || self.rng.chance(10) {
            let ty = self.rng.pick(&TYPES);
            if top {
                // Defined after its expression is generated (it must not use itself).
                (format!("v{}", self.vars.len()), ty)
            } else {
                // Inside a block: a scratch variable, never used in comparisons.
                (format!("tmp{}", self.rng.below(3)), ty)
            }
        } else {
            let i = self.rng.below(self.vars.len());
            self.vars[i].clone()
        };
        let fresh = top && !self.vars.iter().any(|(n, _)| *n == name);
        let e = if fresh {
            // A first definition uses only literals and defined variables, so it is
            // never null: once defined, a variable stays defined (`#set` with a null
            // right side changes nothing), which keeps `null == ""` out of apigw mode.
            match ty {
                Ty::List | Ty::Map => self.expr_atomic(ty, 1),
                _ => self.expr(ty, 0),
            }
        } else {
            self.expr(ty, 2)
        };
        if fresh {
            self.vars.push((name.clone(), ty));
        }
        let sp = self.rng.pick(&["", " "]);
        self.directive(&format!("#set({sp}${name} = {e}{sp})"));
        if ty == Ty::Map && top && self.rng.chance(30) {
            // Assignment into a map (top level only: adding a key while a loop
            // iterates the map is a ConcurrentModificationException).
            let k = self.rng.pick(KEYS);
            let v = self.int_atom();
            self.directive(&format!("#set(${name}.{k} = {v})"));
        }
    }

    fn block(&mut self) {
        self.depth += 1;
        for _ in 0..1 + self.rng.below(3) {
            self.stmt(false);
        }
        self.depth -= 1;
    }

    fn cond(&mut self) -> String {
        if self.velocity && self.rng.chance(15) {
            // Comparisons with undefined values: fine for stock Velocity only.
            format!("$undef{} == {}", self.rng.below(3), self.str_literal())
        } else {
            self.bool_expr(2)
        }
    }

    fn if_chain(&mut self) {
        let c = self.cond();
        let sp = self.rng.pick(&["", " "]);
        self.directive(&format!("#if{sp}({c})"));
        self.block();
        for _ in 0..self.rng.below(3) {
            let c = self.cond();
            self.directive(&format!("#elseif({c})"));
            self.block();
        }
        if self.rng.chance(50) {
            let d = self.rng.pick(&["#else", "#{else}"]);
            self.directive(d);
            self.block();
        }
        let d = self.rng.pick(&["#end", "#end", "#{end}"]);
        self.directive(d);
    }

    fn foreach(&mut self) {
        let iterable = match self.rng.below(6) {
            0 => self.list_expr(1),
            1 => match self.var_of(Ty::Map) {
                Some(v) => {
                    if self.rng.chance(50) {
                        format!("${v}.keySet()")
                    } else {
                        format!("${v}")
                    }
                }
                None => "{\"a\": 1, \"b\": 2}".into(),
            },
            2 => match self.var_of(Ty::Str) {
                Some(v) => format!("${v}.split(\"{}\")", self.rng.pick(&[",", "", "\\.", " "])),
                None => "[]".into(),
            },
            3 if self.rng.chance(30) => format!("$undef{}", self.rng.below(3)),
            _ => match self.var_of(Ty::List) {
                Some(v) => format!("${v}"),
                None => "[1, 2, 3]".into(),
            },
        };
        let var = format!("it{}", self.loops);
        self.directive(&format!("#foreach(${var} in {iterable})"));
        self.loops += 1;
        self.depth += 1;
        for _ in 0..1 + self.rng.below(3) {
            match self.rng.below(6) {
                0 => self.out.push_str(&format!("${var}")),
                1 => self.directive("#if($foreach.hasNext),#end"),
                2 if self.rng.chance(30) => {
                    self.directive("#if($foreach.count == 2)#break#end");
                }
                _ => self.stmt(false),
            }
        }
        self.depth -= 1;
        self.loops -= 1;
        let d = self.rng.pick(&["#end", "#{end}"]);
        self.directive(d);
    }
}

fn generate(rng: &mut Rng, velocity: bool) -> String {
    let mut g = Gen {
        rng,
        vars: Vec::new(),
        velocity,
        depth: 0,
        loops: 0,
        out: String::new(),
    };
    for _ in 0..1 + g.rng.below(4) {
        g.set(true);
    }
    for _ in 0..2 + g.rng.below(8) {
        if g.rng.chance(20) {
            g.set(true);
        } else {
            g.stmt(false);
        }
    }
    if g.rng.chance(40) {
        g.out.push('\n');
    }
    g.out
}

// ---------------------------------------------------------------------------
// Request bodies, and templates that read them

const BODY_KEYS: &[&str] = &["a", "b", "id", "name", "items", "k", "x y", "", "é"];
/// The keys a template names as `$r.key`.
const REF_KEYS: &[&str] = &["a", "b", "id", "name", "items", "k", "nope"];
const BODY_NUMBERS: &[&str] = &[
    "0",
    "1",
    "-7",
    "42",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "123456789012345678901234",
    "26.22",
    "0.1",
    "1.5E-3",
    "1e10",
    "-0.0",
    "2.50",
    "100.0",
    "1.0E7",
    "3.141592653589793",
    "1E400",
];
const BODY_STRINGS: &[&str] = &[
    r#""plain""#,
    r#""""#,
    r#""with \"quotes\" and \\ and \/""#,
    r#""caf\u00e9 \ud83d\ude00""#,
    r#""tab\tnew\nline""#,
    r#""It's""#,
    r#""<b>&amp;</b>""#,
    "\"raw é ü 😀\"",
    r#""x\u0041y""#,
    r#""SKU-000001""#,
    r#""a,b""#,
    r#""null""#,
];
const BLANKS: &[&str] = &["", "", "", " ", "\n  ", "\t"];

/// A key written as a word: unquoted in a body, after a dot in a path.
fn is_word(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphabetic())
}

/// The JSONPath of the member `k` of the value at `path`.
fn member_path(path: &str, k: &str) -> String {
    if is_word(k) {
        format!("{path}.{k}")
    } else {
        format!("{path}['{k}']")
    }
}

/// A generated JSON body, and JSONPath expressions of some of its values.
struct BodyGen<'r> {
    rng: &'r mut Rng,
    text: String,
    paths: Vec<String>,
}

impl BodyGen<'_> {
    fn blank(&mut self) {
        let b = self.rng.pick(BLANKS);
        self.text.push_str(b);
    }

    fn value(&mut self, path: &str, depth: usize, in_array: bool) {
        self.blank();
        if self.paths.len() < 40 {
            self.paths.push(path.to_string());
        }
        let roll = self.rng.below(100);
        if depth < 3 && roll < 35 {
            self.text.push('{');
            let n = self.rng.below(6);
            for i in 0..n {
                if i > 0 {
                    self.text.push(',');
                }
                self.blank();
                let k = self.rng.pick(BODY_KEYS);
                // json-smart's unquoted keys, now and then.
                if self.rng.chance(5) && is_word(k) {
                    self.text.push_str(k);
                } else {
                    self.text.push_str(&serde_json::to_string(k).unwrap());
                }
                self.blank();
                self.text.push(':');
                let sub = member_path(path, k);
                self.value(&sub, depth + 1, false);
            }
            self.blank();
            self.text.push('}');
        } else if depth < 3 && roll < 60 {
            self.text.push('[');
            let n = self.rng.below(6);
            for i in 0..n {
                if i > 0 {
                    self.text.push(',');
                }
                self.value(&format!("{path}[{i}]"), depth + 1, true);
            }
            self.blank();
            self.text.push(']');
        } else {
            let v = match self.rng.below(10) {
                0..=3 => self.rng.pick(BODY_NUMBERS),
                4..=7 => self.rng.pick(BODY_STRINGS),
                8 => self.rng.pick(&["true", "false", "null"]),
                // json-smart's single quotes; in an array, two strings
                // without a comma between (`'it''s'` is `it` and `s`).
                _ if in_array && self.rng.chance(30) => "'it''s'",
                _ => "'single'",
            };
            self.text.push_str(v);
        }
        self.blank();
    }
}

/// A body and a template that reads it.
fn generate_body_case(rng: &mut Rng) -> (String, String) {
    let mut b = BodyGen {
        rng,
        text: String::new(),
        paths: Vec::new(),
    };
    // An object at the root, or an array.
    let array = b.rng.chance(20);
    b.text.push(if array { '[' } else { '{' });
    // Now and then more members than a member is searched for among.
    let n = if b.rng.chance(15) {
        17 + b.rng.below(8)
    } else {
        1 + b.rng.below(6)
    };
    for i in 0..n {
        if i > 0 {
            b.text.push(',');
        }
        if array {
            b.value(&format!("$[{i}]"), 1, true);
        } else {
            b.blank();
            let k = b.rng.pick(BODY_KEYS);
            b.text.push_str(&serde_json::to_string(k).unwrap());
            b.text.push(':');
            let sub = member_path("$", k);
            b.value(&sub, 1, false);
        }
    }
    b.text.push(if array { ']' } else { '}' });
    let BodyGen {
        rng, text, paths, ..
    } = b;
    let mut t = String::from("#set($r = $input.path('$'))");
    for _ in 0..1 + rng.below(5) {
        let path = if paths.is_empty() || rng.chance(10) {
            rng.pick(&[
                "$",
                "$.nope",
                "$[0]",
                "$.a.b",
                "$..id",
                "$.items[*]",
                "$[*]",
            ])
            .to_string()
        } else {
            paths[rng.below(paths.len())].clone()
        };
        let k = rng.pick(REF_KEYS);
        let k2 = rng.pick(REF_KEYS);
        let i = rng.below(3);
        // A path with quotes in a string of the other quotes (`$[` and `$.`
        // are no references in a template's string).
        let quoted = if path.contains('\'') {
            format!("\"{path}\"")
        } else {
            format!("'{path}'")
        };
        let stmt = match rng.below(31) {
            0 => format!("$input.path({quoted})"),
            1 => format!("$input.json({quoted})"),
            2 => format!("$r.{k}"),
            3 => format!("$r.{k}.{k2}"),
            4 => format!("$r.get(\"{k}\")"),
            5 => "$r.size()".to_string(),
            6 => "$r".to_string(),
            7 => "$r.keySet()".to_string(),
            8 => format!("$r.containsKey(\"{k}\")"),
            9 => format!("$util.escapeJavaScript($r.{k})"),
            10 => format!("#foreach($v in $r.{k})[$v]#end"),
            11 => "#foreach($v in $r)($v)#end".to_string(),
            12 => format!("#set($p = $r.put(\"{k}\", {i}))$r.{k} $input.path('$').{k}"),
            13 => format!("$r[{i}]"),
            14 => format!("$r.{k}[{i}]"),
            15 => "$input.body".to_string(),
            16 => "$input.json('$')".to_string(),
            17 => format!("$util.parseJson($input.json({quoted}))"),
            18 => "#foreach($e in $r.entrySet())$e.key:$e.value;#end".to_string(),
            19 => format!("$input.path('$..{k}')"),
            20 => format!("$input.json('$[*].{k}')"),
            21 => format!("#set($l = $input.path({quoted}))$l.size() $l.isEmpty() $l"),
            22 => format!("$r.{k}.length() $r.{k}.toString()"),
            23 => format!("$util.escapeJavaScript($input.json({quoted}))"),
            // A map's views: live, and with no get(i).
            24 => format!(
                "#set($ks = $r.keySet())#set($p = $r.put(\"{k}\", {i}))$ks $ks.size() $ks.contains(\"{k}\") [$ks.get(0)]"
            ),
            25 => format!("$r.values() $r.values().contains({i}) $r.entrySet() [$r.values()[0]]"),
            26 => format!("#set($x = $r.keySet().remove(\"{k}\"))$x $r"),
            27 => "#foreach($k in $r.keySet())$k#if($foreach.hasNext),#end#end".to_string(),
            // Copies, and a sort in natural order (failing on mixed types).
            28 => format!("#set($c = $r.clone())#set($p = $c.put(\"{k}\", {i}))$c|$r|$c.class.name"),
            29 => format!("#set($l = $input.path({quoted}))$l.sort(null)$l"),
            _ => format!("#set($m = $r.{k})#if($m.size() > 0)[$m.get(0)]#end"),
        };
        t.push_str(&stmt);
        t.push_str(rng.pick(&["\n", " ", ","]));
    }
    (text, t)
}

#[test]
fn body_generator_is_deterministic() {
    let gen = |seed| {
        let mut r = Rng::new(seed);
        (0..50)
            .map(|_| generate_body_case(&mut r))
            .collect::<Vec<_>>()
    };
    assert_eq!(gen(7), gen(7));
}

/// Templates over generated bodies, rendered as API Gateway renders them:
/// the body reader (its fast pass and the general one, and containers built
/// on first use), JSONPath, and Java's printing of what they read.
#[test]
fn bodies_against_oracle() {
    let Some((oracle, n, seed)) = settings() else {
        return;
    };
    let mut rng = Rng::new(seed ^ 0xb0d1);
    let cases: Vec<Case> = (0..n)
        .map(|id| {
            let (body, template) = generate_body_case(&mut rng);
            // API Gateway's null mode only: `$util`'s answers for null are
            // API Gateway's, which the oracle's stock-Velocity mode does not
            // model.
            Case {
                id,
                velocity: false,
                template,
                event: Some(json!({ "body": body })),
            }
        })
        .collect();
    check_against_oracle(
        &oracle,
        &cases,
        seed,
        "differential-bodies",
        "templates over generated bodies",
    );
}

/// A list for `sort(null)` of 2 to 200 elements: sorted stretches, random
/// or few keys, with one to three Integers, Doubles or nulls among the
/// Strings (or the other way round) somewhere; or sorted blocks of Strings
/// and of Integers.
fn generate_sort_case(rng: &mut Rng) -> String {
    let n = if rng.chance(50) {
        2 + rng.below(30)
    } else {
        32 + rng.below(170)
    };
    let strings = rng.chance(75);
    // Floats (`$f` is one): compared by Float.compareTo, and with anything
    // else a ClassCastException.
    let floats = !strings && rng.chance(25);
    let key = |k: usize| {
        if strings {
            format!("\"k{k:04}\"")
        } else if floats {
            format!("$f.valueOf({k})")
        } else {
            k.to_string()
        }
    };
    let mut items: Vec<String> = Vec::with_capacity(n);
    if rng.chance(30) {
        // Blocks of one type each, sorted: the first comparison across types
        // is a merge's (which runs merge first decides it).
        while items.len() < n {
            let (len, up, text) = (1 + rng.below(60), rng.chance(60), rng.chance(50));
            let start = rng.below(5000);
            for j in 0..len {
                let k = if up {
                    start + j
                } else {
                    (start + 5000).saturating_sub(j)
                };
                items.push(if text {
                    format!("\"k{k:04}\"")
                } else {
                    k.to_string()
                });
            }
        }
        items.truncate(n);
        return format!("#set($l = [{}])$l.sort(null)$l", items.join(","));
    }
    match rng.below(3) {
        0 => {
            while items.len() < n {
                let (start, len, up) = (rng.below(5000), 1 + rng.below(80), rng.chance(60));
                for j in 0..len {
                    let k = if up {
                        start + j
                    } else {
                        (start + 5000).saturating_sub(j)
                    };
                    items.push(key(k));
                }
            }
            items.truncate(n);
        }
        1 => (0..n).for_each(|_| {
            let k = rng.below(10_000);
            items.push(key(k));
        }),
        _ => (0..n).for_each(|_| {
            let k = rng.below(3);
            items.push(key(k));
        }),
    }
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(n);
        let odd = match rng.below(4) {
            0 => "$null".to_string(),
            1 if rng.chance(50) => "$f".to_string(),
            1 => "2.5".to_string(),
            _ if strings => rng.below(10).to_string(),
            _ => "\"s\"".to_string(),
        };
        if let Some(x) = items.get_mut(at) {
            *x = odd;
        }
    }
    format!(
        "#set($d = 2.5)#set($f = $d.floatValue())#set($l = [{}])$l.sort(null)$l",
        items.join(",")
    )
}

/// The Java exception of an error message, as both sides write it: from the
/// exception's class to the end of its message (the oracle's module note
/// and position cut off).
fn java_exception(e: &str) -> Option<&str> {
    let from = e.find("java.lang.")?;
    let rest = &e[from..];
    let end = [" (java.", " at template["]
        .iter()
        .filter_map(|cut| rest.find(cut))
        .min()
        .unwrap_or(rest.len());
    Some(rest[..end].trim_end())
}

/// Which exception a sort of a mixed list throws is the one Java's sort
/// meets first (its comparisons, in its order, with its receivers): the
/// exception and its message, not only that there is one.
#[test]
fn sort_exceptions_against_oracle() {
    let Some((oracle, n, seed)) = settings() else {
        return;
    };
    let cases = generated(seed ^ 0x5047, n.min(500), generate_sort_case);
    let (diff, report) = compare_exceptions(&oracle, &cases, "differential-sorts", java_exception);
    println!(
        "{diff} of {} sorts differ from the oracle (seed {seed})",
        cases.len()
    );
    assert_eq!(diff, 0, "sorts that differ:{report}");
}

/// `n` cases of the engine's own templates (no event, Velocity 1.7's
/// null mode off) made by `generate` from a generator seeded with `seed`.
fn generated(seed: u64, n: usize, generate: fn(&mut Rng) -> String) -> Vec<Case> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|id| Case {
            id,
            velocity: false,
            template: generate(&mut rng),
            event: None,
        })
        .collect()
}

/// How many of `cases` render differently here and in the oracle (`file`
/// names the oracle's batch), comparing errors by the exception text
/// `exception` finds in them; and the first few differences.
fn compare_exceptions(
    oracle: &str,
    cases: &[Case],
    file: &str,
    exception: fn(&str) -> Option<&str>,
) -> (usize, String) {
    let refs: Vec<&Case> = cases.iter().collect();
    let dir = target_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let expected = run_oracle(oracle, &refs, false, &dir, file);
    let mut report = String::new();
    let mut diff = 0;
    // Every difference, one JSON line each.
    let mut all = String::new();
    for (c, exp) in cases.iter().zip(&expected) {
        let ours = run_ours(c);
        let same = match (exp, &ours) {
            (Outcome::Output(a), Outcome::Output(b)) => {
                without_identity_hashes(a) == without_identity_hashes(b)
            }
            // Both refuse the template as it is parsed (a generated string
            // literal's text that does not parse: Velocity parses it when it
            // initializes the template): no exception to compare.
            (Outcome::Error(a), Outcome::Error(b))
                if oracle_parse_failed(a) && b.starts_with("parse error at") =>
            {
                true
            }
            (Outcome::Error(a), Outcome::Error(b)) => match (exception(a), exception(b)) {
                // The JVM throws a preallocated exception, without its
                // message, at a place that has thrown that exception many
                // times (HotSpot's OmitStackTraceInFastThrow: the oracle's
                // `(cause ClassCastException: null)` late in a batch):
                // then only the class is compared.
                (Some(x), Some(y)) if !x.contains(':') && a.contains("Exception: null)") => {
                    y.split(':').next() == Some(x)
                }
                (x, y) => x.is_some() && x == y,
            },
            (Outcome::TimedOut, _) => true,
            _ => false,
        };
        if !same {
            diff += 1;
            if diff <= 5 {
                report.push_str(&format!(
                    "\n  {}\n  oracle: {}\n  ours:   {}\n",
                    c.template,
                    show(exp),
                    show(&ours)
                ));
            }
            let line = serde_json::json!({
                "template": c.template,
                "oracle": to_json(exp),
                "ours": to_json(&ours),
            });
            all.push_str(&line.to_string());
            all.push('\n');
        }
    }
    let path = dir.join(format!("{file}-failures.jsonl"));
    std::fs::write(&path, all).unwrap();
    (diff, report)
}

/// `text` with each identity hash (`java.util.ArrayList$Itr@1b2c3d`: `@`
/// after a class name, then hex digits) cut to the `@`: they differ from JVM
/// to JVM.
fn without_identity_hashes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let (head, tail) = rest.split_at(at + 1);
        out.push_str(head);
        let after_name = head
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == ';' || c == '$');
        let hex = tail.chars().take_while(|c| c.is_ascii_hexdigit()).count();
        rest = if after_name && hex > 0 {
            &tail[hex..]
        } else {
            tail
        };
    }
    out.push_str(rest);
    out
}

/// A `String.format` call with 1 to 3 random specifiers (conversions,
/// flags, widths, precisions, argument indexes, dates) over 0 to 4 random
/// arguments: Integers, Longs (dates too), Doubles whose rounding is on an
/// edge, BigIntegers, BigDecimals, strings, booleans, null, a list, a map.
fn generate_format_case(rng: &mut Rng) -> String {
    const CONVERSIONS: &[&str] = &[
        "b", "B", "h", "H", "s", "S", "c", "C", "d", "o", "x", "X", "e", "E", "f", "g", "G", "a",
        "A", "n", "%", "tY", "tF", "tT", "tc", "tH", "tB", "ta", "tj", "tQ", "ts", "tp", "Tp",
        "tr", "tD", "tN", "tL", "tz", "tZ", "te", "tk", "tl", "tI", "tC", "ty", "TB", "tR", "q",
    ];
    const ARGS: &[&str] = &[
        "0",
        "1",
        "-1",
        "42",
        "-42",
        "255",
        "2147483647",
        "-2147483648",
        "65",
        "128512",
        "9223372036854775807",
        "-9223372036854775807",
        "1700000000123",
        "100000000000",
        "-1000000000000",
        "-62167219200001",
        "0.0",
        "-0.0",
        "0.5",
        "1.5",
        "2.5",
        "0.125",
        "1.005",
        "2.675",
        "9.9995",
        "0.05",
        "123456.789",
        "-98765.4321",
        "1e20",
        "1.0E-5",
        "0.00012345",
        "1e-320",
        "1.7976931348623157E308",
        "99.95",
        "0.1",
        "3.0",
        "'abc'",
        "'Straße'",
        "''",
        "'😀x'",
        "true",
        "false",
        "$null",
        "[1, 'a']",
        "{'k': 2}",
        "$big",
        "$bd",
        "$nbd",
        "$bz",
        "$nbig",
        "$nan",
        "$inf",
        "$byte",
        "$nbyte",
        "$short",
        "$char",
        "$float",
        "$nfloat",
    ];
    let mut fmt = String::new();
    for _ in 0..1 + rng.below(3) {
        fmt.push('%');
        if rng.chance(10) {
            fmt.push_str(&format!("{}$", 1 + rng.below(3)));
        }
        if rng.chance(50) {
            for _ in 0..1 + rng.below(2) {
                fmt.push(rng.pick(&['-', '#', '+', ' ', '0', ',', '(']));
            }
        }
        if rng.chance(10) {
            fmt.push('<');
        }
        if rng.chance(50) {
            fmt.push_str(&(1 + rng.below(14)).to_string());
        }
        if rng.chance(40) {
            fmt.push_str(&format!(".{}", rng.below(9)));
        }
        fmt.push_str(rng.pick(CONVERSIONS));
        fmt.push('|');
    }
    let args: Vec<&str> = (0..rng.below(5)).map(|_| rng.pick(ARGS)).collect();
    // Single quotes: `$` in the format is not a reference.
    format!(
        "#set($big = 12345678901234567890)#set($nbig = -12345678901234567890)\
         #set($bd = $big * 1.5)#set($nbd = $nbig * 0.0001)#set($bz = $big * 0.0)#set($d = 0.0)\
         #set($nan = $d.parseDouble('NaN'))#set($inf = $d.parseDouble('-Infinity'))#set($s = '')\
         #set($i = -200)#set($byte = $i.byteValue())#set($nbyte = $s.concat('é').getBytes().get(0))\
         #set($short = $i.shortValue())#set($char = $s.concat('ßx').charAt(0))\
         #set($float = $big.floatValue())#set($x = -0.1)#set($nfloat = $x.floatValue())\
         $s.format('{fmt}'{}{})",
        if args.is_empty() { "" } else { ", " },
        args.join(", ")
    )
}

/// A static number method of Integer, Long, Double or Boolean called
/// through a value, on random text built from the pieces Java's parsers
/// treat specially (signs, points, exponents, hex prefixes and suffixes,
/// digits of other scripts, blanks), with a random radix now and then.
fn generate_static_case(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "0",
        "1",
        "7",
        "9",
        "12",
        "2147483647",
        "2147483648",
        "9223372036854775807",
        "9223372036854775808",
        "-",
        "+",
        ".",
        "e",
        "E",
        "e-",
        "e+",
        "x",
        "0x",
        "0X",
        "#",
        "p",
        "P",
        "p-",
        "f",
        "d",
        "D",
        "L",
        " ",
        "\t",
        "a",
        "f",
        "z",
        "Z",
        "NaN",
        "Infinity",
        "١",
        "٣",
        "０",
        "Ｆ",
        "_",
        "00",
        "1.5",
        "1e400",
        "1e-400",
        "0x1.8",
        "ff",
    ];
    const CALLS: &[(&str, &str)] = &[
        ("$i", "parseInt"),
        ("$i", "valueOf"),
        ("$i", "decode"),
        ("$i", "parseUnsignedInt"),
        ("$l", "parseLong"),
        ("$l", "valueOf"),
        ("$l", "decode"),
        ("$l", "parseUnsignedLong"),
        ("$d", "parseDouble"),
        ("$d", "valueOf"),
        ("$f", "parseFloat"),
        ("$f", "valueOf"),
        ("$b", "parseBoolean"),
    ];
    let text: String = (0..1 + rng.below(5)).map(|_| rng.pick(PIECES)).collect();
    let (recv, method) = rng.pick(CALLS);
    let radix = if rng.chance(25)
        && !matches!(
            method,
            "decode" | "parseDouble" | "parseFloat" | "parseBoolean"
        )
        && !matches!(recv, "$d" | "$f")
    {
        format!(", {}", rng.pick(&[2, 8, 10, 16, 36, 1, 37]))
    } else {
        String::new()
    };
    format!(
        "#set($i = 0)#set($l = 10000000000)#set($d = 0.5)#set($f = $d.floatValue())#set($b = true)\
         [{recv}.{method}(\"{text}\"{radix})]"
    )
}

/// A random Java method called on a random receiver with random arguments:
/// strings, numbers of each type, a character, lists, a map, a `String[]`,
/// null, against a table of method names of all of them (so most calls meet
/// a receiver of another type, or the wrong number or types of arguments:
/// Velocity's method lookup and conversions are what is tested), printed
/// with the receiver after the call.
fn generate_method_case(rng: &mut Rng) -> String {
    const SETUP: &str = "#set($s = 'Hello, World')#set($e = '')#set($t = ' a,b ,c ')\
        #set($i = 7)#set($z = -3)#set($l = 10000000000)#set($d = 2.5)#set($f = $d.floatValue())\
        #set($b = true)#set($c = $s.charAt(1))#set($by = $i.byteValue())#set($sh = $z.shortValue())\
        #set($list = [3, 'a', 1.5, 3])#set($nums = [3, 1, 2])#set($empty = [])\
        #set($map = {'a': 1, 'b': [1, 2], 'c': 'x'})#set($arr = $t.split(','))\
        #set($big = $l * $l)";
    const RECEIVERS: &[&str] = &[
        "$s", "$e", "$t", "$i", "$z", "$l", "$d", "$f", "$b", "$c", "$by", "$sh", "$list", "$nums",
        "$empty", "$map", "$arr", "$big", "$nothing",
    ];
    const METHODS: &[&str] = &[
        // Strings.
        "length",
        "charAt",
        "substring",
        "indexOf",
        "lastIndexOf",
        "contains",
        "startsWith",
        "endsWith",
        "replace",
        "replaceAll",
        "replaceFirst",
        "split",
        "trim",
        "strip",
        "stripLeading",
        "stripTrailing",
        "isEmpty",
        "isBlank",
        "toUpperCase",
        "toLowerCase",
        "concat",
        "equals",
        "equalsIgnoreCase",
        "compareTo",
        "compareToIgnoreCase",
        "matches",
        "repeat",
        "join",
        "valueOf",
        "hashCode",
        "toString",
        "getBytes",
        "toCharArray",
        "codePointAt",
        "regionMatches",
        "intern",
        "indent",
        "contentEquals",
        "chars",
        "subSequence",
        "describeConstable",
        // Lists and arrays.
        "size",
        "get",
        "add",
        "remove",
        "set",
        "indexOf",
        "subList",
        "clear",
        "addAll",
        "removeAll",
        "retainAll",
        "containsAll",
        "toArray",
        "sort",
        "clone",
        "iterator",
        "listIterator",
        "isEmpty",
        "ensureCapacity",
        "trimToSize",
        "removeIf",
        "forEach",
        // Maps.
        "put",
        "containsKey",
        "containsValue",
        "keySet",
        "values",
        "entrySet",
        "getOrDefault",
        "putIfAbsent",
        "putAll",
        "merge",
        "compute",
        // Numbers, booleans, characters.
        "intValue",
        "longValue",
        "doubleValue",
        "floatValue",
        "byteValue",
        "shortValue",
        "isNaN",
        "isInfinite",
        "signum",
        "abs",
        "max",
        "min",
        "sum",
        "toHexString",
        "toBinaryString",
        "bitCount",
        "reverse",
        "compare",
        "parseInt",
        "booleanValue",
        "charValue",
        "isDigit",
        "isLetter",
        "toChars",
        "getNumericValue",
        "negate",
        "pow",
        "getClass",
        "class",
    ];
    const ARGS: &[&str] = &[
        "0",
        "1",
        "-1",
        "2",
        "5",
        "100",
        "2147483648",
        "1.5",
        "-0.0",
        "'a'",
        "''",
        "'l'",
        "','",
        "'(.)'",
        "'$1'",
        "'Hello'",
        "true",
        "false",
        "$nothing",
        "[1, 2]",
        "{'a': 1}",
        "$c",
        "$l",
        "$s",
        "$list",
        "$d",
        "$by",
        "$arr",
    ];
    let recv = rng.pick(RECEIVERS);
    let mut method = rng.pick(METHODS);
    // An array's hashCode() is its identity hash: it differs from JVM to JVM.
    while recv == "$arr" && method == "hashCode" {
        method = rng.pick(METHODS);
    }
    let n = match rng.below(10) {
        0..=2 => 0,
        3..=6 => 1,
        7..=8 => 2,
        _ => 3,
    };
    let args: Vec<&str> = (0..n).map(|_| rng.pick(ARGS)).collect();
    let call = if method == "class" {
        format!("{recv}.class")
    } else {
        format!("{recv}.{method}({})", args.join(", "))
    };
    format!("{SETUP}[{call}]|[{recv}]")
}

/// The static number methods' parsing against the oracle: values, and the
/// exception and its message.
#[test]
fn static_parsing_against_oracle() {
    let Some((oracle, n, seed)) = settings() else {
        return;
    };
    let cases = generated(seed ^ 0x5747, n.min(1000), generate_static_case);
    let (diff, report) = compare_exceptions(&oracle, &cases, "differential-statics", thrown);
    println!(
        "{diff} of {} static method calls differ from the oracle (seed {seed})",
        cases.len()
    );
    assert_eq!(diff, 0, "static method calls that differ:{report}");
}

/// Java methods of every receiver type against the oracle: values, and the
/// exception and its message.
#[test]
fn methods_against_oracle() {
    let Some((oracle, n, seed)) = settings() else {
        return;
    };
    let cases = generated(seed ^ 0x3E7D, n.min(3000), generate_method_case);
    let (diff, report) =
        compare_exceptions(&oracle, &cases, "differential-methods", thrown_by_method);
    println!(
        "{diff} of {} method calls differ from the oracle (seed {seed})",
        cases.len()
    );
    assert_eq!(diff, 0, "method calls that differ:{report}");
}

/// [`thrown`], with the message Java's reflection gives an
/// `IllegalArgumentException` for arguments a method without parameters
/// refuses left out: the JVM's native accessor says `wrong number of
/// arguments`, the accessor it generates once a method has been called
/// often (as in the oracle's long batch) says nothing.
fn thrown_by_method(e: &str) -> Option<&str> {
    thrown(e).map(|t| t.strip_suffix(": wrong number of arguments").unwrap_or(t))
}

/// Whether the oracle's error is the template failing to parse.
fn oracle_parse_failed(e: &str) -> bool {
    e.starts_with("ParseException") || e.starts_with("TemplateInitException")
}

/// The text of the exception a render error reports (`java.util.…: …`).
fn thrown(e: &str) -> Option<&str> {
    let at = e.find("threw ")? + "threw ".len();
    let rest = e.get(at..)?;
    let rest = rest.strip_prefix("exception ").unwrap_or(rest);
    let end = [" (java.", " at template["]
        .iter()
        .filter_map(|cut| rest.find(cut))
        .min()
        .unwrap_or(rest.len());
    Some(rest.get(..end)?.trim_end())
}

/// `String.format` (java.util.Formatter) against the oracle: outputs, and
/// the exception and its message.
#[test]
fn format_against_oracle() {
    let Some((oracle, n, seed)) = settings() else {
        return;
    };
    let cases = generated(seed ^ 0xF0F7, n.min(1000), generate_format_case);
    let (diff, report) = compare_exceptions(&oracle, &cases, "differential-formats", thrown);
    println!(
        "{diff} of {} String.format calls differ from the oracle (seed {seed})",
        cases.len()
    );
    assert_eq!(diff, 0, "formats that differ:{report}");
}

// ---------------------------------------------------------------------------
// Running

struct Case {
    id: usize,
    velocity: bool,
    template: String,
    /// The request: `None` for the engine's own templates (an empty event,
    /// rendered with a bare [`Context`]); `Some` for templates over a body,
    /// rendered as API Gateway renders them ([`MappingTemplate`]).
    event: Option<serde_json::Value>,
}

enum Outcome {
    Output(String),
    Error(String),
    /// The oracle did not finish the case (see [`ORACLE_CASE_TIMEOUT`]).
    TimedOut,
}

/// How long the oracle may take over one case before it is stopped (the JVM
/// starts within it too). Java computes without limit what this crate stops
/// at a documented limit: `BigInteger`s squared over and over in a loop can
/// take the oracle hours.
const ORACLE_CASE_TIMEOUT: Duration = Duration::from_secs(60);

/// The oracle's outcomes of `cases`, in order. A case it does not finish in
/// [`ORACLE_CASE_TIMEOUT`] is `Outcome::TimedOut`, and the rest go on in a
/// new run.
fn run_oracle(
    oracle: &str,
    cases: &[&Case],
    velocity: bool,
    dir: &std::path::Path,
    tag: &str,
) -> Vec<Outcome> {
    let mut results: std::collections::HashMap<usize, Outcome> = Default::default();
    let mut rest = cases;
    while !rest.is_empty() {
        let done = run_oracle_batch(oracle, rest, velocity, dir, tag, &mut results);
        match rest.get(done) {
            Some(hung) => {
                results.insert(hung.id, Outcome::TimedOut);
                rest = rest.get(done + 1..).unwrap_or(&[]);
            }
            None => rest = &[],
        }
    }
    cases
        .iter()
        .map(|c| {
            results
                .remove(&c.id)
                .unwrap_or_else(|| panic!("no oracle result for case {}", c.id))
        })
        .collect()
}

/// One run of the oracle over `cases`, its outcomes put in `results`: how
/// many it finished (all of them, or those before the one it was stopped on).
fn run_oracle_batch(
    oracle: &str,
    cases: &[&Case],
    velocity: bool,
    dir: &std::path::Path,
    tag: &str,
    results: &mut std::collections::HashMap<usize, Outcome>,
) -> usize {
    let mode = if velocity { "velocity" } else { "apigw" };
    let path = dir.join(format!("{tag}-cases-{mode}.jsonl"));
    let mut f = std::fs::File::create(&path).expect("write cases");
    for c in cases {
        let event = c.event.clone().unwrap_or_else(|| json!({}));
        let line = json!({"id": c.id.to_string(), "template": c.template, "event": event});
        writeln!(f, "{line}").unwrap();
    }
    drop(f);
    let mut cmd = Command::new(oracle);
    cmd.arg("batch")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if velocity {
        cmd.env("ORACLE_NULL", "literal");
    } else {
        cmd.env_remove("ORACLE_NULL");
    }
    let mut child = cmd.spawn().expect("run the oracle");
    let stdout = child.stdout.take().expect("the oracle's output");
    let mut stderr = child.stderr.take().expect("the oracle's messages");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut done = 0;
    loop {
        let line = match rx.recv_timeout(ORACLE_CASE_TIMEOUT) {
            Ok(line) => line.expect("the oracle's output"),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                eprintln!(
                    "oracle stopped after {}s on case {}: {:?}",
                    ORACLE_CASE_TIMEOUT.as_secs(),
                    cases.get(done).map_or(0, |c| c.id),
                    cases.get(done).map_or("?", |c| c.template.as_str())
                );
                return done;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).expect("oracle json");
        let id: usize = v["id"].as_str().unwrap().parse().unwrap();
        let o = match (v.get("output"), v.get("error")) {
            (Some(s), _) => Outcome::Output(s.as_str().unwrap().to_string()),
            (None, Some(e)) => Outcome::Error(e.as_str().unwrap_or("").to_string()),
            _ => panic!("bad oracle line {line}"),
        };
        results.insert(id, o);
        done += 1;
    }
    let status = child.wait().expect("the oracle's exit");
    if !status.success() {
        let culprit = cases.get(done).map(|c| c.template.as_str()).unwrap_or("?");
        panic!(
            "oracle failed on the template after {done} results:\n{culprit:?}\n{}",
            errors.join().unwrap_or_default()
        );
    }
    cases.len()
}

fn run_ours(c: &Case) -> Outcome {
    run_ours_within(c, Limits::default())
}

/// Whether `error` (of [`run_ours`]) is a render stopped by its step or
/// memory budget (README, Limits).
fn over_budget(error: &str) -> bool {
    error.contains("evaluation budget of") || error.contains("memory budget of")
}

/// The limits a case stopped by its budget is rendered again within: ten
/// times the steps and four times the memory of the defaults.
fn larger_budget() -> Limits {
    let d = Limits::default();
    Limits {
        steps_max: d.steps_max * 10,
        memory_max: d.memory_max * 4,
        ..d
    }
}

fn run_ours_within(c: &Case, limits: Limits) -> Outcome {
    let opts = RenderOptions {
        null_mode: if c.velocity {
            NullMode::Velocity
        } else {
            NullMode::ApiGateway
        },
        limits,
    };
    let t = c.template.clone();
    if let Some(event) = &c.event {
        let event = event.to_string();
        let r = panic::catch_unwind(AssertUnwindSafe(move || {
            let req = match Request::from_event_json(&event) {
                Ok(r) => r,
                Err(e) => return Outcome::Error(format!("event: {e}")),
            };
            match MappingTemplate::parse(&t) {
                Err(e) => Outcome::Error(format!("parse error at {}: {}", e.pos, e.message)),
                Ok(m) => {
                    let gw = GatewayOptions {
                        render: opts,
                        ..GatewayOptions::default()
                    };
                    match m.render(&req, &gw) {
                        Ok(r) => Outcome::Output(r.body),
                        Err(e) => Outcome::Error(format!("render error: {e}")),
                    }
                }
            }
        }));
        return r.unwrap_or_else(|p| panic_outcome(&p));
    }
    let r = panic::catch_unwind(AssertUnwindSafe(move || match Template::parse(&t) {
        Err(e) => Outcome::Error(format!("parse error at {}: {}", e.pos, e.message)),
        Ok(t) => match t.render_with(&Context::new(), &opts) {
            Ok(s) => Outcome::Output(s),
            Err(e) => Outcome::Error(format!("render error at {}: {}", e.pos, e.message)),
        },
    }));
    r.unwrap_or_else(|p| panic_outcome(&p))
}

fn panic_outcome(p: &Box<dyn std::any::Any + Send>) -> Outcome {
    let msg = p
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    Outcome::Error(format!("PANIC: {msg}"))
}

fn target_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map(PathBuf::from).unwrap_or(tmp)
}

fn show(o: &Outcome) -> String {
    match o {
        Outcome::Output(s) => format!("{s:?}"),
        Outcome::Error(e) => format!("ERROR {e}"),
        Outcome::TimedOut => "TIMED OUT".to_string(),
    }
}

fn to_json(o: &Outcome) -> serde_json::Value {
    match o {
        Outcome::Output(s) => json!({ "output": s }),
        Outcome::Error(e) => json!({ "error": e }),
        Outcome::TimedOut => json!({ "timed_out": true }),
    }
}

#[test]
fn generator_is_deterministic() {
    let a: Vec<String> = {
        let mut r = Rng::new(7);
        (0..50).map(|i| generate(&mut r, i % 4 == 0)).collect()
    };
    let b: Vec<String> = {
        let mut r = Rng::new(7);
        (0..50).map(|i| generate(&mut r, i % 4 == 0)).collect()
    };
    assert_eq!(a, b);
    assert!(a.iter().all(|t| !t.is_empty()));
}

/// The oracle, the number of cases and the seed, from the environment
/// (`None`: no oracle, the test is skipped and says so).
fn settings() -> Option<(String, usize, u64)> {
    let Some(oracle) = std::env::var("APIGW_VTL_ORACLE")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        println!("differential test SKIPPED: set APIGW_VTL_ORACLE=../shared/oracle/oracle");
        eprintln!("differential test SKIPPED: set APIGW_VTL_ORACLE=../shared/oracle/oracle");
        return None;
    };
    let n: usize = std::env::var("APIGW_VTL_DIFF_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let seed: u64 = std::env::var("APIGW_VTL_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    Some((oracle, n, seed))
}

#[test]
fn differential_against_oracle() {
    let Some((oracle, n, seed)) = settings() else {
        return;
    };
    let mut rng = Rng::new(seed);
    let cases: Vec<Case> = (0..n)
        .map(|id| {
            let velocity = rng.chance(25);
            Case {
                id,
                velocity,
                template: generate(&mut rng, velocity),
                event: None,
            }
        })
        .collect();

    check_against_oracle(&oracle, &cases, seed, "differential", "generated templates");
}

/// Renders `cases` with the oracle and with this crate and compares them;
/// panics with a report when any differ (all differences go to `failures`
/// in the target directory).
fn check_against_oracle(oracle: &str, cases: &[Case], seed: u64, tag: &str, what: &str) {
    let n = cases.len();
    let dir = target_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let mut expected: Vec<Option<Outcome>> = (0..n).map(|_| None).collect();
    for velocity in [false, true] {
        let subset: Vec<&Case> = cases.iter().filter(|c| c.velocity == velocity).collect();
        if subset.is_empty() {
            continue;
        }
        for (c, o) in subset
            .iter()
            .zip(run_oracle(oracle, &subset, velocity, &dir, tag))
        {
            expected[c.id] = Some(o);
        }
    }

    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let got: Vec<Outcome> = cases.iter().map(run_ours).collect();

    panic::set_hook(hook);

    let failures_path = dir.join(format!("{tag}-failures-{seed}.jsonl"));
    let mut failures = std::fs::File::create(&failures_path).unwrap();
    let mut report = String::new();
    let mut diff = 0usize;
    let mut oracle_errors = 0usize;
    // Results past the documented size of a BigInteger or BigDecimal (README,
    // Limits): Java computes them, this crate stops with an error by design.
    let over_digits = format!(
        "result over {} digits",
        apigw_vtl::eval::number::DECIMAL_MAX_DIGITS
    );
    // A string a method builds past its fixed cap (README, Limits; Java's
    // is 2^31 - 1 characters).
    let over_string = "OutOfMemoryError: Requested array size exceeds VM limit";
    let past_cap = |b: &str| b.contains(&over_digits) || b.contains(over_string);
    let mut limited = 0usize;
    let mut over_budget_cases = 0usize;
    let mut timed_out = 0usize;
    for (c, (exp, ours)) in cases.iter().zip(expected.iter().zip(&got)) {
        let exp = exp.as_ref().unwrap();
        if matches!(exp, Outcome::Error(_)) {
            oracle_errors += 1;
        }
        let same = match (exp, ours) {
            // Nothing to compare with (but this crate must not panic).
            (Outcome::TimedOut, Outcome::Error(b)) => {
                timed_out += 1;
                !b.starts_with("PANIC")
            }
            (Outcome::TimedOut, _) => {
                timed_out += 1;
                true
            }
            (Outcome::Output(a), Outcome::Output(b)) => a == b,
            (Outcome::Error(_), Outcome::Error(b)) => !b.starts_with("PANIC"),
            (Outcome::Output(_), Outcome::Error(b)) if past_cap(b) => {
                limited += 1;
                true
            }
            // Work past the default step or memory budget (a generated
            // template can grow a string or a list in nested loops): Java
            // computes it; here the render stops by design. Rendered again
            // with a larger budget, it must match.
            (Outcome::Output(a), Outcome::Error(b)) if over_budget(b) => {
                over_budget_cases += 1;
                let hook = panic::take_hook();
                panic::set_hook(Box::new(|_| {}));
                let again = run_ours_within(c, larger_budget());
                panic::set_hook(hook);
                match again {
                    Outcome::Output(b) => *a == b,
                    Outcome::Error(b) => over_budget(&b) || past_cap(&b),
                    Outcome::TimedOut => false,
                }
            }
            _ => false,
        };
        if same {
            continue;
        }
        diff += 1;
        let rec = json!({
            "id": c.id,
            "mode": if c.velocity { "velocity" } else { "apigw" },
            "template": c.template,
            "oracle": to_json(exp),
            "ours": to_json(ours),
        });
        writeln!(failures, "{rec}").unwrap();
        if diff <= 20 {
            report.push_str(&format!(
                "\n--- case {} (mode {})\n  template: {:?}\n  oracle:   {}\n  ours:     {}\n",
                c.id,
                if c.velocity { "velocity" } else { "apigw" },
                c.template,
                show(exp),
                show(ours)
            ));
        }
    }
    let summary = format!(
        "{diff} of {n} {what} differ from the oracle (seed {seed}; the oracle errored on {oracle_errors} and was stopped on {timed_out}; {limited} stopped at the digit limit of numbers or the size limit of strings; {over_budget_cases} stopped by the step or memory budget, then rendered again within a larger one); all differences: {}",
        failures_path.display()
    );
    println!("{summary}");
    if diff > 0 {
        panic!("{report}\n{summary}");
    }
}
