//! `madoguchi print KIND --patient KEY --out FILE.pdf`: the desk's printing
//! (`crate::print`) for scripts — the same role check and consent decision as
//! the window. Without a valid consent for the category no file is written
//! and the exit code says why (2: not allowed or nothing to print, 4: local
//! problem).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::exit::EXIT_INPUT;
use crate::desk::{say, say_error};
use crate::print::PrintKind;
use crate::settings::Settings;
use madoguchi_core::message::Msg;

#[derive(clap::Args, Debug)]
pub struct PrintArgs {
    /// eligibility | medication-list | checkups | clinical | access-slip
    pub kind: String,
    /// The patient: 保険者番号:記号:番号:枝番 (as `madoguchi check` prints it).
    #[arg(long)]
    pub patient: String,
    /// Where to write the PDF.
    #[arg(long)]
    pub out: PathBuf,
    /// Sign in as this staff account first (outside training mode printing
    /// needs one); the password from MADOGUCHI_STAFF_PASSWORD, else asked on
    /// the terminal without echo.
    #[arg(long)]
    pub staff: Option<String>,
}

pub fn print_cmd(settings: Settings, args: PrintArgs) -> ExitCode {
    let lang = settings.lang;
    let Some(kind) = PrintKind::parse(&args.kind) else {
        eprintln!("{}", say(lang, &Msg::new("print-unknown-kind").arg("kind", &args.kind)));
        return ExitCode::from(EXIT_INPUT);
    };
    let desk = match crate::cli::open_desk(settings) {
        Ok(d) => d,
        Err(code) => return code,
    };
    // Who may print is decided by the signed-in role: `--staff`, or in
    // training mode (the embedded service) the trainee.
    desk.connect();
    let now = chrono::Local::now().naive_local();
    if let Err(code) = crate::cli::disaster::sign_in(&desk, args.staff.as_deref(), lang, now) {
        desk.shutdown();
        return code;
    }
    let result = desk.print.print(kind, &args.patient, now);
    desk.shutdown();
    let bytes = match result {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}", say_error(lang, &e));
            return ExitCode::from(EXIT_INPUT);
        }
    };
    crate::cli::write_file(lang, &args.out, &bytes)
}
