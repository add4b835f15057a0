//! The desk: the window's and the command line's handle. It holds the
//! context (`crate::context`) and the feature services over it as fields —
//! `desk.checks`, `desk.medical`, `desk.consents`, `desk.print`,
//! `desk.disaster`, `desk.batch`, `desk.home_visit`, `desk.staff`,
//! `desk.audit_view` — and does only what belongs to the desk as a whole:
//! opening, connecting (and reconnecting with new settings), shutting down.
//! No Tauri here, so the CLI and tests use exactly the same path.

use std::sync::Arc;

use chrono::NaiveDateTime;
use madoguchi_adapters::audit::AuditAction;
use madoguchi_adapters::store::StoreError;
use madoguchi_core::message::{ApiError, Msg};

use crate::audit_outcome::{self, Outcome, Who};
use crate::audit_view::AuditView;
use crate::batch::Batches;
use crate::card_taps::CardTaps;
use crate::checks::Checks;
use crate::clinical::Medical;
use crate::consents::Consents;
use crate::context::Context;
use crate::disaster::Disaster;
use crate::export::Export;
use crate::home_visit::HomeVisits;
use crate::print::Print;
use crate::session::Staff;
use crate::settings::Settings;
pub use crate::words::{gateway_msg, input_error, say, say_error, store_msg};
pub use madoguchi_api::desk::{CheckOutcome, DeskStatus, FlaggedChange, MedicalView, ReplayReport};

/// The window's and the command line's handle: the context and the
/// services over it, each owning its own state (the running batches, the
/// home visit in progress, the taps held while nobody is signed in).
pub struct Desk {
    ctx: Arc<Context>,
    /// Card taps on their way to the window (`crate::card_taps`): who is
    /// told, and the taps held while nobody is signed in.
    pub taps: Arc<CardTaps>,
    /// 資格確認, the offline queue and its replay (`crate::checks`).
    pub checks: Checks,
    /// Medical information viewed under consent, kept, purged (`crate::clinical`).
    pub medical: Medical,
    /// A patient's consents; those recorded in 災害時モード (`crate::consents`).
    pub consents: Consents,
    /// Printing (`crate::print`).
    pub print: Print,
    /// Exports of a patient's insurance (FHIR JP Core).
    pub export: Export,
    /// 災害時モード: the look-up and the local emergency (`crate::disaster`).
    pub disaster: Disaster,
    /// 一括照会 (`crate::batch`).
    pub batch: Batches,
    /// 居宅同意取得型 (`crate::home_visit`).
    pub home_visit: HomeVisits,
    /// Sign-in, sessions and staff accounts (`crate::session`).
    pub staff: Staff,
    /// The audit viewer (`crate::audit_view`).
    pub audit_view: AuditView,
    /// The desk itself, for the watcher's callback (no cycle: weak).
    me: std::sync::Weak<Desk>,
}

impl Desk {
    /// Opens the local store; the gateway is connected separately
    /// ([`Desk::connect`]) so that the window can paint before a training
    /// population is generated.
    pub fn open(settings: Settings) -> Result<Arc<Desk>, StoreError> {
        let ctx = Arc::new(Context::open(settings)?);
        let taps = Arc::new(CardTaps::default());
        let desk = Arc::new_cyclic(|me| Desk {
            me: me.clone(),
            staff: Staff::new(Arc::clone(&ctx), Arc::clone(&taps)),
            audit_view: AuditView::new(Arc::clone(&ctx)),
            checks: Checks::new(Arc::clone(&ctx)),
            medical: Medical::new(Arc::clone(&ctx)),
            consents: Consents::new(Arc::clone(&ctx)),
            print: Print::new(Arc::clone(&ctx)),
            export: Export::new(Arc::clone(&ctx)),
            disaster: Disaster::new(Arc::clone(&ctx)),
            batch: Batches::new(Arc::clone(&ctx)),
            home_visit: HomeVisits::new(Arc::clone(&ctx)),
            taps,
            ctx,
        });
        // An earlier version's plain accounts file: taken over once, removed.
        desk.staff.take_over_staff_file(chrono::Local::now().naive_local());
        Ok(desk)
    }

    /// The context every service works over.
    pub fn context(&self) -> &Arc<Context> {
        &self.ctx
    }

    /// The settings screen's 保存: who may change settings
    /// ([`Context::authorize_settings`]), then [`Desk::reconfigure`]; applied
    /// changes are logged as `setting_change` with each changed field's old
    /// and new value (no field holds a secret). A refused or invalid change
    /// changes nothing.
    pub fn change_settings(&self, new: Settings, now: NaiveDateTime) -> Result<DeskStatus, ApiError> {
        let session = self.ctx.authorize_settings(now)?;
        let old = self.ctx.settings();
        let status = self.reconfigure(new)?;
        let changes = crate::settings::changes(&old, &self.ctx.settings());
        let outcome = if changes.is_empty() { Outcome::SettingsUnchanged } else { Outcome::Ok };
        self.ctx.audit_entry(audit_outcome::entry(
            now,
            Who::Session(&session),
            AuditAction::SettingChange,
            None,
            &outcome,
            None,
            Some(serde_json::Value::Object(changes)),
        ));
        Ok(status)
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
        if new.oqs_dir.is_some() && !(new.facility_code.len() == 10 && new.facility_code.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ApiError::new(Msg::new("settings-bad-facility-code").arg("code", &new.facility_code)));
        }
        {
            let current = self.ctx.settings.read().unwrap();
            new.data_dir = current.data_dir.clone();
            new.file = current.file.clone();
        }
        new.save().map_err(|e| ApiError::new(Msg::new("settings-save-failed").arg("detail", e)))?;
        // Stop what the old settings started, then connect anew.
        self.ctx.disconnect();
        *self.ctx.settings.write().unwrap() = new;
        self.connect();
        Ok(self.ctx.status())
    }

    /// Connects to the configured service, or starts the embedded training
    /// service when none is configured ([`Context::connect`]), with card
    /// taps taken into today's checks and on to the window. Blocking (may
    /// generate the training population on first start).
    pub fn connect(&self) {
        let weak = self.me.clone();
        self.ctx.connect(move |event| {
            if let Some(desk) = weak.upgrade() {
                let outcome = desk.checks.take_card_tap(event, now_local());
                desk.taps.deliver(&desk.ctx, outcome, now_local());
            }
        });
    }

    /// Stops the card-tap watcher and the embedded training service.
    pub fn shutdown(&self) {
        self.ctx.disconnect();
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn now_local() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}
