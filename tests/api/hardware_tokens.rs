//! Hardware tokens: an organisation registers them (one by one or by CSV), a member binds
//! one with a code, and signs in with it.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestApp, User, sha256_totp_code};

const SEED: &[u8] = b"12345678901234567890123456789012";
const SEED_HEX: &str = "3132333435363738393031323334353637383930313233343536373839303132";

/// Acme, owned by Ada, with Linus as a member it manages (created by invitation).
async fn org(app: &TestApp) -> (User, User, String) {
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    let linus = app
        .managed_member(&ada, &org, "linus@example.com", "member")
        .await;
    (ada, linus, org)
}

async fn import(app: &TestApp, admin: &User, org: &str, csv: &str) -> crate::common::Reply {
    app.send(
        app.authed(
            Method::POST,
            &format!("/v1/orgs/{org}/hardware-tokens/import"),
            &admin.token,
        )
        .header("content-type", "text/csv")
        .body(csv.to_string()),
    )
    .await
}

fn code(app: &TestApp, at_offset: i64) -> String {
    sha256_totp_code(SEED, app.now_unix() + at_offset, 60, 8)
}

#[actix_web::test]
async fn a_member_binds_an_imported_sha256_token_and_signs_in_with_it() {
    let app = TestApp::spawn().await;
    let (ada, linus, org) = org(&app).await;

    let one = app
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/orgs/{org}/hardware-tokens"),
                &ada.token,
            )
            .json(&json!({
                "name": "Spare", "serial": "SPARE-1", "model": "c200", "period": 30, "digits": 6,
                "algorithm": "SHA1", "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            })),
        )
        .await;
    assert_eq!(one.status, 201, "{}", one.body);
    assert!(one.body.get("secret").is_none());

    let header = "name,serial,model,period,digits,algorithm,secret";
    let bad = format!(
        "{header}\nDesk,TK-1,c200,60,8,SHA256,{SEED_HEX}\nLab,TK-2,c200,60,8,SHA256,{SEED_HEX}\nDup,TK-1,c200,60,8,SHA256,{SEED_HEX}\n"
    );
    let refused = import(&app, &ada, &org, &bad).await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(
        refused.body["errors"][0]["field"], "line 4: serial",
        "{}",
        refused.body
    );
    assert_eq!(refused.body["errors"][0]["code"], "duplicate");
    let listed = app
        .get(&format!("/v1/orgs/{org}/hardware-tokens"), &ada.token)
        .await;
    assert_eq!(
        listed.body["items"].as_array().unwrap().len(),
        1,
        "nothing imported"
    );

    let good = bad.replace("Dup,TK-1", "Dup,TK-3");
    let imported = import(&app, &ada, &org, &good).await;
    assert_eq!(imported.status, 201, "{}", imported.body);
    assert_eq!(imported.body["imported"], 3);
    import(&app, &ada, &org, &good)
        .await
        .assert_problem(422, "validation_failed");

    // Linus binds TK-1 with the code it shows.
    let bind = |code: String| {
        app.authed(Method::POST, "/v1/me/mfa/hardware-token", &linus.token)
            .json(&json!({"org_id": org, "serial": "TK-1", "code": code, "password": PASSWORD}))
    };
    // A session alone binds nothing: a token is a way in, and asks for the password.
    let no_password = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/hardware-token", &linus.token)
                .json(&json!({"org_id": org, "serial": "TK-1", "code": code(&app, 0)})),
        )
        .await;
    no_password.assert_problem(403, "reauthentication_failed");
    assert_eq!(no_password.body["errors"][0]["field"], "password");
    let wrong = app.send(bind("00000000".into())).await;
    wrong.assert_problem(403, "reauthentication_failed");
    let bound = app.send(bind(code(&app, 0))).await;
    assert_eq!(bound.status, 200, "{}", bound.body);
    assert_eq!(bound.body["factor"]["type"], "hardware_token");
    assert_eq!(
        bound.body["recovery_codes"]["codes"]
            .as_array()
            .unwrap()
            .len(),
        8
    );

    let tokens = app
        .get(
            &format!("/v1/orgs/{org}/hardware-tokens?limit=10"),
            &ada.token,
        )
        .await;
    let held: Vec<(&str, Value)> = tokens.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["serial"].as_str().unwrap(),
                t["assigned_to"]["email"].clone(),
            )
        })
        .collect();
    assert!(
        held.contains(&("TK-1", json!("linus@example.com"))),
        "{held:?}"
    );
    assert!(held.contains(&("TK-2", Value::Null)));
    assert!(!tokens.body.to_string().contains(SEED_HEX));
    assert!(!tokens.body.to_string().to_lowercase().contains("secret"));

    // Login asks for the token; a code works once.
    app.advance(Duration::seconds(60));
    let challenge = app.login_to_challenge("linus@example.com").await;
    let login = app.login("linus@example.com", PASSWORD).await;
    assert_eq!(
        login.body["challenge"]["methods"],
        json!(["hardware_token", "recovery_code"])
    );
    let now_code = code(&app, 0);
    let verified = app.verify(&challenge, "hardware_token", &now_code).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(
        verified.body["session"]["methods"],
        json!(["password", "hardware_token"])
    );
    let again = app.login_to_challenge("linus@example.com").await;
    app.verify(&again, "hardware_token", &now_code)
        .await
        .assert_problem(401, "invalid_code");

    // An assigned token is removed only with force, and its holder's factor with it.
    let token_id = tokens.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["serial"] == "TK-1")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/orgs/{org}/hardware-tokens/{token_id}");
    app.send(app.authed(Method::DELETE, &path, &ada.token))
        .await
        .assert_problem(409, "token_assigned");
    let forced = app
        .send(app.authed(Method::DELETE, &format!("{path}?force=true"), &ada.token))
        .await;
    assert_eq!(forced.status, 204);
    let mfa = app
        .get(
            "/v1/me/mfa",
            verified.body["session_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(mfa.body["factors"], json!([]));
}

#[actix_web::test]
async fn a_forced_enrolment_can_bind_a_hardware_token_with_the_ticket() {
    let app = TestApp::spawn().await;
    let (ada, linus, org) = org(&app).await;
    let header = "name,serial,model,period,digits,algorithm,secret";
    let csv = format!("{header}\nDesk,TK-1,c200,60,8,SHA256,{SEED_HEX}\n");
    assert_eq!(import(&app, &ada, &org, &csv).await.status, 201);
    app.send(
        app.authed(
            Method::PUT,
            &format!("/v1/orgs/{org}/members/{}/mfa", linus.account_id),
            &ada.token,
        )
        .json(&json!({"required": true, "enforcement_delay_days": 0})),
    )
    .await;
    let login = app.login("linus@example.com", PASSWORD).await;
    let ticket = login.body["enrollment"]["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    let bound = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/hardware-token", &ticket)
                .json(&json!({"org_id": org, "serial": "TK-1", "code": code(&app, 0)})),
        )
        .await;
    assert_eq!(bound.status, 200, "{}", bound.body);
    assert_eq!(bound.body["session"]["aal"], "aal2");
    let token = bound.body["session_token"].as_str().unwrap();
    assert_eq!(app.session_check(token).await, 200);
}

#[actix_web::test]
async fn token_calls_are_for_admins_and_bad_rows_are_named_by_line() {
    let app = TestApp::spawn().await;
    let (ada, linus, org) = org(&app).await;
    app.get(&format!("/v1/orgs/{org}/hardware-tokens"), &linus.token)
        .await
        .assert_problem(403, "insufficient_role");
    let header = "name,serial,model,period,digits,algorithm,secret";
    let csv = format!("{header}\nDesk,TK-1,c200,5,9,MD5,nothex\n");
    let refused = import(&app, &ada, &org, &csv).await;
    let fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "line 2: period",
            "line 2: digits",
            "line 2: algorithm",
            "line 2: secret"
        ]
    );
    import(&app, &ada, &org, "serial,name\nx,y\n")
        .await
        .assert_problem(422, "validation_failed");
    app.send(
        app.authed(
            Method::POST,
            &format!("/v1/orgs/{org}/hardware-tokens/import"),
            &ada.token,
        )
        .json(&json!({})),
    )
    .await
    .assert_problem(415, "unsupported_media_type");
}

#[actix_web::test]
async fn the_import_resource_answers_only_post() {
    let app = TestApp::spawn().await;
    let (ada, _, org) = org(&app).await;
    let reply = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/hardware-tokens/import"),
            &ada.token,
        ))
        .await;
    reply.assert_problem(405, "method_not_allowed");
    assert_eq!(reply.header("allow"), Some("POST"));
    let bad_path = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/hardware-tokens/nope"),
            &ada.token,
        ))
        .await;
    bad_path.assert_problem(400, "invalid_path_parameter");
    assert_eq!(
        bad_path.body["errors"][0]["field"], "token_id",
        "the second of two parameters is named: {}",
        bad_path.body
    );
}
