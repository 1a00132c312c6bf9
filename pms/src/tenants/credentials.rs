//! Making, holding and checking tenant credentials.
//!
//! Credential values live in types that print as `<redacted>`, are not
//! `Serialize`, and wipe their memory on drop, so they cannot end up in a
//! log line or a response by accident.

use doorstep::signature::{API_KEY_SECRET_LEN, CLIENT_ID_LEN};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::crypto::{random_alphanumeric, random_base64url};

/// Bytes of CSPRNG output in a generated secret key (256 bits).
pub const SECRET_KEY_BYTES: usize = 32;

/// A tenant's API key, `<clientId>.<64 characters [A-Za-z0-9]>`.
#[derive(Clone)]
pub struct ApiKey(Zeroizing<String>);

/// A tenant's secret key, the HMAC key material of its signatures.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<String>);

macro_rules! redacted_secret {
    ($type:ident) => {
        impl $type {
            /// Wraps a value read from an import file or the database.
            pub fn new(value: impl Into<String>) -> Self {
                Self(Zeroizing::new(value.into()))
            }

            /// The value itself. Never log it.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Debug for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($type), "(<redacted>)"))
            }
        }
    };
}

redacted_secret!(ApiKey);
redacted_secret!(SecretKey);

/// A fresh client ID: 16 characters `[A-Za-z0-9]` (about 95 bits).
pub fn generate_client_id() -> String {
    random_alphanumeric(CLIENT_ID_LEN)
}

/// A fresh API key for `client_id`.
pub fn generate_api_key(client_id: &str) -> ApiKey {
    let mut key = Zeroizing::new(String::with_capacity(
        CLIENT_ID_LEN + 1 + API_KEY_SECRET_LEN,
    ));
    key.push_str(client_id);
    key.push('.');
    key.push_str(&random_alphanumeric(API_KEY_SECRET_LEN));
    ApiKey(key)
}

/// A fresh secret key: 256 bits of CSPRNG output, base64url.
pub fn generate_secret_key() -> SecretKey {
    SecretKey(Zeroizing::new(random_base64url(SECRET_KEY_BYTES)))
}

/// The stored form of an API key: SHA-256, lowercase hex.
pub fn hash_api_key(api_key: &str) -> String {
    let digest = Sha256::digest(api_key.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
    }
    hex
}

/// The raw SHA-256 of an API key, for comparing against cached hashes.
pub fn digest_api_key(api_key: &[u8]) -> [u8; 32] {
    Sha256::digest(api_key).into()
}

/// Compares two digests without an early exit.
pub fn digests_equal(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use doorstep::signature::{is_api_key_for, is_client_id};

    #[test]
    fn generated_credentials_have_the_protocol_shapes() {
        let client_id = generate_client_id();
        assert!(is_client_id(&client_id));
        assert!(is_api_key_for(
            &client_id,
            generate_api_key(&client_id).expose()
        ));
        assert_eq!(generate_secret_key().expose().len(), 43);
    }

    #[test]
    fn credentials_never_print_their_value() {
        let key = generate_api_key("AAAAAAAAAAAAAAAA");
        let secret = generate_secret_key();
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(format!("{secret:?}"), "SecretKey(<redacted>)");
    }

    #[test]
    fn api_key_hashes_are_lowercase_hex_sha256() {
        assert_eq!(
            hash_api_key("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
