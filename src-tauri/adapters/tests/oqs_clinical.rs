//! 診療情報 in the medication answer (`FileCategory` 4): the `MeTrInfs/MeTrInf`
//! entries of our own fixture, in UTF-8 and in Shift_JIS (cp932), read the
//! same; the core's data file `core/tests/data/clinical_history.json` is this
//! parse, so the core's grouping tests run on what the parser really makes.

use std::path::PathBuf;

use madoguchi_adapters::oqs::{parse_file, write_medication_response, Encoding, OqsDocument};
use madoguchi_core::medical::MedicationHistory;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn medication(name: &str) -> MedicationHistory {
    match parse_file(data(name)).unwrap_or_else(|e| panic!("{name}: {e}")) {
        OqsDocument::Medication(h) => h,
        other => panic!("{name}: not medication: {other:?}"),
    }
}

const UTF8: &str = "YZKsiquc01res_20261120094500_clinical.xml";
const SJIS: &str = "YZKsiquc01res_20261120094600_clinical_sjis.xml";

#[test]
fn clinical_entries_are_read_in_both_encodings() {
    let raw = std::fs::read(data(SJIS)).unwrap();
    assert!(std::str::from_utf8(&raw).is_err(), "the twin really is Shift_JIS");
    assert!(raw.windows(2).any(|w| w == [0xfb, 0xfc]), "髙 (cp932 only) is in it");
    let h = medication(UTF8);
    assert_eq!(h, medication(SJIS));
    assert_eq!(h.error, None);
    assert_eq!(h.patient.name.as_deref(), Some("髙橋　美咲"));
    assert_eq!(h.months.len(), 6);
    let entries: Vec<_> = h.months.iter().flat_map(|m| &m.clinical).collect();
    assert_eq!(entries.len(), 15);
    // Element order differs and an unknown element sits in one entry.
    let management = entries.iter().find(|e| e.code.as_deref() == Some("113001810")).unwrap();
    assert_eq!(management.name.as_deref(), Some("特定疾患療養管理料"));
    assert_eq!(management.category.as_deref(), Some("13"));
    assert_eq!(management.times.as_deref(), Some("1"));
    let anaesthesia = entries.iter().find(|e| e.category.as_deref() == Some("54")).unwrap();
    assert_eq!((anaesthesia.quantity.as_deref(), anaesthesia.unit.as_deref()), (Some("180"), Some("分")));
    let dialysis = entries.iter().find(|e| e.name.as_deref().is_some_and(|n| n.starts_with("人工腎臓"))).unwrap();
    assert_eq!((dialysis.times.as_deref(), dialysis.unit.as_deref()), (Some("13"), Some("回")));
    // An entry without 診療識別 is kept as it came.
    assert!(entries.iter().any(|e| e.category.is_none() && e.name.as_deref().is_some_and(|n| n.starts_with("水晶体"))));
    // A hospital's own block: no prescriptions, its own facility.
    let hospital = h.months.iter().find(|m| m.month.map(|m| m.to_oqs()) == Some("202407".into())).unwrap();
    assert!(hospital.days.is_empty());
    assert_eq!(hospital.dispensing_facility.name.as_deref(), Some("東京みなと総合病院"));
}

#[test]
fn the_core_data_file_is_this_parse() {
    let h = medication(UTF8);
    let core: MedicationHistory = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/clinical_history.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(core, h, "regenerate with `madoguchi oqs parse` (see core/tests/clinical.rs)");
}

#[test]
fn clinical_entries_survive_writing_and_reading_again() {
    let h = medication(UTF8);
    for encoding in [Encoding::Utf8, Encoding::ShiftJis] {
        let bytes = write_medication_response(&h, encoding);
        let again = match madoguchi_adapters::oqs::parse_named("YZKsiquc01res_x.xml", &bytes).unwrap() {
            OqsDocument::Medication(h) => h,
            other => panic!("{other:?}"),
        };
        assert_eq!(again, h, "{encoding:?}");
    }
}
