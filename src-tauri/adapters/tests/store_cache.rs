//! The eligibility cache: the latest cacheable check per card.
mod store_support;

use madoguchi_adapters::keystore::MemoryKeyStore;
use madoguchi_adapters::store::Store;
use madoguchi_core::{ProcessingError, ResultSource};
use store_support::*;

#[test]
fn the_latest_check_of_a_card_is_its_cached_result() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut s = Store::open_encrypted(&dir.path().join("m.sqlite"), &keys).unwrap();
    let c = card(10);
    assert_eq!(s.cached_result(&c).unwrap(), None);

    let old = result_for(&c, at(2026, 10, 1, 9, 0, 0), 30);
    record(&mut s, &c, &old, at(2026, 10, 1, 9, 0, 1));
    let mut new = result_for(&c, at(2026, 11, 20, 9, 0, 0), 20);
    new.source = ResultSource::OqsFolder;
    let new_id = record(&mut s, &c, &new, at(2026, 11, 20, 9, 0, 1));
    // Another person, and the same card numbers with another birth date.
    let other = card(11);
    record(
        &mut s,
        &other,
        &result_for(&other, at(2026, 11, 21, 9, 0, 0), 10),
        at(2026, 11, 21, 9, 0, 1),
    );
    let mut twin = c.clone();
    twin.birth_date = twin.birth_date.succ_opt().unwrap();

    let hit = s.cached_result(&c).unwrap().unwrap();
    assert_eq!(hit.check_id, new_id);
    assert_eq!(hit.result, new);
    assert_eq!(hit.confirmed_at, at(2026, 11, 20, 9, 0, 0));
    assert_eq!(hit.source, ResultSource::OqsFolder);
    assert_eq!(hit.checked_at, at(2026, 11, 20, 9, 0, 1));
    assert_eq!(s.cached_result(&twin).unwrap(), None);

    // A later answer with a processing error is recorded but does not replace the cache.
    let mut failed = result_for(&c, at(2026, 11, 22, 9, 0, 0), 30);
    failed.error = Some(ProcessingError {
        code: Some("EQ999".into()),
        message: Some("system busy".into()),
    });
    failed.qualification = None;
    record(&mut s, &c, &failed, at(2026, 11, 22, 9, 0, 1));
    assert_eq!(s.cached_result(&c).unwrap().unwrap().check_id, new_id);

    let st = s.stats().unwrap();
    assert_eq!(st.checks, 4);
    assert_eq!(st.people, 2);
    assert_eq!(st.oldest, Some(at(2026, 10, 1, 9, 0, 1)));
    assert_eq!(st.queue_length, 0);
    assert_eq!(st.medical_rows, 0);
}

#[test]
fn the_cache_survives_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.sqlite");
    let keys = MemoryKeyStore::new();
    let c = card(12);
    let r = result_for(&c, at(2026, 11, 20, 9, 0, 0), 30);
    {
        let mut s = Store::open_encrypted(&path, &keys).unwrap();
        let batch: Vec<_> = (0..50)
            .map(|i| (card(100 + i), at(2026, 11, 20, 8, 0, i)))
            .collect();
        let results: Vec<_> = batch.iter().map(|(c, t)| result_for(c, *t, 30)).collect();
        let checks: Vec<_> = batch
            .iter()
            .zip(&results)
            .map(|((c, t), r)| madoguchi_adapters::store::NewCheck {
                checked_at: *t,
                staff: "batch",
                asked: Some(c),
                result: r,
            })
            .collect();
        assert_eq!(s.record_checks(&checks).unwrap().len(), 50);
        record(&mut s, &c, &r, at(2026, 11, 20, 9, 0, 1));
    }
    let s = Store::open_encrypted(&path, &keys).unwrap();
    assert_eq!(s.cached_result(&c).unwrap().unwrap().result, r);
    assert!(s.cached_result(&card(149)).unwrap().is_some());
    assert_eq!(s.stats().unwrap().people, 51);
}

/// A check and its audit entry are one commit: both are there, the chain
/// verifies. When the log cannot take the entry (sealed another way), the
/// check is kept all the same and the audit error is answered.
#[test]
fn a_check_and_its_audit_entry_are_recorded_together() {
    use madoguchi_adapters::audit::{AuditAction, AuditFilter, NewAuditEntry};
    use madoguchi_adapters::store::NewCheck;
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut store = Store::open_encrypted(&dir.path().join("desk.sqlite"), &keys).unwrap();
    let entry = |n: u32| NewAuditEntry {
        at: at(2026, 11, 23, 9, 0, n),
        staff_id: "uketsuke".into(),
        role: None,
        action: AuditAction::EligibilityCheck,
        patient_key: Some(card(n).person_key()),
        outcome: madoguchi_adapters::audit::Outcome::Validity(madoguchi_core::codes::Validity::Valid),
        reason: None,
        detail: None,
    };
    fn store_record(store: &mut Store, c: &madoguchi_core::CardDetails, r: &madoguchi_core::EligibilityResult, e: &NewAuditEntry) -> (i64, bool) {
        let (id, audited) = store
            .record_check_audited(&NewCheck { checked_at: e.at, staff: "受付1", asked: Some(c), result: r }, e)
            .unwrap();
        (id, audited.is_ok())
    }
    let r1 = result_for(&card(1), at(2026, 11, 23, 9, 0, 1), 3);
    let (id1, ok1) = store_record(&mut store, &card(1), &r1, &entry(1));
    assert!(ok1);
    assert!(store.check_result(id1).unwrap().is_some());
    let log = store.audit_query(&AuditFilter::default()).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].patient_key.as_deref(), Some(card(1).person_key().as_str()));
    assert!(store.audit_verify().is_ok());

    // The log re-sealed behind the store's back: the entry cannot be
    // chained, the check is kept anyway.
    let raw = madoguchi_adapters::store::raw_connection(&dir.path().join("desk.sqlite"), &keys).unwrap();
    raw.execute("UPDATE audit_head SET seal = 'hmac-sha256'", []).unwrap();
    drop(raw);
    let r2 = result_for(&card(2), at(2026, 11, 23, 9, 0, 2), 3);
    let (id2, ok2) = store_record(&mut store, &card(2), &r2, &entry(2));
    assert!(!ok2, "the audit error is answered");
    assert!(store.check_result(id2).unwrap().is_some(), "the check is not lost for the log's sake");
    assert_eq!(store.audit_query(&AuditFilter::default()).unwrap().len(), 1, "no half-written entry");
}
