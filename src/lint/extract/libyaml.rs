//! A safe event reader over `unsafe-libyaml`, the Rust translation of libyaml
//! 0.2.5 — the scanner and parser PyYAML's C loader uses, and as lenient as
//! PyYAML's own: multi-line quoted scalars and flow collections continued at
//! the key's indentation, single-pair mappings in flow sequences, and so on.
//!
//! All `unsafe` code of the linter is in this module. The parser lives in a
//! `Box` that never moves (libyaml keeps a pointer to it), is initialised
//! before use and deleted exactly once; every event is copied into owned Rust
//! values and deleted before the next call.

use std::ffi::CStr;
use std::mem::MaybeUninit;

use unsafe_libyaml as unsafe_ffi;

/// A scalar's style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// One parse event, with byte offsets into the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
        start: usize,
    },
    Scalar {
        value: String,
        style: Style,
        anchor: Option<String>,
        tag: Option<String>,
        /// The start of the node: its first property (tag or anchor) if it has one.
        start: usize,
        end: usize,
    },
    SequenceStart {
        anchor: Option<String>,
        tag: Option<String>,
        start: usize,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
        tag: Option<String>,
        start: usize,
    },
    MappingEnd,
}

/// A YAML syntax error: libyaml's message and the byte offset it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct YamlError {
    pub message: String,
    pub offset: usize,
}

/// Reads the events of `input`, one at a time.
pub(super) struct Reader<'a> {
    parser: Box<MaybeUninit<unsafe_ffi::yaml_parser_t>>,
    /// The parser reads from here; it must outlive the parser.
    _input: &'a [u8],
    done: bool,
}

impl<'a> Reader<'a> {
    pub fn new(input: &'a [u8]) -> Reader<'a> {
        let mut parser = Box::new(MaybeUninit::<unsafe_ffi::yaml_parser_t>::uninit());
        // SAFETY: `yaml_parser_initialize` initialises the whole structure (it
        // zeroes it first); its only failure is an allocation failure, which
        // aborts in this translation. The input slice outlives the parser
        // (lifetime 'a), and the boxed parser never moves.
        unsafe {
            let p = parser.as_mut_ptr();
            let ok = unsafe_ffi::yaml_parser_initialize(p).ok;
            debug_assert!(ok);
            unsafe_ffi::yaml_parser_set_input_string(p, input.as_ptr(), input.len() as u64);
        }
        Reader {
            parser,
            _input: input,
            done: false,
        }
    }

    /// The next event; after an error or the end of the stream, `StreamEnd`.
    pub fn next_event(&mut self) -> Result<Event, YamlError> {
        if self.done {
            return Ok(Event::StreamEnd);
        }
        let mut event = MaybeUninit::<unsafe_ffi::yaml_event_t>::uninit();
        // SAFETY: the parser was initialised in `new` and has not failed yet
        // (`done` is set on the first failure: libyaml must not be called again
        // after an error). On success the event is initialised; it is copied
        // into owned values and deleted here, once.
        unsafe {
            let p = self.parser.as_mut_ptr();
            if !unsafe_ffi::yaml_parser_parse(p, event.as_mut_ptr()).ok {
                self.done = true;
                return Err(parser_error(&*p));
            }
            let ev = event.as_mut_ptr();
            let out = convert(&*ev);
            unsafe_ffi::yaml_event_delete(ev);
            if out == Event::StreamEnd {
                self.done = true;
            }
            Ok(out)
        }
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, deleted once here.
        unsafe { unsafe_ffi::yaml_parser_delete(self.parser.as_mut_ptr()) }
    }
}

fn offset(m: &unsafe_ffi::yaml_mark_t) -> usize {
    usize::try_from(m.index).unwrap_or(usize::MAX)
}

/// A NUL-terminated string of libyaml's, or `None` for a null pointer.
///
/// # Safety
/// `p` is null or points to a NUL-terminated string.
unsafe fn c_string(p: *const u8) -> Option<String> {
    if p.is_null() {
        return None;
    }
    Some(CStr::from_ptr(p.cast()).to_string_lossy().into_owned())
}

/// # Safety
/// `ev` is an event `yaml_parser_parse` initialised and that is not deleted yet.
unsafe fn convert(ev: &unsafe_ffi::yaml_event_t) -> Event {
    let start = offset(&ev.start_mark);
    match ev.type_ {
        unsafe_ffi::YAML_STREAM_START_EVENT => Event::StreamStart,
        unsafe_ffi::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
        unsafe_ffi::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
        unsafe_ffi::YAML_ALIAS_EVENT => Event::Alias {
            anchor: c_string(ev.data.alias.anchor).unwrap_or_default(),
            start,
        },
        unsafe_ffi::YAML_SCALAR_EVENT => {
            let s = &ev.data.scalar;
            let len = usize::try_from(s.length).unwrap_or(0);
            let value = if s.value.is_null() || len == 0 {
                String::new()
            } else {
                String::from_utf8_lossy(std::slice::from_raw_parts(s.value, len)).into_owned()
            };
            let style = match s.style {
                unsafe_ffi::YAML_SINGLE_QUOTED_SCALAR_STYLE => Style::SingleQuoted,
                unsafe_ffi::YAML_DOUBLE_QUOTED_SCALAR_STYLE => Style::DoubleQuoted,
                unsafe_ffi::YAML_LITERAL_SCALAR_STYLE => Style::Literal,
                unsafe_ffi::YAML_FOLDED_SCALAR_STYLE => Style::Folded,
                _ => Style::Plain,
            };
            Event::Scalar {
                value,
                style,
                anchor: c_string(s.anchor),
                tag: c_string(s.tag),
                start,
                end: offset(&ev.end_mark),
            }
        }
        unsafe_ffi::YAML_SEQUENCE_START_EVENT => Event::SequenceStart {
            anchor: c_string(ev.data.sequence_start.anchor),
            tag: c_string(ev.data.sequence_start.tag),
            start,
        },
        unsafe_ffi::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
        unsafe_ffi::YAML_MAPPING_START_EVENT => Event::MappingStart {
            anchor: c_string(ev.data.mapping_start.anchor),
            tag: c_string(ev.data.mapping_start.tag),
            start,
        },
        unsafe_ffi::YAML_MAPPING_END_EVENT => Event::MappingEnd,
        // YAML_STREAM_END_EVENT, and YAML_NO_EVENT (not produced on success).
        _ => Event::StreamEnd,
    }
}

/// The error a failed `yaml_parser_parse` left in the parser, worded as PyYAML
/// words it (`while parsing a block mapping: expected <block end>, but found '<scalar>'`).
///
/// # Safety
/// `p` is an initialised parser whose last call failed.
unsafe fn parser_error(p: &unsafe_ffi::yaml_parser_t) -> YamlError {
    let problem = c_string(p.problem.cast()).unwrap_or_else(|| "invalid YAML".into());
    let context = c_string(p.context.cast());
    let (message, offset) = match p.error {
        unsafe_ffi::YAML_READER_ERROR => (
            problem,
            usize::try_from(p.problem_offset).unwrap_or(usize::MAX),
        ),
        _ => (
            match context {
                Some(c) => format!("{c}: {problem}"),
                None => problem,
            },
            offset(&p.problem_mark),
        ),
    };
    YamlError { message, offset }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(s: &str) -> Result<Vec<Event>, YamlError> {
        let mut r = Reader::new(s.as_bytes());
        let mut out = Vec::new();
        loop {
            let e = r.next_event()?;
            if e == Event::StreamEnd {
                return Ok(out);
            }
            out.push(e);
        }
    }

    #[test]
    fn scalars_tags_and_offsets() {
        let ev = events("a: !Sub 'x'\nb: &k |\n  y\n").unwrap_or_default();
        assert!(ev.contains(&Event::Scalar {
            value: "x".into(),
            style: Style::SingleQuoted,
            anchor: None,
            tag: Some("!Sub".into()),
            start: 3,
            end: 11,
        }));
        assert!(ev.contains(&Event::Scalar {
            value: "y\n".into(),
            style: Style::Literal,
            anchor: Some("k".into()),
            tag: None,
            start: 15,
            end: 24,
        }));
    }

    #[test]
    fn errors_have_offsets_and_the_reader_stops() {
        let mut r = Reader::new(b"a: [1, 2\nb: 3\n");
        let err = loop {
            match r.next_event() {
                Ok(Event::StreamEnd) => panic!("no error"),
                Ok(_) => {}
                Err(e) => break e,
            }
        };
        assert!(err.message.contains("flow sequence"), "{}", err.message);
        assert_eq!(r.next_event(), Ok(Event::StreamEnd));
    }

    #[test]
    fn what_pyyaml_accepts() {
        // A quoted scalar continued at the key's indentation.
        assert!(events("a:\n  b: '{\n  \"x\": 1\n  }'\n").is_ok());
        // A flow mapping continued at the key's indentation.
        assert!(events("a:\n  b: [{\n  x: 1\n  }]\n").is_ok());
        // A single-pair mapping in a flow sequence, with tags.
        assert!(events(
            "n: !Sub [\n    \"x-${ID}\",\n    ID: !Select [2, !Split [\"/\", !Ref S]],\n  ]\n"
        )
        .is_ok());
        // A block scalar at the end of the input without a line break.
        assert!(events("a: |\n  x").is_ok());
    }
}
