//! A tenant's listings: names, photos and prices from the platform.
//!
//! The first page is rendered on the server through [`search_listings`],
//! the same server function the browser calls (from the [`MoreListings`]
//! island) for the pages after it, so both paths run browser → site → signed
//! platform call → tenant-scoped data.

use doorstep::booking::{ListingSearch, ListingSummary, MAX_PAGE_SIZE, Page};
use leptos::{prelude::*, server_fn::codec::Json};
use leptos_meta::Title;

use crate::{
    components::GuestCounter,
    pages::NotFoundPage,
    platform::{SiteError, SiteHost, TenantBrand},
};

/// Listings per page of results.
pub const PAGE_SIZE: u32 = 6;

/// The longest free-text query accepted.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
const MAX_QUERY_LEN: usize = 100;

/// The tenant's listings matching `search`, a page at a time.
///
/// A public endpoint (`POST /api/listings`, JSON body `{"search": {…}}`):
/// its input is checked here before anything reaches the platform.
#[server(prefix = "/api", endpoint = "listings", input = Json)]
pub async fn search_listings(search: ListingSearch) -> Result<Page<ListingSummary>, SiteError> {
    let result = async {
        validate(&search)?;
        crate::platform::platform()?.search_listings(search).await
    }
    .await;
    if let Err(error) = &result {
        error.set_response_status();
    }
    result
}

/// Refuses searches the platform would refuse anyway, or that make no sense
/// from a guest's browser, with a sentence the guest can act on.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
fn validate(search: &ListingSearch) -> Result<(), SiteError> {
    let bad = |message: &str| Err(SiteError::bad_input(message));
    if search
        .q
        .as_ref()
        .is_some_and(|q| q.chars().count() > MAX_QUERY_LEN)
    {
        return bad("The search text is too long.");
    }
    if search.page.is_some_and(|page| page == 0 || page > 10_000) {
        return bad("There is no such page of results.");
    }
    if search
        .page_size
        .is_some_and(|size| size == 0 || size > MAX_PAGE_SIZE)
    {
        return bad("That page size is not offered.");
    }
    if search
        .guests
        .is_some_and(|guests| guests == 0 || guests > 100)
    {
        return bad("Choose between 1 and 100 guests.");
    }
    if search.check_in.is_some() != search.check_out.is_some() {
        return bad("Choose both a check-in and a check-out date.");
    }
    Ok(())
}

/// The listings page of the tenant whose host served the request.
#[component]
pub fn ListingsPage() -> impl IntoView {
    let Some(SiteHost::Tenant(brand)) = SiteHost::current() else {
        return view! { <NotFoundPage /> }.into_any();
    };
    let first_page = Resource::new(
        || (),
        |_| {
            search_listings(ListingSearch {
                page: Some(1),
                page_size: Some(PAGE_SIZE),
                ..Default::default()
            })
        },
    );

    view! {
        <Title text=brand.name.clone() />
        <TenantHeader brand=brand.clone() />
        <section class="mx-auto max-w-6xl px-6 py-10">
            <h2 class="font-heading text-3xl text-ink">{brand.copy.heading.clone()}</h2>
            <p class="mt-2 max-w-2xl text-muted">{brand.copy.intro.clone()}</p>
            <div class="mt-6 flex items-center gap-3 text-ink">
                <span>"Guests"</span>
                <GuestCounter initial=2 />
            </div>
            <Suspense fallback=|| view! { <p class="mt-8 text-muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match first_page.await {
                        Ok(page) => view! { <ListingResults page /> }.into_any(),
                        Err(error) => view! { <Unavailable error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

/// The tenant's logo (or name) and tagline.
///
/// Logos are wordmarks drawn for a light background, so the bar is white
/// and the primary colour underlines it; with a logo the name stays in the
/// document outline for screen readers only.
#[component]
fn TenantHeader(brand: TenantBrand) -> impl IntoView {
    let name_class = if brand.logo.is_some() {
        "sr-only"
    } else {
        "font-heading text-2xl text-primary"
    };

    view! {
        <header class="border-b-4 border-primary bg-white">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-6 py-4">
                {brand.logo.map(|logo| view! { <img src=logo alt="" class="h-12 w-auto" /> })}
                <h1 class=name_class data-testid="tenant-name">{brand.name}</h1>
                <p class="max-w-md text-sm text-muted">{brand.tagline}</p>
            </div>
        </header>
    }
}

/// The first page of results and, when there are more, the island that
/// fetches them.
#[component]
fn ListingResults(page: Page<ListingSummary>) -> impl IntoView {
    let more = page.total_pages > page.page;
    view! {
        <p class="mt-8 text-muted" data-testid="listing-count">
            {format!("{} places", page.total_items)}
        </p>
        <ul class="mt-4 grid gap-6 sm:grid-cols-2 lg:grid-cols-3" data-testid="listings">
            {page.items.into_iter().map(|listing| view! { <ListingCard listing /> }).collect_view()}
        </ul>
        {more.then(|| view! { <MoreListings next_page=page.page + 1 total_pages=page.total_pages /> })}
    }
}

/// One listing as a card: photo, name, place and nightly price.
#[component]
pub fn ListingCard(listing: ListingSummary) -> impl IntoView {
    let price = format_money(listing.nightly_rate, &listing.currency);
    view! {
        <li class="overflow-hidden rounded-theme bg-white shadow-sm" data-testid="listing-card">
            {listing.photo.map(|photo| view! {
                <img
                    src=photo.url
                    alt=photo.alt
                    loading="lazy"
                    class="aspect-[4/3] w-full object-cover"
                    data-testid="listing-photo"
                />
            })}
            <div class="p-4">
                <h3 class="font-heading text-xl text-ink" data-testid="listing-name">{listing.name}</h3>
                <p class="text-sm text-muted">{format!("{}, {}", listing.city, listing.country)}</p>
                <p class="mt-2 text-ink">
                    <span class="font-semibold text-accent" data-testid="listing-price">{price}</span>
                    " / night · up to "{listing.max_guests}" guests"
                </p>
            </div>
        </li>
    }
}

/// Loads the following pages of results in the browser, through the same
/// server function that rendered the first.
#[island]
fn MoreListings(next_page: u32, total_pages: u32) -> impl IntoView {
    let (next, set_next) = signal(next_page);
    let (loaded, set_loaded) = signal(Vec::<ListingSummary>::new());
    let (error, set_error) = signal(None::<String>);
    let load = Action::new(move |page: &u32| {
        let page = *page;
        async move {
            let search = ListingSearch {
                page: Some(page),
                page_size: Some(PAGE_SIZE),
                ..Default::default()
            };
            match search_listings(search).await {
                Ok(result) => {
                    set_loaded.update(|all| all.extend(result.items));
                    set_next.set(page + 1);
                    set_error.set(None);
                }
                Err(failure) => set_error.set(Some(failure.to_string())),
            }
        }
    });

    view! {
        <ul class="mt-6 grid gap-6 sm:grid-cols-2 lg:grid-cols-3" data-testid="more-listings">
            <For each=move || loaded.get() key=|listing| listing.id.clone() let:listing>
                <ListingCard listing />
            </For>
        </ul>
        {move || error.get().map(|message| view! { <p class="mt-4 text-accent" role="alert">{message}</p> })}
        <Show when=move || { next.get() <= total_pages }>
            <button
                type="button"
                class="mt-6 rounded-theme bg-primary px-5 py-2 text-primary-contrast"
                data-testid="more-button"
                disabled=move || load.pending().get()
                on:click=move |_| { load.dispatch(next.get_untracked()); }
            >
                "Show more places"
            </button>
        </Show>
    }
}

/// The themed page shown when the platform cannot answer; the status code
/// (503 for an outage) is set by the server function.
#[component]
fn Unavailable(error: SiteError) -> impl IntoView {
    view! {
        <div class="mt-8 rounded-theme border border-accent p-6" role="alert" data-testid="unavailable">
            <h2 class="font-heading text-xl text-ink">"Bookings are paused for a moment"</h2>
            <p class="mt-2 text-muted">{error.to_string()}</p>
        </div>
    }
}

/// A price in minor units as a guest reads it: `$450`, `€1,234.50`, `CHF 380`.
pub fn format_money(minor: i64, currency: &str) -> String {
    let (symbol, suffix) = match currency {
        "USD" => ("$", ""),
        "EUR" => ("€", ""),
        "GBP" => ("£", ""),
        _ => ("", currency),
    };
    let whole = (minor / 100).abs();
    let cents = (minor % 100).abs();
    let mut digits = whole.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    let sign = if minor < 0 { "-" } else { "" };
    let amount = if cents == 0 {
        format!("{digits}{grouped}")
    } else {
        format!("{digits}{grouped}.{cents:02}")
    };
    if suffix.is_empty() {
        format!("{sign}{symbol}{amount}")
    } else {
        format!("{sign}{suffix} {amount}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_as_a_guest_expects() {
        assert_eq!(format_money(45_000, "USD"), "$450");
        assert_eq!(format_money(123_450, "EUR"), "€1,234.50");
        assert_eq!(format_money(38_000, "CHF"), "CHF 380");
        assert_eq!(format_money(100_000_000, "USD"), "$1,000,000");
    }

    #[test]
    fn searches_a_browser_should_not_send_are_refused() {
        let long = ListingSearch {
            q: Some("x".repeat(101)),
            ..Default::default()
        };
        let half_dates = ListingSearch {
            check_in: Some(doorstep::booking::Date::constant(2030, 1, 1)),
            ..Default::default()
        };

        assert!(matches!(validate(&long), Err(SiteError::BadInput { .. })));
        assert!(matches!(
            validate(&half_dates),
            Err(SiteError::BadInput { .. })
        ));
        assert!(validate(&ListingSearch::default()).is_ok());
    }
}
