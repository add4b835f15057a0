//! 資格確認 (eligibility check): what is asked and what comes back.
//!
//! These types are the one contract between the desk UI, the Tauri commands,
//! the gateways (HTTP training service, OQS folder) and the local store. Their
//! serde form is the JSON of the training service's API and of `madoguchi check`.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::codes::{
    CardClassification, LimitCategory, LimitCertificateClassification, LossReason, Relationship,
    Sex, SpecificDisease, Validity,
};

/// 保険者番号 (insurer number), already validated: 8 digits, or 6 for 国保
/// (municipal national health insurance). Stored without the space padding the
/// OQS files use for 6-digit numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InsurerNumber(String);

impl InsurerNumber {
    /// Wraps digits that were already checked (see [`crate::validation`]).
    /// Use [`crate::validation::parse_insurer_number`] for anything a person typed.
    pub fn from_trusted(digits: impl Into<String>) -> Self {
        InsurerNumber(digits.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// 国保 numbers have 6 digits; all other insurers 8.
    pub fn is_kokuho(&self) -> bool {
        self.0.len() == 6
    }
    /// 法別番号 (the law/programme code): the first two digits of an 8-digit
    /// number. 国保 numbers have none.
    pub fn law_code(&self) -> Option<&str> {
        (self.0.len() == 8).then(|| &self.0[..2])
    }
    /// The 8-character form of the OQS files: 6-digit numbers left-padded with spaces.
    pub fn oqs_padded(&self) -> String {
        format!("{:>8}", self.0)
    }
}

impl std::fmt::Display for InsurerNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The card details staff type or a card carries: the question of a 資格確認.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CardDetails {
    /// 保険者番号
    pub insurer_number: InsurerNumber,
    /// 記号 (may be empty: some 国保 and 後期高齢者 cards have none)
    pub symbol: String,
    /// 番号
    pub number: String,
    /// 枝番 (2 digits; older cards have none)
    pub branch: Option<String>,
    /// 生年月日
    pub birth_date: NaiveDate,
}

impl CardDetails {
    /// The individual insured-person key `保険者番号:記号:番号:枝番` (as in JP-CLINS).
    pub fn person_key(&self) -> String {
        person_key(&self.insurer_number, &self.symbol, &self.number, self.branch.as_deref())
    }
}

/// `保険者番号:記号:番号:枝番` (枝番 empty when there is none): the one format of
/// the individual insured-person key, used by consent, the store and the desk.
pub fn person_key(insurer: &InsurerNumber, symbol: &str, number: &str, branch: Option<&str>) -> String {
    format!("{insurer}:{symbol}:{number}:{}", branch.unwrap_or(""))
}

/// How the question reached the national system (ReferenceClassification).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceClassification {
    /// 1: the マイナ保険証 on the card reader
    Card,
    /// 2: card details typed in (健康保険証 or 資格確認書)
    CardDetails,
}

/// Where a result came from; shown to staff so nobody mistakes a cached answer
/// for a fresh one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultSource {
    /// The training service over HTTP (研修モード).
    TrainingService,
    /// An HTTP service other than the embedded training one.
    HttpService,
    /// The OQS folder of the 資格確認端末.
    OqsFolder,
    /// A card tap on the face-recognition card reader (OQS `face/`).
    CardReader,
}

/// The person as the insurer records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// 氏名 (may contain `●` for characters outside the national character set)
    pub name: String,
    /// カナ氏名
    pub name_kana: Option<String>,
    /// 氏名（その他）: an alias, e.g. a registered common name
    pub name_other: Option<String>,
    pub name_other_kana: Option<String>,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub address: Option<String>,
    pub post_number: Option<String>,
}

/// 負担割合 (copay ratio) in percent: 10, 20 or 30 (1割, 2割, 3割).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CopayRatio(pub u8);

impl CopayRatio {
    /// 割 (tenths): 3 for 30 %.
    pub fn wari(self) -> u8 {
        self.0 / 10
    }
    /// The OQS form: three digits, `030` for 3割.
    pub fn to_oqs(self) -> String {
        format!("{:03}", self.0)
    }
    /// Reads the OQS form (`030`, `20`, `3`→ treated as 割 when < 10).
    pub fn from_oqs(s: &str) -> Option<Self> {
        let n: u8 = s.trim().parse().ok()?;
        match n {
            0 => None,
            1..=9 => Some(CopayRatio(n * 10)),
            10..=100 => Some(CopayRatio(n)),
            _ => None,
        }
    }
}

/// 高齢受給者証 (elderly recipient certificate, ages 70–74).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElderlyCertificate {
    pub issued_on: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub copay: Option<CopayRatio>,
}

/// 限度額適用認定証 information (limit category for high-cost medical care).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitCertificate {
    pub classification: Option<LimitCertificateClassification>,
    /// 適用区分 (ア…オ, 現役並みⅢ…一般Ⅰ)
    pub category: Option<LimitCategory>,
    pub issued_on: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// 長期入院該当年月日
    pub long_term_from: Option<NaiveDate>,
}

/// 特定疾病療養受療証 (specific disease certificate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecificDiseaseCertificate {
    pub disease: SpecificDisease,
    pub issued_on: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// 自己負担限度額 in yen
    pub self_pay_limit: Option<u32>,
}

/// 公費 (a public-expense programme): 公費負担者番号 and 受給者番号.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicExpense {
    /// 公費負担者番号 (8 digits with a check digit)
    pub payer_number: String,
    /// 受給者番号: 7 digits with a check digit for the national programmes;
    /// up to 30 characters for local ones (PMH, 自治体の医療費助成). See
    /// [`crate::validation::parse_recipient_number`].
    pub recipient_number: Option<String>,
    pub name: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

/// 医療券・調剤券別 (`TicketType`) of a 医療扶助 ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketType {
    /// 1 医療券 (*unverified* code)
    MedicalTicket,
    /// 2 調剤券 (*unverified* code)
    DispensingTicket,
    /// A code the desk does not know, kept as it came.
    Other(String),
}

impl TicketType {
    pub fn from_code(code: &str) -> TicketType {
        match code.trim() {
            "1" => TicketType::MedicalTicket,
            "2" => TicketType::DispensingTicket,
            other => TicketType::Other(other.to_string()),
        }
    }
    pub fn code(&self) -> &str {
        match self {
            TicketType::MedicalTicket => "1",
            TicketType::DispensingTicket => "2",
            TicketType::Other(c) => c,
        }
    }
    /// The message id of its words (`ticket-type-1`, …, `ticket-type-other`).
    pub fn message_id(&self) -> &'static str {
        match self {
            TicketType::MedicalTicket => "ticket-type-1",
            TicketType::DispensingTicket => "ticket-type-2",
            TicketType::Other(_) => "ticket-type-other",
        }
    }
}

/// 医療券・調剤券 of 医療扶助 (public medical aid under 生活保護), as the
/// national system gives it in `PublicExpenseResultList/MedicalTicketInfo`
/// (element names in the comments). Everything is optional: the answer is
/// taken as it comes and what it leaves out is said on the result
/// ([`EligibilityResult::missing`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MedicalTicket {
    /// 医療券・調剤券別 (`TicketType`)
    pub ticket_type: Option<TicketType>,
    /// 有効開始年月日 (`MedicalTicketValidDate`)
    pub valid_from: Option<NaiveDate>,
    /// 有効終了年月日 (`MedicalTicketExpirationDate`)
    pub valid_until: Option<NaiveDate>,
    /// 交付番号 (`IssueNumber`)
    pub issue_number: Option<String>,
    /// 診療年月 (`MedicalTreatmentMonth`, yyyyMM): the first day of the month.
    pub treatment_month: Option<NaiveDate>,
    /// 指定医療機関コード (`DesignatedMedicalInstitutionCode`)
    pub designated_institution_code: Option<String>,
    /// 指定医療機関確認フラグ (`DesignatedMedicalInstitutionFlag`), as it came
    pub designated_institution_flag: Option<String>,
    /// 指定医療機関名 (`DesignatedMedicalInstitutionName`)
    pub designated_institution_name: Option<String>,
    /// 処方箋発行元医療機関コード (`PrescriptionIssuerMedicalInstitutionCode`)
    pub prescribing_institution_code: Option<String>,
    /// 処方箋発行元医療機関名 (`PrescriptionIssuerMedicalInstitutionName`)
    pub prescribing_institution_name: Option<String>,
    /// 傷病名 1–3 (`InjuryName1`…`3`), in order, the empty ones left out
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub injury_names: Vec<String>,
    /// 診療別 (`MedicalTreatmentType`), as it came
    pub treatment_type: Option<String>,
    /// 本人支払額（自己負担額） in yen (`SelfPayAmount`)
    pub self_pay: Option<u32>,
    /// 地区担当員名 (`DistrictContactName`)
    pub district_contact: Option<String>,
    /// 取扱担当者名 (`HandlingContactName`)
    pub handling_contact: Option<String>,
    /// 単独・併用別 (`SingleOrCombinedUse`), as it came
    pub single_or_combined: Option<String>,
    /// 社会保険状況 (`StatusOfSocialInsurance`)
    pub social_insurance_status: Option<String>,
    /// 社会保険状況の整合性フラグ (`ConsistencyFlag`)
    pub consistency_flag: Option<String>,
    /// 感染症法第37条の2の該当状況 (`StatusOfInfecton`, so spelt)
    pub infectious_disease_status: Option<String>,
    /// 後期高齢者医療の該当状況 (`StatusOfElderlyMedicalCare`)
    pub elderly_care_status: Option<String>,
    /// 都道府県費の該当状況 (`StatusOfPrefecturalExpenses`)
    pub prefectural_expenses_status: Option<String>,
    /// 備考 1–3 (`Remarks1`…`3`), in order, the empty ones left out
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<String>,
}

impl MedicalTicket {
    /// Whether the ticket covers `on` (its period, else its treatment month).
    pub fn covers(&self, on: NaiveDate) -> bool {
        use chrono::Datelike;
        match (self.valid_from, self.valid_until) {
            (None, None) => self
                .treatment_month
                .is_none_or(|m| m.year() == on.year() && m.month() == on.month()),
            (from, until) => from.is_none_or(|f| f <= on) && until.is_none_or(|u| on <= u),
        }
    }
}

impl Qualification {
    /// The insured-person key of this qualification (see [`person_key`]).
    pub fn person_key(&self) -> String {
        person_key(&self.insurer_number, &self.symbol, &self.number, self.branch.as_deref())
    }
    /// 医療扶助 (`InsuredCardClassification` A1).
    pub fn is_medical_aid(&self) -> bool {
        self.card_classification == Some(CardClassification::MedicalAid)
    }
}

/// The qualification (資格) found: insurer, card and copay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualification {
    pub insurer_number: InsurerNumber,
    pub insurer_name: Option<String>,
    pub symbol: String,
    pub number: String,
    pub branch: Option<String>,
    pub card_classification: Option<CardClassification>,
    /// 本人 / 家族
    pub relationship: Option<Relationship>,
    /// 交付年月日
    pub issued_on: Option<NaiveDate>,
    /// 資格取得日 / 有効開始日
    pub valid_from: Option<NaiveDate>,
    /// 有効終了日 (資格喪失日の前日)
    pub valid_until: Option<NaiveDate>,
    /// 資格取得日 (`QualificationDate`): since when the person is insured
    /// here, which may be before the card was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualified_on: Option<NaiveDate>,
    /// 資格喪失日 (`DisqualificationDate`): the day the insurance ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disqualified_on: Option<NaiveDate>,
    pub copay: Option<CopayRatio>,
    /// 未就学
    pub preschool: bool,
    /// 喪失事由
    pub loss_reason: Option<LossReason>,
    pub elderly: Option<ElderlyCertificate>,
    pub limit: Option<LimitCertificate>,
    pub specific_diseases: Vec<SpecificDiseaseCertificate>,
    pub public_expenses: Vec<PublicExpense>,
    /// 医療扶助's 医療券・調剤券 (`PublicExpenseResultList/MedicalTicketInfo`),
    /// for a qualification of `InsuredCardClassification` A1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub medical_tickets: Vec<MedicalTicket>,
    /// 照会番号
    pub reference_number: Option<String>,
}

/// Categories of medical information a patient may consent to share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentCategory {
    /// 薬剤情報 (PharmacistsInfo)
    Medication,
    /// 特定健診等情報 (SpecificHealthCheckupsInfo)
    Checkups,
    /// 診療情報 (DiagnosisInfo)
    Clinical,
    /// 手術情報 (OperationInfo)
    Operations,
}

impl ConsentCategory {
    pub const ALL: [ConsentCategory; 4] = [
        ConsentCategory::Medication,
        ConsentCategory::Checkups,
        ConsentCategory::Clinical,
        ConsentCategory::Operations,
    ];
    /// The element-name stem in OQS responses (`<stem>ConsFlg` …).
    pub fn oqs_stem(self) -> &'static str {
        match self {
            ConsentCategory::Medication => "PharmacistsInfo",
            ConsentCategory::Checkups => "SpecificHealthCheckupsInfo",
            ConsentCategory::Clinical => "DiagnosisInfo",
            ConsentCategory::Operations => "OperationInfo",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentCategory::Medication => "medication",
            ConsentCategory::Checkups => "checkups",
            ConsentCategory::Clinical => "clinical",
            ConsentCategory::Operations => "operations",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

/// How the patient answered a consent question at the card reader (code
/// table OQSCD016 of the `…ConsFlg` elements). Only [`ConsentAnswer::Given`]
/// grants anything; the others are said in words, so that staff can tell a
/// consent that ran out from one the patient could not give or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentAnswer {
    /// 0 同意なし
    NotGiven,
    /// 1 同意あり
    Given,
    /// 2 同意有効期限切れ
    Expired,
    /// 3 同意取得困難
    Difficult,
}

impl ConsentAnswer {
    pub const ALL: [ConsentAnswer; 4] =
        [ConsentAnswer::NotGiven, ConsentAnswer::Given, ConsentAnswer::Expired, ConsentAnswer::Difficult];
    /// From the OQS code (`0`–`3`); anything else is no answer.
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == s.trim())
    }
    pub fn code(self) -> &'static str {
        match self {
            ConsentAnswer::NotGiven => "0",
            ConsentAnswer::Given => "1",
            ConsentAnswer::Expired => "2",
            ConsentAnswer::Difficult => "3",
        }
    }
    /// Whether the answer grants sharing: code 1 only.
    pub fn grants(self) -> bool {
        self == ConsentAnswer::Given
    }
    /// `not_given`, `given`, `expired`, `difficult` (message ids, CSS).
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentAnswer::NotGiven => "not_given",
            ConsentAnswer::Given => "given",
            ConsentAnswer::Expired => "expired",
            ConsentAnswer::Difficult => "difficult",
        }
    }
}

/// One consent flag as the card reader reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentFlag {
    pub category: ConsentCategory,
    /// Granted: the answer was 1 (同意あり), and nothing else.
    pub given: bool,
    /// The answer's code as the reader reported it (`given` is
    /// `answer == Some(Given)`); `None` where the source says only yes or no
    /// (the training service's JSON, results cached before this field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<ConsentAnswer>,
    /// `…ConsTime`
    pub given_at: Option<NaiveDateTime>,
    /// `…AvailableTime` (seen: given_at + 24 h)
    pub available_until: Option<NaiveDateTime>,
}

/// Other consents reported with an eligibility result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CertificateConsents {
    /// 限度額適用認定証関連情報の提供に同意 (LimitApplicationCertificateRelatedConsFlg)
    pub limit_certificate: Option<bool>,
    pub limit_certificate_at: Option<NaiveDateTime>,
    /// 特定疾病療養受療証関連情報 (SpecificDiseasesCertificateRelatedConsFlg):
    /// granted (code 1) or not (0, 2, 3).
    pub specific_diseases: Option<bool>,
    pub specific_diseases_at: Option<NaiveDateTime>,
    /// The answer's code (OQSCD016), where it was more than yes or no.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specific_diseases_answer: Option<ConsentAnswer>,
}

/// A notice the national system sent with a successful answer
/// (`ProcessingResultStatus` 1 with `ProcessingResultCode`/`Message`), e.g.
/// that the card's e-certificate expires within three months. Shown on the
/// result; it changes nothing about the eligibility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub code: Option<String>,
    pub message: Option<String>,
}

/// An error the national system (or the training service) reported for a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingError {
    pub code: Option<String>,
    pub message: Option<String>,
}

/// The answer to one 資格確認.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityResult {
    /// 処理実行日時: when the answering system produced this result.
    pub confirmed_at: NaiveDateTime,
    /// 資格確認日: the day the eligibility was confirmed for.
    pub confirmation_date: NaiveDate,
    pub reference: Option<ReferenceClassification>,
    pub validity: Validity,
    /// Set when the system reported a processing error (ProcessingResultStatus 2
    /// or SegmentOfResult 9).
    pub error: Option<ProcessingError>,
    /// The card details that were asked (echo), when known.
    pub asked: Option<CardDetails>,
    pub person: Option<Person>,
    pub qualification: Option<Qualification>,
    /// Medical-information consents reported with the result (card reader).
    pub consents: Vec<ConsentFlag>,
    pub certificate_consents: CertificateConsents,
    /// 処方箋発行形態: electronic (true) or paper (false)
    pub electronic_prescription: Option<bool>,
    pub source: ResultSource,
    /// Elements the answer left out that the desk normally shows
    /// (`ProcessExecutionTime`, `QualificationValidity`, `Name`, …), in the
    /// OQS names: the window says so as a warning on the result. Empty for a
    /// complete answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Notices sent with the answer (not errors).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    /// 一括照会 only (`LimitApplicationCertificateChanged`, OQSCD014): has the
    /// 限度額適用認定証 information changed since it was last asked?
    /// `Some(true)` is 1 変更あり（または判定不能）: staff look at the
    /// certificate again; `Some(false)` is 0 変更なし; `None` when the
    /// answer does not say (single checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_certificate_changed: Option<bool>,
}

impl EligibilityResult {
    /// The consent flag for one category, if the result reported it.
    pub fn consent(&self, category: ConsentCategory) -> Option<&ConsentFlag> {
        self.consents.iter().find(|c| c.category == category)
    }
    /// The copay that applies at the counter: the elderly certificate's ratio
    /// when there is one, else the card's.
    pub fn effective_copay(&self) -> Option<CopayRatio> {
        let q = self.qualification.as_ref()?;
        q.elderly
            .as_ref()
            .and_then(|e| e.copay)
            .or(q.copay)
    }
}

/// A service's error answer (JSON `{code, message}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceError {
    pub code: String,
    pub message: String,
}

/// The body of `POST /api/v1/eligibility` on the training service (and any
/// service speaking the same JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityQuery {
    pub card: CardDetails,
    /// The day to confirm for; the service's today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_date: Option<NaiveDate>,
    /// Whether the patient agreed to share 限度額適用認定証 information.
    #[serde(default)]
    pub limit_certificate_consent: bool,
}

/// `GET /api/v1/health`: who answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInfo {
    pub service: String,
    /// True for the training service: the desk shows the 研修モード badge.
    pub training: bool,
    pub people: u64,
    pub version: String,
}

/// One line of today's list at the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckSummary {
    pub id: i64,
    pub checked_at: NaiveDateTime,
    /// `保険者番号:記号:番号:枝番` of the card asked about.
    pub person_key: String,
    pub name: Option<String>,
    pub insurer_number: String,
    pub validity: Validity,
    pub copay: Option<CopayRatio>,
    pub source: ResultSource,
}
