//! The audit anchor on a real SQLCipher store: a log of an earlier version
//! (plain SHA-256, never anchored) is anchored as found and keeps its seal;
//! an anchor left behind by a crash between an append's commit and its
//! rewrite is caught up when the entries after it verify with the key, and
//! is an alarm when they cannot (plain SHA-256).

use std::path::Path;

use chrono::NaiveDate;
use madoguchi_adapters::audit::anchor::AuditAnchor;
use madoguchi_adapters::audit::{AuditAction, AuditError, BreakKind, NewAuditEntry, Seal};
use madoguchi_adapters::keystore::{Key, MemoryKeyStore};
use madoguchi_adapters::store::Store;

fn entry(i: u32) -> NewAuditEntry {
    NewAuditEntry {
        at: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap().and_hms_opt(9, 0, i).unwrap(),
        staff_id: "uketsuke1".into(),
        role: None,
        action: AuditAction::EligibilityCheck,
        patient_key: Some(format!("06139998:12:{i}:00")),
        outcome: madoguchi_adapters::audit::Outcome::Validity(madoguchi_core::codes::Validity::Valid),
        reason: None,
        detail: None,
    }
}

fn anchored(db: &Path, keys: &MemoryKeyStore, anchor_keys: &MemoryKeyStore) -> Store {
    let anchor = AuditAnchor::open(&db.with_file_name("audit-anchor"), anchor_keys).unwrap();
    Store::open_encrypted_anchored(db, keys, anchor).unwrap()
}

fn kind(r: Result<madoguchi_adapters::audit::VerifyReport, AuditError>) -> BreakKind {
    match r {
        Err(AuditError::Broken(b)) => b.kind,
        other => panic!("not broken: {other:?}"),
    }
}

#[test]
fn a_log_of_an_earlier_version_is_anchored_as_found_and_keeps_its_seal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("madoguchi.sqlite");
    let keys = MemoryKeyStore::with_key(Key::generate().unwrap());
    {
        // An earlier version: no anchor, plain SHA-256.
        let store = Store::open_encrypted(&db, &keys).unwrap();
        for i in 1..=3 {
            store.audit_append(&entry(i)).unwrap();
        }
    }
    let anchor_keys = MemoryKeyStore::new();
    let store = anchored(&db, &keys, &anchor_keys);
    assert_eq!(store.audit_seal(), Seal::Sha256);
    assert_eq!(store.audit_verify().unwrap().entries, 3);
    let state = store.audit_anchor().unwrap().read().unwrap().expect("anchored at the first opening");
    assert_eq!((state.count, state.seal.as_str()), (3, "sha256"));
    store.audit_append(&entry(4)).unwrap();
    assert_eq!(store.audit_verify().unwrap().entries, 4);
    drop(store);
    // A new log in a new folder is keyed with the anchor's key.
    let fresh = tempfile::tempdir().unwrap();
    let store = anchored(&fresh.path().join("madoguchi.sqlite"), &MemoryKeyStore::new(), &MemoryKeyStore::new());
    assert_eq!(store.audit_seal().name(), "hmac-sha256");
}

#[test]
fn an_anchor_left_behind_by_a_crash_is_caught_up_under_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("madoguchi.sqlite");
    let (keys, anchor_keys) = (MemoryKeyStore::new(), MemoryKeyStore::new());
    let store = anchored(&db, &keys, &anchor_keys);
    for i in 1..=3 {
        store.audit_append(&entry(i)).unwrap();
    }
    let anchor_file = dir.path().join("audit-anchor");
    let behind = std::fs::read(&anchor_file).unwrap();
    store.audit_append(&entry(4)).unwrap();
    // As if the process died between entry 4's commit and the anchor's rewrite.
    std::fs::write(&anchor_file, &behind).unwrap();
    assert_eq!(store.audit_verify().unwrap().entries, 4);
    assert_eq!(store.audit_anchor().unwrap().read().unwrap().unwrap().count, 4, "caught up");
}

#[test]
fn entries_after_the_anchor_of_a_plain_sha256_log_are_an_alarm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("madoguchi.sqlite");
    let keys = MemoryKeyStore::with_key(Key::generate().unwrap());
    {
        let store = Store::open_encrypted(&db, &keys).unwrap();
        store.audit_append(&entry(1)).unwrap();
    }
    let anchor_keys = MemoryKeyStore::new();
    let store = anchored(&db, &keys, &anchor_keys);
    let anchor_file = dir.path().join("audit-anchor");
    let behind = std::fs::read(&anchor_file).unwrap();
    store.audit_append(&entry(2)).unwrap();
    std::fs::write(&anchor_file, &behind).unwrap();
    // Anyone with the database key could have made entry 2.
    assert_eq!(kind(store.audit_verify()), BreakKind::Inserted);
}
