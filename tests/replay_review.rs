//! A replayed check that answers differently from what staff were shown at
//! the visit is flagged for that visit until staff acknowledge it; the
//! acknowledgement is recorded. The real training service, whose population
//! file is changed while it is down, and a real SQLite file.

mod common;

use madoguchi_api::desk::ChangedField;
use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;
use madoguchi_core::validation::CardInput;

fn input(p: &common::Sample) -> CardInput {
    CardInput {
        insurer_number: p.insurer_number.clone(),
        symbol: p.symbol.clone(),
        number: p.number.clone(),
        branch: p.branch.clone(),
        birth_date: p.birth_date.clone(),
    }
}

#[test]
fn a_changed_copay_is_flagged_for_the_visit_until_acknowledged() {
    let service = common::TrainingService::start(500, 7);
    let person = service
        .sample(12)
        .into_iter()
        .find(|p| p.expected_validity == "valid" && p.copay_percent == Some(30))
        .expect("a valid person with 3割");
    let data = common::data_dir();
    let settings = Settings { data_dir: data.path().to_path_buf(), service_url: Some(service.url.clone()), timeout_secs: 2, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    let seen = chrono::Local::now().naive_local() - chrono::Duration::hours(3);
    assert_eq!(desk.checks.check(&input(&person), seen).unwrap().result.effective_copay().map(|c| c.0), Some(30));

    // The outage: the cached 3割 is shown at the visit and a re-check queued.
    let stopped = service.stop();
    let visit = seen + chrono::Duration::hours(1);
    let shown = desk.checks.check(&input(&person), visit).unwrap();
    assert!(shown.as_of.is_some());
    assert!(desk.checks.changes_to_review().unwrap().is_empty());

    // Meanwhile the patient's copay became 2割.
    let conn = rusqlite::Connection::open(&stopped.db).unwrap();
    let n = conn
        .execute(
            "UPDATE qualifications SET copay = 20, elderly_copay = CASE WHEN elderly_copay IS NULL THEN NULL ELSE 20 END
             WHERE insurer_number = ?1 AND symbol = ?2 AND number = ?3 AND coalesce(branch, '') = ?4",
            [&person.insurer_number, &person.symbol, &person.number, &person.branch],
        )
        .unwrap();
    assert_eq!(n, 1);
    drop(conn);
    let _back = stopped.resume();

    let now = visit + chrono::Duration::hours(1);
    let report = desk.checks.replay_due(now).unwrap();
    assert_eq!(report.replayed, 1, "{report:?}");
    // The service answers again: the status line no longer says it is out.
    assert!(desk.context().status().problem.is_none());

    let flagged = desk.checks.changes_to_review().unwrap();
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    let f = &flagged[0];
    assert_eq!(f.change.visit_at, visit, "the visit's time, not the replay's");
    assert_eq!(f.name.as_deref(), Some(person.name.as_str()));
    assert!(!f.change.nothing_shown);
    let copay = f.change.differences.iter().find(|d| d.field == ChangedField::Copay).expect("the copay differs");
    assert_eq!((copay.shown.as_deref(), copay.replayed.as_deref()), (Some("30"), Some("20")));
    // Only what changed is flagged.
    assert!(f.change.differences.iter().all(|d| d.field == ChangedField::Copay), "{:?}", f.change.differences);
    // The window serialises it flat (the UI's FlaggedChange mirrors this).
    let json = serde_json::to_value(f).unwrap();
    assert_eq!(json["queued_id"], f.change.queued_id);
    assert_eq!(json["differences"][0]["field"], "copay");

    // Still flagged after a restart of the desk (it is in the store).
    drop(desk);
    let desk = Desk::open(Settings { data_dir: data.path().to_path_buf(), ..Settings::default() }).unwrap();
    assert_eq!(desk.checks.changes_to_review().unwrap().len(), 1);

    // Staff acknowledge it: it leaves the list; the store and the audit log say when and who.
    let id = f.change.queued_id;
    desk.checks.acknowledge_change(id, now + chrono::Duration::minutes(5)).unwrap();
    assert!(desk.checks.changes_to_review().unwrap().is_empty());
    desk.checks.acknowledge_change(id, now + chrono::Duration::minutes(6)).unwrap();
    let db = common::desk_db(data.path());
    let reviewed: Option<String> = db.query_row("SELECT reviewed_at FROM queued_checks WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    let reviewed = chrono::NaiveDateTime::parse_from_str(&reviewed.expect("recorded"), "%Y-%m-%dT%H:%M:%S%.f").unwrap();
    assert_eq!(reviewed, now + chrono::Duration::minutes(5), "the first acknowledgement is kept");
    let audit = desk.context().audit_entries().unwrap();
    let ack: Vec<_> = audit.iter().filter(|e| e.action.code() == "replay_change_acknowledged").collect();
    assert_eq!(ack.len(), 2, "each acknowledgement is logged");
    assert_eq!(ack[0].outcome, id.to_string());
    // An unknown id is refused in words.
    let err = desk.checks.acknowledge_change(id + 1000, now).unwrap_err();
    assert_eq!(err.message.id, "store-no-such-row");
    desk.shutdown();
}
