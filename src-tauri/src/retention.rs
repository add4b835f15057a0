//! Medical information is kept only for the retention period set in the
//! settings (`medical_retention_days`): purged at start-up and then once a
//! day while the desk runs — in the database, and in the files the desk
//! leaves outside it ([`purge_files`]), each kept only as long as it
//! is needed:
//!
//! | files | kept | why |
//! |---|---|---|
//! | `<data>/prints/*.pdf` (printed from the window) | until the next start, and at most [`PRINT_KEEP`] (1 day) | a print is needed for the minutes the viewer is open; the store keeps what may be printed again |
//! | OQS `archive/` (handled requests, answers, card taps: plain XML) | [`ARCHIVE_KEEP`] (1 day) | an answer is needed only until parsed; what may be kept is in the encrypted store |
//! | OQS `archive/failed/` (unreadable files) | `medical_retention_days` | staff must be able to look, but not forever |
//!
//! The OQS folders are the configured one and the training terminal's
//! (`<data>/training-oqs`). Only regular files are deleted, by their
//! modification time (a move into the archive keeps it: the time the
//! terminal wrote the file); folders, links and the rest stay.
//!
//! The clock is a parameter, so tests drive days in milliseconds against a
//! real database file.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use std::path::Path;

use chrono::NaiveDateTime;
use madoguchi_adapters::oqs::OqsFolderLayout;
use madoguchi_adapters::store::PurgeReport;
use madoguchi_core::message::{ApiError, Msg};

use crate::desk::Desk;
use crate::settings::Settings;

/// The longest a PDF printed from the window stays in `<data>/prints/`.
pub const PRINT_KEEP: chrono::TimeDelta = chrono::TimeDelta::days(1);
/// The longest a handled OQS file stays in the archive.
pub const ARCHIVE_KEEP: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// What [`purge_files`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FilesPurge {
    pub prints: usize,
    pub archived: usize,
    pub failed: usize,
}

/// How often the purge runs while the desk is open.
pub const PURGE_EVERY: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// When the purge last ran; due at once (start-up), then every [`PURGE_EVERY`].
#[derive(Debug, Default)]
pub struct PurgeSchedule {
    last: Mutex<Option<NaiveDateTime>>,
}

impl PurgeSchedule {
    pub fn is_due(&self, now: NaiveDateTime) -> bool {
        match *self.last.lock().unwrap() {
            None => true,
            // A clock set backwards also makes it due: better once too often.
            Some(last) => now >= last + PURGE_EVERY || now < last,
        }
    }

    /// Runs the purge when it is due; `Ok(None)` when it was not.
    pub fn run_if_due(&self, desk: &Desk, now: NaiveDateTime) -> Result<Option<PurgeReport>, ApiError> {
        if !self.is_due(now) {
            return Ok(None);
        }
        let start_up = self.last.lock().unwrap().is_none();
        let report = desk.medical.purge(now)?;
        match purge_files(&desk.context().settings(), now, start_up) {
            Ok(f) if f != FilesPurge::default() => tracing::info!(
                "retention: {} prints, {} archived OQS files and {} failed OQS files deleted",
                f.prints,
                f.archived,
                f.failed
            ),
            Ok(_) => {}
            Err(e) => tracing::error!("retention: files: {e:?}"),
        }
        *self.last.lock().unwrap() = Some(now);
        Ok(Some(report))
    }
}

/// A clock for the background thread (`chrono::Local::now` in the app).
pub type Clock = Arc<dyn Fn() -> NaiveDateTime + Send + Sync>;

/// Purges now (start-up), then looks every `tick` whether a day has passed.
/// The thread ends when the desk is gone.
pub fn spawn(desk: Weak<Desk>, clock: Clock, tick: Duration) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("retention".into())
        .spawn(move || {
            let schedule = PurgeSchedule::default();
            loop {
                let Some(d) = desk.upgrade() else { return };
                match schedule.run_if_due(&d, clock()) {
                    Ok(Some(r)) if r.medical_rows_deleted > 0 => tracing::info!(
                        "retention: {} medical records fetched before {} deleted",
                        r.medical_rows_deleted,
                        r.cutoff
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::error!("retention purge: {e:?}"),
                }
                drop(d);
                std::thread::sleep(tick);
            }
        })
        .expect("a thread starts")
}

/// Deletes the files outside the store that hold patient data, past the
/// time they are needed (the module's table): prints older than
/// [`PRINT_KEEP`] — at `start_up`, every print from before `now` —,
/// handled OQS files older than [`ARCHIVE_KEEP`], failed ones older
/// than `medical_retention_days`. A file that cannot be deleted is
/// logged and the rest go on; the first error is the answer.
pub fn purge_files(settings: &Settings, now: NaiveDateTime, start_up: bool) -> Result<FilesPurge, ApiError> {
    let mut first_error = None;
    let mut purge = |dir: &Path, before: NaiveDateTime| match remove_files_before(dir, before) {
        Ok(n) => n,
        Err(e) => {
            tracing::error!("retention: {}: {e}", dir.display());
            first_error.get_or_insert_with(|| ApiError::new(Msg::new("retention-purge-failed").arg("path", dir.display()).arg("detail", e)));
            0
        }
    };
    let mut report = FilesPurge {
        prints: purge(&settings.prints_dir(), if start_up { now } else { now - PRINT_KEEP }),
        ..FilesPurge::default()
    };
    let failed_keep = chrono::TimeDelta::days(settings.medical_retention_days.into());
    let roots = settings.oqs_dir.iter().cloned().chain(std::iter::once(settings.training_oqs_dir()));
    for root in roots {
        let layout = OqsFolderLayout::new(root);
        report.archived += purge(layout.archive(), now - ARCHIVE_KEEP);
        report.failed += purge(&layout.failed(), now - failed_keep);
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(report),
    }
}

/// Deletes the regular files directly in `dir` last modified before
/// `before` (local time); answers how many. A missing folder is empty.
/// Subfolders, links and other kinds of file are left alone.
pub fn remove_files_before(dir: &Path, before: NaiveDateTime) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        // Not followed: a link is not ours to judge.
        let meta = entry.metadata()?;
        if !meta.file_type().is_file() {
            continue;
        }
        let modified = chrono::DateTime::<chrono::Local>::from(meta.modified()?).naive_local();
        if modified < before {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}
