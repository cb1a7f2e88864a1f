//! Operators as Velocity 1.7 evaluates them (`ASTAddNode`, `ASTEQNode`, `MathUtils` …).

use super::budget::Budget;
use super::number::Decimal;
use super::value::{CallError, Value};
use crate::syntax::ast::BinOp;
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::rc::Rc;

/// Truthiness of a value that came from a reference or an operator:
/// null and `false` are false, everything else is true.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        _ => true,
    }
}

/// A number operand, as `MathUtils` classifies it.
#[derive(Clone, Copy)]
enum Num<'a> {
    /// An `Integer`, or with its rank (see [`Num::rank`]) a `Short` or `Byte`.
    Int(i32, u8),
    Long(i64),
    Big(&'a BigInt),
    Float(f32),
    Double(f64),
    Dec(&'a Decimal),
}

/// `floatValue()` of a number (`None`: no number).
pub(crate) fn float_value(v: &Value) -> Option<f32> {
    as_num(v).map(Num::float)
}

fn as_num(v: &Value) -> Option<Num<'_>> {
    match v {
        Value::Int(i) => Some(Num::Int(*i, 2)),
        Value::Short(v) => Some(Num::Int(i32::from(*v), 1)),
        Value::Byte(b) => Some(Num::Int(i32::from(*b), 0)),
        Value::Long(i) => Some(Num::Long(*i)),
        Value::BigInt(b) => Some(Num::Big(b)),
        Value::Float(f) => Some(Num::Float(*f)),
        Value::Double(d) => Some(Num::Double(*d)),
        Value::Decimal(d) => Some(Num::Dec(d)),
        _ => None,
    }
}

impl Num<'_> {
    fn long(self) -> i64 {
        match self {
            Num::Int(i, _) => i64::from(i),
            Num::Long(i) => i,
            // Only used on integer operands of the long base.
            Num::Big(b) => b.to_i64().unwrap_or(0),
            Num::Float(f) => f as i64,
            Num::Double(d) => d as i64,
            Num::Dec(d) => d.long_value(),
        }
    }
    fn double(self) -> f64 {
        match self {
            Num::Int(i, _) => f64::from(i),
            Num::Long(i) => i as f64,
            Num::Big(b) => b.to_f64().unwrap_or(f64::NAN),
            Num::Float(f) => f64::from(f),
            Num::Double(d) => d,
            Num::Dec(d) => d.to_f64(),
        }
    }
    /// `floatValue()`, of the operands of the float base (Integer, Long
    /// and the smaller types, Float) and of any number ([`float_value`]):
    /// rounded once from the exact value, to nearest, as Java converts and
    /// Rust's `as` does (through the double of a Long it could be rounded
    /// twice).
    fn float(self) -> f32 {
        match self {
            Num::Int(i, _) => i as f32,
            Num::Long(i) => i as f32,
            // num-bigint rounds once, from the top bits and a sticky bit.
            Num::Big(b) => b.to_f32().unwrap_or(f32::NAN),
            Num::Float(f) => f,
            Num::Double(d) => d as f32,
            Num::Dec(d) => d.to_f32(),
        }
    }
    /// `MathUtils.toBigDecimal`: BigIntegers exactly, other numbers through `doubleValue()`.
    fn decimal(self) -> Result<Decimal, String> {
        match self {
            Num::Dec(d) => Ok(d.clone()),
            Num::Big(b) => Ok(Decimal::from_bigint(b)),
            other => Decimal::from_f64(other.double()),
        }
    }
    fn big(self) -> BigInt {
        match self {
            Num::Big(b) => b.clone(),
            other => BigInt::from(other.long()),
        }
    }
    fn is_zero(self) -> bool {
        match self {
            Num::Int(i, _) => i == 0,
            Num::Long(i) => i == 0,
            Num::Big(b) => b.is_zero(),
            Num::Float(f) => f == 0.0,
            Num::Double(d) => d == 0.0,
            Num::Dec(d) => d.unscaled.is_zero(),
        }
    }
    /// Position in MathUtils' `typesBySize` (Byte < Short < Integer < Long).
    fn rank(self) -> u8 {
        match self {
            Num::Int(_, r) => r,
            _ => 3,
        }
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Base {
    Long,
    /// `Float`: a Float with an integer type or a Float, no Double.
    Float,
    Double,
    BigInteger,
    /// `BigDecimal`: a BigDecimal with anything, or a BigInteger with a Double.
    BigDecimal,
}

fn base(a: Num, b: Num) -> Base {
    let a_int = !matches!(a, Num::Float(_) | Num::Double(_) | Num::Dec(_));
    let b_int = !matches!(b, Num::Float(_) | Num::Double(_) | Num::Dec(_));
    let any_big = matches!(a, Num::Big(_)) || matches!(b, Num::Big(_));
    let any_dec = matches!(a, Num::Dec(_)) || matches!(b, Num::Dec(_));
    if any_dec || ((!a_int || !b_int) && any_big) {
        Base::BigDecimal
    } else if a_int && b_int {
        if any_big {
            Base::BigInteger
        } else {
            Base::Long
        }
    } else if matches!(a, Num::Double(_)) || matches!(b, Num::Double(_)) {
        Base::Double
    } else {
        Base::Float
    }
}

/// `MathUtils.wrapPrimitive`: the result in the larger operand type, widened to Long if needed.
/// A Byte or Short result out of its type's range widens to the next type.
fn wrap(v: i64, a: Num, b: Num) -> Value {
    let r = a.rank().max(b.rank());
    if r == 0 {
        if let Ok(i) = i8::try_from(v) {
            return Value::Byte(i);
        }
    }
    if r <= 1 {
        if let Ok(i) = i16::try_from(v) {
            return Value::Short(i);
        }
    }
    if r <= 2 {
        if let Ok(i) = i32::try_from(v) {
            return Value::Int(i);
        }
    }
    Value::Long(v)
}

/// A BigInteger result (never narrowed, as in 1.7); an error past
/// [`super::number::NUMBER_MAX_BITS`] (an engine limit: Java would grow on).
fn big(v: BigInt) -> Result<Value, String> {
    Ok(Value::BigInt(Rc::new(super::number::check_bigint(v)?)))
}

/// `+ - * / %`. `literal(true)` / `literal(false)` give the source text of the
/// left / right operand (1.7 concatenates it when one side is null and the other a string).
/// `Ok(Value::Null)` where 1.7 yields null (non-numbers, division by zero).
///
/// `Err` only where 1.7 throws (`%` of a BigInteger by a negative number), or
/// when a concatenation runs out of `budget`.
/// A BigInteger mixed with a Double, or a BigDecimal with anything, is computed
/// exactly in `BigDecimal` (division rounds half down at the dividend's scale),
/// as 1.7's `MathUtils` does.
pub fn arith(
    op: BinOp,
    l: &Value,
    r: &Value,
    literal: &dyn Fn(bool) -> String,
    budget: &Budget,
) -> Result<Value, CallError> {
    if op == BinOp::Add && (matches!(l, Value::Str(_)) || matches!(r, Value::Str(_))) {
        let mut s = if l.is_null() {
            literal(true)
        } else {
            l.java_string(budget)?
        };
        if r.is_null() {
            s.push_str(&literal(false));
        } else {
            r.write_java(&mut s, budget)?;
        }
        if budget.saw_lone_surrogates() {
            return Ok(Value::str(&super::jstring::paired(&s)));
        }
        return Ok(Value::str(&s));
    }
    arith_numbers(op, l, r).map_err(CallError::Java)
}

/// [`arith`] of two numbers (anything else gives null).
fn arith_numbers(op: BinOp, l: &Value, r: &Value) -> Result<Value, String> {
    let (Some(a), Some(b)) = (as_num(l), as_num(r)) else {
        return Ok(Value::Null);
    };
    if matches!(op, BinOp::Div | BinOp::Mod) && b.is_zero() {
        return Ok(Value::Null);
    }
    let bs = base(a, b);
    Ok(match bs {
        Base::Long => {
            let (x, y) = (a.long(), b.long());
            let r = match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                // Java: Long.MIN_VALUE / -1 wraps.
                BinOp::Div => Some(x.wrapping_div(y)),
                BinOp::Mod => Some(x.wrapping_rem(y)),
                _ => return Ok(Value::Null),
            };
            match r {
                Some(v) => wrap(v, a, b),
                None => {
                    let (x, y) = (BigInt::from(x), BigInt::from(y));
                    big(match op {
                        BinOp::Add => x + y,
                        BinOp::Sub => x - y,
                        _ => x * y,
                    })?
                }
            }
        }
        Base::BigInteger => {
            let (x, y) = (a.big(), b.big());
            match op {
                BinOp::Add => big(x + y)?,
                BinOp::Sub => big(x - y)?,
                BinOp::Mul => big(x * y)?,
                // BigInteger.divide truncates toward zero, as num-bigint does.
                BinOp::Div => big(x / y)?,
                BinOp::Mod => {
                    if y.is_negative() {
                        return Err(
                            "java.lang.ArithmeticException: BigInteger: modulus not positive"
                                .into(),
                        );
                    }
                    let m = x % &y;
                    big(if m.is_negative() { m + y } else { m })?
                }
                _ => Value::Null,
            }
        }
        // MathUtils.modulo throws before converting (so NaN % BigInteger says this too).
        Base::BigDecimal if op == BinOp::Mod => {
            return Err(
                "java.lang.ArithmeticException: Cannot calculate the modulo of BigDecimals.".into(),
            )
        }
        Base::BigDecimal => {
            let (x, y) = (a.decimal()?, b.decimal()?);
            let d = match op {
                BinOp::Add => x.add(&y)?,
                BinOp::Sub => x.sub(&y)?,
                BinOp::Mul => x.mul(&y)?,
                BinOp::Div => match x.div(&y)? {
                    Some(d) => d,
                    None => return Ok(Value::Null),
                },
                _ => return Ok(Value::Null),
            };
            Value::Decimal(Rc::new(d))
        }
        Base::Float => match ieee(op, a.float(), b.float()) {
            Some(v) => Value::Float(v),
            None => Value::Null,
        },
        Base::Double => match ieee(op, a.double(), b.double()) {
            Some(v) => Value::Double(v),
            None => Value::Null,
        },
    })
}

/// `+ - * / %` of two floats or two doubles, as Java computes them (its `%`
/// is C's fmod, as Rust's); `None` for any other operator.
fn ieee<T>(op: BinOp, x: T, y: T) -> Option<T>
where
    T: std::ops::Add<Output = T>
        + std::ops::Sub<Output = T>
        + std::ops::Mul<Output = T>
        + std::ops::Div<Output = T>
        + std::ops::Rem<Output = T>,
{
    Some(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        BinOp::Mod => x % y,
        _ => return None,
    })
}

/// `MathUtils.compare`: -1, 0, 1 (NaN compares as 0 with anything, as 1.7's code has it).
fn num_compare(a: Num, b: Num) -> Result<Ordering, String> {
    Ok(match base(a, b) {
        Base::Long => a.long().cmp(&b.long()),
        Base::BigInteger => a.big().cmp(&b.big()),
        // (Neither less nor greater: equal, NaN included.)
        Base::Float => a.float().partial_cmp(&b.float()).unwrap_or(Ordering::Equal),
        Base::Double => a
            .double()
            .partial_cmp(&b.double())
            .unwrap_or(Ordering::Equal),
        Base::BigDecimal => a.decimal()?.compare(&b.decimal()?),
    })
}

/// Velocity's `==` on two values (ASTEQNode).
fn equals(l: &Value, r: &Value, budget: &Budget) -> Result<bool, CallError> {
    if let (Some(a), Some(b)) = (as_num(l), as_num(r)) {
        return Ok(num_compare(a, b)? == Ordering::Equal);
    }
    let same_class = matches!(
        (l, r),
        (Value::Bool(_), Value::Bool(_))
            | (Value::Str(_), Value::Str(_))
            | (Value::List(_), Value::List(_))
            | (Value::Map(_), Value::Map(_))
    );
    if same_class {
        return Ok(l.java_equals(r, budget)?);
    }
    // Two views of the same kind are of one class: its `equals` decides.
    if let (Value::Object(a), Value::Object(b)) = (l, r) {
        if a.is_list()
            && b.is_list()
            && super::value::host_class_name(a.as_ref())
                == super::value::host_class_name(b.as_ref())
        {
            if let Some(res) = a.call("equals", std::slice::from_ref(r), budget) {
                return Ok(matches!(res?, Value::Bool(true)));
            }
        }
        if let (Some((_, ka)), Some((_, kb))) = (a.map_view(), b.map_view()) {
            if ka == kb {
                if let Some(res) = a.call("equals", std::slice::from_ref(r), budget) {
                    return Ok(matches!(res?, Value::Bool(true)));
                }
            }
        }
        // Two `Optional`s: `Optional[1]` of an Integer is not that of a Long.
        let optional = |o: &dyn super::value::HostObject| {
            super::value::host_class_name(o) == "java.util.Optional"
        };
        if optional(a.as_ref()) && optional(b.as_ref()) {
            if let Some(res) = a.call("equals", std::slice::from_ref(r), budget) {
                return Ok(matches!(res?, Value::Bool(true)));
            }
        }
    }
    Ok(match (l, r) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        _ => l.java_string(budget)? == r.java_string(budget)?,
    })
}

/// `== != < <= > >=`.
///
/// `==` / `!=`: numbers by value across Integer/Long/BigInteger/Double; same class
/// by Java `equals`; otherwise by `toString()`; null equals only null.
/// `< <= > >=`: false unless both sides are numbers.
/// `Err` only where 1.7 throws (a BigInteger compared with an infinite or NaN
/// double), or when comparing runs out of `budget`.
pub fn compare(op: BinOp, l: &Value, r: &Value, budget: &Budget) -> Result<bool, CallError> {
    match op {
        BinOp::Eq => equals(l, r, budget),
        BinOp::Ne => equals(l, r, budget).map(|b| !b),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let (Some(a), Some(b)) = (as_num(l), as_num(r)) else {
                return Ok(false);
            };
            let o = num_compare(a, b)?;
            Ok(match op {
                BinOp::Lt => o == Ordering::Less,
                BinOp::Le => o != Ordering::Greater,
                BinOp::Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            })
        }
        _ => Ok(false),
    }
}

/// [`compare`] as API Gateway has it: for `==` and `!=`, a null side against a
/// non-null side compares as the empty string `""` (so `$missing == ""` is true).
pub fn compare_apigw(op: BinOp, l: &Value, r: &Value, budget: &Budget) -> Result<bool, CallError> {
    if matches!(op, BinOp::Eq | BinOp::Ne) && (l.is_null() != r.is_null()) {
        let empty = Value::str("");
        let (l, r) = if l.is_null() {
            (&empty, r)
        } else {
            (l, &empty)
        };
        return compare(op, l, r, budget);
    }
    compare(op, l, r, budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(_: bool) -> String {
        "$x".into()
    }

    fn show(v: Result<Value, CallError>) -> String {
        match v {
            Ok(v) => format!("{}:{}", v.java_class_name(), v.to_java_string()),
            Err(e) => format!("ERR {e}"),
        }
    }

    fn bi(s: &str) -> Value {
        Value::BigInt(Rc::new(s.parse().unwrap_or_default()))
    }

    #[test]
    fn arithmetic_types() {
        // expected: oracle
        use BinOp::*;
        let cases: Vec<(BinOp, Value, Value, &str)> = vec![
            (
                Add,
                Value::Int(2147483647),
                Value::Int(1),
                "java.lang.Long:2147483648",
            ),
            (Add, Value::Int(1), Value::Int(1), "java.lang.Integer:2"),
            (Add, Value::Long(1), Value::Int(1), "java.lang.Long:2"),
            (
                Add,
                Value::Long(9223372036854775807),
                Value::Int(1),
                "java.math.BigInteger:9223372036854775808",
            ),
            (
                Sub,
                bi("9223372036854775808"),
                Value::Int(1),
                "java.math.BigInteger:9223372036854775807",
            ),
            (
                Mul,
                Value::Int(65536),
                Value::Int(65536),
                "java.lang.Long:4294967296",
            ),
            (
                Add,
                Value::Float(26.22),
                Value::Int(1),
                "java.lang.Float:27.22",
            ),
            (
                Mul,
                Value::Float(26.22),
                Value::Float(26.22),
                "java.lang.Float:687.48834",
            ),
            (
                Mod,
                Value::Float(26.22),
                Value::Int(5),
                "java.lang.Float:1.2199993",
            ),
            (
                Add,
                Value::Float(26.22),
                Value::Double(1.5),
                "java.lang.Double:27.719999313354492",
            ),
            (Div, Value::Float(1.0), Value::Float(0.0), "null:null"),
            (Div, Value::Int(7), Value::Int(2), "java.lang.Integer:3"),
            (Div, Value::Int(-7), Value::Int(2), "java.lang.Integer:-3"),
            (Mod, Value::Int(-7), Value::Int(2), "java.lang.Integer:-1"),
            (Div, Value::Int(7), Value::Int(0), "null:null"),
            (Mod, Value::Int(7), Value::Double(0.0), "null:null"),
            (
                Div,
                Value::Int(7),
                Value::Double(2.0),
                "java.lang.Double:3.5",
            ),
            (
                Add,
                Value::Double(0.1),
                Value::Double(0.2),
                "java.lang.Double:0.30000000000000004",
            ),
            (Mod, bi("-7"), Value::Int(3), "java.math.BigInteger:2"),
            (Add, Value::str("a"), Value::Int(1), "java.lang.String:a1"),
            (Add, Value::Null, Value::str("a"), "java.lang.String:$xa"),
            (Add, Value::Bool(true), Value::Int(1), "null:null"),
            (Sub, Value::str("3"), Value::Int(1), "null:null"),
            (
                Div,
                Value::Int(i32::MIN),
                Value::Int(-1),
                "java.lang.Long:2147483648",
            ),
        ];
        for (op, l, r, want) in cases {
            assert_eq!(
                show(arith(op, &l, &r, &lit, &Budget::unmetered())),
                want,
                "{op:?} {l:?} {r:?}"
            );
        }
    }

    #[test]
    fn comparisons() {
        // expected: oracle
        use BinOp::*;
        let list = |v: Vec<Value>| Value::new_list(v);
        assert!(compare(
            Eq,
            &Value::Int(1),
            &Value::Double(1.0),
            &Budget::unmetered()
        )
        .unwrap_or(false));
        assert!(compare(Eq, &Value::Long(1), &bi("1"), &Budget::unmetered()).unwrap_or(false));
        assert!(
            compare(Eq, &Value::Int(1), &Value::str("1"), &Budget::unmetered()).unwrap_or(false)
        );
        assert!(!compare(Eq, &Value::Null, &Value::str(""), &Budget::unmetered()).unwrap_or(true));
        assert!(
            compare_apigw(Eq, &Value::Null, &Value::str(""), &Budget::unmetered()).unwrap_or(false)
        );
        assert!(
            compare_apigw(Ne, &Value::Null, &Value::str("a"), &Budget::unmetered())
                .unwrap_or(false)
        );
        assert!(compare(Eq, &Value::Null, &Value::Null, &Budget::unmetered()).unwrap_or(false));
        assert!(!compare(Ne, &Value::Null, &Value::Null, &Budget::unmetered()).unwrap_or(true));
        assert!(compare(
            Eq,
            &Value::Bool(true),
            &Value::str("true"),
            &Budget::unmetered()
        )
        .unwrap_or(false));
        // [1] == [1L] is false: Integer.equals(Long) is false.
        assert!(!compare(
            Eq,
            &list(vec![Value::Int(1)]),
            &list(vec![Value::Long(1)]),
            &Budget::unmetered()
        )
        .unwrap_or(true));
        assert!(compare(
            Eq,
            &list(vec![Value::Int(1)]),
            &list(vec![Value::Int(1)]),
            &Budget::unmetered()
        )
        .unwrap_or(false));
        assert!(
            !compare(Lt, &Value::str("a"), &Value::str("b"), &Budget::unmetered()).unwrap_or(true)
        );
        assert!(compare(
            Lt,
            &Value::Int(1),
            &Value::Double(1.5),
            &Budget::unmetered()
        )
        .unwrap_or(false));
        assert!(compare(
            Ge,
            &bi("9223372036854775808"),
            &Value::Double(1.5),
            &Budget::unmetered()
        )
        .unwrap_or(false));
        assert!(compare(
            Eq,
            &Value::Double(f64::NAN),
            &Value::Int(1),
            &Budget::unmetered()
        )
        .unwrap_or(false));
    }

    #[test]
    fn big_decimal_base() {
        // expected: oracle
        use BinOp::*;
        let b = || bi("12345678901234567890");
        let half = || {
            arith(Add, &Value::Double(0.5), &b(), &lit, &Budget::unmetered()).unwrap_or_default()
        };
        let nan = Value::Double(f64::NAN);
        let cases: Vec<(BinOp, Value, Value, &str)> = vec![
            (
                Div,
                Value::Double(0.1),
                b(),
                "java.math.BigDecimal:8.1000000729000011131113350575294154E-21",
            ),
            (
                Sub,
                b(),
                Value::Double(1.5e-3),
                "java.math.BigDecimal:12345678901234567889.9984999999999999999687749774324174723005853593349456787109375",
            ),
            (Add, half(), Value::Int(1), "java.math.BigDecimal:12345678901234567891.5"),
            (
                Add,
                arith(Mul, &b(), &Value::Double(0.5), &lit, &Budget::unmetered()).unwrap_or_default(),
                Value::Long(9007199254740993),
                // The Long goes through doubleValue() first.
                "java.math.BigDecimal:6181846649872024937.0",
            ),
            (Mul, b(), Value::Double(0.0), "java.math.BigDecimal:0"),
            (Div, half(), Value::Int(0), "null:null"),
            (Div, b(), Value::Double(0.0), "null:null"),
            (
                Mod,
                b(),
                Value::Double(2.5),
                "ERR java.lang.ArithmeticException: Cannot calculate the modulo of BigDecimals.",
            ),
            (
                Mod,
                b(),
                nan.clone(),
                "ERR java.lang.ArithmeticException: Cannot calculate the modulo of BigDecimals.",
            ),
            (
                Add,
                b(),
                nan.clone(),
                "ERR java.lang.NumberFormatException: Infinite or NaN",
            ),
            (
                Add,
                half(),
                Value::Double(f64::INFINITY),
                "ERR java.lang.NumberFormatException: Infinite or NaN",
            ),
        ];
        for (op, l, r, want) in cases {
            assert_eq!(
                show(arith(op, &l, &r, &lit, &Budget::unmetered())),
                want,
                "{op:?} {l:?} {r:?}"
            );
        }
        // (0.001 + v0) <= v0 is exact: false.
        let v0 = bi("85070591730234615847396907784232501249");
        let sum =
            arith(Add, &Value::Double(0.001), &v0, &lit, &Budget::unmetered()).unwrap_or_default();
        assert_eq!(compare(Le, &sum, &v0, &Budget::unmetered()), Ok(false));
        assert_eq!(compare(Gt, &sum, &v0, &Budget::unmetered()), Ok(true));
        assert!(compare(
            Lt,
            &b(),
            &Value::Double(f64::INFINITY),
            &Budget::unmetered()
        )
        .is_err());
        assert!(compare(Eq, &b(), &nan, &Budget::unmetered()).is_err());
        // 2.00 == 2.0 by value, though BigDecimal.equals says no.
        let zero = arith(Sub, &b(), &b(), &lit, &Budget::unmetered()).unwrap_or_default();
        let quarter =
            arith(Add, &zero, &Value::Double(0.25), &lit, &Budget::unmetered()).unwrap_or_default();
        let two_00 =
            arith(Mul, &quarter, &Value::Int(8), &lit, &Budget::unmetered()).unwrap_or_default();
        let half0 =
            arith(Add, &zero, &Value::Double(0.5), &lit, &Budget::unmetered()).unwrap_or_default();
        let two_0 =
            arith(Mul, &half0, &Value::Int(4), &lit, &Budget::unmetered()).unwrap_or_default();
        assert_eq!(two_00.to_java_string(), "2.00");
        assert_eq!(two_0.to_java_string(), "2.0");
        assert!(!two_00
            .java_equals(&two_0, &Budget::unmetered())
            .unwrap_or(true));
        assert_eq!(
            compare(Eq, &two_00, &Value::Double(2.0), &Budget::unmetered()),
            Ok(true)
        );
        assert_eq!(compare(Eq, &two_00, &two_0, &Budget::unmetered()), Ok(true));
    }

    #[test]
    fn big_integer_results_are_bounded() {
        let mut x = bi("12345678901234567890");
        for _ in 0..40 {
            match arith(BinOp::Mul, &x, &x, &lit, &Budget::unmetered()) {
                Ok(v) => x = v,
                Err(e) => {
                    assert!(e.to_string().contains("BigInteger result over"), "{e}");
                    return;
                }
            }
        }
        panic!("no limit");
    }
}
