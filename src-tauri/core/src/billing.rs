//! The hand-off to the facility's billing system (レセコン): its patient
//! records as a port ([`PatientRecords`]), the insurance as the billing system
//! keeps it ([`BillingInsurance`], in ORCA's words), the mapping from a
//! confirmed answer ([`from_confirmed`]) and the field-by-field comparison
//! ([`differences`]) that tells staff what the レセコン has wrong — the step
//! where 不詳レセプト and returned claims (返戻) come from.
//!
//! Pure: the adapter for ORCA's API (and the training stand-in) lives
//! outside the core; here are the rules. Numbers are compared as the field
//! compares them: full-width digits are digits, leading zeros of 記号・番号 do
//! not count, a 6-digit 国保 number is the same with its two padding zeros,
//! spaces do not count.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::Relationship;
use crate::digits::compact;
use crate::eligibility::{CopayRatio, Qualification};

/// A 公費 as the billing system keeps it (ORCA `PublicInsurance_*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPublicExpense {
    /// 公費の種類 (ORCA `PublicInsurance_Class`, e.g. 972 特定疾病 1万円, 974 2万円);
    /// `None` when the answer names only the payer.
    pub class: Option<String>,
    /// 公費負担者番号 (`PublicInsurer_Number`)
    pub payer_number: Option<String>,
    /// 受給者番号 (`PublicInsuredPerson_Number`)
    pub recipient_number: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

/// One insurance of a patient as the billing system keeps it, in ORCA's
/// field names (`HealthInsurance_Information`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingInsurance {
    /// 保険者番号 (`InsuranceProvider_Number`)
    pub insurer_number: String,
    /// 記号 (`HealthInsuredPerson_Symbol`)
    pub symbol: String,
    /// 番号 (`HealthInsuredPerson_Number`)
    pub number: String,
    /// 枝番 (`HealthInsuredPerson_Branch_Number`; never for 後期高齢)
    pub branch: Option<String>,
    /// 本人/家族 (`RelationToInsuredPerson`: 1 本人, 2 家族)
    pub relationship: Option<Relationship>,
    /// `Certificate_StartDate`
    pub valid_from: Option<NaiveDate>,
    /// `Certificate_ExpiredDate`
    pub valid_until: Option<NaiveDate>,
    /// 資格取得日 (`Certificate_GetDate`)
    pub qualified_on: Option<NaiveDate>,
    /// 負担割合 of a 高齢受給者 (`Rate_Class`), when the answer has one.
    pub elderly_copay: Option<CopayRatio>,
    /// 確認日 (`Certificate_CheckDate`): the day the insurance was confirmed.
    pub checked_on: Option<NaiveDate>,
    pub public_expenses: Vec<BillingPublicExpense>,
}

/// A patient as the billing system knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPatient {
    /// The billing system's patient number (ORCA `Patient_ID`).
    pub patient_id: String,
    pub name: String,
    pub name_kana: Option<String>,
    pub birth_date: NaiveDate,
    pub insurances: Vec<BillingInsurance>,
}

/// Why the billing system did not do what was asked, in the counter's terms
/// (each adapter maps its own result codes onto these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BillingProblem {
    /// No such patient number.
    UnknownPatient,
    /// Another terminal has the patient open (ORCA's lock).
    Locked,
    /// The operator ID or password was refused.
    WrongCredentials,
    /// The billing system cannot be reached (or stopped answering).
    Unreachable,
    /// It refused the data; its own code and message.
    Refused { code: String, message: String },
}

/// The facility's patient records (the port; ORCA's API is one adapter).
/// Every method either does all of it or nothing: an adapter that locks a
/// patient releases the lock on every path.
pub trait PatientRecords {
    fn find_patient(&self, patient_id: &str) -> Result<BillingPatient, BillingProblem>;
    /// Registers a new patient with this insurance; answers the new number.
    fn register_patient(&self, name: &str, name_kana: Option<&str>, birth_date: NaiveDate, insurance: &BillingInsurance) -> Result<String, BillingProblem>;
    /// Adds `new` to the patient; `close_old` is ended the day before `new`
    /// starts.
    fn update_insurance(&self, patient_id: &str, new: &BillingInsurance, close_old: Option<&BillingInsurance>) -> Result<(), BillingProblem>;
}

/// 特定疾病 in the billing system: the 公費 of the self-pay limit
/// (ORCA 972: 1万円, 974: 2万円).
fn specific_disease_class(limit: Option<u32>) -> Option<&'static str> {
    match limit {
        Some(10_000) => Some("972"),
        Some(20_000) => Some("974"),
        _ => None,
    }
}

/// Is this insurer a 後期高齢者医療広域連合 (法別番号 39)? They have no 枝番.
fn is_kouki(insurer: &str) -> bool {
    let n = normalise_number(insurer);
    n.len() == 8 && n.starts_with("39")
}

/// What the billing system should hold for a confirmed qualification,
/// confirmed on `checked_on`.
pub fn from_confirmed(q: &Qualification, checked_on: NaiveDate) -> BillingInsurance {
    let insurer = q.insurer_number.as_str().to_string();
    let mut public_expenses: Vec<BillingPublicExpense> = q
        .specific_diseases
        .iter()
        .filter_map(|s| {
            Some(BillingPublicExpense {
                class: Some(specific_disease_class(s.self_pay_limit)?.to_string()),
                payer_number: None,
                recipient_number: None,
                valid_from: s.valid_from,
                valid_until: s.valid_until,
            })
        })
        .collect();
    public_expenses.extend(q.public_expenses.iter().map(|p| BillingPublicExpense {
        class: None,
        payer_number: Some(p.payer_number.clone()),
        recipient_number: p.recipient_number.clone(),
        valid_from: p.valid_from,
        valid_until: p.valid_until,
    }));
    BillingInsurance {
        branch: if is_kouki(&insurer) { None } else { q.branch.clone().filter(|b| !b.trim().is_empty()) },
        insurer_number: insurer,
        symbol: q.symbol.clone(),
        number: q.number.clone(),
        relationship: q.relationship,
        valid_from: q.valid_from,
        valid_until: q.valid_until,
        qualified_on: q.qualified_on,
        elderly_copay: q.elderly.as_ref().and_then(|e| e.copay),
        checked_on: Some(checked_on),
        public_expenses,
    }
}

/// A field of [`BillingInsurance`] that can differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingField {
    InsurerNumber,
    Symbol,
    Number,
    Branch,
    Relationship,
    ValidFrom,
    ValidUntil,
    ElderlyCopay,
    PublicExpenses,
}

/// One difference between the billing system and the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub field: BillingField,
    /// What the billing system holds, as it holds it.
    pub stored: Option<String>,
    /// What the answer says.
    pub confirmed: Option<String>,
    /// Safe to apply without a person looking (an empty 枝番 filled in,
    /// 本人/家族) — applied automatically only where the facility turned it on.
    pub safe: bool,
}

/// A number as the field compares it: compact, and leading zeros do not count.
fn normalise_number(s: &str) -> String {
    let c = compact(s);
    let t = c.trim_start_matches('0');
    if t.is_empty() && !c.is_empty() { "0".into() } else { t.to_string() }
}

/// 記号 as compared: compact, dashes alike, leading zeros of an all-digit
/// symbol do not count.
fn normalise_symbol(s: &str) -> String {
    let c = crate::digits::normalise_hyphens(&compact(s));
    if !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit()) { normalise_number(&c) } else { c }
}

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// The differences between what the billing system holds and what was
/// confirmed, field by field, as the field compares them.
pub fn differences(stored: &BillingInsurance, confirmed: &BillingInsurance) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut differ = |field, s: Option<String>, c: Option<String>, equal: bool, safe: bool| {
        if !equal {
            out.push(Difference { field, stored: s, confirmed: c, safe });
        }
    };
    differ(
        BillingField::InsurerNumber,
        Some(stored.insurer_number.clone()),
        Some(confirmed.insurer_number.clone()),
        normalise_number(&stored.insurer_number) == normalise_number(&confirmed.insurer_number),
        false,
    );
    differ(
        BillingField::Symbol,
        Some(stored.symbol.clone()),
        Some(confirmed.symbol.clone()),
        normalise_symbol(&stored.symbol) == normalise_symbol(&confirmed.symbol),
        false,
    );
    differ(
        BillingField::Number,
        Some(stored.number.clone()),
        Some(confirmed.number.clone()),
        normalise_number(&stored.number) == normalise_number(&confirmed.number),
        false,
    );
    let branch = |b: &Option<String>| b.as_deref().map(normalise_number).filter(|b| !b.is_empty());
    let (sb, cb) = (branch(&stored.branch), branch(&confirmed.branch));
    // An empty 枝番 filled in from the answer is safe; a different one is not.
    differ(BillingField::Branch, stored.branch.clone(), confirmed.branch.clone(), sb == cb || cb.is_none(), sb.is_none());
    differ(
        BillingField::Relationship,
        stored.relationship.map(|r| r.label_ja().to_string()),
        confirmed.relationship.map(|r| r.label_ja().to_string()),
        stored.relationship == confirmed.relationship || confirmed.relationship.is_none(),
        true,
    );
    differ(
        BillingField::ValidFrom,
        date(stored.valid_from),
        date(confirmed.valid_from),
        stored.valid_from == confirmed.valid_from || confirmed.valid_from.is_none(),
        false,
    );
    differ(
        BillingField::ValidUntil,
        date(stored.valid_until),
        date(confirmed.valid_until),
        stored.valid_until == confirmed.valid_until,
        false,
    );
    differ(
        BillingField::ElderlyCopay,
        stored.elderly_copay.map(|c| format!("{}割", c.wari())),
        confirmed.elderly_copay.map(|c| format!("{}割", c.wari())),
        stored.elderly_copay == confirmed.elderly_copay,
        false,
    );
    let pe = |v: &[BillingPublicExpense]| {
        let mut keys: Vec<String> = v
            .iter()
            .map(|p| {
                format!(
                    "{}:{}:{}",
                    p.class.clone().unwrap_or_default(),
                    p.payer_number.as_deref().map(normalise_number).unwrap_or_default(),
                    p.recipient_number.as_deref().map(normalise_number).unwrap_or_default()
                )
            })
            .collect();
        keys.sort();
        keys
    };
    let (sp, cp) = (pe(&stored.public_expenses), pe(&confirmed.public_expenses));
    differ(BillingField::PublicExpenses, Some(sp.join(", ")), Some(cp.join(", ")), sp == cp, false);
    out
}

/// Is `confirmed` another insurance than `stored` (a new card: another
/// insurer, symbol or number), not a correction of the same one?
pub fn is_new_insurance(stored: &BillingInsurance, confirmed: &BillingInsurance) -> bool {
    differences(stored, confirmed)
        .iter()
        .any(|d| matches!(d.field, BillingField::InsurerNumber | BillingField::Symbol | BillingField::Number))
}

/// The day an old insurance ends when a new one starts on `new_from`.
pub fn closing_day(new_from: NaiveDate) -> Option<NaiveDate> {
    new_from.pred_opt()
}
