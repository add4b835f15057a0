//! 災害時モード look-up on the training service's population: p50/p99 of
//! `disaster::lookup` (index on birth date + sex, then the core matcher)
//! beside a baseline in the same run — the same question as one `LIKE` scan
//! over every person (name with spaces removed, the fourth field anywhere in
//! the address or insurer name).
//!
//! `cargo bench -p madoguchi-training --bench disaster_lookup`; the size with
//! `MADOGUCHI_BENCH_PEOPLE` (default 200,000; the target is
//! 10,000,000 with p99 < 20 ms), the number of queries with
//! `MADOGUCHI_BENCH_QUERIES` (default 200), the number of baseline scans
//! with `MADOGUCHI_BENCH_BASELINE` (default 20; one scan of 10,000,000
//! people takes seconds). The population file is kept in
//! the temp dir between runs (generating it is the slow part).

use std::time::{Duration, Instant};

use chrono::Days;
use madoguchi_core::disaster::DisasterRequest;
use madoguchi_core::matching::{DisasterQuery, MatchOutcome};
use madoguchi_training::{default_db_path, disaster, generate};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let people = env_num("MADOGUCHI_BENCH_PEOPLE", 200_000);
    let queries = env_num("MADOGUCHI_BENCH_QUERIES", 200) as usize;
    let path = default_db_path(people, 7);
    let started = Instant::now();
    let population = generate(&path, people, 7).expect("population");
    eprintln!("population of {people} ready in {:.1} s", started.elapsed().as_secs_f64());
    let now = chrono::Local::now().naive_local();
    population.open_disaster(13, now - Days::new(1), None).expect("window");
    let conn = population.connect().expect("connect");

    // People spread over the file: name, birth date, sex, a part of the address.
    let total: i64 = conn.query_row("SELECT max(id) FROM persons", [], |r| r.get(0)).unwrap();
    let step = (total / queries as i64).max(1);
    let mut asked = Vec::new();
    let mut stmt = conn
        .prepare("SELECT name, birth_date, sex, address FROM persons WHERE id = ?1")
        .unwrap();
    for k in 0..queries as i64 {
        let row: (String, String, i64, Option<String>) = stmt
            .query_row([1 + k * step], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap();
        let address = row.3.unwrap_or_default();
        let part: String = address.chars().skip(3).take(4).collect();
        if part.chars().count() < 2 {
            continue;
        }
        asked.push(DisasterQuery {
            name: row.0,
            birth_date: row.1,
            sex: if row.2 == 1 { "男".into() } else { "女".into() },
            hint: part,
        });
    }

    let mut times = Vec::new();
    let (mut found, mut several, mut none) = (0, 0, 0);
    for q in &asked {
        let request = DisasterRequest {
            facility_code: "1312345678".into(),
            query: q.clone(),
        };
        let t = Instant::now();
        let answer = disaster::lookup(&conn, &request, now).unwrap().unwrap();
        times.push(t.elapsed());
        match answer.outcome {
            MatchOutcome::Found { .. } => found += 1,
            MatchOutcome::Ambiguous { .. } => several += 1,
            _ => none += 1,
        }
    }
    times.sort();

    // Baseline: one LIKE scan per query (no index can serve it).
    let mut like = conn
        .prepare(
            "SELECT count(DISTINCT p.id) FROM persons p JOIN qualifications q ON q.person_id = p.id
             WHERE replace(replace(p.name, ' ', ''), '　', '') LIKE ?1
               AND (p.address LIKE ?2 OR q.insurer_name LIKE ?2)",
        )
        .unwrap();
    let baseline_n = asked.len().min(env_num("MADOGUCHI_BENCH_BASELINE", 20) as usize);
    let mut base = Vec::new();
    for q in asked.iter().take(baseline_n) {
        let name: String = q.name.chars().filter(|c| !c.is_whitespace()).collect();
        let t = Instant::now();
        let _: i64 = like
            .query_row([name, format!("%{}%", q.hint)], |r| r.get(0))
            .unwrap();
        base.push(t.elapsed());
    }
    base.sort();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "disaster look-up over {people} people ({} queries: {found} found, {several} several — same name, birth date, sex and address part —, {none} none):",
        times.len()
    );
    println!(
        "  index + core matcher: p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms",
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap())
    );
    println!(
        "  LIKE scan (baseline, {} queries): p50 {:.3} ms  p99 {:.3} ms",
        base.len(),
        ms(percentile(&base, 0.50)),
        ms(percentile(&base, 0.99))
    );
}
