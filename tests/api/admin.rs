//! Support: operator keys from the command line, and freezing an account.

use reqwest::Method;

use crate::common::{PASSWORD, TestApp};

fn operator_key(app: &TestApp) -> String {
    let (code, out, err) = app.run_cli(&["admin", "create-operator-key", "--name", "Support"]);
    assert_eq!(code, 0, "{err}");
    let key = out.trim().to_string();
    assert!(key.starts_with("tso_"), "{out}");
    key
}

#[actix_web::test]
async fn a_frozen_account_loses_its_sessions_and_cannot_sign_in_until_unfrozen() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let key = operator_key(&app);
    let bob = app.sign_up_with_mfa("bob@example.com").await;
    // Bob is halfway through signing in when support freezes him.
    let challenge = app.login_to_challenge("bob@example.com").await;

    let found = app
        .get("/v1/admin/accounts?email=ADA@example.com", &key)
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.body[0]["id"], ada.account_id.as_str());
    assert_eq!(found.body[0]["frozen_at"], serde_json::Value::Null);
    assert_eq!(
        app.get("/v1/admin/accounts?email=nobody@example.com", &key)
            .await
            .body,
        serde_json::json!([])
    );

    for user in [&ada, &bob.user] {
        let frozen = app
            .send(app.authed(
                Method::POST,
                &format!("/v1/admin/accounts/{}/freeze", user.account_id),
                &key,
            ))
            .await;
        assert_eq!(frozen.status, 200, "{}", frozen.body);
        assert!(frozen.body["frozen_at"].is_string());
        assert_eq!(app.session_check(&user.token).await, 401);
    }
    // Only a right password learns of the freeze.
    app.login("ada@example.com", PASSWORD)
        .await
        .assert_problem(423, "account_frozen");
    app.login("ada@example.com", "wrong password")
        .await
        .assert_problem(401, "invalid_credentials");
    // The freeze ended his half-done sign-in too; signing in again learns of the freeze.
    app.verify(&challenge, "totp", &app.current_code(&bob.secret))
        .await
        .assert_problem(410, "challenge_expired");
    app.login("bob@example.com", PASSWORD)
        .await
        .assert_problem(423, "account_frozen");

    let unfrozen = app
        .send(app.authed(
            Method::POST,
            &format!("/v1/admin/accounts/{}/unfreeze", ada.account_id),
            &key,
        ))
        .await;
    assert_eq!(unfrozen.body["frozen_at"], serde_json::Value::Null);
    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.body);
    let token = login.body["session_token"].as_str().unwrap();
    let log = app.get("/v1/me/audit-log", token).await;
    let events: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(&events[..2], ["account.unfrozen", "account.frozen"]);
    assert_eq!(log.body["items"][1]["details"]["operator"], "Support");
    assert_eq!(log.body["items"][1]["actor_id"], serde_json::Value::Null);
}

#[actix_web::test]
async fn only_an_operator_key_opens_the_admin_calls_and_it_opens_nothing_else() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let key = operator_key(&app);
    let path = format!("/v1/admin/accounts/{}/freeze", ada.account_id);
    for token in [ada.token.as_str(), "tso_not-a-key", "nonsense"] {
        app.send(app.authed(Method::POST, &path, token))
            .await
            .assert_problem(401, "unauthenticated");
    }
    app.get("/v1/me", &key)
        .await
        .assert_problem(401, "unauthenticated");
    app.send(app.authed(
        Method::POST,
        "/v1/admin/accounts/01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a/freeze",
        &key,
    ))
    .await
    .assert_problem(404, "not_found");
}
