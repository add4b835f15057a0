//! 診療情報 grouped for display, and kept to its consents, from a data file:
//! `data/clinical_history.json` is the OQS fixture
//! `adapters/tests/data/YZKsiquc01res_20261120094500_clinical.xml` as the
//! OQS adapter parses it (the adapter's tests check that they agree).

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::clinical::{lines, permitted, since, ClinicalLine, ProcedureKind};
use madoguchi_core::consent::{decide, Consent, ConsentGrant, ConsentSource, ConsentState, Purpose};
use madoguchi_core::medical::{MedicationHistory, YearMonth};
use madoguchi_core::ConsentCategory;

const KEY: &str = "01130012:50123:17:00";

fn history() -> MedicationHistory {
    serde_json::from_str(include_str!("data/clinical_history.json")).unwrap()
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn now() -> NaiveDateTime {
    at("2026-11-20 09:45")
}

/// A card-reader consent state for `categories`, given at 09:30.
fn state(categories: &[ConsentCategory]) -> ConsentState {
    let mut s = ConsentState::new(KEY);
    for c in categories {
        s.record(Consent {
            patient_key: KEY.into(),
            category: *c,
            given_at: at("2026-11-20 09:30"),
            valid_until: at("2026-11-21 09:30"),
            source: ConsentSource::CardReader,
            recorded_by: "card-reader".into(),
        })
        .unwrap();
    }
    s
}

fn grant(s: &ConsentState, c: ConsentCategory, p: Purpose) -> Option<ConsentGrant> {
    decide(s, KEY, c, p, now()).into_result().ok()
}

fn kinds(ls: &[ClinicalLine]) -> Vec<(&str, ProcedureKind)> {
    ls.iter().map(|l| (l.name.as_str(), l.kind)).collect()
}

#[test]
fn every_entry_is_classified_as_the_field_names_it() {
    let ls = lines(&history());
    use ProcedureKind::*;
    assert_eq!(
        kinds(&ls),
        vec![
            ("再診料", Revisit),
            ("特定疾患療養管理料", Management),
            ("ＨｂＡ１ｃ", Examination),
            ("在宅時医学総合管理料", HomeCare),
            ("初診料", FirstVisit),
            ("ＣＴ撮影（６４列以上のマルチスライス型の機器）", Imaging),
            ("腹腔鏡下胆嚢摘出術", Surgery),
            ("閉鎖循環式全身麻酔５", Anaesthesia),
            ("保存血液輸血（１回目）", Transfusion),
            ("病理組織標本作製（組織切片）", Pathology),
            ("急性期一般入院料１", Inpatient),
            ("人工腎臓（慢性維持透析）（４時間以上５時間未満）", Dialysis),
            ("体外照射（高エネルギー放射線治療）", Radiotherapy),
            // No 診療識別 in the file: the name decides, and an operation's
            // name makes it an operation (the stricter category).
            ("水晶体再建術（眼内レンズを挿入する場合）", Surgery),
            ("初診料", FirstVisit),
        ]
    );
    let ops: Vec<_> = ls.iter().filter(|l| l.kind.is_operation()).map(|l| l.name.as_str()).collect();
    assert_eq!(ops.len(), 4, "{ops:?}");
    // The pharmacy's block names the clinic as prescriber: the entries are
    // the clinic's, with the day of the prescription as the visit day.
    assert_eq!(ls[0].facility.name.as_deref(), Some("中野さくら内科クリニック"));
    assert_eq!(ls[0].days, vec![NaiveDate::from_ymd_opt(2026, 10, 5).unwrap()]);
    // The hospital's own block: no prescriptions, so the month only.
    assert_eq!(ls[6].facility.name.as_deref(), Some("東京みなと総合病院"));
    assert!(ls[6].days.is_empty());
}

#[test]
fn clinical_consent_without_operations_leaves_every_operation_out() {
    let s = state(&[ConsentCategory::Clinical]);
    let c = grant(&s, ConsentCategory::Clinical, Purpose::View);
    let o = grant(&s, ConsentCategory::Operations, Purpose::View);
    assert!(c.is_some() && o.is_none());
    let p = permitted(lines(&history()), KEY, c.as_ref(), o.as_ref(), Purpose::View, now()).unwrap();
    assert!(p.clinical() && !p.operations());
    assert_eq!(p.lines().len(), 11);
    let h = p.into_history(history().patient, None);
    assert!(h.clinical_shown && !h.operations_shown);
    assert!(h.procedures().all(|p| !p.kind.is_operation()));
    let json = serde_json::to_string(&h).unwrap();
    for word in ["摘出術", "麻酔", "輸血", "水晶体", "150254010"] {
        assert!(!json.contains(word), "{word} in {json}");
    }
    // The hospital is still there (CT, pathology, the stay), without its operation.
    assert!(json.contains("東京みなと総合病院"));
}

#[test]
fn operations_consent_alone_shows_only_operations() {
    let s = state(&[ConsentCategory::Operations, ConsentCategory::Medication]);
    let c = grant(&s, ConsentCategory::Clinical, Purpose::View);
    let o = grant(&s, ConsentCategory::Operations, Purpose::View);
    let p = permitted(lines(&history()), KEY, c.as_ref(), o.as_ref(), Purpose::View, now()).unwrap();
    assert!(!p.clinical() && p.operations());
    assert!(p.lines().iter().all(|l| l.kind.is_operation()));
    assert_eq!(p.lines_of(ConsentCategory::Operations).len(), 4);
    assert!(p.lines_of(ConsentCategory::Clinical).is_empty());
    let h = p.into_history(Default::default(), None);
    assert_eq!(h.facilities.len(), 1, "only the hospital: {h:?}");
}

#[test]
fn nothing_without_a_grant_and_no_grant_stands_in_for_another() {
    let s = state(&[ConsentCategory::Clinical, ConsentCategory::Operations]);
    let ls = lines(&history());
    // Neither.
    let r = permitted(ls.clone(), KEY, None, None, Purpose::View, now()).unwrap_err();
    assert_eq!(r.reason.kind(), "category_not_consented");
    // A clinical grant passed as the operations grant.
    let c = grant(&s, ConsentCategory::Clinical, Purpose::View).unwrap();
    assert!(permitted(ls.clone(), KEY, None, Some(&c), Purpose::View, now()).is_err());
    // A grant for viewing is no grant for printing.
    let r = permitted(ls.clone(), KEY, Some(&c), None, Purpose::Print, now()).unwrap_err();
    assert_eq!(r.reason.kind(), "purpose_not_granted");
    // Another patient's.
    assert!(permitted(ls.clone(), "01130012:50123:18:00", Some(&c), None, Purpose::View, now()).is_err());
    // Past the consent's end.
    let r = permitted(ls, KEY, Some(&c), None, Purpose::View, at("2026-11-21 09:30")).unwrap_err();
    assert_eq!(r.reason.kind(), "expired");
}

#[test]
fn grouped_by_facility_then_month_newest_first() {
    let s = state(&[ConsentCategory::Clinical, ConsentCategory::Operations]);
    let c = grant(&s, ConsentCategory::Clinical, Purpose::View);
    let o = grant(&s, ConsentCategory::Operations, Purpose::View);
    let h = permitted(lines(&history()), KEY, c.as_ref(), o.as_ref(), Purpose::View, now())
        .unwrap()
        .into_history(history().patient, None);
    let names: Vec<_> = h.facilities.iter().map(|f| f.facility.name.clone().unwrap()).collect();
    assert_eq!(names, ["中野さくら内科クリニック", "鷺宮腎クリニック", "東京みなと総合病院"]);
    let ym = |s: &str| YearMonth::parse(s).unwrap();
    let clinic = &h.facilities[0];
    // Three blocks of the clinic (one through the pharmacy) in three months.
    assert_eq!(clinic.months.iter().map(|m| m.month.unwrap()).collect::<Vec<_>>(), [ym("202610"), ym("202604"), ym("202203")]);
    assert_eq!((clinic.first, clinic.last), (Some(ym("202203")), Some(ym("202610"))));
    assert_eq!(clinic.notable, [ProcedureKind::HomeCare]);
    let hospital = &h.facilities[2];
    assert_eq!(hospital.months.len(), 2);
    use ProcedureKind::*;
    assert_eq!(hospital.notable, [Surgery, Transfusion, Anaesthesia, Pathology, Imaging, Radiotherapy, Inpatient]);
    // Within a month, in the order of the kinds (visit, …, operation, …).
    let july: Vec<_> = hospital.months[0].procedures.iter().map(|p| p.kind).collect();
    assert_eq!(july, [FirstVisit, Surgery, Transfusion, Anaesthesia, Pathology, Imaging, Inpatient]);
    // 回数 with its unit.
    let dialysis = h.procedures().find(|p| p.kind == Dialysis).unwrap();
    assert_eq!(dialysis.times.as_deref(), Some("13回"));
    // With a quantity, the unit is the quantity's.
    let transfusion = h.procedures().find(|p| p.kind == Transfusion).unwrap();
    assert_eq!((transfusion.times.as_deref(), transfusion.quantity.as_deref()), (Some("1"), Some("400ｍＬ")));
    assert_eq!(h.visit_months(), 6);

    // The period filter: from 2025-01 on, the hospital is gone.
    let recent = since(&h, ym("202501"));
    assert_eq!(recent.facilities.len(), 2);
    assert_eq!(recent.visit_months(), 3);
}

#[test]
fn the_same_entry_from_two_sources_counts_once() {
    let mut h = history();
    let copy = h.months[0].clone();
    h.months.push(copy);
    let s = state(&[ConsentCategory::Clinical]);
    let c = grant(&s, ConsentCategory::Clinical, Purpose::View);
    let grouped = permitted(lines(&h), KEY, c.as_ref(), None, Purpose::View, now())
        .unwrap()
        .into_history(Default::default(), None);
    assert_eq!(grouped.facilities[0].months[0].procedures.len(), 3);
}
