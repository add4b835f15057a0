//! The current connection as one value: what the desk talks to, built whole
//! by [`Connection::open`] and dropped whole (the desk swaps it under one
//! lock: see `crate::desk`). One of
//!
//! - an HTTP service ([`Link::Http`]): the gateway only;
//! - the OQS folder of the qualification terminal ([`Link::Oqs`]): the folder
//!   gateway, which also answers medical requests, and the card-tap watcher
//!   on its `face/` folder;
//! - training ([`Link::Training`]): the embedded training service and its
//!   population, the training terminal answering medical requests in a folder
//!   of the desk's own, and the watcher on that folder's `face/`.
//!
//! Dropping a connection stops everything it started: the terminal, the
//! watcher (waits for its thread), then the training service.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use madoguchi_adapters::gateway::{Gateway, GatewayError};
use madoguchi_adapters::http::HttpGateway;
use madoguchi_adapters::oqs::{FaceEvent, FaceWatcher, OqsFolderConfig, OqsFolderGateway};
use madoguchi_api::desk::DeskStatus;
use madoguchi_core::message::Msg;

use crate::settings::Settings;

/// The facility code the training terminal is addressed with.
pub const TRAINING_FACILITY_CODE: &str = "1399999999";

/// What the desk is connected to (see the module doc).
pub struct Connection {
    /// Where eligibility checks go.
    pub gateway: Arc<dyn Gateway>,
    pub link: Link,
}

/// The parts of a connection beyond its gateway. Fields drop in order:
/// terminal, medical folder, watcher, population, service.
pub enum Link {
    Http,
    Oqs {
        /// The same folder gateway as [`Connection::gateway`], for medical requests.
        medical: Arc<OqsFolderGateway>,
        face: FaceWatcher,
        face_root: PathBuf,
    },
    Training {
        terminal: madoguchi_training::terminal::RunningTerminal,
        medical: Arc<OqsFolderGateway>,
        face: FaceWatcher,
        face_root: PathBuf,
        population: madoguchi_training::Population,
        /// `None` while a trainee practises an outage.
        service: Mutex<Option<madoguchi_training::RunningService>>,
    },
}

impl Connection {
    /// Connects as `settings` say: the OQS folder when configured, else the
    /// configured service, else the embedded training service (blocking: may
    /// generate the training population on first start). `on_tap` is told
    /// every card tap taken in by the watcher. The status is the one at
    /// connecting (an unreachable service is reported now; checks retry it).
    pub fn open(settings: &Settings, on_tap: impl Fn(FaceEvent) + Send + Sync + 'static) -> Result<(Connection, DeskStatus), Msg> {
        // The OQS folder of the qualification terminal, when configured.
        if let Some(dir) = &settings.oqs_dir {
            let mut config = OqsFolderConfig::new(dir.clone(), settings.facility_code.clone());
            config.timeout = settings.oqs_timeout();
            config.batch_poll_interval = settings.oqs_batch_poll();
            config.batch_wait = settings.oqs_batch_wait();
            let gateway = Arc::new(OqsFolderGateway::new(config));
            let info = gateway.info();
            let face = FaceWatcher::start_with(gateway.layout().clone(), settings.face_options(dir), on_tap);
            // A `TRAINING` file in the clinic's folder is the folder's word,
            // not how this desk was started: a banner, never training mode.
            let claims = info.as_ref().is_ok_and(|i| i.training);
            let status = DeskStatus {
                ready: true,
                training: false,
                training_claim: claims.then(|| training_claim(&dir.display().to_string())),
                target: Some(dir.display().to_string()),
                problem: info.err().map(gateway_msg),
                key_warning: None,
            };
            let link = Link::Oqs { medical: Arc::clone(&gateway), face, face_root: dir.clone() };
            return Ok((Connection { gateway, link }, status));
        }
        let (url, link) = match &settings.service_url {
            Some(url) => (url.clone(), Link::Http),
            None => {
                let running = madoguchi_training::spawn_background(
                    &settings.training_db_path(),
                    settings.training_people,
                    settings.training_seed,
                    0,
                )
                .map_err(|e| Msg::new("training-start-failed").arg("detail", e))?;
                let url = running.url();
                let population = running.population().clone();
                // Training: card taps are simulated into a folder of our own.
                let dir = settings.training_oqs_dir();
                std::fs::create_dir_all(&dir)
                    .and_then(|_| madoguchi_adapters::oqs::OqsFolderLayout::new(&dir).prepare())
                    .map_err(|e| Msg::new("training-start-failed").arg("detail", e))?;
                // The training terminal answers medical requests in that folder.
                let terminal = madoguchi_training::terminal::spawn(&dir, population.clone())
                    .map_err(|e| Msg::new("training-start-failed").arg("detail", e))?;
                let mut config = OqsFolderConfig::new(dir.clone(), TRAINING_FACILITY_CODE);
                config.timeout = settings.oqs_timeout();
                let medical = Arc::new(OqsFolderGateway::new(config));
                let face = FaceWatcher::start_with(medical.layout().clone(), settings.face_options(&dir), on_tap);
                (url, Link::Training { terminal, medical, face, face_root: dir, population, service: Mutex::new(Some(running)) })
            }
        };
        let embedded = matches!(link, Link::Training { .. });
        let gateway = HttpGateway::new(&url, settings.timeout()).map_err(gateway_msg)?;
        // Training mode is how this desk was started (the embedded service
        // above), never the service's own word: a configured service that
        // answers `"training": true` gets a banner and a sign-in like any
        // other.
        let info = gateway.info();
        let claims = !embedded && info.as_ref().is_ok_and(|i| i.training);
        let status = DeskStatus {
            ready: true,
            training: embedded,
            training_claim: claims.then(|| training_claim(&url)),
            target: Some(url),
            problem: info.err().map(gateway_msg),
            key_warning: None,
        };
        Ok((Connection { gateway: Arc::new(gateway), link }, status))
    }

    /// The OQS folder medical information is requested through (the
    /// terminal's folder, or the training terminal's).
    pub fn medical(&self) -> Option<&Arc<OqsFolderGateway>> {
        match &self.link {
            Link::Http => None,
            Link::Oqs { medical, .. } | Link::Training { medical, .. } => Some(medical),
        }
    }

    /// Where card taps arrive.
    pub fn face_root(&self) -> Option<&Path> {
        match &self.link {
            Link::Http => None,
            Link::Oqs { face_root, .. } | Link::Training { face_root, .. } => Some(face_root),
        }
    }

    /// The embedded training service's population (training mode only).
    pub fn training_population(&self) -> Option<&madoguchi_training::Population> {
        match &self.link {
            Link::Training { population, .. } => Some(population),
            _ => None,
        }
    }

    /// The embedded training service (training mode only).
    pub fn training_service(&self) -> Option<&Mutex<Option<madoguchi_training::RunningService>>> {
        match &self.link {
            Link::Training { service, .. } => Some(service),
            _ => None,
        }
    }
}

/// The banner of a configured folder or service that says it is a training
/// one (see [`DeskStatus::training_claim`]).
fn training_claim(target: &str) -> Msg {
    Msg::new("status-training-claimed").arg("target", target)
}

pub fn gateway_msg(e: GatewayError) -> Msg {
    let id = e.message_id();
    match e {
        GatewayError::Unreachable { target, detail } => Msg::new(id).arg("target", target).arg("detail", detail),
        GatewayError::Timeout { target, seconds } => Msg::new(id).arg("target", target).arg("seconds", seconds),
        GatewayError::BadResponse { target, detail } => Msg::new(id).arg("target", target).arg("detail", detail),
        GatewayError::Service { code, message } => Msg::new(id).arg("code", code).arg("message", message),
        GatewayError::Rejected { file, text } => Msg::new(id).arg("file", file).arg("text", text),
        GatewayError::StillProcessing { reception, seconds } => Msg::new(id).arg("reception", reception).arg("seconds", seconds),
    }
}
