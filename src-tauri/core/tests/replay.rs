//! `replay::differences` from the table `data/replay_differences.tsv`.

use chrono::NaiveDate;
use madoguchi_core::codes::Validity;
use madoguchi_core::replay::{differences, ChangedField};
use madoguchi_core::{
    CertificateConsents, CopayRatio, ElderlyCertificate, EligibilityResult, InsurerNumber, Qualification,
    ResultSource,
};

fn result(spec: &str) -> EligibilityResult {
    let mut validity = Validity::Valid;
    let mut q = None::<Qualification>;
    let mut fields: Vec<(&str, &str)> = Vec::new();
    for kv in spec.split(';') {
        let (k, v) = kv.split_once('=').unwrap_or_else(|| panic!("{kv} in {spec}"));
        if k == "validity" {
            validity = Validity::from_code(v).unwrap();
        } else {
            fields.push((k, v));
        }
    }
    if let Some((_, insurer)) = fields.iter().find(|(k, _)| *k == "insurer") {
        let mut qual = Qualification { qualified_on: None, disqualified_on: None, 
            insurer_number: InsurerNumber::from_trusted(*insurer),
            insurer_name: None,
            symbol: "12".into(),
            number: "345".into(),
            branch: None,
            card_classification: None,
            relationship: None,
            issued_on: None,
            valid_from: None,
            valid_until: None,
            copay: None,
            preschool: false,
            loss_reason: None,
            elderly: None,
            limit: None,
            specific_diseases: vec![],
            public_expenses: vec![],
            medical_tickets: Vec::new(),
            reference_number: None,
        };
        let date = |v: &str| Some(NaiveDate::parse_from_str(v, "%Y-%m-%d").unwrap());
        for (k, v) in &fields {
            match *k {
                "insurer" => {}
                "name" => qual.insurer_name = Some(v.to_string()),
                "copay" => qual.copay = Some(CopayRatio(v.parse().unwrap())),
                "elderly" => {
                    qual.elderly = Some(ElderlyCertificate {
                        issued_on: None,
                        valid_from: None,
                        valid_until: None,
                        copay: Some(CopayRatio(v.parse().unwrap())),
                    })
                }
                "from" => qual.valid_from = date(v),
                "until" => qual.valid_until = date(v),
                other => panic!("unknown key {other} in {spec}"),
            }
        }
        q = Some(qual);
    } else {
        assert!(fields.is_empty(), "facts without an insurer in {spec}");
    }
    EligibilityResult { notices: Vec::new(), limit_certificate_changed: None, 
        confirmed_at: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(9, 30, 0).unwrap(),
        confirmation_date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        reference: None,
        validity,
        error: None,
        asked: None,
        person: None,
        qualification: q,
        consents: vec![],
        certificate_consents: CertificateConsents::default(),
        electronic_prescription: None,
        source: ResultSource::OqsFolder,
        missing: Vec::new(),
    }
}

fn code(f: ChangedField) -> String {
    serde_json::to_value(f).unwrap().as_str().unwrap().to_string()
}

#[test]
fn replay_differences_follow_the_table() {
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/replay_differences.tsv")).unwrap();
    let mut rows = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [case, shown, replayed, expected] = cols[..] else { panic!("bad row {line:?}") };
        let shown = (shown != "-").then(|| result(shown));
        let got: Vec<String> = differences(shown.as_ref(), &result(replayed))
            .into_iter()
            .map(|d| {
                format!(
                    "{}:{}>{}",
                    code(d.field),
                    d.shown.as_deref().unwrap_or("~"),
                    d.replayed.as_deref().unwrap_or("~")
                )
            })
            .collect();
        let got = if got.is_empty() { "-".to_string() } else { got.join(",") };
        assert_eq!(got, expected, "{case}");
        rows += 1;
    }
    assert!(rows >= 9, "{rows} rows read");
}

#[test]
fn an_answer_compared_with_itself_has_no_difference() {
    let r = result("validity=1;insurer=06139999;name=協会;copay=30;from=2026-04-01;until=2027-03-31");
    assert!(differences(Some(&r), &r).is_empty());
    assert_eq!(differences(None, &r).len(), ChangedField::ALL.len());
}
