//! `madoguchi <subcommand>`: the desk for scripts, without a window. The same
//! [`Desk`] as the window: same validation, gateway and store. One module
//! per subcommand ([`check`], [`oqs`], [`audit`], [`disaster`], [`batch`],
//! [`backup`] with restore and cache, [`print`], [`staff`], [`export`]); the exit codes in [`exit`].

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use madoguchi_i18n::Lang;

use crate::desk::{say, Desk};
use crate::settings::Settings;

pub mod audit;
pub mod backup;
pub mod batch;
pub mod check;
pub mod disaster;
pub mod exit;
pub mod export;
pub mod oqs;
pub mod print;
pub mod staff;

pub use check::CheckArgs;
pub use exit::{EXIT_INPUT, EXIT_LOCAL, EXIT_SERVICE};

#[derive(Parser, Debug)]
#[command(name = "madoguchi", version, about = "窓口 Madoguchi — オンライン資格確認 at the front desk. Without a subcommand, opens the desk window.")]
pub struct Cli {
    /// Language of messages: ja (default) or en.
    #[arg(long, global = true)]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 資格確認 from card details; prints the result as JSON.
    Check(CheckArgs),
    /// The OQS folder of the qualification terminal.
    #[command(subcommand)]
    Oqs(OqsCommand),
    /// 照会番号: `register` the facility's patient number for a card.
    #[command(subcommand)]
    Reference(check::ReferenceCommand),
    /// The audit log of this desk.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 災害時モード: `lookup` by four fields, `declare`/`end`/`status` of the
    /// facility's local emergency.
    #[command(subcommand)]
    Disaster(disaster::DisasterCommand),
    /// 一括照会: checks every appointment of a CSV list and writes the
    /// grouped report (`--report FILE.json`, `--report-csv FILE`).
    Batch(batch::BatchArgs),
    /// Writes an encrypted backup of the local database (`--out FILE`), or
    /// checks one (`verify FILE`). Passphrase: asked, or MADOGUCHI_BACKUP_PASSPHRASE.
    Backup(backup::BackupArgs),
    /// Restores a backup as this computer's local database (`--replace` to
    /// replace the one already here).
    Restore(backup::RestoreArgs),
    /// The local cache: `stats` (counts, oldest entry, queue length).
    #[command(subcommand)]
    Cache(backup::CacheCommand),
    /// Prints a PDF for a patient from what this desk holds:
    /// eligibility | medication-list | checkups | clinical | access-slip.
    /// Medical information only with a valid consent (else no file, exit 2).
    Print(print::PrintArgs),
    /// Staff accounts for scripted use: `init` (the first administrator),
    /// `add` (an administrator adds an account with a role; logged).
    /// Passwords from MADOGUCHI_NEW_STAFF_PASSWORD / MADOGUCHI_STAFF_PASSWORD, else asked.
    #[command(subcommand)]
    Staff(staff::StaffCommand),
    /// Exports a patient's confirmed insurance: `export fhir --patient KEY
    /// [--out FILE]` gives a FHIR JP Core Bundle (JP_Patient, JP_Coverage,
    /// the insurer); logged.
    Export(export::ExportArgs),
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Checks the hash chain; exits non-zero when an entry was edited,
    /// deleted, reordered or cut off.
    Verify,
    /// Prints the audit log as CSV (UTF-8 with BOM, for Excel).
    Export,
}

#[derive(Subcommand, Debug)]
pub enum OqsCommand {
    /// Parses an OQS file (request or response, Shift_JIS or UTF-8) and prints
    /// the domain value as JSON: the same parser as the app.
    Parse {
        file: std::path::PathBuf,
    },
    /// Takes the pending card taps in DIR/face/ into today's checks, exactly
    /// as the running desk's watcher does; prints one JSON result per line.
    Ingest {
        #[arg(long)]
        dir: std::path::PathBuf,
    },
}

pub fn run(cli: Cli) -> ExitCode {
    let mut settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_LOCAL);
        }
    };
    if let Some(l) = cli.lang.as_deref() {
        match Lang::parse(l) {
            Some(l) => settings.lang = l,
            None => {
                eprintln!("--lang: ja / en");
                return ExitCode::from(EXIT_INPUT);
            }
        }
    }
    match cli.command {
        Some(Command::Check(args)) => check::check(settings, args),
        Some(Command::Reference(cmd)) => check::reference(settings, cmd),
        Some(Command::Oqs(OqsCommand::Parse { file })) => oqs::oqs_parse(settings.lang, &file),
        Some(Command::Oqs(OqsCommand::Ingest { dir })) => oqs::oqs_ingest(settings, &dir),
        Some(Command::Audit(cmd)) => audit::audit(settings, cmd),
        Some(Command::Disaster(cmd)) => disaster::disaster_cmd(settings, cmd),
        Some(Command::Batch(args)) => batch::batch_cmd(settings, args),
        Some(Command::Backup(args)) => backup::backup_cmd(settings, args),
        Some(Command::Restore(args)) => backup::restore_cmd(settings, args),
        Some(Command::Cache(cmd)) => backup::cache_cmd(settings, cmd),
        Some(Command::Print(args)) => print::print_cmd(settings, args),
        Some(Command::Staff(cmd)) => staff::staff_cmd(settings, cmd),
        Some(Command::Export(args)) => export::export_cmd(settings, args),
        None => unreachable!("main opens the window when no subcommand is given"),
    }
}

/// Writes `bytes` to `out` beside it first (`<out>.tmp`) and moves it into
/// place, so no half-written file is ever left under the name asked for;
/// says what was written, or why not (exit code 4).
pub(crate) fn write_file(lang: Lang, out: &std::path::Path, bytes: &[u8]) -> ExitCode {
    use madoguchi_core::message::Msg;
    let mut tmp = out.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    if let Err(e) = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, out)) {
        let _ = std::fs::remove_file(&tmp);
        eprintln!("{}", say(lang, &Msg::new("print-write-failed").arg("file", out.display().to_string()).arg("reason", e.to_string())));
        return ExitCode::from(EXIT_LOCAL);
    }
    println!("{}", say(lang, &Msg::new("print-written").arg("file", out.display().to_string()).arg("bytes", bytes.len())));
    ExitCode::SUCCESS
}

/// Opens the desk's local store, or says why not (exit code 4).
pub(crate) fn open_desk(settings: Settings) -> Result<std::sync::Arc<Desk>, ExitCode> {
    let lang = settings.lang;
    Desk::open(settings).map_err(|e| {
        eprintln!("{}", say(lang, &crate::desk::store_msg(&e)));
        ExitCode::from(EXIT_LOCAL)
    })
}
