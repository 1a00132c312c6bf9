//! One module per page.

mod home;
pub mod listings;
mod not_found;
mod tenant_index;

pub use home::HomePage;
pub use listings::ListingsPage;
pub use not_found::NotFoundPage;
pub use tenant_index::TenantIndexPage;

use leptos::prelude::*;

use crate::platform::SiteHost;

/// The start page: a tenant's listings on a tenant's host, the list of
/// tenants on the index host.
#[component]
pub fn SiteHome() -> impl IntoView {
    match SiteHost::current() {
        Some(SiteHost::Index(tenants)) => view! { <TenantIndexPage tenants /> }.into_any(),
        Some(SiteHost::Tenant(_)) => view! { <ListingsPage /> }.into_any(),
        None => view! { <HomePage /> }.into_any(),
    }
}
