//! Benchmark: the app-side overhead of an eligibility check against the raw
//! HTTP round trip to the same training service, in the same run.
//! Target (issue "walking skeleton"): the desk's check ≤ 5 % more than raw HTTP.
//!
//! Per round, every way of asking is measured once, **in an order shuffled
//! per round** (a fixed order lets caches, the connection pool and the CPU's
//! frequency favour one of them):
//!
//! - raw HTTP, twice (A and B): the same bytes. Their difference is what the
//!   method cannot resolve; the gateway has measured *faster* than raw
//!   before, which is that noise;
//! - the gateway (serde + HTTP);
//! - the desk's check (validate + gateway + SQLite record with its audit entry);
//! - the window's command path: what `commands::check_eligibility` does —
//!   a hop onto Tauri's blocking pool, the role check of the person signed
//!   in (`Desk::authorize`), then the desk's check (mirrors `as_staff`; the
//!   IPC serialisation of the window is not in it);
//! - an fsync (`fdatasync`) of a 4 KiB write in the desk's data folder: the
//!   same disk's physical floor under a recorded check, printed beside it.
//!
//! `cargo bench --bench check_overhead` (or `./x bench`). Prints figures; asserts nothing.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use madoguchi_adapters::gateway::Gateway;
use madoguchi_adapters::http::HttpGateway;
use madoguchi_app::desk::Desk;
use madoguchi_app::session::AccountForm;
use madoguchi_app::settings::Settings;
use madoguchi_core::staff::Action;
use madoguchi_core::validation::CardInput;
use madoguchi_core::EligibilityQuery;

const ROUNDS: usize = 600;
const WARM_UP: usize = 50;

fn stats(name: &str, mut v: Vec<Duration>) -> f64 {
    v.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let mean = v.iter().map(|d| us(*d)).sum::<f64>() / v.len() as f64;
    let p50 = us(v[v.len() / 2]);
    let p99 = us(v[v.len() * 99 / 100]);
    println!("{name:<44} mean {mean:>8.1} µs   p50 {p50:>8.1} µs   p99 {p99:>8.1} µs");
    p50
}

/// xorshift64*: a fixed-seed shuffle, no dependency for it.
struct Shuffle(u64);

impl Shuffle {
    fn order<const N: usize>(&mut self) -> [usize; N] {
        let mut o: [usize; N] = std::array::from_fn(|i| i);
        for i in (1..N).rev() {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let j = (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % (i as u64 + 1)) as usize;
            o.swap(i, j);
        }
        o
    }
}

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let service = madoguchi_training::spawn_background(dir.path().join("pop.sqlite"), 10_000, 1, 0).unwrap();
    let people = madoguchi_training::sample(&dir.path().join("pop.sqlite"), 50).unwrap();
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
    let today = now().date();

    let settings = Settings {
        service_url: Some(service.url()),
        data_dir: dir.path().join("desk"),
        ..Settings::default()
    };
    let desk: Arc<Desk> = Desk::open(settings).unwrap();
    desk.connect();
    // The command path needs someone signed in: the first administrator.
    let pw = "bench-pass-2026-overhead";
    desk.staff.first_start(&AccountForm { staff_id: "kanri".into(), display_name: "管理 花子".into(), password: pw.into(), confirm: pw.into() }, now())
        .expect("the first administrator, signed in");
    desk.context().authorize(Action::CheckEligibility, None, now()).expect("the administrator may check");
    let gateway = HttpGateway::new(&service.url(), Duration::from_secs(10)).unwrap();
    let raw = reqwest::blocking::Client::new();
    let url = format!("{}/api/v1/eligibility", service.url());
    let bodies: Vec<Vec<u8>> = inputs
        .iter()
        .map(|i| {
            let card = desk.checks.validate(i, today).unwrap();
            serde_json::to_vec(&EligibilityQuery { card, confirmation_date: Some(today), limit_certificate_consent: false }).unwrap()
        })
        .collect();
    let mut sync_file = std::fs::OpenOptions::new().create(true).write(true).truncate(true).open(dir.path().join("desk/fsync-probe")).unwrap();
    let page = [0u8; 4096];

    const NAMES: [&str; 6] = [
        "raw HTTP round trip A (bytes only)",
        "raw HTTP round trip B (the same, again)",
        "gateway (serde + HTTP)",
        "desk check (validate+gateway+store+audit)",
        "command path (pool hop+role check+desk)",
        "fdatasync of 4 KiB, same disk",
    ];
    let mut times: [Vec<Duration>; 6] = Default::default();
    let mut shuffle = Shuffle(0x9E37_79B9_7F4A_7C15);
    for round in 0..ROUNDS + WARM_UP {
        let i = round % inputs.len();
        for which in shuffle.order::<6>() {
            let t = Instant::now();
            match which {
                // Raw: the bytes of the same request, the bytes of the answer.
                0 | 1 => {
                    let resp = raw.post(&url).header("content-type", "application/json").body(bodies[i].clone()).send().unwrap();
                    assert!(!resp.bytes().unwrap().is_empty());
                }
                // Gateway: serialise, send, parse into domain types (the
                // query built inside the timing, as the desk builds it).
                2 => {
                    let card = desk.checks.validate(&inputs[i], today).unwrap();
                    let q = EligibilityQuery { card, confirmation_date: Some(today), limit_certificate_consent: false };
                    gateway.check(&q).unwrap();
                }
                3 => {
                    desk.checks.check(&inputs[i], now()).unwrap();
                }
                4 => {
                    let (d, input) = (Arc::clone(&desk), inputs[i].clone());
                    tauri::async_runtime::block_on(tauri::async_runtime::spawn_blocking(move || {
                        d.context().authorize(Action::CheckEligibility, None, now())?;
                        d.checks.check(&input, now())
                    }))
                    .unwrap()
                    .unwrap();
                }
                _ => {
                    sync_file.write_all(&page).unwrap();
                    sync_file.sync_data().unwrap();
                }
            }
            if round >= WARM_UP {
                times[which].push(t.elapsed());
            }
        }
    }
    println!("eligibility check, {ROUNDS} rounds against the training service (10,000 people) on loopback, order shuffled per round");
    let [a, b, gw, dk, cmd, sync] = times;
    let raw_a = stats(NAMES[0], a);
    let raw_b = stats(NAMES[1], b);
    let gw50 = stats(NAMES[2], gw);
    let desk50 = stats(NAMES[3], dk);
    let cmd50 = stats(NAMES[4], cmd);
    let sync50 = stats(NAMES[5], sync);
    let raw50 = (raw_a + raw_b) / 2.0;
    let pct = |x: f64| (x / raw50 - 1.0) * 100.0;
    println!(
        "resolution: raw A vs raw B differ by {:.1} % at p50 — a difference smaller than that is noise here",
        ((raw_a - raw_b) / raw50 * 100.0).abs()
    );
    println!(
        "app-side overhead at p50 over raw: gateway {:+.1} %, desk incl. local record {:+.1} %, command path {:+.1} % (target ≤ 5 %)",
        pct(gw50),
        pct(desk50),
        pct(cmd50)
    );
    println!("the desk's check adds {:.0} µs to raw HTTP at p50; one fdatasync on this disk takes {sync50:.0} µs", desk50 - raw50);
}
