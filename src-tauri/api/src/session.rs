//! Staff accounts and the session at the window.

use chrono::NaiveDateTime;
use madoguchi_core::staff::Role;
use serde::{Deserialize, Serialize};

/// Who is signed in, for the window's status line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub staff_id: String,
    pub display_name: String,
    pub role: Role,
    /// The automatic trainee of training mode.
    pub trainee: bool,
}

/// What the window shows: the first-start screen, the sign-in screen or the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffGate {
    /// Still connecting: whether this is training mode is not known yet.
    pub connecting: bool,
    pub training: bool,
    /// No administrator exists yet (outside training mode: the first-start
    /// screen; in training mode signing in with an account offers it).
    pub needs_first_setup: bool,
    pub signed_in: Option<SignedIn>,
    /// The staff id of the session that locked for inactivity, until someone
    /// signs in (the sign-in screen says so and offers the id).
    pub locked: Option<String>,
}

/// A staff account as the administrator's list shows it (never the hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffListEntry {
    pub staff_id: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    /// The account of the administrator who asked (who cannot disable it).
    #[serde(default)]
    pub you: bool,
}

/// A new password for an account, typed twice by an administrator (a
/// forgotten password; the person signs in with it and may change it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordResetForm {
    pub staff_id: String,
    pub password: String,
    /// The password typed a second time.
    pub confirm: String,
}

/// A signed-in person changes their own password: the current one, and the
/// new one typed twice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChangeForm {
    /// The password in use now.
    pub current: String,
    pub password: String,
    /// The new password typed a second time.
    pub confirm: String,
}

/// The fields of a new account as typed (the first administrator, or an
/// account an administrator adds).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountForm {
    pub staff_id: String,
    pub display_name: String,
    pub password: String,
    /// The password typed a second time.
    pub confirm: String,
}
