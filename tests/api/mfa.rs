//! Authenticator-app 2FA as the help pages describe it: enrol with a QR code or the key,
//! confirm with a code, keep recovery codes, sign in with password then code, disable with
//! password and code.

use crate::common::{PASSWORD, TestApp, totp_code};
use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

fn decode_qr(image: image::GrayImage) -> String {
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "exactly one QR code");
    grids[0].decode().expect("QR code decodes").1
}

#[actix_web::test]
async fn enrolment_gives_a_key_an_otpauth_uri_and_qr_codes_of_it() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;
    let enrolment = app.enrol_totp(&user).await;
    assert_eq!(enrolment.status, 201, "{}", enrolment.body);
    let body = &enrolment.body;

    let secret = body["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 32, "160 bits of base32");
    assert!(!secret.contains('='));
    assert_eq!(
        base32::decode(base32::Alphabet::Rfc4648 { padding: false }, secret)
            .unwrap()
            .len(),
        20
    );
    assert_eq!(body["expires_at"], "2026-03-02T09:10:00Z");

    let uri_text = body["otpauth_uri"].as_str().unwrap();
    let uri = reqwest::Url::parse(uri_text).unwrap();
    assert_eq!(uri.scheme(), "otpauth");
    assert_eq!(uri.host_str(), Some("totp"));
    assert_eq!(uri.path(), "/Tessera:ada%40example%2Ecom");
    let query: std::collections::HashMap<String, String> = uri.query_pairs().into_owned().collect();
    assert_eq!(query["secret"], secret);
    assert_eq!(query["issuer"], "Tessera");
    assert_eq!(query["algorithm"], "SHA1");
    assert_eq!(query["digits"], "6");
    assert_eq!(query["period"], "30");

    // The PNG and the SVG both scan to the URI.
    use base64::Engine;
    let png = body["qr_png"]
        .as_str()
        .unwrap()
        .strip_prefix("data:image/png;base64,")
        .unwrap();
    let png = base64::engine::general_purpose::STANDARD
        .decode(png)
        .unwrap();
    let png = image::load_from_memory(&png).unwrap().to_luma8();
    assert_eq!(decode_qr(png), uri_text);

    let svg = body["qr_svg"].as_str().unwrap();
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).unwrap();
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    let gray = image::GrayImage::from_fn(size.width(), size.height(), |x, y| {
        let px = pixmap.pixel(x, y).unwrap();
        image::Luma([px.red()])
    });
    assert_eq!(decode_qr(gray), uri_text);
}

#[actix_web::test]
async fn enrol_activate_log_out_and_sign_in_with_a_code_at_aal2() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;
    let status = app.get("/v1/me/mfa", &user.token).await;
    assert_eq!(status.body["enabled"], false);
    assert_eq!(status.body["recovery_codes"], Value::Null);

    let enrolment = app.enrol_totp(&user).await;
    let secret = enrolment.body["secret"].as_str().unwrap();
    let factor_id = enrolment.body["factor_id"].as_str().unwrap();
    // Pending: login is still single-step.
    assert_eq!(
        app.login("ada@example.com", PASSWORD).await.body["status"],
        "authenticated"
    );

    // A wrong code is no sign-out: 403, and the session stays.
    let wrong = app.activate(&user, factor_id, "000000").await;
    wrong.assert_problem(403, "reauthentication_failed");
    assert_eq!(wrong.body["errors"][0]["field"], "code");
    let activation = app
        .activate(&user, factor_id, &app.current_code(secret))
        .await;
    assert_eq!(activation.status, 200, "{}", activation.body);
    assert_eq!(activation.body["factor"]["id"], factor_id);
    assert_eq!(activation.body["factor"]["type"], "totp");
    let codes = activation.body["recovery_codes"]["codes"]
        .as_array()
        .unwrap();
    assert_eq!(codes.len(), 8);
    for code in codes {
        let code = code.as_str().unwrap();
        assert_eq!(code.len(), 11);
        assert_eq!(&code[5..6], "-");
        assert!(
            code.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_lowercase())
        );
    }
    app.activate(&user, factor_id, &app.current_code(secret))
        .await
        .assert_problem(409, "factor_already_active");

    let status = app.get("/v1/me/mfa", &user.token).await;
    assert_eq!(status.body["enabled"], true);
    assert_eq!(status.body["factors"][0]["id"], factor_id);
    assert_eq!(status.body["factors"][0]["type"], "totp");
    assert!(status.body["factors"][0]["created_at"].is_string());
    assert_eq!(status.body["recovery_codes"]["remaining"], 8);
    assert_eq!(status.body["recovery_codes"]["total"], 8);

    app.send(app.authed(Method::POST, "/v1/auth/logout", &user.token))
        .await;
    app.advance(Duration::seconds(30));

    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(login.status, 200);
    assert_eq!(login.body["status"], "mfa_required");
    assert_eq!(
        login.body["challenge"]["methods"],
        json!(["totp", "recovery_code"])
    );
    assert_eq!(
        login.body["challenge"]["expires_at"],
        "2026-03-02T09:05:30Z"
    );
    assert!(login.body.get("session_token").is_none());
    assert!(
        !login
            .headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("tessera_session=")),
        "no session before the second factor"
    );
    let challenge = login.body["challenge"]["id"].as_str().unwrap();

    let verified = app
        .verify(challenge, "totp", &app.current_code(secret))
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(verified.body["status"], "authenticated");
    assert_eq!(verified.body["session"]["aal"], "aal2");
    assert_eq!(
        verified.body["session"]["methods"],
        json!(["password", "totp"])
    );
    assert!(
        verified
            .header("set-cookie")
            .unwrap()
            .starts_with("tessera_session=tss_")
    );
    let token = verified.body["session_token"].as_str().unwrap();
    let check = app.get("/v1/sessions/current", token).await;
    assert_eq!(check.body["session"]["aal"], "aal2");

    // A challenge is answered once.
    app.verify(challenge, "totp", &totp_code(secret, app.now_unix() + 30))
        .await
        .assert_problem(410, "challenge_used");
    app.verify("tsc_unknown", "totp", "123456")
        .await
        .assert_problem(404, "not_found");
    app.verify(challenge, "carrier_pigeon", "123456")
        .await
        .assert_problem(422, "invalid_body");
}

#[actix_web::test]
async fn a_code_works_once_and_only_within_one_step_of_now() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;

    let first = app.login_to_challenge("ada@example.com").await;
    let code = app.current_code(&ada.secret);
    assert_eq!(app.verify(&first, "totp", &code).await.status, 200);

    // The same code at a new challenge is a replay.
    let second = app.login_to_challenge("ada@example.com").await;
    let replay = app.verify(&second, "totp", &code).await;
    replay.assert_problem(401, "invalid_code");
    assert_eq!(replay.body["attempts_remaining"], 4);
    // The next step's code (the app may run a little ahead) works.
    let next = totp_code(&ada.secret, app.now_unix() + 30);
    assert_eq!(app.verify(&second, "totp", &next).await.status, 200);

    // Three steps later: a code one step old is accepted, two steps old is not.
    app.advance(Duration::seconds(90));
    let third = app.login_to_challenge("ada@example.com").await;
    let two_old = totp_code(&ada.secret, app.now_unix() - 60);
    app.verify(&third, "totp", &two_old)
        .await
        .assert_problem(401, "invalid_code");
    let one_old = totp_code(&ada.secret, app.now_unix() - 30);
    assert_eq!(app.verify(&third, "totp", &one_old).await.status, 200);
}

#[actix_web::test]
async fn five_wrong_codes_kill_a_challenge_and_ten_lock_the_second_factor() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;

    let challenge = app.login_to_challenge("ada@example.com").await;
    for remaining in (0..5).rev() {
        let wrong = app.verify(&challenge, "totp", "000000").await;
        wrong.assert_problem(401, "invalid_code");
        assert_eq!(wrong.body["attempts_remaining"], remaining);
    }
    app.verify(&challenge, "totp", &app.current_code(&ada.secret))
        .await
        .assert_problem(410, "challenge_exhausted");

    // An unanswered challenge dies after five minutes.
    let slow = app.login_to_challenge("ada@example.com").await;
    app.advance(Duration::minutes(5));
    app.verify(&slow, "totp", &app.current_code(&ada.secret))
        .await
        .assert_problem(410, "challenge_expired");

    // Five more wrong codes (ten in fifteen minutes) lock second-factor checks.
    let another = app.login_to_challenge("ada@example.com").await;
    for _ in 0..5 {
        app.verify(&another, "recovery_code", "aaaaa-aaaaa").await;
    }
    let locked_out = app.login_to_challenge("ada@example.com").await;
    let locked = app
        .verify(&locked_out, "totp", &app.current_code(&ada.secret))
        .await;
    locked.assert_problem(429, "too_many_attempts");
    let retry_after: i64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!(retry_after > 0 && retry_after <= 15 * 60);
    // The lock also guards the password-and-code checks.
    app.step_up(
        "/v1/me/mfa/disable",
        &ada.user.token,
        PASSWORD,
        &app.current_code(&ada.secret),
    )
    .await
    .assert_problem(429, "too_many_attempts");

    app.advance(Duration::seconds(retry_after));
    let fresh = app.login_to_challenge("ada@example.com").await;
    assert_eq!(
        app.verify(&fresh, "totp", &app.current_code(&ada.secret))
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn recovery_codes_work_once_in_any_spelling_and_can_be_regenerated_and_revealed() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let codes = &ada.recovery_codes;

    let spellings = [
        codes[0].clone(),
        codes[1].replace('-', ""),
        format!("  {}  ", codes[2].to_uppercase()),
    ];
    for (used, spelling) in spellings.iter().enumerate() {
        let challenge = app.login_to_challenge("ada@example.com").await;
        let verified = app.verify(&challenge, "recovery_code", spelling).await;
        assert_eq!(verified.status, 200, "{spelling}: {}", verified.body);
        assert_eq!(
            verified.body["session"]["methods"],
            json!(["password", "recovery_code"])
        );
        let status = app.get("/v1/me/mfa", &ada.user.token).await;
        assert_eq!(status.body["recovery_codes"]["remaining"], 7 - used as i64);
    }
    let challenge = app.login_to_challenge("ada@example.com").await;
    app.verify(&challenge, "recovery_code", &codes[0])
        .await
        .assert_problem(401, "invalid_code");

    // Reveal: the five unused codes, in order.
    let revealed = app
        .step_up(
            "/v1/me/mfa/recovery-codes/reveal",
            &ada.user.token,
            PASSWORD,
            &app.current_code(&ada.secret),
        )
        .await;
    assert_eq!(revealed.status, 200, "{}", revealed.body);
    assert_eq!(revealed.body["codes"], json!(codes[3..]));

    // Regenerate: the old set dies at once, the new one works.
    app.advance(Duration::seconds(30));
    let regenerated = app
        .step_up(
            "/v1/me/mfa/recovery-codes",
            &ada.user.token,
            PASSWORD,
            &app.current_code(&ada.secret),
        )
        .await;
    assert_eq!(regenerated.status, 201, "{}", regenerated.body);
    let new_codes: Vec<String> = regenerated.body["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(new_codes.len(), 8);
    assert!(new_codes.iter().all(|c| !codes.contains(c)));
    let challenge = app.login_to_challenge("ada@example.com").await;
    app.verify(&challenge, "recovery_code", &codes[5])
        .await
        .assert_problem(401, "invalid_code");
    assert_eq!(
        app.verify(&challenge, "recovery_code", &new_codes[0])
            .await
            .status,
        200
    );
    let status = app.get("/v1/me/mfa", &ada.user.token).await;
    assert_eq!(status.body["recovery_codes"]["remaining"], 7);
    assert_eq!(
        status.body["recovery_codes"]["generated_at"],
        "2026-03-02T09:01:00Z"
    );

    // Both need the password and a code.
    app.step_up(
        "/v1/me/mfa/recovery-codes",
        &ada.user.token,
        PASSWORD,
        "000000",
    )
    .await
    .assert_problem(403, "reauthentication_failed");
    app.step_up(
        "/v1/me/mfa/recovery-codes/reveal",
        &ada.user.token,
        "wrong password",
        &new_codes[1],
    )
    .await
    .assert_problem(403, "reauthentication_failed");
}

#[actix_web::test]
async fn disabling_needs_both_password_and_code_and_makes_login_single_step_again() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let token = &ada.user.token;

    let wrong_code = app
        .step_up("/v1/me/mfa/disable", token, PASSWORD, "000000")
        .await;
    wrong_code.assert_problem(403, "reauthentication_failed");
    assert_eq!(wrong_code.body["errors"][0]["field"], "code");
    let wrong_password = app
        .step_up(
            "/v1/me/mfa/disable",
            token,
            "wrong password",
            &app.current_code(&ada.secret),
        )
        .await;
    wrong_password.assert_problem(403, "reauthentication_failed");
    assert_eq!(wrong_password.body["errors"][0]["field"], "password");
    // A typo is no sign-out.
    assert_eq!(app.session_check(token).await, 200);
    let missing_code = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/disable", token)
                .json(&json!({"password": PASSWORD})),
        )
        .await;
    // A missing code is refused as a wrong one is, naming it.
    missing_code.assert_problem(403, "reauthentication_failed");
    assert_eq!(missing_code.body["errors"][0]["field"], "code");
    assert_eq!(app.get("/v1/me/mfa", token).await.body["enabled"], true);

    let disabled = app
        .step_up(
            "/v1/me/mfa/disable",
            token,
            PASSWORD,
            &app.current_code(&ada.secret),
        )
        .await;
    assert_eq!(disabled.status, 204, "{}", disabled.body);
    let status = app.get("/v1/me/mfa", token).await;
    assert_eq!(status.body["enabled"], false);
    assert_eq!(status.body["factors"], json!([]));
    assert_eq!(status.body["recovery_codes"], Value::Null);
    assert_eq!(
        app.login("ada@example.com", PASSWORD).await.body["status"],
        "authenticated"
    );
    app.step_up(
        "/v1/me/mfa/disable",
        token,
        PASSWORD,
        &ada.recovery_codes[0],
    )
    .await
    .assert_problem(409, "mfa_not_enabled");

    // A recovery code can confirm the disabling too (for a lost phone).
    let bob = app.sign_up_with_mfa("bob@example.com").await;
    let disabled = app
        .step_up(
            "/v1/me/mfa/disable",
            &bob.user.token,
            PASSWORD,
            &bob.recovery_codes[3].to_uppercase(),
        )
        .await;
    assert_eq!(disabled.status, 204, "{}", disabled.body);
}

#[actix_web::test]
async fn enrolment_rules_password_one_authenticator_expiry_and_ownership() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let bob = app.sign_up("bob@example.com").await;

    app.send(
        app.authed(Method::POST, "/v1/me/mfa/totp", &ada.token)
            .json(&json!({"password": "wrong password"})),
    )
    .await
    .assert_problem(403, "reauthentication_failed");

    let enrolment = app.enrol_totp(&ada).await;
    let factor_id = enrolment.body["factor_id"].as_str().unwrap().to_string();
    let secret = enrolment.body["secret"].as_str().unwrap().to_string();
    // Someone else's pending factor is not there for Bob.
    app.activate(&bob, &factor_id, &app.current_code(&secret))
        .await
        .assert_problem(404, "not_found");

    // Pending factors die after ten minutes.
    app.advance(Duration::minutes(10));
    app.activate(&ada, &factor_id, &app.current_code(&secret))
        .await
        .assert_problem(410, "factor_expired");
    let pruned = tessera::run_maintenance(&app.state).await.unwrap();
    assert_eq!(pruned.pending_factors, 1);
    app.activate(&ada, &factor_id, &app.current_code(&secret))
        .await
        .assert_problem(404, "not_found");

    // Starting again replaces the pending factor; one active authenticator at a time.
    let again = app.enrol_totp(&ada).await;
    let secret = again.body["secret"].as_str().unwrap();
    let id = again.body["factor_id"].as_str().unwrap();
    assert_eq!(
        app.activate(&ada, id, &app.current_code(secret))
            .await
            .status,
        200
    );
    // With MFA on, a new factor needs a current code too (DESIGN.md §6)...
    app.enrol_totp(&ada)
        .await
        .assert_problem(403, "reauthentication_failed");
    // ...and then there is still one authenticator at a time.
    app.advance(Duration::seconds(30));
    app.send(
        app.authed(Method::POST, "/v1/me/mfa/totp", &ada.token)
            .json(&json!({"password": PASSWORD, "code": app.current_code(secret)})),
    )
    .await
    .assert_problem(409, "totp_already_active");
}

#[actix_web::test]
async fn the_database_holds_neither_the_totp_secret_nor_any_recovery_code_in_clear() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let raw_secret =
        base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &ada.secret).unwrap();

    let dump = app.database_dump();
    assert!(dump.contains("ada@example.com"), "the dump is readable");
    assert!(!dump.contains(&ada.secret));
    assert!(!dump.contains(&ada.secret.to_lowercase()));
    let dump_bytes = dump.as_bytes();
    assert!(
        !dump_bytes
            .windows(raw_secret.len())
            .any(|w| w == raw_secret)
    );
    for code in &ada.recovery_codes {
        assert!(!dump.contains(code.as_str()), "{code}");
        assert!(!dump.contains(&code.replace('-', "")), "{code}");
    }
}

#[actix_web::test]
async fn audit_log_and_login_history_tell_what_happened() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let token = ada.user.token.clone();

    let challenge = app.login_to_challenge("ada@example.com").await;
    app.verify(&challenge, "totp", "000000").await;
    let verified = app
        .verify(&challenge, "totp", &app.current_code(&ada.secret))
        .await;
    let other = verified.body["session"]["id"].as_str().unwrap().to_string();
    let challenge = app.login_to_challenge("ada@example.com").await;
    app.verify(&challenge, "recovery_code", &ada.recovery_codes[0])
        .await;

    app.advance(Duration::seconds(30));
    app.step_up(
        "/v1/me/mfa/recovery-codes/reveal",
        &token,
        PASSWORD,
        &app.current_code(&ada.secret),
    )
    .await;
    app.advance(Duration::seconds(30));
    app.step_up(
        "/v1/me/mfa/recovery-codes",
        &token,
        PASSWORD,
        &app.current_code(&ada.secret),
    )
    .await;
    app.send(app.authed(Method::DELETE, &format!("/v1/me/sessions/{other}"), &token))
        .await;
    app.send(app.authed(Method::DELETE, "/v1/me/sessions", &token))
        .await;
    app.advance(Duration::seconds(30));
    let changed = app
        .send(
            app.authed(Method::POST, "/v1/me/password", &token)
                .header("user-agent", crate::common::FIREFOX_UA)
                .json(&json!({
                    "current_password": PASSWORD,
                    "new_password": "another fine passphrase",
                    "code": app.current_code(&ada.secret),
                })),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    app.advance(Duration::seconds(30));
    app.step_up(
        "/v1/me/mfa/disable",
        &token,
        "another fine passphrase",
        &app.current_code(&ada.secret),
    )
    .await;

    let log = app.get("/v1/me/audit-log", &token).await;
    assert_eq!(log.status, 200, "{}", log.body);
    let events: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "mfa.disabled",
            "password.changed",
            "sessions.revoked_others",
            "session.revoked",
            "recovery_codes.regenerated",
            "recovery_codes.revealed",
            "sessions.revoked_others",
            "mfa.enabled",
            "account.created",
        ]
    );
    let password_changed = &log.body["items"][1];
    assert_eq!(password_changed["actor_id"], ada.user.account_id.as_str());
    assert_eq!(password_changed["ip"], "127.0.0.1");
    assert_eq!(password_changed["user_agent"], crate::common::FIREFOX_UA);
    assert!(
        password_changed["occurred_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(log.body["items"][0]["details"]["confirmed_with"], "totp");
    assert_eq!(password_changed["details"]["confirmed_with"], "totp");
    assert_eq!(log.body["items"][6]["details"]["reason"], "mfa_enabled");
    assert_eq!(log.body["items"][7]["details"]["type"], "totp");

    let history = app.get("/v1/me/login-history", &token).await;
    let entries: Vec<(String, String, Value)> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["outcome"].as_str().unwrap().to_string(),
                e["mfa_method"].as_str().unwrap_or("-").to_string(),
                e["failure_reason"].clone(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("succeeded".into(), "recovery_code".into(), Value::Null),
            ("succeeded".into(), "totp".into(), Value::Null),
            ("failed".into(), "totp".into(), json!("invalid_code")),
        ]
    );
}

#[actix_web::test]
async fn instances_behind_one_database_answer_for_each_other() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let other = app.start_another_instance();

    // Log in on the second instance, answer the challenge on the first, check the session on
    // the second: the challenge, the sealed TOTP secret and the session all live in the database
    // and the instances share their keys.
    let login = app
        .http
        .post(format!("{other}/v1/auth/login"))
        .json(&json!({"email": "ada@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(login["status"], "mfa_required");
    let challenge = login["challenge"]["id"].as_str().unwrap();
    let verified = app
        .verify(challenge, "totp", &app.current_code(&ada.secret))
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let token = verified.body["session_token"].as_str().unwrap();
    let check = app
        .http
        .get(format!("{other}/v1/sessions/current"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(check.status(), 200);

    // A code used on one instance is a replay on the other.
    let again = app.login_to_challenge("ada@example.com").await;
    let replay = app
        .http
        .post(format!("{other}/v1/auth/challenges/{again}/verify"))
        .json(&json!({"method": "totp", "code": app.current_code(&ada.secret)}))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
}

#[actix_web::test]
async fn wrong_codes_sent_at_once_still_get_five_tries_per_challenge() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let other_instance = app.start_another_instance();
    let challenge = app.login_to_challenge("ada@example.com").await;
    let now = app.now_unix();
    let valid = [now - 30, now, now + 30].map(|t| totp_code(&ada.secret, t));
    let wrong_codes = (0..)
        .map(|i| format!("{i:06}"))
        .filter(|code| !valid.contains(code))
        .take(12)
        .collect::<Vec<_>>();

    let replies = app
        .send_at_once(&[app.base.clone(), other_instance], 12, |i, base| {
            app.http
                .post(format!("{base}/v1/auth/challenges/{challenge}/verify"))
                .json(&json!({"method": "totp", "code": wrong_codes[i]}))
        })
        .await;
    let mut remaining = replies
        .iter()
        .filter(|reply| reply.status == 401)
        .map(|reply| reply.body["attempts_remaining"].as_i64().unwrap())
        .collect::<Vec<_>>();
    remaining.sort();
    assert_eq!(remaining, [0, 1, 2, 3, 4]);
    assert!(
        replies
            .iter()
            .filter(|reply| reply.status != 401)
            .all(|reply| reply.status == 410 && reply.body["code"] == "challenge_exhausted"),
        "{:?}",
        replies.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
}

#[actix_web::test]
async fn two_phones_enrolled_at_the_same_moment_leave_one_authenticator() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let both = [app.base.clone(), app.start_another_instance()];

    let enrolments = app
        .send_at_once(&both, 2, |_, base| {
            app.http
                .post(format!("{base}/v1/me/mfa/totp"))
                .bearer_auth(&ada.token)
                .json(&json!({"password": PASSWORD}))
        })
        .await;
    let pending = enrolments
        .iter()
        .map(|e| {
            assert_eq!(e.status, 201, "{}", e.body);
            let secret = e.body["secret"].as_str().unwrap();
            (
                e.body["factor_id"].as_str().unwrap().to_string(),
                app.current_code(secret),
            )
        })
        .collect::<Vec<_>>();
    let activations = app
        .send_at_once(&both, 2, |i, base| {
            let (factor_id, code) = &pending[i];
            app.http
                .post(format!("{base}/v1/me/mfa/factors/{factor_id}/activate"))
                .bearer_auth(&ada.token)
                .json(&json!({"code": code}))
        })
        .await;

    // The later enrolment replaced the earlier one (404), or the second activation found the
    // first one done (409): never two authenticators, never a server error.
    let mut statuses = activations
        .iter()
        .map(|r| r.status.as_u16())
        .collect::<Vec<_>>();
    statuses.sort();
    assert!(
        statuses == [200, 404] || statuses == [200, 409],
        "{:?}",
        activations.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let status = app.get("/v1/me/mfa", &ada.token).await;
    assert_eq!(status.body["factors"].as_array().unwrap().len(), 1);
    assert_eq!(status.body["recovery_codes"]["remaining"], 8);
}
