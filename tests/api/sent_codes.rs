//! SMS and WhatsApp factors: codes that arrive at a provider (local HTTP servers here), work
//! once, for 10 minutes, die after 5 wrong tries, and are sent at most every 30 seconds and 5
//! times an hour.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{MfaUser, PASSWORD, Reply, TestApp, User};

const PHONE: &str = "+15550100123";

async fn sms_provider() -> MockServer {
    let provider = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2010-04-01/Accounts/AC0001/Messages.json"))
        .and(header("authorization", "Basic QUMwMDAxOnNtcy1zZWNyZXQ="))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"sid": "SM1"})))
        .mount(&provider)
        .await;
    provider
}

async fn app_with_sms(provider: &MockServer) -> TestApp {
    let url = provider.uri();
    TestApp::builder()
        .settings(move |s| {
            s.sms_url = url;
            s.sms_account_sid = Some("AC0001".into());
            s.sms_auth_token = Some("sms-secret".into());
            s.sms_from = Some("+15550000000".into());
        })
        .spawn()
        .await
}

/// The form fields of the provider's last request.
async fn last_sms(app: &TestApp, provider: &MockServer) -> Vec<(String, String)> {
    app.deliver_outbox().await;
    let requests = provider.received_requests().await.unwrap();
    let last = requests.last().expect("an SMS was sent");
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(&text.replace('+', " "))
            .decode_utf8()
            .unwrap()
            .into_owned()
    };
    String::from_utf8_lossy(&last.body)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

async fn last_code(app: &TestApp, provider: &MockServer) -> String {
    let fields = last_sms(app, provider).await;
    let body = &fields.iter().find(|(k, _)| k == "Body").unwrap().1;
    body.split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 6)
        .unwrap_or_else(|| panic!("no code in {body}"))
        .to_string()
}

async fn enrol_sms(app: &TestApp, user: &User) -> Reply {
    app.send(
        app.authed(Method::POST, "/v1/me/mfa/sms", &user.token)
            .json(&json!({"phone": PHONE, "password": PASSWORD})),
    )
    .await
}

async fn challenge(app: &TestApp) -> String {
    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(login.body["status"], "mfa_required", "{}", login.body);
    login.body["challenge"]["id"].as_str().unwrap().to_string()
}

async fn deliver(app: &TestApp, challenge: &str, method: &str) -> Reply {
    app.post_json(
        &format!("/v1/auth/challenges/{challenge}/deliver"),
        json!({"method": method}),
    )
    .await
}

/// Ada with an active SMS factor; the clock past the cooldown of its activation code.
async fn ada_with_sms(app: &TestApp, provider: &MockServer) -> User {
    let ada = app.sign_up("ada@example.com").await;
    let enrolled = enrol_sms(app, &ada).await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    let factor = enrolled.body["factor_id"].as_str().unwrap();
    let code = last_code(app, provider).await;
    let activated = app.activate(&ada, factor, &code).await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    app.advance(Duration::seconds(30));
    ada
}

#[actix_web::test]
async fn an_sms_factor_signs_in_with_codes_that_work_once_and_for_ten_minutes() {
    let provider = sms_provider().await;
    let app = app_with_sms(&provider).await;
    let ada = app.sign_up("ada@example.com").await;
    let enrolled = enrol_sms(&app, &ada).await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    assert_eq!(enrolled.body["type"], "sms");
    assert_eq!(enrolled.body["sent_to"], "+1•••••0123");
    let sms = last_sms(&app, &provider).await;
    assert!(sms.contains(&("To".into(), PHONE.into())), "{sms:?}");
    assert!(
        sms.contains(&("From".into(), "+15550000000".into())),
        "{sms:?}"
    );
    let factor = enrolled.body["factor_id"].as_str().unwrap();
    let code = last_code(&app, &provider).await;
    assert!(!app.rows_dump().contains(PHONE), "the number is sealed");
    let wrong = app.activate(&ada, factor, "000000").await;
    wrong.assert_problem(403, "reauthentication_failed");
    let activated = app.activate(&ada, factor, &code).await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    assert_eq!(activated.body["factor"]["type"], "sms");
    assert_eq!(
        activated.body["recovery_codes"]["codes"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
    app.advance(Duration::seconds(30));

    // Log in: the challenge offers SMS; the code that arrives signs in, once.
    let first = challenge(&app).await;
    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(
        login.body["challenge"]["methods"],
        json!(["sms", "recovery_code"])
    );
    let sent = deliver(&app, &first, "sms").await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    assert_eq!(sent.body["sent_to"], "+1•••••0123");
    let code = last_code(&app, &provider).await;
    let verified = app.verify(&first, "sms", &code).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(verified.body["session"]["aal"], "aal2");
    assert_eq!(
        verified.body["session"]["methods"],
        json!(["password", "sms"])
    );
    let second = challenge(&app).await;
    app.verify(&second, "sms", &code)
        .await
        .assert_problem(401, "invalid_code");

    // A code dies after 5 wrong tries.
    app.advance(Duration::seconds(30));
    let third = challenge(&app).await;
    assert_eq!(deliver(&app, &third, "sms").await.status, 202);
    let code = last_code(&app, &provider).await;
    for _ in 0..5 {
        let wrong = if code == "111111" { "222222" } else { "111111" };
        app.verify(&third, "sms", wrong).await;
    }
    let fourth = challenge(&app).await;
    app.verify(&fourth, "sms", &code)
        .await
        .assert_problem(401, "invalid_code");

    // And 10 minutes after it was sent.
    app.advance(Duration::seconds(30));
    assert_eq!(deliver(&app, &fourth, "sms").await.status, 202);
    let code = last_code(&app, &provider).await;
    app.advance(Duration::minutes(10));
    let fifth = challenge(&app).await;
    app.verify(&fifth, "sms", &code)
        .await
        .assert_problem(401, "invalid_code");
}

#[actix_web::test]
async fn codes_are_sent_at_most_every_30_seconds_and_5_times_an_hour() {
    let provider = sms_provider().await;
    let app = app_with_sms(&provider).await;
    ada_with_sms(&app, &provider).await;
    let id = challenge(&app).await;
    // The activation code was the first of the hour.
    assert_eq!(deliver(&app, &id, "sms").await.status, 202);
    let again = deliver(&app, &id, "sms").await;
    again.assert_problem(429, "rate_limited");
    assert_eq!(again.header("retry-after"), Some("30"));
    for _ in 0..3 {
        app.advance(Duration::seconds(30));
        let id = challenge(&app).await;
        assert_eq!(deliver(&app, &id, "sms").await.status, 202);
    }
    app.advance(Duration::seconds(30));
    let id = challenge(&app).await;
    let capped = deliver(&app, &id, "sms").await;
    capped.assert_problem(429, "rate_limited");
    // The first code (at 09:00:00) leaves the hour at 10:00:00; it is 09:02:30 now.
    assert_eq!(capped.header("retry-after"), Some("3450"));

    // Methods a challenge does not offer are refused.
    deliver(&app, &id, "totp")
        .await
        .assert_problem(422, "validation_failed");
    deliver(&app, &id, "whatsapp")
        .await
        .assert_problem(422, "validation_failed");
    deliver(&app, "tsc_unknown", "sms")
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn whatsapp_codes_go_through_the_whatsapp_api() {
    let provider = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/send-message"))
        .and(header("authorization", "Bearer wa-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .mount(&provider)
        .await;
    let url = provider.uri();
    let app = TestApp::builder()
        .settings(move |s| {
            s.whatsapp_url = url;
            s.whatsapp_api_key = Some("wa-key".into());
        })
        .spawn()
        .await;
    let ada = app.sign_up("ada@example.com").await;
    let enrolled = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/whatsapp", &ada.token)
                .json(&json!({"phone": PHONE, "password": PASSWORD})),
        )
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    app.deliver_outbox().await;
    let sent: Value =
        serde_json::from_slice(&provider.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(sent["to"], PHONE);
    let code: String = sent["text"]
        .as_str()
        .unwrap()
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_string();
    let activated = app
        .activate(&ada, enrolled.body["factor_id"].as_str().unwrap(), &code)
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(
        login.body["challenge"]["methods"],
        json!(["whatsapp", "recovery_code"])
    );
    // No SMS provider here.
    app.send(
        app.authed(Method::POST, "/v1/me/mfa/sms", &ada.token)
            .json(&json!({"phone": PHONE, "password": PASSWORD})),
    )
    .await
    .assert_problem(409, "channel_unavailable");
}

#[actix_web::test]
async fn without_a_provider_phone_factors_are_offered_only_for_development() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    enrol_sms(&app, &ada)
        .await
        .assert_problem(409, "channel_unavailable");
    let dev = TestApp::builder()
        .settings(|s| s.dev_log_codes = true)
        .spawn()
        .await;
    let ada = dev.sign_up("ada@example.com").await;
    assert_eq!(enrol_sms(&dev, &ada).await.status, 201);
    app.send(
        app.authed(Method::POST, "/v1/me/mfa/sms", &ada.token)
            .json(&json!({"phone": "555-0100", "password": PASSWORD})),
    )
    .await
    .assert_problem(401, "unauthenticated");
    dev.send(
        dev.authed(Method::POST, "/v1/me/mfa/sms", &ada.token)
            .json(&json!({"phone": "555-0100", "password": PASSWORD})),
    )
    .await
    .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn factors_are_removed_one_by_one_and_the_last_turns_mfa_off() {
    let provider = sms_provider().await;
    let app = app_with_sms(&provider).await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    // An SMS factor beside the authenticator: with MFA on, a current code confirms it.
    let code = app.next_code(&ada);
    let enrolled = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/sms", &ada.user.token)
                .json(&json!({"phone": PHONE, "password": PASSWORD, "code": code})),
        )
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    let sms = enrolled.body["factor_id"].as_str().unwrap().to_string();
    let code = last_code(&app, &provider).await;
    let activated = app.activate(&ada.user, &sms, &code).await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    assert!(
        activated.body["recovery_codes"].is_null(),
        "not the first factor"
    );
    let status = app.get("/v1/me/mfa", &ada.user.token).await;
    let types: Vec<&str> = status.body["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["totp", "sms"]);
    let totp = status.body["factors"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let remove = |id: &str, code: &str| {
        app.authed(
            Method::DELETE,
            &format!("/v1/me/mfa/factors/{id}"),
            &ada.user.token,
        )
        .json(&json!({"password": PASSWORD, "code": code}))
    };
    app.send(remove(&sms, "000000"))
        .await
        .assert_problem(403, "reauthentication_failed");
    app.send(remove(
        "01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a",
        &app.current_code(&ada.secret),
    ))
    .await
    .assert_problem(404, "not_found");
    let removed = app.send(remove(&sms, &app.next_code(&ada))).await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(
        login.body["challenge"]["methods"],
        json!(["totp", "recovery_code"])
    );

    // The last one, with a recovery code: MFA is off, the recovery codes gone.
    let removed = app.send(remove(&totp, &ada.recovery_codes[0])).await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let status = app.get("/v1/me/mfa", &ada.user.token).await;
    assert_eq!(status.body["enabled"], false);
    assert!(status.body["recovery_codes"].is_null());
    let log = app.get("/v1/me/audit-log", &ada.user.token).await;
    let events: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events[..2], ["mfa.disabled", "mfa.factor_removed"]);
}

async fn whatsapp_provider() -> MockServer {
    let provider = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/send-message"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
        .mount(&provider)
        .await;
    provider
}

async fn last_whatsapp_code(app: &TestApp, provider: &MockServer) -> (String, String) {
    app.deliver_outbox().await;
    let requests = provider.received_requests().await.unwrap();
    let sent: Value = serde_json::from_slice(&requests.last().unwrap().body).unwrap();
    let code = sent["text"]
        .as_str()
        .unwrap()
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_string();
    (sent["to"].as_str().unwrap().to_string(), code)
}

/// Sets the profile's WhatsApp number as its owner would: with the password and, MFA being on,
/// a current code (a fresh one: the clock moves to the next step first).
async fn set_whatsapp(app: &TestApp, user: &MfaUser, number: &str) -> Reply {
    let code = app.next_code(user);
    app.send(
        app.authed(Method::PATCH, "/v1/me", &user.user.token)
            .json(&json!({"whatsapp_number": number, "password": PASSWORD, "code": code})),
    )
    .await
}

#[actix_web::test]
async fn a_proven_whatsapp_number_receives_login_codes_for_an_authenticator_user() {
    let provider = whatsapp_provider().await;
    let url = provider.uri();
    let app = TestApp::builder()
        .settings(move |s| {
            s.whatsapp_url = url;
            s.whatsapp_api_key = Some("wa-key".into());
        })
        .spawn()
        .await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(
        login.body["challenge"]["methods"],
        json!(["totp", "recovery_code"])
    );

    // Setting the number sends a code to it; until it comes back, the number is unproven.
    let set = set_whatsapp(&app, &ada, PHONE).await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert!(set.body["whatsapp_verified_at"].is_null());
    let (to, code) = last_whatsapp_code(&app, &provider).await;
    assert_eq!(to, PHONE);
    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(
        login.body["challenge"]["methods"],
        json!(["totp", "recovery_code"])
    );
    let verify = |code: &str| {
        app.authed(Method::POST, "/v1/me/whatsapp/verify", &ada.user.token)
            .json(&json!({"code": code}))
    };
    let wrong = if code == "111111" { "222222" } else { "111111" };
    app.send(verify(wrong))
        .await
        .assert_problem(403, "reauthentication_failed");
    let proven = app.send(verify(&code)).await;
    assert_eq!(proven.status, 200, "{}", proven.body);
    assert!(proven.body["whatsapp_verified_at"].is_string());

    // Now the challenge offers WhatsApp, and its code signs in.
    app.advance(Duration::seconds(30));
    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(
        login.body["challenge"]["methods"],
        json!(["totp", "whatsapp", "recovery_code"])
    );
    let id = login.body["challenge"]["id"].as_str().unwrap();
    let sent = deliver(&app, id, "whatsapp").await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    let (_, code) = last_whatsapp_code(&app, &provider).await;
    let verified = app.verify(id, "whatsapp", &code).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(verified.body["session"]["aal"], "aal2");

    // A new number is unproven again; a code sent to the number before proves nothing of it.
    app.advance(Duration::seconds(30));
    set_whatsapp(&app, &ada, "+15550100777").await;
    let (_, before) = last_whatsapp_code(&app, &provider).await;
    app.advance(Duration::seconds(30));
    let changed = set_whatsapp(&app, &ada, "+15550100999").await;
    assert!(
        changed.body["whatsapp_verified_at"].is_null(),
        "{}",
        changed.body
    );
    let (to, after) = last_whatsapp_code(&app, &provider).await;
    assert_eq!(to, "+15550100999");
    if before != after {
        app.send(verify(&before))
            .await
            .assert_problem(403, "reauthentication_failed");
    }
    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(
        login.body["challenge"]["methods"],
        json!(["totp", "recovery_code"])
    );
}

#[actix_web::test]
async fn without_a_whatsapp_provider_the_number_is_never_offered() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    app.deliver_outbox().await; // the address's verification, and the news of the authenticator
    let set = set_whatsapp(&app, &ada, PHONE).await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(app.deliver_outbox().await, 0, "no code is sent");
    app.send(
        app.authed(Method::POST, "/v1/me/whatsapp/verify", &ada.user.token)
            .json(&json!({"code": "123456"})),
    )
    .await
    // Nothing was sent: the answer says so, not that the code is wrong.
    .assert_problem(409, "channel_unavailable");
    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(
        login.body["challenge"]["methods"],
        json!(["totp", "recovery_code"])
    );
    let id = login.body["challenge"]["id"].as_str().unwrap();
    deliver(&app, id, "whatsapp")
        .await
        .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn a_phone_only_account_confirms_changes_with_a_code_sent_for_them() {
    let provider = sms_provider().await;
    let app = app_with_sms(&provider).await;
    let ada = ada_with_sms(&app, &provider).await;
    let factor = app.get("/v1/me/mfa", &ada.token).await.body["factors"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let remove = |code: &str| {
        app.authed(
            Method::DELETE,
            &format!("/v1/me/mfa/factors/{factor}"),
            &ada.token,
        )
        .json(&json!({"password": PASSWORD, "code": code}))
    };

    // A code sent for a login confirms nothing.
    let id = challenge(&app).await;
    assert_eq!(deliver(&app, &id, "sms").await.status, 202);
    let login_code = last_code(&app, &provider).await;
    app.send(remove(&login_code))
        .await
        .assert_problem(403, "reauthentication_failed");

    app.advance(Duration::seconds(30));
    let ask = |method: &str| {
        app.authed(Method::POST, "/v1/me/mfa/codes", &ada.token)
            .json(&json!({"method": method}))
    };
    app.send(ask("whatsapp"))
        .await
        .assert_problem(422, "validation_failed");
    let sent = app.send(ask("sms")).await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    assert_eq!(sent.body["sent_to"], "+1•••••0123");
    let code = last_code(&app, &provider).await;
    let removed = app.send(remove(&code)).await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert_eq!(
        app.get("/v1/me/mfa", &ada.token).await.body["enabled"],
        false
    );
}

#[actix_web::test]
async fn guesses_at_the_whatsapp_numbers_code_count_towards_the_lockout() {
    let app = TestApp::builder()
        .settings(|s| s.dev_log_codes = true)
        .spawn()
        .await;
    let ada = app.sign_up("ada@example.com").await;
    let set = app
        .send(
            app.authed(Method::PATCH, "/v1/me", &ada.token)
                .json(&json!({"whatsapp_number": PHONE, "password": PASSWORD})),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    let guess = |code: &'static str| {
        app.send(
            app.authed(Method::POST, "/v1/me/whatsapp/verify", &ada.token)
                .json(&json!({"code": code})),
        )
    };
    // Ten wrong guesses from one address (the code itself dies after five)...
    for _ in 0..10 {
        guess("000000")
            .await
            .assert_problem(403, "reauthentication_failed");
    }
    // ...and that address is locked out of second-factor codes, as for any other code.
    guess("000000")
        .await
        .assert_problem(429, "too_many_attempts");
}

/// A code on its way when the keys rotate still works; the old key, which alone can check it
/// (and the ledger entries that keep the number's budget), is retired only once the clean-up
/// has let them go.
#[actix_web::test]
async fn a_code_sent_before_a_rotation_still_works_and_holds_its_key_until_it_is_gone() {
    use crate::keys::active_key;
    let provider = sms_provider().await;
    let app = app_with_sms(&provider).await;
    ada_with_sms(&app, &provider).await;
    let on_its_way = challenge(&app).await;
    assert_eq!(deliver(&app, &on_its_way, "sms").await.status, 202);
    let code = last_code(&app, &provider).await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    let old = active_key(&listing);

    app.rotate_keys().await;
    let (code_, out, err) = app.run_cli(&["keys", "reseal"]);
    assert_eq!(code_, 0, "{out}{err}");
    let (code_, _, err) = app.run_cli(&["keys", "retire", &old]);
    assert_eq!(code_, 1, "{err}");
    assert!(
        err.contains("code(s) sent and messaging-ledger entries"),
        "{err}"
    );

    // A keyring cut down by hand to drop it is refused by the running server as well.
    let path = app.data_dir.path().join("keyring.json");
    let whole = std::fs::read_to_string(&path).unwrap();
    let mut trimmed: Value = serde_json::from_str(&whole).unwrap();
    trimmed["keys"]
        .as_array_mut()
        .unwrap()
        .retain(|key| key["id"] != old.as_str());
    std::fs::write(&path, trimmed.to_string()).unwrap();
    app.look_at_keyring().await;
    let verified = app.verify(&on_its_way, "sms", &code).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    std::fs::write(&path, &whole).unwrap();

    // Two days on, the clean-up has deleted the code and the ledger's entries: now it goes.
    app.advance(Duration::days(2) + Duration::hours(1));
    tessera::run_maintenance(&app.state).await.unwrap();
    let (code_, out, err) = app.run_cli(&["keys", "retire", &old]);
    assert_eq!(code_, 0, "{out}{err}");
    app.look_at_keyring().await;
    let dump = app.rows_dump();
    assert!(
        !dump.contains(&old),
        "a row still names the retired key: {}",
        dump.lines()
            .filter(|l| l.contains(&old))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
