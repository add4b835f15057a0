// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;

fn main() -> std::process::ExitCode {
    madoguchi_app::started();
    // Before any thread starts, so that every thread shares it (a process
    // started without a login session has no session keyring; see
    // madoguchi_adapters::keystore). A failure shows when the store opens.
    let _ = madoguchi_adapters::keystore::ensure_session_keyring();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("MADOGUCHI_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = madoguchi_app::cli::Cli::parse();
    if cli.command.is_none() {
        return madoguchi_app::run_gui();
    }
    madoguchi_app::cli::run(cli)
}
