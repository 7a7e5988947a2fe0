//! The rules around sensitive changes: what turning MFA on and changing the password end,
//! and how a wrong confirmation is answered (403, never a sign-out).

use crate::common::{PASSWORD, TestApp};
use chrono::Duration;
use reqwest::Method;
use serde_json::json;

#[actix_web::test]
async fn turning_mfa_on_signs_out_the_other_sessions_and_raises_this_one_to_aal2() {
    let app = TestApp::spawn().await;
    let laptop = app.sign_up("ada@example.com").await;
    let phone = app
        .login_with_agent("ada@example.com", crate::common::FIREFOX_UA)
        .await;

    let enrolment = app.enrol_totp(&laptop).await;
    let secret = enrolment.body["secret"].as_str().unwrap();
    let factor_id = enrolment.body["factor_id"].as_str().unwrap();
    let activated = app
        .activate(&laptop, factor_id, &app.current_code(secret))
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);

    assert_eq!(app.session_check(&phone.token).await, 401);
    let current = app.get("/v1/sessions/current", &laptop.token).await;
    assert_eq!(current.status, 200);
    assert_eq!(current.body["session"]["aal"], "aal2");
    assert_eq!(
        current.body["session"]["methods"],
        json!(["password", "totp"])
    );

    let log = app.get("/v1/me/audit-log", &laptop.token).await;
    let revoked = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "sessions.revoked_others")
        .expect("audited");
    assert_eq!(revoked["details"]["revoked"], 1);
    assert_eq!(revoked["details"]["reason"], "mfa_enabled");
}

#[actix_web::test]
async fn a_password_change_with_mfa_on_needs_a_code_and_ends_open_challenges_and_enrolments() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let token = &ada.user.token;
    let change = |code: Option<String>| {
        let mut body =
            json!({"current_password": PASSWORD, "new_password": "another fine passphrase"});
        if let Some(code) = code {
            body["code"] = json!(code);
        }
        app.authed(Method::POST, "/v1/me/password", token)
            .json(&body)
    };

    let without_code = app.send(change(None)).await;
    without_code.assert_problem(403, "reauthentication_failed");
    assert_eq!(without_code.body["errors"][0]["field"], "code");
    assert_eq!(without_code.body["errors"][0]["code"], "required");
    let wrong_code = app.send(change(Some("000000".into()))).await;
    wrong_code.assert_problem(403, "reauthentication_failed");
    assert_eq!(wrong_code.body["errors"][0]["field"], "code");
    assert_eq!(app.session_check(token).await, 200, "a typo is no sign-out");
    // Nothing changed: the old password still opens a challenge.
    let challenge = app.login_to_challenge("ada@example.com").await;

    let changed = app.send(change(Some(app.current_code(&ada.secret)))).await;
    assert_eq!(changed.status, 204, "{}", changed.body);

    // The challenge stood for the old password: it is gone.
    app.advance(Duration::seconds(30));
    app.verify(&challenge, "totp", &app.current_code(&ada.secret))
        .await
        .assert_problem(410, "challenge_expired");
    assert_eq!(
        app.session_check(token).await,
        200,
        "the calling session stays"
    );
    let login = app
        .login("ada@example.com", "another fine passphrase")
        .await;
    assert_eq!(login.body["status"], "mfa_required");
}

#[actix_web::test]
async fn a_password_change_discards_a_pending_enrolment() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let enrolment = app.enrol_totp(&ada).await;
    let secret = enrolment.body["secret"].as_str().unwrap();
    let factor_id = enrolment.body["factor_id"].as_str().unwrap();
    let changed = app
        .send(
            app.authed(Method::POST, "/v1/me/password", &ada.token).json(
                &json!({"current_password": PASSWORD, "new_password": "another fine passphrase"}),
            ),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    app.activate(&ada, factor_id, &app.current_code(secret))
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_wrong_password_given_to_confirm_is_a_403_that_keeps_the_session_but_counts() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let enrol_with = |password: &str| {
        app.authed(Method::POST, "/v1/me/mfa/totp", &ada.token)
            .json(&json!({"password": password}))
    };
    let wrong = app.send(enrol_with("wrong password")).await;
    wrong.assert_problem(403, "reauthentication_failed");
    assert_eq!(wrong.body["errors"][0]["field"], "password");
    assert_eq!(app.session_check(&ada.token).await, 200);

    for _ in 0..9 {
        app.send(enrol_with("wrong password"))
            .await
            .assert_problem(403, "reauthentication_failed");
    }
    // Ten wrong re-entries lock password checks from this address, like ten failed logins.
    app.send(enrol_with(PASSWORD))
        .await
        .assert_problem(429, "too_many_attempts");
    app.login("ada@example.com", PASSWORD)
        .await
        .assert_problem(429, "too_many_attempts");
    assert_eq!(app.session_check(&ada.token).await, 200);
}

#[actix_web::test]
async fn five_wrong_codes_kill_a_pending_factor() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let enrolment = app.enrol_totp(&ada).await;
    let secret = enrolment.body["secret"].as_str().unwrap();
    let factor_id = enrolment.body["factor_id"].as_str().unwrap();
    for remaining in (0..5).rev() {
        let wrong = app.activate(&ada, factor_id, "000000").await;
        wrong.assert_problem(403, "reauthentication_failed");
        assert_eq!(wrong.body["errors"][0]["field"], "code");
        assert_eq!(wrong.body["attempts_remaining"], remaining);
    }
    app.activate(&ada, factor_id, &app.current_code(secret))
        .await
        .assert_problem(410, "factor_exhausted");
    assert_eq!(
        app.get("/v1/me/mfa", &ada.token).await.body["enabled"],
        false
    );

    // Starting over works.
    let again = app.enrol_totp(&ada).await;
    let secret = again.body["secret"].as_str().unwrap();
    let factor_id = again.body["factor_id"].as_str().unwrap();
    let activated = app
        .activate(&ada, factor_id, &app.current_code(secret))
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);
}

#[actix_web::test]
async fn a_missing_current_password_is_refused_as_a_wrong_one_is_naming_it() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let refused = app
        .send(
            app.authed(Method::POST, "/v1/me/password", &ada.token)
                .json(&json!({"new_password": "a brand new passphrase"})),
        )
        .await;
    refused.assert_problem(403, "reauthentication_failed");
    assert_eq!(refused.body["errors"][0]["field"], "current_password");
    let refused = app
        .send(
            app.authed(Method::POST, "/v1/me/email", &ada.token)
                .json(&json!({"email": "ada@example.org"})),
        )
        .await;
    refused.assert_problem(403, "reauthentication_failed");
    assert_eq!(refused.body["errors"][0]["field"], "password");
    assert_eq!(
        app.session_check(&ada.token).await,
        200,
        "a slip is no sign-out"
    );
}
