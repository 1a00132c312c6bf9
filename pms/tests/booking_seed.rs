//! Demo mode's seeding of the real demo data files: every listing loads,
//! its booked stays show on its calendar, and it can be quoted.

mod booking_support;

use booking_support::Guest;
use doorstep_pms::booking::seed_demo;
use doorstep_pms::demo::create_tenants;
use doorstep_pms::testing::{TestApp, TestEngine, TestTenant};
use serde_json::{Value, json};

/// The first stay in the calendar that keeps every rule: an open arrival
/// day, its minimum number of free nights, an open departure day.
fn first_bookable_stay(days: &[Value]) -> Option<(String, String)> {
    (0..days.len()).find_map(|start| {
        let arrival = &days[start];
        let nights = arrival["minNights"].as_u64()? as usize;
        let departure = days.get(start + nights)?;
        let free = days[start..start + nights]
            .iter()
            .all(|d| d["available"] == true);
        let open = arrival["closedToArrival"] == false && departure["closedToDeparture"] == false;
        (free && open).then(|| {
            (
                arrival["date"].as_str().unwrap().to_owned(),
                departure["date"].as_str().unwrap().to_owned(),
            )
        })
    })
}

async fn the_demo_files_seed_listings_that_can_be_searched_and_quoted(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let tenants = create_tenants(app.state.tenants()).await.unwrap();

    seed_demo(app.db(), &tenants)
        .await
        .expect("the demo files seed");

    for demo in &tenants {
        let file: Value = serde_json::from_str(demo.source).unwrap();
        let expected = file["listings"].as_array().unwrap();
        let tenant = TestTenant {
            tenant_id: demo.tenant_id.clone(),
            client_id: demo.client_id.clone(),
            api_key: demo.api_key.expose().to_owned(),
            secret_key: String::new(),
        };
        let guest = Guest::for_tenant(&app, tenant).await;

        let page = guest.get("/listings?pageSize=50").await;
        assert_eq!(page.status, 200);
        assert_eq!(page.data()["totalItems"], expected.len(), "{}", demo.slug);

        for listing in expected {
            let slug = listing["slug"].as_str().unwrap();
            let calendar = guest
                .get(&format!(
                    "/listings/{slug}/calendar?from={}&to={}",
                    booking_support::day(2),
                    booking_support::day(200)
                ))
                .await;
            assert_eq!(calendar.status, 200, "{}/{slug}", demo.slug);
            let days = calendar.data()["days"].as_array().unwrap();
            let taken = days.iter().filter(|d| d["available"] == false).count();
            let booked: u64 = ["bookings", "blocks"]
                .iter()
                .flat_map(|k| listing[k].as_array().unwrap())
                .map(|stay| stay["nights"].as_u64().unwrap())
                .sum();
            assert!(
                taken as u64 >= booked,
                "{}/{slug}: {taken} < {booked}",
                demo.slug
            );

            let (check_in, check_out) = first_bookable_stay(&days[28..])
                .unwrap_or_else(|| panic!("{}/{slug} has a bookable stay", demo.slug));
            let quote = guest
                .post(
                    "/quotes",
                    json!({"listingId": slug, "checkIn": check_in,
                                        "checkOut": check_out, "guests": 1}),
                )
                .await;
            assert_eq!(quote.status, 201, "{}/{slug}: {:?}", demo.slug, quote.body);
            assert!(quote.data()["price"]["total"].as_i64().unwrap() > 0);
        }
    }

    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_files_seed_listings_that_can_be_searched_and_quoted_on_sqlite() {
    the_demo_files_seed_listings_that_can_be_searched_and_quoted(TestEngine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_files_seed_listings_that_can_be_searched_and_quoted_on_postgres() {
    the_demo_files_seed_listings_that_can_be_searched_and_quoted(TestEngine::Postgres).await;
}
