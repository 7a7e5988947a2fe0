//! JWT access tokens: an integrator's back-end verifies them offline with `jsonwebtoken`
//! against the key set fetched over HTTP, through a signing-key rotation.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{Duration, Utc};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{PASSWORD, Reply, TestApp, User};

async fn mint(app: &TestApp, token: &str) -> Reply {
    app.send(app.authed(Method::POST, "/v1/sessions/current/token", token))
        .await
}

async fn access_token(app: &TestApp, user: &User) -> String {
    let minted = mint(app, &user.token).await;
    assert_eq!(minted.status, 200, "{}", minted.body);
    minted.body["access_token"].as_str().unwrap().to_string()
}

async fn key_set(app: &TestApp) -> JwkSet {
    let reply = app
        .send(app.request(Method::GET, "/.well-known/jwks.json"))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_value(reply.body).unwrap()
}

fn kid(token: &str) -> String {
    jsonwebtoken::decode_header(token).unwrap().kid.unwrap()
}

/// What an integrator's back-end does: pick the key by `kid`, check signature, issuer and
/// audience. Expiry is checked against the app's clock, which the tests drive.
fn verify(app: &TestApp, keys: &JwkSet, token: &str, audience: &str) -> Result<Value, String> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
    let jwk = keys
        .find(header.kid.as_deref().unwrap_or_default())
        .ok_or("no key with the token's kid")?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.set_audience(&[audience]);
    validation.set_issuer(&["http://tessera.test"]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.validate_exp = false;
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map_err(|e| e.to_string())?
        .claims;
    if claims["exp"].as_i64().unwrap() <= app.state.now().timestamp() {
        return Err("expired".into());
    }
    Ok(claims)
}

#[actix_web::test]
async fn a_back_end_verifies_an_access_token_against_the_published_keys() {
    let app = TestApp::builder()
        .settings(|s| s.access_token_audience = "orders-api".into())
        .spawn()
        .await;
    let ada = app.sign_up("ada@example.com").await;

    let minted = mint(&app, &ada.token).await;
    assert_eq!(minted.status, 200, "{}", minted.body);
    assert_eq!(minted.body["token_type"], "Bearer");
    assert_eq!(minted.body["expires_in"], 300);
    assert_eq!(minted.header("cache-control"), Some("no-store"));
    let token = minted.body["access_token"].as_str().unwrap();

    let jwks = app
        .send(app.request(Method::GET, "/.well-known/jwks.json"))
        .await;
    assert_eq!(jwks.header("cache-control"), Some("public, max-age=300"));
    assert_eq!(jwks.body["keys"][0]["kty"], "OKP");
    assert_eq!(jwks.body["keys"][0]["crv"], "Ed25519");
    assert_eq!(jwks.body["keys"][0]["alg"], "EdDSA");
    assert_eq!(jwks.body["keys"][0]["use"], "sig");
    let keys = key_set(&app).await;
    assert_eq!(keys.keys.len(), 1);
    assert_eq!(
        jsonwebtoken::decode_header(token).unwrap().alg,
        Algorithm::EdDSA
    );

    let claims = verify(&app, &keys, token, "orders-api").unwrap();
    assert_eq!(claims["sub"], ada.account_id.as_str());
    assert_eq!(claims["sid"], ada.session_id.as_str());
    assert_eq!(claims["aal"], "aal1");
    assert_eq!(claims["amr"], json!(["pwd"]));
    let now = app.state.now().timestamp();
    assert_eq!(claims["iat"], now);
    assert_eq!(claims["exp"], now + 300);
    assert!(claims["jti"].as_str().is_some_and(|jti| jti.len() >= 32));

    // A token for another audience, a forged one, and one past its end are refused.
    let wrong_audience = verify(&app, &keys, token, "billing-api").unwrap_err();
    assert!(
        wrong_audience.contains("InvalidAudience"),
        "{wrong_audience}"
    );
    let (signed, _) = token.rsplit_once('.').unwrap();
    let (header, _) = signed.split_once('.').unwrap();
    let forged_claims = URL_SAFE_NO_PAD.encode(
        json!({"iss": "http://tessera.test", "sub": "someone-else", "aud": "orders-api", "exp": now + 300})
            .to_string(),
    );
    let forged = format!(
        "{header}.{forged_claims}.{}",
        token.rsplit_once('.').unwrap().1
    );
    assert!(verify(&app, &keys, &forged, "orders-api").is_err());
    app.advance(Duration::seconds(300));
    assert_eq!(
        verify(&app, &keys, token, "orders-api").unwrap_err(),
        "expired"
    );
}

#[actix_web::test]
async fn only_a_live_session_mints_and_the_token_says_how_it_signed_in() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    mint(&app, "tss_nonsense")
        .await
        .assert_problem(401, "unauthenticated");
    app.send(app.request(Method::POST, "/v1/sessions/current/token"))
        .await
        .assert_problem(401, "unauthenticated");
    // An API key reads; it does not stand in for a session.
    let key = app
        .send(
            app.authed(Method::POST, "/v1/me/api-keys", &ada.token)
                .json(&json!({"name": "CI", "password": PASSWORD})),
        )
        .await;
    let key = key.body["secret"].as_str().unwrap();
    mint(&app, key).await.assert_problem(401, "unauthenticated");
    // A cookie-borne mint from a foreign page is a CSRF attempt.
    app.send(
        app.request(Method::POST, "/v1/sessions/current/token")
            .header("cookie", format!("tessera_session={}", ada.token))
            .header("origin", "https://evil.example"),
    )
    .await
    .assert_problem(403, "origin_not_allowed");

    // A token never outlives its session: near the absolute end (30 days), it ends with it.
    for _ in 0..4 {
        app.advance(Duration::days(6));
        assert_eq!(app.session_check(&ada.token).await, 200);
    }
    app.advance(Duration::days(6) - Duration::minutes(2));
    let minted = mint(&app, &ada.token).await;
    assert_eq!(minted.body["expires_in"], 120, "{}", minted.body);

    // Signed out: no more tokens.
    let logout = app
        .send(app.authed(Method::POST, "/v1/auth/logout", &ada.token))
        .await;
    assert_eq!(logout.status, 204, "{}", logout.body);
    mint(&app, &ada.token)
        .await
        .assert_problem(401, "unauthenticated");

    // Bob proved an authenticator code: aal2, and the methods as RFC 8176 names them.
    let bob = app.sign_up_with_mfa("bob@example.com").await;
    let keys = key_set(&app).await;
    let claims = verify(&app, &keys, &access_token(&app, &bob.user).await, "tessera").unwrap();
    assert_eq!(claims["aal"], "aal2");
    assert_eq!(claims["amr"], json!(["pwd", "otp", "mfa"]));
}

#[actix_web::test]
async fn after_a_signing_key_rotation_old_tokens_verify_until_they_expire() {
    let app = TestApp::spawn().await;
    // `tessera keys rotate-signing` runs on the wall clock: so does the app here.
    app.advance(Utc::now() - app.state.now());
    let ada = app.sign_up("ada@example.com").await;
    let before = access_token(&app, &ada).await;
    let old_kid = kid(&before);
    // Every instance signs with the same key, and publishes it.
    let other = app.start_another_instance();
    let other_jwks = app
        .send(app.http.get(format!("{other}/.well-known/jwks.json")))
        .await;
    assert_eq!(other_jwks.body["keys"][0]["kid"], old_kid.as_str());

    let (code, out, err) = app.run_cli(&["keys", "rotate-signing"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("retired signing key {old_kid}")),
        "{out}"
    );
    // Servers take the new key up within a minute.
    app.advance(Duration::seconds(60));
    let after = access_token(&app, &ada).await;
    let new_kid = kid(&after);
    assert_ne!(new_kid, old_kid);
    assert!(
        out.contains(&format!("added signing key {new_kid}")),
        "{out}"
    );

    let keys = key_set(&app).await;
    assert_eq!(keys.keys.len(), 2);
    assert!(verify(&app, &keys, &before, "tessera").is_ok());
    assert!(verify(&app, &keys, &after, "tessera").is_ok());

    // Once every token the old key may have signed has expired, it is no longer published,
    // and the clean-up deletes it.
    app.advance(Duration::minutes(7));
    let keys = key_set(&app).await;
    assert_eq!(keys.keys.len(), 1);
    assert_eq!(
        keys.keys[0].common.key_id.as_deref(),
        Some(new_kid.as_str())
    );
    assert_eq!(
        verify(&app, &keys, &before, "tessera").unwrap_err(),
        "no key with the token's kid"
    );
    let pruned = tessera::run_maintenance(&app.state).await.unwrap();
    assert_eq!(pruned.signing_keys, 1);
}

/// Every byte string a dump's text may encode: the text, and what its base64 and hex words
/// decode to.
fn decodings(dump: &str) -> Vec<Vec<u8>> {
    let mut out = vec![dump.as_bytes().to_vec()];
    for word in dump.split(|c: char| !(c.is_ascii_alphanumeric() || "+/=-_".contains(c))) {
        for engine in [&STANDARD, &URL_SAFE_NO_PAD] {
            if let Ok(bytes) = engine.decode(word) {
                out.push(bytes);
            }
        }
        if word.len() % 2 == 0
            && let Ok(bytes) = (0..word.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&word[i..i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
        {
            out.push(bytes);
        }
    }
    out
}

#[actix_web::test]
async fn a_database_dump_holds_no_private_signing_key() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    access_token(&app, &ada).await;
    let published: Vec<[u8; 32]> = key_set(&app)
        .await
        .keys
        .iter()
        .map(|jwk| match &jwk.algorithm {
            jsonwebtoken::jwk::AlgorithmParameters::OctetKeyPair(okp) => {
                URL_SAFE_NO_PAD.decode(&okp.x).unwrap().try_into().unwrap()
            }
            other => panic!("{other:?}"),
        })
        .collect();

    let dump = app.rows_dump();
    assert!(!dump.contains("PRIVATE KEY"));
    // The DER prefix of an Ed25519 PKCS#8 private key.
    let pkcs8_prefix = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
    ];
    for bytes in decodings(&dump) {
        assert!(
            !bytes.windows(pkcs8_prefix.len()).any(|w| w == pkcs8_prefix),
            "a PKCS#8 key in the dump"
        );
        // A bare 32-byte seed (or a 64-byte seed-and-public-key pair).
        if bytes.len() == 32 || bytes.len() == 64 {
            let seed: [u8; 32] = bytes[..32].try_into().unwrap();
            let public = ed25519_dalek::SigningKey::from_bytes(&seed)
                .verifying_key()
                .to_bytes();
            assert!(!published.contains(&public), "a private key in the dump");
        }
    }
}
