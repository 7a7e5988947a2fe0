//! The outbox: messages survive a provider outage and a restart, are retried with growing
//! waits, and end failed (and listed for operators) after the last attempt. Webhooks arrive
//! signed, and the receiver here checks each signature on its own.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::Value;
use sha2::Sha256;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{PASSWORD, TestApp};

const SECRET_BYTES: [u8; 32] = [7; 32];

fn webhook_secret() -> String {
    format!("whsec_{}", STANDARD.encode(SECRET_BYTES))
}

async fn app_with_webhooks(receiver: &MockServer, max_attempts: i32) -> TestApp {
    let url = format!("{}/hooks", receiver.uri());
    TestApp::builder()
        .settings(move |s| {
            s.webhook_urls = vec![url];
            s.webhook_secret = Some(webhook_secret());
            s.outbox_max_attempts = max_attempts;
        })
        .spawn()
        .await
}

fn operator_key(app: &TestApp) -> String {
    let (code, out, err) = app.run_cli(&["admin", "create-operator-key", "--name", "Ops"]);
    assert_eq!(code, 0, "{err}");
    out.trim().to_string()
}

async fn outbox(app: &TestApp, key: &str, status: &str) -> Vec<Value> {
    let listed = app
        .get(&format!("/v1/admin/outbox?status={status}"), key)
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    listed.body["items"].as_array().unwrap().clone()
}

/// What a receiver does with a delivery: check the signature over `id.timestamp.body`.
fn signature_is_valid(request: &wiremock::Request) -> bool {
    let header = |name: &str| request.headers.get(name).unwrap().to_str().unwrap();
    let (id, timestamp) = (header("webhook-id"), header("webhook-timestamp"));
    let mut mac = Hmac::<Sha256>::new_from_slice(&SECRET_BYTES).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(&request.body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    header("webhook-signature")
        .split(' ')
        .any(|signature| signature == expected)
}

#[actix_web::test]
async fn security_events_reach_the_webhook_signed() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&receiver)
        .await;
    let app = app_with_webhooks(&receiver, 8).await;
    let ada = app.sign_up("ada@example.com").await;
    app.login("ada@example.com", "wrong password")
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status, 200);
    assert!(app.deliver_outbox().await >= 3);

    let received = receiver.received_requests().await.unwrap();
    let mut events = Vec::new();
    for request in &received {
        assert!(signature_is_valid(request), "{request:?}");
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            request
                .headers
                .get("webhook-timestamp")
                .unwrap()
                .to_str()
                .unwrap(),
            app.state.now().timestamp().to_string()
        );
        assert_eq!(body["data"]["account_id"], ada.account_id.as_str());
        events.push(body["type"].as_str().unwrap().to_string());
    }
    for expected in ["account.created", "login.failed", "login.succeeded"] {
        assert!(events.iter().any(|e| e == expected), "{events:?}");
    }
    // A tampered body does not verify.
    let mut forged = received[0].clone();
    forged.body = br#"{"type":"account.frozen"}"#.to_vec();
    assert!(!signature_is_valid(&forged));
    // Delivered once: nothing is due any more.
    assert_eq!(app.deliver_outbox().await, 0);
}

#[actix_web::test]
async fn an_outage_is_retried_with_growing_waits_and_survives_a_restart() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&receiver)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let mut app = app_with_webhooks(&receiver, 8).await;
    let key = operator_key(&app);
    app.sign_up("ada@example.com").await;

    assert_eq!(
        app.deliver_outbox().await,
        2,
        "the webhook (the provider answers 503), and the email proving the address (logged)"
    );
    let pending = outbox(&app, &key, "pending").await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["kind"], "account.created");
    assert_eq!(pending[0]["channel"], "webhook");
    assert_eq!(pending[0]["attempts"], 1);
    assert!(pending[0]["last_error"].as_str().unwrap().contains("503"));
    // Not again before the wait is over: 10 s, then 20 s.
    assert_eq!(app.deliver_outbox().await, 0);
    app.advance(Duration::seconds(10));
    assert_eq!(
        app.deliver_outbox().await,
        1,
        "the second attempt, 503 again"
    );
    app.advance(Duration::seconds(19));
    assert_eq!(app.deliver_outbox().await, 0);

    // The server restarts mid-retry; the message is still there and goes out.
    app.restart().await;
    app.advance(Duration::seconds(1));
    assert_eq!(app.deliver_outbox().await, 1);
    assert!(outbox(&app, &key, "pending").await.is_empty());
    let delivered = outbox(&app, &key, "delivered").await;
    let webhook = delivered
        .iter()
        .find(|m| m["channel"] == "webhook")
        .unwrap();
    assert_eq!(webhook["attempts"], 3);
    assert_eq!(receiver.received_requests().await.unwrap().len(), 3);
}

#[actix_web::test]
async fn after_the_last_attempt_a_message_is_failed_and_listed_for_operators() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&receiver)
        .await;
    let app = app_with_webhooks(&receiver, 3).await;
    let key = operator_key(&app);
    app.sign_up("ada@example.com").await;
    // The email proving the address goes to the log at once.
    assert_eq!(app.deliver_outbox().await, 2);
    for wait in [10, 20] {
        app.advance(Duration::seconds(wait));
        assert_eq!(app.deliver_outbox().await, 1);
    }
    app.advance(Duration::hours(2));
    assert_eq!(app.deliver_outbox().await, 0, "failed for good");
    let failed = outbox(&app, &key, "failed").await;
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["attempts"], 3);
    assert!(failed[0]["finished_at"].is_string());
    assert_eq!(failed[0]["recipient"], format!("{}/hooks", receiver.uri()));
    // The default listing is the failed one.
    assert_eq!(
        app.get("/v1/admin/outbox", &key).await.body["items"],
        Value::Array(failed)
    );
}

#[actix_web::test]
async fn a_refusal_no_retry_can_fix_fails_at_once() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string("unknown endpoint"))
        .mount(&receiver)
        .await;
    let app = app_with_webhooks(&receiver, 8).await;
    let key = operator_key(&app);
    app.sign_up("ada@example.com").await;
    // The webhook, and the email proving the address (logged).
    assert_eq!(app.deliver_outbox().await, 2);
    let failed = outbox(&app, &key, "failed").await;
    assert_eq!(failed[0]["attempts"], 1);
    assert!(
        failed[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("unknown endpoint")
    );
}

#[actix_web::test]
async fn only_operators_see_the_outbox() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    app.get("/v1/admin/outbox", &ada.token)
        .await
        .assert_problem(401, "unauthenticated");
    let key = operator_key(&app);
    app.get("/v1/admin/outbox?status=lost", &key)
        .await
        .assert_problem(400, "invalid_query_parameter");
    app.send(app.authed(Method::GET, "/v1/admin/outbox?limit=0", &key))
        .await
        .assert_problem(400, "invalid_limit");
}

#[actix_web::test]
async fn the_background_worker_delivers_without_being_asked() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let app = app_with_webhooks(&receiver, 8).await;
    tessera::delivery::worker::spawn(app.state.clone());
    app.sign_up("ada@example.com").await;
    let waited = std::time::Instant::now();
    while receiver.received_requests().await.unwrap().is_empty() {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(10),
            "the worker did not deliver"
        );
        actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
