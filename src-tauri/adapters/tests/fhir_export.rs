//! FHIR JP Core export of real answers: the face fixture and a 医療扶助
//! (生活保護) answer made from it become Bundles that deserialise into the
//! FHIR models, whose Coverage identifier has the form of JP-CLINS R1013 and
//! whose resources claim the JP Core profiles.

use std::path::PathBuf;

use madoguchi_adapters::fhir::{self, Resource};
use madoguchi_adapters::oqs::{parse_file, OqsDocument};
use madoguchi_core::codes::CardClassification;
use madoguchi_core::EligibilityResult;

fn face() -> EligibilityResult {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/oqs/OQSsiquc01res_face_0001_20261120093012.xml");
    match parse_file(path).unwrap() {
        OqsDocument::Eligibility(r) => r,
        other => panic!("{other:?}"),
    }
}

/// (patient, coverage, organization) of a bundle, in that order.
fn parts(json: &str) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    let bundle = fhir::read_bundle(json).expect("deserialises into the FHIR models");
    let kinds: Vec<&str> = bundle
        .entry
        .iter()
        .flatten()
        .map(|e| match &e.resource {
            Some(Resource::Patient(_)) => "Patient",
            Some(Resource::Coverage(_)) => "Coverage",
            Some(Resource::Organization(_)) => "Organization",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["Patient", "Coverage", "Organization"]);
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["resourceType"], "Bundle");
    assert_eq!(v["type"], "collection");
    let e = |i: usize| v["entry"][i]["resource"].clone();
    (e(0), e(1), e(2))
}

fn member_id(coverage: &serde_json::Value) -> String {
    let ids = coverage["identifier"].as_array().unwrap();
    let id = ids.iter().find(|i| i["system"] == fhir::MEMBER_ID_SYSTEM).expect("the insured-person key");
    id["value"].as_str().unwrap().to_string()
}

#[test]
fn a_confirmed_result_exports_as_jp_core_patient_coverage_and_insurer() {
    let r = face();
    let q = r.qualification.clone().unwrap();
    let p = r.person.clone().unwrap();
    let json = fhir::eligibility_bundle(&r).unwrap();
    let (patient, coverage, insurer) = parts(&json);

    assert_eq!(patient["meta"]["profile"][0], fhir::PATIENT_PROFILE);
    assert_eq!(coverage["meta"]["profile"][0], fhir::COVERAGE_PROFILE);
    assert_eq!(insurer["meta"]["profile"][0], fhir::ORGANIZATION_PROFILE);

    // The key, as R1013 wants it, and the card's parts as the JP Core extensions.
    let id = member_id(&coverage);
    assert!(fhir::is_r1013(&id), "{id}");
    assert_eq!(id, fhir::member_id(&q));
    assert!(id.starts_with(&format!("{}:", q.insurer_number.as_str())) || q.insurer_number.as_str().len() == 6);
    let ext = |url: &str| coverage["extension"].as_array().unwrap().iter().find(|e| e["url"] == url).map(|e| e["valueString"].as_str().unwrap().to_string());
    assert_eq!(ext(fhir::EXT_NUMBER).as_deref(), Some(q.number.as_str()));
    if !q.symbol.is_empty() {
        assert_eq!(ext(fhir::EXT_SYMBOL).as_deref(), Some(q.symbol.as_str()));
    }
    assert_eq!(ext(fhir::EXT_SUB_NUMBER), q.branch.clone().filter(|b| !b.is_empty()));
    assert_eq!(coverage["status"], if r.validity.is_valid() { "active" } else { "cancelled" });
    // The coverage points at the patient and the insurer of the bundle.
    let url = |i: usize| serde_json::from_str::<serde_json::Value>(&json).unwrap()["entry"][i]["fullUrl"].as_str().unwrap().to_string();
    assert_eq!(coverage["beneficiary"]["reference"], url(0).as_str());
    assert_eq!(coverage["payor"][0]["reference"], url(2).as_str());
    if let Some(until) = q.valid_until {
        assert_eq!(coverage["period"]["end"], until.to_string().as_str());
    }

    // Kanji and kana names told apart by the EN-representation extension.
    let names = patient["name"].as_array().unwrap();
    let by_rep = |code: &str| {
        names
            .iter()
            .find(|n| n["extension"][0]["url"] == fhir::EN_REPRESENTATION && n["extension"][0]["valueCode"] == code)
            .unwrap_or_else(|| panic!("a name with {code}"))
            .clone()
    };
    let kanji = by_rep("IDE");
    let family = p.name.split(|c: char| c.is_whitespace()).next().unwrap();
    assert_eq!(kanji["family"], family);
    assert_eq!(kanji["text"].as_str().unwrap().replace(' ', ""), p.name.replace(['　', ' '], ""));
    if p.name_kana.is_some() {
        assert!(by_rep("SYL")["family"].as_str().unwrap().chars().all(|c| ('ァ'..='ヶ').contains(&c) || c == 'ー'));
    }
    assert_eq!(patient["birthDate"], p.birth_date.to_string().as_str());

    // The insurer under its number.
    assert_eq!(insurer["identifier"][0]["system"], fhir::INSURER_NUMBER_SYSTEM);
    assert_eq!(insurer["identifier"][0]["value"].as_str().unwrap().trim_start_matches("00"), q.insurer_number.as_str().trim_start_matches("00"));

    // The same result exports to the same ids (the key's hash).
    assert_eq!(fhir::eligibility_bundle(&r).unwrap(), json);
}

#[test]
fn a_medical_aid_patient_exports_with_the_public_payer_and_recipient() {
    let mut r = face();
    let q = r.qualification.as_mut().unwrap();
    q.card_classification = Some(CardClassification::MedicalAid);
    q.insurer_number = madoguchi_core::eligibility::InsurerNumber::from_trusted("12136017");
    q.symbol = String::new();
    q.number = "1234567".into();
    q.branch = None;
    let (_, coverage, _) = parts(&fhir::eligibility_bundle(&r).unwrap());
    let id = member_id(&coverage);
    assert_eq!(id, "12136017::1234567:", "生活保護: 公費負担者番号::受給者番号:");
    assert!(fhir::is_r1013(&id));
}

#[test]
fn an_error_answer_has_nothing_to_export() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/oqs/OQSsiquc01res_20261120103000_error.xml");
    let OqsDocument::Eligibility(r) = parse_file(path).unwrap() else { panic!() };
    assert_eq!(fhir::eligibility_bundle(&r), Err(fhir::FhirError::NothingToExport));
}
