//! # madoguchi (the desktop app)
//!
//! - [`context`]: settings, store and audit log, session, status and the
//!   current [`connection`] (HTTP, OQS folder or training, one value); its
//!   module doc states the lock order;
//! - the feature services, each over an `Arc<Context>` and owning its own
//!   state, constructible and testable alone: [`checks::Checks`]
//!   (`desk.checks`), [`clinical::Medical`] (`desk.medical`),
//!   [`consents::Consents`], [`print::Print`], [`disaster::Disaster`],
//!   [`batch::Batches`] (`desk.batch`), [`home_visit::HomeVisits`],
//!   [`session::Staff`] (`desk.staff`), [`audit_view::AuditView`];
//!   [`card_taps`] holds taps for the window while nobody is signed in;
//! - [`desk`]: the window's and the command line's handle, holding the
//!   context and the services as fields, and opening, connecting and
//!   shutting down — no feature of its own;
//! - [`commands`]: every command of the contract (`madoguchi_api`), one
//!   dispatcher that checks its permission, thin handlers over the services;
//! - [`wire`]: storage rows as the contract's reply types; [`words`]: the
//!   desk's failures as messages, and messages in words;
//! - [`cli`]: `madoguchi <subcommand>` for scripts;
//! - [`settings`]: where data lives and which service to use.
//!
//! The modules depend on each other without a cycle, the services downward
//! on the context (`tests/module_graph.rs`). The entry points — this file,
//! `main.rs`, [`commands`], [`cli`] — may depend on everything; nothing
//! depends on them.

pub mod audit_outcome;
pub mod audit_view;
pub mod batch;
pub mod card_taps;
pub mod checks;
pub mod cli;
pub mod clinical;
pub mod commands;
pub mod connection;
pub mod context;
pub mod consents;
pub mod desk;
pub mod print;
pub mod disaster;
pub mod export;
pub mod home_visit;
pub mod reader;
pub mod retention;
pub mod session;
pub mod settings;
pub mod storage;
pub mod wire;
pub mod words;

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use tauri::Manager;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// When the process started (set first thing in `main`).
pub fn started() -> Instant {
    *STARTED.get_or_init(Instant::now)
}

/// Events to the window, through the app.
fn emitter(app: &tauri::AppHandle) -> impl Fn(&'static str, serde_json::Value) + Sync + '_ {
    move |name, payload| {
        use tauri::Emitter;
        let _ = app.emit(name, payload);
    }
}

/// The window's calls: every command of the contract, by name, through
/// [`commands::dispatch`] on a blocking thread (HTTP, SQLite). A name the
/// contract does not have is left to Tauri (`false`), which refuses it.
fn invoke_handler(desk: Arc<desk::Desk>) -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    move |invoke| {
        let name = invoke.message.command().to_string();
        if !commands::table().contains(&name) {
            return false;
        }
        let args = match invoke.message.payload() {
            tauri::ipc::InvokeBody::Json(v) => v.clone(),
            tauri::ipc::InvokeBody::Raw(_) => {
                invoke.resolver.reject(madoguchi_core::message::ApiError::new(
                    madoguchi_core::message::Msg::new("error-internal").arg("detail", format!("raw arguments for `{name}`")),
                ));
                return true;
            }
        };
        let app = invoke.message.webview().app_handle().clone();
        let resolver = invoke.resolver;
        let desk = Arc::clone(&desk);
        tauri::async_runtime::spawn(async move {
            let answer = tauri::async_runtime::spawn_blocking(move || {
                let emit = emitter(&app);
                commands::dispatch(&desk, &emit, &name, args, chrono::Local::now().naive_local())
            })
            .await
            // A handler that panicked still answers (as before: `error-internal`).
            .unwrap_or_else(|e| {
                Err(madoguchi_core::message::ApiError::new(madoguchi_core::message::Msg::new("error-internal").arg("detail", e)))
            });
            match answer {
                Ok(reply) => resolver.resolve(reply),
                Err(e) => resolver.reject(e),
            }
        });
        true
    }
}

/// Opens the desk window. Returns the process exit code.
pub fn run_gui() -> std::process::ExitCode {
    let settings = match settings::Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(cli::EXIT_LOCAL);
        }
    };
    let lang = settings.lang;
    let desk = match desk::Desk::open(settings) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}", desk::say(lang, &desk::store_msg(&e)));
            return std::process::ExitCode::from(cli::EXIT_LOCAL);
        }
    };
    // A broken audit chain is reported at start-up (and shown in the window).
    let _ = desk.audit_view.audit_check_at_start(chrono::Local::now().naive_local());
    let connecting = Arc::clone(&desk);
    // Connect (or generate the training population) while the window paints.
    std::thread::spawn(move || connecting.connect());
    let app = tauri::Builder::default()
        .manage(Arc::clone(&desk))
        .invoke_handler(invoke_handler(Arc::clone(&desk)))
        .setup(|app| {
            // Card taps reach the window as an event, without typing.
            let handle = app.handle().clone();
            // Deferred checks are replayed in the background once the
            // service answers again; the window is told so it can refresh.
            let replaying = Arc::clone(app.state::<commands::DeskState>().inner());
            let replay_handle = app.handle().clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_secs(15));
                match replaying.checks.replay_due(chrono::Local::now().naive_local()) {
                    Ok(report) if report.replayed > 0 => {
                        commands::emit::<madoguchi_api::ChecksReplayed>(&emitter(&replay_handle), &report);
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!("replaying deferred checks: {e:?}"),
                }
            });
            // Medical information past its retention: purged now, then daily.
            retention::spawn(
                Arc::downgrade(app.state::<commands::DeskState>().inner()),
                Arc::new(|| chrono::Local::now().naive_local()),
                std::time::Duration::from_secs(3600),
            );
            app.state::<commands::DeskState>().taps.on_card_tap(move |outcome| {
                let emit = emitter(&handle);
                match outcome {
                    Ok(o) => commands::emit::<madoguchi_api::CardTapped>(&emit, &o),
                    Err(e) => commands::emit::<madoguchi_api::CardTapFailed>(&emit, &e),
                }
            });
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            app.run(|handle, event| {
                if let tauri::RunEvent::Exit = event {
                    handle.state::<commands::DeskState>().shutdown();
                }
            });
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("the window could not be opened: {e}");
            std::process::ExitCode::from(cli::EXIT_LOCAL)
        }
    }
}
