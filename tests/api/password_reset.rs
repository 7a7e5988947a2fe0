//! A forgotten password: the link arrives by email (a local SMTP server here), works once,
//! within the hour, and signs every device out.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::common::smtp::SmtpSink;
use crate::common::{PASSWORD, TestApp};

const NEW_PASSWORD: &str = "a brand new passphrase for ada";

async fn app_with_mail(smtp: &SmtpSink) -> TestApp {
    let url = smtp.url.clone();
    TestApp::builder()
        .settings(move |s| {
            s.smtp_url = Some(url);
            s.email_from = "Tessera <auth@example.com>".into();
            s.reset_url = Some("https://app.example.com/reset#token={token}".into());
        })
        .spawn()
        .await
}

async fn forgot(app: &TestApp, email: &str) {
    let reply = app
        .post_json("/v1/auth/password/forgot", json!({"email": email}))
        .await;
    assert_eq!(reply.status, 202, "{}", reply.body);
}

async fn reset(app: &TestApp, token: &str, password: &str) -> crate::common::Reply {
    app.post_json(
        "/v1/auth/password/reset",
        json!({"token": token, "new_password": password}),
    )
    .await
}

/// The mails to `email` with `subject` (the address's verification and sign-ins from new
/// devices are mailed too).
fn mails_about(smtp: &SmtpSink, email: &str, subject: &str) -> Vec<String> {
    smtp.mails_about(email, &format!("{subject}\r\n"))
        .into_iter()
        .map(|m| m.data)
        .collect()
}

const RESET: &str = "Reset your password";

fn token_in(mail: &str) -> String {
    let start = mail
        .find("https://app.example.com/reset#token=")
        .expect("the link")
        + "https://app.example.com/reset#token=".len();
    mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

#[actix_web::test]
async fn a_reset_link_sets_a_new_password_once_and_signs_every_device_out() {
    let smtp = SmtpSink::start();
    let app = app_with_mail(&smtp).await;
    let ada = app.sign_up("ada@example.com").await;
    let laptop = app.login("ada@example.com", PASSWORD).await;
    let laptop = laptop.body["session_token"].as_str().unwrap().to_string();

    forgot(&app, "Ada@Example.com").await;
    app.deliver_outbox().await;
    let mails = mails_about(&smtp, "ada@example.com", "Reset your password");
    assert_eq!(mails.len(), 1, "{:?}", smtp.mails());
    assert!(mails[0].contains("From: Tessera <auth@example.com>"));
    let token = token_in(&mails[0]);
    assert!(token.starts_with("tsr_"), "{}", mails[0]);
    assert!(!app.rows_dump().contains(&token), "only a digest is kept");

    // A weak new password is refused and leaves the link usable.
    let weak = reset(&app, &token, "password").await;
    weak.assert_problem(422, "validation_failed");
    let done = reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(done.status, 204, "{}", done.body);

    for token in [&ada.token, &laptop] {
        assert_eq!(app.session_check(token).await, 401);
    }
    app.login("ada@example.com", PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(app.login("ada@example.com", NEW_PASSWORD).await.status, 200);
    reset(&app, &token, "yet another long passphrase")
        .await
        .assert_problem(400, "reset_token_invalid");

    // The account is told, and the audit log says how.
    app.deliver_outbox().await;
    let told = mails_about(&smtp, "ada@example.com", "Your password was changed");
    assert_eq!(told.len(), 1);
    let session = app.login("ada@example.com", NEW_PASSWORD).await;
    let token = session.body["session_token"].as_str().unwrap();
    let log = app.get("/v1/me/audit-log", token).await;
    assert!(
        log.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "password.reset"),
        "{}",
        log.body
    );
}

#[actix_web::test]
async fn unknown_emails_get_the_same_answer_and_no_mail() {
    let smtp = SmtpSink::start();
    let app = app_with_mail(&smtp).await;
    forgot(&app, "nobody@example.com").await;
    assert_eq!(app.deliver_outbox().await, 0);
    assert!(smtp.mails().is_empty());
    app.post_json("/v1/auth/password/forgot", json!({}))
        .await
        .assert_problem(422, "missing_field");
    app.post_json(
        "/v1/auth/password/forgot",
        json!({"email": format!("{}@example.com", "a".repeat(250))}),
    )
    .await
    .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn a_link_expires_after_an_hour_and_a_newer_one_replaces_it() {
    let smtp = SmtpSink::start();
    let app = app_with_mail(&smtp).await;
    app.sign_up("ada@example.com").await;
    forgot(&app, "ada@example.com").await;
    // Asking again at once sends nothing more.
    forgot(&app, "ada@example.com").await;
    app.deliver_outbox().await;
    let links = mails_about(&smtp, "ada@example.com", RESET);
    assert_eq!(links.len(), 1);
    let first = token_in(&links[0]);

    app.advance(Duration::minutes(2));
    forgot(&app, "ada@example.com").await;
    app.deliver_outbox().await;
    let second = token_in(&mails_about(&smtp, "ada@example.com", RESET)[1]);
    reset(&app, &first, NEW_PASSWORD)
        .await
        .assert_problem(400, "reset_token_invalid");

    app.advance(Duration::hours(1));
    reset(&app, &second, NEW_PASSWORD)
        .await
        .assert_problem(400, "reset_token_invalid");
    for garbage in ["", "tsr_nonsense", "tss_abc"] {
        reset(&app, garbage, NEW_PASSWORD)
            .await
            .assert_problem(400, "reset_token_invalid");
    }
}

#[actix_web::test]
async fn a_frozen_account_cannot_be_reset_out_of_its_freeze() {
    let smtp = SmtpSink::start();
    let app = app_with_mail(&smtp).await;
    let ada = app.sign_up("ada@example.com").await;
    forgot(&app, "ada@example.com").await;
    app.deliver_outbox().await;
    let token = token_in(&mails_about(&smtp, "ada@example.com", RESET)[0]);
    let (_, key, _) = app.run_cli(&["admin", "create-operator-key", "--name", "Support"]);
    let frozen = app
        .send(app.authed(
            Method::POST,
            &format!("/v1/admin/accounts/{}/freeze", ada.account_id),
            key.trim(),
        ))
        .await;
    assert_eq!(frozen.status, 200);
    reset(&app, &token, NEW_PASSWORD)
        .await
        .assert_problem(423, "account_frozen");
    app.advance(Duration::minutes(2));
    forgot(&app, "ada@example.com").await;
    app.deliver_outbox().await;
    assert_eq!(
        mails_about(&smtp, "ada@example.com", RESET).len(),
        1,
        "no link for a frozen account"
    );
}

#[actix_web::test]
async fn without_a_front_end_page_the_emailed_link_explains_itself_instead_of_a_404() {
    let app = TestApp::spawn().await;
    for (path, setting) in [
        ("/reset-password", "TESSERA_RESET_URL"),
        ("/accept-invitation", "TESSERA_INVITE_URL"),
        ("/verify-email", "TESSERA_VERIFY_EMAIL_URL"),
    ] {
        let reply = app
            .http
            .get(app.url(&format!("{path}?token=tsr_<script>alert(1)</script>")))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200, "{path}");
        let headers = reply.headers().clone();
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .starts_with("default-src 'none'")
        );
        assert_eq!(headers["cache-control"], "no-store");
        let html = reply.text().await.unwrap();
        assert!(html.contains(setting), "{html}");
        // Nothing from the address is written into the page.
        assert!(
            !html.contains("<script") && !html.contains("tsr_"),
            "{html}"
        );
    }
}
