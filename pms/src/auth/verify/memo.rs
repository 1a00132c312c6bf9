//! Remembering credential sets that passed verification.
//!
//! A site sends the same client ID, API key, signature and timestamp on
//! every call for up to an hour. Recomputing SHA-256 of the key and the
//! HMAC of the signature each time costs about ten hash compressions; a
//! constant-time comparison with the bytes that passed last time costs
//! none. The memory holds a few recent sets per cached tenant (several
//! site processes may hold different signatures) and lives inside the
//! cache entry, so it is dropped with it after the cache TTL. The values
//! stay in process memory only and are wiped when dropped.

use std::sync::RwLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::Timestamp;
use zeroize::Zeroizing;

use super::Presented;

/// How many credential sets are remembered per tenant.
const SLOTS: usize = 4;

/// The recently verified credential sets of one tenant.
#[derive(Default)]
pub(crate) struct VerifiedMemo {
    slots: RwLock<[Option<Verified>; SLOTS]>,
    next: AtomicUsize,
}

/// A credential set that passed.
struct Verified {
    api_key: Zeroizing<Vec<u8>>,
    signature: Zeroizing<Vec<u8>>,
    timestamp: Vec<u8>,
    limits: Limits,
}

/// What is left to check each time a remembered set comes back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// The parsed timestamp, still checked against the clock every time.
    pub(crate) expires_at: Timestamp,
    /// When the API key or secret it passed with stops working (Unix ms).
    pub(crate) valid_until_ms: Option<i64>,
}

impl std::fmt::Debug for VerifiedMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerifiedMemo(<redacted>)")
    }
}

impl VerifiedMemo {
    /// The remembered set equal to `presented`, if any. All three values
    /// are compared in constant time, in every slot.
    pub(crate) fn find(&self, presented: &Presented<'_>) -> Option<Limits> {
        let slots = self.slots.read().unwrap_or_else(|e| e.into_inner());
        let mut found = None;
        for slot in slots.iter().flatten() {
            let same = ct_equal(&slot.api_key, presented.api_key)
                & ct_equal(&slot.signature, presented.signature)
                & ct_equal(&slot.timestamp, presented.timestamp);
            if same {
                found = Some(slot.limits);
            }
        }
        found
    }

    /// Remembers a set that just passed full verification.
    pub(crate) fn remember(
        &self,
        presented: &Presented<'_>,
        expires_at: Timestamp,
        valid_until_ms: Option<i64>,
    ) {
        let verified = Verified {
            api_key: Zeroizing::new(presented.api_key.to_vec()),
            signature: Zeroizing::new(presented.signature.to_vec()),
            timestamp: presented.timestamp.to_vec(),
            limits: Limits {
                expires_at,
                valid_until_ms,
            },
        };
        let index = self.next.fetch_add(1, Ordering::Relaxed) % SLOTS;
        self.slots.write().unwrap_or_else(|e| e.into_inner())[index] = Some(verified);
    }
}

/// Equal lengths and equal bytes, without an early exit on the bytes.
/// Lengths are not secret: every valid value of a field has one length.
///
/// The differences are OR-ed together branch-free (which the compiler
/// vectorises) and the result passes `black_box` before the one
/// comparison, so no data-dependent exit can be introduced. `subtle`'s
/// byte-wise `ct_eq` would do the same about ten times slower, and this
/// runs on every request.
fn ct_equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presented<'a>(key: &'a [u8], signature: &'a [u8], timestamp: &'a [u8]) -> Presented<'a> {
        Presented {
            client_id: "AAAAAAAAAAAAAAAA",
            api_key: key,
            signature,
            timestamp,
        }
    }

    #[test]
    fn only_the_exact_same_credential_set_is_recognised() {
        let memo = VerifiedMemo::default();
        let expires_at = Timestamp::from_second(2_000_000_000).unwrap();
        memo.remember(&presented(b"key", b"salt.mac", b"T"), expires_at, Some(5));

        let limits = memo.find(&presented(b"key", b"salt.mac", b"T")).unwrap();
        assert_eq!(
            (limits.expires_at, limits.valid_until_ms),
            (expires_at, Some(5))
        );
        for other in [
            presented(b"kez", b"salt.mac", b"T"),
            presented(b"key", b"salt.mad", b"T"),
            presented(b"key", b"salt.mac", b"U"),
            presented(b"key", b"salt.ma", b"T"),
            presented(b"", b"", b""),
        ] {
            assert!(memo.find(&other).is_none());
        }
    }

    #[test]
    fn the_memo_keeps_the_last_few_sets() {
        let memo = VerifiedMemo::default();
        let t = Timestamp::from_second(2_000_000_000).unwrap();
        for i in 0..=SLOTS as u8 {
            memo.remember(&presented(&[i], b"s", b"t"), t, None);
        }
        assert!(
            memo.find(&presented(&[0], b"s", b"t")).is_none(),
            "the oldest is gone"
        );
        assert!(memo.find(&presented(&[SLOTS as u8], b"s", b"t")).is_some());
    }

    #[test]
    fn memo_debug_output_shows_no_credentials() {
        let memo = VerifiedMemo::default();
        memo.remember(
            &presented(b"secret-key", b"s", b"t"),
            Timestamp::UNIX_EPOCH,
            None,
        );
        assert_eq!(format!("{memo:?}"), "VerifiedMemo(<redacted>)");
    }
}
