//! The Tauri commands: thin. Each takes the desk from the app state, calls it,
//! and hands back data or an [`ApiError`] (message id + arguments) that the UI
//! puts into the person's language.

use std::sync::Arc;

use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::staff::Action;
use madoguchi_core::validation::CardInput;
use madoguchi_core::{CheckSummary, EligibilityResult};
use tauri::State;

use crate::desk::{CheckOutcome, Desk, DeskStatus};

pub type DeskState = Arc<Desk>;

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// Runs blocking desk work (HTTP, SQLite) off the UI thread.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(ApiError::new(Msg::new("error-internal").arg("detail", e))))
}

/// Blocking desk work for the person signed in at the window, if their role
/// may do `action` (in training mode the trainee is signed in). Nobody
/// signed in, or the session locked → the sign-in message, nothing done:
/// the sign-in screen over the desk is not the only guard. (Medical views,
/// printing, disaster look-ups and administration check their own roles in
/// the desk itself.)
async fn as_staff<T: Send + 'static>(
    desk: &DeskState,
    action: Action,
    f: impl FnOnce(&Desk) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let desk = Arc::clone(desk);
    blocking(move || {
        desk.authorize(action, None, now())?;
        f(&desk)
    })
    .await
}

#[tauri::command]
pub fn desk_status(desk: State<'_, DeskState>) -> DeskStatus {
    desk.status()
}

#[tauri::command]
pub fn desk_language(desk: State<'_, DeskState>) -> String {
    desk.settings().lang.code().to_string()
}

/// What the settings panel edits.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SettingsForm {
    /// Empty = the embedded training service.
    pub service_url: String,
    pub timeout_secs: u64,
    /// Empty = no OQS folder (HTTP or training).
    pub oqs_dir: String,
    pub facility_code: String,
    pub staff: String,
    pub lang: String,
}

#[tauri::command]
pub fn get_settings(desk: State<'_, DeskState>) -> SettingsForm {
    let s = desk.settings();
    SettingsForm {
        service_url: s.service_url.unwrap_or_default(),
        timeout_secs: s.timeout_secs,
        oqs_dir: s.oqs_dir.map(|d| d.display().to_string()).unwrap_or_default(),
        facility_code: s.facility_code,
        staff: s.staff,
        lang: s.lang.code().into(),
    }
}

#[tauri::command]
pub async fn save_settings(desk: State<'_, DeskState>, form: SettingsForm) -> Result<DeskStatus, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || {
        let mut s = desk.settings();
        s.service_url = Some(form.service_url);
        s.timeout_secs = form.timeout_secs.clamp(1, 120);
        let dir = form.oqs_dir.trim();
        s.oqs_dir = if dir.is_empty() { None } else { Some(std::path::PathBuf::from(dir)) };
        s.facility_code = madoguchi_core::digits::compact(&form.facility_code);
        s.staff = if form.staff.trim().is_empty() { s.staff } else { form.staff.trim().to_string() };
        s.lang = madoguchi_i18n::Lang::parse(&form.lang).unwrap_or(s.lang);
        desk.change_settings(s, now())
    })
    .await
}

#[tauri::command]
pub async fn check_eligibility(desk: State<'_, DeskState>, input: CardInput) -> Result<CheckOutcome, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.check(&input, now())).await
}

#[tauri::command]
pub async fn todays_checks(desk: State<'_, DeskState>) -> Result<Vec<CheckSummary>, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.checks_on(now().date())).await
}

#[tauri::command]
pub async fn check_detail(desk: State<'_, DeskState>, id: i64) -> Result<EligibilityResult, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.check_result(id)?.ok_or_else(|| ApiError::new(Msg::new("error-no-such-check")))).await
}

/// The UI calls this once its first frame is painted. With
/// `MADOGUCHI_REPORT_PAINT=1` the time since process start is printed on
/// stdout (`first-paint-ms N`) for the cold-start benchmark.
#[tauri::command]
pub fn ui_ready() {
    let ms = crate::started().elapsed().as_millis();
    tracing::info!("first paint {ms} ms after start");
    if std::env::var_os("MADOGUCHI_REPORT_PAINT").is_some() {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "first-paint-ms {ms}");
        let _ = out.flush();
    }
}

/// Training mode: simulate a patient tapping a マイナ保険証 and consenting to
/// `consents` (medication, checkups, clinical, operations).
#[tauri::command]
pub async fn simulate_card_tap(desk: State<'_, DeskState>, consents: Vec<String>) -> Result<(), ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| {
        let categories: Vec<_> = consents.iter().filter_map(|c| madoguchi_core::ConsentCategory::parse(c)).collect();
        desk.simulate_card_tap(&categories, now())
    })
    .await
}

/// Training mode: practise an outage (`down`: the training service stops;
/// else it starts again on the same address).
#[tauri::command]
pub async fn training_outage(desk: State<'_, DeskState>, down: bool) -> Result<(), ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.training_outage(down)).await
}

/// 薬剤情報 / 特定健診 for the patient of check `id`. The consent check is in
/// the desk (backend); the window only shows what comes back.
#[tauri::command]
pub async fn view_medical(desk: State<'_, DeskState>, id: i64, category: String) -> Result<crate::desk::MedicalView, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || {
        let category = madoguchi_core::ConsentCategory::parse(&category)
            .ok_or_else(|| ApiError::new(Msg::new("error-internal").arg("detail", &category)))?;
        desk.view_medical(id, category, now())
    })
    .await
}

/// Replayed checks that differ from what was shown at the visit, waiting
/// for staff to acknowledge them.
#[tauri::command]
pub async fn changes_to_review(desk: State<'_, DeskState>) -> Result<Vec<crate::desk::FlaggedChange>, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.changes_to_review()).await
}

/// Staff have seen the change found by replaying deferred check `id`.
#[tauri::command]
pub async fn acknowledge_change(desk: State<'_, DeskState>, id: i64) -> Result<(), ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.acknowledge_change(id, now())).await
}

/// How many deferred checks wait for the service (the outage banner).
#[tauri::command]
pub async fn pending_checks(desk: State<'_, DeskState>) -> Result<i64, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.pending_checks()).await
}

// ---- 一括照会 (see `crate::batch`) ----

/// Reads an appointment list (the file's bytes, chosen in the window) into a
/// new batch; answers its bad rows.
#[tauri::command]
pub async fn batch_import(desk: State<'_, DeskState>, bytes: Vec<u8>, name: Option<String>) -> Result<crate::batch::BatchImport, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.batch_import(&bytes, name.as_deref(), now())).await
}

/// Runs (or resumes) a batch; progress goes to the window as `batch-progress` events.
#[tauri::command]
pub async fn batch_run(app: tauri::AppHandle, desk: State<'_, DeskState>, id: i64) -> Result<crate::batch::BatchRun, ApiError> {
    use tauri::Emitter;
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.batch_run(id, &|p| drop(app.emit("batch-progress", p)), now())).await
}

/// Stops a running batch (the rest stays pending).
#[tauri::command]
pub fn batch_cancel(desk: State<'_, DeskState>, id: i64) -> bool {
    desk.batch_cancel(id)
}

/// Batches with rows still pending (offered for resuming).
#[tauri::command]
pub async fn batches_unfinished(desk: State<'_, DeskState>) -> Result<Vec<madoguchi_adapters::store::BatchInfo>, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.batches(true)).await
}

/// Writes a batch's report as CSV to the Downloads folder; answers the file's path.
#[tauri::command]
pub async fn batch_export_csv(desk: State<'_, DeskState>, id: i64) -> Result<String, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.batch_export_csv(id).map(|p| p.display().to_string())).await
}

/// 災害時モード: the four-field look-up (`crate::disaster`); the role check,
/// the refusal of a missing field and the audit entry are the desk's.
#[tauri::command]
pub async fn disaster_lookup(
    desk: State<'_, DeskState>,
    query: madoguchi_core::matching::DisasterQuery,
) -> Result<crate::disaster::DisasterLookup, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.disaster_lookup(&query, crate::disaster::LookupRoute::Auto, now())).await
}

/// 災害時モード: records the consent of the person a look-up found (check
/// `id`), per category; the role check, the refusals and the audit entry are
/// the desk's (`crate::consents`).
#[tauri::command]
pub async fn record_disaster_consent(
    desk: State<'_, DeskState>,
    id: i64,
    input: crate::consents::DisasterConsentInput,
) -> Result<Vec<madoguchi_adapters::store::RecordedConsent>, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.record_disaster_consent(id, &input, now())).await
}

/// Who is signed in (in training mode, the trainee).
#[tauri::command]
pub fn signed_in(desk: State<'_, DeskState>) -> Option<crate::session::SignedIn> {
    desk.signed_in(now())
}

/// Prints a document of the check's patient (`crate::print`): the file's
/// path, or why not (no consent, nothing kept, not allowed for the role).
#[tauri::command]
pub async fn print_document(desk: State<'_, DeskState>, id: i64, kind: String) -> Result<crate::print::PrintedFile, ApiError> {
    let desk = Arc::clone(&desk);
    let kind = crate::print::PrintKind::parse(&kind).ok_or_else(|| ApiError::new(Msg::new("print-unknown-kind").arg("kind", &kind)))?;
    blocking(move || desk.print_to_file(id, kind, now())).await
}

// ---- home visits (居宅同意取得型; the steps are `crate::home_visit`'s) ----

#[tauri::command]
pub async fn home_visit_start(desk: State<'_, DeskState>) -> Result<crate::home_visit::HomeVisitStart, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.home_visit_start(now())).await
}

#[tauri::command]
pub async fn home_visit_begin(desk: State<'_, DeskState>, key: Option<String>) -> Result<crate::home_visit::VisitState, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.home_visit_begin(key.as_deref(), now())).await
}

#[tauri::command]
pub async fn home_visit_consent(desk: State<'_, DeskState>, categories: Vec<madoguchi_core::ConsentCategory>) -> Result<crate::home_visit::VisitState, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.home_visit_consent(&categories, now())).await
}

#[tauri::command]
pub async fn home_visit_identity(desk: State<'_, DeskState>, input: crate::home_visit::IdentityInput) -> Result<crate::home_visit::VisitState, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.home_visit_identity(&input, now())).await
}

#[tauri::command]
pub async fn home_visit_card(desk: State<'_, DeskState>) -> Result<crate::home_visit::VisitDone, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.home_visit_card(now())).await
}

#[tauri::command]
pub async fn home_visit_reuse(desk: State<'_, DeskState>, first: i64) -> Result<crate::home_visit::VisitDone, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.home_visit_reuse(first, now())).await
}

#[tauri::command]
pub async fn home_visit_sync(desk: State<'_, DeskState>) -> Result<crate::home_visit::HomeVisitStart, ApiError> {
    as_staff(&desk, Action::CheckEligibility, move |desk| desk.home_visit_sync(now())).await
}

/// Signs in with a staff account (`crate::session`).
#[tauri::command]
pub async fn sign_in(desk: State<'_, DeskState>, staff_id: String, password: String) -> Result<crate::session::SignedIn, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.sign_in(&staff_id, &password, now())).await
}

/// Signs whoever is signed in out.
#[tauri::command]
pub fn sign_out(desk: State<'_, DeskState>) {
    desk.sign_out(now())
}

/// What the window shows: first start, sign-in, or the desk (`crate::session`).
#[tauri::command]
pub async fn staff_gate(desk: State<'_, DeskState>) -> Result<crate::session::StaffGate, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.staff_gate(now())).await
}

/// The person at the window is active (keeps the session from locking).
#[tauri::command]
pub fn touch_session(desk: State<'_, DeskState>) -> Option<crate::session::SignedIn> {
    desk.touch_session(now())
}

/// First start: the first administrator (every check in the desk).
#[tauri::command]
pub async fn first_start(desk: State<'_, DeskState>, form: crate::session::AccountForm) -> Result<crate::session::SignedIn, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.first_start(&form, now())).await
}

/// An administrator adds a staff account with a role.
#[tauri::command]
pub async fn add_staff(desk: State<'_, DeskState>, form: crate::session::AccountForm, role: madoguchi_core::staff::Role) -> Result<crate::session::StaffListEntry, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.add_staff(&form, role, now())).await
}

/// The staff accounts (administrators only).
#[tauri::command]
pub async fn staff_list(desk: State<'_, DeskState>) -> Result<Vec<crate::session::StaffListEntry>, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.staff_list(now())).await
}

/// An administrator disables an account (not their own, not the last administrator).
#[tauri::command]
pub async fn disable_staff(desk: State<'_, DeskState>, staff_id: String) -> Result<crate::session::StaffListEntry, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.disable_staff(&staff_id, now())).await
}

/// An administrator enables a disabled account again.
#[tauri::command]
pub async fn enable_staff(desk: State<'_, DeskState>, staff_id: String) -> Result<crate::session::StaffListEntry, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.enable_staff(&staff_id, now())).await
}

/// An administrator sets a new password for an account, typed twice.
#[tauri::command]
pub async fn reset_staff_password(desk: State<'_, DeskState>, form: crate::session::PasswordResetForm) -> Result<crate::session::StaffListEntry, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.reset_staff_password(&form, now())).await
}

/// The signed-in person changes their own password (current one, new one twice).
#[tauri::command]
pub async fn change_own_password(desk: State<'_, DeskState>, form: crate::session::PasswordChangeForm) -> Result<crate::session::SignedIn, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.change_own_password(&form, now())).await
}

/// The audit viewer's page (administrators only; `crate::audit_view`).
#[tauri::command]
pub async fn audit_page(desk: State<'_, DeskState>, query: crate::audit_view::AuditQuery) -> Result<crate::audit_view::AuditPage, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.audit_page(&query, now())).await
}

/// Writes the filtered audit log as CSV (administrators only).
#[tauri::command]
pub async fn audit_export_csv(desk: State<'_, DeskState>, query: crate::audit_view::AuditQuery) -> Result<crate::audit_view::AuditExport, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.audit_export_csv(&query, now())).await
}

/// Whether the audit chain verifies (shown to everyone when it does not).
#[tauri::command]
pub async fn audit_chain(desk: State<'_, DeskState>) -> Result<crate::audit_view::ChainState, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || Ok(desk.audit_chain())).await
}

/// The local emergency in force, if any.
#[tauri::command]
pub async fn local_emergency(desk: State<'_, DeskState>) -> Result<Option<crate::disaster::LocalEmergency>, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.local_emergency()).await
}

/// Declares the local emergency (administrators only, with a reason; logged).
#[tauri::command]
pub async fn declare_local_emergency(desk: State<'_, DeskState>, reason: String) -> Result<crate::disaster::LocalEmergency, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.declare_local_emergency(&reason, now())).await
}

/// Ends the local emergency (administrators only; logged).
#[tauri::command]
pub async fn end_local_emergency(desk: State<'_, DeskState>) -> Result<bool, ApiError> {
    let desk = Arc::clone(&desk);
    blocking(move || desk.end_local_emergency(now())).await
}
