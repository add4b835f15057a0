//! Synthetic 診療情報 (clinical histories) for the training population: what
//! the training terminal puts in the medication answer when 診療情報 is asked
//! (`FileCategory` 3/4), as `MeTrMonthInf` blocks with `MeTrInfs/MeTrInf`
//! entries, and what `POST /api/v1/medical/clinical` answers.
//!
//! Deterministic from the person key (same key, same history), over the five
//! years before `today` (the national system keeps five years):
//!
//! - a home clinic, visited monthly or every other month for years by people
//!   with a chronic condition (再診料, 外来管理加算, 特定疾患療養管理料, a
//!   blood test twice a year), a few times by the others;
//! - for some, an orthopaedic episode (X-ray, 処置, リハビリテーション);
//! - for some, imaging at a hospital (CT or MRI);
//! - for some, **one operation** at a hospital with its anaesthesia, the
//!   stay, pathology, and for a joint replacement a transfusion (these are
//!   手術情報: the desk shows them only with the operations consent);
//! - for a few, 人工透析 three times a week at a dialysis clinic for the last
//!   one to three years; for fewer, radiotherapy;
//! - for the very old, home care (訪問診療) in the last months.
//!
//! Names are the fee schedule's; the 9-digit codes are shaped like the
//! レセ電算 診療行為コード (1 医科 + 区分) but are **synthetic**.

use chrono::{Datelike, Months, NaiveDate};
use madoguchi_core::medical::{ClinicalEntry, Facility, MedicationMonth, MedicationSource, YearMonth};

use crate::terminal::{key_hash, Draw};

fn entry(name: &str, code: &str, category: &str, times: u32, unit: Option<&str>) -> ClinicalEntry {
    ClinicalEntry {
        name: Some(name.into()),
        code: Some(code.into()),
        category: Some(category.into()),
        quantity: None,
        times: Some(times.to_string()),
        unit: unit.map(str::to_string),
    }
}

/// The home clinics: the same three names the medication history uses as
/// prescribers, with the same synthetic codes.
const CLINICS: [&str; 3] = ["けやき内科クリニック", "あおば整形外科", "すずらん診療所"];
const HOSPITALS: [&str; 2] = ["東京みなと総合病院", "中野中央病院"];

fn clinic(i: u64) -> Facility {
    let i = (i as usize) % CLINICS.len();
    Facility { code: Some(format!("13190000{i:02}")), name: Some(CLINICS[i].into()) }
}

fn hospital(i: u64) -> Facility {
    let i = (i as usize) % HOSPITALS.len();
    Facility { code: Some(format!("13180000{i:02}")), name: Some(HOSPITALS[i].into()) }
}

fn dialysis_clinic() -> Facility {
    Facility { code: Some("1317000001".into()), name: Some("鷺宮腎クリニック".into()) }
}

/// The operations a person may have had: (name, code, anaesthesia, days in
/// hospital, pathology, transfusion).
const OPERATIONS: [(&str, &str, bool, u32, bool, bool); 4] = [
    ("腹腔鏡下胆嚢摘出術", "150254010", true, 5, true, false),
    ("水晶体再建術（眼内レンズを挿入する場合）（その他のもの）", "150263410", false, 2, false, false),
    ("人工関節置換術（膝）", "150259810", true, 21, false, true),
    ("内視鏡的大腸ポリープ・粘膜切除術（長径２センチメートル未満）", "150285010", false, 1, true, false),
];

/// One facility's month, with its entries.
fn month(facility: &Facility, ym: YearMonth, entries: Vec<ClinicalEntry>) -> MedicationMonth {
    let mut m = MedicationMonth::new(MedicationSource::Claims);
    m.month = Some(ym);
    // A facility's own claim: it names itself as both facilities, 院内.
    m.dispensing_facility = facility.clone();
    m.prescribing_facility = facility.clone();
    m.dispensing_org = Some("1".into());
    m.prescribing_org = Some("1".into());
    m.in_out = Some("1".into());
    m.clinical = entries;
    m
}

/// The clinical history of `key` (born `birth_date`) over the five years
/// before `today`, newest month first, one block per facility and month.
/// `home_clinic` is the index of the clinic that prescribes the person's
/// medication (so both histories name the same doctor).
pub fn clinical_months(key: &str, birth_date: NaiveDate, home_clinic: u64, today: NaiveDate) -> Vec<MedicationMonth> {
    let mut draw = Draw(key_hash(key) ^ 0xc11c);
    let age = today.year() - birth_date.year();
    let Some(this_month) = YearMonth::of(today) else { return Vec::new() };
    let month_back = |n: u32| -> Option<YearMonth> {
        this_month.first_day()?.checked_sub_months(Months::new(n)).and_then(YearMonth::of)
    };
    let mut out: Vec<MedicationMonth> = Vec::new();
    let mut add = |f: &Facility, back: u32, entries: Vec<ClinicalEntry>| {
        if let Some(ym) = month_back(back) {
            out.push(month(f, ym, entries));
        }
    };

    // The home clinic: chronic patients (more of them with age) for years.
    let home = clinic(home_clinic);
    let chronic = draw.chance(if age >= 60 { 75 } else if age >= 40 { 45 } else { 15 });
    if chronic {
        let since = 24 + draw.below(36) as u32; // 2–5 years of visits
        let every = 1 + draw.below(2) as u32;
        let mut back = 0;
        while back <= since {
            let mut e = vec![
                entry("再診料", "112007410", "12", 1, None),
                entry("外来管理加算", "112011310", "12", 1, None),
                entry("特定疾患療養管理料（診療所）", "113001810", "13", 1, None),
            ];
            if back % 6 == 0 {
                e.push(entry("ＨｂＡ１ｃ", "160010010", "60", 1, None));
                e.push(entry("末梢血液一般検査", "160008010", "60", 1, None));
            }
            if back + every > since {
                e.insert(0, entry("初診料", "111000110", "11", 1, None));
                e.retain(|x| x.category.as_deref() != Some("12") || x.name.as_deref() != Some("再診料"));
            }
            add(&home, back, e);
            back += every;
        }
    } else {
        let visits = 1 + draw.below(4) as u32;
        for _ in 0..visits {
            let back = draw.below(60) as u32;
            add(&home, back, vec![
                entry("初診料", "111000110", "11", 1, None),
                entry("末梢血液一般検査", "160008010", "60", 1, None),
            ]);
        }
    }

    // An orthopaedic episode: X-ray, treatment, rehabilitation.
    if draw.chance(30) {
        let ortho = clinic(1);
        let start = 3 + draw.below(50) as u32;
        add(&ortho, start, vec![
            entry("初診料", "111000110", "11", 1, None),
            entry("単純撮影（デジタル撮影）", "170027910", "70", 2, Some("回")),
            entry("消炎鎮痛等処置（マッサージ等の手技による療法）", "140030910", "40", 1, None),
        ]);
        for back in (start.saturating_sub(2)..start).rev() {
            add(&ortho, back, vec![
                entry("再診料", "112007410", "12", 4, Some("回")),
                entry("運動器リハビリテーション料（２）", "180027610", "80", 8, Some("回")),
            ]);
        }
    }

    // Imaging at a hospital.
    if draw.chance(35) {
        let h = hospital(draw.below(2));
        let (name, code) = if draw.chance(50) {
            ("ＣＴ撮影（６４列以上のマルチスライス型の機器）", "170028810")
        } else {
            ("ＭＲＩ撮影（１．５テスラ以上３テスラ未満の機器）", "170020110")
        };
        add(&h, draw.below(58) as u32, vec![
            entry("初診料", "111000110", "11", 1, None),
            entry(name, code, "70", 1, None),
            entry("コンピューター断層診断", "170000410", "70", 1, None),
        ]);
    }

    // One operation, for some.
    if draw.chance(if age >= 50 { 30 } else { 12 }) {
        let h = hospital(draw.below(2));
        let (name, code, anaesthesia, days, pathology, transfusion) =
            OPERATIONS[draw.below(OPERATIONS.len() as u64) as usize];
        let back = 2 + draw.below(55) as u32;
        let mut e = vec![
            entry("初診料", "111000110", "11", 1, None),
            entry("急性期一般入院料１", "190117710", "90", days, Some("日")),
            entry(name, code, "50", 1, None),
        ];
        if anaesthesia {
            e.push(ClinicalEntry {
                quantity: Some(format!("{}", 120 + 30 * draw.below(4))),
                unit: Some("分".into()),
                ..entry("閉鎖循環式全身麻酔５", "150232710", "54", 1, None)
            });
        }
        if transfusion {
            e.push(ClinicalEntry {
                quantity: Some("400".into()),
                unit: Some("ｍＬ".into()),
                ..entry("保存血液輸血（１回目）", "150291510", "50", 1, None)
            });
        }
        if pathology {
            e.push(entry("病理組織標本作製（組織切片によるもの）", "160060010", "60", 1, None));
            e.push(entry("病理診断料（組織診断料）", "160062010", "60", 1, None));
        }
        add(&h, back, e);
        add(&h, back.saturating_sub(1), vec![entry("再診料", "112007410", "12", 1, None)]);
    }

    // Dialysis three times a week, for a few, for the last 1–3 years.
    if draw.chance(if age >= 50 { 8 } else { 2 }) {
        let d = dialysis_clinic();
        let months = 12 + draw.below(24) as u32;
        for back in 0..months {
            let sessions = 12 + draw.below(3) as u32;
            add(&d, back, vec![
                entry("人工腎臓（慢性維持透析）（４時間以上５時間未満）", "140051250", "40", sessions, Some("回")),
                entry("慢性維持透析患者外来医学管理料", "113002210", "13", 1, None),
            ]);
        }
    }

    // Radiotherapy, for fewer.
    if draw.chance(3) {
        let h = hospital(0);
        add(&h, 6 + draw.below(40) as u32, vec![
            entry("体外照射（高エネルギー放射線治療）（１門照射）", "180018910", "80", 20, Some("回")),
            entry("放射線治療管理料", "180019010", "80", 1, None),
        ]);
    }

    // Home care for the very old.
    if age >= 80 && draw.chance(40) {
        let f = clinic(2);
        for back in 0..(6 + draw.below(7) as u32) {
            add(&f, back, vec![
                entry("在宅患者訪問診療料（Ⅰ）１（同一建物居住者以外）", "114001110", "14", 2, Some("回")),
                entry("在宅時医学総合管理料", "114003510", "14", 1, None),
            ]);
        }
    }

    // Newest first; one block per facility and month (merge what fell together).
    out.sort_by(|a, b| b.month.cmp(&a.month).then_with(|| a.dispensing_facility.code.cmp(&b.dispensing_facility.code)));
    let mut merged: Vec<MedicationMonth> = Vec::new();
    for m in out {
        match merged.last_mut() {
            Some(last) if last.month == m.month && last.dispensing_facility == m.dispensing_facility => {
                for e in m.clinical {
                    if !last.clinical.contains(&e) {
                        last.clinical.push(e);
                    }
                }
            }
            _ => merged.push(m),
        }
    }
    merged
}
