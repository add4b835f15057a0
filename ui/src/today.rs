//! Today's list of checks.

use leptos::prelude::*;
use madoguchi_core::CheckSummary;
use madoguchi_i18n::Lang;

use crate::format::*;

#[component]
pub fn TodayList(lang: ReadSignal<Lang>, today: ReadSignal<Vec<CheckSummary>>) -> impl IntoView {
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
