//! The audit viewer for administrators: the chain's state at the top
//! (intact, or broken at entry N), filters (period, staff, kind of action,
//! patient key, result chosen in words from the backend's list), the entries
//! newest first, and the CSV export. The
//! role check, the date reading, the verification and the file are the
//! backend's (`src-tauri/src/audit_view.rs`); a refusal is shown as it comes.

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use madoguchi_core::message::ApiError;
use madoguchi_i18n::Lang;

use crate::format::*;
use crate::tauri;

use madoguchi_api as api;
use madoguchi_api::audit::{AuditExport, AuditPage, AuditQuery, AuditRow, ChainState};

/// The outcome in the window's language, else the stored code.
fn outcome_in(row: &AuditRow, lang: Lang) -> String {
    match (&row.outcome_words, lang) {
        (Some(w), Lang::Ja) => w.ja.clone(),
        (Some(w), Lang::En) => w.en.clone(),
        (None, _) => row.outcome.clone(),
    }
}

/// The chain's state for everyone: a banner under the top bar when the audit
/// log does not verify (reported at start-up too, by the backend).
#[component]
pub fn ChainBanner(lang: ReadSignal<Lang>) -> impl IntoView {
    let (state, set_state) = signal(None::<ChainState>);
    spawn_local(async move {
        if let Ok(s) = tauri::invoke::<api::AuditChain>(&api::args::AuditChain {}).await {
            set_state.set(Some(s));
        }
    });
    move || match state.get() {
        Some(ChainState::Broken { message, .. }) | Some(ChainState::Unreadable { message }) => Some(view! {
            <p id="audit-chain-banner" class="outage-banner chain-broken" role="alert">{move || say(lang.get(), &message)}</p>
        }),
        _ => None,
    }
}

/// The action's label (`audit-action-<code>`), or the code for one this
/// version does not know.
fn action_label(lang: Lang, code: &str) -> String {
    let id = format!("audit-action-{code}");
    let label = tr(lang, &id, &[]);
    if label == id { code.to_string() } else { label }
}

#[component]
pub fn AuditPanel(lang: ReadSignal<Lang>, close: impl Fn() + Copy + 'static) -> impl IntoView {
    let (page, set_page) = signal(None::<AuditPage>);
    let (error, set_error) = signal(None::<ApiError>);
    let (exported, set_exported) = signal(None::<AuditExport>);
    let (busy, set_busy) = signal(false);
    let from = NodeRef::<html::Input>::new();
    let to = NodeRef::<html::Input>::new();
    let staff = NodeRef::<html::Input>::new();
    let patient = NodeRef::<html::Input>::new();
    let action = NodeRef::<html::Select>::new();
    let result = NodeRef::<html::Select>::new();
    let read = move || {
        let v = |r: NodeRef<html::Input>| r.get().map(|e| e.value()).unwrap_or_default();
        AuditQuery {
            from: v(from),
            to: v(to),
            staff_id: v(staff),
            action: action.get().map(|e| e.value()).unwrap_or_default(),
            patient_key: v(patient),
            result: result.get().map(|e| e.value()).unwrap_or_default(),
            ..AuditQuery::default()
        }
    };
    let load = move || {
        let q = read();
        set_busy.set(true);
        spawn_local(async move {
            match tauri::invoke::<api::AuditPage>(&api::args::AuditPage { query: q }).await {
                Ok(p) => {
                    set_error.set(None);
                    set_page.set(Some(p));
                }
                Err(e) => set_error.set(Some(e)),
            }
            set_busy.set(false);
        });
    };
    load();
    let export = move |_| {
        let q = read();
        set_exported.set(None);
        spawn_local(async move {
            match tauri::invoke::<api::AuditExportCsv>(&api::args::AuditExportCsv { query: q }).await {
                Ok(x) => {
                    set_error.set(None);
                    set_exported.set(Some(x));
                }
                Err(e) => set_error.set(Some(e)),
            }
        });
    };
    // The choices change only when the backend's lists do: redrawing the
    // options at every search would drop what is selected.
    let actions = Memo::new(move |_| page.get().map(|p| p.actions).unwrap_or_default());
    let results = Memo::new(move |_| page.get().map(|p| p.results).unwrap_or_default());
    let problem = move |field: &str| {
        error.get().and_then(|e| e.form.into_iter().find(|p| p.field == field)).map(|p| say(lang.get(), &p.message))
    };
    let t = move |id: &str| tr(lang.get(), id, &[]);
    let input = move |id: &'static str, field: &'static str, label: &'static str, node: NodeRef<html::Input>, placeholder: &'static str| {
        view! {
            <label class="field" class:invalid=move || problem(field).is_some()>
                <span class="label">{move || t(label)}</span>
                <input id=id node_ref=node type="text" autocomplete="off" spellcheck="false" placeholder=placeholder />
                <span class="problem">{move || problem(field)}</span>
            </label>
        }
    };
    view! {
        <div class="overlay" on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" { close() }>
            <section id="audit-panel" class="panel wide-panel audit-panel">
                <div class="panel-head">
                    <h2>{move || t("audit-heading")}</h2>
                    <button id="audit-close" type="button" on:click=move |_| close()>{move || t("disaster-close")}</button>
                </div>
                <p id="audit-chain" class="chain" class:broken=move || page.get().is_some_and(|p| !matches!(p.chain, ChainState::Intact { .. }))>
                    {move || page.get().map(|p| match p.chain {
                        ChainState::Intact { entries, last_seq } => tr(lang.get(), "audit-chain-intact", &[("entries", entries.to_string()), ("seq", last_seq.to_string())]),
                        ChainState::Broken { message, .. } | ChainState::Unreadable { message } => say(lang.get(), &message),
                    })}
                </p>
                <form id="audit-filters" class="audit-filters" on:submit=move |ev| { ev.prevent_default(); load(); }>
                    {input("audit-from", "from", "audit-filter-from", from, "2026-11-20")}
                    {input("audit-to", "to", "audit-filter-to", to, "2026-11-20")}
                    {input("audit-staff", "staff_id", "audit-filter-staff", staff, "")}
                    <label class="field">
                        <span class="label">{move || t("audit-filter-action")}</span>
                        <select id="audit-action" node_ref=action>
                            <option value="">{move || t("audit-filter-any")}</option>
                            {move || actions.get().into_iter().map(|code| {
                                let c = code.clone();
                                view! { <option value=code>{move || action_label(lang.get(), &c)}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    {input("audit-patient", "patient_key", "audit-filter-patient", patient, "06139994:1:2:00")}
                    <label class="field result" class:invalid=move || problem("result").is_some()>
                        <span class="label">{move || t("audit-filter-outcome")}</span>
                        <select id="audit-result" node_ref=result>
                            <option value="">{move || t("audit-filter-any")}</option>
                            {move || results.get().into_iter().map(|r| {
                                let words = r.words.clone();
                                view! { <option value=r.code>{move || match lang.get() { Lang::Ja => words.ja.clone(), Lang::En => words.en.clone() }}</option> }
                            }).collect_view()}
                        </select>
                        <span class="problem">{move || problem("result")}</span>
                    </label>
                    <div class="actions">
                        <button id="audit-search" type="submit" class="primary" disabled=move || busy.get()>{move || t("audit-search")}</button>
                        <button id="audit-export" type="button" on:click=export>{move || t("audit-export")}</button>
                    </div>
                </form>
                <div id="audit-message" class="message error" role="alert">{move || error.get().map(|e| say(lang.get(), &e.message))}</div>
                <p id="audit-exported" class="hint">{move || exported.get().map(|x| tr(lang.get(), "audit-exported", &[("path", x.path), ("count", x.entries.to_string())]))}</p>
                <p id="audit-count" class="hint">{move || page.get().map(|p| tr(lang.get(), "audit-count", &[("shown", p.entries.len().to_string()), ("total", p.total.to_string())]))}</p>
                <table id="audit-list" class="audit-list">
                    <thead><tr>
                        <th>"#"</th>
                        <th>{move || t("audit-col-at")}</th>
                        <th>{move || t("audit-col-staff")}</th>
                        <th>{move || t("audit-col-action")}</th>
                        <th>{move || t("audit-col-patient")}</th>
                        <th>{move || t("audit-col-outcome")}</th>
                        <th>{move || t("audit-col-reason")}</th>
                    </tr></thead>
                    <tbody>
                        {move || page.get().map(|p| p.entries).unwrap_or_default().into_iter().map(|e| {
                            let role = e.role;
                            let action = e.action.clone();
                            let code = e.outcome.clone();
                            let known = e.outcome_words.is_some();
                            let entry = e.clone();
                            let denied = e.outcome == "denied" || e.outcome.starts_with("refused");
                            view! {
                                <tr id=format!("audit-entry-{}", e.seq) class:denied=denied>
                                    <td class="seq">{e.seq}</td>
                                    <td class="at">{e.at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                    <td>{e.staff_id.clone()}<br/><small>{move || role.map(|r| tr(lang.get(), &format!("staff-role-{}", r.code()), &[]))}</small></td>
                                    <td>{move || action_label(lang.get(), &action)}</td>
                                    <td class="key">{e.patient_key.clone().unwrap_or_default()}</td>
                                    <td class="outcome" title=code.clone()>
                                        {move || outcome_in(&entry, lang.get())}
                                        {known.then(|| view! { <br/><small class="code">{code.clone()}</small> })}
                                    </td>
                                    <td>{e.reason.clone().unwrap_or_default()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </div>
    }
}
