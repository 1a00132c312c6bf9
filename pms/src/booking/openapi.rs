//! The booking domain's part of `GET /openapi.json`.

use serde_json::Value;

/// The booking paths of the OpenAPI document.
pub fn openapi_paths() -> Vec<(String, Value)> {
    Vec::new()
}
