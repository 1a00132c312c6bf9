//! Wire types of the booking domain: listings, calendar, quotes, bookings,
//! payments, guest look-up and cancellation.
//!
//! The site sends and the platform answers exactly these shapes, so the two
//! cannot drift apart. Field names are camelCase on the wire. Money is always
//! an integer amount in the currency's minor unit (cents) next to an ISO 4217
//! `currency` code in the same object; floating point never carries a price.
//! Stay dates are calendar dates (`YYYY-MM-DD`) in the listing's time zone,
//! and a stay of `checkIn..checkOut` occupies the nights `checkIn` up to but
//! not including `checkOut`.

use serde::{Deserialize, Serialize};

pub use jiff::civil::Date;

/// The largest page a search answers; bigger requests are clamped to it.
pub const MAX_PAGE_SIZE: u32 = 50;

/// The page size a search uses when none is asked for.
pub const DEFAULT_PAGE_SIZE: u32 = 12;

/// The longest date range one calendar request may cover, in days (about 18 months).
pub const MAX_CALENDAR_DAYS: i32 = 550;

/// The longest stay a quote accepts, in nights.
pub const MAX_STAY_NIGHTS: i32 = 90;

/// How far ahead a stay may start, in days (about two years).
pub const MAX_BOOKING_HORIZON_DAYS: i32 = 730;

/// A page of results with the numbers needed to render pagination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// The results on this page.
    pub items: Vec<T>,
    /// The page number, starting at 1.
    pub page: u32,
    /// The page size actually used (after clamping).
    pub page_size: u32,
    /// How many results match in total.
    pub total_items: u32,
    /// How many pages there are at this page size (0 when nothing matches).
    pub total_pages: u32,
}

/// How search results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListingSort {
    /// The order the property manager chose.
    #[default]
    Recommended,
    /// Cheapest first: by stay total when dates are given, else by nightly rate.
    PriceAsc,
    /// Most expensive first.
    PriceDesc,
    /// Largest capacity first.
    CapacityDesc,
    /// Alphabetical by name.
    Name,
}

impl ListingSort {
    /// Every variant with its wire name, for parsing query strings and documentation.
    pub const ALL: [(&'static str, ListingSort); 5] = [
        ("recommended", ListingSort::Recommended),
        ("price_asc", ListingSort::PriceAsc),
        ("price_desc", ListingSort::PriceDesc),
        ("capacity_desc", ListingSort::CapacityDesc),
        ("name", ListingSort::Name),
    ];
}

/// The query of `GET /v1/clients/listings`; every field is optional.
///
/// `checkIn` and `checkOut` go together; with them every result carries its
/// availability and stay price. Price bounds compare against the average
/// nightly price of the stay (or the base nightly rate without dates), in
/// minor units. `amenities` is a comma-separated list; a listing must have
/// all of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListingSearch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_out: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guests: Option<u32>,
    /// Free text matched against name, summary, city, region and country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_price: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_price: Option<i64>,
    /// The least number of bedrooms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bedrooms: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amenities: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property_type: Option<String>,
    /// Only listings bookable for the given dates and guests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<ListingSort>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
}

/// A photo: a URL (site-relative for demo content) and its alternative text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Photo {
    pub url: String,
    pub alt: String,
}

/// Where a listing is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub address: String,
    /// The town a guest searches for.
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// The price and bookability of one stay at one listing, shown in search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StayOffer {
    /// Whether the stay can be booked as asked.
    pub available: bool,
    /// Why not, when it cannot (the same codes a quote rejection uses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub nights: u32,
    /// The total the guest would pay without a coupon, in minor units.
    pub total: i64,
    pub currency: String,
}

/// A listing as it appears in search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListingSummary {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub property_type: String,
    pub city: String,
    pub region: String,
    pub country: String,
    /// The first photo, for the result card.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<Photo>,
    pub max_guests: u32,
    pub bedrooms: u32,
    pub bathrooms: u32,
    pub amenities: Vec<String>,
    /// The base-season nightly rate, in minor units.
    pub nightly_rate: i64,
    pub currency: String,
    /// Present when the search gave dates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stay: Option<StayOffer>,
}

/// How much of a booking's total is charged when it is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentPolicyKind {
    /// The whole total at booking.
    Full,
    /// A share at booking; the balance is due before arrival.
    Deposit,
}

/// A listing's payment policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentPolicy {
    pub code: String,
    pub name: String,
    pub kind: PaymentPolicyKind,
    /// For `deposit`: the percent of the total charged at booking (rounded up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_percent: Option<u32>,
    /// For `deposit`: the balance is due this many days before arrival; a
    /// stay starting sooner is charged in full at booking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_due_days_before_arrival: Option<u32>,
    pub summary: String,
}

/// One step of a cancellation policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundRule {
    pub days_before_arrival: u32,
    /// Percent of the amount paid so far that is refunded.
    pub refund_percent: u32,
}

/// A listing's cancellation policy.
///
/// Cancelling `d` days before check-in (in the listing's time zone) refunds
/// the `refundPercent` of the first rule with `d >= daysBeforeArrival`; the
/// rules are sorted by `daysBeforeArrival`, descending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancellationPolicy {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub rules: Vec<RefundRule>,
}

impl CancellationPolicy {
    /// The percent refunded when cancelling `days_before` days before check-in
    /// (0 or less: on or after the day of arrival).
    pub fn refund_percent(&self, days_before: i64) -> u32 {
        self.rules
            .iter()
            .find(|rule| days_before >= i64::from(rule.days_before_arrival))
            .or(self.rules.last())
            .map_or(0, |rule| rule.refund_percent.min(100))
    }
}

/// A local time window, `HH:MM` to `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeWindow {
    pub from: String,
    pub until: String,
}

/// What guests may and may not do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HouseRules {
    pub pets_allowed: bool,
    pub smoking_allowed: bool,
    pub events_allowed: bool,
    pub children_allowed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_hours: Option<TimeWindow>,
    /// Further rules as sentences.
    pub notes: Vec<String>,
}

/// Everything a listing page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListingDetail {
    pub id: String,
    /// Unique within the tenant; usable in place of the ID in paths.
    pub slug: String,
    pub name: String,
    pub summary: String,
    /// Plain text; paragraphs separated by a blank line.
    pub description: String,
    pub highlights: Vec<String>,
    pub property_type: String,
    /// A hotel's room category, for grouping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_type: Option<String>,
    pub photos: Vec<Photo>,
    /// Amenity codes, e.g. `pool`, `wifi`.
    pub amenities: Vec<String>,
    pub house_rules: HouseRules,
    pub max_guests: u32,
    /// Guests included in the nightly rate; each further guest pays the extra-guest fee.
    pub base_guests: u32,
    pub bedrooms: u32,
    pub beds: u32,
    pub bathrooms: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_sqm: Option<u32>,
    pub location: Location,
    /// Local check-in window.
    pub check_in: TimeWindow,
    /// Local time, `HH:MM`.
    pub check_out_by: String,
    /// IANA time zone name; stay dates are calendar dates in it.
    pub time_zone: String,
    pub currency: String,
    /// The base-season nightly rate, in minor units; seasons and weekends differ.
    pub nightly_rate: i64,
    pub cleaning_fee: i64,
    /// Per guest above `baseGuests`, per night.
    pub extra_guest_fee: i64,
    /// The minimum stay in the base season, in nights.
    pub min_nights: u32,
    /// The longest stay, in nights.
    pub max_nights: u32,
    pub cancellation_policy: CancellationPolicy,
    pub payment_policy: PaymentPolicy,
}

/// One day of a listing's calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarDay {
    pub date: Date,
    /// Whether the night starting on this date is free to book.
    pub available: bool,
    /// The nightly rate of this night, in minor units.
    pub nightly_rate: i64,
    /// The minimum stay for an arrival on this date.
    pub min_nights: u32,
    /// No stay may start on this date.
    pub closed_to_arrival: bool,
    /// No stay may end on this date.
    pub closed_to_departure: bool,
    /// The season this night belongs to, when not the base season.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season: Option<String>,
}

/// The answer of `GET /v1/clients/listings/{listingId}/calendar`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Calendar {
    pub listing_id: String,
    pub currency: String,
    pub time_zone: String,
    pub days: Vec<CalendarDay>,
}

/// The body of `POST /v1/clients/quotes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuoteRequest {
    pub listing_id: String,
    #[serde(deserialize_with = "strict_date")]
    pub check_in: Date,
    #[serde(deserialize_with = "strict_date")]
    pub check_out: Date,
    #[serde(deserialize_with = "whole_number")]
    pub guests: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_code: Option<String>,
}

/// The price of one night of a quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NightPrice {
    pub date: Date,
    pub amount: i64,
}

/// A discount line of a quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Discount {
    /// Human-readable, e.g. "Weekly stay 10%" or the coupon code.
    pub label: String,
    /// How much is taken off, in minor units (a positive number).
    pub amount: i64,
}

/// A tax line of a price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxLine {
    pub code: String,
    pub name: String,
    pub amount: i64,
    /// Already contained in the prices: shown, but not added to the total.
    pub inclusive: bool,
}

/// The itemized price of a stay. All amounts are minor units of `currency`.
///
/// `total = nightsSubtotal + extraGuestFee - lengthOfStayDiscount -
/// couponDiscount + cleaningFee + (the taxes that are not inclusive)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceBreakdown {
    pub currency: String,
    /// Each night at its rate.
    pub nights: Vec<NightPrice>,
    /// The sum of the nightly rates.
    pub nights_subtotal: i64,
    /// Guests above the listing's base guests, per guest per night.
    pub extra_guest_fee: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_of_stay_discount: Option<Discount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_discount: Option<Discount>,
    pub cleaning_fee: i64,
    pub taxes: Vec<TaxLine>,
    pub total: i64,
    /// What paying the booking charges now, per the payment policy.
    pub due_now: i64,
    /// What is due later (before arrival) when a deposit is paid now.
    pub balance_due_later: i64,
}

/// A priced offer for one stay, valid until `expiresAt`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    pub id: String,
    pub listing_id: String,
    pub check_in: Date,
    pub check_out: Date,
    pub guests: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coupon_code: Option<String>,
    pub price: PriceBreakdown,
    /// RFC 3339 UTC.
    pub expires_at: String,
}

/// The guest who books.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GuestDetails {
    pub name: String,
    pub email: String,
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_notes: Option<String>,
}

/// The body of `POST /v1/clients/bookings`; the `Idempotency-Key` header is required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BookingRequest {
    pub quote_id: String,
    pub guest: GuestDetails,
}

/// Where a booking is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// The dates are held while payment is awaited, until `holdExpiresAt`.
    Held,
    /// Paid (in full or the deposit): the stay is booked.
    Confirmed,
    /// Cancelled by the guest; the dates are free again.
    Cancelled,
    /// Not paid in time; the dates are free again.
    Expired,
}

impl BookingStatus {
    /// The name stored and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "held" => Some(Self::Held),
            "confirmed" => Some(Self::Confirmed),
            "cancelled" => Some(Self::Cancelled),
            "expired" => Some(Self::Expired),
            _ => None,
        }
    }
}

/// A card payment as the platform keeps it: never the card number itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentSummary {
    pub id: String,
    /// `visa`, `mastercard`, `amex` or `card`.
    pub brand: String,
    pub last4: String,
    pub amount: i64,
    pub currency: String,
    /// RFC 3339 UTC.
    pub paid_at: String,
}

/// The refund a cancellation gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    pub amount: i64,
    pub currency: String,
    /// The share of the amount paid that the policy refunded.
    pub percent: u32,
}

/// A booking as the site and the guest see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Booking {
    pub id: String,
    /// The short code the guest uses to find the booking, e.g. `DS-7K3M9Q`.
    pub reference: String,
    pub status: BookingStatus,
    pub listing_id: String,
    pub listing_name: String,
    pub check_in: Date,
    pub check_out: Date,
    pub guests: u32,
    pub guest: GuestDetails,
    pub price: PriceBreakdown,
    /// What has been paid so far, in minor units.
    pub amount_paid: i64,
    /// RFC 3339 UTC; present while the booking is held.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<PaymentSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund: Option<Refund>,
    pub cancellation_policy: CancellationPolicy,
    pub payment_policy: PaymentPolicy,
    /// RFC 3339 UTC.
    pub created_at: String,
}

/// Card details for one payment. They pass through to the payment provider
/// and are never stored or logged; `Debug` shows only the last four digits.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CardDetails {
    /// 12–19 digits; spaces and dashes are ignored.
    pub number: String,
    #[serde(deserialize_with = "whole_number")]
    pub exp_month: u32,
    /// Four digits.
    #[serde(deserialize_with = "whole_number")]
    pub exp_year: u32,
    pub cvc: String,
    pub holder_name: String,
}

impl std::fmt::Debug for CardDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits: String = self.number.chars().filter(char::is_ascii_digit).collect();
        let last4 = &digits[digits.len().saturating_sub(4)..];
        f.debug_struct("CardDetails")
            .field("last4", &last4)
            .finish_non_exhaustive()
    }
}

/// The body of `POST /v1/clients/bookings/{bookingId}/payments`. The amount
/// is never sent: the platform charges what the booking's policy says is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaymentRequest {
    pub card: CardDetails,
}

/// The body of the guest's look-up and cancellation: both must match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BookingLookup {
    pub reference: String,
    pub email: String,
}

/// Reads a date written exactly `YYYY-MM-DD`. jiff alone also accepts
/// forms such as `20300228` or a date with a time, which the contract
/// does not allow.
fn strict_date<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
    let text = String::deserialize(deserializer)?;
    let shape_ok = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let date = shape_ok.then(|| text.parse::<Date>().ok()).flatten();
    date.ok_or_else(|| serde::de::Error::custom("must be a date, YYYY-MM-DD"))
}

/// Reads a non-negative whole number, also when written `12.0`: JSON
/// Schema counts that as an integer, so clients generated from the
/// OpenAPI document may send it.
fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    let whole = match (number.as_u64(), number.as_f64()) {
        (Some(n), _) => u32::try_from(n).ok(),
        (None, Some(f)) if f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&f) => {
            Some(f as u32)
        }
        _ => None,
    };
    whole.ok_or_else(|| serde::de::Error::custom("must be a whole number, at least 0"))
}

/// Test card numbers of the platform's simulated payment provider.
pub mod test_cards {
    /// Always succeeds.
    pub const SUCCESS: &str = "4242424242424242";
    /// Always declined.
    pub const DECLINED: &str = "4000000000000002";
    /// Declined for insufficient funds.
    pub const INSUFFICIENT_FUNDS: &str = "4000000000009995";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_travel_as_plain_calendar_dates() {
        let request = QuoteRequest {
            listing_id: "l1".into(),
            check_in: jiff::civil::date(2030, 3, 1),
            check_out: jiff::civil::date(2030, 3, 4),
            guests: 2,
            coupon_code: None,
        };

        let json = serde_json::to_value(&request).unwrap();

        assert_eq!(json["checkIn"], "2030-03-01");
        assert_eq!(json["checkOut"], "2030-03-04");
        assert!(json.get("couponCode").is_none());
    }

    #[test]
    fn request_dates_must_be_written_yyyy_mm_dd() {
        let body = |date: &str| {
            format!(r#"{{"listingId":"l","checkIn":"{date}","checkOut":"2030-03-04","guests":2}}"#)
        };

        assert!(serde_json::from_str::<QuoteRequest>(&body("2030-03-01")).is_ok());
        for bad in [
            "20300301",
            "2030-03-01T10:00",
            "+002030-03-01",
            "2030-02-30",
        ] {
            assert!(
                serde_json::from_str::<QuoteRequest>(&body(bad)).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction() {
        let body = |guests: &str| {
            format!(
                r#"{{"listingId":"l","checkIn":"2030-03-01","checkOut":"2030-03-04","guests":{guests}}}"#
            )
        };

        let parsed: QuoteRequest = serde_json::from_str(&body("2.0")).unwrap();
        assert_eq!(parsed.guests, 2);
        for bad in ["2.5", "-1", "\"2\"", "1e20"] {
            assert!(
                serde_json::from_str::<QuoteRequest>(&body(bad)).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn card_details_never_print_the_number() {
        let card = CardDetails {
            number: test_cards::SUCCESS.into(),
            exp_month: 12,
            exp_year: 2031,
            cvc: "123".into(),
            holder_name: "A Guest".into(),
        };

        let printed = format!("{card:?}");

        assert!(!printed.contains(test_cards::SUCCESS));
        assert!(!printed.contains("123\""));
        assert!(printed.contains("4242"));
    }

    #[test]
    fn a_refund_uses_the_first_rule_the_notice_reaches() {
        let policy = CancellationPolicy {
            code: "moderate".into(),
            name: "Moderate".into(),
            summary: String::new(),
            rules: vec![
                RefundRule {
                    days_before_arrival: 14,
                    refund_percent: 100,
                },
                RefundRule {
                    days_before_arrival: 7,
                    refund_percent: 50,
                },
                RefundRule {
                    days_before_arrival: 0,
                    refund_percent: 0,
                },
            ],
        };

        assert_eq!(policy.refund_percent(30), 100);
        assert_eq!(policy.refund_percent(14), 100);
        assert_eq!(policy.refund_percent(8), 50);
        assert_eq!(policy.refund_percent(0), 0);
        assert_eq!(policy.refund_percent(-3), 0);
    }
}
