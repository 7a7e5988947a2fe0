//! Rotating the server key with `tessera keys`: nothing stops working, and an old key can be
//! retired only once nothing needs it.

use crate::common::{PASSWORD, TestApp};
use chrono::Duration;

pub(crate) fn active_key(listing: &str) -> String {
    listing
        .lines()
        .find(|line| line.split_whitespace().nth(2) == Some("yes"))
        .and_then(|line| line.split_whitespace().next())
        .expect("an active key")
        .to_string()
}

pub(crate) fn sealed_items(listing: &str, key_id: &str) -> i64 {
    listing
        .lines()
        .find(|line| line.starts_with(key_id))
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("{key_id} not in {listing}"))
}

#[actix_web::test]
async fn a_rotated_key_keeps_authenticators_and_recovery_codes_working_until_retired() {
    let mut app = TestApp::spawn().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;

    // Sent messages (sign-in alerts here) keep nothing sealed.
    app.deliver_outbox().await;
    let (code, listing, _) = app.run_cli(&["keys", "list"]);
    assert_eq!(code, 0);
    let old = active_key(&listing);
    // The TOTP secret, the sealed recovery-code set and its 8 code digests.
    assert_eq!(sealed_items(&listing, &old), 10, "{listing}");

    let (code, out, err) = app.run_cli(&["keys", "rotate"]);
    assert_eq!(code, 0, "{out}{err}");
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    let new = active_key(&listing);
    assert_ne!(new, old);
    assert_eq!(sealed_items(&listing, &new), 0);
    app.restart();

    // The old key still protects everything: retiring it is refused, naming the count.
    let (code, _, err) = app.run_cli(&["keys", "retire", &old]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("10 sealed item"), "{err}");
    let (code, _, err) = app.run_cli(&["keys", "retire", &new]);
    assert_eq!(code, 1, "the active key cannot be retired: {err}");

    // Signing in with the authenticator works, and re-seals its secret under the new key.
    let challenge = app.login_to_challenge("ada@example.com").await;
    let verified = app
        .verify(&challenge, "totp", &app.current_code(&ada.secret))
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    app.deliver_outbox().await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert_eq!(sealed_items(&listing, &old), 9, "{listing}");
    assert_eq!(sealed_items(&listing, &new), 1, "{listing}");

    let (code, out, err) = app.run_cli(&["keys", "reseal"]);
    assert_eq!(code, 0, "{out}{err}");
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert_eq!(sealed_items(&listing, &old), 0, "{listing}");
    let (code, out, err) = app.run_cli(&["keys", "retire", &old]);
    assert_eq!(code, 0, "{out}{err}");
    app.restart();

    // With the old key gone: recovery codes, the authenticator, and revealing the codes.
    let challenge = app.login_to_challenge("ada@example.com").await;
    let verified = app
        .verify(&challenge, "recovery_code", &ada.recovery_codes[0])
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    app.advance(Duration::seconds(30));
    let challenge = app.login_to_challenge("ada@example.com").await;
    let verified = app
        .verify(&challenge, "totp", &app.current_code(&ada.secret))
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let token = verified.body["session_token"].as_str().unwrap();
    app.advance(Duration::seconds(30));
    let revealed = app
        .step_up(
            "/v1/me/mfa/recovery-codes/reveal",
            token,
            PASSWORD,
            &app.current_code(&ada.secret),
        )
        .await;
    assert_eq!(revealed.status, 200, "{}", revealed.body);
    assert_eq!(revealed.body["codes"].as_array().unwrap().len(), 7);

    assert!(
        !app.rows_dump().contains(&old),
        "a row still names the retired key"
    );
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert!(!listing.contains(&old), "{listing}");
}

#[actix_web::test]
async fn failed_logins_of_unknown_emails_keyed_under_a_retired_key_keep_no_trace_of_it() {
    let mut app = TestApp::spawn().await;
    app.login("nobody@example.com", "wrong password").await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    let old = active_key(&listing);
    assert!(app.rows_dump().contains(&old));

    app.run_cli(&["keys", "rotate"]);
    let (code, _, err) = app.run_cli(&["keys", "retire", &old]);
    assert_eq!(code, 0, "{err}");
    app.restart();
    assert!(!app.rows_dump().contains(&old));
    assert_eq!(
        app.login("nobody@example.com", "wrong password")
            .await
            .status,
        401
    );
}
