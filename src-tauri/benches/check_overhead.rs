//! Benchmark: the app-side overhead of an eligibility check against the raw
//! HTTP round trip to the same training service, in the same run.
//! Target (issue "walking skeleton"): the desk's check ≤ 5 % more than raw HTTP.
//!
//! `cargo bench --bench check_overhead` (or `./x bench`). Prints figures; asserts nothing.

use std::time::{Duration, Instant};

use madoguchi_adapters::gateway::Gateway;
use madoguchi_adapters::http::HttpGateway;
use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;
use madoguchi_core::validation::CardInput;
use madoguchi_core::EligibilityQuery;

const ROUNDS: usize = 600;

fn stats(name: &str, mut v: Vec<Duration>) -> f64 {
    v.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let mean = v.iter().map(|d| us(*d)).sum::<f64>() / v.len() as f64;
    let p50 = us(v[v.len() / 2]);
    let p99 = us(v[v.len() * 99 / 100]);
    println!("{name:<38} mean {mean:>8.1} µs   p50 {p50:>8.1} µs   p99 {p99:>8.1} µs");
    p50
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
    let now = chrono::Local::now().naive_local();

    let settings = Settings {
        service_url: Some(service.url()),
        data_dir: dir.path().join("desk"),
        ..Settings::default()
    };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    let gateway = HttpGateway::new(&service.url(), Duration::from_secs(10)).unwrap();
    let raw = reqwest::blocking::Client::new();
    let url = format!("{}/api/v1/eligibility", service.url());
    let bodies: Vec<Vec<u8>> = inputs
        .iter()
        .map(|i| {
            let card = desk.validate(i, now.date()).unwrap();
            serde_json::to_vec(&EligibilityQuery { card, confirmation_date: Some(now.date()), limit_certificate_consent: false }).unwrap()
        })
        .collect();

    let (mut t_raw, mut t_gw, mut t_desk) = (vec![], vec![], vec![]);
    for round in 0..ROUNDS + 50 {
        let i = round % inputs.len();
        // Raw: the bytes of the same request, the bytes of the answer.
        let t = Instant::now();
        let resp = raw.post(&url).header("content-type", "application/json").body(bodies[i].clone()).send().unwrap();
        let bytes = resp.bytes().unwrap();
        let d_raw = t.elapsed();
        assert!(!bytes.is_empty());
        // Gateway: serialise, send, parse into domain types.
        let card = desk.validate(&inputs[i], now.date()).unwrap();
        let q = EligibilityQuery { card, confirmation_date: Some(now.date()), limit_certificate_consent: false };
        let t = Instant::now();
        gateway.check(&q).unwrap();
        let d_gw = t.elapsed();
        // The desk: validate + gateway + record in SQLite.
        let t = Instant::now();
        desk.check(&inputs[i], now).unwrap();
        let d_desk = t.elapsed();
        if round >= 50 {
            t_raw.push(d_raw);
            t_gw.push(d_gw);
            t_desk.push(d_desk);
        }
    }
    println!("eligibility check, {ROUNDS} rounds against the training service (10,000 people) on loopback");
    let raw50 = stats("raw HTTP round trip (bytes only)", t_raw);
    let gw50 = stats("gateway (serde + HTTP)", t_gw);
    let desk50 = stats("desk check (validate+gateway+store)", t_desk);
    println!("app-side overhead at p50: gateway {:+.1} %, desk incl. local record {:+.1} % (target ≤ 5 %)",
        (gw50 / raw50 - 1.0) * 100.0, (desk50 / raw50 - 1.0) * 100.0);
}
