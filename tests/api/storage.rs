//! What the database holds: no usable secret in a dump; migrations that go both ways.

use crate::common::{PASSWORD, TestApp};
use diesel::Connection;

#[actix_web::test]
async fn a_database_dump_holds_no_session_token_or_password_in_clear() {
    let app = TestApp::spawn().await;
    let signed_up = app.sign_up("ada@example.com").await;
    let logged_in = app
        .login_with_agent("ada@example.com", crate::common::CHROME_UA)
        .await;

    // People type their password into the email field. An email with no account is kept
    // only as a keyed digest, in the lockout counter and in the login history.
    let typed_in_the_wrong_field = "Tr0ub4dor&3 in the email field";
    app.login(typed_in_the_wrong_field, PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");

    let dump = app.database_dump();
    assert!(dump.contains("ada@example.com"), "the dump is readable");
    assert!(
        !dump
            .to_lowercase()
            .contains(&typed_in_the_wrong_field.to_lowercase()),
        "{dump}"
    );
    for token in [&signed_up.token, &logged_in.token] {
        assert!(!dump.contains(token.as_str()));
        // Nor the token without its prefix.
        assert!(!dump.contains(token.trim_start_matches("tss_")));
    }
    assert!(!dump.contains(PASSWORD));
    assert!(dump.contains("$argon2id$"));
}

#[test]
fn every_migration_can_be_reverted_and_reapplied() {
    let dir = tempfile::tempdir().unwrap();
    let url = match std::env::var("TESSERA_TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() => {
            use diesel::connection::SimpleConnection;
            let schema = format!("m_{}", uuid::Uuid::now_v7().simple());
            let mut admin_conn = diesel::PgConnection::establish(&admin).unwrap();
            admin_conn
                .batch_execute(&format!("CREATE SCHEMA {schema}"))
                .unwrap();
            let sep = if admin.contains('?') { '&' } else { '?' };
            let url = format!("{admin}{sep}options=-csearch_path%3D{schema}");
            run_round_trip(&url);
            admin_conn
                .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
                .unwrap();
            return;
        }
        _ => dir
            .path()
            .join("round-trip.db")
            .to_string_lossy()
            .into_owned(),
    };
    run_round_trip(&url);
}

fn run_round_trip(url: &str) {
    let pool = tessera::db::build_pool(url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let applied = tessera::db::migrate(&mut conn).unwrap();
    assert!(applied > 0);
    let reverted = tessera::db::revert_all(&mut conn).unwrap();
    assert_eq!(reverted, applied);
    assert_eq!(tessera::db::migrate(&mut conn).unwrap(), applied);
    assert_eq!(tessera::db::migrate(&mut conn).unwrap(), 0);
}
