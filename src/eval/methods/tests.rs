//! Java methods checked against the reference renderer.

use super::*;
use crate::eval::budget::Budget;
use crate::eval::number::Decimal;
use crate::eval::value::Key;
use num_bigint::BigInt;
use proptest::prelude::*;
use std::rc::Rc;

fn s(v: &str) -> Value {
    Value::str(v)
}

fn call(recv: &Value, name: &str, args: &[Value]) -> String {
    match call_method(recv, name, args, &Budget::unmetered()) {
        None => "NONE".into(),
        Some(Ok(v)) => v.to_java_string(),
        Some(Err(e)) => format!("ERR {e}"),
    }
}

#[test]
fn replace_names_the_null_argument_java_reads_first() {
    // expected: oracle (tests/corpus/string-methods.case, sm-replace-null-*)
    let t = s(" a,b ");
    let npe = |arg: &str| {
        format!("ERR java.lang.NullPointerException: Cannot invoke \"java.lang.CharSequence.toString()\" because \"{arg}\" is null")
    };
    assert_eq!(
        call(&t, "replace", &[s(""), Value::Null]),
        npe("replacement")
    );
    assert_eq!(call(&t, "replace", &[Value::Null, s("x")]), npe("target"));
    assert_eq!(
        call(&t, "replace", &[Value::Null, Value::Null]),
        npe("target")
    );
    assert_eq!(call(&t, "replace", &[s(","), s(";")]), " a;b ");
}

#[test]
fn string_methods() {
    // expected: oracle
    let a = s("abc");
    assert_eq!(
        call(&a, "substring", &[Value::Int(5)]),
        "ERR java.lang.StringIndexOutOfBoundsException: begin 5, end 3, length 3"
    );
    assert_eq!(
        call(&a, "charAt", &[Value::Int(5)]),
        "ERR java.lang.StringIndexOutOfBoundsException: String index out of range: 5"
    );
    assert_eq!(call(&a, "substring", &[Value::Int(1)]), "bc");
    assert_eq!(call(&a, "substring", &[Value::Long(1)]), "NONE");
    assert_eq!(call(&a, "indexOf", &[Value::Int(98)]), "1");
    assert_eq!(call(&a, "indexOf", &[s("")]), "0");
    assert_eq!(call(&a, "indexOf", &[s(""), Value::Int(9)]), "3");
    assert_eq!(call(&a, "lastIndexOf", &[s("")]), "3");
    let e = s("h\u{e9}\u{1F600}x");
    assert_eq!(call(&e, "length", &[]), "5");
    assert_eq!(call(&e, "indexOf", &[s("x")]), "4");
    assert_eq!(
        call(&e, "substring", &[Value::Int(2), Value::Int(4)]),
        "\u{1F600}"
    );
    assert_eq!(call(&s(" a "), "trim", &[]), "a");
    assert_eq!(call(&s("ab"), "hashCode", &[]), "3105");
    assert_eq!(call(&s("a"), "compareTo", &[s("c")]), "-2");
    assert_eq!(call(&s("abc"), "replace", &[s(""), s("-")]), "-a-b-c-");
    assert_eq!(
        call(&a, "repeat", &[Value::Int(-1)]),
        "ERR java.lang.IllegalArgumentException: count is negative: -1"
    );
    assert!(call(&a, "repeat", &[Value::Int(i32::MAX)]).starts_with("ERR"));
    assert_eq!(call(&a, "class", &[]), "NONE");
    assert_eq!(call(&a, "getClass", &[]), "class java.lang.String");
}

#[test]
fn jdk17_string_methods() {
    // expected: oracle
    let v = s("  a\r    b\r\n");
    assert_eq!(call(&v, "indent", &[Value::Int(-1)]), " a\n   b\n");
    assert_eq!(call(&v, "stripIndent", &[]), "  a\n    b\n");
    assert_eq!(call(&s("  a\n    b"), "stripIndent", &[]), "a\n  b");
    assert_eq!(call(&s("\\101\\s\\\n"), "translateEscapes", &[]), "A ");
    // After a final `\` Java reads `\0`, and prints it in the message.
    assert_eq!(
        call(&s("ab\\"), "translateEscapes", &[]),
        "ERR java.lang.IllegalArgumentException: Invalid escape sequence: \\\0 \\\\u0000"
    );
    let e = s("a\u{1F600}b");
    assert_eq!(
        call(&e, "codePointCount", &[Value::Int(1), Value::Int(4)]),
        "2"
    );
    assert_eq!(call(&e, "codePointBefore", &[Value::Int(3)]), "128512");
    assert_eq!(
        call(&e, "offsetByCodePoints", &[Value::Int(0), Value::Int(2)]),
        "3"
    );
    assert_eq!(
        call(&e, "charAt", &[Value::Int(4)]),
        "ERR java.lang.StringIndexOutOfBoundsException: index 4, length 4"
    );
    assert_eq!(call(&e, "formatted", &[]), "a\u{1F600}b");
    assert_eq!(call(&e, "describeConstable", &[]), "Optional[a\u{1F600}b]");
    assert_eq!(call(&Value::Bool(true), "describeConstable", &[]), "Optional[DynamicConstantDesc[ConstantBootstraps::getStaticFinal(TRUE/ClassDesc[Boolean])Boolean]]");
    assert_eq!(
        call(&Value::Long(7), "resolveConstantDesc", &[Value::Null]),
        "7"
    );
    assert_eq!(
        call(&Value::Short(7), "resolveConstantDesc", &[Value::Null]),
        "NONE"
    );
    // A `char[]` changes in place.
    let budget = Budget::unmetered();
    let chars = call_method(&s("--"), "toCharArray", &[], &budget);
    let Some(Ok(dst)) = chars else {
        panic!("toCharArray: {chars:?}");
    };
    let args = [Value::Int(1), Value::Int(3), dst.clone(), Value::Int(0)];
    assert_eq!(call(&e, "getChars", &args), "");
    assert_eq!(call(&s(""), "valueOf", &[dst]), "\u{1F600}");
}

#[test]
fn list_methods() {
    // expected: oracle
    let l = Value::new_list(vec![Value::Int(1), Value::Int(2), Value::Int(3)]);
    assert_eq!(call(&l, "remove", &[Value::Int(0)]), "1");
    assert_eq!(call(&l, "remove", &[Value::Long(3)]), "false");
    assert_eq!(
        call(&l, "add", &[Value::Int(7), s("x")]),
        "ERR java.lang.IndexOutOfBoundsException: Index: 7, Size: 2"
    );
    assert_eq!(call(&l, "add", &[Value::Int(0), s("x")]), "");
    assert_eq!(l.to_java_string(), "[x, 2, 3]");
    assert_eq!(
        call(&l, "get", &[Value::Int(5)]),
        "ERR java.lang.IndexOutOfBoundsException: Index 5 out of bounds for length 3"
    );
    assert_eq!(call(&l, "get", &[Value::Long(0)]), "NONE");
    assert_eq!(
        get_index(&l, &Value::Int(-1), &Budget::unmetered()).map(|v| v.map(|v| v.to_java_string())),
        Ok(Some("3".into()))
    );
    assert_eq!(
        get_index(&s("abc"), &Value::Int(-1), &Budget::unmetered()).map(|v| v.is_some()),
        Err("A 'size()' method required for negative value -1 does not exist for class 'java.lang.String'".into())
    );
    assert_eq!(
        get_property(&l, "empty", &Budget::unmetered())
            .ok()
            .flatten()
            .map(|v| v.to_java_string()),
        Some("false".into())
    );
    assert_eq!(
        get_property(&l, "size", &Budget::unmetered())
            .ok()
            .flatten()
            .map(|v| v.to_java_string()),
        None
    );
}

#[test]
fn map_methods() {
    // expected: oracle
    let mut e = crate::eval::value::Entries::default();
    e.insert(Key::str("a"), Value::Int(1));
    e.insert(Key::str("b"), s("x"));
    let m = Value::new_map(e);
    assert_eq!(call(&m, "entrySet", &[]), "[a=1, b=x]");
    assert_eq!(call(&m, "keySet", &[]), "[a, b]");
    assert_eq!(call(&m, "put", &[s("a"), Value::Int(2)]), "1");
    assert_eq!(call(&m, "put", &[s("c"), Value::Int(2)]), "null");
    assert_eq!(
        get_property(&m, "size", &Budget::unmetered())
            .ok()
            .flatten()
            .map(|v| v.is_null()),
        Some(true)
    );
    assert_eq!(
        get_property(&m, "class", &Budget::unmetered())
            .ok()
            .flatten()
            .map(|v| v.to_java_string()),
        Some("class java.util.LinkedHashMap".into())
    );
    let entries = call_method(&m, "entrySet", &[], &Budget::unmetered());
    let items = match &entries {
        Some(Ok(Value::Object(o))) => o.elements(&Budget::unmetered()),
        _ => None,
    };
    if let Some(Ok(items)) = items {
        let first = items.first().cloned().unwrap_or_default();
        assert_eq!(
            get_property(&first, "key", &Budget::unmetered())
                .ok()
                .flatten()
                .map(|v| v.to_java_string()),
            Some("a".into())
        );
        assert_eq!(call(&first, "getValue", &[]), "2");
        assert_eq!(call(&first, "setValue", &[Value::Int(9)]), "2");
        assert_eq!(m.to_java_string(), "{a=9, b=x, c=2}");
    } else {
        panic!("entrySet");
    }
    assert_eq!(call(&m, "remove", &[s("a")]), "9");
    assert_eq!(m.to_java_string(), "{b=x, c=2}");
}

proptest! {
    #[test]
    fn substring_never_panics(st in "\\PC{0,12}", a in -3i32..20, b in -3i32..20) {
        let v = Value::str(&st);
        let _ = call_method(&v, "substring", &[Value::Int(a), Value::Int(b)], &Budget::unmetered());
        let _ = call_method(&v, "substring", &[Value::Int(a)], &Budget::unmetered());
        let _ = call_method(&v, "charAt", &[Value::Int(a)], &Budget::unmetered());
        let _ = call_method(&v, "codePointAt", &[Value::Int(a)], &Budget::unmetered());
        let _ = call_method(&v, "indexOf", &[Value::str("a"), Value::Int(a)], &Budget::unmetered());
        let _ = call_method(&v, "lastIndexOf", &[Value::str(""), Value::Int(b)], &Budget::unmetered());
        let _ = call_method(&v, "indexOf", &[Value::Int(a * 1000)], &Budget::unmetered());
        let _ = call_method(&v, "startsWith", &[Value::str("a"), Value::Int(a)], &Budget::unmetered());
    }
}
#[test]
fn big_decimal_methods() {
    // expected: oracle
    let b = Value::BigInt(Rc::new(
        "12345678901234567890".parse::<BigInt>().unwrap_or_default(),
    ));
    let half = Decimal::from_f64(0.5)
        .and_then(|h| {
            Decimal::from_bigint(&"12345678901234567890".parse().unwrap_or_default()).add(&h)
        })
        .map(|d| Value::Decimal(Rc::new(d)))
        .unwrap_or_default();
    let x = &half;
    assert_eq!(call(x, "intValue", &[]), "-350287150");
    assert_eq!(call(x, "longValue", &[]), "-6101065172474983726");
    assert_eq!(call(x, "doubleValue", &[]), "1.2345678901234567E19");
    assert_eq!(call(x, "toString", &[]), "12345678901234567890.5");
    assert_eq!(call(x, "scale", &[]), "1");
    assert_eq!(call(x, "signum", &[]), "1");
    assert_eq!(call(x, "precision", &[]), "21");
    assert_eq!(call(x, "hashCode", &[]), "1337890915");
    assert_eq!(call(x, "toPlainString", &[]), "12345678901234567890.5");
    assert_eq!(call(x, "negate", &[]), "-12345678901234567890.5");
    assert_eq!(call(x, "abs", &[]), "12345678901234567890.5");
    assert_eq!(call(x, "unscaledValue", &[]), "123456789012345678905");
    assert_eq!(
        call(x, "add", std::slice::from_ref(x)),
        "24691357802469135781.0"
    );
    assert_eq!(call(x, "compareTo", std::slice::from_ref(x)), "0");
    assert_eq!(call(x, "equals", std::slice::from_ref(x)), "true");
    assert_eq!(call(x, "equals", std::slice::from_ref(&b)), "false");
    assert_eq!(call(x, "equals", &[Value::Int(1)]), "false");
    assert!(call(x, "compareTo", &[Value::Int(1)]).starts_with("ERR java.lang.ClassCastException"));
    assert_eq!(x.java_class_name(), "java.math.BigDecimal");
    // A BigDecimal map key stays a BigDecimal.
    assert_eq!(
        x.to_key(&Budget::unmetered())
            .unwrap_or(Key::Null)
            .to_value()
            .java_class_name(),
        "java.math.BigDecimal"
    );
    assert!(x
        .to_key(&Budget::unmetered())
        .unwrap_or(Key::Null)
        .to_value()
        .java_equals(x, &Budget::unmetered())
        .unwrap_or(false));
}

/// `sort(null)` ends with the comparison's error when one fails part way
/// (the budget running out inside `compareTo`, or a `ClassCastException`),
/// whatever order the sort had got to: it never panics, and the list is
/// left as it was.
#[test]
fn sort_stops_cleanly_when_a_comparison_fails_part_way() {
    // expected: inferred (the budget has no Java counterpart; a failed call
    // ends the render, so what the list holds after it is never printed:
    // here it is left unchanged)
    let words: Vec<String> = (0..64u32)
        .map(|i| format!("{}{}", "f".repeat(40), (i * 37) % 64))
        .collect();
    // Every budget between enough for the sort's own charge and enough for
    // the whole: the comparisons run out somewhere in between.
    for steps in (400..4_000).step_by(7) {
        let l = Value::new_list(words.iter().map(|w| s(w)).collect());
        let before = l.to_java_string();
        let budget = Budget::new(steps, usize::MAX);
        match call_method(&l, "sort", &[Value::Null], &budget) {
            Some(Err(_)) => assert_eq!(l.to_java_string(), before, "{steps}"),
            Some(Ok(_)) => {}
            None => panic!("sort is a list method"),
        }
    }
    // A ClassCastException part way through a long list.
    // expected: oracle (the same list built in a template: the message of
    // its MethodInvocationException's cause)
    let mut items: Vec<Value> = words.iter().map(|w| s(w)).collect();
    items.insert(37, Value::Int(1));
    let l = Value::new_list(items);
    let before = l.to_java_string();
    assert_eq!(
        call(&l, "sort", &[Value::Null]),
        "ERR java.lang.ClassCastException: class java.lang.String cannot be cast to class java.lang.Integer (java.lang.String and java.lang.Integer are in module java.base of loader 'bootstrap')"
    );
    assert_eq!(l.to_java_string(), before);
}

/// Which comparison of `sort(null)` throws first is Java's: its TimSort's
/// comparisons, in its order, with its receivers (the standard library's
/// sort met another pair first in about one list in twenty like these).
#[test]
fn sort_meets_the_pair_java_meets_first() {
    // expected: oracle (each list built in a template; letters are strings,
    // digits Integers)
    let cast = |from: &str, to: &str| {
        format!("ERR java.lang.ClassCastException: class java.lang.{from} cannot be cast to class java.lang.{to} (java.lang.{from} and java.lang.{to} are in module java.base of loader 'bootstrap')")
    };
    for (list, want) in [
        (
            "abccbcbbaabaccacbbccbbaabccbbabcbcccbbcbbbabccaabbabcbcbaccbbca7caaabbaacacac\
             bacbaccbc2babcabaaccaaccbacabcbbbbb",
            cast("String", "Integer"),
        ),
        (
            "abbbbccacccbcababbaccccaabcbbaabaabcbcbbcbaabccbbbc2acbaacbaabaccbc5bbaaccaaab\
             cababccbaacabaaacaacacbbcaaccccbaaacbbbcabbaacbcccbb",
            cast("Integer", "String"),
        ),
        ("ba1", cast("String", "Integer")),
        ("a1", cast("String", "Integer")),
        ("1a", cast("Integer", "String")),
    ] {
        let items = list
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => Value::Int(d as i32),
                None => s(&c.to_string()),
            })
            .collect();
        assert_eq!(
            call(&Value::new_list(items), "sort", &[Value::Null]),
            want,
            "{list}"
        );
    }
}

/// `compareTo` of a number or boolean with what it cannot compare with: the
/// bridge method's cast, or the null argument's field read, throws.
#[test]
fn compare_to_across_types_and_with_null() {
    // expected: oracle
    let cce = |from: &str, to: &str| {
        format!("ERR java.lang.ClassCastException: class {from} cannot be cast to class {to} ({from} and {to} are in module java.base of loader 'bootstrap')")
    };
    let npe = |field: &str, param: &str| {
        format!(
            "ERR java.lang.NullPointerException: Cannot read field \"{field}\" because \"{param}\" is null"
        )
    };
    let big = Value::BigInt(Rc::new(BigInt::from(10).pow(20)));
    for (recv, arg, want) in [
        (
            Value::Int(1),
            Value::Long(3_000_000_000),
            cce("java.lang.Long", "java.lang.Integer"),
        ),
        (
            Value::Int(1),
            s("a"),
            cce("java.lang.String", "java.lang.Integer"),
        ),
        (
            Value::Double(2.5),
            Value::Int(1),
            cce("java.lang.Integer", "java.lang.Double"),
        ),
        (
            Value::Bool(true),
            Value::Int(1),
            cce("java.lang.Integer", "java.lang.Boolean"),
        ),
        (Value::Bool(true), Value::Null, npe("value", "b")),
        (Value::Int(1), Value::Null, npe("value", "anotherInteger")),
        (
            Value::Long(3_000_000_000),
            Value::Null,
            npe("value", "anotherLong"),
        ),
        (
            Value::Double(2.5),
            Value::Null,
            npe("value", "anotherDouble"),
        ),
        (big.clone(), Value::Null, npe("signum", "val")),
        (
            big,
            Value::Int(1),
            cce("java.lang.Integer", "java.math.BigInteger"),
        ),
    ] {
        assert_eq!(call(&recv, "compareTo", &[arg]), want);
    }
}

/// A null in a sorted list: the NullPointerException Java's sort meets
/// first, naming the receiver as its code does, or the receiver's own
/// `compareTo(null)`'s.
#[test]
fn sort_meets_a_null_as_java_does() {
    // expected: oracle
    let invoke = |name: &str| {
        format!(
            "ERR java.lang.NullPointerException: Cannot invoke \"java.lang.Comparable.compareTo(Object)\" because \"{name}\" is null"
        )
    };
    for (items, want) in [
        (vec![s("c"), s("b"), s("a"), Value::Null, s("d")], invoke("a[runHi]")),
        (vec![s("a"), Value::Null], invoke("a[runHi]")),
        (vec![s("b"), s("a"), s("c"), Value::Null], invoke("pivot")),
        (
            vec![Value::Null, s("a")],
            "ERR java.lang.NullPointerException: Cannot read field \"value\" because \"anotherString\" is null".into(),
        ),
        (vec![Value::Null], "[null]".into()),
    ] {
        let l = Value::new_list(items);
        let got = match call_method(&l, "sort", &[Value::Null], &Budget::unmetered()) {
            Some(Err(e)) => format!("ERR {e}"),
            _ => l.to_java_string(),
        };
        assert_eq!(got, want);
    }
}

#[test]
fn static_methods_through_a_value() {
    // expected: oracle
    let i = Value::Int(0);
    assert_eq!(call(&i, "parseInt", &[s("41")]), "41");
    assert_eq!(
        call(&i, "parseInt", &[s("4x")]),
        "ERR java.lang.NumberFormatException: For input string: \"4x\""
    );
    assert_eq!(call(&i, "parseInt", &[Value::Int(4)]), "NONE");
    assert_eq!(
        call(&i, "valueOf", &[Value::Null]),
        "ERR java.lang.NumberFormatException: Cannot parse null string"
    );
    assert_eq!(call(&Value::Long(0), "valueOf", &[Value::Int(5)]), "5");
    assert_eq!(
        call(
            &Value::Double(0.0),
            "valueOf",
            &[Value::Long(9_999_999_999)]
        ),
        "9.999999999E9"
    );
    assert_eq!(
        call(
            &Value::Double(0.0),
            "max",
            &[Value::Int(1), Value::Double(f64::NAN)]
        ),
        "NaN"
    );
    assert_eq!(
        call(&Value::Bool(true), "parseBoolean", &[Value::Null]),
        "false"
    );
    assert_eq!(
        call(
            &Value::Long(0),
            "divideUnsigned",
            &[Value::Int(1), Value::Int(0)]
        ),
        "ERR java.lang.ArithmeticException: / by zero"
    );
}

#[test]
fn a_method_without_parameters_refuses_arguments() {
    // expected: oracle
    let iae = "ERR java.lang.IllegalArgumentException: wrong number of arguments";
    assert_eq!(call(&s("abc"), "length", &[Value::Int(5)]), iae);
    assert_eq!(call(&s("abc"), "toUpperCase", &[Value::Int(1)]), iae);
    assert_eq!(
        call(&s("abc"), "toUpperCase", &[Value::Null]),
        "ERR java.lang.NullPointerException"
    );
    // `getBytes(String)` is no method without parameters.
    assert_eq!(call(&s("abc"), "getBytes", &[s("UTF-8")]), "[B@14018177");
    assert_eq!(
        call(&s("abc"), "getBytes", &[s("no such charset")]),
        "ERR java.io.UnsupportedEncodingException: no such charset"
    );
    assert_eq!(call(&Value::Int(3), "toString", &[Value::Double(2.5)]), iae);
    assert_eq!(
        call(&Value::Int(3), "toString", &[Value::Int(2), Value::Int(2)]),
        "10"
    );
    assert_eq!(
        call(&Value::Double(1.5), "isInfinite", &[Value::Int(1)]),
        "false"
    );
    assert_eq!(call(&Value::Double(1.5), "isNaN", &[s("x")]), iae);
    assert_eq!(
        call(&Value::Bool(true), "booleanValue", &[Value::Int(1)]),
        iae
    );
    let l = Value::new_list(vec![Value::Int(1)]);
    assert_eq!(call(&l, "size", &[Value::Int(1)]), iae);
    assert_eq!(call(&l, "listIterator", &[Value::Null]), iae);
    // `listIterator(int)` exists: an iterator.
    assert!(call(&l, "listIterator", &[Value::Int(0)]).starts_with("java.util.ArrayList$ListItr@"));
    // `toArray(Object[])` takes a lone argument as an array of one.
    assert!(call(&l, "toArray", &[Value::Int(1)]).starts_with("[Ljava.lang.Object;@"));
    assert_eq!(call(&s("abc"), "nosuch", &[Value::Int(1)]), "NONE");
    assert_eq!(call(&Value::Int(3), "wait", &[Value::Int(1)]), "NONE");
}

#[test]
fn string_format_as_java() {
    // expected: oracle
    let f = |fmt: &str, args: &[Value]| {
        let mut all = vec![s(fmt)];
        all.extend_from_slice(args);
        call(&s(""), "format", &all)
    };
    assert_eq!(
        f(
            "%.2f|%,d|%x|%08.3e",
            &[
                Value::Double(1.005),
                Value::Int(-1234567),
                Value::Int(-255),
                Value::Double(1234.5678)
            ]
        ),
        "1.01|-1,234,567|ffffff01|1.235e+03"
    );
    assert_eq!(
        f("%tF %<tT", &[Value::Long(1_700_000_000_123)]),
        "2023-11-14 22:13:20"
    );
    assert_eq!(f("%s %s", &[Value::Null]), "null null");
    assert_eq!(
        f("%s %s", &[s("a")]),
        "ERR java.util.MissingFormatArgumentException: Format specifier '%s'"
    );
    assert_eq!(
        f("%+ 10G|", &[]),
        "ERR java.util.IllegalFormatFlagsException: Flags = '^+ '"
    );
    assert_eq!(
        f("%1$<.6E", &[]),
        "ERR java.util.MissingFormatArgumentException: Format specifier '%<.6E'"
    );
    // A `%%` has no argument index: its specifier's text leaves it out.
    assert_eq!(
        f("%2$-%|", &[Value::Int(1)]),
        "ERR java.util.MissingFormatWidthException: %-%"
    );
    assert_eq!(
        f("%1$-5d %-d", &[Value::Int(1)]),
        "ERR java.util.MissingFormatWidthException: %-d"
    );
    assert_eq!(
        f("abc%", &[]),
        "ERR java.util.UnknownFormatConversionException: Conversion = '%'"
    );
    assert_eq!(
        f("%d", &[Value::Double(1.5)]),
        "ERR java.util.IllegalFormatConversionException: d != java.lang.Double"
    );
    assert_eq!(
        f("%c", &[Value::Int(-1)]),
        "ERR java.util.IllegalFormatCodePointException: Code point = 0xffffffff"
    );
    assert_eq!(
        f("%99999999999s", &[]),
        "ERR java.util.IllegalFormatWidthException: -2147483648"
    );
    assert_eq!(
        call(&s(""), "format", &[Value::Null]),
        "ERR java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"s\" is null"
    );
    // The whole format is read before anything is printed: a bad specifier
    // after a missing argument is the error.
    assert_eq!(
        f("%s %q", &[]),
        "ERR java.util.UnknownFormatConversionException: Conversion = 'q'"
    );
    assert_eq!(f(&"%%".repeat(100_000), &[]), "%".repeat(100_000));
    // A width past what a string may hold fails as Java runs out of memory.
    assert!(f("%2000000000s", &[s("x")]).starts_with("ERR java.lang.OutOfMemoryError"));
    for big in [
        "%.2000000000f",
        "%.2000000000g",
        "%.2000000000e",
        "%.2000000000a",
    ] {
        assert!(
            f(big, &[Value::Double(1.5)]).starts_with("ERR java.lang.OutOfMemoryError"),
            "{big}"
        );
    }
}

#[test]
fn big_number_work_is_bounded() {
    // Operands near the digit limit: the slow methods end on the step
    // budget before they start, and results past the limit are refused
    // before they are computed.
    let two = Value::BigInt(Rc::new(BigInt::from(2)));
    let huge = BigInt::from(1) << 33_000usize;
    let h = Value::BigInt(Rc::new(huge.clone()));
    let g = Value::BigInt(Rc::new(huge - 1));
    let started = std::time::Instant::now();
    for (recv, name, args) in [
        (&g, "modPow", vec![g.clone(), h.clone()]),
        (&h, "nextProbablePrime", vec![]),
        (&two, "pow", vec![Value::Int(i32::MAX)]),
        (&two, "shiftLeft", vec![Value::Int(40_000)]),
        (&two, "setBit", vec![Value::Int(40_000)]),
    ] {
        let budget = Budget::new(10_000_000, usize::MAX);
        let r = call_method(recv, name, &args, &budget);
        assert!(matches!(r, Some(Err(_))), "{name}");
    }
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(
        call(&two, "pow", &[Value::Int(40_000)]),
        "ERR java.lang.ArithmeticException: BigInteger result over 10000 digits"
    );
    assert_eq!(
        call(&two, "shiftLeft", &[Value::Int(i32::MAX)]),
        "ERR java.lang.ArithmeticException: BigInteger would overflow supported range"
    );
    let d = Value::Decimal(Rc::new(Decimal {
        unscaled: BigInt::from(125),
        scale: 2,
    }));
    assert_eq!(
        call(&d, "setScale", &[Value::Int(20_000)]).get(..4),
        Some("ERR ")
    );
    assert_eq!(call(&d, "toEngineeringString", &[]), "1.25");
}
