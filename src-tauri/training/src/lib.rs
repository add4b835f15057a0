//! # madoguchi-training
//!
//! The training service (研修モード): a real HTTP server on 127.0.0.1 that
//! plays the national オンライン資格確認 system with a deterministic synthetic
//! population stored in SQLite.
//!
//! - [`generate`] creates (or reuses) the population file for `(people, seed)`.
//! - [`spawn_background`] runs the service on its own thread; the desktop app
//!   calls it when no service URL is configured. [`serve`] runs it on a
//!   listener in an existing tokio runtime.
//! - [`sample`] picks people to type at the desk (valid ones first).
//!
//! The population is generated for the fixed [`reference_date`] (2026-04-01):
//! ages, copay ratios and "lost last year" are relative to that day, never to
//! the wall clock, so the same seed gives the same people on any day. The
//! service itself answers for the query's date (or today).
//!
//! HTTP API (JSON; every error is a `madoguchi_core::ServiceError`):
//! - `GET /api/v1/health` → `madoguchi_core::ServiceInfo`
//! - `POST /api/v1/eligibility` with `madoguchi_core::EligibilityQuery` →
//!   `madoguchi_core::EligibilityResult` (200, also for 該当資格なし), or 400 for
//!   a body that is not a query.
//! - `POST /api/v1/disaster/lookup` with `madoguchi_core::disaster::DisasterRequest`
//!   → `madoguchi_core::disaster::DisasterAnswer`, or 403 `disaster_not_open`
//!   when no [`disaster`] window is open for the facility's prefecture.

pub mod clinical;
mod data;
pub mod disaster;
mod generate;
mod lookup;
mod rng;
mod server;
pub mod terminal;

use std::path::{Path, PathBuf};

pub use generate::{age_on, generate, reference_date, Population, GENERATOR_VERSION};
pub use lookup::{confirm, BadRequest, SamplePerson, SpecialFilter, MULTIPLE_MESSAGE, NOT_FOUND_MESSAGE};
pub use server::{
    router, serve, serve_with_shutdown, spawn_background, spawn_population, RunningService,
    ServiceState, ELIGIBILITY_PATH, HEALTH_PATH, SERVICE_NAME,
};

/// Default population size.
pub const DEFAULT_PEOPLE: u64 = 10_000;
/// Default seed.
pub const DEFAULT_SEED: u64 = 1;
/// Default port of the `serve` command.
pub const DEFAULT_PORT: u16 = 8787;

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Invalid(String),
}

/// Where a population lives unless told otherwise:
/// `<temp dir>/madoguchi-training/people-<N>-seed-<S>.sqlite`.
pub fn default_db_path(people: u64, seed: u64) -> PathBuf {
    std::env::temp_dir()
        .join("madoguchi-training")
        .join(format!("people-{people}-seed-{seed}.sqlite"))
}

/// `n` people of the population at `db_path`, as the service answers for them
/// today (valid ones first; see [`Population::sample_on`]).
pub fn sample(db_path: &Path, n: usize) -> Result<Vec<SamplePerson>, Error> {
    let today = chrono::Local::now().date_naive();
    Population::open(db_path)?.sample_on(n, today)
}
