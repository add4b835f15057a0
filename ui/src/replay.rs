//! After an outage: the banner while the service cannot be reached, and the
//! replayed checks whose answer differs from what staff were shown at the
//! visit (visit date, before → after), until staff acknowledge each one.
//! What differs is decided in the backend; this only shows it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use madoguchi_core::message::Msg;
use madoguchi_i18n::Lang;

use crate::format::*;
use crate::tauri;

use madoguchi_api as api;
use madoguchi_api::desk::FlaggedChange;

/// Whether the status line's problem is the service being out of reach.
fn is_outage(problem: Option<&Msg>) -> bool {
    problem.is_some_and(|m| m.id == "gateway-unreachable" || m.id == "gateway-timeout")
}

/// A banner across the desk while the service cannot be reached: checks
/// show the last answer with its date, and wait to be checked again.
#[component]
pub fn OutageBanner(lang: ReadSignal<Lang>, problem: Signal<Option<Msg>>) -> impl IntoView {
    let (pending, set_pending) = signal(0i64);
    Effect::new(move |_| {
        if is_outage(problem.get().as_ref()) {
            spawn_local(async move {
                if let Ok(n) = tauri::invoke::<api::PendingChecks>(&api::args::PendingChecks {}).await {
                    set_pending.set(n);
                }
            });
        }
    });
    view! {
        <Show when=move || is_outage(problem.get().as_ref())>
            <div id="outage-banner" class="outage-banner" role="alert">
                <strong>{move || tr(lang.get(), "outage-banner-title", &[])}</strong>
                <span>{move || tr(lang.get(), "outage-banner-body", &[("pending", pending.get().to_string())])}</span>
            </div>
        </Show>
    }
}

/// One fact's value in words.
fn value(lang: Lang, field: &str, v: &Option<String>) -> String {
    let Some(v) = v else { return tr(lang, "change-none", &[]) };
    match field {
        "validity" => tr(lang, &format!("validity-{v}"), &[]),
        "copay" => match v.parse::<u8>() {
            Ok(p) => tr(lang, "copay-wari", &[("wari", (p / 10).to_string())]),
            Err(_) => v.clone(),
        },
        "valid_from" | "valid_until" => match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => format_date(lang, d),
            Err(_) => v.clone(),
        },
        _ => v.clone(),
    }
}

/// Replayed checks that differ from what was shown, until acknowledged.
#[component]
pub fn FlaggedChanges(lang: ReadSignal<Lang>, signed_in: Signal<Option<String>>) -> impl IntoView {
    let (changes, set_changes) = signal(Vec::<FlaggedChange>::new());
    let (error, set_error) = signal(None::<Msg>);
    let refresh = move || {
        spawn_local(async move {
            match tauri::invoke::<api::ChangesToReview>(&api::args::ChangesToReview {}).await {
                Ok(list) => {
                    set_changes.set(list);
                    set_error.set(None);
                }
                // Nobody signed in (or the session locked): the sign-in
                // screen says so; the list is asked again once someone is.
                Err(e) if e.message.id.starts_with("staff-refused-") => {
                    set_changes.set(Vec::new());
                    set_error.set(None);
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        })
    };
    // Asked at start and whenever the person signed in changes.
    Effect::new(move |_| {
        signed_in.track();
        refresh();
    });
    tauri::listen::<api::ChecksReplayed>(move |_| refresh());
    let acknowledge = move |id: i64| {
        spawn_local(async move {
            match tauri::invoke::<api::AcknowledgeChange>(&api::args::AcknowledgeChange { id }).await {
                Ok(()) => refresh(),
                Err(e) => set_error.set(Some(e.message)),
            }
        })
    };
    view! {
        <Show when=move || !changes.get().is_empty() || error.get().is_some()>
            <section id="flagged-changes" class="panel flagged-changes" role="alert">
                <h2>{move || tr(lang.get(), "changes-heading", &[])}</h2>
                <p class="hint">{move || tr(lang.get(), "changes-explain", &[])}</p>
                <div class="message error">{move || error.get().map(|m| say(lang.get(), &m))}</div>
                <For each=move || changes.get() key=|c| c.change.queued_id let:c>
                    {
                        let id = c.change.queued_id;
                        let who = c.name.clone().unwrap_or_else(|| c.change.person_key.clone());
                        let visit = c.change.visit_at;
                        let nothing_shown = c.change.nothing_shown;
                        let diffs = c.change.differences.clone();
                        view! {
                            <article class="change" id=format!("change-{id}")>
                                <div class="change-head">
                                    <span class="visit">
                                        {move || tr(lang.get(), "change-visit", &[
                                            ("date", format_date(lang.get(), visit.date())),
                                            ("time", visit.format("%H:%M").to_string()),
                                        ])}
                                    </span>
                                    <span class="who">{who}</span>
                                </div>
                                <Show when=move || nothing_shown>
                                    <p class="hint">{move || tr(lang.get(), "change-nothing-shown", &[])}</p>
                                </Show>
                                <ul class="differences">
                                    {diffs.into_iter().map(|d| {
                                        let field = d.field.code();
                                        view! {
                                            <li class=format!("difference diff-{}", d.field.code())>
                                                <span class="diff-field">{move || tr(lang.get(), &format!("change-field-{field}"), &[])}</span>
                                                <span class="before">{
                                                    let (f, v) = (d.field.code(), d.shown.clone());
                                                    move || value(lang.get(), f, &v)
                                                }</span>
                                                " → "
                                                <span class="after">{
                                                    let (f, v) = (d.field.code(), d.replayed.clone());
                                                    move || value(lang.get(), f, &v)
                                                }</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                <button class="acknowledge" id=format!("acknowledge-{id}") on:click=move |_| acknowledge(id)>
                                    {move || tr(lang.get(), "change-acknowledge", &[])}
                                </button>
                            </article>
                        }
                    }
                </For>
            </section>
        </Show>
    }
}
