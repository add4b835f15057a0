//! The HTTP API: `GET /api/v1/health`, `POST /api/v1/eligibility`.
//!
//! Every answer is JSON, errors included (`madoguchi_core::ServiceError`).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use madoguchi_core::{EligibilityQuery, ServiceError, ServiceInfo};
use rusqlite::Connection;
use tokio::sync::watch;

use crate::generate::{generate, Population};
use crate::Error;

pub const HEALTH_PATH: &str = "/api/v1/health";
pub const ELIGIBILITY_PATH: &str = "/api/v1/eligibility";
pub const SERVICE_NAME: &str = "madoguchi-training";

/// What the handlers share: the population and one read-only connection.
#[derive(Clone)]
pub struct ServiceState {
    population: Population,
    conn: Arc<Mutex<Connection>>,
}

impl ServiceState {
    pub fn new(population: Population) -> Result<ServiceState, Error> {
        let conn = population.connect()?;
        Ok(ServiceState {
            population,
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    pub fn population(&self) -> &Population {
        &self.population
    }

    pub fn info(&self) -> ServiceInfo {
        ServiceInfo {
            service: SERVICE_NAME.into(),
            training: true,
            people: self.population.people(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// A request body as JSON, or the 400 answer saying why it cannot be read
/// (`invalid_json`: not JSON; `invalid_body`: JSON of the wrong shape).
fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|e| {
        let code = if e.is_data() { "invalid_body" } else { "invalid_json" };
        error(StatusCode::BAD_REQUEST, code, format!("リクエストを読めません: {e}"))
    })
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(ServiceError {
            code: code.into(),
            message: message.into(),
        }),
    )
        .into_response()
}

async fn health(State(state): State<ServiceState>) -> Json<ServiceInfo> {
    Json(state.info())
}

async fn eligibility(State(state): State<ServiceState>, body: Bytes) -> Response {
    let query: EligibilityQuery = match json_body(&body) {
        Ok(q) => q,
        Err(refusal) => return refusal,
    };
    let now = chrono::Local::now().naive_local();
    let conn = state.conn.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        crate::lookup::confirm(&conn, &query, now)
    })
    .await;
    match answer {
        Ok(Ok(Ok(result))) => Json(result).into_response(),
        Ok(Ok(Err(bad))) => error(StatusCode::BAD_REQUEST, bad.code, bad.message),
        Ok(Err(e)) => {
            tracing::error!("eligibility lookup failed: {e}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("照会に失敗しました: {e}"),
            )
        }
        Err(e) => {
            tracing::error!("eligibility task failed: {e}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "照会に失敗しました",
            )
        }
    }
}

async fn disaster_lookup(State(state): State<ServiceState>, body: Bytes) -> Response {
    let request: madoguchi_core::disaster::DisasterRequest = match json_body(&body) {
        Ok(q) => q,
        Err(refusal) => return refusal,
    };
    let now = chrono::Local::now().naive_local();
    let conn = state.conn.clone();
    let answer = tokio::task::spawn_blocking(move || {
        let conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        crate::disaster::lookup(&conn, &request, now)
    })
    .await;
    match answer {
        Ok(Ok(Ok(answer))) => Json(answer).into_response(),
        Ok(Ok(Err(bad))) => {
            let status = if bad.code == madoguchi_core::disaster::NOT_OPEN_CODE {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::BAD_REQUEST
            };
            error(status, bad.code, bad.message)
        }
        Ok(Err(e)) => {
            tracing::error!("disaster lookup failed: {e}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("照会に失敗しました: {e}"),
            )
        }
        Err(e) => {
            tracing::error!("disaster task failed: {e}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "照会に失敗しました",
            )
        }
    }
}

async fn not_found(uri: Uri) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no such endpoint: {}", uri.path()),
    )
}

async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed on this endpoint",
    )
}

/// The service's routes.
pub fn router(state: ServiceState) -> Router {
    Router::new()
        .route(HEALTH_PATH, get(health))
        .route(ELIGIBILITY_PATH, post(eligibility))
        .route(madoguchi_core::disaster::LOOKUP_PATH, post(disaster_lookup))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// Serves until the task is dropped or the listener fails.
pub async fn serve(listener: tokio::net::TcpListener, state: ServiceState) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}

/// Serves until `shutdown` completes, then lets running requests finish.
pub async fn serve_with_shutdown(
    listener: tokio::net::TcpListener,
    state: ServiceState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// The training service running on a thread of its own (see [`spawn_background`]).
/// Stops on [`RunningService::shutdown`] or when dropped.
pub struct RunningService {
    addr: SocketAddr,
    population: Population,
    stop: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

impl RunningService {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
    pub fn population(&self) -> &Population {
        &self.population
    }
    /// Stops the server and waits for its thread (at most a few seconds).
    pub fn shutdown(mut self) {
        self.stop_now();
    }
    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for RunningService {
    fn drop(&mut self) {
        self.stop_now();
    }
}

impl std::fmt::Debug for RunningService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningService")
            .field("url", &self.url())
            .field("population", &self.population)
            .finish()
    }
}

/// Generates (or reuses) the population at `db_path`, binds 127.0.0.1:`port`
/// (0 = any free port) and serves on a background thread with its own tokio
/// runtime. Errors (database, port taken) are returned here, not later.
pub fn spawn_background(
    db_path: impl AsRef<Path>,
    people: u64,
    seed: u64,
    port: u16,
) -> Result<RunningService, Error> {
    let population = generate(db_path.as_ref(), people, seed)?;
    spawn_population(population, port)
}

/// Like [`spawn_background`] for a population that already exists.
pub fn spawn_population(population: Population, port: u16) -> Result<RunningService, Error> {
    let state = ServiceState::new(population.clone())?;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("madoguchi-training")
        .enable_all()
        .build()?;
    let (stop, mut stopped) = watch::channel(false);
    let thread = std::thread::Builder::new()
        .name("madoguchi-training".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => {
                        tracing::error!("training service: {e}");
                        return;
                    }
                };
                let mut graceful = stopped.clone();
                let shutdown = async move {
                    let _ = graceful.wait_for(|s| *s).await;
                };
                let server = serve_with_shutdown(listener, state, shutdown);
                // Connections kept open by clients get a short grace period.
                let deadline = async move {
                    let _ = stopped.wait_for(|s| *s).await;
                    tokio::time::sleep(Duration::from_secs(2)).await;
                };
                tokio::select! {
                    r = server => {
                        if let Err(e) = r {
                            tracing::error!("training service: {e}");
                        }
                    }
                    _ = deadline => {}
                }
            });
            runtime.shutdown_timeout(Duration::from_secs(1));
        })?;
    Ok(RunningService {
        addr,
        population,
        stop: Some(stop),
        thread: Some(thread),
    })
}
