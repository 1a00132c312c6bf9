//! The app's view of the platform and of the tenant being served.
//!
//! Server functions need the platform, but the app must never depend on the
//! server crate (which holds credentials) and must compile to WASM without a
//! secret in it. So the app defines a *port*: the [`Platform`] trait, behind
//! the `ssr` feature, which the server implements for the tenant of each
//! request and provides through Leptos context. A server function asks for it
//! with [`platform()`] and never sees a credential, a signature or even the
//! tenant's client ID.
//!
//! Everything outside `port` is public data that may travel to the browser:
//! the user-facing [`SiteError`] and the tenant's branding ([`SiteHost`]).

use std::collections::BTreeMap;

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use port::{Platform, PlatformFuture, platform};

/// A failure as a guest may see it: what happened in words, never a detail of
/// the platform, its credentials or its internals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SiteError {
    /// The platform is down, slow or refused us; try again later.
    #[error("Our booking system is not reachable right now. Please try again in a few minutes.")]
    Unavailable,
    /// No such listing or booking (for this tenant).
    #[error("We could not find what you were looking for.")]
    NotFound,
    /// Too many requests from this address.
    #[error("Too many attempts. Please wait a minute and try again.")]
    TooManyRequests,
    /// The platform refused the request for a reason the guest can act on
    /// (dates taken, a card declined, a quote expired, a field invalid), with
    /// the platform's status for it (402, 409, 410 or 422); `message` is the
    /// platform's sentence
    /// for people.
    #[error("{message}")]
    Rejected {
        /// The HTTP status: 402 payment refused, 409 the booking's or the
        /// dates' state forbids it, 410 expired, else 422.
        #[serde(default = "unprocessable")]
        status: u16,
        /// The platform's machine-readable code.
        code: String,
        /// A sentence for the guest.
        message: String,
        /// Invalid fields mapped to what is wrong with them.
        #[serde(default)]
        fields: BTreeMap<String, String>,
    },
    /// The request from the browser was invalid.
    #[error("{message}")]
    BadInput {
        /// What to correct, in words.
        message: String,
    },
    /// Anything else; the details are in the server's log.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

/// The statuses a [`SiteError::Rejected`] may carry: refusals a guest can do
/// something about.
pub const REJECTION_STATUSES: [u16; 4] = [402, 409, 410, 422];

fn unprocessable() -> u16 {
    422
}

impl SiteError {
    /// The HTTP status this failure is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unavailable => 503,
            Self::NotFound => 404,
            Self::TooManyRequests => 429,
            Self::Rejected { status, .. } if REJECTION_STATUSES.contains(status) => *status,
            Self::Rejected { .. } => 422,
            Self::BadInput { .. } => 400,
            Self::Internal => 500,
        }
    }

    /// A [`SiteError::BadInput`] saying `message`.
    pub fn bad_input(message: &str) -> Self {
        Self::BadInput {
            message: message.to_string(),
        }
    }

    /// Sets this failure's status on the response being rendered, so a page
    /// or server function that fails answers with the right code.
    pub fn set_response_status(&self) {
        #[cfg(feature = "ssr")]
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(
                http::StatusCode::from_u16(self.status())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
}

impl FromServerFnError for SiteError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server, `Deserialization` is an undecodable request.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => {
                Self::bad_input("The request could not be read.")
            }
            ServerFnErrorErr::Request(_) => Self::Unavailable,
            _ => Self::Internal,
        }
    }
}

/// A tenant's public branding: what the page header and theme need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantBrand {
    /// The tenant's folder name, e.g. `bali`.
    pub slug: String,
    /// The property manager's name.
    pub name: String,
    /// One line under the name.
    pub tagline: String,
    /// URL of the logo, when the tenant has one.
    pub logo: Option<String>,
    /// Declarations for `:root`, e.g. `--ds-primary: #0f5f5a;`, validated
    /// by the server so they cannot close the `<style>` element they go in.
    pub theme_css: String,
    /// Copy of the listings page.
    pub copy: ListingsCopy,
}

/// The words on a tenant's listings page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListingsCopy {
    /// The heading above the listings.
    pub heading: String,
    /// A paragraph under it.
    pub intro: String,
}

/// A tenant as the index of the demo shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantLink {
    /// The property manager's name.
    pub name: String,
    /// One line about them.
    pub tagline: String,
    /// Where the tenant's site is, e.g. `http://bali.localhost:3000/`.
    pub url: String,
}

/// Which kind of site the request's host is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SiteHost {
    /// A tenant's booking site.
    Tenant(TenantBrand),
    /// The index of a multi-tenant deployment (`localhost:3000`): a list of
    /// the tenants' sites.
    Index(Vec<TenantLink>),
}

impl SiteHost {
    /// The host of the current request, provided by the server.
    pub fn current() -> Option<Self> {
        leptos::prelude::use_context::<Self>()
    }
}

#[cfg(feature = "ssr")]
mod port {
    use std::{future::Future, pin::Pin, sync::Arc};

    use doorstep::booking::{
        Booking, BookingLookup, BookingRequest, Calendar, Date, ListingDetail, ListingSearch,
        ListingSummary, Page, PaymentRequest, Quote, QuoteRequest,
    };

    use super::SiteError;

    /// The future every port method returns.
    pub type PlatformFuture<'a, T> =
        Pin<Box<dyn Future<Output = Result<T, SiteError>> + Send + 'a>>;

    /// The platform API as the tenant of the current request sees it.
    ///
    /// The server implements it with its credential-holding client, bound to
    /// the tenant the request's host resolved to; failures arrive already
    /// logged and turned into guest-facing [`SiteError`]s.
    pub trait Platform: Send + Sync {
        /// `GET /v1/clients/listings`.
        fn search_listings(
            &self,
            search: ListingSearch,
        ) -> PlatformFuture<'_, Page<ListingSummary>>;
        /// `GET /v1/clients/listings/{idOrSlug}`.
        fn listing(&self, id_or_slug: String) -> PlatformFuture<'_, ListingDetail>;
        /// `GET /v1/clients/listings/{id}/calendar?from&to`.
        fn calendar(
            &self,
            listing_id: String,
            from: Date,
            to: Date,
        ) -> PlatformFuture<'_, Calendar>;
        /// `POST /v1/clients/quotes`.
        fn quote(&self, request: QuoteRequest) -> PlatformFuture<'_, Quote>;
        /// `POST /v1/clients/bookings`. The same `idempotency_key` with the
        /// same request returns the same booking, so a retry cannot book
        /// twice.
        fn create_booking(
            &self,
            idempotency_key: String,
            request: BookingRequest,
        ) -> PlatformFuture<'_, Booking>;
        /// `POST /v1/clients/bookings/{id}/payments`.
        fn pay(&self, booking_id: String, request: PaymentRequest) -> PlatformFuture<'_, Booking>;
        /// Finds a booking by reference and e-mail.
        fn lookup_booking(&self, lookup: BookingLookup) -> PlatformFuture<'_, Booking>;
        /// Cancels a booking found by reference and e-mail.
        fn cancel_booking(&self, lookup: BookingLookup) -> PlatformFuture<'_, Booking>;
    }

    /// The platform for the current request's tenant. Fails with
    /// [`SiteError::NotFound`] on a host that is not a tenant's (the tenant
    /// index), where no platform call makes sense.
    pub fn platform() -> Result<Arc<dyn Platform>, SiteError> {
        leptos::prelude::use_context::<Arc<dyn Platform>>().ok_or(SiteError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_site_error_survives_the_trip_to_the_browser() {
        let errors = [
            SiteError::Unavailable,
            SiteError::NotFound,
            SiteError::TooManyRequests,
            SiteError::Rejected {
                status: 409,
                code: "dates_unavailable".into(),
                message: "Taken.".into(),
                fields: BTreeMap::new(),
            },
            SiteError::bad_input("Too long."),
            SiteError::Internal,
        ];

        for error in errors {
            let bytes = error.ser();
            assert_eq!(SiteError::de(bytes), error);
        }
    }

    #[test]
    fn a_rejection_answers_with_its_own_status_and_only_a_guest_facing_one() {
        let rejected = |status| SiteError::Rejected {
            status,
            code: "x".into(),
            message: "No.".into(),
            fields: BTreeMap::new(),
        };

        assert_eq!(rejected(402).status(), 402);
        assert_eq!(rejected(410).status(), 410);
        assert_eq!(rejected(500).status(), 422);
    }
}
