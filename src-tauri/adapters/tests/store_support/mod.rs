//! Shared builders for the store tests: cards, results, consent grants.
#![allow(dead_code)]

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use madoguchi_adapters::store::{NewCheck, Store};
use madoguchi_core::codes::{Sex, Validity};
use madoguchi_core::consent::{
    decide, Consent, ConsentGrant, ConsentSource, ConsentState, Purpose,
};
use madoguchi_core::{
    CardDetails, CertificateConsents, ConsentCategory, CopayRatio, EligibilityResult,
    InsurerNumber, Person, Qualification, ReferenceClassification, ResultSource,
};

pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, s)
        .unwrap()
}

/// The n-th synthetic card: insurer 06139999 (or 138057 for odd n), number n.
pub fn card(n: u32) -> CardDetails {
    CardDetails {
        insurer_number: InsurerNumber::from_trusted(if n % 2 == 0 { "06139999" } else { "138057" }),
        symbol: format!("{}", 100 + n % 7),
        number: format!("{n}"),
        branch: if n % 3 == 0 { None } else { Some("01".into()) },
        birth_date: NaiveDate::from_ymd_opt(1940 + (n % 60) as i32, 1 + n % 12, 1 + n % 28)
            .unwrap(),
    }
}

/// A valid result for `card`, as a service would answer it.
pub fn result_for(card: &CardDetails, confirmed_at: NaiveDateTime, copay: u8) -> EligibilityResult {
    EligibilityResult { notices: Vec::new(), limit_certificate_changed: None, 
        confirmed_at,
        confirmation_date: confirmed_at.date(),
        reference: Some(ReferenceClassification::CardDetails),
        validity: Validity::Valid,
        error: None,
        asked: Some(card.clone()),
        person: Some(Person {
            name: "窓口　花子".into(),
            name_kana: Some("マドグチ　ハナコ".into()),
            name_other: None,
            name_other_kana: None,
            sex: Sex::Female,
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
            copay: Some(CopayRatio(copay)),
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
        source: ResultSource::TrainingService,
        missing: Vec::new(),
    }
}

pub fn record(
    store: &mut Store,
    card: &CardDetails,
    result: &EligibilityResult,
    checked_at: NaiveDateTime,
) -> i64 {
    store
        .record_check(&NewCheck {
            checked_at,
            staff: "受付1",
            asked: Some(card),
            result,
        })
        .unwrap()
}

/// A grant from `consent::decide` for a home-visit consent valid `[given, given + 24 h)`.
pub fn grant(
    patient_key: &str,
    category: ConsentCategory,
    purpose: Purpose,
    given: NaiveDateTime,
) -> ConsentGrant {
    let mut state = ConsentState::new(patient_key);
    state
        .record(Consent {
            patient_key: patient_key.into(),
            category,
            given_at: given,
            valid_until: given + TimeDelta::hours(24),
            source: ConsentSource::HomeVisit,
            recorded_by: "受付1".into(),
        })
        .unwrap();
    decide(&state, patient_key, category, purpose, given)
        .into_result()
        .unwrap()
}

/// Every row of the three tables as text, to compare two databases.
pub fn dump(store: &Store, days: &[NaiveDate]) -> Vec<String> {
    let mut out = Vec::new();
    for d in days {
        for c in store.checks_on(*d).unwrap() {
            out.push(format!("{c:?} {:?}", store.check_result(c.id).unwrap()));
        }
    }
    out.push(format!(
        "{:?}",
        store.due_checks(at(2100, 1, 1, 0, 0, 0)).unwrap()
    ));
    out.push(format!("{:?}", store.changes_to_review().unwrap()));
    out.push(format!("{:?}", store.stats().unwrap()));
    out
}
