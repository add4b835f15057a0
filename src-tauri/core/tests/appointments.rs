//! The report groups of the appointment list (tests/data/appointment_groups.tsv).
//! (The list read from its text: `madoguchi-adapters`' tests/appointment_list.rs.)

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::appointments::{
    classify, Appointment, DiffField, Group, ReportLine,
};
use madoguchi_core::codes::Validity;
use madoguchi_core::{
    CardDetails, CertificateConsents, EligibilityResult, InsurerNumber, Person, ProcessingError, Qualification,
    ResultSource,
};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn card(s: &str) -> CardDetails {
    let p: Vec<&str> = s.split('|').collect();
    CardDetails {
        insurer_number: InsurerNumber::from_trusted(p[0]),
        symbol: p[1].to_string(),
        number: p[2].to_string(),
        branch: (p[3] != "-").then(|| p[3].to_string()),
        birth_date: NaiveDate::from_ymd_opt(1900, 1, 1).unwrap(),
    }
}

fn opt(s: &str) -> Option<String> {
    (s != "-").then(|| s.to_string())
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn groups_from_the_table() {
    let text = data("appointment_groups.tsv");
    let mut n = 0;
    for l in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let c: Vec<&str> = l.split('\t').collect();
        assert_eq!(c.len(), 13, "{l}");
        let mut listed = card(c[4]);
        listed.birth_date = date(c[3]);
        let a = Appointment {
            line: 2,
            date: None,
            time: None,
            patient_id: None,
            name: c[1].into(),
            name_kana: opt(c[2]),
            card: listed.clone(),
        };
        let person = (c[7] != "-").then(|| Person {
            name: c[7].into(),
            name_kana: opt(c[8]),
            name_other: None,
            name_other_kana: None,
            sex: madoguchi_core::codes::Sex::Female,
            birth_date: date(c[9]),
            address: None,
            post_number: None,
        });
        let qualification = (c[10] != "-").then(|| {
            let k = card(c[10]);
            Qualification { qualified_on: None, disqualified_on: None, 
                insurer_number: k.insurer_number,
                insurer_name: None,
                symbol: k.symbol,
                number: k.number,
                branch: k.branch,
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
            }
        });
        let result = EligibilityResult { notices: Vec::new(), limit_certificate_changed: None, 
            confirmed_at: NaiveDateTime::default(),
            confirmation_date: today(),
            reference: None,
            validity: Validity::from_code(c[5]).unwrap(),
            error: (c[6] != "-").then(|| ProcessingError { code: Some(c[6].into()), message: None }),
            asked: Some(listed),
            person,
            qualification,
            consents: vec![],
            certificate_consents: CertificateConsents::default(),
            electronic_prescription: None,
            source: ResultSource::TrainingService,
            missing: Vec::new(),
        };
        let got = classify(&a, &result);
        assert_eq!(got.group, Group::parse(c[11]).unwrap(), "{}", c[0]);
        let diffs: Vec<&str> = got.differences.iter().map(|d| d.field.code()).collect();
        let want: Vec<&str> = if c[12] == "-" { vec![] } else { c[12].split(',').collect() };
        assert_eq!(diffs, want, "{}", c[0]);
        for d in &want {
            assert!(DiffField::parse(d).is_some());
        }
        // The line of the report says the same.
        let line = ReportLine::answered(a, &result, Some(1));
        assert_eq!(line.group, got.group);
        n += 1;
    }
    assert!(n >= 20);
}

