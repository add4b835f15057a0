//! 診療情報 on screen: the facilities the patient visited (most recent
//! first), each with its months and what was done, notable procedures
//! (dialysis, operations, imaging …) marked. The grouping is
//! `madoguchi_core::clinical`'s and the backend already left out what the
//! patient did not consent to; this module draws what it was given and says
//! when operations (手術情報) were left out for want of their own consent.

use leptos::prelude::*;
use madoguchi_core::clinical::{ClinicalHistory, ProcedureKind};
use madoguchi_core::medical::{Facility, YearMonth};
use madoguchi_i18n::Lang;

use crate::format::*;

fn month_text(lang: Lang, m: Option<YearMonth>) -> String {
    match m {
        Some(m) => tr(lang, "clinical-month", &[("year", m.year().to_string()), ("month", m.month().to_string())]),
        None => tr(lang, "clinical-month-unknown", &[]),
    }
}

fn facility_text(f: &Facility) -> String {
    match (&f.name, &f.code) {
        (Some(n), Some(c)) => format!("{n}（{c}）"),
        (Some(n), None) => n.clone(),
        (None, Some(c)) => c.clone(),
        (None, None) => "—".into(),
    }
}

fn kind_badge(lang: ReadSignal<Lang>, k: ProcedureKind) -> impl IntoView {
    let id = format!("clinical-kind-{}", k.as_str());
    view! {
        <span class=format!("kind kind-{}", k.as_str()) class:operation=k.is_operation()>
            {move || tr(lang.get(), &id, &[])}
        </span>
    }
}

pub fn clinical_view(lang: ReadSignal<Lang>, h: ClinicalHistory) -> impl IntoView {
    let withheld_operations = !h.operations_shown;
    let withheld_clinical = !h.clinical_shown;
    let error = h.error.as_ref().and_then(|e| e.message.clone());
    let empty = h.facilities.is_empty();
    let heading = if h.operations_shown && h.clinical_shown { "medical-heading-clinical-operations" } else { "medical-heading-clinical" };
    view! {
        <h3>{move || tr(lang.get(), heading, &[])}</h3>
        {withheld_operations.then(|| view! {
            <p id="clinical-operations-withheld" class="note">{move || tr(lang.get(), "clinical-operations-withheld", &[])}</p>
        })}
        {withheld_clinical.then(|| view! {
            <p id="clinical-clinical-withheld" class="note">{move || tr(lang.get(), "clinical-clinical-withheld", &[])}</p>
        })}
        {error.map(|m| view! { <p class="message error">{m}</p> })}
        {empty.then(|| view! { <p class="hint">{move || tr(lang.get(), "clinical-none", &[])}</p> })}
        <div id="clinical-history">
            {h.facilities.into_iter().map(|f| {
                let span = (f.first, f.last);
                let count = f.months.len();
                view! {
                    <section class="clinical-facility">
                        <header>
                            <strong>{facility_text(&f.facility)}</strong>
                            <span class="span">{move || {
                                let l = lang.get();
                                let period = if span.0 == span.1 { month_text(l, span.1) } else { format!("{} 〜 {}", month_text(l, span.0), month_text(l, span.1)) };
                                format!("{period}　{}", tr(l, "clinical-visit-months", &[("count", count.to_string())]))
                            }}</span>
                            {f.notable.iter().map(|k| kind_badge(lang, *k)).collect_view()}
                        </header>
                        <table class="clinical-months">
                            <tbody>
                                {f.months.into_iter().map(|m| {
                                    let days = m.days.clone();
                                    view! {
                                        <tr>
                                            <td class="when">
                                                {move || month_text(lang.get(), m.month)}
                                                {(!days.is_empty()).then(|| {
                                                    let days = days.clone();
                                                    view! { <br/><small>{move || tr(lang.get(), "clinical-days", &[("days", days.iter().map(|d| chrono::Datelike::day(d).to_string()).collect::<Vec<_>>().join("・"))])}</small> }
                                                })}
                                            </td>
                                            <td>
                                                <ul class="procedures">
                                                    {m.procedures.into_iter().map(|p| view! {
                                                        <li class:operation=p.kind.is_operation()>
                                                            {kind_badge(lang, p.kind)}
                                                            " " {p.name.clone()}
                                                            {p.times.clone().map(|t| view! { <small>{format!(" × {t}")}</small> })}
                                                        </li>
                                                    }).collect_view()}
                                                </ul>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                }
            }).collect_view()}
        </div>
    }
}
