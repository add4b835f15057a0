//! The result card: validity, the facts of the qualification, the consent flags, and the medical panel under it.

use leptos::prelude::*;
use madoguchi_api::desk::CheckOutcome;
use madoguchi_core::{ConsentAnswer, EligibilityResult, MedicalTicket};
use madoguchi_i18n::Lang;

use crate::format::*;

#[component]
pub fn ResultCard(lang: ReadSignal<Lang>, outcome: CheckOutcome) -> impl IntoView {
    let r = outcome.result.clone();
    let warning = outcome.warning.clone();
    let validity = r.validity;
    let stale = outcome.as_of.is_some();
    let class = match (stale, validity.is_valid()) {
        (true, _) => "validity stale",
        (false, true) => "validity valid",
        (false, false) => "validity invalid",
    };
    let today = r.confirmation_date;
    let expired_on = r
        .qualification
        .as_ref()
        .and_then(|q| q.valid_until)
        .filter(|d| *d < today);
    let r2 = r.clone();
    view! {
        <article id="result" class="result">
            <div id="result-validity" class=class data-code=validity.code()>
                <span class="validity-label">
                    {move || tr(lang.get(), &format!("validity-{}", validity.code()), &[])}
                    {stale.then(|| view! { <span id="result-stale" class="stale-badge">{move || tr(lang.get(), "offline-badge", &[])}</span> })}
                </span>
                {move || r2.effective_copay().map(|c| view! {
                    <span id="result-copay" class="copay" title=tr(lang.get(), "label-copay", &[])>
                        <small>{tr(lang.get(), "label-copay", &[])}</small>
                        {tr(lang.get(), "copay-wari", &[("wari", c.wari().to_string())])}
                    </span>
                })}
            </div>
            {(!validity.is_valid()).then(|| view! {
                <p class="explain">{move || tr(lang.get(), &format!("explain-validity-{}", validity.code()), &[])}</p>
            })}
            {expired_on.map(|d| view! {
                <p class="explain">{move || tr(lang.get(), "explain-expired", &[("date", format_date(lang.get(), d))])}</p>
            })}
            {r.error.clone().and_then(|e| e.message).map(|m| view! { <p class="explain service-message">{m}</p> })}
            {warning.map(|w| view! { <p class="explain warning">{move || say(lang.get(), &w)}</p> })}
            {(!r.missing.is_empty()).then(|| {
                let fields = r.missing.join("、");
                view! { <p id="result-missing" class="explain warning">{move || tr(lang.get(), "result-missing", &[("fields", fields.clone())])}</p> }
            })}
            {(!r.notices.is_empty()).then(|| {
                let notices = r.notices.clone();
                view! {
                    <div id="result-notices" class="explain notice" role="status">
                        {notices.into_iter().map(|n| {
                            let message = n.message.clone().unwrap_or_default();
                            let code = n.code.clone().unwrap_or_default();
                            view! { <p class="result-notice">{move || tr(lang.get(), "result-notice", &[("message", message.clone())])}<small class="code">{code.clone()}</small></p> }
                        }).collect_view()}
                    </div>
                }
            })}
            <dl class="facts">{facts(lang, &r)}</dl>
            {r.qualification.as_ref().filter(|q| q.is_medical_aid() || !q.medical_tickets.is_empty()).map(|q| medical_aid_view(lang, &q.medical_tickets))}
            {(!r.consents.is_empty()).then(|| consents_view(lang, &r))}
            {card_input(&r).filter(|_| r.qualification.as_ref().is_some_and(|q| q.reference_number.is_none()))
                .map(|input| view! { <ReferenceForm lang=lang input=input /> })}
            {outcome.check_id.filter(|_| r.qualification.is_some()).map(|id| view! { <crate::medical::MedicalPanel lang=lang check_id=id /> })}
        </article>
    }
}

/// The card of a result, as staff would type it (for registering its 照会番号).
fn card_input(r: &EligibilityResult) -> Option<madoguchi_core::validation::CardInput> {
    let q = r.qualification.as_ref()?;
    let birth = r.person.as_ref()?.birth_date;
    Some(madoguchi_core::validation::CardInput {
        insurer_number: q.insurer_number.to_string(),
        symbol: q.symbol.clone(),
        number: q.number.clone(),
        branch: q.branch.clone().unwrap_or_default(),
        birth_date: birth.format("%Y-%m-%d").to_string(),
    })
}

/// 照会番号: the facility's patient number registered for this card, so its
/// next taps name the patient. The backend validates and answers in words.
#[component]
fn ReferenceForm(lang: ReadSignal<Lang>, input: madoguchi_core::validation::CardInput) -> impl IntoView {
    use madoguchi_api as api;
    let (number, set_number) = signal(String::new());
    let (answer, set_answer) = signal(None::<Result<String, madoguchi_core::message::ApiError>>);
    let register = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let args = api::args::RegisterReference { input: input.clone(), patient_number: number.get_untracked() };
        leptos::task::spawn_local(async move {
            set_answer.set(Some(crate::tauri::invoke::<api::RegisterReference>(&args).await));
        });
    };
    view! {
        <form id="reference-form" class="reference-form" on:submit=register>
            <label>
                {move || tr(lang.get(), "label-reference-number", &[])}
                <input id="reference-number" type="text" inputmode="latin" maxlength="20"
                    prop:value=number on:input=move |ev| set_number.set(event_target_value(&ev)) />
            </label>
            <button id="reference-register" type="submit">{move || tr(lang.get(), "reference-register", &[])}</button>
            {move || answer.get().map(|a| match a {
                Ok(n) => view! { <p id="reference-done" class="explain">{tr(lang.get(), "reference-registered", &[("number", n)])}</p> }.into_any(),
                Err(e) => view! { <p id="reference-error" class="explain warning">{say(lang.get(), &e.message)}</p> }.into_any(),
            })}
        </form>
    }
}

/// The facts of a result as label/value rows; only what the result holds.
pub fn facts(lang: ReadSignal<Lang>, r: &EligibilityResult) -> impl IntoView {
    let mut rows: Vec<(&'static str, &'static str, Box<dyn Fn(Lang) -> String + Send + Sync>)> = Vec::new();
    let today = r.confirmation_date;
    if let Some(p) = r.person.clone() {
        let name = p.name.clone();
        rows.push(("result-name", "label-name", Box::new(move |_| name.clone())));
        if let Some(kana) = p.name_kana.clone() {
            rows.push(("result-kana", "label-kana", Box::new(move |_| kana.clone())));
        }
        let birth = p.birth_date;
        rows.push((
            "result-birth",
            "label-birth",
            Box::new(move |l| format!("{}（{}）", format_date(l, birth), tr(l, "label-age", &[("age", age_on(birth, today).to_string())]))),
        ));
        let sex = p.sex;
        rows.push(("result-sex", "label-sex", Box::new(move |l| tr(l, &format!("sex-{}", sex.code()), &[]))));
        if let Some(addr) = p.address.clone() {
            rows.push(("result-address", "label-address", Box::new(move |_| addr.clone())));
        }
    }
    if let Some(q) = r.qualification.clone() {
        let insurer = format!("{}　{}", q.insurer_name.clone().unwrap_or_default(), q.insurer_number);
        rows.push(("result-insurer", "label-insurer", Box::new(move |_| insurer.clone())));
        let card = format!("{} ・ {} ・ {}", dash(&q.symbol), dash(&q.number), q.branch.clone().unwrap_or_else(|| "—".into()));
        rows.push(("result-card", "label-card", Box::new(move |_| card.clone())));
        if let Some(rel) = q.relationship {
            rows.push(("result-relationship", "label-relationship", Box::new(move |_| rel.label_ja().to_string())));
        }
        let (from, until) = (q.valid_from, q.valid_until);
        if from.is_some() || until.is_some() {
            rows.push((
                "result-valid-period",
                "label-valid-period",
                Box::new(move |l| format!("{} 〜 {}", from.map(|d| format_date(l, d)).unwrap_or_default(), until.map(|d| format_date(l, d)).unwrap_or_default())),
            ));
        }
        // The 照会番号 the facility registered for this card is its own
        // patient number: shown as such (a tap names the patient).
        if let Some(n) = q.reference_number.clone() {
            rows.push(("result-reference-number", "label-reference-number", Box::new(move |_| n.clone())));
        }
        if let Some(d) = q.qualified_on {
            rows.push(("result-qualified-on", "label-qualified-on", Box::new(move |l| format_date(l, d))));
        }
        if let Some(d) = q.disqualified_on {
            rows.push(("result-disqualified-on", "label-disqualified-on", Box::new(move |l| format_date(l, d))));
        }
        if q.preschool {
            rows.push(("result-preschool", "label-preschool", Box::new(move |l| tr(l, "label-preschool", &[]))));
        }
        if let Some(e) = q.elderly.clone() {
            rows.push((
                "result-elderly",
                "label-elderly",
                Box::new(move |l| {
                    let ratio = e.copay.map(|c| tr(l, "copay-wari", &[("wari", c.wari().to_string())])).unwrap_or_default();
                    format!("{ratio}　{}", period(l, e.valid_from, e.valid_until))
                }),
            ));
        }
        if let Some(lim) = q.limit.clone() {
            rows.push((
                "result-limit",
                "label-limit",
                Box::new(move |l| {
                    let cat = lim.category.map(|c| format!("{}（{}）", c.label_ja(), c.code())).unwrap_or_default();
                    format!("{cat}　{}", period(l, lim.valid_from, lim.valid_until))
                }),
            ));
        }
        if !q.specific_diseases.is_empty() {
            let ds = q.specific_diseases.clone();
            rows.push((
                "result-diseases",
                "label-diseases",
                Box::new(move |_| ds.iter().map(|d| d.disease.label_ja()).collect::<Vec<_>>().join("、")),
            ));
        }
        if !q.public_expenses.is_empty() {
            let ps = q.public_expenses.clone();
            rows.push((
                "result-public",
                "label-public",
                Box::new(move |_| {
                    ps.iter()
                        .map(|p| format!("{} {}", p.payer_number, p.recipient_number.clone().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join("、")
                }),
            ));
        }
        if let Some(loss) = q.loss_reason {
            rows.push(("result-loss", "label-loss", Box::new(move |_| loss.label_ja().to_string())));
        }
    }
    let at = r.confirmed_at;
    let source = r.source;
    rows.push((
        "result-confirmed-at",
        "label-confirmed-at",
        Box::new(move |l| {
            let src = serde_json::to_value(source).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            format!("{} {}（{}）", format_date(l, at.date()), at.format("%H:%M:%S"), tr(l, &format!("source-{src}"), &[]))
        }),
    ));
    rows.into_iter()
        .map(|(id, label, value)| {
            view! {
                <div class="fact">
                    <dt>{move || tr(lang.get(), label, &[])}</dt>
                    <dd id=id>{move || value(lang.get())}</dd>
                </div>
            }
        })
        .collect_view()
}

/// The card reader's consent flags: which categories, until when. Showing the
/// flags is not showing medical information; that goes through the backend's
/// consent check.
pub fn consents_view(lang: ReadSignal<Lang>, r: &EligibilityResult) -> impl IntoView {
    let flags = r.consents.clone();
    view! {
        <section class="consents">
            <h3>{move || tr(lang.get(), "label-consents", &[])}</h3>
            <ul>
                {flags.into_iter().map(|f| {
                    let cat = f.category.as_str();
                    // Only 同意あり grants; an expired consent and one that
                    // could not be obtained are said as such (OQSCD016).
                    let class = match f.answer {
                        Some(ConsentAnswer::Expired) => "consent not-given expired",
                        Some(ConsentAnswer::Difficult) => "consent not-given difficult",
                        _ if f.given => "consent given",
                        _ => "consent not-given",
                    };
                    view! {
                        <li class=class id=format!("consent-{cat}")>
                            <span class="consent-category">{move || tr(lang.get(), "consent-category", &[("category", cat.to_string())])}</span>
                            <span class="consent-state">{move || match (f.given, f.available_until) {
                                (false, _) if f.answer == Some(ConsentAnswer::Expired) => tr(lang.get(), "consent-expired", &[]),
                                (false, _) if f.answer == Some(ConsentAnswer::Difficult) => tr(lang.get(), "consent-difficult", &[]),
                                (true, Some(until)) => tr(lang.get(), "consent-given-until", &[("until", format!("{} {}", format_date(lang.get(), until.date()), until.format("%H:%M")))]),
                                (true, None) => tr(lang.get(), "consent-given", &[]),
                                (false, _) => tr(lang.get(), "consent-not-given", &[]),
                            }}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// 医療扶助: each 医療券・調剤券 at a glance (type, valid from–to, treatment
/// month, designated institution, self-pay, injury names); a 医療扶助 answer
/// without one says so.
pub fn medical_aid_view(lang: ReadSignal<Lang>, tickets: &[MedicalTicket]) -> impl IntoView {
    let tickets = tickets.to_vec();
    let none = tickets.is_empty();
    view! {
        <section id="result-medical-aid" class="medical-aid">
            <h3>{move || tr(lang.get(), "label-medical-aid", &[])}</h3>
            {none.then(|| view! { <p id="ticket-none" class="explain">{move || tr(lang.get(), "ticket-none", &[])}</p> })}
            {tickets.into_iter().enumerate().map(|(i, t)| {
                let mut rows: Vec<(&'static str, &'static str, Box<dyn Fn(Lang) -> String + Send + Sync>)> = Vec::new();
                if let Some(kind) = t.ticket_type.clone() {
                    rows.push(("ticket-type", "label-ticket-type", Box::new(move |l| {
                        tr(l, kind.message_id(), &[("code", kind.code().to_string())])
                    })));
                }
                let (from, until) = (t.valid_from, t.valid_until);
                rows.push(("ticket-period", "label-ticket-period", Box::new(move |l| dash(&period(l, from, until)))));
                if let Some(m) = t.treatment_month {
                    rows.push(("ticket-month", "label-ticket-month", Box::new(move |l| format_month(l, m))));
                }
                if t.designated_institution_name.is_some() || t.designated_institution_code.is_some() {
                    let name = t.designated_institution_name.clone().unwrap_or_default();
                    let code = t.designated_institution_code.clone().map(|c| format!("（{c}）")).unwrap_or_default();
                    rows.push(("ticket-institution", "label-ticket-institution", Box::new(move |_| format!("{name}{code}"))));
                }
                if let Some(y) = t.self_pay {
                    rows.push(("ticket-self-pay", "label-ticket-self-pay", Box::new(move |l| format_yen(l, y))));
                }
                if !t.injury_names.is_empty() {
                    let names = t.injury_names.join("、");
                    rows.push(("ticket-injuries", "label-ticket-injuries", Box::new(move |_| names.clone())));
                }
                if let Some(n) = t.issue_number.clone() {
                    rows.push(("ticket-issue-number", "label-ticket-issue-number", Box::new(move |_| n.clone())));
                }
                if t.prescribing_institution_name.is_some() {
                    let name = t.prescribing_institution_name.clone().unwrap_or_default();
                    rows.push(("ticket-prescriber", "label-ticket-prescriber", Box::new(move |_| name.clone())));
                }
                let contacts: Vec<String> = [t.district_contact.clone(), t.handling_contact.clone()].into_iter().flatten().collect();
                if !contacts.is_empty() {
                    let c = contacts.join("／");
                    rows.push(("ticket-contacts", "label-ticket-contacts", Box::new(move |_| c.clone())));
                }
                if !t.remarks.is_empty() {
                    let r = t.remarks.join("／");
                    rows.push(("ticket-remarks", "label-ticket-remarks", Box::new(move |_| r.clone())));
                }
                view! {
                    <dl class="facts ticket" id=format!("ticket-{i}")>
                        {rows.into_iter().map(|(id, label, value)| view! {
                            <div class="fact">
                                <dt>{move || tr(lang.get(), label, &[])}</dt>
                                <dd id=format!("{id}-{i}")>{move || value(lang.get())}</dd>
                            </div>
                        }).collect_view()}
                    </dl>
                }
            }).collect_view()}
        </section>
    }
}
