//! The window's commands: every command of the contract (`madoguchi_api`)
//! registered once, in [`table`], each a thin handler that calls the desk
//! and hands back data or an [`ApiError`] (message id + arguments) that the
//! UI puts into the person's language.
//!
//! [`dispatch`] is the one way in (the Tauri `invoke_handler` in `lib.rs`
//! only hands it the command's name and JSON): it finds the command, checks
//! the contract's [`Permission`] — a [`Permission::Staff`] command needs
//! someone signed in (in training mode the trainee) whose role may do the
//! action; nobody signed in, or the session locked → the sign-in message,
//! nothing done, the sign-in screen over the desk is not the only guard —
//! then reads the arguments and runs the handler. No handler checks a role
//! itself. The commands marked [`Permission::Desk`] (medical views,
//! printing, disaster look-ups and consents, administration, the local
//! emergency) are checked inside the desk's methods, which know the patient
//! and log the refusal; that stays as it is (defence in depth, tested with
//! those features).
//!
//! `dispatch` is plain Rust, testable without a window; blocking work
//! (HTTP, SQLite) runs off the UI thread because the invoke handler calls it
//! on a blocking thread.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDateTime;
use madoguchi_api::{self as api, Command, Event, Permission};
use madoguchi_core::message::{ApiError, Msg};
use serde_json::Value;

use crate::desk::Desk;

pub use madoguchi_api::desk::SettingsForm;

pub type DeskState = Arc<Desk>;

/// Where a handler sends events to the window (the Tauri app in the window,
/// a recorder in tests).
pub type Emit<'a> = &'a (dyn Fn(&'static str, Value) + Sync);

/// What a handler is given besides its arguments.
pub struct Call<'a> {
    pub desk: &'a Desk,
    pub now: NaiveDateTime,
    emit: Emit<'a>,
}

impl Call<'_> {
    /// Sends event `E` to the window.
    pub fn emit<E: Event>(&self, payload: &E::Payload) {
        emit::<E>(self.emit, payload)
    }
}

type Handler = Box<dyn Fn(&Call<'_>, Value) -> Result<Value, ApiError> + Send + Sync>;

struct Entry {
    permission: Permission,
    handler: Handler,
}

/// The registered commands, by name.
pub struct Table(BTreeMap<&'static str, Entry>);

fn internal(detail: impl std::fmt::Display) -> ApiError {
    ApiError::new(Msg::new("error-internal").arg("detail", detail.to_string()))
}

impl Table {
    /// Registers command `C` (once).
    fn on<C: Command + 'static>(&mut self, f: fn(&Call<'_>, C::Args) -> Result<C::Reply, ApiError>) -> &mut Self {
        let handler: Handler = Box::new(move |call, args| {
            // `invoke(name)` without arguments sends `{}`; be as lenient with `null`.
            let args = if args.is_null() { Value::Object(Default::default()) } else { args };
            let args: C::Args = serde_json::from_value(args)
                .map_err(|e| internal(format!("invalid args for command `{}`: {e}", C::NAME)))?;
            serde_json::to_value(f(call, args)?).map_err(internal)
        });
        let previous = self.0.insert(C::NAME, Entry { permission: C::PERMISSION, handler });
        assert!(previous.is_none(), "command {} registered twice", C::NAME);
        self
    }

    /// The names of the registered commands.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.keys().copied()
    }

    /// The permission a registered command is checked with.
    pub fn permission(&self, name: &str) -> Option<Permission> {
        self.0.get(name).map(|e| e.permission)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

/// Every command, registered from the contract.
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(build)
}

/// Runs command `name` with its JSON arguments for the person at the window:
/// the contract's permission first, then the handler.
pub fn dispatch(desk: &Desk, emit: Emit<'_>, name: &str, args: Value, now: NaiveDateTime) -> Result<Value, ApiError> {
    let entry = table().0.get(name).ok_or_else(|| internal(format!("unknown command `{name}`")))?;
    match entry.permission {
        Permission::Anyone | Permission::Desk => {}
        Permission::Staff(action) => {
            desk.context().authorize(action, None, now)?;
        }
    }
    (entry.handler)(&Call { desk, now, emit }, args)
}

/// Sends event `E` of the contract through `to` (card taps, replays and
/// batch progress reach the window so).
pub fn emit<E: Event>(to: Emit<'_>, payload: &E::Payload) {
    match serde_json::to_value(payload) {
        Ok(v) => to(E::NAME, v),
        Err(e) => tracing::warn!("event {}: {e}", E::NAME),
    }
}

fn build() -> Table {
    let mut t = Table(BTreeMap::new());
    t
        // ---- the desk ----
        .on::<api::DeskStatus>(|c, _| Ok(c.desk.context().status()))
        .on::<api::DeskLanguage>(|c, _| Ok(c.desk.context().settings().lang.code().to_string()))
        .on::<api::GetSettings>(|c, _| {
            let s = c.desk.context().settings();
            Ok(SettingsForm {
                service_url: s.service_url.unwrap_or_default(),
                timeout_secs: s.timeout_secs,
                oqs_dir: s.oqs_dir.map(|d| d.display().to_string()).unwrap_or_default(),
                facility_code: s.facility_code,
                staff: s.staff,
                lang: s.lang.code().into(),
            })
        })
        .on::<api::SaveSettings>(|c, a| {
            let form = a.form;
            let mut s = c.desk.context().settings();
            s.service_url = Some(form.service_url);
            s.timeout_secs = form.timeout_secs.clamp(1, 120);
            let dir = form.oqs_dir.trim();
            s.oqs_dir = if dir.is_empty() { None } else { Some(std::path::PathBuf::from(dir)) };
            s.facility_code = madoguchi_core::digits::compact(&form.facility_code);
            s.staff = if form.staff.trim().is_empty() { s.staff } else { form.staff.trim().to_string() };
            s.lang = madoguchi_i18n::Lang::parse(&form.lang).unwrap_or(s.lang);
            c.desk.change_settings(s, c.now)
        })
        .on::<api::UiReady>(|_, _| {
            ui_ready();
            Ok(())
        })
        .on::<api::CheckEligibility>(|c, a| c.desk.checks.check(&a.input, c.now))
        .on::<api::TodaysChecks>(|c, _| c.desk.checks.checks_on(c.now.date()))
        .on::<api::CheckDetail>(|c, a| c.desk.checks.check_result(a.id)?.ok_or_else(|| ApiError::new(Msg::new("error-no-such-check"))))
        .on::<api::SimulateCardTap>(|c, a| {
            let categories: Vec<_> = a.consents.iter().filter_map(|c| madoguchi_core::ConsentCategory::parse(c)).collect();
            c.desk.checks.simulate_card_tap(&categories, c.now)
        })
        .on::<api::TrainingOutage>(|c, a| c.desk.checks.training_outage(a.down))
        .on::<api::ViewMedical>(|c, a| {
            let category = madoguchi_core::ConsentCategory::parse(&a.category)
                .ok_or_else(|| ApiError::new(Msg::new("error-internal").arg("detail", &a.category)))?;
            c.desk.medical.view(a.id, category, c.now)
        })
        .on::<api::PrintDocument>(|c, a| {
            let kind = crate::print::PrintKind::parse(&a.kind).ok_or_else(|| ApiError::new(Msg::new("print-unknown-kind").arg("kind", &a.kind)))?;
            c.desk.print.to_file(a.id, kind, c.now)
        })
        .on::<api::ChangesToReview>(|c, _| c.desk.checks.changes_to_review())
        .on::<api::AcknowledgeChange>(|c, a| c.desk.checks.acknowledge_change(a.id, c.now))
        .on::<api::RegisterReference>(|c, a| c.desk.checks.register_reference(&a.input, &a.patient_number, c.now))
        .on::<api::PendingChecks>(|c, _| c.desk.checks.pending_checks())
        // ---- 一括照会 (`crate::batch`) ----
        .on::<api::BatchImport>(|c, a| c.desk.batch.import(&a.bytes, a.name.as_deref(), c.now))
        .on::<api::BatchRun>(|c, a| c.desk.batch.run(a.id, &|p| c.emit::<api::BatchProgress>(&p), c.now))
        .on::<api::BatchCancel>(|c, a| Ok(c.desk.batch.cancel(a.id)))
        .on::<api::BatchesUnfinished>(|c, _| Ok(c.desk.batch.list(true)?))
        .on::<api::BatchExportCsv>(|c, a| c.desk.batch.export_csv(a.id).map(|p| p.display().to_string()))
        // ---- 災害時モード (`crate::disaster`, `crate::consents`) ----
        .on::<api::DisasterLookup>(|c, a| c.desk.disaster.lookup(&a.query, crate::disaster::LookupRoute::Auto, c.now))
        .on::<api::RecordDisasterConsent>(|c, a| {
            Ok(c.desk.consents.record_disaster(a.id, &a.input, c.now)?)
        })
        .on::<api::LocalEmergency>(|c, _| c.desk.disaster.local_emergency())
        .on::<api::DeclareLocalEmergency>(|c, a| c.desk.disaster.declare_local_emergency(&a.reason, c.now))
        .on::<api::EndLocalEmergency>(|c, _| c.desk.disaster.end_local_emergency(c.now))
        // ---- home visits (居宅同意取得型; `crate::home_visit`) ----
        .on::<api::HomeVisitStart>(|c, _| c.desk.home_visit.start(c.now))
        .on::<api::HomeVisitBegin>(|c, a| c.desk.home_visit.begin(a.key.as_deref(), c.now))
        .on::<api::HomeVisitConsent>(|c, a| c.desk.home_visit.consent(&a.categories, c.now))
        .on::<api::HomeVisitIdentity>(|c, a| c.desk.home_visit.identity(&a.input, c.now))
        .on::<api::HomeVisitCard>(|c, _| c.desk.home_visit.card(c.now))
        .on::<api::HomeVisitReuse>(|c, a| c.desk.home_visit.reuse(a.first, c.now))
        .on::<api::HomeVisitSync>(|c, _| c.desk.home_visit.sync(c.now))
        // ---- staff and the session (`crate::session`) ----
        .on::<api::SignedIn>(|c, _| Ok(c.desk.context().signed_in(c.now)))
        .on::<api::SignIn>(|c, a| c.desk.staff.sign_in(&a.staff_id, &a.password, c.now))
        .on::<api::SignOut>(|c, _| {
            c.desk.staff.sign_out(c.now);
            Ok(())
        })
        .on::<api::StaffGate>(|c, _| c.desk.staff.staff_gate(c.now))
        .on::<api::TouchSession>(|c, _| Ok(c.desk.staff.touch_session(c.now)))
        .on::<api::FirstStart>(|c, a| c.desk.staff.first_start(&a.form, c.now))
        .on::<api::AddStaff>(|c, a| c.desk.staff.add_staff(&a.form, a.role, c.now))
        .on::<api::StaffList>(|c, _| c.desk.staff.staff_list(c.now))
        .on::<api::DisableStaff>(|c, a| c.desk.staff.disable_staff(&a.staff_id, c.now))
        .on::<api::EnableStaff>(|c, a| c.desk.staff.enable_staff(&a.staff_id, c.now))
        .on::<api::ResetStaffPassword>(|c, a| c.desk.staff.reset_staff_password(&a.form, c.now))
        .on::<api::ChangeOwnPassword>(|c, a| c.desk.staff.change_own_password(&a.form, c.now))
        // ---- the audit log (`crate::audit_view`) ----
        .on::<api::AuditPage>(|c, a| c.desk.audit_view.audit_page(&a.query, c.now))
        .on::<api::AuditExportCsv>(|c, a| c.desk.audit_view.audit_export_csv(&a.query, c.now))
        .on::<api::AuditChain>(|c, _| Ok(c.desk.audit_view.audit_chain()));
    t
}

/// The UI calls this once its first frame is painted. With
/// `MADOGUCHI_REPORT_PAINT=1` the time since process start is printed on
/// stdout (`first-paint-ms N`) for the cold-start benchmark.
fn ui_ready() {
    let ms = crate::started().elapsed().as_millis();
    tracing::info!("first paint {ms} ms after start");
    if std::env::var_os("MADOGUCHI_REPORT_PAINT").is_some() {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "first-paint-ms {ms}");
        let _ = out.flush();
    }
}
