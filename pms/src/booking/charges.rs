//! Card charges: written down first, sent second.
//!
//! Before the provider is asked to charge a card, an attempt is stored as
//! `charging`, and the provider is asked with the attempt's idempotency key
//! (`charge-<attemptId>`). The booking's confirmation marks the attempt
//! `confirmed` in the same transaction. Whatever else happens, the platform
//! knows of every charge it may have made:
//!
//! - the card is refused: the attempt becomes `void`;
//! - the charge is made but the booking cannot be confirmed with it (its
//!   hold lapsed, a concurrent payment won, the database failed): the
//!   attempt becomes `refund_pending` and the charge is given back with the
//!   key `unused-<attemptId>`, then `refunded`;
//! - the process stops halfway, the provider cannot be reached, or the
//!   database cannot record the outcome: the attempt stays `charging`, and
//!   once it is older than any payment can take ([`SETTLE_AFTER_MS`]) the
//!   [sweeper](super::sweeper) asks the provider what became of its key and
//!   refunds a charge it finds;
//! - a charge that lands after the sweeper found none and voided its
//!   attempt is refunded by the payment that made it.
//!
//! Every move is conditional on the state it leaves (`charging`, `void`,
//! `refund_pending`), so when a payment and the sweeper meet on one attempt
//! exactly one of them moves it.
//!
//! The sweeper also retries `refund_pending` attempts, so a provider that
//! fails a refund only delays it.

use crate::db::{Db, now_millis};
use crate::error::ApiError;

use super::bookings::StoredBooking;
use super::payments::{Charge, Decline, provider};

/// Attempts still `charging` this long after they began are settled by the
/// sweeper: far longer than a payment's charge may take
/// ([`CHARGE_DEADLINE`](super::payments::CHARGE_DEADLINE)), so the sweeper
/// rarely meets a payment still in progress; when it does, the moves being
/// conditional keeps the outcome right.
pub const SETTLE_AFTER_MS: i64 = 15 * 60 * 1000;

/// How many attempts one sweep settles.
const SETTLE_BATCH: i64 = 100;

/// A stored payment attempt.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attempt {
    pub attempt_id: String,
    pub booking_id: String,
    pub amount: i64,
    pub status: String,
    pub provider_reference: Option<String>,
}

impl Attempt {
    /// The idempotency key the charge is made with.
    pub fn charge_key(&self) -> String {
        format!("charge-{}", self.attempt_id)
    }

    /// The idempotency key an unused charge is refunded with.
    pub fn refund_key(&self) -> String {
        format!("unused-{}", self.attempt_id)
    }
}

/// What a round of settling did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    /// Unused charges given back.
    pub refunded: usize,
    /// Abandoned attempts the provider never charged.
    pub voided: usize,
    /// Attempts that could not be settled yet (the provider failed).
    pub failed: usize,
}

/// Stores a new `charging` attempt to pay `booking`'s amount due now.
pub async fn begin(db: &Db, booking: &StoredBooking) -> Result<Attempt, ApiError> {
    let now = now_millis();
    let attempt = Attempt {
        attempt_id: uuid::Uuid::new_v4().to_string(),
        booking_id: booking.booking_id.clone(),
        amount: booking.due_now,
        status: "charging".into(),
        provider_reference: None,
    };
    sqlx::query(
        "INSERT INTO charge_attempts (attempt_id, tenant_id, booking_id, amount, currency, \
         status, provider_reference, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'charging', NULL, $6, $6)",
    )
    .bind(&attempt.attempt_id)
    .bind(&booking.tenant_id)
    .bind(&booking.booking_id)
    .bind(attempt.amount)
    .bind(&booking.currency)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(attempt)
}

/// Moves `attempt` from `from` to `to`, recording the provider's reference
/// when given. `false` when it was no longer in `from`.
async fn mark<'e, E>(
    executor: E,
    attempt_id: &str,
    from: &str,
    to: &str,
    provider_reference: Option<&str>,
) -> Result<bool, ApiError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let updated = sqlx::query(
        "UPDATE charge_attempts SET status = $1, \
         provider_reference = COALESCE($2, provider_reference), updated_at = $3 \
         WHERE attempt_id = $4 AND status = $5",
    )
    .bind(to)
    .bind(provider_reference)
    .bind(now_millis())
    .bind(attempt_id)
    .bind(from)
    .execute(executor)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Marks `attempt` confirmed, inside the transaction that confirms its
/// booking.
pub(super) async fn confirm_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    attempt: &Attempt,
    charge: &Charge,
) -> Result<(), ApiError> {
    if mark(
        &mut **tx,
        &attempt.attempt_id,
        "charging",
        "confirmed",
        Some(&charge.provider_reference),
    )
    .await?
    {
        Ok(())
    } else {
        // Only the sweeper moves an attempt on otherwise, and only long
        // after any payment has finished.
        Err(ApiError::internal(&format!(
            "payment attempt {} was settled while its payment ran",
            attempt.attempt_id
        )))
    }
}

/// Records that the provider refused the card: nothing was charged. A
/// failure to record it only leaves the attempt for the sweeper, which
/// finds no charge.
pub async fn void(db: &Db, attempt: &Attempt) {
    if let Err(error) = mark(db.pool(), &attempt.attempt_id, "charging", "void", None).await {
        tracing::warn!(attempt.id = %attempt.attempt_id, error.code = error.code(),
            "could not record a refused charge; the sweeper settles it");
    }
}

/// Gives back a charge the booking could not be confirmed with: records
/// the refund as owed, then asks the provider. A failed refund is left for
/// the sweeper (the attempt stays `refund_pending`).
pub async fn give_back(db: &Db, attempt: &Attempt, charge: &Charge) {
    let reference = charge.provider_reference.as_str();
    // Still `charging`; or `void`, when the sweeper found no charge yet
    // while the provider was still making it: the charge is unused all the
    // same. In any other state someone else settled it (confirmed, or
    // already being refunded).
    let owed = async {
        for from in ["charging", "void"] {
            let id = &attempt.attempt_id;
            if mark(db.pool(), id, from, "refund_pending", Some(reference)).await? {
                return Ok(true);
            }
        }
        Ok::<_, ApiError>(false)
    };
    match owed.await {
        Ok(true) => {
            let _ = refund_unused(db, attempt, reference).await;
        }
        Ok(false) => {}
        Err(error) => {
            tracing::error!(attempt.id = %attempt.attempt_id, error.code = error.code(),
                "could not record an unused charge; the sweeper refunds it if it is still charging");
        }
    }
}

/// Refunds the unused charge `provider_reference` of `attempt`, which is
/// `refund_pending`, and records it refunded.
async fn refund_unused(
    db: &Db,
    attempt: &Attempt,
    provider_reference: &str,
) -> Result<(), Decline> {
    let refunded = provider()
        .refund(provider_reference, attempt.amount, &attempt.refund_key())
        .await;
    if let Err(decline) = refunded {
        tracing::warn!(attempt.id = %attempt.attempt_id, decline = decline.code(),
            "refund of an unused charge failed; it stays pending and is retried");
        return Err(decline);
    }
    if let Err(error) = mark(
        db.pool(),
        &attempt.attempt_id,
        "refund_pending",
        "refunded",
        None,
    )
    .await
    {
        // The refund is made; the next try gets the same refund back.
        tracing::warn!(attempt.id = %attempt.attempt_id, error.code = error.code(),
            "could not record a refund of an unused charge; it is retried");
    }
    Ok(())
}

/// Settles the attempts the payments themselves could not: refunds unused
/// charges still pending, and, for attempts left `charging` since before
/// `now_ms - SETTLE_AFTER_MS`, asks the provider whether it charged and
/// gives back what it finds.
pub async fn settle(db: &Db, now_ms: i64) -> Result<Settled, ApiError> {
    let attempts = sqlx::query_as::<_, Attempt>(
        "SELECT attempt_id, booking_id, amount, status, provider_reference \
         FROM charge_attempts WHERE status = 'refund_pending' \
         OR (status = 'charging' AND updated_at < $1) ORDER BY updated_at LIMIT $2",
    )
    .bind(now_ms - SETTLE_AFTER_MS)
    .bind(SETTLE_BATCH)
    .fetch_all(db.pool())
    .await?;

    let mut settled = Settled::default();
    for attempt in &attempts {
        let reference = match (attempt.status.as_str(), &attempt.provider_reference) {
            ("refund_pending", Some(reference)) => reference.clone(),
            // Each move below is made only from `charging`: a payment that
            // ran late and confirmed the attempt meanwhile keeps its charge.
            _ => match provider().find_charge(&attempt.charge_key()).await {
                Ok(Some(charge)) => {
                    let reference = charge.provider_reference;
                    let claimed = mark(
                        db.pool(),
                        &attempt.attempt_id,
                        "charging",
                        "refund_pending",
                        Some(&reference),
                    )
                    .await?;
                    if !claimed {
                        continue;
                    }
                    reference
                }
                Ok(None) => {
                    // A charge that still lands later finds the attempt void
                    // and gives itself back (`give_back`).
                    if mark(db.pool(), &attempt.attempt_id, "charging", "void", None).await? {
                        settled.voided += 1;
                    }
                    continue;
                }
                Err(_) => {
                    settled.failed += 1;
                    requeue(db, &attempt.attempt_id).await?;
                    continue;
                }
            },
        };
        match refund_unused(db, attempt, &reference).await {
            Ok(()) => settled.refunded += 1,
            Err(_) => {
                settled.failed += 1;
                requeue(db, &attempt.attempt_id).await?;
            }
        }
    }
    Ok(settled)
}

/// Moves an attempt that could not be settled to the back of the queue.
async fn requeue(db: &Db, attempt_id: &str) -> Result<(), ApiError> {
    sqlx::query("UPDATE charge_attempts SET updated_at = $1 WHERE attempt_id = $2")
        .bind(now_millis())
        .bind(attempt_id)
        .execute(db.pool())
        .await?;
    Ok(())
}
