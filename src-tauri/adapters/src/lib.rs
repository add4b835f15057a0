//! # madoguchi-adapters
//!
//! One module per outside format, each the only place that knows it:
//! - [`http`]: the JSON API of the training service (and any compatible service),
//! - [`store`]: the SQLite schema and queries,
//! - [`oqs`]: the XML files of the OQS folder,
//! - [`csv`]: the CSV files: the appointment list read in (decoding, records),
//!   every CSV file the desk writes (with the formula guard),
//! - [`fhir`]: FHIR JP Core export (Patient, Coverage, insurer Organization).
//!
//! Above these modules everything speaks `madoguchi_core` types only.

pub mod gateway;
pub mod http;
pub mod oqs;
pub mod pdf;
pub mod store;
pub mod keystore;
pub mod backup;
pub mod accounts;
pub mod audit;
pub mod csv;
pub mod fhir;
pub mod input_file;
pub mod home_visit;
