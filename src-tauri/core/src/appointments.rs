//! 一括照会 (batch check) of an appointment list: reading the list, and
//! sorting the answers into the groups of the report clinic staff ask for.
//!
//! Pure: the file's bytes and its CSV syntax are the adapter's
//! (`madoguchi_adapters::csv`: decoding UTF-8 or Shift_JIS, RFC 4180
//! records); this module gets the [`Record`]s (cells with their line) and
//! today's date. The format is documented in `docs/APPOINTMENTS-CSV.md`.
//!
//! * [`AppointmentList`] (or [`ParsedAppointments::collect`], all at once):
//!   good rows ([`Appointment`], with their line) and bad rows ([`BadRow`],
//!   with the raw cells, so nothing typed is lost, and every problem in
//!   words: the same messages as the desk's entry form, which name the
//!   field and the digit).
//! * [`classify`]: one appointment and its answer → [`Group`] and the
//!   [`Difference`]s between the list and the insurer's record.
//! * [`BatchReport::build`]: the lines in the report's order.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::codes::{LossReason, Validity};
use crate::matching::{name_key, MASK};
use crate::message::Msg;
use crate::validation::{validate_card, CardInput, Field};
use crate::{CardDetails, CopayRatio, EligibilityResult};

// ---- columns ---------------------------------------------------------------

/// A column of the appointment list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// 予約日時 (date and time in one cell)
    Appointment,
    /// 予約日
    AppointmentDate,
    /// 予約時刻
    AppointmentTime,
    /// 患者番号 (the clinic's own patient number; optional)
    PatientId,
    /// 氏名
    Name,
    /// カナ氏名
    NameKana,
    /// 生年月日
    BirthDate,
    /// 保険者番号
    InsurerNumber,
    /// 記号
    Symbol,
    /// 番号
    Number,
    /// 枝番
    Branch,
}

impl Column {
    pub const ALL: [Column; 11] = [
        Column::Appointment,
        Column::AppointmentDate,
        Column::AppointmentTime,
        Column::PatientId,
        Column::Name,
        Column::NameKana,
        Column::BirthDate,
        Column::InsurerNumber,
        Column::Symbol,
        Column::Number,
        Column::Branch,
    ];

    /// Columns a list must have.
    pub const REQUIRED: [Column; 4] = [Column::Name, Column::BirthDate, Column::InsurerNumber, Column::Number];

    /// The header names accepted for this column (compared after
    /// [`header_key`]: NFKC, lower case, without spaces, `_`, `-`, `・`).
    pub fn header_names(self) -> &'static [&'static str] {
        match self {
            Column::Appointment => &["予約日時", "予約", "appointment", "appointmentat", "appointmentdatetime"],
            Column::AppointmentDate => &["予約日", "来院日", "受診日", "appointmentdate", "date"],
            Column::AppointmentTime => &["予約時刻", "予約時間", "時刻", "appointmenttime", "time"],
            Column::PatientId => &["患者番号", "患者id", "カルテ番号", "patientid", "patientnumber"],
            Column::Name => &["氏名", "患者氏名", "患者名", "名前", "name", "patientname"],
            Column::NameKana => &["カナ氏名", "氏名カナ", "フリガナ", "ふりがな", "カナ", "kana", "namekana"],
            Column::BirthDate => &["生年月日", "birthdate", "dateofbirth", "birth", "dob"],
            Column::InsurerNumber => &["保険者番号", "insurernumber", "insurer"],
            Column::Symbol => &["記号", "被保険者証記号", "symbol"],
            Column::Number => &["番号", "被保険者証番号", "number"],
            Column::Branch => &["枝番", "branch", "branchnumber"],
        }
    }

    /// The snake_case name (serde, `$column` argument).
    pub fn code(self) -> &'static str {
        match self {
            Column::Appointment => "appointment",
            Column::AppointmentDate => "appointment_date",
            Column::AppointmentTime => "appointment_time",
            Column::PatientId => "patient_id",
            Column::Name => "name",
            Column::NameKana => "name_kana",
            Column::BirthDate => "birth_date",
            Column::InsurerNumber => "insurer_number",
            Column::Symbol => "symbol",
            Column::Number => "number",
            Column::Branch => "branch",
        }
    }

    /// The label's id in `locales/*/batch.ftl` (`batch-column-<code>`).
    pub fn message_id(self) -> String {
        format!("batch-column-{}", self.code())
    }

    fn of_field(field: Field) -> Column {
        match field {
            Field::InsurerNumber => Column::InsurerNumber,
            Field::Symbol => Column::Symbol,
            Field::Number => Column::Number,
            Field::Branch => Column::Branch,
            // Public-expense numbers are not in the list; validate_card never reports them.
            _ => Column::BirthDate,
        }
    }

    /// Which column a header cell names, if any.
    pub fn from_header(cell: &str) -> Option<Column> {
        let key = header_key(cell);
        Column::ALL.into_iter().find(|c| c.header_names().iter().any(|n| header_key(n) == key))
    }
}

/// A header cell for comparing: NFKC (via the name normaliser's rules for
/// width), lower case, without white space and `_ - ・ ( )`.
pub fn header_key(cell: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    cell.trim_start_matches('\u{feff}')
        .nfkc()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '・' | '(' | ')' | '（' | '）'))
        .flat_map(char::to_lowercase)
        .collect()
}

// ---- records ---------------------------------------------------------------

/// One record of the file: its cells and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub cells: Vec<String>,
}

/// The whole file cannot be read (no header, required columns missing, a
/// quote never closed …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvError {
    pub message: Msg,
}

impl CsvError {
    pub fn new(message: Msg) -> Self {
        CsvError { message }
    }
}

// ---- rows ------------------------------------------------------------------

/// One good row of the list: an appointment with valid card details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// The line of the file the row starts on (1-based; the header is line 1
    /// unless blank lines come first).
    pub line: usize,
    /// 予約日 (None when the list has no appointment column or the cell is empty).
    pub date: Option<NaiveDate>,
    /// 予約時刻
    pub time: Option<NaiveTime>,
    pub patient_id: Option<String>,
    /// 氏名 as the list has it.
    pub name: String,
    pub name_kana: Option<String>,
    /// The card details, validated (生年月日 included).
    pub card: CardDetails,
}

/// One problem in a bad row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The column, when the problem is in one cell.
    pub column: Option<Column>,
    pub message: Msg,
}

/// A row that is not checked, with why. Its cells are kept as they were.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRow {
    pub line: usize,
    pub cells: Vec<String>,
    pub problems: Vec<RowProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedAppointments {
    /// The columns found, in the file's order (None for a column not used).
    pub columns: Vec<Option<Column>>,
    /// Header cells that name no known column (ignored; shown to staff).
    pub ignored_columns: Vec<String>,
    pub rows: Vec<Appointment>,
    pub bad_rows: Vec<BadRow>,
}

/// Every message id this module answers (tested in both languages).
/// (The file's syntax and encoding: `madoguchi_adapters::csv::MESSAGE_IDS`.)
pub const MESSAGE_IDS: &[&str] = &[
    "batch-csv-empty",
    "batch-csv-missing-columns",
    "batch-csv-duplicate-column",
    "batch-csv-header-too-long",
    "batch-row-cell-count",
    "batch-row-cell-too-long",
    "batch-row-control-character",
    "batch-row-name-required",
    "batch-row-bad-appointment-date",
    "batch-row-bad-appointment-time",
];

impl ParsedAppointments {
    /// All of an [`AppointmentList`] at once (for short lists and tests; the
    /// desk streams).
    pub fn collect<R>(mut list: AppointmentList<R>) -> Result<ParsedAppointments, CsvError>
    where
        R: Iterator<Item = Result<Record, CsvError>>,
    {
        let mut parsed = ParsedAppointments {
            columns: list.columns().to_vec(),
            ignored_columns: list.ignored_columns().to_vec(),
            rows: Vec::new(),
            bad_rows: Vec::new(),
        };
        for row in &mut list {
            match row? {
                Ok(a) => parsed.rows.push(a),
                Err(bad) => parsed.bad_rows.push(bad),
            }
        }
        Ok(parsed)
    }
}

/// An appointment list read row by row from its records:
/// [`AppointmentList::new`] reads the header (and refuses the file when it
/// must), then each item is a good row or a bad row — or the error that
/// refuses the whole file (a quote never closed, from the reader), after
/// which there is nothing more. Memory does not grow with the list: only the
/// row at hand is held. `today` is the day validation measures birth dates
/// against (not in the future, not over 130 years ago).
pub struct AppointmentList<R> {
    records: R,
    columns: Vec<Option<Column>>,
    ignored_columns: Vec<String>,
    today: NaiveDate,
    failed: bool,
}

impl<R: Iterator<Item = Result<Record, CsvError>>> AppointmentList<R> {
    /// The list of `records` (blank lines already left out), the first the header.
    pub fn new(mut records: R, today: NaiveDate) -> Result<AppointmentList<R>, CsvError> {
        let Some(header) = records.next().transpose()? else {
            return Err(CsvError::new(Msg::new("batch-csv-empty")));
        };
        if let Some(cell) = header.cells.iter().find(|c| c.chars().count() > MAX_HEADER_CHARS) {
            return Err(CsvError::new(
                Msg::new("batch-csv-header-too-long").arg("line", header.line).arg("max", MAX_HEADER_CHARS).arg("length", cell.chars().count()),
            ));
        }
        let columns: Vec<Option<Column>> = header.cells.iter().map(|c| Column::from_header(c)).collect();
        for c in Column::ALL {
            if columns.iter().filter(|x| **x == Some(c)).count() > 1 {
                return Err(CsvError::new(Msg::new("batch-csv-duplicate-column").arg("column", c.code())));
            }
        }
        let missing: Vec<&str> = Column::REQUIRED.iter().filter(|c| !columns.contains(&Some(**c))).map(|c| c.code()).collect();
        if !missing.is_empty() {
            return Err(CsvError::new(
                Msg::new("batch-csv-missing-columns").arg("columns", missing.join(",")).arg("line", header.line),
            ));
        }
        let ignored_columns = header
            .cells
            .iter()
            .zip(&columns)
            .filter(|(cell, c)| c.is_none() && !cell.trim().is_empty())
            .map(|(cell, _)| cell.trim().to_string())
            .collect();
        Ok(AppointmentList { records, columns, ignored_columns, today, failed: false })
    }

    /// The columns found, in the file's order (None for a column not used).
    pub fn columns(&self) -> &[Option<Column>] {
        &self.columns
    }

    /// Header cells that name no known column (ignored; shown to staff).
    pub fn ignored_columns(&self) -> &[String] {
        &self.ignored_columns
    }
}

impl<R: Iterator<Item = Result<Record, CsvError>>> Iterator for AppointmentList<R> {
    /// A good row, or a bad row; `Err` refuses the whole file.
    type Item = Result<Result<Appointment, BadRow>, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let r = match self.records.next()? {
            Ok(r) => r,
            Err(e) => {
                self.failed = true;
                return Some(Err(e));
            }
        };
        Some(Ok(parse_row(&r, &self.columns, self.today).map_err(|problems| BadRow { line: r.line, cells: kept_cells(r.cells), problems })))
    }
}

/// The longest cell a bad row keeps as it was; a longer one (refused by
/// [`MAX_CELL_CHARS`]) is kept cut, with `…`, so that a hostile list cannot
/// make the kept rows huge.
const KEPT_CELL_CHARS: usize = 1_000;

fn kept_cells(cells: Vec<String>) -> Vec<String> {
    cells
        .into_iter()
        .map(|c| match c.char_indices().nth(KEPT_CELL_CHARS) {
            Some((cut, _)) => format!("{}…", &c[..cut]),
            None => c,
        })
        .collect()
}

/// The longest header cell (characters): a header is a few words.
pub const MAX_HEADER_CHARS: usize = 100;

/// The longest cell of a column, in characters (after trimming spaces).
/// 氏名 and カナ氏名: 100 (the longest names, foreign ones included, are
/// well under 50); the clinic's patient number: 40; the card details and
/// dates: 40 (their validation wants far fewer; the limit only keeps huge
/// cells out of the messages); an ignored column (notes): [`MAX_CELL_CHARS`].
pub fn max_chars(column: Option<Column>) -> usize {
    match column {
        Some(Column::Name | Column::NameKana) => 100,
        Some(_) => 40,
        None => MAX_CELL_CHARS,
    }
}

/// The longest cell of a column the desk does not use (a notes column).
pub const MAX_CELL_CHARS: usize = 1_000;

/// Control characters a cell must not hold: all but tab and line breaks
/// (which a quoted cell may hold). A NUL or an escape in a name is never
/// typed; it is a damaged or hostile file.
fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Cells too long or holding control characters: one problem per cell.
fn cell_problems(r: &Record, columns: &[Option<Column>]) -> Vec<RowProblem> {
    let mut problems = Vec::new();
    for (i, cell) in r.cells.iter().enumerate() {
        let column = columns.get(i).copied().flatten();
        let length = cell.trim().chars().count();
        let max = max_chars(column);
        if length > max {
            problems.push(RowProblem {
                column,
                message: Msg::new("batch-row-cell-too-long").arg("line", r.line).arg("cell", i + 1).arg("max", max).arg("length", length),
            });
        }
        if let Some(c) = cell.chars().find(|c| is_forbidden_control(*c)) {
            problems.push(RowProblem {
                column,
                message: Msg::new("batch-row-control-character").arg("line", r.line).arg("cell", i + 1).arg("code", format!("U+{:04X}", c as u32)),
            });
        }
    }
    problems
}

fn parse_row(r: &Record, columns: &[Option<Column>], today: NaiveDate) -> Result<Appointment, Vec<RowProblem>> {
    // Too long or with control characters: nothing else is looked at (a
    // 1 MB cell is not validated, nor repeated in a message).
    let problems = cell_problems(r, columns);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut problems = Vec::new();
    // Trailing empty cells (spreadsheets pad rows) are fine; missing or extra
    // filled cells are not.
    let filled = r.cells.iter().rposition(|c| !c.trim().is_empty()).map_or(0, |i| i + 1);
    if r.cells.len() < columns.len() || filled > columns.len() {
        problems.push(RowProblem {
            column: None,
            message: Msg::new("batch-row-cell-count").arg("expected", columns.len()).arg("got", filled.max(r.cells.len().min(columns.len()))),
        });
        return Err(problems);
    }
    let get = |c: Column| -> &str {
        columns.iter().position(|x| *x == Some(c)).map(|i| r.cells[i].trim()).unwrap_or("")
    };
    let name = get(Column::Name).to_string();
    if name.is_empty() {
        problems.push(RowProblem { column: Some(Column::Name), message: Msg::new("batch-row-name-required") });
    }
    let (mut date, mut time) = (None, None);
    let at = get(Column::Appointment);
    if !at.is_empty() {
        match parse_appointment_at(at) {
            Some((d, t)) => (date, time) = (Some(d), t),
            None => problems.push(RowProblem {
                column: Some(Column::Appointment),
                message: Msg::new("batch-row-bad-appointment-date").arg("value", at),
            }),
        }
    }
    let d = get(Column::AppointmentDate);
    if !d.is_empty() {
        match crate::wareki::parse_date(d) {
            Ok(v) => date = Some(v),
            Err(_) => problems.push(RowProblem {
                column: Some(Column::AppointmentDate),
                message: Msg::new("batch-row-bad-appointment-date").arg("value", d),
            }),
        }
    }
    let t = get(Column::AppointmentTime);
    if !t.is_empty() {
        match parse_time(t) {
            Some(v) => time = Some(v),
            None => problems.push(RowProblem {
                column: Some(Column::AppointmentTime),
                message: Msg::new("batch-row-bad-appointment-time").arg("value", t),
            }),
        }
    }
    let input = CardInput {
        insurer_number: get(Column::InsurerNumber).to_string(),
        symbol: get(Column::Symbol).to_string(),
        number: get(Column::Number).to_string(),
        branch: get(Column::Branch).to_string(),
        birth_date: get(Column::BirthDate).to_string(),
    };
    let card = match validate_card(&input, today) {
        Ok(card) => Some(card),
        Err(errors) => {
            problems.extend(errors.into_iter().map(|fe| RowProblem {
                column: Some(Column::of_field(fe.field)),
                message: Msg::with_args(fe.message_id(), fe.message_args()),
            }));
            None
        }
    };
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    match card {
        Some(card) if problems.is_empty() => Ok(Appointment {
            line: r.line,
            date,
            time,
            patient_id: non_empty(get(Column::PatientId)),
            name,
            name_kana: non_empty(get(Column::NameKana)),
            card,
        }),
        _ => Err(problems),
    }
}

/// `2026-11-23 09:30`, `2026/11/23 9:30`, `2026-11-23T09:30:00`, `R8.11.23 9時30分`,
/// or a date alone.
fn parse_appointment_at(s: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let s = crate::digits::to_halfwidth(s);
    let s = s.trim();
    if let Ok(d) = crate::wareki::parse_date(s) {
        return Some((d, None));
    }
    let split = s.rfind(|c: char| c == ' ' || c == 'T')?;
    let (d, t) = (s[..split].trim(), s[split + 1..].trim());
    Some((crate::wareki::parse_date(d).ok()?, Some(parse_time(t)?)))
}

/// `9:30`, `09:30:00`, `9時30分`, `9時`, `0930`.
fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = crate::digits::compact(s);
    let s = s.trim_end_matches('分');
    let (h, m, sec) = if let Some((h, rest)) = s.split_once(['時', ':']) {
        let (m, sec) = rest.split_once(':').unwrap_or((rest, "0"));
        (h, if m.is_empty() { "0" } else { m }, sec)
    } else if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        (&s[..2], &s[2..], "0")
    } else {
        return None;
    };
    let num = |x: &str| (!x.is_empty() && x.len() <= 2 && x.bytes().all(|b| b.is_ascii_digit())).then(|| x.parse::<u32>().ok()).flatten();
    NaiveTime::from_hms_opt(num(h)?, num(m)?, num(sec)?)
}

// ---- the report --------------------------------------------------------------

/// The groups of the report, in the order staff read them: what needs
/// action first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// 照会できず: no answer (service error, unreachable); check again.
    NotChecked,
    /// 無効: lost (喪失) or expired.
    Invalid,
    /// 無効（新しい資格あり）
    NewQualification,
    /// 該当資格なし
    NotFound,
    /// 複数該当
    MultipleFound,
    /// 有効, but the list says something else than the insurer's record.
    Differs,
    /// 有効
    Valid,
}

impl Group {
    pub const ALL: [Group; 7] = [
        Group::NotChecked,
        Group::Invalid,
        Group::NewQualification,
        Group::NotFound,
        Group::MultipleFound,
        Group::Differs,
        Group::Valid,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Group::NotChecked => "not_checked",
            Group::Invalid => "invalid",
            Group::NewQualification => "new_qualification",
            Group::NotFound => "not_found",
            Group::MultipleFound => "multiple_found",
            Group::Differs => "differs",
            Group::Valid => "valid",
        }
    }
    pub fn parse(s: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.code() == s)
    }
    /// `batch-group-<code>` in `locales/*/batch.ftl`.
    pub fn message_id(self) -> String {
        format!("batch-group-{}", self.code())
    }
}

/// A detail the list and the insurer's record disagree on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffField {
    /// 保険者番号
    InsurerNumber,
    /// 記号・番号・枝番
    Number,
    /// 氏名
    Name,
    /// カナ氏名 (only when both have one)
    NameKana,
    /// 生年月日
    BirthDate,
}

impl DiffField {
    pub const ALL: [DiffField; 5] = [DiffField::InsurerNumber, DiffField::Number, DiffField::Name, DiffField::NameKana, DiffField::BirthDate];
    pub fn code(self) -> &'static str {
        match self {
            DiffField::InsurerNumber => "insurer_number",
            DiffField::Number => "number",
            DiffField::Name => "name",
            DiffField::NameKana => "name_kana",
            DiffField::BirthDate => "birth_date",
        }
    }
    pub fn parse(s: &str) -> Option<DiffField> {
        DiffField::ALL.into_iter().find(|g| g.code() == s)
    }
    /// `batch-diff-<code>` in `locales/*/batch.ftl`.
    pub fn message_id(self) -> String {
        format!("batch-diff-{}", self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub field: DiffField,
    /// What the appointment list says.
    pub listed: String,
    /// What the insurer's record says.
    pub recorded: String,
}

/// One appointment's answer as the report needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classified {
    pub group: Group,
    pub differences: Vec<Difference>,
}

/// Sorts one answer into its group and lists every detail the list and the
/// insurer's record disagree on (for any group that has a record).
///
/// * Validity 有効 (or 有効（未登録）) → [`Group::Valid`], or
///   [`Group::Differs`] when a detail differs.
/// * 無効 → Invalid; 無効（新しい資格あり） → NewQualification; 該当資格なし →
///   NotFound; 複数該当 → MultipleFound — whatever the differences.
/// * A processing error with any other validity → NotChecked: the answer
///   says nothing about the patient; so does an answer that does not state
///   the validity (`Validity::Unstated`).
pub fn classify(a: &Appointment, result: &EligibilityResult) -> Classified {
    let differences = differences(a, result);
    let group = match result.validity {
        Validity::NotFound => Group::NotFound,
        Validity::MultipleFound => Group::MultipleFound,
        _ if result.error.is_some() => Group::NotChecked,
        Validity::Unstated => Group::NotChecked,
        Validity::Invalid => Group::Invalid,
        Validity::InvalidNewQualification => Group::NewQualification,
        Validity::Valid | Validity::ValidUnregistered if differences.is_empty() => Group::Valid,
        Validity::Valid | Validity::ValidUnregistered => Group::Differs,
    };
    Classified { group, differences }
}

fn differences(a: &Appointment, r: &EligibilityResult) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut push = |field, listed: String, recorded: String| out.push(Difference { field, listed, recorded });
    if let Some(q) = &r.qualification {
        if q.insurer_number != a.card.insurer_number {
            push(DiffField::InsurerNumber, a.card.insurer_number.to_string(), q.insurer_number.to_string());
        }
        let symbol = |s: &str| crate::digits::tidy(s);
        let branch_differs = match (&a.card.branch, &q.branch) {
            (Some(x), Some(y)) => x != y,
            _ => false, // a list without 枝番 asks for any
        };
        if symbol(&q.symbol) != symbol(&a.card.symbol) || q.number != a.card.number || branch_differs {
            let show = |s: &str, n: &str, b: Option<&str>| match b {
                Some(b) => format!("{s}・{n}・{b}"),
                None => format!("{s}・{n}"),
            };
            push(
                DiffField::Number,
                show(&a.card.symbol, &a.card.number, a.card.branch.as_deref()),
                show(&q.symbol, &q.number, q.branch.as_deref()),
            );
        }
    }
    if let Some(p) = &r.person {
        let listed_is_kana = is_kana_name(&a.name);
        let recorded = if listed_is_kana { p.name_kana.as_deref().unwrap_or(&p.name) } else { &p.name };
        if !same_name(&a.name, recorded) {
            push(DiffField::Name, a.name.clone(), recorded.to_string());
        }
        if let (Some(listed), Some(recorded), false) = (&a.name_kana, &p.name_kana, listed_is_kana) {
            if !same_name(listed, recorded) {
                push(DiffField::NameKana, listed.clone(), recorded.clone());
            }
        }
        if p.birth_date != a.card.birth_date {
            push(DiffField::BirthDate, a.card.birth_date.to_string(), p.birth_date.to_string());
        }
    }
    out
}

fn is_kana_name(s: &str) -> bool {
    let k = name_key(s);
    !k.is_empty() && k.chars().all(|c| matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー'))
}

/// Names compared as the disaster matcher does ([`name_key`]: NFKC, spaces
/// and separators, hiragana/katakana, variant kanji); a `●` in the
/// *recorded* name stands for exactly one character.
pub fn same_name(listed: &str, recorded: &str) -> bool {
    let (l, r) = (name_key(listed), name_key(recorded));
    if l == r {
        return true;
    }
    let (l, r): (Vec<char>, Vec<char>) = (l.chars().collect(), r.chars().collect());
    l.len() == r.len() && r.contains(&MASK) && l.iter().zip(&r).all(|(a, b)| *b == MASK || a == b)
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLine {
    pub appointment: Appointment,
    pub group: Group,
    pub validity: Option<Validity>,
    pub differences: Vec<Difference>,
    /// 氏名 on the insurer's record.
    pub recorded_name: Option<String>,
    pub insurer_name: Option<String>,
    pub copay: Option<CopayRatio>,
    /// 有効終了日 (for an invalid qualification: the last valid day).
    pub valid_until: Option<NaiveDate>,
    pub loss_reason: Option<LossReason>,
    /// Why there is no answer (NotChecked), or the system's own message.
    pub problem: Option<Msg>,
    /// The check's line in the desk's list of checks.
    pub check_id: Option<i64>,
    /// The batch answer said `LimitApplicationCertificateChanged` 1: the
    /// 限度額適用認定証 information changed (or could not be judged), so
    /// staff look at it again ([`EligibilityResult::limit_certificate_changed`]).
    #[serde(default)]
    pub limit_certificate_changed: bool,
}

impl ReportLine {
    /// The line for an answered check.
    pub fn answered(a: Appointment, result: &EligibilityResult, check_id: Option<i64>) -> ReportLine {
        let c = classify(&a, result);
        let q = result.qualification.as_ref();
        ReportLine {
            appointment: a,
            group: c.group,
            validity: Some(result.validity),
            differences: c.differences,
            recorded_name: result.person.as_ref().map(|p| p.name.clone()),
            insurer_name: q.and_then(|q| q.insurer_name.clone()),
            copay: result.effective_copay(),
            valid_until: q.and_then(|q| q.valid_until),
            loss_reason: q.and_then(|q| q.loss_reason),
            problem: result.error.as_ref().filter(|_| c.group == Group::NotChecked).map(|e| {
                Msg::new("batch-service-said")
                    .arg("code", e.code.clone().unwrap_or_default())
                    .arg("message", e.message.clone().unwrap_or_default())
            }),
            check_id,
            limit_certificate_changed: result.limit_certificate_changed == Some(true),
        }
    }

    /// The line for a check that got no answer.
    pub fn not_checked(a: Appointment, problem: Msg) -> ReportLine {
        ReportLine {
            appointment: a,
            group: Group::NotChecked,
            validity: None,
            differences: Vec::new(),
            recorded_name: None,
            insurer_name: None,
            copay: None,
            valid_until: None,
            loss_reason: None,
            problem: Some(problem),
            check_id: None,
            limit_certificate_changed: false,
        }
    }
}

/// How many lines each group has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCount {
    pub group: Group,
    pub count: usize,
}

/// The report of a batch: every good row in exactly one group, and the bad rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchReport {
    /// Every group, in [`Group`] order, with its count (zero included).
    pub counts: Vec<GroupCount>,
    /// Lines sorted by group, then by appointment (date, time), then line.
    pub lines: Vec<ReportLine>,
    pub bad_rows: Vec<BadRow>,
}

impl BatchReport {
    pub fn build(mut lines: Vec<ReportLine>, bad_rows: Vec<BadRow>) -> BatchReport {
        lines.sort_by(|a, b| {
            (a.group, a.appointment.date, a.appointment.time, a.appointment.line)
                .cmp(&(b.group, b.appointment.date, b.appointment.time, b.appointment.line))
        });
        let counts = Group::ALL
            .into_iter()
            .map(|group| GroupCount { group, count: lines.iter().filter(|l| l.group == group).count() })
            .collect();
        BatchReport { counts, lines, bad_rows }
    }

    pub fn count(&self, group: Group) -> usize {
        self.counts.iter().find(|c| c.group == group).map_or(0, |c| c.count)
    }

    pub fn lines_in(&self, group: Group) -> impl Iterator<Item = &ReportLine> {
        self.lines.iter().filter(move |l| l.group == group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("9:30"), NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(parse_time("９時３０分"), NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(parse_time("14時"), NaiveTime::from_hms_opt(14, 0, 0));
        assert_eq!(parse_time("0930"), NaiveTime::from_hms_opt(9, 30, 0));
        assert_eq!(parse_time("25:00"), None);
        assert_eq!(parse_time("朝"), None);
    }
}

// ---- a batch as the store keeps it and the window shows it

/// Where a batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    /// Imported or running; rows may be pending (also after a crash).
    Open,
    /// Stopped by staff (or because the service was unreachable); resumable.
    Paused,
    /// Every row answered or failed.
    Done,
}

/// A batch with its row counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchInfo {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub staff: String,
    /// The file's name, as staff chose it.
    pub source_name: Option<String>,
    pub state: BatchState,
    pub total: usize,
    pub pending: usize,
    pub done: usize,
    pub failed: usize,
    pub bad_rows: usize,
}
