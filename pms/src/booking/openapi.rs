//! The booking domain's part of `GET /openapi.json`: its paths, with their
//! parameters, bodies, every status they answer, and the exact JSON shapes
//! of [`doorstep::booking`].
//!
//! Written by hand next to the handlers so that a change of behaviour and
//! of its description land together; `openapi_matches_the_handlers` in the
//! tests below checks that every route is described. Schemas (in
//! `schemas`) are inlined rather than put under `components`, so this
//! module adds paths only.

use doorstep::booking::{ListingSort, MAX_CALENDAR_DAYS, MAX_PAGE_SIZE, MAX_STAY_NIGHTS};
use serde_json::{Value, json};

use super::input::MAX_GUESTS;

mod schemas;

use schemas::{
    TEXT, array, booking, calendar, closed, date, guest_details, integer, listing_detail,
    listing_summary, lookup_body, object, quote,
};

/// A `{"data": …}` response.
fn ok(description: &str, schema: Value) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": object(json!({"data": schema}), &[])}}
    })
}

/// Adds OpenAPI links: operations whose `parameter` takes the value at
/// `pointer` in this response body.
fn with_links(mut response: Value, links: &[(&str, &str, &str)]) -> Value {
    let links: serde_json::Map<String, Value> = links
        .iter()
        .map(|(operation, parameter, pointer)| {
            let value = format!("$response.body#{pointer}");
            let link = json!({"operationId": operation, "parameters": {*parameter: value}});
            ((*operation).to_owned(), link)
        })
        .collect();
    response["links"] = Value::Object(links);
    response
}

/// The error envelope, for each status with what it means here.
fn errors(statuses: &[(&str, &str)]) -> serde_json::Map<String, Value> {
    let mut all: Vec<(&str, &str)> = vec![
        ("401", "Missing or invalid credentials or signature"),
        ("431", "Request headers too large"),
        (
            "default",
            "Any other failure (500 internal, 503 unavailable), as the error envelope",
        ),
    ];
    all.extend_from_slice(statuses);
    all.into_iter()
        .map(|(status, description)| {
            let schema = json!({"$ref": "#/components/schemas/Error"});
            let body = json!({"description": description,
                              "content": {"application/json": {"schema": schema}}});
            (status.to_owned(), body)
        })
        .collect()
}

fn responses(success: &[(&str, Value)], failures: &[(&str, &str)]) -> Value {
    let mut all = errors(failures);
    for (status, body) in success {
        all.insert((*status).to_owned(), body.clone());
    }
    Value::Object(all)
}

fn json_body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description,
           "schema": {"type": "string", "minLength": 1}})
}

fn query_param(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description,
           "schema": schema})
}

fn operation(id: &str, summary: &str, mut details: Value) -> Value {
    details["operationId"] = json!(id);
    details["summary"] = json!(summary);
    details["security"] = json!([{"clientId": [], "apiKey": [], "signature": [], "timestamp": []}]);
    details["tags"] = json!(["booking"]);
    details
}

const BODY_ERRORS: [(&str, &str); 3] = [
    (
        "400",
        "The body is not JSON, or the query string cannot be read",
    ),
    ("413", "The body is too large"),
    (
        "422",
        "Some fields are invalid (`validation_failed`, `fields` names them), or a rule refused the request (see the code)",
    ),
];

fn search() -> Value {
    let sorts: Vec<&str> = ListingSort::ALL.iter().map(|(name, _)| *name).collect();
    let page = object(
        json!({
            "items": array(listing_summary()), "page": integer(1),
            "pageSize": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "totalItems": integer(0), "totalPages": integer(0)
        }),
        &[],
    );
    operation(
        "searchListings",
        "Search the tenant's listings",
        json!({
            "description": "With checkIn and checkOut (together), every result carries `stay`: \
                its availability and total for those dates and `guests` (default 1). Price bounds \
                compare with the average nightly price of the stay, or the base rate without \
                dates. `pageSize` is clamped to 1–50.",
            "parameters": [
                query_param("checkIn", "first night; not in the past", date()),
                query_param("checkOut", "departure day; after checkIn", date()),
                query_param("guests", "guests to sleep", json!({"type": "integer", "minimum": 1, "maximum": MAX_GUESTS})),
                query_param("q", "free text: name, summary, city, region, country", json!({"type": "string", "maxLength": 100})),
                query_param("minPrice", "minor units per night", json!({"type": "integer", "minimum": 0})),
                query_param("maxPrice", "minor units per night", json!({"type": "integer", "minimum": 0})),
                query_param("bedrooms", "at least this many", json!({"type": "integer", "minimum": 0, "maximum": 50})),
                query_param("amenities", "comma-separated codes; all must be present", json!({"type": "string", "maxLength": 1000})),
                query_param("propertyType", "e.g. villa, room, chalet", json!({"type": "string", "maxLength": 40})),
                query_param("availableOnly", "only bookable results (with dates)", json!({"type": "boolean"})),
                query_param("sort", "result order", json!({"type": "string", "enum": sorts})),
                query_param("page", "page number", json!({"type": "integer", "minimum": 1, "maximum": 100000})),
                query_param("pageSize", "results per page, clamped to 1–50", json!({"type": "integer"}))
            ],
            "responses": responses(
                &[("200", with_links(
                    ok("A page of listings", page),
                    &[("getListing", "listing", "/data/items/0/id"),
                      ("getListingCalendar", "listing", "/data/items/0/id")],
                ))],
                &[("400", "The query string cannot be read"),
                  ("422", "Some parameters are invalid; `fields` names them")]
            )
        }),
    )
}

fn detail() -> Value {
    operation(
        "getListing",
        "One listing, by ID or slug",
        json!({
            "parameters": [path_param("listing", "listing ID or slug")],
            "responses": responses(
                &[("200", ok("The listing", listing_detail()))],
                &[("404", "No such listing for this tenant")]
            )
        }),
    )
}

fn calendar_operation() -> Value {
    operation(
        "getListingCalendar",
        "Per-day availability, rate and stay rules",
        json!({
            "description": format!("`from` defaults to today, `to` (included) to 30 days after \
                `from`; at most {MAX_CALENDAR_DAYS} days per request. Days before today are unavailable."),
            "parameters": [
                path_param("listing", "listing ID or slug"),
                query_param("from", "first day", date()),
                query_param("to", "last day, included", date())
            ],
            "responses": responses(
                &[("200", ok("The calendar", calendar()))],
                &[("400", "The query string cannot be read"),
                  ("404", "No such listing for this tenant"),
                  ("422", "Bad or too long a range; `fields` names it")]
            )
        }),
    )
}

fn create_quote() -> Value {
    let body = closed(
        json!({
            "listingId": {"type": "string", "maxLength": 100, "pattern": "\\S", "description": "ID or slug"},
            "checkIn": date(), "checkOut": date(),
            "guests": {"type": "integer", "minimum": 1, "maximum": MAX_GUESTS},
            "couponCode": {"type": ["string", "null"], "maxLength": 40}
        }),
        &["couponCode"],
    );
    let mut failures = BODY_ERRORS.to_vec();
    failures.extend([
        ("404", "No such listing for this tenant"),
        (
            "409",
            "`dates_unavailable`: some night is booked, held or blocked",
        ),
    ]);
    operation(
        "createQuote",
        "Price a stay",
        json!({
            "description": format!("Itemized price, valid until `expiresAt` (30 minutes by default). \
                Refusals with a code: `over_capacity`, `below_minimum_stay`, `above_maximum_stay`, \
                `closed_to_arrival`, `closed_to_departure` (422), `dates_unavailable` (409); an \
                unknown, expired or inapplicable coupon is a `couponCode` field error. Stays are \
                at most {MAX_STAY_NIGHTS} nights."),
            "requestBody": json_body(body),
            "responses": responses(
                &[("201", with_links(ok("The quote", quote()), &[("getQuote", "quoteId", "/data/id")]))],
                &failures
            )
        }),
    )
}

fn show_quote() -> Value {
    operation(
        "getQuote",
        "A quote, also after it expired",
        json!({
            "parameters": [path_param("quoteId", "quote ID")],
            "responses": responses(
                &[("200", ok("The quote", quote()))],
                &[("404", "No such quote for this tenant")]
            )
        }),
    )
}

fn create_booking() -> Value {
    let body = closed(
        json!({"quoteId": {"type": "string", "minLength": 1}, "guest": guest_details()}),
        &[],
    );
    let key = json!({
        "name": "Idempotency-Key", "in": "header", "required": true,
        "description": "Same key and body: the same booking again (200). Same key, other body: 422 `idempotency_key_reused`.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}
    });
    let mut failures = BODY_ERRORS.to_vec();
    failures.extend([
        ("400", "`idempotency_key_required`, or the body is not JSON"),
        ("404", "No such quote for this tenant"),
        (
            "409",
            "`dates_unavailable`: the dates are no longer available",
        ),
        ("410", "`quote_expired`: ask for a new quote"),
    ]);
    operation(
        "createBooking",
        "Book a quote: hold its dates until payment",
        json!({
            "description": "The booking is `held` until `holdExpiresAt` (15 minutes by default); \
                unpaid by then, it expires and its dates are free again.",
            "parameters": [key],
            "requestBody": json_body(body),
            "responses": responses(
                &[("201", with_links(
                    ok("The new, held booking", booking()),
                    &[("getBooking", "bookingId", "/data/id"), ("payBooking", "bookingId", "/data/id")],
                )),
                  ("200", ok("The booking an earlier request with this key made", booking()))],
                &failures
            )
        }),
    )
}

fn show_booking() -> Value {
    operation(
        "getBooking",
        "A booking by ID",
        json!({
            "parameters": [path_param("bookingId", "booking ID")],
            "responses": responses(
                &[("200", ok("The booking", booking()))],
                &[("404", "No such booking for this tenant")]
            )
        }),
    )
}

fn pay() -> Value {
    let card = closed(
        json!({
            "number": {"type": "string", "pattern": "^[0-9 -]+$", "description": "12–19 digits, Luhn-valid"},
            "expMonth": {"type": "integer", "minimum": 1, "maximum": 12},
            "expYear": {"type": "integer", "minimum": 2000, "maximum": 2100},
            "cvc": {"type": "string", "pattern": "^[0-9]{3,4}$"},
            "holderName": {"type": "string", "maxLength": 100, "pattern": TEXT}
        }),
        &[],
    );
    let mut failures = BODY_ERRORS.to_vec();
    failures.extend([
        (
            "402",
            "`card_declined` or `insufficient_funds`; the booking stays held",
        ),
        ("404", "No such booking for this tenant"),
        (
            "409",
            "`already_paid`, `hold_expired` or `booking_cancelled`",
        ),
        ("503", "`payment_provider_unavailable`: the provider could not be reached; a charge it may have made is refunded automatically"),
    ]);
    operation(
        "payBooking",
        "Pay what is due now and confirm the booking",
        json!({
            "description": "Charges the deposit or the total, per the listing's payment policy. \
                The card is never stored: the booking shows its brand and last four digits. \
                Simulated test cards: 4242424242424242 succeeds, 4000000000000002 is declined, \
                4000000000009995 has insufficient funds.",
            "parameters": [path_param("bookingId", "booking ID")],
            "requestBody": json_body(closed(json!({"card": card}), &[])),
            "responses": responses(&[("200", ok("The confirmed booking", booking()))], &failures)
        }),
    )
}

fn lookup() -> Value {
    let mut failures = BODY_ERRORS.to_vec();
    failures.push((
        "404",
        "No booking matches this reference and e-mail (either may be wrong)",
    ));
    operation(
        "lookUpBooking",
        "A guest finds their booking by reference and e-mail",
        json!({
            "requestBody": json_body(lookup_body()),
            "responses": responses(&[("200", ok("The booking", booking()))], &failures)
        }),
    )
}

fn cancel() -> Value {
    let mut failures = BODY_ERRORS.to_vec();
    failures.extend([
        (
            "404",
            "No booking matches this reference and e-mail (either may be wrong)",
        ),
        (
            "409",
            "`not_cancellable`: already cancelled (and refunded) or expired, or the stay is over",
        ),
        (
            "503",
            "`payment_provider_unavailable`: the booking is cancelled and its dates are \
             released, but the refund could not be made yet; it is retried automatically, \
             and sending the same request again retries it at once (200 once it is made)",
        ),
    ]);
    operation(
        "cancelBooking",
        "A guest cancels; the cancellation policy sets the refund",
        json!({
            "requestBody": json_body(lookup_body()),
            "responses": responses(&[("200", ok("The cancelled booking with its refund", booking()))], &failures)
        }),
    )
}

/// The booking paths of the OpenAPI document.
pub fn openapi_paths() -> Vec<(String, Value)> {
    let base = "/v1/clients";
    vec![
        (format!("{base}/listings"), json!({"get": search()})),
        (
            format!("{base}/listings/{{listing}}"),
            json!({"get": detail()}),
        ),
        (
            format!("{base}/listings/{{listing}}/calendar"),
            json!({"get": calendar_operation()}),
        ),
        (format!("{base}/quotes"), json!({"post": create_quote()})),
        (
            format!("{base}/quotes/{{quoteId}}"),
            json!({"get": show_quote()}),
        ),
        (
            format!("{base}/bookings"),
            json!({"post": create_booking()}),
        ),
        (format!("{base}/bookings/lookup"), json!({"post": lookup()})),
        (format!("{base}/bookings/cancel"), json!({"post": cancel()})),
        (
            format!("{base}/bookings/{{bookingId}}"),
            json!({"get": show_booking()}),
        ),
        (
            format!("{base}/bookings/{{bookingId}}/payments"),
            json!({"post": pay()}),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_matches_the_handlers() {
        let paths: Vec<String> = openapi_paths().into_iter().map(|(p, _)| p).collect();
        let source = include_str!("mod.rs");

        for path in &paths {
            let route = path
                .trim_start_matches("/v1/clients")
                .replace("{quoteId}", "{quote_id}")
                .replace("{bookingId}", "{booking_id}");
            assert!(
                source.contains(&format!("\"{route}\"")),
                "{route} is not routed"
            );
        }
        assert_eq!(paths.len(), source.matches(".route(").count());
    }

    #[test]
    fn every_operation_documents_its_errors_and_security() {
        for (path, item) in openapi_paths() {
            for (method, operation) in item.as_object().unwrap() {
                let responses = operation["responses"].as_object().unwrap();
                assert!(responses.contains_key("401"), "{method} {path}");
                assert!(responses.contains_key("default"), "{method} {path}");
                assert!(operation["security"].is_array(), "{method} {path}");
            }
        }
    }

    #[test]
    fn schemas_require_exactly_the_fields_always_sent() {
        let booking = booking();
        let required = booking["required"].as_array().unwrap();

        assert!(required.contains(&json!("reference")));
        assert!(!required.contains(&json!("payment")));
    }
}
