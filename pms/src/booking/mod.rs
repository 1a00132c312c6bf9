//! The tenant-scoped booking domain: listings, calendar, quotes, bookings,
//! payments, guest look-up and cancellation.
//!
//! Every handler takes the [`CurrentTenant`](crate::auth::CurrentTenant)
//! that the verification layer resolved and scopes every query by it alone;
//! an ID of another tenant's listing, quote or booking answers the same 404
//! as one that does not exist. Wire types live in [`doorstep::booking`].
//!
//! | endpoint (under `/v1/clients`) | module |
//! |---|---|
//! | `GET /listings`, `GET /listings/{listing}`, `GET /listings/{listing}/calendar` | [`listings`] |
//! | `POST /quotes`, `GET /quotes/{quoteId}` | [`quotes`] |
//! | `POST /bookings`, `GET /bookings/{bookingId}` | [`bookings`] |
//! | `POST /bookings/lookup`, `POST /bookings/cancel` | [`guests`] |
//! | `POST /bookings/{bookingId}/payments` | [`payments`] |
//!
//! Some things run outside any request: the [`sweeper`], started with the
//! service, expires lapsed holds, retries the pending [`refunds`] of
//! cancellations and settles the payment attempts ([`charges`]) a payment
//! could not see to the end.

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub mod bookings;
pub mod charges;
pub mod guests;
pub mod input;
pub mod listings;
pub mod openapi;
pub mod payments;
pub mod pricing;
pub mod quotes;
pub mod refunds;
pub mod seed;
pub mod settings;
pub mod store;
pub mod sweeper;

pub use openapi::openapi_paths;
pub use seed::{seed_demo, seed_tenant, seed_tenant_on};

/// The booking routes, relative to `/v1/clients`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/listings", get(listings::search))
        .route("/listings/{listing}", get(listings::detail))
        .route("/listings/{listing}/calendar", get(listings::calendar))
        .route("/quotes", post(quotes::create))
        .route("/quotes/{quote_id}", get(quotes::show))
        .route("/bookings", post(bookings::create))
        .route("/bookings/lookup", post(guests::lookup))
        .route("/bookings/cancel", post(guests::cancel))
        .route("/bookings/{booking_id}", get(bookings::show))
        .route("/bookings/{booking_id}/payments", post(payments::pay))
}
