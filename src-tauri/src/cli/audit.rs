//! `madoguchi audit verify|export`: the audit chain checked, the log as CSV.

use std::process::ExitCode;


use super::exit::EXIT_LOCAL;
use super::open_desk;
use crate::desk::{say, say_error};
use crate::settings::Settings;
use super::AuditCommand;

pub(crate) fn audit(settings: Settings, cmd: AuditCommand) -> ExitCode {
    let lang = settings.lang;
    let desk = match open_desk(settings) {
        Ok(d) => d,
        Err(code) => return code,
    };
    match cmd {
        AuditCommand::Verify => match desk.context().audit_verify() {
            Ok(report) => {
                println!("{}", say(lang, &madoguchi_core::message::Msg::new("audit-verified").arg("entries", report.entries)));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{}", say(lang, &e.message()));
                ExitCode::from(EXIT_LOCAL)
            }
        },
        AuditCommand::Export => match desk.context().audit_entries() {
            Ok(entries) => {
                print!(
                    "{}",
                    madoguchi_adapters::audit::export_csv_with_words(&entries, |e| {
                        crate::audit_outcome::words_or_code(lang, e.action.code(), &e.outcome)
                    })
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{}", say_error(lang, &e));
                ExitCode::from(EXIT_LOCAL)
            }
        },
    }
}

