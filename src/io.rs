//! Reading inputs with their limit applied while reading.
//!
//! A file, a pipe or a device (`/dev/zero`) is read at most one byte past its
//! limit, never whole: a 300 MB file given as a template costs 300 KB of reading
//! before it is refused. Text must be UTF-8.

use std::io::Read;
use std::path::Path;

/// The largest template read: API Gateway's 300 KB ([`crate::Limits::template_max`]).
pub const TEMPLATE_MAX: usize = 300 * 1024;

/// The largest request body read: API Gateway's 10 MB payload limit.
pub const BODY_MAX: usize = 10 * 1024 * 1024;

/// The largest event (or context) file read: room for a 10 MB body written as
/// a JSON string (escapes make it longer), and the rest of the event.
pub const EVENT_MAX: usize = 32 * 1024 * 1024;

/// The largest file `apigw-vtl lint` reads (a template, an OpenAPI, SAM,
/// CloudFormation or Serverless document; CloudFormation takes 1 MB).
pub const LINT_FILE_MAX: usize = 16 * 1024 * 1024;

/// Why an input could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The input goes on past `max` bytes.
    TooLarge { max: usize },
    /// The input is not UTF-8: the first bad byte is at `offset`.
    NotUtf8 { offset: usize },
    /// The operating system could not read it.
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLarge { max } => write!(f, "larger than the limit of {max} bytes"),
            ReadError::NotUtf8 { offset } => {
                write!(f, "not UTF-8 text (invalid byte at offset {offset})")
            }
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads all of `r`, at most `max` bytes, as UTF-8 text.
pub fn read_limited(r: impl Read, max: usize) -> Result<String, ReadError> {
    read_limited_sized(r, max, 0)
}

/// [`read_limited`] into a buffer made for `size_hint` bytes (a file's
/// length), so that a large input is not read through buffers that double
/// (which held up to twice the input at once).
fn read_limited_sized(r: impl Read, max: usize, size_hint: u64) -> Result<String, ReadError> {
    let room = usize::try_from(size_hint).unwrap_or(max).min(max);
    let mut buf = Vec::with_capacity(room.saturating_add(1));
    r.take(u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(ReadError::Io)?;
    if buf.len() > max {
        return Err(ReadError::TooLarge { max });
    }
    String::from_utf8(buf).map_err(|e| ReadError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Reads the file at `path` (`-`: standard input), at most `max` bytes, as
/// UTF-8 text.
pub fn read_path(path: &Path, max: usize) -> Result<String, ReadError> {
    if path == Path::new("-") {
        return read_limited(std::io::stdin().lock(), max);
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_or(0, |m| m.len());
    read_limited_sized(file, max, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_up_to_the_limit_and_no_further() {
        assert_eq!(read_limited(&b"abc"[..], 3).ok().as_deref(), Some("abc"));
        assert!(matches!(
            read_limited(&b"abcd"[..], 3),
            Err(ReadError::TooLarge { max: 3 })
        ));
        // An endless input is read one byte past the limit.
        assert!(matches!(
            read_limited(std::io::repeat(0), 1000),
            Err(ReadError::TooLarge { max: 1000 })
        ));
        assert!(matches!(
            read_limited(&b"ab\xffc"[..], 10),
            Err(ReadError::NotUtf8 { offset: 2 })
        ));
    }

    #[test]
    fn a_size_hint_changes_nothing_but_the_first_buffer() {
        // Exact, too small, too large, past the limit.
        for hint in [3, 1, 1000, u64::MAX] {
            assert_eq!(
                read_limited_sized(&b"abc"[..], 3, hint).ok().as_deref(),
                Some("abc")
            );
            assert!(matches!(
                read_limited_sized(&b"abcd"[..], 3, hint),
                Err(ReadError::TooLarge { max: 3 })
            ));
        }
    }
}
