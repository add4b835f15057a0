//! Consents recorded at the desk (`store::consents`, migration 7) in a real
//! SQLite file: written as the core made them, read back as they were, kept
//! across a reopen; a damaged row refuses through `consent::decide`, never allows.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use madoguchi_adapters::store::Store;
use madoguchi_core::consent::{decide, disaster_consents, ConsentSource, ConsentState, DisasterBasis, Purpose};
use madoguchi_core::staff::Role;
use madoguchi_core::ConsentCategory::{Checkups, Medication};

const KEY: &str = "06139999:12:345:01";

fn at(h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 21).unwrap().and_hms_opt(h, 0, 0).unwrap()
}

#[test]
fn recorded_consents_read_back_and_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.sqlite");
    let oral = disaster_consents(KEY, &[Medication, Checkups], &DisasterBasis::Oral, "dr1", at(9)).unwrap();
    let reason = "意識不明。服薬歴の確認が救命に必要";
    let unconscious = disaster_consents(KEY, &[Medication], &DisasterBasis::Unconscious { reason: reason.into() }, "dr2", at(10)).unwrap();
    {
        let mut s = Store::open(&path).unwrap();
        // (The check it was recorded on must exist: a foreign key; none here.)
        let ids = s.record_consents(&oral, Some(Role::Qualified), at(9), None).unwrap();
        assert_eq!(ids.len(), 2);
        s.record_consents(&unconscious, Some(Role::Qualified), at(10), None).unwrap();
        // Another patient's consents are not this patient's.
        let other = disaster_consents("06139999:12:345:02", &[Checkups], &DisasterBasis::Oral, "dr1", at(9)).unwrap();
        s.record_consents(&other, None, at(9), None).unwrap();
    }
    let s = Store::open(&path).unwrap();
    let all = s.recorded_consents(KEY).unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].consent, oral[0]);
    assert_eq!(all[1].consent, oral[1]);
    assert_eq!(all[2].consent, unconscious[0]);
    assert_eq!(all[2].consent.source, ConsentSource::UnconsciousVitalInterest { reason: reason.into() });
    assert_eq!(all[0].role, Some(Role::Qualified));
    assert_eq!(all[0].recorded_at, at(9));
    assert_eq!(all[0].check_id, None);
    assert_eq!(all[0].consent.valid_until, at(9) + TimeDelta::hours(24));

    let state = ConsentState::from_stored(KEY, s.consents_for(KEY).unwrap());
    assert!(decide(&state, KEY, Checkups, Purpose::View, at(12)).is_allowed());
    assert_eq!(decide(&state, KEY, Checkups, Purpose::View, at(9) + TimeDelta::hours(24)).kind(), "expired");
}

#[test]
fn a_damaged_row_refuses_and_nothing_is_half_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.sqlite");
    let mut s = Store::open(&path).unwrap();
    // An unconscious consent whose reason was lost, and one over 24 hours: as
    // if written by something else. `decide` refuses both.
    let mut bad = disaster_consents(KEY, &[Medication], &DisasterBasis::Unconscious { reason: "x".into() }, "dr1", at(9)).unwrap();
    bad[0].source = ConsentSource::UnconsciousVitalInterest { reason: String::new() };
    let mut long = disaster_consents(KEY, &[Checkups], &DisasterBasis::Oral, "dr1", at(9)).unwrap();
    long[0].valid_until = at(9) + TimeDelta::hours(48);
    s.record_consents(&bad, None, at(9), None).unwrap();
    s.record_consents(&long, None, at(9), None).unwrap();
    let state = ConsentState::from_stored(KEY, s.consents_for(KEY).unwrap());
    assert_eq!(decide(&state, KEY, Medication, Purpose::View, at(10)).kind(), "invalid_record");
    assert_eq!(decide(&state, KEY, Checkups, Purpose::View, at(10)).kind(), "invalid_record");

    // All or none: a batch that fails half-way leaves nothing.
    let before = s.consents_for(KEY).unwrap().len();
    drop(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER no_checkups BEFORE INSERT ON consents WHEN NEW.category = 'checkups'
         BEGIN SELECT RAISE(ABORT, 'refused'); END;",
    )
    .unwrap();
    drop(conn);
    let mut s = Store::open(&path).unwrap();
    let both = disaster_consents(KEY, &[Medication, Checkups], &DisasterBasis::Oral, "dr1", at(11)).unwrap();
    assert!(s.record_consents(&both, None, at(11), None).is_err());
    assert_eq!(s.consents_for(KEY).unwrap().len(), before);
}
