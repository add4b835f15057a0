//! `madoguchi export fhir --patient KEY [--out FILE]`: a patient's confirmed
//! insurance as a FHIR JP Core Bundle (JP_Patient, JP_Coverage, the insurer),
//! from the latest check this desk holds — through `desk.export`, so the
//! same role check and audit entry as the window. Without `--out` the JSON
//! goes to standard output.

use std::path::PathBuf;
use std::process::ExitCode;

use madoguchi_core::message::Msg;

use crate::cli::exit::EXIT_INPUT;
use crate::settings::Settings;
use crate::words::{say, say_error};

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The format: fhir (FHIR JP Core, JSON).
    pub format: String,
    /// The patient: 保険者番号:記号:番号:枝番 (as `madoguchi check` prints it).
    #[arg(long)]
    pub patient: String,
    /// Where to write the file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Sign in as this staff account first (outside training mode); the
    /// password from MADOGUCHI_STAFF_PASSWORD, else asked without echo.
    #[arg(long)]
    pub staff: Option<String>,
}

pub fn export_cmd(settings: Settings, args: ExportArgs) -> ExitCode {
    let lang = settings.lang;
    if args.format.trim() != "fhir" {
        eprintln!("{}", say(lang, &Msg::new("export-unknown-format").arg("format", args.format.trim())));
        return ExitCode::from(EXIT_INPUT);
    }
    let desk = match crate::cli::open_desk(settings) {
        Ok(d) => d,
        Err(code) => return code,
    };
    desk.connect();
    let now = chrono::Local::now().naive_local();
    if let Err(code) = crate::cli::disaster::sign_in(&desk, args.staff.as_deref(), lang, now) {
        desk.shutdown();
        return code;
    }
    let result = desk.export.fhir(&args.patient, now);
    desk.shutdown();
    let json = match result {
        Ok(j) => j,
        Err(e) => {
            eprintln!("{}", say_error(lang, &e));
            return ExitCode::from(EXIT_INPUT);
        }
    };
    let Some(out) = args.out else {
        println!("{json}");
        return ExitCode::SUCCESS;
    };
    crate::cli::write_file(lang, &out, json.as_bytes())
}
