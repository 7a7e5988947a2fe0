//! Single sign-on and the trust model (issue 19): identities are the organisation's, a
//! provider is trusted for emails at its organisation's verified domains only, accounts are
//! linked by their owners (password and second factor) or when their address was proven, and
//! a recovery ends the links the owner did not re-prove.

use base64::Engine;
use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::oidc_provider::{AuthorizationRequest, CLIENT_ID, CLIENT_SECRET, TestProvider};
use crate::common::{PASSWORD, Reply, TestApp, User};
use crate::sso::{APP_VERIFIER, MOBILE_APP, acme, app, callback, s256, signed_in, sso, start};

/// Sets `org`'s SSO at `provider` for `domains` (verified already).
async fn configure(
    app: &TestApp,
    admin: &User,
    org: &str,
    provider: &TestProvider,
    domains: &[&str],
    mfa: &str,
) -> Reply {
    app.send(
        app.authed(Method::PUT, &format!("/v1/orgs/{org}/sso"), &admin.token)
            .json(&json!({
                "issuer": provider.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "password": crate::common::PASSWORD,
                "email_domains": domains, "mfa": mfa, "auto_provision": true,
            })),
    )
    .await
}

/// Starts SSO at `org`'s provider (the app's callback); what the provider was asked.
async fn start_at(app: &TestApp, org: &str) -> AuthorizationRequest {
    let started = app
        .post_json(
            "/v1/auth/sso/start",
            json!({
                "org_id": org, "redirect_uri": MOBILE_APP, "callback": "client",
                "code_challenge": s256(APP_VERIFIER),
            }),
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    AuthorizationRequest::parse(started.body["authorization_url"].as_str().unwrap())
}

/// A sign-in at `org`'s provider whose ID token carries `claims` (made from the faithful
/// ones by `tamper`).
async fn sso_at(
    app: &TestApp,
    provider: &TestProvider,
    org: &str,
    subject: &str,
    email: &str,
    tamper: impl FnOnce(&mut Value),
) -> Reply {
    let request = start_at(app, org).await;
    let mut claims = provider.claims(&request, subject, email, app.now_unix());
    tamper(&mut claims);
    let code = provider.issue_code(&request, &claims);
    callback(app, &request, &code).await
}

/// The claims of an access token minted for `user`'s session (read, not verified: the
/// access-token tests verify them).
async fn token_claims(app: &TestApp, user: &User) -> Value {
    let minted = app
        .send(app.authed(Method::POST, "/v1/sessions/current/token", &user.token))
        .await;
    assert_eq!(minted.status, 200, "{}", minted.body);
    let jwt = minted.body["access_token"].as_str().unwrap();
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

async fn link(app: &TestApp, user: &User, org: &str, extra: Value) -> Reply {
    let mut body = json!({
        "org_id": org, "redirect_uri": MOBILE_APP, "callback": "client",
        "code_challenge": s256(APP_VERIFIER),
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    app.send(
        app.authed(Method::POST, "/v1/me/sso/link", &user.token)
            .json(&body),
    )
    .await
}

/// Finishes a link started with `started` as `subject` at the provider.
async fn finish_link(
    app: &TestApp,
    provider: &TestProvider,
    started: &Reply,
    subject: &str,
    email: &str,
) -> Reply {
    assert_eq!(started.status, 200, "{}", started.body);
    let request = AuthorizationRequest::parse(started.body["authorization_url"].as_str().unwrap());
    let claims = provider.claims(&request, subject, email, app.now_unix());
    let code = provider.issue_code(&request, &claims);
    callback(app, &request, &code).await
}

async fn identities(app: &TestApp, user: &User) -> Vec<Value> {
    let listed = app.get("/v1/me/sso/identities", &user.token).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    listed.body["items"].as_array().unwrap().clone()
}

async fn unlink(app: &TestApp, user: &User, id: &str, body: Value) -> Reply {
    app.send(
        app.authed(
            Method::DELETE,
            &format!("/v1/me/sso/identities/{id}"),
            &user.token,
        )
        .json(&body),
    )
    .await
}

/// A password reset by the link the email carries.
async fn reset_password(app: &TestApp, email: &str, new_password: &str) {
    let forgot = app
        .post_json("/v1/auth/password/forgot", json!({"email": email}))
        .await;
    assert_eq!(forgot.status, 202, "{}", forgot.body);
    let mail = app
        .queued_messages(email, "password_reset")
        .pop()
        .expect("a reset email");
    let start = mail.find("tsr_").expect("a token in the email");
    let token: String = mail[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let reset = app
        .post_json(
            "/v1/auth/password/reset",
            json!({"token": token, "new_password": new_password}),
        )
        .await;
    assert!(reset.status.is_success(), "{}", reset.body);
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
async fn the_same_issuer_under_another_organisation_never_signs_in_the_first_ones_identity() {
    let app = app().await;
    let provider = TestProvider::start().await;
    // Acme wants its provider and then Tessera's factor; Globex, with the very same provider
    // (issuer and client), lets the provider's MFA stand.
    let (_, acme_id) = acme(&app, &provider, "both", true).await;
    let hank = app.sign_up("hank@example.com").await;
    let globex = app.create_org(&hank, "Globex").await;
    app.verify_domain(&globex, "globex.com").await;
    let configured = configure(&app, &hank, &globex, &provider, &["globex.com"], "idp").await;
    assert_eq!(configured.status, 200, "{}", configured.body);

    // Grace's first sign-in at Acme: enrolment forced, then she has a factor.
    let first = sso(&app, &provider, "grace-at-idp", "grace@acme.com").await;
    assert_eq!(
        first.body["status"], "mfa_enrollment_required",
        "{}",
        first.body
    );
    let ticket = first.body["enrollment"]["ticket"].as_str().unwrap();
    let enrolment = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", ticket)
                .json(&json!({})),
        )
        .await;
    let secret = enrolment.body["secret"].as_str().unwrap().to_string();
    let activated = app
        .send(
            app.authed(
                Method::POST,
                &format!(
                    "/v1/me/mfa/factors/{}/activate",
                    enrolment.body["factor_id"].as_str().unwrap()
                ),
                ticket,
            )
            .json(&json!({"code": app.current_code(&secret)})),
        )
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    let token = activated.body["session_token"]
        .as_str()
        .unwrap()
        .to_string();
    let me = app.get("/v1/me", &token).await;
    let grace = User {
        email: "grace@acme.com".into(),
        account_id: me.body["id"].as_str().unwrap().to_string(),
        session_id: activated.body["session"]["id"]
            .as_str()
            .unwrap()
            .to_string(),
        token,
    };

    // The same subject through Globex's flow: Globex has no identity of its own for it, and
    // is not trusted for acme.com addresses. Nobody is signed in.
    let through_globex = sso_at(
        &app,
        &provider,
        &globex,
        "grace-at-idp",
        "grace@acme.com",
        |_| {},
    )
    .await;
    through_globex.assert_problem(403, "sso_account_not_provisioned");
    // Saying an address at its own domain, Globex gets an account of its own: never Grace's.
    let globex_person = signed_in(
        &sso_at(
            &app,
            &provider,
            &globex,
            "grace-at-idp",
            "grace@globex.com",
            |_| {},
        )
        .await,
    );
    assert_ne!(globex_person.account_id, grace.account_id);
    assert!(identities(&app, &globex_person).await.len() == 1);

    // At Acme, Grace's identity still asks for her Tessera factor (mfa "both").
    app.advance(Duration::seconds(30));
    let again = sso_at(
        &app,
        &provider,
        &acme_id,
        "grace-at-idp",
        "grace@acme.com",
        |_| {},
    )
    .await;
    assert_eq!(again.body["status"], "mfa_required", "{}", again.body);
    let mine = identities(&app, &grace).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["org_id"], acme_id.as_str());
    assert_eq!(mine[0]["org_name"], "Acme");
    assert_eq!(mine[0]["issuer"], provider.issuer.as_str());
}

#[actix_web::test]
async fn a_provider_is_trusted_for_emails_at_verified_domains_from_the_token_or_userinfo() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (_, acme_id) = acme(&app, &provider, "idp", true).await;

    // Entra ID sends no `email_verified`: at a verified domain the address is believed.
    let request = start(&app, "ella@acme.com").await;
    let mut claims = provider.claims(&request, "ella-at-idp", "ella@acme.com", app.now_unix());
    claims.as_object_mut().unwrap().remove("email_verified");
    let code = provider.issue_code(&request, &claims);
    let ella = signed_in(&callback(&app, &request, &code).await);
    assert_eq!(ella.email, "ella@acme.com");

    // A provider that says the address is not verified is not believed.
    sso_at(
        &app,
        &provider,
        &acme_id,
        "fred-at-idp",
        "fred@acme.com",
        |c| c["email_verified"] = json!(false),
    )
    .await
    .assert_problem(403, "sso_account_not_provisioned");
    // Nor is it for an address elsewhere, whatever it says of it.
    sso_at(
        &app,
        &provider,
        &acme_id,
        "mal-at-idp",
        "mal@elsewhere.org",
        |c| {
            c.as_object_mut().unwrap().remove("email_verified");
        },
    )
    .await
    .assert_problem(403, "sso_account_not_provisioned");

    // An ID token without an email: the userinfo endpoint, asked with the access token, says it.
    let request = start_at(&app, &acme_id).await;
    let mut claims = provider.claims(&request, "uma-at-idp", "unused", app.now_unix());
    let object = claims.as_object_mut().unwrap();
    object.remove("email");
    object.remove("email_verified");
    let code = provider.issue_code_with_userinfo(
        &request,
        &claims,
        json!({"sub": "uma-at-idp", "email": "uma@acme.com"}),
    );
    let uma = signed_in(&callback(&app, &request, &code).await);
    assert_eq!(uma.email, "uma@acme.com");

    // A userinfo answer about someone else is refused.
    let request = start_at(&app, &acme_id).await;
    let mut claims = provider.claims(&request, "vic-at-idp", "unused", app.now_unix());
    claims.as_object_mut().unwrap().remove("email");
    let code = provider.issue_code_with_userinfo(
        &request,
        &claims,
        json!({"sub": "someone-else", "email": "vic@acme.com", "email_verified": true}),
    );
    callback(&app, &request, &code)
        .await
        .assert_problem(401, "sso_id_token_invalid");
    assert!(!app.database_dump().contains("vic@acme.com"));
}

#[actix_web::test]
async fn tesseras_amr_says_sso_and_mfa_only_where_the_policy_lets_the_providers_mfa_stand() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, acme_id) = acme(&app, &provider, "idp", true).await;

    // The provider checked two factors, at a verified domain under `mfa: idp`.
    let reply = sso(&app, &provider, "grace-at-idp", "grace@acme.com").await;
    let grace = signed_in(&reply);
    assert_eq!(reply.body["session"]["idp_amr"], json!(["pwd", "mfa"]));
    assert_eq!(reply.body["session"]["aal"], "aal2");
    let claims = token_claims(&app, &grace).await;
    assert_eq!(claims["amr"], json!(["sso", "mfa"]));
    assert_eq!(claims["aal"], "aal2");

    // The provider checked one: Tessera says so, whatever else the provider sends.
    let reply = sso_at(
        &app,
        &provider,
        &acme_id,
        "grace-at-idp",
        "grace@acme.com",
        |c| c["amr"] = json!(["pwd", "x-custom"]),
    )
    .await;
    let one = signed_in(&reply);
    assert_eq!(reply.body["session"]["idp_amr"], json!(["pwd", "x-custom"]));
    assert_eq!(token_claims(&app, &one).await["amr"], json!(["sso"]));

    // Once acme.com is no longer verified, the provider's MFA does not stand for Grace.
    let removed = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{acme_id}/domains/acme.com"),
            &ada.token,
        ))
        .await;
    assert_eq!(removed.status, 204);
    let reply = sso_at(
        &app,
        &provider,
        &acme_id,
        "grace-at-idp",
        "grace@acme.com",
        |_| {},
    )
    .await;
    let later = signed_in(&reply);
    assert_eq!(reply.body["session"]["aal"], "aal1");
    let claims = token_claims(&app, &later).await;
    assert_eq!(claims["amr"], json!(["sso"]));
    // Nor does the removed domain route sign-ins or provision anyone.
    assert_eq!(
        app.login("grace@acme.com", "anything").await.status,
        401,
        "no sso_required"
    );
    sso_at(
        &app,
        &provider,
        &acme_id,
        "newbie-at-idp",
        "newbie@acme.com",
        |_| {},
    )
    .await
    .assert_problem(403, "sso_account_not_provisioned");
}

#[actix_web::test]
async fn linking_takes_the_password_and_a_code_membership_and_a_verified_domain() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, acme_id) = acme(&app, &provider, "idp", true).await;
    let linus = app.sign_up_with_mfa("linus@acme.com").await;
    app.join(&ada, &acme_id, &linus.user, "member").await;

    // The password alone is not enough once MFA is on: a new way in is guarded like a factor.
    let password_only = link(&app, &linus.user, &acme_id, json!({"password": PASSWORD})).await;
    password_only.assert_problem(403, "reauthentication_failed");
    assert_eq!(password_only.body["errors"][0]["field"], "code");
    let started = link(
        &app,
        &linus.user,
        &acme_id,
        json!({"password": PASSWORD, "code": app.current_code(&linus.secret)}),
    )
    .await;
    let linked =
        signed_in(&finish_link(&app, &provider, &started, "linus-at-idp", "linus@acme.com").await);
    assert_eq!(linked.account_id, linus.user.account_id);
    let links = identities(&app, &linus.user).await;
    assert_eq!(links.len(), 1, "{links:?}");
    assert_eq!(links[0]["org_name"], "Acme");
    assert!(links[0]["linked_at"].is_string() && links[0]["last_used_at"].is_string());
    assert_eq!(app.queued_messages("linus@acme.com", "sso_linked").len(), 1);

    // Only members link, and only with an email at a verified domain of the organisation.
    let zoe = app.sign_up("zoe@acme.com").await;
    link(&app, &zoe, &acme_id, json!({"password": PASSWORD}))
        .await
        .assert_problem(404, "not_found");
    link(&app, &ada, &acme_id, json!({"password": PASSWORD}))
        .await
        .assert_problem(409, "domain_not_verified");

    // Unlinking is confirmed the same way, audited and told.
    app.advance(Duration::seconds(30));
    let id = links[0]["id"].as_str().unwrap();
    unlink(&app, &linus.user, id, json!({"password": PASSWORD}))
        .await
        .assert_problem(403, "reauthentication_failed");
    let removed = unlink(
        &app,
        &linus.user,
        id,
        json!({"password": PASSWORD, "code": app.current_code(&linus.secret)}),
    )
    .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    assert!(identities(&app, &linus.user).await.is_empty());
    assert_eq!(
        app.queued_messages("linus@acme.com", "sso_unlinked").len(),
        1
    );
    let audit = app.get("/v1/me/audit-log", &linus.user.token).await;
    let seen = events(&audit);
    assert!(seen.contains(&"sso.linked".to_string()), "{seen:?}");
    assert!(seen.contains(&"sso.unlinked".to_string()), "{seen:?}");
    unlink(&app, &zoe, id, json!({"password": PASSWORD}))
        .await
        .assert_problem(404, "not_found");

    // An account without a password keeps the link to the organisation that manages it.
    let grace = signed_in(&sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);
    let grace_link = identities(&app, &grace).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    unlink(&app, &grace, &grace_link, json!({}))
        .await
        .assert_problem(409, "password_managed_by_idp");
}

#[actix_web::test]
async fn an_account_made_before_the_domain_was_verified_is_not_taken_over_and_its_owner_recovers_it()
 {
    let app = app().await;
    let provider = TestProvider::start().await;
    let ada = app.sign_up("ada@example.com").await;
    let acme_id = app.create_org(&ada, "Acme").await;

    // Before Acme proves acme.com, Mallory makes an account with Grace's address.
    let mallory = app.sign_up("grace@acme.com").await;
    app.verify_domain(&acme_id, "acme.com").await;
    let configured = configure(&app, &ada, &acme_id, &provider, &["acme.com"], "idp").await;
    assert_eq!(configured.status, 200, "{}", configured.body);

    // Grace signs in at Acme's provider: the account is not silently hers (nor Mallory's
    // password a way into Grace's identity).
    sso(&app, &provider, "grace-at-idp", "grace@acme.com")
        .await
        .assert_problem(409, "sso_link_required");
    assert!(identities(&app, &mallory).await.is_empty());

    // Grace proves the address: the reset link comes to her mailbox. Mallory is out.
    reset_password(&app, "grace@acme.com", "grace's own new passphrase 42").await;
    assert_eq!(app.session_check(&mallory.token).await, 401);
    assert_eq!(
        app.login("grace@acme.com", PASSWORD).await.body["status"],
        "sso_required",
        "a wrong password at an SSO domain answers as for anyone there"
    );

    // The address proven, her provider's sign-in links the account, and says so.
    let grace = signed_in(&sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);
    assert_eq!(grace.account_id, mallory.account_id);
    assert_eq!(identities(&app, &grace).await.len(), 1);
    assert_eq!(app.queued_messages("grace@acme.com", "sso_linked").len(), 1);
}

#[actix_web::test]
async fn at_an_sso_domain_login_answers_alike_with_or_without_an_account() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, acme_id) = acme(&app, &provider, "idp", true).await;
    app.sign_up("linus@acme.com").await;
    let _ = ada;
    let expected = json!({"status": "sso_required", "org_id": acme_id});
    for (email, password) in [
        ("nobody@acme.com", PASSWORD),
        ("linus@acme.com", "a wrong password"),
    ] {
        let reply = app.login(email, password).await;
        assert_eq!(reply.status, 200, "{email}: {}", reply.body);
        assert_eq!(reply.body, expected, "{email}");
    }
    // Its owner's password still signs an unlinked account in (to link it, say).
    assert_eq!(
        app.login("linus@acme.com", PASSWORD).await.body["status"],
        "authenticated"
    );
}

#[actix_web::test]
async fn a_password_reset_ends_the_links_to_organisations_that_do_not_manage_the_account() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, acme_id) = acme(&app, &provider, "idp", true).await;
    // Linus is a personal member; Mia's account was made by Acme (an invitation).
    let linus = app.sign_up("linus@acme.com").await;
    app.join(&ada, &acme_id, &linus, "member").await;
    let mia = app
        .managed_member(&ada, &acme_id, "mia@acme.com", "member")
        .await;
    for (user, subject) in [(&linus, "linus-at-idp"), (&mia, "mia-at-idp")] {
        let started = link(&app, user, &acme_id, json!({"password": PASSWORD})).await;
        signed_in(&finish_link(&app, &provider, &started, subject, &user.email).await);
        assert_eq!(identities(&app, user).await.len(), 1);
    }

    reset_password(&app, "linus@acme.com", "linus's new passphrase 42").await;
    reset_password(&app, "mia@acme.com", "mia's new passphrase 42").await;

    let linus = signed_in(
        &app.login("linus@acme.com", "linus's new passphrase 42")
            .await,
    );
    assert!(
        identities(&app, &linus).await.is_empty(),
        "Acme does not manage Linus's account"
    );
    let audit = app.get("/v1/me/audit-log", &linus.token).await;
    let reset = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "password.reset")
        .cloned()
        .unwrap();
    assert_eq!(reset["details"]["sso_links_ended"], 1);
    // Mia's link is her managing organisation's: it stays (she signs in there).
    assert_eq!(
        app.login("mia@acme.com", "mia's new passphrase 42")
            .await
            .body["status"],
        "sso_required"
    );
    let mia = signed_in(&sso(&app, &provider, "mia-at-idp", "mia@acme.com").await);
    assert_eq!(identities(&app, &mia).await.len(), 1);
}

#[actix_web::test]
async fn an_account_without_a_password_confirms_factor_changes_with_its_tessera_factor() {
    let app = app().await;
    let provider = TestProvider::start().await;
    acme(&app, &provider, "idp", true).await;
    let grace = signed_in(&sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);

    // No factor yet: the recent sign-in at the provider is the confirmation.
    let enrolment = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", &grace.token)
                .json(&json!({})),
        )
        .await;
    assert_eq!(enrolment.status, 201, "{}", enrolment.body);
    let secret = enrolment.body["secret"].as_str().unwrap().to_string();
    let activated = app
        .activate(
            &grace,
            enrolment.body["factor_id"].as_str().unwrap(),
            &app.current_code(&secret),
        )
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);
    app.advance(Duration::seconds(30));

    // With a factor, a recent provider sign-in alone is not enough to add another.
    let fresh = signed_in(&sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);
    let refused = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", &fresh.token)
                .json(&json!({})),
        )
        .await;
    refused.assert_problem(403, "reauthentication_failed");
    assert_eq!(refused.body["errors"][0]["field"], "code");
    // With its code the confirmation passes (and the authenticator is found active already).
    app.send(
        app.authed(Method::POST, "/v1/me/mfa/totp", &fresh.token)
            .json(&json!({"code": app.current_code(&secret)})),
    )
    .await
    .assert_problem(409, "totp_already_active");
}

/// Runs a migration's `up.sql` or `down.sql` on the app's database, for the backend in use.
fn run_migration_sql(app: &TestApp, migration: &str, direction: &str) {
    let backend = match std::env::var("TESSERA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => "postgres",
        _ => "sqlite",
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend)
        .join(migration)
        .join(format!("{direction}.sql"));
    app.execute_sql(&std::fs::read_to_string(path).unwrap());
}

#[actix_web::test]
async fn sso_domains_from_before_verification_became_claims_that_route_nothing_until_verified() {
    let app = app().await;
    let provider = TestProvider::start().await;
    let (ada, acme_id) = acme(&app, &provider, "idp", true).await;
    signed_in(&sso(&app, &provider, "grace-at-idp", "grace@acme.com").await);

    // The database as it was before migration 000022 (acme.com a first-come SSO domain), and
    // the migration run on it.
    let migration = "2026-12-03-000022_org_domains";
    run_migration_sql(&app, migration, "down");
    run_migration_sql(&app, migration, "up");

    // acme.com is Acme's claim, still in its SSO settings, and routes nothing.
    let domains = app
        .get(&format!("/v1/orgs/{acme_id}/domains"), &ada.token)
        .await;
    assert_eq!(domains.body["items"][0]["domain"], "acme.com");
    assert_eq!(domains.body["items"][0]["verified"], false);
    assert_eq!(domains.body["items"][0]["sso"], true);
    let settings = app
        .get(&format!("/v1/orgs/{acme_id}/sso"), &ada.token)
        .await;
    assert_eq!(settings.body["email_domains"], json!(["acme.com"]));
    app.login("grace@acme.com", "anything")
        .await
        .assert_problem(401, "invalid_credentials");
    app.post_json(
        "/v1/auth/sso/start",
        json!({
            "email": "grace@acme.com", "redirect_uri": MOBILE_APP, "callback": "client",
            "code_challenge": s256(APP_VERIFIER),
        }),
    )
    .await
    .assert_problem(404, "sso_not_configured");
    sso_at(
        &app,
        &provider,
        &acme_id,
        "newbie-at-idp",
        "newbie@acme.com",
        |_| {},
    )
    .await
    .assert_problem(403, "sso_account_not_provisioned");
    // Grace's link came through the migration (now the organisation's); without a verified
    // domain the provider's MFA does not stand for her.
    let reply = sso_at(
        &app,
        &provider,
        &acme_id,
        "grace-at-idp",
        "grace@acme.com",
        |_| {},
    )
    .await;
    signed_in(&reply);
    assert_eq!(reply.body["session"]["aal"], "aal1");

    // Verified again, it routes again.
    app.verify_domain(&acme_id, "acme.com").await;
    assert_eq!(
        app.login("grace@acme.com", "anything").await.body["status"],
        "sso_required"
    );
}
