//! What the window computes before it draws a medical view, measured
//! natively. The window is Leptos compiled to wasm32; it calls exactly these
//! pure functions of `madoguchi-core` (the same code, compiled for another
//! target) and then writes the DOM/SVG. The DOM work in WebKit is not
//! measured here; wasm runs these functions somewhat slower than native.
//!
//! - a 5-year medication timeline of 2,000 dispensing lines:
//!   `timeline::lines` → `courses` → `since` (the 5-year filter), as
//!   `ui/src/medical.rs` `medication_table` does;
//! - the checkup charts of five yearly checkups: `checkup::trends`,
//!   `judgements`, `year_table` and `chart_geometry` for every trend (the
//!   SVG's numbers and path), as `ui/src/checkup.rs` does;
//! - a 5-year clinical history: `clinical::lines` → `permitted` →
//!   `into_history` (the backend's part) and `since` (the window's).
//!
//! Target (issue 4): timeline and charts < 100 ms. Prints figures, asserts
//! nothing. `cargo bench --workspace --exclude madoguchi-ui --bench render`

use std::time::{Duration, Instant};

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime};
use madoguchi_core::checkup::{chart_geometry, judgements, trends, year_table, ChartFrame};
use madoguchi_core::clinical;
use madoguchi_core::consent::{decide, Consent, ConsentSource, ConsentState, Purpose};
use madoguchi_core::medical::{
    Checkup, CheckupItem, CheckupResults, ClinicalEntry, Drug, Facility, MedicationDay,
    MedicationHistory, MedicationMonth, MedicationSource, YearMonth,
};
use madoguchi_core::timeline;
use madoguchi_core::ConsentCategory;

const TODAY: (i32, u32, u32) = (2026, 11, 20);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).unwrap()
}

fn facility(code: &str, name: &str) -> Facility {
    Facility { code: Some(code.into()), name: Some(name.into()) }
}

/// 60 months × 4 dispensing days × 8 drugs = 1,920 chronic lines, plus 80
/// acute ones; a second clinic prescribes one of the ingredients for a
/// year, alternating month by month (the duplicate check compares them).
fn medication_history() -> MedicationHistory {
    let chronic = [
        ("アムロジピン錠５ｍｇ", "アムロジピンベシル酸塩"),
        ("メトホルミン塩酸塩錠２５０ｍｇ", "メトホルミン塩酸塩"),
        ("ロスバスタチン錠２．５ｍｇ", "ロスバスタチンカルシウム"),
        ("ランソプラゾールＯＤ錠１５ｍｇ", "ランソプラゾール"),
        ("カンデサルタン錠８ｍｇ", "カンデサルタンシレキセチル"),
        ("酸化マグネシウム錠３３０ｍｇ", "酸化マグネシウム"),
        ("レバミピド錠１００ｍｇ", "レバミピド"),
        ("エルデカルシトールカプセル０．７５μｇ", "エルデカルシトール"),
    ];
    let acute = [("ロキソプロフェンＮａ錠６０ｍｇ", "ロキソプロフェンナトリウム水和物"), ("カルボシステイン錠５００ｍｇ", "Ｌ－カルボシステイン")];
    let mut h = MedicationHistory::default();
    let start = today().with_day(1).unwrap();
    for back in 0..60u32 {
        let first = start.checked_sub_months(Months::new(back)).unwrap();
        let mut m = MedicationMonth::new(MedicationSource::Claims);
        m.month = YearMonth::of(first);
        m.dispensing_facility = facility("1341234567", "さぎのみや薬局");
        m.prescribing_facility = if back < 12 && back % 2 == 1 {
            facility("1311345672", "みなと整形外科")
        } else {
            facility("1311234561", "中野さくら内科クリニック")
        };
        for d in 0..4u64 {
            let date = first + Days::new(1 + 7 * d);
            let drugs = chronic
                .iter()
                .map(|(name, ingredient)| Drug {
                    name: Some(name.to_string()),
                    ingredient: Some(ingredient.to_string()),
                    quantity: Some("1".into()),
                    unit: Some("錠".into()),
                    usage: Some("１日１回朝食後".into()),
                    times: Some("7".into()),
                    category: Some("21".into()),
                    ..Drug::default()
                })
                .collect();
            m.days.push(MedicationDay { clinical: Vec::new(),  dispensed_on: Some(date), prescribed_on: Some(date), drugs });
        }
        if back < 40 {
            let date = first + Days::new(20);
            m.days.push(MedicationDay { clinical: Vec::new(), 
                dispensed_on: Some(date),
                prescribed_on: Some(date),
                drugs: acute
                    .iter()
                    .map(|(name, ingredient)| Drug {
                        name: Some(name.to_string()),
                        ingredient: Some(ingredient.to_string()),
                        quantity: Some("3".into()),
                        unit: Some("錠".into()),
                        usage: Some("１日３回毎食後".into()),
                        times: Some("5".into()),
                        category: Some("21".into()),
                        ..Drug::default()
                    })
                    .collect(),
            });
        }
        h.months.push(m);
    }
    h
}

fn pq(code: &str, name: &str, value: f64, unit: &str) -> CheckupItem {
    CheckupItem {
        code: code.into(),
        name: Some(name.into()),
        data_type: Some("PQ".into()),
        value: Some(format!("{value:.1}")),
        unit: Some(unit.into()),
        ..CheckupItem::default()
    }
}

/// Five yearly checkups with the usual items (as the training terminal's).
fn checkups() -> CheckupResults {
    let mut c = CheckupResults::default();
    for back in 1..=5 {
        let f = back as f64;
        let date = NaiveDate::from_ymd_opt(TODAY.0 - back, 6, 10 + back as u32);
        let mut items = vec![
            pq("9N001000000000001", "身長", 162.0, "cm"),
            pq("9N006000000000001", "体重", 70.0 - f, "kg"),
            pq("9N016160100000001", "腹囲(実測)", 88.0 - f, "cm"),
            pq("9A751000000000001", "収縮期血圧(1回目)", 138.0 - 2.0 * f, "mmHg"),
            pq("9A761000000000001", "拡張期血圧(1回目)", 86.0 - f, "mmHg"),
            pq("3D010000001926101", "空腹時血糖", 112.0 - f, "mg/dL"),
            pq("3D046000001920402", "HbA1c（NGSP値）", 6.4 - 0.1 * f, "%"),
            pq("3F015000002327101", "中性脂肪", 160.0 - 5.0 * f, "mg/dL"),
            pq("3F070000002327101", "HDLコレステロール", 45.0 + f, "mg/dL"),
            pq("3F077000002327101", "LDLコレステロール", 150.0 - 3.0 * f, "mg/dL"),
            pq("8A065000002391901", "eGFR", 62.0 + f, "mL/min/1.73m2"),
        ];
        items.push(CheckupItem {
            code: "9N501000000000011".into(),
            name: Some("メタボリックシンドローム判定".into()),
            data_type: Some("CD".into()),
            value: Some("2".into()),
            value_name: Some("予備群該当".into()),
            ..CheckupItem::default()
        });
        c.checkups.push(Checkup { date, items });
    }
    c
}

/// Five years of visits: a clinic monthly, dialysis for two years, imaging
/// and an operation at a hospital.
fn clinical_history() -> MedicationHistory {
    let entry = |name: &str, category: &str, times: &str| ClinicalEntry {
        name: Some(name.into()),
        code: None,
        category: Some(category.into()),
        quantity: None,
        times: Some(times.into()),
        unit: None,
    };
    let mut h = MedicationHistory::default();
    let start = today().with_day(1).unwrap();
    for back in 0..60u32 {
        let first = start.checked_sub_months(Months::new(back)).unwrap();
        let mut m = MedicationMonth::new(MedicationSource::Claims);
        m.month = YearMonth::of(first);
        m.dispensing_facility = facility("1311234561", "中野さくら内科クリニック");
        m.clinical = vec![
            entry("再診料", "12", "1"),
            entry("外来管理加算", "12", "1"),
            entry("特定疾患療養管理料", "13", "1"),
            entry("ＨｂＡ１ｃ", "60", "1"),
        ];
        h.months.push(m);
        if back < 24 {
            let mut d = MedicationMonth::new(MedicationSource::Claims);
            d.month = YearMonth::of(first);
            d.dispensing_facility = facility("1317000001", "鷺宮腎クリニック");
            d.clinical = vec![entry("人工腎臓（慢性維持透析）", "40", "13"), entry("慢性維持透析患者外来医学管理料", "13", "1")];
            h.months.push(d);
        }
        if back % 12 == 6 {
            let mut o = MedicationMonth::new(MedicationSource::Claims);
            o.month = YearMonth::of(first);
            o.dispensing_facility = facility("1318000000", "東京みなと総合病院");
            o.clinical = vec![
                entry("ＣＴ撮影", "70", "1"),
                entry("腹腔鏡下胆嚢摘出術", "50", "1"),
                entry("閉鎖循環式全身麻酔５", "54", "1"),
                entry("病理組織標本作製", "60", "1"),
                entry("急性期一般入院料１", "90", "5"),
            ];
            h.months.push(o);
        }
    }
    h
}

fn median(mut runs: Vec<Duration>) -> (f64, f64, f64) {
    runs.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(runs[runs.len() / 2]), ms(runs[0]), ms(*runs.last().unwrap()))
}

fn measure<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64, f64) {
    std::hint::black_box(f());
    median((0..runs).map(|_| {
        let t = Instant::now();
        std::hint::black_box(f());
        t.elapsed()
    }).collect())
}

fn verdict(ms: f64, target: f64) -> &'static str {
    if ms < target { "OK" } else { "OVER" }
}

fn main() {
    let runs = 20;
    let h = medication_history();
    let n = timeline::lines(&h).len();
    let five_years_ago = today().checked_sub_months(Months::new(60)).unwrap();
    let (med, min, max) = measure(runs, || {
        let all = timeline::courses(&timeline::lines(&h));
        timeline::since(&all, five_years_ago)
    });
    let courses = timeline::courses(&timeline::lines(&h));
    println!("medication timeline (native; the window's wasm calls the same functions)");
    println!(
        "  {n} dispensing lines over 5 years → {} courses ({} possible duplicates)",
        courses.len(),
        courses.iter().filter(|c| c.possible_duplicate()).count()
    );
    println!("  lines + courses + 5-year filter: median {med:.2} ms, min {min:.2}, max {max:.2} ({runs} runs; target < 100 ms) {}", verdict(med, 100.0));

    let c = checkups();
    let frame = ChartFrame { width: 280.0, height: 150.0, left: 40.0, right: 14.0, top: 12.0, bottom: 24.0 };
    let from = today().with_year(today().year() - 5).unwrap();
    let (med, min, max) = measure(runs, || {
        let ts = trends(&c, today(), 5);
        let geometry: Vec<_> = ts.iter().map(|t| chart_geometry(t, from, today(), frame)).collect();
        (judgements(&c), year_table(&c), geometry)
    });
    let ts = trends(&c, today(), 5);
    println!("checkup charts (native; same functions as ui/src/checkup.rs)");
    println!("  5 yearly checkups → {} trend charts", ts.len());
    println!("  trends + judgements + year table + chart geometry: median {med:.3} ms, min {min:.3}, max {max:.3} ({runs} runs; target < 100 ms) {}", verdict(med, 100.0));

    let key = "01130012:50123:17:00";
    let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    let mut state = ConsentState::new(key);
    for category in [ConsentCategory::Clinical, ConsentCategory::Operations] {
        state
            .record(Consent {
                patient_key: key.into(),
                category,
                given_at: at("2026-11-20 09:30"),
                valid_until: at("2026-11-21 09:30"),
                source: ConsentSource::CardReader,
                recorded_by: "card-reader".into(),
            })
            .unwrap();
    }
    let now = at("2026-11-20 09:40");
    let cg = decide(&state, key, ConsentCategory::Clinical, Purpose::View, now).into_result().unwrap();
    let og = decide(&state, key, ConsentCategory::Operations, Purpose::View, now).into_result().unwrap();
    let ch = clinical_history();
    let entries = clinical::lines(&ch).len();
    let (med, min, max) = measure(runs, || {
        let view = clinical::permitted(clinical::lines(&ch), key, Some(&cg), Some(&og), Purpose::View, now)
            .unwrap()
            .into_history(Default::default(), None);
        clinical::since(&view, YearMonth::of(five_years_ago).unwrap())
    });
    println!("clinical history (native)");
    println!("  {entries} entries over 5 years at 3 facilities");
    println!("  lines + consent filter + grouping + period filter: median {med:.3} ms, min {min:.3}, max {max:.3} ({runs} runs)");
}
