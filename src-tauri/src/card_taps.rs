//! Card taps on their way to the window: who is told (the window's
//! callback) and the taps held while nobody is signed in. Shared by the
//! checks (which take taps in) and the staff service (which releases the
//! held ones at sign-in); depends only on the context.
//!
//! Lock order: `held` → the context's `session` (delivering asks who is
//! signed in while holding the held list, so a sign-in cannot slip between).

use std::sync::{Arc, Mutex, RwLock};

use chrono::NaiveDateTime;
use madoguchi_api::desk::CheckOutcome;
use madoguchi_core::message::ApiError;

use crate::context::Context;

type Notify = Arc<dyn Fn(Result<CheckOutcome, ApiError>) + Send + Sync>;

#[derive(Default)]
pub struct CardTaps {
    /// Told about every card tap taken in (the window shows it at once) —
    /// only while someone is signed in: see [`CardTaps::deliver`].
    on_card_tap: RwLock<Option<Notify>>,
    /// Card taps taken in while nobody was signed in (or the session
    /// locked): held here, not told to the window, until someone signs in.
    held: Mutex<Vec<Result<CheckOutcome, ApiError>>>,
}

impl CardTaps {
    /// Sets who is told about card taps (the window).
    pub fn on_card_tap(&self, f: impl Fn(Result<CheckOutcome, ApiError>) + Send + Sync + 'static) {
        *self.on_card_tap.write().unwrap() = Some(Arc::new(f));
    }

    /// Tells the window about a card tap taken in — only when someone is
    /// signed in now (the trainee, in training mode). While nobody is (or the
    /// session locked) the tap, which carries the patient's name, birth date,
    /// address and consents, is held and told at the next sign-in
    /// ([`CardTaps::release`]); the check itself is in today's checks
    /// either way.
    pub fn deliver(&self, ctx: &Context, outcome: Result<CheckOutcome, ApiError>, now: NaiveDateTime) {
        let mut held = self.held.lock().unwrap();
        if ctx.signed_in(now).is_none() {
            held.push(outcome);
            return;
        }
        drop(held);
        self.notify(outcome);
    }

    /// How many card taps wait for someone to sign in.
    pub fn held(&self) -> usize {
        self.held.lock().unwrap().len()
    }

    /// Tells the window the taps held while nobody was signed in, oldest
    /// first (called once someone has signed in).
    pub fn release(&self) {
        let held = std::mem::take(&mut *self.held.lock().unwrap());
        for outcome in held {
            self.notify(outcome);
        }
    }

    fn notify(&self, outcome: Result<CheckOutcome, ApiError>) {
        if let Some(notify) = self.on_card_tap.read().unwrap().clone() {
            notify(outcome);
        }
    }
}
