//! 災害時モード at the desk: the four-field look-up, online through the
//! gateway, offline over the local cache, and the facility's local emergency.
//!
//! * Only the qualified role may look up ([`Action::DisasterLookup`], checked by
//!   [`Context::authorize`]); an administrator declares and ends the local
//!   emergency, with a reason.
//! * A query missing a field (or otherwise unreadable) is refused before any
//!   search, by the core ([`prepare`]).
//! * **Online**: the gateway's disaster look-up, for the facility's prefecture
//!   (the first two digits of the 医療機関コード; in training mode with the
//!   default code, the training facility's). The service answers only while a
//!   disaster window is open there; else "disaster mode is not open here".
//! * **Offline**: the same core matcher over the latest cached eligibility
//!   result of everyone born on the queried day — only when the gateway
//!   cannot be reached **and** the facility has declared a local emergency.
//! * The local emergency is state in the store (`local_emergencies`), written
//!   with its audit entry in one transaction: declared means logged, and it
//!   survives a restart. The log is not read for it.
//! * A look-up that found exactly one person keeps a match
//!   (`disaster_matches`) with its audit entry: what permits recording that
//!   person's disaster consent (`crate::consents`).
//! * Every look-up, refused or not, is an audit entry: who, role, when, the
//!   four fields as typed, the outcome, online or offline.
//! * The person found is a line in today's checks (online: the answer is
//!   recorded like any check; offline: the cached check), `check_id`: the
//!   consent panel records on it (`crate::consents`) and medical information
//!   is asked for on it through `desk.medical.view`, like any check.

use std::sync::Arc;

use chrono::NaiveDateTime;
use madoguchi_adapters::audit::AuditAction;
use madoguchi_adapters::store::NewDisasterMatch;
use madoguchi_adapters::gateway::GatewayError;
use madoguchi_core::disaster::{
    prefecture_of_facility, DisasterAnswer, DisasterRequest, NOT_OPEN_CODE, UNAVAILABLE_CODE,
};
use madoguchi_core::matching::{prepare, Candidate, DisasterQuery, MatchOutcome};
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::staff::{Action, Session};
use madoguchi_core::EligibilityResult;
use serde::{Deserialize, Serialize};

use crate::audit_outcome::{self, DisasterResult, Outcome, Who};
use crate::checks::Checks;
use crate::connection::TRAINING_FACILITY_CODE;
use crate::context::Context;
use crate::words::{gateway_msg, store_msg};
pub use madoguchi_api::disaster::{DisasterLookup, LocalEmergency, LookupMode};

/// How a look-up should be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupRoute {
    /// Online; offline when the service cannot be reached and a local
    /// emergency is declared.
    #[default]
    Auto,
    /// Only the local cache (still only when the service cannot be reached
    /// and a local emergency is declared).
    Offline,
}


/// 災害時モード (`desk.disaster`).
#[derive(Clone)]
pub struct Disaster {
    ctx: Arc<Context>,
    checks: Checks,
}

impl Disaster {
    pub fn new(ctx: Arc<Context>) -> Disaster {
        Disaster { checks: Checks::new(Arc::clone(&ctx)), ctx }
    }

    /// The local emergency in force (the store's `local_emergencies`).
    pub fn local_emergency(&self) -> Result<Option<LocalEmergency>, ApiError> {
        let row = self.ctx.store.lock().unwrap().local_emergency().map_err(|e| ApiError::new(store_msg(&e)))?;
        Ok(row.map(crate::wire::local_emergency))
    }

    /// Declares the facility's local emergency (administrators only, with a
    /// reason; the state and its audit entry in one transaction): the
    /// offline look-up becomes possible while the service cannot be reached.
    pub fn declare_local_emergency(
        &self,
        reason: &str,
        now: NaiveDateTime,
    ) -> Result<LocalEmergency, ApiError> {
        let session = self.ctx.authorize(
            Action::DeclareLocalEmergency,
            Some(AuditAction::LocalEmergency),
            now,
        )?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(ApiError::new(Msg::new("disaster-emergency-reason-missing")));
        }
        let entry = audit_outcome::entry(
            now,
            Who::Session(&session),
            AuditAction::LocalEmergency,
            None,
            &Outcome::EmergencyDeclared,
            Some(reason.to_string()),
            None,
        );
        let (row, _) = self
            .ctx.store
            .lock()
            .unwrap()
            .declare_local_emergency(&session.staff_id, reason, now, &entry)
            .map_err(|e| ApiError::new(store_msg(&e)))?;
        Ok(crate::wire::local_emergency(row))
    }

    /// Ends the local emergency (the state and its audit entry in one
    /// transaction); true when one was in force.
    pub fn end_local_emergency(&self, now: NaiveDateTime) -> Result<bool, ApiError> {
        let session = self.ctx.authorize(
            Action::DeclareLocalEmergency,
            Some(AuditAction::LocalEmergency),
            now,
        )?;
        let entry = audit_outcome::entry(now, Who::Session(&session), AuditAction::LocalEmergency, None, &Outcome::EmergencyEnded, None, None);
        self.ctx.store
            .lock()
            .unwrap()
            .end_local_emergency(&session.staff_id, now, &entry)
            .map_err(|e| ApiError::new(store_msg(&e)))
    }

    /// The facility code the look-up is made for.
    fn facility_code(&self) -> Result<String, ApiError> {
        let code = self.ctx.settings().facility_code;
        if prefecture_of_facility(&code).is_some() {
            return Ok(code);
        }
        if self.ctx.status().training {
            return Ok(TRAINING_FACILITY_CODE.to_string());
        }
        Err(ApiError::new(
            Msg::new("disaster-facility-code").arg("code", code),
        ))
    }

    /// The 災害時モード look-up (see the module's documentation).
    pub fn lookup(
        &self,
        query: &DisasterQuery,
        route: LookupRoute,
        now: NaiveDateTime,
    ) -> Result<DisasterLookup, ApiError> {
        let session = self.ctx.authorize(
            Action::DisasterLookup,
            Some(AuditAction::DisasterLookup),
            now,
        )?;
        let log = |mode: Option<LookupMode>, outcome: DisasterResult, key: Option<String>| {
            self.audit_disaster(&session, query, mode, outcome, key, now)
        };
        let prepared = match prepare(query) {
            Ok(p) => p,
            Err(problems) => {
                log(None, DisasterResult::Refused, None);
                let outcome = MatchOutcome::Refused { problems };
                return Ok(DisasterLookup {
                    message: outcome.message(),
                    outcome,
                    result: None,
                    mode: LookupMode::Online,
                    as_of: None,
                    check_id: None,
                });
            }
        };
        let gateway = self.ctx.gateway_handle()?;
        let online_error = match route {
            LookupRoute::Auto => {
                let request = DisasterRequest {
                    facility_code: self.facility_code()?,
                    query: query.clone(),
                };
                match gateway.disaster_lookup(&request) {
                    Ok(DisasterAnswer { outcome, result }) => {
                        log(Some(LookupMode::Online), (&outcome).into(), found_key(&outcome));
                        // The person found is checked at this desk now: a
                        // line in today's checks, like any answer.
                        let check_id = match (&outcome, &result) {
                            (MatchOutcome::Found { .. }, Some(r)) => self.checks.record(None, r.clone(), now).check_id,
                            _ => None,
                        };
                        return Ok(DisasterLookup {
                            message: outcome.message(),
                            outcome,
                            result,
                            mode: LookupMode::Online,
                            as_of: None,
                            check_id,
                        });
                    }
                    Err(e) => e,
                }
            }
            // Offline asked for: still only when the service is unreachable.
            LookupRoute::Offline => match gateway.info() {
                Ok(_) => {
                    log(Some(LookupMode::Offline), DisasterResult::RefusedOnline, None);
                    return Err(ApiError::new(Msg::new("disaster-offline-while-online")));
                }
                Err(e) => e,
            },
        };
        match &online_error {
            GatewayError::Unreachable { .. } | GatewayError::Timeout { .. } => {}
            GatewayError::Service { code, .. } if code == NOT_OPEN_CODE => {
                log(Some(LookupMode::Online), DisasterResult::NotOpen, None);
                return Err(ApiError::new(Msg::new("disaster-not-open")));
            }
            GatewayError::Service { code, .. } if code == UNAVAILABLE_CODE => {
                log(Some(LookupMode::Online), DisasterResult::Unavailable, None);
                return Err(ApiError::new(
                    Msg::new("disaster-unavailable").arg("target", gateway.target()),
                ));
            }
            _ => {
                log(Some(LookupMode::Online), DisasterResult::Error, None);
                return Err(ApiError::new(gateway_msg(online_error)));
            }
        }
        // The service cannot be reached.
        if self.local_emergency()?.is_none() {
            log(Some(LookupMode::Offline), DisasterResult::NoLocalEmergency, None);
            return Err(ApiError::new(
                Msg::new("disaster-offline-needs-emergency").arg("target", gateway.target()),
            ));
        }
        let cached = self
            .ctx.store
            .lock()
            .unwrap()
            .cached_results_born_on(prepared.birth_date())
            .map_err(|e| ApiError::new(store_msg(&e)))?;
        let candidates: Vec<(Candidate, &EligibilityResult)> = cached
            .iter()
            // In training mode only the embedded population's people.
            .filter(|r| self.ctx.of_training_population(r))
            .filter_map(|r| Candidate::from_result(r).map(|c| (c, r)))
            .collect();
        let outcome = prepared.outcome(candidates.iter().map(|(c, _)| c));
        let result = match &outcome {
            MatchOutcome::Found { key, .. } => candidates
                .iter()
                .find(|(c, _)| &c.key == key)
                .map(|(_, r)| (*r).clone()),
            _ => None,
        };
        log(Some(LookupMode::Offline), (&outcome).into(), found_key(&outcome));
        // Offline the found person's line is the cached check itself.
        let check_id = match found_key(&outcome) {
            Some(key) => self
                .ctx.store
                .lock()
                .unwrap()
                .latest_check_for(&key)
                .map_err(|e| ApiError::new(store_msg(&e)))?
                .map(|c| c.id),
            None => None,
        };
        Ok(DisasterLookup {
            check_id,
            message: outcome.message(),
            as_of: result.as_ref().map(|r| r.confirmed_at),
            outcome,
            result,
            mode: LookupMode::Offline,
        })
    }

    fn audit_disaster(
        &self,
        session: &Session,
        query: &DisasterQuery,
        mode: Option<LookupMode>,
        outcome: DisasterResult,
        patient_key: Option<String>,
        now: NaiveDateTime,
    ) {
        let entry = audit_outcome::entry(
            now,
            Who::Session(session),
            AuditAction::DisasterLookup,
            patient_key.clone(),
            &Outcome::Disaster(outcome),
            None,
            Some(serde_json::json!({
                "query": query,
                "mode": mode,
            })),
        );
        // The person found is a match a disaster consent may follow: kept
        // with the look-up's entry.
        let mode = mode.map(|m| match m {
            LookupMode::Online => "online",
            LookupMode::Offline => "offline",
        });
        let found = match (outcome, &patient_key) {
            (DisasterResult::Found, Some(key)) => Some(NewDisasterMatch { patient_key: key, mode }),
            _ => None,
        };
        match self.ctx.store.lock().unwrap().record_disaster_lookup(&entry, found.as_ref()) {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!("audit log: {e}"),
            Err(e) => tracing::error!("disaster look-up not recorded: {e}"),
        }
    }
}

/// The outcome's code in the audit log and on the command line.
pub fn outcome_code(o: &MatchOutcome) -> &'static str {
    DisasterResult::from(o).code()
}

fn found_key(o: &MatchOutcome) -> Option<String> {
    match o {
        MatchOutcome::Found { key, .. } => Some(key.clone()),
        _ => None,
    }
}
