//! Who may act on whose credentials: the attacks a security review found, as stories, and
//! the model that stops them — membership by consent, power over factors only for the
//! organisation that manages an account, owners above admins above members.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::common::{PASSWORD, TestApp, User};

async fn reset(app: &TestApp, by: &User, org: &str, member: &User) -> crate::common::Reply {
    app.send(
        app.authed(
            Method::POST,
            &format!("/v1/orgs/{org}/members/{}/mfa/reset", member.account_id),
            &by.token,
        )
        .json(&json!({"password": PASSWORD})),
    )
    .await
}

async fn require(
    app: &TestApp,
    by: &User,
    org: &str,
    member: &User,
    days: i32,
) -> crate::common::Reply {
    app.send(
        app.authed(
            Method::PUT,
            &format!("/v1/orgs/{org}/members/{}/mfa", member.account_id),
            &by.token,
        )
        .json(&json!({"required": true, "enforcement_delay_days": days})),
    )
    .await
}

#[actix_web::test]
async fn a_strangers_organisation_cannot_add_reset_or_read_an_account() {
    let app = TestApp::spawn().await;
    let victim = app.sign_up_with_mfa("victim@example.com").await;
    let eve = app.sign_up("eve@example.com").await;
    let evil = app.create_org(&eve, "Evil Corp").await;

    // Eve's organisation (free to create) cannot take the victim in without consent …
    let added = app
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/orgs/{evil}/members"),
                &eve.token,
            )
            .json(&json!({"email": "victim@example.com", "role": "member"})),
        )
        .await;
    added.assert_problem(409, "invitation_required");
    // … an invitation only sends the victim an email they may ignore …
    assert_eq!(
        app.invite(&eve, &evil, "victim@example.com", "member")
            .await
            .status,
        201
    );
    // … and outside the organisation the victim does not exist for it.
    reset(&app, &eve, &evil, &victim.user)
        .await
        .assert_problem(404, "not_found");
    app.get(
        &format!("/v1/orgs/{evil}/members/{}/mfa", victim.user.account_id),
        &eve.token,
    )
    .await
    .assert_problem(404, "not_found");
    require(&app, &eve, &evil, &victim.user, 0)
        .await
        .assert_problem(404, "not_found");

    // The victim's MFA stands: the password alone gets a challenge, not a session.
    let login = app.login("victim@example.com", PASSWORD).await;
    assert_eq!(login.body["status"], "mfa_required", "{}", login.body);
}

#[actix_web::test]
async fn an_invited_personal_member_keeps_their_factors_to_themselves() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    let linus = app.sign_up_with_mfa("linus@example.com").await;
    app.join(&ada, &org, &linus.user, "member").await;

    // By joining Linus consented to a requirement and to his status being seen …
    let required = require(&app, &ada, &org, &linus.user, 7).await;
    assert_eq!(required.status, 200, "{}", required.body);
    assert_eq!(required.body["status"], "active");
    assert_eq!(required.body["managed"], false);
    // … not to the organisation removing his factors.
    reset(&app, &ada, &org, &linus.user)
        .await
        .assert_problem(409, "account_not_managed");
    let login = app.login("linus@example.com", PASSWORD).await;
    assert_eq!(login.body["status"], "mfa_required", "{}", login.body);
    // He may leave when he likes.
    let left = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/members/{}", linus.user.account_id),
            &linus.user.token,
        ))
        .await;
    assert_eq!(left.status, 204, "{}", left.body);
}

#[actix_web::test]
async fn a_managed_account_is_reset_by_its_organisation_and_cannot_leave_it() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    let linus = app
        .managed_member(&ada, &org, "linus@example.com", "member")
        .await;

    let me = app.get("/v1/me", &linus.token).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.body["managed_by"]["org_id"], org.as_str());
    assert_eq!(me.body["managed_by"]["name"], "Acme");
    let mine = app.get("/v1/me/orgs", &linus.token).await;
    assert_eq!(mine.body["items"][0]["manages_account"], true);

    let enrolment = app.enrol_totp(&linus).await;
    let secret = enrolment.body["secret"].as_str().unwrap().to_string();
    let factor = enrolment.body["factor_id"].as_str().unwrap().to_string();
    let activated = app
        .activate(&linus, &factor, &app.current_code(&secret))
        .await;
    assert_eq!(activated.status, 200, "{}", activated.body);

    // The admins see everything of an account they manage …
    let mfa = app
        .get(
            &format!("/v1/orgs/{org}/members/{}/mfa", linus.account_id),
            &ada.token,
        )
        .await;
    assert_eq!(mfa.body["managed"], true);
    assert_eq!(mfa.body["recovery_codes_remaining"], 8);
    // … and reset it when the phone is lost.
    let reset = reset(&app, &ada, &org, &linus).await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(reset.body["factors"], json!([]));
    let login = app.login("linus@example.com", PASSWORD).await;
    assert_eq!(login.body["status"], "authenticated", "{}", login.body);

    let relogged = crate::common::user_from(&login);
    let leave = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/members/{}", relogged.account_id),
            &relogged.token,
        ))
        .await;
    leave.assert_problem(409, "managed_account_cannot_leave");
}

#[actix_web::test]
async fn admins_act_on_members_and_only_owners_on_owners_and_admins() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    let grace = app
        .managed_member(&ada, &org, "grace@example.com", "admin")
        .await;
    let alan = app
        .managed_member(&ada, &org, "alan@example.com", "admin")
        .await;
    let linus = app
        .managed_member(&ada, &org, "linus@example.com", "member")
        .await;

    // Grace, an admin, cannot bind the owner or a fellow admin …
    require(&app, &grace, &org, &ada, 0)
        .await
        .assert_problem(403, "insufficient_role");
    require(&app, &grace, &org, &alan, 0)
        .await
        .assert_problem(403, "insufficient_role");
    reset(&app, &grace, &org, &alan)
        .await
        .assert_problem(403, "insufficient_role");
    // … nor the whole organisation, which would bind its owners too.
    let policy = app
        .send(
            app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &grace.token)
                .json(&json!({"require_mfa": true, "enforcement_delay_days": 0})),
        )
        .await;
    policy.assert_problem(403, "insufficient_role");
    // She acts on members.
    assert_eq!(require(&app, &grace, &org, &linus, 3).await.status, 200);
    assert_eq!(reset(&app, &grace, &org, &linus).await.status, 200);
    // The owner acts on admins.
    assert_eq!(require(&app, &ada, &org, &alan, 0).await.status, 200);
    assert_eq!(reset(&app, &ada, &org, &alan).await.status, 200);
    let policy = app
        .send(
            app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &ada.token)
                .json(&json!({"require_mfa": true, "enforcement_delay_days": 0})),
        )
        .await;
    assert_eq!(policy.status, 200, "{}", policy.body);
}

#[actix_web::test]
async fn an_invitation_is_for_its_address_once_within_seven_days() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    let linus = app.sign_up("linus@example.com").await;
    let eve = app.sign_up("eve@example.com").await;

    let invited = app.invite(&ada, &org, "linus@example.com", "member").await;
    let first = app.invitation_token("linus@example.com");
    // Someone else's session cannot use Linus's link.
    app.accept_invitation(&eve, &first)
        .await
        .assert_problem(403, "invitation_for_another_account");
    // Without a session, an address with an account must sign in first.
    let signed_out = app
        .post_json(
            "/v1/invitations/accept",
            json!({"token": first, "password": "another long passphrase here"}),
        )
        .await;
    signed_out.assert_problem(409, "sign_in_required");
    // Resending makes a new link; the old one is dead.
    let id = invited.body["id"].as_str().unwrap();
    let resent = app
        .send(app.authed(
            Method::POST,
            &format!("/v1/orgs/{org}/invitations/{id}/resend"),
            &ada.token,
        ))
        .await;
    assert_eq!(resent.status, 200, "{}", resent.body);
    let second = app.invitation_token("linus@example.com");
    assert_ne!(first, second);
    app.accept_invitation(&linus, &first)
        .await
        .assert_problem(404, "invitation_invalid");
    assert_eq!(app.accept_invitation(&linus, &second).await.status, 200);
    // Used once.
    app.accept_invitation(&linus, &second)
        .await
        .assert_problem(404, "invitation_invalid");

    // Revoked.
    app.invite(&ada, &org, "grace@example.com", "member").await;
    let revoked_token = app.invitation_token("grace@example.com");
    let list = app
        .get(&format!("/v1/orgs/{org}/invitations"), &ada.token)
        .await;
    let grace_invitation = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "grace@example.com" && i["status"] == "pending")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let revoke = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/invitations/{grace_invitation}"),
            &ada.token,
        ))
        .await;
    assert_eq!(revoke.status, 204);
    let refused = app
        .post_json(
            "/v1/invitations/accept",
            json!({"token": revoked_token, "password": PASSWORD}),
        )
        .await;
    refused.assert_problem(404, "invitation_invalid");

    // Expired after seven days.
    app.invite(&ada, &org, "alan@example.com", "member").await;
    let late = app.invitation_token("alan@example.com");
    app.advance(Duration::days(7));
    let expired = app
        .post_json(
            "/v1/invitations/accept",
            json!({"token": late, "password": PASSWORD}),
        )
        .await;
    expired.assert_problem(410, "invitation_expired");
    app.post_json(
        "/v1/invitations/accept",
        json!({"token": "tsn_not-a-real-one", "password": PASSWORD}),
    )
    .await
    .assert_problem(404, "invitation_invalid");

    // A week on, Ada signs in again to look at the list.
    let ada = crate::common::user_from(&app.login("ada@example.com", PASSWORD).await);
    let statuses: Vec<(String, String)> = app
        .get(&format!("/v1/orgs/{org}/invitations"), &ada.token)
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["email"].as_str().unwrap().to_string(),
                i["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let owned = |e: &str, s: &str| (e.to_string(), s.to_string());
    assert_eq!(
        statuses,
        [
            owned("alan@example.com", "expired"),
            owned("grace@example.com", "revoked"),
            owned("linus@example.com", "accepted"),
            owned("linus@example.com", "revoked"),
        ]
    );
}

#[actix_web::test]
async fn a_new_address_accepts_into_a_managed_account_that_enrols_when_required_at_once() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Flowfinity").await;
    let policy = app
        .send(
            app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &ada.token)
                .json(&json!({"require_mfa": true, "enforcement_delay_days": 0})),
        )
        .await;
    assert_eq!(policy.status, 200, "{}", policy.body);

    // A weak password is refused before anything is made.
    app.invite(&ada, &org, "linus@example.com", "member").await;
    let token = app.invitation_token("linus@example.com");
    let weak = app
        .post_json(
            "/v1/invitations/accept",
            json!({"token": token, "password": "short"}),
        )
        .await;
    weak.assert_problem(422, "validation_failed");
    assert_eq!(weak.body["errors"][0]["field"], "password");
    let missing = app
        .post_json("/v1/invitations/accept", json!({"token": token}))
        .await;
    missing.assert_problem(422, "validation_failed");
    assert_eq!(missing.body["errors"][0]["field"], "password");

    let accepted = app
        .post_json(
            "/v1/invitations/accept",
            json!({"token": token, "password": PASSWORD, "display_name": "Linus"}),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(accepted.body["status"], "mfa_enrollment_required");
    let ticket = accepted.body["enrollment"]["ticket"].as_str().unwrap();
    let enrolment = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/totp", ticket)
                .json(&json!({})),
        )
        .await;
    assert_eq!(enrolment.status, 201, "{}", enrolment.body);

    // The account exists, managed by the organisation, its address proven by the link.
    let members = app
        .get(&format!("/v1/orgs/{org}/members"), &ada.token)
        .await;
    assert_eq!(members.body["items"][0]["email"], "linus@example.com");
    assert_eq!(members.body["items"][0]["mfa"]["managed"], true);
    assert_eq!(members.body["items"][0]["mfa"]["status"], "pending");
    let log = app
        .get(&format!("/v1/orgs/{org}/audit-log"), &ada.token)
        .await;
    assert_eq!(log.body["items"][0]["event"], "membership.added");
    assert_eq!(log.body["items"][0]["details"]["via"], "invitation");
}

#[actix_web::test]
async fn invitations_cannot_be_used_to_mail_a_stranger_in_bulk() {
    let app = TestApp::spawn().await;
    let eve = app.sign_up("eve@example.com").await;
    let org = app.create_org(&eve, "Spam Ltd").await;
    for _ in 0..5 {
        let sent = app.invite(&eve, &org, "victim@example.com", "member").await;
        assert_eq!(sent.status, 201, "{}", sent.body);
    }
    // From any organisation: the address has had its five for the hour.
    let other = app.create_org(&eve, "Spam Two").await;
    let refused = app
        .invite(&eve, &other, "victim@example.com", "member")
        .await;
    refused.assert_problem(429, "rate_limited");
    assert!(refused.header("retry-after").is_some());
    assert_eq!(
        app.queued_messages("victim@example.com", "invitation")
            .len(),
        5
    );
    app.advance(Duration::minutes(61));
    let eve = crate::common::user_from(&app.login("eve@example.com", PASSWORD).await);
    assert_eq!(
        app.invite(&eve, &other, "victim@example.com", "member")
            .await
            .status,
        201
    );
}

#[actix_web::test]
async fn an_organisations_token_held_by_a_personal_member_is_not_forced_off_them() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Flexopus").await;
    let linus = app.sign_up("linus@example.com").await;
    app.join(&ada, &org, &linus, "member").await;
    let registered = app
        .send(
            app.authed(
                Method::POST,
                &format!("/v1/orgs/{org}/hardware-tokens"),
                &ada.token,
            )
            .json(&json!({
                "name": "Desk token", "serial": "HT-1", "model": "c200", "period": 30,
                "digits": 6, "algorithm": "SHA1", "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            })),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let token_id = registered.body["id"].as_str().unwrap().to_string();
    let code = app.current_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    let bound = app
        .send(
            app.authed(Method::POST, "/v1/me/mfa/hardware-token", &linus.token)
                .json(
                    &json!({"org_id": org, "serial": "HT-1", "code": code, "password": PASSWORD}),
                ),
        )
        .await;
    assert_eq!(bound.status, 200, "{}", bound.body);

    let forced = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/hardware-tokens/{token_id}?force=true"),
            &ada.token,
        ))
        .await;
    forced.assert_problem(409, "account_not_managed");
    let login = app.login("linus@example.com", PASSWORD).await;
    assert_eq!(login.body["status"], "mfa_required", "{}", login.body);
}

#[actix_web::test]
async fn an_owner_removed_cannot_return_through_an_invitation_sent_before() {
    let app = TestApp::spawn().await;
    let olga = app.sign_up("olga@example.com").await;
    let org = app.create_org(&olga, "Flexopus").await;
    let mallory = app.sign_up("mallory@example.com").await;
    app.join(&olga, &org, &mallory, "owner").await;
    // Mallory, still an owner, invites a second address of hers as an owner ...
    let planted = app
        .invite(&mallory, &org, "mallory.alt@example.com", "owner")
        .await;
    assert_eq!(planted.status, 201, "{}", planted.body);
    let token = app.invitation_token("mallory.alt@example.com");
    // ... and is then removed by Olga.
    let removed = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/members/{}", mallory.account_id),
            &olga.token,
        ))
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    // The invitation went with her authority.
    app.post_json(
        "/v1/invitations/accept",
        json!({"token": token, "password": PASSWORD}),
    )
    .await
    .assert_problem(404, "invitation_invalid");

    // The same for an admin demoted to member: what they sent as an admin is void.
    let adam = app.sign_up("adam@example.com").await;
    app.join(&olga, &org, &adam, "admin").await;
    let sent = app
        .invite(&adam, &org, "newhire@example.com", "member")
        .await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    let token = app.invitation_token("newhire@example.com");
    let demoted = app
        .send(
            app.authed(
                Method::PATCH,
                &format!("/v1/orgs/{org}/members/{}", adam.account_id),
                &olga.token,
            )
            .json(&json!({"role": "member"})),
        )
        .await;
    assert!(demoted.status.is_success(), "{}", demoted.body);
    app.post_json(
        "/v1/invitations/accept",
        json!({"token": token, "password": PASSWORD}),
    )
    .await
    .assert_problem(404, "invitation_invalid");
}

#[actix_web::test]
async fn a_stolen_owner_session_alone_grants_itself_nothing_that_outlives_it() {
    let app = TestApp::spawn().await;
    let olga = app.sign_up_with_mfa("olga@example.com").await;
    let org = app.create_org(&olga.user, "Flowfinity").await;
    let code = app.next_code(&olga);
    let linus = app.sign_up("linus@example.com").await;
    let invited = app
        .send(
            app.authed(Method::POST, &format!("/v1/orgs/{org}/invitations"), &olga.user.token)
                .json(&json!({"email": linus.email, "role": "member", "password": PASSWORD, "code": code})),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    let token = app.invitation_token("linus@example.com");
    assert_eq!(app.accept_invitation(&linus, &token).await.status, 200);

    // Mallory holds Olga's session token, nothing else.
    let stolen = &olga.user.token;
    let as_owner = app
        .send(
            app.authed(Method::POST, &format!("/v1/orgs/{org}/invitations"), stolen)
                .json(&json!({"email": "mallory@example.com", "role": "owner"})),
        )
        .await;
    as_owner.assert_problem(403, "reauthentication_failed");
    let promote = app
        .send(
            app.authed(
                Method::PATCH,
                &format!("/v1/orgs/{org}/members/{}", linus.account_id),
                stolen,
            )
            .json(&json!({"role": "admin"})),
        )
        .await;
    promote.assert_problem(403, "reauthentication_failed");
    // Knowing the password too is not enough once Olga's MFA is on.
    let with_password = app
        .send(
            app.authed(Method::POST, &format!("/v1/orgs/{org}/invitations"), stolen)
                .json(
                    &json!({"email": "mallory@example.com", "role": "owner", "password": PASSWORD}),
                ),
        )
        .await;
    with_password.assert_problem(403, "reauthentication_failed");
    assert_eq!(with_password.body["errors"][0]["field"], "code");
    // Inviting a plain member grants no power over anyone: the session suffices.
    let member = app
        .send(
            app.authed(Method::POST, &format!("/v1/orgs/{org}/invitations"), stolen)
                .json(&json!({"email": "grace@example.com", "role": "member"})),
        )
        .await;
    assert_eq!(member.status, 201, "{}", member.body);

    // Stripping a managed member's MFA asks the same.
    let code = app.next_code(&olga);
    let managed = app
        .send(
            app.authed(Method::POST, &format!("/v1/orgs/{org}/invitations"), stolen)
                .json(&json!({"email": "max@example.com", "role": "member"})),
        )
        .await;
    assert_eq!(managed.status, 201);
    let max = app
        .post_json(
            "/v1/invitations/accept",
            json!({"token": app.invitation_token("max@example.com"), "password": PASSWORD}),
        )
        .await;
    assert_eq!(max.status, 200, "{}", max.body);
    let max_id = max.body["account"]["id"].as_str().unwrap().to_string();
    let reset = |body: serde_json::Value| {
        app.send(
            app.authed(
                Method::POST,
                &format!("/v1/orgs/{org}/members/{max_id}/mfa/reset"),
                stolen,
            )
            .json(&body),
        )
    };
    reset(json!({}))
        .await
        .assert_problem(403, "reauthentication_failed");
    let done = reset(json!({"password": PASSWORD, "code": code})).await;
    assert_eq!(done.status, 200, "{}", done.body);
}
