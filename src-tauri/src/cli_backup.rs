//! `madoguchi backup --out FILE`, `madoguchi backup verify FILE`,
//! `madoguchi restore FILE [--replace]` and `madoguchi cache stats`: the
//! local database's backups and what it holds, for staff and scripts.
//!
//! The recovery passphrase is asked for on the terminal (without echo; twice
//! when a backup is written), or read from `MADOGUCHI_BACKUP_PASSPHRASE`
//! for scripts. Without either, nothing is done.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use madoguchi_adapters::backup::{self, BackupError, BackupInfo};
use madoguchi_adapters::store::CacheStats;
use madoguchi_core::message::Msg;
use madoguchi_i18n::Lang;

use crate::cli::{EXIT_INPUT, EXIT_LOCAL};
use crate::desk::{say, store_msg};
use crate::settings::Settings;
use crate::storage;

/// The environment variable scripts give the recovery passphrase in.
pub const PASSPHRASE_ENV: &str = "MADOGUCHI_BACKUP_PASSPHRASE";

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BackupArgs {
    /// Where to write the encrypted backup (e.g. on removable media).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<BackupCommand>,
}

#[derive(Subcommand, Debug)]
pub enum BackupCommand {
    /// Opens a backup with its recovery passphrase and checks every page;
    /// writes nothing.
    Verify { file: PathBuf },
}

#[derive(clap::Args, Debug)]
pub struct RestoreArgs {
    /// The backup file.
    pub file: PathBuf,
    /// Replace the database already on this computer (kept beside it as
    /// `madoguchi.sqlite.before-restore`).
    #[arg(long)]
    pub replace: bool,
}

#[derive(Subcommand, Debug)]
pub enum CacheCommand {
    /// Counts, the oldest entry and the queue of deferred checks.
    Stats {
        /// Print JSON instead of lines for people.
        #[arg(long)]
        json: bool,
    },
}

fn fail(lang: Lang, msg: Msg, code: u8) -> ExitCode {
    eprintln!("{}", say(lang, &msg));
    ExitCode::from(code)
}

fn backup_failed(lang: Lang, e: &BackupError) -> ExitCode {
    let code = match e {
        BackupError::Io { .. } | BackupError::Store(_) | BackupError::TooNew { .. } => EXIT_LOCAL,
        _ => EXIT_INPUT,
    };
    fail(lang, Msg::new(e.message_id()).arg("detail", e), code)
}

/// The recovery passphrase: from the environment, else asked on the terminal
/// (`twice` when it protects a new backup). `None` after saying why.
fn passphrase(lang: Lang, twice: bool) -> Result<String, ExitCode> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        if !p.is_empty() {
            return Ok(p);
        }
    }
    if !std::io::stdin().is_terminal() {
        return Err(fail(lang, Msg::new("backup-passphrase-needed").arg("var", PASSPHRASE_ENV), EXIT_INPUT));
    }
    let ask = |id: &str| {
        rpassword::prompt_password(format!("{} ", say(lang, &Msg::new(id)).trim_end()))
            .map_err(|e| fail(lang, Msg::new("backup-passphrase-unreadable").arg("detail", e), EXIT_INPUT))
    };
    let first = ask("backup-passphrase-prompt")?;
    if twice && ask("backup-passphrase-again")? != first {
        return Err(fail(lang, Msg::new("backup-passphrase-mismatch"), EXIT_INPUT));
    }
    Ok(first)
}

fn counts_msg(id: &str, info: &BackupInfo) -> Msg {
    Msg::new(id)
        .arg("created", info.created_at.format("%Y-%m-%d %H:%M"))
        .arg("checks", info.counts.checks)
        .arg("queued", info.counts.queued_checks)
        .arg("medical", info.counts.medical_rows)
        .arg("bytes", info.bytes)
}

pub fn backup_cmd(settings: Settings, args: BackupArgs) -> ExitCode {
    let lang = settings.lang;
    match (args.command, args.out) {
        (Some(BackupCommand::Verify { file }), _) => verify(lang, &file),
        (None, Some(out)) => write_backup(&settings, &out),
        (None, None) => fail(lang, Msg::new("backup-out-missing"), EXIT_INPUT),
    }
}

fn write_backup(settings: &Settings, out: &Path) -> ExitCode {
    let lang = settings.lang;
    let store = match storage::open_existing(settings) {
        Ok(Some(s)) => s,
        Ok(None) => return fail(lang, Msg::new("backup-nothing").arg("path", settings.database_path().display()), EXIT_INPUT),
        Err(e) => return fail(lang, store_msg(&e), EXIT_LOCAL),
    };
    if out.exists() {
        // A backup is never written over another file (it may be the only good one).
        return fail(lang, Msg::new("backup-out-exists").arg("path", out.display()), EXIT_INPUT);
    }
    let pass = match passphrase(lang, true) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match backup::backup(&store, out, &pass) {
        Ok(info) => {
            println!("{}", say(lang, &counts_msg("backup-written", &info).arg("path", out.display())));
            ExitCode::SUCCESS
        }
        Err(e) => backup_failed(lang, &e),
    }
}

fn verify(lang: Lang, file: &Path) -> ExitCode {
    let pass = match passphrase(lang, false) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match backup::verify_backup(file, &pass) {
        Ok(info) => {
            println!("{}", say(lang, &counts_msg("backup-verified", &info).arg("path", file.display())));
            ExitCode::SUCCESS
        }
        Err(e) => backup_failed(lang, &e),
    }
}

pub fn restore_cmd(settings: Settings, args: RestoreArgs) -> ExitCode {
    let lang = settings.lang;
    let pass = match passphrase(lang, false) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // The backup is opened and checked whole before anything is touched, so
    // a wrong passphrase or a damaged file changes nothing.
    let info = match backup::verify_backup(&args.file, &pass) {
        Ok(info) => info,
        Err(e) => return backup_failed(lang, &e),
    };
    let db = settings.database_path();
    if storage::exists(&settings) {
        if !args.replace {
            // Say what would be replaced, and by what; change nothing.
            let existing = match storage::open_existing(&settings) {
                Ok(Some(store)) => store.stats().map_err(|e| store_msg(&e)),
                Ok(None) => Ok(CacheStats { checks: 0, people: 0, oldest: None, queue_length: 0, medical_rows: 0 }),
                Err(e) => Err(store_msg(&e)),
            };
            let msg = match existing {
                Ok(s) => Msg::new("restore-would-replace")
                    .arg("path", db.display())
                    .arg("checks", s.checks)
                    .arg("oldest", oldest(lang, &s))
                    .arg("queue", s.queue_length)
                    .arg("medical", s.medical_rows),
                // Unreadable (damaged, another key …): still never replaced silently.
                Err(m) => Msg::new("restore-would-replace-unreadable").arg("path", db.display()).arg("detail", say(lang, &m)),
            };
            eprintln!("{}", say(lang, &msg));
            eprintln!("{}", say(lang, &counts_msg("restore-backup-holds", &info)));
            return fail(lang, Msg::new("restore-needs-replace"), EXIT_INPUT);
        }
    }
    let replacing = storage::exists(&settings);
    match storage::restore(&settings, &args.file, &pass, args.replace) {
        Ok(info) => {
            println!("{}", say(lang, &counts_msg("restore-done", &info).arg("path", db.display())));
            if replacing {
                let mut kept = db.clone().into_os_string();
                kept.push(".before-restore");
                println!("{}", say(lang, &Msg::new("restore-kept").arg("path", PathBuf::from(kept).display())));
            }
            ExitCode::SUCCESS
        }
        Err(e) => backup_failed(lang, &e),
    }
}

fn oldest(lang: Lang, s: &CacheStats) -> String {
    match s.oldest {
        Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        None => say(lang, &Msg::new("cache-stats-no-entry")),
    }
}

pub fn cache_cmd(settings: Settings, cmd: CacheCommand) -> ExitCode {
    let lang = settings.lang;
    let CacheCommand::Stats { json } = cmd;
    let stats = match storage::open_existing(&settings) {
        Ok(Some(store)) => match store.stats() {
            Ok(s) => s,
            Err(e) => return fail(lang, store_msg(&e), EXIT_LOCAL),
        },
        // No database yet: nothing cached (and nothing created by asking).
        Ok(None) => CacheStats { checks: 0, people: 0, oldest: None, queue_length: 0, medical_rows: 0 },
        Err(e) => return fail(lang, store_msg(&e), EXIT_LOCAL),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&stats).expect("stats serialise"));
    } else {
        let lines = [
            Msg::new("cache-stats-database").arg("path", settings.database_path().display()),
            Msg::new("cache-stats-checks").arg("checks", stats.checks).arg("people", stats.people),
            Msg::new("cache-stats-oldest").arg("oldest", oldest(lang, &stats)),
            Msg::new("cache-stats-queue").arg("queue", stats.queue_length),
            Msg::new("cache-stats-medical").arg("medical", stats.medical_rows),
        ];
        for m in lines {
            println!("{}", say(lang, &m));
        }
    }
    ExitCode::SUCCESS
}
