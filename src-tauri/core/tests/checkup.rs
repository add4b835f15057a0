//! Checkup trends, year table and judgements, from the cases in
//! `data/checkup_trends.txt`.

use chrono::NaiveDate;
use madoguchi_core::checkup::{judgements, numeric, trends, year_table};
use madoguchi_core::medical::{Checkup, CheckupItem, CheckupResults};

struct Case {
    name: String,
    today: NaiveDate,
    results: CheckupResults,
    expects: Vec<String>,
}

fn opt(s: &str) -> Option<String> {
    (s != "-").then(|| s.to_string())
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    for (n, line) in include_str!("data/checkup_trends.txt").lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(head) = line.strip_prefix("== ") {
            let (name, today) = head.rsplit_once(" today=").unwrap_or_else(|| panic!("line {}: no today=", n + 1));
            out.push(Case {
                name: name.into(),
                today: today.parse().unwrap(),
                results: CheckupResults::default(),
                expects: vec![],
            });
            continue;
        }
        let case = out.last_mut().expect("a case header first");
        if line.starts_with("expect ") || line.starts_with("absent ") || line.starts_with("judgement ") {
            case.expects.push(line.to_string());
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 7, "line {}: {line:?}", n + 1);
        let date: NaiveDate = f[0].parse().unwrap();
        let item = CheckupItem {
            code: f[1].into(),
            name: opt(f[2]),
            data_type: opt(f[3]),
            value: opt(f[4]),
            unit: opt(f[5]),
            oid: None,
            value_name: opt(f[6]),
        };
        match case.results.checkups.iter_mut().find(|c| c.date == Some(date)) {
            Some(c) => c.items.push(item),
            None => case.results.checkups.push(Checkup { date: Some(date), items: vec![item] }),
        }
    }
    out
}

#[test]
fn cases_from_the_table() {
    let cases = cases();
    assert!(cases.len() >= 6);
    for case in cases {
        let ts = trends(&case.results, case.today, 5);
        let js = judgements(&case.results);
        let mut judged = 0;
        for e in &case.expects {
            let mut words = e.split_whitespace();
            match words.next().unwrap() {
                "expect" => {
                    let key = words.next().unwrap();
                    let t = ts.iter().find(|t| t.key == key).unwrap_or_else(|| panic!("{}: no trend {key}", case.name));
                    let shown: Vec<String> = t
                        .points
                        .iter()
                        .map(|p| {
                            format!(
                                "{}={}{}{}",
                                p.date,
                                p.value,
                                if p.out_of_range { "!" } else { "" },
                                if p.computed { "*" } else { "" }
                            )
                        })
                        .collect();
                    let want: Vec<String> = words.map(String::from).collect();
                    assert_eq!(shown, want, "{}: {key}", case.name);
                }
                "absent" => {
                    let key = words.next().unwrap();
                    assert!(ts.iter().all(|t| t.key != key), "{}: {key} should not be drawn", case.name);
                }
                "judgement" => {
                    let date: NaiveDate = words.next().unwrap().parse().unwrap();
                    let (item, text) = words.next().unwrap().split_once('=').unwrap();
                    let j = &js[judged];
                    assert_eq!((j.date, j.item.as_str(), j.text.as_str()), (Some(date), item, text), "{}", case.name);
                    judged += 1;
                }
                other => panic!("unknown expectation {other}"),
            }
        }
        assert_eq!(js.len(), judged, "{}: judgements not listed in the case: {js:?}", case.name);
    }
}

#[test]
fn the_year_table_puts_years_side_by_side() {
    let case = cases().into_iter().next().unwrap();
    let t = year_table(&case.results);
    assert_eq!(t.dates, vec![NaiveDate::from_ymd_opt(2025, 6, 10), NaiveDate::from_ymd_opt(2024, 6, 5)]);
    let weight = t.rows.iter().find(|r| r.name == "体重").unwrap();
    assert_eq!(weight.values, vec![Some("61.0".into()), Some("59.4".into())]);
    assert_eq!(weight.unit.as_deref(), Some("kg"));
    let height = t.rows.iter().find(|r| r.name == "身長").unwrap();
    assert_eq!(height.values, vec![Some("158.2".into()), None], "not measured in 2024");
    let metabo = t.rows.iter().find(|r| r.code == "9N501000000000011").unwrap();
    assert_eq!(metabo.values[0].as_deref(), Some("予備群該当"), "a coded value shows its label");
}

#[test]
fn numbers_as_written() {
    assert_eq!(numeric("6.4"), Some(6.4));
    assert_eq!(numeric(" １２８ "), Some(128.0));
    assert_eq!(numeric("測定不能"), None);
    assert_eq!(numeric("NaN"), None);
}
