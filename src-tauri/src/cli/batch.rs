//! `madoguchi batch`: the batch check (一括照会) of an appointment list
//! without a window — the same import, run and report as the window
//! ([`crate::batch`]).
//!
//! Exit codes: 0 every row of the list answered or refused by the service
//! (the report is written; bad rows are in it), 2 the file cannot be read
//! as an appointment list, 3 the service could not be reached (the report is
//! written with the rest not checked; `--resume ID` goes on), 4 a local
//! problem (settings, database, writing the report).

use std::path::PathBuf;
use std::process::ExitCode;

use madoguchi_core::message::Msg;

use crate::cli::exit::{EXIT_INPUT, EXIT_LOCAL, EXIT_SERVICE};
use crate::desk::{say, say_error, Desk};
use crate::settings::Settings;

#[derive(clap::Args, Debug)]
pub struct BatchArgs {
    /// The appointment list (CSV, UTF-8 or Shift_JIS; see docs/APPOINTMENTS-CSV.md).
    #[arg(long, required_unless_present = "resume")]
    pub csv: Option<PathBuf>,
    /// Goes on with an earlier batch that stopped (its number, as printed).
    #[arg(long, conflicts_with = "csv")]
    pub resume: Option<i64>,
    /// The eligibility service URL (default: settings, else the embedded training service).
    #[arg(long)]
    pub service: Option<String>,
    /// Where to write the grouped report as JSON.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Where to write the report as CSV (UTF-8 with BOM, for Excel).
    #[arg(long)]
    pub report_csv: Option<PathBuf>,
}

pub fn batch_cmd(mut settings: Settings, args: BatchArgs) -> ExitCode {
    let lang = settings.lang;
    if args.service.is_some() {
        settings.service_url = args.service.clone();
    }
    let now = chrono::Local::now().naive_local();
    let desk = match Desk::open(settings) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}", say(lang, &crate::desk::store_msg(&e)));
            return ExitCode::from(EXIT_LOCAL);
        }
    };
    // The list is read (and refused, when it must be) before any service starts.
    let batch_id = match (&args.csv, args.resume) {
        (_, Some(id)) => id,
        (Some(path), None) => {
            // A regular file only: a named pipe would wait here forever.
            let bytes = match madoguchi_adapters::input_file::read(path, None) {
                Ok(b) => b,
                Err(e) if madoguchi_adapters::input_file::not_regular(&e).is_some() => {
                    eprintln!("{}", say(lang, &Msg::new("batch-file-not-regular").arg("path", path.display())));
                    return ExitCode::from(EXIT_INPUT);
                }
                Err(e) => {
                    eprintln!("{}", say(lang, &Msg::new("batch-file-unreadable").arg("path", path.display()).arg("detail", e)));
                    return ExitCode::from(EXIT_INPUT);
                }
            };
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            match desk.batch.import(&bytes, name.as_deref(), now) {
                Ok(import) => {
                    for b in &import.bad_rows {
                        for p in &b.problems {
                            let line = say(lang, &Msg::new("batch-row-line").arg("line", b.line));
                            match p.column {
                                Some(c) => eprintln!("{line}: {}: {}", madoguchi_i18n::tr(lang, &c.message_id(), &[]), say(lang, &p.message)),
                                None => eprintln!("{line}: {}", say(lang, &p.message)),
                            }
                        }
                    }
                    import.batch.id
                }
                Err(e) => {
                    eprintln!("{}", say_error(lang, &e));
                    return ExitCode::from(EXIT_INPUT);
                }
            }
        }
        (None, None) => unreachable!("clap requires --csv or --resume"),
    };
    desk.connect();
    let run = match desk.batch.run(batch_id, &|_| {}, now) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}", say_error(lang, &e));
            return ExitCode::from(EXIT_SERVICE);
        }
    };
    let write = |path: &PathBuf, text: String| -> Result<(), ExitCode> {
        std::fs::write(path, text).map_err(|e| {
            eprintln!("{}", say(lang, &Msg::new("batch-report-write-failed").arg("path", path.display()).arg("detail", e)));
            ExitCode::from(EXIT_LOCAL)
        })
    };
    if let Some(path) = &args.report {
        let json = serde_json::to_string_pretty(&serde_json::json!({
            "batch": run.batch,
            "report": run.report,
        }))
        .expect("reports serialise");
        if let Err(code) = write(path, json) {
            return code;
        }
    }
    if let Some(path) = &args.report_csv {
        if let Err(code) = write(path, crate::batch::report_csv(lang, &run.report)) {
            return code;
        }
    }
    println!("#{} {}", run.batch.id, crate::batch::summary(lang, &run.report));
    match run.stopped {
        Some(why) => {
            eprintln!("{}", say(lang, &why));
            ExitCode::from(EXIT_SERVICE)
        }
        None => ExitCode::SUCCESS,
    }
}
