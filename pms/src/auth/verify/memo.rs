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
use subtle::ConstantTimeEq;
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

/// A credential set that passed, and what is left to check each time.
#[derive(Clone)]
pub(crate) struct Verified {
    api_key: Zeroizing<Vec<u8>>,
    signature: Zeroizing<Vec<u8>>,
    timestamp: Vec<u8>,
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
    pub(crate) fn find(&self, presented: &Presented<'_>) -> Option<Verified> {
        let slots = self.slots.read().unwrap_or_else(|e| e.into_inner());
        let mut found = None;
        for slot in slots.iter().flatten() {
            let same = ct_equal(&slot.api_key, presented.api_key)
                & ct_equal(&slot.signature, presented.signature)
                & ct_equal(&slot.timestamp, presented.timestamp);
            if same {
                found = Some(slot.clone());
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
            expires_at,
            valid_until_ms,
        };
        let index = self.next.fetch_add(1, Ordering::Relaxed) % SLOTS;
        self.slots.write().unwrap_or_else(|e| e.into_inner())[index] = Some(verified);
    }
}

/// Equal lengths and equal bytes, without an early exit on the bytes.
/// Lengths are not secret: every valid value of a field has one length.
fn ct_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}
