# Staff accounts, permissions and the audit log.
# Messages come from madoguchi-core `staff::Refusal::message`, and from
# madoguchi-adapters `accounts::AccountError::message`,
# `accounts::PasswordProblem::message` and `audit::AuditError::message`.
# Arguments:
#   $role     receptionist | qualified | administrator
#   $action   check_eligibility | view_medical | print_medical | disaster_lookup |
#             declare_local_emergency | manage_staff | view_audit | export_audit |
#             change_settings
#   $until    ("15:42") the end of a sign-in lockout
#   $staff    a staff id
#   $min, $max (numbers) password length
#   $seq (number), $kind (edited | deleted | reordered | inserted | head | seal_mismatch)
#   $stored, $given  (sha256 | hmac-sha256) how the audit log is sealed
#   $detail   technical detail

## Roles

staff-role-receptionist = Reception
staff-role-qualified = Qualified (doctor, dentist, pharmacist …)
staff-role-administrator = Administrator

## Refusals

staff-refused-not-signed-in = Please sign in.
staff-refused-locked = The screen was locked after a period without activity. Please sign in again.
staff-refused =
    { $role ->
        [receptionist] Reception staff
        [qualified] Qualified staff
       *[administrator] Administrators
    } cannot { $action ->
        [check_eligibility] check eligibility
        [view_medical] view medical information
        [print_medical] print medical information
        [disaster_lookup] look up patients in disaster mode
        [declare_local_emergency] switch to emergency operation
        [manage_staff] manage staff accounts
        [view_audit] view the audit log
        [export_audit] export the audit log
       *[change_settings] change settings
    }. Please ask a member of staff who may.

## Sign-in

staff-login-wrong = Wrong staff ID or password.
staff-login-locked-out = Too many failed sign-ins: this account is locked until { $until }. If it is urgent, ask an administrator to reset the password.
staff-login-disabled = This account is disabled. Please contact an administrator.
staff-login-not-created = The account “{ $staff }” cannot sign in: the audit log has no entry of its creation (it may have been written outside the desk). Please contact an administrator.
staff-login-altered = The account “{ $staff }” cannot sign in: it differs from what the audit log recorded (it may have been changed outside the desk). Please contact an administrator.
staff-migration-not-created = Staff accounts of an earlier version with no creation entry in the audit log were not moved.

## Accounts

staff-first-setup-done = The first administrator has already been created. Administrators add further accounts.
staff-account-exists = The staff ID "{ $staff }" is already taken. Please choose another.
staff-account-unknown = There is no account with the staff ID "{ $staff }".
staff-last-administrator = This is the only active administrator, so the account cannot be disabled. Create another administrator first.
staff-cannot-disable-self = You cannot disable the account you are signed in with. Ask another administrator.
staff-invalid-id = A staff ID is 1 to 64 characters without spaces.
staff-missing-display-name = Please enter a display name.
staff-error-database = Error in the staff account storage ({ $detail }).
staff-error-hash = The password could not be processed ({ $detail }).
staff-error-corrupt = A stored staff account cannot be read ({ $detail }).
staff-error-audit = The staff account was not changed: the audit log could not record it ({ $detail }).

## Passwords

staff-password-too-short = A password needs at least { $min } characters. A few words you remember easily make a good one.
staff-password-too-long = A password can have at most { $max } characters.
staff-password-same-as-id = The password cannot be the staff ID.
staff-password-blank = A password cannot be only spaces.

## Audit log

audit-chain-broken =
    The audit log may have been tampered with: entry { $seq } { $kind ->
        [edited] was altered
        [deleted] is missing
        [reordered] is out of order
        [inserted] was never recorded (inserted)
        [head] ends the log, but the log's stored end does not match
        [rolled_back] and those after it are gone (fewer entries than the anchor outside the database saw: the log was wiped or an older copy put back)
        [anchor] does not match the anchor outside the database (a rewritten log put in its place, or the anchor removed or forged)
        [tables_missing] onwards: the audit log's tables themselves were removed (not made anew)
       *[seal_mismatch] ends the log, but the log was protected another way (key)
    }. Please contact an administrator and compare with the backups.
audit-seal-mismatch = The audit log is protected differently (recorded: { $stored }, requested: { $given }). Please check the key settings.
audit-no-head = The end marker of the audit log is missing; the log may have been deleted. Please contact an administrator.
audit-error-database = Error in the audit log storage ({ $detail }).
audit-error-corrupt = A stored audit entry cannot be read ({ $detail }).

## Account forms (first start, adding staff)

staff-form-invalid = Please check what you entered.
staff-password-missing = Enter a password.
staff-password-confirm-missing = Enter the same password a second time, to confirm it.
staff-password-mismatch = The two passwords differ. Type the same password twice.

## Changing one's own password

staff-password-current-missing = Enter your current password.
staff-password-current-wrong = The current password is wrong. Further mistakes lock the account.
staff-password-same-as-current = The new password is the current one. Choose another.
staff-password-change-locked-out = The current password was wrong too many times: the account is locked until { $until } and you have been signed out. If it is urgent, ask an administrator to reset the password.
staff-password-change-trainee = The training account has no password. Sign in with your own account to change yours.

## Audit viewer

audit-filter-invalid = Please check the filters.
audit-filter-date-invalid = “{ $input }” is not a date. Type it like 2026-11-20, 20261120 or R8.11.20.
audit-filter-period-reversed = The period ends before it starts.
audit-filter-result-unknown = There is no kind of result “{ $input }”. Choose one from the list.
audit-filter-action-unknown = There is no action “{ $input }”. Choose one from the list.
audit-export-failed = The audit log CSV could not be written ({ $path }: { $detail }).

## Screens (ui/src/staff.rs)

staff-first-start-heading = First start: register the administrator
staff-first-start-explain = This computer has no staff accounts yet. Register the administrator first; the administrator then adds the accounts of reception and qualified staff.
staff-field-display-name = Name (as shown)
staff-field-id = Staff ID
staff-field-password = Password
staff-field-confirm = Password (again, to confirm)
staff-field-role = Role
staff-first-start-submit = Register the administrator and sign in
staff-back-to-trainee = Back to the training account
staff-sign-in-heading = Sign in
staff-sign-in = Sign in
staff-sign-out = Sign out
staff-other-account = Sign in with another account
staff-open = Staff
staff-panel-heading = Staff accounts
staff-disabled = disabled
staff-add-heading = Add an account
staff-add-submit = Add
staff-added = The account “{ $staff }” was added.
staff-you = (you)
staff-active = active
staff-col-state = State
staff-disable = Disable
staff-enable = Enable
staff-reset-password = Reset password
staff-disabled-done = The account “{ $staff }” was disabled. It can no longer sign in.
staff-enabled-done = The account “{ $staff }” was enabled.
staff-reset-heading = New password for { $staff }
staff-reset-explain = Type the new password twice (the same rules as for a new account). A locked account is unlocked as well. Tell the new password to the person directly.
staff-reset-submit = Set the new password
staff-reset-cancel = Cancel
staff-reset-done = The password of “{ $staff }” was reset.
staff-change-password = Change password
staff-change-password-heading = Change the password of { $staff }
staff-change-password-explain = Type your current password, then the new one twice (the same rules as for a new account; not your staff ID).
staff-field-current-password = Current password
staff-field-new-password = New password
staff-field-new-confirm = New password (again, to confirm)
staff-change-password-submit = Change the password
staff-change-password-done = Your password was changed. Use the new one from your next sign-in.

## Local emergency (ui/src/staff.rs)

emergency-open = Local emergency
emergency-badge = Local emergency
emergency-heading = Local emergency (emergency operation)
emergency-explain = While it is declared and the service cannot be reached, disaster look-ups use the eligibility stored on this computer. Declaring and ending are recorded in the audit log with the reason, who and when.
emergency-reason = Reason (e.g. power cut, line down)
emergency-declare = Declare a local emergency
emergency-end = End the local emergency
emergency-in-force = A local emergency is declared ({ $at }, { $staff }, reason: { $reason }). While the service cannot be reached, look-ups use what this computer stores.

## Audit viewer (ui/src/audit.rs)

audit-open = Audit log
audit-heading = Audit log
audit-chain-intact = No tampering detected ({ $entries } entries, last entry { $seq }).
audit-filter-from = From
audit-filter-to = To
audit-filter-staff = Staff ID
audit-filter-action = Action
audit-filter-any = Any
audit-filter-patient = Patient key (insurer:symbol:number:branch)
audit-filter-outcome = Result
audit-search = Filter
audit-export = Export CSV
audit-exported = CSV written ({ $count } entries): { $path }
audit-count = Newest first: { $shown } shown ({ $total } match)
audit-col-at = When
audit-col-staff = Staff
audit-col-action = Action
audit-col-patient = Patient key
audit-col-outcome = Result
audit-col-reason = Reason
audit-action-eligibility_check = Eligibility check
audit-action-medical_view = Medical information viewed
audit-action-print = Print
audit-action-disaster_lookup = Disaster look-up
audit-action-login = Sign-in
audit-action-login_failed = Failed sign-in
audit-action-logout = Sign-out
audit-action-session_locked = Screen locked
audit-action-setting_change = Settings changed
audit-action-local_emergency = Local emergency
audit-action-staff_change = Staff account change
audit-action-audit_view = Audit log viewed
audit-action-audit_export = Audit log exported
audit-action-audit_chain_broken = Audit log tampering detected
audit-action-replay_change_acknowledged = Re-check change acknowledged
audit-action-consent = Consent recorded (disaster mode)
audit-action-backup = Backup written
audit-action-restore = Restored from a backup
audit-action-home-visit-identity = Home visit: identity
audit-action-reference_registration = Reference number registration
audit-action-home-visit-consent = Home visit: consent
audit-action-export = Insurance exported (FHIR …)

# madoguchi staff (the command line)
#   $staff  staff ID   $role  receptionist | qualified | administrator
staff-cli-added = Staff account { $staff } created (role: { $role ->
    [receptionist] receptionist
    [qualified] qualified staff
   *[administrator] administrator
}). This was logged.
staff-cli-unknown-role = There is no role "{ $role }". Use receptionist, qualified or administrator.
