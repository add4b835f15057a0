//! # madoguchi-api: the contract between the desk window and the backend
//!
//! Every command the window may call is a type here ([`Command`]): its name
//! on the wire, its arguments, its reply and the [`Permission`] it needs.
//! Every event the backend sends the window is a type too ([`Event`]). Every
//! request and reply type is defined once, in the feature modules below; the
//! backend (`madoguchi_app::commands`) registers each command from this list
//! and checks [`Command::PERMISSION`] in one place, and the window
//! (`ui/src/tauri.rs`) calls `invoke::<api::CheckEligibility>(&args)`.
//!
//! Architecture invariants:
//! - wasm-safe: depends on serde, chrono and the pure core only (no Tauri,
//!   no adapters). A storage row never crosses the wire: where a reply shows
//!   one, it is a contract type here and the app converts.
//! - The wire is Tauri's: a command's arguments are one JSON object whose
//!   keys are the argument names in camelCase (`staffId`), as Tauri's own
//!   `#[tauri::command]` named them; replies are the reply type's JSON.
//! - [`ALL`] and [`EVENTS`] list every name once; names are unique (tested).

use madoguchi_core::matching::DisasterQuery;
use madoguchi_core::message::ApiError;
use madoguchi_core::staff::{Action, Role};
use madoguchi_core::validation::CardInput;
use madoguchi_core::{CheckSummary, ConsentCategory, EligibilityResult};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

pub mod audit;
pub mod batch;
pub mod desk;
pub mod disaster;
pub mod home_visit;
pub mod session;

/// Who may call a command. Checked by the backend's dispatcher, before the
/// arguments are read and before anything is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Anyone at the window, signed in or not (the sign-in itself, the
    /// desk's status, the first start …).
    Anyone,
    /// A signed-in staff member (in training mode the trainee) whose role
    /// may do this; nobody signed in or the session locked → the sign-in
    /// message (`staff-refused-not-signed-in`), nothing done.
    Staff(Action),
    /// The desk's own method checks who may do it, because the answer
    /// depends on more than the role (the patient's consent for medical
    /// views and prints, the look-up's audit entry for disaster mode, the
    /// administrator's own account), and logs a refusal. The dispatcher lets
    /// the call through to it.
    Desk,
}

/// A command the window calls.
pub trait Command {
    /// Its name on the wire.
    const NAME: &'static str;
    /// Its arguments: one JSON object, keys in camelCase.
    type Args: Serialize + DeserializeOwned;
    type Reply: Serialize + DeserializeOwned;
    const PERMISSION: Permission;
}

/// An event the backend sends the window.
pub trait Event {
    /// Its name on the wire.
    const NAME: &'static str;
    type Payload: Serialize + DeserializeOwned;
}

macro_rules! commands {
    ($(
        $(#[$doc:meta])*
        $ty:ident = $name:literal { $($field:ident : $fty:ty),* $(,)? } -> $reply:ty, $perm:expr;
    )*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $ty;
            impl Command for $ty {
                const NAME: &'static str = $name;
                type Args = args::$ty;
                type Reply = $reply;
                const PERMISSION: Permission = $perm;
            }
        )*

        /// The arguments of each command, named as the command.
        pub mod args {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[doc = concat!("The arguments of `", $name, "`.")]
                #[derive(Debug, Clone, Serialize, Deserialize)]
                #[serde(rename_all = "camelCase")]
                pub struct $ty { $(pub $field: $fty,)* }
            )*
        }

        /// Every command's name, once.
        pub const ALL: &[&str] = &[$($name),*];

        /// Every command's name and permission (the backend's one check).
        pub const PERMISSIONS: &[(&str, Permission)] = &[$(($name, $perm)),*];
    };
}

macro_rules! events {
    ($( $(#[$doc:meta])* $ty:ident = $name:literal ($payload:ty); )*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $ty;
            impl Event for $ty {
                const NAME: &'static str = $name;
                type Payload = $payload;
            }
        )*
        /// Every event's name, once.
        pub const EVENTS: &[&str] = &[$($name),*];
    };
}

use Permission::{Anyone, Desk};
const CHECK: Permission = Permission::Staff(Action::CheckEligibility);

commands! {
    // ---- the desk ----
    DeskStatus = "desk_status" {} -> desk::DeskStatus, Anyone;
    DeskLanguage = "desk_language" {} -> String, Anyone;
    GetSettings = "get_settings" {} -> desk::SettingsForm, Anyone;
    SaveSettings = "save_settings" { form: desk::SettingsForm } -> desk::DeskStatus, Anyone;
    /// The UI calls this once its first frame is painted.
    UiReady = "ui_ready" {} -> (), Anyone;
    CheckEligibility = "check_eligibility" { input: CardInput } -> desk::CheckOutcome, CHECK;
    TodaysChecks = "todays_checks" {} -> Vec<CheckSummary>, CHECK;
    CheckDetail = "check_detail" { id: i64 } -> EligibilityResult, CHECK;
    /// Training mode: a patient taps a マイナ保険証 and consents to `consents`.
    SimulateCardTap = "simulate_card_tap" { consents: Vec<String> } -> (), CHECK;
    /// Training mode: practise an outage (`down`) or end it.
    TrainingOutage = "training_outage" { down: bool } -> (), CHECK;
    /// 薬剤情報 / 特定健診 / 診療情報 of check `id`'s patient (the consent check is the desk's).
    ViewMedical = "view_medical" { id: i64, category: String } -> desk::MedicalView, Desk;
    /// Prints a document of check `id`'s patient.
    PrintDocument = "print_document" { id: i64, kind: String } -> desk::PrintedFile, Desk;
    ChangesToReview = "changes_to_review" {} -> Vec<desk::FlaggedChange>, CHECK;
    AcknowledgeChange = "acknowledge_change" { id: i64 } -> (), CHECK;
    /// 照会番号: registers the facility's patient number for the card of
    /// `input` (answers the number registered).
    RegisterReference = "register_reference" { input: CardInput, patient_number: String } -> String, CHECK;
    /// How many deferred checks wait for the service (the outage banner).
    PendingChecks = "pending_checks" {} -> i64, Anyone;

    // ---- 一括照会 ----
    BatchImport = "batch_import" { bytes: Vec<u8>, name: Option<String> } -> batch::BatchImport, CHECK;
    /// Runs (or resumes) a batch; progress comes as [`BatchProgress`] events.
    BatchRun = "batch_run" { id: i64 } -> batch::BatchRun, CHECK;
    BatchCancel = "batch_cancel" { id: i64 } -> bool, Anyone;
    BatchesUnfinished = "batches_unfinished" {} -> Vec<batch::BatchInfo>, CHECK;
    /// Writes a batch's report as CSV to the Downloads folder; answers the path.
    BatchExportCsv = "batch_export_csv" { id: i64 } -> String, CHECK;

    // ---- 災害時モード ----
    DisasterLookup = "disaster_lookup" { query: DisasterQuery } -> disaster::DisasterLookup, Desk;
    RecordDisasterConsent = "record_disaster_consent" { id: i64, input: disaster::DisasterConsentInput } -> Vec<disaster::RecordedConsent>, Desk;
    LocalEmergency = "local_emergency" {} -> Option<disaster::LocalEmergency>, Anyone;
    DeclareLocalEmergency = "declare_local_emergency" { reason: String } -> disaster::LocalEmergency, Desk;
    EndLocalEmergency = "end_local_emergency" {} -> bool, Desk;

    // ---- home visits ----
    HomeVisitStart = "home_visit_start" {} -> home_visit::HomeVisitStart, CHECK;
    HomeVisitBegin = "home_visit_begin" { key: Option<String> } -> home_visit::VisitState, CHECK;
    HomeVisitConsent = "home_visit_consent" { categories: Vec<ConsentCategory> } -> home_visit::VisitState, CHECK;
    HomeVisitIdentity = "home_visit_identity" { input: home_visit::IdentityInput } -> home_visit::VisitState, CHECK;
    HomeVisitCard = "home_visit_card" {} -> home_visit::VisitDone, CHECK;
    HomeVisitReuse = "home_visit_reuse" { first: i64 } -> home_visit::VisitDone, CHECK;
    HomeVisitSync = "home_visit_sync" {} -> home_visit::HomeVisitStart, CHECK;

    // ---- staff and the session ----
    SignedIn = "signed_in" {} -> Option<session::SignedIn>, Anyone;
    SignIn = "sign_in" { staff_id: String, password: String } -> session::SignedIn, Anyone;
    SignOut = "sign_out" {} -> (), Anyone;
    StaffGate = "staff_gate" {} -> session::StaffGate, Anyone;
    TouchSession = "touch_session" {} -> Option<session::SignedIn>, Anyone;
    /// First start: the first administrator (every check in the desk).
    FirstStart = "first_start" { form: session::AccountForm } -> session::SignedIn, Anyone;
    AddStaff = "add_staff" { form: session::AccountForm, role: Role } -> session::StaffListEntry, Desk;
    StaffList = "staff_list" {} -> Vec<session::StaffListEntry>, Desk;
    DisableStaff = "disable_staff" { staff_id: String } -> session::StaffListEntry, Desk;
    EnableStaff = "enable_staff" { staff_id: String } -> session::StaffListEntry, Desk;
    ResetStaffPassword = "reset_staff_password" { form: session::PasswordResetForm } -> session::StaffListEntry, Desk;
    ChangeOwnPassword = "change_own_password" { form: session::PasswordChangeForm } -> session::SignedIn, Desk;

    // ---- the audit log ----
    AuditPage = "audit_page" { query: audit::AuditQuery } -> audit::AuditPage, Desk;
    AuditExportCsv = "audit_export_csv" { query: audit::AuditQuery } -> audit::AuditExport, Desk;
    /// Whether the audit chain verifies (shown to everyone when it does not).
    AuditChain = "audit_chain" {} -> audit::ChainState, Anyone;
}

events! {
    /// A patient tapped a card at the terminal: the check's answer.
    CardTapped = "card-tapped" (desk::CheckOutcome);
    /// A card tap could not be checked.
    CardTapFailed = "card-tap-failed" (ApiError);
    /// Deferred checks were replayed in the background.
    ChecksReplayed = "checks-replayed" (desk::ReplayReport);
    /// A running batch's progress.
    BatchProgress = "batch-progress" (batch::BatchProgress);
}

/// The permission of the command named `name`, if the contract has it.
pub fn permission_of(name: &str) -> Option<Permission> {
    PERMISSIONS.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn command_and_event_names_are_unique() {
        let commands: BTreeSet<_> = ALL.iter().collect();
        assert_eq!(commands.len(), ALL.len(), "a command name twice in {ALL:?}");
        let events: BTreeSet<_> = EVENTS.iter().collect();
        assert_eq!(events.len(), EVENTS.len(), "an event name twice in {EVENTS:?}");
        assert_eq!(PERMISSIONS.len(), ALL.len());
    }

    #[test]
    fn names_are_snake_case_commands_and_kebab_case_events() {
        for n in ALL {
            assert!(!n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{n}");
        }
        for n in EVENTS {
            assert!(!n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{n}");
        }
    }

    #[test]
    fn argument_keys_are_camel_case_as_tauri_named_them() {
        let args = args::SignIn { staff_id: "uketsuke".into(), password: "pw".into() };
        let v = serde_json::to_value(&args).unwrap();
        assert_eq!(v, serde_json::json!({"staffId": "uketsuke", "password": "pw"}));
        let v = serde_json::to_value(args::DisableStaff { staff_id: "x".into() }).unwrap();
        assert_eq!(v, serde_json::json!({"staffId": "x"}));
        let v = serde_json::to_value(args::RecordDisasterConsent {
            id: 3,
            input: disaster::DisasterConsentInput { categories: vec![], basis: madoguchi_core::consent::DisasterBasis::Oral },
        })
        .unwrap();
        assert_eq!(v["id"], 3);
        assert!(v["input"]["categories"].is_array());
        // A command without arguments reads `{}` (what `invoke(name)` sends).
        let _: args::TodaysChecks = serde_json::from_value(serde_json::json!({})).unwrap();
    }

    #[test]
    fn sign_in_is_open_and_a_check_needs_a_signed_in_role() {
        assert_eq!(SignIn::PERMISSION, Permission::Anyone);
        assert_eq!(permission_of("check_eligibility"), Some(Permission::Staff(Action::CheckEligibility)));
        assert_eq!(permission_of("no_such_command"), None);
    }

    #[test]
    fn a_reply_round_trips_through_json() {
        let change = desk::FlaggedChange {
            name: Some("研修 花子".into()),
            change: desk::Change {
                queued_id: 7,
                person_key: "06139996:1:2:".into(),
                visit_at: chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap().and_hms_opt(9, 30, 0).unwrap(),
                completed_at: chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap().and_hms_opt(10, 0, 0).unwrap(),
                nothing_shown: false,
                differences: vec![desk::Difference {
                    field: desk::ChangedField::Copay,
                    shown: Some("30".into()),
                    replayed: Some("10".into()),
                }],
            },
        };
        let json = serde_json::to_value(&change).unwrap();
        // Flattened, as the window reads it.
        assert_eq!(json["queued_id"], 7);
        assert_eq!(json["differences"][0]["field"], "copay");
        let back: desk::FlaggedChange = serde_json::from_value(json).unwrap();
        use desk::ChangedField as F;
        for f in [F::Validity, F::InsurerNumber, F::InsurerName, F::Copay, F::ValidFrom, F::ValidUntil] {
            assert_eq!(serde_json::to_value(f).unwrap(), f.code(), "the code is the wire's");
        }
        assert_eq!(back, change);
    }
}
