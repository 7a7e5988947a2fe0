//! Sign-up, password login, the session check, logout, lockout and the profile.

use crate::common::{PASSWORD, TestApp};
use chrono::Duration;
use reqwest::Method;
use serde_json::json;

#[actix_web::test]
async fn sign_up_log_in_check_the_session_by_bearer_and_cookie_then_log_out() {
    let app = TestApp::spawn().await;

    let signed_up = app
        .post_json(
            "/v1/accounts",
            json!({"email": "  Ada@Example.COM ", "password": PASSWORD, "display_name": "Ada"}),
        )
        .await;
    assert_eq!(signed_up.status, 201, "{}", signed_up.body);
    assert_eq!(signed_up.body["account"]["email"], "ada@example.com");
    assert_eq!(signed_up.body["account"]["display_name"], "Ada");
    assert_eq!(signed_up.body["session"]["aal"], "aal1");
    assert!(signed_up.body["account"].get("password_hash").is_none());

    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.body);
    assert_eq!(login.body["status"], "authenticated");
    assert_eq!(login.body["account"]["email"], "ada@example.com");
    assert_eq!(login.body["session"]["methods"], json!(["password"]));
    let token = login.body["session_token"].as_str().unwrap().to_string();
    assert!(token.starts_with("tss_"));

    let cookie = login.header("set-cookie").unwrap().to_string();
    assert!(
        cookie.starts_with(&format!("tessera_session={token}")),
        "{cookie}"
    );
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing in {cookie}"
        );
    }

    let by_bearer = app.get("/v1/sessions/current", &token).await;
    assert_eq!(by_bearer.status, 200);
    assert_eq!(by_bearer.body["account"]["email"], "ada@example.com");
    assert_eq!(by_bearer.body["session"]["id"], login.body["session"]["id"]);

    let by_cookie = app
        .send(
            app.request(Method::GET, "/v1/sessions/current")
                .header("cookie", format!("tessera_session={token}")),
        )
        .await;
    assert_eq!(by_cookie.status, 200);
    assert_eq!(
        by_cookie.body["account"]["id"],
        by_bearer.body["account"]["id"]
    );

    let logout = app
        .send(app.authed(Method::POST, "/v1/auth/logout", &token))
        .await;
    assert_eq!(logout.status, 204);
    assert!(logout.header("set-cookie").unwrap().contains("Max-Age=0"));

    let after = app.get("/v1/sessions/current", &token).await;
    after.assert_problem(401, "unauthenticated");
    assert_eq!(after.header("www-authenticate"), Some("Bearer"));
    // The sign-up session is unaffected by logging out the other one.
    assert_eq!(
        app.session_check(signed_up.body["session_token"].as_str().unwrap())
            .await,
        200
    );
}

#[actix_web::test]
async fn unknown_email_and_wrong_password_look_the_same() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;

    let wrong_password = app.login("ada@example.com", "not the password").await;
    let unknown_email = app.login("nobody@example.com", "not the password").await;
    wrong_password.assert_problem(401, "invalid_credentials");
    unknown_email.assert_problem(401, "invalid_credentials");

    let strip = |mut body: serde_json::Value| {
        body.as_object_mut().unwrap().remove("request_id");
        body
    };
    assert_eq!(strip(wrong_password.body), strip(unknown_email.body));
}

#[actix_web::test]
async fn ten_failures_lock_password_checks_for_fifteen_minutes() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;

    for attempt in 1..=10 {
        let reply = app.login("ada@example.com", "wrong password").await;
        assert_eq!(reply.status, 401, "attempt {attempt}: {}", reply.body);
        app.advance(Duration::seconds(30));
    }
    // The 11th attempt inside 15 minutes is refused even with the right password.
    let locked = app.login("ada@example.com", PASSWORD).await;
    locked.assert_problem(429, "too_many_attempts");
    let retry_after: i64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    assert_eq!(locked.body["retry_after"], retry_after);

    // An unknown email locks the same way, so the 429 tells nothing about existence.
    for _ in 1..=10 {
        app.login("ghost@example.com", "wrong password").await;
    }
    app.login("ghost@example.com", "wrong password")
        .await
        .assert_problem(429, "too_many_attempts");

    app.advance(Duration::seconds(retry_after - 1));
    app.login("ada@example.com", PASSWORD)
        .await
        .assert_problem(429, "too_many_attempts");
    app.advance(Duration::seconds(1));
    let unlocked = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(unlocked.status, 200, "{}", unlocked.body);

    // A success clears the count: nine more failures do not lock.
    for _ in 1..=9 {
        app.login("ada@example.com", "wrong password").await;
    }
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn failures_outside_the_window_do_not_add_up() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;
    for _ in 1..=9 {
        app.login("ada@example.com", "wrong password").await;
    }
    app.advance(Duration::minutes(16));
    for _ in 1..=9 {
        app.login("ada@example.com", "wrong password").await;
    }
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn sign_up_refuses_taken_emails_weak_passwords_and_bad_addresses() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;

    app.post_json(
        "/v1/accounts",
        json!({"email": "ADA@example.com ", "password": PASSWORD}),
    )
    .await
    .assert_problem(409, "email_taken");

    let weak = app
        .post_json(
            "/v1/accounts",
            json!({"email": "bob@example.com", "password": "password123"}),
        )
        .await;
    weak.assert_problem(422, "validation_failed");
    assert_eq!(weak.body["errors"][0]["field"], "password");
    assert_eq!(weak.body["errors"][0]["code"], "too_common");

    let short = app
        .post_json(
            "/v1/accounts",
            json!({"email": "not-an-email", "password": "short"}),
        )
        .await;
    short.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = short.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password"]);

    let too_long = app
        .post_json(
            "/v1/accounts",
            json!({"email": "bob@example.com", "password": "x".repeat(257)}),
        )
        .await;
    assert_eq!(too_long.body["errors"][0]["code"], "too_long");

    // Nothing was created by the refused attempts.
    app.login("bob@example.com", PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
}

#[actix_web::test]
async fn the_profile_can_be_read_updated_and_cleared() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;

    let me = app.get("/v1/me", &user.token).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["email"], "ada@example.com");
    assert_eq!(me.body["phone"], serde_json::Value::Null);

    let updated = app
        .send(
            app.authed(Method::PATCH, "/v1/me", &user.token)
                .json(&json!({"display_name": " Ada L. ", "phone": "+4915112345678", "whatsapp_number": "+14155550123", "password": PASSWORD})),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["display_name"], "Ada L.");
    assert_eq!(updated.body["phone"], "+4915112345678");
    assert_eq!(updated.body["whatsapp_number"], "+14155550123");

    let invalid = app
        .send(
            app.authed(Method::PATCH, "/v1/me", &user.token)
                .json(&json!({"phone": "0151 123", "whatsapp_number": "+0123456789"})),
        )
        .await;
    invalid.assert_problem(422, "validation_failed");
    assert_eq!(invalid.body["errors"].as_array().unwrap().len(), 2);
    assert_eq!(invalid.body["errors"][0]["code"], "invalid_e164");

    // Values are checked as sent, as the spec's patterns say: a control character is refused
    // even where trimming would remove it, and numbers carry no spaces.
    let as_sent = app
        .send(
            app.authed(Method::PATCH, "/v1/me", &user.token)
                .json(&json!({"display_name": "Ada\r", "phone": " +4915112345678"})),
        )
        .await;
    as_sent.assert_problem(422, "validation_failed");
    let fields = as_sent.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(fields, ["display_name", "phone"]);
    app.post_json(
        "/v1/accounts",
        json!({"email": "grace@example.com", "password": PASSWORD, "display_name": "Grace\n"}),
    )
    .await
    .assert_problem(422, "validation_failed");

    // Leaving a field out keeps it; null clears it.
    let cleared = app
        .send(
            app.authed(Method::PATCH, "/v1/me", &user.token)
                .json(&json!({"phone": null})),
        )
        .await;
    assert_eq!(cleared.status, 200);
    assert_eq!(cleared.body["phone"], serde_json::Value::Null);
    assert_eq!(cleared.body["whatsapp_number"], "+14155550123");
    assert_eq!(
        app.get("/v1/me", &user.token).await.body["display_name"],
        "Ada L."
    );
}

#[actix_web::test]
async fn a_password_hashed_with_old_parameters_is_upgraded_at_login() {
    use argon2::password_hash::PasswordHasher as _;
    use diesel::prelude::*;
    use tessera::db::schema::accounts;

    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(8192, 1, 1, None).unwrap(),
    )
    .hash_password(PASSWORD.as_bytes())
    .unwrap()
    .to_string();
    let read_hash = |app: &TestApp| -> String {
        let mut conn = app.state.pool.get().unwrap();
        accounts::table
            .select(accounts::password_hash)
            .first(&mut *conn)
            .unwrap()
    };
    {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(accounts::table)
            .set(accounts::password_hash.eq(&weak))
            .execute(&mut *conn)
            .unwrap();
    }
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status, 200);
    let upgraded = read_hash(&app);
    assert!(
        upgraded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{upgraded}"
    );
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn a_burst_of_guesses_on_two_instances_gets_exactly_ten_checked() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;
    let other_instance = app.start_another_instance();

    // 29 wrong passwords at once (with the sign-up, the 30 password attempts a client IP may
    // make in a minute), spread over two instances that share the database, as an
    // attacker with many connections would send them.
    let replies = app
        .send_at_once(&[app.base.clone(), other_instance], 29, |i, base| {
            app.http
                .post(format!("{base}/v1/auth/login"))
                .json(&json!({"email": "ada@example.com", "password": format!("guess {i}")}))
        })
        .await;
    let statuses = replies
        .iter()
        .map(|r| r.status.as_u16())
        .collect::<Vec<_>>();
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (10, 19), "{statuses:?}");

    // The history says the same: ten wrong passwords, the rest refused unchecked.
    app.advance(Duration::minutes(15));
    let user = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(user.status, 200, "{}", user.body);
    let token = user.body["session_token"].as_str().unwrap();
    let history = app.get("/v1/me/login-history?limit=100", token).await;
    let reasons = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["failure_reason"].as_str())
        .collect::<Vec<_>>();
    assert_eq!(
        reasons
            .iter()
            .filter(|r| **r == "invalid_credentials")
            .count(),
        10
    );
    assert_eq!(
        reasons
            .iter()
            .filter(|r| **r == "too_many_attempts")
            .count(),
        19
    );
}

#[actix_web::test]
async fn the_audit_log_records_sign_up_profile_changes_and_logout_without_values() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let second = app.login("ada@example.com", PASSWORD).await;
    let second_token = second.body["session_token"].as_str().unwrap();
    let updated = app
        .send(
            app.authed(Method::PATCH, "/v1/me", &ada.token)
                .json(&json!({"display_name": "Ada", "phone": "+4915112345678"})),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    // Sending the same values again changes nothing and records nothing.
    app.send(
        app.authed(Method::PATCH, "/v1/me", &ada.token)
            .json(&json!({"display_name": "Ada"})),
    )
    .await;
    let logout = app
        .send(app.authed(Method::POST, "/v1/auth/logout", second_token))
        .await;
    assert_eq!(logout.status, 204);

    let log = app.get("/v1/me/audit-log", &ada.token).await;
    let items = log.body["items"].as_array().unwrap();
    let events: Vec<&str> = items.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        ["session.revoked", "profile.updated", "account.created"]
    );
    assert_eq!(
        items[0]["details"]["session_id"],
        second.body["session"]["id"]
    );
    assert_eq!(
        items[1]["details"],
        json!({"fields": ["display_name", "phone"]})
    );
    assert!(!log.body.to_string().contains("+4915112345678"));
    assert_eq!(items[2]["ip"], "127.0.0.1");
}

#[actix_web::test]
async fn emails_and_passwords_match_however_their_characters_are_composed() {
    let app = TestApp::spawn().await;
    // "é" as one character at sign-up, as "e" + a combining accent at login.
    let composed_email = "ren\u{e9}@example.com";
    let decomposed_email = "RENE\u{301}@example.com";
    let composed_password = "caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e";
    let decomposed_password = "cafe\u{301} cre\u{300}me bru\u{302}le\u{301}e";
    let signed_up = app
        .post_json(
            "/v1/accounts",
            json!({"email": composed_email, "password": composed_password}),
        )
        .await;
    assert_eq!(signed_up.status, 201, "{}", signed_up.body);
    let login = app.login(decomposed_email, decomposed_password).await;
    assert_eq!(login.status, 200, "{}", login.body);
    assert_eq!(login.body["account"]["email"], composed_email);
    app.post_json(
        "/v1/accounts",
        json!({"email": decomposed_email, "password": PASSWORD}),
    )
    .await
    .assert_problem(409, "email_taken");
}
