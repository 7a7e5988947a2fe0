//! Security alerts by email (a local SMTP server here): a sign-in from a new device, and failed
//! sign-in attempts, each when the account wants them.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::common::smtp::SmtpSink;
use crate::common::{CHROME_UA, PASSWORD, Reply, TestApp};

async fn app_with_mail(smtp: &SmtpSink) -> TestApp {
    let url = smtp.url.clone();
    TestApp::builder()
        .settings(move |s| s.smtp_url = Some(url))
        .spawn()
        .await
}

/// The `tessera_device` cookie an answer sets, if it sets one.
fn device_cookie(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("tessera_device="))
        .map(|v| v.split(';').next().unwrap().to_string())
}

async fn login(app: &TestApp, email: &str, password: &str, device: Device<'_>) -> Reply {
    let mut body = json!({"email": email, "password": password});
    let mut request = app
        .request(Method::POST, "/v1/auth/login")
        .header("user-agent", CHROME_UA);
    match device {
        Device::Cookie(cookie) => {
            request = request.header("cookie", format!("tessera_device={cookie}"));
        }
        Device::Id(id) => body["device_id"] = json!(id),
        Device::Unnamed => {}
    }
    app.send(request.json(&body)).await
}

#[derive(Clone, Copy)]
enum Device<'a> {
    Cookie(&'a str),
    Id(&'a str),
    Unnamed,
}

async fn alerts_to(app: &TestApp, smtp: &SmtpSink, email: &str, subject: &str) -> usize {
    app.deliver_outbox().await;
    smtp.mails_about(email, subject).len()
}

const NEW_DEVICE: &str = "New sign-in to your account";
const FAILED: &str = "Failed sign-in attempts on your account";

#[actix_web::test]
async fn a_sign_in_from_a_new_device_is_told_and_one_from_a_known_device_is_not() {
    let smtp = SmtpSink::start();
    let app = app_with_mail(&smtp).await;
    let signed_up = app
        .post_json(
            "/v1/accounts",
            json!({"email": "ada@example.com", "password": PASSWORD}),
        )
        .await;
    let laptop = device_cookie(&signed_up).expect("a device cookie at sign-up");
    assert!(
        signed_up
            .headers
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().contains("HttpOnly"))
    );

    // The browser she signed up with is known.
    let again = login(&app, "ada@example.com", PASSWORD, Device::Cookie(&laptop)).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(device_cookie(&again), None, "a known cookie is kept");
    assert_eq!(
        alerts_to(&app, &smtp, "ada@example.com", NEW_DEVICE).await,
        0
    );

    // Another browser: told, with where and how.
    let elsewhere = login(&app, "ada@example.com", PASSWORD, Device::Unnamed).await;
    let other = device_cookie(&elsewhere).expect("a new device gets a cookie");
    assert_ne!(other, laptop);
    assert_eq!(
        alerts_to(&app, &smtp, "ada@example.com", NEW_DEVICE).await,
        1
    );
    let alert = smtp
        .mails_about("ada@example.com", NEW_DEVICE)
        .pop()
        .unwrap();
    assert!(
        alert.data.contains("IP address: 127.0.0.1"),
        "{}",
        alert.data
    );
    assert!(alert.data.contains("Chrome on Windows"), "{}", alert.data);
    assert!(
        alert.data.contains("2026-03-02 09:00 UTC"),
        "{}",
        alert.data
    );
    login(&app, "ada@example.com", PASSWORD, Device::Cookie(&other)).await;
    assert_eq!(
        alerts_to(&app, &smtp, "ada@example.com", NEW_DEVICE).await,
        1
    );

    // An app names its installation.
    login(&app, "ada@example.com", PASSWORD, Device::Id("ios-7f3a")).await;
    login(&app, "ada@example.com", PASSWORD, Device::Id("ios-7f3a")).await;
    assert_eq!(
        alerts_to(&app, &smtp, "ada@example.com", NEW_DEVICE).await,
        2
    );
    let bad = login(&app, "ada@example.com", PASSWORD, Device::Id("")).await;
    bad.assert_problem(422, "validation_failed");

    // Turned off, no more alerts.
    let token = again.body["session_token"].as_str().unwrap();
    let set = app
        .send(
            app.authed(Method::PUT, "/v1/me/notifications", token)
                .json(&json!({"new_device_login": false, "failed_login": true})),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    login(&app, "ada@example.com", PASSWORD, Device::Unnamed).await;
    assert_eq!(
        alerts_to(&app, &smtp, "ada@example.com", NEW_DEVICE).await,
        2
    );
}

#[actix_web::test]
async fn a_new_device_that_answers_a_challenge_is_told_once_signed_in() {
    let smtp = SmtpSink::start();
    let app = app_with_mail(&smtp).await;
    let bob = app.sign_up_with_mfa("bob@example.com").await;
    app.advance(Duration::seconds(30));
    let first = login(&app, "bob@example.com", PASSWORD, Device::Id("android-1")).await;
    assert_eq!(first.body["status"], "mfa_required", "{}", first.body);
    assert_eq!(
        alerts_to(&app, &smtp, "bob@example.com", NEW_DEVICE).await,
        0
    );
    let challenge = first.body["challenge"]["id"].as_str().unwrap();
    let verified = app
        .verify(challenge, "totp", &app.current_code(&bob.secret))
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(
        alerts_to(&app, &smtp, "bob@example.com", NEW_DEVICE).await,
        1
    );
}

#[actix_web::test]
async fn failed_sign_ins_are_told_at_most_every_15_minutes_when_wanted() {
    let smtp = SmtpSink::start();
    let app = app_with_mail(&smtp).await;
    app.sign_up("ada@example.com").await;
    let bob = app.sign_up("bob@example.com").await;

    let preferences = app.get("/v1/me/notifications", &bob.token).await;
    assert_eq!(
        preferences.body,
        json!({"new_device_login": true, "failed_login": true})
    );
    let off = app
        .send(
            app.authed(Method::PUT, "/v1/me/notifications", &bob.token)
                .json(&json!({"new_device_login": true, "failed_login": false})),
        )
        .await;
    assert_eq!(off.body["failed_login"], false);
    let log = app.get("/v1/me/audit-log", &bob.token).await;
    assert_eq!(log.body["items"][0]["event"], "notifications.changed");
    app.send(
        app.authed(Method::PUT, "/v1/me/notifications", &bob.token)
            .json(&json!({"failed_login": false})),
    )
    .await
    .assert_problem(422, "missing_field");

    for _ in 0..3 {
        app.login("ada@example.com", "wrong password")
            .await
            .assert_problem(401, "invalid_credentials");
        app.login("bob@example.com", "wrong password")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    assert_eq!(alerts_to(&app, &smtp, "ada@example.com", FAILED).await, 1);
    assert_eq!(alerts_to(&app, &smtp, "bob@example.com", FAILED).await, 0);
    let alert = smtp.mails_about("ada@example.com", FAILED).pop().unwrap();
    assert!(
        alert.data.contains("IP address: 127.0.0.1"),
        "{}",
        alert.data
    );

    app.advance(Duration::minutes(14));
    app.login("ada@example.com", "wrong password").await;
    assert_eq!(alerts_to(&app, &smtp, "ada@example.com", FAILED).await, 1);
    app.advance(Duration::minutes(1));
    app.login("ada@example.com", "wrong password").await;
    assert_eq!(alerts_to(&app, &smtp, "ada@example.com", FAILED).await, 2);
    // A right password is no failure.
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status, 200);
    assert_eq!(alerts_to(&app, &smtp, "ada@example.com", FAILED).await, 2);
}

#[actix_web::test]
async fn sign_ins_at_once_from_one_new_device_are_told_once() {
    let smtp = SmtpSink::start();
    let app = app_with_mail(&smtp).await;
    app.sign_up("ada@example.com").await;
    let other_instance = app.start_another_instance();
    let replies = app
        .send_at_once(&[app.base.clone(), other_instance], 8, |_, base| {
            app.http.post(format!("{base}/v1/auth/login")).json(
                &json!({"email": "ada@example.com", "password": PASSWORD, "device_id": "tablet-1"}),
            )
        })
        .await;
    for reply in &replies {
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    assert_eq!(
        alerts_to(&app, &smtp, "ada@example.com", NEW_DEVICE).await,
        1
    );
    // And failures at once: one alert.
    let failures = app
        .send_at_once(std::slice::from_ref(&app.base), 6, |_, base| {
            app.http
                .post(format!("{base}/v1/auth/login"))
                .json(&json!({"email": "ada@example.com", "password": "wrong"}))
        })
        .await;
    assert!(failures.iter().all(|r| r.status == 401), "{failures:?}");
    assert_eq!(alerts_to(&app, &smtp, "ada@example.com", FAILED).await, 1);
}
