//! Who is at the desk, in the window: the first-start screen (the first
//! administrator), the sign-in screen (also after the idle lock, drawn over
//! the desk so nothing on screen is lost), the signed-in badge with sign-out
//! or "another account" (training mode), the administrator's staff screen
//! and the local emergency. Every check is the backend's
//! (`src-tauri/src/session.rs`, `disaster.rs`); the window shows the answers,
//! field by field.

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_i18n::Lang;

use crate::format::*;
use crate::tauri;

use madoguchi_api as api;
pub use madoguchi_api::disaster::LocalEmergency;
use madoguchi_api::session::{AccountForm, PasswordChangeForm, PasswordResetForm, StaffListEntry};
pub use madoguchi_api::session::{SignedIn, StaffGate};
use madoguchi_core::staff::Role;

/// An administrator is signed in.
pub fn is_admin(gate: &StaffGate) -> bool {
    gate.signed_in.as_ref().is_some_and(|s| s.role == Role::Administrator)
}

/// The message of a form's field, from the backend's answer.
fn field_problem(error: Option<ApiError>, field: &str) -> Option<Msg> {
    error.and_then(|e| e.form.into_iter().find(|p| p.field == field).map(|p| p.message))
}

/// Asks the backend what to show (first start, sign-in, desk).
pub async fn fetch_gate() -> Option<StaffGate> {
    tauri::invoke::<api::StaffGate>(&api::args::StaffGate {}).await.ok()
}

/// The local emergency in force, if any.
pub async fn fetch_emergency() -> Option<LocalEmergency> {
    tauri::invoke::<api::LocalEmergency>(&api::args::LocalEmergency {}).await.ok().flatten()
}

/// Who is signed in, for the top bar: the name (name and role on hover).
#[component]
pub fn SignedInBadge(lang: ReadSignal<Lang>, gate: ReadSignal<Option<StaffGate>>) -> impl IntoView {
    let who = move || gate.get().and_then(|g| g.signed_in);
    let full = move || {
        who().map(|s| {
            let role = tr(lang.get(), &format!("staff-role-{}", s.role.code()), &[]);
            tr(lang.get(), "disaster-signed-in", &[("name", s.display_name.clone()), ("role", role)])
        })
    };
    view! {
        <span id="signed-in" class="service-status signed-in" title=full>
            {move || who().map(|s| s.display_name)}
        </span>
    }
}

/// One labelled input of an account form, its problem under it.
fn form_field(
    lang: ReadSignal<Lang>,
    error: ReadSignal<Option<ApiError>>,
    id: &'static str,
    field: &'static str,
    label: &'static str,
    kind: &'static str,
    node: NodeRef<html::Input>,
) -> impl IntoView {
    let problem = move || field_problem(error.get(), field);
    view! {
        <label class="field wide-row" class:invalid=move || problem().is_some()>
            <span class="label">{move || tr(lang.get(), label, &[])}</span>
            <input id=id node_ref=node type=kind autocomplete="off" spellcheck="false" />
            <span id=format!("{id}-problem") class="problem" role="alert">{move || problem().map(|m| say(lang.get(), &m))}</span>
        </label>
    }
}

fn value(r: NodeRef<html::Input>) -> String {
    r.get().map(|e| e.value()).unwrap_or_default()
}

/// First start: the first administrator (name, id, password twice). Outside
/// training mode this screen is all there is until it is done.
#[component]
pub fn FirstStartScreen(
    lang: ReadSignal<Lang>,
    on_done: impl Fn() + Copy + 'static,
    /// Training mode: back to the trainee.
    cancel: Option<Callback<()>>,
) -> impl IntoView {
    let (error, set_error) = signal(None::<ApiError>);
    let (busy, set_busy) = signal(false);
    let name = NodeRef::<html::Input>::new();
    let id = NodeRef::<html::Input>::new();
    let pw = NodeRef::<html::Input>::new();
    let confirm = NodeRef::<html::Input>::new();
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let form = AccountForm { staff_id: value(id), display_name: value(name), password: value(pw), confirm: value(confirm) };
        set_busy.set(true);
        spawn_local(async move {
            match tauri::invoke::<api::FirstStart>(&api::args::FirstStart { form }).await {
                Ok(_) => {
                    set_error.set(None);
                    on_done();
                }
                Err(e) => set_error.set(Some(e)),
            }
            set_busy.set(false);
        });
    };
    view! {
        <div class="overlay gate">
            <form id="first-start" class="dialog" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <h2>{move || tr(lang.get(), "staff-first-start-heading", &[])}</h2>
                <p class="hint">{move || tr(lang.get(), "staff-first-start-explain", &[])}</p>
                {form_field(lang, error, "first-name", "display_name", "staff-field-display-name", "text", name)}
                {form_field(lang, error, "first-id", "staff_id", "staff-field-id", "text", id)}
                {form_field(lang, error, "first-password", "password", "staff-field-password", "password", pw)}
                {form_field(lang, error, "first-confirm", "confirm", "staff-field-confirm", "password", confirm)}
                <div id="first-start-message" class="message error" role="alert">
                    {move || error.get().filter(|e| e.form.is_empty()).map(|e| say(lang.get(), &e.message))}
                </div>
                <div class="actions">
                    <button id="first-start-submit" type="submit" class="primary" disabled=move || busy.get()>
                        {move || tr(lang.get(), "staff-first-start-submit", &[])}
                    </button>
                    {cancel.map(|c| view! {
                        <button id="sign-in-cancel" type="button" on:click=move |_| c.run(())>{move || tr(lang.get(), "staff-back-to-trainee", &[])}</button>
                    })}
                </div>
            </form>
        </div>
    }
}

/// The sign-in screen, over the desk (what was on screen stays underneath).
#[component]
pub fn SignInScreen(
    lang: ReadSignal<Lang>,
    /// The staff id of a session that locked for inactivity.
    locked: Option<String>,
    on_done: impl Fn() + Copy + 'static,
    /// Training mode: back to the trainee.
    cancel: Option<Callback<()>>,
) -> impl IntoView {
    let (error, set_error) = signal(None::<ApiError>);
    let (busy, set_busy) = signal(false);
    let id = NodeRef::<html::Input>::new();
    let pw = NodeRef::<html::Input>::new();
    let was_locked = locked.is_some();
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let args = api::args::SignIn { staff_id: value(id), password: value(pw) };
        set_busy.set(true);
        spawn_local(async move {
            match tauri::invoke::<api::SignIn>(&args).await {
                Ok(_) => {
                    set_error.set(None);
                    on_done();
                }
                Err(e) => {
                    set_error.set(Some(e));
                    if let Some(el) = pw.get() {
                        el.set_value("");
                        let _ = el.focus();
                    }
                }
            }
            set_busy.set(false);
        });
    };
    // The cursor where the person types first.
    request_animation_frame(move || {
        let target = if was_locked { pw } else { id };
        if let Some(el) = target.get_untracked() {
            let _ = el.focus();
        }
    });
    view! {
        <div class="overlay gate">
            <form id="sign-in" class="dialog" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <h2>{move || tr(lang.get(), "staff-sign-in-heading", &[])}</h2>
                {was_locked.then(|| view! { <p id="sign-in-locked" class="message warning">{move || tr(lang.get(), "staff-refused-locked", &[])}</p> })}
                <label class="field wide-row">
                    <span class="label">{move || tr(lang.get(), "staff-field-id", &[])}</span>
                    <input id="sign-in-id" node_ref=id type="text" autocomplete="username" spellcheck="false" value=locked.clone().unwrap_or_default() />
                </label>
                <label class="field wide-row">
                    <span class="label">{move || tr(lang.get(), "staff-field-password", &[])}</span>
                    <input id="sign-in-password" node_ref=pw type="password" autocomplete="current-password" />
                </label>
                <div id="sign-in-message" class="message error" role="alert">{move || error.get().map(|e| say(lang.get(), &e.message))}</div>
                <div class="actions">
                    <button id="sign-in-submit" type="submit" class="primary" disabled=move || busy.get()>{move || tr(lang.get(), "staff-sign-in", &[])}</button>
                    {cancel.map(|c| view! {
                        <button id="sign-in-cancel" type="button" on:click=move |_| c.run(())>{move || tr(lang.get(), "staff-back-to-trainee", &[])}</button>
                    })}
                </div>
            </form>
        </div>
    }
}

/// The signed-in person changes their own password: the current one, the
/// new one twice. Every rule is the backend's (`Desk::change_own_password`):
/// the problems come back by field; a wrong current password counts as a
/// failed sign-in, and the one that locks the account signs the person out
/// (said here; the sign-in screen follows when the dialog closes).
#[component]
pub fn PasswordChangePanel(
    lang: ReadSignal<Lang>,
    who: Option<SignedIn>,
    close: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let (error, set_error) = signal(None::<ApiError>);
    let (done, set_done) = signal(false);
    let (busy, set_busy) = signal(false);
    let current = NodeRef::<html::Input>::new();
    let pw = NodeRef::<html::Input>::new();
    let confirm = NodeRef::<html::Input>::new();
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let form = PasswordChangeForm { current: value(current), password: value(pw), confirm: value(confirm) };
        set_busy.set(true);
        set_done.set(false);
        spawn_local(async move {
            match tauri::invoke::<api::ChangeOwnPassword>(&api::args::ChangeOwnPassword { form }).await {
                Ok(_) => {
                    set_error.set(None);
                    set_done.set(true);
                    for n in [current, pw, confirm] {
                        if let Some(el) = n.get() {
                            el.set_value("");
                        }
                    }
                }
                Err(e) => {
                    if let Some(el) = current.get() {
                        if e.form.iter().any(|p| p.field == "current") {
                            el.set_value("");
                            let _ = el.focus();
                        }
                    }
                    set_error.set(Some(e));
                }
            }
            set_busy.set(false);
        });
    };
    request_animation_frame(move || {
        if let Some(el) = current.get_untracked() {
            let _ = el.focus();
        }
    });
    let name = who.map(|w| w.staff_id).unwrap_or_default();
    let t = move |id: &str| tr(lang.get(), id, &[]);
    view! {
        <div class="overlay" on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" { close() }>
            <form id="change-password-form" class="dialog" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <h2>{move || tr(lang.get(), "staff-change-password-heading", &[("staff", name.clone())])}</h2>
                <p class="hint">{move || t("staff-change-password-explain")}</p>
                <label class="field wide-row" class:invalid=move || field_problem(error.get(), "current").is_some()>
                    <span class="label">{move || t("staff-field-current-password")}</span>
                    <input id="change-current" node_ref=current type="password" autocomplete="current-password" />
                    <span id="change-current-problem" class="problem" role="alert">{move || field_problem(error.get(), "current").map(|m| say(lang.get(), &m))}</span>
                </label>
                {form_field(lang, error, "change-new", "password", "staff-field-new-password", "password", pw)}
                {form_field(lang, error, "change-confirm", "confirm", "staff-field-new-confirm", "password", confirm)}
                <div id="change-password-message" class="message" class:error=move || error.get().is_some() class:done=move || done.get() role="alert">
                    {move || match (error.get(), done.get()) {
                        (Some(e), _) => say(lang.get(), &e.message),
                        (None, true) => t("staff-change-password-done"),
                        _ => String::new(),
                    }}
                </div>
                <div class="actions">
                    <button id="change-password-submit" type="submit" class="primary" disabled=move || busy.get()>{move || t("staff-change-password-submit")}</button>
                    <button id="change-password-close" type="button" on:click=move |_| close()>{move || if done.get() { t("disaster-close") } else { t("staff-reset-cancel") }}</button>
                </div>
            </form>
        </div>
    }
}

/// What the staff screen last did, said under the list.
#[derive(Debug, Clone, PartialEq)]
enum StaffDone {
    Added(String),
    Disabled(String),
    Enabled(String),
    Reset(String),
}

/// The administrator's staff screen: the accounts (disable, enable, reset a
/// password), and a form to add one. Every rule is the backend's: who may,
/// one's own account, the last administrator, the password rules.
#[component]
pub fn StaffPanel(lang: ReadSignal<Lang>, close: impl Fn() + Copy + 'static) -> impl IntoView {
    let (list, set_list) = signal(Vec::<StaffListEntry>::new());
    // The add form's problems, and those of the list's buttons.
    let (error, set_error) = signal(None::<ApiError>);
    let (list_error, set_list_error) = signal(None::<ApiError>);
    let (done, set_done) = signal(None::<StaffDone>);
    // The account whose password is being reset, and that form's problems.
    let (resetting, set_resetting) = signal(None::<String>);
    let (reset_error, set_reset_error) = signal(None::<ApiError>);
    let name = NodeRef::<html::Input>::new();
    let id = NodeRef::<html::Input>::new();
    let pw = NodeRef::<html::Input>::new();
    let confirm = NodeRef::<html::Input>::new();
    let role = NodeRef::<html::Select>::new();
    let reset_pw = NodeRef::<html::Input>::new();
    let reset_confirm = NodeRef::<html::Input>::new();
    let reload = move || {
        spawn_local(async move {
            match tauri::invoke::<api::StaffList>(&api::args::StaffList {}).await {
                Ok(l) => set_list.set(l),
                Err(e) => set_list_error.set(Some(e)),
            }
        })
    };
    reload();
    let submit = move || {
        let form = AccountForm { staff_id: value(id), display_name: value(name), password: value(pw), confirm: value(confirm) };
        let r = role.get().map(|e| e.value()).unwrap_or_default();
        let Some(r) = Role::from_code(&r) else { return };
        set_done.set(None);
        set_list_error.set(None);
        spawn_local(async move {
            match tauri::invoke::<api::AddStaff>(&api::args::AddStaff { form, role: r }).await {
                Ok(a) => {
                    set_error.set(None);
                    set_done.set(Some(StaffDone::Added(a.staff_id)));
                    for n in [name, id, pw, confirm] {
                        if let Some(el) = n.get() {
                            el.set_value("");
                        }
                    }
                    reload();
                }
                Err(e) => set_error.set(Some(e)),
            }
        });
    };
    // Disable or enable an account (the backend says no when it must).
    let switch = move |staff_id: String, enable: bool| {
        set_done.set(None);
        spawn_local(async move {
            let answer = if enable {
                tauri::invoke::<api::EnableStaff>(&api::args::EnableStaff { staff_id }).await
            } else {
                tauri::invoke::<api::DisableStaff>(&api::args::DisableStaff { staff_id }).await
            };
            match answer {
                Ok(a) => {
                    set_list_error.set(None);
                    set_done.set(Some(if enable { StaffDone::Enabled(a.staff_id) } else { StaffDone::Disabled(a.staff_id) }));
                    reload();
                }
                Err(e) => set_list_error.set(Some(e)),
            }
        });
    };
    let submit_reset = move || {
        let Some(staff_id) = resetting.get_untracked() else { return };
        let form = PasswordResetForm { staff_id, password: value(reset_pw), confirm: value(reset_confirm) };
        spawn_local(async move {
            match tauri::invoke::<api::ResetStaffPassword>(&api::args::ResetStaffPassword { form }).await {
                Ok(a) => {
                    set_reset_error.set(None);
                    set_list_error.set(None);
                    set_resetting.set(None);
                    set_done.set(Some(StaffDone::Reset(a.staff_id)));
                    reload();
                }
                Err(e) => set_reset_error.set(Some(e)),
            }
        });
    };
    let open_reset = move |staff_id: String| {
        set_done.set(None);
        set_list_error.set(None);
        set_reset_error.set(None);
        set_resetting.set(Some(staff_id));
        request_animation_frame(move || {
            if let Some(el) = reset_pw.get_untracked() {
                let _ = el.focus();
            }
        });
    };
    let t = move |id: &str| tr(lang.get(), id, &[]);
    view! {
        <div class="overlay" on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" { close() }>
            <section id="staff-panel" class="panel wide-panel">
                <h2>{move || t("staff-panel-heading")}</h2>
                <table id="staff-list">
                    <thead><tr>
                        <th>{move || t("staff-field-id")}</th>
                        <th>{move || t("staff-field-display-name")}</th>
                        <th>{move || t("staff-field-role")}</th>
                        <th>{move || t("staff-col-state")}</th>
                        <th></th>
                    </tr></thead>
                    <tbody>
                        {move || list.get().into_iter().map(|a| {
                            let role = a.role.code();
                            let sid = a.staff_id.clone();
                            let (s1, s2) = (sid.clone(), sid.clone());
                            let disabled = a.disabled;
                            view! {
                                <tr id=format!("staff-row-{sid}") class:disabled=disabled>
                                    <td>{a.staff_id.clone()}{a.you.then(|| view! { <small>{move || t("staff-you")}</small> })}</td>
                                    <td>{a.display_name.clone()}</td>
                                    <td>{move || tr(lang.get(), &format!("staff-role-{role}"), &[])}</td>
                                    <td class="state">{move || if disabled { t("staff-disabled") } else { t("staff-active") }}</td>
                                    <td class="row-actions">
                                        {if disabled {
                                            view! { <button id=format!("staff-enable-{sid}") type="button" on:click=move |_| switch(s1.clone(), true)>{move || t("staff-enable")}</button> }.into_any()
                                        } else {
                                            view! { <button id=format!("staff-disable-{sid}") type="button" on:click=move |_| switch(s1.clone(), false)>{move || t("staff-disable")}</button> }.into_any()
                                        }}
                                        <button id=format!("staff-reset-{sid}") type="button" on:click=move |_| open_reset(s2.clone())>{move || t("staff-reset-password")}</button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <div id="staff-list-message" class="message" class:error=move || list_error.get().is_some() role="alert">
                    {move || match (list_error.get(), done.get()) {
                        (Some(e), _) => say(lang.get(), &e.message),
                        (None, Some(StaffDone::Disabled(id))) => tr(lang.get(), "staff-disabled-done", &[("staff", id)]),
                        (None, Some(StaffDone::Enabled(id))) => tr(lang.get(), "staff-enabled-done", &[("staff", id)]),
                        (None, Some(StaffDone::Reset(id))) => tr(lang.get(), "staff-reset-done", &[("staff", id)]),
                        _ => String::new(),
                    }}
                </div>
                {move || resetting.get().map(|staff| view! {
                    <form id="staff-reset-form" class="staff-form reset-form" on:submit=move |ev| { ev.prevent_default(); submit_reset(); }>
                        <h3>{move || tr(lang.get(), "staff-reset-heading", &[("staff", staff.clone())])}</h3>
                        <p class="hint">{move || t("staff-reset-explain")}</p>
                        {form_field(lang, reset_error, "staff-reset-password", "password", "staff-field-password", "password", reset_pw)}
                        {form_field(lang, reset_error, "staff-reset-confirm", "confirm", "staff-field-confirm", "password", reset_confirm)}
                        <div id="staff-reset-message" class="message error" role="alert">
                            {move || reset_error.get().map(|e| say(lang.get(), &e.message))}
                        </div>
                        <div class="actions">
                            <button id="staff-reset-submit" type="submit" class="primary">{move || t("staff-reset-submit")}</button>
                            <button id="staff-reset-cancel" type="button" on:click=move |_| { set_resetting.set(None); set_reset_error.set(None); }>{move || t("staff-reset-cancel")}</button>
                        </div>
                    </form>
                })}
                <h3>{move || t("staff-add-heading")}</h3>
                <form id="staff-add" class="staff-form" on:submit=move |ev| { ev.prevent_default(); submit(); }>
                    {form_field(lang, error, "staff-name", "display_name", "staff-field-display-name", "text", name)}
                    {form_field(lang, error, "staff-id", "staff_id", "staff-field-id", "text", id)}
                    <label class="field wide-row">
                        <span class="label">{move || t("staff-field-role")}</span>
                        <select id="staff-role" node_ref=role>
                            <option value="receptionist">{move || t("staff-role-receptionist")}</option>
                            <option value="qualified">{move || t("staff-role-qualified")}</option>
                            <option value="administrator">{move || t("staff-role-administrator")}</option>
                        </select>
                    </label>
                    {form_field(lang, error, "staff-password", "password", "staff-field-password", "password", pw)}
                    {form_field(lang, error, "staff-confirm", "confirm", "staff-field-confirm", "password", confirm)}
                    <div id="staff-message" class="message" class:error=move || error.get().is_some() role="alert">
                        {move || match (error.get(), done.get()) {
                            (Some(e), _) => say(lang.get(), &e.message),
                            (None, Some(StaffDone::Added(id))) => tr(lang.get(), "staff-added", &[("staff", id)]),
                            _ => String::new(),
                        }}
                    </div>
                    <div class="actions">
                        <button id="staff-add-submit" type="submit" class="primary">{move || t("staff-add-submit")}</button>
                        <button id="staff-close" type="button" on:click=move |_| close()>{move || t("disaster-close")}</button>
                    </div>
                </form>
            </section>
        </div>
    }
}

/// The local emergency for administrators: declare with a reason, or end it.
#[component]
pub fn EmergencyPanel(
    lang: ReadSignal<Lang>,
    emergency: ReadSignal<Option<LocalEmergency>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
    close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (error, set_error) = signal(None::<ApiError>);
    let reason = NodeRef::<html::Input>::new();
    let declare = move || {
        let r = value(reason);
        spawn_local(async move {
            match tauri::invoke::<api::DeclareLocalEmergency>(&api::args::DeclareLocalEmergency { reason: r }).await {
                Ok(_) => {
                    set_error.set(None);
                    on_change();
                }
                Err(e) => set_error.set(Some(e)),
            }
        });
    };
    let end = move |_| {
        spawn_local(async move {
            match tauri::invoke::<api::EndLocalEmergency>(&api::args::EndLocalEmergency {}).await {
                Ok(_) => {
                    set_error.set(None);
                    on_change();
                }
                Err(e) => set_error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="overlay" on:keydown=move |ev: KeyboardEvent| if ev.key() == "Escape" { close() }>
            <form id="emergency-panel" class="dialog" on:submit=move |ev| { ev.prevent_default(); declare(); }>
                <h2>{move || tr(lang.get(), "emergency-heading", &[])}</h2>
                <p class="hint">{move || tr(lang.get(), "emergency-explain", &[])}</p>
                {move || match emergency.get() {
                    Some(e) => view! {
                        <p id="emergency-state" class="message warning">{emergency_text(lang.get(), &e)}</p>
                        <div class="actions">
                            <button id="emergency-end" type="button" class="primary" on:click=end>{move || tr(lang.get(), "emergency-end", &[])}</button>
                            <button id="emergency-close" type="button" on:click=move |_| close()>{move || tr(lang.get(), "disaster-close", &[])}</button>
                        </div>
                    }.into_any(),
                    None => view! {
                        <p id="emergency-state">{move || tr(lang.get(), "disaster-emergency-none", &[])}</p>
                        <label class="field wide-row">
                            <span class="label">{move || tr(lang.get(), "emergency-reason", &[])}</span>
                            <input id="emergency-reason" node_ref=reason type="text" autocomplete="off" />
                        </label>
                        <div class="actions">
                            <button id="emergency-declare" type="submit" class="primary danger">{move || tr(lang.get(), "emergency-declare", &[])}</button>
                            <button id="emergency-close" type="button" on:click=move |_| close()>{move || tr(lang.get(), "disaster-close", &[])}</button>
                        </div>
                    }.into_any(),
                }}
                <div id="emergency-message" class="message error" role="alert">{move || error.get().map(|e| say(lang.get(), &e.message))}</div>
            </form>
        </div>
    }
}

/// "Local emergency in force since …, declared by …: reason".
pub fn emergency_text(lang: Lang, e: &LocalEmergency) -> String {
    tr(
        lang,
        "emergency-in-force",
        &[
            ("at", e.declared_at.format("%Y-%m-%d %H:%M").to_string()),
            ("staff", e.declared_by.clone()),
            ("reason", e.reason.clone().unwrap_or_default()),
        ],
    )
}
