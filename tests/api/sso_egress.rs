//! Egress that stays outside (issue 20, DESIGN §6). Whoever creates an organisation (any
//! account) names its identity provider, and so the URLs this server fetches. The issuer and
//! every endpoint its discovery document names are resolved and every address checked: no
//! private, link-local, shared, unique-local, IPv4-mapped or unspecified address is dialled,
//! nor loopback outside development; and a connection goes to the very address that was
//! checked, whatever the DNS answers later. A TCP listener on this machine counts what reaches
//! it. Nor does the provider's text travel on to the front-end under this server's name.

use serde_json::json;

use crate::common::oidc_provider::TestProvider;
use crate::sso::{FRONT_END, acme, app, back_from_provider, start, start_in_browser};

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
