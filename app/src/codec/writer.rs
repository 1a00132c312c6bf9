//! A compact JSON writer for serde: the bytes `serde_json::to_vec` makes,
//! with strings scanned eight bytes at a time.
//!
//! serde_json looks up every byte of every string in a table to see whether
//! it needs escaping. Nearly nothing a site sends does, so this writer tests
//! a whole 64-bit word for a quote, a backslash or a control character at
//! once and copies the runs in between in one go. Integers are written with
//! `itoa`, as serde_json writes them, and floats by serde_json itself, so the
//! output is byte for byte the same (the tests compare the two on generated
//! values).
//!
//! Only what the serde data model describes is supported; serde_json's own
//! extensions (`RawValue`, arbitrary-precision numbers) are not, and nothing
//! the site sends uses them.

use serde::ser::{self, Error as _, Serialize};

/// The error type: serde_json's, so callers see one kind of JSON error.
pub type Error = serde_json::Error;

/// Appends `value` as compact JSON to `out`.
pub fn write<T: ?Sized + Serialize>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(&mut Writer { out })
}

struct Writer<'o> {
    out: &'o mut Vec<u8>,
}

impl Writer<'_> {
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    fn integer(&mut self, value: impl itoa::Integer) {
        self.raw(itoa::Buffer::new().format(value).as_bytes());
    }

    fn string(&mut self, value: &str) {
        write_escaped(self.out, value);
    }

    /// Opens `{"variant":`, the wrapper of every enum variant with data.
    fn open_variant(&mut self, variant: &str) {
        self.raw(b"{");
        self.string(variant);
        self.raw(b":");
    }
}

/// A float exactly as serde_json writes it (`null` for NaN and the
/// infinities, which JSON cannot express), by serde_json itself: floats are
/// rare in an answer, and its choice of digits is its own to change.
macro_rules! float {
    ($writer:expr, $value:expr) => {
        serde_json::to_writer(&mut *$writer.out, &$value)?
    };
}

impl<'a, 'o> ser::Serializer for &'a mut Writer<'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Sequence<'a, 'o>;
    type SerializeTuple = Sequence<'a, 'o>;
    type SerializeTupleStruct = Sequence<'a, 'o>;
    type SerializeTupleVariant = Sequence<'a, 'o>;
    type SerializeMap = Object<'a, 'o>;
    type SerializeStruct = Object<'a, 'o>;
    type SerializeStructVariant = Object<'a, 'o>;

    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.raw(if value { b"true" } else { b"false" });
        Ok(())
    }

    fn serialize_i8(self, value: i8) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_i16(self, value: i16) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_i32(self, value: i32) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_i64(self, value: i64) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_i128(self, value: i128) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_u8(self, value: u8) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_u16(self, value: u16) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_u32(self, value: u32) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_u64(self, value: u64) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_u128(self, value: u128) -> Result<(), Error> {
        self.integer(value);
        Ok(())
    }

    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        float!(self, value);
        Ok(())
    }

    fn serialize_f64(self, value: f64) -> Result<(), Error> {
        float!(self, value);
        Ok(())
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.string(value.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.string(value);
        Ok(())
    }

    /// Bytes are an array of numbers, as in serde_json.
    fn serialize_bytes(self, value: &[u8]) -> Result<(), Error> {
        let mut sequence = self.serialize_seq(Some(value.len()))?;
        for byte in value {
            ser::SerializeSeq::serialize_element(&mut sequence, byte)?;
        }
        ser::SerializeSeq::end(sequence)
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.raw(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.open_variant(variant);
        value.serialize(&mut *self)?;
        self.raw(b"}");
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Sequence<'a, 'o>, Error> {
        self.raw(b"[");
        Ok(Sequence {
            writer: self,
            first: true,
            variant: false,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Sequence<'a, 'o>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Sequence<'a, 'o>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Sequence<'a, 'o>, Error> {
        self.open_variant(variant);
        let mut sequence = self.serialize_seq(Some(len))?;
        sequence.variant = true;
        Ok(sequence)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Object<'a, 'o>, Error> {
        self.raw(b"{");
        Ok(Object {
            writer: self,
            first: true,
            variant: false,
        })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Object<'a, 'o>, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Object<'a, 'o>, Error> {
        self.open_variant(variant);
        let mut object = self.serialize_map(Some(len))?;
        object.variant = true;
        Ok(object)
    }
}

/// An array being written; `variant` when it sits in a variant's wrapper.
pub struct Sequence<'a, 'o> {
    writer: &'a mut Writer<'o>,
    first: bool,
    variant: bool,
}

impl Sequence<'_, '_> {
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        if !std::mem::take(&mut self.first) {
            self.writer.raw(b",");
        }
        value.serialize(&mut *self.writer)
    }

    fn close(self) -> Result<(), Error> {
        self.writer.raw(if self.variant { b"]}" } else { b"]" });
        Ok(())
    }
}

impl ser::SerializeSeq for Sequence<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTuple for Sequence<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Sequence<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeTupleVariant for Sequence<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

/// An object being written; `variant` when it sits in a variant's wrapper.
pub struct Object<'a, 'o> {
    writer: &'a mut Writer<'o>,
    first: bool,
    variant: bool,
}

impl Object<'_, '_> {
    fn comma(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.writer.raw(b",");
        }
    }

    fn field<T: ?Sized + Serialize>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        self.comma();
        self.writer.string(name);
        self.writer.raw(b":");
        value.serialize(&mut *self.writer)
    }

    fn close(self) -> Result<(), Error> {
        self.writer.raw(if self.variant { b"}}" } else { b"}" });
        Ok(())
    }
}

impl ser::SerializeMap for Object<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        self.comma();
        key.serialize(KeyWriter {
            writer: &mut *self.writer,
        })
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.writer.raw(b":");
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeStruct for Object<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(name, value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

impl ser::SerializeStructVariant for Object<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(name, value)
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

/// A map key: JSON keys are strings, so numbers and booleans are quoted and
/// anything else that is not a string is refused, as serde_json does.
struct KeyWriter<'a, 'o> {
    writer: &'a mut Writer<'o>,
}

fn key_must_be_a_string() -> Error {
    Error::custom("key must be a string")
}

/// Writes a key that is not a string in its quoted form.
macro_rules! quoted_key {
    ($($method:ident: $type:ty),* $(,)?) => {$(
        fn $method(self, value: $type) -> Result<(), Error> {
            self.writer.raw(b"\"");
            ser::Serializer::$method(&mut *self.writer, value)?;
            self.writer.raw(b"\"");
            Ok(())
        }
    )*};
}

/// Writes a finite float key in its quoted form.
macro_rules! float_key {
    ($($method:ident: $type:ty),* $(,)?) => {$(
        fn $method(self, value: $type) -> Result<(), Error> {
            if !value.is_finite() {
                return Err(Error::custom("float key must be finite (got NaN or +/-inf)"));
            }
            self.writer.raw(b"\"");
            float!(self.writer, value);
            self.writer.raw(b"\"");
            Ok(())
        }
    )*};
}

impl ser::Serializer for KeyWriter<'_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    quoted_key! {
        serialize_bool: bool,
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128,
    }

    float_key! { serialize_f32: f32, serialize_f64: f64 }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        ser::Serializer::serialize_char(self.writer, value)
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        ser::Serializer::serialize_str(self.writer, value)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_bytes(self, _value: &[u8]) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _value: &T) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}

/// Writes `value` as a JSON string, quotes included, escaping what JSON
/// requires (quote, backslash, control characters) as serde_json does.
///
/// The string goes through eight bytes at a time: each word is tested for a
/// byte that needs escaping and stored whole at the end of `out`, in room
/// reserved beyond its length; only the bytes before an escape (or the
/// string's end) are then counted in. Strings shorter than a word, most of
/// what a site sends, are one test and one store.
fn write_escaped(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    out.push(b'"');

    let mut at = 0;
    // Invariant: room for what is left of the string plus a whole word.
    out.reserve(bytes.len() + 8);
    while at < bytes.len() {
        let (word, len) = word_at(bytes, at);
        // SAFETY: the invariant leaves at least eight bytes of capacity past
        // the length; they are written here and counted in below only as
        // far as they hold the string's bytes.
        unsafe {
            let end = out.as_mut_ptr().add(out.len());
            end.cast::<[u8; 8]>().write_unaligned(word.to_le_bytes());
        }
        let flagged = escapes_in(word);
        if flagged == 0 {
            // SAFETY: `len` bytes of the string were just written.
            unsafe { out.set_len(out.len() + len) };
            at += len;
            continue;
        }
        // The padding of a short word is never flagged, so the first flagged
        // byte is one of the string's.
        let clean = flagged.trailing_zeros() as usize / 8;
        // SAFETY: the `clean` bytes before it were just written.
        unsafe { out.set_len(out.len() + clean) };
        write_escape(out, bytes[at + clean]);
        at += clean + 1;
        out.reserve(bytes.len() - at + 8);
    }

    out.push(b'"');
}

/// Eight bytes of ASCII 'A', which needs no escaping: the padding of a word
/// read from fewer than eight bytes.
const PADDING: u64 = u64::from_le_bytes([b'A'; 8]);

/// The word of `bytes` starting at `at` (little-endian) and how many of its
/// bytes are the string's; past the string's end it holds [`PADDING`].
fn word_at(bytes: &[u8], at: usize) -> (u64, usize) {
    let rest = &bytes[at..];
    if let Some(chunk) = rest.first_chunk::<8>() {
        return (u64::from_le_bytes(*chunk), 8);
    }
    let len = rest.len();
    let word = if len >= 4 {
        // Two four-byte reads that overlap in the middle: the overlapping
        // bytes land on the same positions, so OR-ing them changes nothing.
        let low = u32::from_le_bytes(rest[..4].try_into().expect("four bytes"));
        let high = u32::from_le_bytes(rest[len - 4..].try_into().expect("four bytes"));
        u64::from(low) | (u64::from(high) << (8 * (len - 4)))
    } else {
        rest.iter()
            .enumerate()
            .fold(0, |word, (i, &byte)| word | (u64::from(byte) << (8 * i)))
    };
    (word | (PADDING << (8 * len)), len)
}

/// The top bit of each byte of `word` that is a control character, a quote
/// or a backslash, and possibly of bytes above the first such byte.
///
/// A byte below 0x20 is found by the borrow its subtraction of 0x20 sets in
/// its top bit (bytes of 0x80 and above, parts of multi-byte characters, are
/// masked out), and a quote or a backslash by the same test on the word
/// XORed with that character. A borrow only spreads upward from a real
/// match, so the lowest flagged byte is exact.
fn escapes_in(word: u64) -> u64 {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;

    let control = word.wrapping_sub(ONES * 0x20) & !word;
    let quote = word ^ (ONES * u64::from(b'"'));
    let quote = quote.wrapping_sub(ONES) & !quote;
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    (control | quote | backslash) & HIGH
}

fn write_escape(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x09 => b't',
        0x0a => b'n',
        0x0c => b'f',
        0x0d => b'r',
        _ => {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xf)]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}
