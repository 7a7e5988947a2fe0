//! Sessions: listing with device and IP, revoking, password change, expiry, CSRF.

use crate::common::{CHROME_UA, FIREFOX_UA, PASSWORD, TestApp};
use chrono::Duration;
use reqwest::Method;
use serde_json::json;

#[actix_web::test]
async fn sessions_list_devices_and_ip_and_can_be_revoked_one_by_one_or_all_others() {
    let app = TestApp::spawn().await;
    let first = app.sign_up("ada@example.com").await;
    app.advance(Duration::seconds(1));
    let chrome = app.login_with_agent("ada@example.com", CHROME_UA).await;
    app.advance(Duration::seconds(1));
    let firefox = app.login_with_agent("ada@example.com", FIREFOX_UA).await;

    let list = app.get("/v1/me/sessions", &chrome.token).await;
    assert_eq!(list.status, 200, "{}", list.body);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    // Newest first.
    assert_eq!(items[0]["id"], firefox.session_id.as_str());
    assert_eq!(items[1]["id"], chrome.session_id.as_str());
    assert_eq!(items[2]["id"], first.session_id.as_str());

    let chrome_item = &items[1];
    assert_eq!(chrome_item["current"], true);
    assert_eq!(chrome_item["browser"], "Chrome");
    assert_eq!(chrome_item["browser_version"], "131.0.0.0");
    assert_eq!(chrome_item["os"], "Windows 10");
    assert_eq!(chrome_item["device"], "pc");
    assert_eq!(chrome_item["ip"], "127.0.0.1");
    assert_eq!(chrome_item["user_agent"], CHROME_UA);
    assert_eq!(chrome_item["location"], serde_json::Value::Null);
    for field in ["created_at", "last_active_at", "expires_at"] {
        assert!(
            chrome_item[field].as_str().unwrap().ends_with('Z'),
            "{field}"
        );
    }
    let firefox_item = &items[0];
    assert_eq!(firefox_item["current"], false);
    assert_eq!(firefox_item["browser"], "Firefox");
    assert_eq!(firefox_item["os"], "Linux");

    // Revoke one: its token stops working, the others go on.
    let revoked = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/me/sessions/{}", firefox.session_id),
            &chrome.token,
        ))
        .await;
    assert_eq!(revoked.status, 204);
    assert_eq!(app.session_check(&firefox.token).await, 401);
    assert_eq!(app.session_check(&chrome.token).await, 200);
    assert_eq!(app.session_check(&first.token).await, 200);

    // Revoking it again, or a session id that does not exist, is "not found".
    app.send(app.authed(
        Method::DELETE,
        &format!("/v1/me/sessions/{}", firefox.session_id),
        &chrome.token,
    ))
    .await
    .assert_problem(404, "not_found");

    // Sign out all others: only the current session works afterwards.
    let others = app
        .send(app.authed(Method::DELETE, "/v1/me/sessions", &chrome.token))
        .await;
    assert_eq!(others.status, 200);
    assert_eq!(others.body["revoked"], 1);
    assert_eq!(app.session_check(&first.token).await, 401);
    assert_eq!(app.session_check(&chrome.token).await, 200);
    let list = app.get("/v1/me/sessions", &chrome.token).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn another_accounts_session_cannot_be_seen_or_revoked() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let bob = app.sign_up("bob@example.com").await;

    app.send(app.authed(
        Method::DELETE,
        &format!("/v1/me/sessions/{}", ada.session_id),
        &bob.token,
    ))
    .await
    .assert_problem(404, "not_found");
    assert_eq!(app.session_check(&ada.token).await, 200);

    let bobs = app.get("/v1/me/sessions", &bob.token).await;
    let ids: Vec<&str> = bobs.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [bob.session_id.as_str()]);
}

#[actix_web::test]
async fn sessions_list_paginates() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;
    for _ in 0..4 {
        app.advance(Duration::seconds(1));
        app.login_with_agent("ada@example.com", CHROME_UA).await;
    }
    let first = app.get("/v1/me/sessions?limit=2", &user.token).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app
        .get(
            &format!("/v1/me/sessions?limit=2&cursor={cursor}"),
            &user.token,
        )
        .await;
    assert_eq!(second.body["items"].as_array().unwrap().len(), 2);
    let cursor = second.body["next_cursor"].as_str().unwrap();
    let third = app
        .get(
            &format!("/v1/me/sessions?limit=2&cursor={cursor}"),
            &user.token,
        )
        .await;
    let last = third.body["items"].as_array().unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(last[0]["id"], user.session_id.as_str());
    assert_eq!(third.body["next_cursor"], serde_json::Value::Null);
}

#[actix_web::test]
async fn a_password_change_signs_out_every_other_session_and_retires_the_old_password() {
    let app = TestApp::spawn().await;
    let laptop = app.sign_up("ada@example.com").await;
    let phone = app.login_with_agent("ada@example.com", FIREFOX_UA).await;
    let new_password = "a completely new passphrase";

    let wrong_current = app
        .send(
            app.authed(Method::POST, "/v1/me/password", &laptop.token)
                .json(&json!({"current_password": "not it", "new_password": new_password})),
        )
        .await;
    wrong_current.assert_problem(403, "reauthentication_failed");
    assert_eq!(wrong_current.body["errors"][0]["field"], "current_password");
    assert_eq!(app.session_check(&phone.token).await, 200);

    let weak_new = app
        .send(
            app.authed(Method::POST, "/v1/me/password", &laptop.token)
                .json(&json!({"current_password": PASSWORD, "new_password": "password"})),
        )
        .await;
    weak_new.assert_problem(422, "validation_failed");
    assert_eq!(weak_new.body["errors"][0]["field"], "new_password");

    let changed = app
        .send(
            app.authed(Method::POST, "/v1/me/password", &laptop.token)
                .json(&json!({"current_password": PASSWORD, "new_password": new_password})),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    assert_eq!(app.session_check(&phone.token).await, 401);
    assert_eq!(app.session_check(&laptop.token).await, 200);
    app.login("ada@example.com", PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(app.login("ada@example.com", new_password).await.status, 200);
}

#[actix_web::test]
async fn idle_sessions_end_after_seven_days_and_every_session_after_thirty() {
    let app = TestApp::spawn().await;
    let idle = app.sign_up("ada@example.com").await;
    let active = app.login_with_agent("ada@example.com", CHROME_UA).await;

    // Used every six days, the active session outlives the idle window several times over.
    for _ in 0..4 {
        app.advance(Duration::days(6));
        assert_eq!(app.session_check(&active.token).await, 200);
    }
    assert_eq!(app.session_check(&idle.token).await, 401);

    // Day 24 now; at day 30 the active one ends too, however recently it was used.
    app.advance(Duration::days(6) - Duration::seconds(1));
    assert_eq!(app.session_check(&active.token).await, 200);
    app.advance(Duration::seconds(1));
    assert_eq!(app.session_check(&active.token).await, 401);
}

#[actix_web::test]
async fn the_idle_limit_is_seven_days_to_the_second() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;
    app.advance(Duration::days(7) - Duration::seconds(1));
    // This check counts as activity; another full idle window has to pass now.
    assert_eq!(app.session_check(&user.token).await, 200);
    let other = app.login_with_agent("ada@example.com", CHROME_UA).await;
    app.advance(Duration::days(7) + Duration::seconds(1));
    assert_eq!(app.session_check(&other.token).await, 401);
    assert_eq!(app.session_check(&user.token).await, 401);
}

#[actix_web::test]
async fn the_session_check_writes_last_activity_at_most_once_a_minute() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;
    let created =
        app.get("/v1/sessions/current", &user.token).await.body["session"]["last_active_at"]
            .clone();

    app.advance(Duration::seconds(59));
    let soon = app.get("/v1/sessions/current", &user.token).await;
    assert_eq!(soon.body["session"]["last_active_at"], created);

    app.advance(Duration::seconds(1));
    let later = app.get("/v1/sessions/current", &user.token).await;
    assert_ne!(later.body["session"]["last_active_at"], created);
    let expires: chrono::DateTime<chrono::Utc> = later.body["session"]["expires_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        expires,
        crate::common::start_time() + Duration::seconds(60) + Duration::days(7)
    );
}

#[actix_web::test]
async fn a_recorded_use_counts_everywhere_before_and_after_it_is_written() {
    // The check notes a use in memory and writes it with others later; listing and
    // signing out everywhere else must see it either way.
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;
    let phone = app.login_with_agent("ada@example.com", CHROME_UA).await;
    app.advance(Duration::days(7) - Duration::minutes(1));
    assert_eq!(app.session_check(&phone.token).await, 200);
    app.advance(Duration::minutes(2));
    // The first session went idle; the phone's use a minute ago keeps it alive.
    assert_eq!(app.session_check(&user.token).await, 401);
    assert_eq!(app.session_check(&phone.token).await, 200);
    let listed = app.get("/v1/me/sessions", &phone.token).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", listed.body);
    // Its latest use is the check just now (the last one was two minutes old).
    assert_eq!(
        items[0]["last_active_at"],
        json!(
            (crate::common::start_time() + Duration::days(7) + Duration::minutes(1))
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        )
    );
    // Signing out everywhere else finds it too.
    let other = app.login_with_agent("ada@example.com", FIREFOX_UA).await;
    let ended = app
        .send(app.authed(Method::DELETE, "/v1/me/sessions", &other.token))
        .await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    assert_eq!(app.session_check(&phone.token).await, 401);
}

#[actix_web::test]
async fn what_the_check_answers_follows_every_change_at_once() {
    // The check keeps sessions it looked up in memory (SQLite); each change must reach it
    // before the request that made it is answered.
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;
    let laptop = app.login_with_agent("ada@example.com", CHROME_UA).await;
    for _ in 0..3 {
        assert_eq!(app.session_check(&laptop.token).await, 200);
    }
    let renamed = app
        .send(
            app.authed(Method::PATCH, "/v1/me", &user.token)
                .json(&json!({"display_name": "Ada L."})),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let checked = app.get("/v1/sessions/current", &laptop.token).await;
    assert_eq!(checked.body["account"]["display_name"], "Ada L.");

    let revoked = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/me/sessions/{}", laptop.session_id),
            &user.token,
        ))
        .await;
    assert!(revoked.status.is_success(), "{}", revoked.body);
    assert_eq!(app.session_check(&laptop.token).await, 401);
    assert_eq!(app.session_check(&user.token).await, 200);
}

#[actix_web::test]
async fn a_session_revoked_outside_the_server_stops_working_within_a_moment() {
    // SQL typed by hand, or another process: the server notices within a fraction of a
    // second, though it had just checked the session.
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;
    assert_eq!(app.session_check(&user.token).await, 200);
    assert_eq!(app.session_check(&user.token).await, 200);
    app.execute_sql("UPDATE sessions SET revoked_at = created_at");
    let noticed_by = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while app.session_check(&user.token).await != 401 {
        assert!(
            std::time::Instant::now() < noticed_by,
            "still accepted two seconds after its revocation"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

#[actix_web::test]
async fn cookie_authenticated_writes_need_an_allowed_origin() {
    let app = TestApp::builder()
        .allowed_origins(&["https://app.example.com"])
        .spawn()
        .await;
    let user = app.sign_up("ada@example.com").await;
    let cookie = format!("tessera_session={}", user.token);

    let forged = app
        .send(
            app.request(Method::POST, "/v1/auth/logout")
                .header("cookie", &cookie)
                .header("origin", "https://evil.example.net"),
        )
        .await;
    forged.assert_problem(403, "origin_not_allowed");
    let no_origin = app
        .send(
            app.request(Method::POST, "/v1/auth/logout")
                .header("cookie", &cookie),
        )
        .await;
    no_origin.assert_problem(403, "origin_not_allowed");
    assert_eq!(app.session_check(&user.token).await, 200);

    // Reads with the cookie need no origin; the front-end's own origin may write.
    let read = app
        .send(app.request(Method::GET, "/v1/me").header("cookie", &cookie))
        .await;
    assert_eq!(read.status, 200);
    let allowed = app
        .send(
            app.request(Method::POST, "/v1/auth/logout")
                .header("cookie", &cookie)
                .header("origin", "https://app.example.com"),
        )
        .await;
    assert_eq!(allowed.status, 204);
    assert_eq!(app.session_check(&user.token).await, 401);
}

#[actix_web::test]
async fn cors_lets_the_configured_front_end_call_with_credentials() {
    let app = TestApp::builder()
        .allowed_origins(&["https://app.example.com"])
        .spawn()
        .await;
    let preflight = app
        .send(
            app.request(Method::OPTIONS, "/v1/auth/login")
                .header("origin", "https://app.example.com")
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type"),
        )
        .await;
    assert_eq!(preflight.status, 200);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(
        preflight.header("access-control-allow-credentials"),
        Some("true")
    );

    let foreign = app
        .send(
            app.request(Method::GET, "/health/live")
                .header("origin", "https://evil.example.net"),
        )
        .await;
    assert_eq!(foreign.header("access-control-allow-origin"), None);
}

#[actix_web::test]
async fn the_client_ip_comes_from_x_forwarded_for_only_behind_a_trusted_proxy() {
    let untrusting = TestApp::spawn().await;
    untrusting.sign_up("ada@example.com").await;
    let spoofed = untrusting
        .send(
            untrusting
                .request(Method::POST, "/v1/auth/login")
                .header("x-forwarded-for", "203.0.113.9")
                .json(&json!({"email": "ada@example.com", "password": PASSWORD})),
        )
        .await;
    let token = spoofed.body["session_token"].as_str().unwrap();
    let list = untrusting.get("/v1/me/sessions", token).await;
    assert_eq!(list.body["items"][0]["ip"], "127.0.0.1");

    let proxied = TestApp::builder()
        .trusted_proxies(&["127.0.0.0/8"])
        .spawn()
        .await;
    proxied.sign_up("ada@example.com").await;
    let login = proxied
        .send(
            proxied
                .request(Method::POST, "/v1/auth/login")
                .header("x-forwarded-for", "198.51.100.1, 203.0.113.9")
                .json(&json!({"email": "ada@example.com", "password": PASSWORD})),
        )
        .await;
    let token = login.body["session_token"].as_str().unwrap();
    let list = proxied.get("/v1/me/sessions", token).await;
    // The nearest address the trusted proxy reports is the client.
    assert_eq!(list.body["items"][0]["ip"], "203.0.113.9");
}

#[actix_web::test]
async fn sessions_and_history_carry_a_coarse_location_from_the_geoip_database() {
    let app = TestApp::builder()
        .trusted_proxies(&["127.0.0.1"])
        .geoip_fixture()
        .spawn()
        .await;
    app.sign_up("ada@example.com").await;
    app.advance(Duration::seconds(1));
    let login = app
        .send(
            app.request(Method::POST, "/v1/auth/login")
                .header("x-forwarded-for", "203.0.113.9")
                .json(&json!({"email": "ada@example.com", "password": PASSWORD})),
        )
        .await;
    let token = login.body["session_token"].as_str().unwrap();
    let berlin = json!({"country": "DE", "city": "Berlin"});
    assert_eq!(login.body["session"]["location"], berlin);

    let sessions = app.get("/v1/me/sessions", token).await;
    assert_eq!(sessions.body["items"][0]["location"], berlin);
    // Loopback (the sign-up) is in no database: no location rather than a guess.
    assert_eq!(
        sessions.body["items"][1]["location"],
        serde_json::Value::Null
    );

    let history = app.get("/v1/me/login-history", token).await;
    assert_eq!(history.body["items"][0]["location"], berlin);
    assert_eq!(history.body["items"][0]["ip"], "203.0.113.9");
}
