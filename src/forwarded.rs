//! Who sent a request that came through reverse proxies, read the same way
//! by the site and the platform.
//!
//! `X-Forwarded-For` is written by whoever sends the request, so it is only
//! believed when the TCP peer is a configured trusted proxy, and then read
//! from the right: each trusted proxy appends the address it received the
//! request from, so the right-most entry that is not itself a trusted proxy
//! is the client. Entries to its left are the client's own claims. A garbled
//! entry is evidence of nothing, so the walk stops at the last address a
//! trusted proxy vouched for; it cannot shift the charge onto the proxy or
//! onto an address the client wrote.
//!
//! ```
//! use doorstep::forwarded::TrustedProxies;
//!
//! let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
//! // The client wrote 6.6.6.6; the proxy at 10.0.0.2 appended what it saw.
//! let header: &[u8] = b"6.6.6.6, 203.0.113.7";
//! let client = proxies.client_addr("10.0.0.2".parse().unwrap(), [header]);
//! assert_eq!(client, "203.0.113.7".parse::<std::net::IpAddr>().unwrap());
//! ```

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
    str::FromStr,
};

/// How many leading bits of an IPv6 address name one client: a host is
/// usually given a whole /64, so counting its addresses apart would give it
/// 2^64 rate-limit buckets.
pub const IPV6_CLIENT_BITS: u32 = 64;

/// An address or CIDR block. An IPv4-mapped IPv6 block
/// (`::ffff:10.0.0.0/104`) is held as the IPv4 block it covers
/// (`10.0.0.0/8`), since addresses are compared in their IPv4 form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpBlock {
    addr: IpAddr,
    bits: u8,
}

/// Why a proxy address or block was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// Not an IP address.
    #[error("{0:?} is not an IP address")]
    NotAnAddress(String),
    /// The prefix is not a number, or longer than the address.
    #[error("{0:?} has a bad prefix length")]
    BadPrefix(String),
    /// An IPv4-mapped block shorter than /96 covers more than IPv4.
    #[error("{0:?} is an IPv4-mapped block shorter than /96; write it as IPv4")]
    WideMappedBlock(String),
}

impl FromStr for IpBlock {
    type Err = BlockError;

    fn from_str(text: &str) -> Result<Self, BlockError> {
        let (addr, bits) = match text.split_once('/') {
            Some((addr, bits)) => (addr, Some(bits)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| BlockError::NotAnAddress(text.to_owned()))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            Some(bits) => bits
                .parse::<u8>()
                .ok()
                .filter(|bits| *bits <= max)
                .ok_or_else(|| BlockError::BadPrefix(text.to_owned()))?,
            None => max,
        };
        match addr {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Ok(Self {
                    addr: IpAddr::V4(v4),
                    bits: bits
                        .checked_sub(96)
                        .ok_or_else(|| BlockError::WideMappedBlock(text.to_owned()))?,
                }),
                None => Ok(Self { addr, bits }),
            },
            IpAddr::V4(_) => Ok(Self { addr, bits }),
        }
    }
}

impl fmt::Display for IpBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.bits)
    }
}

impl IpBlock {
    /// Whether `addr` lies in this block (an IPv4-mapped address counts as
    /// its IPv4 address).
    pub fn contains(&self, addr: IpAddr) -> bool {
        let bits = u32::from(self.bits);
        match (self.addr, canonical(addr)) {
            (IpAddr::V4(block), IpAddr::V4(addr)) => {
                prefix(u32::from(block).into(), 32, bits)
                    == prefix(u32::from(addr).into(), 32, bits)
            }
            (IpAddr::V6(block), IpAddr::V6(addr)) => {
                prefix(block.into(), 128, bits) == prefix(addr.into(), 128, bits)
            }
            _ => false,
        }
    }
}

/// The leading `bits` of a `width`-bit number.
fn prefix(value: u128, width: u32, bits: u32) -> u128 {
    if bits == 0 {
        0
    } else {
        value >> (width - bits)
    }
}

/// The reverse proxies in front of a service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpBlock>);

impl TrustedProxies {
    /// Parses a comma-separated list: `10.0.0.0/8, 127.0.0.1, ::1`.
    pub fn parse(list: &str) -> Result<Self, BlockError> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The blocks, as configured.
    pub fn blocks(&self) -> &[IpBlock] {
        &self.0
    }

    /// Whether `addr` is one of the proxies.
    pub fn contains(&self, addr: IpAddr) -> bool {
        self.0.iter().any(|block| block.contains(addr))
    }

    /// The client's address: `peer`, or, when the peer is a trusted proxy,
    /// the right-most `X-Forwarded-For` entry that is not a trusted proxy.
    /// `lines` are the header's values in the order received. Entries may
    /// carry a port (`203.0.113.7:41000`, `[2001:db8::7]:41000`), as some
    /// load balancers write them.
    pub fn client_addr<'a, I>(&self, peer: IpAddr, lines: I) -> IpAddr
    where
        I: IntoIterator<Item = &'a [u8]>,
        I::IntoIter: DoubleEndedIterator,
    {
        if !self.contains(peer) {
            return peer;
        }
        let mut client = peer;
        // Split on raw bytes, so one entry with a stray non-UTF-8 byte cannot
        // hide the entries a proxy appended after it on the same line.
        let entries = lines
            .into_iter()
            .rev()
            .flat_map(|line| line.rsplit(|byte| *byte == b','));
        for entry in entries {
            match parse_entry(entry) {
                Some(addr) if self.contains(addr) => client = addr,
                Some(addr) => return canonical(addr),
                None => return client,
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, with or without a port.
fn parse_entry(entry: &[u8]) -> Option<IpAddr> {
    let entry = std::str::from_utf8(entry).ok()?.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
}

/// An IPv4-mapped IPv6 address as its IPv4 address; any other unchanged.
pub fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

/// The client a rate limit counts `addr` as: the IPv4 address itself, or
/// the IPv6 address's /64 network ([`IPV6_CLIENT_BITS`]).
pub fn client_key(addr: IpAddr) -> IpAddr {
    match canonical(addr) {
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & (u128::MAX << (128 - IPV6_CLIENT_BITS));
            IpAddr::V6(network.into())
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    #[test]
    fn blocks_cover_their_addresses_in_either_family() {
        let list = proxies("10.0.0.0/8, 2001:db8::/32, 192.168.1.1, 0.0.0.0/0");
        let [block, v6, single, everything] = list.blocks() else {
            panic!("four blocks")
        };

        assert!(block.contains(ip("10.200.3.4")));
        assert!(block.contains(ip("::ffff:10.1.2.3")));
        assert!(!block.contains(ip("11.0.0.1")));
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(single.contains(ip("192.168.1.1")));
        assert!(!single.contains(ip("192.168.1.2")));
        assert!(everything.contains(ip("203.0.113.9")));
        assert!(!everything.contains(ip("2001:db8::1")));
    }

    #[test]
    fn ipv4_mapped_blocks_are_their_ipv4_blocks() {
        let single = proxies("::ffff:10.0.0.1");
        let block = proxies("::ffff:10.0.0.0/104");

        assert!(single.contains(ip("10.0.0.1")));
        assert!(single.contains(ip("::ffff:10.0.0.1")));
        assert!(!single.contains(ip("10.0.0.2")));
        assert!(block.contains(ip("10.200.0.1")));
        assert!(!block.contains(ip("11.0.0.1")));
        assert_eq!(block.blocks()[0].to_string(), "10.0.0.0/8");
    }

    #[test]
    fn bad_lists_are_refused_naming_the_entry() {
        let error = |list: &str| TrustedProxies::parse(list).unwrap_err();

        assert_eq!(
            error("10.0.0.0/33"),
            BlockError::BadPrefix("10.0.0.0/33".into())
        );
        assert_eq!(
            error("localhost"),
            BlockError::NotAnAddress("localhost".into())
        );
        assert!(matches!(
            error("::ffff:0.0.0.0/95"),
            BlockError::WideMappedBlock(_)
        ));
        assert!(TrustedProxies::parse("::1, 192.168.0.0/16,").is_ok());
    }

    #[test]
    fn without_a_trusted_peer_the_header_is_ignored() {
        let list = proxies("10.0.0.0/8");

        assert_eq!(
            list.client_addr(ip("203.0.113.9"), [&b"1.2.3.4"[..]]),
            ip("203.0.113.9")
        );
        assert_eq!(
            TrustedProxies::default().client_addr(ip("10.0.0.2"), [&b"1.2.3.4"[..]]),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn the_right_most_untrusted_entry_is_the_client() {
        let list = proxies("10.0.0.0/8, 127.0.0.1");
        let lines = |lines: &'static [&'static str]| lines.iter().map(|line| line.as_bytes());

        // The client forged 6.6.6.6; each proxy appended what it saw.
        let one_line =
            list.client_addr(ip("127.0.0.1"), lines(&["6.6.6.6, 198.51.100.7, 10.0.0.5"]));
        let two_lines =
            list.client_addr(ip("10.0.0.2"), lines(&["6.6.6.6", "203.0.113.7, 10.0.0.9"]));
        let all_proxies = list.client_addr(ip("10.0.0.2"), lines(&["10.0.0.7"]));
        let none = list.client_addr(ip("10.0.0.2"), lines(&[]));

        assert_eq!(one_line, ip("198.51.100.7"));
        assert_eq!(two_lines, ip("203.0.113.7"));
        assert_eq!(all_proxies, ip("10.0.0.7"));
        assert_eq!(none, ip("10.0.0.2"));
    }

    #[test]
    fn a_garbled_entry_stops_the_walk_without_hiding_what_a_proxy_appended() {
        let list = proxies("10.0.0.0/8");

        let garbled = list.client_addr(ip("10.0.0.2"), [&b"x, 203.0.113.7"[..]]);
        let non_utf8 = list.client_addr(ip("10.0.0.2"), [&b"\xff\xfe, 203.0.113.7"[..]]);
        let only_garbage = list.client_addr(ip("10.0.0.2"), [&b"not an address"[..]]);
        let garbage_after_a_proxy =
            list.client_addr(ip("10.0.0.2"), [&b"6.6.6.6, x, 10.0.0.3"[..]]);

        assert_eq!(garbled, ip("203.0.113.7"));
        assert_eq!(non_utf8, ip("203.0.113.7"));
        assert_eq!(only_garbage, ip("10.0.0.2"));
        assert_eq!(garbage_after_a_proxy, ip("10.0.0.3"));
    }

    #[test]
    fn entries_with_a_port_name_their_address() {
        let list = proxies("10.0.0.0/8");

        let v4 = list.client_addr(ip("10.0.0.2"), [&b"198.51.100.7:41000"[..]]);
        let v6 = list.client_addr(ip("10.0.0.2"), [&b"[2001:db8::7]:41000"[..]]);
        let mapped = list.client_addr(ip("10.0.0.2"), [&b"::ffff:198.51.100.8"[..]]);

        assert_eq!(v4, ip("198.51.100.7"));
        assert_eq!(v6, ip("2001:db8::7"));
        assert_eq!(mapped, ip("198.51.100.8"));
    }

    #[test]
    fn an_ipv6_client_is_its_64_and_an_ipv4_one_its_address() {
        assert_eq!(client_key(ip("2001:db8:1:2:abcd::1")), ip("2001:db8:1:2::"));
        assert_eq!(client_key(ip("::ffff:198.51.100.4")), ip("198.51.100.4"));
        assert_eq!(client_key(ip("198.51.100.4")), ip("198.51.100.4"));
    }
}
