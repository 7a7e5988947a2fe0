//! What the database holds: no usable secret in a dump; migrations that go both ways.

use crate::common::{Columns, PASSWORD, Tables, TestApp};
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

/// What `api/db/schema.rs` declares (the types every query is checked against) is what the
/// migrations make, on this test's backend: every table, column, type and nullability.
#[actix_web::test]
async fn the_schema_the_code_compiles_against_is_the_one_the_migrations_make() {
    let app = TestApp::spawn().await;
    let postgres = std::env::var("TESSERA_TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty());
    let declared = declared_schema();
    let mut made = app.columns();
    // Tables no query names through the schema: diesel's own, and SQLite's change counter
    // for the session cache (its triggers bump it; it is read with a plain statement).
    made.remove("__diesel_schema_migrations");
    made.remove("auth_epoch");
    let sql_type = |diesel: &str| -> &'static str {
        match (diesel, postgres) {
            ("Text", false) => "TEXT",
            ("Text", true) => "text",
            ("Timestamp", false) => "TIMESTAMP",
            ("Timestamp", true) => "timestamp without time zone",
            ("Integer", false) => "INTEGER",
            ("Integer", true) => "integer",
            ("BigInt", false) => "BIGINT",
            ("BigInt", true) => "bigint",
            ("Bool", false) => "BOOLEAN",
            ("Bool", true) => "boolean",
            (other, _) => panic!("schema.rs uses {other}: teach this test its SQL name"),
        }
    };
    let mut differences = Vec::new();
    for (table, columns) in &declared {
        let Some(made_columns) = made.get(table) else {
            differences.push(format!("{table}: declared, not made"));
            continue;
        };
        for (column, (diesel_type, nullable)) in columns {
            match made_columns.get(column) {
                None => differences.push(format!("{table}.{column}: declared, not made")),
                Some((made_type, made_nullable)) => {
                    if !made_type.eq_ignore_ascii_case(sql_type(diesel_type)) {
                        differences.push(format!(
                            "{table}.{column}: declared {diesel_type}, made {made_type}"
                        ));
                    }
                    if made_nullable != nullable {
                        differences.push(format!(
                            "{table}.{column}: declared nullable {nullable}, made {made_nullable}"
                        ));
                    }
                }
            }
        }
        for column in made_columns.keys().filter(|c| !columns.contains_key(*c)) {
            differences.push(format!("{table}.{column}: made, not declared"));
        }
    }
    for table in made.keys().filter(|t| !declared.contains_key(*t)) {
        differences.push(format!("{table}: made, not declared"));
    }
    assert!(differences.is_empty(), "{differences:#?}");
}

/// The tables of `api/db/schema.rs`: table → column → (diesel type, nullable).
fn declared_schema()
-> std::collections::BTreeMap<String, std::collections::BTreeMap<String, (String, bool)>> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/api/db/schema.rs")).unwrap();
    let mut tables = Tables::new();
    let mut current: Option<(String, Columns)> = None;
    for line in text.lines().map(str::trim) {
        if line.starts_with("///") || line.starts_with("//") {
            continue;
        }
        if let Some(name) = line
            .strip_suffix('{')
            .and_then(|head| head.split_once(" ("))
        {
            current = Some((name.0.trim().to_string(), Default::default()));
        } else if let Some((column, diesel_type)) = line
            .strip_suffix(',')
            .and_then(|declaration| declaration.split_once(" -> "))
            && let Some((_, columns)) = current.as_mut()
        {
            let (diesel_type, nullable) = match diesel_type
                .strip_prefix("Nullable<")
                .and_then(|t| t.strip_suffix('>'))
            {
                Some(inner) => (inner, true),
                None => (diesel_type, false),
            };
            columns.insert(column.to_string(), (diesel_type.to_string(), nullable));
        } else if line == "}"
            && let Some((table, columns)) = current.take()
        {
            tables.insert(table, columns);
        }
    }
    tables
}

/// The two migration folders hold the same migrations, under the same names: a change made
/// for one backend and forgotten for the other fails here.
#[test]
fn both_backends_have_the_same_migrations() {
    let names = |backend: &str| -> Vec<String> {
        let dir = format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| !name.starts_with('.') && !name.ends_with(".md"))
            .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"));
}
