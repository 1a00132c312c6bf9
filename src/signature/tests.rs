//! Known-answer vectors and properties of the signature scheme.

use std::path::Path;

use proptest::prelude::*;
use serde::Deserialize;

use super::*;

#[derive(Deserialize)]
struct VectorFile {
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vector {
    salt: String,
    secret_key: String,
    expires_at: String,
    tenant_id: String,
    signature: String,
}

/// The copy kept in the repository, so the tests need nothing outside it.
const VECTORS_IN_REPO: &str = include_str!("../testdata/signature-v1.json");

fn parse_vectors(json: &str) -> Vec<Vector> {
    let file: VectorFile = serde_json::from_str(json).expect("vector file is valid JSON");
    assert!(!file.vectors.is_empty(), "vector file holds vectors");
    file.vectors
}

fn assert_matches_every_vector(vectors: &[Vector]) {
    for (index, v) in vectors.iter().enumerate() {
        let issued = sign(&v.salt, &v.secret_key, &v.expires_at, &v.tenant_id).unwrap();
        assert_eq!(issued, v.signature, "vector {index} signs byte for byte");

        let verified = verify(
            v.signature.as_bytes(),
            &v.secret_key,
            v.expires_at.as_bytes(),
            &v.tenant_id,
        );
        assert_eq!(verified, Ok(()), "vector {index} verifies");

        let instant = parse_timestamp(v.expires_at.as_bytes()).unwrap();
        assert_eq!(
            format_timestamp(instant),
            v.expires_at,
            "vector {index} formats back"
        );
    }
}

#[test]
fn every_vector_in_the_repository_copy_matches() {
    assert_matches_every_vector(&parse_vectors(VECTORS_IN_REPO));
}

#[test]
fn every_vector_in_the_shared_folder_matches_and_equals_the_copy() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors/signature-v1.json");
    let Ok(json) = std::fs::read_to_string(&shared) else {
        // The repository copy above is the authoritative test; the shared
        // folder sits beside the repository only in CI and on developer
        // machines that have it.
        eprintln!(
            "note: {} not found; checked the repository copy only",
            shared.display()
        );
        return;
    };

    assert_matches_every_vector(&parse_vectors(&json));
    let shared_value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let copy_value: serde_json::Value = serde_json::from_str(VECTORS_IN_REPO).unwrap();
    assert_eq!(shared_value, copy_value, "src/testdata copy is up to date");
}

fn first_vector() -> Vector {
    parse_vectors(VECTORS_IN_REPO).remove(0)
}

#[test]
fn padded_or_standard_alphabet_macs_are_rejected() {
    let v = first_vector();
    let (salt, mac) = v.signature.split_once('.').unwrap();
    let raw = URL_SAFE_NO_PAD.decode(mac).unwrap();
    let standard = base64::engine::general_purpose::STANDARD.encode(&raw);
    assert!(standard.contains('/') || standard.contains('+') || standard.ends_with('='));

    for forged in [
        format!("{salt}.{mac}="),
        format!("{salt}.{standard}"),
        format!(
            "{salt}.{}",
            base64::engine::general_purpose::URL_SAFE.encode(&raw)
        ),
    ] {
        assert!(
            verify(
                forged.as_bytes(),
                &v.secret_key,
                v.expires_at.as_bytes(),
                &v.tenant_id
            )
            .is_err(),
            "{forged} must fail"
        );
    }
}

#[test]
fn a_non_canonical_last_mac_character_is_rejected() {
    // 27 characters carry 162 bits for 160 bits of MAC: flipping the two
    // spare bits decodes leniently to the same bytes but must not verify.
    let v = first_vector();
    let mut forged = v.signature.clone().into_bytes();
    let last = forged.len() - 1;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let index = alphabet.iter().position(|&c| c == forged[last]).unwrap();
    forged[last] = alphabet[index ^ 1];
    assert_eq!(
        verify(
            &forged,
            &v.secret_key,
            v.expires_at.as_bytes(),
            &v.tenant_id
        ),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn signatures_without_exactly_one_salt_and_mac_are_malformed() {
    let v = first_vector();
    let (salt, mac) = v.signature.split_once('.').unwrap();
    for bad in [
        String::new(),
        mac.to_string(),
        format!(".{mac}"),
        format!("{salt}."),
        format!("{salt}.{mac}.{mac}"),
        format!("{salt}.{mac}x"),
        format!("{salt}+.{mac}"),
        format!("{}.{mac}", "a".repeat(MAX_SALT_LEN + 1)),
    ] {
        assert_eq!(
            verify(
                bad.as_bytes(),
                &v.secret_key,
                v.expires_at.as_bytes(),
                &v.tenant_id
            ),
            Err(SignatureError::Malformed),
            "{bad:?}"
        );
    }
}

#[test]
fn the_same_instant_written_differently_does_not_verify() {
    let salt = "c2FsdHNhbHRzYWx0c2FsdA";
    let issued_at = "2030-01-01T00:00:00.5Z";
    let signature = sign(salt, "secret", issued_at, "tenant").unwrap();

    for respelled in [
        "2030-01-01T00:00:00.50Z",
        "2030-01-01T00:00:00.500000000Z",
        "2030-01-01T00:00:00.5z",
        "2030-01-01t00:00:00.5Z",
        "2030-01-01T00:00:00.5+00:00",
    ] {
        assert_eq!(
            verify(
                signature.as_bytes(),
                "secret",
                respelled.as_bytes(),
                "tenant"
            ),
            Err(SignatureError::Mismatch),
            "{respelled}"
        );
    }
}

#[test]
fn sign_refuses_salts_that_are_not_base64url() {
    for salt in [
        "",
        "has.dot",
        "has space",
        "plus+",
        &"a".repeat(MAX_SALT_LEN + 1),
    ] {
        assert_eq!(
            sign(salt, "k", "t", "id"),
            Err(SignatureError::BadSalt),
            "{salt:?}"
        );
    }
}

#[test]
fn strict_parsing_accepts_only_utc_with_an_upper_case_z() {
    for good in [
        "2030-01-01T00:00:00Z",
        "2030-01-01T00:00:00.1Z",
        "2030-12-31T23:59:59.999999999Z",
        "2028-02-29T12:00:00Z",
    ] {
        assert!(parse_timestamp(good.as_bytes()).is_ok(), "{good}");
    }

    for bad in [
        "",
        "Z",
        "2030-01-01T00:00:00",
        "2030-01-01T00:00:00z",
        "2030-01-01t00:00:00Z",
        "2030-01-01 00:00:00Z",
        "2030-01-01T00:00:00+00:00",
        "2030-01-01T00:00:00.Z",
        "2030-01-01T00:00:00.1234567890Z",
        "2030-1-01T00:00:00Z",
        "+030-01-01T00:00:00Z",
        "2030-01-01T00:00:00ZZ",
        " 2030-01-01T00:00:00Z",
        "2030-01-01T00:00:0\u{0}Z",
    ] {
        assert_eq!(
            parse_timestamp(bad.as_bytes()),
            Err(TimestampError::Malformed),
            "{bad:?}"
        );
    }

    for impossible in [
        "2030-13-01T00:00:00Z",
        "2030-02-30T00:00:00Z",
        "2030-01-01T24:00:00Z",
        "2030-01-01T23:59:60Z",
    ] {
        assert_eq!(
            parse_timestamp(impossible.as_bytes()),
            Err(TimestampError::OutOfRange),
            "{impossible}"
        );
    }
}

#[test]
fn fractions_are_read_as_parts_of_a_second() {
    let parsed = parse_timestamp(b"2030-01-01T00:00:00.05Z").unwrap();
    assert_eq!(parsed.subsec_nanosecond(), 50_000_000);
}

#[test]
fn credential_shapes_are_recognised() {
    let client = "AbCdEfGh12345678";
    assert!(is_client_id(client));
    assert!(!is_client_id("AbCdEfGh1234567"));
    assert!(!is_client_id("AbCdEfGh1234567-"));

    let key = format!("{client}.{}", "x".repeat(API_KEY_SECRET_LEN));
    assert!(is_api_key_for(client, &key));
    assert!(!is_api_key_for("BbCdEfGh12345678", &key));
    assert!(!is_api_key_for(client, &format!("{key}x")));
    assert!(!is_api_key_for(client, client));
}

fn salt_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), MIN_SALT_BYTES..=32).prop_map(|b| encode_salt(&b))
}

fn instant_strategy() -> impl Strategy<Value = Timestamp> {
    // Years 2000 to 2100, any nanosecond.
    (946_684_800i64..4_102_444_800, 0i32..1_000_000_000)
        .prop_map(|(secs, nanos)| Timestamp::new(secs, nanos).unwrap())
}

proptest! {
    #[test]
    fn issued_signatures_verify(
        salt in salt_strategy(),
        secret in "[A-Za-z0-9_-]{43}",
        instant in instant_strategy(),
        tenant in "[a-f0-9-]{36}",
    ) {
        let expires_at = format_timestamp(instant);
        let signature = sign(&salt, &secret, &expires_at, &tenant).unwrap();
        prop_assert_eq!(verify(signature.as_bytes(), &secret, expires_at.as_bytes(), &tenant), Ok(()));
        prop_assert_eq!(parse_timestamp(expires_at.as_bytes()).unwrap(), instant);
    }

    #[test]
    fn changing_any_byte_of_the_signature_or_timestamp_fails(
        salt in salt_strategy(),
        secret in "[A-Za-z0-9_-]{43}",
        instant in instant_strategy(),
        tenant in "[a-f0-9-]{36}",
        position in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
        in_timestamp in any::<bool>(),
    ) {
        let expires_at = format_timestamp(instant);
        let signature = sign(&salt, &secret, &expires_at, &tenant).unwrap();
        let (mut sig, mut ts) = (signature.into_bytes(), expires_at.into_bytes());

        let target = if in_timestamp { &mut ts } else { &mut sig };
        let i = position.index(target.len());
        prop_assume!(target[i] != replacement);
        target[i] = replacement;

        prop_assert!(verify(&sig, &secret, &ts, &tenant).is_err());
    }

    #[test]
    fn changing_any_byte_of_the_tenant_or_secret_fails(
        salt in salt_strategy(),
        secret in "[A-Za-z0-9_-]{43}",
        tenant in "[a-f0-9-]{36}",
        position in any::<prop::sample::Index>(),
        replacement in 0x20u8..0x7f,
        in_tenant in any::<bool>(),
    ) {
        let expires_at = "2030-01-01T00:00:00Z";
        let signature = sign(&salt, &secret, expires_at, &tenant).unwrap();
        let (mut secret, mut tenant) = (secret.into_bytes(), tenant.into_bytes());

        let target = if in_tenant { &mut tenant } else { &mut secret };
        let i = position.index(target.len());
        prop_assume!(target[i] != replacement);
        target[i] = replacement;

        let (secret, tenant) = (String::from_utf8(secret).unwrap(), String::from_utf8(tenant).unwrap());
        prop_assert!(verify(signature.as_bytes(), &secret, expires_at.as_bytes(), &tenant).is_err());
    }

    #[test]
    fn parsing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..40)) {
        let _ = parse_timestamp(&bytes);
    }
}
