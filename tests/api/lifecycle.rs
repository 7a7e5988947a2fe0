//! What a recovery ends, and what an old credential can no longer do: the credential
//! lifecycle as an attacker who once held something would test it.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::common::{PASSWORD, Reply, TestApp, User};

/// Acme requires MFA with no grace period; Linus, a member it manages, has no factor yet.
async fn forced_member(app: &TestApp) -> (User, String) {
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    app.managed_member(&ada, &org, "linus@example.com", "member")
        .await;
    let policy = app
        .send(
            app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &ada.token)
                .json(&json!({"require_mfa": true, "enforcement_delay_days": 0})),
        )
        .await;
    assert_eq!(policy.status, 200, "{}", policy.body);
    (ada, org)
}

async fn ticket(app: &TestApp, email: &str) -> String {
    let login = app.login(email, PASSWORD).await;
    assert_eq!(
        login.body["status"], "mfa_enrollment_required",
        "{}",
        login.body
    );
    login.body["enrollment"]["ticket"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn enrol_with(app: &TestApp, ticket: &str) -> Reply {
    app.send(
        app.authed(Method::POST, "/v1/me/mfa/totp", ticket)
            .json(&json!({})),
    )
    .await
}

#[actix_web::test]
async fn a_ticket_from_before_a_password_reset_enrols_nothing() {
    let app = TestApp::spawn().await;
    forced_member(&app).await;
    // Someone who learnt Linus's password gets a ticket …
    let stolen = ticket(&app, "linus@example.com").await;
    // … Linus resets his password …
    app.advance(Duration::seconds(1));
    app.reset_password_by_mail("linus@example.com", "a new passphrase for linus")
        .await;
    // … and the old ticket plants no factor.
    enrol_with(&app, &stolen)
        .await
        .assert_problem(401, "unauthenticated");
}

#[actix_web::test]
async fn an_old_ticket_cannot_add_a_second_factor() {
    let app = TestApp::spawn().await;
    forced_member(&app).await;
    let first = ticket(&app, "linus@example.com").await;
    let second = ticket(&app, "linus@example.com").await;
    let enrolment = enrol_with(&app, &first).await;
    assert_eq!(enrolment.status, 201, "{}", enrolment.body);
    let secret = enrolment.body["secret"].as_str().unwrap();
    let factor = enrolment.body["factor_id"].as_str().unwrap();
    let activated = app
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/me/mfa/factors/{factor}/activate"),
                &first,
            )
            .json(&json!({"code": app.current_code(secret)})),
        )
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    // MFA is on: the second ticket is worth nothing now.
    enrol_with(&app, &second)
        .await
        .assert_problem(401, "unauthenticated");
}

#[actix_web::test]
async fn a_ticket_dies_with_the_requirement_or_the_membership_behind_it() {
    let app = TestApp::spawn().await;
    let (ada, org) = forced_member(&app).await;
    let held = ticket(&app, "linus@example.com").await;
    let lifted = app
        .send(
            app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &ada.token)
                .json(&json!({"require_mfa": false})),
        )
        .await;
    assert_eq!(lifted.status, 200);
    enrol_with(&app, &held)
        .await
        .assert_problem(401, "unauthenticated");

    app.send(
        app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &ada.token)
            .json(&json!({"require_mfa": true})),
    )
    .await;
    let held = ticket(&app, "linus@example.com").await;
    let members = app
        .get(&format!("/v1/orgs/{org}/members"), &ada.token)
        .await;
    let linus = members.body["items"][0]["account_id"].as_str().unwrap();
    let removed = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/members/{linus}"),
            &ada.token,
        ))
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    enrol_with(&app, &held)
        .await
        .assert_problem(401, "unauthenticated");
}
