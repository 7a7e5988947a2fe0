//! Single sign-on: an organisation signs its people in at its OpenID Provider (a minimal one
//! started by each test, see `common::oidc_provider`), with the second factor at the provider
//! or in both places.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::oidc_provider::{AuthorizationRequest, CLIENT_ID, CLIENT_SECRET, TestProvider};
use crate::common::{PASSWORD, Reply, TestApp, User};
use crate::keys::{active_key, sealed_items};

pub(crate) const FRONT_END: &str = "https://app.example.com/sso";
pub(crate) const MOBILE_APP: &str = "com.example.app:/sso";
/// The PKCE verifier the tests' app keeps (a real one makes a new one per sign-in).
pub(crate) const APP_VERIFIER: &str = "the-app-keeps-this-pkce-verifier-to-itself-0123";
/// The secret the tests' front-end keeps for the login code's exchange.
pub(crate) const FRONT_END_VERIFIER: &str =
    "a-random-secret-the-front-end-keeps-in-session-storage";

/// The S256 challenge of `verifier` (RFC 7636).
pub(crate) fn s256(verifier: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()))
}

pub(crate) async fn app() -> TestApp {
    TestApp::builder()
        .settings(|s| {
            s.sso_redirect_uris = vec![FRONT_END.into(), MOBILE_APP.into()];
            // The tests' provider runs on this machine.
            s.sso_allow_loopback_issuers = true;
        })
        .spawn()
        .await
}

/// Ada owns Acme, which has verified `acme.com`; Acme signs it in at `provider`.
pub(crate) async fn acme(
    app: &TestApp,
    provider: &TestProvider,
    mfa: &str,
    auto_provision: bool,
) -> (User, String) {
    let ada = app.sign_up("ada@example.com").await;
    let org_id = app.create_org(&ada, "Acme").await;
    app.verify_domain(&org_id, "acme.com").await;
    let settings = configure(app, &ada, &org_id, provider, mfa, auto_provision).await;
    assert_eq!(settings.status, 200, "{}", settings.body);
    (ada, org_id)
}

pub(crate) async fn configure(
    app: &TestApp,
    admin: &User,
    org_id: &str,
    provider: &TestProvider,
    mfa: &str,
    auto_provision: bool,
) -> Reply {
    app.send(
        app.authed(Method::PUT, &format!("/v1/orgs/{org_id}/sso"), &admin.token)
            .json(&json!({
                "issuer": provider.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "password": crate::common::PASSWORD,
                "email_domains": ["Acme.com"], "mfa": mfa, "auto_provision": auto_provision,
            })),
    )
    .await
}

/// Starts SSO for `email` with the client callback (the app's PKCE challenge); returns what
/// the provider was asked.
pub(crate) async fn start(app: &TestApp, email: &str) -> AuthorizationRequest {
    let started = app
        .post_json(
            "/v1/auth/sso/start",
            json!({
                "email": email, "redirect_uri": MOBILE_APP, "callback": "client",
                "code_challenge": s256(APP_VERIFIER),
            }),
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    AuthorizationRequest::parse(started.body["authorization_url"].as_str().unwrap())
}

/// The app posts the provider's answer, with its PKCE verifier.
pub(crate) async fn callback(app: &TestApp, request: &AuthorizationRequest, code: &str) -> Reply {
    app.post_json(
        "/v1/auth/sso/callback",
        json!({"state": request.state, "code": code, "code_verifier": APP_VERIFIER}),
    )
    .await
}

/// A whole sign-in at the provider as `subject` with `email`, to its answer.
pub(crate) async fn sso(
    app: &TestApp,
    provider: &TestProvider,
    subject: &str,
    email: &str,
) -> Reply {
    let request = start(app, email).await;
    let claims = provider.claims(&request, subject, email, app.now_unix());
    let code = provider.issue_code(&request, &claims);
    callback(app, &request, &code).await
}

/// The provider's redirect back to this server, with `params`.
fn callback_url(app: &TestApp, params: &[(&str, &str)]) -> reqwest::Url {
    reqwest::Url::parse_with_params(&app.url("/v1/auth/sso/callback"), params).unwrap()
}

/// A browser: it does not follow redirects, so a test sees where it is sent.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The provider sends the browser back to this server's callback with `params`.
pub(crate) async fn back_from_provider(
    app: &TestApp,
    params: &[(&str, &str)],
) -> reqwest::Response {
    browser()
        .get(callback_url(app, params))
        .send()
        .await
        .unwrap()
}

/// Where the callback sent the browser, and the login code on it.
pub(crate) fn login_code_in(back: &reqwest::Response) -> (reqwest::Url, String) {
    let location = reqwest::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap();
    let login_code = location
        .query_pairs()
        .find(|(k, _)| k == "login_code")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    (location, login_code)
}

/// Starts a browser flow for Grace with the front-end's exchange challenge (`extra` added to
/// the body, or replacing it); what the provider was asked.
pub(crate) async fn start_in_browser(app: &TestApp, extra: Value) -> AuthorizationRequest {
    let mut body = json!({
        "email": "grace@acme.com", "redirect_uri": FRONT_END,
        "exchange_challenge": s256(FRONT_END_VERIFIER),
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let started = app.post_json("/v1/auth/sso/start", body).await;
    assert_eq!(started.status, 200, "{}", started.body);
    AuthorizationRequest::parse(started.body["authorization_url"].as_str().unwrap())
}

pub(crate) fn signed_in(reply: &Reply) -> User {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["status"], "authenticated", "{}", reply.body);
    crate::common::user_from(reply)
}

#[actix_web::test]
async fn with_mfa_at_the_provider_a_new_member_signs_in_and_has_no_password_here() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, org_id) = acme(&app, &provider, "idp", true).await;

    // The front-end starts SSO by email: the authorization URL is the code flow with PKCE.
    let request = start(&app, "grace@acme.com").await;
    assert_eq!(request.params["response_type"], "code");
    assert_eq!(request.params["client_id"], CLIENT_ID);
    assert_eq!(request.params["code_challenge_method"], "S256");
    assert_eq!(request.params["scope"], "openid email profile");
    assert_eq!(request.params["login_hint"], "grace@acme.com");
    assert_eq!(request.redirect_uri, MOBILE_APP);
    let claims = provider.claims(&request, "grace-at-idp", "grace@acme.com", app.now_unix());
    let code = provider.issue_code(&request, &claims);
    let reply = callback(&app, &request, &code).await;
    let grace = signed_in(&reply);
    let session = &reply.body["session"];
    assert_eq!(session["methods"], json!(["sso"]));
    assert_eq!(session["idp_amr"], json!(["pwd", "mfa"]));
    assert_eq!(
        session["aal"], "aal2",
        "the provider proved a second factor"
    );
    assert_eq!(reply.body["account"]["email"], "grace@acme.com");
    assert_eq!(app.session_check(&grace.token).await, 200);

    // The state and the code were for one sign-in.
    callback(&app, &request, &code)
        .await
        .assert_problem(400, "sso_state_invalid");

    // Grace is a member of Acme, and her next sign-in finds the same account.
    let members = app
        .get(&format!("/v1/orgs/{org_id}/members"), &ada.token)
        .await;
    assert!(
        members.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["email"] == "grace@acme.com")
    );
    let again = signed_in(&sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);
    assert_eq!(again.account_id, grace.account_id);

    // Her password lives at the provider: login says where to go, and it cannot be set here.
    let login = app.login("grace@acme.com", "anything at all").await;
    assert_eq!(login.status, 200);
    assert_eq!(
        login.body,
        json!({"status": "sso_required", "org_id": org_id})
    );
    let change = app
        .send(app.authed(Method::POST, "/v1/me/password", &grace.token).json(&json!({
            "current_password": "anything at all", "new_password": "a brand new passphrase 42",
        })))
        .await;
    change.assert_problem(409, "password_managed_by_idp");

    // History and audit say SSO.
    let history = app.get("/v1/me/login-history", &grace.token).await;
    let entries = history.body["items"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert!(
        entries
            .iter()
            .all(|e| e["method"] == "sso" && e["outcome"] == "succeeded"),
        "{history:?}"
    );
    let audit = app.get("/v1/me/audit-log", &grace.token).await;
    let created = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "account.created")
        .cloned()
        .unwrap();
    assert_eq!(created["details"]["method"], "sso");
    let org_audit = app
        .get(&format!("/v1/orgs/{org_id}/audit-log"), &ada.token)
        .await;
    assert!(
        org_audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "sso.configured")
    );

    // The settings never show the secret, and the database keeps it sealed.
    let settings = app.get(&format!("/v1/orgs/{org_id}/sso"), &ada.token).await;
    assert_eq!(settings.status, 200);
    assert_eq!(settings.body["email_domains"], json!(["acme.com"]));
    assert!(!settings.body.to_string().contains(CLIENT_SECRET));
    assert!(!app.database_dump().contains(CLIENT_SECRET));
}

#[actix_web::test]
async fn in_the_browser_the_callback_hands_a_one_time_login_code_to_the_front_end() {
    let app = app().await;
    let provider = TestProvider::start().await;
    acme(&app, &provider, "idp", true).await;
    let request = start_in_browser(&app, json!({})).await;
    assert!(request.redirect_uri.ends_with("/v1/auth/sso/callback"));
    let claims = provider.claims(&request, "grace-at-idp", "grace@acme.com", app.now_unix());
    let code = provider.issue_code(&request, &claims);

    // The provider sends the browser back here; it goes on to the front-end.
    let back = back_from_provider(
        &app,
        &[
            ("code", code.as_str()),
            ("state", request.state.as_str()),
            ("session_state", "x"),
        ],
    )
    .await;
    assert_eq!(back.status(), 303);
    let (location, login_code) = login_code_in(&back);
    assert!(location.as_str().starts_with(FRONT_END));
    assert!(
        !location.as_str().contains("tss_"),
        "never a session in a URL"
    );

    let exchange = |login_code: &str| {
        app.post_json(
            "/v1/auth/sso/exchange",
            json!({"login_code": login_code, "exchange_verifier": FRONT_END_VERIFIER}),
        )
    };
    let exchanged = exchange(&login_code).await;
    let grace = signed_in(&exchanged);
    assert_eq!(app.session_check(&grace.token).await, 200);
    exchange(&login_code)
        .await
        .assert_problem(400, "sso_login_code_invalid");

    // A refusal at the provider goes to the front-end as an error, and the flow is spent.
    let request = start_in_browser(&app, json!({})).await;
    let denied = back_from_provider(
        &app,
        &[
            ("error", "access_denied"),
            ("state", request.state.as_str()),
        ],
    )
    .await;
    assert_eq!(denied.status(), 303);
    let location = denied.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("error=sso_denied"), "{location}");
    let replay = back_from_provider(
        &app,
        &[("code", "whatever"), ("state", request.state.as_str())],
    )
    .await;
    Reply::from(replay)
        .await
        .assert_problem(400, "sso_state_invalid");

    // A login code lives two minutes.
    let login_code = browser_login_code(&app, &provider, &s256(FRONT_END_VERIFIER)).await;
    app.advance(Duration::minutes(2));
    exchange(&login_code)
        .await
        .assert_problem(400, "sso_login_code_invalid");
}

#[actix_web::test]
async fn with_mfa_in_both_places_the_provider_sign_in_is_followed_by_tesseras_factor() {
    let app = app().await;
    let provider = TestProvider::start().await;
    acme(&app, &provider, "both", true).await;

    // First sign-in: no factor yet, so enrolment is forced (the provider's sign-in stands
    // in for the password).
    let first = sso(&app, &provider, "grace-at-idp", "grace@acme.com").await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        first.body["status"], "mfa_enrollment_required",
        "{}",
        first.body
    );
    assert!(first.body.get("session_token").is_none());
    let ticket = first.body["enrollment"]["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    let enrolment = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", &ticket)
                .json(&json!({})),
        )
        .await;
    assert_eq!(enrolment.status, 201, "{}", enrolment.body);
    let secret = enrolment.body["secret"].as_str().unwrap().to_string();
    let factor_id = enrolment.body["factor_id"].as_str().unwrap().to_string();
    let activated = app
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/me/mfa/factors/{factor_id}/activate"),
                &ticket,
            )
            .json(&json!({"code": app.current_code(&secret)})),
        )
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    assert_eq!(activated.body["session"]["methods"], json!(["sso", "totp"]));
    app.advance(Duration::seconds(30));

    // From then on: provider, then the usual challenge, then the session.
    let next = sso(&app, &provider, "grace-at-idp", "grace@acme.com").await;
    assert_eq!(next.body["status"], "mfa_required", "{}", next.body);
    let challenge = next.body["challenge"]["id"].as_str().unwrap();
    let verified = app
        .verify(challenge, "totp", &app.current_code(&secret))
        .await;
    let grace = signed_in(&verified);
    assert_eq!(verified.body["session"]["methods"], json!(["sso", "totp"]));
    assert_eq!(verified.body["session"]["aal"], "aal2");
    let history = app.get("/v1/me/login-history", &grace.token).await;
    let latest = &history.body["items"][0];
    assert_eq!(latest["method"], "sso");
    assert_eq!(latest["mfa_method"], "totp");
}

#[actix_web::test]
async fn an_answer_that_does_not_fit_the_sign_in_is_refused_and_creates_nothing() {
    let app = app().await;
    let provider = TestProvider::start().await;
    acme(&app, &provider, "idp", true).await;
    let now = app.now_unix();

    type Tamper = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Tamper)> = vec![
        (
            "nonce mismatch",
            Box::new(|c| c["nonce"] = json!("another sign-in")),
        ),
        (
            "expired ID token",
            Box::new(move |c| {
                c["iat"] = json!(now - 600);
                c["exp"] = json!(now - 120);
            }),
        ),
        (
            "wrong audience",
            Box::new(|c| c["aud"] = json!("someone-else")),
        ),
        (
            "another issuer",
            Box::new(|c| c["iss"] = json!("https://evil.example.com")),
        ),
    ];
    for (case, tamper) in cases {
        let request = start(&app, "grace@acme.com").await;
        let mut claims = provider.claims(&request, "grace-at-idp", "grace@acme.com", now);
        tamper(&mut claims);
        let code = provider.issue_code(&request, &claims);
        let reply = callback(&app, &request, &code).await;
        assert_eq!(
            reply.body["code"], "sso_id_token_invalid",
            "{case}: {}",
            reply.body
        );
        reply.assert_problem(401, "sso_id_token_invalid");
    }

    // Signed with a key the provider does not publish.
    let request = start(&app, "grace@acme.com").await;
    let claims = provider.claims(&request, "grace-at-idp", "grace@acme.com", now);
    let stranger = tessera::crypto::signing::KeyPair::generate().unwrap();
    let code = provider.issue_code_signed_by(&request, &claims, &stranger);
    callback(&app, &request, &code)
        .await
        .assert_problem(401, "sso_id_token_invalid");

    // A state this server never made.
    let forged = AuthorizationRequest {
        state: "tsf_forged".into(),
        ..start(&app, "grace@acme.com").await
    };
    callback(&app, &forged, "any-code")
        .await
        .assert_problem(400, "sso_state_invalid");

    // A code the provider did not issue (or already redeemed).
    let request = start(&app, "grace@acme.com").await;
    callback(&app, &request, "a-replayed-code")
        .await
        .assert_problem(401, "sso_code_refused");

    // The person said no at the provider.
    let request = start(&app, "grace@acme.com").await;
    app.post_json(
        "/v1/auth/sso/callback",
        json!({"state": request.state, "error": "access_denied", "error_description": "The user declined"}),
    )
    .await
    .assert_problem(401, "sso_denied");

    // Ten minutes is all a sign-in may take.
    let request = start(&app, "grace@acme.com").await;
    app.advance(Duration::minutes(10));
    let claims = provider.claims(&request, "grace-at-idp", "grace@acme.com", app.now_unix());
    let code = provider.issue_code(&request, &claims);
    callback(&app, &request, &code)
        .await
        .assert_problem(410, "sso_flow_expired");

    assert!(
        !app.database_dump().contains("grace@acme.com"),
        "no account was made"
    );
}

#[actix_web::test]
async fn accounts_are_provisioned_only_when_the_organisation_allows_it_for_its_domains() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, org_id) = acme(&app, &provider, "idp", false).await;

    sso(&app, &provider, "grace-at-idp", "grace@acme.com")
        .await
        .assert_problem(403, "sso_account_not_provisioned");

    let on = configure(&app, &ada, &org_id, &provider, "idp", true).await;
    assert_eq!(on.status, 200, "{}", on.body);
    // The provider vouches for an email outside the organisation's domains.
    let request = AuthorizationRequest::parse(
        app.post_json(
            "/v1/auth/sso/start",
            json!({
                "org_id": org_id, "redirect_uri": MOBILE_APP, "callback": "client",
                "code_challenge": s256(APP_VERIFIER),
            }),
        )
        .await
        .body["authorization_url"]
            .as_str()
            .unwrap(),
    );
    let claims = provider.claims(
        &request,
        "mallory-at-idp",
        "mallory@elsewhere.org",
        app.now_unix(),
    );
    let code = provider.issue_code(&request, &claims);
    callback(&app, &request, &code)
        .await
        .assert_problem(403, "sso_account_not_provisioned");
    assert!(!app.database_dump().contains("mallory@elsewhere.org"));

    signed_in(&sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);

    // An email no organisation signs in; a redirect URI the server does not allow.
    let challenge = s256(FRONT_END_VERIFIER);
    app.post_json(
        "/v1/auth/sso/start",
        json!({"email": "linus@example.com", "redirect_uri": FRONT_END, "exchange_challenge": challenge}),
    )
    .await
    .assert_problem(404, "sso_not_configured");
    let refused = app
        .post_json(
            "/v1/auth/sso/start",
            json!({"email": "grace@acme.com", "redirect_uri": "https://evil.example.com/", "exchange_challenge": challenge}),
        )
        .await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.body["errors"][0]["field"], "redirect_uri");
}

#[actix_web::test]
async fn an_existing_account_is_never_taken_over_by_email_but_links_itself() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, org_id) = acme(&app, &provider, "idp", true).await;
    let linus = app.sign_up("linus@acme.com").await;

    // The provider says "linus@acme.com": not enough to sign in an account whose address
    // nobody proved (it may not be Linus's).
    sso(&app, &provider, "linus-at-idp", "linus@acme.com")
        .await
        .assert_problem(409, "sso_link_required");
    // Unlinked, his password still works.
    assert_eq!(
        app.login("linus@acme.com", PASSWORD).await.body["status"],
        "authenticated"
    );

    // A member of Acme, signed in, he links his identity himself (with his password).
    app.join(&ada, &org_id, &linus, "member").await;
    let wrong = app
        .send(app.authed(Method::POST, "/v1/me/sso/link", &linus.token).json(&json!({
            "org_id": org_id, "redirect_uri": MOBILE_APP, "callback": "client", "password": "wrong",
            "code_challenge": s256(APP_VERIFIER),
        })))
        .await;
    wrong.assert_problem(403, "reauthentication_failed");
    let link = app
        .send(app.authed(Method::POST, "/v1/me/sso/link", &linus.token).json(&json!({
            "org_id": org_id, "redirect_uri": MOBILE_APP, "callback": "client", "password": PASSWORD,
            "code_challenge": s256(APP_VERIFIER),
        })))
        .await;
    assert_eq!(link.status, 200, "{}", link.body);
    let request = AuthorizationRequest::parse(link.body["authorization_url"].as_str().unwrap());
    let claims = provider.claims(&request, "linus-at-idp", "linus@acme.com", app.now_unix());
    let code = provider.issue_code(&request, &claims);
    let linked = signed_in(&callback(&app, &request, &code).await);
    assert_eq!(linked.account_id, linus.account_id);
    let audit = app.get("/v1/me/audit-log", &linus.token).await;
    assert!(
        audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "sso.linked")
    );

    // Linked: he signs in at the provider from now on.
    assert_eq!(
        app.login("linus@acme.com", PASSWORD).await.body["status"],
        "sso_required"
    );
    let again = signed_in(&sso(&app, &provider, "linus-at-idp", "linus@acme.com").await);
    assert_eq!(again.account_id, linus.account_id);
}

#[actix_web::test]
async fn an_sso_account_confirms_sensitive_changes_with_a_recent_sign_in_at_its_provider() {
    let app = app().await;
    let provider = TestProvider::start().await;
    acme(&app, &provider, "idp", true).await;
    let grace = signed_in(&sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);

    // Within ten minutes of the sign-in, no password is asked for.
    let enrolment = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", &grace.token)
                .json(&json!({})),
        )
        .await;
    assert_eq!(enrolment.status, 201, "{}", enrolment.body);

    // Later, the front-end must send the person through SSO again.
    app.advance(Duration::minutes(11));
    let late = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", &grace.token)
                .json(&json!({})),
        )
        .await;
    late.assert_problem(403, "reauthentication_required");
    let fresh = signed_in(&sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);
    let enrolment = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", &fresh.token)
                .json(&json!({})),
        )
        .await;
    assert_eq!(enrolment.status, 201, "{}", enrolment.body);
    let secret = enrolment.body["secret"].as_str().unwrap().to_string();
    let factor_id = enrolment.body["factor_id"].as_str().unwrap();
    let activated = app
        .activate(&fresh, factor_id, &app.current_code(&secret))
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);

    // Changes that ask for the password and a code take the code alone, within the window.
    app.advance(Duration::seconds(30));
    let code_only = |token: &str, path: &str| {
        app.send(
            app.authed(Method::POST, path, token)
                .json(&json!({"code": app.current_code(&secret)})),
        )
    };
    let regenerated = code_only(&fresh.token, "/v1/me/mfa/recovery-codes").await;
    assert_eq!(regenerated.status, 201, "{}", regenerated.body);
    app.advance(Duration::minutes(11));
    code_only(&fresh.token, "/v1/me/mfa/disable")
        .await
        .assert_problem(403, "reauthentication_required");
    let again = signed_in(&sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);
    let disabled = code_only(&again.token, "/v1/me/mfa/disable").await;
    assert_eq!(disabled.status, 204, "{}", disabled.body);
    assert_eq!(
        app.get("/v1/me/mfa", &again.token).await.body["enabled"],
        false
    );

    // No password reset either: the provider keeps it.
    app.deliver_outbox().await;
    let forgot = app
        .post_json(
            "/v1/auth/password/forgot",
            json!({"email": "grace@acme.com"}),
        )
        .await;
    assert!(forgot.status.is_success(), "{}", forgot.body);
    assert_eq!(app.deliver_outbox().await, 0, "no reset email is sent");
}

#[actix_web::test]
async fn only_owners_and_admins_manage_sso_and_a_domain_belongs_to_one_organisation() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, org_id) = acme(&app, &provider, "idp", true).await;
    // Naming the provider members sign in at is a way into their accounts: Ada's session
    // alone (a stolen one) cannot point Acme at another provider.
    let stolen = app
        .send(
            app.authed(Method::PUT, &format!("/v1/orgs/{org_id}/sso"), &ada.token)
                .json(&json!({
                    "issuer": provider.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                    "email_domains": ["acme.com"], "mfa": "idp",
                })),
        )
        .await;
    stolen.assert_problem(403, "reauthentication_failed");
    assert_eq!(stolen.body["errors"][0]["field"], "password");
    let linus = app.sign_up("linus@example.com").await;
    let other = app
        .send(
            app.authed(Method::POST, "/v1/orgs", &linus.token)
                .json(&json!({"name": "Other"})),
        )
        .await;
    let other_id = other.body["id"].as_str().unwrap();

    // Linus is no member of Acme: it does not exist for him.
    app.get(&format!("/v1/orgs/{org_id}/sso"), &linus.token)
        .await
        .assert_problem(404, "not_found");
    // acme.com is Acme's: Other has not verified it (and cannot).
    let refused = configure(&app, &linus, other_id, &provider, "idp", true).await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.body["errors"][0]["field"], "email_domains[0]");
    assert_eq!(refused.body["errors"][0]["code"], "domain_not_verified");
    // A provider whose discovery does not answer is refused.
    let bad = app
        .send(
            app.authed(
                Method::PUT,
                &format!("/v1/orgs/{other_id}/sso"),
                &linus.token,
            )
            .json(&json!({
                "issuer": "http://127.0.0.1:9/nothing-here", "client_id": "x", "client_secret": "y", "password": crate::common::PASSWORD,
                "email_domains": ["other.org"], "mfa": "idp",
            })),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    assert_eq!(bad.body["errors"][0]["field"], "issuer");

    let removed = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org_id}/sso"),
            &ada.token,
        ))
        .await;
    assert_eq!(removed.status, 204);
    app.get(&format!("/v1/orgs/{org_id}/sso"), &ada.token)
        .await
        .assert_problem(404, "not_found");
    let audit = app
        .get(&format!("/v1/orgs/{org_id}/audit-log"), &ada.token)
        .await;
    assert!(
        audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "sso.removed")
    );
}

#[actix_web::test]
async fn a_person_signing_in_twice_at_once_for_the_first_time_gets_one_account() {
    let app = app().await;
    let provider = TestProvider::start().await;
    acme(&app, &provider, "idp", true).await;
    let mut answers = Vec::new();
    for _ in 0..4 {
        let request = start(&app, "grace@acme.com").await;
        let claims = provider.claims(&request, "grace-at-idp", "grace@acme.com", app.now_unix());
        answers.push((
            request.state.clone(),
            provider.issue_code(&request, &claims),
        ));
    }
    let bases = vec![app.base.clone(), app.start_another_instance()];
    let replies = app
        .send_at_once(&bases, answers.len(), |i, base| {
            app.http
                .post(format!("{base}/v1/auth/sso/callback"))
                .json(&json!({
                    "state": answers[i].0, "code": answers[i].1, "code_verifier": APP_VERIFIER,
                }))
        })
        .await;
    let accounts: std::collections::BTreeSet<String> = replies
        .iter()
        .map(|reply| signed_in(reply).account_id)
        .collect();
    assert_eq!(accounts.len(), 1, "one person, one account: {replies:?}");
}

#[actix_web::test]
async fn with_mfa_at_the_provider_the_organisations_requirement_binds_only_its_password_users() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, org_id) = acme(&app, &provider, "idp", true).await;
    let required = app
        .send(
            app.authed(Method::PATCH, &format!("/v1/orgs/{org_id}"), &ada.token)
                .json(&json!({"require_mfa": true, "enforcement_delay_days": 0})),
        )
        .await;
    assert_eq!(required.status, 200, "{}", required.body);

    // Grace signs in at the provider, which owns her second factor: a session, no enrolment.
    let grace = sso(&app, &provider, "grace-at-idp", "grace@acme.com").await;
    let grace = signed_in(&grace);
    app.advance(Duration::days(1));
    let again = sso(&app, &provider, "grace-at-idp", "grace@acme.com").await;
    assert_eq!(signed_in(&again).account_id, grace.account_id);
    assert!(
        again.body["session"]
            .get("mfa_enrollment_deadline")
            .is_none()
    );

    // Ada, a password user of the same organisation, must enrol.
    let login = app.login("ada@example.com", PASSWORD).await;
    assert_eq!(
        login.body["status"], "mfa_enrollment_required",
        "{}",
        login.body
    );
}

/// A whole browser flow for Grace, started with `exchange_challenge`; returns the login code
/// the front-end receives.
async fn browser_login_code(app: &TestApp, provider: &TestProvider, challenge: &str) -> String {
    let request = start_in_browser(app, json!({"exchange_challenge": challenge})).await;
    let claims = provider.claims(&request, "grace-at-idp", "grace@acme.com", app.now_unix());
    let code = provider.issue_code(&request, &claims);
    let back = back_from_provider(
        app,
        &[("code", code.as_str()), ("state", request.state.as_str())],
    )
    .await;
    login_code_in(&back).1
}

#[actix_web::test]
async fn a_login_code_is_redeemed_only_by_the_browser_that_started_the_sign_in() {
    let app = app().await;
    let provider = TestProvider::start().await;
    acme(&app, &provider, "idp", true).await;
    let exchange = |code: &str, verifier: &str| {
        app.post_json(
            "/v1/auth/sso/exchange",
            json!({"login_code": code, "exchange_verifier": verifier}),
        )
    };

    // Mallory signs in at the provider from her own browser and plants her login code in
    // Grace's (a link in a mail): Grace's front-end sends its verifier, and the code is
    // refused (and spent, so Mallory cannot redeem it either).
    let mallorys_verifier = "mallory-keeps-the-secret-of-her-own-browser";
    let planted = browser_login_code(&app, &provider, &s256(mallorys_verifier)).await;
    exchange(&planted, FRONT_END_VERIFIER)
        .await
        .assert_problem(400, "sso_login_code_invalid");
    exchange(&planted, mallorys_verifier)
        .await
        .assert_problem(400, "sso_login_code_invalid");

    // Grace's own flow: only her verifier redeems the code, and a code comes with one.
    let challenge = s256(FRONT_END_VERIFIER);
    let own = browser_login_code(&app, &provider, &challenge).await;
    exchange(&own, "a guess")
        .await
        .assert_problem(400, "sso_login_code_invalid");
    let own = browser_login_code(&app, &provider, &challenge).await;
    app.post_json("/v1/auth/sso/exchange", json!({"login_code": own}))
        .await
        .assert_problem(422, "missing_field");
    signed_in(&exchange(&own, FRONT_END_VERIFIER).await);

    // A challenge must look like one.
    let refused = app
        .post_json(
            "/v1/auth/sso/start",
            json!({"email": "grace@acme.com", "redirect_uri": FRONT_END, "exchange_challenge": "plain"}),
        )
        .await;
    refused.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn by_default_an_issuer_must_be_another_machine_so_no_account_can_make_the_server_fetch_its_own_ports()
 {
    let app = TestApp::builder()
        .settings(|s| s.sso_redirect_uris = vec![FRONT_END.into()])
        .spawn()
        .await;
    let provider = TestProvider::start().await;
    // Anyone may create an organisation and become its owner.
    let mallory = app.sign_up("mallory@example.com").await;
    let org = app
        .send(
            app.authed(Method::POST, "/v1/orgs", &mallory.token)
                .json(&json!({"name": "Probe"})),
        )
        .await;
    let org_id = org.body["id"].as_str().unwrap();
    for issuer in [
        provider.issuer.as_str(),
        "https://127.0.0.1:6379",
        "https://localhost",
        "http://idp.example.com",
    ] {
        let reply = app
            .send(
                app.authed(
                    Method::PUT,
                    &format!("/v1/orgs/{org_id}/sso"),
                    &mallory.token,
                )
                .json(&json!({
                    "issuer": issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "password": crate::common::PASSWORD,
                    "email_domains": ["probe.example"], "mfa": "idp",
                })),
            )
            .await;
        reply.assert_problem(422, "validation_failed");
        assert_eq!(
            reply.body["errors"][0]["code"], "invalid_url",
            "{issuer}: {}",
            reply.body
        );
    }
    assert!(
        provider
            .server
            .received_requests()
            .await
            .unwrap()
            .is_empty(),
        "nothing was fetched"
    );
}

#[actix_web::test]
async fn a_rotated_server_key_keeps_the_client_secret_usable_and_reseals_it() {
    let mut app = app().await;
    let provider = TestProvider::start().await;
    acme(&app, &provider, "idp", true).await;
    app.deliver_outbox().await;
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    let old = active_key(&listing);
    assert_eq!(
        sealed_items(&listing, &old),
        1,
        "the client secret: {listing}"
    );
    // A browser sign-in under way when the old key goes (its verifier sealed under it) must
    // start again; an app's (its verifier the app's own) goes on; one started later works.
    let under_way = start_in_browser(&app, json!({})).await;
    let apps_under_way = start(&app, "grace@acme.com").await;

    app.rotate_keys().await;
    let (code, out, err) = app.run_cli(&["keys", "reseal"]);
    assert_eq!(code, 0, "{out}{err}");
    let (_, listing, _) = app.run_cli(&["keys", "list"]);
    assert_eq!(sealed_items(&listing, &old), 0, "{listing}");
    let (code, out, err) = app.run_cli(&["keys", "retire", &old]);
    assert_eq!(code, 0, "{out}{err}");
    app.restart().await;

    let claims = provider.claims(&under_way, "grace-at-idp", "grace@acme.com", app.now_unix());
    let code = provider.issue_code(&under_way, &claims);
    let back = back_from_provider(
        &app,
        &[("code", code.as_str()), ("state", under_way.state.as_str())],
    )
    .await;
    Reply::from(back)
        .await
        .assert_problem(400, "sso_state_invalid");
    let claims = provider.claims(
        &apps_under_way,
        "grace-at-idp",
        "grace@acme.com",
        app.now_unix(),
    );
    let code = provider.issue_code(&apps_under_way, &claims);
    signed_in(&callback(&app, &apps_under_way, &code).await);
    signed_in(&sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);
    assert!(
        !app.rows_dump().contains(&old),
        "a row still names the retired key"
    );
}

#[actix_web::test]
async fn settings_change_without_the_client_secret_but_a_new_provider_needs_its_own() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, org_id) = acme(&app, &provider, "idp", false).await;
    let put = |body: Value| {
        let app = &app;
        let token = ada.token.clone();
        let org_id = org_id.clone();
        async move {
            app.send(
                app.authed(Method::PUT, &format!("/v1/orgs/{org_id}/sso"), &token)
                    .json(&body),
            )
            .await
        }
    };

    // Turning provisioning on needs no secret: the stored one is kept, and works.
    let changed = put(json!({
        "issuer": provider.issuer, "client_id": CLIENT_ID, "password": crate::common::PASSWORD,
        "email_domains": ["acme.com"], "mfa": "idp", "auto_provision": true,
    }))
    .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["auto_provision"], true);
    let signed = sso(&app, &provider, "grace-at-idp", "grace@acme.com").await;
    assert_eq!(
        signed.status, 200,
        "the provider took the kept secret: {}",
        signed.body
    );

    // Another provider, or another client, never gets the stored secret.
    let elsewhere = TestProvider::start().await;
    for (issuer, client_id) in [
        (elsewhere.issuer.as_str(), CLIENT_ID),
        (provider.issuer.as_str(), "another-client"),
    ] {
        let refused = put(json!({
            "issuer": issuer, "client_id": client_id, "password": crate::common::PASSWORD,
            "email_domains": ["acme.com"], "mfa": "idp", "auto_provision": true,
        }))
        .await;
        refused.assert_problem(422, "validation_failed");
        assert_eq!(refused.body["errors"][0]["field"], "client_secret");
        assert_eq!(refused.body["errors"][0]["code"], "required");
    }
    assert_eq!(
        elsewhere.token_requests().await,
        0,
        "nothing was sent to the other provider's token endpoint"
    );
}
