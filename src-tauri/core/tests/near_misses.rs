//! Disaster-mode matching: no near-miss returns anyone. People are generated
//! with addresses whose building repeats the town and whose room starts with
//! other digits; each query is the person's own fields with one thing wrong —
//! another 丁目 (in every form staff type it, often a digit of the room),
//! another room, another 番地, the other sex, the birth date a day, a month or
//! a year off, a sibling's given name — and asked against that person alone.
//! The same people asked with their own fields are found (so the generator
//! does not test an empty matcher).

use chrono::{Datelike, Months, NaiveDate};
use madoguchi_core::codes::Sex;
use madoguchi_core::matching::{match_disaster, Candidate, DisasterQuery, MatchOutcome};
use proptest::prelude::*;

const TOWNS: &[(&str, &str)] = &[
    ("埼玉県さいたま市浦和区", "高砂"),
    ("沖縄県那覇市", "久茂地"),
    ("東京都世田谷区", "三軒茶屋"),
    ("東京都練馬区", "豊玉北"),
    ("石川県金沢市", "広坂"),
];
const BUILDINGS: &[&str] = &["グランドパレス", "サンハイム", "レジデンス", "コーポ"];
/// (family, family kana, [(given, given kana)…]) — siblings share the family.
const FAMILIES: &[(&str, &str, &[(&str, &str)])] = &[
    ("森", "モリ", &[("哲也", "テツヤ"), ("哲夫", "テツオ"), ("由美", "ユミ")]),
    ("鈴木", "スズキ", &[("久美子", "クミコ"), ("久美", "クミ"), ("一郎", "イチロウ")]),
    ("比嘉", "ヒガ", &[("健", "ケン"), ("健太", "ケンタ"), ("健二", "ケンジ")]),
];
const KANJI_DIGITS: &[&str] = &["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

#[derive(Debug, Clone)]
struct Person {
    town: usize,
    chome: u32,
    ban: u32,
    go: u32,
    building: usize,
    /// The building's name carries the town's name (グランドパレス高砂).
    building_has_town: bool,
    room: u32,
    family: usize,
    given: usize,
    male: bool,
    birth: NaiveDate,
}

fn person() -> impl Strategy<Value = Person> {
    (
        (0..TOWNS.len(), 1..9u32, 1..30u32, 1..20u32),
        (0..BUILDINGS.len(), any::<bool>(), 1..12u32, 1..10u32),
        (0..FAMILIES.len(), 0..3usize, any::<bool>()),
        (1940..2015i32, 1..13u32, 1..29u32),
    )
        .prop_map(|((town, chome, ban, go), (building, building_has_town, floor, door), (family, given, male), (y, m, d))| Person {
            town,
            chome,
            ban,
            go,
            building,
            building_has_town,
            room: floor * 100 + door,
            family,
            given,
            male,
            birth: NaiveDate::from_ymd_opt(y, m, d).unwrap(),
        })
}

impl Person {
    fn building_name(&self) -> String {
        let town = if self.building_has_town { TOWNS[self.town].1 } else { "" };
        format!("{}{town}", BUILDINGS[self.building])
    }
    fn address(&self) -> String {
        let (city, town) = TOWNS[self.town];
        format!("{city}{town}{}丁目{}番{}号　{}{}", self.chome, self.ban, self.go, self.building_name(), self.room)
    }
    fn names(&self) -> (String, String, &'static str, &'static str) {
        let (family, family_kana, givens) = FAMILIES[self.family];
        let (given, given_kana) = givens[self.given];
        (family.to_string(), family_kana.to_string(), given, given_kana)
    }
    fn candidate(&self) -> Candidate {
        let (family, family_kana, given, given_kana) = self.names();
        Candidate {
            key: "01130012:K:1:00".into(),
            name: format!("{family}　{given}"),
            name_kana: Some(format!("{family_kana}　{given_kana}")),
            sex: if self.male { Sex::Male } else { Sex::Female },
            birth_date: self.birth,
            address: Some(self.address()),
            insurer_name: Some("全国健康保険協会東京支部".into()),
            insurer_number: Some("01130012".into()),
        }
    }
    fn query(&self, hint: String) -> DisasterQuery {
        let (family, _, given, _) = self.names();
        DisasterQuery {
            name: format!("{family} {given}"),
            birth_date: self.birth.format("%Y-%m-%d").to_string(),
            sex: if self.male { "男" } else { "女" }.into(),
            hint,
        }
    }
}

/// A 丁目 as staff type it: 4丁目, 四丁目, ４－, 4ー, 4-, 4.
fn chome_forms(town: &str, n: u32) -> Vec<String> {
    let full: String = n.to_string().chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
    let mut v = vec![
        format!("{town}{n}丁目"),
        format!("{town}{full}－"),
        format!("{town}{n}ー"),
        format!("{town}{n}-"),
        format!("{town}{n}"),
    ];
    if n < 10 {
        v.push(format!("{town}{}丁目", KANJI_DIGITS[n as usize]));
    }
    v
}

/// Other 丁目 to try: every digit of the room, 番地 and 号 that is not the
/// 丁目, the room itself and its first two digits, and the neighbours.
fn wrong_chome(p: &Person) -> Vec<u32> {
    let mut v: Vec<u32> = format!("{}{}{}", p.room, p.ban, p.go)
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    v.extend([p.room, p.room / 10, p.chome + 1, p.chome.saturating_sub(1), p.chome * 10]);
    v.retain(|n| *n != p.chome && *n != 0);
    v.sort_unstable();
    v.dedup();
    v
}

fn found(q: &DisasterQuery, c: &Candidate) -> bool {
    matches!(match_disaster(q, std::slice::from_ref(c)), MatchOutcome::Found { .. })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn own_fields_find_the_person(p in person()) {
        let c = p.candidate();
        let town = TOWNS[p.town].1;
        for hint in chome_forms(town, p.chome)
            .into_iter()
            .chain([
                format!("{town}{}-{}", p.chome, p.ban),
                format!("{town}{}ー{}ー{}", p.chome, p.ban, p.go),
                format!("{}{}", p.building_name(), p.room),
                town.to_string(),
            ])
        {
            let q = p.query(hint);
            prop_assert!(found(&q, &c), "{:?} not found: {:?}", q, c);
        }
    }

    #[test]
    fn no_near_miss_returns_anyone(p in person()) {
        let c = p.candidate();
        let town = TOWNS[p.town].1;
        let mut misses: Vec<(String, DisasterQuery)> = Vec::new();
        for n in wrong_chome(&p) {
            for hint in chome_forms(town, n) {
                misses.push((format!("丁目 {n}"), p.query(hint)));
            }
        }
        for ban in [p.ban + 1, p.ban * 10, p.room] {
            misses.push(("番地".into(), p.query(format!("{town}{}-{ban}", p.chome))));
        }
        for room in [p.room + 1, p.room / 10, p.room * 10] {
            misses.push(("room".into(), p.query(format!("{}{room}", p.building_name()))));
        }
        let right = format!("{town}{}丁目", p.chome);
        let mut other_sex = p.query(right.clone());
        other_sex.sex = if p.male { "女" } else { "男" }.into();
        misses.push(("sex".into(), other_sex));
        let days = [
            p.birth.succ_opt().unwrap(),
            p.birth.pred_opt().unwrap(),
            p.birth.checked_add_months(Months::new(1)).unwrap(),
            p.birth.checked_sub_months(Months::new(1)).unwrap(),
            p.birth.with_year(p.birth.year() + 1).unwrap(),
            p.birth.with_year(p.birth.year() - 1).unwrap(),
        ];
        for d in days {
            let mut q = p.query(right.clone());
            q.birth_date = d.format("%Y-%m-%d").to_string();
            misses.push(("birth date".into(), q));
        }
        let (family, family_kana, _, _) = p.names();
        for (i, (given, given_kana)) in FAMILIES[p.family].2.iter().enumerate() {
            if i == p.given {
                continue;
            }
            for name in [format!("{family} {given}"), format!("{family_kana} {given_kana}"), format!("{family} {given_kana}")] {
                let mut q = p.query(right.clone());
                q.name = name;
                misses.push(("sibling".into(), q));
            }
        }
        for (what, q) in &misses {
            prop_assert!(!found(q, &c), "near-miss ({}) found the person: {:?} for {:?}", what, q, c);
        }
    }
}
