//! The guest's own access to a booking, without an account: `POST
//! /bookings/lookup` and `POST /bookings/cancel`, both by reference and
//! e-mail.
//!
//! A wrong e-mail and an unknown reference answer the same 404, so neither
//! endpoint can be used to learn which references exist.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use doorstep::api::Envelope;
use doorstep::booking::{Booking, BookingLookup, BookingStatus, Date};

use crate::app::AppState;
use crate::auth::CurrentTenant;
use crate::db::{Db, now_millis};
use crate::error::ApiError;

use super::bookings::{BOOKING_COLUMNS, StoredBooking, begin_write, email_key, find_by_id, view};
use super::input::{FieldErrors, JsonBody, is_plausible_key};
use super::pricing::days_between;
use super::refunds;
use super::store::{self, today_in};

fn check_lookup(lookup: &BookingLookup) -> Result<(), ApiError> {
    let mut errors = FieldErrors::default();
    if lookup.reference.trim().is_empty() || lookup.reference.chars().count() > 40 {
        errors.add("reference", "must be a booking reference");
    }
    if lookup.email.trim().is_empty() || lookup.email.chars().count() > 254 {
        errors.add("email", "must be an e-mail address");
    }
    errors.finish()
}

/// The booking matching a guest's reference and e-mail. A wrong e-mail
/// and an unknown reference answer the same 404, so the look-up cannot
/// confirm that a reference exists.
async fn find_for_guest(
    db: &Db,
    tenant_id: &str,
    lookup: &BookingLookup,
) -> Result<StoredBooking, ApiError> {
    let (reference, email) = (lookup.reference.trim(), lookup.email.trim());
    if !is_plausible_key(reference) || !is_plausible_key(email) {
        return Err(ApiError::not_found(
            "no booking matches this reference and e-mail",
        ));
    }
    let sql = format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings \
         WHERE tenant_id = $1 AND reference = $2 AND guest_email_key = $3"
    );
    sqlx::query_as::<_, StoredBooking>(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(lookup.reference.trim().to_uppercase())
        .bind(email_key(&lookup.email))
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| ApiError::not_found("no booking matches this reference and e-mail"))
}

/// `POST /v1/clients/bookings/lookup`: a guest finds their booking.
pub async fn lookup(
    State(state): State<AppState>,
    tenant: CurrentTenant,
    JsonBody(request): JsonBody<BookingLookup>,
) -> Result<Json<Envelope<Booking>>, ApiError> {
    check_lookup(&request)?;
    let booking = find_for_guest(&state.db, &tenant.tenant_id, &request).await?;
    let view = view(&state.db, &tenant.tenant_id, &booking.booking_id).await?;
    Ok(Json(Envelope::new(view)))
}

/// `POST /v1/clients/bookings/cancel`: a guest cancels; a paid booking is
/// refunded the share its cancellation policy gives for the notice given.
///
/// The cancellation is committed before the refund is sent (see
/// [`super::refunds`]). When the provider fails, the booking stays
/// cancelled with its refund pending and the answer is 503; asking again
/// retries the refund at once (the sweeper retries it too).
pub async fn cancel(
    State(state): State<AppState>,
    tenant: CurrentTenant,
    JsonBody(request): JsonBody<BookingLookup>,
) -> Result<Json<Envelope<Booking>>, ApiError> {
    check_lookup(&request)?;
    let booking = find_for_guest(&state.db, &tenant.tenant_id, &request).await?;

    let cancelled = if is_refund_pending(&booking) {
        booking
    } else {
        let listing = store::listing(&state.db, &tenant.tenant_id, &booking.listing_id).await?;
        let today = today_in(&listing.detail.time_zone);
        ensure_cancellable(&booking, today, now_millis())?;

        let notice = days_between(today, booking.date(&booking.check_in)?);
        let percent = listing.plan.cancellation_policy.refund_percent(notice);
        let amount = booking.amount_paid * i64::from(percent) / 100;
        let charged = super::bookings::latest_charge(&state.db, &booking.booking_id)
            .await?
            .is_some();
        let refund_due = charged && amount > 0;
        record_cancellation(&state.db, &booking, amount, percent, refund_due).await?;
        find_by_id(&state.db, &tenant.tenant_id, &booking.booking_id).await?
    };

    if refunds::send_pending(&state.db, &cancelled).await?.is_err() {
        return Err(refund_delayed());
    }
    let view = view(&state.db, &tenant.tenant_id, &cancelled.booking_id).await?;
    Ok(Json(Envelope::new(view)))
}

/// Whether the booking was cancelled but its refund is still owed.
fn is_refund_pending(booking: &StoredBooking) -> bool {
    booking.status == BookingStatus::Cancelled.as_str()
        && booking.refund_status.as_deref() == Some(refunds::PENDING)
}

/// The answer when the cancellation stands but the refund could not be
/// sent yet.
fn refund_delayed() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "payment_provider_unavailable",
        "The booking is cancelled and its dates are released, but the payment provider \
         could not make the refund yet. It is retried automatically; sending this request \
         again retries it now.",
    )
}

fn ensure_cancellable(booking: &StoredBooking, today: Date, now_ms: i64) -> Result<(), ApiError> {
    let refuse = |message: String| ApiError::new(StatusCode::CONFLICT, "not_cancellable", message);

    let status = booking.status(now_ms);
    if !matches!(status, BookingStatus::Held | BookingStatus::Confirmed) {
        return Err(refuse(format!(
            "This booking is already {}.",
            status.as_str()
        )));
    }
    if today >= booking.date(&booking.check_out)? {
        return Err(refuse("This stay is already over.".to_owned()));
    }
    Ok(())
}

/// Marks the booking cancelled with the refund it is owed, pending when
/// `refund_due`, and frees its nights, in one transaction. Nothing has been
/// refunded yet: if this fails, nothing has changed anywhere.
async fn record_cancellation(
    db: &Db,
    booking: &StoredBooking,
    amount: i64,
    percent: u32,
    refund_due: bool,
) -> Result<(), ApiError> {
    let now = now_millis();
    let mut tx = begin_write(db).await?;

    let updated = sqlx::query(
        "UPDATE bookings SET status = 'cancelled', refund_amount = $1, refund_percent = $2, \
         refund_status = $3, hold_expires_at = NULL, updated_at = $4 \
         WHERE booking_id = $5 AND status = $6",
    )
    .bind(amount)
    .bind(i64::from(percent))
    .bind(refund_due.then_some(refunds::PENDING))
    .bind(now)
    .bind(&booking.booking_id)
    .bind(&booking.status)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(ApiError::conflict(
            "the booking changed meanwhile; please try again",
        ));
    }

    sqlx::query("DELETE FROM booked_nights WHERE booking_id = $1")
        .bind(&booking.booking_id)
        .execute(&mut *tx)
        .await?;

    tx.commit().await?;
    Ok(())
}
