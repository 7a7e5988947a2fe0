//! Email addresses are proven: by the link or code mailed at sign-up (or asked for again), by
//! a password reset or an invitation that reached them. A new address is proven before the
//! account moves to it, and the old one is told.

use base64::Engine;
use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{PASSWORD, Reply, TestApp, User, user_from};

const NEW_PASSWORD: &str = "a brand new passphrase";

/// The link's token and the code of the newest email of `kind` to `email`.
fn proof_mailed_to(app: &TestApp, email: &str, kind: &str) -> (String, String) {
    let text = app
        .queued_messages(email, kind)
        .pop()
        .unwrap_or_else(|| panic!("no {kind} email was sent to {email}"));
    let start = text.find("tsv_").expect("a token in the email");
    let token = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let at = text.find("code where").expect("a code in the email");
    let code = text[at..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take(6)
        .collect();
    (token, code)
}

fn verification_of(app: &TestApp, email: &str) -> (String, String) {
    proof_mailed_to(app, email, "email_verification")
}

async fn verify_with_token(app: &TestApp, token: &str) -> Reply {
    app.post_json("/v1/auth/email/verify", json!({"token": token}))
        .await
}

async fn verify_with_code(app: &TestApp, user: &User, code: &str) -> Reply {
    app.send(
        app.authed(Method::POST, "/v1/auth/email/verify", &user.token)
            .json(&json!({"code": code})),
    )
    .await
}

async fn resend(app: &TestApp, user: &User) -> Reply {
    app.send(app.authed(Method::POST, "/v1/me/email/verification", &user.token))
        .await
}

async fn change_email(app: &TestApp, user: &User, body: Value) -> Reply {
    app.send(
        app.authed(Method::POST, "/v1/me/email", &user.token)
            .json(&body),
    )
    .await
}

async fn confirm_change(app: &TestApp, user: &User, body: Value) -> Reply {
    app.send(
        app.authed(Method::POST, "/v1/me/email/confirm", &user.token)
            .json(&body),
    )
    .await
}

async fn events(app: &TestApp, user: &User) -> Vec<Value> {
    let log = app.get("/v1/me/audit-log", &user.token).await;
    assert_eq!(log.status, 200, "{}", log.body);
    log.body["items"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn a_new_account_proves_its_address_with_the_emailed_link_without_a_session() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let me = app.get("/v1/me", &ada.token).await;
    assert_eq!(me.body["email_verified"], false, "{}", me.body);
    assert!(me.body["email_verified_at"].is_null());

    let text = app
        .queued_messages("ada@example.com", "email_verification")
        .pop()
        .expect("a verification email");
    assert!(
        text.contains("http://tessera.test/verify-email?token=tsv_"),
        "{text}"
    );
    let (token, _) = verification_of(&app, "ada@example.com");
    assert!(!app.rows_dump().contains(&token), "only a digest is kept");

    let verified = verify_with_token(&app, &token).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(verified.body["email"], "ada@example.com");
    let now = app.state.now();
    assert_eq!(
        verified.body["email_verified_at"],
        json!(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    );
    let me = app.get("/v1/me", &ada.token).await;
    assert_eq!(me.body["email_verified"], true, "{}", me.body);
    assert_eq!(
        me.body["email_verified_at"],
        verified.body["email_verified_at"]
    );
    let check = app.get("/v1/sessions/current", &ada.token).await;
    assert_eq!(
        check.body["account"]["email_verified"], true,
        "{}",
        check.body
    );

    // Once only; and nothing more to send.
    verify_with_token(&app, &token)
        .await
        .assert_problem(400, "email_verification_invalid");
    resend(&app, &ada)
        .await
        .assert_problem(409, "email_already_verified");
    for garbage in ["", "tsv_nonsense", "tsr_abc"] {
        verify_with_token(&app, garbage)
            .await
            .assert_problem(400, "email_verification_invalid");
    }
    app.post_json("/v1/auth/email/verify", json!({}))
        .await
        .assert_problem(422, "validation_failed");
    app.post_json(
        "/v1/auth/email/verify",
        json!({"token": token, "code": "123456"}),
    )
    .await
    .assert_problem(422, "validation_failed");

    let verified_events: Vec<Value> = events(&app, &ada)
        .await
        .into_iter()
        .filter(|e| e["event"] == "email.verified")
        .collect();
    assert_eq!(verified_events.len(), 1);
    assert_eq!(verified_events[0]["details"], json!({"via": "link"}));
}

#[actix_web::test]
async fn a_code_proves_the_address_signed_in_and_wrong_codes_count_across_new_codes() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let (_, first) = verification_of(&app, "ada@example.com");

    // The code needs the session.
    app.post_json("/v1/auth/email/verify", json!({"code": first}))
        .await
        .assert_problem(401, "unauthenticated");

    // Five wrong codes end the code: the right one no longer works.
    let wrong = if first == "000000" {
        "111111"
    } else {
        "000000"
    };
    for remaining in (0..5).rev() {
        let reply = verify_with_code(&app, &ada, wrong).await;
        reply.assert_problem(400, "email_verification_invalid");
        assert_eq!(reply.body["attempts_remaining"], remaining);
    }
    verify_with_code(&app, &ada, &first)
        .await
        .assert_problem(400, "email_verification_invalid");

    // A new code starts its own five tries, but the account's lockout remembers every wrong
    // code: asking for new codes resets nothing.
    app.advance(Duration::seconds(30));
    let sent = resend(&app, &ada).await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    assert_eq!(sent.body["sent_to"], "ada@example.com");
    let (_, second) = verification_of(&app, "ada@example.com");
    let wrong = if second == "000000" {
        "111111"
    } else {
        "000000"
    };
    for _ in 0..4 {
        verify_with_code(&app, &ada, wrong)
            .await
            .assert_problem(400, "email_verification_invalid");
    }
    app.advance(Duration::seconds(30));
    assert_eq!(resend(&app, &ada).await.status, 202);
    let (_, third) = verification_of(&app, "ada@example.com");
    let wrong = if third == "000000" {
        "111111"
    } else {
        "000000"
    };
    verify_with_code(&app, &ada, wrong)
        .await
        .assert_problem(400, "email_verification_invalid");
    // Ten wrong codes from this address: locked, even for the right one.
    let locked = verify_with_code(&app, &ada, &third).await;
    locked.assert_problem(429, "too_many_attempts");
    assert!(locked.header("retry-after").is_some());

    app.advance(Duration::minutes(15));
    let verified = verify_with_code(&app, &ada, &third).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let me = app.get("/v1/me", &ada.token).await;
    assert_eq!(me.body["email_verified"], true);
    let events = events(&app, &ada).await;
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "account.locked" && e["details"]["secret"] == "email_code")
    );
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "email.verified" && e["details"] == json!({"via": "code"}))
    );
    // The code is used up with it.
    verify_with_code(&app, &ada, &third)
        .await
        .assert_problem(409, "email_already_verified");
}

#[actix_web::test]
async fn a_link_expires_after_24_hours_a_newer_one_replaces_it_and_sends_are_limited() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let (first, _) = verification_of(&app, "ada@example.com");

    // Not again at once: 30 seconds between emails.
    let early = resend(&app, &ada).await;
    early.assert_problem(429, "rate_limited");
    assert_eq!(early.header("retry-after"), Some("30"));

    app.advance(Duration::seconds(30));
    assert_eq!(resend(&app, &ada).await.status, 202);
    let (second, _) = verification_of(&app, "ada@example.com");
    verify_with_token(&app, &first)
        .await
        .assert_problem(400, "email_verification_invalid");

    // Five an hour (the sign-up's included), however they are asked for.
    for _ in 0..3 {
        app.advance(Duration::seconds(30));
        assert_eq!(resend(&app, &ada).await.status, 202);
    }
    app.advance(Duration::seconds(30));
    let capped = resend(&app, &ada).await;
    capped.assert_problem(429, "rate_limited");
    assert_eq!(capped.header("retry-after"), Some("3450"));
    let sent = app
        .queued_messages("ada@example.com", "email_verification")
        .len();
    assert_eq!(sent, 5);
    let asked = app
        .post_json(
            "/v1/auth/email/verification",
            json!({"email": "ada@example.com"}),
        )
        .await;
    assert_eq!(asked.status, 202, "the same answer within the cap");
    assert_eq!(
        app.queued_messages("ada@example.com", "email_verification")
            .len(),
        5
    );

    // The newest link lives 24 hours.
    let (newest, _) = verification_of(&app, "ada@example.com");
    assert_ne!(newest, second);
    app.advance(Duration::hours(24));
    verify_with_token(&app, &newest)
        .await
        .assert_problem(400, "email_verification_invalid");
    assert_eq!(resend(&app, &ada).await.status, 202);
    let (fresh, _) = verification_of(&app, "ada@example.com");
    assert_eq!(verify_with_token(&app, &fresh).await.status, 200);
}

#[actix_web::test]
async fn asking_without_a_session_always_gets_the_same_answer() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;
    app.advance(Duration::seconds(30));
    for email in ["nobody@example.com", "Ada@Example.com"] {
        let reply = app
            .post_json("/v1/auth/email/verification", json!({"email": email}))
            .await;
        assert_eq!(reply.status, 202, "{}", reply.body);
        assert!(reply.body.is_null());
    }
    assert!(
        app.queued_messages("nobody@example.com", "email_verification")
            .is_empty()
    );
    let (token, _) = verification_of(&app, "ada@example.com");
    assert_eq!(
        app.queued_messages("ada@example.com", "email_verification")
            .len(),
        2
    );
    assert_eq!(verify_with_token(&app, &token).await.status, 200);
    // Proven: nothing more goes out, and the answer is the same.
    app.advance(Duration::seconds(30));
    let reply = app
        .post_json(
            "/v1/auth/email/verification",
            json!({"email": "ada@example.com"}),
        )
        .await;
    assert_eq!(reply.status, 202);
    assert_eq!(
        app.queued_messages("ada@example.com", "email_verification")
            .len(),
        2
    );
    app.post_json("/v1/auth/email/verification", json!({}))
        .await
        .assert_problem(422, "missing_field");
}

#[actix_web::test]
async fn a_new_address_is_proven_before_the_account_moves_and_the_old_one_is_told() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    app.sign_up("bob@example.com").await;
    let laptop = user_from(&app.login("ada@example.com", PASSWORD).await);
    // A reset link mailed to the old address before the change.
    app.post_json(
        "/v1/auth/password/forgot",
        json!({"email": "ada@example.com"}),
    )
    .await;

    let wrong = change_email(
        &app,
        &ada,
        json!({"email": "ada@example.org", "password": "not the password"}),
    )
    .await;
    wrong.assert_problem(403, "reauthentication_failed");
    assert_eq!(wrong.body["errors"][0]["field"], "password");
    // A session without the password learns nothing of other addresses (no enumeration).
    let probe = change_email(
        &app,
        &ada,
        json!({"email": "Bob@Example.com", "password": "not the password"}),
    )
    .await;
    probe.assert_problem(403, "reauthentication_failed");
    change_email(
        &app,
        &ada,
        json!({"email": "Bob@Example.com", "password": PASSWORD}),
    )
    .await
    .assert_problem(409, "email_taken");
    change_email(
        &app,
        &ada,
        json!({"email": "not an address", "password": PASSWORD}),
    )
    .await
    .assert_problem(422, "validation_failed");

    let asked = change_email(
        &app,
        &ada,
        json!({"email": "Ada@Example.org", "password": PASSWORD}),
    )
    .await;
    assert_eq!(asked.status, 202, "{}", asked.body);
    assert_eq!(asked.body["sent_to"], "ada@example.org");
    // Nothing changes until the new address answers.
    assert_eq!(
        app.get("/v1/me", &ada.token).await.body["email"],
        "ada@example.com"
    );
    let (_, code) = proof_mailed_to(&app, "ada@example.org", "email_change");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = confirm_change(&app, &ada, json!({"code": wrong})).await;
    refused.assert_problem(400, "email_verification_invalid");
    assert_eq!(refused.body["attempts_remaining"], 4);

    let changed = confirm_change(&app, &ada, json!({"code": code})).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["email"], "ada@example.org");
    let me = app.get("/v1/me", &ada.token).await;
    assert_eq!(me.body["email"], "ada@example.org");
    assert_eq!(me.body["email_verified"], true);

    // Every other session ends; the old address is told; its reset link is dead.
    assert_eq!(app.session_check(&laptop.token).await, 401);
    let told = app.queued_messages("ada@example.com", "email_changed");
    assert_eq!(told.len(), 1);
    assert!(told[0].contains("a•••@example.org"), "{}", told[0]);
    let reset_mail = app
        .queued_messages("ada@example.com", "password_reset")
        .pop()
        .unwrap();
    let start = reset_mail.find("tsr_").unwrap();
    let reset_token: String = reset_mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    app.post_json(
        "/v1/auth/password/reset",
        json!({"token": reset_token, "new_password": NEW_PASSWORD}),
    )
    .await
    .assert_problem(400, "reset_token_invalid");

    // The account signs in with its new address only.
    app.login("ada@example.com", PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(app.login("ada@example.org", PASSWORD).await.status, 200);
    confirm_change(&app, &ada, json!({"code": code}))
        .await
        .assert_problem(400, "email_verification_invalid");
    let event = events(&app, &ada)
        .await
        .into_iter()
        .find(|e| e["event"] == "email.changed")
        .expect("an email.changed event");
    assert_eq!(event["details"]["old_email"], "ada@example.com");
    assert_eq!(event["details"]["new_email"], "ada@example.org");
    assert_eq!(event["details"]["sessions_revoked"], 1);
}

#[actix_web::test]
async fn an_address_taken_before_the_change_is_confirmed_is_a_conflict() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let asked = change_email(
        &app,
        &ada,
        json!({"email": "grace@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(asked.status, 202, "{}", asked.body);
    let (token, _) = proof_mailed_to(&app, "grace@example.com", "email_change");
    app.sign_up("grace@example.com").await;

    // The link works without a session too; the address is taken meanwhile.
    verify_with_token(&app, &token)
        .await
        .assert_problem(409, "email_taken");
    assert_eq!(
        app.get("/v1/me", &ada.token).await.body["email"],
        "ada@example.com"
    );
}

#[actix_web::test]
async fn two_accounts_confirming_the_same_new_address_at_once_get_it_once() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let bob = app.sign_up("bob@example.com").await;
    let mut codes = Vec::new();
    for user in [&ada, &bob] {
        let asked = change_email(
            &app,
            user,
            json!({"email": "shared@example.com", "password": PASSWORD}),
        )
        .await;
        assert_eq!(asked.status, 202, "{}", asked.body);
        codes.push(proof_mailed_to(&app, "shared@example.com", "email_change").1);
        app.advance(Duration::seconds(30));
    }
    let users = [ada.clone(), bob.clone()];
    let replies = app
        .send_at_once(std::slice::from_ref(&app.base), 2, |i, base| {
            app.http
                .post(format!("{base}/v1/me/email/confirm"))
                .bearer_auth(&users[i].token)
                .json(&json!({"code": codes[i]}))
        })
        .await;
    let mut statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{replies:?}");
    let conflict = replies.iter().find(|r| r.status == 409).unwrap();
    conflict.assert_problem(409, "email_taken");
    let mut holders = 0;
    for user in [&ada, &bob] {
        let me = app.get("/v1/me", &user.token).await;
        if me.body["email"] == "shared@example.com" {
            holders += 1;
        }
    }
    assert_eq!(holders, 1, "one account has the address");
}

#[actix_web::test]
async fn a_change_ends_with_the_session_that_asked_for_it() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let phone = user_from(&app.login("ada@example.com", PASSWORD).await);
    let asked = change_email(
        &app,
        &phone,
        json!({"email": "ada@example.org", "password": PASSWORD}),
    )
    .await;
    assert_eq!(asked.status, 202, "{}", asked.body);
    let (token, _) = proof_mailed_to(&app, "ada@example.org", "email_change");
    // Another session cannot finish the phone's change with its token after the phone is
    // signed out (say the owner found a stranger's session and ended it).
    let others = app
        .send(app.authed(Method::DELETE, "/v1/me/sessions", &ada.token))
        .await;
    assert_eq!(others.status, 200, "{}", others.body);
    confirm_change(&app, &ada, json!({"token": token}))
        .await
        .assert_problem(400, "email_verification_invalid");
    verify_with_token(&app, &token)
        .await
        .assert_problem(400, "email_verification_invalid");

    // A link confirmed without a session keeps the session that asked signed in.
    app.advance(Duration::seconds(30));
    let asked = change_email(
        &app,
        &ada,
        json!({"email": "ada@example.org", "password": PASSWORD}),
    )
    .await;
    assert_eq!(asked.status, 202, "{}", asked.body);
    let (token, _) = proof_mailed_to(&app, "ada@example.org", "email_change");
    let changed = verify_with_token(&app, &token).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["email"], "ada@example.org");
    assert_eq!(app.session_check(&ada.token).await, 200);
}

#[actix_web::test]
async fn with_mfa_on_the_password_alone_does_not_change_the_address() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let refused = change_email(
        &app,
        &ada.user,
        json!({"email": "ada@example.org", "password": PASSWORD}),
    )
    .await;
    refused.assert_problem(403, "reauthentication_failed");
    assert_eq!(refused.body["errors"][0]["field"], "code");
    let asked = change_email(
        &app,
        &ada.user,
        json!({"email": "ada@example.org", "password": PASSWORD, "code": app.current_code(&ada.secret)}),
    )
    .await;
    assert_eq!(asked.status, 202, "{}", asked.body);
}

#[actix_web::test]
async fn an_address_the_identity_provider_keeps_cannot_be_changed_here() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("owner@example.com").await;
    let org = app.create_org(&owner, "Example").await;
    let ada = app.sign_up("ada@example.com").await;
    // As SSO provisioning leaves it: no password of its own, an identity at the provider.
    app.execute_sql(&format!(
        "UPDATE accounts SET password_hash = '!sso', managed_by_org_id = '{org}' WHERE id = '{id}';
         INSERT INTO sso_identities (id, account_id, org_id, issuer, subject, created_at, last_login_at)
         VALUES ('i1', '{id}', '{org}', 'https://idp.example.com', 'ada', '2026-03-02 09:00:00', '2026-03-02 09:00:00');",
        id = ada.account_id
    ));
    change_email(
        &app,
        &ada,
        json!({"email": "ada@example.org", "password": PASSWORD}),
    )
    .await
    .assert_problem(409, "email_managed_by_idp");
}

#[actix_web::test]
async fn with_verified_email_required_sign_in_waits_for_the_proof() {
    let app = TestApp::builder()
        .settings(|s| s.require_verified_email = true)
        .spawn()
        .await;
    let signed_up = app
        .post_json(
            "/v1/accounts",
            json!({"email": "ada@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(signed_up.status, 201, "{}", signed_up.body);
    assert_eq!(signed_up.body["status"], "email_verification_required");
    assert_eq!(signed_up.body["account"]["email_verified"], false);
    assert!(
        signed_up.body.get("session").is_none(),
        "{}",
        signed_up.body
    );
    assert!(signed_up.body.get("session_token").is_none());
    assert!(
        !signed_up
            .headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("tessera_session=")),
        "no session cookie"
    );

    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.body);
    assert_eq!(
        login.body,
        json!({"status": "email_verification_required"}),
        "no session"
    );
    // A wrong password still gets the usual answer.
    app.login("ada@example.com", "wrong password")
        .await
        .assert_problem(401, "invalid_credentials");

    // Without a session, the front-end asks for a new link; the newest proves the address.
    app.advance(Duration::seconds(30));
    let asked = app
        .post_json(
            "/v1/auth/email/verification",
            json!({"email": "ada@example.com"}),
        )
        .await;
    assert_eq!(asked.status, 202);
    let (token, _) = verification_of(&app, "ada@example.com");
    assert_eq!(verify_with_token(&app, &token).await.status, 200);

    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(login.body["status"], "authenticated", "{}", login.body);
    assert_eq!(login.body["account"]["email_verified"], true);
    // The history says why the earlier sign-in gave no session.
    let ada = user_from(&login);
    let history = app.get("/v1/me/login-history", &ada.token).await;
    let reasons: Vec<&Value> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["failure_reason"])
        .collect();
    assert_eq!(
        reasons,
        [
            &Value::Null,
            &json!("invalid_credentials"),
            &json!("email_not_verified")
        ],
        "{}",
        history.body
    );
}

/// The claims of a JWT, unverified (access_tokens.rs checks the signatures).
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&json).unwrap()
}

async fn mint(app: &TestApp, token: &str) -> String {
    let minted = app
        .send(app.authed(Method::POST, "/v1/sessions/current/token", token))
        .await;
    assert_eq!(minted.status, 200, "{}", minted.body);
    minted.body["access_token"].as_str().unwrap().to_string()
}

async fn introspect(app: &TestApp, key: &str, token: &str) -> Value {
    app.send(
        app.authed(Method::POST, "/v1/introspect", key)
            .json(&json!({"token": token})),
    )
    .await
    .body
}

#[actix_web::test]
async fn the_proof_is_stated_in_the_session_check_access_tokens_and_introspection() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let (code, out, err) = app.run_cli(&[
        "admin",
        "create-introspection-key",
        "--name",
        "Orders back-end",
    ]);
    assert_eq!(code, 0, "{err}");
    let key = out.trim().to_string();

    let unproven = claims(&mint(&app, &ada.token).await);
    assert_eq!(unproven["email_verified"], false, "{unproven}");
    assert!(unproven.get("email_verified_at").is_none());
    let described = introspect(&app, &key, &ada.token).await;
    assert_eq!(described["email_verified"], false, "{described}");
    assert!(described.get("email_verified_at").is_none());

    let (token, _) = verification_of(&app, "ada@example.com");
    assert_eq!(verify_with_token(&app, &token).await.status, 200);
    let at = app.state.now().timestamp();
    let proven = claims(&mint(&app, &ada.token).await);
    assert_eq!(proven["email_verified"], true, "{proven}");
    assert_eq!(proven["email_verified_at"], at);
    let described = introspect(&app, &key, &ada.token).await;
    assert_eq!(described["email_verified"], true, "{described}");
    assert_eq!(described["email_verified_at"], at);
    let check = app.get("/v1/sessions/current", &ada.token).await;
    assert_eq!(check.body["account"]["email_verified"], true);
    assert!(check.body["account"]["email_verified_at"].is_string());
}

#[actix_web::test]
async fn a_password_reset_and_an_accepted_invitation_prove_the_address() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;
    app.post_json(
        "/v1/auth/password/forgot",
        json!({"email": "ada@example.com"}),
    )
    .await;
    let mail = app
        .queued_messages("ada@example.com", "password_reset")
        .pop()
        .unwrap();
    let start = mail.find("tsr_").unwrap();
    let token: String = mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let reset = app
        .post_json(
            "/v1/auth/password/reset",
            json!({"token": token, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(reset.status, 204, "{}", reset.body);
    let ada = user_from(&app.login("ada@example.com", NEW_PASSWORD).await);
    let me = app.get("/v1/me", &ada.token).await;
    assert_eq!(me.body["email_verified"], true, "{}", me.body);
    // Its pending link has nothing left to prove.
    let (link, _) = verification_of(&app, "ada@example.com");
    verify_with_token(&app, &link)
        .await
        .assert_problem(409, "email_already_verified");

    // An invitation reached the address it names: accepting it proves the address.
    let owner = app.sign_up("owner@example.com").await;
    let org = app.create_org(&owner, "Example").await;
    let grace = app.sign_up("grace@example.com").await;
    app.join(&owner, &org, &grace, "member").await;
    let me = app.get("/v1/me", &grace.token).await;
    assert_eq!(me.body["email_verified"], true, "{}", me.body);
    let event = events(&app, &grace)
        .await
        .into_iter()
        .find(|e| e["event"] == "email.verified")
        .expect("an email.verified event");
    assert_eq!(event["details"], json!({"via": "invitation"}));
    // And the account it creates for someone new is proven from the start.
    let linus = app
        .managed_member(&owner, &org, "linus@example.com", "member")
        .await;
    let me = app.get("/v1/me", &linus.token).await;
    assert_eq!(me.body["email_verified"], true, "{}", me.body);
}
