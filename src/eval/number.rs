//! Java number semantics: `Double.toString`, integer widening.

/// Java's `Double.toString(d)`.
pub fn java_double_to_string(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if d == d.trunc() && d.abs() < 1e7 {
        return format!("{d:.1}");
    }
    format!("{d}")
}
