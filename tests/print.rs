//! `madoguchi print …`: PDFs from what this desk holds for a patient, through
//! the same consent decision as the window. A patient taps the card consenting
//! to medication only; staff view the medication at the desk; the real binary
//! then prints the medication list, the eligibility slip and the access slip,
//! and refuses the checkups (no consent) without writing a file. The PDFs'
//! text layers are read back with pdftotext.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use madoguchi_app::desk::{Desk, MedicalView};
use madoguchi_app::settings::Settings;
use madoguchi_core::ConsentCategory;

const PEOPLE: &str = "2000";

fn madoguchi(data: &Path, args: &[&str]) -> Output {
    Command::new(common::madoguchi_bin())
        .args(args)
        .env("MADOGUCHI_DATA_DIR", data)
        .env("MADOGUCHI_SETTINGS", data.join("none.json"))
        .env("MADOGUCHI_TRAINING_PEOPLE", PEOPLE)
        .env("MADOGUCHI_LANG", "ja")
        .output()
        .expect("madoguchi runs")
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext").args(["-layout"]).arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn print_with_consent_and_refuse_without() {
    let data = common::data_dir();
    let settings = Settings { data_dir: data.path().to_path_buf(), training_people: PEOPLE.parse().unwrap(), ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    let taps = common::Taps::of(&desk);
    desk.connect();
    desk.checks.simulate_card_tap(&[ConsentCategory::Medication], chrono::Local::now().naive_local()).unwrap();
    let check_id = taps.next().check_id.unwrap();
    // After the tap: its consent has begun by then.
    let now = chrono::Local::now().naive_local();
    let result = desk.checks.check_result(check_id).unwrap().unwrap();
    let q = result.qualification.clone().unwrap();
    let key = q.person_key();
    let MedicalView::Medication(history) = desk.medical.view(check_id, ConsentCategory::Medication, now).unwrap() else {
        panic!("medication asked, medication answered")
    };
    let drug = history
        .months
        .iter()
        .flat_map(|m| m.days.iter())
        .flat_map(|d| d.drugs.iter())
        .find_map(|d| d.name.clone())
        .expect("a drug with a name");
    assert!(desk.medical.view(check_id, ConsentCategory::Checkups, now).is_err(), "no consent for checkups");
    desk.shutdown();
    drop(desk);

    // The medication list: the patient's name and the drug viewed.
    let out_pdf = data.path().join("medication.pdf");
    let out = madoguchi(data.path(), &["print", "medication-list", "--patient", &key, "--out", out_pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = pdf_text(&out_pdf);
    assert!(text.contains("薬剤情報"), "{text}");
    let person_name = result.person.clone().unwrap().name;
    let family = person_name.split(['\u{3000}', ' ']).next().unwrap();
    assert!(text.contains(family), "the patient's name {family} in:\n{text}");
    let drug_head: String = drug.chars().take(5).collect();
    assert!(text.contains(&drug_head), "the drug {drug} in:\n{text}");

    // Checkups: no consent → refused in words, exit 2, no file.
    let refused_pdf = data.path().join("checkups.pdf");
    let out = madoguchi(data.path(), &["print", "checkups", "--patient", &key, "--out", refused_pdf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(why.contains("特定健診等情報") && why.contains("同意"), "{why}");
    assert!(!refused_pdf.exists(), "nothing printed without consent");
    assert!(!data.path().join("checkups.pdf.tmp").exists());

    // The eligibility slip and the access slip of today's viewing.
    let slip_pdf = data.path().join("eligibility.pdf");
    let out = madoguchi(data.path(), &["print", "eligibility", "--patient", &key, "--out", slip_pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(pdf_text(&slip_pdf).contains(family));
    let access_pdf = data.path().join("access.pdf");
    let out = madoguchi(data.path(), &["print", "access-slip", "--patient", &key, "--out", access_pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let access = pdf_text(&access_pdf);
    assert!(access.contains("薬剤情報"), "{access}");
    assert!(!access.contains("特定健診等情報"), "checkups were never viewed:\n{access}");
    // The audit log's head as it stood, in the footer: a copy of the anchor on paper.
    // The slip was made just before its own `print` entry, the last one.
    let (n, hash) = common::desk_db(data.path())
        .query_row(
            "SELECT seq, substr(hash, 1, 16) FROM audit_log WHERE seq = (SELECT last_seq - 1 FROM audit_head)",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )
        .unwrap();
    let squashed: String = access.split_whitespace().collect();
    assert!(squashed.contains(&format!("監査ログ照合：記録{n}件末尾{hash}")), "the audit log's head ({n}, {hash}) in the footer:\n{access}");

    // A patient this desk never checked, and a document that does not exist.
    let out = madoguchi(data.path(), &["print", "eligibility", "--patient", "06139999:1:1:", "--out", slip_pdf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("資格確認の記録がありません"));
    let out = madoguchi(data.path(), &["print", "receipt", "--patient", &key, "--out", slip_pdf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("receipt"));

    // Every print and refusal is in the audit log.
    let out = madoguchi(data.path(), &["audit", "export"]);
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("printed:medication-list") && log.contains("refused:checkups"), "{log}");
    // The refusal that is not the consent's too: no such patient.
    assert!(log.contains("not_printed:eligibility") && log.contains("print-no-patient"), "{log}");
}

/// `madoguchi print clinical`: with the clinical consent only, the PDF lists
/// the facilities and procedures viewed, no operation, and says operations
/// need their own consent; without the clinical consent, no file, exit 2,
/// the reason, and the refusal in the audit log.
#[test]
fn print_clinical_through_the_same_consent_check() {
    let data = common::data_dir();
    let settings = Settings { data_dir: data.path().to_path_buf(), training_people: PEOPLE.parse().unwrap(), ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    let taps = common::Taps::of(&desk);
    desk.connect();
    let now = chrono::Local::now().naive_local();
    // Someone with an operation in their synthetic history.
    let db = data.path().join("training-population.sqlite");
    let p = madoguchi_training::sample(&db, 200)
        .unwrap()
        .into_iter()
        .filter(|p| p.expected_validity == madoguchi_core::codes::Validity::Valid)
        .find(|p| {
            let key = format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch);
            madoguchi_training::clinical::clinical_months(&key, p.birth_date, 0, now.date())
                .iter()
                .flat_map(|m| &m.clinical)
                .any(|e| e.category.as_deref() == Some("50"))
        })
        .expect("someone with an operation");
    let key = format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch);
    let population = madoguchi_training::Population::open(&db).unwrap();
    madoguchi_training::terminal::tap(&data.path().join("training-oqs"), &population, Some(&key), &[ConsentCategory::Clinical], now).unwrap();
    let check_id = taps.next().check_id.unwrap();
    let MedicalView::Clinical(h) = desk.medical.view(check_id, ConsentCategory::Clinical, chrono::Local::now().naive_local()).unwrap() else {
        panic!("clinical asked, clinical answered")
    };
    let facility = h.facilities[0].facility.name.clone().unwrap();
    let procedure = h.facilities[0].months[0].procedures[0].name.clone();
    desk.shutdown();
    drop(desk);

    let out_pdf = data.path().join("clinical.pdf");
    let out = madoguchi(data.path(), &["print", "clinical", "--patient", &key, "--out", out_pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = pdf_text(&out_pdf);
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(text.contains("診療情報"), "{text}");
    assert!(flat.contains(&facility), "{facility} in:\n{text}");
    let head: String = procedure.chars().take(4).collect();
    assert!(flat.contains(&head), "{procedure} in:\n{text}");
    assert!(flat.contains("手術情報は、患者さんの手術情報への同意がないため記載していません"), "{text}");
    for absent in ["術", "麻酔", "輸血"] {
        assert!(!flat.replace("手術情報", "").contains(absent), "{absent} printed without the operations consent:\n{text}");
    }

    // Another patient without any clinical consent: the medication-only tap.
    let other = madoguchi_training::sample(&db, 50)
        .unwrap()
        .into_iter()
        .filter(|q| q.expected_validity == madoguchi_core::codes::Validity::Valid)
        .map(|q| format!("{}:{}:{}:{}", q.insurer_number, q.symbol, q.number, q.branch))
        .find(|k| *k != key)
        .unwrap();
    madoguchi_training::terminal::tap(&data.path().join("training-oqs"), &population, Some(&other), &[ConsentCategory::Medication], now).unwrap();
    let out = madoguchi(data.path(), &["oqs", "ingest", "--dir", data.path().join("training-oqs").to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let refused_pdf = data.path().join("refused.pdf");
    let out = madoguchi(data.path(), &["print", "clinical", "--patient", &other, "--out", refused_pdf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(why.contains("診療情報") && why.contains("同意"), "{why}");
    assert!(!refused_pdf.exists(), "nothing printed without consent");
    let out = madoguchi(data.path(), &["audit", "export"]);
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("printed:clinical") && log.contains("refused:clinical"), "{log}");
    assert!(log.contains("withheld:operations"), "{log}");
}
