//! Time and size of a long 薬剤情報 PDF: ~2,000 dispensing lines.
//! Targets: < 200 ms to generate, < 300 KB. Also a 5-year 診療情報 PDF (no
//! target of its own; the same limits are the yardstick).
//!
//! `cargo bench -p madoguchi-adapters --bench pdf`

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_i18n::Lang;
use madoguchi_adapters::pdf::{clinical_history, medication_list};
use madoguchi_core::consent::{decide, Consent, ConsentSource, ConsentState, Purpose};
use madoguchi_core::eligibility::ConsentCategory;
use madoguchi_core::medical::{
    Drug, Facility, MedicalPatientHeader, MedicationDay, MedicationHistory, MedicationMonth,
    MedicationSource, YearMonth,
};

const MONTHS: usize = 25;
const DAYS: usize = 10;
const DRUGS: usize = 8; // 25 × 10 × 8 = 2,000 lines

fn history() -> MedicationHistory {
    let drugs = [
        (
            "アムロジピン錠５ｍｇ「サワイ」",
            "アムロジピンベシル酸塩",
            "１日１回朝食後",
        ),
        (
            "メトホルミン塩酸塩錠２５０ｍｇＭＴ「トーワ」",
            "メトホルミン塩酸塩",
            "１日２回朝夕食後",
        ),
        (
            "ロスバスタチン錠２．５ｍｇ「ＤＳＥＰ」",
            "ロスバスタチンカルシウム",
            "１日１回夕食後",
        ),
        (
            "ランソプラゾールＯＤ錠１５ｍｇ「トーワ」",
            "ランソプラゾール",
            "１日１回朝食前",
        ),
        (
            "カンデサルタン錠８ｍｇ「あすか」",
            "カンデサルタンシレキセチル",
            "１日１回朝食後",
        ),
        (
            "ロキソプロフェンナトリウム錠６０ｍｇ「日医工」",
            "ロキソプロフェンナトリウム水和物",
            "疼痛時",
        ),
        (
            "レバミピド錠１００ｍｇ「オーツカ」",
            "レバミピド",
            "１日３回毎食後",
        ),
        (
            "酸化マグネシウム錠３３０ｍｇ「ケンエー」",
            "酸化マグネシウム",
            "１日３回毎食後",
        ),
    ];
    let mut h = MedicationHistory {
        patient: MedicalPatientHeader {
            name: Some("髙橋　美咲".into()),
            name_kana: Some("ﾀｶﾊｼ ﾐｻｷ".into()),
            birth_date: NaiveDate::from_ymd_opt(1986, 4, 12),
            sex: None,
        },
        months: Vec::new(),
        error: None,
    };
    for m in 0..MONTHS {
        let month = YearMonth::new(2026 - (m / 12) as u16, 12 - (m % 12) as u8).unwrap();
        let mut mm = MedicationMonth::new(MedicationSource::Claims);
        mm.month = Some(month);
        mm.dispensing_facility = Facility {
            code: Some("1341234567".into()),
            name: Some("さぎのみや薬局".into()),
        };
        mm.prescribing_facility = Facility {
            code: Some("1311234561".into()),
            name: Some("鷺宮内科クリニック".into()),
        };
        for d in 0..DAYS {
            let date = month.first_day().unwrap() + chrono::Days::new(2 * d as u64);
            let mut day = MedicationDay { clinical: Vec::new(), 
                dispensed_on: Some(date),
                prescribed_on: Some(date),
                drugs: Vec::new(),
            };
            for (name, ingredient, usage) in drugs.iter().take(DRUGS) {
                day.drugs.push(Drug {
                    code: None,
                    name: Some(name.to_string()),
                    ingredient: Some(ingredient.to_string()),
                    quantity: Some("1".into()),
                    unit: Some("錠".into()),
                    usage: Some(usage.to_string()),
                    special_instruction: None,
                    times: Some("28".into()),
                    category: Some("1".into()),
                });
            }
            mm.days.push(day);
        }
        h.months.push(mm);
    }
    h
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn main() {
    let h = history();
    let lines: usize = h
        .months
        .iter()
        .flat_map(|m| &m.days)
        .map(|d| d.drugs.len())
        .sum();
    let key = "01130012:50123:17:00";
    let mut state = ConsentState::new(key);
    state
        .record(Consent {
            patient_key: key.into(),
            category: ConsentCategory::Medication,
            given_at: at("2026-11-20 09:30"),
            valid_until: at("2026-11-21 09:30"),
            source: ConsentSource::CardReader,
            recorded_by: "card-reader".into(),
        })
        .unwrap();
    let now = at("2026-11-20 09:40");
    let grant = decide(
        &state,
        key,
        ConsentCategory::Medication,
        Purpose::Print,
        now,
    )
    .into_result()
    .unwrap();

    // The first call also parses the embedded font (once per process).
    let t = Instant::now();
    let first = medication_list(&h, &grant, "中野さくら内科クリニック", now, Lang::Ja).unwrap();
    let first_time = t.elapsed();

    let mut times: Vec<Duration> = Vec::new();
    let mut size = first.len();
    for _ in 0..10 {
        let t = Instant::now();
        let bytes = medication_list(&h, &grant, "中野さくら内科クリニック", now, Lang::Ja).unwrap();
        times.push(t.elapsed());
        size = bytes.len();
    }
    times.sort();
    let median = times[times.len() / 2];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("medication PDF, {lines} dispensing lines");
    println!("  first call (incl. font parse): {:.1} ms", ms(first_time));
    println!(
        "  generate: median {:.1} ms, min {:.1} ms, max {:.1} ms (10 runs; target < 200 ms) {}",
        ms(median),
        ms(times[0]),
        ms(*times.last().unwrap()),
        if ms(median) < 200.0 { "OK" } else { "OVER" }
    );
    println!(
        "  size: {:.1} KB ({size} bytes; target < 300 KB) {}",
        size as f64 / 1024.0,
        if size < 300 * 1024 { "OK" } else { "OVER" }
    );

    // 診療情報: a clinic every month for 5 years, dialysis for 2, a hospital
    // stay with an operation each year; both categories consented.
    let entry = |name: &str, category: &str, times: &str| madoguchi_core::medical::ClinicalEntry {
        name: Some(name.into()),
        code: None,
        category: Some(category.into()),
        quantity: None,
        times: Some(times.into()),
        unit: None,
    };
    let mut ch = MedicationHistory { patient: h.patient.clone(), ..MedicationHistory::default() };
    for m in 0..60usize {
        let month = YearMonth::new(2026 - (m / 12) as u16, 12 - (m % 12) as u8).unwrap();
        let mut block = |code: &str, name: &str, entries: Vec<madoguchi_core::medical::ClinicalEntry>| {
            let mut mm = MedicationMonth::new(MedicationSource::Claims);
            mm.month = Some(month);
            mm.dispensing_facility = Facility { code: Some(code.into()), name: Some(name.into()) };
            mm.clinical = entries;
            ch.months.push(mm);
        };
        block("1311234561", "鷺宮内科クリニック", vec![
            entry("再診料", "12", "1"),
            entry("外来管理加算", "12", "1"),
            entry("特定疾患療養管理料", "13", "1"),
            entry("ＨｂＡ１ｃ", "60", "1"),
        ]);
        if m < 24 {
            block("1317000001", "鷺宮腎クリニック", vec![entry("人工腎臓（慢性維持透析）（４時間以上５時間未満）", "40", "13")]);
        }
        if m % 12 == 6 {
            block("1318000000", "東京みなと総合病院", vec![
                entry("ＣＴ撮影（６４列以上のマルチスライス型の機器）", "70", "1"),
                entry("腹腔鏡下胆嚢摘出術", "50", "1"),
                entry("閉鎖循環式全身麻酔５", "54", "1"),
                entry("急性期一般入院料１", "90", "5"),
            ]);
        }
    }
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
    let cg = decide(&state, key, ConsentCategory::Clinical, Purpose::Print, now).into_result().unwrap();
    let og = decide(&state, key, ConsentCategory::Operations, Purpose::Print, now).into_result().unwrap();
    let entries = madoguchi_core::clinical::lines(&ch).len();
    let history = madoguchi_core::clinical::permitted(
        madoguchi_core::clinical::lines(&ch),
        key,
        Some(&cg),
        Some(&og),
        Purpose::Print,
        now,
    )
    .unwrap()
    .into_history(ch.patient.clone(), None);
    let mut times: Vec<Duration> = Vec::new();
    let mut size = 0;
    for _ in 0..10 {
        let t = Instant::now();
        let bytes = clinical_history(&history, Some(&cg), Some(&og), "中野さくら内科クリニック", now, Lang::Ja).unwrap();
        times.push(t.elapsed());
        size = bytes.len();
    }
    times.sort();
    println!("clinical history PDF, {entries} entries over 5 years");
    println!(
        "  generate: median {:.1} ms, min {:.1} ms, max {:.1} ms (10 runs)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(*times.last().unwrap())
    );
    println!("  size: {:.1} KB ({size} bytes)", size as f64 / 1024.0);
}
