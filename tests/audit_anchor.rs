//! The audit log against someone who rewrites it: each tampering done the
//! way an attacker with the database key would — the SQLCipher file opened
//! with the key from the keyring through rusqlite, bypassing the adapter,
//! re-chained with plain SHA-256 as the code before the anchor did — and each
//! seen by the real `madoguchi audit verify` and at the desk's start-up.
//! An untouched log keeps passing; a restore that moves the log back says so
//! and is recorded.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use madoguchi_adapters::audit::{self, AuditEntry, AuditFilter, Seal, GENESIS_HASH};
use madoguchi_app::audit_view::ChainState;
use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;

const PASS: &str = "sakura-2026-窓口";

fn madoguchi(data: &Path, args: &[&str]) -> Output {
    Command::new(common::madoguchi_bin())
        .args(args)
        .env("MADOGUCHI_DATA_DIR", data)
        .env("MADOGUCHI_SETTINGS", data.join("none.json"))
        .env("MADOGUCHI_LANG", "en")
        .env("MADOGUCHI_BACKUP_PASSPHRASE", PASS)
        .env_remove("MADOGUCHI_SERVICE_URL")
        .output()
        .expect("madoguchi runs")
}

fn text(out: &Output) -> String {
    format!("exit {:?}\nstdout: {}\nstderr: {}", out.status.code(), String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn check(data: &Path, service: &common::TrainingService, p: &common::Sample) {
    ok(madoguchi(
        data,
        &[
            "check", "--service", &service.url, "--insurer", &p.insurer_number, "--symbol", &p.symbol, "--number", &p.number,
            "--branch", &p.branch, "--birth", &p.birth_date,
        ],
    ));
}

/// Five checks of two patients (A, B, A, B, A) through the CLI: five entries.
fn a_used_desk(data: &Path) -> (common::TrainingService, Vec<common::Sample>) {
    let service = common::TrainingService::start(500, 41);
    let people = service.sample(2);
    for i in 0..5 {
        check(data, &service, &people[i % 2]);
    }
    let verified = ok(madoguchi(data, &["audit", "verify"]));
    assert!(verified.contains("5 entries"), "{verified}");
    (service, people)
}

fn person_key(p: &common::Sample) -> String {
    format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch)
}

/// The desk's database as an attacker opens it: with the key from the
/// keyring, through rusqlite, the append-only triggers dropped.
fn attacker(data: &Path) -> rusqlite::Connection {
    let conn = common::desk_db(data);
    common::drop_triggers(&conn);
    conn
}

/// Back to the state of a new database: no entry, the head at its start.
fn wipe_log(data: &Path) {
    let conn = attacker(data);
    conn.execute("DELETE FROM audit_log", []).unwrap();
    conn.execute("UPDATE audit_head SET last_seq = 0, last_hash = ?1, seal = NULL, head_hash = NULL", [GENESIS_HASH]).unwrap();
}

fn entries(conn: &rusqlite::Connection) -> Vec<AuditEntry> {
    audit::query(conn, &AuditFilter::default()).unwrap()
}

/// Writes `kept` as the whole log, renumbered and re-chained with plain
/// SHA-256 (the published canonical form), and a head sealed the same way
/// under the seal name `seal_name` — everything the code before the anchor
/// checked.
fn rechain_sha256(conn: &rusqlite::Connection, kept: Vec<AuditEntry>, seal_name: &str) {
    conn.execute("DELETE FROM audit_log", []).unwrap();
    let mut prev = GENESIS_HASH.to_string();
    let mut seq = 0;
    for mut e in kept {
        seq += 1;
        e.seq = seq;
        e.prev_hash = prev.clone();
        e.hash = audit::compute_hash(&e, &Seal::Sha256);
        insert(conn, &e);
        prev = e.hash;
    }
    set_head(conn, seq, &prev, seal_name);
}

fn insert(conn: &rusqlite::Connection, e: &AuditEntry) {
    conn.execute(
        "INSERT INTO audit_log (seq, at, staff_id, role, action, patient_key, outcome, reason, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        rusqlite::params![
            e.seq,
            e.at.format("%Y-%m-%dT%H:%M:%S%.9f").to_string(),
            e.staff_id,
            e.role.map(|r| r.code().to_string()),
            e.action.code(),
            e.patient_key,
            e.outcome,
            e.reason,
            e.detail,
            e.prev_hash,
            e.hash
        ],
    )
    .unwrap();
}

fn set_head(conn: &rusqlite::Connection, seq: i64, hash: &str, seal_name: &str) {
    let head_hash = audit::compute_head_hash(seq, hash, &Seal::Sha256);
    let n = conn
        .execute(
            "UPDATE audit_head SET last_seq = ?1, last_hash = ?2, seal = ?3, head_hash = ?4 WHERE id = 1",
            rusqlite::params![seq, hash, seal_name, head_hash],
        )
        .unwrap();
    assert_eq!(n, 1);
}

/// `madoguchi audit verify` fails (exit 4) saying `words`, and the desk
/// finds the same break at start-up (`kind`), as the window's banner shows it.
fn detected(data: &Path, kind: &str, words: &str) {
    let out = madoguchi(data, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("may have been tampered with") && err.contains(words), "{kind}: {err}");

    let desk = Desk::open(Settings { data_dir: data.to_path_buf(), ..Settings::default() }).unwrap();
    let state = desk.audit_view.audit_check_at_start(chrono::Local::now().naive_local());
    match &state {
        ChainState::Broken { kind: k, .. } => assert_eq!(k, kind, "{state:?}"),
        other => panic!("start-up did not see the {kind}: {other:?}"),
    }
    desk.shutdown();
    drop(desk);
    // Appending more (the start-up's own report) does not make it pass.
    let again = madoguchi(data, &["audit", "verify"]);
    assert_eq!(again.status.code(), Some(4), "{}", text(&again));
}

#[test]
fn an_untouched_log_keeps_passing_and_is_keyed() {
    let data = common::data_dir();
    let (service, people) = a_used_desk(data.path());
    // Its anchor is outside the database, and the chain is keyed: plain
    // SHA-256 over an entry does not give its hash.
    assert!(data.path().join(madoguchi_app::storage::ANCHOR_FILE).is_file());
    let log = entries(&common::desk_db(data.path()));
    assert_eq!(log.len(), 5);
    assert!(log.iter().all(|e| audit::compute_hash(e, &Seal::Sha256) != e.hash));

    let desk = Desk::open(Settings { data_dir: data.path().to_path_buf(), ..Settings::default() }).unwrap();
    let state = desk.audit_view.audit_check_at_start(chrono::Local::now().naive_local());
    assert!(matches!(state, ChainState::Intact { entries: 5, last_seq: 5 }), "{state:?}");
    desk.shutdown();
    drop(desk);
    check(data.path(), &service, &people[1]);
    assert!(ok(madoguchi(data.path(), &["audit", "verify"])).contains("6 entries"));
}

#[test]
fn a_cut_tail_with_a_resealed_head_is_detected() {
    let data = common::data_dir();
    let _service = a_used_desk(data.path());
    {
        let conn = attacker(data.path());
        let mut log = entries(&conn);
        log.truncate(3);
        rechain_sha256(&conn, log, "sha256");
    }
    detected(data.path(), "seal_mismatch", "protected another way");
}

#[test]
fn a_cut_tail_keeping_the_seal_name_is_detected() {
    let data = common::data_dir();
    let _service = a_used_desk(data.path());
    {
        // The entries left as they were; only the head moved back and
        // resealed (SHA-256, the seal's name kept).
        let conn = attacker(data.path());
        conn.execute("DELETE FROM audit_log WHERE seq > 3", []).unwrap();
        let hash: String = conn.query_row("SELECT hash FROM audit_log WHERE seq = 3", [], |r| r.get(0)).unwrap();
        set_head(&conn, 3, &hash, "hmac-sha256");
    }
    detected(data.path(), "head", "stored end does not match");
}

#[test]
fn one_patients_entries_deleted_and_the_chain_recomputed_is_detected() {
    let data = common::data_dir();
    let (_service, people) = a_used_desk(data.path());
    {
        let conn = attacker(data.path());
        let b = person_key(&people[1]);
        let kept: Vec<AuditEntry> = entries(&conn).into_iter().filter(|e| e.patient_key.as_deref() != Some(&b)).collect();
        assert_eq!(kept.len(), 3, "B's two checks are gone");
        rechain_sha256(&conn, kept, "hmac-sha256");
    }
    detected(data.path(), "edited", "was altered");
}

#[test]
fn a_forged_medical_view_entry_is_detected() {
    let data = common::data_dir();
    let (_service, people) = a_used_desk(data.path());
    {
        let conn = attacker(data.path());
        let last = entries(&conn).pop().unwrap();
        let mut forged = last.clone();
        forged.seq = 6;
        forged.action = audit::AuditAction::MedicalView.into();
        forged.outcome = "allowed:medication".into();
        forged.staff_id = "dr-sato".into();
        forged.patient_key = Some(person_key(&people[0]));
        forged.prev_hash = last.hash.clone();
        forged.hash = audit::compute_hash(&forged, &Seal::Sha256);
        insert(&conn, &forged);
        set_head(&conn, 6, &forged.hash, "hmac-sha256");
    }
    detected(data.path(), "edited", "entry 6 was altered");
}

#[test]
fn a_wiped_log_is_detected() {
    let data = common::data_dir();
    let _service = a_used_desk(data.path());
    wipe_log(data.path());
    detected(data.path(), "rolled_back", "entry 1 and those after it are gone");
}

#[test]
fn a_wiped_log_with_its_anchor_removed_is_detected() {
    let data = common::data_dir();
    let _service = a_used_desk(data.path());
    wipe_log(data.path());
    std::fs::remove_file(data.path().join(madoguchi_app::storage::ANCHOR_FILE)).unwrap();
    detected(data.path(), "anchor", "does not match the anchor outside the database");
}

#[test]
fn dropped_audit_tables_are_an_alarm_not_a_new_empty_log() {
    let data = common::data_dir();
    let (service, people) = a_used_desk(data.path());
    {
        let conn = attacker(data.path());
        conn.execute_batch("DROP TABLE audit_log; DROP TABLE audit_head;").unwrap();
    }
    detected(data.path(), "tables_missing", "tables themselves were removed");
    // Working on does not make them anew.
    check(data.path(), &service, &people[0]);
    let conn = common::desk_db(data.path());
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('audit_log', 'audit_head')", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 0);
    drop(conn);
    detected(data.path(), "tables_missing", "tables themselves were removed");
}

#[test]
fn an_older_copy_of_the_database_put_back_is_detected() {
    let data = common::data_dir();
    let (service, people) = a_used_desk(data.path());
    let copy = common::data_dir();
    for f in ["madoguchi.sqlite", "madoguchi.sqlite-wal"] {
        if data.path().join(f).exists() {
            std::fs::copy(data.path().join(f), copy.path().join(f)).unwrap();
        }
    }
    check(data.path(), &service, &people[0]);
    check(data.path(), &service, &people[1]);
    for f in ["madoguchi.sqlite", "madoguchi.sqlite-wal", "madoguchi.sqlite-shm"] {
        let _ = std::fs::remove_file(data.path().join(f));
        if copy.path().join(f).exists() {
            std::fs::copy(copy.path().join(f), data.path().join(f)).unwrap();
        }
    }
    // The copy's own chain is whole: only the anchor knows it is old.
    detected(data.path(), "rolled_back", "entry 6 and those after it are gone");
}

#[test]
fn restoring_an_older_backup_says_so_and_records_it() {
    let data = common::data_dir();
    let media = common::data_dir();
    let (service, people) = a_used_desk(data.path());
    let file = media.path().join("older.backup");
    let written = ok(madoguchi(data.path(), &["backup", "--out", file.to_str().unwrap()]));
    // The backup holds its own entry, and says the head it holds.
    assert!(written.contains("Audit log: 6 entries"), "{written}");
    let verified = ok(madoguchi(data.path(), &["backup", "verify", file.to_str().unwrap()]));
    assert!(verified.contains("Audit log: 6 entries"), "{verified}");
    check(data.path(), &service, &people[0]);
    check(data.path(), &service, &people[1]);

    let out = madoguchi(data.path(), &["restore", file.to_str().unwrap(), "--replace"]);
    assert!(out.status.success(), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ends at entry 6, while this computer's log had reached 8. 2 entries are no longer"), "{err}");

    // Recorded, the anchor re-based: the log verifies, and says what happened.
    assert!(ok(madoguchi(data.path(), &["audit", "verify"])).contains("7 entries"));
    let csv = ok(madoguchi(data.path(), &["audit", "export"]));
    let lines: Vec<&str> = csv.lines().collect();
    let last = lines.last().unwrap();
    assert!(last.contains(",restore,") && last.contains("rolled_back:8:6"), "{csv}");
    assert!(last.contains("Restored from a backup that moved the audit log back (entries 8 → 6"), "{csv}");
    assert!(lines[lines.len() - 2].contains(",backup,") && lines[lines.len() - 2].contains(",written,"), "{csv}");
    let desk = Desk::open(Settings { data_dir: data.path().to_path_buf(), ..Settings::default() }).unwrap();
    assert!(desk.audit_view.audit_check_at_start(chrono::Local::now().naive_local()).is_intact());
    desk.shutdown();
}

#[test]
fn restoring_the_newest_backup_is_recorded_and_moves_nothing_back() {
    let data = common::data_dir();
    let media = common::data_dir();
    let _service = a_used_desk(data.path());
    let file = media.path().join("newest.backup");
    ok(madoguchi(data.path(), &["backup", "--out", file.to_str().unwrap()]));
    let out = madoguchi(data.path(), &["restore", file.to_str().unwrap(), "--replace"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("no longer"), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("entries 6 → 6"), "{}", text(&out));
    assert!(ok(madoguchi(data.path(), &["audit", "verify"])).contains("7 entries"));
}

#[test]
fn an_anchor_rewritten_without_its_key_is_detected() {
    let data = common::data_dir();
    let _service = a_used_desk(data.path());
    wipe_log(data.path());
    // The anchor made to agree with the wiped log, its seal left as it was.
    let path = data.path().join(madoguchi_app::storage::ANCHOR_FILE);
    let mut anchor: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    anchor["count"] = 0.into();
    anchor["head"] = GENESIS_HASH.into();
    std::fs::write(&path, anchor.to_string()).unwrap();
    detected(data.path(), "anchor", "does not match the anchor outside the database");
}
