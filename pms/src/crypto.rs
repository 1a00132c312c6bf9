//! Randomness and encryption at rest.
//!
//! Every credential and salt comes from the operating system's CSPRNG
//! (`getrandom`), never from a seeded user-space generator. Tenant secret
//! keys are sealed with XChaCha20-Poly1305 under the platform's master key;
//! the tenant ID is the associated data, so a sealed secret copied onto
//! another tenant's row fails to open instead of verifying that tenant's
//! signatures. Its 192-bit random nonce makes nonce reuse a non-issue.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

/// Prefix of every sealed value, so the format can change later without
/// guessing what a stored value is.
const SEALED_PREFIX: &str = "v1.";

/// Fills `buf` from the operating system's CSPRNG.
///
/// # Panics
///
/// If the operating system has no randomness to give, which leaves no safe
/// way to make a credential.
pub fn fill_random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system CSPRNG is available");
}

/// `len` characters drawn uniformly from `[A-Za-z0-9]`.
pub fn random_alphanumeric(len: usize) -> String {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    let mut pool = [0u8; 64];

    while out.len() < len {
        fill_random(&mut pool);
        // Rejection sampling: 248 = 4 * 62, so bytes below it map uniformly.
        for &byte in pool.iter().filter(|&&b| b < 248) {
            if out.len() == len {
                break;
            }
            out.push(char::from(ALPHABET[usize::from(byte % 62)]));
        }
    }
    out
}

/// `bytes` random bytes as base64url without padding.
pub fn random_base64url(bytes: usize) -> String {
    let mut buf = Zeroizing::new(vec![0u8; bytes]);
    fill_random(&mut buf);
    URL_SAFE_NO_PAD.encode(&*buf)
}

/// The platform's master key: 32 bytes that seal every tenant secret.
///
/// It prints as `MasterKey(<redacted>)` and is wiped from memory on drop.
#[derive(Clone)]
pub struct MasterKey(Zeroizing<[u8; 32]>);

/// Why a master key could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MasterKeyError {
    /// Not base64, or not 32 bytes once decoded.
    #[error("{0} must hold the base64 encoding of exactly 32 bytes")]
    BadEncoding(&'static str),
    /// The key file could not be read.
    #[error("could not read PMS_MASTER_KEY_FILE {path}: {source}")]
    File {
        /// The file named by `PMS_MASTER_KEY_FILE`.
        path: String,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// Both sources are set, so which one wins would be a guess.
    #[error("set only one of PMS_MASTER_KEY and PMS_MASTER_KEY_FILE")]
    BothSet,
}

/// A sealed value failed to open: wrong master key, wrong tenant, or
/// tampered storage. Deliberately carries no detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a sealed secret could not be opened with this master key")]
pub struct UnsealError;

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

impl MasterKey {
    /// A fresh random key, for demo mode and tests.
    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        fill_random(&mut *key);
        Self(key)
    }

    /// Reads a key from base64 text (standard or URL alphabet, padding
    /// optional, surrounding whitespace ignored). `source` names the setting
    /// in the error.
    pub fn from_base64(text: &str, source: &'static str) -> Result<Self, MasterKeyError> {
        let text = text.trim();
        let decoded = Zeroizing::new(
            STANDARD
                .decode(text)
                .or_else(|_| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
                .map_err(|_| MasterKeyError::BadEncoding(source))?,
        );
        let bytes: [u8; 32] = decoded
            .as_slice()
            .try_into()
            .map_err(|_| MasterKeyError::BadEncoding(source))?;
        Ok(Self(Zeroizing::new(bytes)))
    }

    /// Reads `PMS_MASTER_KEY` or the file named by `PMS_MASTER_KEY_FILE`.
    /// `Ok(None)` when neither is set.
    pub fn from_env() -> Result<Option<Self>, MasterKeyError> {
        let inline = std::env::var("PMS_MASTER_KEY")
            .ok()
            .filter(|v| !v.is_empty());
        let file = std::env::var("PMS_MASTER_KEY_FILE")
            .ok()
            .filter(|v| !v.is_empty());

        match (inline, file) {
            (Some(_), Some(_)) => Err(MasterKeyError::BothSet),
            (Some(text), None) => {
                Self::from_base64(&Zeroizing::new(text), "PMS_MASTER_KEY").map(Some)
            }
            (None, Some(path)) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| MasterKeyError::File { path, source })?;
                Self::from_base64(&Zeroizing::new(text), "PMS_MASTER_KEY_FILE").map(Some)
            }
            (None, None) => Ok(None),
        }
    }

    /// The key as base64, for writing a freshly generated key to a file the
    /// operator asked for. Never log it.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(*self.0))
    }

    /// Encrypts `plaintext`, bound to `tenant_id`.
    pub fn seal(&self, tenant_id: &str, plaintext: &str) -> String {
        let cipher = XChaCha20Poly1305::new((&*self.0).into());
        let mut nonce = [0u8; 24];
        fill_random(&mut nonce);

        let payload = Payload {
            msg: plaintext.as_bytes(),
            aad: tenant_id.as_bytes(),
        };
        let ciphertext = cipher
            .encrypt(XNonce::from_slice(&nonce), payload)
            .expect("XChaCha20-Poly1305 encrypts any message of this size");

        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(sealed))
    }

    /// Decrypts a value made by [`MasterKey::seal`] for the same tenant.
    pub fn open(&self, tenant_id: &str, sealed: &str) -> Result<Zeroizing<String>, UnsealError> {
        let encoded = sealed.strip_prefix(SEALED_PREFIX).ok_or(UnsealError)?;
        let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| UnsealError)?;
        if bytes.len() < 24 {
            return Err(UnsealError);
        }
        let (nonce, ciphertext) = bytes.split_at(24);

        let cipher = XChaCha20Poly1305::new((&*self.0).into());
        let payload = Payload {
            msg: ciphertext,
            aad: tenant_id.as_bytes(),
        };
        let plaintext = Zeroizing::new(
            cipher
                .decrypt(XNonce::from_slice(nonce), payload)
                .map_err(|_| UnsealError)?,
        );
        String::from_utf8(plaintext.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| UnsealError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_for_their_tenant_and_key() {
        let key = MasterKey::generate();
        let sealed = key.seal("tenant-a", "the secret");

        assert_eq!(
            key.open("tenant-a", &sealed).unwrap().as_str(),
            "the secret"
        );
        assert_eq!(key.open("tenant-b", &sealed), Err(UnsealError));
        assert_eq!(
            MasterKey::generate().open("tenant-a", &sealed),
            Err(UnsealError)
        );
        assert!(!sealed.contains("the secret"));
    }

    #[test]
    fn tampered_sealed_values_do_not_open() {
        let key = MasterKey::generate();
        let sealed = key.seal("t", "secret");
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };

        assert_eq!(
            key.open("t", &String::from_utf8(tampered).unwrap()),
            Err(UnsealError)
        );
        assert_eq!(key.open("t", "v1."), Err(UnsealError));
        assert_eq!(key.open("t", "garbage"), Err(UnsealError));
    }

    #[test]
    fn master_keys_must_be_32_bytes_of_base64() {
        let key = MasterKey::generate();
        let text = key.to_base64();
        let again = MasterKey::from_base64(&text, "PMS_MASTER_KEY").unwrap();
        assert_eq!(again.open("t", &key.seal("t", "x")).unwrap().as_str(), "x");

        assert!(MasterKey::from_base64("c2hvcnQ=", "PMS_MASTER_KEY").is_err());
        assert!(MasterKey::from_base64("not base64!", "PMS_MASTER_KEY").is_err());
        assert_eq!(format!("{key:?}"), "MasterKey(<redacted>)");
    }

    #[test]
    fn random_alphanumeric_strings_have_the_asked_length_and_alphabet() {
        let text = random_alphanumeric(64);
        assert_eq!(text.len(), 64);
        assert!(text.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(text, random_alphanumeric(64));
    }
}
