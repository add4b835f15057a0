//! 診療情報 on screen: the facilities the patient visited (most recent
//! first), each with its months and what was done, notable procedures
//! (dialysis, operations, imaging …) marked. The grouping is
//! `madoguchi_core::clinical`'s and the backend already left out what the
//! patient did not consent to; this module draws what it was given and says
//! when operations (手術情報) were left out for want of their own consent.
//!
//! A period choice (直近1年 / 3年 / 5年 / すべて) like the medication
//! timeline's: which period the view opens with, what each shows and what it
//! leaves out are `clinical::Period`, `Period::first_for` and
//! `clinical::within` in the core; the line under the view says how many
//! months lie before the period and which notable kinds among them.

use leptos::prelude::*;
use madoguchi_core::clinical::{within, ClinicalHistory, FacilityVisits, Period, ProcedureKind};
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
    // The period counts back from today; the view opens on the recent year
    // (or the shortest period with something in it).
    let today = chrono::Local::now().date_naive();
    let (period, set_period) = signal(Period::first_for(&h, today));
    let shown = Memo::new(move |_| within(&h, period.get(), today));
    let period_button = move |p: Period| {
        let name = p.as_str();
        view! {
            <button id=format!("clinical-period-{name}") type="button" class:selected=move || period.get() == p on:click=move |_| set_period.set(p)>
                {move || tr(lang.get(), &format!("clinical-period-{name}"), &[])}
            </button>
        }
    };
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
        {(!empty).then(|| view! {
            <div id="clinical-periods" class="periods">
                {Period::ALL.into_iter().map(period_button).collect_view()}
            </div>
        })}
        <div id="clinical-history">
            {move || {
                let v = shown.get();
                let none_in_period = !empty && v.history.facilities.is_empty();
                view! {
                    {none_in_period.then(|| view! { <p class="hint">{move || tr(lang.get(), "clinical-none-in-period", &[])}</p> })}
                    {v.history.facilities.into_iter().map(|f| facility_view(lang, f)).collect_view()}
                }
            }}
        </div>
        <p id="clinical-hidden" class="hint">{move || {
            let v = shown.get();
            let l = lang.get();
            if v.hidden_months == 0 {
                return String::new();
            }
            let from = month_text(l, v.from);
            let count = v.hidden_months.to_string();
            if v.hidden_notable.is_empty() {
                tr(l, "clinical-period-hidden", &[("from", from), ("count", count)])
            } else {
                let kinds: Vec<String> = v.hidden_notable.iter().map(|k| tr(l, &format!("clinical-kind-{}", k.as_str()), &[])).collect();
                tr(l, "clinical-period-hidden-notable", &[("from", from), ("count", count), ("kinds", kinds.join("・"))])
            }
        }}</p>
    }
}

fn facility_view(lang: ReadSignal<Lang>, f: FacilityVisits) -> impl IntoView {
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
}
