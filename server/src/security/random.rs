//! Unpredictable tokens (CSP nonces, request IDs) from the operating
//! system's generator, drawn in blocks.
//!
//! Each request needs two tokens; asking the kernel for each would cost two
//! system calls per request. Instead every thread keeps a block of OS random
//! bytes and hands out fresh, never-reused slices of it, refilling the block
//! when it runs out. The bytes are exactly what `getrandom` returned, only
//! fetched earlier.

use std::cell::RefCell;

/// Bytes fetched at once: 32 tokens of 16 bytes.
const BLOCK: usize = 512;

struct Pool {
    bytes: [u8; BLOCK],
    next: usize,
}

thread_local! {
    static POOL: RefCell<Pool> = const {
        RefCell::new(Pool { bytes: [0; BLOCK], next: BLOCK })
    };
}

/// 128 fresh random bits.
pub fn token() -> [u8; 16] {
    POOL.with_borrow_mut(|pool| {
        if pool.next + 16 > BLOCK {
            getrandom::fill(&mut pool.bytes).expect("the operating system provides randomness");
            pool.next = 0;
        }
        let mut token = [0; 16];
        token.copy_from_slice(&pool.bytes[pool.next..pool.next + 16]);
        // Wipe what was handed out, so no later token can repeat it.
        pool.bytes[pool.next..pool.next + 16].fill(0);
        pool.next += 16;
        token
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn tokens_do_not_repeat_across_refills() {
        let tokens: HashSet<[u8; 16]> = (0..10 * BLOCK / 16).map(|_| token()).collect();
        assert_eq!(tokens.len(), 10 * BLOCK / 16);
        assert!(!tokens.contains(&[0; 16]));
    }

    #[test]
    fn threads_draw_different_tokens() {
        let here: HashSet<[u8; 16]> = (0..64).map(|_| token()).collect();
        let there: HashSet<[u8; 16]> = std::thread::spawn(|| (0..64).map(|_| token()).collect())
            .join()
            .unwrap();
        assert!(here.is_disjoint(&there));
    }
}
