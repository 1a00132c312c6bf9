//! Bookings: `POST /bookings` (from a quote, idempotent) and `GET
//! /bookings/{bookingId}`; the guest's look-up and cancellation are in
//! [`super::guests`].
//!
//! A new booking is `held`: its nights are written to `booked_nights` in the
//! same transaction as the booking, and that table's primary key on
//! (listing, night) is what makes a double booking impossible on either
//! engine. Whoever commits first wins; everyone else gets a unique-key
//! violation, answered as 409 `dates_unavailable`. An unpaid hold lapses at
//! `hold_expires_at`: from then on reads treat its nights as free, and the
//! [sweeper](super::sweeper) (or, sooner, the next booking of that listing,
//! in its own transaction) marks it expired and deletes its nights.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use doorstep::api::Envelope;
use doorstep::booking::{
    Booking, BookingRequest, BookingStatus, Date, GuestDetails, PaymentSummary, PriceBreakdown,
    Refund,
};
use sha2::{Digest as _, Sha256};
use sqlx::Row as _;

use crate::app::AppState;
use crate::auth::CurrentTenant;
use crate::db::{Db, Engine, now_millis};
use crate::error::ApiError;

use super::charges::{self, Attempt};
use super::input::{
    FieldErrors, JsonBody, check_email, check_phone, check_text, dates_taken, is_plausible_key,
    refused,
};
use super::payments::Charge;
use super::pricing::nights;
use super::quotes::{self, rfc3339};
use super::settings::BookingSettings;
use super::store;
use super::sweeper::expire_lapsed_holds;

/// The header that makes `POST /bookings` safe to retry.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A booking row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredBooking {
    pub booking_id: String,
    pub tenant_id: String,
    pub reference: String,
    pub listing_id: String,
    pub check_in: String,
    pub check_out: String,
    pub guests: i64,
    pub guest_name: String,
    pub guest_email: String,
    pub guest_email_key: String,
    pub guest_phone: String,
    pub arrival_notes: Option<String>,
    pub price: String,
    pub currency: String,
    pub total: i64,
    pub due_now: i64,
    pub amount_paid: i64,
    pub status: String,
    pub hold_expires_at: Option<i64>,
    pub request_hash: Option<String>,
    pub refund_amount: Option<i64>,
    pub refund_percent: Option<i64>,
    /// `pending` or `done` when a refund is due ([`super::refunds`]).
    pub refund_status: Option<String>,
    pub created_at: i64,
}

pub(super) const BOOKING_COLUMNS: &str = "booking_id, tenant_id, reference, listing_id, check_in, \
    check_out, guests, guest_name, guest_email, guest_email_key, guest_phone, arrival_notes, \
    price, currency, total, due_now, amount_paid, status, hold_expires_at, request_hash, \
    refund_amount, refund_percent, refund_status, created_at";

impl StoredBooking {
    /// The status as of `now_ms`: a hold past its expiry is `expired` even
    /// before anything has rewritten its row.
    pub fn status(&self, now_ms: i64) -> BookingStatus {
        match BookingStatus::parse(&self.status) {
            Some(BookingStatus::Held) if self.hold_expires_at.is_none_or(|at| at <= now_ms) => {
                BookingStatus::Expired
            }
            Some(status) => status,
            None => BookingStatus::Expired,
        }
    }

    /// Parses one of the row's date columns.
    pub(super) fn date(&self, text: &str) -> Result<Date, ApiError> {
        text.parse()
            .map_err(|_| ApiError::internal(&format!("booking {}: bad date", self.booking_id)))
    }
}

/// `POST /v1/clients/bookings`: holds the quote's dates for the guest.
///
/// Answers 201 with the new booking, or 200 with the same booking when the
/// same `Idempotency-Key` and body come again.
pub async fn create(
    State(state): State<AppState>,
    tenant: CurrentTenant,
    headers: HeaderMap,
    JsonBody(request): JsonBody<BookingRequest>,
) -> Result<(StatusCode, Json<Envelope<Booking>>), ApiError> {
    let key = idempotency_key(&headers)?;
    check_guest(&request.guest)?;
    let request_hash = hash_request(&request);

    if let Some(existing) = replay(&state.db, &tenant.tenant_id, &key, &request_hash).await? {
        return Ok((StatusCode::OK, Json(Envelope::new(existing))));
    }

    let stored = quotes::find(&state.db, &tenant.tenant_id, &request.quote_id).await?;
    let now = now_millis();
    if stored.expires_at_ms <= now {
        return Err(ApiError::new(
            StatusCode::GONE,
            "quote_expired",
            "The quote has expired; please ask for a new one.",
        ));
    }
    // A quote made late in the day may outlive it: its check-in must still
    // be today or later where the listing is.
    let listing = store::listing(&state.db, &tenant.tenant_id, &stored.quote.listing_id).await?;
    if stored.quote.check_in < store::today_in(&listing.detail.time_zone) {
        return Err(ApiError::invalid_field(
            "checkIn",
            "must not be in the past; please ask for a new quote",
        ));
    }

    let new = NewBooking {
        tenant_id: &tenant.tenant_id,
        quote_id: &stored.quote.id,
        listing_id: &stored.quote.listing_id,
        check_in: stored.quote.check_in,
        check_out: stored.quote.check_out,
        guests: stored.quote.guests,
        guest: &request.guest,
        price: &stored.quote.price,
        idempotency_key: &key,
        request_hash: &request_hash,
        now,
        hold_until: now + BookingSettings::get().hold_ttl_ms(),
    };
    match hold(&state.db, &new).await? {
        HoldOutcome::Held(booking_id) => {
            let view = view(&state.db, &tenant.tenant_id, &booking_id).await?;
            Ok((StatusCode::CREATED, Json(Envelope::new(view))))
        }
        HoldOutcome::DatesTaken => Err(dates_taken()),
        HoldOutcome::KeyTaken => {
            // A concurrent request with the same key committed first.
            match replay(&state.db, &tenant.tenant_id, &key, &request_hash).await? {
                Some(existing) => Ok((StatusCode::OK, Json(Envelope::new(existing)))),
                None => Err(ApiError::internal(
                    &"idempotency key conflict without a row",
                )),
            }
        }
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let missing = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "idempotency_key_required",
            "The Idempotency-Key header is required: 1 to 255 visible ASCII characters.",
        )
    };
    let value = headers.get(IDEMPOTENCY_KEY).ok_or_else(missing)?;
    let key = value.to_str().map_err(|_| missing())?.trim();
    let visible = key.bytes().all(|b| b.is_ascii_graphic());
    if key.is_empty() || key.len() > 255 || !visible {
        return Err(missing());
    }
    Ok(key.to_owned())
}

fn check_guest(guest: &GuestDetails) -> Result<(), ApiError> {
    let mut errors = FieldErrors::default();
    check_text("guest.name", &guest.name, 200, &mut errors);
    check_email("guest.email", &guest.email, &mut errors);
    check_phone("guest.phone", &guest.phone, &mut errors);
    if let Some(notes) = &guest.arrival_notes {
        let stray_control = notes
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
        if notes.chars().count() > 1000 {
            errors.add("guest.arrivalNotes", "must be at most 1000 characters");
        } else if stray_control {
            errors.add("guest.arrivalNotes", "must not contain control characters");
        }
    }
    errors.finish()
}

/// SHA-256 of the request as parsed, so whitespace or key order in the
/// JSON does not make the same request look different.
fn hash_request(request: &BookingRequest) -> String {
    let canonical = serde_json::to_vec(request).unwrap_or_default();
    Sha256::digest(&canonical)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The booking an earlier request with this key made, when the body is the
/// same; 422 when the key was used with another body.
async fn replay(
    db: &Db,
    tenant_id: &str,
    key: &str,
    request_hash: &str,
) -> Result<Option<Booking>, ApiError> {
    let row = sqlx::query(
        "SELECT booking_id, request_hash FROM bookings \
         WHERE tenant_id = $1 AND idempotency_key = $2",
    )
    .bind(tenant_id)
    .bind(key)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };

    let stored_hash: Option<String> = row.try_get("request_hash")?;
    if stored_hash.as_deref() != Some(request_hash) {
        return Err(refused(
            "idempotency_key_reused",
            "This Idempotency-Key was already used with a different request body.",
        ));
    }
    let booking_id: String = row.try_get("booking_id")?;
    view(db, tenant_id, &booking_id).await.map(Some)
}

struct NewBooking<'a> {
    tenant_id: &'a str,
    quote_id: &'a str,
    listing_id: &'a str,
    check_in: Date,
    check_out: Date,
    guests: u32,
    guest: &'a GuestDetails,
    price: &'a PriceBreakdown,
    idempotency_key: &'a str,
    request_hash: &'a str,
    now: i64,
    hold_until: i64,
}

enum HoldOutcome {
    Held(String),
    DatesTaken,
    KeyTaken,
}

/// Begins a write transaction. SQLite's `BEGIN IMMEDIATE` takes the write
/// lock up front, so concurrent bookings queue (within the busy timeout)
/// instead of failing to upgrade a read lock; PostgreSQL relies on the
/// primary key, whose second inserter waits for the first to commit.
pub(super) async fn begin_write(
    db: &Db,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, ApiError> {
    let tx = match db.engine() {
        Engine::Sqlite => db.pool().begin_with("BEGIN IMMEDIATE").await?,
        Engine::Postgres => db.pool().begin().await?,
    };
    Ok(tx)
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

async fn hold(db: &Db, new: &NewBooking<'_>) -> Result<HoldOutcome, ApiError> {
    let booking_id = uuid::Uuid::new_v4().to_string();
    let price = serde_json::to_string(new.price)
        .map_err(|e| ApiError::internal(&format!("serializing a price: {e}")))?;
    let mut tx = begin_write(db).await?;

    expire_lapsed_holds(&mut tx, Some(new.listing_id), new.now).await?;

    let inserted = sqlx::query(
        "INSERT INTO bookings (booking_id, tenant_id, reference, listing_id, quote_id, check_in, \
         check_out, guests, guest_name, guest_email, guest_email_key, guest_phone, arrival_notes, \
         price, currency, total, due_now, amount_paid, status, hold_expires_at, idempotency_key, \
         request_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, 0, 'held', $18, $19, $20, $21, $21)",
    )
    .bind(&booking_id)
    .bind(new.tenant_id)
    .bind(new_reference())
    .bind(new.listing_id)
    .bind(new.quote_id)
    .bind(new.check_in.to_string())
    .bind(new.check_out.to_string())
    .bind(i64::from(new.guests))
    .bind(new.guest.name.trim())
    .bind(new.guest.email.trim())
    .bind(email_key(&new.guest.email))
    .bind(new.guest.phone.trim())
    .bind(new.guest.arrival_notes.clone())
    .bind(price)
    .bind(&new.price.currency)
    .bind(new.price.total)
    .bind(new.price.due_now)
    .bind(new.hold_until)
    .bind(new.idempotency_key)
    .bind(new.request_hash)
    .bind(new.now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(HoldOutcome::KeyTaken),
        Err(e) => return Err(e.into()),
    }

    for night in nights(new.check_in, new.check_out) {
        let taken = sqlx::query(
            "INSERT INTO booked_nights (listing_id, night, booking_id) VALUES ($1, $2, $3)",
        )
        .bind(new.listing_id)
        .bind(night.to_string())
        .bind(&booking_id)
        .execute(&mut *tx)
        .await;
        match taken {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Ok(HoldOutcome::DatesTaken),
            Err(e) => return Err(e.into()),
        }
    }

    tx.commit().await?;
    Ok(HoldOutcome::Held(booking_id))
}

/// A booking reference: `DS-` and eight characters that cannot be misread
/// (no 0/O, 1/I/L), about 10^12 possibilities.
pub(super) fn new_reference() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    let code: String = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("DS-{code}")
}

/// The form of an e-mail address the guest look-up compares.
pub(super) fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A tenant's booking row by ID.
pub async fn find_by_id(
    db: &Db,
    tenant_id: &str,
    booking_id: &str,
) -> Result<StoredBooking, ApiError> {
    if !is_plausible_key(booking_id) {
        return Err(ApiError::not_found("no such booking"));
    }
    let sql =
        format!("SELECT {BOOKING_COLUMNS} FROM bookings WHERE tenant_id = $1 AND booking_id = $2");
    sqlx::query_as::<_, StoredBooking>(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(booking_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| ApiError::not_found("no such booking"))
}

/// The booking as the API shows it.
pub async fn view(db: &Db, tenant_id: &str, booking_id: &str) -> Result<Booking, ApiError> {
    let booking = find_by_id(db, tenant_id, booking_id).await?;
    let listing = store::listing(db, tenant_id, &booking.listing_id).await?;
    let payment = latest_charge(db, &booking.booking_id)
        .await?
        .map(|stored| stored.summary);
    let now = now_millis();
    let status = booking.status(now);

    let price: PriceBreakdown = serde_json::from_str(&booking.price)
        .map_err(|e| ApiError::internal(&format!("booking {booking_id} price: {e}")))?;
    let refund = booking.refund_amount.map(|amount| Refund {
        amount,
        currency: booking.currency.clone(),
        percent: booking.refund_percent.unwrap_or(0) as u32,
    });
    Ok(Booking {
        id: booking.booking_id.clone(),
        reference: booking.reference.clone(),
        status,
        listing_id: booking.listing_id.clone(),
        listing_name: listing.detail.name,
        check_in: booking.date(&booking.check_in)?,
        check_out: booking.date(&booking.check_out)?,
        guests: booking.guests as u32,
        guest: GuestDetails {
            name: booking.guest_name,
            email: booking.guest_email,
            phone: booking.guest_phone,
            arrival_notes: booking.arrival_notes,
        },
        price,
        amount_paid: booking.amount_paid,
        hold_expires_at: match status {
            BookingStatus::Held => booking.hold_expires_at.map(rfc3339),
            _ => None,
        },
        payment,
        refund,
        cancellation_policy: listing.plan.cancellation_policy,
        payment_policy: listing.plan.payment_policy,
        created_at: rfc3339(booking.created_at),
    })
}

/// The latest charge of a booking, as stored: what the API shows of it and
/// what a refund needs.
pub(super) struct StoredCharge {
    /// The payment as the API shows it.
    pub summary: PaymentSummary,
    /// The provider's view, for refunds.
    pub charge: Charge,
}

/// The latest charge of a booking, if it was ever charged.
pub(super) async fn latest_charge(
    db: &Db,
    booking_id: &str,
) -> Result<Option<StoredCharge>, ApiError> {
    let row = sqlx::query(
        "SELECT payment_id, provider_reference, brand, last4, amount, currency, created_at \
         FROM payments WHERE booking_id = $1 AND kind = 'charge' \
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(booking_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let (brand, last4): (String, String) = (row.try_get("brand")?, row.try_get("last4")?);
    Ok(Some(StoredCharge {
        summary: PaymentSummary {
            id: row.try_get("payment_id")?,
            brand: brand.clone(),
            last4: last4.clone(),
            amount: row.try_get("amount")?,
            currency: row.try_get("currency")?,
            paid_at: rfc3339(row.try_get("created_at")?),
        },
        charge: Charge {
            provider_reference: row.try_get("provider_reference")?,
            brand,
            last4,
        },
    }))
}

/// Records a charge and confirms a held booking, with the payment attempt
/// that made it, unless its hold lapsed meanwhile (then nothing changes and
/// `false` is returned).
pub async fn confirm(
    db: &Db,
    booking: &StoredBooking,
    charge: &Charge,
    provider: &str,
    attempt: &Attempt,
) -> Result<bool, ApiError> {
    let now = now_millis();
    let mut tx = begin_write(db).await?;

    let updated = sqlx::query(
        "UPDATE bookings SET status = 'confirmed', amount_paid = $1, hold_expires_at = NULL, \
         updated_at = $2 WHERE booking_id = $3 AND tenant_id = $4 AND status = 'held' \
         AND hold_expires_at > $2",
    )
    .bind(booking.due_now)
    .bind(now)
    .bind(&booking.booking_id)
    .bind(&booking.tenant_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(false);
    }

    insert_payment(
        &mut tx,
        booking,
        "charge",
        provider,
        charge,
        booking.due_now,
        now,
    )
    .await?;
    charges::confirm_in(&mut tx, attempt, charge).await?;
    tx.commit().await?;
    Ok(true)
}

/// Records a charge or refund of a booking.
pub(super) async fn insert_payment(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    booking: &StoredBooking,
    kind: &str,
    provider: &str,
    charge: &Charge,
    amount: i64,
    now: i64,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO payments (payment_id, tenant_id, booking_id, kind, provider, \
         provider_reference, brand, last4, amount, currency, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(&booking.tenant_id)
    .bind(&booking.booking_id)
    .bind(kind)
    .bind(provider)
    .bind(&charge.provider_reference)
    .bind(&charge.brand)
    .bind(&charge.last4)
    .bind(amount)
    .bind(&booking.currency)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// `GET /v1/clients/bookings/{bookingId}`.
pub async fn show(
    State(state): State<AppState>,
    tenant: CurrentTenant,
    Path(booking_id): Path<String>,
) -> Result<Json<Envelope<Booking>>, ApiError> {
    let booking = view(&state.db, &tenant.tenant_id, &booking_id).await?;
    Ok(Json(Envelope::new(booking)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_short_and_unambiguous() {
        let reference = new_reference();

        assert_eq!(reference.len(), 11);
        assert!(reference.starts_with("DS-"));
        assert!(!reference[3..].contains(['0', 'O', '1', 'I', 'L']));
    }

    #[test]
    fn the_idempotency_key_must_be_present_and_printable() {
        let mut headers = HeaderMap::new();
        assert!(idempotency_key(&headers).is_err());

        headers.insert(IDEMPOTENCY_KEY, "abc 123".parse().unwrap());
        assert!(idempotency_key(&headers).is_err());

        headers.insert(IDEMPOTENCY_KEY, "4f1c-9a".parse().unwrap());
        assert_eq!(idempotency_key(&headers).unwrap(), "4f1c-9a");
    }

    #[test]
    fn the_same_request_hashes_the_same_whatever_its_json_spelling() {
        let a: BookingRequest = serde_json::from_str(
            r#"{"quoteId":"q","guest":{"name":"A","email":"a@b.co","phone":"123456"}}"#,
        )
        .unwrap();
        let b: BookingRequest = serde_json::from_str(
            r#"{ "guest": {"phone":"123456","email":"a@b.co","name":"A"}, "quoteId": "q" }"#,
        )
        .unwrap();

        assert_eq!(hash_request(&a), hash_request(&b));
    }
}
