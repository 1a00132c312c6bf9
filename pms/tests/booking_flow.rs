//! Every booking endpoint against the real service, on SQLite and on
//! PostgreSQL: the happy path and the invalid cases a guest can cause.

#[macro_use]
mod booking_support;

use booking_support::{Guest, Reply, booking_body, day, test_cards};
use doorstep_pms::testing::{TestApp, TestEngine};
use reqwest::Method;
use serde_json::{Value, json};

on_both_engines!(
    search_filters_sorts_pages_and_prices_listings,
    listing_detail_and_calendar_show_rates_rules_and_taken_nights,
    quotes_are_itemized_and_refuse_stays_that_break_a_rule,
    bookings_hold_dates_are_paid_looked_up_and_cancelled,
    expired_quotes_cannot_be_booked_and_lapsed_holds_free_their_dates,
);

fn slugs(reply: &Reply) -> Vec<String> {
    reply.data()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["slug"].as_str().unwrap().to_owned())
        .collect()
}

async fn search_filters_sorts_pages_and_prices_listings(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Test Stays").await;

    let all = guest.get("/listings").await;
    assert_eq!(all.status, 200);
    assert_eq!(slugs(&all), ["sea-view", "garden-room", "douro-loft"]);
    assert!(all.data()["items"][0].get("stay").is_none());
    assert_eq!(
        all.data()["items"][0]["photo"]["alt"],
        "Sea View Apartment, living room"
    );

    assert_eq!(slugs(&guest.get("/listings?q=porto").await), ["douro-loft"]);
    assert_eq!(slugs(&guest.get("/listings?q=LISBON").await).len(), 2);
    assert_eq!(
        slugs(&guest.get("/listings?guests=5").await),
        ["douro-loft"]
    );
    assert_eq!(
        slugs(&guest.get("/listings?bedrooms=2").await),
        ["sea-view", "douro-loft"]
    );
    assert_eq!(slugs(&guest.get("/listings?amenities=pool").await).len(), 2);
    assert!(slugs(&guest.get("/listings?amenities=pool,sauna").await).is_empty());
    assert_eq!(
        slugs(&guest.get("/listings?propertyType=room").await),
        ["garden-room"]
    );
    assert_eq!(
        slugs(&guest.get("/listings?minPrice=7000&maxPrice=15000").await),
        ["sea-view"]
    );
    assert_eq!(
        slugs(&guest.get("/listings?sort=price_desc").await),
        ["douro-loft", "sea-view", "garden-room"]
    );
    assert_eq!(
        slugs(&guest.get("/listings?sort=price_asc").await),
        ["garden-room", "sea-view", "douro-loft"]
    );

    let page = guest.get("/listings?pageSize=2&page=2").await;
    assert_eq!(slugs(&page), ["douro-loft"]);
    assert_eq!(page.data()["totalPages"], 2);
    assert_eq!(page.data()["totalItems"], 3);
    let clamped = guest.get("/listings?pageSize=5000").await;
    assert_eq!(clamped.data()["pageSize"], 50);

    // Sea View is booked on nights +10..+12.
    let dated = format!(
        "/listings?checkIn={}&checkOut={}&guests=2",
        day(11),
        day(14)
    );
    let with_dates = guest.get(&dated).await;
    assert_eq!(with_dates.status, 200);
    let items = with_dates.data()["items"].as_array().unwrap().clone();
    let sea = &items[0]["stay"];
    assert_eq!(sea["available"], false);
    assert_eq!(sea["reason"], "dates_unavailable");
    let garden = &items[1]["stay"];
    assert_eq!(garden["available"], true);
    assert_eq!(garden["nights"], 3);
    assert_eq!(garden["currency"], "EUR");
    // 3 × 60.00 + 50.00 cleaning + 2 guests × 3 nights × 2.00 tourist tax.
    assert_eq!(garden["total"], 18_000 + 5_000 + 1_200);
    let available = guest.get(&format!("{dated}&availableOnly=true")).await;
    assert_eq!(slugs(&available), ["garden-room", "douro-loft"]);

    let past = guest
        .get(&format!(
            "/listings?checkIn={}&checkOut={}",
            day(-3),
            day(-1)
        ))
        .await;
    assert_eq!(past.status, 422);
    assert!(past.names_field("checkIn"), "{:?}", past.body);
    let backwards = guest
        .get(&format!("/listings?checkIn={}&checkOut={}", day(9), day(5)))
        .await;
    assert!(backwards.names_field("checkOut"));
    let lonely = guest.get(&format!("/listings?checkIn={}", day(5))).await;
    assert!(lonely.names_field("checkOut"));
    let nonsense = guest
        .get("/listings?checkIn=2030-02-30&checkOut=x&guests=0&sort=cheapest&page=-1")
        .await;
    assert_eq!(nonsense.status, 422);
    for field in ["checkIn", "checkOut", "guests", "sort", "page"] {
        assert!(nonsense.names_field(field), "{field}: {:?}", nonsense.body);
    }

    app.stop().await;
}

async fn listing_detail_and_calendar_show_rates_rules_and_taken_nights(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Test Stays").await;

    let by_slug = guest.get("/listings/sea-view").await;
    assert_eq!(by_slug.status, 200);
    let id = by_slug.data()["id"].as_str().unwrap().to_owned();
    let by_id = guest.get(&format!("/listings/{id}")).await;
    assert_eq!(by_id.body, by_slug.body);
    let detail = by_id.data();
    assert_eq!(
        detail["photos"][0]["alt"],
        "Sea View Apartment, living room"
    );
    assert_eq!(detail["location"]["latitude"], 38.71);
    assert_eq!(detail["checkIn"]["from"], "15:00");
    assert_eq!(detail["checkOutBy"], "11:00");
    assert_eq!(detail["houseRules"]["petsAllowed"], false);
    assert_eq!(detail["cancellationPolicy"]["code"], "flexible");
    assert_eq!(detail["paymentPolicy"]["kind"], "full");
    assert_eq!(detail["timeZone"], "Europe/Lisbon");
    assert_eq!(
        (detail["maxGuests"].as_u64(), detail["bedrooms"].as_u64()),
        (Some(4), Some(2))
    );

    let missing = guest.get("/listings/no-such-listing").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.code(), "not_found");

    let calendar = guest
        .get(&format!(
            "/listings/{id}/calendar?from={}&to={}",
            day(9),
            day(13)
        ))
        .await;
    assert_eq!(calendar.status, 200);
    let days = calendar.data()["days"].as_array().unwrap().clone();
    let available: Vec<bool> = days
        .iter()
        .map(|d| d["available"].as_bool().unwrap())
        .collect();
    assert_eq!(available, [true, false, false, false, true]);
    assert_eq!(days[0]["date"], day(9).to_string());
    assert_eq!(days[0]["nightlyRate"], 10_000);
    assert_eq!(days[0]["minNights"], 2);

    let season = guest
        .get(&format!(
            "/listings/sea-view/calendar?from={}&to={}",
            day(100),
            day(100)
        ))
        .await;
    let high = &season.data()["days"][0];
    assert_eq!(
        (high["nightlyRate"].as_i64(), high["minNights"].as_i64()),
        (Some(15_000), Some(5))
    );
    assert_eq!(high["season"], "High season");

    let blocked = guest
        .get(&format!(
            "/listings/sea-view/calendar?from={}&to={}",
            day(20),
            day(21)
        ))
        .await;
    assert!(
        blocked.data()["days"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["available"] == false)
    );

    let too_long = guest
        .get(&format!(
            "/listings/sea-view/calendar?from={}&to={}",
            day(1),
            day(700)
        ))
        .await;
    assert_eq!(too_long.status, 422);
    assert!(too_long.names_field("to"));
    let reversed = guest
        .get(&format!(
            "/listings/sea-view/calendar?from={}&to={}",
            day(9),
            day(2)
        ))
        .await;
    assert!(reversed.names_field("to"));
    let bad = guest.get("/listings/sea-view/calendar?from=tomorrow").await;
    assert!(bad.names_field("from"));

    app.stop().await;
}

fn quote_body(listing: &str, check_in: i32, check_out: i32, guests: Value) -> Value {
    json!({"listingId": listing, "checkIn": day(check_in).to_string(),
           "checkOut": day(check_out).to_string(), "guests": guests})
}

async fn quotes_are_itemized_and_refuse_stays_that_break_a_rule(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Test Stays").await;

    let quote = guest.quote("sea-view", day(30), day(33), 2).await;
    let price = &quote["price"];
    assert_eq!(price["nights"].as_array().unwrap().len(), 3);
    assert_eq!(price["nightsSubtotal"], 30_000);
    assert_eq!(price["cleaningFee"], 5_000);
    assert_eq!(price["extraGuestFee"], 0);
    assert_eq!(price["taxes"][0]["amount"], 2 * 3 * 200);
    assert_eq!(price["taxes"][1]["inclusive"], true);
    assert_eq!(price["total"], 30_000 + 5_000 + 1_200);
    assert_eq!(price["dueNow"], price["total"]);
    assert_eq!(price["currency"], "EUR");
    assert!(quote["expiresAt"].as_str().unwrap().ends_with('Z'));
    let id = quote["id"].as_str().unwrap();
    let again = guest.get(&format!("/quotes/{id}")).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.data(), &quote);

    let extra = guest.quote("sea-view", day(30), day(33), 3).await;
    assert_eq!(extra["price"]["extraGuestFee"], 1_500 * 3);

    let coupon = guest
        .post("/quotes", {
            let mut body = quote_body("sea-view", 30, 33, json!(2));
            body["couponCode"] = json!("welcome10");
            body
        })
        .await;
    assert_eq!(coupon.status, 201);
    assert_eq!(coupon.data()["price"]["couponDiscount"]["amount"], 3_000);
    assert_eq!(coupon.data()["couponCode"], "WELCOME10");

    let week = guest.quote("sea-view", day(30), day(37), 2).await;
    assert_eq!(week["price"]["lengthOfStayDiscount"]["amount"], 7_000);

    let deposit = guest.quote("garden-room", day(40), day(42), 2).await;
    let total = deposit["price"]["total"].as_i64().unwrap();
    assert_eq!(deposit["price"]["dueNow"], (total * 30 + 99) / 100);
    assert_eq!(
        deposit["price"]["balanceDueLater"].as_i64().unwrap(),
        total - (total * 30 + 99) / 100
    );

    let cases: Vec<(Value, u16, &str, Option<&str>)> = vec![
        (
            quote_body("sea-view", -2, 2, json!(2)),
            422,
            "validation_failed",
            Some("checkIn"),
        ),
        (
            quote_body("sea-view", 33, 30, json!(2)),
            422,
            "validation_failed",
            Some("checkOut"),
        ),
        (
            quote_body("sea-view", 30, 33, json!(0)),
            422,
            "validation_failed",
            Some("guests"),
        ),
        (
            quote_body("sea-view", 30, 33, json!(51)),
            422,
            "validation_failed",
            Some("guests"),
        ),
        (
            quote_body("sea-view", 30, 33, json!(-1)),
            422,
            "validation_failed",
            Some("guests"),
        ),
        (
            quote_body("sea-view", 30, 33, json!(5)),
            422,
            "over_capacity",
            None,
        ),
        (
            quote_body("sea-view", 30, 31, json!(2)),
            422,
            "below_minimum_stay",
            None,
        ),
        (
            quote_body("sea-view", 101, 104, json!(2)),
            422,
            "below_minimum_stay",
            None,
        ),
        (
            quote_body("sea-view", 30, 62, json!(2)),
            422,
            "above_maximum_stay",
            None,
        ),
        (
            quote_body("sea-view", 11, 14, json!(2)),
            409,
            "dates_unavailable",
            None,
        ),
        (
            quote_body("sea-view", 19, 22, json!(2)),
            409,
            "dates_unavailable",
            None,
        ),
        (
            quote_body("no-such-listing", 30, 33, json!(2)),
            404,
            "not_found",
            None,
        ),
        (
            json!({"checkIn": day(30).to_string(), "checkOut": day(33).to_string(), "guests": 2}),
            422,
            "validation_failed",
            Some("listingId"),
        ),
        (
            json!({"listingId": "sea-view", "checkIn": "2030-02-30",
                "checkOut": day(33).to_string(), "guests": 2}),
            422,
            "validation_failed",
            Some("checkIn"),
        ),
    ];
    for (body, status, code, field) in cases {
        let reply = guest.post("/quotes", body.clone()).await;
        assert_eq!(reply.status.as_u16(), status, "{body} → {:?}", reply.body);
        assert_eq!(reply.code(), code, "{body}");
        if let Some(field) = field {
            assert!(reply.names_field(field), "{field}: {:?}", reply.body);
        }
        assert!(
            reply.body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }

    for code in ["NOPE", "OLD5"] {
        let mut body = quote_body("sea-view", 30, 33, json!(2));
        body["couponCode"] = json!(code);
        let reply = guest.post("/quotes", body).await;
        assert_eq!(reply.status, 422, "{code}");
        assert!(reply.names_field("couponCode"), "{code}: {:?}", reply.body);
    }

    let broken = guest
        .send(Method::POST, "/quotes", Some(&json!("not an object")), None)
        .await;
    assert_eq!(broken.status, 422);
    let unknown = guest
        .get("/quotes/3f1e0d6c-0000-4000-8000-000000000000")
        .await;
    assert_eq!(unknown.status, 404);

    app.stop().await;
}

async fn bookings_hold_dates_are_paid_looked_up_and_cancelled(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Test Stays").await;
    let quote = guest.quote("sea-view", day(40), day(43), 2).await;
    let quote_id = quote["id"].as_str().unwrap();

    // The key is required, and it makes retries safe.
    let body = booking_body(quote_id);
    let keyless = guest
        .send(Method::POST, "/bookings", Some(&body), None)
        .await;
    assert_eq!(
        (keyless.status.as_u16(), keyless.code()),
        (400, "idempotency_key_required")
    );

    let created = guest.book(quote_id, "key-1").await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let booking = created.data().clone();
    let booking_id = booking["id"].as_str().unwrap().to_owned();
    let reference = booking["reference"].as_str().unwrap().to_owned();
    assert_eq!(booking["status"], "held");
    assert!(reference.starts_with("DS-"));
    assert!(booking["holdExpiresAt"].is_string());
    assert_eq!(booking["price"], quote["price"]);
    assert_eq!(booking["amountPaid"], 0);

    let replay = guest.book(quote_id, "key-1").await;
    assert_eq!(replay.status, 200);
    assert_eq!(replay.data()["id"], booking["id"]);
    let mut other_body = booking_body(quote_id);
    other_body["guest"]["name"] = json!("Someone Else");
    let reused = guest
        .send(Method::POST, "/bookings", Some(&other_body), Some("key-1"))
        .await;
    assert_eq!(
        (reused.status.as_u16(), reused.code()),
        (422, "idempotency_key_reused")
    );

    let mut bad_guest = booking_body(quote_id);
    bad_guest["guest"]["email"] = json!("not-an-email");
    bad_guest["guest"]["phone"] = json!("call me");
    bad_guest["guest"]["name"] = json!("  ");
    let invalid = guest
        .send(Method::POST, "/bookings", Some(&bad_guest), Some("key-2"))
        .await;
    assert_eq!(invalid.status, 422);
    for field in ["guest.email", "guest.phone", "guest.name"] {
        assert!(invalid.names_field(field), "{field}: {:?}", invalid.body);
    }

    // The held dates are taken for everyone else.
    let rival = guest
        .post("/quotes", quote_body("sea-view", 42, 45, json!(2)))
        .await;
    assert_eq!(
        (rival.status.as_u16(), rival.code()),
        (409, "dates_unavailable")
    );
    let second = guest.book(quote_id, "key-3").await;
    assert_eq!(
        (second.status.as_u16(), second.code()),
        (409, "dates_unavailable")
    );
    assert_eq!(
        second.body["error"]["message"],
        "The dates are no longer available."
    );

    // Payment: declined cards leave the hold; a good card confirms.
    let declined = guest.pay(&booking_id, test_cards::DECLINED).await;
    assert_eq!(
        (declined.status.as_u16(), declined.code()),
        (402, "card_declined")
    );
    let poor = guest.pay(&booking_id, test_cards::INSUFFICIENT_FUNDS).await;
    assert_eq!(
        (poor.status.as_u16(), poor.code()),
        (402, "insufficient_funds")
    );
    let typo = guest.pay(&booking_id, "4242424242424241").await;
    assert_eq!(typo.status, 422);
    assert!(typo.names_field("card.number"));
    assert_eq!(
        guest.get(&format!("/bookings/{booking_id}")).await.data()["status"],
        "held"
    );

    let paid = guest.pay(&booking_id, test_cards::SUCCESS).await;
    assert_eq!(paid.status, 200, "{:?}", paid.body);
    assert_eq!(paid.data()["status"], "confirmed");
    assert_eq!(paid.data()["amountPaid"], quote["price"]["total"]);
    assert_eq!(paid.data()["payment"]["brand"], "visa");
    assert_eq!(paid.data()["payment"]["last4"], "4242");
    assert!(paid.data().get("holdExpiresAt").is_none());
    assert!(!paid.body.to_string().contains(test_cards::SUCCESS));
    let twice = guest.pay(&booking_id, test_cards::SUCCESS).await;
    assert_eq!((twice.status.as_u16(), twice.code()), (409, "already_paid"));
    assert_eq!(
        guest.get(&format!("/bookings/{booking_id}")).await.data()["status"],
        "confirmed"
    );

    // Guest look-up: reference and e-mail must both match; the e-mail's case does not matter.
    let found = guest
        .post(
            "/bookings/lookup",
            json!({"reference": reference.to_lowercase(), "email": "ana@EXAMPLE.com"}),
        )
        .await;
    assert_eq!(found.status, 200);
    assert_eq!(found.data()["id"], booking["id"]);
    let wrong_email = guest
        .post(
            "/bookings/lookup",
            json!({"reference": reference, "email": "eve@example.com"}),
        )
        .await;
    let wrong_reference = guest
        .post(
            "/bookings/lookup",
            json!({"reference": "DS-AAAAAAAA", "email": "ana@example.com"}),
        )
        .await;
    assert_eq!(wrong_email.status, 404);
    assert_eq!(wrong_email.body, wrong_reference.body);
    let nul = guest
        .post(
            "/bookings/lookup",
            json!({"reference": "DS-\u{0}", "email": "ana@example.com"}),
        )
        .await;
    assert_eq!(
        nul.body, wrong_reference.body,
        "a NUL is just another unknown reference"
    );
    assert_eq!(guest.get("/listings/%00").await.status, 404);
    assert_eq!(guest.get("/quotes/%00").await.status, 404);
    assert_eq!(guest.get("/bookings/%00").await.status, 404);
    let mut nul_notes = booking_body(quote_id);
    nul_notes["guest"]["arrivalNotes"] = json!("late\u{0}");
    let nul_notes = guest
        .send(Method::POST, "/bookings", Some(&nul_notes), Some("key-nul"))
        .await;
    assert!(
        nul_notes.names_field("guest.arrivalNotes"),
        "{:?}",
        nul_notes.body
    );
    let empty = guest
        .post("/bookings/lookup", json!({"reference": "", "email": ""}))
        .await;
    assert!(empty.names_field("reference") && empty.names_field("email"));

    // Cancellation 40 days ahead under the flexible policy refunds everything.
    let wrong_cancel = guest
        .post(
            "/bookings/cancel",
            json!({"reference": reference, "email": "eve@example.com"}),
        )
        .await;
    assert_eq!(wrong_cancel.status, 404);
    let cancelled = guest
        .post(
            "/bookings/cancel",
            json!({"reference": reference, "email": "ana@example.com"}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{:?}", cancelled.body);
    assert_eq!(cancelled.data()["status"], "cancelled");
    assert_eq!(cancelled.data()["refund"]["percent"], 100);
    assert_eq!(
        cancelled.data()["refund"]["amount"],
        quote["price"]["total"]
    );
    let again = guest
        .post(
            "/bookings/cancel",
            json!({"reference": reference, "email": "ana@example.com"}),
        )
        .await;
    assert_eq!(
        (again.status.as_u16(), again.code()),
        (409, "not_cancellable")
    );
    guest.quote("sea-view", day(40), day(43), 2).await;

    // A deposit listing charges the deposit; the moderate policy refunds half of it late.
    let deposit_quote = guest.quote("garden-room", day(45), day(47), 2).await;
    let deposit = guest
        .book(deposit_quote["id"].as_str().unwrap(), "key-4")
        .await;
    let deposit_id = deposit.data()["id"].as_str().unwrap().to_owned();
    let paid = guest.pay(&deposit_id, test_cards::SUCCESS).await;
    let due_now = deposit_quote["price"]["dueNow"].as_i64().unwrap();
    assert_eq!(paid.data()["amountPaid"], due_now);
    assert!(due_now < deposit_quote["price"]["total"].as_i64().unwrap());
    let reference = paid.data()["reference"].as_str().unwrap();
    let cancelled = guest
        .post(
            "/bookings/cancel",
            json!({"reference": reference, "email": "ana@example.com"}),
        )
        .await;
    assert_eq!(cancelled.data()["refund"]["percent"], 50);
    assert_eq!(cancelled.data()["refund"]["amount"], due_now * 50 / 100);

    let unknown = guest
        .get("/bookings/3f1e0d6c-0000-4000-8000-000000000000")
        .await;
    assert_eq!(unknown.status, 404);

    app.stop().await;
}

async fn expire(app: &TestApp, table: &str, column: &str, id_column: &str, id: &str) {
    let sql = format!("UPDATE {table} SET {column} = 1 WHERE {id_column} = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .execute(app.db().pool())
        .await
        .unwrap();
}

async fn expired_quotes_cannot_be_booked_and_lapsed_holds_free_their_dates(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Test Stays").await;

    let quote = guest.quote("sea-view", day(50), day(52), 2).await;
    let quote_id = quote["id"].as_str().unwrap();
    expire(&app, "quotes", "expires_at", "quote_id", quote_id).await;
    let late = guest.book(quote_id, "late-1").await;
    assert_eq!((late.status.as_u16(), late.code()), (410, "quote_expired"));

    // A quote made before midnight for that day, booked after it.
    let quote = guest.quote("sea-view", day(50), day(52), 2).await;
    let quote_id = quote["id"].as_str().unwrap();
    sqlx::query("UPDATE quotes SET check_in = $1 WHERE quote_id = $2")
        .bind(day(-1).to_string())
        .bind(quote_id)
        .execute(app.db().pool())
        .await
        .unwrap();
    let yesterday = guest.book(quote_id, "yesterday-1").await;
    assert_eq!(yesterday.status, 422, "{:?}", yesterday.body);
    assert!(yesterday.names_field("checkIn"), "{:?}", yesterday.body);

    let quote = guest.quote("sea-view", day(50), day(52), 2).await;
    let held = guest.book(quote["id"].as_str().unwrap(), "hold-1").await;
    assert_eq!(held.status, 201);
    let booking_id = held.data()["id"].as_str().unwrap().to_owned();
    expire(
        &app,
        "bookings",
        "hold_expires_at",
        "booking_id",
        &booking_id,
    )
    .await;

    let lapsed = guest.get(&format!("/bookings/{booking_id}")).await;
    assert_eq!(lapsed.data()["status"], "expired");
    let pay = guest.pay(&booking_id, test_cards::SUCCESS).await;
    assert_eq!((pay.status.as_u16(), pay.code()), (409, "hold_expired"));
    let calendar = guest
        .get(&format!(
            "/listings/sea-view/calendar?from={}&to={}",
            day(50),
            day(51)
        ))
        .await;
    assert!(
        calendar.data()["days"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["available"] == true)
    );

    let quote = guest.quote("sea-view", day(50), day(52), 2).await;
    let rebooked = guest.book(quote["id"].as_str().unwrap(), "hold-2").await;
    assert_eq!(rebooked.status, 201, "{:?}", rebooked.body);
    assert_eq!(
        guest.get(&format!("/bookings/{booking_id}")).await.data()["status"],
        "expired"
    );

    app.stop().await;
}
