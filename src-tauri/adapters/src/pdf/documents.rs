//! What each document says: its sections, labels, notes and the order of
//! its rows, drawn with the page writer (`layout`). Every word comes from
//! `locales/<lang>/pdf.ftl` (`pdf-*`; the kinds of care are the window's
//! `clinical-kind-*`, the categories its `consent-category`), in the
//! language the document is printed in. Japanese documents give dates in
//! 和暦 with 西暦 in brackets, English ones in ISO form. The values of the
//! national code tables (本人・家族, 限度額適用区分, 特定疾病, 喪失事由 …) are
//! printed with the national system's Japanese labels, as the window shows
//! them, except where the window has words of its own for an English desk
//! (validity, sex).

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
use madoguchi_i18n::{messages, tr, Lang};

use super::layout::*;
use super::{AccessSlip, PdfError};

/// Printed for a value that is not there.
const DASH: &str = "―";

// ---------------------------------------------------------------------------
// The documents (their gates are in `pdf`)
// ---------------------------------------------------------------------------

/// A writer for the document titled by the message `title`, its header and
/// footer in `lang`.
fn writer(lang: Lang, title: &str, facility: &str, printed_at: NaiveDateTime, note: Option<&str>) -> Result<Writer, PdfError> {
    let printed = tr(lang, "pdf-printed-at", &[("when", datetime(lang, printed_at))]);
    Writer::new(lang, tr(lang, title, &[]), facility, printed, note.map(|n| tr(lang, n, &[])))
}

pub(super) fn eligibility_slip(result: &EligibilityResult, facility: &str, printed_at: NaiveDateTime, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let mut w = writer(lang, "pdf-title-eligibility", facility, printed_at, None)?;
    draw_eligibility(&mut w, result);
    Ok(w.finish())
}

pub(super) fn medication_list(history: &MedicationHistory, grant: &ConsentGrant, facility: &str, printed_at: NaiveDateTime, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let mut w = writer(lang, "pdf-title-medication", facility, printed_at, Some("pdf-note-privacy"))?;
    draw_medication(&mut w, history, grant);
    Ok(w.finish())
}

pub(super) fn checkup_report(results: &CheckupResults, grant: &ConsentGrant, facility: &str, printed_at: NaiveDateTime, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let mut w = writer(lang, "pdf-title-checkups", facility, printed_at, Some("pdf-note-privacy"))?;
    draw_checkups(&mut w, results, grant);
    Ok(w.finish())
}

pub(super) fn clinical_history(history: &ClinicalHistory, clinical: Option<&ConsentGrant>, operations: Option<&ConsentGrant>, facility: &str, printed_at: NaiveDateTime, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let title = if history.operations_shown && !history.clinical_shown {
        "pdf-title-operations"
    } else if history.operations_shown {
        "pdf-title-clinical-operations"
    } else {
        "pdf-title-clinical"
    };
    let mut w = writer(lang, title, facility, printed_at, Some("pdf-note-privacy"))?;
    draw_clinical(&mut w, history, clinical, operations);
    Ok(w.finish())
}

pub(super) fn access_slip(slip: &AccessSlip, facility: &str, printed_at: NaiveDateTime, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let mut w = writer(lang, "pdf-title-access", facility, printed_at, Some("pdf-note-access"))?;
    w.footer_line = slip.audit_head.as_ref().map(|h| audit_head_line(lang, h));
    draw_access_slip(&mut w, slip, facility);
    Ok(w.finish())
}

/// The footer line of an access slip for the audit log's head: its count
/// and the first 16 hex digits of the last hash.
fn audit_head_line(lang: Lang, head: &crate::audit::LogHead) -> String {
    let words = tr(lang, "pdf-audit-head", &[("count", head.count.to_string())]);
    format!("{words} {}", &head.head[..head.head.len().min(16)])
}

// ---------------------------------------------------------------------------
// Words and formatting
// ---------------------------------------------------------------------------

impl Writer {
    /// The message `id` in the document's language.
    fn t(&self, id: &str) -> String {
        tr(self.lang, id, &[])
    }

    /// The message `id` with arguments.
    fn ta(&self, id: &str, args: &[(&str, String)]) -> String {
        tr(self.lang, id, args)
    }

    /// A value of a national code table: its Japanese label, or in English
    /// the window's words for it when it has some (`message_id`).
    fn code_label(&self, message_id: &str, label_ja: &str) -> String {
        match self.lang {
            Lang::En if messages().has(Lang::En, message_id) => self.t(message_id),
            _ => label_ja.to_string(),
        }
    }

    /// `3割` (`30%`).
    fn wari(&self, wari: u8) -> String {
        self.ta("pdf-wari", &[("wari", wari.to_string()), ("percent", (u32::from(wari) * 10).to_string())])
    }

    /// `（続き）` after `s`.
    fn continued(&self, s: &str) -> String {
        format!("{s}{}", self.t("pdf-continued"))
    }

    fn date(&self, d: NaiveDate) -> String {
        date(self.lang, d)
    }

    fn datetime(&self, t: NaiveDateTime) -> String {
        datetime(self.lang, t)
    }

    /// [`Writer::datetime`] on two lines where it has a bracket, for narrow
    /// table columns.
    fn datetime_2(&self, t: NaiveDateTime) -> String {
        self.datetime(t).replacen('（', "\n（", 1)
    }

    fn opt_date(&self, d: Option<NaiveDate>) -> String {
        d.map(|d| self.date(d)).unwrap_or_else(|| DASH.into())
    }

    /// `令和8年4月1日（2026-04-01）〜 令和9年3月31日（2027-03-31）`.
    fn period(&self, from: Option<NaiveDate>, until: Option<NaiveDate>) -> Option<String> {
        match (from, until) {
            (None, None) => None,
            (f, u) => Some(format!(
                "{} 〜 {}",
                f.map(|d| self.date(d)).unwrap_or_default(),
                u.map(|d| self.date(d)).unwrap_or_default()
            )),
        }
    }

    /// `令和8年9月（2026年9月）`, `2026-09`.
    fn month(&self, m: YearMonth) -> String {
        let iso = format!("{}-{:02}", m.year(), m.month());
        match m.first_day().and_then(to_wareki) {
            Some(w) => {
                let year = if w.year == 1 { "元".to_string() } else { w.year.to_string() };
                let wareki = format!("{}{}年{}月", w.era.name_ja(), year, m.month());
                self.ta("pdf-month", &[("wareki", wareki), ("iso", iso), ("year", m.year().to_string()), ("month", m.month().to_string())])
            }
            None => self.ta("pdf-month-plain", &[("iso", iso), ("year", m.year().to_string()), ("month", m.month().to_string())]),
        }
    }

    /// `1,234円` (`¥1,234`).
    fn yen(&self, n: u32) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        self.ta("pdf-yen", &[("amount", out)])
    }

    fn category(&self, c: ConsentCategory) -> String {
        self.ta("consent-category", &[("category", c.as_str().to_string())])
    }

    fn source(&self, s: ResultSource) -> String {
        self.t(match s {
            ResultSource::TrainingService => "pdf-source-training_service",
            ResultSource::HttpService => "pdf-source-http_service",
            ResultSource::OqsFolder => "pdf-source-oqs_folder",
            ResultSource::CardReader => "pdf-source-card_reader",
        })
    }

    fn medication_source(&self, s: MedicationSource) -> String {
        self.t(match s {
            MedicationSource::Claims => "pdf-medication-source-claims",
            MedicationSource::Prescription => "pdf-medication-source-prescription",
            MedicationSource::Dispensing => "pdf-medication-source-dispensing",
        })
    }

    /// The window's word for a kind of care (`clinical-kind-*`).
    fn procedure_kind(&self, k: ProcedureKind) -> String {
        self.t(&format!("clinical-kind-{}", k.as_str()))
    }

    /// `<patient> 様`.
    fn patient(&self, name: &str) -> String {
        self.ta("pdf-patient", &[("name", name.to_string())])
    }
}

/// `昭和61年4月12日（1986-04-12）`, `1986-04-12`.
fn date(lang: Lang, d: NaiveDate) -> String {
    tr(lang, "pdf-date", &[("wareki", format_wareki(d)), ("iso", d.format("%Y-%m-%d").to_string())])
}

/// `令和8年11月20日 10:15（2026-11-20 10:15）`, `2026-11-20 10:15`.
fn datetime(lang: Lang, t: NaiveDateTime) -> String {
    let args = [
        ("wareki", format_wareki(t.date())),
        ("iso", t.date().format("%Y-%m-%d").to_string()),
        ("time", format!("{}:{:02}", t.hour(), t.minute())),
    ];
    tr(lang, "pdf-datetime", &args)
}

fn age_on(birth: NaiveDate, on: NaiveDate) -> Option<i32> {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    (age >= 0).then_some(age)
}

fn facility_name(f: &Facility) -> String {
    match (&f.name, &f.code) {
        (Some(n), Some(c)) => format!("{n}（{c}）"),
        (Some(n), None) => n.clone(),
        (None, Some(c)) => format!("（{c}）"),
        (None, None) => DASH.into(),
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
    let label = w.t("pdf-validity");
    w.text_with(LEFT + 8.0, top - 15.0, 8.5, &label, GREY, false);
    let validity = w.code_label(&format!("validity-{}", r.validity.code()), r.validity.label_ja());
    w.text_center(LEFT + half / 2.0, top - 47.0, 24.0, &validity, colour, true);
    let cx = LEFT + half + 12.0;
    w.frame(cx, top, half, box_h, 1.6, BLACK);
    let label = w.t("pdf-copay");
    w.text_with(cx + 8.0, top - 15.0, 8.5, &label, GREY, false);
    let copay = match r.effective_copay() {
        Some(c) => w.wari(c.wari()),
        None => DASH.into(),
    };
    w.text_center(cx + half / 2.0, top - 47.0, 24.0, &copay, BLACK, true);
    w.y -= box_h + 14.0;

    if let Some(e) = &r.error {
        let mut s = w.t("pdf-error-returned");
        if let Some(c) = non_empty(&e.code) {
            s.push_str(&format!("（{} {c}）", w.t("pdf-error-code")));
        }
        if let Some(m) = non_empty(&e.message) {
            s.push_str(&format!("：{m}"));
        }
        w.paragraph(&s, 10.0, RED);
        w.y -= 6.0;
    }
    if r.validity == Validity::InvalidNewQualification {
        let s = w.t("pdf-new-qualification");
        w.paragraph(&s, 9.5, RED);
        w.y -= 4.0;
    }

    let s = w.t("pdf-section-insured");
    w.section(&s);
    w.kv_table_top();
    match p {
        Some(p) => {
            w.kv_row(&w.t("pdf-name"), &p.name);
            if let Some(k) = non_empty(&p.name_kana) {
                w.kv_row(&w.t("pdf-kana"), k);
            }
            if let Some(o) = non_empty(&p.name_other) {
                let mut s = o.to_string();
                if let Some(k) = non_empty(&p.name_other_kana) {
                    s.push_str(&format!("（{k}）"));
                }
                w.kv_row(&w.t("pdf-name-other"), &s);
            }
            let mut birth = w.date(p.birth_date);
            if let Some(age) = age_on(p.birth_date, r.confirmation_date) {
                birth.push_str(&format!("　{}", w.ta("pdf-age", &[("age", age.to_string())])));
            }
            w.kv_row(&w.t("pdf-birth"), &birth);
            let sex = w.code_label(&format!("sex-{}", p.sex.code()), p.sex.label_ja());
            w.kv_row(&w.t("pdf-sex"), &sex);
        }
        None => w.kv_row(&w.t("pdf-name"), &w.t("pdf-not-in-answer")),
    }

    let s = w.t("pdf-section-qualification");
    w.section(&s);
    w.kv_table_top();
    match q {
        Some(q) => {
            let insurer = format!(
                "{}　{} {}",
                non_empty(&q.insurer_name).map(str::to_string).unwrap_or_else(|| w.t("pdf-no-name")),
                w.t("pdf-insurer-number"),
                q.insurer_number
            );
            w.kv_row(&w.t("pdf-insurer"), &insurer);
            let none = w.t("pdf-none-given");
            let symbol = if q.symbol.trim().is_empty() { none.as_str() } else { q.symbol.as_str() };
            let numbers = format!(
                "{} {}　{} {}　{} {}",
                w.t("pdf-symbol"),
                symbol,
                w.t("pdf-number"),
                q.number,
                w.t("pdf-branch"),
                non_empty(&q.branch).unwrap_or(&none)
            );
            w.kv_row(&w.t("pdf-card-numbers"), &numbers);
            let mut kind = Vec::new();
            if let Some(rel) = q.relationship {
                kind.push(rel.label_ja().to_string());
            }
            if let Some(c) = q.card_classification {
                kind.push(c.label_ja().to_string());
            }
            if q.preschool {
                kind.push(w.t("pdf-preschool"));
            }
            if !kind.is_empty() {
                w.kv_row(&w.t("pdf-relationship"), &kind.join("　"));
            }
            if let Some(s) = w.period(q.valid_from, q.valid_until) {
                w.kv_row(&w.t("pdf-valid-period"), &s);
            }
            if q.issued_on.is_some() {
                w.kv_row(&w.t("pdf-issued-on"), &w.opt_date(q.issued_on));
            }
            let card = match q.copay {
                Some(c) => w.wari(c.wari()),
                None => DASH.into(),
            };
            w.kv_row(&w.t("pdf-copay-card"), &card);
            match &q.elderly {
                Some(e) => {
                    let mut s = match e.copay {
                        Some(c) => format!("{}　{}", w.t("pdf-yes"), w.wari(c.wari())),
                        None => w.t("pdf-yes"),
                    };
                    if let Some(p) = w.period(e.valid_from, e.valid_until) {
                        s.push_str(&format!("　{} {p}", w.t("pdf-valid-for")));
                    }
                    w.kv_row(&w.t("pdf-elderly"), &s);
                }
                None => w.kv_row(&w.t("pdf-elderly"), &w.t("pdf-no")),
            }
            match &q.limit {
                Some(l) => {
                    let mut s = l
                        .category
                        .map(|c| format!("{} {}", w.t("pdf-limit-class"), c.label_ja()))
                        .unwrap_or_else(|| w.t("pdf-limit-class-missing"));
                    if let Some(c) = l.classification {
                        s.push_str(&format!("（{}）", c.label_ja()));
                    }
                    if let Some(p) = w.period(l.valid_from, l.valid_until) {
                        s.push_str(&format!("　{} {p}", w.t("pdf-valid-for")));
                    }
                    if let Some(d) = l.long_term_from {
                        s.push_str(&format!("　{} {}", w.t("pdf-long-term"), w.date(d)));
                    }
                    w.kv_row(&w.t("pdf-limit"), &s);
                }
                None => w.kv_row(&w.t("pdf-limit"), &w.t("pdf-no-information")),
            }
            if q.specific_diseases.is_empty() {
                w.kv_row(&w.t("pdf-diseases"), &w.t("pdf-no"));
            } else {
                let s: Vec<String> = q
                    .specific_diseases
                    .iter()
                    .map(|d| {
                        let mut s = d.disease.label_ja().to_string();
                        if let Some(l) = d.self_pay_limit {
                            s.push_str(&format!("　{} {}", w.t("pdf-self-pay-limit"), w.yen(l)));
                        }
                        if let Some(p) = w.period(d.valid_from, d.valid_until) {
                            s.push_str(&format!("　{} {p}", w.t("pdf-valid-for")));
                        }
                        s
                    })
                    .collect();
                w.kv_row(&w.t("pdf-diseases"), &s.join("／"));
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
                        s.push_str(&format!("{} {}", w.t("pdf-payer-number"), e.payer_number));
                        if let Some(r) = non_empty(&e.recipient_number) {
                            s.push_str(&format!("　{} {r}", w.t("pdf-recipient-number")));
                        }
                        if let Some(p) = w.period(e.valid_from, e.valid_until) {
                            s.push_str(&format!("　{} {p}", w.t("pdf-valid-for")));
                        }
                        s
                    })
                    .collect();
                w.kv_row(&w.t("pdf-public"), &s.join("／"));
            }
            if let Some(l) = q.loss_reason {
                w.kv_row(&w.t("pdf-loss"), l.label_ja());
            }
            if let Some(n) = non_empty(&q.reference_number) {
                w.kv_row(&w.t("pdf-reference"), n);
            }
        }
        None => w.kv_row(&w.t("pdf-insurer"), &w.t("pdf-no-qualification")),
    }

    if let Some(q) = r.qualification.as_ref().filter(|q| q.is_medical_aid() || !q.medical_tickets.is_empty()) {
        medical_aid_section(w, &q.medical_tickets);
    }

    let s = w.t("pdf-section-confirmation");
    w.section(&s);
    w.kv_table_top();
    w.kv_row(&w.t("pdf-confirmation-date"), &w.date(r.confirmation_date));
    w.kv_row(&w.t("pdf-confirmed-at"), &w.datetime(r.confirmed_at));
    w.kv_row(&w.t("pdf-source"), &w.source(r.source));
    w.y -= 10.0;
    let s = w.t("pdf-eligibility-disclaimer");
    w.paragraph(&s, 8.5, GREY);
}

/// 医療扶助: each 医療券・調剤券 as the window shows it, or that none is
/// registered for the month.
fn medical_aid_section(w: &mut Writer, tickets: &[madoguchi_core::MedicalTicket]) {
    let s = w.t("pdf-section-medical-aid");
    w.section(&s);
    w.kv_table_top();
    if tickets.is_empty() {
        w.kv_row(&w.t("pdf-ticket-type"), &w.t("pdf-ticket-none"));
    }
    for t in tickets {
        let kind = match &t.ticket_type {
            Some(k) => w.ta(&format!("pdf-{}", k.message_id()), &[("code", k.code().to_string())]),
            None => DASH.into(),
        };
        let mut head = kind;
        if let Some(n) = non_empty(&t.issue_number) {
            head.push_str(&format!("　{} {n}", w.t("pdf-ticket-issue-number")));
        }
        w.kv_row(&w.t("pdf-ticket-type"), &head);
        let period = w.period(t.valid_from, t.valid_until).unwrap_or_else(|| DASH.into());
        w.kv_row(&w.t("pdf-ticket-period"), &period);
        if let Some(m) = t.treatment_month.and_then(|d| YearMonth::new(d.year() as u16, d.month() as u8)) {
            let m = w.month(m);
            w.kv_row(&w.t("pdf-ticket-month"), &m);
        }
        if t.designated_institution_name.is_some() || t.designated_institution_code.is_some() {
            let mut s = t.designated_institution_name.clone().unwrap_or_default();
            if let Some(c) = non_empty(&t.designated_institution_code) {
                s.push_str(&format!("（{c}）"));
            }
            w.kv_row(&w.t("pdf-ticket-institution"), &s);
        }
        let pay = t.self_pay.map(|y| w.yen(y)).unwrap_or_else(|| DASH.into());
        w.kv_row(&w.t("pdf-ticket-self-pay"), &pay);
        if !t.injury_names.is_empty() {
            w.kv_row(&w.t("pdf-ticket-injuries"), &t.injury_names.join("、"));
        }
        if let Some(n) = non_empty(&t.prescribing_institution_name) {
            w.kv_row(&w.t("pdf-ticket-prescriber"), n);
        }
        let contacts: Vec<&str> = [&t.district_contact, &t.handling_contact].into_iter().filter_map(non_empty).collect();
        if !contacts.is_empty() {
            w.kv_row(&w.t("pdf-ticket-contacts"), &contacts.join("／"));
        }
        if !t.remarks.is_empty() {
            w.kv_row(&w.t("pdf-ticket-remarks"), &t.remarks.join("／"));
        }
    }
}

// ---------------------------------------------------------------------------
// 薬剤情報
// ---------------------------------------------------------------------------

fn patient_block(w: &mut Writer, p: &MedicalPatientHeader) {
    let mut s = String::new();
    if let Some(n) = non_empty(&p.name) {
        s.push_str(&w.patient(n));
    }
    if let Some(k) = non_empty(&p.name_kana) {
        s.push_str(&format!("（{k}）"));
    }
    if let Some(b) = p.birth_date {
        s.push_str(&format!("　{} {}", w.t("pdf-birth"), w.date(b)));
    }
    if let Some(sex) = p.sex {
        let sex = w.code_label(&format!("sex-{}", sex.code()), sex.label_ja());
        s.push_str(&format!("　{} {sex}", w.t("pdf-sex")));
    }
    if !s.is_empty() {
        w.paragraph(&s, 11.0, BLACK);
        w.running_subject = Some(w.continued(&s));
    }
}

fn consent_note(w: &mut Writer, grant: &ConsentGrant) {
    let s = w.ta("pdf-consent-note", &[("category", w.category(grant.category())), ("until", w.datetime(grant.valid_until()))]);
    w.paragraph(&s, 8.5, GREY);
    w.y -= 4.0;
}

const MED_COLS: [&str; 5] = ["pdf-med-col-name", "pdf-med-col-ingredient", "pdf-med-col-quantity", "pdf-med-col-usage", "pdf-med-col-times"];
const MED_WIDTHS: [f32; 5] = [160.0, 118.0, 62.0, 122.0, WIDTH - 462.0];
const MED_SIZE: f32 = 8.5;

fn med_header(w: &mut Writer) {
    let cells: Vec<String> = MED_COLS.iter().map(|id| w.t(id)).collect();
    let (wrapped, h) = w.row_height(&cells, &MED_WIDTHS, 8.0);
    w.hline(LEFT, RIGHT, w.y, 0.6, RULE);
    w.draw_row(&wrapped, &MED_WIDTHS, 8.0, h, Some(HEAD_BG));
}

fn drug_cells(d: &Drug) -> Vec<String> {
    let dash = || DASH.to_string();
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
        let mut s = w.t("pdf-med-none");
        if let Some(e) = &h.error {
            if let Some(m) = non_empty(&e.message) {
                s = w.ta("pdf-med-failed", &[("message", m.to_string())]);
            }
        }
        w.paragraph(&s, 10.5, BLACK);
        return;
    }
    if let Some(e) = &h.error {
        if let Some(m) = non_empty(&e.message) {
            let s = w.ta("pdf-warning", &[("message", m.to_string())]);
            w.paragraph(&s, 9.5, RED);
        }
    }

    // Newest month first; within a month, newest dispensing day first.
    let mut months: Vec<_> = h.months.iter().collect();
    months.sort_by(|a, b| b.month.cmp(&a.month).then(a.source.cmp(&b.source)));

    for m in months {
        let band = format!(
            "{}　{}",
            m.month.map(|m| w.month(m)).unwrap_or_else(|| w.t("pdf-month-unknown")),
            w.medication_source(m.source)
        );
        let facilities = w.ta(
            "pdf-facilities",
            &[("dispensing", facility_name(&m.dispensing_facility)), ("prescribing", facility_name(&m.prescribing_facility))],
        );
        let fac_lines = w.wrap(&facilities, 8.5, WIDTH - 12.0);
        let band_h = 22.0 + fac_lines.len() as f32 * 12.0;
        let month_head = |w: &mut Writer, cont: bool| {
            let top = w.y;
            w.fill(LEFT, top, WIDTH, band_h, BAND_BG);
            let title = if cont { w.continued(&band) } else { band.clone() };
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
            let s = w.t("pdf-med-month-empty");
            w.paragraph(&s, 9.0, GREY);
        }
        for day in days {
            let mut s = format!("{} {}", w.t("pdf-dispensed-on"), w.opt_date(day.dispensed_on));
            if let Some(p) = day.prescribed_on {
                s.push_str(&format!("　　{} {}", w.t("pdf-prescribed-on"), w.date(p)));
            }
            let day_head = |w: &mut Writer, cont: bool| {
                let label = if cont { w.continued(&s) } else { s.clone() };
                w.text_with(LEFT + 2.0, w.y - 11.0, 9.5, &label, BLACK, true);
                w.y -= 16.0;
                med_header(w);
            };
            if w.ensure(60.0) {
                month_head(w, true);
            }
            day_head(w, false);
            if day.drugs.is_empty() {
                let s = w.t("pdf-no-drugs");
                w.paragraph(&s, 8.5, GREY);
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


const CLIN_COLS: [&str; 4] = ["pdf-clin-col-when", "pdf-clin-col-kind", "pdf-clin-col-procedure", "pdf-clin-col-amount"];
const CLIN_WIDTHS: [f32; 4] = [150.0, 80.0, 200.0, WIDTH - 430.0];
const CLIN_SIZE: f32 = 8.5;

fn clin_header(w: &mut Writer) {
    let cells: Vec<String> = CLIN_COLS.iter().map(|id| w.t(id)).collect();
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
        let s = w.t("pdf-clin-operations-withheld");
        w.paragraph(&s, 9.0, GREY);
    }
    if !h.clinical_shown {
        let s = w.t("pdf-clin-clinical-withheld");
        w.paragraph(&s, 9.0, GREY);
    }
    if let Some(e) = &h.error {
        if let Some(m) = non_empty(&e.message) {
            let s = w.ta("pdf-warning", &[("message", m.to_string())]);
            w.paragraph(&s, 9.5, RED);
        }
    }
    if h.facilities.is_empty() {
        let s = w.t("pdf-clin-none");
        w.paragraph(&s, 10.5, BLACK);
        return;
    }
    for f in &h.facilities {
        let mut band = facility_name(&f.facility);
        let span = match (f.first, f.last) {
            (Some(a), Some(b)) if a == b => w.month(a),
            (Some(a), Some(b)) => format!("{} 〜 {}", w.month(a), w.month(b)),
            _ => String::new(),
        };
        let mut sub = format!("{}　{span}", w.ta("pdf-clin-visits", &[("months", f.months.len().to_string())]));
        if !f.notable.is_empty() {
            let kinds: Vec<String> = f.notable.iter().map(|k| w.procedure_kind(*k)).collect();
            sub.push_str(&format!("　{}", w.ta("pdf-clin-notable", &[("kinds", kinds.join("・"))])));
        }
        let sub_lines = w.wrap(&sub, 8.5, WIDTH - 12.0);
        let band_h = 22.0 + sub_lines.len() as f32 * 12.0;
        band = w.clean(&band);
        let head = |w: &mut Writer, cont: bool| {
            let top = w.y;
            w.fill(LEFT, top, WIDTH, band_h, BAND_BG);
            let title = if cont { w.continued(&band) } else { band.clone() };
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
            let mut when = m.month.map(|m| w.month(m)).unwrap_or_else(|| w.t("pdf-month-unknown"));
            if !m.days.is_empty() {
                let days: Vec<String> = m.days.iter().map(|d| w.ta("pdf-day", &[("day", d.day().to_string())])).collect();
                when.push_str(&format!("\n{}", w.ta("pdf-visit-days", &[("days", days.join("・"))])));
            }
            for (i, p) in m.procedures.iter().enumerate() {
                let amount = match (non_empty(&p.times), non_empty(&p.quantity)) {
                    (Some(t), Some(q)) => format!("{t}（{q}）"),
                    (Some(t), None) => t.to_string(),
                    (None, Some(q)) => q.to_string(),
                    (None, None) => DASH.into(),
                };
                let cells = vec![
                    if i == 0 { when.clone() } else { String::new() },
                    w.procedure_kind(p.kind),
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
        let mut s = w.t("pdf-checkups-none");
        if let Some(m) = r.error.as_ref().and_then(|e| non_empty(&e.message)) {
            s = w.ta("pdf-checkups-failed", &[("message", m.to_string())]);
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
        let mut head = vec![w.t("pdf-item")];
        for c in chunk {
            head.push(match c.date {
                Some(d) => format!("{}\n{}", w.t("pdf-checkup-date"), w.date(d).replacen('（', "\n（", 1)),
                None => w.t("pdf-checkup-date-unknown"),
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
                        .unwrap_or(DASH);
                    match non_empty(&i.unit) {
                        Some(u) if non_empty(&i.value_name).is_none() => format!("{value} {u}"),
                        _ => value.to_string(),
                    }
                });
                cells.push(v.unwrap_or_else(|| DASH.into()));
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
    let patient = w.patient(&slip.patient_name);
    w.text_with(LEFT, w.y - 16.0, 16.0, &patient, BLACK, true);
    w.y -= 26.0;
    w.running_subject = Some(w.continued(&patient));
    w.kv_table_top();
    w.kv_row(&w.t("pdf-visit-date"), &w.date(slip.visit_date));
    let parts: Vec<&str> = slip.patient_key.split(':').collect();
    let key = match parts.as_slice() {
        [insurer, symbol, number, branch] => {
            let mut s = format!("{} {insurer}", w.t("pdf-insurer-number"));
            if !symbol.trim().is_empty() {
                s.push_str(&format!("　{} {symbol}", w.t("pdf-symbol")));
            }
            s.push_str(&format!("　{} {number}", w.t("pdf-number")));
            if !branch.trim().is_empty() {
                s.push_str(&format!("　{} {branch}", w.t("pdf-branch")));
            }
            s
        }
        _ => slip.patient_key.clone(),
    };
    w.kv_row(&w.t("pdf-card-key"), &key);
    w.y -= 12.0;

    if slip.entries.is_empty() {
        let s = w.ta("pdf-access-none", &[("facility", facility.to_string())]);
        w.paragraph(&s, 10.5, BLACK);
    } else {
        let s = w.ta("pdf-access-some", &[("facility", facility.to_string())]);
        w.paragraph(&s, 10.5, BLACK);
        w.y -= 6.0;
        const WIDTHS: [f32; 4] = [120.0, 135.0, 100.0, WIDTH - 355.0];
        let head: Vec<String> = ["pdf-access-col-category", "pdf-access-col-at", "pdf-access-col-staff", "pdf-access-col-until"]
            .iter()
            .map(|id| w.t(id))
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
                w.category(e.category),
                w.datetime_2(e.viewed_at),
                e.staff_role.clone(),
                w.ta("pdf-until", &[("when", w.datetime_2(e.consent_valid_until))]),
            ];
            let (wrapped, h) = w.row_height(&cells, &WIDTHS, 10.0);
            if w.ensure(h) {
                header(w);
            }
            w.draw_row(&wrapped, &WIDTHS, 10.0, h, None);
        }
    }
    w.y -= 14.0;
    for id in ["pdf-access-rule", "pdf-access-kept"] {
        let s = w.t(id);
        w.paragraph(&s, 9.0, GREY);
    }
}

