//! `madoguchi print …`: PDFs from what this desk holds for a patient, through
//! the same consent decision as the window. A patient taps the card consenting
//! to medication only; staff view the medication at the desk; the real binary
//! then prints the medication list, the eligibility slip and the access slip,
//! and refuses the checkups (no consent) without writing a file. The PDFs'
//! text layers are read back with pdftotext.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

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
    desk.connect();
    let now = chrono::Local::now().naive_local();
    desk.simulate_card_tap(&[ConsentCategory::Medication], now).unwrap();
    let started = Instant::now();
    let check = loop {
        if let Some(c) = desk.checks_on(now.date()).unwrap().into_iter().next() {
            break c;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "the tap never reached the desk");
        std::thread::sleep(Duration::from_millis(50));
    };
    let result = desk.check_result(check.id).unwrap().unwrap();
    let q = result.qualification.clone().unwrap();
    let key = q.person_key();
    let MedicalView::Medication(history) = desk.view_medical(check.id, ConsentCategory::Medication, now).unwrap() else {
        panic!("medication asked, medication answered")
    };
    let drug = history
        .months
        .iter()
        .flat_map(|m| m.days.iter())
        .flat_map(|d| d.drugs.iter())
        .find_map(|d| d.name.clone())
        .expect("a drug with a name");
    assert!(desk.view_medical(check.id, ConsentCategory::Checkups, now).is_err(), "no consent for checkups");
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
}
