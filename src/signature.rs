//! The version 1 request signature scheme.
//!
//! The platform issues a signature for a tenant and an expiry instant; the
//! booking site sends it back on every call together with that instant, and
//! the platform recomputes it. The scheme is wire-compatible with the article
//! the design starts from:
//!
//! ```text
//! S = salt + "." + base64url_nopad(HMAC_SHA1(key = SHA1(utf8(salt + secretKey)),
//!                                           message = utf8(expiresAt + ":" + tenantId)))
//! ```
//!
//! This module is pure: the caller brings the random salt bytes and the
//! current time, so it runs anywhere, the browser included (though only the
//! platform ever holds a secret key).
//!
//! ```
//! use doorstep::signature::{sign, verify, parse_timestamp};
//!
//! let expires_at = "2030-01-01T00:00:00Z";
//! let signature = sign("c2FsdHNhbHRzYWx0c2FsdA", "secret", expires_at, "tenant").unwrap();
//!
//! // The verifier checks the MAC over the exact timestamp bytes first …
//! verify(signature.as_bytes(), "secret", expires_at.as_bytes(), "tenant").unwrap();
//! // … and only then parses the timestamp strictly.
//! let instant = parse_timestamp(expires_at.as_bytes()).unwrap();
//! assert_eq!(instant.as_second(), 1_893_456_000);
//!
//! assert!(verify(signature.as_bytes(), "other", expires_at.as_bytes(), "tenant").is_err());
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::Offset;
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

/// Length of the base64url (no padding) encoding of an HMAC-SHA1 output.
pub const MAC_ENCODED_LEN: usize = 27;

/// The fewest random bytes a salt is made from (128 bits).
pub const MIN_SALT_BYTES: usize = 16;

/// The longest salt a verifier reads. Issued salts are 22–43 characters;
/// the bound only keeps a hostile header from making us hash megabytes.
pub const MAX_SALT_LEN: usize = 128;

/// Length of a client ID.
pub const CLIENT_ID_LEN: usize = 16;

/// Length of the random part of an API key, after `<clientId>.`.
pub const API_KEY_SECRET_LEN: usize = 64;

/// Why a signature was not accepted. Callers answer every variant with the
/// same response; the variant exists for the server-side log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The signature is not `<salt>.<27 base64url characters>`.
    #[error("signature is malformed")]
    Malformed,
    /// The salt to sign with is empty, too long or not base64url.
    #[error("salt is not base64url or has a bad length")]
    BadSalt,
    /// Well-formed, but the MAC does not match.
    #[error("signature does not match")]
    Mismatch,
}

/// Why a timestamp was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// Not of the form `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
    #[error("timestamp is not RFC 3339 UTC with a 'Z' suffix")]
    Malformed,
    /// Of the right form, but no such instant (month 13, 30 February, …).
    #[error("timestamp names no real instant")]
    OutOfRange,
}

/// Encodes random bytes as a salt: base64url without padding, so it never
/// contains `.`. Give it at least [`MIN_SALT_BYTES`] bytes from a CSPRNG.
pub fn encode_salt(random: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

/// Computes the raw MAC of the scheme.
///
/// `expires_at` is bytes because the verifier must hash exactly what it
/// received, not a re-encoding of it.
pub fn compute_mac(salt: &[u8], secret_key: &[u8], expires_at: &[u8], tenant_id: &str) -> [u8; 20] {
    let key = Sha1::new()
        .chain_update(salt)
        .chain_update(secret_key)
        .finalize();

    // HMAC accepts a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(expires_at);
    mac.update(b":");
    mac.update(tenant_id.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Issues a signature for `tenant_id`, valid until `expires_at`.
///
/// `salt` must be base64url (see [`encode_salt`]); `expires_at` should come
/// from [`format_timestamp`] and is sent to the client unchanged.
pub fn sign(
    salt: &str,
    secret_key: &str,
    expires_at: &str,
    tenant_id: &str,
) -> Result<String, SignatureError> {
    if !is_salt(salt.as_bytes()) {
        return Err(SignatureError::BadSalt);
    }

    let mac = compute_mac(
        salt.as_bytes(),
        secret_key.as_bytes(),
        expires_at.as_bytes(),
        tenant_id,
    );

    let mut signature = String::with_capacity(salt.len() + 1 + MAC_ENCODED_LEN);
    signature.push_str(salt);
    signature.push('.');
    URL_SAFE_NO_PAD.encode_string(mac, &mut signature);
    Ok(signature)
}

/// Checks `signature` against the secret, the exact timestamp bytes received
/// and the tenant.
///
/// The MAC is compared in constant time as its base64url text, so padded or
/// standard-alphabet encodings of the right bytes are rejected too. This
/// does not look at the time: parse `expires_at` with [`parse_timestamp`]
/// afterwards and check it against the clock.
pub fn verify(
    signature: &[u8],
    secret_key: &str,
    expires_at: &[u8],
    tenant_id: &str,
) -> Result<(), SignatureError> {
    let (salt, presented) = split_signature(signature)?;

    let mac = compute_mac(salt, secret_key.as_bytes(), expires_at, tenant_id);
    let mut expected = [0u8; MAC_ENCODED_LEN];
    let written = URL_SAFE_NO_PAD
        .encode_slice(mac, &mut expected)
        .expect("27 bytes hold a base64url HMAC-SHA1");
    debug_assert_eq!(written, MAC_ENCODED_LEN);

    if bool::from(expected.ct_eq(presented)) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Splits `<salt>.<mac>`, checking the shape of both parts. The shape is not
/// secret, so these checks need not be constant time.
fn split_signature(signature: &[u8]) -> Result<(&[u8], &[u8]), SignatureError> {
    let dot = signature
        .iter()
        .position(|&b| b == b'.')
        .ok_or(SignatureError::Malformed)?;
    let (salt, presented) = (&signature[..dot], &signature[dot + 1..]);

    if !is_salt(salt) || presented.len() != MAC_ENCODED_LEN {
        return Err(SignatureError::Malformed);
    }
    Ok((salt, presented))
}

fn is_salt(salt: &[u8]) -> bool {
    (1..=MAX_SALT_LEN).contains(&salt.len())
        && salt
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Formats an instant the way signatures are issued: RFC 3339 in UTC with a
/// `Z` suffix and the fraction of a second trimmed of trailing zeros (none
/// at all on a whole second), e.g. `2025-08-17T02:13:27.6344997Z`.
pub fn format_timestamp(instant: Timestamp) -> String {
    let utc = Offset::UTC.to_datetime(instant);
    let mut text = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        utc.year(),
        utc.month(),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    );

    let nanos = utc.subsec_nanosecond();
    if nanos != 0 {
        let fraction = format!("{nanos:09}");
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    text.push('Z');
    text
}

/// Parses a timestamp strictly: `YYYY-MM-DDTHH:MM:SS` with an optional
/// fraction of 1 to 9 digits and an upper-case `Z`. Lower-case `t`/`z`,
/// numeric offsets (even `+00:00`), spaces and leap seconds are rejected.
/// Trailing zeros in the fraction are read (JavaScript's `toISOString`
/// always writes three digits); what ties a signature to one spelling is its
/// MAC, computed over the timestamp's bytes as sent.
pub fn parse_timestamp(text: &[u8]) -> Result<Timestamp, TimestampError> {
    use TimestampError::{Malformed, OutOfRange};

    let (body, fraction) = match text {
        [body @ .., b'Z'] if body.len() >= 19 => (&body[..19], &body[19..]),
        _ => return Err(Malformed),
    };

    let separators_ok = body[4] == b'-'
        && body[7] == b'-'
        && body[10] == b'T'
        && body[13] == b':'
        && body[16] == b':';
    if !separators_ok {
        return Err(Malformed);
    }

    let year = digits(&body[0..4])?;
    let month = digits(&body[5..7])?;
    let day = digits(&body[8..10])?;
    let hour = digits(&body[11..13])?;
    let minute = digits(&body[14..16])?;
    let second = digits(&body[17..19])?;

    let nanos = match fraction {
        [] => 0,
        [b'.', rest @ ..] if (1..=9).contains(&rest.len()) => {
            digits(rest)? * 10u32.pow(9 - rest.len() as u32)
        }
        _ => return Err(Malformed),
    };

    // Every field has at most four digits, so these casts cannot truncate.
    let date = Date::new(year as i16, month as i8, day as i8).map_err(|_| OutOfRange)?;
    let time =
        Time::new(hour as i8, minute as i8, second as i8, nanos as i32).map_err(|_| OutOfRange)?;
    Offset::UTC
        .to_timestamp(DateTime::from_parts(date, time))
        .map_err(|_| OutOfRange)
}

/// Reads ASCII digits only; `u32::from_str` would also take a leading `+`.
fn digits(text: &[u8]) -> Result<u32, TimestampError> {
    text.iter().try_fold(0u32, |value, &b| {
        if b.is_ascii_digit() {
            Ok(value * 10 + u32::from(b - b'0'))
        } else {
            Err(TimestampError::Malformed)
        }
    })
}

/// Whether `text` has the shape of a client ID: 16 characters `[A-Za-z0-9]`.
pub fn is_client_id(text: &str) -> bool {
    text.len() == CLIENT_ID_LEN && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `api_key` has the shape of an API key for `client_id`:
/// `<clientId>.<64 characters [A-Za-z0-9]>`. Says nothing about validity.
pub fn is_api_key_for(client_id: &str, api_key: &str) -> bool {
    match api_key.split_once('.') {
        Some((prefix, secret)) => {
            prefix == client_id
                && is_client_id(prefix)
                && secret.len() == API_KEY_SECRET_LEN
                && secret.bytes().all(|b| b.is_ascii_alphanumeric())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests;
