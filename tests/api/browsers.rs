//! What a browser front-end sees: the session only as an HttpOnly cookie, answers that are
//! never cached, and the headers that keep pages and documents from being misread.

use crate::common::{PASSWORD, TestApp, user_from};
use reqwest::Method;
use serde_json::json;

const FRONT_END: &str = "https://app.example.com";

async fn app_for_front_end() -> TestApp {
    TestApp::builder()
        .allowed_origins(&[FRONT_END])
        .spawn()
        .await
}

fn session_cookie(reply: &crate::common::Reply) -> String {
    let set_cookie = reply.header("set-cookie").expect("a session cookie");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    set_cookie.split(';').next().unwrap().to_string()
}

#[actix_web::test]
async fn a_browser_gets_the_session_only_as_the_cookie_and_apps_get_it_in_the_body() {
    let app = app_for_front_end().await;

    // Sign-up from the front-end: no token a script could read.
    let signed_up = app
        .send(
            app.request(Method::POST, "/v1/accounts")
                .header("origin", FRONT_END)
                .json(&json!({"email": "ada@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(signed_up.status, 201, "{}", signed_up.body);
    assert!(
        signed_up.body.get("session_token").is_none(),
        "{}",
        signed_up.body
    );
    assert_eq!(signed_up.header("cache-control"), Some("no-store"));
    let cookie = session_cookie(&signed_up);
    let me = app
        .send(
            app.request(Method::GET, "/v1/sessions/current")
                .header("cookie", &cookie),
        )
        .await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["account"]["email"], "ada@example.com");
    assert_eq!(me.header("cache-control"), Some("no-store"));

    // Login from the front-end: the same.
    let login = app
        .send(
            app.request(Method::POST, "/v1/auth/login")
                .header("origin", FRONT_END)
                .json(&json!({"email": "ada@example.com", "password": PASSWORD})),
        )
        .await;
    assert_eq!(login.status, 200, "{}", login.body);
    assert_eq!(login.body["status"], "authenticated");
    assert!(login.body.get("session_token").is_none(), "{}", login.body);
    assert_eq!(login.header("cache-control"), Some("no-store"));
    let cookie = session_cookie(&login);
    let logout = app
        .send(
            app.request(Method::POST, "/v1/auth/logout")
                .header("cookie", &cookie)
                .header("origin", FRONT_END),
        )
        .await;
    assert_eq!(logout.status, 204);

    // A mobile app or a back-end (no Origin) gets the token in the body.
    let from_app = app.login("ada@example.com", PASSWORD).await;
    assert!(
        from_app.body["session_token"]
            .as_str()
            .unwrap()
            .starts_with("tss_")
    );
    assert_eq!(from_app.header("cache-control"), Some("no-store"));
}

#[actix_web::test]
async fn a_browser_answering_a_challenge_gets_the_cookie_only() {
    let app = app_for_front_end().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let challenge = app.login_to_challenge("ada@example.com").await;
    let verified = app
        .send(
            app.request(
                Method::POST,
                &format!("/v1/auth/challenges/{challenge}/verify"),
            )
            .header("origin", FRONT_END)
            .json(&json!({"method": "totp", "code": app.current_code(&ada.secret)})),
        )
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert!(
        verified.body.get("session_token").is_none(),
        "{}",
        verified.body
    );
    assert_eq!(verified.body["session"]["aal"], "aal2");
    assert_eq!(verified.header("cache-control"), Some("no-store"));
    let cookie = session_cookie(&verified);
    let current = app
        .send(
            app.request(Method::GET, "/v1/sessions/current")
                .header("cookie", &cookie),
        )
        .await;
    assert_eq!(current.body["session"]["aal"], "aal2");
}

#[actix_web::test]
async fn another_site_cannot_sign_a_browser_in() {
    let app = app_for_front_end().await;
    app.sign_up("ada@example.com").await;
    for (path, body) in [
        (
            "/v1/auth/login",
            json!({"email": "ada@example.com", "password": PASSWORD}),
        ),
        (
            "/v1/accounts",
            json!({"email": "eve@example.com", "password": PASSWORD}),
        ),
    ] {
        let reply = app
            .send(
                app.request(Method::POST, path)
                    .header("origin", "https://evil.example.net")
                    .json(&body),
            )
            .await;
        reply.assert_problem(403, "origin_not_allowed");
        assert!(reply.header("set-cookie").is_none());
    }
}

#[actix_web::test]
async fn a_deployment_can_hand_browsers_bearer_tokens_when_it_must() {
    let app = TestApp::builder()
        .allowed_origins(&[FRONT_END])
        .settings(|s| s.browser_bearer = true)
        .spawn()
        .await;
    let signed_up = app
        .send(
            app.request(Method::POST, "/v1/accounts")
                .header("origin", FRONT_END)
                .json(&json!({"email": "ada@example.com", "password": PASSWORD})),
        )
        .await;
    let user = user_from(&signed_up);
    assert_eq!(app.session_check(&user.token).await, 200);
}

#[actix_web::test]
async fn every_answer_carries_the_protective_headers() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;
    for (path, no_store) in [
        ("/health/live", false),
        ("/openapi.json", false),
        ("/v1/me", true),
        ("/v1/no-such-thing", true),
        ("/no-such-thing", false),
    ] {
        let reply = app.get(path, &user.token).await;
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            reply.header("referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
        assert_eq!(
            reply.header("cache-control") == Some("no-store"),
            no_store,
            "{path}"
        );
    }
    let docs = app.send(app.request(Method::GET, "/docs/")).await;
    assert_eq!(docs.status, 200);
    let csp = docs.header("content-security-policy").unwrap();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
}

#[actix_web::test]
async fn metrics_never_carry_a_challenge_id_or_a_token() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let challenge = app.login_to_challenge("ada@example.com").await;
    app.verify(&challenge, "totp", "000000").await;
    app.verify(&challenge, "totp", &app.current_code(&ada.secret))
        .await;
    // Paths that match no route are counted under one label, whatever they hold.
    app.get(
        &format!("/v1/auth/challenges/{challenge}/nope"),
        &ada.user.token,
    )
    .await;

    let metrics = app.send(app.request(Method::GET, "/metrics")).await;
    let text = metrics.body.as_str().unwrap();
    assert!(text.contains("/v1/auth/challenges/{id}/verify"), "{text}");
    assert!(!text.contains(&challenge));
    assert!(!text.contains("tsc_") && !text.contains("tss_"));
}
