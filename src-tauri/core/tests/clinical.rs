//! 診療情報 grouped for display, and kept to its consents, from a data file:
//! `data/clinical_history.json` is the OQS fixture
//! `adapters/tests/data/YZKsiquc01res_20261120094500_clinical.xml` as the
//! OQS adapter parses it (the adapter's tests check that they agree).

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::clinical::{lines, permitted, since, within, ClinicalHistory, ClinicalLine, Period, ProcedureKind};
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

fn full_history() -> ClinicalHistory {
    let s = state(&[ConsentCategory::Clinical, ConsentCategory::Operations]);
    let c = grant(&s, ConsentCategory::Clinical, Purpose::View);
    let o = grant(&s, ConsentCategory::Operations, Purpose::View);
    permitted(lines(&history()), KEY, c.as_ref(), o.as_ref(), Purpose::View, now())
        .unwrap()
        .into_history(history().patient, None)
}

#[test]
fn the_period_counts_back_whole_years_from_the_month_of_today() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let ym = |s: &str| Some(YearMonth::parse(s).unwrap());
    assert_eq!(Period::OneYear.first_month(today), ym("202511"));
    assert_eq!(Period::ThreeYears.first_month(today), ym("202311"));
    assert_eq!(Period::FiveYears.first_month(today), ym("202111"));
    assert_eq!(Period::All.first_month(today), None);
    // The last day of a month, and a leap day, stay in their month.
    let feb29 = NaiveDate::from_ymd_opt(2028, 2, 29).unwrap();
    assert_eq!(Period::OneYear.first_month(feb29), ym("202702"));
    let names: Vec<_> = Period::ALL.iter().map(|p| p.as_str()).collect();
    assert_eq!(names, ["1y", "3y", "5y", "all"]);
}

#[test]
fn a_period_shows_its_months_and_says_what_it_leaves_out() {
    use ProcedureKind::*;
    let h = full_history();
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let ym = |s: &str| YearMonth::parse(s).unwrap();

    // The last year: the home clinic's two months only.
    let one = within(&h, Period::OneYear, today);
    assert_eq!(one.from, Some(ym("202511")));
    assert_eq!(one.history.facilities.len(), 1);
    let clinic = &one.history.facilities[0];
    assert_eq!(clinic.facility.name.as_deref(), Some("中野さくら内科クリニック"));
    // The header is the period's: its first month, its notable kinds.
    assert_eq!((clinic.first, clinic.last), (Some(ym("202604")), Some(ym("202610"))));
    assert_eq!(clinic.notable, [HomeCare]);
    assert_eq!(one.history.visit_months(), 2);
    // Left out: the dialysis, the hospital's two months, the clinic's first
    // visit — and the kinds a doctor must not miss among them.
    assert_eq!(one.hidden_months, 4);
    assert_eq!(one.hidden_notable, [Dialysis, Surgery, Transfusion, Anaesthesia, Pathology, Imaging, Radiotherapy, Inpatient]);
    // Consents and the rest of the view go along unchanged.
    assert!(one.history.clinical_shown && one.history.operations_shown);
    assert_eq!(one.history.patient, h.patient);

    // Three years: from 2023-11 inclusive (the radiotherapy month is in).
    let three = within(&h, Period::ThreeYears, today);
    assert_eq!(three.history.visit_months(), 5);
    assert_eq!(three.history.facilities.len(), 3);
    assert_eq!((three.hidden_months, three.hidden_notable.clone()), (1, vec![]));
    assert_eq!(three.history.facilities[0].first, Some(ym("202604")), "the clinic's 2022 visit is outside");

    // Five years and everything: all six months, nothing hidden.
    for p in [Period::FiveYears, Period::All] {
        let v = within(&h, p, today);
        assert_eq!(v.history, h, "{p:?}");
        assert_eq!(v.hidden_months, 0);
    }
    assert_eq!(within(&h, Period::All, today).from, None);
    // Shown and hidden add up to the whole, in every period.
    for p in Period::ALL {
        let v = within(&h, p, today);
        assert_eq!(v.history.visit_months() + v.hidden_months, h.visit_months(), "{p:?}");
    }
}

#[test]
fn the_view_opens_on_the_recent_year_unless_it_is_empty() {
    let h = full_history();
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    assert_eq!(Period::first_for(&h, today), Period::OneYear);
    // Seen last in 2024: the three years.
    let later = NaiveDate::from_ymd_opt(2027, 11, 20).unwrap();
    assert_eq!(Period::first_for(&h, later), Period::ThreeYears);
    // Seen only six years ago: everything (nothing within five years).
    let much_later = NaiveDate::from_ymd_opt(2032, 11, 20).unwrap();
    assert_eq!(Period::first_for(&h, much_later), Period::All);
    // Nothing at all: the recent year (and the view says there is nothing).
    assert_eq!(Period::first_for(&ClinicalHistory::default(), today), Period::OneYear);
    // A month without a 診療年月 is outside every period but everything.
    let mut undated = h.clone();
    undated.facilities.truncate(1);
    for m in &mut undated.facilities[0].months {
        m.month = None;
    }
    assert_eq!(Period::first_for(&undated, today), Period::All);
    assert_eq!(within(&undated, Period::FiveYears, today).hidden_months, 3);
}
