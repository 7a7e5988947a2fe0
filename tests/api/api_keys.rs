//! Personal API keys: shown once, read what their scopes name, and nothing else.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::common::{PASSWORD, TestApp, User};

/// Creates a key as its owner would, with the password (unless the body names its own).
async fn create_key(
    app: &TestApp,
    user: &User,
    mut body: serde_json::Value,
) -> crate::common::Reply {
    if body.get("password").is_none() {
        body["password"] = json!(PASSWORD);
    }
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
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/me/api-keys/{id}/rotate"),
                &ada.token,
            )
            .json(&json!({"password": PASSWORD})),
        )
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
async fn a_stolen_session_alone_mints_no_key() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let code = app.next_code(&ada);
    let no_password = create_key(
        &app,
        &ada.user,
        json!({"name": "CI", "password": null, "code": code}),
    )
    .await;
    no_password.assert_problem(403, "reauthentication_failed");
    assert_eq!(no_password.body["errors"][0]["field"], "password");
    // Someone who also knows the password still needs the second factor.
    let password_only = create_key(&app, &ada.user, json!({"name": "CI"})).await;
    password_only.assert_problem(403, "reauthentication_failed");
    assert_eq!(password_only.body["errors"][0]["field"], "code");

    let code = app.next_code(&ada);
    let made = create_key(&app, &ada.user, json!({"name": "CI", "code": code})).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["id"].as_str().unwrap();
    // A new secret is a new way in: the same again.
    let rotate = |body: serde_json::Value| {
        app.authed(
            Method::POST,
            &format!("/v1/me/api-keys/{id}/rotate"),
            &ada.user.token,
        )
        .json(&body)
    };
    let refused = app.send(rotate(json!({"password": PASSWORD}))).await;
    refused.assert_problem(403, "reauthentication_failed");
    let code = app.next_code(&ada);
    let rotated = app
        .send(rotate(json!({"password": PASSWORD, "code": code})))
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);

    // Ada is told of both, by email.
    let told = app.queued_messages("ada@example.com", "alert.way_in_added");
    let about_keys: Vec<_> = told
        .iter()
        .filter(|t| t.contains("API key named \"CI\""))
        .collect();
    assert_eq!(about_keys.len(), 2, "{told:?}");
}

#[actix_web::test]
async fn a_password_reset_revokes_every_key_and_a_change_does_when_asked() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let key = |reply: crate::common::Reply| reply.body["secret"].as_str().unwrap().to_string();
    let first = key(create_key(&app, &ada, json!({"name": "one"})).await);

    // A change keeps the keys unless asked...
    let changed = app
        .send(
            app.authed(Method::POST, "/v1/me/password", &ada.token)
                .json(&json!({
                    "current_password": PASSWORD,
                    "new_password": "a second long passphrase",
                })),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    assert_eq!(app.get("/v1/me", &first).await.status, 200);
    // ...and revokes them when asked.
    let changed = app
        .send(
            app.authed(Method::POST, "/v1/me/password", &ada.token)
                .json(&json!({
                    "current_password": "a second long passphrase",
                    "new_password": PASSWORD,
                    "revoke_api_keys": true,
                })),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    app.get("/v1/me", &first)
        .await
        .assert_problem(401, "unauthenticated");

    // A reset ends every key made before it: whoever held the password may have made one.
    let second = key(create_key(&app, &ada, json!({"name": "two"})).await);
    app.reset_password_by_mail("ada@example.com", "a third long passphrase")
        .await;
    app.get("/v1/me", &second)
        .await
        .assert_problem(401, "unauthenticated");
    let ada = app
        .login_user("ada@example.com", "a third long passphrase")
        .await;
    let listed = app.get("/v1/me/api-keys", &ada.token).await;
    assert_eq!(listed.body["items"], json!([]));
    let log = app.get("/v1/me/audit-log", &ada.token).await;
    let revoked: Vec<&serde_json::Value> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "api_keys.revoked")
        .collect();
    assert_eq!(revoked.len(), 2, "{}", log.body);
    assert_eq!(revoked[0]["details"]["reason"], "password_reset");
    assert_eq!(revoked[1]["details"]["reason"], "password_changed");
}

#[actix_web::test]
async fn every_key_use_records_where_it_came_from() {
    let app = TestApp::builder()
        .trusted_proxies(&["127.0.0.1"])
        .spawn()
        .await;
    let ada = app.sign_up("ada@example.com").await;
    let created = create_key(&app, &ada, json!({"name": "CI"})).await;
    let key = created.body["secret"].as_str().unwrap().to_string();
    let use_from = |ip: &'static str, agent: &'static str| {
        app.send(
            app.authed(Method::GET, "/v1/me", &key)
                .header("x-forwarded-for", ip)
                .header("user-agent", agent),
        )
    };
    assert_eq!(use_from("203.0.113.7", "ci-runner/1.0").await.status, 200);
    let listed = app.get("/v1/me/api-keys", &ada.token).await;
    assert_eq!(listed.body["items"][0]["last_used_ip"], "203.0.113.7");
    assert_eq!(
        listed.body["items"][0]["last_used_user_agent"],
        "ci-runner/1.0"
    );
    // Within the same minute, from somewhere else: recorded at once, and in the history.
    assert_eq!(use_from("198.51.100.23", "curl/8.5.0").await.status, 200);
    let listed = app.get("/v1/me/api-keys", &ada.token).await;
    assert_eq!(listed.body["items"][0]["last_used_ip"], "198.51.100.23");
    assert_eq!(
        listed.body["items"][0]["last_used_user_agent"],
        "curl/8.5.0"
    );
    let history = app.get("/v1/me/login-history", &ada.token).await;
    let uses: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["method"] == "api_key")
        .map(|e| e["ip"].as_str().unwrap())
        .collect();
    assert_eq!(uses, ["198.51.100.23", "203.0.113.7"]);
}
