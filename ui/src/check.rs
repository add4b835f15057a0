//! The card entry form: five fields, the keyboard flow (`ui/logic`), the check, its answer below.

use leptos::prelude::*;
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::task::spawn_local;
use madoguchi_api as api;
use madoguchi_api::desk::CheckOutcome;
use madoguchi_core::message::ApiError;
use madoguchi_core::validation::{CardInput, Field};
use madoguchi_i18n::Lang;
use madoguchi_ui_logic::entry::{self, first_error_field, KeyAction, FIELDS};

use crate::format::*;
use crate::tauri;

#[component]
pub fn CheckPanel(
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
            {move || outcome.get().map(|o| view! { <crate::result::ResultCard lang=lang outcome=o /> })}
        </section>
    }
}
