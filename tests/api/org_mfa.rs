//! Organisations that require MFA: grace periods, enrolment forced at login, the admins'
//! view of each member's MFA, and resets.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestApp, User};

/// An organisation owned by Ada, with Linus as a member whose account it created by
/// invitation (Flowfinity's "Add User"): it manages his account. Returns (ada, linus, org id).
async fn org_with_member(app: &TestApp) -> (User, User, String) {
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    let linus = app
        .managed_member(&ada, &org, "linus@example.com", "member")
        .await;
    (ada, linus, org)
}

async fn require(app: &TestApp, admin: &User, org: &str, member: &User, days: i32) -> Value {
    let reply = app
        .send(
            app.authed(
                Method::PUT,
                &format!("/v1/orgs/{org}/members/{}/mfa", member.account_id),
                &admin.token,
            )
            .json(&json!({"required": true, "enforcement_delay_days": days})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

async fn member_mfa(app: &TestApp, admin: &User, org: &str, member: &User) -> Value {
    let reply = app
        .get(
            &format!("/v1/orgs/{org}/members/{}/mfa", member.account_id),
            &admin.token,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

/// Logs in as `email`, expects forced enrolment, enrols an authenticator with the ticket and
/// returns the session token the activation hands out.
async fn enrol_with_ticket(app: &TestApp, email: &str) -> (String, String) {
    let login = app.login(email, PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.body);
    assert_eq!(
        login.body["status"], "mfa_enrollment_required",
        "{}",
        login.body
    );
    assert!(login.body.get("session_token").is_none());
    let ticket = login.body["enrollment"]["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ticket.starts_with("tse_"));
    assert_eq!(login.body["enrollment"]["methods"], json!(["totp"]));

    // The ticket opens enrolment and nothing else.
    for path in [
        "/v1/me",
        "/v1/me/sessions",
        "/v1/sessions/current",
        "/v1/me/mfa",
    ] {
        app.get(path, &ticket)
            .await
            .assert_problem(401, "unauthenticated");
    }
    let enrolment = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", &ticket)
                .json(&json!({})),
        )
        .await;
    assert_eq!(enrolment.status, 201, "{}", enrolment.body);
    let secret = enrolment.body["secret"].as_str().unwrap().to_string();
    let factor = enrolment.body["factor_id"].as_str().unwrap();
    let activated = app
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/me/mfa/factors/{factor}/activate"),
                &ticket,
            )
            .json(&json!({"code": app.current_code(&secret)})),
        )
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    assert_eq!(activated.body["session"]["aal"], "aal2");
    assert_eq!(
        activated.body["recovery_codes"]["codes"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
    let token = activated.body["session_token"]
        .as_str()
        .unwrap()
        .to_string();
    // The ticket is used up.
    app.send(
        app.authed(Method::POST, "/v1/me/mfa/totp", &ticket)
            .json(&json!({})),
    )
    .await
    .assert_problem(401, "unauthenticated");
    (token, secret)
}

#[actix_web::test]
async fn with_no_grace_the_first_login_forces_enrolment_and_the_ticket_opens_only_that() {
    let app = TestApp::spawn().await;
    let (ada, linus, org) = org_with_member(&app).await;
    let mfa = require(&app, &ada, &org, &linus, 0).await;
    assert_eq!(mfa["status"], "pending");
    assert_eq!(mfa["source"], "member");
    assert_eq!(mfa["deadline"], "2026-03-02T09:00:00Z");

    let (token, _) = enrol_with_ticket(&app, "linus@example.com").await;
    let current = app.get("/v1/sessions/current", &token).await;
    assert_eq!(current.status, 200);
    assert_eq!(current.body["session"]["aal"], "aal2");
    assert_eq!(
        current.body["session"]["methods"],
        json!(["password", "totp"])
    );
    let history = app.get("/v1/me/login-history", &token).await;
    assert_eq!(history.body["items"][0]["outcome"], "succeeded");
    assert_eq!(history.body["items"][0]["mfa_method"], "totp");
    assert_eq!(
        member_mfa(&app, &ada, &org, &linus).await["status"],
        "active"
    );
}

#[actix_web::test]
async fn within_the_grace_period_logins_carry_the_deadline_and_after_it_enrolment_is_forced() {
    let app = TestApp::spawn().await;
    let (ada, linus, org) = org_with_member(&app).await;
    require(&app, &ada, &org, &linus, 3).await;

    let login = app.login("linus@example.com", PASSWORD).await;
    assert_eq!(login.body["status"], "authenticated", "{}", login.body);
    assert_eq!(
        login.body["session"]["mfa_enrollment_deadline"],
        "2026-03-05T09:00:00Z"
    );
    let token = login.body["session_token"].as_str().unwrap();
    let current = app.get("/v1/sessions/current", token).await;
    assert_eq!(
        current.body["session"]["mfa_enrollment_deadline"],
        "2026-03-05T09:00:00Z"
    );

    app.advance(Duration::days(3) - Duration::seconds(1));
    assert_eq!(
        app.login("linus@example.com", PASSWORD).await.body["status"],
        "authenticated"
    );
    app.advance(Duration::seconds(2));
    assert_eq!(
        app.login("linus@example.com", PASSWORD).await.body["status"],
        "mfa_enrollment_required"
    );
    // Changing the delay moves the deadline: a week from when it was set.
    require(&app, &ada, &org, &linus, 7).await;
    let login = app.login("linus@example.com", PASSWORD).await;
    assert_eq!(
        login.body["session"]["mfa_enrollment_deadline"],
        "2026-03-09T09:00:00Z"
    );
}

#[actix_web::test]
async fn an_organisation_wide_requirement_reaches_new_members_and_keeps_their_last_factor() {
    let app = TestApp::spawn().await;
    let (ada, _, org) = org_with_member(&app).await;
    let updated = app
        .send(
            app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &ada.token)
                .json(&json!({"require_mfa": true, "enforcement_delay_days": 2})),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["require_mfa"], true);
    assert_eq!(updated.body["enforcement_delay_days"], 2);

    // Grace, added a day later, gets her two days from then.
    app.advance(Duration::days(1));
    let grace = app.sign_up_with_mfa("grace@example.com").await;
    app.join(&ada, &org, &grace.user, "member").await;
    let mfa = member_mfa(&app, &ada, &org, &grace.user).await;
    assert_eq!(mfa["source"], "org");
    assert_eq!(mfa["status"], "active");
    // Day one, plus the 30 s her enrolment took, plus two days.
    assert_eq!(mfa["deadline"], "2026-03-05T09:00:30Z");

    app.advance(Duration::seconds(30));
    app.step_up(
        "/v1/me/mfa/disable",
        &grace.user.token,
        PASSWORD,
        &app.current_code(&grace.secret),
    )
    .await
    .assert_problem(409, "mfa_required_by_policy");
    app.send(
        app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &ada.token)
            .json(&json!({"require_mfa": false})),
    )
    .await;
    let disabled = app
        .step_up(
            "/v1/me/mfa/disable",
            &grace.user.token,
            PASSWORD,
            &app.current_code(&grace.secret),
        )
        .await;
    assert_eq!(disabled.status, 204, "{}", disabled.body);
}

#[actix_web::test]
async fn the_admin_sees_a_member_go_from_pending_to_active_to_disabled() {
    let app = TestApp::spawn().await;
    let (ada, linus, org) = org_with_member(&app).await;
    assert_eq!(
        member_mfa(&app, &ada, &org, &linus).await["status"],
        "not_required"
    );
    require(&app, &ada, &org, &linus, 7).await;
    let pending = app
        .get(
            &format!("/v1/orgs/{org}/members?mfa_status=pending"),
            &ada.token,
        )
        .await;
    let emails: Vec<&str> = pending.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["linus@example.com"]);

    app.advance(Duration::hours(1));
    let enrolment = app.enrol_totp(&linus).await;
    let secret = enrolment.body["secret"].as_str().unwrap().to_string();
    let activated = app
        .activate(
            &linus,
            enrolment.body["factor_id"].as_str().unwrap(),
            &app.current_code(&secret),
        )
        .await;
    assert_eq!(activated.status, 200);
    let active = member_mfa(&app, &ada, &org, &linus).await;
    assert_eq!(active["status"], "active");
    assert_eq!(active["activated_at"], "2026-03-02T10:00:00Z");
    assert_eq!(active["factors"][0]["type"], "totp");
    assert_eq!(active["recovery_codes_remaining"], 8);

    // The requirement is cleared, and Linus turns MFA off.
    let cleared = app
        .send(
            app.authed(
                Method::PUT,
                &format!("/v1/orgs/{org}/members/{}/mfa", linus.account_id),
                &ada.token,
            )
            .json(&json!({"required": false})),
        )
        .await;
    assert_eq!(cleared.body["required"], false);
    // Days are whole numbers, however JSON writes them.
    for (days, status) in [(json!(2.0), 200), (json!(2.5), 422), (json!(366), 422)] {
        let reply = app
            .send(
                app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &ada.token)
                    .json(&json!({"enforcement_delay_days": days})),
            )
            .await;
        assert_eq!(reply.status, status, "{days}: {}", reply.body);
    }
    app.advance(Duration::hours(1));
    let disabled = app
        .step_up(
            "/v1/me/mfa/disable",
            &linus.token,
            PASSWORD,
            &app.current_code(&secret),
        )
        .await;
    assert_eq!(disabled.status, 204, "{}", disabled.body);
    let after = member_mfa(&app, &ada, &org, &linus).await;
    assert_eq!(after["status"], "disabled");
    assert_eq!(after["disabled_at"], "2026-03-02T11:00:00Z");
    assert_eq!(after["disabled_by"]["kind"], "member");
    assert_eq!(
        after["disabled_by"]["account_id"],
        linus.account_id.as_str()
    );
    assert_eq!(after["first_enabled_at"], "2026-03-02T10:00:00Z");
    assert_eq!(after["factors"], json!([]));

    let log = app
        .get(&format!("/v1/orgs/{org}/audit-log"), &ada.token)
        .await;
    let events: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        &events[..3],
        [
            "org.updated",
            "mfa.requirement_cleared",
            "mfa.requirement_set"
        ]
    );
}

#[actix_web::test]
async fn a_reset_ends_the_members_sessions_and_restarts_the_clock() {
    let app = TestApp::spawn().await;
    let (ada, linus, org) = org_with_member(&app).await;
    require(&app, &ada, &org, &linus, 0).await;
    let (token, _) = enrol_with_ticket(&app, "linus@example.com").await;

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
    assert_eq!(reset.body["status"], "pending");
    assert_eq!(reset.body["factors"], json!([]));
    assert_eq!(app.session_check(&token).await, 401);
    // No grace: the next login forces enrolment again.
    app.advance(Duration::seconds(30));
    enrol_with_ticket(&app, "linus@example.com").await;

    // With a grace period, a reset gives a new one from now: the requirement (set at 09:00)
    // now allows five days; six days on, a reset starts them again.
    require(&app, &ada, &org, &linus, 5).await;
    app.advance(Duration::days(6));
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
    assert_eq!(
        reset.body["deadline"], "2026-03-13T09:00:30Z",
        "{}",
        reset.body
    );
    let login = app.login("linus@example.com", PASSWORD).await;
    assert_eq!(login.body["status"], "authenticated", "{}", login.body);
    assert_eq!(
        login.body["session"]["mfa_enrollment_deadline"],
        "2026-03-13T09:00:30Z"
    );
    let own = app
        .get(
            "/v1/me/audit-log",
            login.body["session_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(own.body["items"][0]["event"], "mfa.reset");
}

#[actix_web::test]
async fn a_reset_is_remembered_in_the_member_view_with_when_and_by_whom() {
    let app = TestApp::spawn().await;
    let (ada, linus, org) = org_with_member(&app).await;
    require(&app, &ada, &org, &linus, 0).await;
    enrol_with_ticket(&app, "linus@example.com").await;
    let on = member_mfa(&app, &ada, &org, &linus).await;
    let enabled_at = on["first_enabled_at"].clone();
    assert!(enabled_at.is_string(), "{on}");
    assert_eq!(on["disabled_at"], Value::Null);

    app.advance(Duration::hours(1));
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
    // Required again and without a factor: pending — but the view says MFA was on, and that
    // Ada took it off an hour later.
    assert_eq!(reset.body["status"], "pending");
    assert_eq!(reset.body["first_enabled_at"], enabled_at);
    let reset_at = reset.body["disabled_at"].clone();
    assert!(reset_at.is_string(), "{}", reset.body);
    assert_eq!(reset.body["disabled_by"]["kind"], "admin");
    assert_eq!(
        reset.body["disabled_by"]["account_id"],
        ada.account_id.as_str()
    );
    assert_eq!(reset.body["disabled_by"]["email"], "ada@example.com");

    // Linus enrols again: active, and the history stays.
    app.advance(Duration::seconds(30));
    enrol_with_ticket(&app, "linus@example.com").await;
    let again = member_mfa(&app, &ada, &org, &linus).await;
    assert_eq!(again["status"], "active");
    assert_eq!(again["first_enabled_at"], enabled_at);
    assert_eq!(again["disabled_at"], reset_at);
    assert_eq!(again["disabled_by"]["kind"], "admin");

    // The organisation's audit log names the reset and who made it.
    let log = app
        .get(&format!("/v1/orgs/{org}/audit-log"), &ada.token)
        .await;
    let reset_event = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "mfa.reset")
        .cloned()
        .expect("an mfa.reset event");
    assert_eq!(
        reset_event["actor_id"],
        ada.account_id.as_str(),
        "{reset_event}"
    );
}

/// The code in the newest message of `kind` queued for a number (the outbox masks it).
fn latest_code(app: &TestApp, phone: &str, kind: &str) -> String {
    let masked = format!("{}•••••{}", &phone[..2], &phone[phone.len() - 4..]);
    let text = app.queued_messages(&masked, kind).pop().expect("a code");
    text.split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 6)
        .expect("six digits")
        .to_string()
}

#[actix_web::test]
async fn an_organisation_that_accepts_no_sms_makes_an_sms_only_member_add_an_authenticator() {
    let app = TestApp::builder()
        .settings(|s| s.dev_log_codes = true)
        .spawn()
        .await;
    let (ada, linus, org) = org_with_member(&app).await;
    let phone = "+15550100777";

    // Linus protects his account with SMS codes.
    let started = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/sms", &linus.token)
                .json(&json!({"phone": phone, "password": PASSWORD})),
        )
        .await;
    assert_eq!(started.status, 201, "{}", started.body);
    let sms_factor = started.body["factor_id"].as_str().unwrap().to_string();
    let activated = app
        .activate(
            &linus,
            &sms_factor,
            &latest_code(&app, phone, "code.activation"),
        )
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);

    // Acme requires MFA at once, and accepts authenticators and hardware tokens only. An admin
    // may not say which; the owner may; an empty list is no policy.
    let admin = app.sign_up("grace@example.com").await;
    app.join(&ada, &org, &admin, "admin").await;
    let policy = json!({"require_mfa": true, "enforcement_delay_days": 0,
                        "allowed_methods": ["totp", "hardware_token"]});
    app.send(
        app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &admin.token)
            .json(&json!({"allowed_methods": ["totp"]})),
    )
    .await
    .assert_problem(403, "insufficient_role");
    app.send(
        app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &ada.token)
            .json(&json!({"allowed_methods": []})),
    )
    .await
    .assert_problem(422, "validation_failed");
    let set = app
        .send(
            app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &ada.token)
                .json(&policy),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(
        set.body["allowed_methods"],
        json!(["totp", "hardware_token"])
    );

    // His SMS factor does not meet the requirement: pending, though he has a factor.
    let view = member_mfa(&app, &ada, &org, &linus).await;
    assert_eq!(view["status"], "pending", "{view}");
    assert_eq!(view["factors"][0]["type"], "sms");

    // The password alone gets a challenge, never a ticket: SMS proves it is him first.
    app.advance(Duration::seconds(31));
    let login = app.login("linus@example.com", PASSWORD).await;
    assert_eq!(login.body["status"], "mfa_required", "{}", login.body);
    let challenge = login.body["challenge"]["id"].as_str().unwrap().to_string();
    let sent = app
        .post_json(
            &format!("/v1/auth/challenges/{challenge}/deliver"),
            json!({"method": "sms"}),
        )
        .await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    let verified = app
        .post_json(
            &format!("/v1/auth/challenges/{challenge}/verify"),
            json!({"method": "sms", "code": latest_code(&app, phone, "code.login")}),
        )
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(
        verified.body["status"], "mfa_enrollment_required",
        "{}",
        verified.body
    );
    assert!(verified.body.get("session_token").is_none());
    // Only what Acme accepts is offered (no unassigned tokens: an authenticator).
    assert_eq!(verified.body["enrollment"]["methods"], json!(["totp"]));
    let ticket = verified.body["enrollment"]["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    app.send(
        app.authed(Method::POST, "/v1/me/mfa/whatsapp", &ticket)
            .json(&json!({"phone": "+15550100888"})),
    )
    .await
    .assert_problem(403, "insufficient_scope");

    let totp = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", &ticket)
                .json(&json!({})),
        )
        .await;
    assert_eq!(totp.status, 201, "{}", totp.body);
    let secret = totp.body["secret"].as_str().unwrap().to_string();
    let factor = totp.body["factor_id"].as_str().unwrap().to_string();
    let done = app
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/me/mfa/factors/{factor}/activate"),
                &ticket,
            )
            .json(&json!({"code": app.current_code(&secret)})),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let session = done.body["session_token"].as_str().unwrap().to_string();
    assert_eq!(
        member_mfa(&app, &ada, &org, &linus).await["status"],
        "active"
    );

    // The authenticator is now what keeps Acme's requirement: it cannot go; the SMS factor can.
    app.advance(Duration::seconds(30));
    let remove = |factor: String, code: String| {
        let app = &app;
        let session = session.clone();
        async move {
            app.send(
                app.authed(
                    Method::DELETE,
                    &format!("/v1/me/mfa/factors/{factor}"),
                    &session,
                )
                .json(&json!({"password": PASSWORD, "code": code})),
            )
            .await
        }
    };
    remove(factor.clone(), app.current_code(&secret))
        .await
        .assert_problem(409, "mfa_required_by_policy");
    app.advance(Duration::seconds(30));
    let removed = remove(sms_factor, app.current_code(&secret)).await;
    assert_eq!(removed.status, 204, "{}", removed.body);
}

#[actix_web::test]
async fn a_ticket_from_a_password_alone_never_adds_a_factor_to_an_account_with_mfa_on() {
    let app = TestApp::spawn().await;
    let (ada, linus, org) = org_with_member(&app).await;
    require(&app, &ada, &org, &linus, 0).await;
    // Linus enrols through a ticket; an old ticket (asked for before) is dead since.
    let early = app.login("linus@example.com", PASSWORD).await;
    let stale = early.body["enrollment"]["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    app.advance(Duration::seconds(30));
    enrol_with_ticket(&app, "linus@example.com").await;
    app.send(
        app.authed(Method::POST, "/v1/me/mfa/totp", &stale)
            .json(&json!({})),
    )
    .await
    .assert_problem(401, "unauthenticated");
    // With his authenticator active, the password alone gets a challenge.
    let login = app.login("linus@example.com", PASSWORD).await;
    assert_eq!(login.body["status"], "mfa_required", "{}", login.body);
}

#[actix_web::test]
async fn another_organisation_sees_that_an_admin_reset_a_shared_member_but_not_who() {
    let app = TestApp::spawn().await;
    let (ada, linus, acme) = org_with_member(&app).await;
    enrol_totp_for(&app, &linus).await;
    // Grace's organisation has Linus too, as a member of his own accord.
    let grace = app.sign_up("grace@example.com").await;
    let globex = app.create_org(&grace, "Globex").await;
    app.join(&grace, &globex, &linus, "member").await;

    let reset = app
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/orgs/{acme}/members/{}/mfa/reset", linus.account_id),
                &ada.token,
            )
            .json(&json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(reset.body["disabled_by"]["email"], "ada@example.com");

    let seen = member_mfa(&app, &grace, &globex, &linus).await;
    assert_eq!(seen["disabled_by"]["kind"], "admin", "{seen}");
    assert_eq!(seen["disabled_by"]["account_id"], Value::Null);
    assert_eq!(seen["disabled_by"]["email"], Value::Null);
}

/// Turns on an authenticator for `user` from their session.
async fn enrol_totp_for(app: &TestApp, user: &User) {
    let enrolment = app.enrol_totp(user).await;
    assert_eq!(enrolment.status, 201, "{}", enrolment.body);
    let secret = enrolment.body["secret"].as_str().unwrap();
    let factor = enrolment.body["factor_id"].as_str().unwrap();
    let activated = app.activate(user, factor, &app.current_code(secret)).await;
    assert_eq!(activated.status, 200, "{}", activated.body);
}
