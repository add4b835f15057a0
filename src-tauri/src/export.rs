//! Export of a patient's confirmed insurance in an exchange format
//! (`desk.export`): today a FHIR JP Core Bundle (`madoguchi_adapters::fhir`).
//! The same role check as seeing the patient's eligibility; every export,
//! and every refusal, audited under [`AuditAction::Export`].

use std::sync::Arc;

use chrono::NaiveDateTime;
use madoguchi_adapters::audit::AuditAction;
use madoguchi_adapters::fhir;
use madoguchi_core::audit::ExportFormat;
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::staff::Action;

use crate::audit_outcome::Outcome;
use crate::context::Context;
use crate::words::store_msg;

/// Exports (`desk.export`).
#[derive(Clone)]
pub struct Export {
    ctx: Arc<Context>,
}

impl Export {
    pub fn new(ctx: Arc<Context>) -> Export {
        Export { ctx }
    }

    /// The FHIR JP Core Bundle (JSON) of the patient `patient_key`
    /// (`保険者番号:記号:番号:枝番`) from the latest check this desk holds.
    pub fn fhir(&self, patient_key: &str, now: NaiveDateTime) -> Result<String, ApiError> {
        self.ctx.authorize(Action::CheckEligibility, Some(AuditAction::Export), now)?;
        let latest = self
            .ctx
            .store
            .lock()
            .unwrap()
            .latest_check_for(patient_key)
            .map_err(|e| ApiError::new(store_msg(&e)))?
            // In training mode, only the embedded population's patients.
            .filter(|l| self.ctx.training_may_show(l.id, &l.result))
            .ok_or_else(|| ApiError::new(Msg::new("print-no-patient").arg("key", patient_key)))?;
        let json = fhir::eligibility_bundle(&latest.result)
            .map_err(|e| ApiError::new(Msg::new("export-failed").arg("reason", e.to_string())))?;
        self.ctx.audit(AuditAction::Export, Some(patient_key.to_string()), Outcome::Exported(ExportFormat::Fhir), now);
        Ok(json)
    }
}
