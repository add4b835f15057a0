//! PDF printing: the only module that knows PDF.
//!
//! Five A4 documents, in Japanese, with 和暦 dates (西暦 in brackets), a
//! header with the facility and the print time on every page, and page
//! numbers:
//!
//! - [`eligibility_slip`]: 資格確認結果 (no consent needed: eligibility is not
//!   medical information),
//! - [`medication_list`]: 薬剤情報, only with a [`ConsentGrant`] for
//!   [`ConsentCategory::Medication`] and [`Purpose::Print`], valid at the print
//!   time,
//! - [`checkup_report`]: 特定健診等情報, the same with
//!   [`ConsentCategory::Checkups`],
//! - [`clinical_history`]: 診療情報, with a grant for
//!   [`ConsentCategory::Clinical`]; its operations (手術情報) only with a
//!   grant for [`ConsentCategory::Operations`] as well,
//! - [`access_slip`]: 閲覧記録, the slip handed to the patient saying which
//!   medical information was viewed at this visit and until when each
//!   consent runs.
//!
//! The font is IPAexゴシック (`assets/fonts/ipaexg.ttf`, IPA Font License),
//! embedded in the binary; each PDF carries only the subset of glyphs it
//! uses (printpdf's `text_layout` feature), so a slip weighs tens of KB.
//! Characters the font lacks are printed as `〓` (the customary 下駄 mark)
//! instead of an empty box.
//!
//! Time is an argument (`printed_at`): this module reads no clock.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use madoguchi_core::clinical::{ClinicalHistory, ProcedureKind};
use madoguchi_core::codes::Validity;
use madoguchi_core::consent::{ConsentGrant, Purpose, Refusal, RefusalReason};
use madoguchi_core::eligibility::{ConsentCategory, EligibilityResult, ResultSource};
use madoguchi_core::medical::{
    CheckupResults, Drug, Facility, MedicalPatientHeader, MedicationHistory, MedicationSource,
    YearMonth,
};
use madoguchi_core::wareki::{format_wareki, to_wareki};
use printpdf::{
    Codepoint, Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextRenderingMode,
};
use serde::{Deserialize, Serialize};

/// IPAexゴシック (IPA Font License v1.0, see `assets/fonts/README.md`).
const FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/ipaexg.ttf");

/// Printed for a character the font has no glyph for.
const MISSING_GLYPH: char = '〓';

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/// Why a PDF was not produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// The grant does not allow printing this information now (wrong
    /// category, a purpose other than [`Purpose::Print`], or expired). No
    /// bytes are produced.
    #[error("printing refused: {}", .0.reason.kind())]
    Consent(Refusal),
    /// The embedded font could not be read (a broken build).
    #[error("the embedded font could not be loaded: {0}")]
    Font(String),
}

impl PdfError {
    /// Every id [`PdfError::message_id`] can answer (in `locales/*/pdf.ftl`).
    pub const MESSAGE_IDS: &'static [&'static str] = &["pdf-consent-refused", "pdf-font"];

    /// The message id in `locales/*/pdf.ftl`.
    pub fn message_id(&self) -> &'static str {
        match self {
            PdfError::Consent(_) => "pdf-consent-refused",
            PdfError::Font(_) => "pdf-font",
        }
    }

    /// The arguments of the message. For `pdf-consent-refused`: `reason`
    /// (the refusal's kind: `category_not_consented`, `purpose_not_granted`,
    /// `expired`, `wrong_patient` …) followed by the refusal's own arguments
    /// (`category`, `purpose`; `month`, `day`, `time` when expired; `granted`
    /// when the purpose differs). For `pdf-font`: `detail`.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            PdfError::Consent(refusal) => {
                let mut args = vec![("reason", refusal.reason.kind().to_string())];
                args.extend(refusal.message().string_args());
                args
            }
            PdfError::Font(detail) => vec![("detail", detail.clone())],
        }
    }

    /// The message for a person.
    pub fn message(&self) -> madoguchi_core::message::Msg {
        madoguchi_core::message::Msg::with_args(self.message_id(), self.message_args())
    }
}

/// The slip handed to the patient: which medical information the facility
/// viewed at this visit, by whom, and until when each consent runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessSlip {
    pub patient_name: String,
    /// `保険者番号:記号:番号:枝番`.
    pub patient_key: String,
    pub visit_date: NaiveDate,
    pub entries: Vec<AccessEntry>,
    /// The audit log's head when the slip was made, printed in the footer
    /// of every page: a copy of the anchor on paper, in the patient's hands,
    /// to compare with the log later (`madoguchi audit verify`).
    #[serde(default)]
    pub audit_head: Option<crate::audit::LogHead>,
}

/// The footer line of an access slip for the audit log's head: its count
/// and the first 16 hex digits of the last hash.
pub fn audit_head_line(head: &crate::audit::LogHead) -> String {
    format!("監査ログ照合：記録 {} 件　末尾 {}", head.count, &head.head[..head.head.len().min(16)])
}

/// One viewing of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub category: ConsentCategory,
    pub viewed_at: NaiveDateTime,
    /// The role of the staff member who viewed (医師, 薬剤師, 受付 …).
    pub staff_role: String,
    /// The end of the consent the viewing rested on (exclusive).
    pub consent_valid_until: NaiveDateTime,
}

/// 資格確認結果: the answer of one eligibility check, on one A4 page.
pub fn eligibility_slip(
    result: &EligibilityResult,
    facility: &str,
    printed_at: NaiveDateTime,
) -> Result<Vec<u8>, PdfError> {
    let mut w = Writer::new("資格確認結果", facility, printed_at, None)?;
    draw_eligibility(&mut w, result);
    Ok(w.finish())
}

/// 薬剤情報: the medication history, per month and dispensing day.
///
/// Requires a grant for [`ConsentCategory::Medication`] and
/// [`Purpose::Print`], valid at `printed_at`; otherwise
/// [`PdfError::Consent`] and no bytes. 診療行為 entries that claims months
/// may carry are 診療情報, another category, and are not printed.
pub fn medication_list(
    history: &MedicationHistory,
    grant: &ConsentGrant,
    facility: &str,
    printed_at: NaiveDateTime,
) -> Result<Vec<u8>, PdfError> {
    check_grant(grant, ConsentCategory::Medication, printed_at)?;
    let mut w = Writer::new(
        "薬剤情報",
        facility,
        printed_at,
        Some("個人情報・要配慮個人情報を含みます。取扱いにご注意ください。"),
    )?;
    draw_medication(&mut w, history, grant);
    Ok(w.finish())
}

/// 特定健診等情報: checkup items (rows) per checkup date (columns).
///
/// Requires a grant for [`ConsentCategory::Checkups`] and
/// [`Purpose::Print`], valid at `printed_at`; otherwise
/// [`PdfError::Consent`] and no bytes.
pub fn checkup_report(
    results: &CheckupResults,
    grant: &ConsentGrant,
    facility: &str,
    printed_at: NaiveDateTime,
) -> Result<Vec<u8>, PdfError> {
    check_grant(grant, ConsentCategory::Checkups, printed_at)?;
    let mut w = Writer::new(
        "特定健診等情報",
        facility,
        printed_at,
        Some("個人情報・要配慮個人情報を含みます。取扱いにご注意ください。"),
    )?;
    draw_checkups(&mut w, results, grant);
    Ok(w.finish())
}

/// 診療情報 (and 手術情報): facilities visited, by month, with what was
/// done there ([`ClinicalHistory`]).
///
/// Requires a grant for [`Purpose::Print`], valid at `printed_at`, for
/// every category the history holds: [`ConsentCategory::Clinical`] when it
/// holds 診療情報 (`clinical_shown`), [`ConsentCategory::Operations`] when it
/// holds operations (`operations_shown`, or any operation entry at all);
/// both grants for the same patient. Otherwise [`PdfError::Consent`] and no
/// bytes. Without operations the document says that they need their own
/// consent.
pub fn clinical_history(
    history: &ClinicalHistory,
    clinical: Option<&ConsentGrant>,
    operations: Option<&ConsentGrant>,
    facility: &str,
    printed_at: NaiveDateTime,
) -> Result<Vec<u8>, PdfError> {
    let refuse = |category| {
        PdfError::Consent(Refusal {
            category,
            purpose: Purpose::Print,
            reason: RefusalReason::CategoryNotConsented,
        })
    };
    if let Some(g) = clinical {
        check_grant(g, ConsentCategory::Clinical, printed_at)?;
    }
    if let Some(g) = operations {
        check_grant(g, ConsentCategory::Operations, printed_at)?;
    }
    if let (Some(c), Some(o)) = (clinical, operations) {
        if c.patient_key() != o.patient_key() {
            return Err(PdfError::Consent(Refusal {
                category: ConsentCategory::Operations,
                purpose: Purpose::Print,
                reason: RefusalReason::WrongPatient,
            }));
        }
    }
    let has_operation = history.procedures().any(|p| p.kind.is_operation());
    let has_clinical = history.procedures().any(|p| !p.kind.is_operation());
    if (history.operations_shown || has_operation) && operations.is_none() {
        return Err(refuse(ConsentCategory::Operations));
    }
    if (history.clinical_shown || has_clinical || operations.is_none()) && clinical.is_none() {
        return Err(refuse(ConsentCategory::Clinical));
    }
    let title = if history.operations_shown && !history.clinical_shown {
        "手術情報"
    } else if history.operations_shown {
        "診療情報・手術情報"
    } else {
        "診療情報"
    };
    let mut w = Writer::new(
        title,
        facility,
        printed_at,
        Some("個人情報・要配慮個人情報を含みます。取扱いにご注意ください。"),
    )?;
    draw_clinical(&mut w, history, clinical, operations);
    Ok(w.finish())
}

/// 閲覧記録: the slip for the patient.
pub fn access_slip(
    slip: &AccessSlip,
    facility: &str,
    printed_at: NaiveDateTime,
) -> Result<Vec<u8>, PdfError> {
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

/// The grant's own check, with the patient key the grant carries (the
/// documents name no patient key of their own): right category, purpose
/// [`Purpose::Print`], still valid at `now`.
fn check_grant(
    grant: &ConsentGrant,
    category: ConsentCategory,
    now: NaiveDateTime,
) -> Result<(), PdfError> {
    grant
        .check(grant.patient_key(), category, Purpose::Print, now)
        .map_err(PdfError::Consent)?;
    // Belt and braces: the same three conditions, spelled out.
    let reason = if grant.category() != category {
        Some(RefusalReason::CategoryNotConsented)
    } else if grant.purpose() != Purpose::Print {
        Some(RefusalReason::PurposeNotGranted {
            granted: grant.purpose(),
        })
    } else if !grant.is_valid_at(now) {
        Some(RefusalReason::Expired {
            at: grant.valid_until(),
        })
    } else {
        None
    };
    if let Some(reason) = reason {
        return Err(PdfError::Consent(Refusal {
            category,
            purpose: Purpose::Print,
            reason,
        }));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

/// `昭和61年4月12日（1986-04-12）`.
fn date_ja(d: NaiveDate) -> String {
    format!("{}（{}）", format_wareki(d), d.format("%Y-%m-%d"))
}

/// `令和8年11月20日 10:15（2026-11-20 10:15）`.
fn datetime_ja(t: NaiveDateTime) -> String {
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
// Page geometry and colours
// ---------------------------------------------------------------------------

const PAGE_W: f32 = 595.276; // 210 mm
const PAGE_H: f32 = 841.89; // 297 mm
const LEFT: f32 = 42.5; // 15 mm
const RIGHT: f32 = PAGE_W - 42.5;
const WIDTH: f32 = RIGHT - LEFT;
const HEADER_RULE: f32 = PAGE_H - 78.0;
const CONTENT_TOP: f32 = HEADER_RULE - 16.0;
const FOOTER_RULE: f32 = 48.0;
const CONTENT_BOTTOM: f32 = FOOTER_RULE + 10.0;

const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);
const GREY: (f32, f32, f32) = (0.38, 0.38, 0.38);
const RULE: (f32, f32, f32) = (0.62, 0.62, 0.62);
const LABEL_BG: (f32, f32, f32) = (0.93, 0.94, 0.96);
const BAND_BG: (f32, f32, f32) = (0.86, 0.90, 0.95);
const HEAD_BG: (f32, f32, f32) = (0.95, 0.95, 0.95);
const GREEN: (f32, f32, f32) = (0.05, 0.45, 0.20);
const RED: (f32, f32, f32) = (0.75, 0.08, 0.08);

fn rgb((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn font() -> Result<&'static ParsedFont, PdfError> {
    static FONT: OnceLock<Result<ParsedFont, String>> = OnceLock::new();
    FONT.get_or_init(|| {
        let mut warnings = Vec::new();
        ParsedFont::from_bytes(FONT_BYTES, 0, &mut warnings)
            .ok_or_else(|| format!("IPAexGothic did not parse: {warnings:?}"))
    })
    .as_ref()
    .map_err(|e| PdfError::Font(e.clone()))
}

// ---------------------------------------------------------------------------
// The page writer
// ---------------------------------------------------------------------------

/// Lays out text and rules on A4 pages, top to bottom, starting a new page
/// (with the header) when the next block does not fit.
struct Writer {
    doc: PdfDocument,
    font: &'static ParsedFont,
    /// Glyph id and advance (font units) per character, looked up once: the
    /// font's cmap (format 12) is searched linearly, thousands of groups.
    glyphs: RefCell<HashMap<char, Option<(u16, u16)>>>,
    font_id: FontId,
    units_per_em: f32,
    title: String,
    facility: String,
    printed_at: NaiveDateTime,
    footer_note: Option<&'static str>,
    /// A line at the right of the footer of every page (the access slip's
    /// audit log head).
    footer_line: Option<String>,
    /// Whose document this is, repeated at the top of every page after the
    /// first (pages of a long list may be separated).
    running_subject: Option<String>,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// The top of the free space on the current page.
    y: f32,
}

impl Writer {
    fn new(
        title: &str,
        facility: &str,
        printed_at: NaiveDateTime,
        footer_note: Option<&'static str>,
    ) -> Result<Self, PdfError> {
        let font = font()?;
        let mut doc = PdfDocument::new(title);
        let font_id = doc.add_font(font);
        let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let mut w = Writer {
            doc,
            font,
            font_id,
            units_per_em,
            glyphs: RefCell::new(HashMap::new()),
            title: title.to_string(),
            facility: facility.to_string(),
            printed_at,
            footer_note,
            footer_line: None,
            running_subject: None,
            pages: Vec::new(),
            ops: Vec::new(),
            y: CONTENT_TOP,
        };
        w.start_page();
        Ok(w)
    }

    /// Replaces characters the font cannot draw (and control characters).
    fn clean(&self, s: &str) -> String {
        s.chars()
            .filter_map(|c| match c {
                '\t' | '\r' | '\n' => Some(' '),
                c if c.is_control() => None,
                c if self.glyph(c).is_some() => Some(c),
                _ => Some(MISSING_GLYPH),
            })
            .collect()
    }

    /// The glyph id and advance of `c`, None when the font lacks it.
    fn glyph(&self, c: char) -> Option<(u16, u16)> {
        *self.glyphs.borrow_mut().entry(c).or_insert_with(|| {
            let gid = self.font.lookup_glyph_index(c as u32)?;
            Some((gid, self.font.get_horizontal_advance(gid)))
        })
    }

    fn char_width(&self, c: char, size: f32) -> f32 {
        let advance = match self.glyph(c) {
            Some((_, a)) => a,
            None => self.font.get_horizontal_advance(0),
        };
        f32::from(advance) / self.units_per_em * size
    }

    fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.char_width(c, size)).sum()
    }

    /// Breaks `s` into lines no wider than `max` (at any character, as
    /// Japanese text allows; closing punctuation may hang over the edge
    /// rather than start a line).
    fn wrap(&self, s: &str, size: f32, max: f32) -> Vec<String> {
        s.split('\n')
            .flat_map(|part| self.wrap_line(part, size, max))
            .collect()
    }

    fn wrap_line(&self, s: &str, size: f32, max: f32) -> Vec<String> {
        let s = self.clean(s);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut w = 0.0;
        for c in s.chars() {
            let cw = self.char_width(c, size);
            let hangs = matches!(
                c,
                '、' | '。' | '，' | '．' | '）' | '」' | '』' | ')' | ','
            );
            if w + cw > max && !line.is_empty() && !hangs {
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                w = 0.0;
                if c == ' ' {
                    continue;
                }
            }
            line.push(c);
            w += cw;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn text_with(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        s: &str,
        colour: (f32, f32, f32),
        bold: bool,
    ) {
        let s = self.clean(s);
        if s.trim().is_empty() {
            return;
        }
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetFillColor { col: rgb(colour) });
        if bold {
            // IPAex has no bold face: fill and stroke the outlines thinly.
            self.ops.push(Op::SetOutlineColor { col: rgb(colour) });
            self.ops.push(Op::SetOutlineThickness {
                pt: Pt(size / 30.0),
            });
            self.ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::FillStroke,
            });
        }
        self.ops.push(Op::SetFont {
            font: PdfFontHandle::External(self.font_id.clone()),
            size: Pt(size),
        });
        self.ops.push(Op::SetTextCursor {
            pos: Point { x: Pt(x), y: Pt(y) },
        });
        self.ops.push(Op::ShowText {
            // Glyph ids (with their text for the ToUnicode map) rather than
            // text: printpdf would look every character up in the cmap again,
            // twice, and that search is most of the time of a long list.
            items: vec![TextItem::GlyphIds(
                s.chars()
                    .map(|c| Codepoint {
                        gid: self.glyph(c).map_or(0, |(gid, _)| gid),
                        offset: 0.0,
                        cid: Some(c.to_string()),
                    })
                    .collect(),
            )],
        });
        if bold {
            self.ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::Fill,
            });
        }
        self.ops.push(Op::EndTextSection);
    }

    fn text(&mut self, x: f32, y: f32, size: f32, s: &str) {
        self.text_with(x, y, size, s, BLACK, false);
    }

    fn text_right(&mut self, right: f32, y: f32, size: f32, s: &str, colour: (f32, f32, f32)) {
        let w = self.width(&self.clean(s), size);
        self.text_with(right - w, y, size, s, colour, false);
    }

    fn text_center(
        &mut self,
        cx: f32,
        y: f32,
        size: f32,
        s: &str,
        colour: (f32, f32, f32),
        bold: bool,
    ) {
        let w = self.width(&self.clean(s), size);
        self.text_with(cx - w / 2.0, y, size, s, colour, bold);
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, colour: (f32, f32, f32)) {
        self.ops.push(Op::SetOutlineColor { col: rgb(colour) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point {
                            x: Pt(x1),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: Pt(x2),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// A filled rectangle; `top` is its upper edge.
    fn fill(&mut self, x: f32, top: f32, w: f32, h: f32, colour: (f32, f32, f32)) {
        self.ops.push(Op::SetFillColor { col: rgb(colour) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(top - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// An outlined rectangle; `top` is its upper edge.
    fn frame(&mut self, x: f32, top: f32, w: f32, h: f32, thickness: f32, colour: (f32, f32, f32)) {
        self.ops.push(Op::SetOutlineColor { col: rgb(colour) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(top - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Stroke),
                winding_order: None,
            },
        });
    }

    fn start_page(&mut self) {
        if !self.ops.is_empty() {
            let done = std::mem::take(&mut self.ops);
            self.pages.push(done);
        }
        let title = self.title.clone();
        let facility = self.facility.clone();
        let printed = format!("印刷日時　{}", datetime_ja(self.printed_at));
        self.text_with(LEFT, PAGE_H - 58.0, 18.0, &title, BLACK, true);
        self.text_right(RIGHT, PAGE_H - 48.0, 11.0, &facility, BLACK);
        self.text_right(RIGHT, PAGE_H - 66.0, 8.5, &printed, GREY);
        self.hline(LEFT, RIGHT, HEADER_RULE, 1.2, BLACK);
        self.y = CONTENT_TOP;
        if let Some(subject) = self.running_subject.clone() {
            self.text_with(LEFT, self.y - 9.0, 9.0, &subject, GREY, false);
            self.y -= 18.0;
        }
    }

    /// Starts a new page unless `h` points still fit on this one. Returns
    /// whether a page was started.
    fn ensure(&mut self, h: f32) -> bool {
        if self.y - h < CONTENT_BOTTOM {
            self.start_page();
            true
        } else {
            false
        }
    }

    /// Paragraph text across the full width.
    fn paragraph(&mut self, s: &str, size: f32, colour: (f32, f32, f32)) {
        let lh = size * 1.55;
        for line in self.wrap(s, size, WIDTH) {
            self.ensure(lh);
            self.text_with(LEFT, self.y - size, size, &line, colour, false);
            self.y -= lh;
        }
    }

    fn section(&mut self, s: &str) {
        self.ensure(40.0);
        self.y -= 6.0;
        self.fill(LEFT, self.y, 3.5, 15.0, BLACK);
        self.text_with(LEFT + 9.0, self.y - 12.0, 12.0, s, BLACK, true);
        self.y -= 22.0;
    }

    /// Adds the footer (page numbers, note) to every page and serialises.
    fn finish(mut self) -> Vec<u8> {
        if !self.ops.is_empty() {
            let done = std::mem::take(&mut self.ops);
            self.pages.push(done);
        }
        let total = self.pages.len();
        let mut pages = Vec::with_capacity(total);
        for (i, ops) in std::mem::take(&mut self.pages).into_iter().enumerate() {
            self.ops = ops;
            self.hline(LEFT, RIGHT, FOOTER_RULE, 0.6, RULE);
            let number = format!("{} / {} ページ", i + 1, total);
            self.text_right(RIGHT, FOOTER_RULE - 15.0, 9.0, &number, BLACK);
            let note = self.footer_note.unwrap_or("");
            self.text_with(LEFT, FOOTER_RULE - 15.0, 7.5, note, GREY, false);
            let doc = format!("{}（窓口 Madoguchi）", self.title);
            self.text_with(LEFT, FOOTER_RULE - 26.0, 7.0, &doc, GREY, false);
            if let Some(line) = self.footer_line.clone() {
                self.text_right(RIGHT, FOOTER_RULE - 26.0, 7.0, &line, GREY);
            }
            pages.push(PdfPage::new(
                Mm(210.0),
                Mm(297.0),
                std::mem::take(&mut self.ops),
            ));
        }
        let opts = PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        };
        let mut warnings = Vec::new();
        let bytes = self.doc.with_pages(pages).save(&opts, &mut warnings);
        for w in warnings
            .iter()
            .filter(|w| w.severity != printpdf::PdfParseErrorSeverity::Info)
        {
            tracing::debug!(?w, "printpdf warning");
        }
        bytes
    }

    // -- tables --------------------------------------------------------------

    /// A label/value table row (label column shaded); values wrap.
    fn kv_row(&mut self, label: &str, value: &str) {
        const LABEL_W: f32 = 118.0;
        const SIZE: f32 = 10.0;
        const LH: f32 = 14.0;
        const PAD: f32 = 5.0;
        let lines = self.wrap(value, SIZE, WIDTH - LABEL_W - 2.0 * PAD);
        let labels = self.wrap(label, 9.0, LABEL_W - 2.0 * PAD);
        let n = lines.len().max(labels.len());
        let h = n as f32 * LH + 2.0 * PAD - (LH - SIZE) + 2.0;
        self.ensure(h);
        let top = self.y;
        self.fill(LEFT, top, LABEL_W, h, LABEL_BG);
        for (i, l) in labels.iter().enumerate() {
            self.text(LEFT + PAD, top - PAD - SIZE + 1.0 - i as f32 * LH, 9.0, l);
        }
        for (i, line) in lines.iter().enumerate() {
            self.text(
                LEFT + LABEL_W + PAD,
                top - PAD - SIZE + 0.5 - i as f32 * LH,
                SIZE,
                line,
            );
        }
        self.hline(LEFT, RIGHT, top - h, 0.5, RULE);
        self.y -= h;
    }

    fn kv_table_top(&mut self) {
        self.hline(LEFT, RIGHT, self.y, 0.8, RULE);
    }

    /// A row of cells; each cell wraps within its column. `widths` sum to
    /// [`WIDTH`]. Returns the row height.
    fn row_height(&self, cells: &[String], widths: &[f32], size: f32) -> (Vec<Vec<String>>, f32) {
        let lh = size * 1.35;
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| self.wrap(c, size, w - 6.0))
            .collect();
        let n = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (wrapped, n as f32 * lh + 6.0 - (lh - size))
    }

    fn draw_row(
        &mut self,
        wrapped: &[Vec<String>],
        widths: &[f32],
        size: f32,
        h: f32,
        bg: Option<(f32, f32, f32)>,
    ) {
        let lh = size * 1.35;
        let top = self.y;
        if let Some(bg) = bg {
            self.fill(LEFT, top, WIDTH, h, bg);
        }
        let mut x = LEFT;
        for (lines, w) in wrapped.iter().zip(widths) {
            for (i, line) in lines.iter().enumerate() {
                self.text(x + 3.0, top - 3.0 - size + 0.8 - i as f32 * lh, size, line);
            }
            x += w;
        }
        self.hline(LEFT, RIGHT, top - h, 0.4, RULE);
        self.y -= h;
    }
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
