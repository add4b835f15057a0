//! The desk UI (Leptos, client-side rendered, wasm32).
//!
//! It only *shows*: every decision (validation, consent, what to store) is
//! made in the backend through the Tauri commands in `src-tauri/src/commands.rs`.
//! Messages come back as ids and are put into words here with the same
//! `locales/` files the backend uses.

mod audit;
mod batch;
mod checkup;
mod clinical;
mod disaster;
mod home_visit;
mod replay;
mod staff;
mod tauri;

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use madoguchi_core::message::ApiError;
use madoguchi_core::validation::{CardInput, Field};
use madoguchi_core::{CheckSummary, EligibilityResult};
use madoguchi_i18n::Lang;

// The pure parts live in `ui/logic` (tested natively); `crate::format` is theirs.
use madoguchi_ui_logic::entry::{self, first_error_field, KeyAction, FIELDS};
use madoguchi_ui_logic::format;

use crate::format::*;

use madoguchi_api as api;
use madoguchi_api::desk::{CheckOutcome, DeskStatus, MedicalView, PrintedFile, SettingsForm};

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
            <SettingsPanel lang=lang set_lang=set_lang set_status=set_status close=move || close_panel() />
        </Show>
        <main class="desk">
            <div class="left">
                <CheckPanel lang=lang outcome=outcome set_outcome=set_outcome on_checked=move || refresh_today() />
                <div id="tap-message" class="message error" role="alert">{move || tap_error.get().map(|e| say(lang.get(), &e.message))}</div>
            </div>
            <div class="right">
                <Show when=move || status.get().is_some_and(|s| s.training && s.ready)>
                    <TapPanel lang=lang />
                </Show>
                <TodayList lang=lang today=today />
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

#[component]
fn CheckPanel(
    lang: ReadSignal<Lang>,
    outcome: ReadSignal<Option<CheckOutcome>>,
    set_outcome: WriteSignal<Option<CheckOutcome>>,
    on_checked: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let refs: [NodeRef<html::Input>; 5] = std::array::from_fn(|_| NodeRef::new());
    let (busy, set_busy) = signal(false);
    let (error, set_error) = signal(None::<ApiError>);

    let read_input = move || {
        let v = |i: usize| refs[i].get().map(|e| e.value()).unwrap_or_default();
        CardInput { insurer_number: v(0), symbol: v(1), number: v(2), branch: v(3), birth_date: v(4) }
    };

    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let input = read_input();
        set_busy.set(true);
        set_error.set(None);
        spawn_local(async move {
            match tauri::invoke::<api::CheckEligibility>(&api::args::CheckEligibility { input }).await {
                Ok(o) => {
                    set_outcome.set(Some(o));
                    on_checked();
                }
                Err(e) => {
                    set_outcome.set(None);
                    let first = first_error_field(&e);
                    set_error.set(Some(e));
                    // An outage changes the status line; a queued check is news too.
                    on_checked();
                    // Put the cursor where the first problem is.
                    if let Some(first) = first {
                        if let Some(el) = refs[first].get() {
                            let _ = el.focus();
                            el.select();
                        }
                    }
                }
            }
            set_busy.set(false);
        });
    };

    let clear = move || {
        for r in &refs {
            if let Some(el) = r.get() {
                el.set_value("");
            }
        }
        set_error.set(None);
        set_outcome.set(None);
        if let Some(el) = refs[0].get() {
            let _ = el.focus();
        }
    };

    let on_key = move |i: usize, ev: KeyboardEvent| {
        match entry::on_key(i, &ev.key(), ev.ctrl_key()) {
            KeyAction::Focus(n) => {
                ev.prevent_default();
                if let Some(next) = refs[n].get() {
                    let _ = next.focus();
                    next.select();
                }
            }
            KeyAction::Check => {
                ev.prevent_default();
                submit();
            }
            KeyAction::Clear => clear(),
            KeyAction::Type => {}
        }
    };

    let field_error = move |f: Field| {
        error.get().and_then(|e| e.fields.into_iter().find(|fm| fm.field == f)).map(|fm| say(lang.get(), &fm.message))
    };

    let inputs = FIELDS
        .iter()
        .enumerate()
        .map(|(i, &f)| {
            let key = f.code();
            let hint = match f {
                Field::InsurerNumber => Some("hint-insurer_number"),
                Field::BirthDate => Some("hint-birth_date"),
                _ => None,
            };
            let class = match f {
                Field::Branch => "field short",
                Field::BirthDate => "field wide",
                _ => "field",
            };
            view! {
                <label class=class class:invalid=move || field_error(f).is_some()>
                    <span class="label">{move || tr(lang.get(), &format!("field-{key}"), &[])}</span>
                    <input
                        id=key
                        node_ref=refs[i]
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        autofocus=i == 0
                        inputmode=if matches!(f, Field::InsurerNumber | Field::Branch) { "numeric" } else { "text" }
                        on:keydown=move |ev| on_key(i, ev)
                    />
                    {hint.map(|h| view! { <span class="hint">{move || tr(lang.get(), h, &[])}</span> })}
                </label>
            }
        })
        .collect_view();

    view! {
        <section class="panel entry">
            <h2>{move || tr(lang.get(), "form-heading", &[])}</h2>
            <form class="card-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <div class="fields">{inputs}</div>
                <ul class="field-errors" role="alert">
                    {FIELDS.iter().map(|&f| {
                        let key = f.code();
                        view! {
                            <Show when=move || field_error(f).is_some()>
                                <li id=format!("error-{key}")>{move || field_error(f)}</li>
                            </Show>
                        }
                    }).collect_view()}
                </ul>
                <div class="actions">
                    <button id="check" type="submit" class="primary" disabled=move || busy.get()>
                        {move || if busy.get() { tr(lang.get(), "checking", &[]) } else { tr(lang.get(), "button-check", &[]) }}
                    </button>
                    <button id="clear" type="button" on:click=move |_| clear()>{move || tr(lang.get(), "button-clear", &[])}</button>
                </div>
            </form>
            <div id="message" class="message error" role="alert">
                {move || error.get().filter(|e| e.fields.is_empty() || e.message.id != "error-input").map(|e| say(lang.get(), &e.message))}
            </div>
            {move || outcome.get().map(|o| view! { <ResultCard lang=lang outcome=o /> })}
        </section>
    }
}

#[component]
fn ResultCard(lang: ReadSignal<Lang>, outcome: CheckOutcome) -> impl IntoView {
    let r = outcome.result.clone();
    let warning = outcome.warning.clone();
    let validity = r.validity;
    let stale = outcome.as_of.is_some();
    let class = match (stale, validity.is_valid()) {
        (true, _) => "validity stale",
        (false, true) => "validity valid",
        (false, false) => "validity invalid",
    };
    let today = r.confirmation_date;
    let expired_on = r
        .qualification
        .as_ref()
        .and_then(|q| q.valid_until)
        .filter(|d| *d < today);
    let r2 = r.clone();
    view! {
        <article id="result" class="result">
            <div id="result-validity" class=class data-code=validity.code()>
                <span class="validity-label">
                    {move || tr(lang.get(), &format!("validity-{}", validity.code()), &[])}
                    {stale.then(|| view! { <span id="result-stale" class="stale-badge">{move || tr(lang.get(), "offline-badge", &[])}</span> })}
                </span>
                {move || r2.effective_copay().map(|c| view! {
                    <span id="result-copay" class="copay" title=tr(lang.get(), "label-copay", &[])>
                        <small>{tr(lang.get(), "label-copay", &[])}</small>
                        {tr(lang.get(), "copay-wari", &[("wari", c.wari().to_string())])}
                    </span>
                })}
            </div>
            {(!validity.is_valid()).then(|| view! {
                <p class="explain">{move || tr(lang.get(), &format!("explain-validity-{}", validity.code()), &[])}</p>
            })}
            {expired_on.map(|d| view! {
                <p class="explain">{move || tr(lang.get(), "explain-expired", &[("date", format_date(lang.get(), d))])}</p>
            })}
            {r.error.clone().and_then(|e| e.message).map(|m| view! { <p class="explain service-message">{m}</p> })}
            {warning.map(|w| view! { <p class="explain warning">{move || say(lang.get(), &w)}</p> })}
            {(!r.missing.is_empty()).then(|| {
                let fields = r.missing.join("、");
                view! { <p id="result-missing" class="explain warning">{move || tr(lang.get(), "result-missing", &[("fields", fields.clone())])}</p> }
            })}
            <dl class="facts">{facts(lang, &r)}</dl>
            {(!r.consents.is_empty()).then(|| consents_view(lang, &r))}
            {outcome.check_id.filter(|_| r.qualification.is_some()).map(|id| view! { <MedicalPanel lang=lang check_id=id /> })}
        </article>
    }
}

/// The facts of a result as label/value rows; only what the result holds.
fn facts(lang: ReadSignal<Lang>, r: &EligibilityResult) -> impl IntoView {
    let mut rows: Vec<(&'static str, &'static str, Box<dyn Fn(Lang) -> String + Send + Sync>)> = Vec::new();
    let today = r.confirmation_date;
    if let Some(p) = r.person.clone() {
        let name = p.name.clone();
        rows.push(("result-name", "label-name", Box::new(move |_| name.clone())));
        if let Some(kana) = p.name_kana.clone() {
            rows.push(("result-kana", "label-kana", Box::new(move |_| kana.clone())));
        }
        let birth = p.birth_date;
        rows.push((
            "result-birth",
            "label-birth",
            Box::new(move |l| format!("{}（{}）", format_date(l, birth), tr(l, "label-age", &[("age", age_on(birth, today).to_string())]))),
        ));
        let sex = p.sex;
        rows.push(("result-sex", "label-sex", Box::new(move |l| tr(l, &format!("sex-{}", sex.code()), &[]))));
        if let Some(addr) = p.address.clone() {
            rows.push(("result-address", "label-address", Box::new(move |_| addr.clone())));
        }
    }
    if let Some(q) = r.qualification.clone() {
        let insurer = format!("{}　{}", q.insurer_name.clone().unwrap_or_default(), q.insurer_number);
        rows.push(("result-insurer", "label-insurer", Box::new(move |_| insurer.clone())));
        let card = format!("{} ・ {} ・ {}", dash(&q.symbol), dash(&q.number), q.branch.clone().unwrap_or_else(|| "—".into()));
        rows.push(("result-card", "label-card", Box::new(move |_| card.clone())));
        if let Some(rel) = q.relationship {
            rows.push(("result-relationship", "label-relationship", Box::new(move |_| rel.label_ja().to_string())));
        }
        let (from, until) = (q.valid_from, q.valid_until);
        if from.is_some() || until.is_some() {
            rows.push((
                "result-valid-period",
                "label-valid-period",
                Box::new(move |l| format!("{} 〜 {}", from.map(|d| format_date(l, d)).unwrap_or_default(), until.map(|d| format_date(l, d)).unwrap_or_default())),
            ));
        }
        if q.preschool {
            rows.push(("result-preschool", "label-preschool", Box::new(move |l| tr(l, "label-preschool", &[]))));
        }
        if let Some(e) = q.elderly.clone() {
            rows.push((
                "result-elderly",
                "label-elderly",
                Box::new(move |l| {
                    let ratio = e.copay.map(|c| tr(l, "copay-wari", &[("wari", c.wari().to_string())])).unwrap_or_default();
                    format!("{ratio}　{}", period(l, e.valid_from, e.valid_until))
                }),
            ));
        }
        if let Some(lim) = q.limit.clone() {
            rows.push((
                "result-limit",
                "label-limit",
                Box::new(move |l| {
                    let cat = lim.category.map(|c| format!("{}（{}）", c.label_ja(), c.code())).unwrap_or_default();
                    format!("{cat}　{}", period(l, lim.valid_from, lim.valid_until))
                }),
            ));
        }
        if !q.specific_diseases.is_empty() {
            let ds = q.specific_diseases.clone();
            rows.push((
                "result-diseases",
                "label-diseases",
                Box::new(move |_| ds.iter().map(|d| d.disease.label_ja()).collect::<Vec<_>>().join("、")),
            ));
        }
        if !q.public_expenses.is_empty() {
            let ps = q.public_expenses.clone();
            rows.push((
                "result-public",
                "label-public",
                Box::new(move |_| {
                    ps.iter()
                        .map(|p| format!("{} {}", p.payer_number, p.recipient_number.clone().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join("、")
                }),
            ));
        }
        if let Some(loss) = q.loss_reason {
            rows.push(("result-loss", "label-loss", Box::new(move |_| loss.label_ja().to_string())));
        }
    }
    let at = r.confirmed_at;
    let source = r.source;
    rows.push((
        "result-confirmed-at",
        "label-confirmed-at",
        Box::new(move |l| {
            let src = serde_json::to_value(source).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            format!("{} {}（{}）", format_date(l, at.date()), at.format("%H:%M:%S"), tr(l, &format!("source-{src}"), &[]))
        }),
    ));
    rows.into_iter()
        .map(|(id, label, value)| {
            view! {
                <div class="fact">
                    <dt>{move || tr(lang.get(), label, &[])}</dt>
                    <dd id=id>{move || value(lang.get())}</dd>
                </div>
            }
        })
        .collect_view()
}

#[component]
fn TodayList(lang: ReadSignal<Lang>, today: ReadSignal<Vec<CheckSummary>>) -> impl IntoView {
    view! {
        <section class="panel today">
            <h2>
                {move || tr(lang.get(), "today-heading", &[])}
                <span class="count">{move || tr(lang.get(), "today-count", &[("count", today.get().len().to_string())])}</span>
            </h2>
            <Show
                when=move || !today.get().is_empty()
                fallback=move || view! { <p class="empty">{move || tr(lang.get(), "today-empty", &[])}</p> }
            >
                <table id="today-list">
                    <thead>
                        <tr>
                            <th>{move || tr(lang.get(), "col-time", &[])}</th>
                            <th>{move || tr(lang.get(), "col-name", &[])}</th>
                            <th>{move || tr(lang.get(), "col-insurer", &[])}</th>
                            <th>{move || tr(lang.get(), "col-result", &[])}</th>
                            <th>{move || tr(lang.get(), "col-copay", &[])}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || today.get() key=|c| c.id let:c>
                            <tr class:invalid=!c.validity.is_valid()>
                                <td>{c.checked_at.format("%H:%M").to_string()}</td>
                                <td>{c.name.clone().unwrap_or_else(|| "—".into())}</td>
                                <td>{c.insurer_number.clone()}</td>
                                <td>{move || tr(lang.get(), &format!("validity-{}", c.validity.code()), &[])}</td>
                                <td>{move || c.copay.map(|r| tr(lang.get(), "copay-wari", &[("wari", r.wari().to_string())])).unwrap_or_default()}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

/// The card reader's consent flags: which categories, until when. Showing the
/// flags is not showing medical information; that goes through the backend's
/// consent check.
fn consents_view(lang: ReadSignal<Lang>, r: &EligibilityResult) -> impl IntoView {
    let flags = r.consents.clone();
    view! {
        <section class="consents">
            <h3>{move || tr(lang.get(), "label-consents", &[])}</h3>
            <ul>
                {flags.into_iter().map(|f| {
                    let cat = f.category.as_str();
                    let class = if f.given { "consent given" } else { "consent not-given" };
                    view! {
                        <li class=class id=format!("consent-{cat}")>
                            <span class="consent-category">{move || tr(lang.get(), "consent-category", &[("category", cat.to_string())])}</span>
                            <span class="consent-state">{move || match (f.given, f.available_until) {
                                (true, Some(until)) => tr(lang.get(), "consent-given-until", &[("until", format!("{} {}", format_date(lang.get(), until.date()), until.format("%H:%M")))]),
                                (true, None) => tr(lang.get(), "consent-given", &[]),
                                (false, _) => tr(lang.get(), "consent-not-given", &[]),
                            }}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn SettingsPanel(
    lang: ReadSignal<Lang>,
    set_lang: WriteSignal<Lang>,
    set_status: WriteSignal<Option<DeskStatus>>,
    close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let url = NodeRef::<html::Input>::new();
    let timeout = NodeRef::<html::Input>::new();
    let staff = NodeRef::<html::Input>::new();
    let oqs_dir = NodeRef::<html::Input>::new();
    let facility = NodeRef::<html::Input>::new();
    let (error, set_error) = signal(None::<ApiError>);
    let (form, set_form) = signal(None::<SettingsForm>);
    spawn_local(async move {
        if let Ok(f) = tauri::invoke::<api::GetSettings>(&api::args::GetSettings {}).await {
            set_form.set(Some(f));
        }
    });
    let save = move || {
        let value = |r: NodeRef<html::Input>| r.get().map(|e| e.value()).unwrap_or_default();
        let form = SettingsForm {
            service_url: value(url),
            timeout_secs: value(timeout).trim().parse().unwrap_or(10),
            oqs_dir: value(oqs_dir),
            facility_code: value(facility),
            staff: value(staff),
            lang: lang.get_untracked().code().to_string(),
        };
        spawn_local(async move {
            let chosen = form.lang.clone();
            match tauri::invoke::<api::SaveSettings>(&api::args::SaveSettings { form }).await {
                Ok(status) => {
                    if let Some(l) = Lang::parse(&chosen) {
                        set_lang.set(l);
                    }
                    set_status.set(Some(status));
                    close();
                }
                Err(e) => set_error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="overlay" on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" { close() }>
            <form id="settings" class="dialog" on:submit=move |ev| { ev.prevent_default(); save(); }>
                <h2>{move || tr(lang.get(), "settings-heading", &[])}</h2>
                {move || form.get().map(|f| view! {
                    <label class="field wide-row">
                        <span class="label">{move || tr(lang.get(), "settings-service-url", &[])}</span>
                        <input id="settings-service-url" node_ref=url type="text" value=f.service_url.clone() placeholder="http://127.0.0.1:8787" />
                        <span class="hint">{move || tr(lang.get(), "settings-service-url-hint", &[])}</span>
                    </label>
                    <label class="field wide-row">
                        <span class="label">{move || tr(lang.get(), "settings-oqs-dir", &[])}</span>
                        <input id="settings-oqs-dir" node_ref=oqs_dir type="text" value=f.oqs_dir.clone() placeholder="/mnt/OQS" />
                        <span class="hint">{move || tr(lang.get(), "settings-oqs-dir-hint", &[])}</span>
                    </label>
                    <label class="field">
                        <span class="label">{move || tr(lang.get(), "settings-facility-code", &[])}</span>
                        <input id="settings-facility-code" node_ref=facility type="text" inputmode="numeric" value=f.facility_code.clone() />
                    </label>
                    <label class="field">
                        <span class="label">{move || tr(lang.get(), "settings-timeout", &[])}</span>
                        <input id="settings-timeout" node_ref=timeout type="number" min="1" max="120" value=f.timeout_secs.to_string() />
                    </label>
                    <label class="field">
                        <span class="label">{move || tr(lang.get(), "settings-staff", &[])}</span>
                        <input id="settings-staff" node_ref=staff type="text" value=f.staff.clone() />
                    </label>
                })}
                <div class="message error" role="alert">{move || error.get().map(|e| say(lang.get(), &e.message))}</div>
                <div class="actions">
                    <button id="settings-save" type="submit" class="primary">{move || tr(lang.get(), "settings-save", &[])}</button>
                    <button type="button" on:click=move |_| close()>{move || tr(lang.get(), "settings-cancel", &[])}</button>
                </div>
            </form>
        </div>
    }
}

/// Training mode: play the patient at the card reader.
#[component]
fn TapPanel(lang: ReadSignal<Lang>) -> impl IntoView {
    use madoguchi_core::ConsentCategory;
    let boxes: Vec<(ConsentCategory, NodeRef<html::Input>)> =
        ConsentCategory::ALL.iter().map(|c| (*c, NodeRef::new())).collect();
    let (error, set_error) = signal(None::<ApiError>);
    let boxes2 = boxes.clone();
    let tap = move |_| {
        let consents: Vec<String> = boxes2
            .iter()
            .filter(|(_, r)| r.get().is_some_and(|e| e.checked()))
            .map(|(c, _)| c.as_str().to_string())
            .collect();
        spawn_local(async move {
            set_error.set(tauri::invoke::<api::SimulateCardTap>(&api::args::SimulateCardTap { consents }).await.err());
        });
    };
    view! {
        <section class="panel tap">
            <h2>{move || tr(lang.get(), "tap-heading", &[])}</h2>
            <div class="tap-consents">
                <span class="label">{move || tr(lang.get(), "tap-consents", &[])}</span>
                {boxes.into_iter().map(|(c, r)| {
                    let cat = c.as_str();
                    view! {
                        <label class="check">
                            <input type="checkbox" id=format!("tap-consent-{cat}") node_ref=r checked=matches!(c, ConsentCategory::Medication | ConsentCategory::Checkups) />
                            {move || tr(lang.get(), "consent-category", &[("category", cat.to_string())])}
                        </label>
                    }
                }).collect_view()}
            </div>
            <button id="simulate-tap" type="button" on:click=tap>{move || tr(lang.get(), "tap-button", &[])}</button>
            <div class="message error" role="alert">{move || error.get().map(|e| say(lang.get(), &e.message))}</div>
        </section>
    }
}

/// 薬剤情報 / 特定健診 / 診療情報 of the patient on screen. The backend decides whether
/// the patient's consent allows it; this panel shows the answer or the
/// refusal, and never holds anything it was not given.
#[component]
fn MedicalPanel(lang: ReadSignal<Lang>, check_id: i64) -> impl IntoView {
    let (view_data, set_view) = signal(None::<MedicalView>);
    let (refusal, set_refusal) = signal(None::<ApiError>);
    let (busy, set_busy) = signal(false);
    let ask = move |category: &'static str| {
        set_busy.set(true);
        set_view.set(None);
        set_refusal.set(None);
        spawn_local(async move {
            match tauri::invoke::<api::ViewMedical>(&api::args::ViewMedical { id: check_id, category: category.to_string() }).await {
                Ok(v) => set_view.set(Some(v)),
                Err(e) => set_refusal.set(Some(e)),
            }
            set_busy.set(false);
        });
    };
    // Printing (`crate::print` in the backend): the same consent decision as
    // the view; the answer is a file path or a refusal.
    let (printed, set_printed) = signal(None::<Result<PrintedFile, ApiError>>);
    let print = move |kind: &'static str| {
        set_printed.set(None);
        spawn_local(async move {
            let r = tauri::invoke::<api::PrintDocument>(&api::args::PrintDocument { id: check_id, kind: kind.to_string() }).await;
            set_printed.set(Some(r));
        });
    };
    view! {
        <section class="medical">
            <div class="actions prints">
                <button id="print-eligibility" type="button" on:click=move |_| print("eligibility")>{move || tr(lang.get(), "print-button-eligibility", &[])}</button>
                <button id="print-access-slip" type="button" on:click=move |_| print("access-slip")>{move || tr(lang.get(), "print-button-access-slip", &[])}</button>
                {move || view_data.get().map(|v| {
                    let kind = match v { MedicalView::Medication(_) => "medication-list", MedicalView::Checkups(_) => "checkups", MedicalView::Clinical(_) => "clinical" };
                    view! { <button id=format!("print-{kind}") type="button" on:click=move |_| print(kind)>{move || tr(lang.get(), "print-button-shown", &[])}</button> }
                })}
            </div>
            <div id="print-message" class="message" class:error=move || matches!(printed.get(), Some(Err(_))) role="status">{move || match printed.get() {
                Some(Ok(f)) => tr(lang.get(), "print-saved", &[("file", f.path.clone())]),
                Some(Err(e)) => say(lang.get(), &e.message),
                None => String::new(),
            }}</div>
            <div class="actions">
                <button id="medical-medication" type="button" disabled=move || busy.get() on:click=move |_| ask("medication")>
                    {move || tr(lang.get(), "medical-button-medication", &[])}
                </button>
                <button id="medical-checkups" type="button" disabled=move || busy.get() on:click=move |_| ask("checkups")>
                    {move || tr(lang.get(), "medical-button-checkups", &[])}
                </button>
                <button id="medical-clinical" type="button" disabled=move || busy.get() on:click=move |_| ask("clinical")>
                    {move || tr(lang.get(), "medical-button-clinical", &[])}
                </button>
                <Show when=move || busy.get()><span class="hint">{move || tr(lang.get(), "medical-loading", &[])}</span></Show>
            </div>
            <div id="medical-message" class="message error" role="alert">{move || refusal.get().map(|e| say(lang.get(), &e.message))}</div>
            {move || view_data.get().map(|v| match v {
                MedicalView::Medication(h) => medication_table(lang, h).into_any(),
                MedicalView::Checkups(c) => checkup::checkup_view(lang, c).into_any(),
                MedicalView::Clinical(h) => clinical::clinical_view(lang, h).into_any(),
            })}
        </section>
    }
}

fn medication_table(lang: ReadSignal<Lang>, h: madoguchi_core::medical::MedicationHistory) -> impl IntoView {
    use madoguchi_core::timeline;
    // Courses, newest first; the period filter counts back from today.
    let all = timeline::courses(&timeline::lines(&h));
    let (months, set_months) = signal(12u32);
    let today = chrono::Local::now().date_naive();
    let shown = move || {
        let since = today.checked_sub_months(chrono::Months::new(months.get())).unwrap_or(today);
        timeline::since(&all, since)
    };
    let period_button = move |m: u32, id: &'static str, label: &'static str| {
        view! {
            <button id=id type="button" class:selected=move || months.get() == m on:click=move |_| set_months.set(m)>
                {move || tr(lang.get(), label, &[])}
            </button>
        }
    };
    view! {
        <h3>{move || tr(lang.get(), "medical-heading-medication", &[])}</h3>
        <div class="periods">
            {period_button(3, "period-3m", "period-3m")}
            {period_button(12, "period-1y", "period-1y")}
            {period_button(60, "period-5y", "period-5y")}
        </div>
        <table id="medication-list">
            <thead><tr>
                <th>{move || tr(lang.get(), "col-period", &[])}</th>
                <th>{move || tr(lang.get(), "col-drug", &[])}</th>
                <th>{move || tr(lang.get(), "col-quantity", &[])}</th>
                <th>{move || tr(lang.get(), "col-usage", &[])}</th>
                <th>{move || tr(lang.get(), "col-days", &[])}</th>
                <th>{move || tr(lang.get(), "col-facility", &[])}</th>
            </tr></thead>
            <tbody>
                {move || shown().into_iter().map(|c| {
                    let dup = c.possible_duplicate();
                    view! {
                        <tr class:duplicate=dup>
                            <td class="period">{move || if c.first == c.last {
                                format_date(lang.get(), c.first)
                            } else {
                                format!("{} 〜 {}", format_date(lang.get(), c.first), format_date(lang.get(), c.last))
                            }}</td>
                            <td>
                                <div>{c.drug_name.clone()}</div>
                                <small>{c.ingredient.clone().unwrap_or_default()}</small>
                                {dup.then(|| view! { <span class="dup-badge">{move || tr(lang.get(), "medical-possible-duplicate", &[])}</span> })}
                            </td>
                            <td>{c.dose.clone().unwrap_or_default()}</td>
                            <td>{c.usage.clone().unwrap_or_default()}</td>
                            <td>{move || tr(lang.get(), "medical-course-days", &[("days", c.total_days.to_string()), ("count", c.dispensings.to_string())])}</td>
                            <td>{c.prescriber.clone().unwrap_or_default()}<br/><small>{c.facilities.join("、")}</small></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
