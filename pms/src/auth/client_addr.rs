//! Which address a request comes from, for rate limiting.
//!
//! `X-Forwarded-For` is written by whoever sends the request, so it is only
//! believed when the peer is a configured trusted proxy, and then read from
//! the right: each trusted proxy appends the address it received from, so
//! the rightmost entry that is not itself a trusted proxy is the first
//! address no trusted party vouches for beyond. Entries to its left are the
//! client's own claims and are ignored. With no trusted proxies the peer
//! address is the answer.

use std::net::IpAddr;

use axum::http::HeaderMap;

use crate::settings::IpNet;

/// The address to rate-limit `peer`'s request under.
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }

    // Each entry, or `None` where it cannot be read. Reading the raw bytes
    // keeps one garbled entry from hiding the entries a proxy appended after
    // it on the same line.
    let hops: Vec<Option<IpAddr>> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| value.as_bytes().split(|byte| *byte == b','))
        .map(|item| {
            std::str::from_utf8(item)
                .ok()
                .and_then(|text| parse_hop(text.trim()))
        })
        .collect();

    // From the right: a garbled entry is not evidence of anything, so the
    // walk stops at the last address a trusted proxy vouched for.
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        let Some(hop) = hop else { break };
        client = hop;
        if !is_trusted(hop) {
            break;
        }
    }
    client
}

/// Reads one `X-Forwarded-For` entry: an address, possibly with a port.
fn parse_hop(item: &str) -> Option<IpAddr> {
    if let Ok(ip) = item.parse() {
        return Some(ip);
    }
    if let Ok(socket) = item.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    None
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
        assert_eq!(client_addr(ip("9.9.9.9"), &headers, &[]), ip("9.9.9.9"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
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
        let trusted = ["10.0.0.2".parse().unwrap()];
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
        let trusted = ["10.0.0.0/8".parse().unwrap()];
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
