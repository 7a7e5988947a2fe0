//! SMS pumping costs real money. What one account, one number, one network and the whole
//! deployment can make the server send is counted in a ledger that nothing a user does resets:
//! not re-enrolling, not removing a factor, not another account. Where codes may go at all is
//! the deployment's to say (countries), and premium-rate numbers never receive one.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{PASSWORD, Reply, TestApp, User};

async fn app_sending_codes(
    tweak: impl FnOnce(&mut tessera::config::Settings) + 'static,
) -> TestApp {
    TestApp::builder()
        .trusted_proxies(&["127.0.0.1"])
        .settings(move |s| {
            s.dev_log_codes = true;
            // The stories sign many accounts up from this one test machine.
            s.rate_signup_per_hour = 1_000;
            tweak(s);
        })
        .spawn()
        .await
}

/// Starts an SMS (or WhatsApp) factor for `phone`, as its owner does: with the password.
async fn start_phone_factor(app: &TestApp, user: &User, kind: &str, phone: &str) -> Reply {
    app.send(
        app.authed(Method::POST, &format!("/v1/me/mfa/{kind}"), &user.token)
            .json(&json!({"phone": phone, "password": PASSWORD})),
    )
    .await
}

/// The same, asked from the client address `ip` (through the trusted proxy).
async fn start_sms_from(app: &TestApp, user: &User, ip: &str, phone: &str) -> Reply {
    app.send(
        app.authed(Method::POST, "/v1/me/mfa/sms", &user.token)
            .header("x-forwarded-for", ip)
            .json(&json!({"phone": phone, "password": PASSWORD})),
    )
    .await
}

/// Activation codes queued for `phone` (the outbox shows numbers masked, `+1•••••0123`).
fn codes_sent_to(app: &TestApp, phone: &str) -> Vec<String> {
    let masked = format!("{}•••••{}", &phone[..2], &phone[phone.len() - 4..]);
    app.queued_messages(&masked, "code.activation")
}

fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 6)
        .expect("a code")
        .to_string()
}

fn retry_after(reply: &Reply) -> i64 {
    reply
        .header("retry-after")
        .expect("a Retry-After")
        .parse()
        .unwrap()
}

#[actix_web::test]
async fn twelve_re_enrolments_to_twelve_numbers_send_at_most_five_codes() {
    let app = app_sending_codes(|_| {}).await;
    let mallory = app.sign_up("mallory@example.com").await;
    let numbers: Vec<String> = (0..12).map(|i| format!("+1555010{i:04}")).collect();
    let mut refused = 0;
    for number in &numbers {
        // Past the number's cooldown: only the account's budget can stop her.
        app.advance(Duration::seconds(31));
        let started = start_phone_factor(&app, &mallory, "sms", number).await;
        if started.status.is_success() {
            continue;
        }
        started.assert_problem(429, "rate_limited");
        assert!(retry_after(&started) > 0);
        refused += 1;
    }
    let sent: usize = numbers.iter().map(|n| codes_sent_to(&app, n).len()).sum();
    assert_eq!(
        sent, 5,
        "each re-enrolment started afresh, but the budget did not"
    );
    assert_eq!(refused, 7);

    // The first send leaves the hour 60 minutes after it was made: then one more goes out.
    app.advance(Duration::minutes(60) - Duration::seconds(31 * 11));
    let later = start_phone_factor(&app, &mallory, "sms", "+15550109999").await;
    assert!(later.status.is_success(), "{}", later.body);
}

#[actix_web::test]
async fn four_re_enrolments_to_one_number_send_one_code_and_it_still_works() {
    let app = app_sending_codes(|_| {}).await;
    let grace = app.sign_up("grace@example.com").await;
    let phone = "+15550100123";
    let first = start_phone_factor(&app, &grace, "sms", phone).await;
    assert_eq!(first.status, 201, "{}", first.body);
    for _ in 0..3 {
        let again = start_phone_factor(&app, &grace, "sms", phone).await;
        again.assert_problem(429, "rate_limited");
        assert_eq!(again.header("retry-after"), Some("30"));
    }
    let sent = codes_sent_to(&app, phone);
    assert_eq!(sent.len(), 1);

    // The refused attempts changed nothing: the first factor activates with its code.
    let factor_id = first.body["factor_id"].as_str().unwrap();
    let activated = app.activate(&grace, factor_id, &code_in(&sent[0])).await;
    assert_eq!(activated.status, 200, "{}", activated.body);
}

#[actix_web::test]
async fn a_number_receives_at_most_ten_codes_a_day_whichever_accounts_ask() {
    let app = app_sending_codes(|_| {}).await;
    let victim = "+447700900123";
    for i in 0..10 {
        let account = app.sign_up(&format!("pump{i}@example.com")).await;
        let started = start_phone_factor(&app, &account, "sms", victim).await;
        assert_eq!(started.status, 201, "{}", started.body);
        app.advance(Duration::seconds(31));
    }
    let eleventh = app.sign_up("pump10@example.com").await;
    let refused = start_phone_factor(&app, &eleventh, "sms", victim).await;
    refused.assert_problem(429, "rate_limited");
    // The first code leaves the day 24 hours after it was sent.
    assert_eq!(retry_after(&refused), 24 * 3600 - 10 * 31);
    // WhatsApp to the same number counts the same way: it is one person's phone.
    start_phone_factor(&app, &eleventh, "whatsapp", victim)
        .await
        .assert_problem(429, "rate_limited");
    assert_eq!(codes_sent_to(&app, victim).len(), 10);

    app.advance(Duration::seconds(retry_after(&refused)));
    let next_day = start_phone_factor(&app, &eleventh, "sms", victim).await;
    assert_eq!(next_day.status, 201, "{}", next_day.body);
}

#[actix_web::test]
async fn one_network_asking_for_many_accounts_is_stopped_and_others_are_not() {
    let app = app_sending_codes(|s| s.messages_per_address_hourly = 3).await;
    let mut accounts = Vec::new();
    for i in 0..6 {
        accounts.push(app.sign_up(&format!("bot{i}@example.com")).await);
    }
    for (i, account) in accounts.iter().take(3).enumerate() {
        let started =
            start_sms_from(&app, account, "2001:db8:1:2::5", &format!("+1555020{i:04}")).await;
        assert_eq!(started.status, 201, "{}", started.body);
    }
    // Another host of the same /64 is the same network.
    start_sms_from(&app, &accounts[3], "2001:db8:1:2::9", "+15550200003")
        .await
        .assert_problem(429, "rate_limited");
    // Another network is not held back.
    let elsewhere = start_sms_from(&app, &accounts[4], "203.0.113.7", "+15550200004").await;
    assert_eq!(elsewhere.status, 201, "{}", elsewhere.body);
}

#[actix_web::test]
async fn the_deployment_cap_stops_sends_for_the_day_and_tells_the_operator_once() {
    let hook = "https://ops.example.com/hooks".to_string();
    let url = hook.clone();
    let app = app_sending_codes(move |s| {
        s.sms_daily_cap = 2;
        s.webhook_urls = vec![url];
        s.webhook_secret = Some(format!("whsec_{}", "A".repeat(40)));
    })
    .await;
    let mut replies = Vec::new();
    for i in 0..4 {
        let account = app.sign_up(&format!("user{i}@example.com")).await;
        replies.push(start_phone_factor(&app, &account, "sms", &format!("+1555030{i:04}")).await);
    }
    assert_eq!(replies[0].status, 201);
    assert_eq!(replies[1].status, 201);
    for refused in &replies[2..] {
        refused.assert_problem(429, "rate_limited");
        assert_eq!(retry_after(refused), 24 * 3600);
    }
    let alerts = app.queued_messages(&hook, "messaging.cap_reached");
    assert_eq!(alerts.len(), 1, "one alert, not one per refusal");
    let alert: Value = serde_json::from_str(&alerts[0]).unwrap();
    assert_eq!(alert["type"], "messaging.cap_reached");
    assert_eq!(alert["data"]["channel"], "sms");
    assert_eq!(alert["data"]["daily_cap"], 2);

    // WhatsApp has its own cap.
    let other = app.sign_up("other@example.com").await;
    let whatsapp = start_phone_factor(&app, &other, "whatsapp", "+15550309999").await;
    assert_eq!(whatsapp.status, 201, "{}", whatsapp.body);
}

#[actix_web::test]
async fn codes_go_only_to_the_countries_the_deployment_sends_to_and_never_to_premium_numbers() {
    let app = app_sending_codes(|s| s.sms_countries = "1,+44".into()).await;
    let ada = app.sign_up("ada@example.com").await;

    let french = start_phone_factor(&app, &ada, "sms", "+33612345678").await;
    french.assert_problem(422, "validation_failed");
    assert_eq!(french.body["errors"][0]["field"], "phone");
    assert_eq!(french.body["errors"][0]["code"], "country_not_allowed");

    let premium = start_phone_factor(&app, &ada, "sms", "+449012345678").await;
    premium.assert_problem(422, "validation_failed");
    assert_eq!(premium.body["errors"][0]["code"], "premium_rate");
    assert!(codes_sent_to(&app, "+449012345678").is_empty());

    // WhatsApp is not limited by the SMS list, but a premium number is refused there too,
    // for a factor and for the profile's number alike.
    let whatsapp = start_phone_factor(&app, &ada, "whatsapp", "+33612345678").await;
    assert_eq!(whatsapp.status, 201, "{}", whatsapp.body);
    let profile = app
        .send(
            app.authed(Method::PATCH, "/v1/me", &ada.token)
                .json(&json!({"whatsapp_number": "+611900123456", "password": PASSWORD})),
        )
        .await;
    profile.assert_problem(422, "validation_failed");
    assert_eq!(profile.body["errors"][0]["field"], "whatsapp_number");
    assert_eq!(profile.body["errors"][0]["code"], "premium_rate");

    let uk = start_phone_factor(&app, &ada, "sms", "+447700900123").await;
    assert_eq!(uk.status, 201, "{}", uk.body);
}

#[actix_web::test]
async fn one_phone_written_two_ways_is_one_destination() {
    let app = app_sending_codes(|_| {}).await;
    let ada = app.sign_up("ada@example.com").await;
    let mallory = app.sign_up("mallory@example.com").await;
    let first = start_phone_factor(&app, &ada, "sms", "+4915112345678").await;
    assert_eq!(first.status, 201, "{}", first.body);
    // The German trunk 0 kept in: the same phone, so within its cooldown.
    start_phone_factor(&app, &mallory, "sms", "+49015112345678")
        .await
        .assert_problem(429, "rate_limited");
    // And what is stored and shown is the one spelling.
    app.advance(Duration::seconds(31));
    let second = start_phone_factor(&app, &mallory, "sms", "+49015112345678").await;
    assert_eq!(second.status, 201, "{}", second.body);
    assert_eq!(second.body["sent_to"], "+4•••••5678");
    assert_eq!(codes_sent_to(&app, "+4915112345678").len(), 2);
}
