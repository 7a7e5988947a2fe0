use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use tessera::clock::Clock;
use tessera::config::{LogFormat, Settings};

#[derive(Parser)]
#[command(name = "tessera", version, about = "Headless identity and MFA API")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi {
        #[arg(long, value_enum, default_value = "yaml")]
        format: SpecFormat,
    },
    /// Manage the server keys: the keyring in the keys directory, and the token signing keys.
    Keys {
        #[command(subcommand)]
        action: KeysCommand,
    },
    /// Support operations and integrator credentials.
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Make an operator key for `/v1/admin` (support: find, freeze, unfreeze accounts). The
    /// key is printed once; only its digest is kept.
    CreateOperatorKey {
        /// Who the key is for, as the audit log will name them.
        #[arg(long)]
        name: String,
    },
    /// Make an introspection key for an integrator's back-end: it authorises `POST
    /// /v1/introspect` and nothing else. Printed once; only its digest is kept.
    CreateIntrospectionKey {
        /// Whose back-end the key is for.
        #[arg(long)]
        name: String,
    },
    /// Verify an organisation's domain without DNS (the operator vouches for it): claimed if
    /// it was not, audited in the organisation's log. Refused (exit 1) when another
    /// organisation has verified it.
    VerifyDomain {
        /// The organisation's id.
        #[arg(long)]
        org: String,
        /// The domain, such as acme.com.
        #[arg(long)]
        domain: String,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Add a new key, and make it active once every running server holds it.
    Rotate {
        /// Seconds to wait for running servers to load the new key before giving up (the
        /// key then stays staged; run the command again).
        #[arg(long, default_value_t = 60)]
        wait: u64,
    },
    /// Show each key: id, creation time, whether it is active, and how many sealed items it
    /// still protects; then the token signing keys and the running servers' keys.
    List,
    /// Re-seal every secret and digest under older keys with the active key, once every
    /// running server has loaded it.
    Reseal {
        /// Seconds to wait for running servers to load the active key before refusing.
        #[arg(long, default_value_t = 60)]
        wait: u64,
    },
    /// Make a new JWT signing key and retire the current one. Servers sign with the new key
    /// within a minute; the JWKS keeps the retired key until the tokens it signed expired.
    RotateSigning,
    /// Remove a key; refused (exit 1) while anything is still sealed under it, or while a
    /// running server has not loaded the active key.
    Retire {
        /// The key's id, as `tessera keys list` shows it.
        id: String,
        /// Seconds to wait for running servers to load the active key before refusing.
        #[arg(long, default_value_t = 60)]
        wait: u64,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SpecFormat {
    Yaml,
    Json,
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        // actix-web-prom warns on every /docs asset that it cannot spell the route's pattern
        // out (the metrics still count it, under the pattern itself): not worth a log line.
        .unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new("info,actix_server=warn,actix_web_prom=error")
        });
    // Colour codes only for a person at a terminal, not for a file or a log collector.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi);
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
        LogFormat::Text => builder.init(),
    }
}

/// Writes `text` to standard output. A reader that stopped early (`tessera openapi | head`)
/// is not a failure: what it wanted, it got.
fn write_out(text: &str) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tessera: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A setting that cannot work: the start stops with one line naming it, and exit code 2 (as
/// for any other usage error).
fn check_settings(settings: &Settings) -> Result<(), ExitCode> {
    settings.validate().map_err(|e| {
        eprintln!("tessera: invalid setting {e}");
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if !matches!(command, Command::Openapi { .. })
        && let Err(code) = check_settings(&cli.settings)
    {
        return code;
    }
    match command {
        Command::Keys { action } => keys(&cli.settings, action),
        Command::Admin {
            action: AdminCommand::CreateOperatorKey { name },
        } => match tessera::admin::create_operator_key(&cli.settings, &name) {
            Ok(token) => {
                println!("{}", token.expose());
                eprintln!("operator key for {name}: shown only now; keep it secret");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("tessera admin: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Admin {
            action: AdminCommand::CreateIntrospectionKey { name },
        } => match tessera::admin::create_introspection_key(&cli.settings, &name) {
            Ok(token) => {
                println!("{}", token.expose());
                eprintln!("introspection key for {name}: shown only now; keep it secret");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("tessera admin: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Admin {
            action: AdminCommand::VerifyDomain { org, domain },
        } => {
            init_logging(cli.settings.log_format);
            match tessera::admin::verify_domain(&cli.settings, &org, &domain) {
                Ok(verified) => {
                    println!("{} is verified for organisation {org}", verified.domain);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("tessera admin: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Openapi { format } => {
            let spec = tessera::api_doc();
            let text = match format {
                SpecFormat::Yaml => spec.to_yaml().map_err(|e| e.to_string()),
                SpecFormat::Json => spec.to_pretty_json().map_err(|e| e.to_string()),
            };
            match text {
                Ok(text) => write_out(&text),
                Err(e) => {
                    eprintln!("cannot render the spec: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Migrate => {
            init_logging(cli.settings.log_format);
            match tessera::build_state(cli.settings, Clock::System) {
                Ok(_) => {
                    tracing::info!("database is up to date");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    tracing::error!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve => {
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            tessera::threads::limit_malloc_arenas(cores);
            init_logging(cli.settings.log_format);
            serve(cli.settings)
        }
    }
}

fn keys(settings: &Settings, action: KeysCommand) -> ExitCode {
    use tessera::admin;
    // Written at the end, so that a reader that stops early (`keys list | head`) is no crash.
    let mut out = String::new();
    macro_rules! say {
        ($out:ident, $($arg:tt)*) => {{
            use std::fmt::Write as _;
            let _ = writeln!($out, $($arg)*);
        }};
    }
    let outcome = match action {
        KeysCommand::Rotate { wait } => {
            admin::rotate(settings, Duration::from_secs(wait)).map(|id| {
                say!(
                    out,
                    "added key {id}, held by every running server, and made it active"
                );
            })
        }
        KeysCommand::List => admin::list(settings)
            .map(|keys| {
                say!(
                    out,
                    "{:<24} {:<25} {:<6} {:<12} expiring_items",
                    "id",
                    "created_at",
                    "active",
                    "sealed_items"
                );
                for key in keys {
                    say!(
                        out,
                        "{:<24} {:<25} {:<6} {:<12} {}",
                        key.id,
                        key.created_at.format("%Y-%m-%dT%H:%M:%SZ"),
                        match (key.active, key.staged) {
                            (true, _) => "yes",
                            (false, true) => "staged",
                            (false, false) => "no",
                        },
                        key.sealed_items,
                        key.expiring_items
                    );
                }
            })
            .and_then(|()| admin::list_signing(settings))
            .map(|signing| {
                say!(
                    out,
                    "\ntoken signing keys (newest first; they live sealed in the database):"
                );
                for key in signing {
                    let state = match key.retired_at {
                        None => "in use".to_string(),
                        Some(at) => format!("retired {}", at.format("%Y-%m-%dT%H:%M:%SZ")),
                    };
                    say!(
                        out,
                        "{:<44} {:<25} {state}",
                        key.kid,
                        key.created_at.format("%Y-%m-%dT%H:%M:%SZ")
                    );
                }
            })
            .and_then(|()| admin::running(settings))
            .map(|running| {
                say!(
                    out,
                    "\nrunning servers (seen within a minute) and the keys they hold:"
                );
                for seen in running {
                    say!(
                        out,
                        "{} started {} active {} holds {}",
                        seen.host,
                        seen.started_at.format("%Y-%m-%dT%H:%M:%SZ"),
                        seen.keys.active,
                        seen.keys.all.join(" ")
                    );
                }
            }),
        KeysCommand::Reseal { wait } => {
            admin::reseal(settings, Duration::from_secs(wait)).map(|count| {
                say!(out, "re-sealed {count} item(s) under the active key");
            })
        }
        KeysCommand::RotateSigning => admin::rotate_signing(settings).map(|rotation| {
            say!(
                out,
                "added signing key {}; servers sign with it within a minute",
                rotation.new_kid
            );
            for kid in rotation.retired {
                say!(
                    out,
                    "retired signing key {kid}; published until its tokens have expired"
                );
            }
        }),
        KeysCommand::Retire { id, wait } => admin::retire(settings, &id, Duration::from_secs(wait))
            .map(|()| {
                say!(out, "retired key {id}");
            }),
    };
    match outcome {
        Ok(()) => write_out(&out),
        Err(e) => {
            eprintln!("tessera keys: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: Settings) -> ExitCode {
    let system = actix_web::rt::System::new();
    system.block_on(async move {
        let public_url = settings.public_url.clone();
        let state = match tessera::build_state(settings, Clock::System) {
            Ok(state) => state,
            Err(e) => {
                tracing::error!("cannot start: {e}");
                return ExitCode::FAILURE;
            }
        };
        let tessera::Listening {
            server,
            addr,
            metrics_addr,
        } = match tessera::start(state.clone()) {
            Ok(started) => started,
            Err(e) => {
                tracing::error!("cannot listen: {e}");
                return ExitCode::FAILURE;
            }
        };
        tessera::spawn_maintenance(state.clone());
        tessera::delivery::worker::spawn(state.clone());
        // Without a public URL of its own the server is reached where it listens.
        let base = if public_url == Settings::default_public_url() {
            format!("http://{addr}")
        } else {
            public_url.trim_end_matches('/').to_string()
        };
        tracing::info!(%addr, docs = %format!("{base}/docs/"), "Tessera is listening");
        if let Some(metrics_addr) = metrics_addr {
            tracing::info!(%metrics_addr, "metrics listening at /metrics");
        }
        let stopped = server.await;
        if let Err(e) = tessera::write_session_activity(&state).await {
            tracing::warn!(error = %e, "session activity not recorded at stop");
        }
        if let Err(e) = tessera::leave(&state).await {
            tracing::warn!(error = %e, "this instance's row was not removed at stop");
        }
        match stopped {
            Ok(()) => {
                tracing::info!("stopped");
                ExitCode::SUCCESS
            }
            Err(e) => {
                tracing::error!("server error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
