//! Personal API keys: shown once, read what their scopes name, and nothing else.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::common::{PASSWORD, TestApp, User};

async fn create_key(app: &TestApp, user: &User, body: serde_json::Value) -> crate::common::Reply {
    app.send(
        app.authed(Method::POST, "/v1/me/api-keys", &user.token)
            .json(&body),
    )
    .await
}

#[actix_web::test]
async fn a_key_is_shown_once_reads_what_it_may_and_dies_when_rotated_deleted_or_expired() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let created = create_key(&app, &ada, json!({"name": "CI"})).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let key = created.body["secret"].as_str().unwrap().to_string();
    let prefix = created.body["prefix"].as_str().unwrap();
    assert!(key.starts_with(&format!("{prefix}_")), "{key}");
    assert_eq!(
        created.body["scopes"],
        json!([
            "profile:read",
            "sessions:read",
            "login_history:read",
            "audit_log:read"
        ])
    );
    let id = created.body["id"].as_str().unwrap().to_string();

    let listed = app.get("/v1/me/api-keys", &ada.token).await;
    assert_eq!(listed.body["items"][0]["prefix"], prefix);
    assert!(!listed.body.to_string().contains(&key));
    assert!(listed.body["items"][0].get("secret").is_none());
    let dump = app.rows_dump();
    let secret_part = &key[prefix.len() + 1..];
    assert!(!dump.contains(&key), "only a digest is stored");
    assert!(
        !dump.contains(secret_part),
        "nor the secret without its prefix"
    );

    // It reads...
    let me = app.get("/v1/me", &key).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.body["email"], "ada@example.com");
    assert_eq!(app.get("/v1/me/sessions", &key).await.status, 200);
    assert_eq!(app.get("/v1/me/audit-log", &key).await.status, 200);
    // ...and nothing else.
    for (method, path, body) in [
        (Method::GET, "/v1/me/api-keys", json!({})),
        (Method::POST, "/v1/me/api-keys", json!({"name": "more"})),
        (Method::GET, "/v1/me/mfa", json!({})),
        (
            Method::POST,
            "/v1/me/mfa/totp",
            json!({"password": PASSWORD}),
        ),
        (
            Method::POST,
            "/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "another fine passphrase"}),
        ),
        (Method::GET, "/v1/sessions/current", json!({})),
        (Method::PATCH, "/v1/me", json!({"display_name": "x"})),
    ] {
        let reply = app
            .send(app.authed(method.clone(), path, &key).json(&body))
            .await;
        assert_eq!(reply.status, 401, "{method} {path}: {}", reply.body);
    }
    // Its use shows in the history, once an hour.
    app.get("/v1/me", &key).await;
    let history = app.get("/v1/me/login-history", &key).await;
    let methods: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods.iter().filter(|m| **m == "api_key").count(),
        1,
        "{methods:?}"
    );

    let rotated = app
        .send(app.authed(
            Method::POST,
            &format!("/v1/me/api-keys/{id}/rotate"),
            &ada.token,
        ))
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new_key = rotated.body["secret"].as_str().unwrap().to_string();
    app.get("/v1/me", &key)
        .await
        .assert_problem(401, "unauthenticated");
    assert_eq!(app.get("/v1/me", &new_key).await.status, 200);

    let deleted = app
        .send(app.authed(Method::DELETE, &format!("/v1/me/api-keys/{id}"), &ada.token))
        .await;
    assert_eq!(deleted.status, 204);
    app.get("/v1/me", &new_key)
        .await
        .assert_problem(401, "unauthenticated");

    // Expiry, by the clock.
    let expiring = create_key(
        &app,
        &ada,
        json!({"name": "short", "scopes": ["profile:read"], "expires_at": "2026-03-03T09:00:00Z"}),
    )
    .await;
    let short = expiring.body["secret"].as_str().unwrap().to_string();
    assert_eq!(app.get("/v1/me", &short).await.status, 200);
    app.get("/v1/me/sessions", &short)
        .await
        .assert_problem(403, "insufficient_scope");
    app.advance(Duration::days(1));
    app.get("/v1/me", &short)
        .await
        .assert_problem(401, "unauthenticated");

    let log = app.get("/v1/me/audit-log", &ada.token).await;
    let events: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        &events[..4],
        [
            "api_key.created",
            "api_key.deleted",
            "api_key.rotated",
            "api_key.created"
        ]
    );
}

#[actix_web::test]
async fn bad_key_requests_are_refused() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let bad = create_key(
        &app,
        &ada,
        json!({"name": " ", "scopes": [], "expires_at": "2020-01-01T00:00:00Z"}),
    )
    .await;
    bad.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "scopes", "expires_at"]);
    create_key(&app, &ada, json!({"name": "x", "scopes": ["mfa:write"]}))
        .await
        .assert_problem(422, "invalid_body");
    // Another account's key is not found.
    let bob = app.sign_up("bob@example.com").await;
    let key = create_key(&app, &ada, json!({"name": "CI"})).await;
    let id = key.body["id"].as_str().unwrap();
    app.send(app.authed(Method::DELETE, &format!("/v1/me/api-keys/{id}"), &bob.token))
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn with_mfa_on_an_aal1_session_cannot_make_keys() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    // No call leaves an MFA account with an aal1 session (turning MFA on raises the session
    // that did it and ends the others), so the state is made directly: as a session from
    // before MFA existed in this deployment would be.
    app.execute_sql(&format!(
        "UPDATE sessions SET aal = 'aal1', methods = '[\"password\"]' WHERE id = '{}'",
        ada.user.session_id
    ));
    create_key(&app, &ada.user, json!({"name": "CI"}))
        .await
        .assert_problem(403, "step_up_required");
}
