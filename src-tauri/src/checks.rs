//! The checks at the desk (資格確認): validate what was typed with the core,
//! ask the gateway, record the answer in the store with its audit entry, and
//! turn every failure into a message for the person at the counter. Offline,
//! the last answer the desk has is shown with its date and a re-check is
//! queued; [`Checks::replay_due`] sends the queued checks when the service
//! answers and flags what changed. Card taps and the training terminal's
//! practice (simulated taps, an outage) go through here too.
//!
//! A service over the context (`crate::context`) alone: the other services
//! that record or read checks (batches, home visits, the disaster look-up,
//! consents, medical views, printing) hold a `Checks` of their own.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::audit::AuditAction;
use madoguchi_adapters::gateway::GatewayError;
use madoguchi_adapters::oqs::FaceEvent;
use madoguchi_adapters::store::NewCheck;
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::validation::{validate_card, CardInput};
use madoguchi_core::{CardDetails, CheckSummary, EligibilityQuery, EligibilityResult};

use crate::audit_outcome::Outcome;
use crate::context::Context;
use crate::words::{gateway_msg, input_error, say, store_error};
pub use madoguchi_api::desk::{CheckOutcome, FlaggedChange, ReplayReport};

/// The checks (`desk.checks`).
#[derive(Clone)]
pub struct Checks {
    ctx: Arc<Context>,
}

impl Checks {
    pub fn new(ctx: Arc<Context>) -> Checks {
        Checks { ctx }
    }

    /// Takes one card-tap event into today's checks.
    pub fn take_card_tap(&self, event: FaceEvent, now: NaiveDateTime) -> Result<CheckOutcome, ApiError> {
        match event {
            FaceEvent::Result(result, _file) => Ok(self.record(None, result, now)),
            FaceEvent::Error(e) => Err(ApiError::new(e.message())),
        }
    }

    /// Training mode: a patient taps a マイナ保険証 (simulated), consenting to
    /// the given categories. The result arrives through the face watcher like
    /// a real tap.
    pub fn simulate_card_tap(&self, consents: &[madoguchi_core::ConsentCategory], now: NaiveDateTime) -> Result<(), ApiError> {
        let connection = self.ctx.connection();
        let Some(population) = connection.as_ref().and_then(|c| c.training_population()) else {
            return Err(ApiError::new(Msg::new("tap-training-only")));
        };
        let root = connection.as_ref().and_then(|c| c.face_root()).ok_or_else(|| ApiError::new(Msg::new("service-starting")))?;
        madoguchi_training::terminal::tap(root, population, None, consents, now)
            .map(|_| ())
            .map_err(|e| ApiError::new(Msg::new("tap-failed").arg("detail", e)))
    }

    /// 薬剤情報 or 特定健診 for the patient of a check at the desk, only with the

    /// 照会番号 registration: asks that the card of `input` carry the
    /// facility's patient number `patient_number` as its reference number,
    /// so that the card's later taps name the patient (see
    /// `madoguchi_adapters::oqs::ReferenceRegistration`). The card and the
    /// number are validated before anything leaves the desk; the answer is
    /// audited (`reference_registration`: registered with the number, or
    /// refused with the national side's code and message as the reason).
    /// Returns the number registered.
    pub fn register_reference(&self, input: &CardInput, patient_number: &str, now: NaiveDateTime) -> Result<String, ApiError> {
        let card = self.validate(input, now.date())?;
        let number = patient_number.trim();
        if !(1..=20).contains(&number.chars().count()) || !number.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ApiError::new(Msg::new("reference-number-invalid").arg("number", number)));
        }
        let gateway = self.ctx.gateway_handle()?;
        let entry = madoguchi_adapters::oqs::ReferenceRegistration {
            reference_number: number.to_string(),
            insurer_number: card.insurer_number.clone(),
            symbol: card.symbol.clone(),
            number: card.number.clone(),
            branch: card.branch.clone(),
        };
        let key = Some(card.person_key());
        match gateway.register_reference(&entry) {
            Ok(r) => match r.error {
                None => {
                    self.ctx.audit(AuditAction::ReferenceRegistration, key, Outcome::ReferenceRegistered { reference: number.to_string() }, now);
                    Ok(number.to_string())
                }
                Some(e) => {
                    let (code, message) = (e.code.unwrap_or_default(), e.message.unwrap_or_default());
                    self.ctx.audit_because(AuditAction::ReferenceRegistration, key, Outcome::ReferenceRefused, &format!("{code} {message}"), now);
                    Err(ApiError::new(Msg::new("reference-refused").arg("code", code).arg("message", message)))
                }
            },
            Err(e) => Err(ApiError::new(gateway_msg(e))),
        }
    }

    /// Validates what was typed, before anything leaves the desk.
    pub fn validate(&self, input: &CardInput, today: NaiveDate) -> Result<CardDetails, ApiError> {
        validate_card(input, today).map_err(input_error)
    }

    /// 資格確認 from typed card details: validate, ask, record.
    pub fn check(&self, input: &CardInput, now: NaiveDateTime) -> Result<CheckOutcome, ApiError> {
        let card = self.validate(input, now.date())?;
        self.check_card(&card, now)
    }

    /// 資格確認 for already validated card details.
    pub fn check_card(&self, card: &CardDetails, now: NaiveDateTime) -> Result<CheckOutcome, ApiError> {
        let gateway = self.ctx.gateway_handle()?;
        let query = EligibilityQuery {
            card: card.clone(),
            confirmation_date: Some(now.date()),
            limit_certificate_consent: false,
        };
        match gateway.check(&query) {
            Ok(result) => {
                self.ctx.status.write().unwrap().problem = None;
                Ok(self.record(Some(card), result, now))
            }
            Err(e @ (GatewayError::Unreachable { .. } | GatewayError::Timeout { .. })) => {
                // The status line says so until a check goes through again.
                self.ctx.status.write().unwrap().problem = Some(gateway_msg(e.clone()));
                self.offline(card, e, now)
            }
            Err(e) => Err(ApiError::new(gateway_msg(e))),
        }
    }

    /// The service cannot be reached: show the last answer the desk has,
    /// clearly marked with its date, and queue a re-check for this visit.
    /// Nothing pretends to be fresh; nothing typed is lost.
    fn offline(&self, card: &CardDetails, e: GatewayError, now: NaiveDateTime) -> Result<CheckOutcome, ApiError> {
        let mut store = self.ctx.store.lock().unwrap();
        let cached = store.cached_result(card).map_err(store_error)?;
        let queued = store
            .queue_check(card, now, cached.as_ref().map(|c| &c.result))
            .map_err(store_error)?;
        match cached {
            Some(c) => Ok(CheckOutcome {
                warning: Some(Msg::new("offline-cached").arg("date", c.confirmed_at.format("%Y-%m-%d %H:%M"))),
                as_of: Some(c.confirmed_at),
                check_id: Some(c.check_id),
                queued: Some(queued),
                result: c.result,
            }),
            None => {
                let lang = self.ctx.settings.read().unwrap().lang;
                Err(ApiError::new(Msg::new("offline-queued").arg("reason", say(lang, &gateway_msg(e)))))
            }
        }
    }

    /// Replays the deferred checks that are due, when the service answers.
    /// Each replayed result is recorded and compared with what was shown at
    /// the visit. Failures back off (1, 2, 4 … minutes, at most an hour).
    pub fn replay_due(&self, now: NaiveDateTime) -> Result<ReplayReport, ApiError> {
        let Some(gateway) = self.ctx.connection().as_ref().map(|c| Arc::clone(&c.gateway)) else {
            return Ok(ReplayReport::default());
        };
        let due = self.ctx.store.lock().unwrap().due_checks(now).map_err(store_error)?;
        let mut report = ReplayReport::default();
        for q in due {
            let query = EligibilityQuery {
                card: q.card.clone(),
                confirmation_date: Some(q.visit_at.date()),
                limit_certificate_consent: false,
            };
            match gateway.check(&query) {
                Ok(result) => {
                    // The service answers again: the status line says so.
                    self.ctx.status.write().unwrap().problem = None;
                    let change = self.record_replayed(q.id, &q.card, &result, now)?;
                    report.replayed += 1;
                    report.changes.extend(change.filter(|c| !c.differences.is_empty()));
                }
                Err(e) => {
                    let minutes = 1i64 << q.attempts.clamp(0, 6);
                    let next = now + chrono::Duration::minutes(minutes.min(60));
                    self.ctx.store
                        .lock()
                        .unwrap()
                        .fail_queued(q.id, &e.to_string(), next)
                        .map_err(store_error)?;
                    report.still_failing += 1;
                }
            }
        }
        Ok(report)
    }

    /// Replayed checks whose answer differs from what staff were shown at
    /// the visit, not yet acknowledged, oldest visit first; with the
    /// patient's name from the replay's line in that day's checks.
    pub fn changes_to_review(&self) -> Result<Vec<FlaggedChange>, ApiError> {
        let store = self.ctx.store.lock().unwrap();
        let changes = store.changes_to_review().map_err(store_error)?;
        let mut days: std::collections::HashMap<NaiveDate, Vec<CheckSummary>> = Default::default();
        let mut out = Vec::with_capacity(changes.len());
        drop(store);
        let training = self.ctx.status().training;
        for change in changes {
            let day = change.completed_at.date();
            if !days.contains_key(&day) {
                // In training mode only the embedded population's lines.
                days.insert(day, self.checks_on(day)?);
            }
            let line = days[&day].iter().find(|c| c.person_key == change.person_key);
            if training && line.is_none() {
                continue;
            }
            out.push(FlaggedChange { name: line.and_then(|c| c.name.clone()), change });
        }
        Ok(out)
    }

    /// Staff acknowledge a flagged change: recorded in the store (when) and
    /// in the audit log (who); it leaves [`Checks::changes_to_review`].
    pub fn acknowledge_change(&self, queued_id: i64, now: NaiveDateTime) -> Result<(), ApiError> {
        let key = self
            .ctx.store
            .lock()
            .unwrap()
            .changes_to_review()
            .map_err(store_error)?
            .into_iter()
            .find(|c| c.queued_id == queued_id)
            .map(|c| c.person_key);
        self.ctx.store.lock().unwrap().mark_reviewed(queued_id, now).map_err(store_error)?;
        self.ctx.audit(AuditAction::ChangeAcknowledged, key, Outcome::ChangeAcknowledged { queued: queued_id }, now);
        Ok(())
    }

    /// Deletes cached medical information older than the settings'

    /// How many checks wait for the service.
    pub fn pending_checks(&self) -> Result<i64, ApiError> {
        self.ctx.store.lock().unwrap().pending_count().map_err(store_error)
    }

    /// A replayed check: its answer recorded with its audit entry and the
    /// queued check marked done, in one transaction (see
    /// `Store::complete_queued_audited`); what differs from what was shown.
    fn record_replayed(&self, queued: i64, card: &CardDetails, result: &EligibilityResult, now: NaiveDateTime) -> Result<Option<madoguchi_adapters::store::Change>, ApiError> {
        let staff = self.ctx.settings.read().unwrap().staff.clone();
        let key = result.qualification.as_ref().map(|q| q.person_key()).unwrap_or_else(|| card.person_key());
        let entry = self.check_entry(Some(key), result.validity, now);
        let check = NewCheck { checked_at: now, staff: &staff, asked: Some(card), result };
        let done = self.ctx.store.lock().unwrap().complete_queued_audited(queued, &check, &entry, now).map_err(store_error)?;
        Ok(done.and_then(|((_, audited), change)| {
            if let Err(e) = audited {
                tracing::error!("audit log: {e}");
            }
            change
        }))
    }

    /// The audit entry of a check (`eligibility_check`, its validity), in
    /// the name of whoever is at the desk; the store adds the check's id
    /// when it records the two together.
    pub(crate) fn check_entry(&self, patient_key: Option<String>, validity: madoguchi_core::codes::Validity, now: NaiveDateTime) -> madoguchi_adapters::audit::NewAuditEntry {
        self.ctx.audit_entry_now(AuditAction::EligibilityCheck, patient_key, Outcome::Validity(validity), now)
    }

    /// Records a result in today's checks. A failure to store is a warning on
    /// the outcome, never a lost result: staff still see the answer.
    pub(crate) fn record(&self, asked: Option<&CardDetails>, result: EligibilityResult, now: NaiveDateTime) -> CheckOutcome {
        let staff = self.ctx.settings.read().unwrap().staff.clone();
        let key = result.qualification.as_ref().map(|q| q.person_key()).or(asked.map(|a| a.person_key()));
        let entry = self.check_entry(key, result.validity, now);
        let recorded = self.ctx.store.lock().unwrap().record_check_audited(
            &NewCheck {
                checked_at: now,
                staff: &staff,
                asked,
                result: &result,
            },
            &entry,
        );
        let (check_id, warning) = match recorded {
            Ok((id, audited)) => {
                if let Err(e) = audited {
                    tracing::error!("audit log: {e}");
                }
                if self.ctx.status().training {
                    self.ctx.training_checks.lock().unwrap().insert(id);
                }
                (Some(id), None)
            }
            Err(e) => {
                tracing::error!("recording a check failed: {e}");
                // The check itself could not be kept; its audit entry is
                // still attempted on its own.
                self.ctx.audit_entry(entry);
                (None, Some(Msg::new("error-store").arg("detail", e)))
            }
        };
        CheckOutcome { result, check_id, warning, as_of: None, queued: None }
    }

    /// The checks of a day (in training mode only those of the embedded
    /// population: `Context::training_may_show`).
    pub fn checks_on(&self, date: NaiveDate) -> Result<Vec<CheckSummary>, ApiError> {
        let list = self.ctx.store.lock().unwrap().checks_on(date).map_err(store_error)?;
        if !self.ctx.status().training {
            return Ok(list);
        }
        Ok(list.into_iter().filter(|c| matches!(self.check_result(c.id), Ok(Some(_)))).collect())
    }

    /// A check's answer (in training mode only one of the embedded
    /// population: else none, as if there were no such check).
    pub fn check_result(&self, id: i64) -> Result<Option<EligibilityResult>, ApiError> {
        let result = self.ctx.store.lock().unwrap().check_result(id).map_err(store_error)?;
        Ok(result.filter(|r| self.ctx.training_may_show(id, r)))
    }

    /// The result of check `id` and its patient's key, for the services that
    /// act on the patient of a check (medical views, prints, disaster
    /// consents): refused in words when there is no such check or it names
    /// no insured person.
    pub fn patient_of(&self, id: i64) -> Result<(EligibilityResult, String), ApiError> {
        let result = self.check_result(id)?.ok_or_else(|| ApiError::new(Msg::new("error-no-such-check")))?;
        let key = result
            .qualification
            .as_ref()
            .map(|q| q.person_key())
            .ok_or_else(|| ApiError::new(Msg::new("medical-no-patient")))?;
        Ok((result, key))
    }

    /// Training mode: practise an outage. `down` stops the embedded training
    /// service (checks meet an unreachable service: cached answers, queued
    /// re-checks, home visits recorded 未確認); `!down` starts it again on
    /// the same port, and the queued checks go out as after a real outage.
    /// Refused outside training mode (`training-outage-training-only`).
    pub fn training_outage(&self, down: bool) -> Result<(), ApiError> {
        let connection = self.ctx.connection();
        let (Some(population), Some(service)) = (
            connection.as_ref().and_then(|c| c.training_population()),
            connection.as_ref().and_then(|c| c.training_service()),
        ) else {
            return Err(ApiError::new(Msg::new("training-outage-training-only")));
        };
        let mut running = service.lock().unwrap();
        let port = self.ctx.status().target.as_deref().and_then(|t| t.rsplit(':').next()?.parse::<u16>().ok());
        match (down, running.take()) {
            (true, Some(r)) => r.shutdown(),
            (false, None) => {
                let port = port.ok_or_else(|| ApiError::new(Msg::new("service-starting")))?;
                let r = madoguchi_training::spawn_population(population.clone(), port)
                    .map_err(|e| ApiError::new(Msg::new("training-start-failed").arg("detail", e)))?;
                *running = Some(r);
            }
            (_, r) => *running = r,
        }
        Ok(())
    }

}
