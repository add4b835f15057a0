//! `madoguchi backup`, `restore`, `backup verify` and `cache stats`, run as
//! the real binary on a real data folder, with checks made against the real
//! training service.

mod common;

use std::path::Path;
use std::process::{Command, Output};

const PASS: &str = "sakura-2026-窓口";

fn madoguchi(data: &Path, pass: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(common::madoguchi_bin());
    cmd.args(args)
        .env("MADOGUCHI_DATA_DIR", data)
        .env("MADOGUCHI_SETTINGS", data.join("none.json"))
        .env_remove("MADOGUCHI_SERVICE_URL")
        .env_remove("MADOGUCHI_LANG")
        .env_remove("MADOGUCHI_BACKUP_PASSPHRASE");
    if let Some(p) = pass {
        cmd.env("MADOGUCHI_BACKUP_PASSPHRASE", p);
    }
    cmd.output().expect("madoguchi runs")
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "exit {:?}\nstdout: {}\nstderr: {}", out.status.code(), String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn check(data: &Path, service: &str, p: &common::Sample) -> Output {
    madoguchi(
        data,
        None,
        &[
            "check", "--service", service, "--insurer", &p.insurer_number, "--symbol", &p.symbol, "--number", &p.number,
            "--branch", &p.branch, "--birth", &p.birth_date,
        ],
    )
}

fn stats(data: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(&madoguchi(data, None, &["cache", "stats", "--json"]))).unwrap()
}

/// Every row of the tables the desk keeps, as text, to compare two stores.
/// `file` is a database of the data folder `data`, opened with the folder's
/// key from the keyring (the files are encrypted).
fn rows(data: &Path, file: &str) -> Vec<String> {
    let settings = madoguchi_app::settings::Settings { data_dir: data.to_path_buf(), ..Default::default() };
    let keys = madoguchi_app::storage::key_store(&settings).unwrap();
    let conn = madoguchi_adapters::store::raw_connection(&data.join(file), &keys).unwrap();
    let mut out = Vec::new();
    for table in ["checks", "queued_checks", "medical_cache", "audit_log"] {
        let exists: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))
            .unwrap();
        if exists == 0 {
            continue;
        }
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY rowid")).unwrap();
        let n = stmt.column_count();
        let mut q = stmt.query([]).unwrap();
        while let Some(r) = q.next().unwrap() {
            let cells: Vec<String> = (0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect();
            out.push(format!("{table}: {}", cells.join(" | ")));
        }
    }
    out
}

/// As a new machine: the database gone, and its key with it (the keyring
/// entry and the folder's key id).
fn wipe(data: &Path) {
    madoguchi_app::storage::forget_key(data);
    for f in ["madoguchi.sqlite", "madoguchi.sqlite-wal", "madoguchi.sqlite-shm", "key-id"] {
        let _ = std::fs::remove_file(data.join(f));
    }
}

/// Two people checked, one check deferred during an outage.
fn a_day_at_the_desk(data: &Path) -> common::TrainingService {
    let service = common::TrainingService::start(1_000, 31);
    let people = service.sample(2);
    ok(&check(data, &service.url, &people[0]));
    ok(&check(data, &service.url, &people[1]));
    // A service that refuses connections: the cached answer is shown, a re-check queued.
    let offline = check(data, &common::refused_url(), &people[0]);
    ok(&offline);
    assert!(stderr(&offline).contains("本日は未確認"), "{}", stderr(&offline));
    service
}

#[test]
fn backup_wipe_restore_gives_the_same_data() {
    let data = common::data_dir();
    let media = common::data_dir();
    let service = a_day_at_the_desk(data.path());
    let before = stats(data.path());
    assert_eq!(before["checks"], 2, "{before}");
    assert_eq!(before["queue_length"], 1, "{before}");
    assert!(before["oldest"].is_string(), "{before}");
    let before_rows = rows(data.path(), "madoguchi.sqlite");
    assert!(before_rows.iter().any(|r| r.starts_with("queued_checks:")));

    let file = media.path().join("madoguchi.backup");
    let written = ok(&madoguchi(data.path(), Some(PASS), &["backup", "--out", file.to_str().unwrap()]));
    assert!(written.contains("バックアップを書き込みました"), "{written}");
    // The backup is encrypted: no name or card number in it as text, nor
    // anything of an SQLite file (its header, its schema).
    let bytes = std::fs::read(&file).unwrap();
    let holds = |text: &str| bytes.windows(text.len()).any(|w| w == text.as_bytes());
    // The two people of the day (the same sample `a_day_at_the_desk` checked).
    for p in &service.sample(2) {
        for text in [p.name.as_str(), p.name_kana.as_str(), p.insurer_number.as_str()] {
            assert!(!holds(text), "{text:?} is in the backup as text");
        }
    }
    for text in ["SQLite format 3", "CREATE TABLE"] {
        assert!(!holds(text), "{text:?} is in the backup as text");
    }
    let verified = ok(&madoguchi(data.path(), Some(PASS), &["backup", "verify", file.to_str().unwrap()]));
    assert!(verified.contains("確認記録 2 件"), "{verified}");

    wipe(data.path());
    let empty = stats(data.path());
    assert_eq!((empty["checks"].as_i64(), empty["queue_length"].as_i64()), (Some(0), Some(0)));
    assert!(!data.path().join("madoguchi.sqlite").exists(), "asking for stats creates nothing");

    let restored = ok(&madoguchi(data.path(), Some(PASS), &["restore", file.to_str().unwrap()]));
    assert!(restored.contains("復元しました"), "{restored}");
    assert_eq!(stats(data.path()), before);
    // Everything as it was; the audit log as it was, then the backup's own
    // entry (which the backup holds) and the restore's.
    let after_rows = rows(data.path(), "madoguchi.sqlite");
    let split = |rs: &[String]| -> (Vec<String>, Vec<String>) { rs.iter().cloned().partition(|r| r.starts_with("audit_log:")) };
    let ((audit_before, rest_before), (audit_after, rest_after)) = (split(&before_rows), split(&after_rows));
    assert_eq!(rest_after, rest_before);
    assert_eq!(audit_after.len(), audit_before.len() + 2, "{audit_after:#?}");
    assert_eq!(audit_after[..audit_before.len()], audit_before[..]);
    let csv = ok(&madoguchi(data.path(), None, &["audit", "export"]));
    let tail: Vec<&str> = csv.lines().rev().take(2).collect();
    assert!(tail[1].contains(",backup,") && tail[1].contains(",written,"), "{csv}");
    assert!(tail[0].contains(",restore,") && tail[0].contains(",restored:"), "{csv}");
    // The restored audit log's chain is whole, here on the "new machine" too.
    ok(&madoguchi(data.path(), None, &["audit", "verify"]));
}

#[test]
fn restore_never_replaces_data_silently() {
    let data = common::data_dir();
    let media = common::data_dir();
    let service = a_day_at_the_desk(data.path());
    let file = media.path().join("monday.backup");
    ok(&madoguchi(data.path(), Some(PASS), &["backup", "--out", file.to_str().unwrap()]));
    let at_backup = stats(data.path());
    // The day goes on: one more check after the backup.
    ok(&check(data.path(), &service.url, &service.sample(3)[2]));
    let now = stats(data.path());
    assert_eq!(now["checks"], 3);
    let now_rows = rows(data.path(), "madoguchi.sqlite");

    let refused = madoguchi(data.path(), Some(PASS), &["restore", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let err = stderr(&refused);
    assert!(err.contains("確認記録 3 件"), "says what it would replace: {err}");
    assert!(err.contains("確認記録 2 件"), "and by what: {err}");
    assert!(err.contains("--replace"), "{err}");
    assert!(err.contains("何も変更していません"), "{err}");
    assert_eq!(rows(data.path(), "madoguchi.sqlite"), now_rows, "nothing changed");

    // In English too.
    let en = madoguchi(data.path(), Some(PASS), &["--lang", "en", "restore", file.to_str().unwrap()]);
    assert_eq!(en.status.code(), Some(2));
    assert!(stderr(&en).contains("Restoring replaces it"), "{}", stderr(&en));

    let replaced = ok(&madoguchi(data.path(), Some(PASS), &["restore", "--replace", file.to_str().unwrap()]));
    assert!(replaced.contains("before-restore"), "{replaced}");
    assert_eq!(stats(data.path()), at_backup);
    // What it replaced is kept, whole.
    assert_eq!(rows(data.path(), "madoguchi.sqlite.before-restore"), now_rows);

    // A backup is never written over another file.
    let again = madoguchi(data.path(), Some(PASS), &["backup", "--out", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("すでにあります"), "{}", stderr(&again));
}

#[test]
fn a_wrong_passphrase_and_a_damaged_file_are_told_apart_and_change_nothing() {
    let data = common::data_dir();
    let media = common::data_dir();
    let _service = a_day_at_the_desk(data.path());
    let file = media.path().join("madoguchi.backup");
    ok(&madoguchi(data.path(), Some(PASS), &["backup", "--out", file.to_str().unwrap()]));

    let wrong = madoguchi(data.path(), Some("not-the-passphrase"), &["backup", "verify", file.to_str().unwrap()]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(stderr(&wrong).contains("パスフレーズが違います"), "{}", stderr(&wrong));
    let wrong_en = madoguchi(data.path(), Some("not-the-passphrase"), &["--lang", "en", "backup", "verify", file.to_str().unwrap()]);
    assert!(stderr(&wrong_en).contains("recovery passphrase is not right"), "{}", stderr(&wrong_en));

    // One flipped byte in the middle of the file.
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    let damaged = media.path().join("damaged.backup");
    std::fs::write(&damaged, &bytes).unwrap();
    let out = madoguchi(data.path(), Some(PASS), &["backup", "verify", damaged.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("壊れている"), "{}", stderr(&out));
    let out_en = madoguchi(data.path(), Some(PASS), &["--lang", "en", "backup", "verify", damaged.to_str().unwrap()]);
    assert!(stderr(&out_en).contains("damaged or incomplete"), "{}", stderr(&out_en));

    // Restoring either onto an empty data folder changes nothing.
    let fresh = common::data_dir();
    for (pass, f) in [("not-the-passphrase", &file), (PASS, &damaged)] {
        let out = madoguchi(fresh.path(), Some(pass), &["restore", f.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(!fresh.path().join("madoguchi.sqlite").exists());
    }
    // The good file still restores.
    ok(&madoguchi(fresh.path(), Some(PASS), &["restore", file.to_str().unwrap()]));
    assert_eq!(stats(fresh.path())["checks"], 2);
}

#[test]
fn without_a_terminal_or_the_variable_nothing_is_done() {
    let data = common::data_dir();
    let media = common::data_dir();
    let _service = a_day_at_the_desk(data.path());
    let file = media.path().join("x.backup");
    let out = madoguchi(data.path(), None, &["backup", "--out", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("MADOGUCHI_BACKUP_PASSPHRASE"), "{}", stderr(&out));
    assert!(!file.exists());
    // A short passphrase is refused before anything is written.
    let short = madoguchi(data.path(), Some("abc"), &["backup", "--out", file.to_str().unwrap()]);
    assert_eq!(short.status.code(), Some(2));
    assert!(stderr(&short).contains("8文字以上"), "{}", stderr(&short));
    assert!(!file.exists());
    // Stats for people, in both languages.
    let ja = ok(&madoguchi(data.path(), None, &["cache", "stats"]));
    assert!(ja.contains("確認記録：2 件") && ja.contains("再確認待ち：1 件"), "{ja}");
    let en = ok(&madoguchi(data.path(), None, &["--lang", "en", "cache", "stats"]));
    assert!(en.contains("Check records: 2") && en.contains("Checks waiting: 1"), "{en}");
}
