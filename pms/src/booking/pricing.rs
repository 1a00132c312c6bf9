//! Rates, stay rules and the itemized price of a stay: pure functions over a
//! listing's [`RatePlan`], so every rule is unit-tested without a database.
//!
//! The model is the one `pms/demo/README.md` describes ("The quote, step by
//! step"): a night costs its season's rate (or the base rate), raised by the
//! weekend uplift on weekend nights; the length-of-stay tier comes off the
//! nights, the coupon off what is left; extra guests pay per night; taxes are
//! percentages (inclusive or on top) or per person per night. The plan is
//! stored as JSON next to its listing, so both engines keep it identically.

use std::collections::HashSet;

use doorstep::booking::{
    CancellationPolicy, Date, Discount, NightPrice, PaymentPolicy, PaymentPolicyKind,
    PriceBreakdown, TaxLine,
};
use jiff::civil::Weekday;
use serde::{Deserialize, Serialize};

/// A weekday as the data files and rate plans spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    fn of(date: Date) -> Day {
        match date.weekday() {
            Weekday::Monday => Day::Mon,
            Weekday::Tuesday => Day::Tue,
            Weekday::Wednesday => Day::Wed,
            Weekday::Thursday => Day::Thu,
            Weekday::Friday => Day::Fri,
            Weekday::Saturday => Day::Sat,
            Weekday::Sunday => Day::Sun,
        }
    }
}

/// An inclusive range of nights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    pub first_night: Date,
    pub last_night: Date,
}

/// A season as it applies to one listing: its rate is already resolved
/// (the listing's absolute season rate, or the multiplier applied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Season {
    pub code: String,
    pub name: String,
    pub nightly_rate: i64,
    #[serde(default)]
    pub min_nights: Option<u32>,
    #[serde(default)]
    pub closed_to_arrival: Vec<Day>,
    #[serde(default)]
    pub closed_to_departure: Vec<Day>,
    pub periods: Vec<Period>,
}

impl Season {
    fn contains(&self, date: Date) -> bool {
        self.periods
            .iter()
            .any(|p| p.first_night <= date && date <= p.last_night)
    }
}

/// A length-of-stay discount tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StayDiscount {
    pub min_nights: u32,
    pub percent: u32,
}

/// What a percentage tax is computed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TaxBase {
    /// Nights + extra guests − discounts.
    Accommodation,
    /// That plus the cleaning fee.
    AccommodationAndFees,
}

/// How a tax is computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum TaxKind {
    Percent {
        basis_points: u32,
        applies_to: TaxBase,
    },
    PerPersonPerNight {
        amount: i64,
        #[serde(default)]
        max_nights: Option<u32>,
    },
}

/// A tax or charge on every stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tax {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub kind: TaxKind,
    /// Already contained in the prices: shown on the quote, not added.
    pub inclusive: bool,
}

/// Everything that prices a listing's nights and decides its stay rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatePlan {
    pub currency: String,
    pub base_rate: i64,
    pub weekend_nights: Vec<Day>,
    pub weekend_uplift_percent: u32,
    pub min_nights: u32,
    pub max_nights: u32,
    pub closed_to_arrival: Vec<Day>,
    pub closed_to_departure: Vec<Day>,
    pub seasons: Vec<Season>,
    pub cleaning_fee: i64,
    pub extra_guest_fee: i64,
    pub base_guests: u32,
    pub max_guests: u32,
    pub length_of_stay_discounts: Vec<StayDiscount>,
    pub taxes: Vec<Tax>,
    pub payment_policy: PaymentPolicy,
    pub cancellation_policy: CancellationPolicy,
}

/// What a coupon takes off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum CouponValue {
    /// A percentage of the nights after the length-of-stay discount.
    Percent { percent: u32 },
    /// A fixed amount, capped at the nights after the length-of-stay discount.
    Fixed { amount_off: i64 },
}

/// A coupon code of a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coupon {
    /// Upper case; guests may type it in any case.
    pub code: String,
    pub description: String,
    #[serde(flatten)]
    pub value: CouponValue,
    /// Inclusive; compared with the quote date, today in the tenant's time zone.
    pub valid_from: Date,
    pub valid_until: Date,
    #[serde(default)]
    pub min_nights: Option<u32>,
    /// Listing slugs the coupon is limited to; `None` for every listing.
    #[serde(default)]
    pub listings: Option<Vec<String>>,
}

/// Why a stay cannot be quoted or booked. The code goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StayRejection {
    /// Some night is booked, held or blocked.
    DatesUnavailable,
    /// Fewer nights than the arrival date's minimum stay.
    BelowMinimumStay { min_nights: u32 },
    /// More nights than the listing allows.
    AboveMaximumStay { max_nights: u32 },
    /// More guests than the listing sleeps.
    OverCapacity { max_guests: u32 },
    /// Arrivals are not allowed on the check-in date.
    ClosedToArrival,
    /// Departures are not allowed on the check-out date.
    ClosedToDeparture,
}

impl StayRejection {
    /// The machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::DatesUnavailable => "dates_unavailable",
            Self::BelowMinimumStay { .. } => "below_minimum_stay",
            Self::AboveMaximumStay { .. } => "above_maximum_stay",
            Self::OverCapacity { .. } => "over_capacity",
            Self::ClosedToArrival => "closed_to_arrival",
            Self::ClosedToDeparture => "closed_to_departure",
        }
    }

    /// A sentence for the guest.
    pub fn message(self) -> String {
        match self {
            Self::DatesUnavailable => "The dates are not available.".into(),
            Self::BelowMinimumStay { min_nights } => {
                format!("The minimum stay for this arrival date is {min_nights} nights.")
            }
            Self::AboveMaximumStay { max_nights } => {
                format!("The longest stay at this listing is {max_nights} nights.")
            }
            Self::OverCapacity { max_guests } => {
                format!("This listing sleeps at most {max_guests} guests.")
            }
            Self::ClosedToArrival => "Arrivals are not possible on the check-in date.".into(),
            Self::ClosedToDeparture => "Departures are not possible on the check-out date.".into(),
        }
    }
}

/// Why a coupon does not apply; becomes the `couponCode` field error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponProblem {
    NotValidToday,
    NotForThisListing,
    BelowMinimumNights(u32),
}

impl CouponProblem {
    /// A sentence naming the problem.
    pub fn message(self) -> String {
        match self {
            Self::NotValidToday => "This coupon has expired or is not valid yet.".into(),
            Self::NotForThisListing => "This coupon does not apply to this listing.".into(),
            Self::BelowMinimumNights(n) => {
                format!("This coupon needs a stay of at least {n} nights.")
            }
        }
    }
}

/// The nights of a stay: `check_in` up to but not including `check_out`.
pub fn nights(check_in: Date, check_out: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut night = check_in;
    while night < check_out {
        out.push(night);
        night = next_day(night);
    }
    out
}

/// The day after `date`, saturating at the last representable date.
pub fn next_day(date: Date) -> Date {
    date.tomorrow().unwrap_or(date)
}

/// `date` moved by `days` (which may be negative), saturating at the ends.
pub fn add_days(date: Date, days: i32) -> Date {
    date.checked_add(jiff::Span::new().days(days))
        .unwrap_or(date)
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    to.duration_since(from).as_secs() / 86_400
}

/// `amount × numerator / denominator`, rounded half up, for amounts ≥ 0.
fn ratio_half_up(amount: i64, numerator: i64, denominator: i64) -> i64 {
    (amount * numerator * 2 + denominator) / (denominator * 2)
}

impl RatePlan {
    fn season_of(&self, date: Date) -> Option<&Season> {
        self.seasons.iter().find(|s| s.contains(date))
    }

    /// The season name of a night, when not the base season.
    pub fn season_name(&self, date: Date) -> Option<String> {
        self.season_of(date).map(|s| s.name.clone())
    }

    /// The rate of the night starting on `date`.
    pub fn nightly_rate(&self, date: Date) -> i64 {
        let rate = self
            .season_of(date)
            .map_or(self.base_rate, |s| s.nightly_rate);
        if self.weekend_nights.contains(&Day::of(date)) {
            ratio_half_up(rate, 100 + i64::from(self.weekend_uplift_percent), 100)
        } else {
            rate
        }
    }

    /// The minimum stay for an arrival on `date`.
    pub fn min_nights(&self, date: Date) -> u32 {
        let season = self.season_of(date).and_then(|s| s.min_nights);
        self.min_nights.max(season.unwrap_or(0)).max(1)
    }

    /// Whether no stay may start on `date`.
    pub fn closed_to_arrival(&self, date: Date) -> bool {
        let day = Day::of(date);
        self.closed_to_arrival.contains(&day)
            || self
                .season_of(date)
                .is_some_and(|s| s.closed_to_arrival.contains(&day))
    }

    /// Whether no stay may end on `date`.
    pub fn closed_to_departure(&self, date: Date) -> bool {
        let day = Day::of(date);
        self.closed_to_departure.contains(&day)
            || self
                .season_of(date)
                .is_some_and(|s| s.closed_to_departure.contains(&day))
    }
}

/// Checks a stay against the plan and the nights already taken. The first
/// failing rule wins, in the order a guest can act on: capacity, the
/// dates, then the stay rules.
pub fn check_stay(
    plan: &RatePlan,
    check_in: Date,
    check_out: Date,
    guests: u32,
    taken: &HashSet<Date>,
) -> Result<(), StayRejection> {
    if guests > plan.max_guests {
        return Err(StayRejection::OverCapacity {
            max_guests: plan.max_guests,
        });
    }

    let stay = nights(check_in, check_out);
    if stay.iter().any(|night| taken.contains(night)) {
        return Err(StayRejection::DatesUnavailable);
    }
    if plan.closed_to_arrival(check_in) {
        return Err(StayRejection::ClosedToArrival);
    }
    if plan.closed_to_departure(check_out) {
        return Err(StayRejection::ClosedToDeparture);
    }

    let count = stay.len() as u32;
    let min_nights = plan.min_nights(check_in);
    if count < min_nights {
        return Err(StayRejection::BelowMinimumStay { min_nights });
    }
    if count > plan.max_nights {
        return Err(StayRejection::AboveMaximumStay {
            max_nights: plan.max_nights,
        });
    }
    Ok(())
}

/// Checks that a coupon applies to a stay of `nights` at the listing `slug`,
/// quoted on `today`.
pub fn check_coupon(
    coupon: &Coupon,
    slug: &str,
    today: Date,
    nights: u32,
) -> Result<(), CouponProblem> {
    if today < coupon.valid_from || today > coupon.valid_until {
        return Err(CouponProblem::NotValidToday);
    }
    if let Some(listings) = &coupon.listings
        && !listings.iter().any(|l| l == slug)
    {
        return Err(CouponProblem::NotForThisListing);
    }
    match coupon.min_nights {
        Some(min) if nights < min => Err(CouponProblem::BelowMinimumNights(min)),
        _ => Ok(()),
    }
}

/// Prices a stay that passed [`check_stay`] (and [`check_coupon`], when a
/// coupon is given), quoted on `today` in the listing's time zone.
pub fn price_stay(
    plan: &RatePlan,
    check_in: Date,
    check_out: Date,
    guests: u32,
    coupon: Option<&Coupon>,
    today: Date,
) -> PriceBreakdown {
    let nights: Vec<NightPrice> = nights(check_in, check_out)
        .into_iter()
        .map(|date| NightPrice {
            date,
            amount: plan.nightly_rate(date),
        })
        .collect();
    let count = nights.len() as i64;
    let nights_subtotal: i64 = nights.iter().map(|n| n.amount).sum();

    let extra_guests = i64::from(guests.saturating_sub(plan.base_guests));
    let extra_guest_fee = plan.extra_guest_fee * extra_guests * count;

    let length_of_stay_discount = length_of_stay_discount(plan, count, nights_subtotal);
    let los = length_of_stay_discount.as_ref().map_or(0, |d| d.amount);
    let coupon_discount = coupon.map(|c| coupon_discount(c, nights_subtotal - los));
    let off = los + coupon_discount.as_ref().map_or(0, |d| d.amount);

    let accommodation = nights_subtotal + extra_guest_fee - off;
    let taxes = taxes(plan, accommodation, guests, count);
    let exclusive: i64 = taxes
        .iter()
        .filter(|t| !t.inclusive)
        .map(|t| t.amount)
        .sum();
    let total = accommodation + plan.cleaning_fee + exclusive;

    let due_now = due_now(&plan.payment_policy, total, days_between(today, check_in));
    PriceBreakdown {
        currency: plan.currency.clone(),
        nights,
        nights_subtotal,
        extra_guest_fee,
        length_of_stay_discount,
        coupon_discount,
        cleaning_fee: plan.cleaning_fee,
        taxes,
        total,
        due_now,
        balance_due_later: total - due_now,
    }
}

fn length_of_stay_discount(plan: &RatePlan, nights: i64, subtotal: i64) -> Option<Discount> {
    let tier = plan
        .length_of_stay_discounts
        .iter()
        .filter(|t| i64::from(t.min_nights) <= nights && t.percent > 0)
        .max_by_key(|t| t.min_nights)?;
    Some(Discount {
        label: format!("{}-night stay, {}% off", tier.min_nights, tier.percent),
        amount: ratio_half_up(subtotal, i64::from(tier.percent), 100),
    })
}

fn coupon_discount(coupon: &Coupon, base: i64) -> Discount {
    let amount = match coupon.value {
        CouponValue::Percent { percent } => ratio_half_up(base, i64::from(percent.min(100)), 100),
        CouponValue::Fixed { amount_off } => amount_off.clamp(0, base),
    };
    Discount {
        label: format!("{}: {}", coupon.code, coupon.description),
        amount,
    }
}

fn taxes(plan: &RatePlan, accommodation: i64, guests: u32, nights: i64) -> Vec<TaxLine> {
    plan.taxes
        .iter()
        .map(|tax| {
            let amount = match &tax.kind {
                TaxKind::Percent {
                    basis_points,
                    applies_to,
                } => {
                    let base = match applies_to {
                        TaxBase::Accommodation => accommodation,
                        TaxBase::AccommodationAndFees => accommodation + plan.cleaning_fee,
                    };
                    let bp = i64::from(*basis_points);
                    if tax.inclusive {
                        ratio_half_up(base, bp, 10_000 + bp)
                    } else {
                        ratio_half_up(base, bp, 10_000)
                    }
                }
                TaxKind::PerPersonPerNight { amount, max_nights } => {
                    let taxed = max_nights.map_or(nights, |m| nights.min(i64::from(m)));
                    amount * i64::from(guests) * taxed
                }
            };
            TaxLine {
                code: tax.code.clone(),
                name: tax.name.clone(),
                amount,
                inclusive: tax.inclusive,
            }
        })
        .collect()
}

/// What paying a booking charges now: the total, or the deposit (rounded
/// up) when the stay starts far enough ahead for a balance to be due later.
fn due_now(policy: &PaymentPolicy, total: i64, days_to_arrival: i64) -> i64 {
    let (Some(percent), Some(due_days)) = (
        policy.deposit_percent,
        policy.balance_due_days_before_arrival,
    ) else {
        return total;
    };
    if policy.kind == PaymentPolicyKind::Full || days_to_arrival < i64::from(due_days) {
        return total;
    }
    let percent = i64::from(percent.clamp(1, 100));
    (total * percent + 99) / 100
}

#[cfg(test)]
mod tests;
