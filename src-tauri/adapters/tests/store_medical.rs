//! The medical-information cache: nothing in or out without a consent grant
//! for that purpose; purged after the retention period.
mod store_support;

use chrono::TimeDelta;
use madoguchi_adapters::keystore::MemoryKeyStore;
use madoguchi_adapters::store::{Store, StoreError};
use madoguchi_core::consent::{Purpose, RefusalReason};
use madoguchi_core::ConsentCategory::{Checkups, Medication};
use store_support::*;

const MEDS: &str = r#"[{"dispensed_on":"2026-11-01","drug":"アムロジピン錠5mg","quantity":"28"}]"#;

#[test]
fn medical_information_needs_a_cache_grant_to_go_in_and_a_view_grant_to_come_out() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut s = Store::open_encrypted(&dir.path().join("m.sqlite"), &keys).unwrap();
    let patient = card(30).person_key();
    let given = at(2026, 11, 20, 9, 0, 0);
    let now = given + TimeDelta::minutes(5);

    // A grant to view cannot be used to cache, and nothing is written.
    let view = grant(&patient, Medication, Purpose::View, given);
    match s.put_medical(&view, MEDS, now, now) {
        Err(e @ StoreError::ConsentRefused(_)) => {
            assert_eq!(e.message_id(), "store-consent-refused")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.stats().unwrap().medical_rows, 0);

    let cache = grant(&patient, Medication, Purpose::Cache, given);
    s.put_medical(&cache, MEDS, now, now).unwrap();
    assert_eq!(s.stats().unwrap().medical_rows, 1);

    // A grant to cache cannot be used to read.
    match s.get_medical(&cache, now) {
        Err(StoreError::ConsentRefused(r)) => {
            assert_eq!(
                r.reason,
                RefusalReason::PurposeNotGranted {
                    granted: Purpose::Cache
                }
            )
        }
        other => panic!("{other:?}"),
    }
    let got = s.get_medical(&view, now).unwrap().unwrap();
    assert_eq!(got.json, MEDS);
    assert_eq!(got.fetched_at, now);

    // Another category of the same patient needs its own grant and is empty.
    let checkups = grant(&patient, Checkups, Purpose::View, given);
    assert_eq!(s.get_medical(&checkups, now).unwrap(), None);
    // Another patient's grant reaches only that patient's rows.
    let other = grant(&card(31).person_key(), Medication, Purpose::View, given);
    assert_eq!(s.get_medical(&other, now).unwrap(), None);

    // The consent ends after 24 h: the same grant opens nothing any more.
    let later = given + TimeDelta::hours(24);
    match s.get_medical(&view, later) {
        Err(StoreError::ConsentRefused(r)) => {
            assert!(matches!(r.reason, RefusalReason::Expired { .. }))
        }
        other => panic!("{other:?}"),
    }
    match s.put_medical(&cache, MEDS, later, later) {
        Err(StoreError::ConsentRefused(_)) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_new_fetch_replaces_the_cached_one() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut s = Store::open_encrypted(&dir.path().join("m.sqlite"), &keys).unwrap();
    let patient = card(32).person_key();
    let given = at(2026, 11, 20, 9, 0, 0);
    let cache = grant(&patient, Checkups, Purpose::Cache, given);
    s.put_medical(&cache, r#"{"bmi":22.1}"#, given, given)
        .unwrap();
    s.put_medical(
        &cache,
        r#"{"bmi":23.4}"#,
        given + TimeDelta::hours(1),
        given + TimeDelta::hours(1),
    )
    .unwrap();
    assert!(s.put_medical(&cache, "not json", given, given).is_err());
    let view = grant(&patient, Checkups, Purpose::View, given);
    let got = s
        .get_medical(&view, given + TimeDelta::hours(2))
        .unwrap()
        .unwrap();
    assert_eq!(got.json, r#"{"bmi":23.4}"#);
    assert_eq!(s.stats().unwrap().medical_rows, 1);
}

#[test]
fn purge_deletes_medical_information_older_than_the_retention_and_keeps_eligibility() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut s = Store::open_encrypted(&dir.path().join("m.sqlite"), &keys).unwrap();
    let now = at(2026, 11, 20, 9, 0, 0);
    let old_patient = card(33).person_key();
    let new_patient = card(34).person_key();
    // Fetched long ago under a consent that was valid then.
    let long_ago = now - TimeDelta::days(400);
    s.put_medical(
        &grant(&old_patient, Medication, Purpose::Cache, long_ago),
        MEDS,
        long_ago,
        long_ago,
    )
    .unwrap();
    s.put_medical(
        &grant(&new_patient, Medication, Purpose::Cache, now),
        MEDS,
        now,
        now,
    )
    .unwrap();
    let c = card(33);
    record(&mut s, &c, &result_for(&c, long_ago, 30), long_ago);

    let report = s.purge(now, TimeDelta::days(365)).unwrap();
    assert_eq!(report.medical_rows_deleted, 1);
    assert_eq!(report.cutoff, now - TimeDelta::days(365));
    assert_eq!(s.stats().unwrap().medical_rows, 1);
    assert_eq!(
        s.get_medical(&grant(&old_patient, Medication, Purpose::View, now), now)
            .unwrap(),
        None
    );
    assert!(s
        .get_medical(&grant(&new_patient, Medication, Purpose::View, now), now)
        .unwrap()
        .is_some());
    assert!(
        s.cached_result(&c).unwrap().is_some(),
        "eligibility is kept"
    );
    assert_eq!(
        s.purge(now, TimeDelta::days(365))
            .unwrap()
            .medical_rows_deleted,
        0
    );
}
