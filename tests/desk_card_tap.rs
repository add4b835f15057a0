//! The desk's card-tap path without a window: a simulated tap in training
//! mode reaches the desk once, is recorded in today's checks, and carries the
//! consent flags the patient chose.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;
use madoguchi_core::ConsentCategory;

#[test]
fn a_simulated_tap_reaches_the_desk_once_and_is_recorded() {
    let data = tempfile::tempdir().unwrap();
    let settings = Settings { data_dir: data.path().to_path_buf(), training_people: 2_000, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    desk.on_card_tap(move |o| sink.lock().unwrap().push(o));
    desk.connect();
    assert!(desk.status().ready, "{:?}", desk.status());

    let now = chrono::Local::now().naive_local();
    let started = Instant::now();
    desk.simulate_card_tap(&[ConsentCategory::Medication], now).unwrap();
    while seen.lock().unwrap().is_empty() && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let latency = started.elapsed();
    // Give a runaway watcher the chance to show itself.
    std::thread::sleep(Duration::from_millis(1500));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "one tap, one event: {seen:?}");
    let outcome = seen[0].as_ref().expect("the tap parses");
    assert!(outcome.result.validity.is_valid());
    let medication = outcome.result.consent(ConsentCategory::Medication).unwrap();
    assert!(medication.given);
    assert!(!outcome.result.consent(ConsentCategory::Clinical).unwrap().given);
    let today = desk.checks_on(now.date()).unwrap();
    assert_eq!(today.len(), 1);
    assert_eq!(today[0].source, madoguchi_core::ResultSource::CardReader);
    assert!(latency < Duration::from_secs(1), "a tap reaches the desk within 1 s, took {latency:?}");
    desk.shutdown();
}
