//! Staff accounts on a real SQLite file: first setup, sign-in, lockout,
//! password rules, disabling, and that no password is stored as typed.

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use madoguchi_adapters::accounts::{self, AccountError, NewAccount, PasswordProblem};
use madoguchi_adapters::audit::{AuditAction, NewAuditEntry};
use madoguchi_core::staff::Role;
use rusqlite::Connection;

fn t(h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 1, 6)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

fn open(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    accounts::ensure_schema(&conn).unwrap();
    conn
}

fn db() -> (tempfile::TempDir, PathBuf, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("madoguchi.sqlite3");
    let conn = open(&path);
    (dir, path, conn)
}

/// The audit entry a change to an account goes with (the accounts module
/// seals it and appends it in the change's transaction).
fn entry() -> NewAuditEntry {
    NewAuditEntry {
        at: t(8, 0),
        staff_id: "admin".into(),
        role: Some(Role::Administrator),
        action: AuditAction::StaffChange,
        patient_key: None,
        outcome: madoguchi_adapters::audit::Outcome::Ok,
        reason: None,
        detail: None,
    }
}

fn receptionist<'a>(id: &'a str, password: &'a str) -> NewAccount<'a> {
    NewAccount {
        staff_id: id,
        display_name: "受付 花子",
        role: Role::Receptionist,
        password,
    }
}

#[test]
fn first_setup_happens_once() {
    let (_dir, _path, conn) = db();
    assert!(accounts::needs_first_setup(&conn).unwrap());
    let admin =
        accounts::create_first_administrator(&conn, "admin", "院長 山田", "correct horse", t(8, 0), &entry())
            .unwrap();
    assert_eq!(admin.role, Role::Administrator);
    assert_eq!(admin.created_at, t(8, 0));
    assert!(!accounts::needs_first_setup(&conn).unwrap());

    let again =
        accounts::create_first_administrator(&conn, "intruder", "誰か", "battery staple", t(8, 5), &entry());
    assert!(
        matches!(again, Err(AccountError::AlreadySetUp)),
        "{again:?}"
    );
    assert_eq!(again.unwrap_err().message_id(), "staff-first-setup-done");
    let ids: Vec<String> = accounts::list(&conn)
        .unwrap()
        .into_iter()
        .map(|a| a.staff_id)
        .collect();
    assert_eq!(ids, vec!["admin"]);

    // ensure_schema again (a second start of the app) changes nothing.
    accounts::ensure_schema(&conn).unwrap();
    assert!(!accounts::needs_first_setup(&conn).unwrap());
}

#[test]
fn first_setup_checks_the_password_too() {
    let (_dir, _path, conn) = db();
    let err =
        accounts::create_first_administrator(&conn, "admin", "院長", "short", t(8, 0), &entry()).unwrap_err();
    assert!(
        matches!(
            err,
            AccountError::Password(PasswordProblem::TooShort { min: 8 })
        ),
        "{err:?}"
    );
    assert!(
        accounts::needs_first_setup(&conn).unwrap(),
        "nothing was created"
    );
}

#[test]
fn create_and_sign_in() {
    let (_dir, _path, conn) = db();
    accounts::create_account(&conn, &receptionist("uketsuke1", "sakura-2025"), t(8, 0), &entry()).unwrap();
    let session = accounts::verify_login(&conn, "uketsuke1", "sakura-2025", t(9, 0)).unwrap();
    assert_eq!(session.staff_id, "uketsuke1");
    assert_eq!(session.display_name, "受付 花子");
    assert_eq!(session.role, Role::Receptionist);
    assert_eq!(session.last_activity, t(9, 0));

    let wrong = accounts::verify_login(&conn, "uketsuke1", "sakura-2024", t(9, 1)).unwrap_err();
    assert!(matches!(wrong, AccountError::WrongCredentials), "{wrong:?}");
    // An unknown id answers exactly like a wrong password.
    let unknown = accounts::verify_login(&conn, "nobody", "sakura-2025", t(9, 1)).unwrap_err();
    assert!(
        matches!(unknown, AccountError::WrongCredentials),
        "{unknown:?}"
    );
    assert_eq!(wrong.message_id(), unknown.message_id());

    let dup = accounts::create_account(&conn, &receptionist("uketsuke1", "another-pass"), t(9, 2), &entry())
        .unwrap_err();
    assert!(
        matches!(dup, AccountError::DuplicateId(ref id) if id == "uketsuke1"),
        "{dup:?}"
    );
}

#[test]
fn five_failures_lock_the_account_for_a_while() {
    let (_dir, _path, conn) = db();
    accounts::create_account(&conn, &receptionist("uketsuke1", "sakura-2025"), t(8, 0), &entry()).unwrap();
    for i in 1..=4 {
        let e = accounts::verify_login(&conn, "uketsuke1", "wrong-pass", t(9, i)).unwrap_err();
        assert!(
            matches!(e, AccountError::WrongCredentials),
            "failure {i}: {e:?}"
        );
        assert_eq!(
            accounts::get(&conn, "uketsuke1").unwrap().failed_logins,
            i as i64
        );
    }
    let fifth = accounts::verify_login(&conn, "uketsuke1", "wrong-pass", t(9, 5)).unwrap_err();
    let until = t(9, 5) + Duration::minutes(accounts::LOCKOUT_MINUTES);
    assert!(
        matches!(fifth, AccountError::LockedOut { until: u } if u == until),
        "{fifth:?}"
    );
    assert_eq!(fifth.message().id, "staff-login-locked-out");
    assert_eq!(
        fifth.message().args,
        vec![("until".to_string(), "9:20".to_string())]
    );

    // While locked, even the right password is refused (and not checked).
    let locked = accounts::verify_login(&conn, "uketsuke1", "sakura-2025", t(9, 10)).unwrap_err();
    assert!(
        matches!(locked, AccountError::LockedOut { .. }),
        "{locked:?}"
    );
    assert!(accounts::get(&conn, "uketsuke1")
        .unwrap()
        .is_locked_out(t(9, 10)));

    // After the lock, the right password works and the count starts again.
    let session = accounts::verify_login(&conn, "uketsuke1", "sakura-2025", until).unwrap();
    assert_eq!(session.staff_id, "uketsuke1");
    let account = accounts::get(&conn, "uketsuke1").unwrap();
    assert_eq!((account.failed_logins, account.locked_until), (0, None));
}

#[test]
fn a_success_resets_the_failure_count() {
    let (_dir, _path, conn) = db();
    accounts::create_account(&conn, &receptionist("uketsuke1", "sakura-2025"), t(8, 0), &entry()).unwrap();
    for i in 0..4 {
        accounts::verify_login(&conn, "uketsuke1", "wrong-pass", t(9, i)).unwrap_err();
    }
    accounts::verify_login(&conn, "uketsuke1", "sakura-2025", t(9, 10)).unwrap();
    for i in 0..4 {
        let e = accounts::verify_login(&conn, "uketsuke1", "wrong-pass", t(9, 20 + i)).unwrap_err();
        assert!(matches!(e, AccountError::WrongCredentials), "{e:?}");
    }
}

#[test]
fn passwords_are_never_stored_as_typed() {
    let (dir, path, conn) = db();
    let ascii = "Tr0ub4dor&3-unique";
    let japanese = "窓口のひみつパスワード";
    accounts::create_first_administrator(&conn, "admin", "院長", ascii, t(8, 0), &entry()).unwrap();
    accounts::create_account(&conn, &receptionist("uketsuke1", japanese), t(8, 1), &entry()).unwrap();
    accounts::verify_login(&conn, "uketsuke1", japanese, t(9, 0)).unwrap();
    let changed = "新しい合言葉-2025";
    accounts::change_password(&conn, "admin", ascii, changed, t(9, 1), &entry()).unwrap();
    drop(conn);

    // Every file SQLite left in the folder (database, journal, WAL).
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(!bytes.is_empty());
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    for password in [ascii, japanese, changed] {
        assert!(
            !contains(password.as_bytes()),
            "{password:?} found in the database file"
        );
    }
    assert!(contains(b"$argon2id$"), "argon2id PHC strings are stored");

    // The stored hashes are salted: the same password twice gives two hashes.
    let conn = open(&path);
    accounts::create_account(&conn, &receptionist("uketsuke2", japanese), t(9, 2), &entry()).unwrap();
    let hashes: Vec<String> = conn
        .prepare(
            "SELECT password_hash FROM staff_accounts WHERE staff_id IN ('uketsuke1', 'uketsuke2')",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(hashes.len(), 2);
    assert_ne!(hashes[0], hashes[1]);
    assert!(hashes.iter().all(|h| h.starts_with("$argon2id$v=19$")));
}

#[test]
fn password_rules() {
    use PasswordProblem::*;
    assert_eq!(
        accounts::check_password("sato", "1234567"),
        Err(TooShort { min: 8 })
    );
    assert_eq!(accounts::check_password("sato", "12345678"), Ok(()));
    // Characters, not bytes: seven kanji are 21 bytes but still too short.
    assert_eq!(
        accounts::check_password("sato", "窓口窓口窓口窓"),
        Err(TooShort { min: 8 })
    );
    assert_eq!(accounts::check_password("sato", "窓口窓口窓口窓口"), Ok(()));
    assert_eq!(
        accounts::check_password("longname", "longname"),
        Err(SameAsStaffId)
    );
    assert_eq!(accounts::check_password("sato", "          "), Err(Blank));
    assert_eq!(
        accounts::check_password("sato", &"a".repeat(257)),
        Err(TooLong { max: 256 })
    );
    assert_eq!(TooShort { min: 8 }.message().id, "staff-password-too-short");
    assert_eq!(
        TooShort { min: 8 }.message().args,
        vec![("min".to_string(), "8".to_string())]
    );

    let (_dir, _path, conn) = db();
    let e = accounts::create_account(&conn, &receptionist("bad id", "sakura-2025"), t(8, 0), &entry())
        .unwrap_err();
    assert!(matches!(e, AccountError::InvalidStaffId), "{e:?}");
    let e = accounts::create_account(
        &conn,
        &NewAccount {
            staff_id: "x",
            display_name: " ",
            role: Role::Qualified,
            password: "sakura-2025",
        },
        t(8, 0), &entry()
    )
    .unwrap_err();
    assert!(matches!(e, AccountError::MissingDisplayName), "{e:?}");
}

#[test]
fn change_and_reset_password() {
    let (_dir, _path, conn) = db();
    accounts::create_account(&conn, &receptionist("uketsuke1", "sakura-2025"), t(8, 0), &entry()).unwrap();
    let e = accounts::change_password(
        &conn,
        "uketsuke1",
        "not-the-password",
        "momiji-2025",
        t(9, 0), &entry()
    )
    .unwrap_err();
    assert!(matches!(e, AccountError::WrongCredentials), "{e:?}");
    let e =
        accounts::change_password(&conn, "uketsuke1", "sakura-2025", "short", t(9, 0), &entry()).unwrap_err();
    assert!(
        matches!(e, AccountError::Password(PasswordProblem::TooShort { .. })),
        "{e:?}"
    );
    accounts::change_password(&conn, "uketsuke1", "sakura-2025", "momiji-2025", t(9, 1), &entry()).unwrap();
    assert!(accounts::verify_login(&conn, "uketsuke1", "sakura-2025", t(9, 2)).is_err());
    accounts::verify_login(&conn, "uketsuke1", "momiji-2025", t(9, 3)).unwrap();
    assert_eq!(
        accounts::get(&conn, "uketsuke1")
            .unwrap()
            .password_changed_at,
        t(9, 1)
    );

    // An administrator's reset lifts a lockout.
    for i in 0..5 {
        accounts::verify_login(&conn, "uketsuke1", "wrong-pass", t(10, i)).unwrap_err();
    }
    assert!(accounts::get(&conn, "uketsuke1")
        .unwrap()
        .is_locked_out(t(10, 6)));
    accounts::reset_password(&conn, "uketsuke1", "kaede-2025", t(10, 6), &entry()).unwrap();
    accounts::verify_login(&conn, "uketsuke1", "kaede-2025", t(10, 7)).unwrap();
    let e = accounts::reset_password(&conn, "nobody", "kaede-2025", t(10, 8), &entry()).unwrap_err();
    assert!(matches!(e, AccountError::UnknownStaff(_)), "{e:?}");
}

#[test]
fn disabling_accounts() {
    let (_dir, _path, conn) = db();
    accounts::create_first_administrator(&conn, "admin", "院長", "correct horse", t(8, 0), &entry()).unwrap();
    accounts::create_account(
        &conn,
        &NewAccount {
            staff_id: "dr-sato",
            display_name: "佐藤 医師",
            role: Role::Qualified,
            password: "sakura-2025",
        },
        t(8, 1), &entry()
    )
    .unwrap();
    accounts::disable(&conn, "dr-sato").unwrap();
    let e = accounts::verify_login(&conn, "dr-sato", "sakura-2025", t(9, 0)).unwrap_err();
    assert!(matches!(e, AccountError::Disabled), "{e:?}");
    // A wrong password on a disabled account says nothing about it.
    let e = accounts::verify_login(&conn, "dr-sato", "wrong-pass", t(9, 0)).unwrap_err();
    assert!(matches!(e, AccountError::WrongCredentials), "{e:?}");
    accounts::enable(&conn, "dr-sato").unwrap();
    accounts::verify_login(&conn, "dr-sato", "sakura-2025", t(9, 1)).unwrap();

    // The last active administrator stays.
    let e = accounts::disable(&conn, "admin").unwrap_err();
    assert!(matches!(e, AccountError::LastAdministrator), "{e:?}");
    accounts::create_account(
        &conn,
        &NewAccount {
            staff_id: "jimucho",
            display_name: "事務長",
            role: Role::Administrator,
            password: "momiji-2025",
        },
        t(9, 2), &entry()
    )
    .unwrap();
    accounts::disable(&conn, "admin").unwrap();
    assert!(
        !accounts::needs_first_setup(&conn).unwrap(),
        "a disabled administrator does not reopen first setup"
    );
    let listed: Vec<(String, bool)> = accounts::list(&conn)
        .unwrap()
        .into_iter()
        .map(|a| (a.staff_id, a.disabled))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("admin".to_string(), true),
            ("dr-sato".to_string(), false),
            ("jimucho".to_string(), false)
        ]
    );
    assert!(matches!(
        accounts::disable(&conn, "nobody"),
        Err(AccountError::UnknownStaff(_))
    ));
}

#[test]
fn two_windows_racing_for_first_setup_make_one_administrator() {
    let (_dir, path, conn) = db();
    drop(conn);
    let handles: Vec<_> = (0..2)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let conn = open(&path);
                accounts::create_first_administrator(
                    &conn,
                    &format!("admin{i}"),
                    "院長",
                    "correct horse",
                    t(8, 0), &entry()
                )
                .is_ok()
            })
        })
        .collect();
    let created = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|&ok| ok)
        .count();
    assert_eq!(created, 1);
    let conn = open(&path);
    assert_eq!(accounts::list(&conn).unwrap().len(), 1);
}

/// Every message id the accounts module can answer with exists in both
/// languages (read from `locales/*/staff.ftl`).
#[test]
fn every_message_id_is_in_both_languages() {
    let ids = [
        AccountError::Sql(rusqlite::Error::InvalidQuery).message_id(),
        AccountError::Hash(String::new()).message_id(),
        AccountError::Corrupt(String::new()).message_id(),
        AccountError::WrongCredentials.message_id(),
        AccountError::LockedOut { until: t(9, 0) }.message_id(),
        AccountError::Disabled.message_id(),
        AccountError::AlreadySetUp.message_id(),
        AccountError::DuplicateId(String::new()).message_id(),
        AccountError::UnknownStaff(String::new()).message_id(),
        AccountError::LastAdministrator.message_id(),
        AccountError::InvalidStaffId.message_id(),
        AccountError::MissingDisplayName.message_id(),
        PasswordProblem::TooShort { min: 8 }.message_id(),
        PasswordProblem::TooLong { max: 256 }.message_id(),
        PasswordProblem::SameAsStaffId.message_id(),
        PasswordProblem::Blank.message_id(),
    ];
    let locales = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales");
    for lang in ["ja", "en"] {
        let ftl = std::fs::read_to_string(locales.join(lang).join("staff.ftl")).unwrap();
        for id in ids {
            assert!(
                ftl.lines().any(|l| l.starts_with(&format!("{id} ="))),
                "{id} missing in {lang}/staff.ftl"
            );
        }
    }
}

#[test]
fn a_row_written_past_the_module_does_not_sign_in() {
    let (_dir, _path, conn) = db();
    accounts::create_account(&conn, &receptionist("uketsuke1", "sakura-2025"), t(8, 0), &entry()).unwrap();
    let hash: String = conn
        .query_row("SELECT password_hash FROM staff_accounts WHERE staff_id = 'uketsuke1'", [], |r| r.get(0))
        .unwrap();
    // A row with a known password's hash, written with SQL: no creation entry.
    conn.execute(
        "INSERT INTO staff_accounts (staff_id, display_name, role, password_hash, created_at, password_changed_at)
         VALUES ('mallory', '侵入者', 'administrator', ?1, '2025-01-06T08:00:00.000000000', '2025-01-06T08:00:00.000000000')",
        [&hash],
    )
    .unwrap();
    let e = accounts::verify_login(&conn, "mallory", "sakura-2025", t(9, 0)).unwrap_err();
    assert!(matches!(e, AccountError::NotCreated(ref id) if id == "mallory"), "{e:?}");
    // The account made through the module, its role changed with SQL.
    conn.execute("UPDATE staff_accounts SET role = 'administrator' WHERE staff_id = 'uketsuke1'", []).unwrap();
    let e = accounts::verify_login(&conn, "uketsuke1", "sakura-2025", t(9, 1)).unwrap_err();
    assert!(matches!(e, AccountError::NotCreated(_)), "{e:?}");
    conn.execute("UPDATE staff_accounts SET role = 'receptionist' WHERE staff_id = 'uketsuke1'", []).unwrap();
    accounts::verify_login(&conn, "uketsuke1", "sakura-2025", t(9, 2)).unwrap();
    // Its password hash replaced: the row is no longer what the log sealed.
    accounts::create_account(&conn, &receptionist("other", "momiji-2025"), t(8, 1), &entry()).unwrap();
    let other: String = conn.query_row("SELECT password_hash FROM staff_accounts WHERE staff_id = 'other'", [], |r| r.get(0)).unwrap();
    conn.execute("UPDATE staff_accounts SET password_hash = ?1 WHERE staff_id = 'uketsuke1'", [&other]).unwrap();
    let e = accounts::verify_login(&conn, "uketsuke1", "momiji-2025", t(9, 3)).unwrap_err();
    assert!(matches!(e, AccountError::Altered(_)), "{e:?}");
    // A password change through the module is sealed: it signs in.
    accounts::reset_password(&conn, "uketsuke1", "kaede-2025", t(9, 4), &entry()).unwrap();
    accounts::verify_login(&conn, "uketsuke1", "kaede-2025", t(9, 5)).unwrap();
}
