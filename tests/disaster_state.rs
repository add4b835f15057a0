//! 災害時モード state is the store's tables, not the audit log's texts: the
//! local emergency in force is its row in `local_emergencies` (a row without
//! any `local_emergency` entry counts; a forged `declared` entry alone does
//! not), and a disaster consent needs a row in `disaster_matches` (a forged
//! `found` entry alone does not permit one). Renaming an outcome's code
//! therefore changes no behaviour.

mod common;

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use madoguchi_adapters::audit::{AuditAction, NewAuditEntry, Outcome};
use madoguchi_app::consents::DisasterConsentInput;
use madoguchi_app::desk::Desk;
use madoguchi_app::disaster::{LookupMode, LookupRoute};
use madoguchi_app::settings::Settings;
use madoguchi_core::audit::DisasterResult;
use madoguchi_core::consent::DisasterBasis;
use madoguchi_core::matching::DisasterQuery;
use madoguchi_core::staff::{Role, Session};
use madoguchi_core::ConsentCategory::Medication;

fn now() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// As the log and the tables store times.
fn stored(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.9f").to_string()
}

/// Appends `entry` to the folder's log sealed as the desk seals it (what
/// someone holding the OS account can forge), with the desk closed.
fn forge(data: &Path, entry: &NewAuditEntry) {
    let settings = Settings { data_dir: data.to_path_buf(), ..Default::default() };
    let store = madoguchi_app::storage::open(&settings).unwrap();
    store.audit_append(entry).unwrap();
}

fn forged(action: AuditAction, outcome: Outcome, staff: &str, role: Role, key: Option<String>) -> NewAuditEntry {
    NewAuditEntry {
        at: now() - Duration::minutes(30),
        staff_id: staff.into(),
        role: Some(role),
        action,
        patient_key: key,
        outcome,
        reason: Some("停電".into()),
        detail: None,
    }
}

fn doctor(desk: &Desk) {
    desk.staff.sign_in_session(Session::new("dr1", "医師 一郎", Role::Qualified, now()), now());
}

fn query() -> DisasterQuery {
    DisasterQuery { name: "山田 太郎".into(), birth_date: "1980-01-01".into(), sex: "男".into(), hint: "東京都新宿区西新宿2丁目8番1号".into() }
}

#[test]
fn the_local_emergency_in_force_is_its_row_not_an_entry_of_the_log() {
    let data = common::data_dir();
    drop(common::real_desk(data.path()));
    // A declaration in the log alone, sealed as the desk would seal it.
    forge(data.path(), &forged(AuditAction::LocalEmergency, Outcome::EmergencyDeclared, "admin1", Role::Administrator, None));
    {
        let desk = common::real_desk(data.path());
        assert!(desk.context().audit_entries().unwrap().iter().any(|e| e.action == AuditAction::LocalEmergency && e.outcome == "declared"));
        assert_eq!(desk.disaster.local_emergency().unwrap(), None);
        doctor(&desk);
        // The service cannot be reached and no emergency is in force.
        let e = desk.disaster.lookup(&query(), LookupRoute::Auto, now()).unwrap_err();
        assert_eq!(e.message.id, "disaster-offline-needs-emergency");
        desk.shutdown();
    }

    // A row in force, and no entry of the log says so (nor any other text).
    let conn = common::desk_db(data.path());
    conn.execute(
        "INSERT INTO local_emergencies (declared_at, declared_by, reason) VALUES (?1, 'kanri', '地震')",
        [stored(now() - Duration::hours(1))],
    )
    .unwrap();
    drop(conn);
    let desk = common::real_desk(data.path());
    let e = desk.disaster.local_emergency().unwrap().expect("the row is the state");
    assert_eq!((e.declared_by.as_str(), e.reason.as_deref()), ("kanri", Some("地震")));
    doctor(&desk);
    let l = desk.disaster.lookup(&query(), LookupRoute::Auto, now()).unwrap();
    assert_eq!(l.mode, LookupMode::Offline);

    // Ending it ends the row, with its entry.
    desk.staff.sign_in_session(Session::new("admin1", "管理 太郎", Role::Administrator, now()), now());
    assert!(desk.disaster.end_local_emergency(now()).unwrap());
    assert_eq!(desk.disaster.local_emergency().unwrap(), None);
    assert!(!desk.disaster.end_local_emergency(now()).unwrap(), "nothing more to end");
    let ended: Vec<_> = desk
        .context().audit_entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::LocalEmergency && e.outcome == "ended")
        .map(|e| e.staff_id)
        .collect();
    assert_eq!(ended, ["admin1"]);
    desk.shutdown();
    let open: i64 = common::desk_db(data.path())
        .query_row("SELECT COUNT(*) FROM local_emergencies WHERE ended_at IS NULL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(open, 0);
}

/// A desk in training mode (the embedded service and terminal).
fn training_desk(data: &Path) -> Arc<Desk> {
    let desk = Desk::open(Settings { data_dir: data.to_path_buf(), training_people: 1_000, ..Settings::default() }).unwrap();
    desk.connect();
    assert!(desk.context().status().ready, "{:?}", desk.context().status());
    desk
}

fn oral() -> DisasterConsentInput {
    DisasterConsentInput { categories: vec![Medication], basis: DisasterBasis::Oral }
}

#[test]
fn a_disaster_consent_needs_a_recorded_match_not_an_entry_of_the_log() {
    let data = common::data_dir();
    let (forged_key, forged_check, matched_key, matched_check) = {
        let desk = training_desk(data.path());
        let people = madoguchi_training::sample(&desk.context().settings().training_db_path(), 2).unwrap();
        let mut checked = people.iter().map(|p| {
            let card = madoguchi_core::validation::CardInput {
                insurer_number: p.insurer_number.clone(),
                symbol: p.symbol.clone(),
                number: p.number.clone(),
                branch: p.branch.clone(),
                birth_date: p.birth_date.to_string(),
            };
            let key = format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch);
            (key, desk.checks.check(&card, now()).unwrap().check_id.unwrap())
        });
        let (a, b) = (checked.next().unwrap(), checked.next().unwrap());
        desk.shutdown();
        (a.0, a.1, b.0, b.1)
    };
    // A look-up that "found" the first patient, in the log only.
    forge(
        data.path(),
        &forged(AuditAction::DisasterLookup, Outcome::Disaster(DisasterResult::Found), "dr1", Role::Qualified, Some(forged_key.clone())),
    );
    // A match recorded for the second, and no look-up of them in the log.
    let conn = common::desk_db(data.path());
    conn.execute(
        "INSERT INTO disaster_matches (patient_key, matched_at, staff_id, mode) VALUES (?1, ?2, 'dr1', 'online')",
        [matched_key.clone(), stored(now() - Duration::hours(1))],
    )
    .unwrap();
    drop(conn);

    // The trainee (qualified in training mode) records, as at the desk.
    let desk = training_desk(data.path());
    let e = desk.consents.record_disaster(forged_check, &oral(), now()).unwrap_err();
    assert_eq!(e.message.id, "disaster-consent-no-match");
    assert!(desk
        .context().audit_entries()
        .unwrap()
        .iter()
        .any(|e| e.action == AuditAction::Consent && e.outcome == "refused:no_match" && e.patient_key.as_deref() == Some(forged_key.as_str())));
    let r = desk.consents.record_disaster(matched_check, &oral(), now()).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].consent.patient_key, matched_key);
    // A day after the match, it no longer counts.
    let e = desk.consents.record_disaster(matched_check, &oral(), now() + Duration::hours(25)).unwrap_err();
    assert_eq!(e.message.id, "disaster-consent-no-match");
    desk.shutdown();
}
