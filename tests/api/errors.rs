//! Every error the server can answer is problem+json with a stable code.

use crate::common::TestApp;
use reqwest::Method;
use serde_json::json;

#[actix_web::test]
async fn bad_requests_get_problem_documents_with_stable_codes() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;

    let malformed = app
        .send(
            app.request(Method::POST, "/v1/auth/login")
                .header("content-type", "application/json")
                .body("{\"email\": "),
        )
        .await;
    malformed.assert_problem(400, "malformed_json");

    let unknown_field = app
        .post_json(
            "/v1/auth/login",
            json!({"email": "ada@example.com", "password": "x", "remember_me": true}),
        )
        .await;
    unknown_field.assert_problem(422, "unknown_field");
    assert_eq!(unknown_field.body["errors"][0]["field"], "remember_me");
    assert_eq!(unknown_field.body["errors"][0]["code"], "unknown");

    let missing = app
        .post_json("/v1/auth/login", json!({"email": "ada@example.com"}))
        .await;
    missing.assert_problem(422, "missing_field");
    assert_eq!(missing.body["errors"][0]["field"], "password");
    assert_eq!(missing.body["errors"][0]["message"], "is required");
    // The field is named, in this server's words: no Rust type, and never the value sent.
    let wrong_type = app
        .post_json(
            "/v1/auth/login",
            json!({"email": "ada@example.com", "password": 1234567}),
        )
        .await;
    wrong_type.assert_problem(422, "invalid_body");
    assert_eq!(wrong_type.body["errors"][0]["field"], "password");
    assert!(
        !wrong_type.body.to_string().contains("1234567"),
        "{}",
        wrong_type.body
    );
    let nested = app
        .post_json("/v1/auth/login", json!({"email": 42, "password": "x"}))
        .await;
    nested.assert_problem(422, "invalid_body");
    assert_eq!(nested.body["errors"][0]["field"], "email");
    assert_eq!(nested.body["errors"][0]["message"], "must be a string");

    let wrong_type = app
        .send(
            app.request(Method::POST, "/v1/auth/login")
                .header("content-type", "text/plain")
                .body("email=ada@example.com"),
        )
        .await;
    wrong_type.assert_problem(415, "unsupported_media_type");

    let huge = format!(
        "{{\"email\": \"ada@example.com\", \"password\": \"{}\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    let oversize = app
        .send(
            app.request(Method::POST, "/v1/auth/login")
                .header("content-type", "application/json")
                .body(huge),
        )
        .await;
    oversize.assert_problem(413, "payload_too_large");

    // A path parameter that does not fit is named, in these words, like a body's field.
    let bad_path = app
        .send(app.authed(Method::DELETE, "/v1/me/sessions/not-a-uuid", &user.token))
        .await;
    bad_path.assert_problem(400, "invalid_path_parameter");
    assert_eq!(
        bad_path.body["errors"],
        json!([{"field": "id", "code": "invalid", "message": "must be a UUID"}]),
        "{}",
        bad_path.body
    );
    assert!(
        !bad_path.body["detail"]
            .as_str()
            .unwrap()
            .contains("not-a-uuid")
    );

    app.get("/v1/no-such-thing", &user.token)
        .await
        .assert_problem(404, "not_found");

    let wrong_method = app
        .send(app.authed(Method::PUT, "/v1/me", &user.token))
        .await;
    wrong_method.assert_problem(405, "method_not_allowed");
    assert_eq!(wrong_method.header("allow"), Some("GET, HEAD, PATCH"));
    app.send(app.request(Method::GET, "/v1/auth/login"))
        .await
        .assert_problem(405, "method_not_allowed");

    app.get("/v1/me", "tss_not-a-real-token")
        .await
        .assert_problem(401, "unauthenticated");
    app.send(
        app.request(Method::GET, "/v1/me")
            .header("authorization", "Basic abc"),
    )
    .await
    .assert_problem(401, "unauthenticated");
    app.send(app.request(Method::GET, "/v1/me"))
        .await
        .assert_problem(401, "unauthenticated");
}

#[actix_web::test]
async fn health_probes_answer_and_every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let live = app.send(app.request(Method::GET, "/health/live")).await;
    assert_eq!(live.status, 200);
    assert_eq!(live.body["status"], "ok");
    assert!(live.header("x-request-id").is_some());
    let ready = app.send(app.request(Method::GET, "/health/ready")).await;
    assert_eq!(ready.status, 200);
    let other = app.send(app.request(Method::GET, "/health/live")).await;
    assert_ne!(live.header("x-request-id"), other.header("x-request-id"));

    // Prometheus metrics count requests by route pattern, not by raw path.
    app.get(
        "/v1/me/sessions/01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a",
        "tss_x",
    )
    .await;
    app.get("/no/such/path", "tss_x").await;
    let metrics = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            r#"tessera_http_requests_total{endpoint="/health/live",method="GET",status="200"} 2"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"endpoint="/v1/me/sessions/{id}""#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"endpoint="UNMATCHED""#), "{metrics}");
    assert!(!metrics.contains("/no/such/path"));
}

#[actix_web::test]
async fn an_unreachable_database_answers_503_without_internals() {
    use tessera::clock::Clock;
    use tessera::config::Settings;
    use tessera::crypto::keys::ServerKeys;

    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 9 (discard) here: every connection attempt is refused.
    let url = "postgres://tessera@127.0.0.1:9/none?connect_timeout=1";
    let settings = Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: dir.path().to_path_buf(),
        database_url: Some(url.into()),
        workers: Some(1),
        ..Settings::default()
    };
    let (keys, _) = ServerKeys::load_or_generate(dir.path()).unwrap();
    let pool = tessera::db::build_pool_lazily(url, 2);
    let state = tessera::build_state_with_pool(settings, Clock::System, keys, pool).unwrap();
    let tessera::Listening { server, addr, .. } = tessera::start(state).unwrap();
    actix_web::rt::spawn(server);
    let http = reqwest::Client::new();

    let live = http
        .get(format!("http://{addr}/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);

    for request in [
        http.get(format!("http://{addr}/health/ready")),
        http.post(format!("http://{addr}/v1/auth/login"))
            .json(&json!({"email": "ada@example.com", "password": "x"})),
    ] {
        let reply = crate::common::Reply::from(request.send().await.unwrap()).await;
        reply.assert_problem(503, "service_unavailable");
        let body = reply.body.to_string();
        assert!(
            !body.contains("127.0.0.1") && !body.contains("refused"),
            "{body}"
        );
    }
}

#[actix_web::test]
async fn head_answers_like_get_without_a_body() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;

    let live = app.send(app.request(Method::HEAD, "/health/live")).await;
    assert_eq!(live.status, 200);
    assert_eq!(
        live.body,
        serde_json::Value::Null,
        "a HEAD answer has no body"
    );
    assert_eq!(live.header("content-type"), Some("application/json"));

    let check = app
        .send(app.authed(Method::HEAD, "/v1/sessions/current", &user.token))
        .await;
    assert_eq!(check.status, 200);
    assert_eq!(check.body, serde_json::Value::Null);
    let refused = app
        .send(app.authed(Method::HEAD, "/v1/sessions/current", "tss_not-a-real-token"))
        .await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.body, serde_json::Value::Null);

    // A resource without GET has no HEAD either.
    let login = app.send(app.request(Method::HEAD, "/v1/auth/login")).await;
    assert_eq!(login.status, 405);
    assert_eq!(login.header("allow"), Some("POST"));
}

#[actix_web::test]
async fn metrics_can_move_off_the_api_port() {
    let app = TestApp::builder().metrics_on_own_port().spawn().await;
    let metrics_base = app.metrics_base.clone().expect("a metrics listener");
    app.send(app.request(Method::GET, "/health/live")).await;

    // The API port no longer publishes them.
    app.send(app.request(Method::GET, "/metrics"))
        .await
        .assert_problem(404, "not_found");

    let reply = app
        .send(app.http.get(format!("{metrics_base}/metrics")))
        .await;
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let metrics = reply.body.as_str().expect("metrics as text");
    assert!(
        metrics.contains(
            r#"tessera_http_requests_total{endpoint="UNMATCHED",method="GET",status="404"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            r#"tessera_http_requests_total{endpoint="/health/live",method="GET",status="200"} 1"#
        ),
        "{metrics}"
    );

    // The metrics listener answers nothing else.
    app.send(app.http.get(format!("{metrics_base}/health/live")))
        .await
        .assert_problem(404, "not_found");
}

#[test]
fn a_setting_that_cannot_work_stops_the_start_with_exit_code_2_naming_it() {
    let data_dir = tempfile::tempdir().unwrap();
    for (variable, value) in [
        ("TESSERA_SESSION_IDLE_DAYS", "-1"),
        ("TESSERA_ALLOWED_ORIGINS", "*"),
        ("TESSERA_LOCKOUT_THRESHOLD", "0"),
        ("TESSERA_GEOIP_DATABASE", "/nonexistent/city.mmdb"),
        ("TESSERA_BIND", "nonsense"),
        ("TESSERA_BIND", "127.0.0.1:99999"),
        ("TESSERA_SMTP_URL", "mail.example.com:25"),
        ("TESSERA_SMS_COUNTRIES", "1,uk"),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
            .arg("serve")
            .env("TESSERA_DATA_DIR", data_dir.path())
            .env("TESSERA_BIND", "127.0.0.1:0")
            .env(variable, value)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{variable}={value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(lines[0].contains(variable), "{stderr}");
    }
    // Nothing was created for a start that did not happen.
    assert_eq!(std::fs::read_dir(data_dir.path()).unwrap().count(), 0);
}

#[test]
fn the_spec_printed_into_a_pipe_that_closes_early_is_no_crash() {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("openapi")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // `tessera openapi | head -c 100`: the reader takes a little and goes away.
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&head).starts_with("openapi:"));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[actix_web::test]
async fn problem_documents_look_like_this() {
    let app = TestApp::spawn().await;
    let weak = app
        .post_json(
            "/v1/accounts",
            json!({"email": "not an email", "password": "password"}),
        )
        .await;
    insta::assert_json_snapshot!("sign_up_validation_failed", weak.body, {
        ".request_id" => "[request id]",
    });

    let user = app.sign_up("ada@example.com").await;
    let reauthentication = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", &user.token)
                .json(&json!({"password": "not my password"})),
        )
        .await;
    insta::assert_json_snapshot!("reauthentication_failed", reauthentication.body, {
        ".request_id" => "[request id]",
    });

    let not_allowed = app
        .send(app.authed(Method::PUT, "/v1/me", &user.token))
        .await;
    assert_eq!(not_allowed.header("allow"), Some("GET, HEAD, PATCH"));
    insta::assert_json_snapshot!("method_not_allowed", not_allowed.body, {
        ".request_id" => "[request id]",
    });
}

#[actix_web::test]
async fn a_refused_credential_is_told_what_it_is_and_why() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let detail = |reply: &crate::common::Reply| reply.body["detail"].as_str().unwrap().to_string();

    // An API key on a route that takes a session is told so, not asked for a session token.
    let key = app
        .send(
            app.authed(Method::POST, "/v1/me/api-keys", &ada.token)
                .json(&json!({"name": "CI", "password": crate::common::PASSWORD})),
        )
        .await;
    assert_eq!(key.status, 201, "{}", key.body);
    let key = key.body["secret"].as_str().unwrap().to_string();
    let refused = app.get("/v1/me/api-keys", &key).await;
    refused.assert_problem(401, "unauthenticated");
    assert!(
        detail(&refused).contains("not an API key"),
        "{}",
        refused.body
    );

    // A wrong introspection key is a wrong key.
    let refused = app
        .send(
            app.authed(Method::POST, "/v1/introspect", "tsi_not-a-real-key")
                .json(&json!({"token": ada.token})),
        )
        .await;
    refused.assert_problem(401, "unauthenticated");
    assert!(
        detail(&refused).contains("introspection key"),
        "{}",
        refused.body
    );
}

#[test]
fn log_lines_written_to_a_file_or_a_pipe_carry_no_colour_codes() {
    let data_dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .arg("migrate")
        .env("TESSERA_DATA_DIR", data_dir.path())
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(log.contains("database is up to date"), "{log}");
    assert!(!log.contains('\u{1b}'), "no ANSI escapes: {log:?}");
}
