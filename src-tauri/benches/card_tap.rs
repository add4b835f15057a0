//! Benchmark: from a card tap (a result file renamed into `face/`) to the
//! desk holding the recorded result — the path the window's `card-tapped`
//! event follows. Target (issue "OQS folder formats"): within 1 s.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;
use madoguchi_core::ConsentCategory;

fn main() {
    let data = tempfile::tempdir().unwrap();
    let settings = Settings { data_dir: data.path().to_path_buf(), training_people: 10_000, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    let (tx, rx) = mpsc::channel();
    desk.taps.on_card_tap(move |o| {
        let _ = tx.send((Instant::now(), o.is_ok()));
    });
    desk.connect();
    let mut latencies = Vec::new();
    for _ in 0..30 {
        let now = chrono::Local::now().naive_local();
        let t = Instant::now();
        desk.checks.simulate_card_tap(&[ConsentCategory::Medication], now).unwrap();
        let (at, ok) = rx.recv_timeout(Duration::from_secs(10)).expect("the tap arrives");
        assert!(ok);
        latencies.push(at - t);
        std::thread::sleep(Duration::from_millis(100));
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "card tap to desk, 30 taps: p50 {:.0} ms, p90 {:.0} ms, max {:.0} ms (target < 1000 ms)",
        ms(latencies[15]),
        ms(latencies[27]),
        ms(latencies[29])
    );
    desk.shutdown();
}
