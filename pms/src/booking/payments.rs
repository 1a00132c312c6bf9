//! Card payments: the [`PaymentProvider`] port, the built-in
//! [`SimulatedProvider`], and `POST /bookings/{bookingId}/payments`.
//!
//! The card details pass through to the provider and are dropped; the
//! platform keeps the brand and the last four digits only. The amount is
//! never taken from the request: it is what the booking's payment policy
//! says is due now (the deposit or the total).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use doorstep::api::Envelope;
use doorstep::booking::{Booking, BookingStatus, CardDetails, PaymentRequest, test_cards};
use sha2::{Digest as _, Sha256};

use crate::app::AppState;
use crate::auth::CurrentTenant;
use crate::db::{Db, now_millis};
use crate::error::ApiError;

use super::bookings::{self, StoredBooking};
use super::charges;
use super::input::{FieldErrors, JsonBody, check_text};

/// What the platform asks a provider to charge.
#[derive(Debug)]
pub struct ChargeRequest<'a> {
    pub amount: i64,
    pub currency: &'a str,
    pub card: &'a CardDetails,
    /// The booking reference, for the provider's statement.
    pub description: &'a str,
    /// Names the charge: asked again with the same key, the provider must
    /// not charge twice but answer the charge it already made.
    pub idempotency_key: &'a str,
}

/// A successful charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// The provider's ID of the charge, for refunds.
    pub provider_reference: String,
    pub brand: String,
    pub last4: String,
}

/// Why a card was refused. The message is safe to show the guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Decline {
    #[error("The card was declined.")]
    CardDeclined,
    #[error("The card has insufficient funds.")]
    InsufficientFunds,
    #[error(
        "The payment provider could not be reached. If the card was charged, \
         the charge is refunded automatically."
    )]
    ProviderUnavailable,
}

impl Decline {
    /// The error code on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Self::CardDeclined => "card_declined",
            Self::InsufficientFunds => "insufficient_funds",
            Self::ProviderUnavailable => "payment_provider_unavailable",
        }
    }
}

/// A boxed future, so the provider can be a trait object.
pub type ProviderFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A card payment provider.
pub trait PaymentProvider: Send + Sync {
    /// The provider's name, stored with each payment.
    fn name(&self) -> &'static str;

    /// Charges a card, at most once per `request.idempotency_key`.
    fn charge<'a>(
        &'a self,
        request: ChargeRequest<'a>,
    ) -> ProviderFuture<'a, Result<Charge, Decline>>;

    /// The charge made with `idempotency_key`, if any: how the platform
    /// learns what became of a payment it could not see to the end.
    fn find_charge<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> ProviderFuture<'a, Result<Option<Charge>, Decline>>;

    /// Refunds part or all of an earlier charge and answers the refund's
    /// reference.
    ///
    /// `idempotency_key` names the refund: asked again with the same key
    /// (a retry after a lost answer), the provider must not refund twice
    /// but answer the refund it already made, as real providers do.
    fn refund<'a>(
        &'a self,
        provider_reference: &'a str,
        amount: i64,
        idempotency_key: &'a str,
    ) -> ProviderFuture<'a, Result<String, Decline>>;
}

/// A card whose charge succeeds at the [`SimulatedProvider`] but whose
/// first refund fails as if the provider were unreachable; later refunds
/// succeed. Lets tests (and demos) see a refund stay pending and be
/// retried.
pub const REFUND_FAILS_ONCE: &str = "4000000000005126";

/// A card whose charge succeeds at the [`SimulatedProvider`] after
/// [`SLOW_CHARGE_TAKES`], as a slow provider would: lets tests see a payment
/// whose caller gives up halfway.
pub const SLOW_CHARGE: &str = "4000000000000077";

/// How long a charge of [`SLOW_CHARGE`] takes.
pub const SLOW_CHARGE_TAKES: Duration = Duration::from_millis(500);

/// A provider that moves no money. Test cards: [`test_cards::SUCCESS`]
/// succeeds, [`test_cards::DECLINED`] is declined,
/// [`test_cards::INSUFFICIENT_FUNDS`] lacks funds, [`REFUND_FAILS_ONCE`]
/// is charged but its first refund fails, [`SLOW_CHARGE`] is charged
/// slowly; any other valid number succeeds.
#[derive(Debug, Default)]
pub struct SimulatedProvider {
    /// Charges made with [`REFUND_FAILS_ONCE`] whose refund has not failed
    /// yet. An entry is removed by the failure it causes.
    failing_refunds: Mutex<HashSet<String>>,
    /// Every charge made, by idempotency key (the simulation keeps them for
    /// the life of the process, as a provider keeps them for good).
    charges: Mutex<HashMap<String, Charge>>,
}

impl PaymentProvider for SimulatedProvider {
    fn name(&self) -> &'static str {
        "simulated"
    }

    fn charge<'a>(
        &'a self,
        request: ChargeRequest<'a>,
    ) -> ProviderFuture<'a, Result<Charge, Decline>> {
        Box::pin(async move {
            let digits = card_digits(&request.card.number);
            match digits.as_str() {
                test_cards::DECLINED => return Err(Decline::CardDeclined),
                test_cards::INSUFFICIENT_FUNDS => return Err(Decline::InsufficientFunds),
                SLOW_CHARGE => tokio::time::sleep(SLOW_CHARGE_TAKES).await,
                _ => {}
            }
            let mut charges = lock(&self.charges);
            if let Some(made) = charges.get(request.idempotency_key) {
                return Ok(made.clone());
            }
            let provider_reference = format!("sim_ch_{}", uuid::Uuid::new_v4().simple());
            if digits == REFUND_FAILS_ONCE {
                lock(&self.failing_refunds).insert(provider_reference.clone());
            }
            let charge = Charge {
                provider_reference,
                brand: brand(&digits).to_owned(),
                last4: digits[digits.len() - 4..].to_owned(),
            };
            charges.insert(request.idempotency_key.to_owned(), charge.clone());
            Ok(charge)
        })
    }

    fn find_charge<'a>(
        &'a self,
        idempotency_key: &'a str,
    ) -> ProviderFuture<'a, Result<Option<Charge>, Decline>> {
        Box::pin(async move { Ok(lock(&self.charges).get(idempotency_key).cloned()) })
    }

    fn refund<'a>(
        &'a self,
        provider_reference: &'a str,
        _amount: i64,
        idempotency_key: &'a str,
    ) -> ProviderFuture<'a, Result<String, Decline>> {
        Box::pin(async move {
            if lock(&self.failing_refunds).remove(provider_reference) {
                return Err(Decline::ProviderUnavailable);
            }
            // Derived from the key, so a repeated request answers the same
            // refund instead of making another.
            let digest = Sha256::digest(idempotency_key.as_bytes());
            let id: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
            Ok(format!("sim_re_{id}"))
        })
    }
}

/// Locks one of the simulation's maps. A panic elsewhere cannot leave one
/// half-changed: every critical section is a single look-up, insert or
/// remove.
fn lock<T>(map: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    map.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The provider of this process: the simulated one.
/// FIXME: a real provider needs a setting to choose it and its credentials;
/// only the simulated provider exists so far.
pub fn provider() -> Arc<dyn PaymentProvider> {
    static PROVIDER: std::sync::OnceLock<Arc<dyn PaymentProvider>> = std::sync::OnceLock::new();
    Arc::clone(PROVIDER.get_or_init(|| Arc::new(SimulatedProvider::default())))
}

fn card_digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// The card brand from its number's prefix.
pub fn brand(digits: &str) -> &'static str {
    let two: u32 = digits.get(..2).and_then(|p| p.parse().ok()).unwrap_or(0);
    let four: u32 = digits.get(..4).and_then(|p| p.parse().ok()).unwrap_or(0);
    if digits.starts_with('4') {
        "visa"
    } else if (51..=55).contains(&two) || (2221..=2720).contains(&four) {
        "mastercard"
    } else if two == 34 || two == 37 {
        "amex"
    } else {
        "card"
    }
}

/// The Luhn checksum every card number carries.
pub fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Checks card details, naming each bad field. `today` is (year, month) in UTC.
fn check_card(card: &CardDetails, (year, month): (u32, u32)) -> Result<(), ApiError> {
    let mut errors = FieldErrors::default();

    let allowed = card
        .number
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
    let digits = card_digits(&card.number);
    if !allowed || !(12..=19).contains(&digits.len()) || !luhn_valid(&digits) {
        errors.add("card.number", "must be a valid card number");
    }
    if !(1..=12).contains(&card.exp_month) {
        errors.add("card.expMonth", "must be 1 to 12");
    }
    if !(2000..=2100).contains(&card.exp_year) {
        errors.add("card.expYear", "must be a four-digit year");
    } else if (card.exp_year, card.exp_month) < (year, month) {
        errors.add("card.expYear", "the card has expired");
    }
    let cvc_ok = (3..=4).contains(&card.cvc.len()) && card.cvc.bytes().all(|b| b.is_ascii_digit());
    if !cvc_ok {
        errors.add("card.cvc", "must be 3 or 4 digits");
    }
    check_text("card.holderName", &card.holder_name, 100, &mut errors);

    errors.finish()
}

fn this_month() -> (u32, u32) {
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    (today.year() as u32, today.month() as u32)
}

/// `POST /v1/clients/bookings/{bookingId}/payments`: pays what is due now
/// and confirms the booking.
pub async fn pay(
    State(state): State<AppState>,
    tenant: CurrentTenant,
    Path(booking_id): Path<String>,
    JsonBody(request): JsonBody<PaymentRequest>,
) -> Result<Json<Envelope<Booking>>, ApiError> {
    let booking = bookings::find_by_id(&state.db, &tenant.tenant_id, &booking_id).await?;
    check_card(&request.card, this_month())?;
    ensure_payable(&booking, now_millis())?;

    // From here on the card may be charged, so the rest runs to its end in
    // a task of its own: a guest who goes away, or a client that gives up,
    // cannot stop it between the charge and its record.
    let db = state.db.clone();
    let payment =
        tokio::spawn(async move { charge_and_confirm(&db, &booking, &request.card).await });
    payment
        .await
        .map_err(|_| ApiError::internal(&"a payment task stopped unexpectedly"))??;

    let view = bookings::view(&state.db, &tenant.tenant_id, &booking_id).await?;
    Ok(Json(Envelope::new(view)))
}

/// The longest a charge may take before the platform stops waiting for the
/// provider (well inside [`charges::SETTLE_AFTER_MS`], after which the
/// sweeper settles an attempt still `charging`).
pub const CHARGE_DEADLINE: Duration = Duration::from_secs(60);

/// Charges `card` for `booking`'s amount due now and confirms the booking,
/// writing the attempt down first ([`charges`]); a charge the booking cannot
/// be confirmed with is given back.
async fn charge_and_confirm(
    db: &Db,
    booking: &StoredBooking,
    card: &CardDetails,
) -> Result<(), ApiError> {
    let attempt = charges::begin(db, booking).await?;
    let provider = provider();
    let key = attempt.charge_key();
    let charging = provider.charge(ChargeRequest {
        amount: booking.due_now,
        currency: &booking.currency,
        card,
        description: &booking.reference,
        idempotency_key: &key,
    });
    let charged = tokio::time::timeout(CHARGE_DEADLINE, charging)
        .await
        .unwrap_or(Err(Decline::ProviderUnavailable));
    let charge = match charged {
        Ok(charge) => charge,
        // The provider may or may not have charged: ask once what became of
        // the key. A charge it knows of confirms the booking as usual; else
        // the attempt stays `charging` and the sweeper asks again later,
        // refunding a charge that turns up.
        Err(Decline::ProviderUnavailable) => match provider.find_charge(&key).await {
            Ok(Some(charge)) => charge,
            _ => return Err(declined(Decline::ProviderUnavailable)),
        },
        Err(decline) => {
            charges::void(db, &attempt).await;
            return Err(declined(decline));
        }
    };

    match bookings::confirm(db, booking, &charge, provider.name(), &attempt).await {
        Ok(true) => Ok(()),
        Ok(false) => {
            // The hold lapsed, or a concurrent payment confirmed first, while
            // the card was being charged: give this charge back and say which.
            charges::give_back(db, &attempt, &charge).await;
            let now = bookings::find_by_id(db, &booking.tenant_id, &booking.booking_id).await?;
            Err(ensure_payable(&now, now_millis())
                .err()
                .unwrap_or_else(hold_lapsed))
        }
        Err(error) => {
            charges::give_back(db, &attempt, &charge).await;
            Err(error)
        }
    }
}

fn ensure_payable(booking: &StoredBooking, now_ms: i64) -> Result<(), ApiError> {
    match booking.status(now_ms) {
        BookingStatus::Held => Ok(()),
        BookingStatus::Confirmed => Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_paid",
            "This booking is already paid.",
        )),
        BookingStatus::Expired => Err(hold_lapsed()),
        BookingStatus::Cancelled => Err(ApiError::new(
            StatusCode::CONFLICT,
            "booking_cancelled",
            "This booking was cancelled.",
        )),
    }
}

fn hold_lapsed() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "hold_expired",
        "The booking was not paid in time and its dates were released; please book again.",
    )
}

fn declined(decline: Decline) -> ApiError {
    let status = match decline {
        Decline::ProviderUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::PAYMENT_REQUIRED,
    };
    ApiError::new(status, decline.code(), decline.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(number: &str) -> CardDetails {
        CardDetails {
            number: number.into(),
            exp_month: 12,
            exp_year: 2040,
            cvc: "123".into(),
            holder_name: "A Guest".into(),
        }
    }

    #[test]
    fn the_test_cards_pass_the_luhn_check() {
        for number in [
            test_cards::SUCCESS,
            test_cards::DECLINED,
            test_cards::INSUFFICIENT_FUNDS,
        ] {
            assert!(luhn_valid(number), "{number}");
        }
        assert!(!luhn_valid("4242424242424241"));
    }

    #[test]
    fn brands_are_recognised_from_the_prefix() {
        assert_eq!(brand("4242424242424242"), "visa");
        assert_eq!(brand("5555555555554444"), "mastercard");
        assert_eq!(brand("378282246310005"), "amex");
        assert_eq!(brand("6011111111111117"), "card");
    }

    async fn charge(number: &str) -> Result<Charge, Decline> {
        let card = card(number);
        let request = ChargeRequest {
            amount: 100,
            currency: "EUR",
            card: &card,
            description: "DS-TEST",
            idempotency_key: "charge-a1",
        };
        SimulatedProvider::default().charge(request).await
    }

    #[tokio::test]
    async fn the_simulated_provider_answers_each_test_card() {
        let ok = charge(test_cards::SUCCESS).await.unwrap();

        assert_eq!((ok.brand.as_str(), ok.last4.as_str()), ("visa", "4242"));
        assert_eq!(
            charge(test_cards::DECLINED).await,
            Err(Decline::CardDeclined)
        );
        assert_eq!(
            charge(test_cards::INSUFFICIENT_FUNDS).await,
            Err(Decline::InsufficientFunds)
        );
    }

    #[tokio::test]
    async fn a_refund_of_the_refund_fails_once_card_fails_once_and_retries_are_idempotent() {
        let provider = SimulatedProvider::default();
        let card = card(REFUND_FAILS_ONCE);
        let request = ChargeRequest {
            amount: 100,
            currency: "EUR",
            card: &card,
            description: "DS-TEST",
            idempotency_key: "charge-a1",
        };
        let charge = provider.charge(request).await.unwrap();
        let reference = charge.provider_reference.as_str();

        let failed = provider.refund(reference, 100, "refund-b1").await;
        let made = provider.refund(reference, 100, "refund-b1").await.unwrap();
        let repeated = provider.refund(reference, 100, "refund-b1").await.unwrap();
        let other = provider.refund(reference, 100, "refund-b2").await.unwrap();

        assert_eq!(failed, Err(Decline::ProviderUnavailable));
        assert_eq!(made, repeated, "the same key answers the same refund");
        assert_ne!(made, other);
    }

    #[tokio::test]
    async fn a_charge_is_made_once_per_key_and_can_be_looked_up() {
        let provider = SimulatedProvider::default();
        let card = card(test_cards::SUCCESS);
        let request = |key| ChargeRequest {
            amount: 100,
            currency: "EUR",
            card: &card,
            description: "DS-TEST",
            idempotency_key: key,
        };

        let first = provider.charge(request("charge-a1")).await.unwrap();
        let repeated = provider.charge(request("charge-a1")).await.unwrap();
        let other = provider.charge(request("charge-a2")).await.unwrap();

        assert_eq!(first, repeated, "the same key answers the same charge");
        assert_ne!(first, other);
        assert_eq!(provider.find_charge("charge-a1").await, Ok(Some(first)));
        assert_eq!(provider.find_charge("charge-none").await, Ok(None));
    }

    #[test]
    fn bad_card_details_name_each_field() {
        let mut bad = card("4242 4242 4242 4241");
        bad.exp_month = 13;
        bad.cvc = "12a".into();
        bad.holder_name = " ".into();

        let text = format!("{:?}", check_card(&bad, (2030, 1)).unwrap_err());

        for field in [
            "card.number",
            "card.expMonth",
            "card.cvc",
            "card.holderName",
        ] {
            assert!(text.contains(field), "{field} missing from {text}");
        }
    }

    #[test]
    fn an_expired_card_is_refused() {
        let mut old = card(test_cards::SUCCESS);
        old.exp_year = 2029;

        assert!(check_card(&old, (2030, 1)).is_err());
        assert!(check_card(&card(test_cards::SUCCESS), (2030, 1)).is_ok());
    }
}
