//! Answering a 資格確認 from the population, and picking sample people.

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::codes::{
    CardClassification, LimitCategory, LimitCertificateClassification, LossReason, Relationship,
    Sex, SpecificDisease, Validity,
};
use madoguchi_core::digits::{compact, to_halfwidth};
use madoguchi_core::{
    CardDetails, CertificateConsents, ConsentAnswer, CopayRatio, ElderlyCertificate, EligibilityQuery,
    EligibilityResult, InsurerNumber, LimitCertificate, MedicalTicket, Notice, Person, ProcessingError,
    Qualification, ReferenceClassification, ResultSource, SpecificDiseaseCertificate,
};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::generate::Population;
use crate::Error;

/// The message the national system gives when no qualification matches.
pub const NOT_FOUND_MESSAGE: &str = "入力された被保険者情報に該当する資格情報が存在しません。";
/// The message for several matches (a card without 枝番 shared by a household).
pub const MULTIPLE_MESSAGE: &str =
    "入力された被保険者情報に該当する資格情報が複数存在します。枝番を入力してください。";

/// A request that cannot be answered because it is malformed (HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRequest {
    pub code: &'static str,
    pub message: String,
}

/// One qualification row with its person.
pub(crate) struct Found {
    pub(crate) person: Person,
    pub(crate) qualification: Qualification,
    pub(crate) newer_from: Option<NaiveDate>,
    /// What this person shows at the desk beyond the card (the people
    /// `madoguchi-training list --medical-aid/--notice/--consent` finds).
    pub(crate) special: Special,
}

/// The training population's people for particular cases at the desk.
#[derive(Debug, Clone, Default)]
pub(crate) struct Special {
    /// 医療扶助: the 医療券 the welfare office issues each month, its month
    /// and period left out (filled for the month asked about); `None` for a
    /// 医療扶助 person without a ticket (有効（未登録）).
    pub(crate) ticket: Option<MedicalTicket>,
    /// How this person answers every consent question at the card reader
    /// (OQSCD016), for the categories the tap does not say are given.
    pub(crate) consent: Option<ConsentAnswer>,
    /// A notice the national system sends with this person's answers.
    pub(crate) notice: Option<Notice>,
}

impl Found {
    /// The 医療券 of the month of `on`: valid from the first to the last day
    /// of that month (from the qualification's start when later).
    pub(crate) fn tickets_on(&self, on: NaiveDate) -> Vec<MedicalTicket> {
        use chrono::{Datelike, Months};
        let Some(template) = &self.special.ticket else {
            return Vec::new();
        };
        let first = on.with_day(1).expect("day 1");
        let last = first + Months::new(1) - chrono::Days::new(1);
        let from = self.qualification.valid_from.map_or(first, |f| f.max(first));
        vec![MedicalTicket {
            valid_from: Some(from),
            valid_until: Some(last),
            treatment_month: Some(first),
            ..template.clone()
        }]
    }
}

fn date(row: &Row<'_>, col: &str) -> rusqlite::Result<Option<NaiveDate>> {
    let s: Option<String> = row.get(col)?;
    Ok(s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()))
}

pub(crate) const SELECT: &str = "SELECT q.*, p.name, p.name_kana, p.name_other, p.name_other_kana,
        p.sex, p.birth_date, p.address, p.post_number
    FROM qualifications q JOIN persons p ON p.id = q.person_id";

pub(crate) fn found(row: &Row<'_>, with_limit: bool) -> rusqlite::Result<Found> {
    let code = |col: &str| -> rusqlite::Result<Option<String>> { row.get(col) };
    let sex: i64 = row.get("sex")?;
    let person = Person {
        name: row.get("name")?,
        name_kana: row.get("name_kana")?,
        name_other: row.get("name_other")?,
        name_other_kana: row.get("name_other_kana")?,
        sex: Sex::from_code(&sex.to_string()).unwrap_or(Sex::Unset),
        birth_date: date(row, "birth_date")?.unwrap_or_default(),
        address: row.get("address")?,
        post_number: row.get("post_number")?,
    };
    let elderly = match row.get::<_, Option<u8>>("elderly_copay")? {
        Some(c) => Some(ElderlyCertificate {
            issued_on: date(row, "elderly_issued_on")?,
            valid_from: date(row, "elderly_from")?,
            valid_until: date(row, "elderly_until")?,
            copay: Some(CopayRatio(c)),
        }),
        None => None,
    };
    let limit = match (with_limit, code("limit_category")?) {
        (true, Some(cat)) => Some(LimitCertificate {
            classification: code("limit_classification")?
                .and_then(|c| LimitCertificateClassification::from_code(&c)),
            category: LimitCategory::from_code(&cat),
            issued_on: date(row, "limit_issued_on")?,
            valid_from: date(row, "limit_from")?,
            valid_until: date(row, "limit_until")?,
            long_term_from: None,
        }),
        _ => None,
    };
    let specific_diseases = match code("disease")?.and_then(|c| SpecificDisease::from_code(&c)) {
        Some(disease) => vec![SpecificDiseaseCertificate {
            disease,
            issued_on: date(row, "disease_issued_on")?,
            valid_from: date(row, "disease_from")?,
            valid_until: date(row, "disease_until")?,
            self_pay_limit: row.get("disease_self_pay")?,
        }],
        None => Vec::new(),
    };
    let qualification = Qualification { qualified_on: None, disqualified_on: None, 
        insurer_number: InsurerNumber::from_trusted(row.get::<_, String>("insurer_number")?),
        insurer_name: row.get("insurer_name")?,
        symbol: row.get("symbol")?,
        number: row.get("number")?,
        branch: row.get("branch")?,
        card_classification: code("card_classification")?
            .and_then(|c| CardClassification::from_code(&c)),
        relationship: code("relationship")?.and_then(|c| Relationship::from_code(&c)),
        issued_on: date(row, "issued_on")?,
        valid_from: date(row, "valid_from")?,
        valid_until: date(row, "valid_until")?,
        copay: row.get::<_, Option<u8>>("copay")?.map(CopayRatio),
        preschool: row.get("preschool")?,
        loss_reason: code("loss_reason")?.and_then(|c| LossReason::from_code(&c)),
        elderly,
        limit,
        specific_diseases,
        public_expenses: Vec::new(),
        // For the day asked about: see [`Found::tickets_on`].
        medical_tickets: Vec::new(),
        reference_number: row.get("reference_number")?,
    };
    let special = Special {
        ticket: row
            .get::<_, Option<String>>("medical_ticket")?
            .and_then(|j| serde_json::from_str(&j).ok()),
        consent: code("consent_answer")?.and_then(|c| ConsentAnswer::from_code(&c)),
        notice: match (code("notice_code")?, code("notice_message")?) {
            (None, None) => None,
            (code, message) => Some(Notice { code, message }),
        },
    };
    Ok(Found {
        person,
        qualification,
        newer_from: date(row, "newer_from")?,
        special,
    })
}

/// The validity of one qualification on `on`: a valid 医療扶助 one without
/// a ticket for the month is 有効（未登録） (code 6, 医療扶助 only).
pub(crate) fn validity_of(f: &Found, on: NaiveDate) -> Validity {
    match validity_on(&f.qualification, f.newer_from, on) {
        Validity::Valid if f.qualification.is_medical_aid() && f.special.ticket.is_none() => {
            Validity::ValidUnregistered
        }
        v => v,
    }
}

/// The validity of one qualification's card on `on`.
pub(crate) fn validity_on(q: &Qualification, newer_from: Option<NaiveDate>, on: NaiveDate) -> Validity {
    let started = q.valid_from.is_none_or(|f| f <= on);
    let ended = q.valid_until.is_some_and(|u| u < on);
    if started && !ended {
        return Validity::Valid;
    }
    if newer_from.is_some_and(|n| n <= on) {
        Validity::InvalidNewQualification
    } else {
        Validity::Invalid
    }
}

/// The card details as the service compares them: half-width, no spaces, 枝番
/// two digits.
fn normalise(card: &CardDetails) -> Result<(String, String, String, Option<String>), BadRequest> {
    let insurer = compact(card.insurer_number.as_str());
    if !(insurer.len() == 6 || insurer.len() == 8) || !insurer.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BadRequest {
            code: "invalid_insurer_number",
            message: format!(
                "保険者番号は6桁または8桁の数字で入力してください（受信: {:?}）",
                card.insurer_number.as_str()
            ),
        });
    }
    let symbol = compact(&to_halfwidth(&card.symbol));
    let number = compact(&card.number);
    if number.is_empty() {
        return Err(BadRequest {
            code: "invalid_number",
            message: "被保険者番号が入力されていません".into(),
        });
    }
    let branch = match card.branch.as_deref().map(compact) {
        None => None,
        Some(b) if b.is_empty() => None,
        Some(b) if b.len() <= 2 && b.bytes().all(|c| c.is_ascii_digit()) => {
            Some(format!("{b:0>2}"))
        }
        Some(b) => {
            return Err(BadRequest {
                code: "invalid_branch",
                message: format!("枝番は2桁の数字で入力してください（受信: {b:?}）"),
            })
        }
    };
    Ok((insurer, symbol, number, branch))
}

/// The consent answer a person gives at the card reader when it is a fixed
/// one (the training population's people for each OQSCD016 code).
pub(crate) fn consent_answer_of(conn: &Connection, card: &CardDetails) -> Result<Option<ConsentAnswer>, Error> {
    let Ok((insurer, symbol, number, branch)) = normalise(card) else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT consent_answer FROM qualifications WHERE insurer_number = ?1 AND symbol = ?2
            AND number = ?3 AND (?4 IS NULL OR branch = ?4) AND consent_answer IS NOT NULL",
    )?;
    let code: Option<String> = stmt
        .query_row(rusqlite::params![insurer, symbol, number, branch], |r| r.get(0))
        .optional()?;
    Ok(code.and_then(|c| ConsentAnswer::from_code(&c)))
}

/// Answers one 資格確認 (card details typed in) as the national system would.
pub fn confirm(
    conn: &Connection,
    query: &EligibilityQuery,
    confirmed_at: NaiveDateTime,
) -> Result<Result<EligibilityResult, BadRequest>, Error> {
    let (insurer, symbol, number, branch) = match normalise(&query.card) {
        Ok(n) => n,
        Err(bad) => return Ok(Err(bad)),
    };
    let on = query.confirmation_date.unwrap_or(confirmed_at.date());
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE q.insurer_number = ?1 AND q.symbol = ?2 AND q.number = ?3
            AND (?4 IS NULL OR q.branch = ?4) AND p.birth_date = ?5"
    ))?;
    let rows = stmt.query_map(
        rusqlite::params![
            insurer,
            symbol,
            number,
            branch,
            query.card.birth_date.to_string()
        ],
        |r| found(r, query.limit_certificate_consent),
    )?;
    let mut matches = Vec::new();
    for r in rows {
        matches.push(r?);
    }
    let mut result = EligibilityResult { notices: Vec::new(), limit_certificate_changed: None, 
        confirmed_at,
        confirmation_date: on,
        reference: Some(ReferenceClassification::CardDetails),
        validity: Validity::NotFound,
        error: None,
        asked: Some(query.card.clone()),
        person: None,
        qualification: None,
        consents: Vec::new(),
        certificate_consents: CertificateConsents { specific_diseases_answer: None, 
            limit_certificate: Some(query.limit_certificate_consent),
            limit_certificate_at: query.limit_certificate_consent.then_some(confirmed_at),
            specific_diseases: None,
            specific_diseases_at: None,
        },
        electronic_prescription: None,
        source: ResultSource::TrainingService,
        missing: Vec::new(),
    };
    match matches.len() {
        0 => {
            result.error = Some(ProcessingError {
                code: Some("not_found".into()),
                message: Some(NOT_FOUND_MESSAGE.into()),
            });
        }
        1 => {
            let f = matches.pop().expect("one match");
            result.validity = validity_of(&f, on);
            if result.validity.is_valid() {
                result.notices.extend(f.special.notice.clone());
            }
            let mut q = f.qualification.clone();
            if result.validity == Validity::Valid {
                q.medical_tickets = f.tickets_on(on);
            }
            result.person = Some(f.person);
            result.qualification = Some(q);
        }
        _ => {
            result.validity = Validity::MultipleFound;
            result.error = Some(ProcessingError {
                code: Some("multiple_found".into()),
                message: Some(MULTIPLE_MESSAGE.into()),
            });
        }
    }
    Ok(Ok(result))
}

/// Which particular people to list ([`Population::special_on`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialFilter {
    /// 医療扶助 people (A1), with a ticket or 有効（未登録）.
    MedicalAid,
    /// People whose answer carries a notice.
    Notice,
    /// People who give this consent answer at the card reader.
    Consent(ConsentAnswer),
}

/// One person as `madoguchi-training list` shows them: what to type at the
/// desk and what the service will answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamplePerson {
    pub insurer_number: String,
    pub symbol: String,
    pub number: String,
    /// 枝番 (two digits; empty for a card without one)
    pub branch: String,
    pub birth_date: NaiveDate,
    pub name: String,
    pub name_kana: String,
    pub sex: Sex,
    pub address: String,
    pub insurer_name: String,
    /// What `POST /api/v1/eligibility` answers for this card on the sampling day.
    pub expected_validity: Validity,
    /// The copay at the counter (the elderly certificate's when there is one).
    pub copay_percent: Option<u8>,
    /// 医療扶助 (InsuredCardClassification A1): 保険者番号 is the
    /// 公費負担者番号, 番号 the 受給者番号.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub medical_aid: bool,
    /// The consent answer (OQSCD016 code) this person gives at the card
    /// reader, when it is a fixed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<String>,
    /// The notice the national system sends with this person's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

impl SamplePerson {
    fn from_found(f: Found, on: NaiveDate) -> SamplePerson {
        let validity = validity_of(&f, on);
        let medical_aid = f.qualification.is_medical_aid();
        let consent = f.special.consent.map(|a| a.code().to_string());
        let notice = f.special.notice.as_ref().and_then(|n| n.message.clone().or(n.code.clone()));
        let q = f.qualification;
        let copay = q.elderly.as_ref().and_then(|e| e.copay).or(q.copay);
        SamplePerson {
            insurer_number: q.insurer_number.as_str().to_string(),
            symbol: q.symbol,
            number: q.number,
            branch: q.branch.unwrap_or_default(),
            birth_date: f.person.birth_date,
            name: f.person.name,
            name_kana: f.person.name_kana.unwrap_or_default(),
            sex: f.person.sex,
            address: f.person.address.unwrap_or_default(),
            insurer_name: q.insurer_name.unwrap_or_default(),
            expected_validity: validity,
            copay_percent: copay.map(|c| c.0),
            medical_aid,
            consent,
            notice,
        }
    }
}

impl Population {
    /// Answers one query (see [`confirm`]).
    pub fn confirm(
        &self,
        query: &EligibilityQuery,
        confirmed_at: NaiveDateTime,
    ) -> Result<Result<EligibilityResult, BadRequest>, Error> {
        confirm(&self.connect()?, query, confirmed_at)
    }

    /// Every qualification of the population with its person, in id order,
    /// as the service answers on `on` (`madoguchi-training export`).
    pub fn export_on(
        &self,
        on: NaiveDate,
        mut each: impl FnMut(SamplePerson) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let conn = self.connect()?;
        let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY q.id"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            each(SamplePerson::from_found(found(r, false)?, on))?;
        }
        Ok(())
    }

    /// The people of one particular case, in id order, as the service
    /// answers on `on` (`madoguchi-training list --medical-aid`, …).
    pub fn special_on(&self, filter: SpecialFilter, on: NaiveDate) -> Result<Vec<SamplePerson>, Error> {
        let conn = self.connect()?;
        let (cond, arg) = match filter {
            SpecialFilter::MedicalAid => ("q.special = 'medical_aid'", None),
            SpecialFilter::Notice => ("q.notice_message IS NOT NULL OR q.notice_code IS NOT NULL", None),
            SpecialFilter::Consent(a) => ("q.consent_answer = ?1", Some(a.code())),
        };
        let mut stmt = conn.prepare(&format!("{SELECT} WHERE {cond} ORDER BY q.id"))?;
        let rows: Vec<Found> = match arg {
            Some(a) => stmt.query_map([a], |r| found(r, false))?.collect::<Result<_, _>>()?,
            None => stmt.query_map([], |r| found(r, false))?.collect::<Result<_, _>>()?,
        };
        Ok(rows.into_iter().map(|f| SamplePerson::from_found(f, on)).collect())
    }

    /// `n` people spread over the population, valid ones first, then (for
    /// `n` ≥ 3) one with a newer qualification, one lost, one expired — as
    /// the service answers on `on`.
    pub fn sample_on(&self, n: usize, on: NaiveDate) -> Result<Vec<SamplePerson>, Error> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let conn = self.connect()?;
        let on_s = on.to_string();
        let specials_wanted = (n.saturating_sub(1) / 2).min(3);
        let special_queries = [
            "q.newer_from IS NOT NULL AND q.newer_from <= ?1",
            "q.loss_reason IS NOT NULL AND q.newer_from IS NULL AND q.valid_until < ?1",
            "q.loss_reason IS NULL AND q.valid_until < ?1",
        ];
        let mut specials = Vec::new();
        for cond in special_queries.iter().take(specials_wanted) {
            let mut stmt = conn.prepare(&format!("{SELECT} WHERE {cond} ORDER BY q.id LIMIT 1"))?;
            let mut rows = stmt.query_map([&on_s], |r| found(r, false))?;
            if let Some(f) = rows.next() {
                specials.push(SamplePerson::from_found(f?, on));
            }
        }
        let valid_wanted = n - specials.len();
        // The households only: the people for particular cases (see
        // [`Population::special_on`]) are found by their own filters.
        let total: i64 = conn.query_row(
            "SELECT coalesce(max(id), 0) FROM qualifications WHERE special IS NULL",
            [],
            |r| r.get(0),
        )?;
        let mut valid = Vec::new();
        if total > 0 {
            // A fixed stride (not one that depends on `n`), so that a larger
            // sample starts with the people of a smaller one.
            const LAP: i64 = 97;
            let step = (total / LAP).max(1);
            let mut stmt = conn.prepare(&format!("{SELECT} WHERE q.id = ?1"))?;
            let mut tried = 0i64;
            while valid.len() < valid_wanted && tried < total {
                let id = (tried % LAP) * step + tried / LAP + 1;
                tried += 1;
                if id > total {
                    continue;
                }
                let mut rows = stmt.query_map([id], |r| found(r, false))?;
                if let Some(f) = rows.next() {
                    let p = SamplePerson::from_found(f?, on);
                    if p.expected_validity == Validity::Valid {
                        valid.push(p);
                    }
                }
            }
        }
        valid.extend(specials);
        Ok(valid)
    }
}
