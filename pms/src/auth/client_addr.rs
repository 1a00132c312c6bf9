//! Which address a request comes from, for rate limiting: the peer, or
//! behind trusted proxies the right-most `X-Forwarded-For` entry that is
//! not one of them, read as the site reads it ([`doorstep::forwarded`]).

use std::net::IpAddr;

use axum::http::HeaderMap;

use crate::settings::TrustedProxies;

/// The address to rate-limit `peer`'s request under.
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let lines = headers.get_all("x-forwarded-for");
    trusted.client_addr(peer, lines.iter().map(|line| line.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let headers = xff(&["1.2.3.4"]);
        assert_eq!(
            client_addr(ip("9.9.9.9"), &headers, &TrustedProxies::default()),
            ip("9.9.9.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // The client forged "6.6.6.6"; the proxy appended the real address.
        let headers = xff(&["6.6.6.6, 203.0.113.7"]);
        assert_eq!(
            client_addr(ip("10.0.0.2"), &headers, &trusted),
            ip("203.0.113.7")
        );

        let chained = xff(&["6.6.6.6", "203.0.113.7, 10.0.0.9"]);
        assert_eq!(
            client_addr(ip("10.0.0.2"), &chained, &trusted),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_trusted_proxy_without_a_usable_header_is_its_own_client() {
        let trusted = TrustedProxies::parse("10.0.0.2").unwrap();
        assert_eq!(
            client_addr(ip("10.0.0.2"), &HeaderMap::new(), &trusted),
            ip("10.0.0.2")
        );
        let garbage = xff(&["not an address"]);
        assert_eq!(
            client_addr(ip("10.0.0.2"), &garbage, &trusted),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn a_forged_garbled_entry_does_not_shift_the_charge_to_the_proxy() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // The client sent "x"; the proxy appended the real address after it.
        let garbled = xff(&["x, 203.0.113.7"]);
        assert_eq!(
            client_addr(ip("10.0.0.2"), &garbled, &trusted),
            ip("203.0.113.7")
        );

        let mut non_ascii = HeaderMap::new();
        non_ascii.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"\xff\xfe, 203.0.113.7").unwrap(),
        );
        assert_eq!(
            client_addr(ip("10.0.0.2"), &non_ascii, &trusted),
            ip("203.0.113.7")
        );
    }
}
