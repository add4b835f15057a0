//! Staff accounts live in the desk's encrypted store, and only accounts the
//! audit log proves sign in: a row planted with a plain SQLite client in an
//! earlier version's `staff.sqlite`, or written with the store's key past
//! the accounts module, never signs in — while the accounts of an earlier
//! version, created at the desk, are taken over and sign in as before.
//! Real files: the desk's SQLCipher store opened with the key from the
//! keyring, and a plain SQLite file as an earlier version left it.

mod common;

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::accounts;
use madoguchi_adapters::audit::{AuditAction, AuditEntry, NewAuditEntry, Outcome};
use madoguchi_app::session::AccountForm;
use madoguchi_core::staff::Role;
use rusqlite::{params, Connection};

const PW: &str = "sakura-no-hana-2026";

fn at(h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(h, m, 0).unwrap()
}

fn account(id: &str, name: &str) -> AccountForm {
    AccountForm { staff_id: id.into(), display_name: name.into(), password: PW.into(), confirm: PW.into() }
}

/// An entry as an earlier version wrote it (no seal in its detail).
fn old_entry(at: NaiveDateTime, by: &str, outcome: &str) -> NewAuditEntry {
    NewAuditEntry {
        at,
        staff_id: by.into(),
        role: Some(Role::Administrator),
        action: AuditAction::StaffChange,
        patient_key: None,
        // The code as the earlier version stored it, read with today's vocabulary.
        outcome: Outcome::read(AuditAction::StaffChange, outcome).unwrap_or_else(|| panic!("a staff change's code: {outcome}")),
        reason: None,
        detail: None,
    }
}

/// Appends an entry to the folder's log as the desk seals it (with the
/// audit anchor's key from the keyring): what the old desk wrote, or what
/// someone holding the OS account can forge.
fn append_as_the_desk(data: &Path, entry: &NewAuditEntry) {
    let settings = madoguchi_app::settings::Settings { data_dir: data.to_path_buf(), ..Default::default() };
    let store = madoguchi_app::storage::open(&settings).unwrap();
    store.audit_append(entry).unwrap();
}

/// The entries of `action` whose outcome is `outcome`.
fn entries<'a>(log: &'a [AuditEntry], action: AuditAction, outcome: &str) -> Vec<&'a AuditEntry> {
    log.iter().filter(|e| e.action == action && e.outcome == outcome).collect()
}

/// A password hash as the accounts module makes it, from an account made
/// through it in a scratch database (a planted row that knows a password).
fn hash_of(password: &str) -> String {
    let conn = Connection::open_in_memory().unwrap();
    accounts::ensure_schema(&conn).unwrap();
    let new = accounts::NewAccount { staff_id: "scratch", display_name: "x", role: Role::Receptionist, password };
    accounts::create_account(&conn, &new, at(0, 0), &old_entry(at(0, 0), "scratch", "first_administrator")).unwrap();
    conn.query_row("SELECT password_hash FROM staff_accounts", [], |r| r.get(0)).unwrap()
}

/// An earlier version's `staff.sqlite`: its table only, in plain SQLite.
fn plain_staff_file(data: &Path) -> Connection {
    let conn = Connection::open(data.join("staff.sqlite")).unwrap();
    conn.execute_batch(accounts::SCHEMA).unwrap();
    conn
}

fn plant(conn: &Connection, id: &str, role: &str, hash: &str, created_at: &str) {
    conn.execute(
        "INSERT INTO staff_accounts (staff_id, display_name, role, password_hash, created_at, password_changed_at)
         VALUES (?1, '侵入者', ?2, ?3, ?4, ?4)",
        params![id, role, hash, created_at],
    )
    .unwrap();
}

#[test]
fn an_earlier_plain_staff_file_is_taken_over_once_and_a_row_planted_in_it_never_signs_in() {
    let data = common::data_dir();
    // An earlier version's data folder: the store with the log of the
    // accounts created at the desk, and the accounts in a plain file.
    drop(common::real_desk(data.path()));
    {
        append_as_the_desk(data.path(), &old_entry(at(8, 0), "kanri", "first_administrator"));
        append_as_the_desk(data.path(), &old_entry(at(8, 1), "kanri", "created:uketsuke:receptionist"));
    }
    let hash = hash_of(PW);
    {
        let file = plain_staff_file(data.path());
        plant(&file, "kanri", "administrator", &hash, "2026-11-20T08:00:00.000000000");
        plant(&file, "uketsuke", "receptionist", &hash, "2026-11-20T08:01:00.000000000");
        // Planted with a plain SQLite client: an administrator nobody created.
        plant(&file, "mallory", "administrator", &hash, "2026-11-20T08:00:00.000000000");
        // An account the log knows, planted with another role.
        plant(&file, "uketsuke2", "administrator", &hash, "2026-11-20T08:01:00.000000000");
    }

    // The next start takes the accounts over and removes the plain file.
    let desk = common::real_desk(data.path());
    assert!(!data.path().join("staff.sqlite").exists(), "the plaintext file is gone");
    let store = std::fs::read(data.path().join("madoguchi.sqlite")).unwrap();
    assert!(!store.windows(9).any(|w| w == b"$argon2id"), "no password hash in clear on disk");
    assert!(!desk.staff.needs_first_setup().unwrap());
    desk.staff.sign_in("kanri", PW, at(9, 0)).unwrap();
    desk.staff.sign_out(at(9, 1));
    desk.staff.sign_in("uketsuke", PW, at(9, 2)).unwrap();
    desk.staff.sign_out(at(9, 3));
    for planted in ["mallory", "uketsuke2"] {
        let e = desk.staff.sign_in(planted, PW, at(9, 4)).unwrap_err();
        assert_eq!(e.message.id, "staff-login-wrong", "{planted} was not taken over");
    }
    let log = desk.context().audit_entries().unwrap();
    assert_eq!(entries(&log, AuditAction::StaffChange, "migrated:kanri:administrator").len(), 1);
    assert_eq!(entries(&log, AuditAction::StaffChange, "migrated:uketsuke:receptionist").len(), 1);
    for planted in ["mallory", "uketsuke2"] {
        let refused = entries(&log, AuditAction::StaffChange, &format!("refused:{planted}"));
        assert_eq!(refused.len(), 1, "{planted}: {log:#?}");
        assert_eq!(refused[0].reason.as_deref(), Some("staff-migration-not-created"));
    }

    // A plain file planted later is never read: removed, its row signs nowhere.
    drop(desk);
    plant(&plain_staff_file(data.path()), "mallory", "administrator", &hash, "2026-11-20T08:00:00.000000000");
    let desk = common::real_desk(data.path());
    assert!(!data.path().join("staff.sqlite").exists());
    assert_eq!(desk.staff.sign_in("mallory", PW, at(10, 0)).unwrap_err().message.id, "staff-login-wrong");
    desk.staff.sign_in("kanri", PW, at(10, 1)).unwrap();
    let ids: Vec<String> = desk.staff.staff_list(at(10, 2)).unwrap().into_iter().map(|e| e.staff_id).collect();
    assert_eq!(ids, ["kanri", "uketsuke"]);
}

#[test]
fn rows_written_with_the_stores_key_past_the_accounts_module_never_sign_in() {
    let data = common::data_dir();
    let desk = common::real_desk(data.path());
    desk.staff.first_start(&account("kanri", "管理 花子"), at(8, 0)).unwrap();
    desk.staff.add_staff(&account("uketsuke", "受付 太郎"), Role::Receptionist, at(8, 1)).unwrap();
    desk.staff.add_staff(&account("kanri2", "管理 次郎"), Role::Administrator, at(8, 2)).unwrap();
    desk.staff.sign_out(at(8, 3));
    drop(desk);
    {
        // Someone with the key from the keyring opens the encrypted store.
        let db = common::desk_db(data.path());
        let hash: String = db.query_row("SELECT password_hash FROM staff_accounts WHERE staff_id = 'kanri'", [], |r| r.get(0)).unwrap();
        // An administrator nobody created.
        plant(&db, "mallory", "administrator", &hash, "2026-11-20T08:05:00.000000000");
        // One with a creation entry forged as earlier versions wrote it
        // (the chain stays whole: appended like any entry).
        plant(&db, "eve", "administrator", &hash, "2026-11-20T08:06:00.000000000");
        append_as_the_desk(data.path(), &old_entry(at(8, 6), "kanri", "created:eve:administrator"));
        // A receptionist made administrator; another administrator's
        // password replaced by one the intruder knows.
        db.execute("UPDATE staff_accounts SET role = 'administrator' WHERE staff_id = 'uketsuke'", []).unwrap();
        let other = hash_of("intruders-own-password");
        db.execute("UPDATE staff_accounts SET password_hash = ?1 WHERE staff_id = 'kanri2'", [other]).unwrap();
    }
    let desk = common::real_desk(data.path());
    for (id, pw, why) in [
        ("mallory", PW, "staff-login-not-created"),
        ("eve", PW, "staff-login-not-created"),
        ("uketsuke", PW, "staff-login-not-created"),
        ("kanri2", "intruders-own-password", "staff-login-altered"),
    ] {
        let e = desk.staff.sign_in(id, pw, at(9, 0)).unwrap_err();
        assert_eq!(e.message.id, why, "{id}");
        assert!(desk.context().signed_in(at(9, 0)).is_none(), "{id}");
        // Said in both languages, naming the account.
        for lang in [madoguchi_i18n::Lang::Ja, madoguchi_i18n::Lang::En] {
            let text = madoguchi_i18n::tr(lang, &e.message.id, &[("staff", id.to_string())]);
            assert!(text.contains(id) && !text.contains(&e.message.id), "{lang:?}: {text}");
        }
    }
    // Every refusal is in the log, with its reason.
    let log = desk.context().audit_entries().unwrap();
    for (id, why) in [("mallory", "staff-login-not-created"), ("eve", "staff-login-not-created"), ("uketsuke", "staff-login-not-created"), ("kanri2", "staff-login-altered")] {
        let failed: Vec<_> = log.iter().filter(|e| e.action == AuditAction::LoginFailed && e.staff_id == id).collect();
        assert_eq!(failed.len(), 1, "{id}");
        assert_eq!(failed[0].outcome, why, "{id}");
    }
    // The accounts made at the desk still sign in; an administrator's
    // reset of the altered password makes it the desk's again.
    desk.staff.sign_in("kanri", PW, at(9, 1)).unwrap();
    let reset = madoguchi_app::session::PasswordResetForm { staff_id: "kanri2".into(), password: "a-new-password-26".into(), confirm: "a-new-password-26".into() };
    desk.staff.reset_staff_password(&reset, at(9, 2)).unwrap();
    desk.staff.sign_out(at(9, 3));
    desk.staff.sign_in("kanri2", "a-new-password-26", at(9, 4)).unwrap();
    let ok = desk.context().audit_verify().unwrap();
    assert!(ok.entries > 0);
}
