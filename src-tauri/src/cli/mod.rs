//! `madoguchi <subcommand>`: the desk for scripts, without a window. The same
//! [`Desk`] as the window: same validation, gateway and store.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use madoguchi_core::validation::CardInput;
use madoguchi_i18n::Lang;

use crate::desk::{say, say_error, Desk};
use crate::settings::Settings;

/// Exit codes: 0 answered (whatever the validity), 2 bad input, 3 service
/// problem, 4 local problem (settings, database).
pub const EXIT_INPUT: u8 = 2;
pub const EXIT_SERVICE: u8 = 3;
pub const EXIT_LOCAL: u8 = 4;

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
    /// The audit log of this desk.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 災害時モード: `lookup` by four fields, `declare`/`end`/`status` of the
    /// facility's local emergency.
    #[command(subcommand)]
    Disaster(crate::cli_disaster::DisasterCommand),
    /// 一括照会: checks every appointment of a CSV list and writes the
    /// grouped report (`--report FILE.json`, `--report-csv FILE`).
    Batch(crate::cli_batch::BatchArgs),
    /// Writes an encrypted backup of the local database (`--out FILE`), or
    /// checks one (`verify FILE`). Passphrase: asked, or MADOGUCHI_BACKUP_PASSPHRASE.
    Backup(crate::cli_backup::BackupArgs),
    /// Restores a backup as this computer's local database (`--replace` to
    /// replace the one already here).
    Restore(crate::cli_backup::RestoreArgs),
    /// The local cache: `stats` (counts, oldest entry, queue length).
    #[command(subcommand)]
    Cache(crate::cli_backup::CacheCommand),
    /// Prints a PDF for a patient from what this desk holds:
    /// eligibility | medication-list | checkups | clinical | access-slip.
    /// Medical information only with a valid consent (else no file, exit 2).
    Print(crate::cli_print::PrintArgs),
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

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The eligibility service URL (default: settings, else the embedded training service).
    #[arg(long)]
    pub service: Option<String>,
    /// 保険者番号 (8 digits, 6 for 国保)
    #[arg(long)]
    pub insurer: String,
    /// 記号
    #[arg(long, default_value = "")]
    pub symbol: String,
    /// 番号
    #[arg(long)]
    pub number: String,
    /// 枝番 (2 digits)
    #[arg(long, default_value = "")]
    pub branch: String,
    /// 生年月日: 1986-04-12, 19860412, S61.4.12, 昭和61年4月12日 …
    #[arg(long)]
    pub birth: String,
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
        Some(Command::Check(args)) => check(settings, args),
        Some(Command::Oqs(OqsCommand::Parse { file })) => oqs_parse(settings.lang, &file),
        Some(Command::Oqs(OqsCommand::Ingest { dir })) => oqs_ingest(settings, &dir),
        Some(Command::Audit(cmd)) => audit(settings, cmd),
        Some(Command::Disaster(cmd)) => crate::cli_disaster::disaster_cmd(settings, cmd),
        Some(Command::Batch(args)) => crate::cli_batch::batch_cmd(settings, args),
        Some(Command::Backup(args)) => crate::cli_backup::backup_cmd(settings, args),
        Some(Command::Restore(args)) => crate::cli_backup::restore_cmd(settings, args),
        Some(Command::Cache(cmd)) => crate::cli_backup::cache_cmd(settings, cmd),
        Some(Command::Print(args)) => crate::cli_print::print_cmd(settings, args),
        None => unreachable!("main opens the window when no subcommand is given"),
    }
}

fn check(mut settings: Settings, args: CheckArgs) -> ExitCode {
    let lang = settings.lang;
    if args.service.is_some() {
        settings.service_url = args.service.clone();
    }
    let input = CardInput {
        insurer_number: args.insurer,
        symbol: args.symbol,
        number: args.number,
        branch: args.branch,
        birth_date: args.birth,
    };
    let now = chrono::Local::now().naive_local();
    let desk = match open_desk(settings) {
        Ok(d) => d,
        Err(code) => return code,
    };
    // Bad input is refused before anything is sent (or any service started).
    let card = match desk.validate(&input, now.date()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}", say_error(lang, &e));
            return ExitCode::from(EXIT_INPUT);
        }
    };
    desk.connect();
    match desk.check_card(&card, now) {
        Ok(outcome) => {
            println!("{}", serde_json::to_string_pretty(&outcome.result).expect("results serialise"));
            if let Some(w) = outcome.warning {
                eprintln!("{}", say(lang, &w));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", say_error(lang, &e));
            ExitCode::from(EXIT_SERVICE)
        }
    }
}

fn oqs_parse(lang: Lang, file: &std::path::Path) -> ExitCode {
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

fn oqs_ingest(settings: Settings, dir: &std::path::Path) -> ExitCode {
    let lang = settings.lang;
    let desk = match open_desk(settings) {
        Ok(d) => d,
        Err(code) => return code,
    };
    if !dir.join("face").is_dir() {
        eprintln!("{}", say(lang, &madoguchi_core::message::Msg::new("folder-missing").arg("path", dir.display())));
        return ExitCode::from(EXIT_INPUT);
    }
    let mut failed = false;
    for event in madoguchi_adapters::oqs::ingest_pending(dir) {
        match desk.take_card_tap(event, chrono::Local::now().naive_local()) {
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

fn audit(settings: Settings, cmd: AuditCommand) -> ExitCode {
    let lang = settings.lang;
    let desk = match open_desk(settings) {
        Ok(d) => d,
        Err(code) => return code,
    };
    match cmd {
        AuditCommand::Verify => match desk.audit_verify() {
            Ok(report) => {
                println!("{}", say(lang, &madoguchi_core::message::Msg::new("audit-verified").arg("entries", report.entries)));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{}", say(lang, &e.message()));
                ExitCode::from(EXIT_LOCAL)
            }
        },
        AuditCommand::Export => match desk.audit_entries() {
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

/// Opens the desk's local store, or says why not (exit code 4).
pub(crate) fn open_desk(settings: Settings) -> Result<std::sync::Arc<Desk>, ExitCode> {
    let lang = settings.lang;
    Desk::open(settings).map_err(|e| {
        eprintln!("{}", say(lang, &crate::desk::store_msg(&e)));
        ExitCode::from(EXIT_LOCAL)
    })
}
