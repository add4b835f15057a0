//! The words an administrator reads for what the desk writes in the audit
//! log, and the one way the desk builds an entry ([`entry`]).
//!
//! * The vocabulary itself — [`AuditAction`], [`Outcome`] and their code
//!   tables, each code defined once — is the core's
//!   (`madoguchi_core::audit`): [`Outcome::code`] is the stored text,
//!   unchanged from what earlier versions wrote, so old logs read and verify
//!   the same; [`Outcome::parse`] reads it back. `NewAuditEntry` takes an
//!   [`Outcome`], so no entry is written without one.
//! * [`Words::words`] says an outcome in Japanese or English through
//!   `locales/*/audit.ftl`: one exhaustive `match`, so a new kind of outcome
//!   does not compile without its words.
//! * A code this version does not read ([`label`] answers `None`) is shown
//!   as it is, never hidden; the raw code stays beside the words (the
//!   viewer's tooltip, the CSV's `outcome` column).

use chrono::NaiveDateTime;
use madoguchi_adapters::audit::{NewAuditEntry, OutcomeMatch};
use madoguchi_core::codes::Validity;
use madoguchi_core::eligibility::ConsentCategory;
use madoguchi_core::staff::{Role, Session};
use madoguchi_i18n::{tr, Lang};

pub use madoguchi_core::audit::{
    AuditAction, ChainBreak, ConsentRefusal, DisasterResult, Identity, LoginFailure, Outcome, PinFailure, PrintKind,
    ReuseRefused,
};
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

/// The staff id of an entry made while nobody was signed in.
pub const NOBODY: &str = "-";

/// An outcome in the person's language.
pub trait Words {
    /// The outcome in words, in `lang` (`locales/*/audit.ftl`).
    fn words(&self, lang: Lang) -> String;
}

impl Words for Outcome {
    fn words(&self, lang: Lang) -> String {
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
            Outcome::Exported(f) => t("audit-outcome-exported", &[("format", f.code().to_string())]),
            Outcome::BackupWritten => t("audit-outcome-backup-written", &[]),
            Outcome::BackupFailed => t("audit-outcome-backup-failed", &[]),
            Outcome::Restored { from, to } => t("audit-outcome-restored", &[("from", from.to_string()), ("to", to.to_string())]),
            Outcome::RestoredRolledBack { from, to } => {
                t("audit-outcome-restored-rolled-back", &[("from", from.to_string()), ("to", to.to_string())])
            }
            Outcome::ReferenceRegistered { reference } => {
                t("audit-outcome-reference-registered", &[("reference", reference.clone())])
            }
            Outcome::ReferenceRefused => t("audit-outcome-reference-refused", &[]),
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
            (C::LoginFailed, Outcome::LoginFailed(_)) => action == AuditAction::LoginFailed.code(),
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
        use AuditAction as A;
        let exact = |action: AuditAction, code: &str| OutcomeMatch::exact(Some(action), code);
        // Every outcome `kind:…` of the kind `example`'s code begins with.
        let kind = |action: AuditAction, example: Outcome| {
            let code = example.code();
            OutcomeMatch::kind(Some(action), code.split_once(':').map_or(code.as_str(), |(k, _)| k))
        };
        let validities = |valid: bool| {
            Validity::ALL.iter().filter(|v| v.is_valid() == valid).map(|v| exact(A::EligibilityCheck, &Outcome::Validity(*v).code())).collect()
        };
        let someone = || "-".to_string();
        match self {
            C::Denied => vec![OutcomeMatch::exact(None, &Outcome::Denied.code())],
            C::NotSignedIn => vec![OutcomeMatch::exact(None, &Outcome::NotSignedIn.code())],
            // Every code the desk writes for them, exactly (a future
            // category or reason this version cannot read is not claimed).
            C::ConsentRefused => [A::MedicalView, A::Print]
                .into_iter()
                .flat_map(|a| {
                    ConsentCategory::ALL.into_iter().flat_map(move |category| {
                        ConsentRefusal::ALL.iter().map(move |r| exact(a, &Outcome::ConsentRefused { category, reason: *r }.code()))
                    })
                })
                .collect(),
            C::Allowed => ConsentCategory::ALL.into_iter().map(|c| exact(A::MedicalView, &Outcome::Allowed(c).code())).collect(),
            C::Eligible => validities(true),
            C::NotEligible => validities(false),
            C::Found => vec![exact(A::DisasterLookup, &Outcome::Disaster(DisasterResult::Found).code())],
            C::NotFound => vec![exact(A::DisasterLookup, &Outcome::Disaster(DisasterResult::NotFound).code())],
            C::Ambiguous => vec![exact(A::DisasterLookup, &Outcome::Disaster(DisasterResult::Ambiguous).code())],
            C::LoginFailed => LoginFailure::ALL.iter().map(|f| exact(A::LoginFailed, &Outcome::LoginFailed(*f).code())).collect(),
            C::PasswordSet => vec![
                kind(A::StaffChange, Outcome::PasswordChanged { staff: someone() }),
                kind(A::StaffChange, Outcome::PasswordReset { staff: someone() }),
            ],
            C::StaffChangeRefused => vec![kind(A::StaffChange, Outcome::StaffChangeRefused { staff: someone() })],
            C::IdentityFailed => PinFailure::ALL.iter().map(|p| exact(A::HomeVisitIdentity, &Outcome::PinFailed(*p).code())).collect(),
            C::ChainBroken => vec![kind(A::ChainBroken, Outcome::ChainBroken { seq: 1, kind: ChainBreak::Edited })],
            C::RolledBack => vec![kind(A::Restore, Outcome::RestoredRolledBack { from: 0, to: 0 })],
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
    NewAuditEntry { at, staff_id, role, action, patient_key, outcome: outcome.clone(), reason, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    use madoguchi_adapters::accounts::AccountError;
    use madoguchi_adapters::audit::BreakKind;
    use madoguchi_core::home_visit::{IdentityCheck, ReuseRefusal};

    /// Every outcome the desk writes, with the action it is written under
    /// (the core's list: every value of every code table).
    fn examples() -> Vec<(&'static str, Outcome)> {
        madoguchi_core::audit::examples().into_iter().map(|(a, o)| (a.code(), o)).collect()
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
        m.action.is_none_or(|a| a.code() == action)
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
        // The chain's breaks keep the codes earlier versions stored.
        for (k, code) in [
            (BreakKind::Edited, "edited"),
            (BreakKind::Deleted, "deleted"),
            (BreakKind::Reordered, "reordered"),
            (BreakKind::Inserted, "inserted"),
            (BreakKind::Head, "head"),
            (BreakKind::SealMismatch, "seal_mismatch"),
            (BreakKind::RolledBack, "rolled_back"),
            (BreakKind::Anchor, "anchor"),
            (BreakKind::TablesMissing, "tables_missing"),
        ] {
            assert_eq!((ChainBreak::from(k).code(), k.code()), (code, code));
        }
    }
}
