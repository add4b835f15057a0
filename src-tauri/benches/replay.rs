//! Benchmark: replay of 1,000 checks deferred during an outage, against the
//! real training service over HTTP on 127.0.0.1, through the desk (each
//! replay: HTTP check, record in SQLite, audit entry, compare with what was
//! shown, mark done). Target (issue "offline-first"): < 30 s.
//!
//! `cargo bench --bench replay` (or `./x bench`). Prints figures; asserts nothing
//! about time (only that every check was replayed).

use std::time::{Duration, Instant};

use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;
use madoguchi_core::validation::CardInput;

const QUEUED: usize = 1_000;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let pop = dir.path().join("pop.sqlite");
    // The population first (same file the service will serve), the service later.
    madoguchi_training::generate(&pop, 10_000, 1).unwrap();
    let people = madoguchi_training::sample(&pop, QUEUED).unwrap();
    let port = free_port();
    let settings = Settings {
        service_url: Some(format!("http://127.0.0.1:{port}")),
        data_dir: dir.path().join("desk"),
        timeout_secs: 10,
        ..Settings::default()
    };
    let inputs: Vec<CardInput> = people
        .iter()
        .map(|p| CardInput {
            insurer_number: p.insurer_number.clone(),
            symbol: p.symbol.clone(),
            number: p.number.clone(),
            branch: p.branch.clone(),
            birth_date: p.birth_date.to_string(),
        })
        .collect();
    let desk = Desk::open(settings).unwrap();

    // These patients were seen before, so the desk has their answers cached.
    let seen = chrono::Local::now().naive_local();
    let service = madoguchi_training::spawn_population(madoguchi_training::generate(&pop, 10_000, 1).unwrap(), port).unwrap();
    desk.connect();
    for input in &inputs {
        desk.checks.check(input, seen).unwrap();
    }
    service.shutdown();

    // The outage: nothing listens on the port; each check shows the cached
    // answer and is queued.
    let visit = seen + chrono::Duration::minutes(30);
    let t = Instant::now();
    let mut i = 0;
    while desk.checks.pending_checks().unwrap() < QUEUED as i64 {
        let outcome = desk.checks.check(&inputs[i % inputs.len()], visit).unwrap();
        assert!(outcome.as_of.is_some(), "the cached answer, marked");
        i += 1;
    }
    let queueing = t.elapsed();

    // The service comes back on the same address.
    let population = madoguchi_training::generate(&pop, 10_000, 1).unwrap();
    let _service = madoguchi_training::spawn_population(population, port).unwrap();
    let later = visit + chrono::Duration::minutes(30);
    let t = Instant::now();
    let mut replayed = 0;
    let mut changes = 0;
    while desk.checks.pending_checks().unwrap() > 0 {
        let report = desk.checks.replay_due(later).unwrap();
        replayed += report.replayed;
        changes += report.changes.len();
        assert_eq!(report.still_failing, 0, "the service answers");
        assert!(t.elapsed() < Duration::from_secs(600), "replay stalled");
    }
    let replay = t.elapsed();
    assert_eq!(replayed, QUEUED);

    println!("queue {QUEUED} checks during the outage (cached answer shown)   {:>8.2} s", queueing.as_secs_f64());
    println!(
        "replay {QUEUED} queued checks against the training service   {:>8.2} s   ({:.2} ms per check, {changes} flagged)   target < 30 s",
        replay.as_secs_f64(),
        replay.as_secs_f64() * 1e3 / QUEUED as f64
    );
}
