//! The shared test harness: each test starts its own Tessera on an ephemeral port with a
//! fresh database (a temporary SQLite file, or a schema of its own in the PostgreSQL named by
//! `TESSERA_TEST_DATABASE_URL`) and a manual clock it can move.

#![allow(dead_code)]

pub mod dns;
pub mod oidc_provider;
pub mod orgs;
pub mod smtp;
pub mod tcp;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use tessera::clock::{Clock, ManualClock};
use tessera::config::Settings;
use tessera::state::AppState;

pub const PASSWORD: &str = "correct horse battery staple";
pub const CHROME_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
pub const FIREFOX_UA: &str =
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

pub struct TestApp {
    pub base: String,
    /// Base URL of the separate metrics listener, when the app was built with one.
    pub metrics_base: Option<String>,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    pub http: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    server: actix_web::dev::ServerHandle,
    settings: Settings,
    pg: Option<PgSchema>,
}

struct PgSchema {
    admin_url: String,
    schema: String,
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ = conn.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

#[derive(Default)]
pub struct TestAppBuilder {
    trusted_proxies: Vec<String>,
    allowed_origins: Vec<String>,
    database_url: Option<String>,
    geoip_database: Option<std::path::PathBuf>,
    metrics_on_own_port: bool,
    tweak: Option<SettingsTweak>,
}

/// A change to the harness's settings, made by a test.
type SettingsTweak = Box<dyn FnOnce(&mut Settings)>;

impl TestAppBuilder {
    pub fn trusted_proxies(mut self, proxies: &[&str]) -> Self {
        self.trusted_proxies = proxies.iter().map(|s| s.to_string()).collect();
        self
    }

    pub fn allowed_origins(mut self, origins: &[&str]) -> Self {
        self.allowed_origins = origins.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Locates with the test fixture, where 203.0.113.0/24 is Berlin, DE.
    pub fn geoip_fixture(mut self) -> Self {
        self.geoip_database = Some(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/api/fixtures/geoip-city-test.mmdb"),
        );
        self
    }

    /// Changes settings beyond the harness's defaults.
    pub fn settings(mut self, tweak: impl FnOnce(&mut Settings) + 'static) -> Self {
        self.tweak = Some(Box::new(tweak));
        self
    }

    /// Serves `/metrics` on a listener of its own (`TESSERA_METRICS_BIND`).
    pub fn metrics_on_own_port(mut self) -> Self {
        self.metrics_on_own_port = true;
        self
    }

    pub async fn spawn(self) -> TestApp {
        if std::env::var("TESSERA_TEST_LOG").is_ok() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter("warn")
                .with_test_writer()
                .try_init();
        }
        let data_dir = tempfile::tempdir().expect("temp dir");
        let pg = std::env::var("TESSERA_TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
            .map(|admin_url| {
                let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
                let mut conn = PgConnection::establish(&admin_url)
                    .unwrap_or_else(|e| panic!("TESSERA_TEST_DATABASE_URL unreachable: {e}"));
                conn.batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .expect("create test schema");
                PgSchema { admin_url, schema }
            });
        let database_url = self.database_url.unwrap_or_else(|| match &pg {
            Some(pg) => {
                let sep = if pg.admin_url.contains('?') { '&' } else { '?' };
                format!("{}{sep}options=-csearch_path%3D{}", pg.admin_url, pg.schema)
            }
            None => data_dir
                .path()
                .join("tessera.db")
                .to_string_lossy()
                .into_owned(),
        });
        let mut settings = Settings {
            bind: "127.0.0.1:0".into(),
            data_dir: data_dir.path().to_path_buf(),
            database_url: Some(database_url),
            database_pool_size: 4,
            workers: Some(2),
            trusted_proxies: self.trusted_proxies,
            allowed_origins: self.allowed_origins,
            public_url: "http://tessera.test".into(),
            cookie_secure: true,
            geoip_database: self.geoip_database,
            metrics_bind: self.metrics_on_own_port.then(|| "127.0.0.1:0".to_string()),
            ..Settings::default()
        };
        if let Some(tweak) = self.tweak {
            tweak(&mut settings);
        }
        let (clock, manual) = Clock::manual(start_time());
        let state = tessera::build_state(settings.clone(), clock).expect("app state");
        let listening = tessera::start(state.clone()).expect("server starts");
        let server = listening.server.handle();
        actix_web::rt::spawn(listening.server);
        let addr = listening.addr;
        TestApp {
            base: format!("http://{addr}"),
            metrics_base: listening.metrics_addr.map(|a| format!("http://{a}")),
            clock: manual,
            state,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            data_dir,
            server,
            settings,
            pg,
        }
    }
}

/// Columns by name: (the type, whether it may be null).
pub type Columns = std::collections::BTreeMap<String, (String, bool)>;
/// Tables by name.
pub type Tables = std::collections::BTreeMap<String, Columns>;

/// A fixed, realistic start time, so tests never depend on the wall clock.
pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A response read once: status, headers and JSON body (Null when there is none).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub async fn from(response: Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json answer with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "body: {}",
            self.body
        );
        assert_eq!(self.body["code"], code, "body: {}", self.body);
        assert_eq!(self.body["status"], status);
        assert!(self.body["title"].is_string() && self.body["detail"].is_string());
        assert!(self.body["type"].as_str().unwrap().ends_with(code));
        assert_eq!(
            self.body["request_id"].as_str(),
            self.header("x-request-id"),
            "the body and the header carry the same request id"
        );
    }
}

/// A signed-in user as a client holds it.
#[derive(Debug, Clone)]
pub struct User {
    pub email: String,
    pub token: String,
    pub account_id: String,
    pub session_id: String,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestAppBuilder::default().spawn().await
    }

    pub fn builder() -> TestAppBuilder {
        TestAppBuilder::default()
    }

    /// Starts a second Tessera on the same database and keys (and clock), as a scaled-out
    /// deployment would run; returns its base URL.
    pub fn start_another_instance(&self) -> String {
        let state = tessera::build_state(self.settings.clone(), Clock::Manual(self.clock.clone()))
            .expect("second instance state");
        let listening = tessera::start(state).expect("second instance starts");
        actix_web::rt::spawn(listening.server);
        format!("http://{}", listening.addr)
    }

    /// Stops the server (as a deploy would) and starts it again on the same database and
    /// keys directory.
    pub async fn restart(&mut self) {
        self.server.stop(false).await;
        tessera::leave(&self.state)
            .await
            .expect("the stopped instance leaves");
        let state = tessera::build_state(self.settings.clone(), Clock::Manual(self.clock.clone()))
            .expect("restarted state");
        let listening = tessera::start(state.clone()).expect("restarted server starts");
        self.server = listening.server.handle();
        actix_web::rt::spawn(listening.server);
        self.base = format!("http://{}", listening.addr);
        self.state = state;
    }

    /// What a second start with this app's settings says (the running server stays).
    pub fn start_again(&self) -> Result<AppState, tessera::StartError> {
        tessera::build_state(self.settings.clone(), Clock::Manual(self.clock.clone()))
    }

    /// `tessera keys rotate` with this server running, step by step: the new key is staged
    /// (the command, told not to wait, gives up while the server does not hold it yet), the
    /// server loads it, and the command run again makes it active; the server loads that too.
    /// Returns the new key's id.
    pub async fn rotate_keys(&self) -> String {
        self.look_at_keyring().await;
        let (mut code, mut out, mut err) = self.run_cli(&["keys", "rotate", "--wait", "0"]);
        if code == 1 {
            // Staged, not active: the server has not loaded it yet (unless its own look came
            // first).
            assert!(err.contains("is added but not active"), "{err}");
            self.look_at_keyring().await;
            (code, out, err) = self.run_cli(&["keys", "rotate", "--wait", "0"]);
        }
        assert_eq!(code, 0, "{out}{err}");
        self.look_at_keyring().await;
        out.split_whitespace()
            .nth(2)
            .map(|id| id.trim_end_matches(',').to_string())
            .unwrap_or_else(|| panic!("no key id in {out}"))
    }

    /// What the server does on its own every `TESSERA_KEYRING_CHECK_SECONDS`: looks at the
    /// keyring file, loads it if it changed, and reports the keys it holds. Returns whether
    /// they changed.
    pub async fn look_at_keyring(&self) -> bool {
        tessera::check_keyring(&self.state)
            .await
            .expect("the keyring check runs")
    }

    /// Runs the `tessera` binary with this app's settings (data and keys directory,
    /// database); returns its exit code, standard output and standard error.
    pub fn run_cli(&self, args: &[&str]) -> (i32, String, String) {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("TESSERA_DATA_DIR", &self.settings.data_dir)
            .env(
                "TESSERA_DATABASE_URL",
                self.settings.database_url.clone().unwrap_or_default(),
            )
            .env("RUST_LOG", "warn")
            .output()
            .expect("the tessera binary runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.url(path))
    }

    pub fn authed(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(token)
    }

    pub async fn send(&self, request: RequestBuilder) -> Reply {
        Reply::from(request.send().await.expect("request sent")).await
    }

    /// Sends `count` requests at once, spread over the instances at `bases` (as an attacker
    /// with many connections would), and returns the replies.
    pub async fn send_at_once(
        &self,
        bases: &[String],
        count: usize,
        request: impl Fn(usize, &str) -> RequestBuilder,
    ) -> Vec<Reply> {
        let in_flight = (0..count)
            .map(|i| {
                let request = request(i, &bases[i % bases.len()]);
                actix_web::rt::spawn(async move {
                    Reply::from(request.send().await.expect("response")).await
                })
            })
            .collect::<Vec<_>>();
        let mut replies = Vec::with_capacity(count);
        for reply in in_flight {
            replies.push(reply.await.expect("request task"));
        }
        replies
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(self.authed(Method::GET, path, token)).await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Reply {
        self.send(self.request(Method::POST, path).json(&body))
            .await
    }

    pub async fn sign_up(&self, email: &str) -> User {
        let reply = self
            .post_json(
                "/v1/accounts",
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(reply.status, 201, "sign-up: {}", reply.body);
        user_from(&reply)
    }

    /// A login as a client at `ip` would send it through the trusted proxy (the app must be
    /// built with `trusted_proxies(&["127.0.0.1"])`).
    pub async fn login_from(&self, ip: &str, email: &str, password: &str) -> Reply {
        self.send(
            self.request(Method::POST, "/v1/auth/login")
                .header("x-forwarded-for", ip)
                .json(&json!({"email": email, "password": password})),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.post_json(
            "/v1/auth/login",
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// Signs in an account without MFA and returns its session.
    pub async fn login_user(&self, email: &str, password: &str) -> User {
        let reply = self.login(email, password).await;
        assert_eq!(reply.status, 200, "login: {}", reply.body);
        assert_eq!(reply.body["status"], "authenticated", "{}", reply.body);
        user_from(&reply)
    }

    /// A forgotten password, as its owner recovers it: the link is read from the queued email
    /// and used to set `new_password`.
    pub async fn reset_password_by_mail(&self, email: &str, new_password: &str) {
        let asked = self
            .post_json("/v1/auth/password/forgot", json!({"email": email}))
            .await;
        assert_eq!(asked.status, 202, "{}", asked.body);
        let mail = self
            .queued_messages(email, "password_reset")
            .pop()
            .expect("a reset email");
        let start = mail.find("token=").expect("a link") + "token=".len();
        let token: String = mail[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let reset = self
            .post_json(
                "/v1/auth/password/reset",
                json!({"token": token, "new_password": new_password}),
            )
            .await;
        assert_eq!(reset.status, 204, "{}", reset.body);
    }

    pub async fn login_with_agent(&self, email: &str, user_agent: &str) -> User {
        let reply = self
            .send(
                self.request(Method::POST, "/v1/auth/login")
                    .header("user-agent", user_agent)
                    .json(&json!({"email": email, "password": PASSWORD})),
            )
            .await;
        assert_eq!(reply.status, 200, "login: {}", reply.body);
        assert_eq!(reply.body["status"], "authenticated");
        user_from(&reply)
    }

    pub async fn session_check(&self, token: &str) -> StatusCode {
        self.get("/v1/sessions/current", token).await.status
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// One round of the outbox worker (the harness runs no background worker, so tests say
    /// when messages go out); returns how many messages were attempted.
    pub async fn deliver_outbox(&self) -> usize {
        tessera::delivery::worker::run_round(&self.state)
            .await
            .expect("an outbox round")
    }

    /// Runs SQL on this app's database, on either backend: for states no API call produces.
    pub fn execute_sql(&self, sql: &str) {
        match &self.pg {
            Some(_) => {
                let url = self.settings.database_url.clone().unwrap();
                PgConnection::establish(&url)
                    .unwrap()
                    .batch_execute(sql)
                    .unwrap();
            }
            None => {
                let path = self.settings.database_url.clone().unwrap();
                sqlite(&path).batch_execute(sql).unwrap();
            }
        }
    }

    /// Every row of every table, as text (one JSON array per row), on either backend.
    pub fn rows_dump(&self) -> String {
        if self.pg.is_some() {
            return self.database_dump();
        }
        use diesel::RunQueryDsl;
        use diesel::sql_types::Text;
        #[derive(diesel::QueryableByName)]
        struct Line {
            #[diesel(sql_type = Text)]
            line: String,
        }
        let path = self.settings.database_url.clone().unwrap();
        let mut conn = sqlite(&path);
        let tables: Vec<Line> = diesel::sql_query(
            "SELECT name AS line FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .load(&mut conn)
        .unwrap();
        let mut dump = String::new();
        for table in tables {
            let columns: Vec<Line> = diesel::sql_query(format!(
                "SELECT name AS line FROM pragma_table_info('{}')",
                table.line
            ))
            .load(&mut conn)
            .unwrap();
            let columns = columns
                .iter()
                .map(|c| format!("\"{}\"", c.line))
                .collect::<Vec<_>>()
                .join(", ");
            let rows: Vec<Line> = diesel::sql_query(format!(
                "SELECT json_array({columns}) AS line FROM \"{}\"",
                table.line
            ))
            .load(&mut conn)
            .unwrap();
            for row in rows {
                dump.push_str(&row.line);
                dump.push('\n');
            }
        }
        dump
    }

    /// The tables of this test's database as its migrations made them: for each table, each
    /// column's type as the database names it and whether it may be null.
    pub fn columns(
        &self,
    ) -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, (String, bool)>>
    {
        use diesel::RunQueryDsl;
        use diesel::sql_types::{Bool, Text};
        #[derive(diesel::QueryableByName)]
        struct Column {
            #[diesel(sql_type = Text)]
            table_name: String,
            #[diesel(sql_type = Text)]
            column_name: String,
            #[diesel(sql_type = Text)]
            data_type: String,
            #[diesel(sql_type = Bool)]
            nullable: bool,
        }
        let columns: Vec<Column> = match &self.pg {
            Some(pg) => {
                let mut conn = PgConnection::establish(&pg.admin_url).unwrap();
                diesel::sql_query(format!(
                    "SELECT table_name::text, column_name::text, data_type::text, \
                     is_nullable = 'YES' AS nullable FROM information_schema.columns \
                     WHERE table_schema = '{}'",
                    pg.schema
                ))
                .load(&mut conn)
                .unwrap()
            }
            None => {
                let path = self.settings.database_url.clone().unwrap();
                let mut conn = sqlite(&path);
                diesel::sql_query(
                    "SELECT m.name AS table_name, c.name AS column_name, c.type AS data_type, \
                     c.\"notnull\" = 0 AND c.pk = 0 AS nullable \
                     FROM sqlite_master m, pragma_table_info(m.name) c \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
                )
                .load(&mut conn)
                .unwrap()
            }
        };
        let mut tables =
            std::collections::BTreeMap::<String, std::collections::BTreeMap<_, _>>::new();
        for column in columns {
            tables
                .entry(column.table_name)
                .or_default()
                .insert(column.column_name, (column.data_type, column.nullable));
        }
        tables
    }

    /// Everything the database holds, as text: the SQLite files (with the WAL), or every row
    /// of every table of this test's PostgreSQL schema.
    pub fn database_dump(&self) -> String {
        match &self.pg {
            Some(pg) => {
                use diesel::RunQueryDsl;
                use diesel::sql_types::Text;
                #[derive(diesel::QueryableByName)]
                struct Line {
                    #[diesel(sql_type = Text)]
                    line: String,
                }
                let mut conn = PgConnection::establish(&pg.admin_url).unwrap();
                let tables: Vec<Line> = diesel::sql_query(format!(
                    "SELECT table_name::text AS line FROM information_schema.tables WHERE table_schema = '{}'",
                    pg.schema
                ))
                .load(&mut conn)
                .unwrap();
                let mut dump = String::new();
                for table in tables {
                    let rows: Vec<Line> = diesel::sql_query(format!(
                        "SELECT row_to_json(t)::text AS line FROM {}.\"{}\" t",
                        pg.schema, table.line
                    ))
                    .load(&mut conn)
                    .unwrap();
                    for row in rows {
                        dump.push_str(&row.line);
                        dump.push('\n');
                    }
                }
                dump
            }
            None => {
                let mut dump = String::new();
                for entry in std::fs::read_dir(self.data_dir.path()).unwrap() {
                    let path = entry.unwrap().path();
                    if path.to_string_lossy().contains("tessera.db") {
                        dump.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
                    }
                }
                dump
            }
        }
    }
}

pub fn user_from(reply: &Reply) -> User {
    User {
        email: reply.body["account"]["email"].as_str().unwrap().to_string(),
        token: reply.body["session_token"].as_str().unwrap().to_string(),
        account_id: reply.body["account"]["id"].as_str().unwrap().to_string(),
        session_id: reply.body["session"]["id"].as_str().unwrap().to_string(),
    }
}

/// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) written from the RFCs for the tests, independent of
/// the server's implementation.
pub fn totp_code(base32_secret: &str, unix_seconds: i64) -> String {
    use hmac::{Hmac, Mac};
    let secret = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, base32_secret)
        .expect("base32 secret");
    let counter = (unix_seconds / 30) as u64;
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(&secret).unwrap();
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let binary = ((digest[offset] as u32 & 0x7f) << 24)
        | ((digest[offset + 1] as u32) << 16)
        | ((digest[offset + 2] as u32) << 8)
        | digest[offset + 3] as u32;
    format!("{:06}", binary % 1_000_000)
}

/// An account with an active authenticator, as the user would have it after enrolling.
pub struct MfaUser {
    pub user: User,
    pub secret: String,
    pub recovery_codes: Vec<String>,
}

impl TestApp {
    pub fn now_unix(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// The code the user's authenticator app shows right now.
    pub fn current_code(&self, secret: &str) -> String {
        totp_code(secret, self.now_unix())
    }

    /// A code of `user`'s authenticator that no request has used yet: the clock moves on to
    /// the next 30-second step first (a code is accepted once).
    pub fn next_code(&self, user: &MfaUser) -> String {
        self.advance(Duration::seconds(30));
        self.current_code(&user.secret)
    }

    pub async fn enrol_totp(&self, user: &User) -> Reply {
        self.send(
            self.authed(Method::POST, "/v1/me/mfa/totp", &user.token)
                .json(&json!({"password": PASSWORD})),
        )
        .await
    }

    pub async fn activate(&self, user: &User, factor_id: &str, code: &str) -> Reply {
        self.send(
            self.authed(
                Method::POST,
                &format!("/v1/me/mfa/factors/{factor_id}/activate"),
                &user.token,
            )
            .json(&json!({"code": code})),
        )
        .await
    }

    /// Signs up and turns on an authenticator; the clock then moves to the next time step so
    /// the activation code's step is behind.
    pub async fn sign_up_with_mfa(&self, email: &str) -> MfaUser {
        let user = self.sign_up(email).await;
        let enrolment = self.enrol_totp(&user).await;
        assert_eq!(enrolment.status, 201, "{}", enrolment.body);
        let secret = enrolment.body["secret"].as_str().unwrap().to_string();
        let factor_id = enrolment.body["factor_id"].as_str().unwrap();
        let activation = self
            .activate(&user, factor_id, &self.current_code(&secret))
            .await;
        assert_eq!(activation.status, 200, "{}", activation.body);
        let recovery_codes = activation.body["recovery_codes"]["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        self.advance(Duration::seconds(30));
        MfaUser {
            user,
            secret,
            recovery_codes,
        }
    }

    /// Logs in with the password and expects a second-factor challenge; returns its id.
    pub async fn login_to_challenge(&self, email: &str) -> String {
        let reply = self.login(email, PASSWORD).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["status"], "mfa_required", "{}", reply.body);
        assert!(reply.body.get("session_token").is_none());
        reply.body["challenge"]["id"].as_str().unwrap().to_string()
    }

    pub async fn verify(&self, challenge: &str, method: &str, code: &str) -> Reply {
        self.post_json(
            &format!("/v1/auth/challenges/{challenge}/verify"),
            json!({"method": method, "code": code}),
        )
        .await
    }

    pub async fn step_up(&self, path: &str, token: &str, password: &str, code: &str) -> Reply {
        self.send(
            self.authed(Method::POST, path, token)
                .json(&json!({"password": password, "code": code})),
        )
        .await
    }
}

/// A hardware token's code (RFC 6238 with SHA-256), written for the tests.
pub fn sha256_totp_code(secret: &[u8], unix_seconds: i64, period: i64, digits: u32) -> String {
    use hmac::{Hmac, Mac};
    let counter = (unix_seconds / period) as u64;
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret).unwrap();
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[digest.len() - 1] & 0x0f) as usize;
    let binary = ((digest[offset] as u32 & 0x7f) << 24)
        | ((digest[offset + 1] as u32) << 16)
        | ((digest[offset + 2] as u32) << 8)
        | digest[offset + 3] as u32;
    format!(
        "{:0width$}",
        binary % 10u32.pow(digits),
        width = digits as usize
    )
}

/// A connection of the test's own to the app's SQLite database. The running server writes
/// too (its heartbeat, the session-activity writer): it waits for the lock as the server does.
pub fn sqlite(path: &str) -> diesel::SqliteConnection {
    use diesel::connection::SimpleConnection;
    let mut conn = <diesel::SqliteConnection as diesel::Connection>::establish(path).unwrap();
    conn.batch_execute("PRAGMA busy_timeout = 5000").unwrap();
    conn
}
