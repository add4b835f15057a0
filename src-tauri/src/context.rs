//! The context every service works over: the settings, the local store
//! (checks, queue, caches and the audit log), who is signed in, the status
//! line and the current connection (`crate::connection`, one value swapped
//! whole). The feature services (`crate::checks`, `crate::clinical`,
//! `crate::session`, …) hold an `Arc<Context>` and depend on it, never the
//! other way.
//!
//! ## Lock order
//!
//! A method that holds two of the context's locks at once takes them in this
//! order, and never a service's own lock after one of these:
//! `connection` (read) → `session` → `store` → `training_checks` /
//! `training_batches` → `status`. Most methods hold one at a time (a guard is
//! dropped before the next is taken); `settings` and `status` are only ever
//! read or written alone. Dropping a connection happens outside its lock.
//!
//! A service's own lock comes before the context's: the home visit's slot
//! (`crate::home_visit`, held while a step audits or asks who is signed in)
//! → `session` → `store`; the card taps' `held` list → `session`
//! (`crate::card_taps`); the running batches (`crate::batch`) are held alone.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, RwLock};

use chrono::NaiveDateTime;
use madoguchi_adapters::audit::AuditAction;
use madoguchi_adapters::gateway::Gateway;
use madoguchi_adapters::keystore::KeyStore as _;
use madoguchi_adapters::oqs::OqsFolderGateway;
use madoguchi_adapters::store::{Store, StoreError};
use madoguchi_api::desk::DeskStatus;
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::{CardDetails, ConsentCategory, EligibilityQuery, EligibilityResult};

use crate::audit_outcome::{self, Outcome, Who};
use crate::connection::Connection;
use crate::settings::Settings;

/// The account signed in automatically in training mode.
pub const TRAINEE_ID: &str = "trainee";

pub struct Context {
    pub(crate) settings: RwLock<Settings>,
    pub(crate) status: RwLock<DeskStatus>,
    pub(crate) store: Mutex<Store>,
    /// The current connection, built whole and swapped whole
    /// (`crate::connection`); `None` until connected or when stopped.
    connection: RwLock<Option<Connection>>,
    /// The checks recorded while the embedded training service ran (this
    /// run): the trainee's own, shown in training mode even when they found
    /// nobody of the population (see [`Context::training_may_show`]).
    pub(crate) training_checks: Mutex<HashSet<i64>>,
    /// The batches imported while the embedded training service ran (this
    /// run): the only ones training mode shows ([`Context::training_may_show_batch`]).
    pub(crate) training_batches: Mutex<HashSet<i64>>,
    /// Set when the database key does not survive a reboot.
    key_warning: Option<Msg>,
    /// Who is signed in (see `crate::session`).
    pub(crate) session: Mutex<Option<madoguchi_core::staff::Session>>,
    /// The staff id of a session locked for inactivity, until someone signs in.
    pub(crate) locked_staff: Mutex<Option<String>>,
}

impl Context {
    /// Opens the local store; not connected yet.
    pub fn open(settings: Settings) -> Result<Context, StoreError> {
        let (store, keys) = crate::storage::open_with_keys(&settings)?;
        let key_warning = (!keys.survives_reboot()).then(|| Msg::new("store-key-volatile"));
        Ok(Context {
            settings: RwLock::new(settings),
            status: RwLock::new(DeskStatus { ready: false, training: false, training_claim: None, target: None, problem: None, key_warning: None }),
            store: Mutex::new(store),
            connection: RwLock::new(None),
            training_checks: Default::default(),
            training_batches: Default::default(),
            key_warning,
            session: Mutex::new(None),
            locked_staff: Mutex::new(None),
        })
    }

    /// Connects to the configured service, or starts the embedded training
    /// service when none is configured; `on_tap` is told of every card tap
    /// (the OQS face folder). The status line says how it went. Blocking
    /// (may generate the training population on first start).
    pub fn connect(&self, on_tap: impl Fn(madoguchi_adapters::oqs::FaceEvent) + Send + Sync + 'static) {
        let settings = self.settings();
        let status = match Connection::open(&settings, on_tap) {
            Ok((connection, status)) => {
                // Swapped whole; the old one (if any) stops outside the lock.
                self.install(connection);
                status
            }
            // Not connected: not training either (the trainee exists only
            // while the embedded service runs).
            Err(e) => DeskStatus {
                ready: false,
                training: false,
                training_claim: None,
                target: settings.service_url.clone(),
                problem: Some(e),
                key_warning: None,
            },
        };
        *self.status.write().unwrap() = status;
    }

    /// Makes `connection` the current one; the old one (if any) is dropped
    /// whole outside the lock.
    pub fn install(&self, connection: Connection) {
        let old = self.connection.write().unwrap().replace(connection);
        drop(old);
    }

    /// Reads the current connection (`None`: not connected). Hold the guard
    /// briefly: it blocks reconnecting.
    pub fn connection(&self) -> std::sync::RwLockReadGuard<'_, Option<Connection>> {
        self.connection.read().unwrap()
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap().clone()
    }

    /// Drops the connection whole (outside its lock: the watcher waits for
    /// its thread) and forgets what this run of training mode recorded.
    pub fn disconnect(&self) {
        self.training_checks.lock().unwrap().clear();
        self.training_batches.lock().unwrap().clear();
        // Dropped whole, outside the lock (the watcher waits for its thread).
        let old = self.connection.write().unwrap().take();
        drop(old);
    }

    pub fn status(&self) -> DeskStatus {
        let mut status = DeskStatus { key_warning: self.key_warning.clone(), ..self.status.read().unwrap().clone() };
        // Training mode lasts exactly as long as the embedded service runs.
        status.training = status.training && self.connection().as_ref().is_some_and(|c| c.training_population().is_some());
        status
    }

    /// Appends an entry; a failure to log is logged, never hides a result.
    pub(crate) fn audit_entry(&self, entry: madoguchi_adapters::audit::NewAuditEntry) {
        if let Err(e) = self.store.lock().unwrap().audit_append(&entry) {
            tracing::error!("audit log: {e}");
        }
    }

    /// Verifies the audit chain (start-up and `madoguchi audit verify`).
    pub fn audit_verify(&self) -> Result<madoguchi_adapters::audit::VerifyReport, madoguchi_adapters::audit::AuditError> {
        self.store.lock().unwrap().audit_verify()
    }

    /// Audit entries (newest last).
    pub fn audit_entries(&self) -> Result<Vec<madoguchi_adapters::audit::AuditEntry>, ApiError> {
        self.store
            .lock()
            .unwrap()
            .audit_query(&madoguchi_adapters::audit::AuditFilter::default())
            .map_err(|e| ApiError::new(Msg::new("store-sql").arg("detail", e)))
    }

    /// Writes one entry to the audit log. A failure to log is itself logged
    /// to the application log; it never hides the result from staff.
    pub(crate) fn audit(&self, action: AuditAction, patient_key: Option<String>, outcome: Outcome, now: NaiveDateTime) {
        self.audit_entry(self.audit_entry_now(action, patient_key, outcome, now));
    }

    /// [`Context::audit`] with the message id of a refusal in the reason column.
    pub(crate) fn audit_because(&self, action: AuditAction, patient_key: Option<String>, outcome: Outcome, reason: &str, now: NaiveDateTime) {
        let mut entry = self.audit_entry_now(action, patient_key, outcome, now);
        entry.reason = Some(reason.to_string());
        self.audit_entry(entry);
    }

    /// A medical view allowed under `grant`: `allowed:CATEGORY`, with the
    /// clock skew in the detail when the consent started after `now` (the
    /// terminal's clock ahead, within the tolerance:
    /// `{"clock_skew_secs": 95}`), so the log says the view came before the
    /// terminal's consent time and by how much.
    pub(crate) fn audit_allowed(&self, category: ConsentCategory, key: &str, grant: &madoguchi_core::consent::ConsentGrant, now: NaiveDateTime) {
        let mut entry = self.audit_entry_now(AuditAction::MedicalView, Some(key.to_string()), Outcome::Allowed(category), now);
        if let Some(skew) = grant.clock_skew() {
            tracing::warn!("consent for {} starts {} s after this PC's clock: taken as given now", category.as_str(), skew.num_seconds());
            entry.detail = Some(serde_json::json!({ "clock_skew_secs": skew.num_seconds() }));
        }
        self.audit_entry(entry);
    }

    /// The entry [`Context::audit`] appends. Who: the signed-in person (not
    /// locked), else the desk's name from the settings (a check needs no role).
    pub(crate) fn audit_entry_now(&self, action: AuditAction, patient_key: Option<String>, outcome: Outcome, now: NaiveDateTime) -> madoguchi_adapters::audit::NewAuditEntry {
        let session = self
            .session
            .lock()
            .unwrap()
            .clone()
            .filter(|s| s.staff_id == TRAINEE_ID || !s.is_locked(now, madoguchi_core::staff::default_idle_limit()));
        let who = match &session {
            Some(s) => Who::Session(s),
            None => Who::Named(self.settings.read().unwrap().staff.clone(), None),
        };
        audit_outcome::entry(now, who, action, patient_key, &outcome, None, None)
    }

    /// Whether a stored check may be shown now. On a real desk, yes (the
    /// role checks decide who sees it). In training mode (the embedded
    /// service runs, the trainee signed in without a password) only a record
    /// of the embedded synthetic population: a check recorded in this run
    /// of training mode, or an answer whose person the population answers
    /// the same (card, birth date and name) — never a real patient's check
    /// kept from before the desk was switched to training mode.
    pub(crate) fn training_may_show(&self, check_id: i64, result: &EligibilityResult) -> bool {
        if !self.status().training {
            return true;
        }
        self.training_checks.lock().unwrap().contains(&check_id) || self.of_training_population(result)
    }

    /// Whether an answer may be shown now without knowing its check (the
    /// offline disaster look-up's cache): on a real desk yes; in training
    /// mode only one of the embedded population.
    pub(crate) fn of_training_population(&self, result: &EligibilityResult) -> bool {
        if !self.status().training {
            return true;
        }
        let connection = self.connection();
        connection.as_ref().and_then(|c| c.training_population()).is_some_and(|p| of_population(p, result))
    }

    /// Whether a batch (一括照会) may be shown or run now: on a real desk
    /// yes; in training mode only one imported in this run of training mode
    /// (an appointment list of real patients stays out of the trainee's reach).
    pub(crate) fn training_may_show_batch(&self, batch_id: i64) -> bool {
        !self.status().training || self.training_batches.lock().unwrap().contains(&batch_id)
    }

    pub(crate) fn note_training_batch(&self, batch_id: i64) {
        if self.status().training {
            self.training_batches.lock().unwrap().insert(batch_id);
        }
    }

    pub(crate) fn store_handle(&self) -> &Mutex<Store> {
        &self.store
    }

    /// The connected gateway, or why there is none.
    pub(crate) fn gateway_handle(&self) -> Result<Arc<dyn Gateway>, ApiError> {
        self.connection().as_ref().map(|c| Arc::clone(&c.gateway)).ok_or_else(|| {
            ApiError::new(self.status().problem.unwrap_or_else(|| Msg::new("service-starting")))
        })
    }

    /// The OQS folder medical information is requested through.
    pub(crate) fn medical_gateway(&self) -> Result<Arc<OqsFolderGateway>, ApiError> {
        self.connection().as_ref().and_then(|c| c.medical().cloned()).ok_or_else(|| ApiError::new(Msg::new("medical-no-source")))
    }
}

/// Whether `result` is of the synthetic `population`: it answers the same
/// card and birth date with the same person (name, qualification).
fn of_population(population: &madoguchi_training::Population, result: &EligibilityResult) -> bool {
    let (Some(q), Some(person)) = (&result.qualification, &result.person) else {
        return false;
    };
    let query = EligibilityQuery {
        card: CardDetails {
            insurer_number: q.insurer_number.clone(),
            symbol: q.symbol.clone(),
            number: q.number.clone(),
            branch: q.branch.clone(),
            birth_date: person.birth_date,
        },
        confirmation_date: Some(result.confirmation_date),
        limit_certificate_consent: false,
    };
    match population.confirm(&query, result.confirmed_at) {
        Ok(Ok(answer)) => {
            answer.qualification.as_ref().map(|a| a.person_key()) == Some(q.person_key())
                && answer.person.as_ref().is_some_and(|p| p.name == person.name)
        }
        _ => false,
    }
}

