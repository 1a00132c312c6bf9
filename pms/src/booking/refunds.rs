//! Refunds of cancelled bookings: written down first, sent second.
//!
//! A cancellation that owes money back commits the booking `cancelled`, its
//! refund amount and `refund_status = 'pending'` in the same transaction that
//! frees its nights. Only then is the provider asked to refund; when it has,
//! the booking's refund becomes `done` and a `refund` row joins `payments`.
//! So a failed database write refunds nothing, and a failed refund leaves a
//! cancelled booking whose refund is visibly pending. A pending refund is
//! retried by the guest's next cancel request and by every
//! [sweep](super::sweeper).
//!
//! Each refund carries the idempotency key `refund-<bookingId>`: if the
//! provider refunded but the `done` write was lost, the retry gets the same
//! refund back instead of a second one.

use crate::db::{Db, now_millis};
use crate::error::ApiError;

use super::bookings::{
    BOOKING_COLUMNS, StoredBooking, StoredCharge, begin_write, insert_payment, latest_charge,
};
use super::payments::{Charge, Decline, provider};

/// `refund_status` of a refund owed but not yet made.
pub const PENDING: &str = "pending";

/// How many pending refunds one sweep retries, so a provider outage with
/// many cancellations cannot make one sweep endless.
const RETRY_BATCH: i64 = 100;

/// What a round of retries did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Retried {
    /// Refunds now made.
    pub done: usize,
    /// Refunds that failed again.
    pub failed: usize,
}

/// Sends the pending refund of a cancelled booking and records it done.
///
/// `Ok(Err(decline))` when the provider failed: the refund stays pending
/// and is logged. A refund that is not pending (already done, or done by a
/// concurrent retry) is left as it is.
pub async fn send_pending(
    db: &Db,
    booking: &StoredBooking,
) -> Result<Result<(), Decline>, ApiError> {
    let amount = booking.refund_amount.unwrap_or(0);
    if booking.refund_status.as_deref() != Some(PENDING) || amount <= 0 {
        return Ok(Ok(()));
    }
    let Some(StoredCharge { charge, .. }) = latest_charge(db, &booking.booking_id).await? else {
        return Err(ApiError::internal(&format!(
            "booking {} has a pending refund but no charge",
            booking.booking_id
        )));
    };

    let provider = provider();
    let key = format!("refund-{}", booking.booking_id);
    let reference = match provider
        .refund(&charge.provider_reference, amount, &key)
        .await
    {
        Ok(reference) => reference,
        Err(decline) => {
            tracing::warn!(
                booking.id = %booking.booking_id,
                decline = decline.code(),
                "refund failed; it stays pending and is retried"
            );
            return Ok(Err(decline));
        }
    };

    let refund = Charge {
        provider_reference: reference,
        ..charge
    };
    mark_done(db, booking, &refund, provider.name()).await?;
    Ok(Ok(()))
}

/// Records a pending refund as made, once: a concurrent retry that made
/// the same (idempotent) refund finds it done and writes nothing.
async fn mark_done(
    db: &Db,
    booking: &StoredBooking,
    refund: &Charge,
    provider: &str,
) -> Result<(), ApiError> {
    let now = now_millis();
    let mut tx = begin_write(db).await?;

    let updated = sqlx::query(
        "UPDATE bookings SET refund_status = 'done', updated_at = $1 \
         WHERE booking_id = $2 AND refund_status = 'pending'",
    )
    .bind(now)
    .bind(&booking.booking_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 1 {
        let amount = booking.refund_amount.unwrap_or(0);
        insert_payment(&mut tx, booking, "refund", provider, refund, amount, now).await?;
    }

    tx.commit().await?;
    Ok(())
}

/// Retries the oldest pending refunds of every tenant.
pub async fn retry_pending(db: &Db) -> Result<Retried, ApiError> {
    let sql = format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings WHERE refund_status = 'pending' \
         ORDER BY updated_at LIMIT {RETRY_BATCH}"
    );
    let pending = sqlx::query_as::<_, StoredBooking>(sqlx::AssertSqlSafe(sql))
        .fetch_all(db.pool())
        .await?;

    let mut retried = Retried::default();
    for booking in &pending {
        // One booking's trouble (logged where it arose) must not hold up
        // the others' refunds.
        match send_pending(db, booking).await {
            Ok(Ok(())) => retried.done += 1,
            Ok(Err(_)) | Err(_) => {
                retried.failed += 1;
                requeue(db, &booking.booking_id).await?;
            }
        }
    }
    Ok(retried)
}

/// Moves a refund that failed again to the back of the retry queue, so a
/// few refunds the provider keeps refusing cannot starve the rest.
async fn requeue(db: &Db, booking_id: &str) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE bookings SET updated_at = $1 WHERE booking_id = $2 AND refund_status = 'pending'",
    )
    .bind(now_millis())
    .bind(booking_id)
    .execute(db.pool())
    .await?;
    Ok(())
}
