//! Storage rows as the contract's wire types (`madoguchi_api`): a reply
//! never passes a store or audit-log row through, so a change of storage
//! cannot silently change what the window reads. One function per row.
//! Values of the pure core (an eligibility result, a replay's
//! `core::replay::Change`) are not rows: the contract re-exports them and
//! they cross as they are.

use madoguchi_adapters::{audit, home_visit, store};
use madoguchi_api as api;

/// A batch with its row counts.
pub fn batch_info(b: store::BatchInfo) -> api::batch::BatchInfo {
    use api::batch::BatchState as W;
    use store::BatchState as S;
    api::batch::BatchInfo {
        id: b.id,
        created_at: b.created_at,
        staff: b.staff,
        source_name: b.source_name,
        state: match b.state {
            S::Open => W::Open,
            S::Paused => W::Paused,
            S::Done => W::Done,
        },
        total: b.total,
        pending: b.pending,
        done: b.done,
        failed: b.failed,
        bad_rows: b.bad_rows,
    }
}

/// A consent as recorded.
pub fn recorded_consent(c: store::RecordedConsent) -> api::disaster::RecordedConsent {
    api::disaster::RecordedConsent {
        id: c.id,
        consent: c.consent,
        role: c.role,
        recorded_at: c.recorded_at,
        check_id: c.check_id,
    }
}

/// A recorded home visit.
pub fn home_visit(v: home_visit::HomeVisit) -> api::home_visit::HomeVisit {
    api::home_visit::HomeVisit {
        id: v.id,
        person_key: v.person_key,
        card: v.card,
        visited_at: v.visited_at,
        staff: v.staff,
        first_visit_id: v.first_visit_id,
        categories: v.categories,
        valid_until: v.valid_until,
        identity: v.identity,
        reader: v.reader,
        check_id: v.check_id,
        queued_id: v.queued_id,
        confirmed_at: v.confirmed_at,
    }
}

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
