//! Loading a tenant's listings from a data file in the schema of
//! `pms/demo/README.md`: listings with their rate plans, coupons, the stays
//! already booked and the owner's blocks.
//!
//! Demo mode calls [`seed_demo`] for its three tenants; tests call
//! [`seed_tenant`] with small fixtures of their own in the same schema.
//! Relative dates (`startOffsetDays`) count from today in the tenant's time
//! zone, so the demo always shows some booked dates ahead.

use std::collections::HashMap;

use anyhow::{Context as _, bail};
use doorstep::booking::{
    CancellationPolicy, Date, HouseRules, ListingDetail, Location, PaymentPolicy, Photo, TimeWindow,
};
use serde::Deserialize;

use crate::db::{Db, now_millis};
use crate::demo::DemoTenant;

use super::bookings::new_reference;
use super::pricing::{
    Coupon, Day, Period, RatePlan, Season, StayDiscount, Tax, add_days, nights, price_stay,
};
use super::store::today_in;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataFile {
    tenant: TenantPart,
    weekend_nights: Vec<Day>,
    cancellation_policies: Vec<CancellationPolicy>,
    payment_policies: Vec<PaymentPolicy>,
    taxes: Vec<Tax>,
    seasons: Vec<SeasonPart>,
    coupons: Vec<Coupon>,
    listings: Vec<ListingPart>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TenantPart {
    currency: String,
    time_zone: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SeasonPart {
    code: String,
    name: String,
    multiplier_percent: u32,
    #[serde(default)]
    min_nights: Option<u32>,
    #[serde(default)]
    closed_to_arrival: Vec<Day>,
    #[serde(default)]
    closed_to_departure: Vec<Day>,
    periods: Vec<Period>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListingPart {
    slug: String,
    name: String,
    property_type: String,
    #[serde(default)]
    room_type: Option<String>,
    summary: String,
    description: String,
    #[serde(default)]
    highlights: Vec<String>,
    photos: Vec<Photo>,
    amenities: Vec<String>,
    house_rules: HouseRules,
    max_guests: u32,
    base_guests: u32,
    bedrooms: u32,
    beds: u32,
    bathrooms: u32,
    #[serde(default)]
    size_sqm: Option<u32>,
    location: LocationPart,
    check_in: TimeWindow,
    check_out_by: String,
    cancellation_policy: String,
    payment_policy: String,
    pricing: PricingPart,
    #[serde(default)]
    bookings: Vec<BookingPart>,
    #[serde(default)]
    blocks: Vec<BlockPart>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LocationPart {
    address_line: String,
    locality: String,
    region: String,
    postal_code: String,
    country_code: String,
    latitude: f64,
    longitude: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PricingPart {
    base_rate: i64,
    #[serde(default)]
    season_rates: HashMap<String, i64>,
    #[serde(default)]
    weekend_uplift_percent: u32,
    min_nights: u32,
    max_nights: u32,
    #[serde(default)]
    closed_to_arrival: Vec<Day>,
    #[serde(default)]
    closed_to_departure: Vec<Day>,
    cleaning_fee: i64,
    extra_guest_fee: i64,
    #[serde(default)]
    length_of_stay_discounts: Vec<StayDiscount>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BookingPart {
    start_offset_days: i32,
    nights: i32,
    guests: u32,
    guest_name: String,
    guest_email: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlockPart {
    start_offset_days: i32,
    nights: i32,
}

/// What a seeding run wrote, for logs and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub listings: usize,
    pub coupons: usize,
    pub bookings: usize,
    pub blocked_nights: usize,
}

/// Seeds the demo tenants' listings from their data files.
pub async fn seed_demo(db: &Db, tenants: &[DemoTenant]) -> anyhow::Result<()> {
    for tenant in tenants {
        let summary = seed_tenant(db, &tenant.tenant_id, tenant.source)
            .await
            .with_context(|| format!("seeding the listings of demo tenant {}", tenant.slug))?;
        tracing::info!(
            tenant.slug = %tenant.slug,
            listings = summary.listings,
            bookings = summary.bookings,
            "demo tenant seeded"
        );
    }
    Ok(())
}

/// Loads one data file (JSON) into the tenant `tenant_id`, in one
/// transaction. The tenant must exist and have no listings with the same slugs.
pub async fn seed_tenant(db: &Db, tenant_id: &str, source: &str) -> anyhow::Result<SeedSummary> {
    let file: DataFile = serde_json::from_str(source).context("reading the data file")?;
    let today = today_in(&file.tenant.time_zone);
    seed_file(db, tenant_id, &file, today).await
}

/// [`seed_tenant`] with relative dates counted from `today`, so a test can
/// pin the day its offsets are counted from (and not flake at midnight).
pub async fn seed_tenant_on(
    db: &Db,
    tenant_id: &str,
    source: &str,
    today: Date,
) -> anyhow::Result<SeedSummary> {
    let file: DataFile = serde_json::from_str(source).context("reading the data file")?;
    seed_file(db, tenant_id, &file, today).await
}

async fn seed_file(
    db: &Db,
    tenant_id: &str,
    file: &DataFile,
    today: Date,
) -> anyhow::Result<SeedSummary> {
    let now = now_millis();
    let mut summary = SeedSummary::default();
    let mut tx = db.pool().begin().await?;

    for (position, part) in file.listings.iter().enumerate() {
        let listing_id = uuid::Uuid::new_v4().to_string();
        let plan = rate_plan(file, part)?;
        let detail = listing_detail(file, part, &plan, &listing_id);

        sqlx::query(
            "INSERT INTO listings (listing_id, tenant_id, slug, position, details, rate_plan, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&listing_id)
        .bind(tenant_id)
        .bind(&part.slug)
        .bind(position as i64)
        .bind(serde_json::to_string(&detail)?)
        .bind(serde_json::to_string(&plan)?)
        .bind(now)
        .execute(&mut *tx)
        .await
        .with_context(|| format!("inserting listing {}", part.slug))?;
        summary.listings += 1;

        for block in &part.blocks {
            let first = add_days(today, block.start_offset_days);
            for night in nights(first, add_days(first, block.nights)) {
                sqlx::query("INSERT INTO booked_nights (listing_id, night) VALUES ($1, $2)")
                    .bind(&listing_id)
                    .bind(night.to_string())
                    .execute(&mut *tx)
                    .await
                    .with_context(|| format!("blocking {night} of {}", part.slug))?;
                summary.blocked_nights += 1;
            }
        }

        for stay in &part.bookings {
            let check_in = add_days(today, stay.start_offset_days);
            let check_out = add_days(check_in, stay.nights);
            let price = price_stay(&plan, check_in, check_out, stay.guests, None, today);
            let booking_id = uuid::Uuid::new_v4().to_string();

            sqlx::query(
                "INSERT INTO bookings (booking_id, tenant_id, reference, listing_id, check_in, \
                 check_out, guests, guest_name, guest_email, guest_email_key, guest_phone, price, \
                 currency, total, due_now, amount_paid, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', $11, $12, $13, $13, $13, \
                 'confirmed', $14, $14)",
            )
            .bind(&booking_id)
            .bind(tenant_id)
            .bind(new_reference())
            .bind(&listing_id)
            .bind(check_in.to_string())
            .bind(check_out.to_string())
            .bind(i64::from(stay.guests))
            .bind(&stay.guest_name)
            .bind(&stay.guest_email)
            .bind(stay.guest_email.trim().to_lowercase())
            .bind(serde_json::to_string(&price)?)
            .bind(&price.currency)
            .bind(price.total)
            .bind(now)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("inserting a booking of {}", part.slug))?;

            for night in nights(check_in, check_out) {
                sqlx::query(
                    "INSERT INTO booked_nights (listing_id, night, booking_id) VALUES ($1, $2, $3)",
                )
                .bind(&listing_id)
                .bind(night.to_string())
                .bind(&booking_id)
                .execute(&mut *tx)
                .await
                .with_context(|| format!("booking {night} of {}", part.slug))?;
            }
            summary.bookings += 1;
        }
    }

    for coupon in &file.coupons {
        let mut coupon = coupon.clone();
        coupon.code = coupon.code.trim().to_uppercase();
        sqlx::query("INSERT INTO coupons (tenant_id, code, rule) VALUES ($1, $2, $3)")
            .bind(tenant_id)
            .bind(&coupon.code)
            .bind(serde_json::to_string(&coupon)?)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("inserting coupon {}", coupon.code))?;
        summary.coupons += 1;
    }

    tx.commit().await?;
    Ok(summary)
}

fn rate_plan(file: &DataFile, part: &ListingPart) -> anyhow::Result<RatePlan> {
    let Some(cancellation_policy) = file
        .cancellation_policies
        .iter()
        .find(|p| p.code == part.cancellation_policy)
    else {
        bail!(
            "{}: unknown cancellation policy {}",
            part.slug,
            part.cancellation_policy
        );
    };
    let Some(payment_policy) = file
        .payment_policies
        .iter()
        .find(|p| p.code == part.payment_policy)
    else {
        bail!(
            "{}: unknown payment policy {}",
            part.slug,
            part.payment_policy
        );
    };

    let pricing = &part.pricing;
    let seasons = file
        .seasons
        .iter()
        .map(|season| Season {
            code: season.code.clone(),
            name: season.name.clone(),
            nightly_rate: pricing
                .season_rates
                .get(&season.code)
                .copied()
                .unwrap_or_else(|| {
                    (pricing.base_rate * i64::from(season.multiplier_percent) * 2 + 100) / 200
                }),
            min_nights: season.min_nights,
            closed_to_arrival: season.closed_to_arrival.clone(),
            closed_to_departure: season.closed_to_departure.clone(),
            periods: season.periods.clone(),
        })
        .collect();

    Ok(RatePlan {
        currency: file.tenant.currency.clone(),
        base_rate: pricing.base_rate,
        weekend_nights: file.weekend_nights.clone(),
        weekend_uplift_percent: pricing.weekend_uplift_percent,
        min_nights: pricing.min_nights,
        max_nights: pricing.max_nights,
        closed_to_arrival: pricing.closed_to_arrival.clone(),
        closed_to_departure: pricing.closed_to_departure.clone(),
        seasons,
        cleaning_fee: pricing.cleaning_fee,
        extra_guest_fee: pricing.extra_guest_fee,
        base_guests: part.base_guests,
        max_guests: part.max_guests,
        length_of_stay_discounts: pricing.length_of_stay_discounts.clone(),
        taxes: file.taxes.clone(),
        payment_policy: payment_policy.clone(),
        cancellation_policy: cancellation_policy.clone(),
    })
}

fn listing_detail(file: &DataFile, part: &ListingPart, plan: &RatePlan, id: &str) -> ListingDetail {
    let l = &part.location;
    ListingDetail {
        id: id.to_owned(),
        slug: part.slug.clone(),
        name: part.name.clone(),
        summary: part.summary.clone(),
        description: part.description.clone(),
        highlights: part.highlights.clone(),
        property_type: part.property_type.clone(),
        room_type: part.room_type.clone(),
        photos: part.photos.clone(),
        amenities: part.amenities.clone(),
        house_rules: part.house_rules.clone(),
        max_guests: part.max_guests,
        base_guests: part.base_guests,
        bedrooms: part.bedrooms,
        beds: part.beds,
        bathrooms: part.bathrooms,
        size_sqm: part.size_sqm,
        location: Location {
            address: l.address_line.clone(),
            city: l.locality.clone(),
            region: l.region.clone(),
            postal_code: l.postal_code.clone(),
            country: l.country_code.clone(),
            latitude: l.latitude,
            longitude: l.longitude,
        },
        check_in: part.check_in.clone(),
        check_out_by: part.check_out_by.clone(),
        time_zone: file.tenant.time_zone.clone(),
        currency: plan.currency.clone(),
        nightly_rate: plan.base_rate,
        cleaning_fee: plan.cleaning_fee,
        extra_guest_fee: plan.extra_guest_fee,
        min_nights: plan.min_nights,
        max_nights: plan.max_nights,
        cancellation_policy: plan.cancellation_policy.clone(),
        payment_policy: plan.payment_policy.clone(),
    }
}
