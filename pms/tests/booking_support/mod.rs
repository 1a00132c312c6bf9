//! Shared by the booking integration tests: a small data file in the demo
//! schema (three listings, two coupons, one stay booked, one block), and a
//! signed HTTP client for one tenant.

#![allow(dead_code, unused_imports)]

/// Runs a scenario once per engine, as `<scenario>::on_sqlite` and
/// `<scenario>::on_postgres`.
#[allow(unused_macros)] // not every test file runs scenarios on both engines
macro_rules! on_both_engines {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::$scenario(doorstep_pms::testing::TestEngine::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                super::$scenario(doorstep_pms::testing::TestEngine::Postgres).await;
            }
        }
    )*};
}

use doorstep::booking::{Date, ListingSummary, Page};
use doorstep::headers;
use doorstep_pms::booking::seed_tenant_on;
use doorstep_pms::testing::{TestApp, TestTenant};
use jiff::civil::Date as CivilDate;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The fixture's time zone: dates in tests are counted from today there.
pub const TIME_ZONE: &str = "Europe/Lisbon";

/// The card numbers of the simulated provider.
pub use doorstep::booking::test_cards;

/// Today in the fixture's time zone, read once per test process so that
/// every offset of a test (and the seeded fixture) counts from the same
/// day even if midnight passes while it runs.
pub fn today() -> Date {
    static TODAY: std::sync::OnceLock<Date> = std::sync::OnceLock::new();
    *TODAY.get_or_init(|| jiff::Timestamp::now().in_tz(TIME_ZONE).unwrap().date())
}

/// Today plus `days`.
pub fn day(days: i32) -> Date {
    today().checked_add(jiff::Span::new().days(days)).unwrap()
}

/// The fixture: three listings of a Lisbon-and-Porto manager.
///
/// - `sea-view`: apartment in Lisbon, sleeps 4 (2 included, 15.00 per extra
///   guest per night), 100.00 a night, cleaning 50.00, min 2 nights, pays in
///   full, flexible cancellation; booked on nights +10..+12, blocked +20..+21;
///   a "high" season from +100 to +130 at 150 % with a 5-night minimum.
/// - `garden-room`: room in Lisbon, sleeps 2, 60.00, 30 % deposit (balance
///   30 days before arrival), moderate cancellation.
/// - `douro-loft`: chalet in Porto, sleeps 6, 3 bedrooms, 200.00.
///
/// Taxes: VAT 6 % included; tourist tax 2.00 per guest per night on top.
/// Coupons: `WELCOME10` (10 %, valid around today), `OLD5` (expired).
pub fn fixture() -> String {
    let house_rules = json!({
        "petsAllowed": false, "smokingAllowed": false, "eventsAllowed": false,
        "childrenAllowed": true, "quietHours": {"from": "22:00", "until": "08:00"},
        "notes": ["Please leave the keys in the box."]
    });
    let listing = |slug: &str,
                   name: &str,
                   kind: &str,
                   city: &str,
                   guests: u32,
                   bedrooms: u32,
                   rate: i64,
                   payment: &str,
                   cancellation: &str| {
        json!({
            "slug": slug, "name": name, "propertyType": kind, "roomType": null,
            "summary": format!("{name} in {city}"),
            "description": "Light and quiet.\n\nTwo streets from the river.",
            "highlights": ["River view"],
            "photos": [{"url": format!("/demo/test/{slug}-1.svg"), "alt": format!("{name}, living room"),
                        "width": 1200, "height": 800}],
            "amenities": if bedrooms > 1 { json!(["wifi", "pool"]) } else { json!(["wifi"]) },
            "houseRules": house_rules,
            "maxGuests": guests, "baseGuests": guests.min(2), "bedrooms": bedrooms, "beds": bedrooms,
            "bathrooms": 1, "sizeSqm": 60,
            "location": {"addressLine": "Rua Test 1", "locality": city, "region": "Portugal",
                         "postalCode": "1100-001", "countryCode": "PT",
                         "latitude": 38.71, "longitude": -9.13},
            "checkIn": {"from": "15:00", "until": "22:00"}, "checkOutBy": "11:00",
            "cancellationPolicy": cancellation, "paymentPolicy": payment,
            "pricing": {"baseRate": rate, "seasonRates": {}, "weekendUpliftPercent": 0,
                        "minNights": 2, "maxNights": 30, "closedToArrival": [],
                        "closedToDeparture": [], "cleaningFee": 5000,
                        "extraGuestFee": if guests > 2 { 1500 } else { 0 },
                        "lengthOfStayDiscounts": [{"minNights": 7, "percent": 10}]},
            "bookings": [], "blocks": []
        })
    };

    let mut sea_view = listing(
        "sea-view",
        "Sea View Apartment",
        "apartment",
        "Lisbon",
        4,
        2,
        10_000,
        "full",
        "flexible",
    );
    sea_view["bookings"] = json!([{"startOffsetDays": 10, "nights": 3, "guests": 2,
        "guestName": "Mia Hoffmann", "guestEmail": "mia@example.com"}]);
    sea_view["blocks"] = json!([{"startOffsetDays": 20, "nights": 2, "reason": "Owner stay"}]);

    json!({
        "schemaVersion": 1,
        "tenant": {"slug": "test", "name": "Test Stays", "tagline": "t",
                   "contactEmail": "stay@test.example", "contactPhone": "+351210000000",
                   "currency": "EUR", "locale": "pt-PT", "timeZone": TIME_ZONE,
                   "logo": "/demo/test/logo.svg"},
        "weekendNights": ["fri", "sat"],
        "cancellationPolicies": [
            {"code": "flexible", "name": "Flexible", "summary": "Full refund up to 1 day before.",
             "rules": [{"daysBeforeArrival": 1, "refundPercent": 100},
                       {"daysBeforeArrival": 0, "refundPercent": 0}]},
            {"code": "moderate", "name": "Moderate", "summary": "Full refund up to 60 days before, half after.",
             "rules": [{"daysBeforeArrival": 60, "refundPercent": 100},
                       {"daysBeforeArrival": 0, "refundPercent": 50}]}
        ],
        "paymentPolicies": [
            {"code": "full", "name": "Pay in full", "kind": "full", "summary": "All now."},
            {"code": "deposit-30", "name": "30 % deposit", "kind": "deposit", "depositPercent": 30,
             "balanceDueDaysBeforeArrival": 30, "summary": "30 % now."}
        ],
        "taxes": [
            {"code": "tourist-tax", "name": "Tourist tax", "kind": "perPersonPerNight",
             "amount": 200, "maxNights": 7, "inclusive": false},
            {"code": "vat", "name": "VAT (6 %)", "kind": "percent", "basisPoints": 600,
             "appliesTo": "accommodationAndFees", "inclusive": true}
        ],
        "seasons": [
            {"code": "high", "name": "High season", "multiplierPercent": 150, "minNights": 5,
             "closedToArrival": [], "closedToDeparture": [],
             "periods": [{"firstNight": day(100).to_string(), "lastNight": day(130).to_string()}]}
        ],
        "coupons": [
            {"code": "WELCOME10", "description": "10 % off", "kind": "percent", "percent": 10,
             "validFrom": day(-30).to_string(), "validUntil": day(365).to_string(),
             "minNights": 2, "listings": null},
            {"code": "OLD5", "description": "5 % off", "kind": "percent", "percent": 5,
             "validFrom": "2025-01-01", "validUntil": "2025-12-31", "minNights": null,
             "listings": null}
        ],
        "listings": [
            sea_view,
            listing("garden-room", "Garden Room", "room", "Lisbon", 2, 1, 6_000,
                    "deposit-30", "moderate"),
            listing("douro-loft", "Douro Loft", "chalet", "Porto", 6, 3, 20_000,
                    "full", "flexible"),
        ]
    })
    .to_string()
}

/// A tenant with the fixture seeded, and a signed client for it.
#[derive(Clone)]
pub struct Guest {
    pub base_url: String,
    pub client: reqwest::Client,
    pub tenant: TestTenant,
    signature: String,
    timestamp: String,
}

/// A response: its status and JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// The `data` of a success.
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    /// The `error.code` of a failure.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Whether the validation error names `field`.
    pub fn names_field(&self, field: &str) -> bool {
        self.body["error"]["fields"].get(field).is_some()
    }
}

impl Guest {
    /// Makes a tenant, seeds the fixture into it, and signs in.
    pub async fn new(app: &TestApp, name: &str) -> Guest {
        let tenant = app.create_tenant(name).await;
        seed_tenant_on(app.db(), &tenant.tenant_id, &fixture(), today())
            .await
            .expect("fixture seeds");
        let signature = app.signature(&tenant).await;
        Guest {
            base_url: app.base_url.clone(),
            client: app.client.clone(),
            tenant,
            signature: signature.signature,
            timestamp: signature.expires_at,
        }
    }

    /// Signs in as an existing tenant, without seeding anything.
    pub async fn for_tenant(app: &TestApp, tenant: TestTenant) -> Guest {
        let signature = app.signature(&tenant).await;
        Guest {
            base_url: app.base_url.clone(),
            client: app.client.clone(),
            tenant,
            signature: signature.signature,
            timestamp: signature.expires_at,
        }
    }

    /// A signed request under `/v1/clients`, ready to send.
    fn signed(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}/v1/clients{path}", self.base_url))
            .header(headers::CLIENT_ID, &self.tenant.client_id)
            .header(headers::API_KEY, &self.tenant.api_key)
            .header(headers::SIGNATURE, &self.signature)
            .header(headers::TIMESTAMP, &self.timestamp)
    }

    /// Sends a signed request under `/v1/clients`.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> Reply {
        let mut request = self.signed(method, path);
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.send().await.expect("request is sent");
        let status = response.status();
        let text = response.text().await.expect("body is read");
        let body = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{status} answered JSON, got {text:?}"));
        Reply { status, body }
    }

    /// Pays a booking with a card number but gives up after `patience`, as
    /// a client that times out does; answers whether an answer came first.
    pub async fn pay_impatiently(
        &self,
        booking_id: &str,
        number: &str,
        patience: std::time::Duration,
    ) -> bool {
        self.signed(Method::POST, &format!("/bookings/{booking_id}/payments"))
            .json(&card_body(number))
            .timeout(patience)
            .send()
            .await
            .is_ok()
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, None).await
    }

    /// POST `body` to `path`.
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(&body), None).await
    }

    /// The tenant's listings, by slug.
    pub async fn listing_id(&self, slug: &str) -> String {
        let reply = self.get(&format!("/listings/{slug}")).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        reply.data()["id"].as_str().unwrap().to_owned()
    }

    /// Every listing summary of the tenant.
    pub async fn listings(&self) -> Page<ListingSummary> {
        let reply = self.get("/listings").await;
        assert_eq!(reply.status, 200);
        serde_json::from_value(reply.data().clone()).unwrap()
    }

    /// A quote that must succeed.
    pub async fn quote(
        &self,
        listing: &str,
        check_in: CivilDate,
        check_out: CivilDate,
        guests: u32,
    ) -> Value {
        let reply = self
            .post(
                "/quotes",
                json!({"listingId": listing, "checkIn": check_in.to_string(),
                       "checkOut": check_out.to_string(), "guests": guests}),
            )
            .await;
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.data().clone()
    }

    /// POST /bookings with a key.
    pub async fn book(&self, quote_id: &str, key: &str) -> Reply {
        let body = booking_body(quote_id);
        self.send(Method::POST, "/bookings", Some(&body), Some(key))
            .await
    }

    /// Pays a booking with a card number.
    pub async fn pay(&self, booking_id: &str, number: &str) -> Reply {
        self.post(
            &format!("/bookings/{booking_id}/payments"),
            card_body(number),
        )
        .await
    }
}

/// A well-formed booking body.
pub fn booking_body(quote_id: &str) -> Value {
    json!({"quoteId": quote_id, "guest": {"name": "Ana Guest", "email": "Ana@Example.com",
           "phone": "+351 912 345 678", "arrivalNotes": "Late arrival, around 22:00."}})
}

/// A well-formed payment body.
pub fn card_body(number: &str) -> Value {
    json!({"card": {"number": number, "expMonth": 12, "expYear": 2040, "cvc": "123",
                    "holderName": "Ana Guest"}})
}
