//! The PDF printer: each document is rendered to a file, its text layer read
//! back with `pdftotext -layout` and its first page rasterised with
//! `pdftoppm` (poppler-utils). Medical documents are refused without a
//! grant for the right category, for printing, still valid — and then no
//! bytes exist at all.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::oqs::{parse_file, OqsDocument};
use madoguchi_i18n::Lang;
use madoguchi_adapters::pdf::{
    access_slip, checkup_report, clinical_history, eligibility_slip, medication_list,
    AccessEntry, AccessSlip, PdfError,
};
use madoguchi_core::clinical::{self, ClinicalHistory};
use madoguchi_core::consent::{
    decide, Consent, ConsentGrant, ConsentSource, ConsentState, Purpose, RefusalReason,
};
use madoguchi_core::eligibility::{ConsentCategory, EligibilityResult};
use madoguchi_core::medical::{
    CheckupResults, Drug, Facility, MedicalPatientHeader, MedicationDay, MedicationHistory,
    MedicationMonth, MedicationSource, YearMonth,
};

const FACILITY: &str = "中野さくら内科クリニック";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/oqs")
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn parse(name: &str) -> OqsDocument {
    parse_file(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn face_result() -> EligibilityResult {
    match parse("OQSsiquc01res_face_0001_20261120093012.xml") {
        OqsDocument::Eligibility(r) => r,
        other => panic!("not an eligibility result: {other:?}"),
    }
}

fn medication_fixture() -> MedicationHistory {
    match parse("YZKsiquc01res_20261120093500.xml") {
        OqsDocument::Medication(h) => h,
        other => panic!("not medication: {other:?}"),
    }
}

fn checkup_fixture() -> CheckupResults {
    match parse("TKKsiquc01res_20261120093600.xml") {
        OqsDocument::Checkups(c) => c,
        other => panic!("not checkups: {other:?}"),
    }
}

/// The patient key of the face-reader result (`保険者番号:記号:番号:枝番`).
fn face_key(r: &EligibilityResult) -> String {
    let q = r.qualification.as_ref().unwrap();
    format!(
        "{}:{}:{}:{}",
        q.insurer_number,
        q.symbol,
        q.number,
        q.branch.as_deref().unwrap_or("")
    )
}

/// A grant from the consents the card reader reported (medication and
/// checkups, 2026-11-20 09:30:10 until 2026-11-21 09:30:10).
fn card_reader_grant(
    category: ConsentCategory,
    purpose: Purpose,
    now: NaiveDateTime,
) -> ConsentGrant {
    let r = face_result();
    let key = face_key(&r);
    let state = ConsentState::from_eligibility(&r, &key);
    decide(&state, &key, category, purpose, now)
        .into_result()
        .unwrap_or_else(|refusal| panic!("no grant: {refusal:?}"))
}

/// A grant from a recorded home-visit consent (validity as recorded).
fn recorded_grant(
    category: ConsentCategory,
    purpose: Purpose,
    given_at: NaiveDateTime,
    valid_until: NaiveDateTime,
    now: NaiveDateTime,
) -> ConsentGrant {
    let key = "06139999:12:345:01";
    let mut state = ConsentState::new(key);
    state
        .record(Consent {
            patient_key: key.into(),
            category,
            given_at,
            valid_until,
            source: ConsentSource::HomeVisit,
            recorded_by: "看護師 山田".into(),
        })
        .unwrap();
    decide(&state, key, category, purpose, now)
        .into_result()
        .unwrap()
}

fn tool_available(tool: &str) -> bool {
    Command::new(tool).arg("-v").output().is_ok()
}

/// Writes the PDF, returns its text layer (`pdftotext -layout`) and checks
/// that page 1 rasterises (`pdftoppm -png -r 60`) to a PNG.
fn check_pdf(bytes: &[u8], dir: &Path, name: &str) -> Texts {
    assert!(bytes.starts_with(b"%PDF-"), "{name}: not a PDF");
    assert!(
        tool_available("pdftotext") && tool_available("pdftoppm"),
        "poppler-utils (pdftotext, pdftoppm) must be installed"
    );
    let pdf = dir.join(format!("{name}.pdf"));
    std::fs::write(&pdf, bytes).unwrap();
    let txt = dir.join(format!("{name}.txt"));
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg(&txt)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let prefix = dir.join(format!("{name}-page"));
    let out = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftoppm {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pngs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("{name}-page"))
                && p.extension().is_some_and(|x| x == "png")
        })
        .collect();
    assert_eq!(pngs.len(), 1, "{name}: one PNG for page 1");
    let png = std::fs::read(&pngs[0]).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name}: PNG signature");
    assert!(png.len() > 1000, "{name}: PNG has content");
    let layout = std::fs::read_to_string(&txt).unwrap();
    let raw = Command::new("pdftotext")
        .arg("-raw")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(raw.status.success());
    Texts {
        layout,
        raw: String::from_utf8(raw.stdout).unwrap(),
    }
}

/// The text layer twice: `-layout` (as on the page) and `-raw` (in drawing
/// order, where a table cell wrapped over two lines reads on).
struct Texts {
    layout: String,
    raw: String,
}

impl Texts {
    /// In either form (so that `!contains` means absent from both).
    fn contains(&self, pat: &str) -> bool {
        self.layout.contains(pat) || self.raw.contains(pat)
    }
}

/// Text with all white space removed: `pdftotext -layout` may put spaces
/// between runs that sit side by side on the page.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Each expected value is in the text layer: on one line of the page, or —
/// when a table cell wraps — in drawing order.
fn assert_contains(text: &Texts, expected: &[&str]) {
    let (layout, raw) = (squash(&text.layout), squash(&text.raw));
    for e in expected {
        let e = squash(e);
        assert!(
            layout.contains(&e) || raw.contains(&e),
            "missing {e:?} in the text layer:\n{}",
            text.layout
        );
    }
}

fn page_count(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo: {info}"))
}

fn pdf_fonts(pdf: &Path) -> String {
    let out = Command::new("pdffonts").arg(pdf).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// ---------------------------------------------------------------------------

#[test]
fn eligibility_slip_shows_the_card_reader_result() {
    let dir = tempfile::tempdir().unwrap();
    let r = face_result();
    let bytes = eligibility_slip(&r, FACILITY, at("2026-11-20 09:31"), Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "eligibility");
    assert_contains(
        &text,
        &[
            "資格確認結果",
            FACILITY,
            "印刷日時",
            "令和8年11月20日 9:31",
            "有効",
            "髙橋　美咲",
            "ﾀｶﾊｼ ﾐｻｷ",
            "昭和61年4月12日（1986-04-12）",
            "40歳",
            "女",
            "全国健康保険協会東京支部",
            "01130012",
            "3割",
            "記号 50123",
            "番号 17",
            "枝番 00",
            "本人",
            "高齢受給者証",
            "限度額適用区分",
            "特定疾病",
            "顔認証付きカードリーダー",
            "令和8年11月20日 9:30（2026-11-20 9:30）",
            "000000123456",
            "1 / 1 ページ",
        ],
    );
    assert!(!text.contains("〓"), "no missing glyphs:\n{}", text.layout);
    // Subset font: a slip is small.
    assert!(bytes.len() < 100_000, "slip is {} bytes", bytes.len());
    let fonts = pdf_fonts(&dir.path().join("eligibility.pdf"));
    assert!(fonts.contains("yes yes"), "embedded and subset:\n{fonts}");
}

/// A desk set to English prints its documents in English: the headings,
/// labels, notes, dates and the footer are the English words of
/// `locales/en/pdf.ftl`, and none of the Japanese ones is left.
#[test]
fn an_english_desk_prints_english_headings() {
    let dir = tempfile::tempdir().unwrap();
    let r = face_result();
    let bytes = eligibility_slip(&r, FACILITY, at("2026-11-20 09:31"), Lang::En).unwrap();
    let text = check_pdf(&bytes, dir.path(), "eligibility-en");
    assert_contains(
        &text,
        &[
            "Eligibility check result",
            FACILITY,
            "Printed 2026-11-20 9:31",
            "Validity",
            "Copay",
            "30%",
            "Insured person",
            "Date of birth",
            "1986-04-12",
            "age 40",
            "Qualification",
            "Insurer",
            "symbol 50123",
            "Elderly certificate",
            "Confirmation",
            "Face-recognition card reader",
            "Page 1 of 1",
            "Eligibility check result (Madoguchi)",
        ],
    );
    for ja in ["資格確認結果", "被保険者", "生年月日", "負担割合", "印刷日時", "ページ", "昭和61年", "顔認証付きカードリーダー"] {
        assert!(!text.contains(ja), "{ja} on an English slip:\n{}", text.layout);
    }
    assert!(!text.contains("〓"), "no missing glyphs:\n{}", text.layout);

    let slip = sample_slip();
    let bytes = access_slip(&slip, FACILITY, at("2026-11-20 10:05"), Lang::En).unwrap();
    let text = check_pdf(&bytes, dir.path(), "access-en");
    assert_contains(
        &text,
        &[
            "Record of medical information viewed",
            "Visit date",
            "Information viewed",
            "Consent valid until",
            "until 2026-11-21 9:30",
            "Audit log check: 42 entries, last 3f2a9c0d5e6b7a81",
        ],
    );
    for ja in ["医療情報の閲覧記録", "受診日", "閲覧した情報", "まで", "監査ログ照合"] {
        assert!(!text.contains(ja), "{ja} on an English slip:\n{}", text.layout);
    }
}

/// The 医療扶助 answer of `oqs_medical_aid.rs` (two tickets).
fn medical_aid_answer() -> EligibilityResult {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/OQSsiquc01res_20261207101500_medical_aid.xml")).unwrap();
    match madoguchi_adapters::oqs::parse_bytes(madoguchi_adapters::oqs::OqsKind::EligibilityResponse, &bytes).unwrap() {
        OqsDocument::Eligibility(r) => r,
        other => panic!("{other:?}"),
    }
}

#[test]
fn eligibility_slip_shows_a_medical_aid_patients_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let r = medical_aid_answer();
    let bytes = eligibility_slip(&r, FACILITY, at("2026-12-07 10:16"), Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "medical-aid");
    assert_contains(
        &text,
        &[
            "医療扶助（医療券・調剤券）",
            "医療券",
            "交付番号 00012345",
            "調剤券",
            "令和8年12月1日（2026-12-01）〜令和8年12月31日（2026-12-31）",
            "診療年月",
            "令和8年12月",
            "中野こころクリニック（1312345678）",
            "2,500円",
            "高血圧症、２型糖尿病",
            "さくら薬局",
            "佐藤　美咲／鈴木　健一",
            "通院は月2回まで",
        ],
    );
    let bytes = eligibility_slip(&r, FACILITY, at("2026-12-07 10:16"), Lang::En).unwrap();
    let text = check_pdf(&bytes, dir.path(), "medical-aid-en");
    assert_contains(&text, &["Public medical aid", "Medical ticket", "Dispensing ticket", "Treatment month", "¥2,500"]);
    // Without a ticket (有効（未登録）) the slip says none is registered.
    let mut none = r.clone();
    none.qualification.as_mut().unwrap().medical_tickets.clear();
    let bytes = eligibility_slip(&none, FACILITY, at("2026-12-07 10:16"), Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "medical-aid-none");
    assert_contains(&text, &["医療扶助（医療券・調剤券）", "登録されていません"]);
    // Any other patient's slip has no such section.
    let bytes = eligibility_slip(&face_result(), FACILITY, at("2026-11-20 09:31"), Lang::Ja).unwrap();
    assert!(!check_pdf(&bytes, dir.path(), "not-medical-aid").contains("医療扶助"));
}

#[test]
fn eligibility_slip_shows_elderly_limit_and_loss() {
    let dir = tempfile::tempdir().unwrap();
    let r = match parse("OQSsiquc01res_20261120101500_kokuho_sjis.xml") {
        OqsDocument::Eligibility(r) => r,
        other => panic!("{other:?}"),
    };
    let bytes = eligibility_slip(&r, FACILITY, at("2026-11-20 10:16"), Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "kokuho");
    assert_contains(
        &text,
        &[
            "渡邊　一郎",
            "昭和27年2月3日（1952-02-03）",
            "中野区",
            "138149",
            "2割",
            "区分 一般",
            "令和9年7月31日（2027-07-31）",
            "男",
        ],
    );

    let lost = match parse("OQSsiquc01res_20261120102000_lost.xml") {
        OqsDocument::Eligibility(r) => r,
        other => panic!("{other:?}"),
    };
    let bytes = eligibility_slip(&lost, FACILITY, at("2026-11-20 10:21"), Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "lost");
    let q = lost.qualification.as_ref().unwrap();
    let mut expected = vec!["無効（新しい資格あり）", "喪失事由"];
    let loss = q.loss_reason.map(|l| l.label_ja()).unwrap();
    expected.push(loss);
    // `●` (a character the national system could not represent) is printed as is.
    let name = lost.person.as_ref().unwrap().name.clone();
    assert!(name.contains('●'));
    expected.push(&name);
    assert_contains(&text, &expected);

    let error = match parse("OQSsiquc01res_20261120103000_error.xml") {
        OqsDocument::Eligibility(r) => r,
        other => panic!("{other:?}"),
    };
    let bytes = eligibility_slip(&error, FACILITY, at("2026-11-20 10:31"), Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "error");
    let e = error.error.as_ref().unwrap();
    assert_contains(&text, &["エラー"]);
    if let Some(code) = &e.code {
        assert_contains(&text, &[code]);
    }
}

#[test]
fn medication_list_prints_every_drug_with_a_print_grant() {
    let dir = tempfile::tempdir().unwrap();
    let h = medication_fixture();
    let now = at("2026-11-20 09:40");
    let grant = card_reader_grant(ConsentCategory::Medication, Purpose::Print, now);
    let bytes = medication_list(&h, &grant, FACILITY, now, Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "medication");

    let mut expected: Vec<String> = vec![
        "薬剤情報".into(),
        FACILITY.into(),
        "昭和61年4月12日".into(),
        "令和8年9月".into(),
        "令和8年11月".into(),
        "調剤日 令和8年9月14日（2026-09-14）".into(),
        // The end of the consent, printed as a note.
        "令和8年11月21日 9:30".into(),
    ];
    for m in &h.months {
        for f in [&m.dispensing_facility, &m.prescribing_facility] {
            if let Some(n) = &f.name {
                expected.push(n.clone());
            }
        }
        for d in m.days.iter().flat_map(|d| &d.drugs) {
            for v in [&d.name, &d.ingredient, &d.usage] {
                expected.push(v.clone().unwrap());
            }
            expected.push(format!(
                "{}{}",
                d.quantity.as_deref().unwrap(),
                d.unit.as_deref().unwrap()
            ));
        }
    }
    let refs: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_contains(&text, &refs);
    assert!(!text.contains("〓"), "no missing glyphs:\n{}", text.layout);
    assert!(bytes.len() < 300_000, "{} bytes", bytes.len());

    // 診療行為 (診療情報, another consent category) is not printed under a
    // medication grant.
    let clinical: Vec<String> = h
        .months
        .iter()
        .flat_map(|m| &m.clinical)
        .filter_map(|c| c.name.clone())
        .collect();
    assert!(!clinical.is_empty(), "the fixture has a clinical entry");
    for c in clinical {
        assert!(!squash(&text.raw).contains(&squash(&c)), "{c} printed");
    }
}

/// A long history: `months` months of `days` days of `drugs` drugs.
fn long_history(months: usize, days: usize, drugs: usize) -> MedicationHistory {
    let mut out = MedicationHistory {
        patient: MedicalPatientHeader {
            name: Some("髙橋　美咲".into()),
            name_kana: Some("ﾀｶﾊｼ ﾐｻｷ".into()),
            birth_date: NaiveDate::from_ymd_opt(1986, 4, 12),
            sex: None,
        },
        months: Vec::new(),
        error: None,
    };
    for m in 0..months {
        let month = YearMonth::new(2026 - (m / 12) as u16, 12 - (m % 12) as u8).unwrap();
        let mut mm = MedicationMonth::new(MedicationSource::Claims);
        mm.month = Some(month);
        mm.dispensing_facility = Facility {
            code: Some("1341234567".into()),
            name: Some(format!("さくら調剤薬局 第{m}店")),
        };
        mm.prescribing_facility = Facility {
            code: Some("1311234561".into()),
            name: Some("中野さくら内科クリニック".into()),
        };
        for d in 0..days {
            let date = month.first_day().unwrap() + chrono::Days::new(d as u64);
            let mut day = MedicationDay { clinical: Vec::new(), 
                dispensed_on: Some(date),
                prescribed_on: Some(date),
                drugs: Vec::new(),
            };
            for k in 0..drugs {
                let i = (m * days + d) * drugs + k;
                day.drugs.push(Drug {
                    code: Some(format!("{i:012}")),
                    name: Some(format!("テスト薬{i}錠５ｍｇ「サワイ」")),
                    ingredient: Some(format!("試験成分{i}塩酸塩")),
                    quantity: Some("1".into()),
                    unit: Some("錠".into()),
                    usage: Some("１日１回朝食後".into()),
                    special_instruction: (k % 3 == 0).then(|| "粉砕".into()),
                    times: Some("28".into()),
                    category: Some("1".into()),
                });
            }
            mm.days.push(day);
        }
        out.months.push(mm);
    }
    out
}

#[test]
fn a_long_medication_list_runs_over_several_numbered_pages() {
    let dir = tempfile::tempdir().unwrap();
    let h = long_history(6, 5, 8); // 240 drug lines
    let now = at("2026-11-20 09:40");
    let grant = card_reader_grant(ConsentCategory::Medication, Purpose::Print, now);
    let bytes = medication_list(&h, &grant, FACILITY, now, Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "long");
    let pages = page_count(&dir.path().join("long.pdf"));
    assert!(pages >= 5, "{pages} pages");
    let mut expected: Vec<String> = (0..240).map(|i| format!("テスト薬{i}錠")).collect();
    expected.push(format!("1 / {pages} ページ"));
    expected.push(format!("{pages} / {pages} ページ"));
    let refs: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_contains(&text, &refs);
    // Every page carries the header.
    assert_eq!(text.layout.matches("印刷日時").count(), pages);
    // …and names the patient (page 1 in full, later pages as a running line).
    assert_eq!(text.layout.matches("髙橋").count(), pages);
    assert!(text.contains("（続き）"), "continued month header");
    assert!(bytes.len() < 300_000, "{} bytes", bytes.len());
}

fn assert_refused(result: Result<Vec<u8>, PdfError>, kind: &str) {
    match result {
        Err(e @ PdfError::Consent(_)) => {
            let PdfError::Consent(refusal) = &e else {
                unreachable!()
            };
            assert_eq!(refusal.reason.kind(), kind, "{refusal:?}");
            assert_eq!(refusal.purpose, Purpose::Print);
            assert_eq!(e.message_id(), "pdf-consent-refused");
            assert!(e.message_args().contains(&("reason", kind.to_string())));
        }
        Err(other) => panic!("expected a consent refusal, got {other:?}"),
        Ok(bytes) => panic!("printed {} bytes without a valid grant", bytes.len()),
    }
}

#[test]
fn medication_list_is_refused_without_the_right_grant() {
    let dir = tempfile::tempdir().unwrap();
    let h = medication_fixture();
    let now = at("2026-11-20 09:40");

    // A grant for checkups, not medication.
    let checkups = card_reader_grant(ConsentCategory::Checkups, Purpose::Print, now);
    assert_refused(
        medication_list(&h, &checkups, FACILITY, now, Lang::Ja),
        "category_not_consented",
    );

    // A grant to view, not to print.
    let view = card_reader_grant(ConsentCategory::Medication, Purpose::View, now);
    let refused = medication_list(&h, &view, FACILITY, now, Lang::Ja);
    assert!(matches!(
        &refused,
        Err(PdfError::Consent(r)) if r.reason == RefusalReason::PurposeNotGranted { granted: Purpose::View }
    ));
    assert_refused(refused, "purpose_not_granted");

    // A grant that has expired by the print time (the card reader's consent
    // runs until 2026-11-21 09:30:10, exclusive).
    let print = card_reader_grant(ConsentCategory::Medication, Purpose::Print, now);
    let later = NaiveDateTime::parse_from_str("2026-11-21 09:30:10", "%Y-%m-%d %H:%M:%S").unwrap();
    assert_refused(medication_list(&h, &print, FACILITY, later, Lang::Ja), "expired");
    // …but one second earlier it still prints.
    let just_before = later - chrono::TimeDelta::seconds(1);
    assert!(medication_list(&h, &print, FACILITY, just_before, Lang::Ja).is_ok());

    // A recorded (home-visit) consent that ended: granted while valid, used after.
    let g = recorded_grant(
        ConsentCategory::Medication,
        Purpose::Print,
        at("2026-11-01 10:00"),
        at("2026-11-15 10:00"),
        at("2026-11-10 10:00"),
    );
    assert_refused(medication_list(&h, &g, FACILITY, now, Lang::Ja), "expired");

    // No file was written on any refusal: nothing exists to write.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn checkup_report_needs_a_checkup_print_grant() {
    let dir = tempfile::tempdir().unwrap();
    let c = checkup_fixture();
    let now = at("2026-11-20 09:40");

    let medication = card_reader_grant(ConsentCategory::Medication, Purpose::Print, now);
    assert_refused(
        checkup_report(&c, &medication, FACILITY, now, Lang::Ja),
        "category_not_consented",
    );
    let view = card_reader_grant(ConsentCategory::Checkups, Purpose::View, now);
    assert_refused(
        checkup_report(&c, &view, FACILITY, now, Lang::Ja),
        "purpose_not_granted",
    );
    let print = card_reader_grant(ConsentCategory::Checkups, Purpose::Print, now);
    assert_refused(
        checkup_report(&c, &print, FACILITY, at("2026-11-22 09:00"), Lang::Ja),
        "expired",
    );

    let bytes = checkup_report(&c, &print, FACILITY, now, Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "checkups");
    assert_contains(
        &text,
        &[
            "特定健診等情報",
            FACILITY,
            "実施日 令和7年6月10日（2025-06-10）",
            "実施日 令和6年6月5日（2024-06-05）",
            "身長",
            "158.2 cm",
            "体重",
            "61.0 kg",
            "59.4 kg",
            "収縮期血圧",
            "138 mmHg",
            "HbA1c（NGSP値）",
            "6.4 %",
            "メタボリックシンドローム判定",
            "予備群該当",
        ],
    );
    assert!(!text.contains("〓"), "no missing glyphs:\n{}", text.layout);
}

fn sample_slip() -> AccessSlip {
    AccessSlip {
        patient_name: "髙橋　美咲".into(),
        patient_key: "01130012:50123:17:00".into(),
        visit_date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        entries: vec![
            AccessEntry {
                category: ConsentCategory::Medication,
                viewed_at: at("2026-11-20 09:42"),
                staff_role: "医師".into(),
                consent_valid_until: at("2026-11-21 09:30"),
            },
            AccessEntry {
                category: ConsentCategory::Checkups,
                viewed_at: at("2026-11-20 09:45"),
                staff_role: "看護師".into(),
                consent_valid_until: at("2026-11-21 09:30"),
            },
        ],
        audit_head: Some(madoguchi_adapters::audit::LogHead {
            count: 42,
            head: "3f2a9c0d5e6b7a8190ab1cd2ef345678c0ffee00deadbeef0123456789abcdef".into(),
            seal: Some("hmac-sha256".into()),
        }),
    }
}

#[test]
fn access_slip_lists_what_was_viewed_and_until_when() {
    let dir = tempfile::tempdir().unwrap();
    let slip = sample_slip();
    let bytes = access_slip(&slip, FACILITY, at("2026-11-20 10:05"), Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "access");
    assert_contains(
        &text,
        &[
            "医療情報の閲覧記録",
            FACILITY,
            "髙橋　美咲 様",
            "令和8年11月20日（2026-11-20）",
            "保険者番号 01130012　記号 50123　番号 17　枝番 00",
            "薬剤情報",
            "特定健診等情報",
            "医師",
            "看護師",
            "令和8年11月20日 9:42（2026-11-20 9:42）",
            "令和8年11月20日 9:45（2026-11-20 9:45）",
            "令和8年11月21日 9:30（2026-11-21 9:30） まで",
            "1 / 1 ページ",
            // The audit log's head in the footer, to compare with the log later.
            "監査ログ照合：記録 42 件　末尾 3f2a9c0d5e6b7a81",
        ],
    );
    assert!(!text.contains("診療情報を閲覧"), "{}", text.layout);
    assert!(!text.contains("〓"), "no missing glyphs:\n{}", text.layout);

    // With no entries, the slip says that nothing was viewed.
    let empty = AccessSlip {
        entries: Vec::new(),
        ..slip.clone()
    };
    let bytes = access_slip(&empty, FACILITY, at("2026-11-20 10:05"), Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "access-empty");
    assert_contains(&text, &["閲覧した記録はありません"]);

    // The slip is serde data (it comes from the access log).
    let json = serde_json::to_string(&slip).unwrap();
    assert_eq!(serde_json::from_str::<AccessSlip>(&json).unwrap(), slip);
}

#[test]
fn characters_missing_from_the_font_are_printed_as_geta() {
    let dir = tempfile::tempdir().unwrap();
    let mut slip = sample_slip();
    slip.patient_name = "田中\u{1F600}太郎".into(); // an emoji IPAex does not have
    let bytes = access_slip(&slip, FACILITY, at("2026-11-20 10:05"), Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "geta");
    assert_contains(&text, &["田中〓太郎 様"]);
}

/// The clinical fixture (our own, `tests/data/`), grouped under print grants
/// for the categories given (home-visit consents of `06139999:12:345:01`).
fn clinical_fixture(
    categories: &[ConsentCategory],
    now: NaiveDateTime,
) -> (ClinicalHistory, Option<ConsentGrant>, Option<ConsentGrant>) {
    let h = match parse_file(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/YZKsiquc01res_20261120094600_clinical_sjis.xml"),
    )
    .unwrap()
    {
        OqsDocument::Medication(h) => h,
        other => panic!("{other:?}"),
    };
    let grant = |c: ConsentCategory| {
        categories.contains(&c).then(|| {
            recorded_grant(
                c,
                Purpose::Print,
                at("2026-11-20 09:00"),
                at("2026-11-21 09:00"),
                now,
            )
        })
    };
    let (c, o) = (grant(ConsentCategory::Clinical), grant(ConsentCategory::Operations));
    let history = clinical::permitted(
        clinical::lines(&h),
        "06139999:12:345:01",
        c.as_ref(),
        o.as_ref(),
        Purpose::Print,
        now,
    )
    .unwrap()
    .into_history(h.patient.clone(), None);
    (history, c, o)
}

#[test]
fn clinical_history_prints_facilities_months_and_operations_only_with_their_grant() {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-11-20 09:40");
    let (both, c, o) = clinical_fixture(&[ConsentCategory::Clinical, ConsentCategory::Operations], now);
    let bytes = clinical_history(&both, c.as_ref(), o.as_ref(), FACILITY, now, Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "clinical-both");
    assert_contains(
        &text,
        &[
            "診療情報・手術情報",
            "髙橋　美咲 様",
            "中野さくら内科クリニック（1311234561）",
            "令和8年10月（2026年10月）",
            "受診日 5日",
            "特定疾患療養管理料",
            "人工透析",
            "人工腎臓（慢性維持透析）（４時間以上５時間未満）",
            "13回",
            "東京みなと総合病院",
            "腹腔鏡下胆嚢摘出術",
            "閉鎖循環式全身麻酔５",
            "保存血液輸血（１回目）",
            "病理診断",
            "放射線治療",
            "患者さんの同意（手術情報）にもとづき印刷しています。",
        ],
    );

    // Clinical consent only: not one operation, and a line saying why.
    let (clinical_only, c, o) = clinical_fixture(&[ConsentCategory::Clinical], now);
    assert!(o.is_none());
    let bytes = clinical_history(&clinical_only, c.as_ref(), None, FACILITY, now, Lang::Ja).unwrap();
    let text = check_pdf(&bytes, dir.path(), "clinical-only");
    assert_contains(&text, &["手術情報は、患者さんの手術情報への同意がないため記載していません", "ＣＴ撮影"]);
    for absent in ["摘出術", "全身麻酔", "輸血", "水晶体", "手術情報）にもとづき"] {
        assert!(!text.contains(absent), "{absent} printed without the operations consent");
    }

    // A history with operations and no operations grant: nothing at all.
    assert_refused(
        clinical_history(&both, c.as_ref(), None, FACILITY, now, Lang::Ja),
        "category_not_consented",
    );
    // No grant at all.
    assert_refused(
        clinical_history(&clinical_only, None, None, FACILITY, now, Lang::Ja),
        "category_not_consented",
    );
    // A view grant is no print grant.
    let view = recorded_grant(
        ConsentCategory::Clinical,
        Purpose::View,
        at("2026-11-20 09:00"),
        at("2026-11-21 09:00"),
        now,
    );
    assert_refused(
        clinical_history(&clinical_only, Some(&view), None, FACILITY, now, Lang::Ja),
        "purpose_not_granted",
    );
    // Expired by the time of printing.
    assert_refused(
        clinical_history(&clinical_only, c.as_ref(), None, FACILITY, at("2026-11-21 09:00"), Lang::Ja),
        "expired",
    );
}

#[test]
fn error_messages_exist_in_both_locales() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../locales");
    for lang in ["ja", "en"] {
        let ftl = std::fs::read_to_string(root.join(lang).join("pdf.ftl")).unwrap();
        for id in PdfError::MESSAGE_IDS {
            assert!(
                ftl.lines().any(|l| l.starts_with(&format!("{id} ="))),
                "locales/{lang}/pdf.ftl lacks {id}"
            );
        }
        for arg in ["$reason", "$category", "$month", "$day", "$time", "$detail"] {
            assert!(ftl.contains(arg), "locales/{lang}/pdf.ftl never uses {arg}");
        }
    }
}

/// The width and height of a PNG (its IHDR chunk).
fn png_size(png: &Path) -> (u32, u32) {
    let b = std::fs::read(png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{} is a PNG", png.display());
    let be = |i: usize| u32::from_be_bytes(b[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

/// Renders page 1 of the eligibility, medication, access slips and 診療情報
/// as the pictures in `docs/pdf-*.png` are made, and checks each came out a
/// page like the docs' one (same size in pixels, not blank); the checkup
/// report and a long medication list (page 2 too) are rendered as well. Run
/// in every test run (it takes about a second); `MADOGUCHI_REFRESH_DOCS=1`
/// writes the pictures into `docs/` and keeps the others in
/// `$TMPDIR/madoguchi-pdf-previews-PID/` for a look.
#[test]
fn render_previews_for_the_docs() {
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs");
    let refresh = std::env::var_os("MADOGUCHI_REFRESH_DOCS").is_some();
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-11-20 09:40");
    let grant = card_reader_grant(ConsentCategory::Medication, Purpose::Print, now);
    let checkups = card_reader_grant(ConsentCategory::Checkups, Purpose::Print, now);
    let docs_list: Vec<(&str, Vec<u8>)> = vec![
        (
            "pdf-eligibility",
            eligibility_slip(&face_result(), FACILITY, now, Lang::Ja).unwrap(),
        ),
        (
            "pdf-medication",
            medication_list(&medication_fixture(), &grant, FACILITY, now, Lang::Ja).unwrap(),
        ),
        (
            "pdf-checkups",
            checkup_report(&checkup_fixture(), &checkups, FACILITY, now, Lang::Ja).unwrap(),
        ),
        (
            "pdf-medication-long",
            medication_list(&long_history(3, 3, 6), &grant, FACILITY, now, Lang::Ja).unwrap(),
        ),
        (
            "pdf-access-slip",
            access_slip(&sample_slip(), FACILITY, at("2026-11-20 10:05"), Lang::Ja).unwrap(),
        ),
        ("pdf-clinical", {
            let (h, c, o) =
                clinical_fixture(&[ConsentCategory::Clinical, ConsentCategory::Operations], now);
            clinical_history(&h, c.as_ref(), o.as_ref(), FACILITY, now, Lang::Ja).unwrap()
        }),
    ];
    let scratch = std::env::temp_dir().join(format!("madoguchi-pdf-previews-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    for (name, bytes) in docs_list {
        let in_docs = matches!(name, "pdf-eligibility" | "pdf-medication" | "pdf-access-slip" | "pdf-clinical");
        let target = if in_docs && refresh { docs.join(name) } else { scratch.join(name) };
        let pdf = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&pdf, &bytes).unwrap();
        let status = Command::new("pdftoppm")
            .args(["-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile"])
            .arg(&pdf)
            .arg(&target)
            .status()
            .expect("pdftoppm (poppler-utils) runs");
        assert!(status.success(), "{name}: pdftoppm failed");
        let png = target.with_extension("png");
        // A page with something on it: a blank A4 page at 90 dpi is a few KB.
        let bytes = std::fs::metadata(&png).unwrap().len();
        assert!(bytes > 20_000, "{name}: {bytes} bytes, a blank page?");
        if in_docs {
            assert_eq!(png_size(&png), png_size(&docs.join(format!("{name}.png"))), "{name}: the page is the size of the docs' picture");
        }
        std::fs::copy(&pdf, scratch.join(format!("{name}.pdf"))).unwrap();
    }
    // Page 2 of the long list: the continued month and day headers.
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "90", "-f", "2", "-l", "2", "-singlefile"])
        .arg(dir.path().join("pdf-medication-long.pdf"))
        .arg(scratch.join("pdf-medication-long-p2"))
        .status()
        .unwrap();
    assert!(status.success(), "page 2 of the long list");
    assert!(std::fs::metadata(scratch.join("pdf-medication-long-p2.png")).unwrap().len() > 20_000, "page 2 has something on it");
    if refresh {
        eprintln!("the other previews are in {}", scratch.display());
    } else {
        let _ = std::fs::remove_dir_all(&scratch);
    }
}
