//! The queue of checks deferred while offline, and what their replay changed.
mod store_support;

use madoguchi_adapters::keystore::MemoryKeyStore;
use madoguchi_adapters::store::{ChangedField, Difference, Store, StoreError};
use madoguchi_core::codes::Validity;
use store_support::*;

fn open(dir: &tempfile::TempDir, keys: &MemoryKeyStore) -> Store {
    Store::open_encrypted(&dir.path().join("m.sqlite"), keys).unwrap()
}

#[test]
fn a_deferred_check_is_due_retried_and_completed_once() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut s = open(&dir, &keys);
    let c = card(20);
    let visit = at(2026, 11, 20, 9, 15, 0);
    // Offline at the visit: staff saw the cached result (3割, old insurer name).
    let shown = result_for(&c, at(2026, 10, 1, 9, 0, 0), 30);
    let id = s.queue_check(&c, visit, Some(&shown)).unwrap();
    assert_eq!(s.pending_count().unwrap(), 1);
    assert!(
        s.due_checks(at(2026, 11, 20, 9, 14, 59))
            .unwrap()
            .is_empty(),
        "not before the visit"
    );

    let due = s.due_checks(at(2026, 11, 20, 9, 16, 0)).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].id, id);
    assert_eq!(due[0].card, c);
    assert_eq!(due[0].visit_at, visit);
    assert_eq!(due[0].shown.as_ref(), Some(&shown));
    assert_eq!(due[0].attempts, 0);

    // Still offline: retry in five minutes.
    s.fail_queued(id, "unreachable", at(2026, 11, 20, 9, 21, 0))
        .unwrap();
    assert!(s.due_checks(at(2026, 11, 20, 9, 20, 0)).unwrap().is_empty());
    let due = s.due_checks(at(2026, 11, 20, 9, 21, 0)).unwrap();
    assert_eq!(due[0].attempts, 1);
    assert_eq!(due[0].last_error.as_deref(), Some("unreachable"));

    // Back online: the answer says 2割 and another insurer name.
    let mut replay = result_for(&c, at(2026, 11, 20, 9, 22, 0), 20);
    replay.qualification.as_mut().unwrap().insurer_name = Some("新しい健康保険組合".into());
    let done_at = at(2026, 11, 20, 9, 22, 1);
    let change = s
        .complete_queued(id, &replay, done_at)
        .unwrap()
        .expect("a change");
    assert_eq!(change.queued_id, id);
    assert_eq!(change.visit_at, visit);
    assert_eq!(change.completed_at, done_at);
    assert_eq!(change.person_key, c.person_key());
    assert!(!change.nothing_shown);
    assert_eq!(
        change.differences,
        vec![
            Difference {
                field: ChangedField::InsurerName,
                shown: Some("窓口健康保険組合".into()),
                replayed: Some("新しい健康保険組合".into()),
            },
            Difference {
                field: ChangedField::Copay,
                shown: Some("30".into()),
                replayed: Some("20".into()),
            },
        ]
    );
    assert_eq!(s.pending_count().unwrap(), 0);
    assert!(s.due_checks(at(2030, 1, 1, 0, 0, 0)).unwrap().is_empty());
    assert_eq!(s.changes_to_review().unwrap(), vec![change.clone()]);

    // Completing again (a second replayer, a retry after a crash) changes nothing.
    let mut other = replay.clone();
    other.validity = Validity::Invalid;
    assert_eq!(
        s.complete_queued(id, &other, at(2026, 11, 20, 10, 0, 0))
            .unwrap(),
        None
    );
    assert_eq!(s.changes_to_review().unwrap(), vec![change]);
    // Failing a done check does nothing either.
    s.fail_queued(id, "late error", at(2026, 11, 21, 0, 0, 0))
        .unwrap();
    assert_eq!(s.pending_count().unwrap(), 0);

    s.mark_reviewed(id, at(2026, 11, 20, 12, 0, 0)).unwrap();
    assert!(s.changes_to_review().unwrap().is_empty());
    // And it all survives a restart.
    drop(s);
    let s = open(&dir, &keys);
    assert_eq!(s.pending_count().unwrap(), 0);
    assert!(s.changes_to_review().unwrap().is_empty());
}

#[test]
fn a_replay_that_agrees_with_what_was_shown_needs_no_review() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut s = open(&dir, &keys);
    let c = card(21);
    let shown = result_for(&c, at(2026, 10, 1, 9, 0, 0), 30);
    let id = s
        .queue_check(&c, at(2026, 11, 20, 9, 0, 0), Some(&shown))
        .unwrap();
    // Confirmed later, same facts.
    let replay = result_for(&c, at(2026, 11, 20, 9, 30, 0), 30);
    assert_eq!(
        s.complete_queued(id, &replay, at(2026, 11, 20, 9, 30, 1))
            .unwrap(),
        None
    );
    assert!(s.changes_to_review().unwrap().is_empty());
    assert_eq!(s.pending_count().unwrap(), 0);
}

#[test]
fn when_nothing_was_shown_every_replayed_fact_is_to_review() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut s = open(&dir, &keys);
    let c = card(22);
    let id = s.queue_check(&c, at(2026, 11, 20, 9, 0, 0), None).unwrap();
    let mut replay = result_for(&c, at(2026, 11, 20, 9, 30, 0), 10);
    replay.validity = Validity::Invalid;
    replay.qualification.as_mut().unwrap().valid_until =
        chrono::NaiveDate::from_ymd_opt(2026, 10, 31);
    let change = s
        .complete_queued(id, &replay, at(2026, 11, 20, 9, 30, 1))
        .unwrap()
        .unwrap();
    assert!(change.nothing_shown);
    let fields: Vec<ChangedField> = change.differences.iter().map(|d| d.field).collect();
    assert_eq!(
        fields,
        vec![
            ChangedField::Validity,
            ChangedField::InsurerNumber,
            ChangedField::InsurerName,
            ChangedField::Copay,
            ChangedField::ValidFrom,
            ChangedField::ValidUntil
        ]
    );
    assert!(change.differences.iter().all(|d| d.shown.is_none()));
    assert_eq!(change.differences[0].replayed.as_deref(), Some("2"));
}

#[test]
fn due_checks_come_oldest_first_and_unknown_ids_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut s = open(&dir, &keys);
    let late = s
        .queue_check(&card(23), at(2026, 11, 20, 11, 0, 0), None)
        .unwrap();
    let early = s
        .queue_check(&card(24), at(2026, 11, 20, 9, 0, 0), None)
        .unwrap();
    let ids: Vec<i64> = s
        .due_checks(at(2026, 11, 20, 12, 0, 0))
        .unwrap()
        .iter()
        .map(|q| q.id)
        .collect();
    assert_eq!(ids, vec![early, late]);
    assert_eq!(s.pending_count().unwrap(), 2);
    let r = result_for(&card(23), at(2026, 11, 20, 12, 0, 0), 30);
    assert!(matches!(
        s.complete_queued(9999, &r, at(2026, 11, 20, 12, 0, 0)),
        Err(StoreError::NoSuchRow { id: 9999, .. })
    ));
    assert!(matches!(
        s.fail_queued(9999, "x", at(2026, 11, 20, 12, 0, 0)),
        Err(StoreError::NoSuchRow { .. })
    ));
    assert!(matches!(
        s.mark_reviewed(9999, at(2026, 11, 20, 12, 0, 0)),
        Err(StoreError::NoSuchRow { .. })
    ));
}

#[test]
fn a_replayed_check_its_audit_entry_and_the_queue_commit_together_once() {
    use madoguchi_adapters::audit::{AuditAction, AuditFilter, NewAuditEntry};
    use madoguchi_adapters::store::NewCheck;
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let mut s = open(&dir, &keys);
    let c = card(21);
    let visit = at(2026, 11, 20, 9, 15, 0);
    let id = s.queue_check(&c, visit, None).unwrap();
    let replay = result_for(&c, at(2026, 11, 20, 9, 30, 0), 30);
    let entry = NewAuditEntry {
        at: at(2026, 11, 20, 9, 30, 0),
        staff_id: "受付1".into(),
        role: None,
        action: AuditAction::EligibilityCheck,
        patient_key: Some(c.person_key()),
        outcome: madoguchi_adapters::audit::Outcome::Validity(madoguchi_core::codes::Validity::Valid),
        reason: None,
        detail: None,
    };
    let check = NewCheck { checked_at: at(2026, 11, 20, 9, 30, 0), staff: "受付1", asked: Some(&c), result: &replay };
    let ((check_id, audited), change) = s.complete_queued_audited(id, &check, &entry, at(2026, 11, 20, 9, 30, 1)).unwrap().expect("recorded");
    audited.unwrap();
    assert!(change.expect("nothing was shown: everything is to review").nothing_shown);
    assert_eq!(s.pending_count().unwrap(), 0);
    // Replayed again (a second window, a retry): nothing more recorded.
    assert!(s.complete_queued_audited(id, &check, &entry, at(2026, 11, 20, 9, 31, 0)).unwrap().is_none());
    let checks = s.checks_on(visit.date()).unwrap();
    assert_eq!(checks.iter().map(|c| c.id).collect::<Vec<_>>(), vec![check_id]);
    let log = s.audit_query(&AuditFilter { action: Some(AuditAction::EligibilityCheck), ..Default::default() }).unwrap();
    assert_eq!(log.len(), 1);
    let detail: serde_json::Value = serde_json::from_str(log[0].detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["check_id"], check_id, "the entry names its check");
}
