//! Security headers on every response, with a fresh CSP nonce per request.
//!
//! The Content-Security-Policy allows scripts and styles only from this
//! origin or carrying the request's nonce. Leptos puts the nonce on the
//! hydration script it writes (`leptos::nonce::use_nonce`), the shell puts it
//! on the tenant's theme `<style>`, and the browser bundle loads from `/pkg`,
//! so hydration works while an injected inline script does not run.
//! `'wasm-unsafe-eval'` lets the page compile the WebAssembly bundle and
//! nothing else.

use std::sync::Arc;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use http::{HeaderMap, HeaderValue, header};

/// The nonce of the current request, in its extensions for the renderer.
#[derive(Debug, Clone)]
pub struct CspNonce(pub Arc<str>);

impl CspNonce {
    /// 128 bits from the operating system's CSPRNG.
    pub fn generate() -> Self {
        Self(URL_SAFE_NO_PAD.encode(super::random::token()).into())
    }
}

/// The header policy of the site.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    /// `Strict-Transport-Security` value, when HSTS is on.
    hsts: Option<HeaderValue>,
}

impl SecurityHeaders {
    /// Headers with HSTS for `hsts_max_age` seconds (none when `None`).
    pub fn new(hsts_max_age: Option<u64>) -> Self {
        let hsts = hsts_max_age.map(|age| {
            HeaderValue::from_str(&format!("max-age={age}; includeSubDomains"))
                .expect("digits make a valid header")
        });
        Self { hsts }
    }
}

/// The policy for a response to a request with `nonce`.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; \
         script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; \
         img-src 'self' data:; \
         font-src 'self'; \
         connect-src 'self'; \
         object-src 'none'; \
         base-uri 'none'; \
         form-action 'self'; \
         frame-ancestors 'none'"
    )
}

impl SecurityHeaders {
    /// Sets the policy on a response to a request whose nonce was `nonce`.
    pub fn apply(&self, headers: &mut HeaderMap, nonce: &CspNonce) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&content_security_policy(&nonce.0))
                .expect("base64url makes a valid header"),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        );
        // For browsers that predate `frame-ancestors`.
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            "cross-origin-opener-policy",
            HeaderValue::from_static("same-origin"),
        );
        headers.insert(
            "permissions-policy",
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(self)"),
        );
        if let Some(hsts) = &self.hsts {
            headers.insert(header::STRICT_TRANSPORT_SECURITY, hsts.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_fresh_and_header_safe() {
        let (a, b) = (CspNonce::generate(), CspNonce::generate());

        assert_ne!(a.0, b.0);
        assert_eq!(a.0.len(), 22);
        assert!(HeaderValue::from_str(&content_security_policy(&a.0)).is_ok());
    }

    #[test]
    fn the_policy_forbids_framing_and_foreign_scripts() {
        let policy = content_security_policy("abc");

        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
    }
}
