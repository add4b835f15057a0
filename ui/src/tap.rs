//! Training mode: play the patient at the card reader.

use leptos::prelude::*;
use leptos::html;
use leptos::task::spawn_local;
use madoguchi_api as api;
use madoguchi_core::message::ApiError;
use madoguchi_i18n::Lang;

use crate::format::*;
use crate::tauri;

/// Training mode: play the patient at the card reader.
#[component]
pub fn TapPanel(lang: ReadSignal<Lang>) -> impl IntoView {
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
