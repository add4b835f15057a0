//! The desk: the application service behind both the window and the command
//! line. It validates input with the core, asks the gateway, records the check
//! in the store and turns every failure into a message for the person at the
//! counter. No Tauri here, so the CLI and tests use exactly the same path.

use std::sync::{Arc, Mutex, RwLock};

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::gateway::{Gateway, GatewayError};
use madoguchi_adapters::http::HttpGateway;
use madoguchi_adapters::store::{NewCheck, Store, StoreError};
use madoguchi_core::message::{ApiError, FieldMsg, Msg};
use madoguchi_core::validation::{validate_card, CardInput, FieldError};
use madoguchi_core::{CardDetails, CheckSummary, EligibilityQuery, EligibilityResult};
use serde::{Deserialize, Serialize};

use crate::settings::Settings;

/// What the status line and the 研修モード badge show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskStatus {
    /// A gateway is set up and can be asked.
    pub ready: bool,
    /// The service says it is a training service (or the embedded one runs).
    pub training: bool,
    /// URL or folder of the gateway.
    pub target: Option<String>,
    /// Why the gateway is not ready, when it is not.
    pub problem: Option<Msg>,
}

/// The answer to one check at the desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckOutcome {
    pub result: EligibilityResult,
    /// The check's line in today's list (None when it could not be stored).
    pub check_id: Option<i64>,
    /// Set when the result is shown but could not be saved.
    pub warning: Option<Msg>,
}

pub struct Desk {
    settings: RwLock<Settings>,
    gateway: RwLock<Option<Arc<dyn Gateway>>>,
    status: RwLock<DeskStatus>,
    store: Mutex<Store>,
    /// The embedded training service, stopped when the desk is dropped.
    training: Mutex<Option<madoguchi_training::RunningService>>,
}

impl Desk {
    /// Opens the local store; the gateway is connected separately
    /// ([`Desk::connect`]) so that the window can paint before a training
    /// population is generated.
    pub fn open(settings: Settings) -> Result<Desk, StoreError> {
        let store = Store::open(&settings.database_path())?;
        Ok(Desk {
            settings: RwLock::new(settings),
            gateway: RwLock::new(None),
            status: RwLock::new(DeskStatus { ready: false, training: false, target: None, problem: None }),
            store: Mutex::new(store),
            training: Mutex::new(None),
        })
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap().clone()
    }

    /// Saves new settings and reconnects with them. The data directory stays
    /// (it is chosen at start). A service URL that is not http(s) is refused
    /// before anything is saved.
    pub fn reconfigure(&self, mut new: Settings) -> Result<DeskStatus, ApiError> {
        if let Some(url) = new.service_url.as_deref().map(str::trim) {
            if url.is_empty() {
                new.service_url = None;
            } else if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ApiError::new(Msg::new("settings-bad-url").arg("url", url)));
            } else {
                new.service_url = Some(url.to_string());
            }
        }
        new.data_dir = self.settings.read().unwrap().data_dir.clone();
        new.save().map_err(|e| ApiError::new(Msg::new("settings-save-failed").arg("detail", e)))?;
        // Stop what the old settings started, then connect anew.
        *self.gateway.write().unwrap() = None;
        if let Some(running) = self.training.lock().unwrap().take() {
            running.shutdown();
        }
        *self.settings.write().unwrap() = new;
        self.connect();
        Ok(self.status())
    }

    /// Connects to the configured service, or starts the embedded training
    /// service when none is configured. Blocking (may generate the training
    /// population on first start).
    pub fn connect(&self) {
        let settings = self.settings();
        let status = match self.try_connect(&settings) {
            Ok(s) => s,
            Err(e) => DeskStatus {
                ready: false,
                training: settings.service_url.is_none(),
                target: settings.service_url.clone(),
                problem: Some(e),
            },
        };
        *self.status.write().unwrap() = status;
    }

    fn try_connect(&self, settings: &Settings) -> Result<DeskStatus, Msg> {
        let url = match &settings.service_url {
            Some(url) => url.clone(),
            None => {
                let running = madoguchi_training::spawn_background(
                    &settings.training_db_path(),
                    settings.training_people,
                    settings.training_seed,
                    0,
                )
                .map_err(|e| Msg::new("training-start-failed").arg("detail", e))?;
                let url = running.url();
                *self.training.lock().unwrap() = Some(running);
                url
            }
        };
        let gateway = HttpGateway::new(&url, settings.timeout()).map_err(gateway_msg)?;
        // The service's own word decides the training badge; an unreachable
        // service is reported now, and checks retry it later.
        let info = gateway.info();
        let training = match &info {
            Ok(i) => i.training,
            Err(_) => settings.service_url.is_none(),
        };
        *self.gateway.write().unwrap() = Some(Arc::new(gateway));
        Ok(DeskStatus {
            ready: true,
            training,
            target: Some(url),
            problem: info.err().map(gateway_msg),
        })
    }

    pub fn status(&self) -> DeskStatus {
        self.status.read().unwrap().clone()
    }

    /// Validates what was typed, before anything leaves the desk.
    pub fn validate(&self, input: &CardInput, today: NaiveDate) -> Result<CardDetails, ApiError> {
        validate_card(input, today).map_err(input_error)
    }

    /// 資格確認 from typed card details: validate, ask, record.
    pub fn check(&self, input: &CardInput, now: NaiveDateTime) -> Result<CheckOutcome, ApiError> {
        let card = self.validate(input, now.date())?;
        self.check_card(&card, now)
    }

    /// 資格確認 for already validated card details.
    pub fn check_card(&self, card: &CardDetails, now: NaiveDateTime) -> Result<CheckOutcome, ApiError> {
        let gateway = self.gateway.read().unwrap().clone().ok_or_else(|| {
            let status = self.status();
            ApiError::new(status.problem.unwrap_or_else(|| Msg::new("service-starting")))
        })?;
        let query = EligibilityQuery {
            card: card.clone(),
            confirmation_date: Some(now.date()),
            limit_certificate_consent: false,
        };
        let result = gateway.check(&query).map_err(|e| ApiError::new(gateway_msg(e)))?;
        let (check_id, warning) = match self.store.lock().unwrap().record_check(&NewCheck {
            checked_at: now,
            staff: &self.settings.read().unwrap().staff.clone(),
            asked: Some(card),
            result: &result,
        }) {
            Ok(id) => (Some(id), None),
            Err(e) => {
                tracing::error!("recording a check failed: {e}");
                (None, Some(Msg::new("error-store").arg("detail", e)))
            }
        };
        Ok(CheckOutcome { result, check_id, warning })
    }

    pub fn checks_on(&self, date: NaiveDate) -> Result<Vec<CheckSummary>, ApiError> {
        self.store.lock().unwrap().checks_on(date).map_err(store_error)
    }

    pub fn check_result(&self, id: i64) -> Result<Option<EligibilityResult>, ApiError> {
        self.store.lock().unwrap().check_result(id).map_err(store_error)
    }

    /// Stops the embedded training service, if it runs.
    pub fn shutdown(&self) {
        if let Some(running) = self.training.lock().unwrap().take() {
            running.shutdown();
        }
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        self.shutdown();
    }
}

pub fn gateway_msg(e: GatewayError) -> Msg {
    let id = e.message_id();
    match e {
        GatewayError::Unreachable { target, detail } => Msg::new(id).arg("target", target).arg("detail", detail),
        GatewayError::Timeout { target, seconds } => Msg::new(id).arg("target", target).arg("seconds", seconds),
        GatewayError::BadResponse { target, detail } => Msg::new(id).arg("target", target).arg("detail", detail),
        GatewayError::Service { code, message } => Msg::new(id).arg("code", code).arg("message", message),
    }
}

fn store_error(e: StoreError) -> ApiError {
    ApiError::new(Msg::new(e.message_id()).arg("detail", e))
}

pub fn input_error(errors: Vec<FieldError>) -> ApiError {
    ApiError {
        message: Msg::new("error-input"),
        fields: errors
            .into_iter()
            .map(|fe| FieldMsg {
                field: fe.field,
                message: Msg::with_args(fe.message_id(), fe.message_args()),
            })
            .collect(),
    }
}

/// Puts a message into words in `lang` (CLI and logs; the UI does the same
/// with the same files).
pub fn say(lang: madoguchi_i18n::Lang, msg: &Msg) -> String {
    let args: Vec<(&str, String)> = msg.args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    madoguchi_i18n::tr(lang, &msg.id, &args)
}

/// An [`ApiError`] in words, field problems included, one per line.
pub fn say_error(lang: madoguchi_i18n::Lang, e: &ApiError) -> String {
    let mut out = say(lang, &e.message);
    for f in &e.fields {
        let field = madoguchi_i18n::tr(lang, f.field.message_id(), &[]);
        out.push_str(&format!("\n  {field}: {}", say(lang, &f.message)));
    }
    out
}

