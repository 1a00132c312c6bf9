//! Header names of the platform API.
//!
//! The booking site sends these on every platform call and the platform's
//! verification layer reads them. They are lower-case because HTTP/2 requires
//! it and `http::HeaderName::from_static` rejects anything else, so both
//! sides can build header names from these constants without a fallible
//! conversion.

/// The tenant's public client ID (16 characters `[A-Za-z0-9]`).
pub const CLIENT_ID: &str = "x-clientid";

/// The tenant's API key, `<clientId>.<64 characters [A-Za-z0-9]>`. Secret.
pub const API_KEY: &str = "x-api-key";

/// A signature issued by `POST /auth/signature`: `<salt>.<mac>`. Secret
/// while it is valid.
pub const SIGNATURE: &str = "x-signature";

/// The `expiresAt` value returned together with the signature, byte for
/// byte as issued.
pub const TIMESTAMP: &str = "x-timestamp";

/// Every header that carries a credential. Loggers and tracing layers mark
/// these sensitive so their values are never printed.
pub const CREDENTIAL_HEADERS: [&str; 3] = [API_KEY, SIGNATURE, TIMESTAMP];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_lower_case_ascii_tokens() {
        for name in [CLIENT_ID, API_KEY, SIGNATURE, TIMESTAMP] {
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{name}"
            );
        }
    }
}
