//! The offline cache at scale: an encrypted store with 1,000,000 people's
//! cached results, then 10,000 `cached_result` lookups by card details.
//! Target: p99 < 1 ms.
//!
//! `cargo bench -p madoguchi-adapters --bench cache_lookup` (release build;
//! a few minutes and about 1 GB of disk in a temporary directory).
//! `MADOGUCHI_BENCH_PEOPLE=100000` for a smaller run.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::keystore::MemoryKeyStore;
use madoguchi_adapters::store::{NewCheck, Store};
use madoguchi_core::codes::{Sex, Validity};
use madoguchi_core::{
    CardDetails, CertificateConsents, CopayRatio, EligibilityResult, InsurerNumber, Person,
    Qualification, ReferenceClassification, ResultSource,
};

fn card(n: u64) -> CardDetails {
    CardDetails {
        insurer_number: InsurerNumber::from_trusted(format!("{:08}", 6_130_000 + n % 5_000)),
        symbol: format!("{}", n % 997),
        number: format!("{n}"),
        branch: Some(format!("{:02}", n % 4)),
        birth_date: NaiveDate::from_ymd_opt(
            1930 + (n % 90) as i32,
            1 + (n % 12) as u32,
            1 + (n % 28) as u32,
        )
        .unwrap(),
    }
}

fn result(card: &CardDetails, at: NaiveDateTime) -> EligibilityResult {
    EligibilityResult { notices: Vec::new(), limit_certificate_changed: None, 
        confirmed_at: at,
        confirmation_date: at.date(),
        reference: Some(ReferenceClassification::CardDetails),
        validity: Validity::Valid,
        error: None,
        asked: None,
        person: Some(Person {
            name: "窓口　太郎".into(),
            name_kana: Some("マドグチ　タロウ".into()),
            name_other: None,
            name_other_kana: None,
            sex: Sex::Male,
            birth_date: card.birth_date,
            address: None,
            post_number: None,
        }),
        qualification: Some(Qualification { qualified_on: None, disqualified_on: None, 
            insurer_number: card.insurer_number.clone(),
            insurer_name: Some("窓口健康保険組合".into()),
            symbol: card.symbol.clone(),
            number: card.number.clone(),
            branch: card.branch.clone(),
            card_classification: None,
            relationship: None,
            issued_on: None,
            valid_from: NaiveDate::from_ymd_opt(2020, 4, 1),
            valid_until: None,
            copay: Some(CopayRatio(30)),
            preschool: false,
            loss_reason: None,
            elderly: None,
            limit: None,
            specific_diseases: vec![],
            public_expenses: vec![],
            medical_tickets: Vec::new(),
            reference_number: None,
        }),
        consents: vec![],
        certificate_consents: CertificateConsents::default(),
        electronic_prescription: None,
        source: ResultSource::HttpService,
        missing: Vec::new(),
    }
}

fn main() {
    let people: u64 = std::env::var("MADOGUCHI_BENCH_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.sqlite");
    let keys = MemoryKeyStore::new();
    let mut store = Store::open_encrypted(&path, &keys).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 20)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();

    let started = Instant::now();
    let chunk = 50_000u64;
    let mut n = 0u64;
    while n < people {
        let end = (n + chunk).min(people);
        let cards: Vec<CardDetails> = (n..end).map(card).collect();
        let results: Vec<EligibilityResult> = cards
            .iter()
            .enumerate()
            .map(|(i, c)| result(c, day + chrono::Duration::seconds(i as i64 % 36_000)))
            .collect();
        let checks: Vec<NewCheck> = cards
            .iter()
            .zip(&results)
            .map(|(c, r)| NewCheck {
                checked_at: r.confirmed_at,
                staff: "bench",
                asked: Some(c),
                result: r,
            })
            .collect();
        store.record_checks(&checks).unwrap();
        n = end;
    }
    let fill = started.elapsed();
    drop(store);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let store = Store::open_encrypted(&path, &keys).unwrap();
    println!(
        "filled {people} people in {:.1} s ({:.0} MB encrypted, one transaction per {chunk})",
        fill.as_secs_f64(),
        size as f64 / 1e6
    );

    // 10,000 lookups of random people (xorshift, fixed seed), plus 10 % misses.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut times: Vec<Duration> = Vec::with_capacity(10_000);
    let mut hits = 0;
    for i in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let c = if i % 10 == 9 {
            card(people + x % people)
        } else {
            card(x % people)
        };
        let t = Instant::now();
        let r = store.cached_result(&c).unwrap();
        times.push(t.elapsed());
        hits += usize::from(r.is_some());
    }
    assert_eq!(hits, 9_000, "every stored person is found, no one else");
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "cached_result, 10,000 lookups: p50 {:?}, p99 {:?}, max {:?} (target p99 < 1 ms)",
        pct(0.50),
        pct(0.99),
        times[times.len() - 1]
    );
    let st = store.stats().unwrap();
    println!("stats: {} checks, {} people", st.checks, st.people);
}
