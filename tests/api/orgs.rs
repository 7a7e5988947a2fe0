//! Organisations: an owner creates one, admins manage members, everyone else sees nothing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestApp, User};

async fn create_org(app: &TestApp, owner: &User, name: &str) -> String {
    let created = app
        .send(
            app.authed(Method::POST, "/v1/orgs", &owner.token)
                .json(&json!({"name": name})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["role"], "owner");
    created.body["id"].as_str().unwrap().to_string()
}

async fn add(app: &TestApp, by: &User, org: &str, email: &str, role: &str) -> crate::common::Reply {
    app.send(
        app.authed(Method::POST, &format!("/v1/orgs/{org}/members"), &by.token)
            .json(&json!({"email": email, "role": role})),
    )
    .await
}

async fn set_role(
    app: &TestApp,
    by: &User,
    org: &str,
    member: &User,
    role: &str,
) -> crate::common::Reply {
    app.send(
        app.authed(
            Method::PATCH,
            &format!("/v1/orgs/{org}/members/{}", member.account_id),
            &by.token,
        )
        .json(&json!({"role": role, "password": PASSWORD})),
    )
    .await
}

fn events(log: &Value) -> Vec<&str> {
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn an_owner_creates_an_organisation_and_invited_people_join_it() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let grace = app.sign_up_with_mfa("grace@example.com").await.user;
    let linus = app.sign_up("linus@example.com").await;
    let org = create_org(&app, &ada, "  Acme  ").await;

    let read = app.get(&format!("/v1/orgs/{org}"), &ada.token).await;
    assert_eq!(read.body["name"], "Acme");

    // Nobody is added without consent: existing accounts are invited, and accept.
    add(&app, &ada, &org, "grace@example.com", "admin")
        .await
        .assert_problem(409, "invitation_required");
    let invited = app.invite(&ada, &org, "Grace@Example.com", "admin").await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    assert_eq!(invited.body["email"], "grace@example.com");
    assert_eq!(invited.body["role"], "admin");
    assert_eq!(invited.body["status"], "pending");
    assert_eq!(invited.body["expires_at"], "2026-03-09T09:00:30Z");
    let token = app.invitation_token("grace@example.com");
    let joined = app.accept_invitation(&grace, &token).await;
    assert_eq!(joined.status, 200, "{}", joined.body);
    assert_eq!(joined.body["membership"]["role"], "admin");
    assert_eq!(joined.body["membership"]["name"], "Acme");
    // Grace, an admin, invites Linus as a member.
    app.join(&grace, &org, &linus, "member").await;
    app.invite(&grace, &org, "linus@example.com", "member")
        .await
        .assert_problem(409, "already_a_member");
    // An unknown address gets the same answer as a known one: invite it.
    add(&app, &grace, &org, "nobody@example.com", "member")
        .await
        .assert_problem(409, "invitation_required");

    let members = app
        .get(&format!("/v1/orgs/{org}/members"), &grace.token)
        .await;
    assert_eq!(members.status, 200, "{}", members.body);
    let listed: Vec<(&str, &str, &str, bool)> = members.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap(),
                m["role"].as_str().unwrap(),
                m["mfa"]["status"].as_str().unwrap(),
                m["mfa"]["managed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("linus@example.com", "member", "not_required", false),
            ("grace@example.com", "admin", "active", false),
            ("ada@example.com", "owner", "not_required", false),
        ]
    );
    // Personal members' habits stay their own: factor types and dates, no last use, no codes.
    let grace_mfa = &members.body["items"][1]["mfa"];
    assert_eq!(grace_mfa["factors"][0]["type"], "totp");
    assert!(grace_mfa["factors"][0]["last_used_at"].is_null());
    assert!(grace_mfa["recovery_codes_remaining"].is_null());

    // Linus sees his organisations; nobody manages his account.
    let mine = app.get("/v1/me/orgs", &linus.token).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(mine.body["items"][0]["org_id"], org.as_str());
    assert_eq!(mine.body["items"][0]["role"], "member");
    assert_eq!(mine.body["items"][0]["manages_account"], false);
    assert!(app.get("/v1/me", &linus.token).await.body["managed_by"].is_null());

    let renamed = app
        .send(
            app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &grace.token)
                .json(&json!({"name": "Acme Ltd"})),
        )
        .await;
    assert_eq!(renamed.body["name"], "Acme Ltd");
    assert_eq!(renamed.body["role"], "admin");

    // The organisation's log, and Linus's own, tell who did what.
    let log = app
        .get(&format!("/v1/orgs/{org}/audit-log"), &ada.token)
        .await;
    assert_eq!(
        events(&log.body),
        [
            "org.updated",
            "membership.added",
            "invitation.created",
            "membership.added",
            "invitation.created",
            "org.created"
        ]
    );
    assert_eq!(log.body["items"][2]["actor_id"], grace.account_id.as_str());
    assert_eq!(log.body["items"][1]["actor_id"], linus.account_id.as_str());
    assert_eq!(
        log.body["items"][1]["account_id"],
        linus.account_id.as_str()
    );
    let own = app.get("/v1/me/audit-log", &linus.token).await;
    assert_eq!(events(&own.body)[0], "membership.added");
    assert_eq!(own.body["items"][0]["org_id"], org.as_str());
}

#[actix_web::test]
async fn members_are_refused_admin_calls_and_strangers_see_no_organisation() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let linus = app.sign_up("linus@example.com").await;
    let eve = app.sign_up("eve@example.com").await;
    let org = create_org(&app, &ada, "Acme").await;
    let other = create_org(&app, &eve, "Evil Corp").await;
    app.join(&ada, &org, &linus, "member").await;

    // A member sees the organisation, not its administration.
    assert_eq!(
        app.get(&format!("/v1/orgs/{org}"), &linus.token).await.body["role"],
        "member"
    );
    app.get(&format!("/v1/orgs/{org}/members"), &linus.token)
        .await
        .assert_problem(403, "insufficient_role");
    app.get(&format!("/v1/orgs/{org}/audit-log"), &linus.token)
        .await
        .assert_problem(403, "insufficient_role");
    app.invite(&linus, &org, "eve@example.com", "member")
        .await
        .assert_problem(403, "insufficient_role");
    app.get(&format!("/v1/orgs/{org}/invitations"), &linus.token)
        .await
        .assert_problem(403, "insufficient_role");

    // The owner of another organisation is a stranger here, and Ada one there.
    for path in [
        format!("/v1/orgs/{org}"),
        format!("/v1/orgs/{org}/members"),
        format!("/v1/orgs/{org}/audit-log"),
        format!("/v1/orgs/{org}/invitations"),
    ] {
        app.get(&path, &eve.token)
            .await
            .assert_problem(404, "not_found");
    }
    app.get(&format!("/v1/orgs/{other}"), &ada.token)
        .await
        .assert_problem(404, "not_found");
    app.get("/v1/orgs/not-a-uuid", &ada.token)
        .await
        .assert_problem(400, "invalid_path_parameter");
}

#[actix_web::test]
async fn an_organisation_always_keeps_an_owner_and_only_owners_touch_that_role() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let grace = app.sign_up("grace@example.com").await;
    let linus = app.sign_up("linus@example.com").await;
    let org = create_org(&app, &ada, "Acme").await;
    app.join(&ada, &org, &grace, "admin").await;
    app.join(&ada, &org, &linus, "member").await;

    // An admin acts on plain members only: no owners or admins made, demoted or removed.
    set_role(&app, &grace, &org, &linus, "owner")
        .await
        .assert_problem(403, "insufficient_role");
    set_role(&app, &grace, &org, &linus, "admin")
        .await
        .assert_problem(403, "insufficient_role");
    set_role(&app, &grace, &org, &ada, "member")
        .await
        .assert_problem(403, "insufficient_role");
    app.invite(&grace, &org, "eve@example.com", "owner")
        .await
        .assert_problem(403, "insufficient_role");
    app.invite(&grace, &org, "eve@example.com", "admin")
        .await
        .assert_problem(403, "insufficient_role");
    // The only owner can neither step down nor leave.
    set_role(&app, &ada, &org, &ada, "admin")
        .await
        .assert_problem(409, "last_owner");
    let leave = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/members/{}", ada.account_id),
            &ada.token,
        ))
        .await;
    leave.assert_problem(409, "last_owner");

    // With a second owner, she can.
    assert_eq!(
        set_role(&app, &ada, &org, &grace, "owner").await.status,
        204
    );
    assert_eq!(set_role(&app, &ada, &org, &ada, "admin").await.status, 204);
    // Linus leaves on his own; Grace removes Ada.
    let left = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/members/{}", linus.account_id),
            &linus.token,
        ))
        .await;
    assert_eq!(left.status, 204);
    let removed = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/members/{}", ada.account_id),
            &grace.token,
        ))
        .await;
    assert_eq!(removed.status, 204);
    app.get(&format!("/v1/orgs/{org}"), &ada.token)
        .await
        .assert_problem(404, "not_found");
    let log = app
        .get(&format!("/v1/orgs/{org}/audit-log"), &grace.token)
        .await;
    assert_eq!(
        &events(&log.body)[..4],
        [
            "membership.removed",
            "membership.removed",
            "membership.role_changed",
            "membership.role_changed"
        ]
    );
}
