//! Benchmark: 一括照会 of 1,000 appointments against the training service —
//! import (parse + validate + store), run (HTTP checks, a few in flight,
//! each answer recorded as a check with its audit entry) and report.
//! Target (issue #7): 1,000 appointments in < 10 s.
//!
//! `cargo bench --bench batch` (or `./x bench`). Prints figures; asserts nothing.

use std::time::Instant;

mod appointment_list;

use appointment_list::appointment_list;
use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;

const ROWS: usize = 1_000;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let service = madoguchi_training::spawn_background(dir.path().join("pop.sqlite"), 10_000, 1, 0).unwrap();
    let people = madoguchi_training::sample(&dir.path().join("pop.sqlite"), ROWS).unwrap();
    println!("training service with 10,000 people, {} sampled: {:.2} s (not counted)", people.len(), t.elapsed().as_secs_f64());
    let now = chrono::Local::now().naive_local();
    let csv = appointment_list(&people, ROWS, now.date());
    let settings = Settings { service_url: Some(service.url()), data_dir: dir.path().join("desk"), ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    desk.connect();

    let t_all = Instant::now();
    let import = desk.batch.import(csv.as_bytes(), Some("bench.csv"), now).unwrap();
    let t_import = t_all.elapsed();
    let run = desk.batch.run(import.batch.id, &|_| {}, now).unwrap();
    let t_run = t_all.elapsed() - t_import;
    let t = Instant::now();
    let report_csv = madoguchi_app::batch::report_csv(madoguchi_i18n::Lang::Ja, &run.report);
    let t_csv = t.elapsed();
    let total = t_all.elapsed();

    assert!(run.stopped.is_none());
    println!("batch of {ROWS} appointments ({} workers over HTTP)", madoguchi_app::batch::WORKERS);
    println!("  import (decode, parse, validate, store):  {:>8.1} ms", t_import.as_secs_f64() * 1e3);
    println!("  run (check, record, audit, report):       {:>8.1} ms", t_run.as_secs_f64() * 1e3);
    println!("  CSV export ({} KB):                      {:>8.1} ms", report_csv.len() / 1024, t_csv.as_secs_f64() * 1e3);
    println!("  total:                                    {:>8.2} s   (target < 10 s)", total.as_secs_f64());
    println!("  per appointment:                          {:>8.2} ms", total.as_secs_f64() * 1e3 / ROWS as f64);
    println!("  {}", madoguchi_app::batch::summary(madoguchi_i18n::Lang::En, &run.report));
}
