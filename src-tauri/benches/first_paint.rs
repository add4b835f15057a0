//! Benchmark: the desk's cold start to first paint and its resident memory,
//! in a real window (run under Xvfb: `./x bench` does). Targets (issue
//! "walking skeleton"): first paint < 1 s, resident memory < 150 MB.
//!
//! Memory is the sum over the app and its WebKit helper processes (the web
//! content process holds the page), read from /proc after the first paint.
//!
//! The two times, and their clocks:
//! - **app clock**: milliseconds from the app's own start (`crate::started()`,
//!   taken first thing in `main`) to the UI's `ui_ready` command arriving
//!   in the backend. The UI sends it from the second `requestAnimationFrame`
//!   callback (the first runs before its frame is painted; the second at
//!   the next frame, after the first paint), so it includes the IPC hop
//!   back. It leaves out the process's start before `main` (exec, dynamic
//!   linking).
//! - **bench clock**: this benchmark's `Instant` from just before spawning
//!   the process to reading the app's report on its stdout: the app clock's
//!   figure plus exec and linking plus the pipe.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse().unwrap_or(0)))
        .unwrap_or(0)
}

fn descendants(root: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // The field after the ")" of the command name: state, then ppid.
        let after = &stat[stat.rfind(')').unwrap_or(0) + 1..];
        if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) {
            parent_of.push((pid, ppid));
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parent_of.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    out
}

fn one_start(data: &std::path::Path, label: &str) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .env("MADOGUCHI_DATA_DIR", data)
        .env("MADOGUCHI_SETTINGS", data.join("none.json"))
        .env("MADOGUCHI_REPORT_PAINT", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the app starts (is DISPLAY set? run under xvfb-run)");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let reported = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("first-paint-ms ").and_then(|n| n.trim().parse::<u64>().ok()));
    let wall = started.elapsed();
    // Let the page settle (and the training service come up), then measure.
    std::thread::sleep(Duration::from_secs(3));
    let procs = descendants(child.id());
    let main_rss = rss_kib(child.id());
    let total: u64 = procs.iter().map(|p| rss_kib(*p)).sum();
    let _ = child.kill();
    let _ = child.wait();
    for p in procs.iter().skip(1) {
        let _ = Command::new("kill").arg(p.to_string()).status();
    }
    match reported {
        Some(ms) => println!(
            "{label:<34} first paint {ms:>5} ms (app clock: main → ui_ready after the 2nd rAF), {:>5} ms (bench clock: spawn → report)   RSS app {:>4} MB, app+WebKit {:>4} MB ({} processes)",
            wall.as_millis(),
            main_rss / 1024,
            total / 1024,
            procs.len()
        ),
        None => println!("{label}: the app never reported its first paint"),
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    println!("desk cold start under {} (targets: first paint < 1000 ms, RSS < 150 MB)", std::env::var("DISPLAY").unwrap_or_default());
    one_start(dir.path(), "first start (empty data dir)");
    one_start(dir.path(), "second start");
    one_start(dir.path(), "third start");
}
