//! Generating the training population at the largest size the README
//! promises: 1,000,000 people (was an `#[ignore]`d test that nothing ran).
//! Prints the time and checks what was made: the number of people, and that
//! the file answers a sample.
//!
//! `cargo bench -p madoguchi-training --bench population` (run by `./x bench`);
//! the size with `MADOGUCHI_BENCH_PEOPLE` (default 1,000,000).

use std::time::Instant;

use madoguchi_training::generate;

fn main() {
    let people: u64 = std::env::var("MADOGUCHI_BENCH_PEOPLE").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let p = generate(&dir.path().join("m.sqlite"), people, 3).unwrap();
    let took = started.elapsed();
    let n: i64 = p.connect().unwrap().query_row("SELECT count(*) FROM persons", [], |r| r.get(0)).unwrap();
    assert_eq!(n as u64, people, "every person generated");
    let today = chrono::Local::now().date_naive();
    assert_eq!(p.sample_on(10, today).unwrap().len(), 10, "a sample comes back");
    let size = std::fs::metadata(dir.path().join("m.sqlite")).map(|m| m.len()).unwrap_or(0);
    println!("population: {people} people generated in {:.2} s ({} MB on disk)", took.as_secs_f64(), size / 1_000_000);
}
