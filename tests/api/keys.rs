//! Rotating the server key with `tessera keys`: nothing stops working, and an old key can be
//! retired only once nothing needs it.

use crate::common::{PASSWORD, TestApp};
use chrono::Duration;
use tessera::crypto::sealing::HeldKeys;
use tessera::service::ClientInfo;
use tessera::service::instances::{self, Instance};

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

    let new = app.rotate_keys().await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert_eq!(active_key(&listing), new);
    assert_ne!(new, old);
    assert_eq!(sealed_items(&listing, &new), 0);
    app.restart().await;

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
    app.restart().await;

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

/// `keys reseal` moves every kind of sealed value, not only what an account's MFA holds: an
/// organisation's hardware token, the JWT signing key and the messages waiting to go out all
/// work under the new key alone once the old one is retired.
#[actix_web::test]
async fn a_reseal_moves_hardware_tokens_signing_keys_and_waiting_messages_to_the_new_key() {
    use reqwest::Method;
    use serde_json::json;
    const SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let mut app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    let linus = app
        .managed_member(&ada, &org, "linus@example.com", "member")
        .await;
    let registered = app
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/orgs/{org}/hardware-tokens"),
                &ada.token,
            )
            .json(&json!({
                "name": "Desk", "serial": "TK-1", "model": "c200", "period": 30, "digits": 6,
                "algorithm": "SHA1", "secret": SEED,
            })),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let mint = |app: &TestApp| app.authed(Method::POST, "/v1/sessions/current/token", &ada.token);
    let minted = app.send(mint(&app)).await;
    assert_eq!(minted.status, 200, "{}", minted.body);
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    let old = active_key(&listing);
    // The token's seed, the signing key and the sign-up mails waiting in the outbox.
    assert!(sealed_items(&listing, &old) >= 3, "{listing}");

    app.rotate_keys().await;
    let (code, out, err) = app.run_cli(&["keys", "reseal"]);
    assert_eq!(code, 0, "{out}{err}");
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert_eq!(sealed_items(&listing, &old), 0, "{listing}");
    let (code, out, err) = app.run_cli(&["keys", "retire", &old]);
    assert_eq!(code, 0, "{out}{err}");
    app.restart().await;
    assert!(
        !app.rows_dump().contains(&old),
        "a row still names the retired key"
    );

    let bound = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/hardware-token", &linus.token)
                .json(&json!({
                    "org_id": org, "serial": "TK-1", "code": app.current_code(SEED),
                    "password": PASSWORD,
                })),
        )
        .await;
    assert_eq!(bound.status, 200, "{}", bound.body);
    let minted = app.send(mint(&app)).await;
    assert_eq!(minted.status, 200, "{}", minted.body);
    assert!(app.deliver_outbox().await > 0, "the waiting mails go out");
}

#[actix_web::test]
async fn failed_logins_of_unknown_emails_keyed_under_a_retired_key_keep_no_trace_of_it() {
    let mut app = TestApp::spawn().await;
    app.login("nobody@example.com", "wrong password").await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    let old = active_key(&listing);
    assert!(app.rows_dump().contains(&old));

    app.rotate_keys().await;
    let (code, _, err) = app.run_cli(&["keys", "retire", &old]);
    assert_eq!(code, 0, "{err}");
    app.restart().await;
    assert!(!app.rows_dump().contains(&old));
    assert_eq!(
        app.login("nobody@example.com", "wrong password")
            .await
            .status,
        401
    );
}

/// The running servers as `tessera keys list` shows them: (host, active key, keys held).
fn running_servers(listing: &str) -> Vec<(String, String, String)> {
    listing
        .lines()
        .skip_while(|line| !line.starts_with("running servers"))
        .skip(1)
        .filter_map(|line| {
            let (host, rest) = line.split_once(" active ")?;
            let (active, held) = rest.split_once(" holds ")?;
            Some((
                host.trim().to_string(),
                active.trim().to_string(),
                held.trim().to_string(),
            ))
        })
        .collect()
}

/// Another server on the same database, as it reports itself: it holds `keys`, seen `ago`.
async fn another_server(app: &TestApp, keys: HeldKeys, ago: Duration) -> Instance {
    let other = Instance::new(chrono::Utc::now() - Duration::hours(1));
    let reported = other.clone();
    app.state
        .run(ClientInfo::default(), move |cx| {
            let now = instances::database_now(cx.conn)?;
            instances::report(cx, &reported, &keys, now - ago)
        })
        .await
        .expect("the other server reports");
    other
}

/// A server that stops (gracefully) removes its row.
async fn leave(app: &TestApp, server: &Instance) {
    let stopped = server.clone();
    app.state
        .run(ClientInfo::default(), move |cx| {
            instances::leave(cx, &stopped)
        })
        .await
        .expect("the other server leaves");
}

/// The README's block as printed, under a server that keeps running: rotate, reseal, retire.
/// Nobody is refused at any point: not a session, not an authenticator, not a recovery code.
#[actix_web::test]
async fn keys_rotate_reseal_and_retire_under_a_running_server_and_nobody_is_refused() {
    let app = TestApp::spawn().await;
    app.look_at_keyring().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    app.deliver_outbox().await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    let old = active_key(&listing);
    let servers = running_servers(&listing);
    assert_eq!(servers.len(), 1, "{listing}");
    assert_eq!(
        (servers[0].1.as_str(), servers[0].2.as_str()),
        (old.as_str(), old.as_str())
    );

    // A rotation stages the new key first: servers load it and can open with it, but nothing
    // is sealed under it until every running server holds it. A second server on the same
    // database that has not loaded it (it reads another keys directory, or has not looked
    // yet) keeps the key staged: the command, told not to wait, gives up naming it.
    let lagging = another_server(
        &app,
        HeldKeys {
            active: old.clone(),
            all: vec![old.clone()],
        },
        Duration::seconds(1),
    )
    .await;
    let lagging_start = lagging.started_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let (code, _, err) = app.run_cli(&["keys", "rotate", "--wait", "0"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is added but not active"), "{err}");
    assert!(err.contains(&lagging_start), "{err}");
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert_eq!(active_key(&listing), old, "{listing}");
    let new = listing
        .lines()
        .find(|line| line.split_whitespace().nth(2) == Some("staged"))
        .and_then(|line| line.split_whitespace().next())
        .unwrap_or_else(|| panic!("a staged key in {listing}"))
        .to_string();
    assert!(err.contains(&format!("do not hold key {new}")), "{err}");
    // Meanwhile everyone signs in as before.
    let challenge = app.login_to_challenge("ada@example.com").await;
    let verified = app.verify(&challenge, "totp", &app.next_code(&ada)).await;
    assert_eq!(verified.status, 200, "{}", verified.body);

    // This server loads the keyring by itself within TESSERA_KEYRING_CHECK_SECONDS (here at
    // once); the other one stops. Then the command makes the key active.
    app.look_at_keyring().await;
    leave(&app, &lagging).await;
    let (code, out, err) = app.run_cli(&["keys", "rotate", "--wait", "0"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&new), "{out}");

    // A server that held the staged key but has not yet loaded its activation still seals
    // under the old key: which therefore cannot be retired yet.
    let catching_up = another_server(
        &app,
        HeldKeys {
            active: old.clone(),
            all: vec![old.clone(), new.clone()],
        },
        Duration::seconds(1),
    )
    .await;
    let (code, _, err) = app.run_cli(&["keys", "retire", &old, "--wait", "0"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("do not seal under key {new}")),
        "{err}"
    );
    leave(&app, &catching_up).await;

    app.look_at_keyring().await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert_eq!(active_key(&listing), new, "{listing}");
    assert_eq!(
        running_servers(&listing)[0].1,
        new,
        "the server reports the new key: {listing}"
    );
    let (code, out, err) = app.run_cli(&["keys", "reseal"]);
    assert_eq!(code, 0, "{out}{err}");
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert_eq!(sealed_items(&listing, &old), 0, "{listing}");

    // Re-sealed under the new key, all of it works on the running server, never restarted.
    let recovery = app.login_to_challenge("ada@example.com").await;
    let verified = app
        .verify(&recovery, "recovery_code", &ada.recovery_codes[0])
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let challenge = app.login_to_challenge("ada@example.com").await;
    let verified = app.verify(&challenge, "totp", &app.next_code(&ada)).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(app.get("/v1/me", &ada.user.token).await.status, 200);

    let (code, out, err) = app.run_cli(&["keys", "retire", &old]);
    assert_eq!(code, 0, "{out}{err}");
    app.look_at_keyring().await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert_eq!(running_servers(&listing)[0].2, new, "{listing}");

    // With the old key gone from the running server too: recovery codes, the authenticator,
    // revealing the codes, and the sessions made before any of it.
    let challenge = app.login_to_challenge("ada@example.com").await;
    let verified = app
        .verify(&challenge, "recovery_code", &ada.recovery_codes[1])
        .await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let challenge = app.login_to_challenge("ada@example.com").await;
    let verified = app.verify(&challenge, "totp", &app.next_code(&ada)).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    let token = verified.body["session_token"].as_str().unwrap().to_string();
    let revealed = app
        .step_up(
            "/v1/me/mfa/recovery-codes/reveal",
            &token,
            PASSWORD,
            &app.next_code(&ada),
        )
        .await;
    assert_eq!(revealed.status, 200, "{}", revealed.body);
    assert_eq!(revealed.body["codes"].as_array().unwrap().len(), 6);
    assert_eq!(app.get("/v1/me", &ada.user.token).await.status, 200);
    assert!(
        !app.rows_dump().contains(&old),
        "a row still names the retired key"
    );
}

/// A server that died without a graceful stop holds nothing up for longer than a minute.
#[actix_web::test]
async fn a_server_that_stopped_without_a_word_holds_key_operations_up_for_a_minute_at_most() {
    let app = TestApp::spawn().await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    let old = active_key(&listing);
    app.rotate_keys().await;
    let crashed = another_server(
        &app,
        HeldKeys {
            active: old.clone(),
            all: vec![old.clone()],
        },
        Duration::seconds(61),
    )
    .await;

    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    let crashed_start = crashed.started_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert_eq!(running_servers(&listing).len(), 1, "{listing}");
    assert!(!listing.contains(&crashed_start), "{listing}");
    let (code, out, err) = app.run_cli(&["keys", "reseal", "--wait", "0"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = app.run_cli(&["keys", "retire", &old, "--wait", "0"]);
    assert_eq!(code, 0, "{out}{err}");
}

/// A keyring file that lost a key still in use (a key deleted by hand) is refused by the
/// running server, in its log; codes under a key it does not hold are refused, and the log
/// says why, as an error. The binary, as deployed: it looks at the keyring by itself.
#[test]
fn a_code_under_a_key_the_server_does_not_hold_is_refused_with_an_error_in_the_log() {
    use std::io::{BufRead, BufReader};
    use std::sync::mpsc;
    /// Stops the server however the test ends.
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let data_dir = tempfile::tempdir().unwrap();
    let mut server = Running(
        std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("TESSERA_DATA_DIR", data_dir.path())
            .env("TESSERA_BIND", "127.0.0.1:0")
            .env("TESSERA_KEYRING_CHECK_SECONDS", "1")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let (lines_tx, lines) = mpsc::channel::<String>();
    let stdout = server.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                return;
            }
        }
    });
    // The next log line that says all of `what`, within a generous bound for a loaded CI
    // machine.
    let log_line = |what: &[&str]| -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let line = lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no log line says {what:?}"));
            if what.iter().all(|part| line.contains(part)) {
                return line;
            }
        }
    };
    let listening = log_line(&["Tessera is listening"]);
    let base = listening
        .split_whitespace()
        .find_map(|word| word.strip_prefix("addr="))
        .map(|addr| format!("http://{addr}"))
        .expect("the address");
    let cli = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(args)
            .env_clear()
            .env("TESSERA_DATA_DIR", data_dir.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    };

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let now = || chrono::Utc::now().timestamp();
    let post = |path: &str, token: Option<&str>, body: serde_json::Value| {
        let mut request = http.post(format!("{base}{path}")).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        runtime.block_on(async {
            let reply = request.send().await.unwrap();
            let status = reply.status().as_u16();
            (status, reply.json::<serde_json::Value>().await.unwrap())
        })
    };
    let (status, account) = post(
        "/v1/accounts",
        None,
        serde_json::json!({"email": "ada@example.com", "password": PASSWORD}),
    );
    assert_eq!(status, 201, "{account}");
    let token = account["session_token"].as_str().unwrap();
    let (status, enrolment) = post(
        "/v1/me/mfa/totp",
        Some(token),
        serde_json::json!({"password": PASSWORD}),
    );
    assert_eq!(status, 201, "{enrolment}");
    let secret = enrolment["secret"].as_str().unwrap();
    let factor = enrolment["factor_id"].as_str().unwrap();
    let (status, activation) = post(
        &format!("/v1/me/mfa/factors/{factor}/activate"),
        Some(token),
        serde_json::json!({"code": crate::common::totp_code(secret, now())}),
    );
    assert_eq!(status, 200, "{activation}");
    let recovery_code = activation["recovery_codes"]["codes"][0]
        .as_str()
        .unwrap()
        .to_string();

    // A rotation, then the old key cut out of the file by hand, everything still under it:
    // the server refuses that file, says so, and keeps its keys.
    cli(&["keys", "rotate"]);
    let path = data_dir.path().join("keyring.json");
    let mut keyring: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let active = keyring["active"].clone();
    let old = keyring["keys"][0]["id"].as_str().unwrap().to_string();
    keyring["keys"]
        .as_array_mut()
        .unwrap()
        .retain(|key| key["id"] == active);
    log_line(&[
        "loaded the keyring",
        &format!("active={}", active.as_str().unwrap()),
    ]);
    std::fs::write(&path, keyring.to_string()).unwrap();
    let refusal = log_line(&["lacks keys the database holds values under"]);
    assert!(
        refusal.contains("ERROR") && refusal.contains(&old),
        "{refusal}"
    );

    // Codes digested under a key no keyring holds any more (a retirement gone wrong, a
    // restore from the wrong backup) are refused — and the log says why.
    use diesel::RunQueryDsl;
    let mut db = crate::common::sqlite(&data_dir.path().join("tessera.db").to_string_lossy());
    diesel::sql_query(
        "UPDATE recovery_codes SET code_digest = 'kgone' || substr(code_digest, instr(code_digest, ':'))",
    )
    .execute(&mut db)
    .unwrap();
    let (status, login) = post(
        "/v1/auth/login",
        None,
        serde_json::json!({"email": "ada@example.com", "password": PASSWORD}),
    );
    assert_eq!(status, 200, "{login}");
    let challenge = login["challenge"]["id"].as_str().unwrap();
    let (status, refused) = post(
        &format!("/v1/auth/challenges/{challenge}/verify"),
        None,
        serde_json::json!({"method": "recovery_code", "code": recovery_code}),
    );
    assert_eq!(status, 401, "{refused}");
    let error =
        log_line(&["recovery codes are digested under keys this server's keyring does not hold"]);
    assert!(error.contains("ERROR"), "{error}");
}

/// 32 zero bytes, base64: a secret nobody generated.
const STANDARD_BASE64_OF_ZEROS: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/// An old backup put back in place (without the key everything is now sealed under), or a
/// keyring that keeps the ids and changes a secret: a running server refuses it and keeps the
/// keys it holds (it would otherwise answer 500 to everyone enrolled since).
#[actix_web::test]
async fn a_running_server_refuses_an_old_backup_or_a_forged_keyring() {
    let app = TestApp::spawn().await;
    let path = app.data_dir.path().join("keyring.json");
    let backup = std::fs::read(&path).unwrap();
    let new = app.rotate_keys().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;

    let current = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &backup).unwrap();
    assert!(!app.look_at_keyring().await, "the backup is not taken");
    // Nor a file that keeps the ids and gives one another secret.
    let mut forged: serde_json::Value = serde_json::from_str(&current).unwrap();
    forged["keys"][1]["secret"] = serde_json::json!(STANDARD_BASE64_OF_ZEROS);
    std::fs::write(&path, forged.to_string()).unwrap();
    assert!(
        !app.look_at_keyring().await,
        "the forged keyring is not taken"
    );
    // Nor a backup taken mid-rotation, which makes the older key active again: the server
    // keeps sealing under the newer one.
    let mut rolled_back: serde_json::Value = serde_json::from_str(&current).unwrap();
    rolled_back["active"] = rolled_back["keys"][0]["id"].clone();
    std::fs::write(&path, rolled_back.to_string()).unwrap();
    app.look_at_keyring().await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert_eq!(
        running_servers(&listing)[0].1,
        new,
        "the server still seals under the newer key: {listing}"
    );
    let challenge = app.login_to_challenge("ada@example.com").await;
    let verified = app.verify(&challenge, "totp", &app.next_code(&ada)).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
}

/// The keyring file gone (a wrong keys directory, a lost volume): a new server does not make
/// a fresh keyring for a database full of values sealed under the lost one — the running
/// servers would follow it and open nothing — but says what to restore.
#[actix_web::test]
async fn a_lost_keyring_is_not_replaced_while_the_database_holds_what_it_sealed() {
    let app = TestApp::spawn().await;
    app.sign_up_with_mfa("ada@example.com").await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    let key = active_key(&listing);
    let path = app.data_dir.path().join("keyring.json");
    std::fs::remove_file(&path).unwrap();

    let refused = app
        .start_again()
        .err()
        .expect("the start is refused")
        .to_string();
    assert!(refused.contains("restore keyring.json"), "{refused}");
    assert!(refused.contains(&key), "{refused}");
    assert!(!path.exists(), "no keyring was made");
}

/// The same guard at every start: an older backup in place (it lacks the key everything is
/// sealed under now) stops the start, naming the key, instead of answering 500 to everyone.
#[actix_web::test]
async fn a_server_does_not_start_on_a_keyring_that_lacks_a_key_in_use() {
    let app = TestApp::spawn().await;
    let path = app.data_dir.path().join("keyring.json");
    let backup = std::fs::read(&path).unwrap();
    let new = app.rotate_keys().await;
    app.sign_up_with_mfa("ada@example.com").await;

    std::fs::write(&path, &backup).unwrap();
    let refused = app
        .start_again()
        .err()
        .expect("the start is refused")
        .to_string();
    assert!(refused.contains(&new), "{refused}");
    assert!(refused.contains("restore keyring.json"), "{refused}");
    // Nor is anything re-sealed under such a keyring.
    let (code, _, err) = app.run_cli(&["keys", "reseal", "--wait", "0"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&new) && err.contains("nothing was re-sealed"),
        "{err}"
    );
}

/// A server that was paused (counted as stopped) while the keyring moved on — a new key made
/// active, everything re-sealed, its own active key retired — takes the new keyring when it
/// wakes: it holds every key the database still needs. (Until it has reported again it seals
/// nothing: see `Sealer`'s lease.)
#[actix_web::test]
async fn a_server_that_slept_through_a_rotation_takes_the_keyring_it_finds() {
    let app = TestApp::spawn().await;
    app.look_at_keyring().await;
    let ada = app.sign_up_with_mfa("ada@example.com").await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    let old = active_key(&listing);
    // Asleep: its row has gone stale, so the key commands go ahead without it.
    leave(&app, &app.state.keyring_watch.instance).await;
    let (code, out, err) = app.run_cli(&["keys", "rotate", "--wait", "0"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = app.run_cli(&["keys", "reseal", "--wait", "0"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = app.run_cli(&["keys", "retire", &old, "--wait", "0"]);
    assert_eq!(code, 0, "{out}{err}");

    // Awake: the file lacks its active key, but holds every key in use. Taken.
    assert!(app.look_at_keyring().await);
    let challenge = app.login_to_challenge("ada@example.com").await;
    let verified = app.verify(&challenge, "totp", &app.next_code(&ada)).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    app.sign_up_with_mfa("grace@example.com").await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert!(!listing.contains(&old), "{listing}");
}
