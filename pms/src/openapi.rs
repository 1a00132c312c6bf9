//! `GET /openapi.json`: the platform API described as OpenAPI 3.1.
//!
//! The document is built as JSON by hand: each domain adds its paths with a
//! function (see [`platform_paths`]), so the description sits next to the
//! code it describes without a macro framework.

use axum::Json;
use serde_json::{Value, json};

/// Serves the document.
pub async fn document() -> Json<Value> {
    Json(build())
}

/// The whole document: the platform paths plus the booking domain's.
pub fn build() -> Value {
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Doorstep platform API",
            "version": "1",
            "description": "Every /v1/clients/** request carries x-clientid, x-api-key, \
                x-signature and x-timestamp; get the last two from POST /auth/signature."
        },
        "components": {
            "securitySchemes": {
                "clientId": {"type": "apiKey", "in": "header", "name": "x-clientid"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"},
                "signature": {"type": "apiKey", "in": "header", "name": "x-signature"},
                "timestamp": {"type": "apiKey", "in": "header", "name": "x-timestamp"}
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "fields": {"type": "object", "additionalProperties": {"type": "string"}}
                        }
                    }}
                }
            }
        },
        "paths": {}
    });

    let paths = doc["paths"].as_object_mut().expect("paths is an object");
    for (path, item) in platform_paths()
        .into_iter()
        .chain(crate::booking::openapi_paths())
    {
        paths.insert(path, item);
    }
    doc
}

/// Paths of the signature protocol and the client profile.
pub fn platform_paths() -> Vec<(String, Value)> {
    let error = json!({"$ref": "#/components/schemas/Error"});
    let signed = json!([{"clientId": [], "apiKey": [], "signature": [], "timestamp": []}]);
    vec![
        (
            "/auth/signature".into(),
            json!({"post": {
                "summary": "Issue a signature",
                "security": [{"clientId": [], "apiKey": []}],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["clientId"],
                    "properties": {"clientId": {"type": "string", "description": "must equal x-clientid"}}
                }}}},
                "responses": {
                    "200": {"description": "A signature and its expiry", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"data": {"type": "object",
                            "required": ["signature", "expiresAt"],
                            "properties": {
                                "signature": {"type": "string"},
                                "expiresAt": {"type": "string", "format": "date-time"}
                            }}}
                    }}}},
                    "400": {"description": "The body is not {\"clientId\": string}", "content": {"application/json": {"schema": error}}},
                    "401": {"description": "Missing or invalid credentials", "content": {"application/json": {"schema": error}}},
                    "413": {"description": "The body is too large", "content": {"application/json": {"schema": error}}},
                    "429": {"description": "Rate limited; see Retry-After", "content": {"application/json": {"schema": error}}},
                    "431": {"description": "Request headers too large", "content": {"application/json": {"schema": error}}},
                    "default": {"description": "Any other failure (500, 503), as the error envelope", "content": {"application/json": {"schema": error}}}
                }
            }}),
        ),
        (
            "/v1/clients/me".into(),
            json!({"get": {
                "summary": "The authenticated tenant's profile",
                "security": signed,
                "responses": {
                    "200": {"description": "The profile", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"data": {"type": "object", "properties": {
                            "clientId": {"type": "string"}, "name": {"type": "string"},
                            "currency": {"type": "string"}, "locale": {"type": "string"},
                            "timeZone": {"type": "string"},
                            "contact": {"type": "object", "properties": {
                                "email": {"type": "string"}, "phone": {"type": "string"},
                                "website": {"type": "string"}}}
                        }}}
                    }}}},
                    "401": {"description": "Missing or invalid credentials", "content": {"application/json": {"schema": error}}},
                    "431": {"description": "Request headers too large", "content": {"application/json": {"schema": error}}},
                    "default": {"description": "Any other failure (500, 503), as the error envelope", "content": {"application/json": {"schema": error}}}
                }
            }}),
        ),
    ]
}
