//! Disaster-mode matching: the query table (tests/data/matching_queries.tsv)
//! against the confusable people (tests/data/matching_people.tsv), the adapter
//! path (pre-filter by birth date and sex, then the same matcher), the Fluent
//! messages, and a property test: a query made from a person's own fields finds
//! that person or reports Ambiguous — never somebody else alone.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use madoguchi_core::codes::Sex;
use madoguchi_core::matching::{
    hint_key, match_disaster, name_key, prepare, Candidate, DisasterQuery, FieldMatch, Hint,
    MatchField, MatchHow, MatchOutcome, QueryField, QueryProblem, MASK,
};
use madoguchi_core::wareki::{format_wareki, format_wareki_short, DateProblem, Era};
use proptest::prelude::*;

fn rows(name: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn opt(s: &str) -> Option<String> {
    (s != "-").then(|| s.to_string())
}

fn people() -> Vec<Candidate> {
    rows("matching_people.tsv")
        .into_iter()
        .map(|r| {
            assert_eq!(r.len(), 9, "{r:?}");
            Candidate {
                key: r[1].clone(),
                name: r[2].clone(),
                name_kana: opt(&r[3]),
                sex: Sex::from_code(&r[4]).unwrap_or_else(|| panic!("sex {r:?}")),
                birth_date: r[5].parse().unwrap_or_else(|e| panic!("{r:?}: {e}")),
                address: opt(&r[6]),
                insurer_name: opt(&r[7]),
                insurer_number: r[1].split(':').next().map(str::to_string),
            }
        })
        .collect()
}

/// A problem as written in the TSV file.
fn render_problem(p: &QueryProblem) -> String {
    match p {
        QueryProblem::Missing { field } => format!("missing({})", field.code()),
        QueryProblem::BirthDate { problem } => format!(
            "birth_date({})",
            match problem {
                DateProblem::Empty => "empty",
                DateProblem::Unrecognised => "unrecognised",
                DateProblem::NoSuchDay => "no_such_day",
                DateProblem::OutsideEra { .. } => "outside_era",
            }
        ),
        QueryProblem::UnknownSex => "unknown_sex".into(),
        QueryProblem::HintTooShort { .. } => "hint_too_short".into(),
        QueryProblem::HintTooGeneric => "hint_too_generic".into(),
        QueryProblem::HintOnlyNumbers => "hint_only_numbers".into(),
        QueryProblem::Wildcard { field } => format!("wildcard({})", field.code()),
    }
}

fn render(o: &MatchOutcome) -> String {
    match o {
        MatchOutcome::Found { key, .. } => format!("found:{key}"),
        MatchOutcome::NotFound { .. } => "not_found".into(),
        MatchOutcome::Ambiguous { count } => format!("ambiguous:{count}"),
        MatchOutcome::Refused { problems } => format!(
            "refused:{}",
            problems
                .iter()
                .map(render_problem)
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn agrees(expected: &str, got: &MatchOutcome) -> bool {
    let got_s = render(got);
    if expected == "refused" {
        return matches!(got, MatchOutcome::Refused { .. });
    }
    if let Some(list) = expected.strip_prefix("refused:") {
        let want: BTreeSet<&str> = list.split(' ').collect();
        let have: BTreeSet<&str> = got_s
            .strip_prefix("refused:")
            .map(|l| l.split(' ').collect())
            .unwrap_or_default();
        return matches!(got, MatchOutcome::Refused { .. }) && want == have;
    }
    expected == got_s
}

fn query(r: &[String]) -> DisasterQuery {
    DisasterQuery {
        name: r[1].clone(),
        birth_date: r[2].clone(),
        sex: r[3].clone(),
        hint: r[4].clone(),
    }
}

/// The adapter's way: filter by birth date and sex (as SQL would), then run
/// the same matcher over what is left, streaming.
fn adapter_outcome(q: &DisasterQuery, all: &[Candidate]) -> MatchOutcome {
    match prepare(q) {
        Err(problems) => MatchOutcome::Refused { problems },
        Ok(p) => {
            let mut collector = p.collector();
            for c in all
                .iter()
                .filter(|c| c.birth_date == p.birth_date() && c.sex == p.sex())
            {
                collector.push(c);
            }
            collector.finish()
        }
    }
}

#[test]
fn query_table() {
    let all = people();
    let keys: BTreeSet<&str> = all.iter().map(|c| c.key.as_str()).collect();
    let table = rows("matching_queries.tsv");
    assert!(table.len() >= 200, "only {} queries", table.len());

    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut wrong_person = Vec::new();
    let mut other_failures = Vec::new();
    let mut ids = BTreeSet::new();
    for r in &table {
        assert_eq!(r.len(), 7, "{r:?}");
        assert!(ids.insert(r[0].clone()), "{} twice", r[0]);
        let expected = r[5].as_str();
        if let Some(k) = expected.strip_prefix("found:") {
            assert!(keys.contains(k), "{}: no person {k}", r[0]);
        }
        let q = query(r);
        let got = match_disaster(&q, &all);
        // The adapter path gives the same answer.
        assert_eq!(
            adapter_outcome(&q, &all),
            got,
            "{}: adapter path differs",
            r[0]
        );

        let kind = expected.split(':').next().unwrap();
        *counts.entry(kind).or_default() += 1;
        if let MatchOutcome::Found { key, matched } = &got {
            // Every found person really has all four fields matched.
            let fields: BTreeSet<MatchField> = matched.iter().map(|m| m.field).collect();
            assert!(
                fields.contains(&MatchField::Name)
                    && fields.contains(&MatchField::BirthDate)
                    && fields.contains(&MatchField::Sex)
                    && (fields.contains(&MatchField::InsurerName)
                        || fields.contains(&MatchField::Address)),
                "{}: {matched:?}",
                r[0]
            );
            if expected != format!("found:{key}") {
                wrong_person.push(format!(
                    "{} {:?} → found {key}, expected {expected}",
                    r[0], q
                ));
                continue;
            }
        }
        if !agrees(expected, &got) {
            other_failures.push(format!(
                "{} {:?} → {}, expected {expected}",
                r[0],
                q,
                render(&got)
            ));
        }
    }
    println!(
        "{} queries: {:?}; wrong person: {}; other failures: {}",
        table.len(),
        counts,
        wrong_person.len(),
        other_failures.len()
    );
    assert!(
        wrong_person.is_empty(),
        "WRONG PERSON FOUND ({}):\n{}",
        wrong_person.len(),
        wrong_person.join("\n")
    );
    assert!(
        other_failures.is_empty(),
        "{} queries disagree:\n{}",
        other_failures.len(),
        other_failures.join("\n")
    );
    // The table covers every outcome.
    for kind in ["found", "not_found", "ambiguous", "refused"] {
        assert!(counts.get(kind).copied().unwrap_or(0) > 0, "no {kind} rows");
    }
}

fn found_how(q: DisasterQuery, all: &[Candidate]) -> Vec<FieldMatch> {
    match match_disaster(&q, all) {
        MatchOutcome::Found { matched, .. } => matched,
        other => panic!("{q:?}: {other:?}"),
    }
}

fn q(name: &str, date: &str, sex: &str, hint: &str) -> DisasterQuery {
    DisasterQuery {
        name: name.into(),
        birth_date: date.into(),
        sex: sex.into(),
        hint: hint.into(),
    }
}

#[test]
fn how_each_field_matched_is_reported() {
    let all = people();
    let how = |m: &[FieldMatch], f: MatchField| m.iter().find(|x| x.field == f).map(|x| x.how);
    let m = found_how(q("高橋美咲", "S61.4.12", "女", "鷺宮"), &all);
    assert_eq!(
        how(&m, MatchField::Name),
        Some(MatchHow::VariantKanjiFolded)
    );
    assert_eq!(how(&m, MatchField::BirthDate), Some(MatchHow::WarekiDate));
    assert_eq!(how(&m, MatchField::Address), Some(MatchHow::PartialAddress));
    let m = found_how(q("𠮷田真由美", "1982-12-24", "女", "東都印刷"), &all);
    assert_eq!(how(&m, MatchField::Name), Some(MatchHow::MaskedCharacter));
    assert_eq!(
        how(&m, MatchField::InsurerName),
        Some(MatchHow::PartialInsurerName)
    );
    let m = found_how(q("ひろせ しおり", "1999-09-19", "女", "基町"), &all);
    assert_eq!(how(&m, MatchField::Name), Some(MatchHow::Kana));
    assert_eq!(how(&m, MatchField::BirthDate), Some(MatchHow::Exact));
    let m = found_how(
        q(
            "山崎太郎",
            "1940-02-11",
            "男",
            "石川県後期高齢者医療広域連合",
        ),
        &all,
    );
    assert_eq!(how(&m, MatchField::InsurerName), Some(MatchHow::Exact));
    let m = found_how(
        q("井上勇気", "1988-08-28", "男", "鹿児島県鹿児島市山下町11-1"),
        &all,
    );
    assert_eq!(how(&m, MatchField::Address), Some(MatchHow::Exact));
}

#[test]
fn ambiguous_and_not_found_carry_no_personal_data() {
    let all = people();
    let out = match_disaster(&q("田中裕子", "1980-02-02", "女", "中央区"), &all);
    assert_eq!(out, MatchOutcome::Ambiguous { count: 3 });
    let json = serde_json::to_string(&out).unwrap();
    assert_eq!(json, r#"{"outcome":"ambiguous","count":3}"#);
    let out = match_disaster(&q("田中裕子", "1980-02-03", "女", "中央区"), &all);
    let json = serde_json::to_string(&out).unwrap();
    for c in &all {
        assert!(!json.contains(&c.key), "{json}");
    }
    assert!(!json.contains("田中") && !json.contains("中央"), "{json}");
}

#[test]
fn not_found_advice_depends_on_the_query_only() {
    let all = people();
    let advice = |q: DisasterQuery, cands: &[Candidate]| match match_disaster(&q, cands) {
        MatchOutcome::NotFound { hints } => hints,
        other => panic!("{other:?}"),
    };
    let a = advice(q("高橋美咲", "S61.4.14", "女", "鷺宮"), &all);
    assert_eq!(
        a,
        vec![
            Hint::CheckEra,
            Hint::TryKana,
            Hint::TryInsurerName,
            Hint::CheckSex
        ]
    );
    // The same advice with nobody stored: it reveals nothing about the people.
    assert_eq!(advice(q("高橋美咲", "S61.4.14", "女", "鷺宮"), &[]), a);
    let a = advice(
        q("たかはし", "1986-04-14", "女", "みなと電機健康保険組合"),
        &all,
    );
    assert_eq!(
        a,
        vec![
            Hint::CheckBirthDate,
            Hint::TryKanji,
            Hint::TryAddress,
            Hint::ShorterHint,
            Hint::CheckSex
        ]
    );
    assert!(advice(q("林望", "1986-04-14", "男", "中野"), &all).contains(&Hint::FullName));
}

#[test]
fn name_key_is_an_index_key() {
    for (a, b) in [
        ("高橋美咲", "髙橋　美咲"),
        ("高橋美咲", " 髙 橋 美 咲 "),
        ("タカハシミサキ", "たかはし みさき"),
        ("タカハシミサキ", "ﾀｶﾊｼ ﾐｻｷ"),
        ("渡辺健一", "渡邊健一"),
        ("渡辺健一", "渡邉　健一"),
        ("斎藤一郎", "齋藤一郎"),
        ("斎藤一郎", "斉藤一郎"),
        ("吉田", "𠮷田"),
    ] {
        assert_eq!(name_key(a), name_key(b), "{a} / {b}");
    }
    assert_ne!(name_key("高橋美咲"), name_key("高橋美佐"));
    assert_eq!(
        hint_key("東京都中野区鷺宮三丁目1番5号"),
        hint_key("東京都中野区鷺宮３－１－５")
    );
}

// ---- Fluent messages ----

fn ftl_messages(locale: &str) -> BTreeMap<String, BTreeSet<String>> {
    let path = format!(
        "{}/../../locales/{locale}/matching.ftl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut messages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            current = None;
            continue;
        }
        let body = if line.starts_with(' ') || line.starts_with('}') {
            assert!(
                current.is_some(),
                "{path}: continuation without a message: {line:?}"
            );
            line
        } else {
            let (id, body) = line
                .split_once(" = ")
                .unwrap_or_else(|| panic!("{path}: not a message: {line:?}"));
            assert!(id.starts_with("matching-"), "{path}: {id} lacks the prefix");
            assert!(
                messages.insert(id.to_string(), BTreeSet::new()).is_none(),
                "{path}: {id} twice"
            );
            current = Some(id.to_string());
            body
        };
        let vars = messages.get_mut(current.as_ref().unwrap()).unwrap();
        for piece in body.split('$').skip(1) {
            let name: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            vars.insert(name);
        }
    }
    messages
}

fn every_problem() -> Vec<QueryProblem> {
    let mut v: Vec<QueryProblem> = QueryField::ALL
        .iter()
        .flat_map(|f| {
            [
                QueryProblem::Missing { field: *f },
                QueryProblem::Wildcard { field: *f },
            ]
        })
        .collect();
    v.extend([
        QueryProblem::BirthDate {
            problem: DateProblem::Unrecognised,
        },
        QueryProblem::BirthDate {
            problem: DateProblem::NoSuchDay,
        },
        QueryProblem::BirthDate {
            problem: DateProblem::OutsideEra {
                era: Era::Showa,
                first: Era::Showa.first_day(),
                last: Era::Showa.last_day(),
            },
        },
        QueryProblem::UnknownSex,
        QueryProblem::HintTooShort { min: 2, got: 1 },
        QueryProblem::HintTooGeneric,
        QueryProblem::HintOnlyNumbers,
    ]);
    for p in &v {
        // A new variant fails to compile here until it has a sample.
        match p {
            QueryProblem::Missing { .. }
            | QueryProblem::BirthDate { .. }
            | QueryProblem::UnknownSex
            | QueryProblem::HintTooShort { .. }
            | QueryProblem::HintTooGeneric
            | QueryProblem::HintOnlyNumbers
            | QueryProblem::Wildcard { .. } => {}
        }
    }
    v
}

#[test]
fn every_message_exists_in_both_locales_with_its_arguments() {
    let mut produced: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |m: madoguchi_core::message::Msg| {
        produced
            .entry(m.id.clone())
            .or_default()
            .extend(m.args.into_iter().map(|(k, _)| k));
    };
    let problems = every_problem();
    let problem_ids: BTreeSet<String> = problems.iter().map(|p| p.message().id).collect();
    for p in &problems {
        add(p.message());
    }
    for h in Hint::ALL {
        add(h.message());
    }
    for f in MatchField::ALL {
        add(madoguchi_core::message::Msg::new(f.message_id()));
        for h in MatchHow::ALL {
            add(FieldMatch { field: *f, how: *h }.message());
        }
    }
    for h in MatchHow::ALL {
        add(madoguchi_core::message::Msg::new(h.message_id()));
    }
    for o in [
        MatchOutcome::Found {
            key: "k".into(),
            matched: vec![],
        },
        MatchOutcome::NotFound { hints: vec![] },
        MatchOutcome::Ambiguous { count: 2 },
        MatchOutcome::Refused {
            problems: vec![QueryProblem::UnknownSex],
        },
    ] {
        add(o.message());
    }
    let listed: BTreeSet<String> = QueryProblem::MESSAGE_IDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(listed, problem_ids);

    for locale in ["ja", "en"] {
        let messages = ftl_messages(locale);
        for (id, args) in &produced {
            let vars = messages
                .get(id)
                .unwrap_or_else(|| panic!("locales/{locale}/matching.ftl lacks {id}"));
            for var in vars {
                assert!(
                    args.contains(var),
                    "{locale}: {id} uses ${var}, which the code never passes"
                );
            }
        }
        for id in messages.keys() {
            assert!(
                produced.contains_key(id),
                "{locale}: {id} is never produced"
            );
        }
    }
    // The Japanese ambiguity message reads as staff need it.
    let path = format!(
        "{}/../../locales/ja/matching.ftl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(
        "matching-ambiguous = { $count }人が該当しました。住所や保険者名をもっと詳しく入力してください（該当者の情報は表示しません）。"
    ));
}

// ---- Property: a person's own fields find that person (or Ambiguous) ----

const SURNAMES: &[(&str, &str)] = &[
    ("高橋", "タカハシ"),
    ("髙橋", "タカハシ"),
    ("山崎", "ヤマザキ"),
    ("山﨑", "ヤマザキ"),
    ("斉藤", "サイトウ"),
    ("斎藤", "サイトウ"),
    ("齋藤", "サイトウ"),
    ("渡辺", "ワタナベ"),
    ("渡邊", "ワタナベ"),
    ("𠮷田", "ヨシダ"),
    ("吉田", "ヨシダ"),
    ("佐藤", "サトウ"),
];
const GIVEN: &[(&str, &str)] = &[
    ("美咲", "ミサキ"),
    ("一郎", "イチロウ"),
    ("花子", "ハナコ"),
    ("健一", "ケンイチ"),
    ("真由美", "マユミ"),
    ("京子", "キョウコ"),
];
const ADDRESSES: &[&str] = &[
    "東京都中野区鷺宮三丁目",
    "中野区鷺宮",
    "長野県中野市三好町一丁目",
    "東京都千代田区霞が関一丁目",
    "石川県輪島市河井町二丁目",
    "宮城県石巻市中央二丁目",
    "鹿児島市山下町",
    "北海道札幌市中央区北1条西2丁目",
    "大阪府大阪市中央区本町",
    "福島県いわき市平字田町",
];
const INSURERS: &[&str] = &[
    "全国健康保険協会東京支部",
    "全国健康保険協会石川支部",
    "みなと電機健康保険組合",
    "石川県後期高齢者医療広域連合",
    "東京都職員共済組合",
    "熊本市国民健康保険",
    "東都印刷健康保険組合",
];
const DATES: &[(i32, u32, u32)] = &[
    (1986, 4, 12),
    (1986, 4, 13),
    (1989, 1, 7),
    (1989, 1, 8),
    (1926, 12, 25),
    (2019, 5, 1),
];
const FILL: &[char] = &['髙', '﨑', '吉', '𠮷', '邊', '齋', '瀧', '澤'];

#[derive(Debug, Clone)]
struct Person {
    surname: usize,
    given: usize,
    mask: Option<usize>,
    kana: bool,
    sex: bool,
    date: usize,
    address: Option<(usize, u32, u32)>,
    insurer: Option<usize>,
}

fn person_strategy() -> impl Strategy<Value = Person> {
    (
        0..SURNAMES.len(),
        0..GIVEN.len(),
        prop::option::weighted(0.2, 0..2usize),
        prop::bool::weighted(0.8),
        any::<bool>(),
        0..DATES.len(),
        prop::option::weighted(0.8, (0..ADDRESSES.len(), 1..30u32, 1..20u32)),
        prop::option::weighted(0.8, 0..INSURERS.len()),
    )
        .prop_map(
            |(surname, given, mask, kana, sex, date, address, insurer)| Person {
                surname,
                given,
                mask,
                kana,
                sex,
                date,
                address,
                // Everybody has at least one of the two.
                insurer: if address.is_none() && insurer.is_none() {
                    Some(0)
                } else {
                    insurer
                },
            },
        )
}

fn candidate(i: usize, p: &Person) -> Candidate {
    let mut name: Vec<char> = format!("{}　{}", SURNAMES[p.surname].0, GIVEN[p.given].0)
        .chars()
        .collect();
    if let Some(m) = p.mask {
        name[m] = MASK; // one of the surname's characters
    }
    let (y, m, d) = DATES[p.date];
    Candidate {
        key: format!("0113001{i}:K:{i}:00"),
        name: name.into_iter().collect(),
        name_kana: p
            .kana
            .then(|| format!("{} {}", SURNAMES[p.surname].1, GIVEN[p.given].1)),
        sex: if p.sex { Sex::Male } else { Sex::Female },
        birth_date: NaiveDate::from_ymd_opt(y, m, d).unwrap(),
        address: p.address.map(|(a, n, k)| {
            // Numbers in the forms staff and records use.
            if n % 2 == 0 {
                format!("{}{}番{}号", ADDRESSES[a], n, k)
            } else {
                format!("{}{}-{}", ADDRESSES[a], n, k)
            }
        }),
        insurer_name: p.insurer.map(|i| INSURERS[i].to_string()),
        insurer_number: Some(format!("0113001{i}")),
    }
}

fn hiragana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap(),
            _ => c,
        })
        .collect()
}

#[derive(Debug, Clone)]
struct Presentation {
    use_kana: bool,
    kana_hiragana: bool,
    spaces: bool,
    fill: usize,
    date_form: usize,
    sex_form: usize,
    hint_from_address: bool,
    hint_start: usize,
    hint_len: usize,
    /// Write the name with other forms of its kanji (高 → 髙, 辺 → 邉…).
    swap_variants: bool,
}

fn presentation_strategy() -> impl Strategy<Value = Presentation> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0..FILL.len(),
        0..6usize,
        0..5usize,
        any::<bool>(),
        0..40usize,
        2..14usize,
        any::<bool>(),
    )
        .prop_map(
            |(
                use_kana,
                kana_hiragana,
                spaces,
                fill,
                date_form,
                sex_form,
                from_addr,
                start,
                len,
                swap,
            )| {
                Presentation {
                    swap_variants: swap,
                    use_kana,
                    kana_hiragana,
                    spaces,
                    fill,
                    date_form,
                    sex_form,
                    hint_from_address: from_addr,
                    hint_start: start,
                    hint_len: len,
                }
            },
        )
}

fn own_query(c: &Candidate, pr: &Presentation) -> DisasterQuery {
    let name = match (&c.name_kana, pr.use_kana) {
        (Some(k), true) if pr.kana_hiragana => hiragana(k),
        (Some(k), true) => k.clone(),
        _ => c
            .name
            .chars()
            .map(|ch| if ch == MASK { FILL[pr.fill] } else { ch })
            .collect(),
    };
    let name: String = if pr.swap_variants {
        name.chars()
            .map(|ch| match ch {
                '高' => '髙',
                '髙' => '高',
                '崎' => '嵜',
                '辺' => '邉',
                '邊' => '辺',
                '斎' => '齊',
                '斉' => '齋',
                '吉' => '𠮷',
                other => other,
            })
            .collect()
    } else {
        name
    };
    let name = if pr.spaces {
        name
    } else {
        name.chars().filter(|c| !c.is_whitespace()).collect()
    };
    let d = c.birth_date;
    let birth_date = match pr.date_form {
        0 => d.format("%Y-%m-%d").to_string(),
        1 => d.format("%Y%m%d").to_string(),
        2 => format_wareki(d),
        3 => format_wareki_short(d),
        4 => d
            .format("%Y/%m/%d")
            .to_string()
            .chars()
            .map(|ch| match ch {
                '0'..='9' => char::from_u32(ch as u32 + 0xFEE0).unwrap(),
                _ => ch,
            })
            .collect(),
        _ => d.format("%Y年%-m月%-d日").to_string(),
    };
    let male = c.sex == Sex::Male;
    let sex = match (pr.sex_form, male) {
        (0, true) => "男",
        (0, false) => "女",
        (1, true) => "M",
        (1, false) => "f",
        (2, true) => "１",
        (2, false) => "２",
        (3, true) => "male",
        (3, false) => "Female",
        (_, true) => "男性",
        (_, false) => "女性",
    }
    .to_string();
    // A part of the stored insurer name or address, as normalised.
    let source = match (&c.address, &c.insurer_name, pr.hint_from_address) {
        (Some(a), _, true) | (Some(a), None, false) => a,
        (_, Some(i), _) => i,
        (None, None, _) => unreachable!("every person has one"),
    };
    let key: Vec<char> = hint_key(source).chars().collect();
    let start = pr.hint_start % key.len();
    let mut end = (start + pr.hint_len).min(key.len());
    if Some(source) == c.address.as_ref() {
        // A part of an address is cut where its parts meet, as people give
        // them: never inside a number (鷺宮3-1 is not a part of 鷺宮3-12-5), a
        // number in a place name with its 条.
        while end < key.len() && end > start && key[end - 1].is_ascii_digit() && key[end].is_ascii_digit() {
            end += 1;
        }
        if end < key.len() && end > start && key[end - 1].is_ascii_digit() && key[end] == '条' {
            end += 1;
        }
        while end > start + 1 && key[end - 1] == '-' {
            end -= 1;
        }
    }
    DisasterQuery {
        name,
        birth_date,
        sex,
        hint: key[start..end].iter().collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn own_fields_find_the_person_or_ambiguous(
        persons in prop::collection::vec(person_strategy(), 1..25),
        pick in any::<prop::sample::Index>(),
        pr in presentation_strategy(),
    ) {
        let cands: Vec<Candidate> = persons.iter().enumerate().map(|(i, p)| candidate(i, p)).collect();
        let target = &cands[pick.index(cands.len())];
        let q = own_query(target, &pr);
        match match_disaster(&q, &cands) {
            MatchOutcome::Found { key, .. } => prop_assert_eq!(&key, &target.key, "{:?}", q),
            MatchOutcome::Ambiguous { count } => {
                // Really several: each one of them, asked alone, is found by
                // this query — the target among them — and no one else is.
                let alone: Vec<&str> = cands
                    .iter()
                    .filter(|c| matches!(match_disaster(&q, std::slice::from_ref(*c)), MatchOutcome::Found { .. }))
                    .map(|c| c.key.as_str())
                    .collect();
                prop_assert!(count >= 2, "{:?}", q);
                prop_assert_eq!(alone.len(), count, "{:?}: {:?}", q, alone);
                prop_assert!(alone.contains(&target.key.as_str()), "{:?}: {:?}", q, alone);
            }
            MatchOutcome::NotFound { .. } => prop_assert!(false, "own fields not found: {:?} for {:?}", q, target),
            MatchOutcome::Refused { problems } => {
                // Only a part of the hint that is too short or too generic may be
                // refused; the other three fields come from the record.
                prop_assert!(
                    problems.iter().all(|p| matches!(p, QueryProblem::HintTooShort { .. } | QueryProblem::HintTooGeneric | QueryProblem::HintOnlyNumbers)),
                    "{:?}: {:?}", q, problems
                );
            }
        }
    }

    /// Random people, random query: whatever is found has all four fields of the
    /// query — Found is never a person whose birth date or sex differ.
    #[test]
    fn found_always_agrees_on_birth_date_and_sex(
        persons in prop::collection::vec(person_strategy(), 1..25),
        other in person_strategy(),
        pr in presentation_strategy(),
    ) {
        let cands: Vec<Candidate> = persons.iter().enumerate().map(|(i, p)| candidate(i, p)).collect();
        let stranger = candidate(999, &other);
        let q = own_query(&stranger, &pr);
        if let MatchOutcome::Found { key, .. } = match_disaster(&q, &cands) {
            let c = cands.iter().find(|c| c.key == key).unwrap();
            prop_assert_eq!(c.birth_date, stranger.birth_date);
            prop_assert_eq!(c.sex, stranger.sex);
            // …and the same name after normalisation (or a ● stand-in).
            let p = prepare(&q).unwrap();
            prop_assert!(p.matches(c).is_some());
        }
    }
}
