//! `GET /listings`, `GET /listings/{listing}` and
//! `GET /listings/{listing}/calendar`.
//!
//! A tenant has tens of listings, not thousands, so search loads the
//! tenant's listings and filters, prices and sorts them in memory: one code
//! path for both engines, and the same pricing code as quotes. FIXME: a
//! tenant with thousands of listings would want the text, capacity and
//! price filters pushed into SQL (and an index on them).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use doorstep::api::Envelope;
use doorstep::booking::{
    Calendar, CalendarDay, DEFAULT_PAGE_SIZE, Date, ListingDetail, ListingSort, ListingSummary,
    MAX_CALENDAR_DAYS, MAX_PAGE_SIZE, Page, StayOffer,
};

use crate::app::AppState;
use crate::auth::CurrentTenant;
use crate::db::now_millis;
use crate::error::ApiError;

use super::input::{FieldErrors, MAX_GUESTS, QueryPairs, check_stay_dates};
use super::pricing::{add_days, check_stay, days_between, next_day, price_stay};
use super::store::{self, Listing, today_in};

/// A parsed and checked search.
#[derive(Debug, Default)]
struct Search {
    stay: Option<(Date, Date)>,
    guests: Option<u32>,
    text: Option<String>,
    min_price: Option<i64>,
    max_price: Option<i64>,
    bedrooms: Option<u32>,
    amenities: Vec<String>,
    property_type: Option<String>,
    available_only: bool,
    sort: ListingSort,
    page: u32,
    page_size: u32,
}

fn parse_search(query: &QueryPairs, today: Date) -> Result<Search, ApiError> {
    let mut errors = FieldErrors::default();

    let check_in = query.date("checkIn", &mut errors);
    let check_out = query.date("checkOut", &mut errors);
    let stay = match (check_in, check_out) {
        (Some(a), Some(b)) => {
            check_stay_dates(a, b, today, &mut errors);
            Some((a, b))
        }
        (Some(_), None) if !errors.has("checkOut") => {
            errors.add("checkOut", "is required with checkIn");
            None
        }
        (None, Some(_)) if !errors.has("checkIn") => {
            errors.add("checkIn", "is required with checkOut");
            None
        }
        _ => None,
    };

    let guests = query.number("guests", 1, i64::from(MAX_GUESTS), &mut errors);
    let min_price = query.number("minPrice", 0, i64::MAX / 4, &mut errors);
    let max_price = query.number("maxPrice", 0, i64::MAX / 4, &mut errors);
    if let (Some(min), Some(max)) = (min_price, max_price)
        && min > max
    {
        errors.add("maxPrice", "must not be below minPrice");
    }
    let bedrooms = query.number("bedrooms", 0, 50, &mut errors);

    let text = query.text("q").map(|q| q.trim().to_lowercase());
    if query.text("q").is_some_and(|q| q.chars().count() > 100) {
        errors.add("q", "must be at most 100 characters");
    }
    let amenities_text = query.text("amenities").unwrap_or_default();
    if amenities_text.chars().count() > 1000 {
        errors.add("amenities", "must be at most 1000 characters");
    }
    let amenities: Vec<String> = amenities_text
        .split(',')
        .map(|a| a.trim().to_lowercase())
        .filter(|a| !a.is_empty())
        .collect();
    let property_type = query.text("propertyType").map(str::to_lowercase);
    if query
        .text("propertyType")
        .is_some_and(|t| t.chars().count() > 40)
    {
        errors.add("propertyType", "must be at most 40 characters");
    }

    let available_only = query.flag("availableOnly", &mut errors).unwrap_or(false);
    let sort = match query.raw("sort") {
        None => ListingSort::Recommended,
        Some(name) => match ListingSort::ALL.iter().find(|(n, _)| *n == name) {
            Some((_, sort)) => *sort,
            None => {
                let names: Vec<&str> = ListingSort::ALL.iter().map(|(n, _)| *n).collect();
                errors.add("sort", format!("must be one of {}", names.join(", ")));
                ListingSort::Recommended
            }
        },
    };
    let page = query.number("page", 1, 100_000, &mut errors).unwrap_or(1);
    let page_size = query
        .number("pageSize", i64::MIN, i64::MAX, &mut errors)
        .map_or(DEFAULT_PAGE_SIZE, |n| {
            n.clamp(1, i64::from(MAX_PAGE_SIZE)) as u32
        });

    errors.finish()?;
    Ok(Search {
        stay,
        guests: guests.map(|g| g as u32),
        text,
        min_price,
        max_price,
        bedrooms: bedrooms.map(|b| b as u32),
        amenities,
        property_type,
        available_only,
        sort,
        page: page as u32,
        page_size,
    })
}

fn matches(search: &Search, listing: &Listing) -> bool {
    let d = &listing.detail;
    let text_ok = search.text.as_ref().is_none_or(|q| {
        [
            &d.name,
            &d.summary,
            &d.location.city,
            &d.location.region,
            &d.location.country,
        ]
        .iter()
        .any(|field| field.to_lowercase().contains(q.as_str()))
    });
    text_ok
        && search.guests.is_none_or(|g| g <= d.max_guests)
        && search.bedrooms.is_none_or(|b| d.bedrooms >= b)
        && search
            .property_type
            .as_ref()
            .is_none_or(|t| &d.property_type == t)
        && search.amenities.iter().all(|a| d.amenities.contains(a))
}

fn summary(listing: &Listing, stay: Option<StayOffer>) -> ListingSummary {
    let d = &listing.detail;
    ListingSummary {
        id: d.id.clone(),
        slug: d.slug.clone(),
        name: d.name.clone(),
        summary: d.summary.clone(),
        property_type: d.property_type.clone(),
        city: d.location.city.clone(),
        region: d.location.region.clone(),
        country: d.location.country.clone(),
        photo: d.photos.first().cloned(),
        max_guests: d.max_guests,
        bedrooms: d.bedrooms,
        bathrooms: d.bathrooms,
        amenities: d.amenities.clone(),
        nightly_rate: listing.plan.base_rate,
        currency: listing.plan.currency.clone(),
        stay,
    }
}

/// The average nightly price a result is filtered and sorted by.
fn nightly_price(result: &ListingSummary) -> i64 {
    match &result.stay {
        Some(stay) if stay.nights > 0 => stay.total / i64::from(stay.nights),
        _ => result.nightly_rate,
    }
}

/// `GET /v1/clients/listings`: search the tenant's listings.
pub async fn search(
    State(state): State<AppState>,
    tenant: CurrentTenant,
    RawQuery(raw): RawQuery,
) -> Result<Json<Envelope<Page<ListingSummary>>>, ApiError> {
    let query = QueryPairs::parse(raw.as_deref())?;
    let search = parse_search(&query, today_in(&tenant.time_zone))?;

    let listings = store::listings(&state.db, &tenant.tenant_id).await?;
    let taken = match search.stay {
        Some((a, b)) => {
            store::taken_nights(&state.db, &tenant.tenant_id, a, b, now_millis()).await?
        }
        None => Default::default(),
    };

    let mut results: Vec<ListingSummary> = listings
        .iter()
        .filter(|listing| matches(&search, listing))
        .map(|listing| {
            let offer = search.stay.map(|(a, b)| {
                let none = Default::default();
                let taken = taken.get(&listing.detail.id).unwrap_or(&none);
                offer(listing, a, b, search.guests.unwrap_or(1), taken)
            });
            summary(listing, offer)
        })
        .filter(|r| search.min_price.is_none_or(|min| nightly_price(r) >= min))
        .filter(|r| search.max_price.is_none_or(|max| nightly_price(r) <= max))
        .filter(|r| !search.available_only || r.stay.as_ref().is_none_or(|s| s.available))
        .collect();

    sort(&mut results, search.sort);
    Ok(Json(Envelope::new(paginate(
        results,
        search.page,
        search.page_size,
    ))))
}

fn offer(
    listing: &Listing,
    check_in: Date,
    check_out: Date,
    guests: u32,
    taken: &std::collections::HashSet<Date>,
) -> StayOffer {
    let today = today_in(&listing.detail.time_zone);
    let verdict = check_stay(&listing.plan, check_in, check_out, guests, taken);
    let price = price_stay(&listing.plan, check_in, check_out, guests, None, today);
    StayOffer {
        available: verdict.is_ok(),
        reason: verdict.err().map(|r| r.code().to_owned()),
        nights: days_between(check_in, check_out) as u32,
        total: price.total,
        currency: price.currency,
    }
}

fn sort(results: &mut [ListingSummary], order: ListingSort) {
    match order {
        ListingSort::Recommended => {}
        ListingSort::PriceAsc => results.sort_by_key(nightly_price),
        ListingSort::PriceDesc => results.sort_by_key(|r| std::cmp::Reverse(nightly_price(r))),
        ListingSort::CapacityDesc => results.sort_by_key(|r| std::cmp::Reverse(r.max_guests)),
        ListingSort::Name => results.sort_by_key(|r| r.name.to_lowercase()),
    }
}

fn paginate<T>(items: Vec<T>, page: u32, page_size: u32) -> Page<T> {
    let total_items = items.len() as u32;
    let total_pages = total_items.div_ceil(page_size);
    let skip = (page.saturating_sub(1) as usize).saturating_mul(page_size as usize);
    let items = items
        .into_iter()
        .skip(skip)
        .take(page_size as usize)
        .collect();
    Page {
        items,
        page,
        page_size,
        total_items,
        total_pages,
    }
}

/// `GET /v1/clients/listings/{listing}`: one listing, by ID or slug.
pub async fn detail(
    State(state): State<AppState>,
    tenant: CurrentTenant,
    Path(listing): Path<String>,
) -> Result<Json<Envelope<ListingDetail>>, ApiError> {
    let listing = store::listing(&state.db, &tenant.tenant_id, &listing).await?;
    Ok(Json(Envelope::new(listing.detail)))
}

/// `GET /v1/clients/listings/{listing}/calendar?from&to`: one row per day,
/// `to` included; `from` defaults to today and `to` to 30 days later.
pub async fn calendar(
    State(state): State<AppState>,
    tenant: CurrentTenant,
    Path(listing): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Envelope<Calendar>>, ApiError> {
    let query = QueryPairs::parse(raw.as_deref())?;
    let listing = store::listing(&state.db, &tenant.tenant_id, &listing).await?;
    let today = today_in(&listing.detail.time_zone);
    let (from, to) = calendar_range(&query, today)?;

    let until = next_day(to);
    let taken = store::taken_nights_of(
        &state.db,
        &tenant.tenant_id,
        &listing.detail.id,
        from,
        until,
        now_millis(),
    )
    .await?;

    let plan = &listing.plan;
    let days = super::pricing::nights(from, until)
        .into_iter()
        .map(|date| CalendarDay {
            date,
            available: date >= today && !taken.contains(&date),
            nightly_rate: plan.nightly_rate(date),
            min_nights: plan.min_nights(date),
            closed_to_arrival: plan.closed_to_arrival(date),
            closed_to_departure: plan.closed_to_departure(date),
            season: plan.season_name(date),
        })
        .collect();

    Ok(Json(Envelope::new(Calendar {
        listing_id: listing.detail.id.clone(),
        currency: plan.currency.clone(),
        time_zone: listing.detail.time_zone.clone(),
        days,
    })))
}

fn calendar_range(query: &QueryPairs, today: Date) -> Result<(Date, Date), ApiError> {
    let mut errors = FieldErrors::default();
    let from = query.date("from", &mut errors).unwrap_or(today);
    let to = query
        .date("to", &mut errors)
        .unwrap_or_else(|| add_days(from, 30));
    errors.finish()?;

    let mut errors = FieldErrors::default();
    let span = days_between(from, to);
    if span < 0 {
        errors.add("to", "must not be before from");
    } else if span >= i64::from(MAX_CALENDAR_DAYS) {
        errors.add(
            "to",
            format!("the range may cover at most {MAX_CALENDAR_DAYS} days"),
        );
    }
    if days_between(today, from).abs() > 3 * 365 {
        errors.add("from", "must be within three years of today");
    }
    errors.finish()?;
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(text: &str) -> QueryPairs {
        QueryPairs::parse(Some(text)).unwrap()
    }

    #[test]
    fn the_page_size_is_clamped_not_refused() {
        let today = jiff::civil::date(2030, 1, 1);

        let big = parse_search(&query("pageSize=1000"), today).unwrap();
        let small = parse_search(&query("pageSize=-3"), today).unwrap();

        assert_eq!(big.page_size, MAX_PAGE_SIZE);
        assert_eq!(small.page_size, 1);
    }

    #[test]
    fn a_search_names_every_bad_parameter() {
        let today = jiff::civil::date(2030, 1, 1);

        let error = parse_search(
            &query("checkIn=2029-12-01&checkOut=2029-11-01&guests=0&sort=cheap&page=x"),
            today,
        )
        .unwrap_err();

        let text = format!("{error:?}");
        for field in ["checkIn", "checkOut", "guests", "sort", "page"] {
            assert!(text.contains(field), "{field} missing from {text}");
        }
    }

    #[test]
    fn an_empty_date_or_number_is_an_error_but_empty_text_is_no_filter() {
        let today = jiff::civil::date(2030, 1, 1);

        let error = parse_search(&query("checkOut=&guests=&sort="), today).unwrap_err();
        let fine = parse_search(&query("q=&amenities=&propertyType="), today);

        let text = format!("{error:?}");
        assert!(text.contains("checkOut") && text.contains("guests") && text.contains("sort"));
        assert!(fine.is_ok());
    }

    #[test]
    fn pages_past_the_end_are_empty_but_keep_the_totals() {
        let page = paginate((0..25).collect::<Vec<_>>(), 4, 10);

        assert!(page.items.is_empty());
        assert_eq!((page.total_items, page.total_pages), (25, 3));
    }

    #[test]
    fn a_calendar_range_is_bounded() {
        let today = jiff::civil::date(2030, 1, 1);

        assert!(calendar_range(&query("from=2030-01-01&to=2031-12-31"), today).is_err());
        assert!(calendar_range(&query("from=2030-02-01&to=2030-01-01"), today).is_err());
        assert!(calendar_range(&query("from=2030-01-01&to=2030-12-31"), today).is_ok());
    }
}
