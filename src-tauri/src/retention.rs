//! Medical information is kept only for the retention period set in the
//! settings (`medical_retention_days`): purged at start-up and then once a
//! day while the desk runs.
//!
//! The clock is a parameter, so tests drive days in milliseconds against a
//! real database file.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use chrono::NaiveDateTime;
use madoguchi_adapters::store::PurgeReport;
use madoguchi_core::message::ApiError;

use crate::desk::Desk;

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
        let report = desk.purge_medical(now)?;
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
