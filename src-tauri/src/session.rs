//! Who is at the desk, and whether they may do what they ask. The role checks
//! live here, in the backend: every action that needs a role goes through
//! [`Context::authorize`], which refuses with a message in the staff's language.
//!
//! * **Training mode** is how this desk was started: the embedded training
//!   service it spawned itself (no service URL, no OQS folder) runs. Then,
//!   when nobody is signed in, the trainee account [`TRAINEE_ID`] with the
//!   qualified role is signed in automatically, so the desk works out of the
//!   box; the window shows who is signed in. A configured folder or service
//!   that *says* it is a training one (a `TRAINING` file, `"training": true`)
//!   gets a banner and nothing else: nobody is signed in automatically. The
//!   trainee sees only records of the embedded population
//!   (`Desk::training_may_show`).
//! * **Otherwise** nobody is signed in until someone signs in
//!   ([`Desk::sign_in`] with an account of the desk's encrypted store; the
//!   first start creates the administrator, [`Desk::create_first_administrator`]);
//!   a request that needs a role is refused with `staff-refused-not-signed-in`
//!   — logged (`not_signed_in`, staff id `-`) like every refusal of a medical,
//!   print, disaster or settings request.
//!   An account is signed in only when the audit log holds its creation
//!   entry and its latest sealed state is its row (the accounts module's
//!   rule, `staff-login-not-created` / `staff-login-altered` otherwise,
//!   logged as failed sign-ins): a row written into the database by other
//!   means never signs in. Every entry that creates an account or sets a
//!   password is written in the same transaction as the account
//!   (`staff_entry_for` makes it, the accounts module seals it).
//!   The plain `staff.sqlite` of earlier versions is taken over once
//!   ([`Desk::take_over_staff_file`]) and removed.
//! * A session idle for [`madoguchi_core::staff::DEFAULT_IDLE_LIMIT_MINUTES`]
//!   locks: it is dropped, logged (`session_locked`), and the next request is
//!   refused with `staff-refused-locked` (in training mode the trainee is
//!   signed in again at the next request). The trainee itself never locks:
//!   training mode has synthetic people only.
//! * The window asks [`Staff::staff_gate`] what to show: the first-start
//!   screen ([`Staff::first_start`]: the first administrator, password typed
//!   twice), the sign-in screen (nobody signed in, or a locked session: its
//!   staff id is remembered until someone signs in), or the desk. Every form
//!   check is here: [`account_form_problems`] answers all problems at once,
//!   field by field. In training mode staff may still sign in with an account
//!   (an administrator, to see the audit log); signing out returns to the
//!   trainee.
//! * An administrator manages the accounts ([`Staff::add_staff`],
//!   [`Staff::disable_staff`], [`Staff::enable_staff`],
//!   [`Staff::reset_staff_password`]): anyone else is refused here and
//!   logged; nobody disables their own account (so an administrator cannot
//!   lock themselves out), nor the last active administrator; a reset
//!   password is typed twice by the administrator under the rules of a new
//!   account ([`password_problems`]) rather than generated and shown once —
//!   the administrator tells it to the person. Every change and refusal is a
//!   `staff_change` audit entry.
//! * Everyone signed in with an account (not the trainee) changes their own
//!   password ([`Staff::change_own_password`]): the current one, the new one
//!   typed twice under the same rules ([`password_change_problems`]); a wrong
//!   current password counts as a failed sign-in (the accounts module's
//!   lock-out), and the failure that locks the account signs the person out.

use chrono::NaiveDateTime;
use madoguchi_adapters::audit::{AuditAction, NewAuditEntry};
use madoguchi_adapters::accounts;
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::staff::{default_idle_limit, Action, Refusal, Role, Session};
use madoguchi_core::message::FormProblem;

use crate::audit_outcome::{self, Outcome, Who};
use crate::context::Context;
use std::sync::Arc;

use crate::card_taps::CardTaps;
pub use madoguchi_api::session::{AccountForm, PasswordChangeForm, PasswordResetForm, SignedIn, StaffGate, StaffListEntry};

/// The account signed in automatically in training mode (the context
/// knows it: the audit log names the trainee even when idle).
pub use crate::context::TRAINEE_ID;

/// Every problem of a password change at once, by field (`current`,
/// `password`, `confirm`): the current password typed, the new one under
/// the rules of a new account ([`password_problems`]) and not the current
/// one again. Whether the current password is right is the accounts
/// module's to say, once the form is complete (a wrong one counts as a
/// failed sign-in).
pub fn password_change_problems(staff_id: &str, form: &PasswordChangeForm) -> Vec<FormProblem> {
    let mut problems = Vec::new();
    if form.current.is_empty() {
        problems.push(FormProblem { field: "current".into(), message: Msg::new("staff-password-current-missing") });
    }
    let mut new = password_problems(staff_id, &form.password, &form.confirm);
    if new.iter().all(|p| p.field != "password") && !form.current.is_empty() && form.password == form.current {
        new.insert(0, FormProblem { field: "password".into(), message: Msg::new("staff-password-same-as-current") });
    }
    problems.extend(new);
    problems
}

/// Every problem of a new-account form at once, by field (`staff_id`,
/// `display_name`, `password`, `confirm`): the staff id rule, a name, the
/// password rules (`accounts::check_password`) and the second typing.
pub fn account_form_problems(form: &AccountForm) -> Vec<FormProblem> {
    let mut problems = Vec::new();
    let mut add = |field: &str, message: Msg| {
        problems.push(FormProblem { field: field.to_string(), message })
    };
    if let Err(e) = accounts::check_staff_id(&form.staff_id) {
        add("staff_id", e.message());
    }
    if form.display_name.trim().is_empty() {
        add("display_name", Msg::new("staff-missing-display-name"));
    }
    problems.extend(password_problems(&form.staff_id, &form.password, &form.confirm));
    problems
}

/// The password rules (`accounts::check_password`) and the second typing,
/// as problems of the fields `password` and `confirm`: the same for a new
/// account and for a password an administrator resets.
pub fn password_problems(staff_id: &str, password: &str, confirm: &str) -> Vec<FormProblem> {
    let mut problems = Vec::new();
    let mut add = |field: &str, message: Msg| {
        problems.push(FormProblem { field: field.to_string(), message })
    };
    if password.is_empty() {
        add("password", Msg::new("staff-password-missing"));
    } else if let Err(p) = accounts::check_password(staff_id, password) {
        add("password", p.message());
    }
    if confirm.is_empty() && !password.is_empty() {
        add("confirm", Msg::new("staff-password-confirm-missing"));
    } else if confirm != password {
        add("confirm", Msg::new("staff-password-mismatch"));
    }
    problems
}

fn form_error(problems: Vec<FormProblem>) -> ApiError {
    ApiError::form(Msg::new("staff-form-invalid"), problems)
}

/// An account error of the form's fields as a form problem (a taken id under
/// the id), else as it is.
fn account_error(e: accounts::AccountError) -> ApiError {
    use accounts::AccountError as E;
    let field = match &e {
        E::DuplicateId(_) | E::InvalidStaffId => Some("staff_id"),
        E::MissingDisplayName => Some("display_name"),
        E::Password(_) => Some("password"),
        _ => None,
    };
    match field {
        Some(f) => form_error(vec![FormProblem { field: f.to_string(), message: e.message() }]),
        None => ApiError::new(e.message()),
    }
}

/// The staff service: sign-in and sign-out, the window's gate, accounts.
/// Owns nothing but what it is given: the context (whose session it sets)
/// and the card taps it releases at sign-in.
pub struct Staff {
    ctx: Arc<Context>,
    taps: Arc<CardTaps>,
}

impl Staff {
    pub fn new(ctx: Arc<Context>, taps: Arc<CardTaps>) -> Staff {
        Staff { ctx, taps }
    }
}

impl Staff {
    /// Signs `session` in (after the account was verified, or in tests), and
    /// logs it. A previous session (the trainee, in training mode) is signed
    /// out first, so every sign-in has its sign-out in the log.
    pub fn sign_in_session(&self, session: Session, now: NaiveDateTime) {
        let previous = self.ctx.session.lock().unwrap().take();
        if let Some(p) = previous {
            self.ctx.audit_as(&p, AuditAction::Logout, None, Outcome::Ok, None, now);
        }
        self.ctx.audit_as(&session, AuditAction::Login, None, Outcome::Ok, None, now);
        *self.ctx.session.lock().unwrap() = Some(session);
        *self.ctx.locked_staff.lock().unwrap() = None;
        // Card taps taken in while nobody was signed in reach the window now.
        self.taps.release();
    }

    /// What the window should show now (see [`StaffGate`]); locks an idle
    /// session on the way, like every request.
    pub fn staff_gate(&self, now: NaiveDateTime) -> Result<StaffGate, ApiError> {
        let status = self.ctx.status();
        let connecting = !status.ready && status.problem.is_none();
        let signed_in = if connecting { None } else { self.ctx.signed_in(now) };
        Ok(StaffGate {
            connecting,
            training: status.training,
            needs_first_setup: self.needs_first_setup()?,
            signed_in,
            locked: self.ctx.locked_staff.lock().unwrap().clone(),
        })
    }

    /// Marks activity in the window (typing, clicking) so that a person at
    /// work is not locked out; a session already idle too long locks instead.
    /// Answers who is signed in.
    pub fn touch_session(&self, now: NaiveDateTime) -> Option<SignedIn> {
        let who = self.ctx.current_session(now)?;
        if let Some(s) = self.ctx.session.lock().unwrap().as_mut() {
            s.touch(now);
        }
        Some(signed_in(&who))
    }

    /// First start: checks the whole form (password typed twice), creates the
    /// first administrator and signs them in. Refused once an administrator
    /// exists. Logged (the account's creation and the sign-in).
    pub fn first_start(&self, form: &AccountForm, now: NaiveDateTime) -> Result<SignedIn, ApiError> {
        let problems = account_form_problems(form);
        if !problems.is_empty() {
            return Err(form_error(problems));
        }
        let session = Session::new(form.staff_id.trim(), form.display_name.trim(), Role::Administrator, now);
        let entry = staff_entry_for(&session, Outcome::FirstAdministrator, now);
        self.ctx
            .accounts()?
            .accounts()
            .create_first_administrator(&form.staff_id, &form.display_name, &form.password, now, &entry)
            .map_err(account_error)?;
        let who = signed_in(&session);
        self.sign_in_session(session, now);
        Ok(who)
    }

    /// An administrator adds an account with a role: the whole form checked
    /// at once (password typed twice); logged.
    pub fn add_staff(&self, form: &AccountForm, role: Role, now: NaiveDateTime) -> Result<StaffListEntry, ApiError> {
        self.ctx.authorize(Action::ManageStaff, Some(AuditAction::StaffChange), now)?;
        let problems = account_form_problems(form);
        if !problems.is_empty() {
            return Err(form_error(problems));
        }
        self.create_account(&form.staff_id, &form.display_name, role, &form.password, now)
            .map_err(|e| match e.message.id.as_str() {
                "staff-account-exists" | "staff-invalid-id" => form_error(vec![FormProblem { field: "staff_id".into(), message: e.message }]),
                _ => e,
            })?;
        let account = self.ctx.accounts()?.accounts().get(form.staff_id.trim()).map_err(|e| ApiError::new(e.message()))?;
        Ok(list_entry(account))
    }

    /// The staff accounts (administrators only).
    pub fn staff_list(&self, now: NaiveDateTime) -> Result<Vec<StaffListEntry>, ApiError> {
        let admin = self.ctx.authorize(Action::ManageStaff, None, now)?;
        let list = self.ctx.accounts()?.accounts().list().map_err(|e| ApiError::new(e.message()))?;
        Ok(list
            .into_iter()
            .map(list_entry)
            .map(|mut e| {
                e.you = e.staff_id == admin.staff_id;
                e
            })
            .collect())
    }

    /// An administrator disables an account: it can no longer sign in (its
    /// history stays). Refused for one's own account (an administrator
    /// cannot lock themselves out) and for the last active administrator
    /// (the accounts module's rule); refusals and the change are logged.
    pub fn disable_staff(&self, staff_id: &str, now: NaiveDateTime) -> Result<StaffListEntry, ApiError> {
        let admin = self.ctx.authorize(Action::ManageStaff, Some(AuditAction::StaffChange), now)?;
        let staff_id = staff_id.trim();
        if staff_id == admin.staff_id {
            return Err(self.staff_change_refused(&admin, staff_id, Msg::new("staff-cannot-disable-self"), now));
        }
        let disabled = self.ctx.accounts()?.accounts().disable(staff_id);
        if let Err(e) = disabled {
            return Err(self.staff_change_refused(&admin, staff_id, e.message(), now));
        }
        let what = Outcome::AccountDisabled { staff: staff_id.to_string() };
        self.ctx.audit_as(&admin, AuditAction::StaffChange, None, what, None, now);
        self.staff_entry(staff_id, &admin)
    }

    /// An administrator enables a disabled account again; logged.
    pub fn enable_staff(&self, staff_id: &str, now: NaiveDateTime) -> Result<StaffListEntry, ApiError> {
        let admin = self.ctx.authorize(Action::ManageStaff, Some(AuditAction::StaffChange), now)?;
        let staff_id = staff_id.trim();
        let enabled = self.ctx.accounts()?.accounts().enable(staff_id);
        if let Err(e) = enabled {
            return Err(self.staff_change_refused(&admin, staff_id, e.message(), now));
        }
        let what = Outcome::AccountEnabled { staff: staff_id.to_string() };
        self.ctx.audit_as(&admin, AuditAction::StaffChange, None, what, None, now);
        self.staff_entry(staff_id, &admin)
    }

    /// An administrator sets a new password for an account (a forgotten
    /// password, or one locked after failed sign-ins: the lock is lifted).
    /// The administrator types it twice; the rules are those of a new
    /// account ([`password_problems`]), every problem answered by field.
    /// Logged (never the password).
    pub fn reset_staff_password(&self, form: &PasswordResetForm, now: NaiveDateTime) -> Result<StaffListEntry, ApiError> {
        let admin = self.ctx.authorize(Action::ManageStaff, Some(AuditAction::StaffChange), now)?;
        let staff_id = form.staff_id.trim();
        let problems = password_problems(staff_id, &form.password, &form.confirm);
        if !problems.is_empty() {
            return Err(form_error(problems));
        }
        let entry = staff_entry_for(&admin, Outcome::PasswordReset { staff: staff_id.to_string() }, now);
        let reset = self.ctx.accounts()?.accounts().reset_password(staff_id, &form.password, now, &entry);
        if let Err(e) = reset {
            return Err(match e {
                accounts::AccountError::Password(_) => account_error(e),
                e => self.staff_change_refused(&admin, staff_id, e.message(), now),
            });
        }
        self.staff_entry(staff_id, &admin)
    }

    /// The signed-in person changes their own password (any role; not the
    /// training-mode trainee, which has none). Every problem of the form at
    /// once, by field ([`password_change_problems`]); then the current
    /// password is checked by `accounts::change_password`, where a wrong one
    /// counts as a failed sign-in: refused under the field `current`, and
    /// the failures that lock the account (or a lock already in force)
    /// also sign the person out, since whoever is guessing may not be the
    /// account's owner. A change and every refusal of a complete form are
    /// `staff_change` entries (`password_changed:ID`, `refused:ID` with the
    /// message id as the reason; never a password).
    pub fn change_own_password(&self, form: &PasswordChangeForm, now: NaiveDateTime) -> Result<SignedIn, ApiError> {
        let me = self.ctx.session_now(now).map_err(|(_, e)| e)?;
        if me.staff_id == TRAINEE_ID {
            return Err(ApiError::new(Msg::new("staff-password-change-trainee")));
        }
        let problems = password_change_problems(&me.staff_id, form);
        if !problems.is_empty() {
            return Err(form_error(problems));
        }
        let entry = staff_entry_for(&me, Outcome::PasswordChanged { staff: me.staff_id.clone() }, now);
        let changed = self.ctx.accounts()?.accounts().change_password(&me.staff_id, &form.current, &form.password, now, &entry);
        match changed {
            Ok(()) => Ok(signed_in(&me)),
            Err(e) => {
                use accounts::AccountError as E;
                let refused = |why: Msg| self.staff_change_refused(&me, &me.staff_id, why, now);
                Err(match e {
                    E::WrongCredentials => {
                        let e = refused(Msg::new("staff-password-current-wrong"));
                        form_error(vec![FormProblem { field: "current".into(), message: e.message }])
                    }
                    E::LockedOut { until } => {
                        let e = refused(Msg::new("staff-password-change-locked-out").arg("until", until.format("%-H:%M")));
                        self.sign_out(now);
                        e
                    }
                    E::Password(_) => account_error(e),
                    e => refused(e.message()),
                })
            }
        }
    }

    /// A change to `staff_id` refused for `why`: logged (the message id as
    /// the reason) and answered in words.
    fn staff_change_refused(&self, admin: &Session, staff_id: &str, why: Msg, now: NaiveDateTime) -> ApiError {
        let what = Outcome::StaffChangeRefused { staff: staff_id.to_string() };
        self.ctx.audit_as(admin, AuditAction::StaffChange, None, what, Some(&why.id), now);
        ApiError::new(why)
    }

    fn staff_entry(&self, staff_id: &str, admin: &Session) -> Result<StaffListEntry, ApiError> {
        let account = self.ctx.accounts()?.accounts().get(staff_id).map_err(|e| ApiError::new(e.message()))?;
        let mut entry = list_entry(account);
        entry.you = entry.staff_id == admin.staff_id;
        Ok(entry)
    }

    /// Signs whoever is signed in out (logged). In training mode the trainee
    /// is signed in again at the next request.
    pub fn sign_out(&self, now: NaiveDateTime) {
        let s = self.ctx.session.lock().unwrap().take();
        if let Some(s) = s {
            self.ctx.audit_as(&s, AuditAction::Logout, None, Outcome::Ok, None, now);
        }
        *self.ctx.locked_staff.lock().unwrap() = None;
    }

}

/// The session primitives every service uses: who is signed in, and may
/// they do this (refusals logged). The context owns the session.
impl Context {
    /// Who is signed in now (in training mode, the trainee once a request
    /// needed a role, or [`Context::signed_in`] was asked).
    pub fn signed_in(&self, now: NaiveDateTime) -> Option<SignedIn> {
        self.current_session(now).map(|s| signed_in(&s))
    }

    /// The session, locking it when idle too long; the trainee in training
    /// mode (the embedded service runs: `DeskStatus::training`, never a
    /// folder's or a service's word) when nobody is signed in.
    fn current_session(&self, now: NaiveDateTime) -> Option<Session> {
        let training = self.status().training;
        let mut slot = self.session.lock().unwrap();
        if slot.as_ref().is_some_and(|s| s.staff_id == TRAINEE_ID && !training) {
            // The desk left training mode (its settings now name a real
            // service): the trainee's qualified role never reaches real
            // patients. Signed out, logged; a person signs in.
            let s = slot.take().expect("checked");
            drop(slot);
            self.audit_as(&s, AuditAction::Logout, None, Outcome::TrainingEnded, None, now);
            return None;
        }
        if let Some(s) = slot.as_ref() {
            // The trainee (training mode, synthetic people only) never locks.
            if s.staff_id != TRAINEE_ID && s.is_locked(now, default_idle_limit()) {
                let s = slot.take().expect("checked");
                drop(slot);
                self.audit_as(&s, AuditAction::SessionLocked, None, Outcome::Locked, None, now);
                *self.locked_staff.lock().unwrap() = Some(s.staff_id.clone());
                return None;
            }
            return Some(s.clone());
        }
        if training {
            let s = Session::new(TRAINEE_ID, "研修用アカウント", Role::Qualified, now);
            *slot = Some(s.clone());
            return Some(s);
        }
        None
    }

    /// The signed-in session if it may do `action` now (and marks activity),
    /// else the refusal in words — logged with `audit_action` when given,
    /// nobody signed in (or a locked session) as much as a role refused.
    pub fn authorize(
        &self,
        action: Action,
        audit_action: Option<AuditAction>,
        now: NaiveDateTime,
    ) -> Result<Session, ApiError> {
        let session = match self.session_now(now) {
            Ok(s) => s,
            Err((refusal, e)) => {
                if let Some(a) = audit_action {
                    self.audit_entry(audit_outcome::entry(
                        now,
                        Who::Named(audit_outcome::NOBODY.into(), None),
                        a,
                        None,
                        &Outcome::NotSignedIn,
                        Some(refusal.message_id().to_string()),
                        None,
                    ));
                }
                return Err(e);
            }
        };
        if let Err(refusal) = madoguchi_core::staff::check(session.role, action) {
            if let Some(a) = audit_action {
                self.audit_as(&session, a, None, Outcome::Denied, Some(refusal.message_id()), now);
            }
            return Err(ApiError::new(refusal.message()));
        }
        if let Some(s) = self.session.lock().unwrap().as_mut() {
            s.touch(now);
        }
        Ok(session)
    }

    /// Whoever is signed in now (any role), else why nobody is: not signed
    /// in, or the session locked for inactivity.
    fn session_now(&self, now: NaiveDateTime) -> Result<Session, (Refusal, ApiError)> {
        let was_signed_in = self.session.lock().unwrap().is_some();
        self.current_session(now).ok_or_else(|| {
            let refusal = if was_signed_in { Refusal::Locked } else { Refusal::NotSignedIn };
            let e = ApiError::new(refusal.message());
            (refusal, e)
        })
    }

    /// Who may change the settings now: an administrator — or, in training
    /// mode, whoever is at the desk (the trainee included: synthetic people
    /// only, and switching to the clinic's real service or OQS folder is how
    /// a new desk leaves training mode; from then on a person signs in).
    /// Refusals of a signed-in person are logged as `setting_change` `denied`.
    pub fn authorize_settings(&self, now: NaiveDateTime) -> Result<Session, ApiError> {
        if self.status().training {
            if let Some(s) = self.current_session(now) {
                return Ok(s);
            }
        }
        self.authorize(Action::ChangeSettings, Some(AuditAction::SettingChange), now)
    }

    /// The store, whose tables hold the staff accounts
    /// (`Store::accounts`, `madoguchi_adapters::accounts::Accounts`). Hold
    /// it for one call only: logging locks it too.
    fn accounts(&self) -> Result<std::sync::MutexGuard<'_, madoguchi_adapters::store::Store>, ApiError> {
        Ok(self.store_handle().lock().unwrap())
    }

}

impl Staff {
    /// Takes over the accounts of an earlier version's plain
    /// `<data dir>/staff.sqlite` (anyone who could write the folder could
    /// edit it): once, while the store has no account yet. An account is
    /// taken over only when the audit log holds its creation entry as the
    /// desk wrote it — `first_administrator` by its own id, or
    /// `created:ID:ROLE`, at the account's creation time —, with an entry
    /// `migrated:ID:ROLE` that seals it; any other row is left out and
    /// logged (`refused:ID`, `staff-migration-not-created`). Then the file
    /// is removed (with its `-wal`/`-shm`) and never read again; a file
    /// found once the store has accounts is removed unread. A file that
    /// cannot be read stays where it is, said in the application log.
    pub fn take_over_staff_file(&self, now: NaiveDateTime) {
        let path = self.ctx.settings().data_dir.join(PLAIN_STAFF_FILE);
        if !path.is_file() {
            return;
        }
        let listed = self.ctx.accounts().map(|store| store.accounts().list());
        let has_accounts = match listed {
            Ok(Ok(list)) => !list.is_empty(),
            Ok(Err(e)) => {
                tracing::error!("staff accounts: {e}");
                return;
            }
            Err(e) => {
                tracing::error!("staff accounts: {:?}", e.message);
                return;
            }
        };
        if !has_accounts {
            let plain = match accounts::read_plain_file(&path) {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!("{} cannot be read, left as it is: {e}", path.display());
                    return;
                }
            };
            let log = self.ctx.audit_entries().unwrap_or_default();
            for p in &plain {
                let a = &p.account;
                let created = log.iter().any(|e| {
                    e.action == AuditAction::StaffChange
                        && e.at == a.created_at
                        && match Outcome::parse(e.action.code(), &e.outcome) {
                            Some(Outcome::FirstAdministrator) => e.staff_id == a.staff_id && a.role == Role::Administrator,
                            Some(Outcome::AccountCreated { staff, role }) => staff == a.staff_id && role == a.role,
                            _ => false,
                        }
                });
                let who = Session::new(&a.staff_id, &a.display_name, a.role, now);
                if !created {
                    tracing::warn!("{}: the account {} has no creation entry in the audit log; not taken over", path.display(), a.staff_id);
                    let why = Outcome::StaffChangeRefused { staff: a.staff_id.clone() };
                    self.ctx.audit_entry(audit_outcome::entry(now, Who::Named(SYSTEM_ID.into(), None), AuditAction::StaffChange, None, &why, Some("staff-migration-not-created".into()), None));
                    continue;
                }
                let entry = staff_entry_for(&who, Outcome::AccountMigrated { staff: a.staff_id.clone(), role: a.role }, now);
                if let Ok(store) = self.ctx.accounts() {
                    entry_error(store.accounts().import_account(p, &entry), &a.staff_id);
                }
            }
        } else {
            tracing::warn!("{} found although the accounts are in the store: removed unread", path.display());
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let f = self.ctx.settings().data_dir.join(format!("{PLAIN_STAFF_FILE}{suffix}"));
            if let Err(e) = std::fs::remove_file(&f) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::error!("{} cannot be removed: {e}", f.display());
                }
            }
        }
    }

    /// True until the first administrator exists (first start outside
    /// training mode asks for one).
    pub fn needs_first_setup(&self) -> Result<bool, ApiError> {
        self.ctx.accounts()?.accounts().needs_first_setup().map_err(|e| ApiError::new(e.message()))
    }

    /// Creates the first administrator (refused once one exists); logged.
    pub fn create_first_administrator(
        &self,
        staff_id: &str,
        display_name: &str,
        password: &str,
        now: NaiveDateTime,
    ) -> Result<SignedIn, ApiError> {
        let session = Session::new(staff_id.trim(), display_name.trim(), Role::Administrator, now);
        let entry = staff_entry_for(&session, Outcome::FirstAdministrator, now);
        self.ctx.accounts()?.accounts().create_first_administrator(staff_id, display_name, password, now, &entry)
            .map_err(|e| ApiError::new(e.message()))?;
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
        let admin = self.ctx.authorize(Action::ManageStaff, Some(AuditAction::StaffChange), now)?;
        let new = accounts::NewAccount { staff_id, display_name, role, password };
        let entry = staff_entry_for(&admin, Outcome::AccountCreated { staff: staff_id.trim().to_string(), role }, now);
        self.ctx.accounts()?.accounts().create_account(&new, now, &entry).map_err(|e| ApiError::new(e.message()))?;
        Ok(())
    }

    /// Signs in with an account's password (lock-out after failed tries is
    /// the accounts module's); success and failure are logged.
    pub fn sign_in(&self, staff_id: &str, password: &str, now: NaiveDateTime) -> Result<SignedIn, ApiError> {
        let verified = self.ctx.accounts()?.accounts().verify_login(staff_id, password, now);
        match verified {
            Ok(session) => {
                let who = signed_in(&session);
                self.sign_in_session(session, now);
                Ok(who)
            }
            Err(e) => {
                self.ctx.audit_entry(audit_outcome::entry(
                    now,
                    Who::Named(staff_id.trim().to_string(), None),
                    AuditAction::LoginFailed,
                    None,
                    &Outcome::LoginFailed((&e).into()),
                    None,
                    None,
                ));
                Err(ApiError::new(e.message()))
            }
        }
    }

}

impl Context {
    /// One audit entry in `session`'s name.
    pub(crate) fn audit_as(
        &self,
        session: &Session,
        action: AuditAction,
        patient_key: Option<String>,
        outcome: Outcome,
        reason: Option<&str>,
        now: NaiveDateTime,
    ) {
        self.audit_entry(audit_outcome::entry(
            now,
            Who::Session(session),
            action,
            patient_key,
            &outcome,
            reason.map(str::to_string),
            None,
        ));
    }
}

/// The earlier versions' plain accounts file in the data folder.
pub const PLAIN_STAFF_FILE: &str = "staff.sqlite";

/// Who the audit log names for what the desk does by itself (taking over
/// an earlier version's accounts).
const SYSTEM_ID: &str = "madoguchi";

/// The audit entry of a change to an account that the accounts module
/// writes (and seals) in the change's own transaction.
fn staff_entry_for(who: &Session, outcome: Outcome, now: NaiveDateTime) -> NewAuditEntry {
    audit_outcome::entry(now, Who::Session(who), AuditAction::StaffChange, None, &outcome, None, None)
}

/// An account not taken over, said in the application log.
fn entry_error<T>(r: Result<T, accounts::AccountError>, staff_id: &str) {
    if let Err(e) = r {
        tracing::error!("the account {staff_id} could not be taken over: {e}");
    }
}

fn list_entry(a: accounts::StaffAccount) -> StaffListEntry {
    StaffListEntry {
        staff_id: a.staff_id,
        display_name: a.display_name,
        role: a.role,
        disabled: a.disabled,
        created_at: a.created_at,
        you: false,
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
