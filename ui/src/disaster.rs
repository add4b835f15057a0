//! 災害時モード in the window: the notice (a special disaster operation; the
//! access is logged) confirmed first, then the four fields, all required —
//! refused here with the core's own check before anything is sent — and the
//! answer: the one person found, the advice when nobody was, or "several
//! found" with no personal data. A local emergency in force is said at the
//! top. Role checks, the search and the audit entry
//! are the backend's (`src-tauri/src/disaster.rs`).

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use madoguchi_core::matching::{prepare, DisasterQuery, MatchOutcome};
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::EligibilityResult;
use madoguchi_i18n::Lang;
use serde::{Deserialize, Serialize};

use crate::format::*;
use crate::tauri;

/// Mirrors `disaster::DisasterLookup`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct DisasterLookup {
    outcome: MatchOutcome,
    result: Option<EligibilityResult>,
    mode: String,
    message: Msg,
    as_of: Option<chrono::NaiveDateTime>,
}

#[derive(Serialize)]
struct LookupArgs<'a> {
    query: &'a DisasterQuery,
}

/// The disaster-mode panel.
#[component]
pub fn DisasterPanel(
    lang: ReadSignal<Lang>,
    /// The facility's local emergency, while in force.
    emergency: ReadSignal<Option<crate::staff::LocalEmergency>>,
    close: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let (confirmed, set_confirmed) = signal(false);
    let (busy, set_busy) = signal(false);
    let (problems, set_problems) = signal(Vec::<Msg>::new());
    let (error, set_error) = signal(None::<ApiError>);
    let (answer, set_answer) = signal(None::<DisasterLookup>);
    let name: NodeRef<html::Input> = NodeRef::new();
    let birth: NodeRef<html::Input> = NodeRef::new();
    let sex: NodeRef<html::Select> = NodeRef::new();
    let hint: NodeRef<html::Input> = NodeRef::new();

    let search = move || {
        if busy.get_untracked() {
            return;
        }
        if !confirmed.get_untracked() {
            set_problems.set(vec![Msg::new("disaster-must-confirm")]);
            return;
        }
        let v = |r: NodeRef<html::Input>| r.get().map(|e| e.value()).unwrap_or_default();
        let query = DisasterQuery {
            name: v(name),
            birth_date: v(birth),
            sex: sex.get().map(|e| e.value()).unwrap_or_default(),
            hint: v(hint),
        };
        set_answer.set(None);
        set_error.set(None);
        // Refused before any search: the core's own check.
        if let Err(ps) = prepare(&query) {
            set_problems.set(ps.iter().map(|p| p.message()).collect());
            return;
        }
        set_problems.set(Vec::new());
        set_busy.set(true);
        spawn_local(async move {
            match tauri::invoke::<DisasterLookup>("disaster_lookup", &LookupArgs { query: &query }).await {
                Ok(a) => set_answer.set(Some(a)),
                Err(e) => set_error.set(Some(e)),
            }
            set_busy.set(false);
        });
    };
    let t = move |id: &str| tr(lang.get(), id, &[]);

    view! {
        <div class="overlay">
        <section id="disaster-panel" class="panel disaster-panel">
            <h2>{move || t("disaster-title")}</h2>
            {move || emergency.get().map(|e| view! {
                <p id="disaster-emergency" class="message warning emergency">{crate::staff::emergency_text(lang.get(), &e)}</p>
            })}
            <div id="disaster-warning" class="message warning" role="alert">
                <p>{move || t("disaster-warning")}</p>
                <label>
                    <input id="disaster-confirm" type="checkbox"
                        prop:checked=move || confirmed.get()
                        on:change=move |ev| set_confirmed.set(event_target_checked(&ev)) />
                    " " {move || t("disaster-warning-confirm")}
                </label>
            </div>
            <form class="disaster-form" on:submit=move |ev| { ev.prevent_default(); search() }>
                <label>{move || t("disaster-name")}<input id="disaster-name" node_ref=name autocomplete="off" /></label>
                <label>{move || t("disaster-birth")}<input id="disaster-birth" node_ref=birth autocomplete="off" /></label>
                <label>{move || t("disaster-sex")}
                    <select id="disaster-sex" node_ref=sex>
                        <option value="">{move || t("disaster-sex-choose")}</option>
                        <option value="男">{move || t("disaster-sex-male")}</option>
                        <option value="女">{move || t("disaster-sex-female")}</option>
                    </select>
                </label>
                <label>{move || t("disaster-hint")}<input id="disaster-hint" node_ref=hint autocomplete="off" /></label>
                <div class="actions">
                    <button id="disaster-search" type="submit" class="primary" prop:disabled=move || busy.get() || !confirmed.get()>
                        {move || if busy.get() { t("disaster-searching") } else { t("disaster-search") }}
                    </button>
                    <button id="disaster-close" type="button" on:click=move |_| close()>{move || t("disaster-close")}</button>
                </div>
            </form>
            <ul id="disaster-problems" class="message error">
                {move || problems.get().into_iter().map(|m| view! { <li>{say(lang.get(), &m)}</li> }).collect_view()}
            </ul>
            <div id="disaster-error" class="message error" role="alert">{move || error.get().map(|e| say(lang.get(), &e.message))}</div>
            {move || answer.get().map(|a| view! { <Answer lang=lang answer=a /> })}
        </section>
        </div>
    }
}

#[component]
fn Answer(lang: ReadSignal<Lang>, answer: DisasterLookup) -> impl IntoView {
    let headline = answer.message.clone();
    let offline = (answer.mode == "offline").then_some(answer.as_of).flatten();
    let details = match (&answer.outcome, answer.result.clone()) {
        (MatchOutcome::Found { key, matched }, Some(r)) => {
            let p = r.person.clone();
            let q = r.qualification.clone();
            let matched = matched.clone();
            let key = key.clone();
            let validity = r.validity;
            let copay = r.effective_copay();
            view! {
                <div id="disaster-person" class="result-card">
                    <p class="name">{p.as_ref().map(|p| p.name.clone())}</p>
                    <p class="kana">{p.as_ref().and_then(|p| p.name_kana.clone())}</p>
                    <p>{move || p.as_ref().map(|p| format!("{}  {}", format_date(lang.get(), p.birth_date), p.sex.label_ja()))}</p>
                    <p>{q.as_ref().and_then(|q| q.insurer_name.clone())}</p>
                    <p><span>{move || tr(lang.get(), "disaster-card", &[])}</span>": "<span id="disaster-key">{key}</span></p>
                    <p>
                        <strong>{move || tr(lang.get(), &format!("validity-{}", validity.code()), &[])}</strong>
                        " "
                        {move || copay.map(|c| tr(lang.get(), "copay-wari", &[("wari", c.wari().to_string())]))}
                    </p>
                    <p class="hint">{move || tr(lang.get(), "disaster-matched", &[])}</p>
                    <ul class="matched">
                        {matched.into_iter().map(|m| view! { <li>{move || say(lang.get(), &m.message())}</li> }).collect_view()}
                    </ul>
                </div>
            }
            .into_any()
        }
        (MatchOutcome::NotFound { hints }, _) => {
            let hints = hints.clone();
            view! {
                <ul id="disaster-hints" class="hints">
                    {hints.into_iter().map(|h| view! { <li>{move || say(lang.get(), &h.message())}</li> }).collect_view()}
                </ul>
            }
            .into_any()
        }
        (MatchOutcome::Refused { problems }, _) => {
            let problems = problems.clone();
            view! {
                <ul class="message error">
                    {problems.into_iter().map(|p| view! { <li>{move || say(lang.get(), &p.message())}</li> }).collect_view()}
                </ul>
            }
            .into_any()
        }
        _ => ().into_any(),
    };
    view! {
        <div id="disaster-answer" class="disaster-answer">
            <p id="disaster-headline" class="headline">{move || say(lang.get(), &headline)}</p>
            {offline.map(|at| view! {
                <p class="stale-badge">{move || tr(lang.get(), "disaster-mode-offline", &[("at", at.format("%Y-%m-%d %H:%M").to_string())])}</p>
            })}
            {details}
        </div>
    }
}
