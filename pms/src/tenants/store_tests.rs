//! Tests of [`super::TenantStore`] against an in-memory SQLite database.

use std::time::Duration;

use super::credentials::{generate_api_key, generate_client_id, generate_secret_key, hash_api_key};
use super::*;
use crate::crypto::MasterKey;
use crate::db::Db;

async fn store() -> TenantStore {
    TenantStore::new(
        Db::connect("sqlite::memory:").await.unwrap(),
        MasterKey::generate(),
    )
}

fn imported(name: &str) -> ImportedTenant {
    let client_id = generate_client_id();
    ImportedTenant {
        tenant_id: uuid::Uuid::new_v4().to_string(),
        api_key: generate_api_key(&client_id),
        client_id,
        secret_key: generate_secret_key(),
        profile: TenantProfile::named(name),
    }
}

#[tokio::test]
async fn created_tenants_keep_only_the_hash_of_their_api_key() {
    let store = store().await;
    let created = store
        .create(TenantProfile::named("Villa Co"))
        .await
        .unwrap();

    let stored: Vec<String> = sqlx::query_scalar("SELECT key_hash FROM api_keys")
        .fetch_all(store.db().pool())
        .await
        .unwrap();
    assert_eq!(stored, [hash_api_key(created.api_key.expose())]);

    let sealed: String = sqlx::query_scalar("SELECT secret_sealed FROM tenants")
        .fetch_one(store.db().pool())
        .await
        .unwrap();
    let credentials = store
        .credentials(&created.client_id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !sealed.contains(credentials.secret.expose()),
        "the secret is stored sealed"
    );
}

#[tokio::test]
async fn importing_keeps_the_given_credentials_and_refuses_duplicates() {
    let store = store().await;
    let tenant = imported("Moved Stays");
    store.import(&tenant).await.unwrap();

    let credentials = store.credentials(&tenant.client_id).await.unwrap().unwrap();
    assert_eq!(credentials.tenant_id, tenant.tenant_id);
    assert_eq!(credentials.secret.expose(), tenant.secret_key.expose());

    let again = store.import(&tenant).await.unwrap_err();
    assert!(matches!(again, StoreError::Duplicate { .. }), "{again}");
    let other_id_same_client = ImportedTenant {
        tenant_id: "other".into(),
        ..tenant.clone()
    };
    assert!(matches!(
        store.import(&other_id_same_client).await,
        Err(StoreError::Duplicate { .. })
    ));
}

#[tokio::test]
async fn imports_with_malformed_credentials_are_refused_without_echoing_them() {
    let store = store().await;
    let mut tenant = imported("Moved Stays");
    tenant.api_key = ApiKey::new("not-a-key-secret-value");

    let error = store.import(&tenant).await.unwrap_err().to_string();
    assert!(error.contains("apiKey"), "{error}");
    assert!(!error.contains("secret-value"));
}

#[tokio::test]
async fn at_most_two_api_keys_are_active_through_rotations() {
    let store = store().await;
    let tenant = imported("Rotating Stays");
    store.import(&tenant).await.unwrap();

    for _ in 0..3 {
        store
            .rotate_api_key(&tenant.client_id, Duration::from_secs(3600))
            .await
            .unwrap();
        let summary = store.summary(&tenant.client_id).await.unwrap();
        assert_eq!(summary.active_api_keys, 2);
    }
    store
        .rotate_api_key(&tenant.client_id, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(
        store
            .summary(&tenant.client_id)
            .await
            .unwrap()
            .active_api_keys,
        1
    );
}

#[tokio::test]
async fn a_secret_rotation_keeps_the_previous_secret_for_the_overlap() {
    let store = store().await;
    let tenant = imported("Rotating Stays");
    store.import(&tenant).await.unwrap();

    store
        .rotate_secret(&tenant.client_id, Duration::from_secs(3660))
        .await
        .unwrap();
    let credentials = store.credentials(&tenant.client_id).await.unwrap().unwrap();
    let (previous, until) = credentials.previous_secret.unwrap();
    assert_eq!(previous.expose(), tenant.secret_key.expose());
    assert_ne!(credentials.secret.expose(), tenant.secret_key.expose());
    assert!(until > crate::db::now_millis() + 3_600_000);

    store
        .rotate_secret(&tenant.client_id, Duration::ZERO)
        .await
        .unwrap();
    let credentials = store.credentials(&tenant.client_id).await.unwrap().unwrap();
    assert!(credentials.previous_secret.is_none());
}

#[tokio::test]
async fn secrets_sealed_under_another_master_key_do_not_open() {
    let store = store().await;
    let tenant = imported("Sealed Stays");
    store.import(&tenant).await.unwrap();

    let other = TenantStore::new(store.db().clone(), MasterKey::generate());
    let error = other.credentials(&tenant.client_id).await.unwrap_err();
    assert!(matches!(error, StoreError::Unseal(_)), "{error}");
}

#[tokio::test]
async fn unknown_clients_are_absent_not_errors() {
    let store = store().await;
    assert!(
        store
            .credentials("ZZZZZZZZZZZZZZZZ")
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        store.set_disabled("ZZZZZZZZZZZZZZZZ", true).await,
        Err(StoreError::NotFound(_))
    ));
}
