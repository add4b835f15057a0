//! 居宅同意取得型 in the window: the home-visit screen, for a laptop in a
//! patient's living room — one step per screen, big text and touch targets
//! (≥ 48 px, `.hv-*` in styles.css), a progress indicator, and a plain word
//! on whether the laptop is online. The steps, their order, the PIN check,
//! the consent rules and the offline queue are the backend's
//! (`src-tauri/src/home_visit.rs`); this shows what comes back.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use madoguchi_core::message::ApiError;
use madoguchi_core::ConsentCategory;
use madoguchi_i18n::Lang;

use crate::format::*;
use crate::tauri;

use madoguchi_api as api;
use madoguchi_api::home_visit::{HomeVisitStart as Start, IdentityInput, Step, VisitDone, VisitState};
use madoguchi_core::home_visit::IdentityCheck;

/// A step's call to the backend.
enum Call {
    Begin(String),
    Consent(Vec<ConsentCategory>),
    Identity(IdentityInput),
    Card,
    Reuse(i64),
}

#[derive(Debug, Clone, PartialEq)]
enum Screen {
    Start,
    Step(VisitState),
    Done(VisitDone),
}

fn category_id(c: ConsentCategory) -> &'static str {
    c.as_str()
}

fn category_name(lang: Lang, c: ConsentCategory) -> String {
    tr(lang, "consent-category", &[("category", c.as_str().to_string())])
}

fn categories_text(lang: Lang, cats: &[ConsentCategory]) -> String {
    if cats.is_empty() {
        return tr(lang, "home-visit-consented-none", &[]);
    }
    let list: Vec<String> = cats.iter().map(|c| category_name(lang, *c)).collect();
    tr(lang, "home-visit-consented", &[("list", list.join("・"))])
}

/// The home-visit screen (full window).
#[component]
pub fn HomeVisitPanel(lang: ReadSignal<Lang>, close: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let (start, set_start) = signal(None::<Start>);
    let (screen, set_screen) = signal(Screen::Start);
    let (error, set_error) = signal(None::<ApiError>);
    let (busy, set_busy) = signal(false);
    let (open, set_open) = signal(true);
    let (chosen, set_chosen) = signal(Vec::<ConsentCategory>::new());
    let (method, set_method) = signal("pin".to_string());
    let pin = NodeRef::<html::Input>::new();
    let visual_name = NodeRef::<html::Input>::new();

    spawn_local(async move {
        match tauri::invoke::<api::HomeVisitStart>(&api::args::HomeVisitStart {}).await {
            Ok(s) => set_start.set(Some(s)),
            Err(e) => set_error.set(Some(e)),
        }
    });
    // While the screen is open: send what waits as soon as the service
    // answers, and show each visit's state.
    spawn_local(async move {
        loop {
            tauri::sleep_ms(4000).await;
            if !open.get_untracked() {
                break;
            }
            if let Ok(s) = tauri::invoke::<api::HomeVisitSync>(&api::args::HomeVisitSync {}).await {
                set_start.set(Some(s));
            }
        }
    });

    let sync = move || {
        spawn_local(async move {
            match tauri::invoke::<api::HomeVisitSync>(&api::args::HomeVisitSync {}).await {
                Ok(s) => set_start.set(Some(s)),
                Err(e) => set_error.set(Some(e)),
            }
        })
    };
    let to_start = move || {
        set_error.set(None);
        set_chosen.set(Vec::new());
        set_screen.set(Screen::Start);
        spawn_local(async move {
            if let Ok(s) = tauri::invoke::<api::HomeVisitStart>(&api::args::HomeVisitStart {}).await {
                set_start.set(Some(s));
            }
        });
    };
    // One backend call per step; the answer decides the next screen.
    let step = move |call: Call| {
        set_error.set(None);
        set_busy.set(true);
        spawn_local(async move {
            let state = match call {
                Call::Begin(key) => Some(tauri::invoke::<api::HomeVisitBegin>(&api::args::HomeVisitBegin { key: Some(key) }).await),
                Call::Consent(categories) => Some(tauri::invoke::<api::HomeVisitConsent>(&api::args::HomeVisitConsent { categories }).await),
                Call::Identity(input) => Some(tauri::invoke::<api::HomeVisitIdentity>(&api::args::HomeVisitIdentity { input }).await),
                Call::Card | Call::Reuse(_) => {
                    let done = match call {
                        Call::Reuse(first) => tauri::invoke::<api::HomeVisitReuse>(&api::args::HomeVisitReuse { first }).await,
                        _ => tauri::invoke::<api::HomeVisitCard>(&api::args::HomeVisitCard {}).await,
                    };
                    match done {
                        Ok(d) => set_screen.set(Screen::Done(d)),
                        Err(e) => set_error.set(Some(e)),
                    }
                    if let Ok(s) = tauri::invoke::<api::HomeVisitSync>(&api::args::HomeVisitSync {}).await {
                        set_start.set(Some(s));
                    }
                    None
                }
            };
            match state {
                Some(Ok(v)) => set_screen.set(Screen::Step(v)),
                Some(Err(e)) => set_error.set(Some(e)),
                None => {}
            }
            set_busy.set(false);
        });
    };
    let t = move |id: &str| tr(lang.get(), id, &[]);
    let close_now = {
        let close = close.clone();
        move |_| {
            set_open.set(false);
            close()
        }
    };

    let step_no = move || match screen.get() {
        Screen::Start => 0,
        Screen::Step(v) => match v.step {
            Step::Consent => 1,
            Step::Identity => 2,
            Step::Card => 3,
        },
        Screen::Done(_) => 4,
    };

    view! {
        <div class="overlay hv-overlay">
        <section id="home-visit" class="panel hv-panel" aria-labelledby="hv-title">
            <header class="hv-head">
                <h2 id="hv-title">{move || t("home-visit-title")}</h2>
                <button id="hv-close" class="hv-button" on:click=close_now>{move || t("home-visit-close")}</button>
            </header>
            <div id="hv-network" class="hv-network" class:offline=move || start.get().is_some_and(|s| !s.online) role="status">
                {move || start.get().map(|s| if s.online { t("home-visit-online") } else { t("home-visit-offline") })}
                {move || start.get().filter(|s| s.pending > 0).map(|s| view! {
                    <span id="hv-pending" class="hv-pending">{tr(lang.get(), "home-visit-pending", &[("count", s.pending.to_string())])}</span>
                    <button id="hv-sync" class="hv-button" on:click=move |_| sync()>{move || t("home-visit-sync")}</button>
                })}
            </div>
            <Show when=move || start.get().is_some_and(|s| !s.patients.is_empty())>
                <p id="hv-simulator" class="hv-simulator">{move || t("home-visit-simulator")}</p>
            </Show>
            <Show when=move || { let n = step_no(); (1..=3).contains(&n) }>
                <ol id="hv-progress" class="hv-progress" aria-label=move || tr(lang.get(), "home-visit-step", &[("n", step_no().to_string())])>
                    {move || ["home-visit-step-consent", "home-visit-step-identity", "home-visit-step-card"].into_iter().enumerate().map(|(i, id)| {
                        let n = i + 1;
                        view! { <li class:done=move || { step_no() > n } class:current=move || { step_no() == n }>{n}". "{move || t(id)}</li> }
                    }).collect_view()}
                </ol>
                <p id="hv-step" class="hv-step-label">{move || tr(lang.get(), "home-visit-step", &[("n", step_no().to_string())])}</p>
            </Show>
            {move || error.get().map(|e| view! { <div id="hv-error" class="message error hv-error" role="alert">{move || say(lang.get(), &e.message)}</div> })}
            {move || match screen.get() {
                Screen::Start => view! {
                    <div class="hv-start">
                        <h3>{move || t("home-visit-new")}</h3>
                        // Outside training there is no home-visit reader yet: said, not hidden.
                        {move || if start.get().is_some_and(|s| s.patients.is_empty()) {
                            view! { <p id="hv-no-reader" class="message warning">{move || t("home-visit-no-reader")}</p> }.into_any()
                        } else {
                            view! { <p class="hint">{move || t("home-visit-choose-card")}</p> }.into_any()
                        }}
                        <div class="hv-choices">
                            {move || start.get().map(|s| s.patients).unwrap_or_default().into_iter().enumerate().map(|(i, p)| {
                                let key = p.key.clone();
                                view! {
                                    <button id=format!("hv-patient-{i}") class="hv-button hv-choice" prop:disabled=move || busy.get()
                                        on:click=move |_| step(Call::Begin(key.clone()))>
                                        <span class="hv-name">{p.name.clone()}</span>
                                        <span>{move || format_date(lang.get(), p.birth_date)}</span>
                                        <span class="hint">{move || tr(lang.get(), "home-visit-pin-hint", &[("pin", p.pin.clone())])}</span>
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                        <h3>{move || t("home-visit-continuing")}</h3>
                        <div class="hv-choices">
                            {move || {
                                let list = start.get().map(|s| s.continuing).unwrap_or_default();
                                if list.is_empty() {
                                    view! { <p id="hv-continuing-none" class="hint">{move || t("home-visit-continuing-none")}</p> }.into_any()
                                } else {
                                    list.into_iter().map(|v| {
                                        let id = v.id;
                                        let name = name_of(&start.get_untracked(), &v.person_key);
                                        let until = v.valid_until.date();
                                        view! {
                                            <button id=format!("hv-reuse-{id}") class="hv-button hv-choice" prop:disabled=move || busy.get()
                                                on:click=move |_| step(Call::Reuse(id))>
                                                {move || tr(lang.get(), "home-visit-reuse-button", &[("name", name.clone()), ("date", format_date(lang.get(), until))])}
                                            </button>
                                        }
                                    }).collect_view().into_any()
                                }
                            }}
                        </div>
                        <TodayVisits lang=lang start=start />
                    </div>
                }.into_any(),
                Screen::Step(v) if v.step == Step::Consent => view! {
                    <div class="hv-step">
                        {v.patient.clone().map(|p| view! { <p id="hv-patient" class="hv-name">{p.name}</p> })}
                        <h3>{move || t("home-visit-consent-question")}</h3>
                        <div class="hv-choices">
                            {ConsentCategory::ALL.into_iter().map(|c| view! {
                                <label class="hv-toggle" class:on=move || chosen.get().contains(&c)>
                                    <input id=format!("hv-consent-{}", category_id(c)) type="checkbox"
                                        prop:checked=move || chosen.get().contains(&c)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            set_chosen.update(|v| { v.retain(|x| *x != c); if on { v.push(c) } });
                                        } />
                                    <span>{move || category_name(lang.get(), c)}</span>
                                </label>
                            }).collect_view()}
                        </div>
                        <p id="hv-consent-summary" class="hint">{move || categories_text(lang.get(), &chosen.get())}</p>
                        <div class="hv-actions">
                            <button id="hv-back" class="hv-button" on:click=move |_| to_start()>{move || t("home-visit-back")}</button>
                            <button id="hv-next" class="hv-button primary" prop:disabled=move || busy.get()
                                on:click=move |_| step(Call::Consent(chosen.get_untracked()))>
                                {move || t("home-visit-next")}
                            </button>
                        </div>
                    </div>
                }.into_any(),
                Screen::Step(v) if v.step == Step::Identity => {
                    let pin_ok = v.reader.pin_check;
                    view! {
                        <div class="hv-step">
                            {v.patient.clone().map(|p| view! {
                                <p id="hv-patient" class="hv-name">{p.name}</p>
                                <p class="hint">{move || tr(lang.get(), "home-visit-pin-hint", &[("pin", p.pin.clone())])}</p>
                            })}
                            <h3>{move || t("home-visit-identity-question")}</h3>
                            <div class="hv-choices">
                                <Show when=move || pin_ok>
                                    <button id="hv-method-pin" class="hv-button hv-choice" class:on=move || method.get() == "pin"
                                        on:click=move |_| set_method.set("pin".into())>{move || t("home-visit-pin")}</button>
                                </Show>
                                <button id="hv-method-visual" class="hv-button hv-choice" class:on=move || method.get() == "visual"
                                    on:click=move |_| set_method.set("visual".into())>{move || t("home-visit-visual")}</button>
                            </div>
                            <form class="hv-form" on:submit=move |ev| {
                                ev.prevent_default();
                                let input = if method.get_untracked() == "pin" && pin_ok {
                                    IdentityInput::Pin { pin: pin.get().map(|i| i.value()).unwrap_or_default() }
                                } else {
                                    IdentityInput::Visual { name: visual_name.get().map(|i| i.value()).unwrap_or_default() }
                                };
                                if let Some(i) = pin.get() { i.set_value(""); }
                                step(Call::Identity(input))
                            }>
                                <Show when=move || method.get() == "pin" && pin_ok
                                    fallback=move || view! {
                                        <label>{move || t("home-visit-visual-name")}
                                            <input id="hv-visual-name" class="hv-input" node_ref=visual_name autocomplete="off" />
                                        </label>
                                    }>
                                    <label>{move || t("home-visit-pin-label")}
                                        <input id="hv-pin" class="hv-input hv-pin" node_ref=pin type="password" inputmode="numeric" maxlength="4" autocomplete="off" />
                                    </label>
                                </Show>
                                <div class="hv-actions">
                                    <button id="hv-back" type="button" class="hv-button" on:click=move |_| to_start()>{move || t("home-visit-back")}</button>
                                    <button id="hv-confirm" type="submit" class="hv-button primary" prop:disabled=move || busy.get()>{move || t("home-visit-confirm")}</button>
                                </div>
                            </form>
                        </div>
                    }.into_any()
                }
                Screen::Step(v) => view! {
                    <div class="hv-step">
                        {v.patient.clone().map(|p| view! { <p id="hv-patient" class="hv-name">{p.name}</p> })}
                        <h3>{move || t("home-visit-card-question")}</h3>
                        <div class="hv-actions">
                            <button id="hv-back" class="hv-button" on:click=move |_| to_start()>{move || t("home-visit-back")}</button>
                            <button id="hv-read-card" class="hv-button primary hv-big" prop:disabled=move || busy.get()
                                on:click=move |_| step(Call::Card)>{move || t("home-visit-read-card")}</button>
                        </div>
                    </div>
                }.into_any(),
                Screen::Done(d) => {
                    let id = d.visit.id;
                    // Offline there is no answer yet: the name from the simulator's card.
                    let name = d.result.as_ref().and_then(|r| r.person.as_ref()).map(|p| p.name.clone())
                        .or_else(|| Some(name_of(&start.get_untracked(), &d.visit.person_key)));
                    let validity = d.result.as_ref().map(|r| r.validity);
                    let cats = d.visit.categories.clone();
                    let reused = d.visit.first_visit_id.is_some();
                    let warning = d.warning.clone();
                    view! {
                        <div id="hv-done" class="hv-step hv-done">
                            <p id="hv-done-status" class="hv-status" class:unconfirmed=move || !visit_confirmed(&start.get(), id, d.offline)>
                                {move || if visit_confirmed(&start.get(), id, d.offline) { t("home-visit-done-online") } else { t("home-visit-done-offline") }}
                            </p>
                            {name.map(|n| view! { <p id="hv-done-name" class="hv-name">{n}</p> })}
                            {validity.map(|v| view! { <p id="hv-done-validity" class="hv-big-text">{move || tr(lang.get(), &format!("validity-{}", v.code()), &[])}</p> })}
                            <p id="hv-done-consent">{move || categories_text(lang.get(), &cats)}</p>
                            {reused.then(|| view! { <p class="hint">{move || t("home-visit-reused")}</p> })}
                            // The outage note only while the visit is not confirmed.
                            {move || warning.clone().filter(|_| !visit_confirmed(&start.get(), id, d.offline)).map(|w| view! { <p id="hv-done-warning" class="message warning">{move || say(lang.get(), &w)}</p> })}
                            <div class="hv-actions">
                                <button id="hv-again" class="hv-button primary" on:click=move |_| to_start()>{move || t("home-visit-again")}</button>
                            </div>
                        </div>
                    }.into_any()
                }
            }}
        </section>
        </div>
    }
}

/// Is visit `id` confirmed, as the latest overview says (else as the visit
/// itself said when it was made)?
fn visit_confirmed(start: &Option<Start>, id: i64, offline_at_visit: bool) -> bool {
    start
        .as_ref()
        .and_then(|s| s.today.iter().find(|v| v.id == id))
        .map(|v| v.confirmed_at.is_some())
        .unwrap_or(!offline_at_visit)
}

fn name_of(start: &Option<Start>, key: &str) -> String {
    start
        .as_ref()
        .and_then(|s| s.patients.iter().find(|p| p.key == key))
        .map(|p| p.name.clone())
        .unwrap_or_else(|| key.to_string())
}

/// Today's visits, each confirmed or not.
#[component]
fn TodayVisits(lang: ReadSignal<Lang>, start: ReadSignal<Option<Start>>) -> impl IntoView {
    view! {
        <h3>{move || tr(lang.get(), "home-visit-today", &[])}</h3>
        <ul id="hv-today" class="hv-today">
            {move || start.get().map(|s| {
                let s2 = Some(s.clone());
                s.today.into_iter().map(|v| {
                    let name = name_of(&s2, &v.person_key);
                    let confirmed = v.confirmed_at.is_some();
                    let cats = v.categories.clone();
                    let identity = v.identity.clone();
                    view! {
                        <li id=format!("hv-visit-{}", v.id) class:unconfirmed=!confirmed>
                            <span class="hv-status-word">{move || tr(lang.get(), if confirmed { "home-visit-confirmed" } else { "home-visit-unconfirmed" }, &[])}</span>
                            " " {v.visited_at.format("%H:%M").to_string()} " " {name}
                            " — " {move || categories_text(lang.get(), &cats)}
                            " — " {move || match &identity {
                                IdentityCheck::Pin => tr(lang.get(), "home-visit-identity-pin", &[]),
                                IdentityCheck::Visual { confirmed_by, .. } => tr(lang.get(), "home-visit-identity-visual", &[("name", confirmed_by.clone())]),
                                IdentityCheck::FirstVisit => tr(lang.get(), "home-visit-reused", &[]),
                                IdentityCheck::Terminal => String::new(),
                            }}
                        </li>
                    }
                }).collect_view()
            })}
        </ul>
    }
}
