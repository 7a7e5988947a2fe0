//! Egress that stays outside (issue 20, DESIGN §6). Whoever creates an organisation (any
//! account) names its identity provider, and so the URLs this server fetches. The issuer and
//! every endpoint its discovery document names are resolved and every address checked: no
//! private, link-local, shared, unique-local, IPv4-mapped or unspecified address is dialled,
//! nor loopback outside development; and a connection goes to the very address that was
//! checked, whatever the DNS answers later. A TCP listener on this machine counts what reaches
//! it. Nor does the provider's text travel on to the front-end under this server's name.

use std::net::IpAddr;

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::common::dns::TestDns;
use crate::common::oidc_provider::{CLIENT_ID, CLIENT_SECRET, TestProvider};
use crate::common::tcp::CountingListener;
use crate::common::{PASSWORD, Reply, TestApp, User};
use crate::sso::{
    FRONT_END, MOBILE_APP, acme, app, back_from_provider, configure, sso, start, start_in_browser,
};

/// Tessera asking `dns` for names, with loopback providers allowed (development and these
/// tests, whose provider listens on 127.0.0.1) or not (production).
async fn app_with(dns: &TestDns, allow_loopback: bool) -> TestApp {
    let resolver = dns.addr.to_string();
    TestApp::builder()
        .settings(move |s| {
            s.sso_redirect_uris = vec![FRONT_END.into(), MOBILE_APP.into()];
            s.sso_allow_loopback_issuers = allow_loopback;
            s.dns_resolver = Some(resolver);
        })
        .spawn()
        .await
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// Mallory's own organisation: anyone may create one and name its provider.
async fn mallorys_org(app: &TestApp) -> (User, String) {
    let mallory = app.sign_up("mallory@example.com").await;
    let org = app.create_org(&mallory, "Probe").await;
    (mallory, org)
}

async fn name_issuer(app: &TestApp, owner: &User, org: &str, issuer: &str) -> Reply {
    app.send(
        app.authed(Method::PUT, &format!("/v1/orgs/{org}/sso"), &owner.token)
            .json(&json!({
                "issuer": issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "password": PASSWORD, "email_domains": [], "mfa": "idp",
            })),
    )
    .await
}

fn assert_invalid_url(reply: &Reply, case: &str) {
    reply.assert_problem(422, "validation_failed");
    assert_eq!(
        reply.body["errors"][0]["field"], "issuer",
        "{case}: {}",
        reply.body
    );
    assert_eq!(
        reply.body["errors"][0]["code"], "invalid_url",
        "{case}: {}",
        reply.body
    );
}

#[actix_web::test]
async fn an_issuer_at_an_inside_address_is_refused_however_it_is_spelled_and_never_dialled() {
    let dns = TestDns::start().await;
    for allow_loopback in [false, true] {
        let app = app_with(&dns, allow_loopback).await;
        let listener = CountingListener::start().await;
        let port = listener.port;
        let (mallory, org) = mallorys_org(&app).await;
        let mut inside = vec![
            // IPv4-mapped: refused as it is, not unwrapped, even where loopback is allowed.
            format!("https://[::ffff:127.0.0.1]:{port}"),
            format!("https://[::ffff:7f00:1]:{port}"),
            // Unspecified: dialled, it reaches this machine.
            format!("https://0.0.0.0:{port}"),
            format!("https://[::]:{port}"),
            "https://10.0.0.5".to_string(),
            // The cloud's metadata service, with its credentials.
            "https://169.254.169.254".to_string(),
            "https://[fd00::1]".to_string(),
            "https://[fe80::1]".to_string(),
            "https://100.64.0.1".to_string(),
            "https://192.168.1.1".to_string(),
        ];
        if !allow_loopback {
            inside.extend([
                format!("https://127.0.0.1:{port}"),
                format!("https://0x7f.0.0.1:{port}"),
                format!("https://[::1]:{port}"),
            ]);
        }
        for issuer in &inside {
            let reply = name_issuer(&app, &mallory, &org, issuer).await;
            assert_invalid_url(
                &reply,
                &format!("{issuer} (loopback allowed: {allow_loopback})"),
            );
        }
        assert_eq!(listener.accepted(), 0, "nothing was dialled");
    }
    assert!(dns.asked().is_empty(), "addresses need no DNS");
}

#[actix_web::test]
async fn an_issuers_name_is_resolved_and_refused_when_any_of_its_addresses_is_inside() {
    let dns = TestDns::start().await;
    let listener = CountingListener::start().await;
    let port = listener.port;
    dns.point("idp.probe.test", &[ip("127.0.0.1")]);
    dns.point("mapped.probe.test", &[ip("::ffff:127.0.0.1")]);
    dns.point("mixed.probe.test", &[ip("93.184.215.14"), ip("10.0.0.5")]);

    // In production a name of this machine is as inside as its address.
    let app = app_with(&dns, false).await;
    let (mallory, org) = mallorys_org(&app).await;
    for name in ["idp.probe.test", "mapped.probe.test", "mixed.probe.test"] {
        let reply = name_issuer(&app, &mallory, &org, &format!("https://{name}:{port}")).await;
        assert_invalid_url(&reply, name);
        assert!(
            dns.asked().iter().any(|asked| asked == name),
            "{name} was resolved"
        );
    }
    assert_eq!(listener.accepted(), 0, "nothing was dialled");

    // Development allows loopback, and loopback only: the name of this machine is dialled
    // (the listener speaks no TLS, so the discovery fails there), the others are not.
    let development = app_with(&dns, true).await;
    let (mallory, org) = mallorys_org(&development).await;
    let reply = name_issuer(
        &development,
        &mallory,
        &org,
        &format!("https://idp.probe.test:{port}"),
    )
    .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(
        reply.body["errors"][0]["code"], "discovery_failed",
        "{}",
        reply.body
    );
    assert_eq!(listener.accepted(), 1);
    for name in ["mapped.probe.test", "mixed.probe.test"] {
        let issuer = format!("https://{name}:{port}");
        assert_invalid_url(
            &name_issuer(&development, &mallory, &org, &issuer).await,
            name,
        );
    }
    assert_eq!(listener.accepted(), 1, "nothing more was dialled");
}

#[actix_web::test]
async fn a_discovery_document_naming_an_endpoint_inside_is_refused_and_the_endpoint_never_dialled()
{
    let dns = TestDns::start().await;
    let app = app_with(&dns, true).await;
    let listener = CountingListener::start().await;
    let port = listener.port;
    dns.point("internal.acme.test", &[ip("10.0.0.5")]);
    dns.point("mapped.acme.test", &[ip("::ffff:127.0.0.1")]);
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    app.verify_domain(&org, "acme.com").await;

    // The provider (any server that answers discovery) points this server elsewhere.
    let cases = [
        (
            "token_endpoint",
            format!("https://[::ffff:127.0.0.1]:{port}/token"),
        ),
        ("jwks_uri", format!("https://0.0.0.0:{port}/jwks")),
        ("jwks_uri", format!("https://mapped.acme.test:{port}/jwks")),
        ("token_endpoint", "https://10.0.0.5/token".to_string()),
        (
            "jwks_uri",
            "https://169.254.169.254/latest/meta-data/".to_string(),
        ),
        (
            "userinfo_endpoint",
            "https://[fd00::1]/userinfo".to_string(),
        ),
        (
            "token_endpoint",
            "http://login.example.com/token".to_string(),
        ),
        // Never dialled by this server, but where it sends people: checked all the same.
        (
            "authorization_endpoint",
            "https://internal.acme.test/authorize".to_string(),
        ),
    ];
    for (endpoint, url) in cases {
        let provider = TestProvider::start_with_discovery(|discovery| {
            discovery[endpoint] = json!(url);
        })
        .await;
        let reply = configure(&app, &ada, &org, &provider, "idp", true).await;
        assert_invalid_url(&reply, &url);
        let message = reply.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(endpoint), "{url}: {message}");
    }
    assert_eq!(listener.accepted(), 0, "no endpoint was dialled");
    app.get(&format!("/v1/orgs/{org}/sso"), &ada.token)
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_name_that_turns_inside_after_it_was_saved_is_refused_at_sign_in_and_never_dialled() {
    let dns = TestDns::start().await;
    let app = app_with(&dns, true).await;
    let listener = CountingListener::start().await;
    // The tests' provider speaks plain HTTP at an address, so the name is its token
    // endpoint's: at first it is this machine's (development allows it).
    dns.point("idp.acme.test", &[ip("127.0.0.1")]);
    let token_endpoint = format!("https://idp.acme.test:{}/token", listener.port);
    let provider = TestProvider::start_with_discovery(|discovery| {
        discovery["token_endpoint"] = json!(token_endpoint);
    })
    .await;
    acme(&app, &provider, "idp", true).await;

    // A sign-in dials the name's address: the listener sees it (it speaks no TLS, so the
    // sign-in fails there, which is not the point).
    sso(&app, &provider, "grace-at-idp", "grace@acme.com")
        .await
        .assert_problem(502, "sso_provider_unavailable");
    assert_eq!(listener.accepted(), 1);

    // Then the DNS answers addresses inside, two of which would reach this machine too.
    for inside in ["0.0.0.0", "::ffff:127.0.0.1", "10.0.0.5", "169.254.169.254"] {
        dns.point("idp.acme.test", &[ip(inside)]);
        let reply = sso(&app, &provider, "grace-at-idp", "grace@acme.com").await;
        reply.assert_problem(502, "sso_provider_unavailable");
        let detail = reply.body["detail"].as_str().unwrap();
        assert!(
            detail.contains("token_endpoint is not at a public address"),
            "{inside}: {detail}"
        );
        assert_eq!(listener.accepted(), 1, "{inside} was not dialled");
    }

    // An hour on, the discovery document is fetched again and its endpoints checked again:
    // the sign-in does not even start.
    app.advance(Duration::minutes(61));
    let refused = app
        .post_json(
            "/v1/auth/sso/start",
            json!({
                "email": "grace@acme.com", "redirect_uri": MOBILE_APP, "callback": "client",
                "code_challenge": crate::sso::s256(crate::sso::APP_VERIFIER),
            }),
        )
        .await;
    refused.assert_problem(502, "sso_provider_unavailable");
    assert_eq!(listener.accepted(), 1);
    assert_eq!(provider.token_requests().await, 0);
    assert!(
        !app.database_dump().contains("grace@acme.com"),
        "no account was made"
    );
}

#[actix_web::test]
async fn the_providers_words_never_reach_the_front_end() {
    let app = app().await;
    let provider = TestProvider::start().await;
    acme(&app, &provider, "idp", true).await;
    // Whoever sends the browser back to the callback writes what they like in the redirect.
    let phishing = "Your account is locked. Call +1 555 0100 to unlock it.";

    for (error, ours) in [
        (
            "access_denied",
            "The sign-in was declined at the identity provider.",
        ),
        (
            "Call +1 555 0100",
            "The identity provider did not complete the sign-in; try again.",
        ),
    ] {
        let request = start_in_browser(&app, json!({})).await;
        let back = back_from_provider(
            &app,
            &[
                ("error", error),
                ("error_description", phishing),
                ("state", request.state.as_str()),
            ],
        )
        .await;
        assert_eq!(back.status(), 303);
        let location = reqwest::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap();
        assert!(location.as_str().starts_with(FRONT_END), "{location}");
        let params: std::collections::HashMap<String, String> =
            location.query_pairs().into_owned().collect();
        assert_eq!(params["error"], "sso_denied", "{location}");
        assert_eq!(params["error_description"], ours, "{location}");
        assert!(!location.as_str().contains("555"), "{location}");
    }

    // The app's callback answers in this server's words too.
    let request = start(&app, "grace@acme.com").await;
    let denied = app
        .post_json(
            "/v1/auth/sso/callback",
            json!({"state": request.state, "error": "access_denied", "error_description": phishing}),
        )
        .await;
    denied.assert_problem(401, "sso_denied");
    assert!(!denied.body.to_string().contains("555"), "{}", denied.body);

    // And so does a refusal at the token endpoint.
    let request = start(&app, "grace@acme.com").await;
    let refused = crate::sso::callback(&app, &request, "a-code-the-provider-never-issued").await;
    refused.assert_problem(401, "sso_code_refused");
    assert!(
        !refused.body.to_string().contains("invalid_grant"),
        "{}",
        refused.body
    );
}
