//! `POST /quotes` and `GET /quotes/{quoteId}`: a priced, itemized offer for
//! one stay, valid for a while (30 minutes by default).
//!
//! A quote holds nothing: the dates stay open to everyone until a booking
//! takes them. It fixes the price, so a booking made from it charges what
//! the guest was shown even if rates change meanwhile.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use doorstep::api::Envelope;
use doorstep::booking::{Date, PriceBreakdown, Quote, QuoteRequest};
use sqlx::Row as _;

use crate::app::AppState;
use crate::auth::CurrentTenant;
use crate::db::{Db, now_millis};
use crate::error::ApiError;

use super::input::{
    FieldErrors, JsonBody, check_guests, check_stay_dates, is_plausible_key, refused,
};
use super::pricing::{StayRejection, check_coupon, check_stay, days_between, price_stay};
use super::settings::BookingSettings;
use super::store::{self, today_in};

/// `POST /v1/clients/quotes`.
pub async fn create(
    State(state): State<AppState>,
    tenant: CurrentTenant,
    JsonBody(request): JsonBody<QuoteRequest>,
) -> Result<(StatusCode, Json<Envelope<Quote>>), ApiError> {
    let mut errors = FieldErrors::default();
    check_guests("guests", request.guests, &mut errors);
    if request.listing_id.trim().is_empty() || request.listing_id.chars().count() > 100 {
        errors.add("listingId", "must be a listing ID or slug");
    }
    let coupon_code = request
        .coupon_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if coupon_code.is_some_and(|c| c.chars().count() > 40) {
        errors.add("couponCode", "must be at most 40 characters");
    }
    errors.finish()?;

    let listing = store::listing(&state.db, &tenant.tenant_id, &request.listing_id).await?;
    let today = today_in(&listing.detail.time_zone);
    let mut errors = FieldErrors::default();
    check_stay_dates(request.check_in, request.check_out, today, &mut errors);
    errors.finish()?;

    let nights = days_between(request.check_in, request.check_out) as u32;
    let coupon = match coupon_code {
        None => None,
        Some(code) => {
            let coupon = store::coupon(&state.db, &tenant.tenant_id, code)
                .await?
                .ok_or_else(|| ApiError::invalid_field("couponCode", "Unknown coupon code."))?;
            check_coupon(&coupon, &listing.detail.slug, today, nights)
                .map_err(|problem| ApiError::invalid_field("couponCode", problem.message()))?;
            Some(coupon)
        }
    };

    let taken = store::taken_nights_of(
        &state.db,
        &tenant.tenant_id,
        &listing.detail.id,
        request.check_in,
        request.check_out,
        now_millis(),
    )
    .await?;
    check_stay(
        &listing.plan,
        request.check_in,
        request.check_out,
        request.guests,
        &taken,
    )
    .map_err(rejection)?;

    let price = price_stay(
        &listing.plan,
        request.check_in,
        request.check_out,
        request.guests,
        coupon.as_ref(),
        today,
    );
    let quote = NewQuote {
        tenant_id: &tenant.tenant_id,
        listing_id: &listing.detail.id,
        check_in: request.check_in,
        check_out: request.check_out,
        guests: request.guests,
        coupon_code: coupon.map(|c| c.code),
        price,
    };
    let quote = insert(&state.db, quote, BookingSettings::get().quote_ttl_ms()).await?;
    Ok((StatusCode::CREATED, Json(Envelope::new(quote))))
}

/// The answer to a stay that breaks a rule: 409 when the dates are taken
/// (the guest should pick others), 422 for the stay rules.
pub fn rejection(reason: StayRejection) -> ApiError {
    match reason {
        StayRejection::DatesUnavailable => {
            ApiError::new(StatusCode::CONFLICT, reason.code(), reason.message())
        }
        other => refused(other.code(), other.message()),
    }
}

struct NewQuote<'a> {
    tenant_id: &'a str,
    listing_id: &'a str,
    check_in: Date,
    check_out: Date,
    guests: u32,
    coupon_code: Option<String>,
    price: PriceBreakdown,
}

async fn insert(db: &Db, quote: NewQuote<'_>, ttl_ms: i64) -> Result<Quote, ApiError> {
    let id = uuid::Uuid::new_v4().to_string();
    let now = now_millis();
    let expires_at = now + ttl_ms;
    let price = serde_json::to_string(&quote.price)
        .map_err(|e| ApiError::internal(&format!("serializing a price: {e}")))?;

    sqlx::query(
        "INSERT INTO quotes (quote_id, tenant_id, listing_id, check_in, check_out, guests, \
         coupon_code, price, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(quote.tenant_id)
    .bind(quote.listing_id)
    .bind(quote.check_in.to_string())
    .bind(quote.check_out.to_string())
    .bind(i64::from(quote.guests))
    .bind(quote.coupon_code.clone())
    .bind(price)
    .bind(now)
    .bind(expires_at)
    .execute(db.pool())
    .await?;

    Ok(Quote {
        id,
        listing_id: quote.listing_id.to_owned(),
        check_in: quote.check_in,
        check_out: quote.check_out,
        guests: quote.guests,
        coupon_code: quote.coupon_code,
        price: quote.price,
        expires_at: rfc3339(expires_at),
    })
}

/// A stored quote and when it expires (Unix milliseconds).
pub struct StoredQuote {
    pub quote: Quote,
    pub expires_at_ms: i64,
}

/// A tenant's quote by ID.
pub async fn find(db: &Db, tenant_id: &str, quote_id: &str) -> Result<StoredQuote, ApiError> {
    if !is_plausible_key(quote_id) {
        return Err(ApiError::not_found("no such quote"));
    }
    let row = sqlx::query(
        "SELECT quote_id, listing_id, check_in, check_out, guests, coupon_code, price, expires_at \
         FROM quotes WHERE tenant_id = $1 AND quote_id = $2",
    )
    .bind(tenant_id)
    .bind(quote_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(|| ApiError::not_found("no such quote"))?;

    let corrupt = |what: &str| ApiError::internal(&format!("stored quote {quote_id}: bad {what}"));
    let price: String = row.try_get("price")?;
    let expires_at_ms: i64 = row.try_get("expires_at")?;
    let check_in: String = row.try_get("check_in")?;
    let check_out: String = row.try_get("check_out")?;
    let guests: i64 = row.try_get("guests")?;
    let quote = Quote {
        id: row.try_get("quote_id")?,
        listing_id: row.try_get("listing_id")?,
        check_in: check_in.parse().map_err(|_| corrupt("check_in"))?,
        check_out: check_out.parse().map_err(|_| corrupt("check_out"))?,
        guests: u32::try_from(guests).map_err(|_| corrupt("guests"))?,
        coupon_code: row.try_get("coupon_code")?,
        price: serde_json::from_str(&price).map_err(|_| corrupt("price"))?,
        expires_at: rfc3339(expires_at_ms),
    };
    Ok(StoredQuote {
        quote,
        expires_at_ms,
    })
}

/// `GET /v1/clients/quotes/{quoteId}`: a quote, also after it expired
/// (its `expiresAt` says so).
pub async fn show(
    State(state): State<AppState>,
    tenant: CurrentTenant,
    Path(quote_id): Path<String>,
) -> Result<Json<Envelope<Quote>>, ApiError> {
    let stored = find(&state.db, &tenant.tenant_id, &quote_id).await?;
    Ok(Json(Envelope::new(stored.quote)))
}

/// Unix milliseconds as RFC 3339 UTC with a `Z` suffix.
pub fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
