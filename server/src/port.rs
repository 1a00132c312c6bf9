//! The server's implementation of the app's [`Platform`] port: the platform
//! client bound to one request's tenant.
//!
//! This is where a platform failure is *handled*: it is logged here, once,
//! with the request's span (so with the tenant and request ID), and turned
//! into the guest-facing [`SiteError`]. Leptos may poll a page's data outside
//! the request's task, so the span is carried along explicitly.

use std::sync::Arc;

use doorstep::booking::{
    Booking, BookingLookup, BookingRequest, Calendar, Date, ListingDetail, ListingSearch,
    ListingSummary, Page, PaymentRequest, Quote, QuoteRequest,
};
use doorstep_app::platform::{Platform, PlatformFuture, SiteError};
use tracing::Instrument;

use crate::{
    platform::{PlatformClient, PlatformError, is_valid_id},
    tenancy::Tenant,
};

/// The platform as one request's tenant sees it.
pub struct TenantPlatform {
    client: PlatformClient,
    tenant: Arc<Tenant>,
    span: tracing::Span,
}

impl TenantPlatform {
    /// Binds `client` to `tenant`, logging under `span`.
    pub fn new(client: PlatformClient, tenant: Arc<Tenant>, span: tracing::Span) -> Self {
        Self {
            client,
            tenant,
            span,
        }
    }

    fn run<'a, T: Send + 'a>(
        &'a self,
        call: impl Future<Output = Result<T, PlatformError>> + Send + 'a,
    ) -> PlatformFuture<'a, T> {
        Box::pin(
            async move {
                call.await.map_err(|error| {
                    if error.is_guest_facing() {
                        tracing::info!(error = %error, "the platform declined a request");
                    } else {
                        tracing::error!(error = %error, error.kind = error.kind(), "platform call failed");
                    }
                    error.to_site_error()
                })
            }
            .instrument(self.span.clone()),
        )
    }

    fn checked_id<'a, T: Send + 'a>(&'a self, id: &str) -> Result<(), PlatformFuture<'a, T>> {
        if is_valid_id(id) {
            Ok(())
        } else {
            Err(Box::pin(async { Err(SiteError::NotFound) }))
        }
    }
}

impl Platform for TenantPlatform {
    fn search_listings(&self, search: ListingSearch) -> PlatformFuture<'_, Page<ListingSummary>> {
        self.run(async move {
            self.client
                .search_listings(&self.tenant.credentials, &search)
                .await
        })
    }

    fn listing(&self, id_or_slug: String) -> PlatformFuture<'_, ListingDetail> {
        if let Err(not_found) = self.checked_id(&id_or_slug) {
            return not_found;
        }
        self.run(async move {
            self.client
                .listing(&self.tenant.credentials, &id_or_slug)
                .await
        })
    }

    fn calendar(&self, listing_id: String, from: Date, to: Date) -> PlatformFuture<'_, Calendar> {
        if let Err(not_found) = self.checked_id(&listing_id) {
            return not_found;
        }
        self.run(async move {
            self.client
                .calendar(&self.tenant.credentials, &listing_id, from, to)
                .await
        })
    }

    fn quote(&self, request: QuoteRequest) -> PlatformFuture<'_, Quote> {
        self.run(async move { self.client.quote(&self.tenant.credentials, &request).await })
    }

    fn create_booking(
        &self,
        idempotency_key: String,
        request: BookingRequest,
    ) -> PlatformFuture<'_, Booking> {
        self.run(async move {
            self.client
                .create_booking(&self.tenant.credentials, &idempotency_key, &request)
                .await
        })
    }

    fn pay(&self, booking_id: String, request: PaymentRequest) -> PlatformFuture<'_, Booking> {
        if let Err(not_found) = self.checked_id(&booking_id) {
            return not_found;
        }
        self.run(async move {
            self.client
                .pay(&self.tenant.credentials, &booking_id, &request)
                .await
        })
    }

    fn lookup_booking(&self, lookup: BookingLookup) -> PlatformFuture<'_, Booking> {
        self.run(async move {
            self.client
                .lookup_booking(&self.tenant.credentials, &lookup)
                .await
        })
    }

    fn cancel_booking(&self, lookup: BookingLookup) -> PlatformFuture<'_, Booking> {
        self.run(async move {
            self.client
                .cancel_booking(&self.tenant.credentials, &lookup)
                .await
        })
    }
}
