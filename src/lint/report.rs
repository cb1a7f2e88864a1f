//! Diagnostics → human, JSON, GitHub annotations, SARIF.
