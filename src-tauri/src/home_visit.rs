//! 居宅同意取得型 at the desk: a home visit (訪問診療, 訪問看護, 訪問薬剤管理)
//! on a laptop in the patient's home, driven step by step by the window.
//!
//! 1. [`HomeVisits::consent`]: the patient's consent choices, per category;
//! 2. [`HomeVisits::identity`]: the 4-digit PIN, checked by the card
//!    through the reader ([`crate::reader`]), or a staff visual check (目視確認)
//!    recorded with who confirmed it — the signed-in staff member's name and
//!    role when someone is signed in, else the typed name;
//! 3. [`HomeVisits::card`]: the card is read and its eligibility key
//!    checked. Offline, the check is queued (the desk's deferred checks) and
//!    the visit — with its consent — is recorded at once, **unconfirmed**;
//!    when the queued check replays ([`Checks::replay_due`](crate::checks::Checks::replay_due)) the visit reads as
//!    confirmed (see `madoguchi_adapters::home_visit`).
//!
//! The steps are kept here, in the backend: the card step refuses to run
//! before consent and identity, whatever the window sends.
//!
//! Later visits ([`HomeVisits::reuse`]) re-use the first visit's
//! consent under the rule of `madoguchi_core::home_visit` (its module
//! documentation says the rule, and what of it comes from DOMAIN.md and what
//! is our choice): the latest first visit of that card, confirmed, within its
//! validity; exactly its categories; no consent, PIN or card step; the
//! eligibility is checked again with the stored card key.
//!
//! The reader is the training simulator in training mode; with a live
//! service there is no home-visit reader on this machine yet, and the flow
//! says so instead of pretending.

use std::sync::{Arc, Mutex};

use chrono::{NaiveDateTime, TimeDelta};
use madoguchi_adapters::home_visit::{HomeVisit, NewHomeVisit};
use madoguchi_core::home_visit::{consent_valid_until, may_reuse, IdentityCheck};
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::{ConsentCategory, EligibilityResult};

use crate::audit_outcome::{AuditAction, Outcome, PinFailure};
use crate::checks::Checks;
use crate::context::Context;
use crate::reader::{CardReader, ReaderError, SimulatedPatient, SimulatedReader};
pub use madoguchi_api::home_visit::{HomeVisitStart, IdentityInput, Step, VisitDone, VisitState};

/// Where the visit on this laptop stands (one at a time).
#[derive(Default)]
pub struct Slot(Mutex<Option<Visit>>);

pub struct Visit {
    reader: Arc<dyn CardReader>,
    patient: Option<SimulatedPatient>,
    categories: Option<Vec<ConsentCategory>>,
    identity: Option<IdentityCheck>,
}

fn err(id: &str) -> ApiError {
    ApiError::new(Msg::new(id))
}

fn reader_err(e: ReaderError) -> ApiError {
    ApiError::new(e.message())
}

/// Home visits (`desk.home_visit`): the visit in progress on this laptop
/// and those recorded.
pub struct HomeVisits {
    ctx: Arc<Context>,
    checks: Checks,
    slot: Slot,
}

impl HomeVisits {
    pub fn new(ctx: Arc<Context>) -> HomeVisits {
        HomeVisits { checks: Checks::new(Arc::clone(&ctx)), ctx, slot: Slot::default() }
    }

    /// The synthetic patients of the training simulator (training mode only).
    fn simulated_patients(&self, now: NaiveDateTime) -> Result<Vec<SimulatedPatient>, ApiError> {
        if !self.ctx.status().training {
            return Ok(Vec::new());
        }
        let s = self.ctx.settings();
        // The desk's own training population (the embedded service's file).
        // Needs no network: the home may have none.
        let population = madoguchi_training::generate(&s.training_db_path(), s.training_people, s.training_seed)
            .map_err(|e| ApiError::new(Msg::new("training-start-failed").arg("detail", e)))?;
        let sample = population
            .sample_on(8, now.date())
            .map_err(|e| ApiError::new(Msg::new("training-start-failed").arg("detail", e)))?;
        Ok(sample.iter().map(crate::reader::simulated_patient).collect())
    }

    /// What the home-visit screen starts with. Asks the service whether it
    /// answers, so that the window can say plainly when it does not.
    pub fn start(&self, now: NaiveDateTime) -> Result<HomeVisitStart, ApiError> {
        *self.slot.0.lock().unwrap() = None;
        self.overview(now)
    }

    /// [`HomeVisits::start`] without ending the visit in progress.
    fn overview(&self, now: NaiveDateTime) -> Result<HomeVisitStart, ApiError> {
        let online = self.ctx.gateway_handle().map(|g| g.info().is_ok()).unwrap_or(false);
        let patients = self.simulated_patients(now)?;
        let (today, recent) = {
            let store = self.ctx.store.lock().unwrap();
            let today = store.home_visits_since(now.date().and_time(chrono::NaiveTime::MIN)).map_err(store_err)?;
            let recent = store
                .home_visits_since(now - TimeDelta::days(madoguchi_core::home_visit::CONSENT_DAYS))
                .map_err(store_err)?;
            (today, recent)
        };
        let today: Vec<HomeVisit> = today.into_iter().filter(|v| self.training_may_show_visit(v)).collect();
        let mut continuing: Vec<HomeVisit> = Vec::new();
        for v in recent.into_iter().filter(|v| v.first_visit_id.is_none() && self.training_may_show_visit(v)) {
            if continuing.iter().any(|c| c.person_key == v.person_key && c.card.birth_date == v.card.birth_date) {
                continue;
            }
            let firsts = self.ctx.store.lock().unwrap().first_home_visits(&v.person_key, v.card.birth_date).map_err(store_err)?;
            if let Ok(first) = may_reuse(&firsts, &v.person_key, v.card.birth_date, now) {
                if first.id == v.id {
                    continuing.push(v);
                }
            }
        }
        let (continuing, today) = (continuing, today);
        Ok(HomeVisitStart { patients, continuing, today, online, pending: self.checks.pending_checks()? })
    }

    /// Begins a first visit. In training mode `patient_key` chooses which
    /// synthetic patient's card is on the simulator.
    pub fn begin(&self, patient_key: Option<&str>, now: NaiveDateTime) -> Result<VisitState, ApiError> {
        if !self.ctx.status().training {
            return Err(err("home-visit-no-reader"));
        }
        let patients = self.simulated_patients(now)?;
        let patient = match patient_key {
            Some(k) => patients.into_iter().find(|p| p.key == k).ok_or_else(|| err("home-visit-no-such-patient"))?,
            None => return Err(err("home-visit-choose-patient")),
        };
        let visit = Visit {
            reader: Arc::new(SimulatedReader::with_card(patient.clone())),
            patient: Some(patient),
            categories: None,
            identity: None,
        };
        let state = state_of(&visit);
        *self.slot.0.lock().unwrap() = Some(visit);
        Ok(state)
    }

    /// Step 1: the patient's choices (an empty list: no consent at all).
    pub fn consent(&self, categories: &[ConsentCategory], _now: NaiveDateTime) -> Result<VisitState, ApiError> {
        let mut slot = self.slot.0.lock().unwrap();
        let visit = slot.as_mut().ok_or_else(|| err("home-visit-not-started"))?;
        let mut cats: Vec<ConsentCategory> = Vec::new();
        for c in ConsentCategory::ALL {
            if categories.contains(&c) {
                cats.push(c);
            }
        }
        visit.categories = Some(cats);
        visit.identity = None;
        Ok(state_of(visit))
    }

    /// Step 2: the PIN through the reader, or a visual check.
    pub fn identity(&self, input: &IdentityInput, now: NaiveDateTime) -> Result<VisitState, ApiError> {
        let mut slot = self.slot.0.lock().unwrap();
        let visit = slot.as_mut().ok_or_else(|| err("home-visit-not-started"))?;
        if visit.categories.is_none() {
            return Err(err("home-visit-consent-first"));
        }
        let key = visit.patient.as_ref().map(|p| p.key.clone());
        let identity = match input {
            IdentityInput::Pin { pin } => match visit.reader.verify_pin(pin) {
                Ok(()) => IdentityCheck::Pin,
                Err(e) => {
                    let outcome = match &e {
                        ReaderError::WrongPin { .. } => PinFailure::Wrong,
                        ReaderError::PinLocked => PinFailure::Locked,
                        _ => PinFailure::Refused,
                    };
                    self.ctx.audit(AuditAction::HomeVisitIdentity, key, Outcome::PinFailed(outcome), now);
                    return Err(reader_err(e));
                }
            },
            IdentityInput::Visual { name } => {
                // The signed-in staff member, when someone (not the trainee) is.
                let staff = self.ctx.signed_in(now).filter(|s| !s.trainee);
                let check = match staff {
                    Some(s) => IdentityCheck::Visual { confirmed_by: s.display_name, role: Some(s.role.code().to_string()) },
                    None => IdentityCheck::Visual { confirmed_by: name.trim().to_string(), role: None },
                };
                check.validate().map_err(err)?;
                check
            }
        };
        self.ctx.audit(AuditAction::HomeVisitIdentity, key, Outcome::Identity((&identity).into()), now);
        visit.identity = Some(identity);
        Ok(state_of(visit))
    }

    /// Step 3: the card is read and checked; the visit and its consent are
    /// recorded (unconfirmed when the check had to be queued).
    pub fn card(&self, now: NaiveDateTime) -> Result<VisitDone, ApiError> {
        let (reader, categories, identity) = {
            let slot = self.slot.0.lock().unwrap();
            let visit = slot.as_ref().ok_or_else(|| err("home-visit-not-started"))?;
            let categories = visit.categories.clone().ok_or_else(|| err("home-visit-consent-first"))?;
            let identity = visit.identity.clone().ok_or_else(|| err("home-visit-identity-first"))?;
            (Arc::clone(&visit.reader), categories, identity)
        };
        let reading = reader.read_card().map_err(reader_err)?;
        let outcome = self.check_for_visit(&reading.card, now)?;
        let staff = self.visit_staff(now);
        let valid_until = consent_valid_until(now);
        let id = self
            .ctx.store
            .lock()
            .unwrap()
            .record_home_visit(&NewHomeVisit {
                card: &reading.card,
                visited_at: now,
                staff: &staff,
                first_visit_id: None,
                categories: &categories,
                valid_until,
                identity: &identity,
                reader: reading.kind.as_str(),
                check_id: outcome.check_id,
                queued_id: outcome.queued,
            })
            .map_err(store_err)?;
        self.ctx.audit(
            AuditAction::HomeVisitConsent,
            Some(reading.card.person_key()),
            Outcome::HomeVisitFirst { identity: (&identity).into(), categories: categories.clone() },
            now,
        );
        *self.slot.0.lock().unwrap() = None;
        self.visit_done(id, outcome)
    }

    /// A later visit: re-uses the first visit's consent (see the module
    /// documentation) and checks eligibility again with the stored card.
    pub fn reuse(&self, first_visit_id: i64, now: NaiveDateTime) -> Result<VisitDone, ApiError> {
        let first = self
            .ctx.store
            .lock()
            .unwrap()
            .home_visit(first_visit_id)
            .map_err(store_err)?
            .filter(|v| v.first_visit_id.is_none() && self.training_may_show_visit(v))
            .ok_or_else(|| err("home-visit-reuse-no-first-visit"))?;
        let firsts = self
            .ctx.store
            .lock()
            .unwrap()
            .first_home_visits(&first.person_key, first.card.birth_date)
            .map_err(store_err)?;
        let rests_on = match may_reuse(&firsts, &first.person_key, first.card.birth_date, now) {
            Ok(f) => f.clone(),
            Err(r) => {
                self.ctx.audit(AuditAction::HomeVisitConsent, Some(first.person_key.clone()), Outcome::HomeVisitReuseRefused((&r).into()), now);
                return Err(err(r.message_id()));
            }
        };
        if rests_on.id != first.id {
            // A newer first visit replaced this one.
            return Err(err("home-visit-reuse-replaced"));
        }
        let outcome = self.check_for_visit(&first.card, now)?;
        let staff = self.visit_staff(now);
        let id = self
            .ctx.store
            .lock()
            .unwrap()
            .record_home_visit(&NewHomeVisit {
                card: &first.card,
                visited_at: now,
                staff: &staff,
                first_visit_id: Some(first.id),
                categories: &rests_on.categories,
                valid_until: rests_on.valid_until,
                identity: &IdentityCheck::FirstVisit,
                reader: "first_visit",
                check_id: outcome.check_id,
                queued_id: outcome.queued,
            })
            .map_err(store_err)?;
        self.ctx.audit(AuditAction::HomeVisitConsent, Some(first.person_key.clone()), Outcome::HomeVisitReuse { first_visit: first.id }, now);
        self.visit_done(id, outcome)
    }

    /// One recorded visit, confirmed or not (as of now).
    pub fn record(&self, id: i64) -> Result<Option<HomeVisit>, ApiError> {
        let visit = self.ctx.store.lock().unwrap().home_visit(id).map_err(store_err)?;
        Ok(visit.filter(|v| self.training_may_show_visit(v)))
    }

    /// In training mode only the visits made with the training simulator
    /// (the reader the desk recorded; a later visit, that of its first
    /// visit), never a real patient's visit kept from before the desk was
    /// switched to training mode.
    fn training_may_show_visit(&self, visit: &HomeVisit) -> bool {
        if !self.ctx.status().training {
            return true;
        }
        let first = match visit.first_visit_id {
            Some(id) => match self.ctx.store.lock().unwrap().home_visit(id) {
                Ok(Some(first)) => first,
                _ => return false,
            },
            None => visit.clone(),
        };
        first.reader == crate::reader::ReaderKind::TrainingSimulator.as_str()
    }

    /// Sends the deferred checks now (home visits' included) when the
    /// service answers, and reports the visits' state: the window's "send
    /// now" button, and its poll while the home-visit screen is open.
    pub fn sync(&self, now: NaiveDateTime) -> Result<HomeVisitStart, ApiError> {
        // Only when the service answers: a failed attempt would only push
        // the next one further back.
        if self.ctx.gateway_handle().map(|g| g.info().is_ok()).unwrap_or(false) {
            self.ctx.store.lock().unwrap().make_queued_due(now).map_err(store_err)?;
            self.checks.replay_due(now)?;
        }
        self.overview(now)
    }

    /// The check of a visit: online, or queued with the outcome saying so.
    fn check_for_visit(&self, card: &madoguchi_core::CardDetails, now: NaiveDateTime) -> Result<VisitCheck, ApiError> {
        match self.checks.check_card(card, now) {
            Ok(o) => Ok(VisitCheck { check_id: o.check_id, queued: o.queued, as_of: o.as_of, warning: o.warning, result: Some(o.result) }),
            Err(e) if e.message.id == "offline-queued" => {
                // Queued, nothing cached to show: the visit goes on offline.
                let queued = self.ctx.store.lock().unwrap().latest_open_queued(&card.person_key()).map_err(store_err)?;
                match queued {
                    Some(q) => Ok(VisitCheck { result: None, check_id: None, queued: Some(q), as_of: None, warning: Some(e.message) }),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }


    fn visit_staff(&self, now: NaiveDateTime) -> String {
        self.ctx.signed_in(now).map(|s| s.staff_id).unwrap_or_else(|| self.ctx.settings().staff)
    }

    fn visit_done(&self, id: i64, outcome: VisitCheck) -> Result<VisitDone, ApiError> {
        let visit = self.record(id)?.ok_or_else(|| err("error-internal"))?;
        Ok(VisitDone { visit, offline: outcome.queued.is_some(), result: outcome.result, as_of: outcome.as_of, warning: outcome.warning })
    }
}

/// The check a visit made (or queued).
struct VisitCheck {
    result: Option<EligibilityResult>,
    check_id: Option<i64>,
    queued: Option<i64>,
    as_of: Option<NaiveDateTime>,
    warning: Option<Msg>,
}

fn state_of(v: &Visit) -> VisitState {
    let step = if v.categories.is_none() {
        Step::Consent
    } else if v.identity.is_none() {
        Step::Identity
    } else {
        Step::Card
    };
    VisitState {
        step,
        reader: v.reader.info(),
        patient: v.patient.clone(),
        categories: v.categories.clone(),
        identity: v.identity.clone(),
    }
}

fn store_err(e: madoguchi_adapters::store::StoreError) -> ApiError {
    ApiError::new(crate::words::store_msg(&e))
}
