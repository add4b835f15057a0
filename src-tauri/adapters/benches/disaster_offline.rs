//! 災害時モード offline: the desk's look-up over its own encrypted cache of
//! 1,000,000 people — what `Desk::disaster_lookup` does when the service is
//! unreachable and a local emergency is declared: `cached_results_born_on`
//! (index on birth date) → `Candidate::from_result` → the core matcher.
//! (The desk also writes an audit entry per look-up; that is one SQLite
//! commit, measured in `check_overhead`, and not included here.)
//! Printed beside a baseline in the same run: the same question as a `LIKE`
//! scan over every cached answer.
//!
//! `cargo bench -p madoguchi-adapters --bench disaster_offline` (release
//! build). `MADOGUCHI_BENCH_PEOPLE` (default 1,000,000),
//! `MADOGUCHI_BENCH_QUERIES` (default 1,000). Target: p99 < 10 ms.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::keystore::MemoryKeyStore;
use madoguchi_adapters::store::{raw_connection, NewCheck, Store};
use madoguchi_core::codes::Sex;
use madoguchi_core::matching::{prepare, Candidate, DisasterQuery, MatchOutcome};
use madoguchi_core::{CardDetails, EligibilityResult, InsurerNumber, Person};

#[path = "../tests/store_support/mod.rs"]
mod store_support;

const SURNAMES: [(&str, &str); 20] = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
    ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"),
    ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
];
const GIVEN_M: [(&str, &str); 10] = [
    ("太郎", "タロウ"), ("一郎", "イチロウ"), ("健", "ケン"), ("翔", "ショウ"), ("大輔", "ダイスケ"),
    ("誠", "マコト"), ("浩", "ヒロシ"), ("蓮", "レン"), ("悠真", "ユウマ"), ("隆", "タカシ"),
];
const GIVEN_F: [(&str, &str); 10] = [
    ("花子", "ハナコ"), ("陽子", "ヨウコ"), ("美咲", "ミサキ"), ("結衣", "ユイ"), ("恵子", "ケイコ"),
    ("さくら", "サクラ"), ("愛", "アイ"), ("陽菜", "ヒナ"), ("直美", "ナオミ"), ("由美", "ユミ"),
];
const PLACES: [&str; 12] = [
    "東京都中野区鷺宮", "東京都杉並区阿佐谷北", "宮城県仙台市青葉区国分町", "石川県輪島市河井町",
    "熊本県熊本市中央区水前寺", "兵庫県神戸市長田区若松町", "岩手県宮古市磯鶏", "福島県いわき市平",
    "新潟県長岡市大手通", "北海道札幌市中央区北一条西", "大阪府大阪市北区梅田", "愛知県名古屋市中区栄",
];

/// Person `n`: a name from the lists, a birth date spread over 90 years, an address.
fn person(n: u64) -> (CardDetails, Person, String) {
    let sex = if n % 2 == 0 { Sex::Male } else { Sex::Female };
    let (s, sk) = SURNAMES[(n / 2 % 20) as usize];
    let (g, gk) = if sex == Sex::Male { GIVEN_M[(n / 40 % 10) as usize] } else { GIVEN_F[(n / 40 % 10) as usize] };
    let birth = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap() + chrono::Days::new((n * 7_919) % 32_872);
    let place = PLACES[(n / 400 % 12) as usize];
    let address = format!("{place}{}-{}-{}", 1 + n % 5, 1 + n % 30, 1 + n % 20);
    let card = CardDetails {
        insurer_number: InsurerNumber::from_trusted(format!("{:08}", 6_130_000 + n % 5_000)),
        symbol: format!("{}", n % 997),
        number: format!("{n}"),
        branch: Some(format!("{:02}", n % 4)),
        birth_date: birth,
    };
    let p = Person {
        name: format!("{s}　{g}"),
        name_kana: Some(format!("{sk}　{gk}")),
        name_other: None,
        name_other_kana: None,
        sex,
        birth_date: birth,
        address: Some(address),
        post_number: None,
    };
    (card, p, place[place.len() - 9..].to_string())
}

/// The store tests' result builder, with this person in it.
fn result(card: &CardDetails, person: Person, at: NaiveDateTime) -> EligibilityResult {
    let mut r = store_support::result_for(card, at, 30);
    r.person = Some(person);
    r
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let people = env_num("MADOGUCHI_BENCH_PEOPLE", 1_000_000);
    let queries = env_num("MADOGUCHI_BENCH_QUERIES", 1_000) as usize;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.sqlite");
    let keys = MemoryKeyStore::new();
    let mut store = Store::open_encrypted(&path, &keys).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(9, 0, 0).unwrap();

    let started = Instant::now();
    let chunk = 50_000u64;
    let mut n = 0u64;
    while n < people {
        let end = (n + chunk).min(people);
        let made: Vec<(CardDetails, EligibilityResult)> = (n..end)
            .map(|i| {
                let (card, p, _) = person(i);
                let r = result(&card, p, day + chrono::Duration::seconds(i as i64 % 36_000));
                (card, r)
            })
            .collect();
        let checks: Vec<NewCheck> = made
            .iter()
            .map(|(c, r)| NewCheck { checked_at: r.confirmed_at, staff: "bench", asked: Some(c), result: r })
            .collect();
        store.record_checks(&checks).unwrap();
        n = end;
    }
    println!("filled an encrypted cache of {people} people in {:.1} s", started.elapsed().as_secs_f64());

    // Questions about people spread over the cache: kanji or kana name, the
    // birth date, the sex, a part of the address (the town).
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut asked: Vec<(DisasterQuery, String)> = Vec::with_capacity(queries);
    for i in 0..queries {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let k = x % people;
        let (card, p, town) = person(k);
        let name = if i % 2 == 0 { p.name.clone() } else { p.name_kana.clone().unwrap() };
        let key = format!("{}:{}:{}:{}", card.insurer_number.as_str(), card.symbol, card.number, card.branch.clone().unwrap());
        asked.push((
            DisasterQuery {
                name,
                birth_date: p.birth_date.to_string(),
                sex: if p.sex == Sex::Male { "男".into() } else { "女".into() },
                hint: town,
            },
            key,
        ));
    }

    let mut times = Vec::with_capacity(queries);
    let (mut found, mut right, mut ambiguous) = (0, 0, 0);
    for (q, key) in &asked {
        let t = Instant::now();
        let prepared = prepare(q).expect("four fields");
        let cached = store.cached_results_born_on(prepared.birth_date()).unwrap();
        let candidates: Vec<Candidate> = cached.iter().filter_map(Candidate::from_result).collect();
        let outcome = prepared.outcome(candidates.iter());
        times.push(t.elapsed());
        match outcome {
            MatchOutcome::Found { key: k, .. } => {
                found += 1;
                right += usize::from(&k == key);
            }
            MatchOutcome::Ambiguous { .. } => ambiguous += 1,
            _ => {}
        }
    }
    assert_eq!(found, right, "never the wrong person");
    times.sort();
    println!(
        "offline look-up (index + matcher), {queries} queries: p50 {:?}, p99 {:?}, max {:?} — {found} found, {ambiguous} several (same name, birth date, sex and town), target p99 < 10 ms",
        pct(&times, 0.5),
        pct(&times, 0.99),
        times[times.len() - 1]
    );

    // Baseline: the same questions as one LIKE scan over every cached answer.
    drop(store);
    let conn = raw_connection(&path, &keys).unwrap();
    let baseline_n = queries.min(env_num("MADOGUCHI_BENCH_BASELINE", 20) as usize);
    let mut scan = Vec::with_capacity(baseline_n);
    for (q, _) in asked.iter().take(baseline_n) {
        let t = Instant::now();
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM checks WHERE cacheable = 1 AND result_json LIKE '%' || ?1 || '%'
                 AND result_json LIKE '%' || ?2 || '%' AND result_json LIKE '%' || ?3 || '%'",
                [q.name.as_str(), q.birth_date.as_str(), q.hint.as_str()],
                |r| r.get(0),
            )
            .unwrap();
        scan.push(t.elapsed());
        std::hint::black_box(n);
    }
    scan.sort();
    println!(
        "baseline LIKE scan, {baseline_n} queries: p50 {:?}, p99 {:?}",
        pct(&scan, 0.5),
        pct(&scan, 0.99)
    );
}
