//! Who is at the desk, and whether they may do what they ask. The role checks
//! live here, in the backend: every action that needs a role goes through
//! [`Desk::authorize`], which refuses with a message in the staff's language.
//!
//! * **Training mode** (the embedded training service, or a service that says
//!   it is a training service): when nobody is signed in, the trainee account
//!   [`TRAINEE_ID`] with the qualified role is signed in automatically, so the
//!   desk works out of the box; the window shows who is signed in.
//! * **Otherwise** nobody is signed in until someone signs in
//!   ([`Desk::sign_in`] with an account of `<data dir>/staff.sqlite`; the
//!   first start creates the administrator, [`Desk::create_first_administrator`]);
//!   a request that needs a role is refused with `staff-refused-not-signed-in`.
//! * A session idle for [`madoguchi_core::staff::DEFAULT_IDLE_LIMIT_MINUTES`]
//!   locks: it is dropped, logged (`session_locked`), and the next request is
//!   refused with `staff-refused-locked` (in training mode the trainee is
//!   signed in again at the next request). The trainee itself never locks:
//!   training mode has synthetic people only.

use chrono::NaiveDateTime;
use madoguchi_adapters::audit::{AuditAction, NewAuditEntry};
use madoguchi_adapters::accounts;
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::staff::{default_idle_limit, Action, Refusal, Role, Session};
use serde::{Deserialize, Serialize};

use crate::desk::Desk;

/// The account signed in automatically in training mode.
pub const TRAINEE_ID: &str = "trainee";

/// Who is signed in, for the window's status line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub staff_id: String,
    pub display_name: String,
    pub role: Role,
    /// The automatic trainee of training mode.
    pub trainee: bool,
}

impl Desk {
    /// Signs `session` in (after the account was verified, or in tests), and
    /// logs it.
    pub fn sign_in_session(&self, session: Session, now: NaiveDateTime) {
        self.audit_as(&session, AuditAction::Login, None, "ok", None, now);
        *self.session.lock().unwrap() = Some(session);
    }

    /// Signs whoever is signed in out (logged).
    pub fn sign_out(&self, now: NaiveDateTime) {
        if let Some(s) = self.session.lock().unwrap().take() {
            self.audit_as(&s, AuditAction::Logout, None, "ok", None, now);
        }
    }

    /// Who is signed in now (in training mode, the trainee once a request
    /// needed a role, or [`Desk::signed_in`] was asked).
    pub fn signed_in(&self, now: NaiveDateTime) -> Option<SignedIn> {
        self.current_session(now).map(|s| signed_in(&s))
    }

    /// The session, locking it when idle too long; the trainee in training
    /// mode when nobody is signed in.
    fn current_session(&self, now: NaiveDateTime) -> Option<Session> {
        let mut slot = self.session.lock().unwrap();
        if let Some(s) = slot.as_ref() {
            // The trainee (training mode, synthetic people only) never locks.
            if s.staff_id != TRAINEE_ID && s.is_locked(now, default_idle_limit()) {
                let s = slot.take().expect("checked");
                drop(slot);
                self.audit_as(&s, AuditAction::SessionLocked, None, "locked", None, now);
                return None;
            }
            return Some(s.clone());
        }
        if self.status().training {
            let s = Session::new(TRAINEE_ID, "研修用アカウント", Role::Qualified, now);
            *slot = Some(s.clone());
            return Some(s);
        }
        None
    }

    /// The signed-in session if it may do `action` now (and marks activity),
    /// else the refusal in words — logged with `audit_action` when given.
    pub fn authorize(
        &self,
        action: Action,
        audit_action: Option<AuditAction>,
        now: NaiveDateTime,
    ) -> Result<Session, ApiError> {
        let was_signed_in = self.session.lock().unwrap().is_some();
        let Some(session) = self.current_session(now) else {
            let refusal = if was_signed_in {
                Refusal::Locked
            } else {
                Refusal::NotSignedIn
            };
            return Err(ApiError::new(refusal.message()));
        };
        if let Err(refusal) = madoguchi_core::staff::check(session.role, action) {
            if let Some(a) = audit_action {
                self.audit_as(&session, a, None, "denied", Some(refusal.message_id()), now);
            }
            return Err(ApiError::new(refusal.message()));
        }
        if let Some(s) = self.session.lock().unwrap().as_mut() {
            s.touch(now);
        }
        Ok(session)
    }

    /// The staff accounts file (`<data dir>/staff.sqlite`, its own schema:
    /// `madoguchi_adapters::accounts`), opened for one operation.
    fn accounts(&self) -> Result<rusqlite::Connection, ApiError> {
        let path = self.settings().data_dir.join("staff.sqlite");
        let conn = rusqlite::Connection::open(&path)
            .map_err(|e| ApiError::new(Msg::new("staff-error-database").arg("detail", e)))?;
        accounts::ensure_schema(&conn).map_err(|e| ApiError::new(e.message()))?;
        Ok(conn)
    }

    /// True until the first administrator exists (first start outside
    /// training mode asks for one).
    pub fn needs_first_setup(&self) -> Result<bool, ApiError> {
        accounts::needs_first_setup(&self.accounts()?).map_err(|e| ApiError::new(e.message()))
    }

    /// Creates the first administrator (refused once one exists); logged.
    pub fn create_first_administrator(
        &self,
        staff_id: &str,
        display_name: &str,
        password: &str,
        now: NaiveDateTime,
    ) -> Result<SignedIn, ApiError> {
        let account =
            accounts::create_first_administrator(&self.accounts()?, staff_id, display_name, password, now)
                .map_err(|e| ApiError::new(e.message()))?;
        let session = Session::new(&account.staff_id, &account.display_name, account.role, now);
        self.audit_as(&session, AuditAction::StaffChange, None, "first_administrator", None, now);
        Ok(signed_in(&session))
    }

    /// Creates an account of any role (administrators only); logged.
    pub fn create_account(
        &self,
        staff_id: &str,
        display_name: &str,
        role: Role,
        password: &str,
        now: NaiveDateTime,
    ) -> Result<(), ApiError> {
        let admin = self.authorize(Action::ManageStaff, Some(AuditAction::StaffChange), now)?;
        let new = accounts::NewAccount { staff_id, display_name, role, password };
        accounts::create_account(&self.accounts()?, &new, now).map_err(|e| ApiError::new(e.message()))?;
        let what = format!("created:{}:{}", staff_id.trim(), role.code());
        self.audit_as(&admin, AuditAction::StaffChange, None, &what, None, now);
        Ok(())
    }

    /// Signs in with an account's password (lock-out after failed tries is
    /// the accounts module's); success and failure are logged.
    pub fn sign_in(&self, staff_id: &str, password: &str, now: NaiveDateTime) -> Result<SignedIn, ApiError> {
        match accounts::verify_login(&self.accounts()?, staff_id, password, now) {
            Ok(session) => {
                let who = signed_in(&session);
                self.sign_in_session(session, now);
                Ok(who)
            }
            Err(e) => {
                self.audit_entry(NewAuditEntry {
                    at: now,
                    staff_id: staff_id.trim().to_string(),
                    role: None,
                    action: AuditAction::LoginFailed,
                    patient_key: None,
                    outcome: e.message_id().to_string(),
                    reason: None,
                    detail: None,
                });
                Err(ApiError::new(e.message()))
            }
        }
    }

    /// One audit entry in `session`'s name.
    pub(crate) fn audit_as(
        &self,
        session: &Session,
        action: AuditAction,
        patient_key: Option<String>,
        outcome: &str,
        reason: Option<&str>,
        now: NaiveDateTime,
    ) {
        self.audit_entry(NewAuditEntry {
            at: now,
            staff_id: session.staff_id.clone(),
            role: Some(session.role),
            action,
            patient_key,
            outcome: outcome.to_string(),
            reason: reason.map(str::to_string),
            detail: None,
        });
    }

    /// Appends an entry; a failure to log is logged, never hides a result.
    pub(crate) fn audit_entry(&self, entry: NewAuditEntry) {
        if let Err(e) = self.store_handle().lock().unwrap().audit_append(&entry) {
            tracing::error!("audit log: {e}");
        }
    }
}

fn signed_in(s: &Session) -> SignedIn {
    SignedIn {
        trainee: s.staff_id == TRAINEE_ID,
        staff_id: s.staff_id.clone(),
        display_name: s.display_name.clone(),
        role: s.role,
    }
}
