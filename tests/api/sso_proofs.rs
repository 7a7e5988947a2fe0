//! Whoever finishes a sign-in proves they started it (issue 20). An app that takes the
//! provider's redirect itself brings its own PKCE: the provider binds the code to the app's
//! `code_challenge`, and the callback must bring the `code_verifier`, so a code read from the
//! redirect (another app registered for the same scheme, a log) is useless alone. A browser
//! flow, a link included, binds its login code to the front-end's `exchange_challenge`, so a
//! code planted from another browser's sign-in is refused.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::oidc_provider::{AuthorizationRequest, TestProvider};
use crate::common::{PASSWORD, Reply, TestApp, User};
use crate::sso::{
    FRONT_END, FRONT_END_VERIFIER, MOBILE_APP, acme, app, back_from_provider, login_code_in, s256,
    signed_in,
};

/// What the 422 says of `field`.
fn field_error(reply: &Reply, field: &str) -> Value {
    reply.assert_problem(422, "validation_failed");
    reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == field)
        .cloned()
        .unwrap_or_else(|| panic!("no error on {field}: {}", reply.body))
}

async fn start(app: &TestApp, body: Value) -> Reply {
    app.post_json("/v1/auth/sso/start", body).await
}

/// Grace's app starts a sign-in with the challenge of `verifier`.
async fn app_starts(app: &TestApp, verifier: &str) -> AuthorizationRequest {
    let started = start(
        app,
        json!({
            "email": "grace@acme.com", "redirect_uri": MOBILE_APP, "callback": "client",
            "code_challenge": s256(verifier),
        }),
    )
    .await;
    assert_eq!(started.status, 200, "{}", started.body);
    AuthorizationRequest::parse(started.body["authorization_url"].as_str().unwrap())
}

async fn app_posts(app: &TestApp, body: Value) -> Reply {
    app.post_json("/v1/auth/sso/callback", body).await
}

#[actix_web::test]
async fn an_apps_code_is_useless_without_the_verifier_the_app_keeps() {
    let app = app().await;
    let provider = TestProvider::start().await;
    acme(&app, &provider, "idp", true).await;
    let graces_verifier = "grace-s-phone-keeps-this-verifier-and-shows-it-to-no-one";

    // The app brings a challenge, S256-shaped, and not the browser flow's.
    let app_flow =
        json!({"email": "grace@acme.com", "redirect_uri": MOBILE_APP, "callback": "client"});
    let missing = start(&app, app_flow.clone()).await;
    assert_eq!(field_error(&missing, "code_challenge")["code"], "required");
    let mut plain = app_flow.clone();
    plain["code_challenge"] = json!("plain");
    assert_eq!(
        field_error(&start(&app, plain).await, "code_challenge")["code"],
        "invalid"
    );
    let mut wrong_kind = app_flow.clone();
    wrong_kind["exchange_challenge"] = json!(s256(graces_verifier));
    let wrong_kind = start(&app, wrong_kind).await;
    assert_eq!(
        field_error(&wrong_kind, "code_challenge")["code"],
        "required"
    );
    assert_eq!(
        field_error(&wrong_kind, "exchange_challenge")["code"],
        "not_allowed"
    );

    // The provider is asked with the app's challenge.
    let request = app_starts(&app, graces_verifier).await;
    assert_eq!(request.code_challenge, s256(graces_verifier));
    assert_eq!(request.params["code_challenge_method"], "S256");
    let claims = provider.claims(&request, "grace-at-idp", "grace@acme.com", app.now_unix());
    let code = provider.issue_code(&request, &claims);

    // Mallory reads the redirect: state and code, but no verifier. Without one, or with a
    // malformed one, nothing is spent; with a guess, the flow is, before the provider is asked.
    let stolen = json!({"state": request.state, "code": code});
    assert_eq!(
        field_error(&app_posts(&app, stolen.clone()).await, "code_verifier")["code"],
        "required"
    );
    let mut malformed = stolen.clone();
    malformed["code_verifier"] = json!("short+/");
    assert_eq!(
        field_error(&app_posts(&app, malformed).await, "code_verifier")["code"],
        "invalid"
    );
    let mut guessed = stolen.clone();
    guessed["code_verifier"] = json!("mallory-guesses-a-verifier-of-the-right-shape-0000");
    app_posts(&app, guessed)
        .await
        .assert_problem(401, "sso_code_refused");
    assert_eq!(
        provider.token_requests().await,
        0,
        "the provider was not asked"
    );
    let mut late = stolen.clone();
    late["code_verifier"] = json!(graces_verifier);
    app_posts(&app, late)
        .await
        .assert_problem(400, "sso_state_invalid");

    // Mallory starts a sign-in of her own and slips Grace's code into it: her verifier answers
    // her challenge here, but the provider bound the code to Grace's, and refuses it.
    let graces = app_starts(&app, graces_verifier).await;
    let claims = provider.claims(&graces, "grace-at-idp", "grace@acme.com", app.now_unix());
    let graces_code = provider.issue_code(&graces, &claims);
    let mallorys_verifier = "mallory-s-own-verifier-for-her-own-sign-in-00000";
    let mallorys = app_starts(&app, mallorys_verifier).await;
    let injected = app_posts(
        &app,
        json!({"state": mallorys.state, "code": graces_code, "code_verifier": mallorys_verifier}),
    )
    .await;
    injected.assert_problem(401, "sso_code_refused");
    assert_eq!(
        provider.token_requests().await,
        1,
        "the provider refused it"
    );
    assert!(
        !app.database_dump().contains("grace@acme.com"),
        "nobody was signed in"
    );

    // Grace's app, with its verifier, signs her in.
    let request = app_starts(&app, graces_verifier).await;
    let claims = provider.claims(&request, "grace-at-idp", "grace@acme.com", app.now_unix());
    let code = provider.issue_code(&request, &claims);
    let grace = app_posts(
        &app,
        json!({"state": request.state, "code": code, "code_verifier": graces_verifier}),
    )
    .await;
    assert_eq!(signed_in(&grace).email, "grace@acme.com");
}

async fn link(app: &TestApp, user: &User, org: &str, extra: Value) -> Reply {
    let mut body = json!({"org_id": org, "redirect_uri": FRONT_END, "password": PASSWORD});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    app.send(
        app.authed(Method::POST, "/v1/me/sso/link", &user.token)
            .json(&body),
    )
    .await
}

#[actix_web::test]
async fn a_browser_sign_in_and_a_link_in_the_browser_need_the_front_ends_challenge() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, org) = acme(&app, &provider, "idp", true).await;
    let challenge = s256(FRONT_END_VERIFIER);

    // A sign-in in the browser: without the front-end's challenge its login code could be
    // planted in anyone's browser.
    let browser_flow = json!({"email": "grace@acme.com", "redirect_uri": FRONT_END});
    let missing = start(&app, browser_flow.clone()).await;
    assert_eq!(
        field_error(&missing, "exchange_challenge")["code"],
        "required"
    );
    let mut wrong_kind = browser_flow.clone();
    wrong_kind["code_challenge"] = json!(challenge);
    let wrong_kind = start(&app, wrong_kind).await;
    assert_eq!(
        field_error(&wrong_kind, "exchange_challenge")["code"],
        "required"
    );
    assert_eq!(
        field_error(&wrong_kind, "code_challenge")["code"],
        "not_allowed"
    );

    // Linking is a sign-in too, and needs the same (in the browser, or as an app).
    let linus = app.sign_up("linus@acme.com").await;
    app.join(&ada, &org, &linus, "member").await;
    let missing = link(&app, &linus, &org, json!({})).await;
    assert_eq!(
        field_error(&missing, "exchange_challenge")["code"],
        "required"
    );
    let as_app = link(
        &app,
        &linus,
        &org,
        json!({"redirect_uri": MOBILE_APP, "callback": "client"}),
    )
    .await;
    assert_eq!(field_error(&as_app, "code_challenge")["code"], "required");

    // With it, Linus links his identity in the browser and the exchange signs him in.
    let started = link(&app, &linus, &org, json!({"exchange_challenge": challenge})).await;
    assert_eq!(started.status, 200, "{}", started.body);
    let request = AuthorizationRequest::parse(started.body["authorization_url"].as_str().unwrap());
    let claims = provider.claims(&request, "linus-at-idp", "linus@acme.com", app.now_unix());
    let code = provider.issue_code(&request, &claims);
    let back = back_from_provider(
        &app,
        &[("code", code.as_str()), ("state", request.state.as_str())],
    )
    .await;
    let (_, login_code) = login_code_in(&back);
    let signed = signed_in(
        &app.post_json(
            "/v1/auth/sso/exchange",
            json!({"login_code": login_code, "exchange_verifier": FRONT_END_VERIFIER}),
        )
        .await,
    );
    assert_eq!(signed.account_id, linus.account_id);
    let links = app.get("/v1/me/sso/identities", &linus.token).await;
    assert_eq!(
        links.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        links.body
    );
}

#[actix_web::test]
async fn a_colleague_lured_to_a_links_sign_in_page_links_nothing_to_the_one_who_started_it() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, org) = acme(&app, &provider, "idp", true).await;
    let mallory = app.sign_up("mallory@acme.com").await;
    app.join(&ada, &org, &mallory, "member").await;

    // Mallory starts a link in her browser and sends its authorization URL to Grace.
    let started = link(
        &app,
        &mallory,
        &org,
        json!({"exchange_challenge": s256(FRONT_END_VERIFIER)}),
    )
    .await;
    assert_eq!(started.status, 200, "{}", started.body);
    let request = AuthorizationRequest::parse(started.body["authorization_url"].as_str().unwrap());
    // Grace, signed in at the provider, is sent straight back to the callback.
    let claims = provider.claims(&request, "grace-at-idp", "grace@acme.com", app.now_unix());
    let code = provider.issue_code(&request, &claims);
    let back = back_from_provider(
        &app,
        &[("code", code.as_str()), ("state", request.state.as_str())],
    )
    .await;
    let (_, planted) = login_code_in(&back);

    // Nothing is linked to Mallory: the link waits for the verifier only her front-end has.
    let links = app.get("/v1/me/sso/identities", &mallory.token).await;
    assert_eq!(links.body["items"], json!([]), "{}", links.body);
    // Grace's own front-end cannot finish it either.
    app.post_json(
        "/v1/auth/sso/exchange",
        json!({"login_code": planted, "exchange_verifier": "g".repeat(43)}),
    )
    .await
    .assert_problem(400, "sso_login_code_invalid");

    // Grace's next sign-in is hers: a new account of her own, not Mallory's.
    let grace =
        signed_in(&crate::sso::sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);
    assert_ne!(grace.account_id, mallory.account_id);
    let me = app.get("/v1/me", &grace.token).await;
    assert_eq!(me.body["email"], "grace@acme.com");
}
