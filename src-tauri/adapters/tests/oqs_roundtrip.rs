//! Property tests: writing a response and reading it back gives the same
//! domain value; no input, however broken, makes the reader panic.

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::oqs::{
    self, BatchReceipt, BatchResult, BatchResultRequest, Encoding, OqsDocument, OqsKind, ResponseHeader,
};
use madoguchi_core::codes::{
    CardClassification, LimitCategory, LimitCertificateClassification, LossReason, Relationship,
    Sex, SpecificDisease, Validity,
};
use madoguchi_core::medical::{
    Checkup, CheckupItem, CheckupResults, ClinicalEntry, Drug, Facility, MedicalPatientHeader,
    MedicationDay, MedicationHistory, MedicationMonth, MedicationSource, YearMonth,
};
use madoguchi_core::{
    CardDetails, CertificateConsents, ConsentAnswer, ConsentCategory, ConsentFlag, CopayRatio, ElderlyCertificate,
    EligibilityResult, InsurerNumber, LimitCertificate, MedicalTicket, Notice, Person, ProcessingError,
    Qualification, ReferenceClassification, ResultSource, SpecificDiseaseCertificate, TicketType,
};
use proptest::prelude::*;
use proptest::sample::select;

// ---------------------------------------------------------------------------
// Strategies

/// Free text as names and messages hold it: kanji (incl. Windows-31J-only 髙 and
/// ①, and 𠮷 outside it), kana, the `●` of unrepresentable characters, markup
/// characters, the ideographic space. No surrounding XML white space (the
/// reader trims it) and never empty (empty means absent).
fn text() -> BoxedStrategy<String> {
    let chars = select(vec![
        '山', '田', '髙', '﨑', '邊', '①', '𠮷', '●', 'ア', 'ｱ', 'ﾞ', 'a', 'Z', '0', '9', '&', '<',
        '>', '"', '\'', ';', '#', '　', '－', '〇', '～', '∑', 'é',
    ]);
    prop::collection::vec(chars, 1..10)
        .prop_map(|v| v.into_iter().collect())
        .boxed()
}

fn opt_text() -> BoxedStrategy<Option<String>> {
    prop::option::of(text()).boxed()
}

/// Card symbols and numbers as the reader normalises them: half-width.
fn card_part() -> BoxedStrategy<String> {
    prop_oneof![
        Just(String::new()),
        "[0-9A-Z-]{1,8}",
        Just("中野".to_string()),
        "[0-9]{1,3}記号"
    ]
    .boxed()
}

fn digits(n: usize) -> BoxedStrategy<String> {
    proptest::string::string_regex(&format!("[0-9]{{{n}}}"))
        .unwrap()
        .boxed()
}

fn insurer() -> BoxedStrategy<InsurerNumber> {
    prop_oneof![digits(6), digits(8)]
        .prop_map(InsurerNumber::from_trusted)
        .boxed()
}

fn date() -> BoxedStrategy<NaiveDate> {
    (1900i32..2100, 1u32..=366)
        .prop_map(|(y, o)| {
            NaiveDate::from_yo_opt(y, o).unwrap_or_else(|| NaiveDate::from_yo_opt(y, 365).unwrap())
        })
        .boxed()
}

fn datetime() -> BoxedStrategy<NaiveDateTime> {
    (date(), 0u32..86_400)
        .prop_map(|(d, s)| d.and_hms_opt(s / 3600, s / 60 % 60, s % 60).unwrap())
        .boxed()
}

fn copay() -> BoxedStrategy<CopayRatio> {
    select(vec![10u8, 20, 30]).prop_map(CopayRatio).boxed()
}

fn code_of<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> BoxedStrategy<T> {
    select(all.to_vec()).boxed()
}

fn card() -> BoxedStrategy<CardDetails> {
    (
        insurer(),
        card_part(),
        card_part(),
        prop::option::of(digits(2)),
        date(),
    )
        .prop_map(
            |(insurer_number, symbol, number, branch, birth_date)| CardDetails {
                insurer_number,
                symbol,
                number,
                branch,
                birth_date,
            },
        )
        .boxed()
}

fn person() -> BoxedStrategy<Person> {
    (
        text(),
        opt_text(),
        opt_text(),
        opt_text(),
        code_of(Sex::ALL),
        date(),
        opt_text(),
        prop::option::of("[0-9]{3}-[0-9]{4}"),
    )
        .prop_map(
            |(
                name,
                name_kana,
                name_other,
                name_other_kana,
                sex,
                birth_date,
                address,
                post_number,
            )| Person {
                name,
                name_kana,
                name_other,
                name_other_kana,
                sex,
                birth_date,
                address,
                post_number,
            },
        )
        .boxed()
}

fn elderly() -> BoxedStrategy<ElderlyCertificate> {
    (
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(copay()),
    )
        .prop_map(
            |(issued_on, valid_from, valid_until, copay)| ElderlyCertificate {
                issued_on,
                valid_from,
                valid_until,
                copay,
            },
        )
        .boxed()
}

fn limit() -> BoxedStrategy<LimitCertificate> {
    (
        prop::option::of(code_of(LimitCertificateClassification::ALL)),
        prop::option::of(code_of(LimitCategory::ALL)),
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(date()),
    )
        .prop_map(
            |(classification, category, issued_on, valid_from, valid_until, long_term_from)| {
                LimitCertificate {
                    classification,
                    category,
                    issued_on,
                    valid_from,
                    valid_until,
                    long_term_from,
                }
            },
        )
        .boxed()
}

fn disease() -> BoxedStrategy<SpecificDiseaseCertificate> {
    (
        code_of(SpecificDisease::ALL),
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(0u32..100_000),
    )
        .prop_map(
            |(disease, issued_on, valid_from, valid_until, self_pay_limit)| {
                SpecificDiseaseCertificate {
                    disease,
                    issued_on,
                    valid_from,
                    valid_until,
                    self_pay_limit,
                }
            },
        )
        .boxed()
}

/// A 医療扶助 ticket: every element, each there or not; a ticket type the
/// desk does not know comes back as its code.
fn medical_ticket() -> BoxedStrategy<MedicalTicket> {
    let month = (1990i32..2100, 1u32..=12).prop_map(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1).unwrap());
    let a = (
        prop::option::of(prop_oneof![
            Just(TicketType::MedicalTicket),
            Just(TicketType::DispensingTicket),
            "[3-9A-Z]".prop_map(TicketType::Other),
        ]),
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of("[0-9]{1,12}"),
        prop::option::of(month),
        prop::option::of(digits(10)),
        prop::option::of("[0-9]"),
        opt_text(),
    );
    let b = (
        prop::option::of(digits(10)),
        opt_text(),
        prop::collection::vec(text(), 0..=3),
        prop::option::of("[0-9]"),
        prop::option::of(0u32..1_000_000),
        opt_text(),
        opt_text(),
    );
    let c = (
        prop::option::of("[0-9]"),
        prop::option::of("[0-9]"),
        prop::option::of("[0-9]"),
        prop::option::of("[0-9]"),
        prop::option::of("[0-9]"),
        prop::option::of("[0-9]"),
        prop::collection::vec(text(), 0..=3),
    );
    (a, b, c)
        .prop_map(|(a, b, c)| MedicalTicket {
            ticket_type: a.0,
            valid_from: a.1,
            valid_until: a.2,
            issue_number: a.3,
            treatment_month: a.4,
            designated_institution_code: a.5,
            designated_institution_flag: a.6,
            designated_institution_name: a.7,
            prescribing_institution_code: b.0,
            prescribing_institution_name: b.1,
            injury_names: b.2,
            treatment_type: b.3,
            self_pay: b.4,
            district_contact: b.5,
            handling_contact: b.6,
            single_or_combined: c.0,
            social_insurance_status: c.1,
            consistency_flag: c.2,
            infectious_disease_status: c.3,
            elderly_care_status: c.4,
            prefectural_expenses_status: c.5,
            remarks: c.6,
        })
        .boxed()
}

/// What the reader says a result's tickets leave out (the model of
/// `missing` for 医療扶助): each essential a ticket lacks, once, in order;
/// and a valid 医療扶助 answer without any ticket.
fn tickets_missing(q: Option<&Qualification>, validity: Validity) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let Some(q) = q else { return out };
    for t in &q.medical_tickets {
        let lacks = [
            ("TicketType", t.ticket_type.is_none()),
            ("MedicalTicketValidDate", t.valid_from.is_none()),
            ("MedicalTicketExpirationDate", t.valid_until.is_none()),
        ];
        for (name, lacking) in lacks {
            let name = format!("MedicalTicketInfo/{name}");
            if lacking && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    if q.card_classification == Some(CardClassification::MedicalAid)
        && q.medical_tickets.is_empty()
        && validity == Validity::Valid
    {
        out.push("PublicExpenseResultList/MedicalTicketInfo".into());
    }
    out
}

fn qualification() -> BoxedStrategy<Qualification> {
    let a = (
        insurer(),
        opt_text(),
        card_part(),
        card_part(),
        prop::option::of(digits(2)),
        prop::option::of(code_of(CardClassification::ALL)),
        prop::option::of(code_of(Relationship::ALL)),
    );
    let b = (
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(date()),
        prop::option::of(copay()),
        any::<bool>(),
        prop::option::of(code_of(LossReason::ALL)),
    );
    let c = (
        prop::option::of(elderly()),
        prop::option::of(limit()),
        prop::collection::vec(disease(), 0..3),
        prop::option::of(digits(12)),
        prop::option::of(date()),
        prop::option::of(date()),
        prop::collection::vec(medical_ticket(), 0..3),
    );
    (a, b, c)
        .prop_map(
            |(
                (
                    insurer_number,
                    insurer_name,
                    symbol,
                    number,
                    branch,
                    card_classification,
                    relationship,
                ),
                (issued_on, valid_from, valid_until, copay, preschool, loss_reason),
                (elderly, limit, specific_diseases, reference_number, qualified_on, disqualified_on, medical_tickets),
            )| Qualification {
                medical_tickets,
                qualified_on,
                disqualified_on,
                insurer_number,
                insurer_name,
                symbol,
                number,
                branch,
                card_classification,
                relationship,
                issued_on,
                valid_from,
                valid_until,
                copay,
                preschool,
                loss_reason,
                elderly,
                limit,
                specific_diseases,
                // no known OQS form: never written, never read
                public_expenses: Vec::new(),
                reference_number,
            },
        )
        .boxed()
}

fn consents() -> BoxedStrategy<Vec<ConsentFlag>> {
    let one = |c: ConsentCategory| {
        prop::option::of(
            (
                select(ConsentAnswer::ALL.to_vec()),
                prop::option::of(datetime()),
                prop::option::of(datetime()),
            )
                .prop_map(move |(answer, given_at, available_until)| ConsentFlag {
                    category: c,
                    given: answer.grants(),
                    // Every code (OQSCD016) comes back as it was written.
                    answer: Some(answer),
                    given_at,
                    available_until,
                }),
        )
    };
    (
        one(ConsentCategory::Medication),
        one(ConsentCategory::Checkups),
        one(ConsentCategory::Clinical),
        one(ConsentCategory::Operations),
    )
        .prop_map(|(a, b, c, d)| [a, b, c, d].into_iter().flatten().collect())
        .boxed()
}

fn certificate_consents() -> BoxedStrategy<CertificateConsents> {
    (
        prop::option::of(any::<bool>()),
        prop::option::of(datetime()),
        prop::option::of(select(ConsentAnswer::ALL.to_vec())),
        prop::option::of(datetime()),
    )
        .prop_map(
            |(limit_certificate, limit_certificate_at, specific_answer, specific_diseases_at)| {
                CertificateConsents {
                    limit_certificate,
                    limit_certificate_at,
                    specific_diseases: specific_answer.map(ConsentAnswer::grants),
                    specific_diseases_at,
                    specific_diseases_answer: specific_answer,
                }
            },
        )
        .boxed()
}

fn processing_error() -> BoxedStrategy<ProcessingError> {
    (prop::option::of("[A-Z0-9]{2,8}"), opt_text())
        .prop_map(|(code, message)| ProcessingError { code, message })
        .boxed()
}

fn eligibility() -> BoxedStrategy<EligibilityResult> {
    let a = (
        datetime(),
        date(),
        prop::option::of(select(vec![
            ReferenceClassification::Card,
            ReferenceClassification::CardDetails,
        ])),
        // `Unstated` is the desk's word for an answer without the element,
        // not a code an answer carries.
        code_of(Validity::ALL.split_last().expect("codes").1),
        prop::option::of(processing_error()),
        prop::option::of(card()),
    );
    let b = (
        prop::option::of(person()),
        prop::option::of(qualification()),
        consents(),
        certificate_consents(),
        prop::option::of(any::<bool>()),
        // A notice rides on an answer without an error (status 1).
        prop::option::of(processing_error()),
    );
    (a, b)
        .prop_map(
            |(
                (confirmed_at, confirmation_date, reference, validity, error, asked),
                (person, qualification, consents, certificate_consents, electronic_prescription, notice),
            )| EligibilityResult {
                notices: notice
                    .filter(|n| error.is_none() && (n.code.is_some() || n.message.is_some()))
                    .map(|n| Notice { code: n.code, message: n.message })
                    .into_iter()
                    .collect(),
                confirmed_at,
                confirmation_date,
                reference,
                validity,
                error,
                asked,
                person,
                consents,
                certificate_consents,
                electronic_prescription,
                source: if reference == Some(ReferenceClassification::Card) {
                    ResultSource::CardReader
                } else {
                    ResultSource::OqsFolder
                },
                missing: tickets_missing(qualification.as_ref(), validity),
                qualification,
                limit_certificate_changed: None,
            },
        )
        .boxed()
}

fn encoding() -> BoxedStrategy<Encoding> {
    select(vec![Encoding::ShiftJis, Encoding::Utf8]).boxed()
}

fn year_month() -> BoxedStrategy<YearMonth> {
    (1900u16..2100, 1u8..=12)
        .prop_map(|(y, m)| YearMonth::new(y, m).unwrap())
        .boxed()
}

fn drug() -> BoxedStrategy<Drug> {
    (
        opt_text(),
        opt_text(),
        opt_text(),
        prop::option::of("[0-9]{1,3}(\\.[0-9])?"),
        opt_text(),
        opt_text(),
        opt_text(),
        prop::option::of("[0-9]{1,3}"),
        prop::option::of("[0-9]{1,2}"),
    )
        .prop_map(
            |(
                code,
                name,
                ingredient,
                quantity,
                unit,
                usage,
                special_instruction,
                times,
                category,
            )| Drug {
                code,
                name,
                ingredient,
                quantity,
                unit,
                usage,
                special_instruction,
                times,
                category,
            },
        )
        .boxed()
}

fn clinical() -> BoxedStrategy<ClinicalEntry> {
    (
        opt_text(),
        prop::option::of(digits(9)),
        prop::option::of("[0-9]{2}"),
        opt_text(),
        opt_text(),
        opt_text(),
    )
        .prop_map(
            |(name, code, category, quantity, times, unit)| ClinicalEntry {
                name,
                code,
                category,
                quantity,
                times,
                unit,
            },
        )
        .boxed()
}

fn facility() -> BoxedStrategy<Facility> {
    (prop::option::of(digits(10)), opt_text())
        .prop_map(|(code, name)| Facility { code, name })
        .boxed()
}

fn month() -> BoxedStrategy<MedicationMonth> {
    let day = (
        prop::option::of(date()),
        prop::option::of(date()),
        prop::collection::vec(drug(), 0..3),
        // 診療行為 under the day, as real answers put them.
        prop::collection::vec(clinical(), 0..2),
    )
        .prop_map(|(dispensed_on, prescribed_on, drugs, clinical)| MedicationDay {
            dispensed_on,
            prescribed_on,
            drugs,
            clinical,
        });
    (
        select(vec![
            MedicationSource::Claims,
            MedicationSource::Prescription,
            MedicationSource::Dispensing,
        ]),
        prop::option::of(year_month()),
        facility(),
        facility(),
        (
            prop::option::of("[0-9]"),
            prop::option::of("[0-9]"),
            prop::option::of("[0-9]"),
        ),
        prop::collection::vec(day, 0..3),
        prop::collection::vec(clinical(), 0..2),
    )
        .prop_map(
            |(
                source,
                month,
                dispensing_facility,
                prescribing_facility,
                (dispensing_org, prescribing_org, in_out),
                days,
                clinical,
            )| {
                MedicationMonth {
                    source,
                    month,
                    dispensing_facility,
                    prescribing_facility,
                    dispensing_org,
                    prescribing_org,
                    in_out,
                    days,
                    clinical,
                }
            },
        )
        .boxed()
}

fn patient() -> BoxedStrategy<MedicalPatientHeader> {
    (
        opt_text(),
        opt_text(),
        prop::option::of(date()),
        prop::option::of(code_of(Sex::ALL)),
    )
        .prop_map(|(name, name_kana, birth_date, sex)| MedicalPatientHeader {
            name,
            name_kana,
            birth_date,
            sex,
        })
        .boxed()
}

fn medical_error() -> BoxedStrategy<Option<ProcessingError>> {
    // ResultCode 1 means success, so an error never carries it
    prop::option::of(
        (prop::option::of("[02-9A-Z][0-9A-Z]{0,5}"), opt_text())
            .prop_map(|(code, message)| ProcessingError { code, message }),
    )
    .boxed()
}

fn checkup() -> BoxedStrategy<Checkup> {
    let item = (
        "[0-9A-Z]{0,17}",
        opt_text(),
        prop::option::of(select(vec!["PQ".to_string(), "CD".into(), "ST".into()])),
        opt_text(),
        opt_text(),
        prop::option::of("[0-9.]{3,20}"),
        opt_text(),
    )
        .prop_map(
            |(code, name, data_type, value, unit, oid, value_name)| CheckupItem {
                code,
                name,
                data_type,
                value,
                unit,
                oid,
                value_name,
            },
        );
    (prop::option::of(date()), prop::collection::vec(item, 0..4))
        .prop_map(|(date, items)| Checkup { date, items })
        .boxed()
}

// ---------------------------------------------------------------------------
// Round trips

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 300,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn eligibility_response_round_trips(r in eligibility(), enc in encoding()) {
        let bytes = oqs::write_eligibility_response(&r, enc);
        let back = oqs::parse_bytes(OqsKind::EligibilityResponse, &bytes);
        prop_assert_eq!(back, Ok(OqsDocument::Eligibility(r.clone())), "{}", String::from_utf8_lossy(&bytes));
        let header = ResponseHeader { institution_code: Some("1312345678".into()), file_id: Some("F&1".into()) };
        let bytes = oqs::write_eligibility_response_with(&r, &header, enc);
        prop_assert_eq!(oqs::parse_named("unknown-name.xml", &bytes), Ok(OqsDocument::Eligibility(r)));
    }

    #[test]
    fn batch_response_round_trips(
        results in prop::collection::vec(eligibility(), 0..4),
        shared in prop::option::of((datetime(), date())),
        head in (prop::option::of("R[0-9]{6}"), prop::option::of(0u32..100), prop::option::of(0u32..100), prop::option::of(0u32..100), prop::option::of(processing_error())),
        in_progress in any::<bool>(),
        changed in prop::collection::vec(prop::option::of(any::<bool>()), 4),
        enc in encoding(),
    ) {
        let (reception_number, count, count_normal, count_error, error) = head;
        // 処理中 (SegmentOfResult 2) only where the batch did not fail (9).
        let in_progress = in_progress && error.is_none();
        // units usually share the header's time and date
        let results = results
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                if let (Some((t, d)), true) = (shared, i % 2 == 0) {
                    r.confirmed_at = t;
                    r.confirmation_date = d;
                }
                r.limit_certificate_changed = changed[i];
                r
            })
            .collect();
        let batch = BatchResult {
            in_progress,
            reception_number,
            processed_at: shared.map(|s| s.0),
            confirmation_date: shared.map(|s| s.1),
            count,
            count_normal,
            count_error,
            error,
            results,
        };
        let bytes = oqs::write_batch_response(&batch, &ResponseHeader::default(), enc);
        prop_assert_eq!(oqs::parse_bytes(OqsKind::BatchResponse, &bytes), Ok(OqsDocument::Batch(batch)));
    }

    #[test]
    fn batch_receipt_and_result_request_round_trip(
        reception in "[0-9]{1,20}",
        times in prop::option::of((datetime(), datetime())),
        institution in "[0-9]{10}",
        file_id in prop::option::of("[0-9]{12}"),
        error in prop::option::of(processing_error()),
        enc in encoding(),
    ) {
        let receipt = BatchReceipt {
            reception_number: Some(reception.clone()),
            received_at: times.map(|t| t.0),
            processed_at: times.map(|t| t.1),
            institution_code: Some(institution.clone()),
            file_id,
            error,
        };
        let bytes = oqs::write_batch_receipt(&receipt, enc);
        prop_assert_eq!(oqs::parse_bytes(OqsKind::BatchReceipt, &bytes), Ok(OqsDocument::BatchReceipt(receipt.clone())));
        prop_assert_eq!(oqs::parse_named("x.xml", &bytes), Ok(OqsDocument::BatchReceipt(receipt)));
        let fetch = BatchResultRequest { institution_code: institution, reception_number: reception };
        let bytes = oqs::write_batch_result_request(&fetch, enc);
        prop_assert_eq!(oqs::parse_bytes(OqsKind::BatchResultRequest, &bytes), Ok(OqsDocument::BatchResultRequest(fetch.clone())));
        prop_assert_eq!(oqs::parse_named("x.xml", &bytes), Ok(OqsDocument::BatchResultRequest(fetch)));
    }

    #[test]
    fn medication_response_round_trips(
        patient in patient(),
        months in prop::collection::vec(month(), 0..5),
        error in medical_error(),
        enc in encoding(),
    ) {
        let h = MedicationHistory { patient, months, error };
        let bytes = oqs::write_medication_response(&h, enc);
        prop_assert_eq!(oqs::parse_bytes(OqsKind::MedicationResponse, &bytes), Ok(OqsDocument::Medication(h.clone())));
        prop_assert_eq!(oqs::parse_named("x.xml", &bytes), Ok(OqsDocument::Medication(h)));
    }

    #[test]
    fn checkup_response_round_trips(
        patient in patient(),
        checkups in prop::collection::vec(checkup(), 0..4),
        error in medical_error(),
        enc in encoding(),
    ) {
        let c = CheckupResults { patient, checkups, error };
        let bytes = oqs::write_checkup_response(&c, enc);
        prop_assert_eq!(oqs::parse_bytes(OqsKind::CheckupResponse, &bytes), Ok(OqsDocument::Checkups(c)));
    }
}

// ---------------------------------------------------------------------------
// Never a panic

fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    let mut out = Vec::new();
    for dir in ["oqs", "external"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "xml") {
                out.push((
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn xmlish() -> BoxedStrategy<Vec<u8>> {
    let tokens = select(vec![
        "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<XmlMsg>",
        "</XmlMsg>",
        "<MessageHeader>",
        "</MessageHeader>",
        "<MessageBody>",
        "</MessageBody>",
        "<ResultList>",
        "<ResultOfQualificationConfirmation>",
        "</ResultOfQualificationConfirmation>",
        "<InsurerNumber>",
        "</InsurerNumber>",
        "<Birthdate>",
        "</Birthdate>",
        "<Name>",
        "</Name>",
        "<ProcessExecutionTime>",
        "</ProcessExecutionTime>",
        "<QualificationValidity>",
        "</QualificationValidity>",
        "<BulkConfirmUnit>",
        "</BulkConfirmUnit>",
        "<MeTrMonthInf>",
        "<CzDiInf>",
        "<CzDiMonthInf>",
        "<DiDateInf>",
        "<DrugInf>",
        "<SpecificHealthCheckupInfo>",
        "<EffectiveTime>",
        "<QuaInf>",
        "<Sex1>",
        "<PharmacistsInfoConsFlg>",
        "<QualificationConfirmSearchInfo>",
        "</QualificationConfirmSearchInfo>",
        "<SpecificDiseasesCertificateList>",
        "20261120",
        "20261120101010",
        "  123456",
        "1",
        "2",
        "9",
        "0",
        "202613",
        "&amp;",
        "&#0;",
        "&#x9AD9;",
        "&bogus;",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        "<a/>",
        "髙",
        "\u{FEFF}",
        " ",
        "\r\n",
        "<",
        ">",
        "&",
        "\"",
    ]);
    prop::collection::vec(tokens, 0..60)
        .prop_map(|v| v.concat().into_bytes())
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), kind in select(OqsKind::ALL.to_vec())) {
        let _ = oqs::parse_bytes(kind, &bytes);
        let _ = oqs::parse_named("x.xml", &bytes);
    }

    #[test]
    fn xml_like_soup_never_panics(bytes in xmlish(), kind in select(OqsKind::ALL.to_vec())) {
        let _ = oqs::parse_bytes(kind, &bytes);
        let r = oqs::parse_named("x.xml", &bytes);
        if let Err(e) = r {
            prop_assert_eq!(e.file, "x.xml");
        }
    }

    #[test]
    fn mutated_and_truncated_fixtures_never_panic(
        which in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        inserts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        truncate in any::<bool>(),
    ) {
        let files = fixture_files();
        let (name, mut bytes) = files[which.index(files.len())].clone();
        for (i, b) in flips {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        for (i, b) in inserts {
            let at = i.index(bytes.len() + 1);
            bytes.insert(at, b);
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        if let Err(e) = oqs::parse_named(&name, &bytes) {
            prop_assert_eq!(&e.file, &name);
            prop_assert!(!e.to_string().is_empty());
        }
        // under every kind, too
        for kind in OqsKind::ALL {
            let _ = oqs::parse_bytes(kind, &bytes);
        }
    }
}

#[test]
fn every_truncation_of_every_fixture_is_an_error() {
    for (name, bytes) in fixture_files() {
        // the root's end tag comes last: any file cut before its end is incomplete
        let end = bytes.windows(9).rposition(|w| w == b"</XmlMsg>").unwrap() + 9;
        for cut in 0..end {
            let e = oqs::parse_named(&name, &bytes[..cut]).expect_err("a cut file must not parse");
            assert_eq!(e.file, name);
        }
        assert!(
            oqs::parse_named(&name, &bytes[..end]).is_ok(),
            "{name} up to </XmlMsg>"
        );
    }
}
