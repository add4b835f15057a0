//! # madoguchi (the desktop app)
//!
//! - [`desk`]: the application service (validate → gateway → store), shared by
//!   the window and the command line;
//! - [`commands`]: the thin Tauri commands over it;
//! - [`cli`]: `madoguchi <subcommand>` for scripts;
//! - [`settings`]: where data lives and which service to use.

pub mod audit_outcome;
pub mod audit_view;
pub mod batch;
pub mod cli;
pub mod cli_batch;
pub mod cli_disaster;
pub mod cli_backup;
pub mod cli_print;
pub mod clinical;
pub mod commands;
pub mod consents;
pub mod desk;
pub mod print;
pub mod disaster;
pub mod home_visit;
pub mod reader;
pub mod retention;
pub mod session;
pub mod settings;
pub mod storage;

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use tauri::Manager;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// When the process started (set first thing in `main`).
pub fn started() -> Instant {
    *STARTED.get_or_init(Instant::now)
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
    let _ = desk.audit_check_at_start(chrono::Local::now().naive_local());
    let connecting = Arc::clone(&desk);
    // Connect (or generate the training population) while the window paints.
    std::thread::spawn(move || connecting.connect());
    let app = tauri::Builder::default()
        .manage(Arc::clone(&desk))
        .invoke_handler(tauri::generate_handler![
            commands::desk_status,
            commands::desk_language,
            commands::check_eligibility,
            commands::todays_checks,
            commands::check_detail,
            commands::ui_ready,
            commands::get_settings,
            commands::save_settings,
            commands::simulate_card_tap,
            commands::training_outage,
            commands::home_visit_start,
            commands::home_visit_begin,
            commands::home_visit_consent,
            commands::home_visit_identity,
            commands::home_visit_card,
            commands::home_visit_reuse,
            commands::home_visit_sync,
            commands::view_medical,
            commands::print_document,
            commands::changes_to_review,
            commands::acknowledge_change,
            commands::pending_checks,
            commands::batch_import,
            commands::batch_run,
            commands::batch_cancel,
            commands::batches_unfinished,
            commands::batch_export_csv,
            commands::disaster_lookup,
            commands::record_disaster_consent,
            commands::signed_in,
            commands::sign_in,
            commands::sign_out,
            commands::staff_gate,
            commands::touch_session,
            commands::first_start,
            commands::add_staff,
            commands::staff_list,
            commands::disable_staff,
            commands::enable_staff,
            commands::reset_staff_password,
            commands::change_own_password,
            commands::audit_page,
            commands::audit_export_csv,
            commands::audit_chain,
            commands::local_emergency,
            commands::declare_local_emergency,
            commands::end_local_emergency,
        ])
        .setup(|app| {
            // Card taps reach the window as an event, without typing.
            let handle = app.handle().clone();
            // Deferred checks are replayed in the background once the
            // service answers again; the window is told so it can refresh.
            let replaying = Arc::clone(app.state::<commands::DeskState>().inner());
            let replay_handle = app.handle().clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_secs(15));
                match replaying.replay_due(chrono::Local::now().naive_local()) {
                    Ok(report) if report.replayed > 0 => {
                        use tauri::Emitter;
                        let _ = replay_handle.emit("checks-replayed", report);
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
            app.state::<commands::DeskState>().on_card_tap(move |outcome| {
                use tauri::Emitter;
                let _ = match outcome {
                    Ok(o) => handle.emit("card-tapped", o),
                    Err(e) => handle.emit("card-tap-failed", e),
                };
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
