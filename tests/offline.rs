//! Outages at the desk: the service goes away mid-session, the desk shows the
//! last answer it has — marked with its date, never as today's — queues a
//! re-check for the visit, and replays it when the service is back, flagging
//! what changed.

mod common;

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
fn an_outage_shows_the_cached_result_queues_and_replays() {
    let service = common::TrainingService::start(1_000, 21);
    let people = service.sample(3);
    let (known, unknown) = (&people[0], &people[1]);
    let data = common::data_dir();
    let settings = Settings { data_dir: data.path().to_path_buf(), service_url: Some(service.url.clone()), timeout_secs: 2, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    let now = chrono::Local::now().naive_local();
    let first = desk.checks.check(&input(known), now).unwrap();
    assert!(first.as_of.is_none());
    assert!(first.result.validity.is_valid());

    // The service goes down.
    let stopped = service.stop();
    let later = now + chrono::Duration::minutes(5);
    let offline = desk.checks.check(&input(known), later).unwrap();
    assert_eq!(offline.as_of, Some(first.result.confirmed_at), "marked with when it was confirmed");
    assert_eq!(offline.warning.as_ref().map(|w| w.id.as_str()), Some("offline-cached"));
    assert!(offline.queued.is_some());
    assert_eq!(offline.result.person, first.result.person);
    // The status line says the service cannot be reached.
    assert_eq!(desk.context().status().problem.map(|m| m.id), Some("gateway-unreachable".to_string()));
    // Nobody the desk has not seen: refused with a clear message, but queued.
    let err = desk.checks.check(&input(unknown), later).unwrap_err();
    assert_eq!(err.message.id, "offline-queued");
    assert_eq!(desk.checks.pending_checks().unwrap(), 2);
    // A replay while still down backs off and keeps both.
    let report = desk.checks.replay_due(later).unwrap();
    assert_eq!((report.replayed, report.still_failing), (0, 2));
    assert_eq!(desk.checks.pending_checks().unwrap(), 2);

    // The service comes back on the same address, with another population:
    // the known person's card no longer answers the same.
    let _back = stopped.resume_with(1_000, 99);
    let much_later = later + chrono::Duration::hours(2);
    let report = desk.checks.replay_due(much_later).unwrap();
    assert_eq!(report.replayed, 2, "{report:?}");
    assert_eq!(desk.checks.pending_checks().unwrap(), 0);
    let change = report.changes.iter().find(|c| !c.nothing_shown).expect("what was shown differs from the replay");
    assert!(change.differences.iter().any(|d| d.field == madoguchi_api::desk::ChangedField::Validity), "{change:?}");
    // A check that goes through clears the outage from the status line.
    desk.checks.check(&input(known), much_later).unwrap();
    assert!(desk.context().status().problem.is_none());
    // Replaying again does nothing (idempotent).
    assert_eq!(desk.checks.replay_due(much_later).unwrap().replayed, 0);
    desk.shutdown();
}
