//! `madoguchi oqs parse|ingest`: OQS files with the app's own parser and watcher path.

use std::process::ExitCode;

use madoguchi_i18n::Lang;

use super::exit::EXIT_INPUT;
use super::open_desk;
use crate::desk::{say, say_error};
use crate::settings::Settings;

pub(crate) fn oqs_parse(lang: Lang, file: &std::path::Path) -> ExitCode {
    match madoguchi_adapters::oqs::parse_file(file) {
        Ok(doc) => {
            println!("{}", serde_json::to_string_pretty(&doc).expect("documents serialise"));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", say(lang, &e.message()));
            ExitCode::from(EXIT_INPUT)
        }
    }
}

pub(crate) fn oqs_ingest(settings: Settings, dir: &std::path::Path) -> ExitCode {
    let lang = settings.lang;
    let options = settings.face_options(dir);
    let desk = match open_desk(settings) {
        Ok(d) => d,
        Err(code) => return code,
    };
    if !dir.join("face").is_dir() {
        eprintln!("{}", say(lang, &madoguchi_core::message::Msg::new("folder-missing").arg("path", dir.display())));
        return ExitCode::from(EXIT_INPUT);
    }
    let mut failed = false;
    // The same sharing rules and taken-files list as the desk's watcher: a
    // tap the desk already showed is not taken again.
    let layout = madoguchi_adapters::oqs::OqsFolderLayout::new(dir);
    for event in madoguchi_adapters::oqs::watch::ingest_pending_with(&layout, &options) {
        match desk.checks.take_card_tap(event, chrono::Local::now().naive_local()) {
            Ok(outcome) => {
                println!("{}", serde_json::to_string(&outcome.result).expect("results serialise"));
                if let Some(w) = outcome.warning {
                    eprintln!("{}", say(lang, &w));
                }
            }
            Err(e) => {
                failed = true;
                eprintln!("{}", say_error(lang, &e));
            }
        }
    }
    if failed {
        ExitCode::from(EXIT_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

