//! The desk UI (Leptos, client-side rendered, wasm32): the shell — the top
//! bar, the staff gate, and which [`Panel`] is open over the desk. Each
//! panel is its own module (`check` the card form, `result` the result card,
//! `today` today's list, `settings`, `tap`, `medical`, `batch`, `disaster`,
//! `home_visit`, `audit`, `staff`, `replay`).
//!
//! It only *shows*: every decision (validation, consent, what to store) is
//! made in the backend through the commands of the contract
//! (`madoguchi_api`, called through `tauri::invoke::<api::…>`).
//! Messages come back as ids and are put into words here with the same
//! `locales/` files the backend uses.

mod audit;
mod batch;
mod check;
mod checkup;
mod clinical;
mod disaster;
mod home_visit;
mod medical;
mod replay;
mod result;
mod settings;
mod staff;
mod tap;
mod tauri;
mod today;

use leptos::prelude::*;
use leptos::task::spawn_local;
use madoguchi_api as api;
use madoguchi_api::desk::{CheckOutcome, DeskStatus};
use madoguchi_core::message::ApiError;
use madoguchi_core::CheckSummary;
use madoguchi_i18n::Lang;

// The pure parts live in `ui/logic` (tested natively); `crate::format` is theirs.
use madoguchi_ui_logic::format;

use crate::format::*;

/// The panel open over the desk (one at a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Panel {
    Settings,
    Batch,
    Disaster,
    HomeVisit,
    Audit,
    Staff,
    Emergency,
    Password,
}

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let (lang, set_lang) = signal(Lang::Ja);
    let (status, set_status) = signal(None::<DeskStatus>);
    let (today, set_today) = signal(Vec::<CheckSummary>::new());
    // The one panel open over the desk, if any.
    let (panel, set_panel) = signal(None::<Panel>);
    let is_open = move |p: Panel| panel.get() == Some(p);
    let open = move |p: Panel| set_panel.set(Some(p));
    let close_panel = move || set_panel.set(None);
    // Who is at the desk, and what the window shows for it (first start,
    // sign-in, the desk): the backend's answer, asked again regularly so
    // that the idle lock shows.
    let (gate, set_gate) = signal(None::<staff::StaffGate>);
    let (emergency, set_emergency) = signal(None::<staff::LocalEmergency>);
    // Training mode: staff asked to sign in with an account of their own.
    let (want_sign_in, set_want_sign_in) = signal(false);
    // The result on screen: from a typed check or from a card tap.
    let (outcome, set_outcome) = signal(None::<CheckOutcome>);
    let (tap_error, set_tap_error) = signal(None::<ApiError>);

    // The language the desk is set to.
    spawn_local(async move {
        if let Ok(code) = tauri::invoke::<api::DeskLanguage>(&api::args::DeskLanguage {}).await {
            if let Some(l) = Lang::parse(&code) {
                set_lang.set(l);
            }
        }
    });

    // Poll the status until the gateway is ready (the embedded training
    // service may be generating its population on first start).
    // After every check: today's list, and the status line (an outage shows
    // there until a check goes through again).
    let refresh_today = move || {
        spawn_local(async move {
            if let Ok(list) = tauri::invoke::<api::TodaysChecks>(&api::args::TodaysChecks {}).await {
                set_today.set(list);
            }
            if let Ok(s) = tauri::invoke::<api::DeskStatus>(&api::args::DeskStatus {}).await {
                if s.ready {
                    set_status.set(Some(s));
                }
            }
        })
    };
    spawn_local(async move {
        loop {
            if let Ok(s) = tauri::invoke::<api::DeskStatus>(&api::args::DeskStatus {}).await {
                let done = s.ready;
                set_status.set(Some(s));
                if done {
                    break;
                }
            }
            tauri::sleep_ms(250).await;
        }
    });
    refresh_today();
    let refresh_gate = move || {
        spawn_local(async move {
            if let Some(g) = staff::fetch_gate().await {
                set_gate.set(Some(g));
            }
            set_emergency.set(staff::fetch_emergency().await);
        })
    };
    spawn_local(async move {
        loop {
            if let Some(g) = staff::fetch_gate().await {
                let connecting = g.connecting;
                set_gate.set(Some(g));
                set_emergency.set(staff::fetch_emergency().await);
                tauri::sleep_ms(if connecting { 250 } else { 15_000 }).await;
            } else {
                tauri::sleep_ms(1_000).await;
            }
        }
    });
    // Typing or clicking is activity: the session does not lock under a
    // person at work (told to the backend at most every 30 s).
    let last_touch = StoredValue::new(0.0f64);
    let touch = move || {
        let now = js_sys::Date::now();
        if now - last_touch.get_value() > 30_000.0 {
            last_touch.set_value(now);
            spawn_local(async move {
                let _ = tauri::invoke::<api::TouchSession>(&api::args::TouchSession {}).await;
            });
        }
    };
    let _ = window_event_listener(leptos::ev::keydown, move |_| touch());
    let _ = window_event_listener(leptos::ev::pointerdown, move |_| touch());
    // Which staff screen covers the desk (a memo: the screen is not redrawn,
    // and what is typed into it not lost, when the answer did not change).
    let screen = Memo::new(move |_| gate_screen(gate.get().as_ref(), want_sign_in.get()));
    // Every panel that shows a patient (or staff matters) closes when
    // nobody is signed in any more: signing out, the idle lock, switching
    // account. The next person at the sign-in screen finds nothing behind it.
    let clear_panels = move || {
        set_panel.set(None);
        set_today.set(Vec::new());
        set_outcome.set(None);
        set_tap_error.set(None);
    };
    Effect::new(move |_| {
        if gate.get().is_some_and(|g| !g.connecting && g.signed_in.is_none()) {
            clear_panels();
        }
    });
    let back_to_trainee = Callback::new(move |_: ()| {
        set_want_sign_in.set(false);
        clear_panels();
        spawn_local(async move {
            let _ = tauri::invoke::<api::SignOut>(&api::args::SignOut {}).await;
            refresh_gate();
        });
    });
    // Today's list is the signed-in person's to see: fetched after signing
    // in (the backend refuses it to nobody), emptied at signing out.
    let signed_in_done = move || {
        set_want_sign_in.set(false);
        refresh_gate();
        refresh_today();
    };
    let sign_out = move |_| {
        clear_panels();
        spawn_local(async move {
            let _ = tauri::invoke::<api::SignOut>(&api::args::SignOut {}).await;
            refresh_gate();
        });
    };
    let is_admin = move || gate.get().is_some_and(|g| staff::is_admin(&g));
    let signed_in_account = move || gate.get().and_then(|g| g.signed_in).is_some_and(|s| !s.trainee);
    let training_trainee = move || gate.get().is_some_and(|g| g.training && g.signed_in.as_ref().is_none_or(|s| s.trainee));
    // Card taps arrive as events from the backend's face watcher.
    tauri::listen::<api::CardTapped>(move |o| {
        set_tap_error.set(None);
        set_outcome.set(Some(o));
        refresh_today();
    });
    tauri::listen::<api::CardTapFailed>(move |e| set_tap_error.set(Some(e)));
    // Deferred checks replayed after an outage: today's list has new lines.
    tauri::listen::<api::ChecksReplayed>(move |_| refresh_today());
    // Tell the backend the first frame is up (cold-start benchmark). A
    // requestAnimationFrame callback runs *before* the frame it belongs to is
    // painted; the one it schedules runs at the next frame, after the first
    // was painted: that is the moment reported.
    request_animation_frame(move || {
        request_animation_frame(move || {
            spawn_local(async move {
                let _ = tauri::invoke::<api::UiReady>(&api::args::UiReady {}).await;
            })
        })
    });

    let t = move |id: &str| tr(lang.get(), id, &[]);

    view! {
        <header class="topbar">
            <div class="brand">
                <span class="logo">"窓"</span>
                <span class="title">{move || t("app-title")}</span>
                <span class="subtitle">{move || t("app-subtitle")}</span>
            </div>
            <Show when=move || status.get().is_some_and(|s| s.training)>
                <span id="training-badge" class="badge training">{move || t("training-badge")}</span>
            </Show>
            <span id="service-status" class="service-status" class:problem=move || status.get().is_some_and(|s| s.problem.is_some())>
                {move || match status.get() {
                    None => t("service-starting"),
                    Some(s) if !s.ready && s.problem.is_none() => t("service-starting"),
                    Some(s) => match (&s.problem, &s.target) {
                        (Some(p), _) => say(lang.get(), p),
                        (None, Some(target)) => tr(lang.get(), "service-connected", &[("target", target.clone())]),
                        (None, None) => String::new(),
                    },
                }}
            </span>
            <Show when=move || emergency.get().is_some()>
                <span id="emergency-badge" class="badge emergency" title=move || emergency.get().map(|e| staff::emergency_text(lang.get(), &e))>{move || t("emergency-badge")}</span>
            </Show>
            <staff::SignedInBadge lang=lang gate=gate />
            <Show when=training_trainee>
                <button id="open-sign-in" class="lang" on:click=move |_| set_want_sign_in.set(true)>{move || t("staff-other-account")}</button>
            </Show>
            <Show when=signed_in_account>
                <button id="open-change-password" class="lang" on:click=move |_| open(Panel::Password)>{move || t("staff-change-password")}</button>
                <button id="sign-out" class="lang" on:click=sign_out>{move || t("staff-sign-out")}</button>
            </Show>
            <Show when=is_admin>
                <button id="open-audit" class="lang" on:click=move |_| open(Panel::Audit)>{move || t("audit-open")}</button>
                <button id="open-staff" class="lang" on:click=move |_| open(Panel::Staff)>{move || t("staff-open")}</button>
                <button id="open-emergency" class="lang" on:click=move |_| open(Panel::Emergency)>{move || t("emergency-open")}</button>
            </Show>
            <button id="open-disaster" class="lang" on:click=move |_| open(Panel::Disaster)>{move || t("disaster-open")}</button>
            <button id="open-home-visit" class="lang" on:click=move |_| open(Panel::HomeVisit)>{move || t("home-visit-open")}</button>
            <button id="open-batch" class="lang" on:click=move |_| open(Panel::Batch)>{move || t("batch-open")}</button>
            <button id="open-settings" class="lang" on:click=move |_| open(Panel::Settings)>{move || t("settings-open")}</button>
            <button id="lang-switch" class="lang" on:click=move |_| {
                set_lang.update(|l| *l = if *l == Lang::Ja { Lang::En } else { Lang::Ja })
            }>{move || t("lang-switch")}</button>
        </header>
        <replay::OutageBanner lang=lang problem=Signal::derive(move || status.get().and_then(|s| s.problem)) />
        {move || status.get().and_then(|s| s.training_claim).map(|w| view! {
            <p id="training-claim" class="key-warning" role="status">{move || say(lang.get(), &w)}</p>
        })}
        {move || status.get().and_then(|s| s.key_warning).map(|w| view! {
            <p id="key-warning" class="key-warning">{move || say(lang.get(), &w)}</p>
        })}
        <audit::ChainBanner lang=lang />
        {move || emergency.get().map(|e| view! {
            <p id="emergency-banner" class="outage-banner emergency" role="status">{move || staff::emergency_text(lang.get(), &e)}</p>
        })}
        <replay::FlaggedChanges lang=lang signed_in=Signal::derive(move || gate.get().and_then(|g| g.signed_in).map(|s| s.staff_id)) />
        <Show when=move || is_open(Panel::HomeVisit)>
            <home_visit::HomeVisitPanel lang=lang close=move || { close_panel(); refresh_today() } />
        </Show>
        <Show when=move || is_open(Panel::Disaster)>
            <disaster::DisasterPanel lang=lang emergency=emergency close=move || close_panel() />
        </Show>
        <Show when=move || is_open(Panel::Audit) && is_admin()>
            <audit::AuditPanel lang=lang close=move || close_panel() />
        </Show>
        <Show when=move || is_open(Panel::Staff) && is_admin()>
            <staff::StaffPanel lang=lang close=move || close_panel() />
        </Show>
        <Show when=move || is_open(Panel::Password)>
            <staff::PasswordChangePanel
                lang=lang
                who=gate.get_untracked().and_then(|g| g.signed_in)
                close=move || { close_panel(); refresh_gate() }
            />
        </Show>
        <Show when=move || is_open(Panel::Emergency) && is_admin()>
            <staff::EmergencyPanel lang=lang emergency=emergency on_change=refresh_gate close=move || close_panel() />
        </Show>
        {move || match screen.get() {
            GateScreen::Desk => ().into_any(),
            GateScreen::FirstStart { cancel } => view! {
                <staff::FirstStartScreen lang=lang on_done=signed_in_done cancel=cancel.then_some(back_to_trainee) />
            }.into_any(),
            GateScreen::SignIn { locked, cancel } => view! {
                <staff::SignInScreen lang=lang locked=locked on_done=signed_in_done cancel=cancel.then_some(back_to_trainee) />
            }.into_any(),
        }}
        <Show when=move || is_open(Panel::Batch)>
            <batch::BatchPanel lang=lang close=move || { close_panel(); refresh_today() } />
        </Show>
        <Show when=move || is_open(Panel::Settings)>
            <settings::SettingsPanel lang=lang set_lang=set_lang set_status=set_status close=move || close_panel() />
        </Show>
        <main class="desk">
            <div class="left">
                <check::CheckPanel lang=lang outcome=outcome set_outcome=set_outcome on_checked=move || refresh_today() />
                <div id="tap-message" class="message error" role="alert">{move || tap_error.get().map(|e| say(lang.get(), &e.message))}</div>
            </div>
            <div class="right">
                <Show when=move || status.get().is_some_and(|s| s.training && s.ready)>
                    <tap::TapPanel lang=lang />
                </Show>
                <today::TodayList lang=lang today=today />
            </div>
        </main>
    }
}

/// Which staff screen covers the desk.
#[derive(Debug, Clone, PartialEq)]
enum GateScreen {
    Desk,
    /// The first administrator; `cancel` in training mode (back to the trainee).
    FirstStart { cancel: bool },
    SignIn { locked: Option<String>, cancel: bool },
}

/// Outside training mode: first start until an administrator exists, then
/// sign-in until someone is signed in (a locked session included). In
/// training mode the trainee works without either; a locked account, or
/// staff asking for "another account", get the sign-in screen (first start
/// when there is no administrator yet), with a way back to the trainee.
fn gate_screen(gate: Option<&staff::StaffGate>, want_sign_in: bool) -> GateScreen {
    let Some(g) = gate.filter(|g| !g.connecting) else { return GateScreen::Desk };
    if !g.training {
        if g.needs_first_setup {
            GateScreen::FirstStart { cancel: false }
        } else if g.signed_in.is_none() {
            GateScreen::SignIn { locked: g.locked.clone(), cancel: false }
        } else {
            GateScreen::Desk
        }
    } else if g.locked.is_some() {
        GateScreen::SignIn { locked: g.locked.clone(), cancel: true }
    } else if want_sign_in && g.signed_in.as_ref().is_none_or(|s| s.trainee) {
        if g.needs_first_setup {
            GateScreen::FirstStart { cancel: true }
        } else {
            GateScreen::SignIn { locked: None, cancel: true }
        }
    } else {
        GateScreen::Desk
    }
}
