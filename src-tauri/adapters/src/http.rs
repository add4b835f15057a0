//! The HTTP gateway: the JSON API of the training service (and of any service
//! speaking the same API). The only module that knows those URLs and bodies.

use std::time::Duration;

use madoguchi_core::{EligibilityQuery, EligibilityResult, ServiceError, ServiceInfo};
use reqwest::blocking::{Client, Response};

use crate::gateway::{Gateway, GatewayError};

/// Default time a check may take before staff are told (the national system
/// answers in well under a second; anything slower is an outage).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

pub const HEALTH_PATH: &str = "/api/v1/health";
pub const ELIGIBILITY_PATH: &str = "/api/v1/eligibility";

pub struct HttpGateway {
    base: String,
    timeout: Duration,
    client: Client,
}

impl HttpGateway {
    /// `base` is the service's root URL, e.g. `http://127.0.0.1:8787`.
    pub fn new(base: &str, timeout: Duration) -> Result<Self, GatewayError> {
        let base = base.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(GatewayError::Unreachable {
                target: base,
                detail: "not an http:// or https:// address".into(),
            });
        }
        let client = Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| GatewayError::Unreachable { target: base.clone(), detail: e.to_string() })?;
        Ok(HttpGateway { base, timeout, client })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn map_send_error(&self, e: reqwest::Error) -> GatewayError {
        if e.is_timeout() {
            GatewayError::Timeout { target: self.base.clone(), seconds: self.timeout.as_secs().max(1) }
        } else if e.is_connect() || e.is_request() {
            GatewayError::Unreachable { target: self.base.clone(), detail: root_cause(&e) }
        } else {
            GatewayError::BadResponse { target: self.base.clone(), detail: root_cause(&e) }
        }
    }

    fn read_json<T: serde::de::DeserializeOwned>(&self, response: Response) -> Result<T, GatewayError> {
        let status = response.status();
        let body = response.bytes().map_err(|e| self.map_send_error(e))?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| GatewayError::BadResponse {
                target: self.base.clone(),
                detail: format!("HTTP {status}: {e}"),
            });
        }
        match serde_json::from_slice::<ServiceError>(&body) {
            Ok(err) => Err(GatewayError::Service { code: err.code, message: err.message }),
            Err(_) => Err(GatewayError::BadResponse {
                target: self.base.clone(),
                detail: format!("HTTP {status}"),
            }),
        }
    }
}

/// The innermost cause ("Connection refused"), which says more than reqwest's
/// outer "error sending request".
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

impl Gateway for HttpGateway {
    fn check(&self, query: &EligibilityQuery) -> Result<EligibilityResult, GatewayError> {
        let response = self
            .client
            .post(format!("{}{ELIGIBILITY_PATH}", self.base))
            .json(query)
            .send()
            .map_err(|e| self.map_send_error(e))?;
        self.read_json(response)
    }

    fn info(&self) -> Result<ServiceInfo, GatewayError> {
        let response = self
            .client
            .get(format!("{}{HEALTH_PATH}", self.base))
            .send()
            .map_err(|e| self.map_send_error(e))?;
        self.read_json(response)
    }

    fn target(&self) -> String {
        self.base.clone()
    }

    fn disaster_lookup(
        &self,
        request: &madoguchi_core::disaster::DisasterRequest,
    ) -> Result<madoguchi_core::disaster::DisasterAnswer, GatewayError> {
        let response = self
            .client
            .post(format!("{}{}", self.base, madoguchi_core::disaster::LOOKUP_PATH))
            .json(request)
            .send()
            .map_err(|e| self.map_send_error(e))?;
        self.read_json(response)
    }
}
