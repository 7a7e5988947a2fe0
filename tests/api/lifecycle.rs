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

#[actix_web::test]
async fn forced_enrolment_offers_what_can_be_enrolled_and_a_ticket_opens_only_that() {
    let app = TestApp::spawn().await;
    let (ada, org) = forced_member(&app).await;
    // No tokens yet, no SMS or WhatsApp on this server: the authenticator only.
    let login = app.login("linus@example.com", PASSWORD).await;
    assert_eq!(login.body["enrollment"]["methods"], json!(["totp"]));
    let only_totp = login.body["enrollment"]["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    let sms = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/sms", &only_totp)
                .json(&json!({"phone": "+15550100123"})),
        )
        .await;
    sms.assert_problem(403, "insufficient_scope");

    // Ada registers a token for Linus to pick: the next ticket offers it, and lists it.
    let registered = app
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/orgs/{org}/hardware-tokens"),
                &ada.token,
            )
            .json(&json!({
                "name": "Linus's key fob", "serial": "FOB-7", "model": "c200", "period": 30,
                "digits": 6, "algorithm": "SHA1", "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            })),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    // The older ticket still opens what it said, and no more.
    app.send(
        app.authed(Method::POST, "/v1/me/mfa/hardware-token", &only_totp)
            .json(&json!({
                "org_id": org, "serial": "FOB-7",
                "code": app.current_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            })),
    )
    .await
    .assert_problem(403, "insufficient_scope");
    let login = app.login("linus@example.com", PASSWORD).await;
    assert_eq!(
        login.body["enrollment"]["methods"],
        json!(["totp", "hardware_token"])
    );
    let ticket = login.body["enrollment"]["ticket"].as_str().unwrap();
    // A stranger to Acme is offered none of its tokens.
    let stranger = app.sign_up("mallory@example.com").await;
    let offered = app.get("/v1/me/mfa/hardware-tokens", &stranger.token).await;
    assert_eq!(offered.status, 200, "{}", offered.body);
    assert_eq!(offered.body["items"], json!([]));
    let free = app.get("/v1/me/mfa/hardware-tokens", ticket).await;
    assert_eq!(free.status, 200, "{}", free.body);
    assert_eq!(free.body["items"][0]["serial"], "FOB-7");
    assert_eq!(free.body["items"][0]["org_name"], "Acme");
    assert!(
        !free.body.to_string().contains("GEZDGNBV"),
        "never a secret"
    );
    let bound = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/hardware-token", ticket)
                .json(&json!({
                    "org_id": org, "serial": "FOB-7",
                    "code": app.current_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
                })),
        )
        .await;
    assert_eq!(bound.status, 200, "{}", bound.body);
    // Held now: nobody else is offered it.
    let others = app.get("/v1/me/mfa/hardware-tokens", &ada.token).await;
    assert_eq!(others.body["items"], json!([]));
}
