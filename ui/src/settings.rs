//! The settings panel (service, OQS folder, facility, staff name, language).

use leptos::prelude::*;
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::task::spawn_local;
use madoguchi_api as api;
use madoguchi_api::desk::{DeskStatus, SettingsForm};
use madoguchi_core::message::ApiError;
use madoguchi_i18n::Lang;

use crate::format::*;
use crate::tauri;

#[component]
pub fn SettingsPanel(
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
