//! Every way into an account is guarded and told (DESIGN.md §6): a second factor, an API key,
//! a WhatsApp number that receives login codes. A stolen session alone plants none of them;
//! once MFA is on, the password alone does not either; the owner is emailed of each. And the
//! recovery that proves the mailbox lifts the lock on the account, not on its attackers.

use reqwest::Method;
use serde_json::json;

use crate::common::{PASSWORD, TestApp};

#[actix_web::test]
async fn a_stolen_session_cannot_set_the_whatsapp_number_that_receives_login_codes() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let patch = |body: serde_json::Value| {
        app.send(app.authed(Method::PATCH, "/v1/me", &ada.token).json(&body))
    };
    let refused = patch(json!({"whatsapp_number": "+14155550123"})).await;
    refused.assert_problem(403, "reauthentication_failed");
    assert_eq!(refused.body["errors"][0]["field"], "password");
    let wrong =
        patch(json!({"whatsapp_number": "+14155550123", "password": "not it at all"})).await;
    wrong.assert_problem(403, "reauthentication_failed");
    // The rest of the profile needs no password.
    let named = patch(json!({"display_name": "Ada"})).await;
    assert_eq!(named.status, 200, "{}", named.body);
    let set = patch(json!({"whatsapp_number": "+14155550123", "password": PASSWORD})).await;
    assert_eq!(set.status, 200, "{}", set.body);
    // Clearing it is a change to a way in too.
    patch(json!({"whatsapp_number": null}))
        .await
        .assert_problem(403, "reauthentication_failed");
    let audit = app.get("/v1/me/audit-log", &ada.token).await;
    assert!(
        audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "profile.updated"
                && e["details"]["fields"] == json!(["whatsapp_number"])),
        "{}",
        audit.body
    );
}

#[actix_web::test]
async fn with_mfa_on_the_password_alone_sets_no_whatsapp_number_and_adds_no_factor() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let token = &ada.user.token;
    let refused = app
        .send(
            app.authed(Method::PATCH, "/v1/me", token)
                .json(&json!({"whatsapp_number": "+14155550123", "password": PASSWORD})),
        )
        .await;
    refused.assert_problem(403, "reauthentication_failed");
    assert_eq!(refused.body["errors"][0]["field"], "code");
    let refused = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", token)
                .json(&json!({"password": PASSWORD})),
        )
        .await;
    refused.assert_problem(403, "reauthentication_failed");
    assert_eq!(refused.body["errors"][0]["field"], "code");
    let code = app.next_code(&ada);
    let set = app
        .send(
            app.authed(Method::PATCH, "/v1/me", token).json(
                &json!({"whatsapp_number": "+14155550123", "password": PASSWORD, "code": code}),
            ),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
}

#[actix_web::test]
async fn the_owner_is_emailed_of_every_new_factor_and_key() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let told = app.queued_messages("ada@example.com", "alert.way_in_added");
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].starts_with("An authenticator app was added as a second factor"),
        "{}",
        told[0]
    );
    let code = app.next_code(&ada);
    let key = app
        .send(
            app.authed(Method::POST, "/v1/me/api-keys", &ada.user.token)
                .json(&json!({"name": "backup script", "password": PASSWORD, "code": code})),
        )
        .await;
    assert_eq!(key.status, 201, "{}", key.body);
    let told = app.queued_messages("ada@example.com", "alert.way_in_added");
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(
        told[1].contains("API key named \"backup script\""),
        "{}",
        told[1]
    );
    assert!(
        told[1].contains("IP address:"),
        "where it came from: {}",
        told[1]
    );
}

#[actix_web::test]
async fn a_password_reset_lifts_the_account_wide_lock_but_not_the_guessers_own() {
    let app = TestApp::builder()
        .trusted_proxies(&["127.0.0.1"])
        .spawn()
        .await;
    app.sign_up("ada@example.com").await;
    // One guesser locks its own address (10), others push the account to its backstop (100).
    for _ in 0..10 {
        app.login_from("198.51.100.66", "ada@example.com", "wrong")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    for host in 0..10 {
        for _ in 0..9 {
            app.login_from(&format!("198.51.100.{host}"), "ada@example.com", "wrong")
                .await
                .assert_problem(401, "invalid_credentials");
        }
    }
    app.login_from("203.0.113.9", "ada@example.com", PASSWORD)
        .await
        .assert_problem(429, "too_many_attempts");

    // Ada proves her mailbox: the account is hers again, from anywhere...
    let new_password = "a fresh passphrase for ada";
    app.reset_password_by_mail("ada@example.com", new_password)
        .await;
    let back = app
        .login_from("203.0.113.9", "ada@example.com", new_password)
        .await;
    assert_eq!(back.status, 200, "{}", back.body);
    // ...while the address that guessed stays locked out.
    app.login_from("198.51.100.66", "ada@example.com", new_password)
        .await
        .assert_problem(429, "too_many_attempts");
}

#[actix_web::test]
async fn a_second_factor_keeps_the_other_signed_in_devices_and_is_not_mfa_turned_on_again() {
    let app = TestApp::builder()
        .settings(|s| s.dev_log_codes = true)
        .spawn()
        .await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    // Her phone signs in with the authenticator too (aal2).
    let challenge = app.login_to_challenge("ada@example.com").await;
    let phone = app
        .verify(&challenge, "totp", &app.current_code(&ada.secret))
        .await;
    assert_eq!(phone.status, 200, "{}", phone.body);
    let phone_token = phone.body["session_token"].as_str().unwrap().to_string();

    // From the laptop she adds SMS codes as a backup.
    let code = app.next_code(&ada);
    let started = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/sms", &ada.user.token)
                .json(&json!({"phone": "+15550100456", "password": PASSWORD, "code": code})),
        )
        .await;
    assert_eq!(started.status, 201, "{}", started.body);
    let sms = app
        .queued_messages("+1•••••0456", "code.activation")
        .pop()
        .unwrap();
    let sms_code: String = sms.chars().filter(char::is_ascii_digit).take(6).collect();
    let factor = started.body["factor_id"].as_str().unwrap();
    let activated = app.activate(&ada.user, factor, &sms_code).await;
    assert_eq!(activated.status, 200, "{}", activated.body);

    // The phone stays signed in; the log says a factor was added, not that MFA was turned on.
    assert_eq!(app.session_check(&phone_token).await, 200);
    let log = app.get("/v1/me/audit-log", &ada.user.token).await;
    let events: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events[0], "mfa.factor_added", "{events:?}");
    assert_eq!(events.iter().filter(|e| **e == "mfa.enabled").count(), 1);
}

/// An operator key, as support gets one.
fn operator_key(app: &TestApp) -> String {
    let (code, out, err) = app.run_cli(&["admin", "create-operator-key", "--name", "Ops"]);
    assert_eq!(code, 0, "{err}");
    out.trim().to_string()
}

#[actix_web::test]
async fn an_mfa_reset_and_a_freeze_end_the_keys_and_the_number_made_before_them() {
    let app = TestApp::builder()
        .settings(|s| s.dev_log_codes = true)
        .spawn()
        .await;
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    let linus = app
        .managed_member(&ada, &org, "linus@example.com", "member")
        .await;
    let make_key = |token: String| {
        let app = &app;
        async move {
            let made = app
                .send(
                    app.authed(Method::POST, "/v1/me/api-keys", &token)
                        .json(&json!({"name": "laptop", "password": PASSWORD})),
                )
                .await;
            assert_eq!(made.status, 201, "{}", made.body);
            made.body["secret"].as_str().unwrap().to_string()
        }
    };

    // Someone with Linus's password planted a key and proved a WhatsApp number of theirs.
    let key = make_key(linus.token.clone()).await;
    let set = app
        .send(
            app.authed(Method::PATCH, "/v1/me", &linus.token)
                .json(&json!({"whatsapp_number": "+14155550123", "password": PASSWORD})),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    let sent = app
        .queued_messages("+1•••••0123", "code.verification")
        .pop()
        .unwrap();
    let code: String = sent.chars().filter(char::is_ascii_digit).take(6).collect();
    let proven = app
        .send(
            app.authed(Method::POST, "/v1/me/whatsapp/verify", &linus.token)
                .json(&json!({"code": code})),
        )
        .await;
    assert_eq!(proven.status, 200, "{}", proven.body);
    assert!(proven.body["whatsapp_verified_at"].is_string());

    // Acme's admin resets his MFA: the key and the number's proof end with it.
    let reset = app
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/orgs/{org}/members/{}/mfa/reset", linus.account_id),
                &ada.token,
            )
            .json(&json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    app.get("/v1/me", &key)
        .await
        .assert_problem(401, "unauthenticated");
    let linus = app.login_user("linus@example.com", PASSWORD).await;
    let me = app.get("/v1/me", &linus.token).await;
    assert_eq!(me.body["whatsapp_verified_at"], serde_json::Value::Null);

    // Support freezes the account over another key; unfreezing brings no key back.
    let key = make_key(linus.token.clone()).await;
    let ops = operator_key(&app);
    for action in ["freeze", "unfreeze"] {
        let done = app
            .send(app.authed(
                Method::POST,
                &format!("/v1/admin/accounts/{}/{action}", linus.account_id),
                &ops,
            ))
            .await;
        assert_eq!(done.status, 200, "{action}: {}", done.body);
    }
    app.get("/v1/me", &key)
        .await
        .assert_problem(401, "unauthenticated");
}
