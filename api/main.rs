use std::process::ExitCode;

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
}

#[derive(Clone, Copy, ValueEnum)]
enum SpecFormat {
    Yaml,
    Json,
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,actix_server=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
        LogFormat::Text => builder.init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi { format } => {
            let spec = tessera::api_doc();
            let text = match format {
                SpecFormat::Yaml => spec.to_yaml().map_err(|e| e.to_string()),
                SpecFormat::Json => spec.to_pretty_json().map_err(|e| e.to_string()),
            };
            match text {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
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
            init_logging(cli.settings.log_format);
            serve(cli.settings)
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
        tessera::spawn_maintenance(state);
        tracing::info!(%addr, docs = %format!("{}/docs/", public_url.trim_end_matches('/')), "Tessera is listening");
        if let Some(metrics_addr) = metrics_addr {
            tracing::info!(%metrics_addr, "metrics listening at /metrics");
        }
        match server.await {
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
