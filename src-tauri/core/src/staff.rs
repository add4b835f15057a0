//! Staff roles and what each may do (職員の役割と権限), and the signed-in
//! session with its inactivity lock.
//!
//! Pure: the permission table is data, time is an argument. The accounts
//! themselves (passwords, lockout) live in `madoguchi-adapters::accounts`; the
//! record of who did what in `madoguchi-adapters::audit`.
//!
//! The roles follow the 災害時モード rules (see `DOMAIN.md`, "Disaster mode"):
//! medical information is viewed by qualified staff (医師・歯科医師・薬剤師 …)
//! and by staff granted disaster viewing rights; reception checks eligibility.
//!
//! Least privilege: an [`Role::Administrator`] manages accounts, settings and
//! the audit log but does **not** view medical information. A doctor who also
//! administers the clinic's accounts has two accounts, so that what they do as
//! a viewer and what they do as an administrator are told apart in the audit
//! log. The whole policy is the one table in [`may`].

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::message::Msg;

/// What a staff account is allowed to do, as one of three roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 受付: checks eligibility; sees no medical information.
    Receptionist,
    /// 有資格者: 医師・歯科医師・薬剤師 and staff granted disaster viewing rights
    /// (災害時の閲覧権限を付与された職員). Views and prints medical information
    /// (with the patient's consent) and uses the disaster look-up.
    Qualified,
    /// 管理者: manages staff accounts, settings and the audit log.
    Administrator,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::Receptionist, Role::Qualified, Role::Administrator];

    /// The serde name, also what the database stores and the `$role` of messages.
    pub fn code(self) -> &'static str {
        match self {
            Role::Receptionist => "receptionist",
            Role::Qualified => "qualified",
            Role::Administrator => "administrator",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.code() == code)
    }

    /// The label, `staff-role-<code>` in `locales/*/staff.ftl`.
    pub fn message_id(self) -> &'static str {
        match self {
            Role::Receptionist => "staff-role-receptionist",
            Role::Qualified => "staff-role-qualified",
            Role::Administrator => "staff-role-administrator",
        }
    }
}

/// Something a person at the desk asks the application to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 資格確認 (card details or マイナ保険証).
    CheckEligibility,
    /// 薬剤情報・特定健診等情報 … on screen (consent is decided separately, by
    /// `consent::decide`).
    ViewMedical,
    /// Printing medical information.
    PrintMedical,
    /// The 災害時モード four-field look-up and what it shows.
    DisasterLookup,
    /// Switching the desk to local emergency operation (network or national
    /// service down, before or without the national 災害時モード).
    DeclareLocalEmergency,
    /// Creating accounts, resetting passwords, disabling accounts.
    ManageStaff,
    /// Reading the audit log on screen (and verifying it).
    ViewAudit,
    /// Writing the audit log out (CSV).
    ExportAudit,
    /// Changing the application's settings.
    ChangeSettings,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::CheckEligibility,
        Action::ViewMedical,
        Action::PrintMedical,
        Action::DisasterLookup,
        Action::DeclareLocalEmergency,
        Action::ManageStaff,
        Action::ViewAudit,
        Action::ExportAudit,
        Action::ChangeSettings,
    ];

    /// The serde name, also the `$action` of `staff-refused`.
    pub fn code(self) -> &'static str {
        match self {
            Action::CheckEligibility => "check_eligibility",
            Action::ViewMedical => "view_medical",
            Action::PrintMedical => "print_medical",
            Action::DisasterLookup => "disaster_lookup",
            Action::DeclareLocalEmergency => "declare_local_emergency",
            Action::ManageStaff => "manage_staff",
            Action::ViewAudit => "view_audit",
            Action::ExportAudit => "export_audit",
            Action::ChangeSettings => "change_settings",
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.code() == code)
    }
}

/// Whether `role` may do `action`. The whole policy, as one table:
///
/// | action                  | Receptionist | Qualified | Administrator |
/// |-------------------------|:---:|:---:|:---:|
/// | CheckEligibility        | ✓ | ✓ | ✓ |
/// | ViewMedical             |   | ✓ |   |
/// | PrintMedical            |   | ✓ |   |
/// | DisasterLookup          |   | ✓ |   |
/// | DeclareLocalEmergency   |   |   | ✓ |
/// | ManageStaff             |   |   | ✓ |
/// | ViewAudit               |   |   | ✓ |
/// | ExportAudit             |   |   | ✓ |
/// | ChangeSettings          |   |   | ✓ |
///
/// Declaring (and ending) the local emergency is an administrator's act, as
/// issue #6 and the facility's procedures have it: it opens look-ups over
/// the cache to every qualified account, so it is decided by the person who
/// answers for the desk, not by whoever is looking someone up.
///
/// Medical information additionally needs the patient's consent
/// (`consent::decide`); `may` only answers the question of the role.
pub fn may(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        CheckEligibility => true,
        ViewMedical | PrintMedical | DisasterLookup => role == Qualified,
        DeclareLocalEmergency | ManageStaff | ViewAudit | ExportAudit | ChangeSettings => role == Administrator,
    }
}

/// Why the application will not do what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Refusal {
    /// Nobody is signed in.
    NotSignedIn,
    /// The session was idle too long; the person signs in again.
    Locked,
    /// The role does not allow the action.
    NotPermitted { role: Role, action: Action },
}

impl Refusal {
    pub fn message_id(&self) -> &'static str {
        match self {
            Refusal::NotSignedIn => "staff-refused-not-signed-in",
            Refusal::Locked => "staff-refused-locked",
            Refusal::NotPermitted { .. } => "staff-refused",
        }
    }

    /// The message for staff (`locales/*/staff.ftl`); `staff-refused` takes
    /// `$action` ([`Action::code`]) and `$role` ([`Role::code`]).
    pub fn message(&self) -> Msg {
        let msg = Msg::new(self.message_id());
        match self {
            Refusal::NotPermitted { role, action } => {
                msg.arg("action", action.code()).arg("role", role.code())
            }
            _ => msg,
        }
    }
}

/// [`may`] as a `Result`.
pub fn check(role: Role, action: Action) -> Result<(), Refusal> {
    if may(role, action) {
        Ok(())
    } else {
        Err(Refusal::NotPermitted { role, action })
    }
}

/// How long a session may stay idle before it locks, unless settings say
/// otherwise. The 医療情報システムの安全管理に関するガイドライン asks for a
/// lock after a period of inactivity; ten minutes suits a front desk where the
/// screen faces a waiting room.
pub const DEFAULT_IDLE_LIMIT_MINUTES: i64 = 10;

/// The default idle limit as a duration.
pub fn default_idle_limit() -> Duration {
    Duration::minutes(DEFAULT_IDLE_LIMIT_MINUTES)
}

/// Someone signed in at the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub staff_id: String,
    pub display_name: String,
    pub role: Role,
    /// The last time the person did something (set by [`Session::touch`]).
    pub last_activity: NaiveDateTime,
}

impl Session {
    pub fn new(
        staff_id: impl Into<String>,
        display_name: impl Into<String>,
        role: Role,
        now: NaiveDateTime,
    ) -> Self {
        Session {
            staff_id: staff_id.into(),
            display_name: display_name.into(),
            role,
            last_activity: now,
        }
    }

    /// True once `idle_limit` or more has passed since the last activity. A
    /// clock that went backwards (now before the last activity) does not lock.
    pub fn is_locked(&self, now: NaiveDateTime, idle_limit: Duration) -> bool {
        now - self.last_activity >= idle_limit
    }

    /// Records activity at `now` (never moves the last activity backwards).
    pub fn touch(&mut self, now: NaiveDateTime) {
        if now > self.last_activity {
            self.last_activity = now;
        }
    }

    /// Whether this session may do `action` at `now`: not locked, and the role
    /// allows it. Does not touch the session; the caller does on success.
    pub fn authorize(
        &self,
        action: Action,
        now: NaiveDateTime,
        idle_limit: Duration,
    ) -> Result<(), Refusal> {
        if self.is_locked(now, idle_limit) {
            return Err(Refusal::Locked);
        }
        check(self.role, action)
    }

    /// Whether this session may use the given permission.
    pub fn may(&self, action: Action) -> bool {
        may(self.role, action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(h: u32, m: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 1, 6)
            .unwrap()
            .and_hms_opt(h, m, s)
            .unwrap()
    }

    #[test]
    fn permission_table() {
        use Action::*;
        // (action, receptionist, qualified, administrator)
        let table = [
            (CheckEligibility, true, true, true),
            (ViewMedical, false, true, false),
            (PrintMedical, false, true, false),
            (DisasterLookup, false, true, false),
            (DeclareLocalEmergency, false, false, true),
            (ManageStaff, false, false, true),
            (ViewAudit, false, false, true),
            (ExportAudit, false, false, true),
            (ChangeSettings, false, false, true),
        ];
        assert_eq!(
            table.len(),
            Action::ALL.len(),
            "every action is in the table"
        );
        for (action, rec, qual, admin) in table {
            assert_eq!(
                may(Role::Receptionist, action),
                rec,
                "receptionist {action:?}"
            );
            assert_eq!(may(Role::Qualified, action), qual, "qualified {action:?}");
            assert_eq!(
                may(Role::Administrator, action),
                admin,
                "administrator {action:?}"
            );
        }
    }

    #[test]
    fn codes_round_trip_and_match_serde() {
        for &r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.code())
            );
            assert!(r.message_id().starts_with("staff-role-"));
        }
        for &a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(a));
            assert_eq!(
                serde_json::to_string(&a).unwrap(),
                format!("\"{}\"", a.code())
            );
        }
        assert_eq!(Role::from_code("doctor"), None);
    }

    #[test]
    fn refusal_messages() {
        let r = check(Role::Receptionist, Action::ViewMedical).unwrap_err();
        let m = r.message();
        assert_eq!(m.id, "staff-refused");
        assert_eq!(
            m.args,
            vec![
                ("action".to_string(), "view_medical".to_string()),
                ("role".to_string(), "receptionist".to_string())
            ]
        );
        assert!(check(Role::Qualified, Action::ViewMedical).is_ok());
        assert_eq!(Refusal::Locked.message().id, "staff-refused-locked");
        assert_eq!(
            Refusal::NotSignedIn.message().id,
            "staff-refused-not-signed-in"
        );
    }

    #[test]
    fn session_locks_after_inactivity() {
        let limit = Duration::minutes(10);
        let mut s = Session::new("sato", "佐藤", Role::Qualified, t(9, 0, 0));
        assert!(!s.is_locked(t(9, 0, 0), limit));
        assert!(!s.is_locked(t(9, 9, 59), limit));
        assert!(
            s.is_locked(t(9, 10, 0), limit),
            "locks at exactly the limit"
        );
        s.touch(t(9, 9, 0));
        assert!(!s.is_locked(t(9, 18, 59), limit));
        assert!(s.is_locked(t(9, 19, 0), limit));
        // Touching with an earlier time does not move activity back.
        s.touch(t(8, 0, 0));
        assert_eq!(s.last_activity, t(9, 9, 0));
        // A clock that went back does not lock.
        assert!(!s.is_locked(t(8, 0, 0), limit));
    }

    #[test]
    fn authorize_checks_lock_before_role() {
        let limit = default_idle_limit();
        let s = Session::new("suzuki", "鈴木", Role::Receptionist, t(9, 0, 0));
        assert_eq!(
            s.authorize(Action::CheckEligibility, t(9, 5, 0), limit),
            Ok(())
        );
        assert_eq!(
            s.authorize(Action::ViewMedical, t(9, 5, 0), limit),
            Err(Refusal::NotPermitted {
                role: Role::Receptionist,
                action: Action::ViewMedical
            })
        );
        assert_eq!(
            s.authorize(Action::CheckEligibility, t(9, 30, 0), limit),
            Err(Refusal::Locked)
        );
        assert_eq!(
            s.authorize(Action::ViewMedical, t(9, 30, 0), limit),
            Err(Refusal::Locked)
        );
    }
}
