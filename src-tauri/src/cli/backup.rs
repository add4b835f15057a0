//! `madoguchi backup --out FILE`, `madoguchi backup verify FILE`,
//! `madoguchi restore FILE [--replace]` and `madoguchi cache stats`: the
//! local database's backups and what it holds, for staff and scripts.
//!
//! The recovery passphrase is asked for on the terminal (without echo; twice
//! when a backup is written), or read from `MADOGUCHI_BACKUP_PASSPHRASE`
//! for scripts. Without either, nothing is done.
//!
//! Both are audit entries: a backup's (`backup` `written`) is appended
//! before the copy, so the backup holds it and its head (printed) is the
//! head after it; a restore's (`restore`, [`restore_audited`]) says how many
//! entries the log's anchor had seen and how many the restored log holds —
//! when fewer (`rolled_back:FROM:TO`), the restore says so, and the anchor
//! is re-based on purpose, after the entry.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use madoguchi_adapters::audit::AuditAction;
use madoguchi_adapters::backup::{self, BackupError, BackupInfo};
use madoguchi_adapters::store::CacheStats;
use madoguchi_core::message::Msg;
use madoguchi_i18n::Lang;

use crate::audit_outcome::{self, Outcome, Who};
use crate::cli::exit::{EXIT_INPUT, EXIT_LOCAL};
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

/// The audit log's head a backup holds (count and the last hash's first
/// 16 digits), for a line under the counts; None for an older backup.
fn head_msg(info: &BackupInfo) -> Option<Msg> {
    info.audit_head
        .as_ref()
        .map(|h| Msg::new("backup-audit-head").arg("count", h.count).arg("head", &h.head[..h.head.len().min(16)]))
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
    // Logged before the copy, so that the backup holds its own entry.
    let who = || Who::Named(settings.staff.clone(), None);
    let detail = serde_json::json!({ "file": out.display().to_string() });
    let now = chrono::Local::now().naive_local();
    let entry = audit_outcome::entry(now, who(), AuditAction::Backup, None, &Outcome::BackupWritten, None, Some(detail.clone()));
    if let Err(e) = store.audit_append(&entry) {
        // A backup is never refused for the log's sake; the log's own state
        // is what `audit verify` reports.
        eprintln!("{}", say(lang, &e.message()));
    }
    match backup::backup(&store, out, &pass) {
        Ok(info) => {
            println!("{}", say(lang, &counts_msg("backup-written", &info).arg("path", out.display())));
            if let Some(m) = head_msg(&info) {
                println!("{}", say(lang, &m));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let failed = audit_outcome::entry(
                chrono::Local::now().naive_local(),
                who(),
                AuditAction::Backup,
                None,
                &Outcome::BackupFailed,
                Some(e.to_string()),
                Some(detail),
            );
            if let Err(a) = store.audit_append(&failed) {
                eprintln!("{}", say(lang, &a.message()));
            }
            backup_failed(lang, &e)
        }
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
            if let Some(m) = head_msg(&info) {
                println!("{}", say(lang, &m));
            }
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
    match restore_audited(&settings, &args.file, &pass, args.replace) {
        Ok(done) => {
            println!("{}", say(lang, &counts_msg("restore-done", &done.info).arg("path", db.display())));
            if let Some(m) = head_msg(&done.info) {
                println!("{}", say(lang, &m));
            }
            if replacing {
                let mut kept = db.clone().into_os_string();
                kept.push(".before-restore");
                println!("{}", say(lang, &Msg::new("restore-kept").arg("path", PathBuf::from(kept).display())));
            }
            if done.to < done.from {
                eprintln!(
                    "{}",
                    say(lang, &Msg::new("restore-rolled-back").arg("from", done.from).arg("to", done.to).arg("lost", done.from - done.to))
                );
            }
            match done.recorded {
                Ok(()) => {
                    println!("{}", say(lang, &Msg::new("restore-recorded").arg("from", done.from).arg("to", done.to)));
                    ExitCode::SUCCESS
                }
                Err(m) => fail(lang, Msg::new("restore-not-recorded").arg("detail", say(lang, &m)), EXIT_LOCAL),
            }
        }
        Err(e) => backup_failed(lang, &e),
    }
}

/// What [`restore_audited`] did.
pub struct RestoreDone {
    pub info: BackupInfo,
    /// How many entries the log's anchor had seen before (0: none).
    pub from: i64,
    /// How many entries the restored log holds.
    pub to: i64,
    /// The `restore` entry appended and the anchor re-based, or why not
    /// (then the anchor is left as it was, and `audit verify` keeps saying
    /// that the log went back).
    pub recorded: Result<(), Msg>,
}

/// Restores `file` (see [`storage::restore`]) and records it in the
/// restored log: `restore` `restored:FROM:TO`, or `rolled_back:FROM:TO`
/// when the restored log holds fewer entries than the anchor had seen,
/// with both heads in the detail; then re-bases the anchor on the log as it
/// now is (the entry included).
pub fn restore_audited(settings: &Settings, file: &Path, passphrase: &str, replace: bool) -> Result<RestoreDone, BackupError> {
    // What the anchor had seen, read with this folder's key before anything
    // changes — or, when that key does not open it (a folder whose keyring
    // entry is new), with the key the backup brings.
    let read = || storage::anchor(settings).ok().and_then(|a| a.read().ok().flatten());
    let before = read();
    let info = storage::restore(settings, file, passphrase, replace)?;
    let before = before.or_else(read);
    let from = before.as_ref().map_or(0, |s| s.count);
    let to = info.audit_head.as_ref().map_or(0, |h| h.count);
    let store = storage::open(settings)?;
    let outcome = if to < from { Outcome::RestoredRolledBack { from, to } } else { Outcome::Restored { from, to } };
    let detail = serde_json::json!({
        "file": file.display().to_string(),
        "backup_created": info.created_at,
        "before": before.as_ref().map(|s| serde_json::json!({ "count": s.count, "head": s.head })),
        "restored": info.audit_head.as_ref().map(|h| serde_json::json!({ "count": h.count, "head": h.head })),
    });
    let entry = audit_outcome::entry(
        chrono::Local::now().naive_local(),
        Who::Named(settings.staff.clone(), None),
        AuditAction::Restore,
        None,
        &outcome,
        None,
        Some(detail),
    );
    let recorded = store
        .audit_append(&entry)
        .and_then(|_| store.audit_rebase_anchor())
        .map(|_| ())
        .map_err(|e| e.message());
    Ok(RestoreDone { info, from, to, recorded })
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
