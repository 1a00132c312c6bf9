//! Everything the service logs, at every level, while it issues, verifies
//! and refuses, contains no API key, secret key or signature.
//!
//! A test binary of its own, because it installs the global `tracing`
//! subscriber (at `trace`, so every level is searched).

use std::io::Write;
use std::sync::{Arc, Mutex};

use doorstep::headers;
use doorstep_pms::testing::{TestApp, TestEngine};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_credential_reaches_the_log_at_any_level() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("trace")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let app = TestApp::spawn(TestEngine::Sqlite).await;
    let tenant = app.create_tenant("Alice Stays").await;
    let signature = app.signature(&tenant).await;
    assert_eq!(
        app.signed_get("/v1/clients/me", &tenant, &signature)
            .await
            .status(),
        200
    );

    // Refusals of every kind, each carrying real credential values.
    let wrong_key = format!("{}.{}", tenant.client_id, "w".repeat(64));
    for (api_key, sig, timestamp) in [
        (
            wrong_key.as_str(),
            signature.signature.as_str(),
            signature.expires_at.as_str(),
        ),
        (
            tenant.api_key.as_str(),
            "AAAA.BBBB",
            signature.expires_at.as_str(),
        ),
        (
            tenant.api_key.as_str(),
            signature.signature.as_str(),
            "2000-01-01T00:00:00Z",
        ),
    ] {
        let response = app
            .client
            .get(format!("{}/v1/clients/me", app.base_url))
            .header(headers::CLIENT_ID, &tenant.client_id)
            .header(headers::API_KEY, api_key)
            .header(headers::SIGNATURE, sig)
            .header(headers::TIMESTAMP, timestamp)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    let refused = app
        .client
        .post(format!("{}/auth/signature", app.base_url))
        .header(headers::CLIENT_ID, &tenant.client_id)
        .header(headers::API_KEY, &wrong_key)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    app.stop().await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("signature issued"), "the log was captured");
    assert!(log.contains(&tenant.client_id), "client IDs are logged");

    let (salt, mac) = signature.signature.split_once('.').unwrap();
    for (what, secret) in [
        ("API key", &tenant.api_key[17..]),
        ("wrong API key", &wrong_key[17..]),
        ("secret key", tenant.secret_key.as_str()),
        ("signature salt", salt),
        ("signature MAC", mac),
    ] {
        assert!(!log.contains(secret), "the {what} appears in the log");
    }
}
