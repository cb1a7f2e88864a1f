//! What several test files share.

use std::path::Path;

/// A temporary directory, removed (with what the test wrote in it) when the
/// test ends, passed or failed.
pub struct TempDir(tempfile::TempDir);

impl std::ops::Deref for TempDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

/// A new temporary directory whose name starts with `prefix`.
pub fn new_temp_dir(prefix: &str) -> TempDir {
    TempDir(
        tempfile::Builder::new()
            .prefix(prefix)
            .tempdir()
            .expect("temp dir"),
    )
}
