//! Reading listings, coupons and occupied nights, always scoped by tenant.
//!
//! Every query here takes the tenant ID first and filters by it, so a
//! listing of another tenant is indistinguishable from one that does not
//! exist.

use std::collections::{HashMap, HashSet};

use doorstep::booking::{Date, ListingDetail};
use sqlx::Row as _;

use crate::db::Db;
use crate::error::ApiError;

use super::input::is_plausible_key;
use super::pricing::{Coupon, RatePlan};

/// A listing with its page and its rate plan.
#[derive(Debug, Clone)]
pub struct Listing {
    pub detail: ListingDetail,
    pub plan: RatePlan,
}

impl Listing {
    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, ApiError> {
        let id: String = row.try_get("listing_id")?;
        let details: String = row.try_get("details")?;
        let plan: String = row.try_get("rate_plan")?;

        let mut detail: ListingDetail = serde_json::from_str(&details)
            .map_err(|e| ApiError::internal(&format!("listing {id} details: {e}")))?;
        let plan: RatePlan = serde_json::from_str(&plan)
            .map_err(|e| ApiError::internal(&format!("listing {id} rate plan: {e}")))?;
        detail.id = id;
        Ok(Self { detail, plan })
    }
}

/// Every listing of a tenant, in display order.
pub async fn listings(db: &Db, tenant_id: &str) -> Result<Vec<Listing>, ApiError> {
    let rows = sqlx::query(
        "SELECT listing_id, details, rate_plan FROM listings \
         WHERE tenant_id = $1 ORDER BY position, slug",
    )
    .bind(tenant_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(Listing::from_row).collect()
}

/// One listing of a tenant, by ID or slug.
pub async fn listing(db: &Db, tenant_id: &str, id_or_slug: &str) -> Result<Listing, ApiError> {
    if !is_plausible_key(id_or_slug) {
        return Err(ApiError::not_found("no such listing"));
    }
    let row = sqlx::query(
        "SELECT listing_id, details, rate_plan FROM listings \
         WHERE tenant_id = $1 AND (listing_id = $2 OR slug = $2)",
    )
    .bind(tenant_id)
    .bind(id_or_slug)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(row) => Listing::from_row(&row),
        None => Err(ApiError::not_found("no such listing")),
    }
}

/// The SQL condition that a `booked_nights` row (`n`, joined to its booking
/// `b`) still occupies its night: an owner block, a confirmed booking, or a
/// hold that has not expired at `$4` (now, Unix milliseconds).
pub const NIGHT_IS_TAKEN: &str = "(n.booking_id IS NULL OR b.status = 'confirmed' \
     OR (b.status = 'held' AND b.hold_expires_at > $4))";

/// The nights in `from..until` that are taken, per listing, for every
/// listing of the tenant.
pub async fn taken_nights(
    db: &Db,
    tenant_id: &str,
    from: Date,
    until: Date,
    now_ms: i64,
) -> Result<HashMap<String, HashSet<Date>>, ApiError> {
    let sql = format!(
        "SELECT n.listing_id, n.night FROM booked_nights n \
         JOIN listings l ON l.listing_id = n.listing_id \
         LEFT JOIN bookings b ON b.booking_id = n.booking_id \
         WHERE l.tenant_id = $1 AND n.night >= $2 AND n.night < $3 AND {NIGHT_IS_TAKEN}"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(from.to_string())
        .bind(until.to_string())
        .bind(now_ms)
        .fetch_all(db.pool())
        .await?;

    let mut taken: HashMap<String, HashSet<Date>> = HashMap::new();
    for row in rows {
        let listing_id: String = row.try_get("listing_id")?;
        let night: String = row.try_get("night")?;
        let night = night
            .parse()
            .map_err(|e| ApiError::internal(&format!("stored night {night:?}: {e}")))?;
        taken.entry(listing_id).or_default().insert(night);
    }
    Ok(taken)
}

/// The taken nights of one listing in `from..until`.
pub async fn taken_nights_of(
    db: &Db,
    tenant_id: &str,
    listing_id: &str,
    from: Date,
    until: Date,
    now_ms: i64,
) -> Result<HashSet<Date>, ApiError> {
    let sql = format!(
        "SELECT n.night FROM booked_nights n \
         JOIN listings l ON l.listing_id = n.listing_id \
         LEFT JOIN bookings b ON b.booking_id = n.booking_id \
         WHERE l.tenant_id = $1 AND n.night >= $2 AND n.night < $3 AND {NIGHT_IS_TAKEN} \
         AND n.listing_id = $5"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(from.to_string())
        .bind(until.to_string())
        .bind(now_ms)
        .bind(listing_id)
        .fetch_all(db.pool())
        .await?;

    rows.iter()
        .map(|row| {
            let night: String = row.try_get("night")?;
            night
                .parse()
                .map_err(|e| ApiError::internal(&format!("stored night {night:?}: {e}")))
        })
        .collect()
}

/// A tenant's coupon by code, in any case.
pub async fn coupon(db: &Db, tenant_id: &str, code: &str) -> Result<Option<Coupon>, ApiError> {
    if !is_plausible_key(code) {
        return Ok(None);
    }
    let row = sqlx::query("SELECT rule FROM coupons WHERE tenant_id = $1 AND code = $2")
        .bind(tenant_id)
        .bind(code.trim().to_uppercase())
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let rule: String = row.try_get("rule")?;
    serde_json::from_str(&rule)
        .map(Some)
        .map_err(|e| ApiError::internal(&format!("coupon rule: {e}")))
}

/// Today in the IANA time zone `tz` (UTC when the zone is unknown).
pub fn today_in(tz: &str) -> Date {
    let now = jiff::Timestamp::now();
    match now.in_tz(tz) {
        Ok(zoned) => zoned.date(),
        Err(_) => now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
    }
}
