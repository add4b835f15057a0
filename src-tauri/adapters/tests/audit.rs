//! The hash-chained audit log on a real SQLite file: a long chain verifies,
//! and every kind of tampering done with raw SQL (as someone with the file
//! would) is found at the right entry.

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use madoguchi_adapters::audit::{
    self, AuditAction, AuditEntry, AuditError, AuditFilter, BreakKind, ChainBroken, NewAuditEntry, Outcome, OutcomeMatch,
    Seal, StoredAction, GENESIS_HASH,
};
use madoguchi_core::audit::{ConsentRefusal, DisasterResult, LoginFailure};
use madoguchi_core::ConsentCategory;
use madoguchi_core::staff::Role;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 1, 6)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

fn open(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    audit::ensure_schema(&conn).unwrap();
    conn
}

fn db() -> (tempfile::TempDir, PathBuf, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("madoguchi.sqlite3");
    let conn = open(&path);
    (dir, path, conn)
}

fn entry(i: i64) -> NewAuditEntry {
    let actions = [
        AuditAction::EligibilityCheck,
        AuditAction::MedicalView,
        AuditAction::Print,
        AuditAction::Login,
    ];
    NewAuditEntry {
        at: t0() + Duration::seconds(i),
        staff_id: if i % 3 == 0 {
            "dr-sato".into()
        } else {
            "uketsuke1".into()
        },
        role: Some(if i % 3 == 0 {
            Role::Qualified
        } else {
            Role::Receptionist
        }),
        action: actions[(i % 4) as usize].clone(),
        patient_key: (i % 2 == 0).then(|| format!("06139998:12:{i}:00")),
        outcome: Outcome::Ok,
        reason: (i % 5 == 0).then(|| "定期受診".to_string()),
        detail: (i % 7 == 0)
            .then(|| serde_json::json!({ "copay": 3, "source": "training", "n": i })),
    }
}

/// Appends `n` entries in one transaction per entry, as the app does.
fn fill(conn: &Connection, seal: &Seal, n: i64) -> Vec<AuditEntry> {
    (1..=n)
        .map(|i| audit::append_sealed(conn, seal, &entry(i)).unwrap())
        .collect()
}

/// What someone with the database file does: the append-only triggers are
/// in the way, so they go first.
fn tamper(conn: &Connection, sql: &str) {
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS audit_log_no_update;
         DROP TRIGGER IF EXISTS audit_log_no_delete;
         DROP TRIGGER IF EXISTS audit_head_no_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

fn broken(r: Result<audit::VerifyReport, AuditError>) -> ChainBroken {
    match r {
        Err(AuditError::Broken(b)) => b,
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

#[test]
fn a_thousand_appends_verify() {
    let (_dir, path, conn) = db();
    let empty = audit::verify(&conn).unwrap();
    assert_eq!(
        (
            empty.entries,
            empty.last_seq,
            empty.last_hash.as_str(),
            empty.seal
        ),
        (0, 0, GENESIS_HASH, None)
    );

    let written = fill(&conn, &Seal::Sha256, 1000);
    assert_eq!(written[0].prev_hash, GENESIS_HASH);
    for pair in written.windows(2) {
        assert_eq!(pair[1].seq, pair[0].seq + 1);
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    let report = audit::verify(&conn).unwrap();
    assert_eq!(report.entries, 1000);
    assert_eq!(report.last_seq, 1000);
    assert_eq!(report.last_hash, written[999].hash);
    assert_eq!(report.seal.as_deref(), Some("sha256"));

    // What was written is what is read back, on another connection.
    drop(conn);
    let conn = open(&path);
    assert_eq!(
        audit::query(&conn, &AuditFilter::default()).unwrap(),
        written
    );
    assert_eq!(audit::verify(&conn).unwrap(), report);
}

/// The documented canonical form, rebuilt here by hand from the module
/// documentation, gives the stored hash.
#[test]
fn the_documented_canonical_form_is_what_is_hashed() {
    let (_dir, _path, conn) = db();
    let e = audit::append(
        &conn,
        &NewAuditEntry {
            at: t0(),
            staff_id: "sato".into(),
            role: Some(Role::Qualified),
            action: AuditAction::MedicalView,
            patient_key: Some("06139998:12:34:00".into()),
            outcome: Outcome::Ok,
            reason: None,
            detail: Some(serde_json::json!({"category": "medication"})),
        },
    )
    .unwrap();
    let detail = r#"{"category":"medication"}"#;
    let canonical = format!(
        "MADOGUCHI-AUDIT-11:1,29:2025-01-06T09:00:00.000000000,4:sato,9:qualified,12:medical_view,\
         17:06139998:12:34:00,2:ok,-,{}:{detail},64:{GENESIS_HASH},",
        detail.len()
    );
    assert_eq!(audit::canonical_bytes(&e), canonical.as_bytes());
    assert_eq!(e.hash, hex::encode(Sha256::digest(canonical.as_bytes())));
    assert_eq!(e.detail.as_deref(), Some(detail));
}

/// An entry written with the typed vocabulary hashes exactly as the same
/// entry did when earlier versions wrote its action and outcome as text:
/// the canonical form is rebuilt by hand from the old strings, and logs
/// written before verify after.
#[test]
fn typed_entries_hash_as_their_old_text_did() {
    use madoguchi_core::audit::{ChainBreak, Identity, PinFailure};
    let (_dir, _path, conn) = db();
    let cases: Vec<(AuditAction, Outcome, &str, &str)> = vec![
        (AuditAction::MedicalView, Outcome::ConsentRefused { category: ConsentCategory::Medication, reason: ConsentRefusal::NoConsent }, "medical_view", "refused:medication:no_consent"),
        (AuditAction::HomeVisitConsent, Outcome::HomeVisitFirst { identity: Identity::Pin, categories: vec![ConsentCategory::Medication, ConsentCategory::Checkups] }, "home-visit-consent", "first:pin:medication,checkups"),
        (AuditAction::HomeVisitIdentity, Outcome::PinFailed(PinFailure::Wrong), "home-visit-identity", "pin-wrong"),
        (AuditAction::ChainBroken, Outcome::ChainBroken { seq: 3, kind: ChainBreak::Edited }, "audit_chain_broken", "broken:3:edited"),
        (AuditAction::ChangeAcknowledged, Outcome::ChangeAcknowledged { queued: 12 }, "replay_change_acknowledged", "12"),
        (AuditAction::LocalEmergency, Outcome::EmergencyDeclared, "local_emergency", "declared"),
        (AuditAction::StaffChange, Outcome::AccountCreated { staff: "uke:1".into(), role: Role::Receptionist }, "staff_change", "created:uke:1:receptionist"),
    ];
    let mut prev = GENESIS_HASH.to_string();
    for (i, (action, outcome, old_action, old_outcome)) in cases.into_iter().enumerate() {
        let seq = i as i64 + 1;
        let at = t0() + Duration::seconds(seq);
        let e = audit::append(
            &conn,
            &NewAuditEntry { at, staff_id: "sato".into(), role: None, action, patient_key: None, outcome, reason: None, detail: None },
        )
        .unwrap();
        let at = at.format("%Y-%m-%dT%H:%M:%S%.9f").to_string();
        let n = |s: &str| format!("{}:{s},", s.len());
        let canonical = format!(
            "MADOGUCHI-AUDIT-1{}{}{}-,{}-,{}-,-,{}",
            n(&seq.to_string()),
            n(&at),
            n("sato"),
            n(old_action),
            n(old_outcome),
            n(&prev)
        );
        assert_eq!(String::from_utf8(audit::canonical_bytes(&e)).unwrap(), canonical);
        assert_eq!(e.hash, hex::encode(Sha256::digest(canonical.as_bytes())), "{old_action} {old_outcome}");
        assert_eq!((e.action.code(), e.outcome.as_str()), (old_action, old_outcome));
        prev = e.hash.clone();
    }
    audit::verify(&conn).unwrap();
}

#[test]
fn the_log_refuses_update_and_delete_through_sql() {
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 3);
    assert!(conn
        .execute("UPDATE audit_log SET outcome = 'refused' WHERE seq = 2", [])
        .is_err());
    assert!(conn
        .execute("DELETE FROM audit_log WHERE seq = 3", [])
        .is_err());
    assert!(conn.execute("DELETE FROM audit_head", []).is_err());
    audit::verify(&conn).unwrap();
}

#[test]
fn an_edited_field_is_found_at_its_entry() {
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 1000);
    tamper(
        &conn,
        "UPDATE audit_log SET patient_key = '06139998:12:99:00' WHERE seq = 437",
    );
    assert_eq!(
        broken(audit::verify(&conn)),
        ChainBroken {
            first_bad_seq: 437,
            kind: BreakKind::Edited
        }
    );
}

#[test]
fn every_field_is_covered_by_the_hash() {
    for (column, value) in [
        ("at", "'2025-01-06T09:00:01.000000001'"),
        ("staff_id", "'someone-else'"),
        ("role", "'administrator'"),
        ("role", "NULL"),
        ("action", "'logout'"),
        ("patient_key", "'06139998:12:5:01'"),
        ("outcome", "'refused'"),
        ("reason", "''"),
        ("reason", "NULL"),
        ("detail", "'{}'"),
        ("prev_hash", "'ab'"),
    ] {
        let (_dir, _path, conn) = db();
        fill(&conn, &Seal::Sha256, 10);
        let changed: bool = conn
            .query_row(
                &format!("SELECT {column} IS NOT {value} FROM audit_log WHERE seq = 5"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(changed, "{column} = {value} must change entry 5");
        tamper(
            &conn,
            &format!("UPDATE audit_log SET {column} = {value} WHERE seq = 5"),
        );
        let b = broken(audit::verify(&conn));
        assert_eq!(b.first_bad_seq, 5, "{column} = {value}: {b:?}");
        assert!(
            matches!(b.kind, BreakKind::Edited | BreakKind::Deleted),
            "{column} = {value}: {b:?}"
        );
    }
}

#[test]
fn an_edited_entry_rehashed_without_the_next_one_is_found() {
    // Someone who knows the format rewrites entry 5 and its hash, but not 6.
    let (_dir, _path, conn) = db();
    let written = fill(&conn, &Seal::Sha256, 10);
    let mut e = written[4].clone();
    e.outcome = "refused".into();
    e.hash = audit::compute_hash(&e, &Seal::Sha256);
    tamper(
        &conn,
        &format!(
            "UPDATE audit_log SET outcome = 'refused', hash = '{}' WHERE seq = 5",
            e.hash
        ),
    );
    assert_eq!(
        broken(audit::verify(&conn)),
        ChainBroken {
            first_bad_seq: 5,
            kind: BreakKind::Edited
        }
    );
}

#[test]
fn a_deleted_middle_entry_is_found() {
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 100);
    tamper(&conn, "DELETE FROM audit_log WHERE seq = 50");
    assert_eq!(
        broken(audit::verify(&conn)),
        ChainBroken {
            first_bad_seq: 50,
            kind: BreakKind::Deleted
        }
    );
}

#[test]
fn a_deleted_entry_with_the_gap_closed_is_found() {
    // Entry 50 deleted and the later ones renumbered, so that seq has no gap.
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 100);
    let mut sql = String::from("DELETE FROM audit_log WHERE seq = 50;");
    for s in 51..=100 {
        sql.push_str(&format!(
            "UPDATE audit_log SET seq = {} WHERE seq = {s};",
            s - 1
        ));
    }
    sql.push_str("UPDATE audit_head SET last_seq = 99, last_hash = (SELECT hash FROM audit_log WHERE seq = 99);");
    tamper(&conn, &sql);
    assert_eq!(
        broken(audit::verify(&conn)),
        ChainBroken {
            first_bad_seq: 50,
            kind: BreakKind::Deleted
        }
    );
}

#[test]
fn deleted_last_entries_are_found_through_the_head() {
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 100);
    tamper(&conn, "DELETE FROM audit_log WHERE seq > 97");
    assert_eq!(
        broken(audit::verify(&conn)),
        ChainBroken {
            first_bad_seq: 98,
            kind: BreakKind::Deleted
        }
    );

    // Only the last one.
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 100);
    tamper(&conn, "DELETE FROM audit_log WHERE seq = 100");
    assert_eq!(
        broken(audit::verify(&conn)),
        ChainBroken {
            first_bad_seq: 100,
            kind: BreakKind::Deleted
        }
    );

    // All of them, head left alone.
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 5);
    tamper(&conn, "DELETE FROM audit_log");
    assert_eq!(
        broken(audit::verify(&conn)),
        ChainBroken {
            first_bad_seq: 1,
            kind: BreakKind::Deleted
        }
    );

    // The head deleted with them: not recreated by ensure_schema, reported.
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 5);
    tamper(
        &conn,
        "DELETE FROM audit_log WHERE seq = 5; DELETE FROM audit_head",
    );
    audit::ensure_schema(&conn).unwrap();
    assert_eq!(broken(audit::verify(&conn)).kind, BreakKind::Head);
    assert!(matches!(
        audit::append(&conn, &entry(6)),
        Err(AuditError::NoHead)
    ));
}

#[test]
fn swapped_entries_are_found() {
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 30);
    tamper(
        &conn,
        "UPDATE audit_log SET seq = -1 WHERE seq = 10;
         UPDATE audit_log SET seq = 10 WHERE seq = 20;
         UPDATE audit_log SET seq = 20 WHERE seq = -1;",
    );
    assert_eq!(
        broken(audit::verify(&conn)),
        ChainBroken {
            first_bad_seq: 10,
            kind: BreakKind::Reordered
        }
    );

    // Neighbours.
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 30);
    tamper(
        &conn,
        "UPDATE audit_log SET seq = -1 WHERE seq = 7;
         UPDATE audit_log SET seq = 7 WHERE seq = 8;
         UPDATE audit_log SET seq = 8 WHERE seq = -1;",
    );
    assert_eq!(
        broken(audit::verify(&conn)),
        ChainBroken {
            first_bad_seq: 7,
            kind: BreakKind::Reordered
        }
    );
}

#[test]
fn inserted_entries_are_found() {
    // A forged entry after the last one, head left alone.
    let (_dir, _path, conn) = db();
    let written = fill(&conn, &Seal::Sha256, 10);
    let mut forged = written[9].clone();
    forged.seq = 11;
    forged.prev_hash = written[9].hash.clone();
    forged.hash = audit::compute_hash(&forged, &Seal::Sha256);
    tamper(&conn, &insert_sql(&forged));
    assert_eq!(
        broken(audit::verify(&conn)),
        ChainBroken {
            first_bad_seq: 11,
            kind: BreakKind::Inserted
        }
    );

    // A forged entry pushed in at 5, later ones moved along.
    let (_dir, _path, conn) = db();
    let written = fill(&conn, &Seal::Sha256, 10);
    let mut sql = String::new();
    for s in (5..=10).rev() {
        sql.push_str(&format!(
            "UPDATE audit_log SET seq = {} WHERE seq = {s};",
            s + 1
        ));
    }
    let mut forged = written[4].clone();
    forged.outcome = "ok (forged)".into();
    forged.prev_hash = written[3].hash.clone();
    forged.hash = audit::compute_hash(&forged, &Seal::Sha256);
    sql.push_str(&insert_sql(&forged));
    tamper(&conn, &sql);
    assert_eq!(
        broken(audit::verify(&conn)),
        ChainBroken {
            first_bad_seq: 5,
            kind: BreakKind::Inserted
        }
    );
}

fn insert_sql(e: &AuditEntry) -> String {
    let q = |s: &Option<String>| {
        s.as_ref()
            .map(|s| format!("'{}'", s.replace('\'', "''")))
            .unwrap_or("NULL".into())
    };
    format!(
        "INSERT INTO audit_log (seq, at, staff_id, role, action, patient_key, outcome, reason, detail, prev_hash, hash)
         VALUES ({}, '{}', '{}', {}, '{}', {}, '{}', {}, {}, '{}', '{}');",
        e.seq,
        e.at.format("%Y-%m-%dT%H:%M:%S%.9f"),
        e.staff_id,
        q(&e.role.map(|r| r.code().to_string())),
        e.action.code(),
        q(&e.patient_key),
        e.outcome,
        q(&e.reason),
        q(&e.detail),
        e.prev_hash,
        e.hash
    )
}

/// Rewrites entry `seq` (outcome) and re-hashes every entry from it on, and
/// the head, with plain SHA-256, as someone who knows the format but not a
/// key would.
fn rewrite_chain_from(conn: &Connection, seq: i64) {
    let mut entries = audit::query(conn, &AuditFilter::default()).unwrap();
    let mut sql = String::new();
    let mut prev = entries[(seq - 2) as usize].hash.clone();
    for e in entries.iter_mut().filter(|e| e.seq >= seq) {
        if e.seq == seq {
            e.outcome = "refused".into();
        }
        e.prev_hash = prev.clone();
        e.hash = audit::compute_hash(e, &Seal::Sha256);
        prev = e.hash.clone();
        sql.push_str(&format!(
            "UPDATE audit_log SET outcome = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {};",
            e.outcome, e.prev_hash, e.hash, e.seq
        ));
    }
    let last = entries.last().unwrap();
    let head_hash = hex::encode(Sha256::digest(
        format!(
            "MADOGUCHI-AUDIT-HEAD-1{}:{},64:{},6:sha256,",
            last.seq.to_string().len(),
            last.seq,
            last.hash
        )
        .as_bytes(),
    ));
    sql.push_str(&format!(
        "UPDATE audit_head SET last_seq = {}, last_hash = '{}', head_hash = '{head_hash}';",
        last.seq, last.hash
    ));
    tamper(conn, &sql);
}

#[test]
fn plain_sha256_cannot_stop_a_rewrite_of_the_whole_chain() {
    // The documented limit, shown: without a key, someone who knows the
    // format rewrites the chain and verify cannot tell.
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 20);
    rewrite_chain_from(&conn, 8);
    let report = audit::verify(&conn).unwrap();
    assert_eq!(report.entries, 20);
    assert_eq!(
        audit::query(&conn, &AuditFilter::default()).unwrap()[7].outcome,
        "refused"
    );
}

#[test]
fn with_a_key_a_rewritten_chain_is_found() {
    let key = Seal::hmac(b"0123456789abcdef0123456789abcdef".to_vec());
    let (_dir, _path, conn) = db();
    let written = fill(&conn, &key, 20);
    assert_ne!(
        written[0].hash,
        audit::compute_hash(&written[0], &Seal::Sha256),
        "keyed hashes differ from plain"
    );
    assert_eq!(
        audit::verify_sealed(&conn, &key).unwrap().seal.as_deref(),
        Some("hmac-sha256")
    );

    rewrite_chain_from(&conn, 8);
    tamper(&conn, "UPDATE audit_head SET seal = 'sha256'");
    // Verified with the key, as the app does: found at the edited entry.
    // (The head now claims plain sha256, so the seal does not even match.)
    let b = broken(audit::verify_sealed(&conn, &key));
    assert_eq!(b.kind, BreakKind::SealMismatch);
    tamper(&conn, "UPDATE audit_head SET seal = 'hmac-sha256'");
    assert_eq!(
        broken(audit::verify_sealed(&conn, &key)),
        ChainBroken {
            first_bad_seq: 8,
            kind: BreakKind::Edited
        }
    );

    // A wrong key fails from the first entry.
    let (_dir, _path, conn) = db();
    fill(&conn, &key, 3);
    let wrong = Seal::hmac(b"another key".to_vec());
    assert_eq!(
        broken(audit::verify_sealed(&conn, &wrong)),
        ChainBroken {
            first_bad_seq: 1,
            kind: BreakKind::Edited
        }
    );
}

#[test]
fn with_a_key_cutting_the_tail_and_moving_the_head_is_found() {
    let key = Seal::hmac(b"0123456789abcdef0123456789abcdef".to_vec());
    let (_dir, _path, conn) = db();
    fill(&conn, &key, 20);
    // The head moved back to entry 17, which anyone can read; its seal
    // cannot be made without the key.
    tamper(
        &conn,
        "DELETE FROM audit_log WHERE seq > 17;
         UPDATE audit_head SET last_seq = 17, last_hash = (SELECT hash FROM audit_log WHERE seq = 17);",
    );
    assert_eq!(
        broken(audit::verify_sealed(&conn, &key)),
        ChainBroken {
            first_bad_seq: 17,
            kind: BreakKind::Head
        }
    );
}

#[test]
fn one_seal_for_the_life_of_a_log() {
    let key = Seal::hmac(b"0123456789abcdef0123456789abcdef".to_vec());
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 3);
    let e = audit::append_sealed(&conn, &key, &entry(4)).unwrap_err();
    assert!(
        matches!(e, AuditError::SealMismatch { ref stored, given: "hmac-sha256" } if stored == "sha256"),
        "{e:?}"
    );
    assert_eq!(e.message_id(), "audit-seal-mismatch");
    assert_eq!(
        broken(audit::verify_sealed(&conn, &key)).kind,
        BreakKind::SealMismatch
    );
    // And a keyed log is not verified as plain.
    let (_dir, _path, conn) = db();
    fill(&conn, &key, 3);
    assert_eq!(broken(audit::verify(&conn)).kind, BreakKind::SealMismatch);
    assert!(
        format!("{key:?}").contains("<key>"),
        "Debug does not print the key"
    );
}

#[test]
fn concurrent_appends_from_two_connections_form_one_chain() {
    let (_dir, path, conn) = db();
    drop(conn);
    let per_thread = 100;
    let handles: Vec<_> = ["window", "cli"]
        .into_iter()
        .map(|who| {
            let path = path.clone();
            std::thread::spawn(move || {
                let conn = open(&path);
                for i in 0..per_thread {
                    let mut e = entry(i);
                    e.staff_id = format!("{who}-{i}");
                    audit::append(&conn, &e).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let conn = open(&path);
    let report = audit::verify(&conn).unwrap();
    assert_eq!(report.entries, 2 * per_thread as u64);
    let all = audit::query(&conn, &AuditFilter::default()).unwrap();
    for who in ["window", "cli"] {
        for i in 0..per_thread {
            let id = format!("{who}-{i}");
            assert_eq!(all.iter().filter(|e| e.staff_id == id).count(), 1, "{id}");
        }
    }
}

#[test]
fn query_filters() {
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 40);
    let all = audit::query(&conn, &AuditFilter::default()).unwrap();
    assert_eq!(all.len(), 40);

    let by_staff = audit::query(
        &conn,
        &AuditFilter {
            staff_id: Some("dr-sato".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        by_staff.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (3..=39).step_by(3).collect::<Vec<_>>()
    );

    let by_action = audit::query(
        &conn,
        &AuditFilter {
            action: Some(AuditAction::MedicalView),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        !by_action.is_empty()
            && by_action
                .iter()
                .all(|e| e.action == AuditAction::MedicalView)
    );
    assert_eq!(
        by_action.len(),
        all.iter()
            .filter(|e| e.action == AuditAction::MedicalView)
            .count()
    );

    let key = "06139998:12:10:00".to_string();
    let by_patient = audit::query(
        &conn,
        &AuditFilter {
            patient_key: Some(key.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        by_patient.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![10]
    );

    // from inclusive, to exclusive.
    let window = AuditFilter {
        from: Some(t0() + Duration::seconds(10)),
        to: Some(t0() + Duration::seconds(15)),
        ..Default::default()
    };
    assert_eq!(
        audit::query(&conn, &window)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        vec![10, 11, 12, 13, 14]
    );

    let combined = AuditFilter {
        staff_id: Some("dr-sato".into()),
        ..window
    };
    assert_eq!(
        audit::query(&conn, &combined)
            .unwrap()
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        vec![12]
    );
}

#[test]
fn the_result_filter_takes_an_outcome_or_its_kind() {
    let (_dir, _path, conn) = db();
    let medication_refused = Outcome::ConsentRefused { category: ConsentCategory::Medication, reason: ConsentRefusal::NoConsent };
    for (i, (action, outcome)) in [
        (AuditAction::MedicalView, medication_refused),
        (AuditAction::DisasterLookup, Outcome::Disaster(DisasterResult::Refused)),
        (AuditAction::DisasterLookup, Outcome::Disaster(DisasterResult::RefusedOnline)),
        (AuditAction::Login, Outcome::Ok),
        (AuditAction::MedicalView, Outcome::Allowed(ConsentCategory::Medication)),
    ]
    .into_iter()
    .enumerate()
    {
        let mut e = entry(i as i64 + 1);
        e.action = action;
        e.outcome = outcome;
        audit::append(&conn, &e).unwrap();
    }
    let outcomes = |o: &str| -> Vec<String> {
        audit::query(&conn, &AuditFilter { outcome: Some(o.into()), ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|e| e.outcome)
            .collect()
    };
    // The kind matches `kind:…`, but not another outcome that merely starts alike.
    assert_eq!(outcomes("refused"), ["refused:medication:no_consent", "refused"]);
    assert_eq!(outcomes("refused:medication:no_consent"), ["refused:medication:no_consent"]);
    assert_eq!(outcomes("allowed"), ["allowed:medication"]);
    assert_eq!(outcomes("ok"), ["ok"]);
    assert!(outcomes("o").is_empty());
    // `%` and `_` are not wildcards.
    assert!(outcomes("%").is_empty() && outcomes("refused_%").is_empty());
}

#[test]
fn kinds_of_outcome_are_matched_under_their_action_any_of_them() {
    let (_dir, _path, conn) = db();
    let rows = [
        (AuditAction::MedicalView, Outcome::ConsentRefused { category: ConsentCategory::Medication, reason: ConsentRefusal::NoConsent }),
        (AuditAction::Print, Outcome::ConsentRefused { category: ConsentCategory::Checkups, reason: ConsentRefusal::Expired }),
        (AuditAction::StaffChange, Outcome::StaffChangeRefused { staff: "uketsuke".into() }),
        (AuditAction::DisasterLookup, Outcome::Disaster(DisasterResult::Refused)),
        (AuditAction::DisasterLookup, Outcome::Disaster(DisasterResult::Found)),
        (AuditAction::MedicalView, Outcome::Denied),
        (AuditAction::Print, Outcome::Denied),
    ];
    let mut written = Vec::new();
    for (i, (action, outcome)) in rows.into_iter().enumerate() {
        let mut e = entry(i as i64 + 1);
        e.action = action;
        e.outcome = outcome;
        written.push(audit::append(&conn, &e).unwrap());
    }
    // The kind's name alone under a consent action, which this version never
    // writes (no outcome's code is it): put there as another program would.
    let mut bare = written[6].clone();
    bare.seq = 8;
    bare.action = AuditAction::MedicalView.into();
    bare.outcome = "refused".into();
    bare.prev_hash = written[6].hash.clone();
    bare.hash = audit::compute_hash(&bare, &Seal::Sha256);
    tamper(&conn, &insert_sql(&bare));
    let seqs = |outcomes: Vec<OutcomeMatch>| -> Vec<i64> {
        audit::query(&conn, &AuditFilter { outcomes, ..Default::default() }).unwrap().into_iter().map(|e| e.seq).collect()
    };
    // A kind under its actions: neither a staff change's nor a look-up's
    // `refused`, nor the kind's name alone.
    let consent = vec![OutcomeMatch::kind(Some(AuditAction::MedicalView), "refused"), OutcomeMatch::kind(Some(AuditAction::Print), "refused")];
    assert_eq!(seqs(consent.clone()), [1, 2]);
    // Exact, under one action or any.
    assert_eq!(seqs(vec![OutcomeMatch::exact(Some(AuditAction::DisasterLookup), "refused")]), [4]);
    assert_eq!(seqs(vec![OutcomeMatch::exact(None, "denied")]), [6, 7]);
    assert_eq!(seqs(vec![OutcomeMatch::exact(Some(AuditAction::Print), "found")]), Vec::<i64>::new());
    // With the other filters: all of them hold.
    let filter = AuditFilter { outcomes: consent, action: Some(AuditAction::Print), ..Default::default() };
    assert_eq!(audit::query(&conn, &filter).unwrap().iter().map(|e| e.seq).collect::<Vec<_>>(), [2]);
    let (page, total) = audit::query_newest(&conn, &AuditFilter { outcomes: vec![OutcomeMatch::exact(None, "denied")], ..Default::default() }, 1).unwrap();
    assert_eq!((page.iter().map(|e| e.seq).collect::<Vec<_>>(), total), (vec![7], 2));
}

#[test]
fn query_newest_pages_newest_first_with_the_total() {
    let (_dir, _path, conn) = db();
    fill(&conn, &Seal::Sha256, 40);
    let (page, total) = audit::query_newest(&conn, &AuditFilter::default(), 5).unwrap();
    assert_eq!(total, 40);
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [40, 39, 38, 37, 36]);
    let by_staff = AuditFilter { staff_id: Some("dr-sato".into()), ..Default::default() };
    let (page, total) = audit::query_newest(&conn, &by_staff, 100).unwrap();
    assert_eq!(total, 13);
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=13).rev().map(|i| i * 3).collect::<Vec<i64>>());
}

#[test]
fn unknown_actions_read_back_as_stored() {
    // An entry of an action this version does not know (a newer version's),
    // chained and sealed as that version would: it reads back with its code
    // as stored, and the chain verifies.
    let (_dir, _path, conn) = db();
    let mut e = entry(1);
    e.role = None;
    let mut written = audit::append(&conn, &e).unwrap();
    written.action = StoredAction::from_stored("future_thing");
    written.hash = audit::compute_hash(&written, &Seal::Sha256);
    tamper(
        &conn,
        &format!(
            "UPDATE audit_log SET action = 'future_thing', hash = '{h}' WHERE seq = 1;
             UPDATE audit_head SET last_hash = '{h}', head_hash = '{hh}' WHERE id = 1;",
            h = written.hash,
            hh = audit::compute_head_hash(1, &written.hash, &Seal::Sha256)
        ),
    );
    let read = audit::query(&conn, &AuditFilter::default()).unwrap();
    assert_eq!(read, vec![written]);
    assert_eq!((read[0].action.code(), read[0].action.known()), ("future_thing", None));
    assert_eq!(read[0].read_outcome(), None);
    assert_eq!(AuditAction::parse("login_failed"), Some(AuditAction::LoginFailed));
    audit::verify(&conn).unwrap();
}

#[test]
fn csv_export_quotes_as_rfc_4180_with_a_bom() {
    let (_dir, _path, conn) = db();
    let e = audit::append(
        &conn,
        &NewAuditEntry {
            at: t0(),
            staff_id: "dr-sato".into(),
            role: Some(Role::Qualified),
            action: AuditAction::DisasterLookup,
            patient_key: None,
            outcome: Outcome::Disaster(DisasterResult::Found),
            reason: Some("意識がない, 救急搬送\n\"生命保護\"のため".into()),
            detail: Some(serde_json::json!({"fields": ["氏名", "生年月日"]})),
        },
    )
    .unwrap();
    let f = audit::append(
        &conn,
        &NewAuditEntry {
            at: t0() + Duration::seconds(1),
            // The id typed at a failed sign-in is free text.
            staff_id: "=HYPERLINK(\"http://example.invalid\")".into(),
            role: None,
            action: AuditAction::LoginFailed,
            patient_key: None,
            outcome: Outcome::LoginFailed(LoginFailure::Wrong),
            reason: None,
            detail: None,
        },
    )
    .unwrap();
    let csv = audit::export_csv(&[e.clone(), f.clone()]);
    assert!(csv.starts_with('\u{FEFF}'), "UTF-8 BOM for Excel");
    let lines: Vec<&str> = csv.trim_start_matches('\u{FEFF}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "seq,at,staff_id,role,action,patient_key,outcome,reason,detail,prev_hash,hash"
    );
    let expected_first = format!(
        "1,2025-01-06T09:00:00.000000000,dr-sato,qualified,disaster_lookup,,found,\
         \"意識がない, 救急搬送\n\"\"生命保護\"\"のため\",\"{{\"\"fields\"\":[\"\"氏名\"\",\"\"生年月日\"\"]}}\",{},{}",
        GENESIS_HASH, e.hash
    );
    assert_eq!(lines[1], expected_first);
    let expected_second = format!(
        "2,2025-01-06T09:00:01.000000000,\"'=HYPERLINK(\"\"http://example.invalid\"\")\",,login_failed,,staff-login-wrong,,,{},{}",
        e.hash, f.hash
    );
    assert_eq!(lines[2], expected_second);
    assert_eq!(lines[3], "", "every record ends with CRLF");
    assert_eq!(lines.len(), 4);

    // An empty export is the BOM and the header.
    assert_eq!(
        audit::export_csv(&[]),
        "\u{FEFF}seq,at,staff_id,role,action,patient_key,outcome,reason,detail,prev_hash,hash\r\n"
    );
}

#[test]
fn verify_runs_beside_a_writer() {
    // verify reads a consistent snapshot while another connection appends.
    let (_dir, path, conn) = db();
    fill(&conn, &Seal::Sha256, 50);
    let writer = {
        let path = path.clone();
        std::thread::spawn(move || {
            let conn = open(&path);
            for i in 51..=150 {
                audit::append(&conn, &entry(i)).unwrap();
            }
        })
    };
    for _ in 0..10 {
        let r = audit::verify(&conn).unwrap();
        assert!(r.entries >= 50);
    }
    writer.join().unwrap();
    assert_eq!(audit::verify(&conn).unwrap().entries, 150);
}

/// Every message id the audit module can answer with exists in both languages.
#[test]
fn every_message_id_is_in_both_languages() {
    let ids = [
        AuditError::Sql(rusqlite::Error::InvalidQuery).message_id(),
        AuditError::Broken(ChainBroken {
            first_bad_seq: 1,
            kind: BreakKind::Edited,
        })
        .message_id(),
        AuditError::SealMismatch {
            stored: String::new(),
            given: "sha256",
        }
        .message_id(),
        AuditError::NoHead.message_id(),
        AuditError::Corrupt(String::new()).message_id(),
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
