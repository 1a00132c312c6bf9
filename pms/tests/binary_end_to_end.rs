//! The real `doorstep-pms` binary, driven as an operator would: import a
//! tenant with known credentials from a file, serve, get a signature over
//! HTTP and check it with an HMAC computed here, independently of the
//! crate's own signature code.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha1::{Digest, Sha1};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_doorstep-pms");

const TENANT_ID: &str = "0b6d4c1e-2f7a-4c39-9a51-7d2e8f6b3c10";
const CLIENT_ID: &str = "Im9rtEdTenant001";
const API_KEY: &str =
    "Im9rtEdTenant001.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ01";
const SECRET_KEY: &str = "kq3xX0f6mZ1s-Hj9P4yVwL2cR7tN8bE5aD_uGiO0oQk";

/// A temporary platform home: database, master key file, import files.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        let home = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        let key = STANDARD.encode([7u8; 32]);
        std::fs::write(home.path("master.key"), key).unwrap();
        home
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self) -> Command {
        let mut command = Command::new(BIN);
        command
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", self.path("pms.db").display()),
            )
            .env("PMS_MASTER_KEY_FILE", self.path("master.key"))
            .env("PMS_ADDR", "127.0.0.1:0")
            .env("PMS_CREDENTIAL_CACHE_TTL_MS", "200")
            .env("RUST_LOG", "error")
            .kill_on_drop(true);
        command
    }

    async fn run(&self, args: &[&str]) -> (bool, String, String) {
        let output = self.command().args(args).output().await.unwrap();
        (
            output.status.success(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    }
}

/// Starts a long-running command and waits for its "listening on" line.
async fn start(mut command: Command) -> (Child, String, Vec<String>) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();

    let url = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.strip_prefix("doorstep-pms listening on ") {
                return url.to_owned();
            }
            seen.push(line);
        }
        panic!("the service exited before listening; it printed {seen:?}");
    })
    .await
    .expect("the service listens within 60 s");

    // Keep draining stdout so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url, seen)
}

fn independent_signature(salt: &str, secret: &str, expires_at: &str, tenant_id: &str) -> String {
    let key = Sha1::digest(format!("{salt}{secret}").as_bytes());
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(&key).unwrap();
    mac.update(format!("{expires_at}:{tenant_id}").as_bytes());
    format!(
        "{salt}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

async fn post_signature(
    client: &reqwest::Client,
    url: &str,
    client_id: &str,
    api_key: &str,
) -> reqwest::Response {
    client
        .post(format!("{url}/auth/signature"))
        .header("x-clientid", client_id)
        .header("x-api-key", api_key)
        .json(&serde_json::json!({ "clientId": client_id }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_imported_tenant_gets_signatures_that_match_an_independent_hmac() {
    let home = Home::new();
    let import = serde_json::json!([{
        "tenantId": TENANT_ID,
        "clientId": CLIENT_ID,
        "apiKey": API_KEY,
        "secretKey": SECRET_KEY,
        "name": "Imported Stays",
        "currency": "CHF",
        "locale": "de-CH",
        "timeZone": "Europe/Zurich"
    }]);
    std::fs::write(home.path("tenants.json"), import.to_string()).unwrap();

    let (ok, stdout, stderr) = home.run(&["tenants", "import", "tenants.json"]).await;
    assert!(ok, "import succeeds: {stderr}");
    assert!(stdout.contains(CLIENT_ID));

    let (ok, listed, _) = home.run(&["tenants", "list", "--json"]).await;
    assert!(ok);
    let (ok, shown, _) = home.run(&["tenants", "show", CLIENT_ID]).await;
    assert!(ok);
    for output in [&stdout, &stderr, &listed, &shown] {
        assert!(
            !output.contains(&API_KEY[17..]),
            "no API key in operator output"
        );
        assert!(
            !output.contains(SECRET_KEY),
            "no secret key in operator output"
        );
    }
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["tenantId"], TENANT_ID);
    assert_eq!(shown["currency"], "CHF");

    let (server, url, _) = start({
        let mut c = home.command();
        c.arg("serve");
        c
    })
    .await;
    let client = reqwest::Client::new();

    let response = post_signature(&client, &url, CLIENT_ID, API_KEY).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let signature = body["data"]["signature"].as_str().unwrap();
    let expires_at = body["data"]["expiresAt"].as_str().unwrap();
    let (salt, _) = signature.split_once('.').unwrap();
    assert_eq!(
        signature,
        independent_signature(salt, SECRET_KEY, expires_at, TENANT_ID)
    );

    let me = client
        .get(format!("{url}/v1/clients/me"))
        .header("x-clientid", CLIENT_ID)
        .header("x-api-key", API_KEY)
        .header("x-signature", signature)
        .header("x-timestamp", expires_at)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let profile: Value = me.json().await.unwrap();
    assert_eq!(profile["data"]["name"], "Imported Stays");
    assert_eq!(profile["data"]["timeZone"], "Europe/Zurich");

    // Disabling through the CLI reaches the running service within its
    // cache TTL (200 ms here).
    let (ok, _, _) = home.run(&["tenants", "disable", CLIENT_ID]).await;
    assert!(ok);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let refused = client
        .get(format!("{url}/v1/clients/me"))
        .header("x-clientid", CLIENT_ID)
        .header("x-api-key", API_KEY)
        .header("x-signature", signature)
        .header("x-timestamp", expires_at)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    drop(server);
}

#[tokio::test]
async fn tenants_import_from_toml_and_rotate_their_api_key_through_the_cli() {
    let home = Home::new();
    let toml = format!(
        "[[tenants]]\ntenantId = \"{TENANT_ID}\"\nclientId = \"{CLIENT_ID}\"\napiKey = \"{API_KEY}\"\n\
         secretKey = \"{SECRET_KEY}\"\nname = \"Toml Stays\"\n"
    );
    std::fs::write(home.path("tenants.toml"), toml).unwrap();
    let (ok, _, stderr) = home.run(&["tenants", "import", "tenants.toml"]).await;
    assert!(ok, "{stderr}");

    let (ok, _, stderr) = home.run(&["tenants", "import", "tenants.toml"]).await;
    assert!(!ok, "importing the same tenant twice fails");
    assert!(stderr.contains("already exists"), "{stderr}");

    let (ok, stdout, _) = home
        .run(&[
            "tenants",
            "rotate-api-key",
            CLIENT_ID,
            "--overlap-secs",
            "0",
        ])
        .await;
    assert!(ok);
    let new_key = stdout
        .lines()
        .find_map(|l| l.strip_prefix("apiKey"))
        .unwrap()
        .trim()
        .to_owned();
    assert!(new_key.starts_with(&format!("{CLIENT_ID}.")));
    let (ok, _, _) = home.run(&["tenants", "rotate-secret", CLIENT_ID]).await;
    assert!(ok);

    let (server, url, _) = start({
        let mut c = home.command();
        c.arg("serve");
        c
    })
    .await;
    let client = reqwest::Client::new();
    assert_eq!(
        post_signature(&client, &url, CLIENT_ID, API_KEY)
            .await
            .status(),
        401
    );
    let response = post_signature(&client, &url, CLIENT_ID, &new_key).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let signature = body["data"]["signature"].as_str().unwrap();
    let (salt, _) = signature.split_once('.').unwrap();
    let expires_at = body["data"]["expiresAt"].as_str().unwrap();
    assert_ne!(
        signature,
        independent_signature(salt, SECRET_KEY, expires_at, TENANT_ID),
        "the rotated secret signs now"
    );
    drop(server);
}

#[tokio::test]
async fn create_prints_the_api_key_once_and_bad_input_is_refused_clearly() {
    let home = Home::new();
    let (ok, stdout, stderr) = home
        .run(&[
            "tenants",
            "create",
            "--name",
            "New Stays",
            "--currency",
            "USD",
        ])
        .await;
    assert!(ok, "{stderr}");
    let api_key = stdout
        .lines()
        .find_map(|l| l.strip_prefix("apiKey"))
        .unwrap()
        .trim()
        .to_owned();
    let (_, listed, _) = home.run(&["tenants", "list"]).await;
    assert!(listed.contains("New Stays"));
    assert!(!listed.contains(&api_key[17..]));

    let (ok, _, stderr) = home
        .run(&["tenants", "create", "--name", "Bad", "--currency", "euro"])
        .await;
    assert!(!ok);
    assert!(stderr.contains("currency"), "{stderr}");

    std::fs::write(
        home.path("bad.json"),
        r#"[{"tenantId":"t","clientId":"short","apiKey":"k","secretKey":"s","name":"X"}]"#,
    )
    .unwrap();
    let (ok, _, stderr) = home.run(&["tenants", "import", "bad.json"]).await;
    assert!(!ok);
    assert!(stderr.contains("clientId"), "{stderr}");
    assert!(!stderr.contains("\"k\""));
}

#[tokio::test]
async fn serve_refuses_to_start_without_a_master_key_or_with_a_bad_setting() {
    let home = Home::new();
    let (ok, _, stderr) = {
        let output = home
            .command()
            .env_remove("PMS_MASTER_KEY_FILE")
            .arg("serve")
            .output()
            .await
            .unwrap();
        (
            output.status.success(),
            String::new(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    assert!(!ok);
    assert!(stderr.contains("PMS_MASTER_KEY"), "{stderr}");

    let output = home
        .command()
        .env("PMS_SIGNATURE_LIFETIME_SECS", "90000")
        .arg("serve")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("PMS_SIGNATURE_LIFETIME_SECS"));

    std::fs::write(home.path("master.key"), "too short").unwrap();
    let output = home.command().arg("serve").output().await.unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("PMS_MASTER_KEY_FILE"));
}

#[tokio::test]
async fn demo_mode_writes_private_credentials_that_work() {
    let home = Home::new();
    let credentials = home.path("out/demo-credentials.json");
    let (server, url, printed) = start({
        let mut c = home.command();
        c.env_remove("PMS_MASTER_KEY_FILE")
            .env_remove("DATABASE_URL")
            .args(["demo", "--credentials-out"])
            .arg(&credentials);
        c
    })
    .await;

    let entries: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&credentials).unwrap()).unwrap();
    let slugs: Vec<&str> = entries
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["bali", "lisbon", "alps"]);
    assert_mode_600(&credentials);
    assert!(
        printed
            .iter()
            .any(|l| l.contains(entries[0]["clientId"].as_str().unwrap()))
    );

    let client = reqwest::Client::new();
    for entry in &entries {
        let client_id = entry["clientId"].as_str().unwrap();
        let response =
            post_signature(&client, &url, client_id, entry["apiKey"].as_str().unwrap()).await;
        assert_eq!(response.status(), 200, "{}", entry["slug"]);
    }
    drop(server);
}

#[cfg(unix)]
fn assert_mode_600(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[cfg(not(unix))]
fn assert_mode_600(_: &Path) {}
