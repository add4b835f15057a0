# The audit log's outcomes in words for administrators (the audit viewer and
# the CSV's outcome_words column). See locales/ja/audit.ftl for the arguments.

audit-outcome-ok = Done
audit-outcome-denied = Refused: role not permitted
audit-outcome-not-signed-in = Refused: nobody signed in (or the session locked)
audit-outcome-locked = Locked after inactivity
audit-outcome-training-ended = Signed out: the desk left training mode
audit-outcome-settings-unchanged = Nothing changed
audit-outcome-validity =
    { $code ->
        [0] Validity not stated (check the card)
        [1] Eligible (valid)
        [2] Not eligible (invalid)
        [3] Not eligible (a newer qualification exists)
        [4] No matching qualification
        [5] Several qualifications match
       *[6] Eligible (valid, unregistered)
    }
audit-outcome-allowed = Allowed ({ $category })
audit-outcome-consent-refused =
    Refused: { $reason ->
        [no_consent] no consent
        [category_not_consented] no consent for this kind of information
        [expired] consent expired
        [not_yet_valid] consent not yet valid
        [wrong_patient] another patient's consent
        [invalid_record] consent record not valid
       *[purpose_not_granted] no consent for this purpose
    } ({ $category })
audit-outcome-operations-withheld =
    Printed without surgery information ({ $reason ->
        [no_consent] no consent
        [category_not_consented] no consent for surgery information
        [expired] consent expired
        [not_yet_valid] consent not yet valid
        [wrong_patient] another patient's consent
        [invalid_record] consent record not valid
       *[purpose_not_granted] no consent to print
    })
audit-outcome-printed =
    Printed: { $kind ->
        [eligibility] eligibility result
        [medication-list] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[access-slip] access record
    }
audit-outcome-not-printed =
    Not printed: { $kind ->
        [eligibility] eligibility result
        [medication-list] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[access-slip] access record
    }
audit-outcome-disaster =
    { $result ->
        [found] One person found
        [not_found] Nobody found
        [ambiguous] Several people match (none identified)
        [refused] Not searched: fields missing
        [refused_online] Refused: the service answers, no local search needed
        [not_open] Disaster mode is not open
        [unavailable] Not available through this connection
        [no_local_emergency] Refused: no local emergency declared
       *[error] Look-up error
    }
audit-outcome-emergency-declared = Declared
audit-outcome-emergency-ended = Ended
audit-outcome-login-failed =
    Failed: { $why ->
        [staff-login-wrong] wrong staff id or password
        [staff-login-locked-out] locked after failed sign-ins
        [staff-login-disabled] account disabled
        [staff-account-unknown] no such account
        [staff-login-not-created] account with no creation entry in the audit log
        [staff-login-altered] account differs from its audit log entries
       *[other] other error
    }
audit-outcome-first-administrator = First administrator registered
audit-outcome-account-created = Account created: { $staff } ({ $role })
audit-outcome-account-migrated = Account of an earlier version moved into the encrypted store: { $staff } ({ $role })
audit-outcome-account-disabled = Account disabled: { $staff }
audit-outcome-account-enabled = Account enabled: { $staff }
audit-outcome-password-reset = Password reset: { $staff }
audit-outcome-password-changed = Password changed by its owner: { $staff }
audit-outcome-staff-change-refused = Not changed: { $staff } (see the reason)
audit-outcome-chain-broken =
    Tampering detected at entry { $seq } ({ $kind ->
        [edited] edited
        [deleted] deleted
        [reordered] reordered
        [inserted] inserted
        [head] end of log does not match
        [rolled_back] fewer entries than the anchor saw (rolled back or wiped)
        [anchor] does not match the anchor outside the database
        [tables_missing] the audit log's tables were removed
       *[seal_mismatch] sealed another way
    })
audit-outcome-reference-registered = Reference number { $reference } registered
audit-outcome-reference-refused = Reference number not registered (see the reason)
audit-outcome-backup-written = Backup written (it holds the log up to this entry)
audit-outcome-backup-failed = Backup could not be written (see the reason)
audit-outcome-restored = Restored from a backup (entries { $from } → { $to })
audit-outcome-restored-rolled-back = Restored from a backup that moved the audit log back (entries { $from } → { $to }; anchor re-based)
audit-outcome-change-acknowledged = Re-check change acknowledged (re-check no. { $queued })
audit-outcome-consent-recorded = Consent recorded ({ $categories })
audit-outcome-consent-no-match = Refused: patient not found by a disaster look-up
audit-outcome-identity =
    Identity confirmed: { $identity ->
        [pin] PIN
        [visual] visual check
        [terminal] qualification terminal
       *[first_visit] at the first visit
    }
audit-outcome-pin-failed =
    Identity not confirmed: { $why ->
        [pin-wrong] wrong PIN
        [pin-locked] PIN locked
       *[pin-refused] PIN could not be checked
    }
audit-outcome-home-visit-first =
    First visit's consent (identity: { $identity ->
        [pin] PIN
        [visual] visual check
        [terminal] qualification terminal
       *[first_visit] at the first visit
    }; { $categories })
audit-outcome-home-visit-reuse = First visit no. { $first }'s consent re-used
audit-outcome-home-visit-reuse-refused =
    Consent not re-used: { $reason ->
        [no_first_visit] no first visit recorded
        [not_confirmed] first visit's check not yet confirmed
        [expired] consent expired
       *[not_yet_valid] consent not yet valid
    }


# The audit viewer's choice of result (`audit_outcome::ResultChoice`); each
# finds exactly the entries it names.
audit-result-denied = Refused (role not permitted)
audit-result-not-signed-in = Refused (nobody signed in)
audit-result-consent-refused = Refused for consent (medical information viewed or printed)
audit-result-allowed = Medical information shown
audit-result-eligible = Check: eligible
audit-result-not-eligible = Check: not eligible, not found or several
audit-result-found = Disaster look-up: one person found
audit-result-not-found = Disaster look-up: nobody found
audit-result-ambiguous = Disaster look-up: several match
audit-result-login-failed = Failed sign-in
audit-result-password-set = Password changed or reset
audit-result-staff-change-refused = Staff account change refused
audit-result-identity-failed = Home visit: identity not confirmed
audit-result-chain-broken = Audit log tampering detected
audit-result-rolled-back = Audit log rolled back by a restore
audit-outcome-exported =
    Exported: { $format ->
       *[fhir] FHIR JP Core (patient, coverage)
    }
