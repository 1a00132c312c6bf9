//! How server functions answer: JSON, written by [`writer`] instead of
//! serde_json.
//!
//! The browser reads the answers with serde_json as before; only the server
//! writes them differently. Every server function's answer passes through
//! here, and on a listings page escaping strings byte by byte was the
//! single largest cost of a request in the site (see the README's
//! benchmark). The bytes are the same as serde_json's.
//!
//! ```
//! use doorstep_app::codec::AnswerJson;
//! use leptos::server_fn::Encodes;
//!
//! let bytes = <AnswerJson as Encodes<_>>::encode(&vec!["Villa \"Segara\""]).unwrap();
//! assert_eq!(&bytes[..], br#"["Villa \"Segara\""]"#);
//! ```

use std::cell::Cell;

use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType, codec::Post};
use serde::{Serialize, de::DeserializeOwned};

pub mod writer;

/// Answers as JSON written by [`writer`]: the `output` of every server
/// function. (Arguments stay serde_json's `Json`: the browser writes them,
/// and the bundle need not carry a second JSON writer.)
pub type JsonAnswer = Post<AnswerJson>;

/// The JSON encoding of server-function answers.
pub struct AnswerJson;

impl ContentType for AnswerJson {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for AnswerJson {
    const FORMAT_TYPE: Format = Format::Text;
}

/// The largest buffer an answer starts with, whatever came before it.
const MAX_START_CAPACITY: usize = 64 * 1024;

thread_local! {
    /// The size of the last answer written on this thread: the next one
    /// starts with a buffer that large rather than growing one from empty,
    /// copying what it holds each time it doubles.
    static LAST_ANSWER_LEN: Cell<usize> = const { Cell::new(256) };
}

impl<T: Serialize> Encodes<T> for AnswerJson {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        let capacity = LAST_ANSWER_LEN.get().min(MAX_START_CAPACITY);
        let mut out = Vec::with_capacity(capacity);
        writer::write(&mut out, output)?;
        LAST_ANSWER_LEN.set(out.len());
        Ok(Bytes::from(out))
    }
}

impl<T: DeserializeOwned> Decodes<T> for AnswerJson {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        serde_json::from_slice(&bytes)
    }
}

#[cfg(test)]
mod tests;
