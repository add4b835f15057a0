//! What the desk writes in the audit log's `outcome` column, and the words an
//! administrator reads for it — the one place that knows both.
//!
//! * Every entry the desk appends is built here ([`entry`]) from an
//!   [`Outcome`]; [`Outcome::code`] is the stored text (`ok`, `1`,
//!   `refused:medication:no_consent`, `printed:medication-list`,
//!   `broken:3:edited`, `reuse:12` …), unchanged from what earlier versions
//!   wrote, so old logs read the same.
//! * [`Outcome::parse`] reads a stored code back (with the entry's action,
//!   since `1` is a validity for a check and a queued check's number for an
//!   acknowledged change) and [`Outcome::words`] says it in Japanese or
//!   English through `locales/*/audit.ftl`. `words` is one exhaustive
//!   `match`: a new kind of outcome does not compile without its words.
//! * A code this version does not read ([`label`] answers `None`) is shown
//!   as it is, never hidden; the raw code stays beside the words (the
//!   viewer's tooltip, the CSV's `outcome` column).
//!
//! The kinds that come from other modules' enums (consent refusals, home-visit
//! re-use refusals, identity checks, sign-in failures, disaster answers,
//! chain breaks) are converted by exhaustive matches as well, so a new
//! variant there stops the build here until it has a code and words.

use chrono::NaiveDateTime;
use madoguchi_adapters::accounts::AccountError;
use madoguchi_adapters::audit::{AuditAction, BreakKind, NewAuditEntry, OutcomeMatch};
use madoguchi_core::codes::Validity;
use madoguchi_core::consent::RefusalReason;
use madoguchi_core::eligibility::ConsentCategory;
use madoguchi_core::home_visit::{IdentityCheck, ReuseRefusal};
use madoguchi_core::matching::MatchOutcome;
use madoguchi_core::staff::{Role, Session};
use madoguchi_i18n::{tr, Lang};

use crate::print::PrintKind;
pub use madoguchi_api::audit::OutcomeWords;

/// A small table of codes: the enum, its stored code, and the list of all.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }
    };
}

code_enum! {
    /// Why `consent::decide` refused (`RefusalReason::kind`).
    ConsentRefusal {
        NoConsent = "no_consent",
        CategoryNotConsented = "category_not_consented",
        Expired = "expired",
        NotYetValid = "not_yet_valid",
        WrongPatient = "wrong_patient",
        InvalidRecord = "invalid_record",
        PurposeNotGranted = "purpose_not_granted",
    }
}

impl From<&RefusalReason> for ConsentRefusal {
    fn from(r: &RefusalReason) -> Self {
        match r {
            RefusalReason::NoConsent => ConsentRefusal::NoConsent,
            RefusalReason::CategoryNotConsented => ConsentRefusal::CategoryNotConsented,
            RefusalReason::Expired { .. } => ConsentRefusal::Expired,
            RefusalReason::NotYetValid { .. } => ConsentRefusal::NotYetValid,
            RefusalReason::WrongPatient => ConsentRefusal::WrongPatient,
            RefusalReason::InvalidRecord { .. } => ConsentRefusal::InvalidRecord,
            RefusalReason::PurposeNotGranted { .. } => ConsentRefusal::PurposeNotGranted,
        }
    }
}

code_enum! {
    /// Why a home visit could not re-use a first visit's consent (`ReuseRefusal::kind`).
    ReuseRefused {
        NoFirstVisit = "no_first_visit",
        NotConfirmed = "not_confirmed",
        Expired = "expired",
        NotYetValid = "not_yet_valid",
    }
}

impl From<&ReuseRefusal> for ReuseRefused {
    fn from(r: &ReuseRefusal) -> Self {
        match r {
            ReuseRefusal::NoFirstVisit => ReuseRefused::NoFirstVisit,
            ReuseRefusal::NotConfirmed => ReuseRefused::NotConfirmed,
            ReuseRefusal::Expired { .. } => ReuseRefused::Expired,
            ReuseRefusal::NotYetValid { .. } => ReuseRefused::NotYetValid,
        }
    }
}

code_enum! {
    /// How a patient's identity was confirmed (`IdentityCheck::as_str`).
    Identity {
        Pin = "pin",
        Visual = "visual",
        Terminal = "terminal",
        FirstVisit = "first_visit",
    }
}

impl From<&IdentityCheck> for Identity {
    fn from(i: &IdentityCheck) -> Self {
        match i {
            IdentityCheck::Pin => Identity::Pin,
            IdentityCheck::Visual { .. } => Identity::Visual,
            IdentityCheck::Terminal => Identity::Terminal,
            IdentityCheck::FirstVisit => Identity::FirstVisit,
        }
    }
}

code_enum! {
    /// The PIN step of a home visit that failed.
    PinFailure {
        Wrong = "pin-wrong",
        Locked = "pin-locked",
        Refused = "pin-refused",
    }
}

code_enum! {
    /// Why a sign-in failed: stored as the message id the person was shown.
    LoginFailure {
        Wrong = "staff-login-wrong",
        LockedOut = "staff-login-locked-out",
        Disabled = "staff-login-disabled",
        Database = "staff-error-database",
        Hash = "staff-error-hash",
        Corrupt = "staff-error-corrupt",
        FirstSetupDone = "staff-first-setup-done",
        AccountExists = "staff-account-exists",
        UnknownAccount = "staff-account-unknown",
        LastAdministrator = "staff-last-administrator",
        InvalidId = "staff-invalid-id",
        MissingName = "staff-missing-display-name",
        PasswordTooShort = "staff-password-too-short",
        PasswordTooLong = "staff-password-too-long",
        PasswordSameAsId = "staff-password-same-as-id",
        PasswordBlank = "staff-password-blank",
        NotCreated = "staff-login-not-created",
        Altered = "staff-login-altered",
        Audit = "staff-error-audit",
    }
}

impl From<&AccountError> for LoginFailure {
    fn from(e: &AccountError) -> Self {
        use madoguchi_adapters::accounts::PasswordProblem as P;
        match e {
            AccountError::Sql(_) => LoginFailure::Database,
            AccountError::Hash(_) => LoginFailure::Hash,
            AccountError::Corrupt(_) => LoginFailure::Corrupt,
            AccountError::WrongCredentials => LoginFailure::Wrong,
            AccountError::LockedOut { .. } => LoginFailure::LockedOut,
            AccountError::Disabled => LoginFailure::Disabled,
            AccountError::AlreadySetUp => LoginFailure::FirstSetupDone,
            AccountError::DuplicateId(_) => LoginFailure::AccountExists,
            AccountError::UnknownStaff(_) => LoginFailure::UnknownAccount,
            AccountError::LastAdministrator => LoginFailure::LastAdministrator,
            AccountError::InvalidStaffId => LoginFailure::InvalidId,
            AccountError::MissingDisplayName => LoginFailure::MissingName,
            AccountError::Password(P::TooShort { .. }) => LoginFailure::PasswordTooShort,
            AccountError::Password(P::TooLong { .. }) => LoginFailure::PasswordTooLong,
            AccountError::Password(P::SameAsStaffId) => LoginFailure::PasswordSameAsId,
            AccountError::Password(P::Blank) => LoginFailure::PasswordBlank,
            AccountError::NotCreated(_) => LoginFailure::NotCreated,
            AccountError::Altered(_) => LoginFailure::Altered,
            AccountError::Audit(_) => LoginFailure::Audit,
        }
    }
}

code_enum! {
    /// What a 災害時モード look-up came to.
    DisasterResult {
        Found = "found",
        NotFound = "not_found",
        Ambiguous = "ambiguous",
        /// A field missing or unreadable: nothing searched.
        Refused = "refused",
        /// Offline asked for while the service answers.
        RefusedOnline = "refused_online",
        NotOpen = "not_open",
        Unavailable = "unavailable",
        Error = "error",
        NoLocalEmergency = "no_local_emergency",
    }
}

impl From<&MatchOutcome> for DisasterResult {
    fn from(o: &MatchOutcome) -> Self {
        match o {
            MatchOutcome::Found { .. } => DisasterResult::Found,
            MatchOutcome::NotFound { .. } => DisasterResult::NotFound,
            MatchOutcome::Ambiguous { .. } => DisasterResult::Ambiguous,
            MatchOutcome::Refused { .. } => DisasterResult::Refused,
        }
    }
}

code_enum! {
    /// Where the audit chain broke (`BreakKind::code`).
    ChainBreak {
        Edited = "edited",
        Deleted = "deleted",
        Reordered = "reordered",
        Inserted = "inserted",
        Head = "head",
        SealMismatch = "seal_mismatch",
        RolledBack = "rolled_back",
        Anchor = "anchor",
        TablesMissing = "tables_missing",
    }
}

impl From<BreakKind> for ChainBreak {
    fn from(k: BreakKind) -> Self {
        match k {
            BreakKind::Edited => ChainBreak::Edited,
            BreakKind::Deleted => ChainBreak::Deleted,
            BreakKind::Reordered => ChainBreak::Reordered,
            BreakKind::Inserted => ChainBreak::Inserted,
            BreakKind::Head => ChainBreak::Head,
            BreakKind::SealMismatch => ChainBreak::SealMismatch,
            BreakKind::RolledBack => ChainBreak::RolledBack,
            BreakKind::Anchor => ChainBreak::Anchor,
            BreakKind::TablesMissing => ChainBreak::TablesMissing,
        }
    }
}

/// Fails to compile when a document is added to [`PrintKind`]: add it to
/// `PrintKind::ALL` too, which reads `printed:<kind>` back.
#[allow(dead_code)]
fn print_kinds_are_listed(k: PrintKind) {
    match k {
        PrintKind::Eligibility | PrintKind::MedicationList | PrintKind::Checkups | PrintKind::Clinical | PrintKind::AccessSlip => {}
    }
}

/// The outcome of one audit entry (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done (sign-in, sign-out, the audit log viewed or exported).
    Ok,
    /// Refused by the role check (`Desk::authorize`); the reason column has
    /// the refusal's message id.
    Denied,
    /// Refused because nobody is signed in at the desk, or the session
    /// locked (`Desk::authorize`); the staff id is [`NOBODY`], the reason
    /// column `staff-refused-not-signed-in` or `staff-refused-locked`.
    NotSignedIn,
    /// The session locked after inactivity.
    Locked,
    /// The trainee signed out because the desk left training mode.
    TrainingEnded,
    /// The settings were saved without a change.
    SettingsUnchanged,
    /// A check's answer.
    Validity(Validity),
    /// Medical information shown (`consent::decide` allowed).
    Allowed(ConsentCategory),
    /// Medical information viewed or printed: refused by `consent::decide`.
    ConsentRefused { category: ConsentCategory, reason: ConsentRefusal },
    /// A clinical print without its 手術情報 (no operations consent to print).
    OperationsWithheld(ConsentRefusal),
    Printed(PrintKind),
    /// A print refused for another reason than consent (nothing viewed
    /// today for the access slip, nothing kept, no such patient); the
    /// reason column has the message id.
    NotPrinted(PrintKind),
    Disaster(DisasterResult),
    EmergencyDeclared,
    EmergencyEnded,
    LoginFailed(LoginFailure),
    FirstAdministrator,
    AccountCreated { staff: String, role: Role },
    /// An account of an earlier version's plain `staff.sqlite`, with its
    /// creation entry in the log, taken over into the encrypted store.
    AccountMigrated { staff: String, role: Role },
    AccountDisabled { staff: String },
    AccountEnabled { staff: String },
    PasswordReset { staff: String },
    /// A person changed their own password (the current one checked).
    PasswordChanged { staff: String },
    /// An administrator's change that the accounts refused (the last active
    /// administrator, one's own account …); the reason column says which.
    StaffChangeRefused { staff: String },
    ChainBroken { seq: i64, kind: ChainBreak },
    /// A replayed check's change acknowledged (the queued check's number).
    ChangeAcknowledged { queued: i64 },
    /// 災害時モード consent recorded at the desk for these categories.
    ConsentRecorded(Vec<ConsentCategory>),
    /// 災害時モード consent refused: the patient was not found by a look-up.
    ConsentNoMatch,
    /// A home visit's identity confirmed.
    Identity(Identity),
    PinFailed(PinFailure),
    /// A home visit's first consent.
    HomeVisitFirst { identity: Identity, categories: Vec<ConsentCategory> },
    /// A later home visit re-using the first visit's consent.
    HomeVisitReuse { first_visit: i64 },
    HomeVisitReuseRefused(ReuseRefused),
    /// A backup written (the entry is the last one the backup holds).
    BackupWritten,
    /// A backup that could not be written after its entry was (the reason
    /// column says why).
    BackupFailed,
    /// A backup restored; the log's anchor had seen `from` entries, the
    /// restored log holds `to` (not fewer).
    Restored { from: i64, to: i64 },
    /// A backup restored that moved the log back: the anchor had seen
    /// `from` entries, the restored log holds only `to`; the anchor was
    /// re-based on purpose.
    RestoredRolledBack { from: i64, to: i64 },
}

/// The staff id of an entry made while nobody was signed in.
pub const NOBODY: &str = "-";

pub const OTHER_HOME_IDENTITY: &str = "home-visit-identity";
pub const OTHER_HOME_CONSENT: &str = "home-visit-consent";
pub const OTHER_CHAIN_BROKEN: &str = "audit_chain_broken";
pub const OTHER_CHANGE_ACK: &str = "replay_change_acknowledged";

/// The actions the desk writes that are not among `AuditAction::KNOWN`.
pub const OTHER_ACTIONS: [&str; 4] = [OTHER_HOME_IDENTITY, OTHER_HOME_CONSENT, OTHER_CHAIN_BROKEN, OTHER_CHANGE_ACK];

pub fn home_visit_identity() -> AuditAction {
    AuditAction::Other(OTHER_HOME_IDENTITY.into())
}
pub fn home_visit_consent() -> AuditAction {
    AuditAction::Other(OTHER_HOME_CONSENT.into())
}
pub fn chain_broken() -> AuditAction {
    AuditAction::Other(OTHER_CHAIN_BROKEN.into())
}
pub fn change_acknowledged() -> AuditAction {
    AuditAction::Other(OTHER_CHANGE_ACK.into())
}

fn category(code: &str) -> Option<ConsentCategory> {
    ConsentCategory::ALL.into_iter().find(|c| c.as_str() == code)
}

fn categories(list: &str) -> Option<Vec<ConsentCategory>> {
    list.split(',').map(category).collect::<Option<Vec<_>>>().filter(|v| !v.is_empty())
}

fn join_codes(list: &[ConsentCategory]) -> String {
    list.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
}

fn print_kind(code: &str) -> Option<PrintKind> {
    PrintKind::ALL.into_iter().find(|k| k.code() == code)
}

impl Outcome {
    pub fn refused(category: ConsentCategory, reason: &RefusalReason) -> Outcome {
        Outcome::ConsentRefused { category, reason: reason.into() }
    }

    /// The text stored in the log.
    pub fn code(&self) -> String {
        match self {
            Outcome::Ok => "ok".into(),
            Outcome::Denied => "denied".into(),
            Outcome::NotSignedIn => "not_signed_in".into(),
            Outcome::Locked => "locked".into(),
            Outcome::TrainingEnded => "training_ended".into(),
            Outcome::SettingsUnchanged => "unchanged".into(),
            Outcome::Validity(v) => v.code().into(),
            Outcome::Allowed(c) => format!("allowed:{}", c.as_str()),
            Outcome::ConsentRefused { category, reason } => format!("refused:{}:{}", category.as_str(), reason.code()),
            Outcome::OperationsWithheld(r) => format!("withheld:operations:{}", r.code()),
            Outcome::Printed(k) => format!("printed:{}", k.code()),
            Outcome::NotPrinted(k) => format!("not_printed:{}", k.code()),
            Outcome::Disaster(d) => d.code().into(),
            Outcome::EmergencyDeclared => "declared".into(),
            Outcome::EmergencyEnded => "ended".into(),
            Outcome::LoginFailed(f) => f.code().into(),
            Outcome::FirstAdministrator => "first_administrator".into(),
            Outcome::AccountCreated { staff, role } => format!("created:{staff}:{}", role.code()),
            Outcome::AccountMigrated { staff, role } => format!("migrated:{staff}:{}", role.code()),
            Outcome::AccountDisabled { staff } => format!("disabled:{staff}"),
            Outcome::AccountEnabled { staff } => format!("enabled:{staff}"),
            Outcome::PasswordReset { staff } => format!("password_reset:{staff}"),
            Outcome::PasswordChanged { staff } => format!("password_changed:{staff}"),
            Outcome::StaffChangeRefused { staff } => format!("refused:{staff}"),
            Outcome::ChainBroken { seq, kind } => format!("broken:{seq}:{}", kind.code()),
            Outcome::ChangeAcknowledged { queued } => queued.to_string(),
            Outcome::ConsentRecorded(cats) => format!("recorded:{}", join_codes(cats)),
            Outcome::ConsentNoMatch => "refused:no_match".into(),
            Outcome::Identity(i) => i.code().into(),
            Outcome::PinFailed(p) => p.code().into(),
            Outcome::HomeVisitFirst { identity, categories } => format!("first:{}:{}", identity.code(), join_codes(categories)),
            Outcome::HomeVisitReuse { first_visit } => format!("reuse:{first_visit}"),
            Outcome::HomeVisitReuseRefused(r) => format!("reuse-refused:{}", r.code()),
            Outcome::BackupWritten => "written".into(),
            Outcome::BackupFailed => "failed".into(),
            Outcome::Restored { from, to } => format!("restored:{from}:{to}"),
            Outcome::RestoredRolledBack { from, to } => format!("rolled_back:{from}:{to}"),
        }
    }

    /// Reads a stored `code` of an entry of `action` (its code); `None` for
    /// one this version does not know.
    pub fn parse(action: &str, code: &str) -> Option<Outcome> {
        if code == "denied" {
            return Some(Outcome::Denied);
        }
        if code == "not_signed_in" {
            return Some(Outcome::NotSignedIn);
        }
        let (head, rest) = match code.split_once(':') {
            Some((h, r)) => (h, Some(r)),
            None => (code, None),
        };
        let staff = |r: Option<&str>| r.filter(|s| !s.is_empty()).map(str::to_string);
        let number = |r: Option<&str>| r.and_then(|s| s.parse::<i64>().ok());
        let consent_refused = |r: Option<&str>| {
            let (c, k) = r?.split_once(':')?;
            Some(Outcome::ConsentRefused { category: category(c)?, reason: ConsentRefusal::from_code(k)? })
        };
        match (action, head) {
            ("login" | "logout" | "audit_view" | "audit_export" | "setting_change", "ok") if rest.is_none() => Some(Outcome::Ok),
            ("logout", "training_ended") if rest.is_none() => Some(Outcome::TrainingEnded),
            ("setting_change", "unchanged") if rest.is_none() => Some(Outcome::SettingsUnchanged),
            ("session_locked", "locked") if rest.is_none() => Some(Outcome::Locked),
            ("eligibility_check", _) => Validity::from_code(code).filter(|v| v.code() == code).map(Outcome::Validity),
            ("medical_view", "allowed") => rest.and_then(category).map(Outcome::Allowed),
            ("medical_view" | "print", "refused") => consent_refused(rest),
            ("print", "printed") => rest.and_then(print_kind).map(Outcome::Printed),
            ("print", "not_printed") => rest.and_then(print_kind).map(Outcome::NotPrinted),
            ("print", "withheld") => {
                let (c, k) = rest?.split_once(':')?;
                (c == "operations").then_some(())?;
                ConsentRefusal::from_code(k).map(Outcome::OperationsWithheld)
            }
            ("disaster_lookup", _) => DisasterResult::from_code(code).map(Outcome::Disaster),
            ("local_emergency", "declared") if rest.is_none() => Some(Outcome::EmergencyDeclared),
            ("local_emergency", "ended") if rest.is_none() => Some(Outcome::EmergencyEnded),
            ("login_failed", _) => LoginFailure::from_code(code).map(Outcome::LoginFailed),
            ("staff_change", "first_administrator") if rest.is_none() => Some(Outcome::FirstAdministrator),
            ("staff_change", "created") => {
                let (s, r) = rest?.rsplit_once(':')?;
                Some(Outcome::AccountCreated { staff: staff(Some(s))?, role: Role::from_code(r)? })
            }
            ("staff_change", "migrated") => {
                let (s, r) = rest?.rsplit_once(':')?;
                Some(Outcome::AccountMigrated { staff: staff(Some(s))?, role: Role::from_code(r)? })
            }
            ("staff_change", "disabled") => staff(rest).map(|staff| Outcome::AccountDisabled { staff }),
            ("staff_change", "enabled") => staff(rest).map(|staff| Outcome::AccountEnabled { staff }),
            ("staff_change", "password_reset") => staff(rest).map(|staff| Outcome::PasswordReset { staff }),
            ("staff_change", "password_changed") => staff(rest).map(|staff| Outcome::PasswordChanged { staff }),
            ("staff_change", "refused") => staff(rest).map(|staff| Outcome::StaffChangeRefused { staff }),
            (OTHER_CHAIN_BROKEN, "broken") => {
                let (s, k) = rest?.split_once(':')?;
                Some(Outcome::ChainBroken { seq: s.parse().ok()?, kind: ChainBreak::from_code(k)? })
            }
            (OTHER_CHANGE_ACK, _) => code.parse().ok().map(|queued| Outcome::ChangeAcknowledged { queued }),
            ("consent", "recorded") => rest.and_then(categories).map(Outcome::ConsentRecorded),
            ("consent", "refused") if rest == Some("no_match") => Some(Outcome::ConsentNoMatch),
            (OTHER_HOME_IDENTITY, _) => Identity::from_code(code)
                .map(Outcome::Identity)
                .or_else(|| PinFailure::from_code(code).map(Outcome::PinFailed)),
            (OTHER_HOME_CONSENT, "first") => {
                let (i, c) = rest?.split_once(':')?;
                Some(Outcome::HomeVisitFirst { identity: Identity::from_code(i)?, categories: categories(c)? })
            }
            (OTHER_HOME_CONSENT, "reuse") => number(rest).map(|first_visit| Outcome::HomeVisitReuse { first_visit }),
            (OTHER_HOME_CONSENT, "reuse-refused") => rest.and_then(ReuseRefused::from_code).map(Outcome::HomeVisitReuseRefused),
            ("backup", "written") if rest.is_none() => Some(Outcome::BackupWritten),
            ("backup", "failed") if rest.is_none() => Some(Outcome::BackupFailed),
            ("restore", "restored" | "rolled_back") => {
                let (f, t) = rest?.split_once(':')?;
                let (from, to) = (f.parse().ok()?, t.parse().ok()?);
                Some(if head == "restored" { Outcome::Restored { from, to } } else { Outcome::RestoredRolledBack { from, to } })
            }
            _ => None,
        }
    }

    /// The outcome in words, in `lang` (`locales/*/audit.ftl`).
    pub fn words(&self, lang: Lang) -> String {
        let category = |c: &ConsentCategory| tr(lang, "consent-category", &[("category", c.as_str().to_string())]);
        let list = |cs: &[ConsentCategory]| {
            let sep = match lang {
                Lang::Ja => "・",
                Lang::En => ", ",
            };
            cs.iter().map(category).collect::<Vec<_>>().join(sep)
        };
        let role = |r: &Role| tr(lang, r.message_id(), &[]);
        let t = |id: &str, args: &[(&str, String)]| tr(lang, id, args);
        match self {
            Outcome::Ok => t("audit-outcome-ok", &[]),
            Outcome::Denied => t("audit-outcome-denied", &[]),
            Outcome::NotSignedIn => t("audit-outcome-not-signed-in", &[]),
            Outcome::Locked => t("audit-outcome-locked", &[]),
            Outcome::TrainingEnded => t("audit-outcome-training-ended", &[]),
            Outcome::SettingsUnchanged => t("audit-outcome-settings-unchanged", &[]),
            Outcome::Validity(v) => t("audit-outcome-validity", &[("code", v.code().to_string())]),
            Outcome::Allowed(c) => t("audit-outcome-allowed", &[("category", category(c))]),
            Outcome::ConsentRefused { category: c, reason } => {
                t("audit-outcome-consent-refused", &[("category", category(c)), ("reason", reason.code().to_string())])
            }
            Outcome::OperationsWithheld(reason) => t("audit-outcome-operations-withheld", &[("reason", reason.code().to_string())]),
            Outcome::Printed(k) => t("audit-outcome-printed", &[("kind", k.code().to_string())]),
            Outcome::NotPrinted(k) => t("audit-outcome-not-printed", &[("kind", k.code().to_string())]),
            Outcome::Disaster(d) => t("audit-outcome-disaster", &[("result", d.code().to_string())]),
            Outcome::EmergencyDeclared => t("audit-outcome-emergency-declared", &[]),
            Outcome::EmergencyEnded => t("audit-outcome-emergency-ended", &[]),
            Outcome::LoginFailed(f) => t("audit-outcome-login-failed", &[("why", f.code().to_string())]),
            Outcome::FirstAdministrator => t("audit-outcome-first-administrator", &[]),
            Outcome::AccountCreated { staff, role: r } => t("audit-outcome-account-created", &[("staff", staff.clone()), ("role", role(r))]),
            Outcome::AccountMigrated { staff, role: r } => t("audit-outcome-account-migrated", &[("staff", staff.clone()), ("role", role(r))]),
            Outcome::AccountDisabled { staff } => t("audit-outcome-account-disabled", &[("staff", staff.clone())]),
            Outcome::AccountEnabled { staff } => t("audit-outcome-account-enabled", &[("staff", staff.clone())]),
            Outcome::PasswordReset { staff } => t("audit-outcome-password-reset", &[("staff", staff.clone())]),
            Outcome::PasswordChanged { staff } => t("audit-outcome-password-changed", &[("staff", staff.clone())]),
            Outcome::StaffChangeRefused { staff } => t("audit-outcome-staff-change-refused", &[("staff", staff.clone())]),
            Outcome::ChainBroken { seq, kind } => {
                t("audit-outcome-chain-broken", &[("seq", seq.to_string()), ("kind", kind.code().to_string())])
            }
            Outcome::ChangeAcknowledged { queued } => t("audit-outcome-change-acknowledged", &[("queued", queued.to_string())]),
            Outcome::ConsentRecorded(cs) => t("audit-outcome-consent-recorded", &[("categories", list(cs))]),
            Outcome::ConsentNoMatch => t("audit-outcome-consent-no-match", &[]),
            Outcome::Identity(i) => t("audit-outcome-identity", &[("identity", i.code().to_string())]),
            Outcome::PinFailed(p) => t("audit-outcome-pin-failed", &[("why", p.code().to_string())]),
            Outcome::HomeVisitFirst { identity, categories } => t(
                "audit-outcome-home-visit-first",
                &[("identity", identity.code().to_string()), ("categories", list(categories))],
            ),
            Outcome::HomeVisitReuse { first_visit } => t("audit-outcome-home-visit-reuse", &[("first", first_visit.to_string())]),
            Outcome::HomeVisitReuseRefused(r) => t("audit-outcome-home-visit-reuse-refused", &[("reason", r.code().to_string())]),
            Outcome::BackupWritten => t("audit-outcome-backup-written", &[]),
            Outcome::BackupFailed => t("audit-outcome-backup-failed", &[]),
            Outcome::Restored { from, to } => t("audit-outcome-restored", &[("from", from.to_string()), ("to", to.to_string())]),
            Outcome::RestoredRolledBack { from, to } => {
                t("audit-outcome-restored-rolled-back", &[("from", from.to_string()), ("to", to.to_string())])
            }
        }
    }
}

code_enum! {
    /// The audit viewer's choice of result, in words (`audit-result-<code>`
    /// in `locales/*/audit.ftl`): the kinds of outcome an administrator
    /// looks for. Each names exactly the entries [`ResultChoice::names`]
    /// says, and [`ResultChoice::matches`] is the same as conditions on the
    /// log (`OutcomeMatch`, each under its action: a staff change's
    /// `refused:ID` is no consent refusal, nor is a look-up's `refused`).
    ResultChoice {
        /// 拒否（権限なし）: the role check refused, whatever was asked.
        Denied = "denied",
        /// 拒否（サインインなし）: nobody signed in, or the session locked.
        NotSignedIn = "not_signed_in",
        /// Medical information viewed or printed: refused by `consent::decide`.
        ConsentRefused = "consent_refused",
        /// Medical information shown.
        Allowed = "allowed",
        /// A check's answer: eligible (valid, or valid and unregistered).
        Eligible = "eligible",
        /// A check's answer: not eligible, no qualification found, or several.
        NotEligible = "not_eligible",
        /// 災害時の照会: one person found.
        Found = "found",
        /// 災害時の照会: nobody found.
        NotFound = "not_found",
        /// 災害時の照会: several match, none identified.
        Ambiguous = "ambiguous",
        /// A failed sign-in, whatever the reason.
        LoginFailed = "login_failed",
        /// A password set: changed by its owner or reset by an administrator.
        PasswordSet = "password_set",
        /// A change to an account refused (own account, last administrator,
        /// a wrong current password …; the reason column says which).
        StaffChangeRefused = "staff_change_refused",
        /// A home visit's identity not confirmed (PIN wrong, locked, refused).
        IdentityFailed = "identity_failed",
        /// Tampering with the audit log detected at start-up.
        ChainBroken = "chain_broken",
        /// A restore that moved the audit log back (entries no longer in it).
        RolledBack = "rolled_back",
    }
}

impl ResultChoice {
    /// Whether the entry of `action` with `outcome` is one this choice
    /// names — the definition the log's conditions ([`ResultChoice::matches`])
    /// are tested against.
    pub fn names(self, action: &str, outcome: &Outcome) -> bool {
        use ResultChoice as C;
        match (self, outcome) {
            (C::Denied, Outcome::Denied) => true,
            (C::NotSignedIn, Outcome::NotSignedIn) => true,
            (C::ConsentRefused, Outcome::ConsentRefused { .. }) => true,
            (C::Allowed, Outcome::Allowed(_)) => true,
            (C::Eligible, Outcome::Validity(v)) => v.is_valid(),
            (C::NotEligible, Outcome::Validity(v)) => !v.is_valid(),
            (C::Found, Outcome::Disaster(DisasterResult::Found)) => true,
            (C::NotFound, Outcome::Disaster(DisasterResult::NotFound)) => true,
            (C::Ambiguous, Outcome::Disaster(DisasterResult::Ambiguous)) => true,
            (C::LoginFailed, Outcome::LoginFailed(_)) => action == "login_failed",
            (C::PasswordSet, Outcome::PasswordChanged { .. } | Outcome::PasswordReset { .. }) => true,
            (C::StaffChangeRefused, Outcome::StaffChangeRefused { .. }) => true,
            (C::IdentityFailed, Outcome::PinFailed(_)) => true,
            (C::ChainBroken, Outcome::ChainBroken { .. }) => true,
            (C::RolledBack, Outcome::RestoredRolledBack { .. }) => true,
            _ => false,
        }
    }

    /// The conditions on the log's action and outcome columns, any of which
    /// an entry meets (`AuditFilter::outcomes`).
    pub fn matches(self) -> Vec<OutcomeMatch> {
        use ResultChoice as C;
        let exact = |action: &str, code: &str| OutcomeMatch::exact(Some(action), code);
        let kind = |action: &str, kind: &str| OutcomeMatch::kind(Some(action), kind);
        let validities = |valid: bool| {
            Validity::ALL.iter().filter(|v| v.is_valid() == valid).map(|v| exact("eligibility_check", v.code())).collect()
        };
        match self {
            C::Denied => vec![OutcomeMatch::exact(None, "denied")],
            C::NotSignedIn => vec![OutcomeMatch::exact(None, "not_signed_in")],
            // Every code the desk writes for them, exactly (a future
            // category or reason this version cannot read is not claimed).
            C::ConsentRefused => ["medical_view", "print"]
                .into_iter()
                .flat_map(|a| {
                    ConsentCategory::ALL.into_iter().flat_map(move |category| {
                        ConsentRefusal::ALL.iter().map(move |r| exact(a, &Outcome::ConsentRefused { category, reason: *r }.code()))
                    })
                })
                .collect(),
            C::Allowed => ConsentCategory::ALL.into_iter().map(|c| exact("medical_view", &Outcome::Allowed(c).code())).collect(),
            C::Eligible => validities(true),
            C::NotEligible => validities(false),
            C::Found => vec![exact("disaster_lookup", DisasterResult::Found.code())],
            C::NotFound => vec![exact("disaster_lookup", DisasterResult::NotFound.code())],
            C::Ambiguous => vec![exact("disaster_lookup", DisasterResult::Ambiguous.code())],
            C::LoginFailed => LoginFailure::ALL.iter().map(|f| exact("login_failed", f.code())).collect(),
            C::PasswordSet => vec![kind("staff_change", "password_changed"), kind("staff_change", "password_reset")],
            C::StaffChangeRefused => vec![kind("staff_change", "refused")],
            C::IdentityFailed => PinFailure::ALL.iter().map(|p| exact(OTHER_HOME_IDENTITY, p.code())).collect(),
            C::ChainBroken => vec![kind(OTHER_CHAIN_BROKEN, "broken")],
            C::RolledBack => vec![kind("restore", "rolled_back")],
        }
    }

    /// The choice in words (`audit-result-<code>`).
    pub fn words(self, lang: Lang) -> String {
        tr(lang, &format!("audit-result-{}", self.code().replace('_', "-")), &[])
    }
}

/// The words for a stored outcome of an entry of `action`, or `None` when
/// this version does not know the code (show it as it is).
pub fn label(action: &str, code: &str) -> Option<OutcomeWords> {
    let o = Outcome::parse(action, code)?;
    Some(OutcomeWords { ja: o.words(Lang::Ja), en: o.words(Lang::En) })
}

/// The words in `lang`, else the code as it is.
pub fn words_or_code(lang: Lang, action: &str, code: &str) -> String {
    Outcome::parse(action, code).map(|o| o.words(lang)).unwrap_or_else(|| code.to_string())
}

/// Who an entry is in the name of.
pub enum Who<'a> {
    Session(&'a Session),
    /// Someone not signed in (a failed sign-in's typed id, the desk itself).
    Named(String, Option<Role>),
}

/// The one way the desk builds an audit entry: with an [`Outcome`].
pub fn entry(
    at: NaiveDateTime,
    who: Who,
    action: AuditAction,
    patient_key: Option<String>,
    outcome: &Outcome,
    reason: Option<String>,
    detail: Option<serde_json::Value>,
) -> NewAuditEntry {
    let (staff_id, role) = match who {
        Who::Session(s) => (s.staff_id.clone(), Some(s.role)),
        Who::Named(s, r) => (s, r),
    };
    NewAuditEntry { at, staff_id, role, action, patient_key, outcome: outcome.code(), reason, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails to compile when a kind of outcome is added: add examples of it
    /// to [`examples`] below, then this arm.
    #[allow(dead_code)]
    fn every_kind_has_examples(o: &Outcome) {
        match o {
            Outcome::Ok | Outcome::Denied | Outcome::Locked | Outcome::NotSignedIn | Outcome::NotPrinted(_) => {}
            Outcome::TrainingEnded | Outcome::SettingsUnchanged => {}
            Outcome::Validity(_) | Outcome::Allowed(_) | Outcome::ConsentRefused { .. } => {}
            Outcome::OperationsWithheld(_) | Outcome::Printed(_) | Outcome::Disaster(_) => {}
            Outcome::EmergencyDeclared | Outcome::EmergencyEnded | Outcome::LoginFailed(_) => {}
            Outcome::FirstAdministrator | Outcome::AccountCreated { .. } | Outcome::AccountDisabled { .. } => {}
            Outcome::AccountEnabled { .. } | Outcome::PasswordReset { .. } | Outcome::StaffChangeRefused { .. } => {}
            Outcome::PasswordChanged { .. } | Outcome::AccountMigrated { .. } => {}
            Outcome::ChainBroken { .. } | Outcome::ChangeAcknowledged { .. } => {}
            Outcome::ConsentRecorded(_) | Outcome::ConsentNoMatch => {}
            Outcome::Identity(_) | Outcome::PinFailed(_) => {}
            Outcome::HomeVisitFirst { .. } | Outcome::HomeVisitReuse { .. } | Outcome::HomeVisitReuseRefused(_) => {}
            Outcome::BackupWritten | Outcome::BackupFailed => {}
            Outcome::Restored { .. } | Outcome::RestoredRolledBack { .. } => {}
        }
    }

    /// Every outcome the desk writes, with the action it is written under:
    /// every value of every code table.
    fn examples() -> Vec<(&'static str, Outcome)> {
        let mut v: Vec<(&str, Outcome)> = Vec::new();
        for a in ["login", "logout", "audit_view", "audit_export", "setting_change"] {
            v.push((a, Outcome::Ok));
        }
        v.push(("logout", Outcome::TrainingEnded));
        v.push(("setting_change", Outcome::SettingsUnchanged));
        for a in ["medical_view", "print", "disaster_lookup", "local_emergency", "staff_change", "audit_view", "audit_export", "consent", "setting_change"] {
            v.push((a, Outcome::Denied));
            v.push((a, Outcome::NotSignedIn));
        }
        v.push(("session_locked", Outcome::Locked));
        for val in Validity::ALL {
            v.push(("eligibility_check", Outcome::Validity(*val)));
        }
        for c in ConsentCategory::ALL {
            v.push(("medical_view", Outcome::Allowed(c)));
            for r in ConsentRefusal::ALL {
                v.push(("medical_view", Outcome::ConsentRefused { category: c, reason: *r }));
                v.push(("print", Outcome::ConsentRefused { category: c, reason: *r }));
            }
        }
        for r in ConsentRefusal::ALL {
            v.push(("print", Outcome::OperationsWithheld(*r)));
        }
        for k in PrintKind::ALL {
            v.push(("print", Outcome::Printed(k)));
            v.push(("print", Outcome::NotPrinted(k)));
        }
        for d in DisasterResult::ALL {
            v.push(("disaster_lookup", Outcome::Disaster(*d)));
        }
        v.push(("local_emergency", Outcome::EmergencyDeclared));
        v.push(("local_emergency", Outcome::EmergencyEnded));
        for f in LoginFailure::ALL {
            v.push(("login_failed", Outcome::LoginFailed(*f)));
        }
        v.push(("staff_change", Outcome::FirstAdministrator));
        for role in [Role::Receptionist, Role::Qualified, Role::Administrator] {
            // A staff id may hold a colon.
            v.push(("staff_change", Outcome::AccountCreated { staff: "uke:1".into(), role }));
            v.push(("staff_change", Outcome::AccountMigrated { staff: "uke:1".into(), role }));
        }
        v.push(("staff_change", Outcome::AccountDisabled { staff: "uketsuke".into() }));
        v.push(("staff_change", Outcome::AccountEnabled { staff: "uketsuke".into() }));
        v.push(("staff_change", Outcome::PasswordReset { staff: "uke:1".into() }));
        v.push(("staff_change", Outcome::PasswordChanged { staff: "uke:1".into() }));
        v.push(("staff_change", Outcome::StaffChangeRefused { staff: "admin".into() }));
        for k in ChainBreak::ALL {
            v.push((OTHER_CHAIN_BROKEN, Outcome::ChainBroken { seq: 3, kind: *k }));
        }
        v.push((OTHER_CHANGE_ACK, Outcome::ChangeAcknowledged { queued: 12 }));
        v.push(("backup", Outcome::BackupWritten));
        v.push(("backup", Outcome::BackupFailed));
        v.push(("restore", Outcome::Restored { from: 10, to: 12 }));
        v.push(("restore", Outcome::RestoredRolledBack { from: 30, to: 12 }));
        v.push(("consent", Outcome::ConsentRecorded(vec![ConsentCategory::Medication])));
        v.push(("consent", Outcome::ConsentRecorded(ConsentCategory::ALL.to_vec())));
        v.push(("consent", Outcome::ConsentNoMatch));
        for i in Identity::ALL {
            v.push((OTHER_HOME_IDENTITY, Outcome::Identity(*i)));
            v.push((OTHER_HOME_CONSENT, Outcome::HomeVisitFirst { identity: *i, categories: vec![ConsentCategory::Medication, ConsentCategory::Checkups] }));
        }
        for p in PinFailure::ALL {
            v.push((OTHER_HOME_IDENTITY, Outcome::PinFailed(*p)));
        }
        v.push((OTHER_HOME_CONSENT, Outcome::HomeVisitReuse { first_visit: 7 }));
        for r in ReuseRefused::ALL {
            v.push((OTHER_HOME_CONSENT, Outcome::HomeVisitReuseRefused(*r)));
        }
        v
    }

    #[test]
    fn every_outcome_reads_back_and_has_words_in_both_languages() {
        let examples = examples();
        assert!(examples.len() > 100, "{}", examples.len());
        for (action, o) in &examples {
            let code = o.code();
            assert_eq!(Outcome::parse(action, &code).as_ref(), Some(o), "{action} {code}");
            for lang in [Lang::Ja, Lang::En] {
                let words = o.words(lang);
                assert!(!words.is_empty() && !words.contains('{') && !words.contains("audit-outcome"), "{action} {code} {lang:?}: {words}");
                assert_ne!(words, code, "{action} {code} {lang:?}");
            }
        }
        // Different outcomes of one action never read the same.
        for lang in [Lang::Ja, Lang::En] {
            let mut seen = std::collections::HashMap::new();
            for (action, o) in &examples {
                if matches!(o, Outcome::LoginFailed(f) if !matches!(f, LoginFailure::Wrong | LoginFailure::LockedOut | LoginFailure::Disabled | LoginFailure::UnknownAccount | LoginFailure::NotCreated | LoginFailure::Altered)) {
                    continue; // the errors sign-in cannot give all read "other error"; the code is beside them
                }
                if let Some(other) = seen.insert((*action, o.words(lang)), o.code()) {
                    assert_eq!(other, o.code(), "{action}: two outcomes read {:?}", o.words(lang));
                }
            }
        }
    }

    /// Whether an entry meets `m` (the log's condition, in Rust).
    fn meets(m: &OutcomeMatch, action: &str, code: &str) -> bool {
        m.action.as_deref().is_none_or(|a| a == action)
            && if m.kind { code.strip_prefix(m.outcome.as_str()).is_some_and(|r| r.starts_with(':')) } else { code == m.outcome }
    }

    #[test]
    fn each_result_choice_names_exactly_what_its_conditions_find() {
        let examples = examples();
        for choice in ResultChoice::ALL {
            let conditions = choice.matches();
            let mut named = 0;
            for (action, o) in &examples {
                let found = conditions.iter().any(|m| meets(m, action, &o.code()));
                assert_eq!(found, choice.names(action, o), "{choice:?}: {action} {}", o.code());
                named += usize::from(found);
            }
            assert!(named > 0, "{choice:?} names nothing the desk writes");
            for lang in [Lang::Ja, Lang::En] {
                let w = choice.words(lang);
                assert!(!w.is_empty() && !w.starts_with("audit-result"), "{choice:?} {lang:?}: {w}");
            }
        }
        // The words tell the choices apart.
        for lang in [Lang::Ja, Lang::En] {
            let words: std::collections::HashSet<String> = ResultChoice::ALL.iter().map(|c| c.words(lang)).collect();
            assert_eq!(words.len(), ResultChoice::ALL.len(), "{lang:?}");
        }
        // A code under another action is not caught: a staff change's or a
        // look-up's `refused` is no consent refusal.
        for (action, code) in [("staff_change", "refused:admin"), ("disaster_lookup", "refused"), ("consent", "refused:no_match"), ("eligibility_check", "denied")] {
            assert!(!ResultChoice::ConsentRefused.matches().iter().any(|m| meets(m, action, code)), "{action} {code}");
        }
        assert!(ResultChoice::Denied.matches().iter().any(|m| meets(m, "eligibility_check", "denied")));
    }

    /// The codes as earlier versions stored them, and what an administrator reads.
    #[test]
    fn stored_codes_in_words() {
        let table: &[(&str, &str, &str, &str)] = &[
            ("login", "ok", "完了", "Done"),
            ("eligibility_check", "1", "資格あり（有効）", "Eligible (valid)"),
            ("eligibility_check", "2", "資格なし（無効）", "Not eligible (invalid)"),
            ("eligibility_check", "4", "該当資格なし", "No matching qualification"),
            ("medical_view", "allowed:checkups", "許可（特定健診等情報）", "Allowed (health checkup information)"),
            ("medical_view", "refused:medication:no_consent", "拒否：同意なし（薬剤情報）", "Refused: no consent (medication information)"),
            ("medical_view", "denied", "拒否：権限なし", "Refused: role not permitted"),
            ("print", "printed:medication-list", "印刷：薬剤情報", "Printed: medication information"),
            ("print", "withheld:operations:no_consent", "手術情報を除いて印刷（同意なし）", "Printed without surgery information (no consent)"),
            ("disaster_lookup", "found", "該当者1名", "One person found"),
            ("disaster_lookup", "not_found", "該当なし", "Nobody found"),
            ("disaster_lookup", "ambiguous", "複数該当（該当者を特定できず）", "Several people match (none identified)"),
            ("local_emergency", "declared", "宣言", "Declared"),
            ("login_failed", "staff-login-wrong", "失敗：職員IDまたはパスワードの誤り", "Failed: wrong staff id or password"),
            ("login_failed", "staff-login-disabled", "失敗：無効にされたアカウント", "Failed: account disabled"),
            ("staff_change", "first_administrator", "最初の管理者を登録", "First administrator registered"),
            ("staff_change", "created:uketsuke:receptionist", "アカウントを作成：uketsuke（受付）", "Account created: uketsuke (Reception)"),
            ("staff_change", "disabled:uketsuke", "アカウントを無効化：uketsuke", "Account disabled: uketsuke"),
            ("staff_change", "password_reset:uketsuke", "パスワードを再設定：uketsuke", "Password reset: uketsuke"),
            ("staff_change", "password_changed:uketsuke", "本人がパスワードを変更：uketsuke", "Password changed by its owner: uketsuke"),
            ("audit_chain_broken", "broken:3:edited", "改ざんを検出：3番目の記録（書き換え）", "Tampering detected at entry 3 (edited)"),
            ("replay_change_acknowledged", "12", "再照会での変更を確認済み（再照会 12番）", "Re-check change acknowledged (re-check no. 12)"),
            ("consent", "recorded:medication,checkups", "同意を記録（薬剤情報・特定健診等情報）", "Consent recorded (medication information, health checkup information)"),
            ("home-visit-identity", "pin-wrong", "本人確認できず：暗証番号の誤り", "Identity not confirmed: wrong PIN"),
            ("home-visit-identity", "visual", "本人確認：目視確認", "Identity confirmed: visual check"),
            ("home-visit-consent", "first:pin:medication", "初回訪問の同意（本人確認：暗証番号、薬剤情報）", "First visit's consent (identity: PIN; medication information)"),
            ("home-visit-consent", "reuse:12", "初回訪問（12番）の同意を再利用", "First visit no. 12's consent re-used"),
        ];
        for (action, code, ja, en) in table {
            let words = label(action, code).unwrap_or_else(|| panic!("{action} {code}: no words"));
            assert_eq!((words.ja.as_str(), words.en.as_str()), (*ja, *en), "{action} {code}");
        }
    }

    #[test]
    fn an_unknown_code_is_shown_as_it_is() {
        for (action, code) in [
            ("eligibility_check", "7"),
            ("eligibility_check", " 1"),
            ("medical_view", "allowed:dental"),
            ("medical_view", "refused:medication:new_reason"),
            ("print", "printed:x-ray"),
            ("staff_change", "created:nobody"),
            ("staff_change", "disabled:"),
            ("login", "found"),
            ("setting_change", "saved"),
            ("some_new_action", "ok"),
            ("audit_chain_broken", "broken:x:edited"),
        ] {
            assert_eq!(label(action, code), None, "{action} {code}");
            assert_eq!(words_or_code(Lang::Ja, action, code), code);
        }
    }

    #[test]
    fn the_kinds_of_other_modules_keep_their_codes() {
        // The stored codes are the other modules' own names for them.
        use madoguchi_core::consent::RefusalReason as R;
        for r in [R::NoConsent, R::CategoryNotConsented, R::WrongPatient] {
            assert_eq!(ConsentRefusal::from(&r).code(), r.kind());
        }
        for r in [ReuseRefusal::NoFirstVisit, ReuseRefusal::NotConfirmed] {
            assert_eq!(ReuseRefused::from(&r).code(), r.kind());
        }
        for i in [IdentityCheck::Pin, IdentityCheck::Terminal, IdentityCheck::FirstVisit] {
            assert_eq!(Identity::from(&i).code(), i.as_str());
        }
        for e in [AccountError::WrongCredentials, AccountError::Disabled, AccountError::LastAdministrator, AccountError::InvalidStaffId] {
            assert_eq!(LoginFailure::from(&e).code(), e.message_id());
        }
        for k in [
            BreakKind::Edited,
            BreakKind::Deleted,
            BreakKind::Reordered,
            BreakKind::Inserted,
            BreakKind::Head,
            BreakKind::SealMismatch,
            BreakKind::RolledBack,
            BreakKind::Anchor,
            BreakKind::TablesMissing,
        ] {
            assert_eq!(ChainBreak::from(k).code(), k.code());
        }
    }

    /// Every audit entry of the desk is built by [`entry`] from an
    /// [`Outcome`]: no other place in the app writes an outcome of its own.
    #[test]
    fn no_entry_is_built_without_an_outcome() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src");
        let mut offenders = Vec::new();
        for f in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = f.path();
            if path.file_name().is_some_and(|n| n == "audit_outcome.rs") || path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // A struct literal: `NewAuditEntry {` then a field (`at:`, a
            // shorthand `at,`) — not a return type followed by a body.
            let literal = text.match_indices("NewAuditEntry {").any(|(i, m)| {
                let rest = text[i + m.len()..].trim_start();
                let field: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                !field.is_empty() && {
                    let after = rest[field.len()..].trim_start();
                    (after.starts_with(':') && !after.starts_with("::")) || after.starts_with(',')
                }
            });
            if literal || text.contains("audit_append(&NewAuditEntry") {
                offenders.push(path.display().to_string());
            }
        }
        assert!(offenders.is_empty(), "build audit entries with audit_outcome::entry: {offenders:?}");
    }
}
