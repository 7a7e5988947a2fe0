//! Verified domains: an organisation claims a domain and proves it with a DNS TXT record
//! (served here by a DNS server each test starts, see `common::dns`), or an operator vouches
//! for it from the command line. A claim alone routes nothing; one organisation at most has a
//! domain verified.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::dns::TestDns;
use crate::common::oidc_provider::{CLIENT_ID, CLIENT_SECRET, TestProvider};
use crate::common::{Reply, TestApp, User};

async fn app_with_dns(dns: &TestDns) -> TestApp {
    let resolver = dns.addr.to_string();
    TestApp::builder()
        .settings(move |s| {
            s.dns_resolver = Some(resolver);
            s.sso_allow_loopback_issuers = true;
            s.sso_redirect_uris = vec![crate::sso::MOBILE_APP.into()];
        })
        .spawn()
        .await
}

async fn claim(app: &TestApp, user: &User, org: &str, domain: &str) -> Reply {
    app.send(
        app.authed(
            Method::POST,
            &format!("/v1/orgs/{org}/domains"),
            &user.token,
        )
        .json(&json!({"domain": domain})),
    )
    .await
}

async fn check(app: &TestApp, user: &User, org: &str, domain: &str) -> Reply {
    app.send(app.authed(
        Method::POST,
        &format!("/v1/orgs/{org}/domains/{domain}/verify"),
        &user.token,
    ))
    .await
}

async fn sso_settings(
    app: &TestApp,
    user: &User,
    org: &str,
    provider: &TestProvider,
    domains: Value,
) -> Reply {
    app.send(
        app.authed(Method::PUT, &format!("/v1/orgs/{org}/sso"), &user.token)
            .json(&json!({
                "issuer": provider.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "password": crate::common::PASSWORD,
                "email_domains": domains, "mfa": "idp", "auto_provision": true,
            })),
    )
    .await
}

fn events(reply: &Reply) -> Vec<String> {
    reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_string())
        .collect()
}

#[actix_web::test]
async fn a_domain_is_verified_by_the_txt_record_its_claim_names_and_routes_nothing_before() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns).await;
    let provider = TestProvider::start().await;
    let ada = app.sign_up("ada@example.com").await;
    let acme = app.create_org(&ada, "Acme").await;

    // Ada claims acme.com (as she typed it): the record to publish comes back.
    let claimed = claim(&app, &ada, &acme, " Acme.COM. ").await;
    assert_eq!(claimed.status, 201, "{}", claimed.body);
    assert_eq!(claimed.body["domain"], "acme.com");
    assert_eq!(claimed.body["verified"], false);
    assert_eq!(
        claimed.body["txt_record"]["name"],
        "_tessera-challenge.acme.com"
    );
    let value = claimed.body["txt_record"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(value.starts_with("tessera-domain-verification="), "{value}");
    // Claiming it again answers the same claim.
    let again = claim(&app, &ada, &acme, "acme.com").await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["txt_record"]["value"], value.as_str());

    // Claimed, not verified: it cannot be signed in through SSO, and logins are not routed.
    let refused = sso_settings(&app, &ada, &acme, &provider, json!(["acme.com"])).await;
    refused.assert_problem(422, "validation_failed");
    assert_eq!(refused.body["errors"][0]["code"], "domain_not_verified");
    app.login("grace@acme.com", "whatever")
        .await
        .assert_problem(401, "invalid_credentials");

    // No record yet, then a wrong one: each refusal says what was found.
    let nothing = check(&app, &ada, &acme, "acme.com").await;
    nothing.assert_problem(409, "domain_not_verified");
    assert!(
        nothing.body["detail"]
            .as_str()
            .unwrap()
            .contains("no TXT record"),
        "{}",
        nothing.body
    );
    dns.publish_txt(
        "_tessera-challenge.acme.com",
        "tessera-domain-verification=someone-elses",
    );
    let wrong = check(&app, &ada, &acme, "acme.com").await;
    wrong.assert_problem(409, "domain_not_verified");
    let detail = wrong.body["detail"].as_str().unwrap();
    assert!(detail.contains("someone-elses"), "{detail}");
    assert!(
        detail.contains(&value),
        "the expected value is named: {detail}"
    );

    // The right record, next to the wrong one: verified.
    dns.publish_txt("_tessera-challenge.acme.com", &value);
    let verified = check(&app, &ada, &acme, "acme.com").await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(verified.body["verified"], true);
    assert_eq!(verified.body["verified_by"], "dns");
    assert!(
        dns.asked()
            .contains(&"_tessera-challenge.acme.com".to_string())
    );
    let listed = app
        .get(&format!("/v1/orgs/{acme}/domains"), &ada.token)
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body["items"][0]["domain"], "acme.com");
    assert_eq!(listed.body["items"][0]["verified"], true);

    // Now it may route sign-ins.
    let configured = sso_settings(&app, &ada, &acme, &provider, json!(["acme.com"])).await;
    assert_eq!(configured.status, 200, "{}", configured.body);
    assert_eq!(
        app.login("grace@acme.com", "whatever").await.body["status"],
        "sso_required"
    );
    let audit = app
        .get(&format!("/v1/orgs/{acme}/audit-log"), &ada.token)
        .await;
    let seen = events(&audit);
    assert!(seen.contains(&"domain.added".to_string()), "{seen:?}");
    assert!(seen.contains(&"domain.verified".to_string()), "{seen:?}");

    // Removed, it routes nothing any more.
    let removed = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{acme}/domains/acme.com"),
            &ada.token,
        ))
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    app.login("grace@acme.com", "whatever")
        .await
        .assert_problem(401, "invalid_credentials");
    let settings = app.get(&format!("/v1/orgs/{acme}/sso"), &ada.token).await;
    assert_eq!(settings.body["email_domains"], json!([]));
    let audit = app
        .get(&format!("/v1/orgs/{acme}/audit-log"), &ada.token)
        .await;
    assert!(events(&audit).contains(&"domain.removed".to_string()));
}

#[actix_web::test]
async fn several_organisations_may_claim_a_domain_and_the_first_to_verify_it_has_it() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns).await;
    let ada = app.sign_up("ada@example.com").await;
    let mallory = app.sign_up("mallory@example.com").await;
    let acme = app.create_org(&ada, "Acme").await;
    let evil = app.create_org(&mallory, "Evil").await;

    // Both claim acme.com; each gets its own record to publish.
    let ours = claim(&app, &ada, &acme, "acme.com").await;
    let theirs = claim(&app, &mallory, &evil, "acme.com").await;
    assert_eq!((ours.status.as_u16(), theirs.status.as_u16()), (201, 201));
    assert_ne!(
        ours.body["txt_record"]["value"],
        theirs.body["txt_record"]["value"]
    );

    // Acme holds the DNS zone and publishes its record: Acme has the domain.
    dns.publish_txt(
        "_tessera-challenge.acme.com",
        ours.body["txt_record"]["value"].as_str().unwrap(),
    );
    assert_eq!(check(&app, &ada, &acme, "acme.com").await.status, 200);

    // Even with its record in the zone too, Evil cannot verify it, nor claim it afresh.
    dns.publish_txt(
        "_tessera-challenge.acme.com",
        theirs.body["txt_record"]["value"].as_str().unwrap(),
    );
    check(&app, &mallory, &evil, "acme.com")
        .await
        .assert_problem(409, "domain_taken");
    let other = app.create_org(&mallory, "Other").await;
    claim(&app, &mallory, &other, "acme.com")
        .await
        .assert_problem(409, "domain_taken");

    // Domains are the owners' and admins' business; to outsiders the organisation is not there.
    app.get(&format!("/v1/orgs/{acme}/domains"), &mallory.token)
        .await
        .assert_problem(404, "not_found");
    claim(&app, &ada, &acme, "not a domain")
        .await
        .assert_problem(422, "validation_failed");
    check(&app, &ada, &acme, "never-claimed.example")
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn dns_checks_are_limited_per_organisation() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns).await;
    let ada = app.sign_up("ada@example.com").await;
    let acme = app.create_org(&ada, "Acme").await;
    assert_eq!(claim(&app, &ada, &acme, "acme.com").await.status, 201);
    for _ in 0..10 {
        check(&app, &ada, &acme, "acme.com")
            .await
            .assert_problem(409, "domain_not_verified");
    }
    let limited = check(&app, &ada, &acme, "acme.com").await;
    limited.assert_problem(429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
    let asked = dns.asked().len();
    assert!(
        (10..=20).contains(&asked),
        "no look-up past the limit: {asked}"
    );
}

#[actix_web::test]
async fn an_operator_verifies_a_domain_from_the_command_line() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let acme = app.create_org(&ada, "Acme").await;
    let (code, out, err) = app.run_cli(&[
        "admin",
        "verify-domain",
        "--org",
        &acme,
        "--domain",
        "Acme.com",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("acme.com"), "{out}");
    let listed = app
        .get(&format!("/v1/orgs/{acme}/domains"), &ada.token)
        .await;
    assert_eq!(listed.body["items"][0]["domain"], "acme.com");
    assert_eq!(listed.body["items"][0]["verified"], true);
    assert_eq!(listed.body["items"][0]["verified_by"], "operator");
    let audit = app
        .get(&format!("/v1/orgs/{acme}/audit-log"), &ada.token)
        .await;
    let verified = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "domain.verified")
        .cloned()
        .expect("audited");
    assert_eq!(verified["details"]["by"], "operator");
    assert!(verified["actor_id"].is_null(), "{verified}");

    // Another organisation cannot be given it too.
    let bob = app.sign_up("bob@example.com").await;
    let other = app.create_org(&bob, "Other").await;
    let (code, out, err) = app.run_cli(&[
        "admin",
        "verify-domain",
        "--org",
        &other,
        "--domain",
        "acme.com",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("domain_taken"), "{err}");
}

#[actix_web::test]
async fn two_organisations_verifying_one_domain_at_once_leave_it_to_one() {
    let dns = TestDns::start().await;
    let app = app_with_dns(&dns).await;
    let mut claimants = Vec::new();
    for (email, name) in [("ada@example.com", "Acme"), ("mallory@example.com", "Evil")] {
        let owner = app.sign_up(email).await;
        let org = app.create_org(&owner, name).await;
        let claimed = claim(&app, &owner, &org, "acme.com").await;
        assert_eq!(claimed.status, 201, "{}", claimed.body);
        dns.publish_txt(
            "_tessera-challenge.acme.com",
            claimed.body["txt_record"]["value"].as_str().unwrap(),
        );
        claimants.push((owner, org));
    }
    let bases = vec![app.base.clone(), app.start_another_instance()];
    let replies = app
        .send_at_once(&bases, 2, |i, base| {
            let (owner, org) = &claimants[i];
            app.http
                .post(format!("{base}/v1/orgs/{org}/domains/acme.com/verify"))
                .bearer_auth(&owner.token)
        })
        .await;
    let mut statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{replies:?}");
    let refused = replies.iter().find(|r| r.status == 409).unwrap();
    refused.assert_problem(409, "domain_taken");
}
