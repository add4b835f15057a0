//! Benchmark: the peak memory of importing an appointment list of 100,000
//! rows (decode, parse, validate, store — streamed into one transaction of
//! the encrypted store), as the desk does it. Target (issue 12, item 10):
//! ≤ 100 MB for 100,000 rows (it was 655 MB before the import was streamed).
//!
//! The import runs in a child process (this program again, with
//! `MADOGUCHI_BENCH_CHILD` set) so that the figure is its own: the child
//! prints its peak resident memory, `VmHWM` from `/proc/self/status` (Linux),
//! after opening the desk and after the import; the parent prints them.
//! `cargo bench --bench batch_memory`. Prints figures; asserts nothing.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

mod appointment_list;

use appointment_list::appointment_list;
use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;

const ROWS: usize = 100_000;
const CHILD: &str = "MADOGUCHI_BENCH_CHILD";

/// `VmHWM` (peak resident set) of this process, in kB.
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn child(list: &Path, data: &Path) {
    let settings = Settings { data_dir: data.to_path_buf(), service_url: Some("http://127.0.0.1:9".into()), ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    let opened = peak_kb().unwrap_or(0);
    let t = Instant::now();
    let bytes = madoguchi_adapters::input_file::read(list, None).unwrap();
    let now = chrono::Local::now().naive_local();
    let import = desk.batch.import(&bytes, Some("bench.csv"), now).unwrap();
    let took = t.elapsed();
    drop(bytes);
    assert_eq!(import.batch.total + import.bad_rows.len(), ROWS, "{:?}", import.batch);
    println!("opened {opened} imported {} rows {} bad {} ms {}", peak_kb().unwrap_or(0), import.batch.total, import.bad_rows.len(), took.as_millis());
}

fn main() {
    if let (Some(list), Some(data)) = (std::env::var_os(CHILD), std::env::var_os("MADOGUCHI_BENCH_DATA")) {
        return child(Path::new(&list), Path::new(&data));
    }
    let dir = tempfile::tempdir().unwrap();
    let pop = dir.path().join("pop.sqlite");
    let service = madoguchi_training::spawn_background(&pop, 10_000, 1, 0).unwrap();
    let people = madoguchi_training::sample(&pop, 1_000).unwrap();
    service.shutdown();
    let today = chrono::Local::now().date_naive();
    let csv = appointment_list(&people, ROWS, today);
    let list = dir.path().join("appointments.csv");
    std::fs::write(&list, &csv).unwrap();
    let data = dir.path().join("desk");
    let out = Command::new(std::env::current_exe().unwrap())
        .env(CHILD, &list)
        .env("MADOGUCHI_BENCH_DATA", &data)
        .output()
        .expect("the child runs");
    madoguchi_app::storage::forget_key(&data);
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(line) = text.lines().find(|l| l.starts_with("opened ")) else {
        eprintln!("the child failed: {}\n{}", text, String::from_utf8_lossy(&out.stderr));
        std::process::exit(1);
    };
    let f: Vec<&str> = line.split_whitespace().collect();
    let mb = |kb: &str| kb.parse::<f64>().unwrap_or(0.0) / 1024.0;
    println!("import of {ROWS} appointments ({} MB of CSV), in a child process", csv.len() / (1024 * 1024));
    println!("  peak memory after opening the desk (VmHWM): {:>7.1} MB", mb(f[1]));
    println!("  peak memory after the import (VmHWM):       {:>7.1} MB   (target ≤ 100 MB)", mb(f[3]));
    println!("  rows kept {}, bad rows {}, import {} ms", f[5], f[7], f[9]);
}
