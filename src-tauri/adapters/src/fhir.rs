//! FHIR JP Core export: a confirmed eligibility result as a Bundle of
//! `JP_Patient`, `JP_Coverage` and the insurer as `JP_Organization` — the
//! national exchange standard, for a billing system or another clinic.
//!
//! The only module that knows FHIR. Built with the `fhir-sdk` models (R4B,
//! 4.3.0) and their builders, never as hand-written JSON; the resources used
//! here have the same JSON in R4 (4.0.1), which JP Core is written against.
//!
//! Choices (see `docs/FHIR.md`):
//! * The insured-person key `保険者番号:記号:番号:枝番` is the Coverage's
//!   identifier under [`MEMBER_ID_SYSTEM`], in the form of JP-CLINS invariant
//!   R1013 (`^[0-9]{8}:[^:\s　]*:[^:\s　]*:(|[0-9]{2})$`): a 6-digit 国保 number
//!   is written with two leading zeros, spaces are dropped from 記号 and 番号.
//!   医療扶助 (生活保護, card classification A1, or a 公費 of 法別 12) is
//!   `公費負担者番号::受給者番号:`.
//! * Names: the kanji name and the kana name are two `HumanName`s told apart
//!   by the `iso21090-EN-representation` extension (IDE, SYL).
//! * Resource ids and `fullUrl`s are derived from the key (a hash), so the
//!   same patient exports to the same ids.

use fhir_sdk::r4b::codes::{AdministrativeGender, BundleType};
use fhir_sdk::r4b::resources::{BundleEntry, Coverage, Organization, Patient};
/// The models a Bundle is read back into (tests, and whoever imports one).
pub use fhir_sdk::r4b::resources::{Bundle, Resource};
use fhir_sdk::r4b::types::{
    Address, CodeableConcept, Coding, Extension, ExtensionValue, HumanName, Identifier, Meta, Period, Reference,
};
use fhir_sdk::{Date, DateTime};
use madoguchi_core::codes::{CardClassification, Relationship, Sex};
use madoguchi_core::eligibility::{EligibilityResult, Person, Qualification};
use sha2::{Digest, Sha256};

pub const PATIENT_PROFILE: &str = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient";
pub const COVERAGE_PROFILE: &str = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Coverage";
pub const ORGANIZATION_PROFILE: &str = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Organization";
/// The insured-person key (JP-CLINS).
pub const MEMBER_ID_SYSTEM: &str = "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID";
/// 保険者番号 (the OID JP Core uses for insurer numbers).
pub const INSURER_NUMBER_SYSTEM: &str = "urn:oid:1.2.392.100495.20.3.61";
pub const EXT_SYMBOL: &str = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol";
pub const EXT_NUMBER: &str = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber";
pub const EXT_SUB_NUMBER: &str = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber";
pub const EN_REPRESENTATION: &str = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";
/// 本人/家族 (被保険者区分: 1 被保険者, 2 被扶養者). *Unverified* URL: JP Core
/// names the InsuredPersonCategory code system; checked against nothing here.
pub const RELATIONSHIP_SYSTEM: &str = "http://jpfhir.jp/fhir/core/CodeSystem/JP_InsuredPersonCategory_CS";

/// Why a result cannot be exported.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FhirError {
    /// The result names no person or no qualification (an error answer).
    #[error("the result has no person or no qualification to export")]
    NothingToExport,
    /// A model refused a value (a bug here, said in words).
    #[error("FHIR model: {0}")]
    Model(String),
}

fn model<E: std::fmt::Display>(e: E) -> FhirError {
    FhirError::Model(e.to_string())
}

/// Removes white space (half- and full-width): R1013 forbids it in 記号 and 番号.
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A 6-digit 国保 insurer number with two leading zeros, as R1013 wants 8 digits.
fn insurer8(number: &str) -> String {
    let n = number.trim();
    if n.len() == 6 && n.chars().all(|c| c.is_ascii_digit()) {
        format!("00{n}")
    } else {
        n.to_string()
    }
}

/// Is this qualification 医療扶助 (生活保護)?
fn is_medical_aid(q: &Qualification) -> bool {
    q.card_classification == Some(CardClassification::MedicalAid)
}

/// The insured-person key in the form of JP-CLINS R1013.
pub fn member_id(q: &Qualification) -> String {
    if is_medical_aid(q) {
        // 公費負担者番号::受給者番号:
        return format!("{}::{}:", insurer8(q.insurer_number.as_str()), compact(&q.number));
    }
    let branch = q.branch.as_deref().map(compact).filter(|b| b.len() == 2 && b.chars().all(|c| c.is_ascii_digit()));
    format!(
        "{}:{}:{}:{}",
        insurer8(q.insurer_number.as_str()),
        compact(&q.symbol).replace(':', ""),
        compact(&q.number).replace(':', ""),
        branch.unwrap_or_default()
    )
}

/// Does `id` have the form of JP-CLINS invariant R1013
/// (`^[0-9]{8}:[^:\s　]*:[^:\s　]*:(|[0-9]{2})$`)?
pub fn is_r1013(id: &str) -> bool {
    let parts: Vec<&str> = id.split(':').collect();
    let [insurer, symbol, number, branch] = parts[..] else { return false };
    let free = |s: &str| !s.chars().any(|c| c.is_whitespace() || c == '　');
    insurer.len() == 8
        && insurer.chars().all(|c| c.is_ascii_digit())
        && free(symbol)
        && free(number)
        && (branch.is_empty() || (branch.len() == 2 && branch.chars().all(|c| c.is_ascii_digit())))
}

/// A stable `urn:uuid:` from a text (SHA-256, laid out as a UUID v8).
fn urn(kind: &str, key: &str) -> (String, String) {
    let h = Sha256::digest(format!("madoguchi:{kind}:{key}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let id = format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32]);
    (format!("urn:uuid:{id}"), id)
}

fn meta(profile: &str) -> Result<Meta, FhirError> {
    Meta::builder().profile(vec![Some(profile.to_string())]).build().map_err(model)
}

fn date(d: chrono::NaiveDate) -> Result<Date, FhirError> {
    d.format("%Y-%m-%d").to_string().parse::<Date>().map_err(model)
}

fn representation(code: &str) -> Result<Extension, FhirError> {
    Extension::builder()
        .url(EN_REPRESENTATION.to_string())
        .value(ExtensionValue::Code(code.to_string()))
        .build()
        .map_err(model)
}

/// A name in the form `family given` (a space, half- or full-width, between).
fn human_name(name: &str, representation_code: &str) -> Result<HumanName, FhirError> {
    let name = name.trim();
    let mut parts = name.splitn(2, |c: char| c.is_whitespace());
    let family = parts.next().unwrap_or_default().to_string();
    let given = parts.next().map(str::trim).filter(|g| !g.is_empty()).map(str::to_string);
    let text = match &given {
        Some(g) => format!("{family} {g}"),
        None => family.clone(),
    };
    let mut b = HumanName::builder()
        .extension(vec![representation(representation_code)?])
        .r#use(fhir_sdk::r4b::codes::NameUse::Official)
        .text(text)
        .family(family);
    if let Some(g) = given {
        b = b.given(vec![Some(g)]);
    }
    b.build().map_err(model)
}

fn patient(p: &Person, id: &str) -> Result<Patient, FhirError> {
    let mut names = vec![Some(human_name(&p.name, "IDE")?)];
    if let Some(kana) = p.name_kana.as_deref().filter(|k| !k.trim().is_empty()) {
        // Half-width kana (ﾔﾏﾀﾞ) as the full-width katakana receivers expect.
        let kana: String = unicode_normalization::UnicodeNormalization::nfkc(kana).collect();
        names.push(Some(human_name(&kana, "SYL")?));
    }
    let mut b = Patient::builder()
        .id(id.to_string())
        .meta(meta(PATIENT_PROFILE)?)
        .name(names)
        .gender(match p.sex {
            Sex::Male => AdministrativeGender::Male,
            Sex::Female => AdministrativeGender::Female,
            _ => AdministrativeGender::Unknown,
        })
        .birth_date(date(p.birth_date)?);
    if p.address.is_some() || p.post_number.is_some() {
        let mut a = Address::builder().r#use(fhir_sdk::r4b::codes::AddressUse::Home).country("JP".to_string());
        if let Some(text) = &p.address {
            a = a.text(text.clone());
        }
        if let Some(post) = &p.post_number {
            a = a.postal_code(post.clone());
        }
        b = b.address(vec![Some(a.build().map_err(model)?)]);
    }
    b.build().map_err(model)
}

fn insurer(q: &Qualification, id: &str) -> Result<Organization, FhirError> {
    let identifier = Identifier::builder()
        .system(INSURER_NUMBER_SYSTEM.to_string())
        .value(insurer8(q.insurer_number.as_str()))
        .build()
        .map_err(model)?;
    let mut b = Organization::builder().id(id.to_string()).meta(meta(ORGANIZATION_PROFILE)?).identifier(vec![Some(identifier)]);
    if let Some(name) = &q.insurer_name {
        b = b.name(name.clone());
    }
    b.build().map_err(model)
}

fn string_extension(url: &str, value: &str) -> Result<Extension, FhirError> {
    Extension::builder()
        .url(url.to_string())
        .value(ExtensionValue::String(value.to_string()))
        .build()
        .map_err(model)
}

fn coverage(r: &EligibilityResult, q: &Qualification, id: &str, patient_ref: &str, insurer_ref: &str) -> Result<Coverage, FhirError> {
    let identifier = Identifier::builder()
        .system(MEMBER_ID_SYSTEM.to_string())
        .value(member_id(q))
        .build()
        .map_err(model)?;
    let mut extensions = Vec::new();
    if !q.symbol.trim().is_empty() {
        extensions.push(string_extension(EXT_SYMBOL, q.symbol.trim())?);
    }
    if !q.number.trim().is_empty() {
        extensions.push(string_extension(EXT_NUMBER, q.number.trim())?);
    }
    if let Some(branch) = q.branch.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        extensions.push(string_extension(EXT_SUB_NUMBER, branch)?);
    }
    let reference = |r: &str| Reference::builder().reference(r.to_string()).build().map_err(model);
    let mut b = Coverage::builder()
        .id(id.to_string())
        .meta(meta(COVERAGE_PROFILE)?)
        .extension(extensions)
        .identifier(vec![Some(identifier)])
        .status(if r.validity.is_valid() { "active" } else { "cancelled" }.to_string())
        .beneficiary(reference(patient_ref)?)
        .payor(vec![Some(reference(insurer_ref)?)]);
    if let Some(rel) = q.relationship {
        let code = match rel {
            Relationship::Insured => "1",
            Relationship::Family => "2",
        };
        let coding = Coding::builder()
            .system(RELATIONSHIP_SYSTEM.to_string())
            .code(code.to_string())
            .display(rel.label_ja().to_string())
            .build()
            .map_err(model)?;
        b = b.relationship(CodeableConcept::builder().coding(vec![Some(coding)]).build().map_err(model)?);
    }
    if q.valid_from.is_some() || q.valid_until.is_some() {
        let mut p = Period::builder();
        if let Some(from) = q.valid_from {
            p = p.start(DateTime::Date(date(from)?));
        }
        if let Some(until) = q.valid_until {
            p = p.end(DateTime::Date(date(until)?));
        }
        b = b.period(p.build().map_err(model)?);
    }
    b.build().map_err(model)
}

/// The Bundle (type `collection`) of one result: JP_Patient, JP_Coverage and
/// the insurer as JP_Organization, as JSON.
pub fn eligibility_bundle(r: &EligibilityResult) -> Result<String, FhirError> {
    let (Some(p), Some(q)) = (&r.person, &r.qualification) else {
        return Err(FhirError::NothingToExport);
    };
    let key = member_id(q);
    let (patient_url, patient_id) = urn("patient", &key);
    let (coverage_url, coverage_id) = urn("coverage", &key);
    let (insurer_url, insurer_id) = urn("insurer", q.insurer_number.as_str());
    let entry = |url: &str, resource: Resource| {
        BundleEntry::builder().full_url(url.to_string()).resource(resource).build().map_err(model)
    };
    let (_, bundle_id) = urn("bundle", &format!("{key}@{}", r.confirmed_at));
    let bundle = Bundle::builder()
        .id(bundle_id)
        .r#type(BundleType::Collection)
        .entry(vec![
            Some(entry(&patient_url, Resource::Patient(patient(p, &patient_id)?))?),
            Some(entry(&coverage_url, Resource::Coverage(coverage(r, q, &coverage_id, &patient_url, &insurer_url)?))?),
            Some(entry(&insurer_url, Resource::Organization(insurer(q, &insurer_id)?))?),
        ])
        .build()
        .map_err(model)?;
    serde_json::to_string_pretty(&bundle).map_err(model)
}

/// Reads a Bundle (JSON) into the FHIR models: what a receiver does.
pub fn read_bundle(json: &str) -> Result<Bundle, FhirError> {
    serde_json::from_str(json).map_err(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The face fixture's qualification, with its card fields replaced.
    fn q(insurer: &str, symbol: &str, number: &str, branch: Option<&str>, aid: bool) -> Qualification {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/oqs/OQSsiquc01res_face_0001_20261120093012.xml");
        let crate::oqs::OqsDocument::Eligibility(r) = crate::oqs::parse_file(path).unwrap() else { panic!("an eligibility result") };
        let mut q = r.qualification.unwrap();
        q.insurer_number = madoguchi_core::eligibility::InsurerNumber::from_trusted(insurer);
        q.symbol = symbol.into();
        q.number = number.into();
        q.branch = branch.map(str::to_string);
        q.card_classification = aid.then_some(CardClassification::MedicalAid);
        q
    }

    #[test]
    fn the_member_id_has_the_form_of_r1013() {
        // (insurer, symbol, number, branch, medical aid, want)
        let table: &[(&str, &str, &str, Option<&str>, bool, &str)] = &[
            ("01130012", "中野1", "1001", Some("00"), false, "01130012:中野1:1001:00"),
            ("131151", "杉並", "6745425", Some("00"), false, "00131151:杉並:6745425:00"),
            ("06139999", "記号 01", "12　3", None, false, "06139999:記号01:123:"),
            ("39172013", "", "12345", Some(""), false, "39172013::12345:"),
            ("12136017", "", "1234567", None, true, "12136017::1234567:"),
        ];
        for (insurer, symbol, number, branch, aid, want) in table {
            let id = member_id(&q(insurer, symbol, number, *branch, *aid));
            assert_eq!(id, *want);
            assert!(is_r1013(&id), "{id}");
        }
        for bad in ["0113001:a:b:00", "01130012:a b:c:00", "01130012:a:b:0", "01130012:a:b", "01130012:a:　:00", "0113001x:a:b:"] {
            assert!(!is_r1013(bad), "{bad}");
        }
    }
}
