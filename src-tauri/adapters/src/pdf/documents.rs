//! What each document says: its sections, labels, notes and the order of
//! its rows, drawn with the page writer (`layout`).

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use madoguchi_core::clinical::{ClinicalHistory, ProcedureKind};
use madoguchi_core::codes::Validity;
use madoguchi_core::consent::ConsentGrant;
use madoguchi_core::eligibility::{ConsentCategory, EligibilityResult, ResultSource};
use madoguchi_core::medical::{
    CheckupResults, Drug, Facility, MedicalPatientHeader, MedicationHistory, MedicationSource,
    YearMonth,
};
use madoguchi_core::wareki::{format_wareki, to_wareki};

use super::layout::*;
use super::{AccessSlip, PdfError};

// ---------------------------------------------------------------------------
// The documents (their gates are in `pdf`)
// ---------------------------------------------------------------------------

const PRIVACY_NOTE: &str = "個人情報・要配慮個人情報を含みます。取扱いにご注意ください。";

pub(super) fn eligibility_slip(result: &EligibilityResult, facility: &str, printed_at: NaiveDateTime) -> Result<Vec<u8>, PdfError> {
    let mut w = Writer::new("資格確認結果", facility, printed_at, None)?;
    draw_eligibility(&mut w, result);
    Ok(w.finish())
}

pub(super) fn medication_list(history: &MedicationHistory, grant: &ConsentGrant, facility: &str, printed_at: NaiveDateTime) -> Result<Vec<u8>, PdfError> {
    let mut w = Writer::new("薬剤情報", facility, printed_at, Some(PRIVACY_NOTE))?;
    draw_medication(&mut w, history, grant);
    Ok(w.finish())
}

pub(super) fn checkup_report(results: &CheckupResults, grant: &ConsentGrant, facility: &str, printed_at: NaiveDateTime) -> Result<Vec<u8>, PdfError> {
    let mut w = Writer::new("特定健診等情報", facility, printed_at, Some(PRIVACY_NOTE))?;
    draw_checkups(&mut w, results, grant);
    Ok(w.finish())
}

pub(super) fn clinical_history(
    history: &ClinicalHistory,
    clinical: Option<&ConsentGrant>,
    operations: Option<&ConsentGrant>,
    facility: &str,
    printed_at: NaiveDateTime,
) -> Result<Vec<u8>, PdfError> {
    let title = if history.operations_shown && !history.clinical_shown {
        "手術情報"
    } else if history.operations_shown {
        "診療情報・手術情報"
    } else {
        "診療情報"
    };
    let mut w = Writer::new(title, facility, printed_at, Some(PRIVACY_NOTE))?;
    draw_clinical(&mut w, history, clinical, operations);
    Ok(w.finish())
}

pub(super) fn access_slip(slip: &AccessSlip, facility: &str, printed_at: NaiveDateTime) -> Result<Vec<u8>, PdfError> {
    let mut w = Writer::new(
        "医療情報の閲覧記録",
        facility,
        printed_at,
        Some("この記録は患者さんにお渡しするものです。"),
    )?;
    w.footer_line = slip.audit_head.as_ref().map(audit_head_line);
    draw_access_slip(&mut w, slip, facility);
    Ok(w.finish())
}

/// The footer line of an access slip for the audit log's head: its count
/// and the first 16 hex digits of the last hash.
fn audit_head_line(head: &crate::audit::LogHead) -> String {
    format!("監査ログ照合：記録 {} 件　末尾 {}", head.count, &head.head[..head.head.len().min(16)])
}


// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

/// `昭和61年4月12日（1986-04-12）`.
fn date_ja(d: NaiveDate) -> String {
    format!("{}（{}）", format_wareki(d), d.format("%Y-%m-%d"))
}

/// `令和8年11月20日 10:15（2026-11-20 10:15）`.
pub(super) fn datetime_ja(t: NaiveDateTime) -> String {
    format!(
        "{} {}:{:02}（{} {}:{:02}）",
        format_wareki(t.date()),
        t.hour(),
        t.minute(),
        t.date().format("%Y-%m-%d"),
        t.hour(),
        t.minute()
    )
}

/// `令和8年11月20日 9:42` and `（2026-11-20 9:42）` on two lines, for narrow
/// table columns.
fn datetime_ja_2(t: NaiveDateTime) -> String {
    datetime_ja(t).replacen('（', "\n（", 1)
}

/// `令和8年9月（2026年9月）`.
fn month_ja(m: YearMonth) -> String {
    match m.first_day().and_then(to_wareki) {
        Some(w) => {
            let year = if w.year == 1 {
                "元".to_string()
            } else {
                w.year.to_string()
            };
            format!(
                "{}{}年{}月（{}年{}月）",
                w.era.name_ja(),
                year,
                m.month(),
                m.year(),
                m.month()
            )
        }
        None => format!("{}年{}月", m.year(), m.month()),
    }
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(date_ja).unwrap_or_else(|| "―".into())
}

/// `令和8年4月1日（2026-04-01）〜 令和9年3月31日（2027-03-31）`.
fn period(from: Option<NaiveDate>, until: Option<NaiveDate>) -> Option<String> {
    match (from, until) {
        (None, None) => None,
        (f, u) => Some(format!(
            "{} 〜 {}",
            f.map(date_ja).unwrap_or_default(),
            u.map(date_ja).unwrap_or_default()
        )),
    }
}

fn age_on(birth: NaiveDate, on: NaiveDate) -> Option<i32> {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    (age >= 0).then_some(age)
}

fn yen(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}円")
}

fn category_ja(c: ConsentCategory) -> &'static str {
    match c {
        ConsentCategory::Medication => "薬剤情報",
        ConsentCategory::Checkups => "特定健診等情報",
        ConsentCategory::Clinical => "診療情報",
        ConsentCategory::Operations => "手術情報",
    }
}

fn source_ja(s: ResultSource) -> &'static str {
    match s {
        ResultSource::TrainingService => "研修用サービス（研修モード）",
        ResultSource::HttpService => "オンライン資格確認サービス",
        ResultSource::OqsFolder => "資格確認端末（OQSフォルダ）",
        ResultSource::CardReader => "顔認証付きカードリーダー",
    }
}

fn medication_source_ja(s: MedicationSource) -> &'static str {
    match s {
        MedicationSource::Claims => "レセプト情報",
        MedicationSource::Prescription => "電子処方箋（処方情報）",
        MedicationSource::Dispensing => "電子処方箋（調剤情報）",
    }
}

fn facility_ja(f: &Facility) -> String {
    match (&f.name, &f.code) {
        (Some(n), Some(c)) => format!("{n}（{c}）"),
        (Some(n), None) => n.clone(),
        (None, Some(c)) => format!("（{c}）"),
        (None, None) => "―".into(),
    }
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------------------
// 資格確認結果
// ---------------------------------------------------------------------------

fn draw_eligibility(w: &mut Writer, r: &EligibilityResult) {
    let q = r.qualification.as_ref();
    let p = r.person.as_ref();

    // The two facts the desk needs first: validity and copay, large.
    let top = w.y;
    let box_h = 62.0;
    let valid = r.validity.is_valid();
    let colour = if valid { GREEN } else { RED };
    let half = (WIDTH - 12.0) / 2.0;
    w.frame(LEFT, top, half, box_h, 1.6, colour);
    w.text_with(LEFT + 8.0, top - 15.0, 8.5, "資格の有効性", GREY, false);
    w.text_center(
        LEFT + half / 2.0,
        top - 47.0,
        24.0,
        r.validity.label_ja(),
        colour,
        true,
    );
    let cx = LEFT + half + 12.0;
    w.frame(cx, top, half, box_h, 1.6, BLACK);
    w.text_with(cx + 8.0, top - 15.0, 8.5, "負担割合", GREY, false);
    let copay = match r.effective_copay() {
        Some(c) => format!("{}割", c.wari()),
        None => "―".into(),
    };
    w.text_center(cx + half / 2.0, top - 47.0, 24.0, &copay, BLACK, true);
    w.y -= box_h + 14.0;

    if let Some(e) = &r.error {
        let mut s = String::from("照会でエラーが返されました");
        if let Some(c) = non_empty(&e.code) {
            s.push_str(&format!("（コード {c}）"));
        }
        if let Some(m) = non_empty(&e.message) {
            s.push_str(&format!("：{m}"));
        }
        w.paragraph(&s, 10.0, RED);
        w.y -= 6.0;
    }
    if r.validity == Validity::InvalidNewQualification {
        w.paragraph(
            "新しい資格があります。新しい保険証・資格確認書、またはマイナ保険証で確認し直してください。",
            9.5,
            RED,
        );
        w.y -= 4.0;
    }

    w.section("被保険者");
    w.kv_table_top();
    match p {
        Some(p) => {
            w.kv_row("氏名", &p.name);
            if let Some(k) = non_empty(&p.name_kana) {
                w.kv_row("カナ氏名", k);
            }
            if let Some(o) = non_empty(&p.name_other) {
                let mut s = o.to_string();
                if let Some(k) = non_empty(&p.name_other_kana) {
                    s.push_str(&format!("（{k}）"));
                }
                w.kv_row("氏名（その他）", &s);
            }
            let mut birth = date_ja(p.birth_date);
            if let Some(age) = age_on(p.birth_date, r.confirmation_date) {
                birth.push_str(&format!("　{age}歳"));
            }
            w.kv_row("生年月日", &birth);
            w.kv_row("性別", p.sex.label_ja());
        }
        None => w.kv_row("氏名", "（回答に含まれていません）"),
    }

    w.section("資格");
    w.kv_table_top();
    match q {
        Some(q) => {
            w.kv_row(
                "保険者",
                &format!(
                    "{}　保険者番号 {}",
                    non_empty(&q.insurer_name).unwrap_or("（名称なし）"),
                    q.insurer_number
                ),
            );
            let symbol = if q.symbol.trim().is_empty() {
                "（なし）"
            } else {
                q.symbol.as_str()
            };
            w.kv_row(
                "記号・番号・枝番",
                &format!(
                    "記号 {}　番号 {}　枝番 {}",
                    symbol,
                    q.number,
                    non_empty(&q.branch).unwrap_or("（なし）")
                ),
            );
            let mut kind = Vec::new();
            if let Some(rel) = q.relationship {
                kind.push(rel.label_ja().to_string());
            }
            if let Some(c) = q.card_classification {
                kind.push(c.label_ja().to_string());
            }
            if q.preschool {
                kind.push("未就学".to_string());
            }
            if !kind.is_empty() {
                w.kv_row("本人・家族／区分", &kind.join("　"));
            }
            if let Some(s) = period(q.valid_from, q.valid_until) {
                w.kv_row("資格の有効期間", &s);
            }
            if q.issued_on.is_some() {
                w.kv_row("交付年月日", &opt_date(q.issued_on));
            }
            let card = match q.copay {
                Some(c) => format!("{}割", c.wari()),
                None => "―".into(),
            };
            w.kv_row("負担割合（保険証）", &card);
            match &q.elderly {
                Some(e) => {
                    let mut s = match e.copay {
                        Some(c) => format!("あり　{}割", c.wari()),
                        None => "あり".to_string(),
                    };
                    if let Some(p) = period(e.valid_from, e.valid_until) {
                        s.push_str(&format!("　有効期間 {p}"));
                    }
                    w.kv_row("高齢受給者証", &s);
                }
                None => w.kv_row("高齢受給者証", "なし"),
            }
            match &q.limit {
                Some(l) => {
                    let mut s = l
                        .category
                        .map(|c| format!("区分 {}", c.label_ja()))
                        .unwrap_or_else(|| "区分の記載なし".into());
                    if let Some(c) = l.classification {
                        s.push_str(&format!("（{}）", c.label_ja()));
                    }
                    if let Some(p) = period(l.valid_from, l.valid_until) {
                        s.push_str(&format!("　有効期間 {p}"));
                    }
                    if let Some(d) = l.long_term_from {
                        s.push_str(&format!("　長期入院該当 {}", date_ja(d)));
                    }
                    w.kv_row("限度額適用区分", &s);
                }
                None => w.kv_row("限度額適用区分", "情報なし"),
            }
            if q.specific_diseases.is_empty() {
                w.kv_row("特定疾病", "なし");
            } else {
                let s: Vec<String> = q
                    .specific_diseases
                    .iter()
                    .map(|d| {
                        let mut s = d.disease.label_ja().to_string();
                        if let Some(l) = d.self_pay_limit {
                            s.push_str(&format!("　自己負担限度額 {}", yen(l)));
                        }
                        if let Some(p) = period(d.valid_from, d.valid_until) {
                            s.push_str(&format!("　有効期間 {p}"));
                        }
                        s
                    })
                    .collect();
                w.kv_row("特定疾病", &s.join("／"));
            }
            if !q.public_expenses.is_empty() {
                let s: Vec<String> = q
                    .public_expenses
                    .iter()
                    .map(|e| {
                        let mut s = String::new();
                        if let Some(n) = non_empty(&e.name) {
                            s.push_str(n);
                            s.push('　');
                        }
                        s.push_str(&format!("公費負担者番号 {}", e.payer_number));
                        if let Some(r) = non_empty(&e.recipient_number) {
                            s.push_str(&format!("　受給者番号 {r}"));
                        }
                        if let Some(p) = period(e.valid_from, e.valid_until) {
                            s.push_str(&format!("　有効期間 {p}"));
                        }
                        s
                    })
                    .collect();
                w.kv_row("公費", &s.join("／"));
            }
            if let Some(l) = q.loss_reason {
                w.kv_row("喪失事由", l.label_ja());
            }
            if let Some(n) = non_empty(&q.reference_number) {
                w.kv_row("照会番号", n);
            }
        }
        None => w.kv_row("保険者", "（資格情報は回答に含まれていません）"),
    }

    w.section("確認");
    w.kv_table_top();
    w.kv_row("資格確認日", &date_ja(r.confirmation_date));
    w.kv_row("確認日時", &datetime_ja(r.confirmed_at));
    w.kv_row("確認元", source_ja(r.source));
    w.y -= 10.0;
    w.paragraph(
        "この書面は、上記の日時にオンライン資格確認で得られた結果を印刷したものです。その後の資格の変更は反映されていません。",
        8.5,
        GREY,
    );
}

// ---------------------------------------------------------------------------
// 薬剤情報
// ---------------------------------------------------------------------------

fn patient_block(w: &mut Writer, p: &MedicalPatientHeader) {
    let mut s = String::new();
    if let Some(n) = non_empty(&p.name) {
        s.push_str(&format!("{n} 様"));
    }
    if let Some(k) = non_empty(&p.name_kana) {
        s.push_str(&format!("（{k}）"));
    }
    if let Some(b) = p.birth_date {
        s.push_str(&format!("　生年月日 {}", date_ja(b)));
    }
    if let Some(sex) = p.sex {
        s.push_str(&format!("　性別 {}", sex.label_ja()));
    }
    if !s.is_empty() {
        w.paragraph(&s, 11.0, BLACK);
        w.running_subject = Some(format!("{s}（続き）"));
    }
}

fn consent_note(w: &mut Writer, grant: &ConsentGrant) {
    let s = format!(
        "患者さんの同意（{}）にもとづき印刷しています。同意の有効期限：{}",
        category_ja(grant.category()),
        datetime_ja(grant.valid_until())
    );
    w.paragraph(&s, 8.5, GREY);
    w.y -= 4.0;
}

const MED_COLS: [&str; 5] = ["医薬品名", "成分名", "用量", "用法", "日数・回数"];
const MED_WIDTHS: [f32; 5] = [160.0, 118.0, 62.0, 122.0, WIDTH - 462.0];
const MED_SIZE: f32 = 8.5;

fn med_header(w: &mut Writer) {
    let cells: Vec<String> = MED_COLS.iter().map(|s| s.to_string()).collect();
    let (wrapped, h) = w.row_height(&cells, &MED_WIDTHS, 8.0);
    w.hline(LEFT, RIGHT, w.y, 0.6, RULE);
    w.draw_row(&wrapped, &MED_WIDTHS, 8.0, h, Some(HEAD_BG));
}

fn drug_cells(d: &Drug) -> Vec<String> {
    let dash = || "―".to_string();
    let quantity = match (non_empty(&d.quantity), non_empty(&d.unit)) {
        (Some(q), Some(u)) => format!("{q}{u}"),
        (Some(q), None) => q.to_string(),
        (None, Some(u)) => u.to_string(),
        (None, None) => dash(),
    };
    let mut usage = non_empty(&d.usage).map(str::to_string).unwrap_or_else(dash);
    if let Some(sp) = non_empty(&d.special_instruction) {
        usage.push_str(&format!("　※{sp}"));
    }
    vec![
        non_empty(&d.name).map(str::to_string).unwrap_or_else(dash),
        non_empty(&d.ingredient)
            .map(str::to_string)
            .unwrap_or_else(dash),
        quantity,
        usage,
        non_empty(&d.times).map(str::to_string).unwrap_or_else(dash),
    ]
}

fn draw_medication(w: &mut Writer, h: &MedicationHistory, grant: &ConsentGrant) {
    patient_block(w, &h.patient);
    consent_note(w, grant);

    if h.months.is_empty() {
        let mut s = "薬剤情報はありません。".to_string();
        if let Some(e) = &h.error {
            if let Some(m) = non_empty(&e.message) {
                s = format!("薬剤情報を取得できませんでした：{m}");
            }
        }
        w.paragraph(&s, 10.5, BLACK);
        return;
    }
    if let Some(e) = &h.error {
        if let Some(m) = non_empty(&e.message) {
            w.paragraph(&format!("注意：{m}"), 9.5, RED);
        }
    }

    // Newest month first; within a month, newest dispensing day first.
    let mut months: Vec<_> = h.months.iter().collect();
    months.sort_by(|a, b| b.month.cmp(&a.month).then(a.source.cmp(&b.source)));

    for m in months {
        let band = format!(
            "{}　{}",
            m.month.map(month_ja).unwrap_or_else(|| "年月不明".into()),
            medication_source_ja(m.source)
        );
        let facilities = format!(
            "調剤：{}　　処方：{}",
            facility_ja(&m.dispensing_facility),
            facility_ja(&m.prescribing_facility)
        );
        let fac_lines = w.wrap(&facilities, 8.5, WIDTH - 12.0);
        let band_h = 22.0 + fac_lines.len() as f32 * 12.0;
        let month_head = |w: &mut Writer, cont: bool| {
            let top = w.y;
            w.fill(LEFT, top, WIDTH, band_h, BAND_BG);
            let title = if cont {
                format!("{band}（続き）")
            } else {
                band.clone()
            };
            w.text_with(LEFT + 6.0, top - 15.0, 11.0, &title, BLACK, true);
            for (i, line) in fac_lines.iter().enumerate() {
                w.text(LEFT + 6.0, top - 29.0 - i as f32 * 12.0, 8.5, line);
            }
            w.y -= band_h + 4.0;
        };
        // A month band, a day line, the column header and one row at least.
        w.ensure(band_h + 80.0);
        w.y -= 6.0;
        month_head(w, false);

        let mut days: Vec<_> = m.days.iter().collect();
        days.sort_by(|a, b| b.dispensed_on.cmp(&a.dispensed_on));
        if days.is_empty() {
            w.paragraph("この月の調剤記録はありません。", 9.0, GREY);
        }
        for day in days {
            let mut s = format!("調剤日 {}", opt_date(day.dispensed_on));
            if let Some(p) = day.prescribed_on {
                s.push_str(&format!("　　処方日 {}", date_ja(p)));
            }
            let day_head = |w: &mut Writer, cont: bool| {
                let label = if cont {
                    format!("{s}（続き）")
                } else {
                    s.clone()
                };
                w.text_with(LEFT + 2.0, w.y - 11.0, 9.5, &label, BLACK, true);
                w.y -= 16.0;
                med_header(w);
            };
            if w.ensure(60.0) {
                month_head(w, true);
            }
            day_head(w, false);
            if day.drugs.is_empty() {
                w.paragraph("（医薬品の記載なし）", 8.5, GREY);
            }
            for d in &day.drugs {
                let cells = drug_cells(d);
                let (wrapped, rh) = w.row_height(&cells, &MED_WIDTHS, MED_SIZE);
                if w.ensure(rh) {
                    month_head(w, true);
                    day_head(w, true);
                }
                w.draw_row(&wrapped, &MED_WIDTHS, MED_SIZE, rh, None);
            }
            w.y -= 8.0;
        }
    }
}

// ---------------------------------------------------------------------------
// 診療情報
// ---------------------------------------------------------------------------

/// The field's word for each kind, as on the desk (`clinical-kind-*` in
/// `locales/ja`).
fn procedure_kind_ja(k: ProcedureKind) -> &'static str {
    match k {
        ProcedureKind::FirstVisit => "初診",
        ProcedureKind::Revisit => "再診",
        ProcedureKind::Management => "医学管理",
        ProcedureKind::HomeCare => "在宅",
        ProcedureKind::Medication => "投薬",
        ProcedureKind::Injection => "注射",
        ProcedureKind::Treatment => "処置",
        ProcedureKind::Dialysis => "人工透析",
        ProcedureKind::Surgery => "手術",
        ProcedureKind::Transplant => "移植",
        ProcedureKind::Transfusion => "輸血",
        ProcedureKind::Anaesthesia => "麻酔",
        ProcedureKind::Examination => "検査",
        ProcedureKind::Pathology => "病理診断",
        ProcedureKind::Imaging => "画像診断",
        ProcedureKind::Radiotherapy => "放射線治療",
        ProcedureKind::Rehabilitation => "リハビリテーション",
        ProcedureKind::Inpatient => "入院",
        ProcedureKind::Other => "その他",
    }
}

const CLIN_COLS: [&str; 4] = ["診療年月・受診日", "区分", "診療行為", "回数・数量"];
const CLIN_WIDTHS: [f32; 4] = [150.0, 80.0, 200.0, WIDTH - 430.0];
const CLIN_SIZE: f32 = 8.5;

fn clin_header(w: &mut Writer) {
    let cells: Vec<String> = CLIN_COLS.iter().map(|s| s.to_string()).collect();
    let (wrapped, h) = w.row_height(&cells, &CLIN_WIDTHS, 8.0);
    w.hline(LEFT, RIGHT, w.y, 0.6, RULE);
    w.draw_row(&wrapped, &CLIN_WIDTHS, 8.0, h, Some(HEAD_BG));
}

fn draw_clinical(
    w: &mut Writer,
    h: &ClinicalHistory,
    clinical: Option<&ConsentGrant>,
    operations: Option<&ConsentGrant>,
) {
    patient_block(w, &h.patient);
    for g in [clinical, operations].into_iter().flatten() {
        consent_note(w, g);
    }
    if !h.operations_shown {
        w.paragraph(
            "手術情報は、患者さんの手術情報への同意がないため記載していません（別の同意が必要です）。",
            9.0,
            GREY,
        );
    }
    if !h.clinical_shown {
        w.paragraph(
            "手術以外の診療情報は、患者さんの診療情報への同意がないため記載していません。",
            9.0,
            GREY,
        );
    }
    if let Some(e) = &h.error {
        if let Some(m) = non_empty(&e.message) {
            w.paragraph(&format!("注意：{m}"), 9.5, RED);
        }
    }
    if h.facilities.is_empty() {
        w.paragraph("診療情報はありません。", 10.5, BLACK);
        return;
    }
    for f in &h.facilities {
        let mut band = facility_ja(&f.facility);
        let span = match (f.first, f.last) {
            (Some(a), Some(b)) if a == b => month_ja(a),
            (Some(a), Some(b)) => format!("{} 〜 {}", month_ja(a), month_ja(b)),
            _ => String::new(),
        };
        let mut sub = format!("受診 {}か月　{span}", f.months.len());
        if !f.notable.is_empty() {
            let kinds: Vec<&str> = f.notable.iter().map(|k| procedure_kind_ja(*k)).collect();
            sub.push_str(&format!("　主な診療：{}", kinds.join("・")));
        }
        let sub_lines = w.wrap(&sub, 8.5, WIDTH - 12.0);
        let band_h = 22.0 + sub_lines.len() as f32 * 12.0;
        band = w.clean(&band);
        let head = |w: &mut Writer, cont: bool| {
            let top = w.y;
            w.fill(LEFT, top, WIDTH, band_h, BAND_BG);
            let title = if cont { format!("{band}（続き）") } else { band.clone() };
            w.text_with(LEFT + 6.0, top - 15.0, 11.0, &title, BLACK, true);
            for (i, line) in sub_lines.iter().enumerate() {
                w.text(LEFT + 6.0, top - 29.0 - i as f32 * 12.0, 8.5, line);
            }
            w.y -= band_h + 4.0;
            clin_header(w);
        };
        w.ensure(band_h + 60.0);
        w.y -= 6.0;
        head(w, false);
        for m in &f.months {
            let mut when = m.month.map(month_ja).unwrap_or_else(|| "年月不明".into());
            if !m.days.is_empty() {
                let days: Vec<String> = m.days.iter().map(|d| format!("{}日", d.day())).collect();
                when.push_str(&format!("\n受診日 {}", days.join("・")));
            }
            for (i, p) in m.procedures.iter().enumerate() {
                let amount = match (non_empty(&p.times), non_empty(&p.quantity)) {
                    (Some(t), Some(q)) => format!("{t}（{q}）"),
                    (Some(t), None) => t.to_string(),
                    (None, Some(q)) => q.to_string(),
                    (None, None) => "―".into(),
                };
                let cells = vec![
                    if i == 0 { when.clone() } else { String::new() },
                    procedure_kind_ja(p.kind).to_string(),
                    p.name.clone(),
                    amount,
                ];
                let (wrapped, rh) = w.row_height(&cells, &CLIN_WIDTHS, CLIN_SIZE);
                if w.ensure(rh) {
                    head(w, true);
                }
                w.draw_row(&wrapped, &CLIN_WIDTHS, CLIN_SIZE, rh, None);
            }
        }
        w.y -= 6.0;
    }
}

// ---------------------------------------------------------------------------
// 特定健診等情報
// ---------------------------------------------------------------------------

fn draw_checkups(w: &mut Writer, r: &CheckupResults, grant: &ConsentGrant) {
    patient_block(w, &r.patient);
    consent_note(w, grant);

    if r.checkups.is_empty() {
        let mut s = "特定健診等情報はありません。".to_string();
        if let Some(m) = r.error.as_ref().and_then(|e| non_empty(&e.message)) {
            s = format!("特定健診等情報を取得できませんでした：{m}");
        }
        w.paragraph(&s, 10.5, BLACK);
        return;
    }

    // Columns: newest checkup first. Rows: items in order of first appearance.
    let mut checkups: Vec<_> = r.checkups.iter().collect();
    checkups.sort_by(|a, b| b.date.cmp(&a.date));
    let mut items: Vec<(String, String)> = Vec::new(); // (code, name)
    for c in &checkups {
        for i in &c.items {
            if !items.iter().any(|(code, _)| *code == i.code) {
                let name = non_empty(&i.name).unwrap_or(&i.code).to_string();
                items.push((i.code.clone(), name));
            }
        }
    }

    const PER_TABLE: usize = 4;
    const NAME_W: f32 = 150.0;
    const SIZE: f32 = 9.0;
    for (n, chunk) in checkups.chunks(PER_TABLE).enumerate() {
        let col_w = (WIDTH - NAME_W) / PER_TABLE as f32;
        let mut widths = vec![NAME_W];
        widths.extend(std::iter::repeat_n(col_w, PER_TABLE));
        let mut head = vec!["項目".to_string()];
        for c in chunk {
            head.push(match c.date {
                Some(d) => format!("実施日\n{}\n（{}）", format_wareki(d), d.format("%Y-%m-%d")),
                None => "実施日不明".into(),
            });
        }
        head.resize(PER_TABLE + 1, String::new());
        let header = |w: &mut Writer| {
            let (wrapped, h) = w.row_height(&head, &widths, 8.0);
            w.hline(LEFT, RIGHT, w.y, 0.6, RULE);
            w.draw_row(&wrapped, &widths, 8.0, h, Some(HEAD_BG));
        };
        if n > 0 {
            w.y -= 10.0;
        }
        w.ensure(80.0);
        header(w);
        for (code, name) in &items {
            let mut cells = vec![name.clone()];
            for c in chunk {
                let v = c.items.iter().find(|i| &i.code == code).map(|i| {
                    let value = non_empty(&i.value_name)
                        .or(non_empty(&i.value))
                        .unwrap_or("―");
                    match non_empty(&i.unit) {
                        Some(u) if non_empty(&i.value_name).is_none() => format!("{value} {u}"),
                        _ => value.to_string(),
                    }
                });
                cells.push(v.unwrap_or_else(|| "―".into()));
            }
            cells.resize(PER_TABLE + 1, String::new());
            let (wrapped, h) = w.row_height(&cells, &widths, SIZE);
            if w.ensure(h) {
                header(w);
            }
            w.draw_row(&wrapped, &widths, SIZE, h, None);
        }
    }
}

// ---------------------------------------------------------------------------
// 閲覧記録
// ---------------------------------------------------------------------------

fn draw_access_slip(w: &mut Writer, slip: &AccessSlip, facility: &str) {
    w.text_with(
        LEFT,
        w.y - 16.0,
        16.0,
        &format!("{} 様", slip.patient_name),
        BLACK,
        true,
    );
    w.y -= 26.0;
    w.running_subject = Some(format!("{} 様（続き）", slip.patient_name));
    w.kv_table_top();
    w.kv_row("受診日", &date_ja(slip.visit_date));
    let parts: Vec<&str> = slip.patient_key.split(':').collect();
    let key = match parts.as_slice() {
        [insurer, symbol, number, branch] => {
            let mut s = format!("保険者番号 {insurer}");
            if !symbol.trim().is_empty() {
                s.push_str(&format!("　記号 {symbol}"));
            }
            s.push_str(&format!("　番号 {number}"));
            if !branch.trim().is_empty() {
                s.push_str(&format!("　枝番 {branch}"));
            }
            s
        }
        _ => slip.patient_key.clone(),
    };
    w.kv_row("保険証等の番号", &key);
    w.y -= 12.0;

    if slip.entries.is_empty() {
        w.paragraph(
            &format!("本日の受診で、{facility}があなたの医療情報（薬剤情報・特定健診等情報・診療情報・手術情報）を閲覧した記録はありません。"),
            10.5,
            BLACK,
        );
    } else {
        w.paragraph(
            &format!("本日の受診で、あなたの同意にもとづき、{facility}の職員が次の医療情報を閲覧しました。"),
            10.5,
            BLACK,
        );
        w.y -= 6.0;
        const WIDTHS: [f32; 4] = [120.0, 135.0, 100.0, WIDTH - 355.0];
        let head: Vec<String> = ["閲覧した情報", "閲覧日時", "閲覧した職員", "同意の有効期限"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let header = |w: &mut Writer| {
            let (wrapped, h) = w.row_height(&head, &WIDTHS, 9.0);
            w.hline(LEFT, RIGHT, w.y, 0.6, RULE);
            w.draw_row(&wrapped, &WIDTHS, 9.0, h, Some(HEAD_BG));
        };
        header(w);
        let mut entries: Vec<_> = slip.entries.iter().collect();
        entries.sort_by_key(|e| (e.viewed_at, e.category));
        for e in entries {
            let cells = vec![
                category_ja(e.category).to_string(),
                datetime_ja_2(e.viewed_at),
                e.staff_role.clone(),
                format!("{} まで", datetime_ja_2(e.consent_valid_until)),
            ];
            let (wrapped, h) = w.row_height(&cells, &WIDTHS, 10.0);
            if w.ensure(h) {
                header(w);
            }
            w.draw_row(&wrapped, &WIDTHS, 10.0, h, None);
        }
    }
    w.y -= 14.0;
    w.paragraph(
        "医療情報は、あなたが同意した種類だけを、同意の有効期限まで閲覧できます。有効期限を過ぎると、あらためて同意をいただかない限り閲覧できません。",
        9.0,
        GREY,
    );
    w.paragraph(
        "閲覧の記録は当院で保管しています。ご不明な点は受付にお尋ねください。",
        9.0,
        GREY,
    );
}

