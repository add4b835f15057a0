//! # madoguchi-core
//!
//! The domain of オンライン資格確認 (online eligibility confirmation) as pure
//! data and functions: no I/O, no clock, no database, no network. Time comes in
//! as an argument. Everything here compiles to wasm32 as well, so the UI shares
//! these serde types with the backend.
//!
//! Words follow the field (see the glossary in ARCHITECTURE.md):
//! 資格確認 = eligibility check, 保険者番号 = insurer number, 記号・番号・枝番 =
//! card symbol, number and branch, 負担割合 = copay ratio, 限度額適用区分 = limit
//! category, 同意 = consent.

pub mod checkup;
pub mod clinical;
pub mod appointments;
pub mod billing;
pub mod codes;
pub mod digits;
pub mod eligibility;
pub mod home_visit;
pub mod replay;
pub mod resolution;
pub mod timeline;
pub mod validation;
pub mod wareki;

pub use eligibility::*;
pub mod audit;
pub mod consent;
pub mod disaster;
pub mod matching;
pub mod message;
pub mod medical;
pub mod staff;
