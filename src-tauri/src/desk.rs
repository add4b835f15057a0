//! The desk: the application service behind both the window and the command
//! line. It validates input with the core, asks the gateway, records the check
//! in the store and turns every failure into a message for the person at the
//! counter. No Tauri here, so the CLI and tests use exactly the same path.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::gateway::GatewayError;
use madoguchi_adapters::oqs::FaceEvent;
use madoguchi_adapters::store::{NewCheck, StoreError};
use madoguchi_adapters::audit::AuditAction;
use madoguchi_adapters::oqs::folder::MedicalFetchError;
use madoguchi_adapters::oqs::{FileCategory, MedicalRequest, MedicalRequestKind, TreatmentSetting};
use madoguchi_core::consent::{decide, Decision, Purpose};
use madoguchi_core::message::{ApiError, FieldMsg, Msg};
use madoguchi_core::ConsentCategory;
use madoguchi_core::validation::{validate_card, CardInput, FieldError};
use madoguchi_core::{CardDetails, CheckSummary, EligibilityQuery, EligibilityResult};

use crate::audit_outcome::{self, Outcome, Who};
use crate::connection::Connection;
use crate::card_taps::CardTaps;
use crate::context::Context;
use crate::session::Staff;
use crate::settings::Settings;
pub use madoguchi_api::desk::{CheckOutcome, DeskStatus, FlaggedChange, MedicalView, ReplayReport};

/// The window's and the command line's handle: the context (`crate::context`)
/// and what only the desk as a whole holds (the card-tap callback, the taps
/// held while nobody is signed in, the running batches, the home visit).
pub struct Desk {
    ctx: Arc<Context>,
    /// Card taps on their way to the window (`crate::card_taps`).
    pub(crate) taps: Arc<CardTaps>,
    /// Sign-in, sessions and staff accounts (`crate::session`).
    pub staff: Staff,
    /// The audit viewer (`crate::audit_view`).
    pub audit_view: crate::audit_view::AuditView,
    /// The desk itself, for the watcher's callback (no cycle: weak).
    me: std::sync::Weak<Desk>,
    /// Batch checks running now (see `crate::batch`).
    batches: crate::batch::Running,
    /// The home visit in progress (see `crate::home_visit`).
    pub(crate) home_visit: crate::home_visit::Slot,
}

impl std::ops::Deref for Desk {
    type Target = Context;
    fn deref(&self) -> &Context {
        &self.ctx
    }
}

impl Desk {
    /// Opens the local store; the gateway is connected separately
    /// ([`Desk::connect`]) so that the window can paint before a training
    /// population is generated.
    pub fn open(settings: Settings) -> Result<Arc<Desk>, StoreError> {
        let ctx = Arc::new(Context::open(settings)?);
        let taps = Arc::new(CardTaps::default());
        let desk = Arc::new_cyclic(|me| Desk {
            me: me.clone(),
            staff: Staff::new(Arc::clone(&ctx), Arc::clone(&taps)),
            audit_view: crate::audit_view::AuditView::new(Arc::clone(&ctx)),
            taps,
            ctx,
            batches: Default::default(),
            home_visit: Default::default(),
        });
        // An earlier version's plain accounts file: taken over once, removed.
        desk.staff.take_over_staff_file(chrono::Local::now().naive_local());
        Ok(desk)
    }

    pub(crate) fn running_batches(&self) -> &crate::batch::Running {
        &self.batches
    }

    /// The context every service works over.
    pub fn context(&self) -> &Arc<Context> {
        &self.ctx
    }

    /// The settings screen's 保存: who may change settings
    /// ([`Desk::authorize_settings`]), then [`Desk::reconfigure`]; applied
    /// changes are logged as `setting_change` with each changed field's old
    /// and new value (no field holds a secret). A refused or invalid change
    /// changes nothing.
    pub fn change_settings(&self, new: Settings, now: NaiveDateTime) -> Result<DeskStatus, ApiError> {
        let session = self.authorize_settings(now)?;
        let old = self.settings();
        let status = self.reconfigure(new)?;
        let changes = crate::settings::changes(&old, &self.settings());
        let outcome = if changes.is_empty() { Outcome::SettingsUnchanged } else { Outcome::Ok };
        self.audit_entry(audit_outcome::entry(
            now,
            Who::Session(&session),
            AuditAction::SettingChange,
            None,
            &outcome,
            None,
            Some(serde_json::Value::Object(changes)),
        ));
        Ok(status)
    }

    /// Saves new settings and reconnects with them. The data directory stays
    /// (it is chosen at start). A service URL that is not http(s) is refused
    /// before anything is saved.
    pub fn reconfigure(&self, mut new: Settings) -> Result<DeskStatus, ApiError> {
        if let Some(url) = new.service_url.as_deref().map(str::trim) {
            if url.is_empty() {
                new.service_url = None;
            } else if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ApiError::new(Msg::new("settings-bad-url").arg("url", url)));
            } else {
                new.service_url = Some(url.to_string());
            }
        }
        if new.oqs_dir.is_some() && !(new.facility_code.len() == 10 && new.facility_code.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ApiError::new(Msg::new("settings-bad-facility-code").arg("code", &new.facility_code)));
        }
        {
            let current = self.settings.read().unwrap();
            new.data_dir = current.data_dir.clone();
            new.file = current.file.clone();
        }
        new.save().map_err(|e| ApiError::new(Msg::new("settings-save-failed").arg("detail", e)))?;
        // Stop what the old settings started, then connect anew.
        self.disconnect();
        *self.settings.write().unwrap() = new;
        self.connect();
        Ok(self.status())
    }

    /// Connects to the configured service, or starts the embedded training
    /// service when none is configured. Blocking (may generate the training
    /// population on first start).
    pub fn connect(&self) {
        let settings = self.settings();
        let weak = self.me.clone();
        let on_tap = move |event| {
            if let Some(desk) = weak.upgrade() {
                let outcome = desk.take_card_tap(event, now_local());
                desk.deliver_card_tap(outcome, now_local());
            }
        };
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

    /// Sets who is told about card taps (the window).
    pub fn on_card_tap(&self, f: impl Fn(Result<CheckOutcome, ApiError>) + Send + Sync + 'static) {
        self.taps.on_card_tap(f);
    }

    /// Tells the window about a card tap taken in, or holds it while nobody
    /// is signed in ([`CardTaps::deliver`]).
    pub fn deliver_card_tap(&self, outcome: Result<CheckOutcome, ApiError>, now: NaiveDateTime) {
        self.taps.deliver(&self.ctx, outcome, now);
    }

    /// How many card taps wait for someone to sign in.
    pub fn held_card_taps(&self) -> usize {
        self.taps.held()
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
        let connection = self.connection();
        let Some(population) = connection.as_ref().and_then(|c| c.training_population()) else {
            return Err(ApiError::new(Msg::new("tap-training-only")));
        };
        let root = connection.as_ref().and_then(|c| c.face_root()).ok_or_else(|| ApiError::new(Msg::new("service-starting")))?;
        madoguchi_training::terminal::tap(root, population, None, consents, now)
            .map(|_| ())
            .map_err(|e| ApiError::new(Msg::new("tap-failed").arg("detail", e)))
    }

    /// 薬剤情報 or 特定健診 for the patient of a check at the desk, only with the
    /// patient's valid consent for that category — decided here, in the
    /// backend, by `consent::decide`, for viewing and for fetching. Without
    /// it nothing is requested and nothing is returned.
    pub fn view_medical(&self, check_id: i64, category: ConsentCategory, now: NaiveDateTime) -> Result<MedicalView, ApiError> {
        // The qualified role first (`crate::session`); refusals are logged.
        self.authorize(madoguchi_core::staff::Action::ViewMedical, Some(AuditAction::MedicalView), now)?;
        let result = self.check_result(check_id)?.ok_or_else(|| ApiError::new(Msg::new("error-no-such-check")))?;
        let q = result.qualification.as_ref().ok_or_else(|| ApiError::new(Msg::new("medical-no-patient")))?;
        let key = q.person_key();
        // Card reader, home visit (re-use rule), consents recorded at the desk
        // (災害時モード): `crate::consents`.
        let state = self.consent_state(&result, &key, now);
        if matches!(category, ConsentCategory::Clinical | ConsentCategory::Operations) {
            // 診療情報 and 手術情報: two consents, one view (`crate::clinical`).
            return self.view_clinical(&result, q, &state, category, now).map(MedicalView::Clinical);
        }
        let grant = |purpose| match decide(&state, &key, category, purpose, now) {
            Decision::Allowed(g) => Ok(g),
            Decision::Refused(r) => {
                // Refusals are logged too: someone tried.
                self.audit(AuditAction::MedicalView, Some(key.clone()), Outcome::refused(category, &r.reason), now);
                // In the words of how this patient consents (card reader, or
                // recorded in disaster mode): `crate::consents`.
                Err(ApiError::new(self.refusal_msg(&state, &r, &key, now)))
            }
        };
        let _view = grant(Purpose::View)?;
        let fetch = grant(Purpose::Fetch)?;
        let gateway = self.medical_gateway()?;
        let request = medical_request(q, match category {
            ConsentCategory::Checkups => MedicalRequestKind::Checkups,
            _ => MedicalRequestKind::Medication,
        });
        let map = medical_fetch_error;
        self.audit_allowed(category, &key, &fetch, now);
        let view = match category {
            ConsentCategory::Medication => gateway.medication(&request, &fetch).map(MedicalView::Medication).map_err(map),
            _ => gateway.checkups(&request, &fetch).map(MedicalView::Checkups).map_err(map),
        }?;
        // Kept for printing when the consent allows keeping it (`crate::print`).
        self.keep_medical(&result, &key, &view, now);
        Ok(view)
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
        let gateway = self.gateway_handle()?;
        let query = EligibilityQuery {
            card: card.clone(),
            confirmation_date: Some(now.date()),
            limit_certificate_consent: false,
        };
        match gateway.check(&query) {
            Ok(result) => {
                self.status.write().unwrap().problem = None;
                Ok(self.record(Some(card), result, now))
            }
            Err(e @ (GatewayError::Unreachable { .. } | GatewayError::Timeout { .. })) => {
                // The status line says so until a check goes through again.
                self.status.write().unwrap().problem = Some(gateway_msg(e.clone()));
                self.offline(card, e, now)
            }
            Err(e) => Err(ApiError::new(gateway_msg(e))),
        }
    }

    /// The service cannot be reached: show the last answer the desk has,
    /// clearly marked with its date, and queue a re-check for this visit.
    /// Nothing pretends to be fresh; nothing typed is lost.
    fn offline(&self, card: &CardDetails, e: GatewayError, now: NaiveDateTime) -> Result<CheckOutcome, ApiError> {
        let mut store = self.store.lock().unwrap();
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
                let lang = self.settings.read().unwrap().lang;
                Err(ApiError::new(Msg::new("offline-queued").arg("reason", say(lang, &gateway_msg(e)))))
            }
        }
    }

    /// Replays the deferred checks that are due, when the service answers.
    /// Each replayed result is recorded and compared with what was shown at
    /// the visit. Failures back off (1, 2, 4 … minutes, at most an hour).
    pub fn replay_due(&self, now: NaiveDateTime) -> Result<ReplayReport, ApiError> {
        let Some(gateway) = self.connection().as_ref().map(|c| Arc::clone(&c.gateway)) else {
            return Ok(ReplayReport::default());
        };
        let due = self.store.lock().unwrap().due_checks(now).map_err(store_error)?;
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
                    self.status.write().unwrap().problem = None;
                    let change = self.record_replayed(q.id, &q.card, &result, now)?;
                    report.replayed += 1;
                    report.changes.extend(change.filter(|c| !c.differences.is_empty()));
                }
                Err(e) => {
                    let minutes = 1i64 << q.attempts.clamp(0, 6);
                    let next = now + chrono::Duration::minutes(minutes.min(60));
                    self.store
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
        let store = self.store.lock().unwrap();
        let changes = store.changes_to_review().map_err(store_error)?;
        let mut days: std::collections::HashMap<NaiveDate, Vec<CheckSummary>> = Default::default();
        let mut out = Vec::with_capacity(changes.len());
        drop(store);
        let training = self.status().training;
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
    /// in the audit log (who); it leaves [`Desk::changes_to_review`].
    pub fn acknowledge_change(&self, queued_id: i64, now: NaiveDateTime) -> Result<(), ApiError> {
        let key = self
            .store
            .lock()
            .unwrap()
            .changes_to_review()
            .map_err(store_error)?
            .into_iter()
            .find(|c| c.queued_id == queued_id)
            .map(|c| c.person_key);
        self.store.lock().unwrap().mark_reviewed(queued_id, now).map_err(store_error)?;
        self.audit(AuditAction::ChangeAcknowledged, key, Outcome::ChangeAcknowledged { queued: queued_id }, now);
        Ok(())
    }

    /// Deletes cached medical information older than the settings'
    /// retention period (see [`crate::retention`] for when).
    pub fn purge_medical(&self, now: NaiveDateTime) -> Result<madoguchi_adapters::store::PurgeReport, ApiError> {
        let days = self.settings.read().unwrap().medical_retention_days;
        self.store.lock().unwrap().purge(now, chrono::Duration::days(days.into())).map_err(store_error)
    }

    /// How many checks wait for the service.
    pub fn pending_checks(&self) -> Result<i64, ApiError> {
        self.store.lock().unwrap().pending_count().map_err(store_error)
    }

    /// A replayed check: its answer recorded with its audit entry and the
    /// queued check marked done, in one transaction (see
    /// `Store::complete_queued_audited`); what differs from what was shown.
    fn record_replayed(&self, queued: i64, card: &CardDetails, result: &EligibilityResult, now: NaiveDateTime) -> Result<Option<madoguchi_adapters::store::Change>, ApiError> {
        let staff = self.settings.read().unwrap().staff.clone();
        let key = result.qualification.as_ref().map(|q| q.person_key()).unwrap_or_else(|| card.person_key());
        let entry = self.check_entry(Some(key), result.validity, now);
        let check = NewCheck { checked_at: now, staff: &staff, asked: Some(card), result };
        let done = self.store.lock().unwrap().complete_queued_audited(queued, &check, &entry, now).map_err(store_error)?;
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
        self.audit_entry_now(AuditAction::EligibilityCheck, patient_key, Outcome::Validity(validity), now)
    }

    /// Records a result in today's checks. A failure to store is a warning on
    /// the outcome, never a lost result: staff still see the answer.
    pub(crate) fn record(&self, asked: Option<&CardDetails>, result: EligibilityResult, now: NaiveDateTime) -> CheckOutcome {
        let staff = self.settings.read().unwrap().staff.clone();
        let key = result.qualification.as_ref().map(|q| q.person_key()).or(asked.map(|a| a.person_key()));
        let entry = self.check_entry(key, result.validity, now);
        let recorded = self.store.lock().unwrap().record_check_audited(
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
                if self.status().training {
                    self.training_checks.lock().unwrap().insert(id);
                }
                (Some(id), None)
            }
            Err(e) => {
                tracing::error!("recording a check failed: {e}");
                // The check itself could not be kept; its audit entry is
                // still attempted on its own.
                self.audit_entry(entry);
                (None, Some(Msg::new("error-store").arg("detail", e)))
            }
        };
        CheckOutcome { result, check_id, warning, as_of: None, queued: None }
    }

    /// The checks of a day (in training mode only those of the embedded
    /// population: [`Desk::training_may_show`]).
    pub fn checks_on(&self, date: NaiveDate) -> Result<Vec<CheckSummary>, ApiError> {
        let list = self.store.lock().unwrap().checks_on(date).map_err(store_error)?;
        if !self.status().training {
            return Ok(list);
        }
        Ok(list.into_iter().filter(|c| matches!(self.check_result(c.id), Ok(Some(_)))).collect())
    }

    /// A check's answer (in training mode only one of the embedded
    /// population: else none, as if there were no such check).
    pub fn check_result(&self, id: i64) -> Result<Option<EligibilityResult>, ApiError> {
        let result = self.store.lock().unwrap().check_result(id).map_err(store_error)?;
        Ok(result.filter(|r| self.training_may_show(id, r)))
    }

    /// Training mode: practise an outage. `down` stops the embedded training
    /// service (checks meet an unreachable service: cached answers, queued
    /// re-checks, home visits recorded 未確認); `!down` starts it again on
    /// the same port, and the queued checks go out as after a real outage.
    /// Refused outside training mode (`training-outage-training-only`).
    pub fn training_outage(&self, down: bool) -> Result<(), ApiError> {
        let connection = self.connection();
        let (Some(population), Some(service)) = (
            connection.as_ref().and_then(|c| c.training_population()),
            connection.as_ref().and_then(|c| c.training_service()),
        ) else {
            return Err(ApiError::new(Msg::new("training-outage-training-only")));
        };
        let mut running = service.lock().unwrap();
        let port = self.status().target.as_deref().and_then(|t| t.rsplit(':').next()?.parse::<u16>().ok());
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

    /// Stops the card-tap watcher and the embedded training service.
    pub fn shutdown(&self) {
        self.disconnect();
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The facility code the training terminal is addressed with.
pub(crate) use crate::connection::TRAINING_FACILITY_CODE;

/// The medical request for the patient of a qualification (the gateway sets
/// the facility code, the file category and the file id).
pub(crate) fn medical_request(q: &madoguchi_core::Qualification, kind: MedicalRequestKind) -> MedicalRequest {
    MedicalRequest {
        kind,
        institution_code: String::new(),
        insurer_number: q.insurer_number.clone(),
        symbol: q.symbol.clone(),
        number: q.number.clone(),
        branch: q.branch.clone(),
        file_id: None,
        start: None,
        end: None,
        file_category: FileCategory::Xml,
        treatment: TreatmentSetting::Outpatient,
    }
}

pub(crate) fn medical_fetch_error(e: MedicalFetchError) -> ApiError {
    match e {
        MedicalFetchError::Refused(r) => ApiError::new(consent_msg(&r.message())),
        MedicalFetchError::Gateway(g) => ApiError::new(gateway_msg(g)),
    }
}

pub(crate) fn consent_msg(m: &madoguchi_core::consent::Message) -> Msg {
    Msg::with_args(m.id, m.string_args())
}

fn now_local() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

pub use crate::connection::gateway_msg;

/// A store problem in words for the person at the counter.
pub fn store_msg(e: &StoreError) -> Msg {
    Msg::new(e.message_id()).arg("detail", e)
}

fn store_error(e: StoreError) -> ApiError {
    ApiError::new(store_msg(&e))
}

pub fn input_error(errors: Vec<FieldError>) -> ApiError {
    ApiError {
        message: Msg::new("error-input"),
        fields: errors
            .into_iter()
            .map(|fe| FieldMsg {
                field: fe.field,
                message: Msg::with_args(fe.message_id(), fe.message_args()),
            })
            .collect(),
        form: Vec::new(),
    }
}

/// Puts a message into words in `lang` (CLI and logs; the UI does the same
/// with the same files).
pub fn say(lang: madoguchi_i18n::Lang, msg: &Msg) -> String {
    let args: Vec<(&str, String)> = msg.args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    madoguchi_i18n::tr(lang, &msg.id, &args)
}

/// An [`ApiError`] in words, field problems included, one per line.
pub fn say_error(lang: madoguchi_i18n::Lang, e: &ApiError) -> String {
    let mut out = say(lang, &e.message);
    for f in &e.fields {
        let field = madoguchi_i18n::tr(lang, f.field.message_id(), &[]);
        out.push_str(&format!("\n  {field}: {}", say(lang, &f.message)));
    }
    out
}

