//! The audit log for administrators (監査ログの閲覧): the entries newest
//! first with filters (period, staff, kind of action, patient key, result),
//! the chain's verification shown with them, and the CSV export.
//!
//! * Only an administrator views ([`Action::ViewAudit`]) or exports
//!   ([`Action::ExportAudit`]); anyone else is refused here, in the backend,
//!   with the reason (`staff-refused`, logged as `audit_view` / `audit_export`
//!   `denied`). Viewing and exporting are themselves logged.
//! * Every answer carries the chain's state ([`ChainState`]): intact, or
//!   broken at entry N and how — verified on every request, so what the
//!   administrator reads is never shown as trustworthy when it is not.
//! * The result is chosen in words ([`AuditQuery::result`], one of
//!   [`result_options`]: `audit_outcome::ResultChoice`), each finding
//!   exactly the entries it names, under their actions; the raw
//!   [`AuditQuery::outcome`] (a code or its kind) stays for callers that
//!   know the codes.
//! * The filters are typed by a person: dates as `2026-11-20`, `20261120`,
//!   `R8.11.20` (the core's `wareki::parse_date`), the period inclusive of
//!   both days; a bad date or a period that ends before it starts is refused
//!   with a message, nothing searched.
//! * The window shows the newest [`PAGE`] entries and says how many match;
//!   the CSV holds them all (`audit::export_csv_with_words`: UTF-8 with a
//!   BOM for Excel, CRLF), written like the batch report: into the Downloads
//!   folder, else the data folder, as `madoguchi-audit-YYYYMMDD-HHMMSS.csv`.
//! * Every outcome comes with its words ([`AuditRow::outcome_words`], both
//!   languages; the CSV's `outcome_words` column in the desk's language),
//!   from `crate::audit_outcome`; the stored code stays beside them, and a
//!   code this version does not know is shown as it is.
//! * At start-up the chain is verified ([`AuditView::audit_check_at_start`]); a
//!   broken chain is logged once per break (an `audit_chain_broken` entry,
//!   not repeated while the same break stands) and shown in the window.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::audit::{self, AuditAction, AuditEntry, AuditError, AuditFilter};
use madoguchi_core::message::{ApiError, FormProblem, Msg};
use madoguchi_core::staff::Action;

use crate::audit_outcome::{self, Outcome, OutcomeWords, ResultChoice, Who};
use madoguchi_i18n::Lang;
use crate::context::Context;
pub use madoguchi_api::audit::{AuditExport, AuditPage, AuditQuery, AuditRow, ChainState, ResultOption};

/// How many entries the viewer shows at most (the newest); the CSV has all.
pub const PAGE: usize = 500;

/// The audit action of the start-up report of a broken chain.
pub const CHAIN_BROKEN_ACTION: &str = AuditAction::ChainBroken.code();

/// Every result the viewer offers (`ResultChoice::ALL`, in its order).
pub fn result_options() -> Vec<ResultOption> {
    ResultChoice::ALL
        .iter()
        .map(|c| ResultOption {
            code: c.code().to_string(),
            words: OutcomeWords { ja: c.words(Lang::Ja), en: c.words(Lang::En) },
        })
        .collect()
}

/// The chain's state as the window shows it.
fn chain_state(result: Result<audit::VerifyReport, AuditError>) -> ChainState {
    match result {
        Ok(r) => ChainState::Intact { entries: r.entries, last_seq: r.last_seq },
        Err(e @ AuditError::Broken(b)) => ChainState::Broken {
            first_bad_seq: b.first_bad_seq,
            kind: b.kind.code().to_string(),
            message: e.message(),
        },
        Err(e) => ChainState::Unreadable { message: e.message() },
    }
}

/// An entry as the viewer shows it: the wire's copy, with its outcome in words.
pub fn audit_row(entry: AuditEntry) -> AuditRow {
    let outcome_words = audit_outcome::label(entry.action.code(), &entry.outcome);
    AuditRow { entry: crate::wire::audit_entry(entry), outcome_words }
}

fn date_problem(field: &str, input: &str) -> FormProblem {
    FormProblem {
        field: field.to_string(),
        message: Msg::new("audit-filter-date-invalid").arg("input", input.trim()),
    }
}

fn optional(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The typed filters as the audit module's filter, or every problem at once.
pub fn parse_query(q: &AuditQuery) -> Result<AuditFilter, ApiError> {
    let mut problems = Vec::new();
    let day = |s: &str, field: &str, problems: &mut Vec<FormProblem>| -> Option<NaiveDate> {
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        match madoguchi_core::wareki::parse_date(t) {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(date_problem(field, t));
                None
            }
        }
    };
    let from = day(&q.from, "from", &mut problems);
    let to = day(&q.to, "to", &mut problems);
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            problems.push(FormProblem { field: "to".into(), message: Msg::new("audit-filter-period-reversed") });
        }
    }
    // An action this version writes (the viewer lists them: `AuditPage::actions`).
    let action_code = q.action.trim();
    let action = if action_code.is_empty() {
        None
    } else {
        let a = AuditAction::parse(action_code);
        if a.is_none() {
            problems.push(FormProblem {
                field: "action".into(),
                message: Msg::new("audit-filter-action-unknown").arg("input", action_code),
            });
        }
        a
    };
    let result = q.result.trim();
    let outcomes = if result.is_empty() {
        Vec::new()
    } else {
        match ResultChoice::from_code(result) {
            Some(c) => c.matches(),
            None => {
                problems.push(FormProblem {
                    field: "result".into(),
                    message: Msg::new("audit-filter-result-unknown").arg("input", result),
                });
                Vec::new()
            }
        }
    };
    if !problems.is_empty() {
        return Err(ApiError::form(Msg::new("audit-filter-invalid"), problems));
    }
    Ok(AuditFilter {
        outcomes,
        from: from.and_then(|d| d.and_hms_opt(0, 0, 0)),
        to: to.and_then(|d| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)),
        staff_id: optional(&q.staff_id),
        action,
        patient_key: optional(&q.patient_key).map(|k| madoguchi_core::digits::to_halfwidth(&k)),
        outcome: optional(&q.outcome),
    })
}

fn audit_err(e: AuditError) -> ApiError {
    ApiError::new(e.message())
}

/// The audit viewer: the chain's state, a page of entries, the CSV export (administrators only, logged). Over the context alone.
pub struct AuditView {
    ctx: std::sync::Arc<Context>,
}

impl AuditView {
    pub fn new(ctx: std::sync::Arc<Context>) -> AuditView {
        AuditView { ctx }
    }
}

impl AuditView {
    /// The chain's state now (no role needed: it shows no one's data).
    pub fn audit_chain(&self) -> ChainState {
        chain_state(self.ctx.audit_verify())
    }

    /// The viewer's page for `query` (administrators only; logged).
    pub fn audit_page(&self, query: &AuditQuery, now: NaiveDateTime) -> Result<AuditPage, ApiError> {
        let session = self.ctx.authorize(Action::ViewAudit, Some(AuditAction::AuditView), now)?;
        let filter = parse_query(query)?;
        // Logged before reading, so the administrator's own view is in the page.
        self.ctx.audit_entry(audit_outcome::entry(
            now,
            Who::Session(&session),
            AuditAction::AuditView,
            filter.patient_key.clone(),
            &Outcome::Ok,
            None,
            serde_json::to_value(query).ok(),
        ));
        let chain = self.audit_chain();
        let (entries, total) = self.ctx
            .store
            .lock()
            .unwrap()
            .audit_query_newest(&filter, PAGE)
            .map_err(audit_err)?;
        Ok(AuditPage {
            chain,
            entries: entries.into_iter().map(audit_row).collect(),
            total,
            actions: AuditAction::ALL.iter().map(|a| a.code().to_string()).collect(),
            results: result_options(),
        })
    }

    /// Writes the entries matching `query` as CSV into the Downloads folder
    /// (else the data folder); administrators only; logged.
    pub fn audit_export_csv(&self, query: &AuditQuery, now: NaiveDateTime) -> Result<AuditExport, ApiError> {
        let dir = dirs::download_dir().filter(|d| d.is_dir()).unwrap_or(self.ctx.settings().data_dir);
        self.audit_export_csv_to(query, &dir, now)
    }

    /// [`AuditView::audit_export_csv`] into `dir`.
    pub fn audit_export_csv_to(&self, query: &AuditQuery, dir: &Path, now: NaiveDateTime) -> Result<AuditExport, ApiError> {
        let session = self.ctx.authorize(Action::ExportAudit, Some(AuditAction::AuditExport), now)?;
        let filter = parse_query(query)?;
        let entries = (&self.ctx.store).lock().unwrap().audit_query(&filter).map_err(audit_err)?;
        let path: PathBuf = dir.join(format!("madoguchi-audit-{}.csv", now.format("%Y%m%d-%H%M%S")));
        let lang = self.ctx.settings().lang;
        let csv = audit::export_csv_with_words(&entries, |e| audit_outcome::words_or_code(lang, e.action.code(), &e.outcome));
        std::fs::write(&path, csv).map_err(|e| {
            ApiError::new(Msg::new("audit-export-failed").arg("path", path.display()).arg("detail", e))
        })?;
        self.ctx.audit_entry(audit_outcome::entry(
            now,
            Who::Session(&session),
            AuditAction::AuditExport,
            filter.patient_key.clone(),
            &Outcome::Ok,
            None,
            Some(serde_json::json!({ "filter": query, "entries": entries.len(), "file": path.display().to_string() })),
        ));
        Ok(AuditExport { path: path.display().to_string(), entries: entries.len() })
    }

    /// Verifies the chain at start-up. A broken chain is written to the
    /// application log and, unless the same break was already reported, to
    /// the audit log itself (`audit_chain_broken`, the break in `outcome`).
    pub fn audit_check_at_start(&self, now: NaiveDateTime) -> ChainState {
        let result = self.ctx.audit_verify();
        let broken = match &result {
            Err(AuditError::Broken(b)) => Some(*b),
            _ => None,
        };
        let state = chain_state(result);
        if let Some(b) = broken {
            let outcome = Outcome::ChainBroken { seq: b.first_bad_seq, kind: b.kind.into() };
            let code = outcome.code();
            tracing::error!("the audit log does not verify: {code}");
            let reported = self.ctx
                .store
                .lock()
                .unwrap()
                .audit_query(&AuditFilter {
                    action: Some(AuditAction::ChainBroken),
                    ..AuditFilter::default()
                })
                .map(|es| es.last().is_some_and(|e| e.read_outcome().as_ref() == Some(&outcome)))
                .unwrap_or(false);
            if !reported {
                self.ctx.audit_entry(audit_outcome::entry(
                    now,
                    Who::Named("madoguchi".into(), None),
                    AuditAction::ChainBroken,
                    None,
                    &outcome,
                    None,
                    None,
                ));
            }
        }
        state
    }
}
