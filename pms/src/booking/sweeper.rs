//! The sweeper: a background task, started with the service, that marks
//! lapsed holds expired and deletes their nights, retries the refunds of
//! cancellations that the provider could not make at the time, settles the
//! payment attempts a payment could not see to the end (an unused charge is
//! refunded, see [`charges`](super::charges)), and deletes
//! quotes a day after they expired (anyone may ask for quotes, so without a
//! purge the table would only grow).
//!
//! Reads already treat a lapsed hold's nights as free, so the sweeper is not
//! what makes dates bookable again; it keeps `bookings.status` and
//! `booked_nights` true for reports and for anything that reads the tables
//! directly. Every step is a conditional write, so sweeps may overlap, run in
//! several processes, or run next to bookings and payments.
//!
//! # Racing a payment
//!
//! A payment confirms with `UPDATE … WHERE status = 'held' AND
//! hold_expires_at > now`. Expiring is `UPDATE … WHERE status = 'held' AND
//! hold_expires_at <= now RETURNING booking_id`, and only the nights of the
//! bookings that statement returned are deleted. Both statements write the
//! booking row, so the later one waits for the earlier and then re-checks its
//! condition against the committed row (PostgreSQL re-evaluates the `WHERE`
//! of an `UPDATE` that waited on a row lock; SQLite runs one write
//! transaction at a time). A payment that wins keeps its nights; one that
//! loses finds the booking expired, and its charge is refunded with 409
//! `hold_expired`. Deleting the nights first, chosen from a snapshot, would
//! free the nights of a hold that a payment confirmed meanwhile.

use std::time::Duration;

use sqlx::Row as _;
use tokio::task::JoinHandle;

use crate::db::{Db, now_millis};
use crate::error::ApiError;

use super::bookings::begin_write;
use super::settings::BookingSettings;
use super::{charges, refunds};

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    /// Lapsed holds marked expired, their nights deleted.
    pub holds_expired: usize,
    /// Pending refunds that the provider has now made.
    pub refunds_done: usize,
    /// Pending refunds that failed again; they stay pending.
    pub refunds_failed: usize,
    /// Payment attempts settled: unused charges refunded, abandoned ones
    /// found uncharged.
    pub charges_settled: charges::Settled,
    /// Quotes deleted because they expired more than a day ago.
    pub quotes_purged: usize,
}

/// How long an expired quote is kept: long enough for a guest who comes back
/// to a stale page to be told it expired rather than that it never existed.
pub const QUOTE_RETENTION_MS: i64 = 24 * 60 * 60 * 1000;

/// Starts the sweeper with the interval `PMS_HOLD_SWEEP_SECS` (default
/// 60 s). It sweeps once at once, then on every tick, until the runtime
/// stops.
pub fn start(db: &Db) -> JoinHandle<()> {
    spawn(db.clone(), BookingSettings::get().hold_sweep)
}

/// Starts a sweeper that sweeps every `every` (at least 10 ms).
pub fn spawn(db: Db, every: Duration) -> JoinHandle<()> {
    let every = every.max(Duration::from_millis(10));
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        // After a slow sweep, wait a whole interval rather than catch up.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match sweep(&db, now_millis()).await {
                Ok(report) if report != SweepReport::default() => {
                    tracing::info!(
                        holds.expired = report.holds_expired,
                        refunds.done = report.refunds_done,
                        refunds.failed = report.refunds_failed,
                        charges.refunded = report.charges_settled.refunded,
                        charges.voided = report.charges_settled.voided,
                        charges.failed = report.charges_settled.failed,
                        quotes.purged = report.quotes_purged,
                        "sweep"
                    );
                }
                Ok(_) => {}
                // The cause was logged where the error was made.
                Err(error) => {
                    tracing::warn!(error.code = error.code(), "sweep failed; retried next tick")
                }
            }
        }
    })
}

/// One sweep as of `now_ms` (Unix milliseconds): expires lapsed holds,
/// retries pending refunds, settles payment attempts, then purges
/// long-expired quotes.
pub async fn sweep(db: &Db, now_ms: i64) -> Result<SweepReport, ApiError> {
    let holds_expired = sweep_lapsed_holds(db, now_ms).await?;
    let refunds = refunds::retry_pending(db).await?;
    let charges = charges::settle(db, now_ms).await?;
    let quotes_purged = purge_expired_quotes(db, now_ms).await?;
    Ok(SweepReport {
        holds_expired,
        refunds_done: refunds.done,
        refunds_failed: refunds.failed,
        charges_settled: charges,
        quotes_purged,
    })
}

/// Deletes the quotes that expired more than [`QUOTE_RETENTION_MS`] before
/// `now_ms`; answers how many. A booking keeps its own copy of the price, so
/// nothing refers to a quote once it has expired.
pub async fn purge_expired_quotes(db: &Db, now_ms: i64) -> Result<usize, ApiError> {
    let purged = sqlx::query("DELETE FROM quotes WHERE expires_at < $1")
        .bind(now_ms - QUOTE_RETENTION_MS)
        .execute(db.pool())
        .await?;
    Ok(purged.rows_affected() as usize)
}

/// Marks every hold lapsed at `now_ms` expired and deletes its nights, in
/// one transaction; answers how many. Running it again changes nothing.
pub async fn sweep_lapsed_holds(db: &Db, now_ms: i64) -> Result<usize, ApiError> {
    let mut tx = begin_write(db).await?;
    let expired = expire_lapsed_holds(&mut tx, None, now_ms).await?;
    tx.commit().await?;
    Ok(expired)
}

/// Inside `tx`: marks the holds lapsed at `now` expired (those of one
/// listing, or all) and deletes their nights; answers how many. See the
/// module docs for why the update comes first.
pub(super) async fn expire_lapsed_holds(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    listing_id: Option<&str>,
    now: i64,
) -> Result<usize, ApiError> {
    let expired = sqlx::query(
        "UPDATE bookings SET status = 'expired', updated_at = $1 \
         WHERE status = 'held' AND hold_expires_at <= $1 \
         AND ($2 IS NULL OR listing_id = $2) RETURNING booking_id",
    )
    .bind(now)
    .bind(listing_id)
    .fetch_all(&mut **tx)
    .await?;

    for row in &expired {
        let booking_id: String = row.try_get("booking_id")?;
        sqlx::query("DELETE FROM booked_nights WHERE booking_id = $1")
            .bind(booking_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(expired.len())
}
