//! The writer against serde_json: the same bytes for every shape of the
//! serde data model, for generated strings heavy in characters that need
//! escaping, and for the site's own answers.

use std::collections::BTreeMap;

use doorstep::booking::{ListingSummary, Page, Photo};
use leptos::server_fn::Encodes;
use proptest::prelude::*;
use serde::Serialize;

use super::{AnswerJson, writer};

fn written<T: ?Sized + Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    writer::write(&mut out, value).expect("the value can be written");
    out
}

fn assert_same<T: ?Sized + Serialize>(value: &T) {
    let expected = serde_json::to_vec(value).expect("serde_json writes the value");
    assert_eq!(
        String::from_utf8_lossy(&written(value)),
        String::from_utf8_lossy(&expected)
    );
}

#[derive(Serialize)]
struct Unit;

#[derive(Serialize)]
struct Newtype(u8);

#[derive(Serialize)]
struct Pair(i32, String);

#[derive(Serialize)]
enum Shape {
    Plain,
    Wrapped(String),
    Pair(u8, bool),
    Empty(),
    Named { side: f64, label: Option<char> },
    NoFields {},
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
enum Tagged {
    First { some_value: i64 },
    Second,
}

#[derive(Serialize)]
struct Everything {
    unit: (),
    unit_struct: Unit,
    newtype: Newtype,
    pair: Pair,
    shapes: Vec<Shape>,
    tagged: Vec<Tagged>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u8>,
    missing: Option<u8>,
    #[serde(with = "serde_bytes_as_slice")]
    bytes: Vec<u8>,
    empty: Vec<u8>,
    empty_map: BTreeMap<String, u8>,
    numbers: (i8, i16, i32, i64, i128, u8, u16, u32, u64, u128),
    floats: (f32, f64, f64, f64, f64),
    #[serde(flatten)]
    flattened: BTreeMap<String, String>,
}

/// Serializes a `Vec<u8>` through `serialize_bytes`.
mod serde_bytes_as_slice {
    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }
}

#[test]
fn every_shape_of_the_data_model_is_written_as_serde_json_writes_it() {
    let everything = Everything {
        unit: (),
        unit_struct: Unit,
        newtype: Newtype(7),
        pair: Pair(-3, "two".into()),
        shapes: vec![
            Shape::Plain,
            Shape::Wrapped("w".into()),
            Shape::Pair(1, false),
            Shape::Empty(),
            Shape::Named {
                side: 1.5,
                label: Some('\u{1}'),
            },
            Shape::Named {
                side: -0.0,
                label: None,
            },
            Shape::NoFields {},
        ],
        tagged: vec![Tagged::First { some_value: -9 }, Tagged::Second],
        skipped: None,
        missing: None,
        bytes: vec![0, 127, 255],
        empty: Vec::new(),
        empty_map: BTreeMap::new(),
        numbers: (
            i8::MIN,
            i16::MIN,
            i32::MIN,
            i64::MIN,
            i128::MIN,
            u8::MAX,
            u16::MAX,
            u32::MAX,
            u64::MAX,
            u128::MAX,
        ),
        floats: (0.1, 1e300, f64::NAN, f64::INFINITY, 8.0),
        flattened: BTreeMap::from([("extra \"key\"".into(), "value\n".into())]),
    };

    assert_same(&everything);
}

#[test]
fn map_keys_are_strings_with_numbers_and_booleans_quoted() {
    assert_same(&BTreeMap::from([(1u32, "one"), (20, "twenty")]));
    assert_same(&BTreeMap::from([(-1i64, ())]));
    assert_same(&BTreeMap::from([(true, 1), (false, 0)]));
    assert_same(&BTreeMap::from([('k', 1)]));
    assert_same(&std::collections::HashMap::from([(1.5f64.to_bits(), 1)]));
}

#[test]
fn keys_that_cannot_be_strings_are_refused() {
    let mut out = Vec::new();
    let refused = writer::write(&mut out, &BTreeMap::from([((1, 2), 3)]));
    assert!(refused.is_err());
    assert!(serde_json::to_vec(&BTreeMap::from([((1, 2), 3)])).is_err());

    let float_key = std::collections::HashMap::from([(OrderedNan, 1)]);
    assert!(writer::write(&mut Vec::new(), &float_key).is_err());
    assert!(serde_json::to_vec(&float_key).is_err());
}

/// A map key serialized as NaN, which JSON cannot write.
#[derive(PartialEq, Eq, Hash)]
struct OrderedNan;

impl Serialize for OrderedNan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(f64::NAN)
    }
}

#[test]
fn every_byte_that_needs_escaping_is_escaped_at_every_offset() {
    // Each special byte at each position of a word and past the last whole
    // word, surrounded by plain and multi-byte text.
    for special in (0u8..0x20).chain([b'"', b'\\', 0x7f]) {
        for at in 0..20 {
            let mut text: Vec<u8> = "é".repeat(at).into_bytes();
            text.truncate(at);
            if std::str::from_utf8(&text).is_err() {
                text.pop();
                text.push(b'a');
            }
            text.push(special);
            text.extend_from_slice("x😀yz".as_bytes());
            let text = String::from_utf8(text).expect("valid text");
            assert_same(&text);
        }
    }
}

#[test]
fn a_listings_page_is_the_same_bytes_through_the_encoding() {
    let listing = ListingSummary {
        id: "0193b1f2-7c1a-7d3e-9f00-2b6f3a9c1e55".into(),
        slug: "villa-segara".into(),
        name: "Villa \"Segara\" — Uluwatu".into(),
        summary: "Cliff-top pool villa.\nSunset views, a\tchef on call.".into(),
        property_type: "villa".into(),
        city: "Uluwatu".into(),
        region: "Bali".into(),
        country: "ID".into(),
        photo: Some(Photo {
            url: "/demo/bali/segara-1.svg".into(),
            alt: "The pool at dusk".into(),
        }),
        max_guests: 8,
        bedrooms: 4,
        bathrooms: 4,
        amenities: vec!["pool".into(), "wifi".into(), "<script>".into()],
        nightly_rate: 42_000,
        currency: "USD".into(),
        stay: None,
    };
    let page = Page {
        items: vec![listing.clone(), listing],
        page: 1,
        page_size: 6,
        total_items: 2,
        total_pages: 1,
    };

    let bytes = <AnswerJson as Encodes<_>>::encode(&page).expect("encodes");

    assert_eq!(
        &bytes[..],
        &serde_json::to_vec(&page).expect("serde_json writes it")[..]
    );
}

proptest! {
    #[test]
    fn any_string_is_written_as_serde_json_writes_it(text in any::<String>()) {
        prop_assert_eq!(written(&text), serde_json::to_vec(&text).unwrap());
    }

    #[test]
    fn strings_full_of_escapes_are_written_as_serde_json_writes_it(
        text in "[\\x00-\\x20\"\\\\a-zé€😀\\x7f]{0,64}"
    ) {
        prop_assert_eq!(written(&text), serde_json::to_vec(&text).unwrap());
    }

    #[test]
    fn any_json_value_is_written_as_serde_json_writes_it(value in json_value()) {
        prop_assert_eq!(written(&value), serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn any_number_is_written_as_serde_json_writes_it(
        float in any::<f64>(),
        single in any::<f32>(),
        signed in any::<i64>(),
        wide in any::<u128>(),
    ) {
        let numbers = (float, single, signed, wide);
        prop_assert_eq!(written(&numbers), serde_json::to_vec(&numbers).unwrap());
    }
}

/// Arbitrary JSON documents, nested a few levels.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}
