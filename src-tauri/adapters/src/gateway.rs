//! The one interface to "the national system", whichever way it is reached
//! (HTTP service or OQS folder). Everything above the adapters uses this trait.

use madoguchi_core::{EligibilityQuery, EligibilityResult, ServiceInfo};

/// Why a check could not be answered. Each variant maps to a message a
/// receptionist understands (`locales/*/gateway.ftl`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// Nothing answers at the address (connection refused, no route, DNS).
    #[error("the eligibility service at {target} cannot be reached: {detail}")]
    Unreachable { target: String, detail: String },
    /// It answered too slowly.
    #[error("the eligibility service at {target} did not answer within {seconds} s")]
    Timeout { target: String, seconds: u64 },
    /// It answered something we cannot read.
    #[error("the eligibility service at {target} answered something unreadable: {detail}")]
    BadResponse { target: String, detail: String },
    /// It answered with an error of its own (JSON `{code, message}`).
    #[error("the eligibility service refused the request: {code} {message}")]
    Service { code: String, message: String },
    /// The qualification terminal refused a request file: it left
    /// `<request>.err` beside it, whose text is `text` (OQS folder).
    #[error("the qualification terminal refused the request {file}: {text}")]
    Rejected { file: String, text: String },
    /// 一括照会: the terminal still says 処理中 for the batch with this
    /// 受付番号 after `seconds` of asking; its rows wait and are asked for
    /// again later (the receipt is kept).
    #[error("the batch {reception} is still being processed after {seconds} s")]
    StillProcessing { reception: String, seconds: u64 },
}

impl GatewayError {
    /// Message id in `locales/*/gateway.ftl`.
    pub fn message_id(&self) -> &'static str {
        match self {
            GatewayError::Unreachable { .. } => "gateway-unreachable",
            GatewayError::Timeout { .. } => "gateway-timeout",
            GatewayError::BadResponse { .. } => "gateway-bad-response",
            GatewayError::Service { .. } => "gateway-service-error",
            GatewayError::Rejected { .. } => "gateway-rejected",
            GatewayError::StillProcessing { .. } => "gateway-batch-processing",
        }
    }
}

/// A way to reach the national system (or its training stand-in). Blocking:
/// callers in async contexts run it on a blocking thread.
pub trait Gateway: Send + Sync {
    /// 資格確認 for one card.
    fn check(&self, query: &EligibilityQuery) -> Result<EligibilityResult, GatewayError>;
    /// Who answers (for the 研修モード badge and the status line).
    fn info(&self) -> Result<ServiceInfo, GatewayError>;
    /// A short description for messages: the URL or the folder.
    fn target(&self) -> String;
    /// 災害時モード: the four-field look-up (`madoguchi_core::disaster`).
    /// The default says the look-up is not available this way (the OQS
    /// folder: OQS-INTERFACE.md defines no disaster file), as a
    /// [`GatewayError::Service`] with code
    /// [`madoguchi_core::disaster::UNAVAILABLE_CODE`].
    fn disaster_lookup(
        &self,
        _request: &madoguchi_core::disaster::DisasterRequest,
    ) -> Result<madoguchi_core::disaster::DisasterAnswer, GatewayError> {
        Err(GatewayError::Service {
            code: madoguchi_core::disaster::UNAVAILABLE_CODE.into(),
            message: format!(
                "災害時の照会は {} では使えません (no disaster look-up through this connection)",
                self.target()
            ),
        })
    }
    /// Has this transport batch files (一括照会 by [`Gateway::submit_batch`]
    /// and [`Gateway::batch_results`])? Else a batch asks card by card.
    fn batch_files(&self) -> bool {
        false
    }
    /// 一括照会 in two steps, where the transport has them (the OQS folder:
    /// `OQSmuquc01req` → `OQSmuquc01res`): sends the cards and answers the
    /// 受付番号 the terminal gave; the results are fetched with
    /// [`Gateway::batch_results`]. `None`: no batch form here: ask one by one
    /// (HTTP).
    fn submit_batch(&self, _queries: &[EligibilityQuery]) -> Option<Result<String, GatewayError>> {
        None
    }
    /// The results of a batch [`Gateway::submit_batch`] sent, by its
    /// 受付番号, in the order of its cards (`OQSmuquc02req` →
    /// `OQSmuquc02res`, asked again while the terminal says 処理中, for a
    /// bounded time, and only while `go_on()` says so (a cancel at the
    /// desk): then [`GatewayError::StillProcessing`]). `None`: no batch form
    /// here.
    fn batch_results(&self, _reception: &str, _go_on: &dyn Fn() -> bool) -> Option<Result<Vec<EligibilityResult>, GatewayError>> {
        None
    }
    /// 照会番号 registration (the OQS folder's `OQSsiimm01`): the card of
    /// `entry` carries `entry.reference_number` from now on. The default says,
    /// in words, that this connection has no such call (the HTTP API defines
    /// none), as a [`GatewayError::Service`] with code
    /// [`REFERENCE_UNAVAILABLE_CODE`].
    fn register_reference(
        &self,
        _entry: &crate::oqs::ReferenceRegistration,
    ) -> Result<crate::oqs::ReferenceRegistrationResult, GatewayError> {
        Err(GatewayError::Service {
            code: REFERENCE_UNAVAILABLE_CODE.into(),
            message: format!(
                "照会番号の登録は {} では使えません (no reference-number registration through this connection)",
                self.target()
            ),
        })
    }
}

/// The code of [`Gateway::register_reference`]'s "not available here".
pub const REFERENCE_UNAVAILABLE_CODE: &str = "reference_registration_unavailable";
