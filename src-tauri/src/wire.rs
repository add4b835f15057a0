//! Storage rows as the contract's wire types (`madoguchi_api`): a reply
//! never passes a store or audit-log row through, so a change of storage
//! cannot silently change what the window reads. One function per row.
//! Values of the pure core are not rows — an eligibility result, a replay's
//! `Change`, a batch (`BatchInfo`), a `RecordedConsent`, a `HomeVisit`: the
//! store keeps them, the contract re-exports them, and they cross as they
//! are. What is left here are the rows that differ from what the window
//! reads (the audit entry's typed action, the local emergency).

use madoguchi_adapters::{audit, store};
use madoguchi_api as api;

/// An audit entry as stored (its action as its code).
pub fn audit_entry(e: audit::AuditEntry) -> api::audit::AuditEntry {
    api::audit::AuditEntry {
        seq: e.seq,
        at: e.at,
        staff_id: e.staff_id,
        role: e.role,
        action: e.action.code().to_string(),
        patient_key: e.patient_key,
        outcome: e.outcome,
        reason: e.reason,
        detail: e.detail,
        prev_hash: e.prev_hash,
        hash: e.hash,
    }
}

/// The local emergency in force, as the window is told of it.
pub fn local_emergency(e: store::EmergencyRow) -> api::disaster::LocalEmergency {
    api::disaster::LocalEmergency { declared_at: e.declared_at, declared_by: e.declared_by, reason: e.reason }
}
