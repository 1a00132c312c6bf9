//! Server functions for quoting, booking, paying and finding a booking.
//!
//! Each is a public endpoint under `/api/`; the ones under `/api/booking/`
//! sit behind the server's per-address rate limit, since they hold dates,
//! take card numbers and answer booking-reference guesses. Inputs are
//! checked here, before anything reaches the platform, and answers are the
//! platform's own wire types, which carry no credential.

use doorstep::booking::{
    Booking, BookingLookup, BookingRequest, PaymentRequest, Quote, QuoteRequest,
};
use leptos::{prelude::*, server_fn::codec::Json};

use crate::platform::SiteError;

/// `POST /api/quote`: prices a stay.
#[server(prefix = "/api", endpoint = "quote", input = Json)]
pub async fn quote_stay(request: QuoteRequest) -> Result<Quote, SiteError> {
    answer(async {
        check_id(&request.listing_id)?;
        if request.guests == 0 || request.guests > 100 {
            return Err(bad("Choose between 1 and 100 guests."));
        }
        if request
            .coupon_code
            .as_ref()
            .is_some_and(|code| code.len() > 40)
        {
            return Err(bad("That coupon code is too long."));
        }
        crate::platform::platform()?.quote(request).await
    })
    .await
}

/// `POST /api/booking/create`: books a quote for a guest. The browser makes
/// `idempotency_key` once per booking form, so a double submit or a retry
/// returns the same booking.
#[server(prefix = "/api", endpoint = "booking/create", input = Json)]
pub async fn create_booking(
    idempotency_key: String,
    request: BookingRequest,
) -> Result<Booking, SiteError> {
    answer(async {
        let key_ok = (16..=64).contains(&idempotency_key.len())
            && idempotency_key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !key_ok {
            return Err(bad(
                "The booking form is out of date. Please reload the page.",
            ));
        }
        check_id(&request.quote_id)?;
        let guest = &request.guest;
        if guest.name.trim().is_empty() || guest.name.len() > 200 {
            return Err(bad("Please give your name."));
        }
        if !guest.email.contains('@') || guest.email.len() > 254 {
            return Err(bad("Please give a valid e-mail address."));
        }
        if guest.phone.len() > 40 || guest.arrival_notes.as_ref().is_some_and(|n| n.len() > 2000) {
            return Err(bad("A field is too long."));
        }
        crate::platform::platform()?
            .create_booking(idempotency_key, request)
            .await
    })
    .await
}

/// `POST /api/booking/pay`: pays a held booking by card.
#[server(prefix = "/api", endpoint = "booking/pay", input = Json)]
pub async fn pay_booking(
    booking_id: String,
    request: PaymentRequest,
) -> Result<Booking, SiteError> {
    answer(async {
        check_id(&booking_id)?;
        let card = &request.card;
        if card.number.len() > 30 || card.cvc.len() > 4 || card.holder_name.len() > 200 {
            return Err(bad("Please check the card details."));
        }
        crate::platform::platform()?.pay(booking_id, request).await
    })
    .await
}

/// `POST /api/booking/find`: a guest's booking by reference and e-mail.
#[server(prefix = "/api", endpoint = "booking/find", input = Json)]
pub async fn find_booking(lookup: BookingLookup) -> Result<Booking, SiteError> {
    answer(async {
        check_lookup(&lookup)?;
        crate::platform::platform()?.lookup_booking(lookup).await
    })
    .await
}

/// `POST /api/booking/cancel`: cancels a guest's booking found by reference
/// and e-mail.
#[server(prefix = "/api", endpoint = "booking/cancel", input = Json)]
pub async fn cancel_booking(lookup: BookingLookup) -> Result<Booking, SiteError> {
    answer(async {
        check_lookup(&lookup)?;
        crate::platform::platform()?.cancel_booking(lookup).await
    })
    .await
}

/// Runs a server function's body and gives a failure its HTTP status.
#[cfg(feature = "ssr")]
async fn answer<T>(body: impl Future<Output = Result<T, SiteError>>) -> Result<T, SiteError> {
    let result = body.await;
    if let Err(error) = &result {
        error.set_response_status();
    }
    result
}

#[cfg(feature = "ssr")]
fn bad(message: &str) -> SiteError {
    SiteError::bad_input(message)
}

#[cfg(feature = "ssr")]
fn check_id(id: &str) -> Result<(), SiteError> {
    let ok = (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(SiteError::NotFound) }
}

#[cfg(feature = "ssr")]
fn check_lookup(lookup: &BookingLookup) -> Result<(), SiteError> {
    if lookup.reference.is_empty() || lookup.reference.len() > 32 || lookup.email.len() > 254 {
        return Err(bad(
            "Please check the booking reference and e-mail address.",
        ));
    }
    Ok(())
}
