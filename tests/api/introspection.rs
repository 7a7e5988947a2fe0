//! Token introspection (RFC 7662): an integrator's back-end asks whether a session token or
//! API key is live, with its introspection key.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{PASSWORD, Reply, TestApp};

fn cli_key(app: &TestApp, args: &[&str], prefix: &str) -> String {
    let (code, out, err) = app.run_cli(args);
    assert_eq!(code, 0, "{err}");
    let key = out.trim().to_string();
    assert!(key.starts_with(prefix), "{out}");
    key
}

fn introspection_key(app: &TestApp) -> String {
    cli_key(
        app,
        &[
            "admin",
            "create-introspection-key",
            "--name",
            "Orders back-end",
        ],
        "tsi_",
    )
}

async fn introspect(app: &TestApp, credential: &str, token: &str) -> Reply {
    app.send(
        app.authed(Method::POST, "/v1/introspect", credential)
            .json(&json!({"token": token})),
    )
    .await
}

async fn is_active(app: &TestApp, credential: &str, token: &str) -> bool {
    let reply = introspect(app, credential, token).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    match reply.body["active"] {
        Value::Bool(true) => true,
        Value::Bool(false) => {
            assert_eq!(reply.body, json!({"active": false}), "nothing more is told");
            false
        }
        _ => panic!("{}", reply.body),
    }
}

#[actix_web::test]
async fn a_live_session_and_api_key_are_described_and_anything_else_is_inactive() {
    let app = TestApp::spawn().await;
    let key = introspection_key(&app);
    let ada = app.sign_up("ada@example.com").await;

    let session = introspect(&app, &key, &ada.token).await;
    assert_eq!(session.status, 200, "{}", session.body);
    assert_eq!(session.header("cache-control"), Some("no-store"));
    let now = app.state.now().timestamp();
    assert_eq!(
        session.body,
        json!({
            "active": true,
            "token_type": "session",
            "sub": ada.account_id,
            "sid": ada.session_id,
            "aal": "aal1",
            "amr": ["pwd"],
            "email_verified": false,
            "iat": now,
            "exp": now + 7 * 24 * 3600,
        })
    );

    // As OAuth clients send it: a form.
    let form = app
        .send(
            app.authed(Method::POST, "/v1/introspect", &key)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("token={}&token_type_hint=access_token", ada.token)),
        )
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert_eq!(form.body["sid"], ada.session_id.as_str());

    let bob = app.sign_up_with_mfa("bob@example.com").await;
    let bob_session = introspect(&app, &key, &bob.user.token).await;
    assert_eq!(bob_session.body["aal"], "aal2");
    assert_eq!(bob_session.body["amr"], json!(["pwd", "otp", "mfa"]));

    let created = app
        .send(
            app.authed(Method::POST, "/v1/me/api-keys", &ada.token)
                .json(&json!({
                    "name": "CI",
                    "scopes": ["profile:read", "sessions:read"],
                    "password": PASSWORD,
                })),
        )
        .await;
    let api_key = created.body["secret"].as_str().unwrap().to_string();
    let created_at = app.state.now().timestamp();
    let described = introspect(&app, &key, &api_key).await;
    assert_eq!(
        described.body,
        json!({
            "active": true,
            "token_type": "api_key",
            "sub": ada.account_id,
            "key_id": created.body["id"],
            "scope": "profile:read sessions:read",
            "email_verified": false,
            "iat": created_at,
        })
    );

    // Garbage of every kind is simply inactive.
    for garbage in [
        "",
        "nonsense",
        "tss_nonsense",
        "tsk_nonsense_x",
        "tso_nonsense",
        &"x".repeat(5000),
    ] {
        assert!(!is_active(&app, &key, garbage).await, "{garbage}");
    }

    // A deleted key, a signed-out session, an idle-expired one.
    let deleted = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/me/api-keys/{}", created.body["id"].as_str().unwrap()),
            &ada.token,
        ))
        .await;
    assert_eq!(deleted.status, 204);
    assert!(!is_active(&app, &key, &api_key).await);
    let other_session = app.login("ada@example.com", crate::common::PASSWORD).await;
    let other_session = other_session.body["session_token"].as_str().unwrap();
    app.send(app.authed(Method::POST, "/v1/auth/logout", &ada.token))
        .await;
    assert!(!is_active(&app, &key, &ada.token).await);
    assert!(is_active(&app, &key, other_session).await);
    app.advance(Duration::days(7));
    assert!(!is_active(&app, &key, other_session).await);
}

#[actix_web::test]
async fn a_frozen_accounts_tokens_are_inactive() {
    let app = TestApp::spawn().await;
    let operator = cli_key(
        &app,
        &["admin", "create-operator-key", "--name", "Support"],
        "tso_",
    );
    let ada = app.sign_up("ada@example.com").await;
    let api_key = app
        .send(
            app.authed(Method::POST, "/v1/me/api-keys", &ada.token)
                .json(&json!({"name": "CI", "password": PASSWORD})),
        )
        .await
        .body["secret"]
        .as_str()
        .unwrap()
        .to_string();
    // An operator key introspects too.
    assert!(is_active(&app, &operator, &ada.token).await);
    assert!(is_active(&app, &operator, &api_key).await);

    let frozen = app
        .send(app.authed(
            Method::POST,
            &format!("/v1/admin/accounts/{}/freeze", ada.account_id),
            &operator,
        ))
        .await;
    assert_eq!(frozen.status, 200, "{}", frozen.body);
    assert!(!is_active(&app, &operator, &ada.token).await);
    assert!(!is_active(&app, &operator, &api_key).await);
}

#[actix_web::test]
async fn only_an_integrator_credential_may_introspect() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let api_key = app
        .send(
            app.authed(Method::POST, "/v1/me/api-keys", &ada.token)
                .json(&json!({"name": "CI", "password": PASSWORD})),
        )
        .await
        .body["secret"]
        .as_str()
        .unwrap()
        .to_string();

    let anonymous = app
        .send(
            app.request(Method::POST, "/v1/introspect")
                .json(&json!({"token": ada.token})),
        )
        .await;
    anonymous.assert_problem(401, "unauthenticated");
    // Neither a session, nor an API key, nor a made-up key, nor a session cookie.
    for credential in [ada.token.as_str(), &api_key, "tsi_made-up", "tso_made-up"] {
        introspect(&app, credential, &ada.token)
            .await
            .assert_problem(401, "unauthenticated");
    }
    app.send(
        app.request(Method::POST, "/v1/introspect")
            .header("cookie", format!("tessera_session={}", ada.token))
            .json(&json!({"token": ada.token})),
    )
    .await
    .assert_problem(401, "unauthenticated");

    // A bad request is a clear 4xx, once the credential is good.
    let key = introspection_key(&app);
    app.send(
        app.authed(Method::POST, "/v1/introspect", &key)
            .json(&json!({})),
    )
    .await
    .assert_problem(422, "missing_field");
    app.send(
        app.authed(Method::POST, "/v1/introspect", &key)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("token_type_hint=session"),
    )
    .await
    .assert_problem(422, "missing_field");
    app.send(
        app.authed(Method::POST, "/v1/introspect", &key)
            .header("content-type", "text/plain")
            .body(ada.token.clone()),
    )
    .await
    .assert_problem(415, "unsupported_media_type");
}
