//! Login history: every attempt with its outcome, newest first, paginated, pruned at 90 days.

use crate::common::{CHROME_UA, PASSWORD, TestApp};
use chrono::Duration;
use serde_json::Value;

#[actix_web::test]
async fn history_shows_successes_and_failures_with_reasons_newest_first_and_paginates() {
    let app = TestApp::spawn().await;
    let user = app.sign_up("ada@example.com").await;

    app.advance(Duration::minutes(1));
    app.login("ada@example.com", "wrong password")
        .await
        .assert_problem(401, "invalid_credentials");
    app.advance(Duration::minutes(1));
    app.login_with_agent("ada@example.com", CHROME_UA).await;
    app.advance(Duration::minutes(1));
    for _ in 0..10 {
        app.login("ada@example.com", "wrong password").await;
    }
    app.advance(Duration::minutes(1));
    app.login("ada@example.com", PASSWORD)
        .await
        .assert_problem(429, "too_many_attempts");
    // Someone else's failures never show up in Ada's history.
    app.login("bob@example.com", "wrong password").await;

    let page = app.get("/v1/me/login-history?limit=100", &user.token).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let items = page.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 13);
    assert_eq!(page.body["next_cursor"], Value::Null);

    let newest = &items[0];
    assert_eq!(newest["outcome"], "failed");
    assert_eq!(newest["failure_reason"], "too_many_attempts");
    assert_eq!(newest["method"], "password");
    assert_eq!(newest["ip"], "127.0.0.1");
    assert_eq!(newest["mfa_method"], Value::Null);
    assert_eq!(
        newest["occurred_at"], "2026-03-02T09:04:00Z",
        "UTC, as the app's clock says"
    );
    assert!(
        items[1..11]
            .iter()
            .all(|e| e["failure_reason"] == "invalid_credentials")
    );

    let success = &items[11];
    assert_eq!(success["outcome"], "succeeded");
    assert_eq!(success["failure_reason"], Value::Null);
    assert_eq!(success["browser"], "Chrome");
    assert_eq!(success["occurred_at"], "2026-03-02T09:02:00Z");
    assert_eq!(items[12]["failure_reason"], "invalid_credentials");

    // Walk the same list five at a time: same items, same order, no duplicates.
    let mut walked: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/me/login-history?limit=5&cursor={c}"),
            None => "/v1/me/login-history?limit=5".to_string(),
        };
        let page = app.get(&path, &user.token).await;
        walked.extend(page.body["items"].as_array().unwrap().iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(&walked, items);

    app.get("/v1/me/login-history?cursor=garbage", &user.token)
        .await
        .assert_problem(400, "invalid_cursor");
    app.get("/v1/me/login-history?limit=0", &user.token)
        .await
        .assert_problem(400, "invalid_limit");
    let many = app
        .get("/v1/me/login-history?limit=many", &user.token)
        .await;
    many.assert_problem(400, "invalid_query_parameter");
    assert_eq!(many.body["errors"][0]["field"], "limit");
    assert_eq!(many.body["errors"][0]["message"], "must be a whole number");
}

#[actix_web::test]
async fn entries_older_than_ninety_days_are_pruned() {
    let app = TestApp::spawn().await;
    app.sign_up("ada@example.com").await;
    app.login("ada@example.com", "wrong password").await;
    app.advance(Duration::days(60));
    let user = app.login_with_agent("ada@example.com", CHROME_UA).await;

    app.advance(Duration::days(31));
    let pruned = tessera::run_maintenance(&app.state).await.unwrap();
    assert_eq!(pruned.login_events, 1);
    // Both sessions, idle for more than a week, are deleted too.
    assert_eq!(pruned.sessions, 2);

    // The 31-day-old login is still listed; its session is gone.
    let fresh = app.login_with_agent("ada@example.com", CHROME_UA).await;
    let page = app.get("/v1/me/login-history", &fresh.token).await;
    let outcomes: Vec<&str> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["succeeded", "succeeded"]);
    assert_eq!(app.session_check(&user.token).await, 401);
}
