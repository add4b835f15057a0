//! 災害時モード in the window: the notice (a special disaster operation; the
//! access is logged) confirmed first, then the four fields, all required —
//! refused here with the core's own check before anything is sent — and the
//! answer: the one person found, the advice when nobody was, or "several
//! found" with no personal data. A local emergency in force is said at the
//! top. Role checks, the search and the audit entry
//! are the backend's (`src-tauri/src/disaster.rs`).
//!
//! After exactly one person was found: the consent panel (per category, oral
//! or "unconscious — needed to protect life" with a reason; recorded and
//! refused by the backend, `src-tauri/src/consents.rs`), then the medical
//! information through the same `view_medical` command as at the counter —
//! the backend decides under the recorded consent, this panel shows the
//! answer or the refusal. Every category can be recorded
//! (`consent::DESK_CATEGORIES`: 薬剤情報, 特定健診等情報, 診療情報, and
//! 手術情報 on its own); the views are `consent::DESK_VIEWS`, the 診療情報
//! view holding operations under their own consent. A refusal here tells
//! staff to record the disaster consent, not to use the card reader: the
//! backend knows the patient was found by a disaster look-up.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use madoguchi_core::matching::{prepare, DisasterQuery, MatchOutcome};
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::consent::{Consent, ConsentSource, DisasterBasis, DESK_CATEGORIES, DESK_VIEWS};
use madoguchi_core::ConsentCategory;
use madoguchi_i18n::Lang;

use crate::format::*;
use crate::tauri;

use madoguchi_api as api;
use madoguchi_api::disaster::{DisasterConsentInput, DisasterLookup};

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
            match tauri::invoke::<api::DisasterLookup>(&api::args::DisasterLookup { query }).await {
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
    let offline = (answer.mode == madoguchi_api::disaster::LookupMode::Offline).then_some(answer.as_of).flatten();
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
                {answer.check_id.map(|id| view! { <ConsentPanel lang=lang check_id=id /> })}
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

/// The person found: record their consent, per category, then view the
/// consented medical information. Nothing is decided here: the backend
/// refuses a missing category or reason, and every category without a
/// recorded (or card-reader) consent.
#[component]
fn ConsentPanel(lang: ReadSignal<Lang>, check_id: i64) -> impl IntoView {
    let boxes: Vec<(ConsentCategory, NodeRef<html::Input>)> = DESK_CATEGORIES.iter().map(|c| (*c, NodeRef::new())).collect();
    let (unconscious, set_unconscious) = signal(false);
    let reason: NodeRef<html::Textarea> = NodeRef::new();
    let (busy, set_busy) = signal(false);
    let (error, set_error) = signal(None::<ApiError>);
    let (recorded, set_recorded) = signal(Vec::<Consent>::new());
    let boxes_for_record = boxes.clone();
    let boxes_to_clear = boxes.clone();
    let record = move |_| {
        if busy.get_untracked() {
            return;
        }
        let categories: Vec<ConsentCategory> = boxes_for_record
            .iter()
            .filter(|(_, r)| r.get().map(|e| e.checked()).unwrap_or(false))
            .map(|(c, _)| *c)
            .collect();
        let basis = if unconscious.get_untracked() {
            DisasterBasis::Unconscious { reason: reason.get().map(|e| e.value()).unwrap_or_default() }
        } else {
            DisasterBasis::Oral
        };
        set_error.set(None);
        set_busy.set(true);
        let boxes_to_clear = boxes_to_clear.clone();
        spawn_local(async move {
            let args = api::args::RecordDisasterConsent { id: check_id, input: DisasterConsentInput { categories, basis } };
            match tauri::invoke::<api::RecordDisasterConsent>(&args).await {
                Ok(r) => {
                    // Recorded: the boxes are free for the next category.
                    for (_, b) in &boxes_to_clear {
                        if let Some(e) = b.get_untracked() {
                            e.set_checked(false);
                        }
                    }
                    set_recorded.update(|all| all.extend(r.into_iter().map(|r| r.consent)))
                }
                Err(e) => set_error.set(Some(e)),
            }
            set_busy.set(false);
        });
    };
    let t = move |id: &str| tr(lang.get(), id, &[]);
    // Every recording of this visit, one line each (categories, basis, who,
    // until when), oldest first.
    let summary = move || {
        let l = lang.get();
        let all = recorded.get();
        let mut groups: Vec<(Consent, Vec<String>)> = Vec::new();
        for c in &all {
            let name = tr(l, "consent-category", &[("category", c.category.as_str().to_string())]);
            match groups.iter_mut().find(|(first, _)| first.given_at == c.given_at && first.source == c.source && first.recorded_by == c.recorded_by) {
                Some((_, names)) => names.push(name),
                None => groups.push((c.clone(), vec![name])),
            }
        }
        groups
            .into_iter()
            .map(|(first, names)| {
                let basis = match first.source {
                    ConsentSource::UnconsciousVitalInterest { .. } => tr(l, "disaster-consent-unconscious", &[]),
                    _ => tr(l, "disaster-consent-oral", &[]),
                };
                let text = tr(
                    l,
                    "disaster-consent-recorded",
                    &[
                        ("categories", names.join("・")),
                        ("basis", basis),
                        ("staff", first.recorded_by.clone()),
                        ("until", first.valid_until.format("%Y-%m-%d %H:%M").to_string()),
                    ],
                );
                view! { <p>{text}</p> }
            })
            .collect_view()
    };
    view! {
        <section id="disaster-consent" class="disaster-consent">
            <h3>{move || t("disaster-consent-title")}</h3>
            <p class="hint">{move || t("disaster-consent-intro")}</p>
            <fieldset>
                <legend>{move || t("disaster-consent-categories")}</legend>
                {boxes.into_iter().map(|(c, r)| {
                    let cat = c.as_str();
                    view! {
                        <label class="check">
                            <input type="checkbox" id=format!("disaster-consent-{cat}") node_ref=r />
                            {move || tr(lang.get(), "consent-category", &[("category", cat.to_string())])}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>{move || t("disaster-consent-basis")}</legend>
                <label class="check">
                    <input type="radio" name="disaster-basis" id="disaster-basis-oral" prop:checked=move || !unconscious.get()
                        on:change=move |_| set_unconscious.set(false) />
                    {move || t("disaster-consent-oral")}
                </label>
                <label class="check">
                    <input type="radio" name="disaster-basis" id="disaster-basis-unconscious" prop:checked=move || unconscious.get()
                        on:change=move |_| set_unconscious.set(true) />
                    {move || t("disaster-consent-unconscious")}
                </label>
                <label class="reason">{move || t("disaster-consent-reason")}
                    <textarea id="disaster-consent-reason" node_ref=reason rows="2"
                        placeholder=move || t("disaster-consent-reason-placeholder")></textarea>
                </label>
            </fieldset>
            <div class="actions">
                <button id="disaster-consent-record" type="button" class="primary" prop:disabled=move || busy.get() on:click=record>
                    {move || if busy.get() { t("disaster-consent-recording") } else { t("disaster-consent-record") }}
                </button>
            </div>
            <div id="disaster-consent-error" class="message error" role="alert">{move || error.get().map(|e| say(lang.get(), &e.message))}</div>
            <div id="disaster-consent-recorded" class="message ok" role="status">{summary}</div>
            <Show
                when=move || !recorded.get().is_empty()
                fallback=move || view! { <p class="hint">{move || t("disaster-consent-none-yet")}</p> }
            >
                <DisasterMedical lang=lang check_id=check_id />
            </Show>
        </section>
    }
}

/// The found person's medical information, through `view_medical` (the
/// same command, and the same consent decision, as at the counter).
#[component]
fn DisasterMedical(lang: ReadSignal<Lang>, check_id: i64) -> impl IntoView {
    let (shown, set_shown) = signal(None::<api::desk::MedicalView>);
    let (refusal, set_refusal) = signal(None::<ApiError>);
    let (busy, set_busy) = signal(false);
    let ask = move |category: &'static str| {
        set_busy.set(true);
        set_shown.set(None);
        set_refusal.set(None);
        spawn_local(async move {
            match tauri::invoke::<api::ViewMedical>(&api::args::ViewMedical { id: check_id, category: category.to_string() }).await {
                Ok(v) => set_shown.set(Some(v)),
                Err(e) => set_refusal.set(Some(e)),
            }
            set_busy.set(false);
        });
    };
    view! {
        <section id="disaster-medical" class="medical">
            <h3>{move || tr(lang.get(), "disaster-medical-title", &[])}</h3>
            <div class="actions">
                {DESK_VIEWS.iter().map(|c| {
                    let cat = c.as_str();
                    view! {
                        <button id=format!("disaster-medical-{cat}") type="button" disabled=move || busy.get() on:click=move |_| ask(cat)>
                            {move || tr(lang.get(), &format!("medical-button-{cat}"), &[])}
                        </button>
                    }
                }).collect_view()}
                <Show when=move || busy.get()><span class="hint">{move || tr(lang.get(), "medical-loading", &[])}</span></Show>
            </div>
            <div id="disaster-medical-message" class="message error" role="alert">{move || refusal.get().map(|e| say(lang.get(), &e.message))}</div>
            {move || shown.get().map(|v| match v {
                api::desk::MedicalView::Medication(h) => crate::medical::medication_table(lang, h).into_any(),
                api::desk::MedicalView::Checkups(c) => crate::checkup::checkup_view(lang, c).into_any(),
                api::desk::MedicalView::Clinical(h) => crate::clinical::clinical_view(lang, h).into_any(),
            })}
        </section>
    }
}
