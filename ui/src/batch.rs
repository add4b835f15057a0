//! 一括照会: choose tomorrow's appointment list (a CSV file read here, in the
//! page), see the rows that cannot be checked by line, run the batch with a
//! progress bar, cancel, and read the report by group; export it as CSV.
//! Everything is decided in the backend (`crate::batch` there); this shows it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use madoguchi_core::appointments::{BadRow, BatchReport, Group, ReportLine};
use madoguchi_core::message::ApiError;
use madoguchi_i18n::Lang;
use wasm_bindgen::JsCast;

use crate::format::*;
use crate::tauri;

use madoguchi_api as api;
use madoguchi_api::batch::{BatchImport, BatchInfo, BatchProgress, BatchRun};

/// The file chosen in `<input type="file">`: its name and bytes.
async fn read_file(input: web_sys::HtmlInputElement) -> Option<(String, Vec<u8>)> {
    let file = input.files()?.get(0)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.ok()?;
    Some((file.name(), js_sys::Uint8Array::new(&buffer).to_vec()))
}

#[component]
pub fn BatchPanel(lang: ReadSignal<Lang>, close: impl Fn() + Clone + Send + Sync + 'static) -> impl IntoView {
    let t = move |id: &str| tr(lang.get(), id, &[]);
    let (import, set_import) = signal(None::<BatchImport>);
    let (error, set_error) = signal(None::<ApiError>);
    let (running, set_running) = signal(false);
    let (progress, set_progress) = signal(None::<BatchProgress>);
    let (run, set_run) = signal(None::<BatchRun>);
    let (exported, set_exported) = signal(None::<String>);
    let (unfinished, set_unfinished) = signal(Vec::<BatchInfo>::new());

    spawn_local(async move {
        if let Ok(list) = tauri::invoke::<api::BatchesUnfinished>(&api::args::BatchesUnfinished {}).await {
            set_unfinished.set(list);
        }
    });
    tauri::listen::<api::BatchProgress>(move |p| {
        let _ = set_progress.try_set(Some(p));
    });

    let start = move |id: i64| {
        set_running.set(true);
        set_run.set(None);
        set_exported.set(None);
        set_error.set(None);
        spawn_local(async move {
            match tauri::invoke::<api::BatchRun>(&api::args::BatchRun { id }).await {
                Ok(r) => {
                    let _ = set_progress.try_set(Some(BatchProgress { batch_id: id, done: r.batch.done + r.batch.failed, total: r.batch.total }));
                    let _ = set_run.try_set(Some(r));
                }
                Err(e) => {
                    let _ = set_error.try_set(Some(e));
                }
            }
            let _ = set_running.try_set(false);
        });
    };

    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        set_import.set(None);
        set_run.set(None);
        set_progress.set(None);
        set_error.set(None);
        spawn_local(async move {
            let Some((name, bytes)) = read_file(input).await else { return };
            match tauri::invoke::<api::BatchImport>(&api::args::BatchImport { bytes, name: Some(name) }).await {
                Ok(i) => set_import.set(Some(i)),
                Err(e) => set_error.set(Some(e)),
            }
        });
    };

    let current_id = move || run.get().map(|r| r.batch.id).or(import.get().map(|i| i.batch.id));
    let close_button = close.clone();

    view! {
        <div class="overlay">
            <section id="batch-panel" class="panel batch-panel" aria-labelledby="batch-title">
                <header class="batch-head">
                    <h2 id="batch-title">{move || t("batch-title")}</h2>
                    <button id="batch-close" class="secondary" on:click=move |_| close_button()>{move || t("batch-close")}</button>
                </header>
                <p class="hint">{move || t("batch-hint")}</p>
                <label class="file">
                    <span>{move || t("batch-choose-file")}</span>
                    <input id="batch-file" type="file" accept=".csv,.tsv,.txt,text/csv" on:change=on_file />
                </label>
                <Show when=move || !unfinished.get().is_empty() && import.get().is_none() && run.get().is_none()>
                    <div id="batch-unfinished" class="batch-unfinished">
                        <strong>{move || t("batch-unfinished")}</strong>
                        <For each=move || unfinished.get() key=|b| b.id let:b>
                            <div class="batch-resume-row">
                                <span>{move || tr(lang.get(), "batch-unfinished-line", &[
                                    ("id", b.id.to_string()),
                                    ("name", b.source_name.clone().unwrap_or_default()),
                                    ("done", (b.done + b.failed).to_string()),
                                    ("total", b.total.to_string()),
                                ])}</span>
                                <button class="secondary batch-resume" on:click=move |_| start(b.id)>{move || t("batch-resume")}</button>
                            </div>
                        </For>
                    </div>
                </Show>
                <div id="batch-message" class="message error" role="alert">{move || error.get().map(|e| say(lang.get(), &e.message))}</div>
                {move || import.get().map(|i| view! {
                    <div id="batch-import" class="batch-import">
                        <p id="batch-import-summary">{tr(lang.get(), "batch-imported", &[
                            ("rows", i.batch.total.to_string()),
                            ("bad", i.bad_rows.len().to_string()),
                        ])}</p>
                        <Show when={let n = i.ignored_columns.len(); move || n > 0}>
                            <p class="hint">{tr(lang.get(), "batch-ignored-columns", &[("columns", i.ignored_columns.join(", "))])}</p>
                        </Show>
                        {bad_rows_view(lang.get(), &i.bad_rows)}
                    </div>
                })}
                <div class="batch-actions">
                    <button id="batch-start" disabled=move || running.get() || import.get().is_none() || run.get().is_some_and(|r| r.stopped.is_none())
                        on:click=move |_| { if let Some(id) = current_id() { start(id) } }>
                        {move || if run.get().is_some_and(|r| r.stopped.is_some()) { t("batch-resume") } else { t("batch-start") }}
                    </button>
                    <button id="batch-cancel" class="secondary" disabled=move || !running.get()
                        on:click=move |_| {
                            if let Some(id) = current_id().or(progress.get().map(|p| p.batch_id)) {
                                spawn_local(async move { let _ = tauri::invoke::<api::BatchCancel>(&api::args::BatchCancel { id }).await; });
                            }
                        }>{move || t("batch-cancel")}</button>
                </div>
                <Show when=move || progress.get().is_some()>
                    <div class="batch-progress">
                        <progress id="batch-progress" max=move || progress.get().map_or(1, |p| p.total.max(1)) value=move || progress.get().map_or(0, |p| p.done)></progress>
                        <span id="batch-progress-text">{move || progress.get().map(|p| tr(lang.get(), "batch-progress", &[("done", p.done.to_string()), ("total", p.total.to_string())]))}</span>
                    </div>
                </Show>
                {move || run.get().map(|r| {
                    let l = lang.get();
                    let id = r.batch.id;
                    view! {
                        <div id="batch-report" class="batch-report">
                            {r.stopped.as_ref().map(|m| view! { <p id="batch-stopped" class="message warning">{say(l, m)}</p> })}
                            <div class="batch-actions">
                                <button id="batch-export" class="secondary" on:click=move |_| {
                                    spawn_local(async move {
                                        match tauri::invoke::<api::BatchExportCsv>(&api::args::BatchExportCsv { id }).await {
                                            Ok(path) => set_exported.set(Some(path)),
                                            Err(e) => set_error.set(Some(e)),
                                        }
                                    });
                                }>{tr(l, "batch-export", &[])}</button>
                                <button id="batch-print" class="secondary" on:click=move |_| { if let Some(w) = web_sys::window() { let _ = w.print(); } }>{tr(l, "batch-print", &[])}</button>
                                <span id="batch-exported" class="hint">{move || exported.get().map(|p| tr(lang.get(), "batch-report-written", &[("path", p)]))}</span>
                            </div>
                            {report_view(l, &r.report)}
                        </div>
                    }
                })}
            </section>
        </div>
    }
}

fn bad_rows_view(l: Lang, bad: &[BadRow]) -> impl IntoView {
    (!bad.is_empty()).then(|| {
        let rows: Vec<_> = bad
            .iter()
            .map(|b| {
                let problems: Vec<String> = b
                    .problems
                    .iter()
                    .map(|p| match p.column {
                        Some(c) => format!("{}: {}", tr(l, &c.message_id(), &[]), say(l, &p.message)),
                        None => say(l, &p.message),
                    })
                    .collect();
                view! {
                    <tr class="bad-row" data-line=b.line.to_string()>
                        <td class="num">{tr(l, "batch-row-line", &[("line", b.line.to_string())])}</td>
                        <td>{b.cells.join(", ")}</td>
                        <td>{problems.join(" / ")}</td>
                    </tr>
                }
            })
            .collect();
        view! {
            <div id="batch-bad-rows" class="batch-group bad">
                <h3>{tr(l, "batch-bad-rows", &[("count", bad.len().to_string())])}</h3>
                <table class="batch-table"><tbody>{rows}</tbody></table>
            </div>
        }
    })
}

fn report_view(l: Lang, report: &BatchReport) -> impl IntoView {
    let groups: Vec<_> = Group::ALL
        .into_iter()
        .filter(|g| report.count(*g) > 0)
        .map(|g| {
            let lines: Vec<_> = report.lines_in(g).map(|line| line_view(l, line)).collect();
            view! {
                <div class=format!("batch-group group-{}", g.code()) id=format!("batch-group-{}", g.code())>
                    <h3>{tr(l, &g.message_id(), &[])}" "<span class="count">{report.count(g)}</span></h3>
                    <table class="batch-table"><tbody>{lines}</tbody></table>
                </div>
            }
        })
        .collect();
    let counts: Vec<_> = report
        .counts
        .iter()
        .map(|c| view! { <span class=format!("batch-count group-{}", c.group.code())>{tr(l, &c.group.message_id(), &[])}" "{c.count}</span> })
        .collect();
    view! {
        <div id="batch-counts" class="batch-counts">{counts}</div>
        {groups}
        {bad_rows_view(l, &report.bad_rows)}
    }
}

fn line_view(l: Lang, line: &ReportLine) -> impl IntoView {
    let a = &line.appointment;
    let when = match (a.date, a.time) {
        (Some(d), Some(t)) => format!("{} {}", d.format("%m/%d"), t.format("%H:%M")),
        (Some(d), None) => d.format("%m/%d").to_string(),
        _ => String::new(),
    };
    let mut notes: Vec<String> = line
        .differences
        .iter()
        .map(|d| {
            tr(
                l,
                "batch-diff-line",
                &[("field", tr(l, &d.field.message_id(), &[])), ("listed", d.listed.clone()), ("recorded", d.recorded.clone())],
            )
        })
        .collect();
    if let Some(p) = &line.problem {
        notes.push(say(l, p));
    }
    if let Some(until) = line.valid_until.filter(|_| line.group == Group::Invalid) {
        notes.push(tr(l, "batch-valid-until", &[("date", format_date(l, until))]));
    }
    if line.limit_certificate_changed {
        notes.push(tr(l, "batch-limit-certificate-changed", &[]));
    }
    view! {
        <tr class="report-line" data-line=a.line.to_string()>
            <td class="num">{a.line}</td>
            <td>{when}</td>
            <td>{a.patient_id.clone().unwrap_or_default()}</td>
            <td class="name">{a.name.clone()}</td>
            <td>{line.insurer_name.clone().unwrap_or_default()}</td>
            <td>{line.copay.map(|c| tr(l, "copay-wari", &[("wari", c.wari().to_string())])).unwrap_or_default()}</td>
            <td class="notes">{notes.join(" / ")}</td>
        </tr>
    }
}
