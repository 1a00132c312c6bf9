//! Credential types that cannot leak by accident.
//!
//! A tenant's API key and the signatures the platform issues are bearer
//! secrets. They live in [`Secret`], which implements neither `Display` nor
//! `Serialize`, prints as `<redacted>` under `Debug`, and wipes its memory
//! when dropped. The only way to read one is [`Secret::expose`], which the
//! platform client calls exactly where it writes a request header, so a
//! review finds every use with one search.
//!
//! ```
//! use doorstep_site::credentials::Secret;
//!
//! let key = Secret::new("abcd.very-secret".to_string());
//! assert_eq!(format!("{key:?}"), "<redacted>");
//! assert_eq!(key.expose(), "abcd.very-secret");
//! ```

use std::fmt;

use zeroize::Zeroizing;

/// A string that must never be printed, logged or serialized.
///
/// Comparison is deliberately not offered: code that needs to compare
/// secrets should say so with [`Secret::same_as`], which takes constant time.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps `value`; the original allocation is moved, not copied.
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The secret value, for writing it into a request header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether two secrets hold the same value, in constant time for
    /// secrets of equal length.
    pub fn same_as(&self, other: &Secret) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A tenant's public client ID.
///
/// It is not a secret on its own (it identifies the tenant in logs and
/// metrics), but it is never sent to a browser either: a guest has no use for
/// it, and it is half of what an attacker needs. So it may be displayed (for
/// logs) but not serialized.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(String);

impl ClientId {
    /// Checks the form the platform issues: 16 characters `[A-Za-z0-9]`.
    pub fn parse(value: &str) -> Result<Self, &'static str> {
        let valid = value.len() == doorstep::signature::CLIENT_ID_LEN
            && value.bytes().all(|b| b.is_ascii_alphanumeric());
        if valid {
            Ok(Self(value.to_string()))
        } else {
            Err("a client ID is 16 characters A-Z, a-z, 0-9")
        }
    }

    /// The client ID as sent in the `x-clientid` header.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientId({})", self.0)
    }
}

/// What the site presents to the platform for one tenant.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The tenant's client ID.
    pub client_id: ClientId,
    /// The tenant's API key (`<clientId>.<64 characters>`).
    pub api_key: Secret,
}

impl Credentials {
    /// Checks that `api_key` has the platform's form and belongs to
    /// `client_id`, so a mix-up between two tenants' variables is caught at
    /// start-up instead of as a stream of `401`s.
    pub fn new(client_id: ClientId, api_key: Secret) -> Result<Self, &'static str> {
        let key = api_key.expose();
        let Some((prefix, random)) = key.split_once('.') else {
            return Err("an API key has the form <clientId>.<64 characters>");
        };
        if random.len() != doorstep::signature::API_KEY_SECRET_LEN
            || !random.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err("an API key has the form <clientId>.<64 characters>");
        }
        if prefix != client_id.as_str() {
            return Err("the API key belongs to a different client ID");
        }
        Ok(Self { client_id, api_key })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: &str = "AbCdEfGh12345678";

    fn key(client: &str) -> Secret {
        Secret::new(format!("{client}.{}", "k".repeat(64)))
    }

    #[test]
    fn debug_output_of_credentials_shows_no_key() {
        let credentials = Credentials::new(ClientId::parse(CLIENT).unwrap(), key(CLIENT)).unwrap();

        let printed = format!("{credentials:?}");

        assert!(!printed.contains("kkkk"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn a_key_of_another_client_is_refused() {
        let error = Credentials::new(ClientId::parse(CLIENT).unwrap(), key("ZZZZZZZZZZZZZZZZ"))
            .unwrap_err();

        assert!(error.contains("different client"));
    }

    #[test]
    fn malformed_client_ids_and_keys_are_refused() {
        assert!(ClientId::parse("short").is_err());
        assert!(ClientId::parse("AbCdEfGh1234567!").is_err());
        let client = ClientId::parse(CLIENT).unwrap();
        assert!(Credentials::new(client.clone(), Secret::new("nodot".into())).is_err());
        assert!(Credentials::new(client, Secret::new(format!("{CLIENT}.short"))).is_err());
    }

    #[test]
    fn secrets_compare_by_value() {
        assert!(Secret::new("a.b".into()).same_as(&Secret::new("a.b".into())));
        assert!(!Secret::new("a.b".into()).same_as(&Secret::new("a.c".into())));
        assert!(!Secret::new("a.b".into()).same_as(&Secret::new("a.bc".into())));
    }
}
