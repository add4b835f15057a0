//! 薬剤情報 / 特定健診 / 診療情報 of the patient on screen, and printing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use madoguchi_api as api;
use madoguchi_api::desk::{MedicalView, PrintedFile};
use madoguchi_core::message::ApiError;
use madoguchi_i18n::Lang;

use crate::format::*;
use crate::{checkup, clinical, tauri};

/// 薬剤情報 / 特定健診 / 診療情報 of the patient on screen. The backend decides whether
/// the patient's consent allows it; this panel shows the answer or the
/// refusal, and never holds anything it was not given.
#[component]
pub fn MedicalPanel(lang: ReadSignal<Lang>, check_id: i64) -> impl IntoView {
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

pub fn medication_table(lang: ReadSignal<Lang>, h: madoguchi_core::medical::MedicationHistory) -> impl IntoView {
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
