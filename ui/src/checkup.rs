//! 特定健診等情報 on screen: the judgements in words, the key measures as
//! 5-year line charts (SVG) with their reference ranges shaded, and each
//! year's values side by side. The numbers come from `madoguchi_core::checkup`;
//! this module only draws them.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use madoguchi_core::checkup::{chart_geometry, judgements, trends, year_table, ChartFrame, Trend};
use madoguchi_core::medical::CheckupResults;
use madoguchi_i18n::Lang;

use crate::format::*;

const W: f64 = 280.0;
const H: f64 = 150.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 24.0;
const YEARS: u32 = 5;

pub fn checkup_view(lang: ReadSignal<Lang>, c: CheckupResults) -> impl IntoView {
    let today = chrono::Local::now().date_naive();
    let ts = trends(&c, today, YEARS);
    let js = judgements(&c);
    let table = year_table(&c);
    let from = today.with_year(today.year() - YEARS as i32).unwrap_or(today);
    view! {
        <h3>{move || tr(lang.get(), "medical-heading-checkups", &[])}</h3>
        {(!js.is_empty()).then(|| view! {
            <div id="checkup-judgements" class="judgements">
                <h4>{move || tr(lang.get(), "checkup-heading-judgements", &[])}</h4>
                <ul>
                    {js.into_iter().map(|j| view! {
                        <li>
                            <span class="date">{move || j.date.map(|d| format_date(lang.get(), d)).unwrap_or_default()}</span>
                            " " {j.item.clone()} "："
                            <strong>{j.text.clone()}</strong>
                        </li>
                    }).collect_view()}
                </ul>
            </div>
        })}
        <h4>{move || tr(lang.get(), "checkup-heading-trends", &[])}</h4>
        <div id="checkup-trends" class="trends">
            {if ts.is_empty() {
                view! { <p class="hint">{move || tr(lang.get(), "checkup-no-trends", &[])}</p> }.into_any()
            } else {
                ts.into_iter().map(|t| chart(lang, t, from, today)).collect_view().into_any()
            }}
        </div>
        <h4>{move || tr(lang.get(), "checkup-heading-years", &[])}</h4>
        <table id="checkup-list" class="years">
            <thead><tr>
                <th>{move || tr(lang.get(), "col-item", &[])}</th>
                {table.dates.iter().map(|d| {
                    let d = *d;
                    view! { <th>{move || d.map(|x| format_date(lang.get(), x)).unwrap_or_default()}</th> }
                }).collect_view()}
            </tr></thead>
            <tbody>
                {table.rows.into_iter().map(|r| view! {
                    <tr>
                        <td>{r.name.clone()}</td>
                        {r.values.into_iter().map(|v| {
                            let shown = v.map(|x| match &r.unit { Some(u) if !u.is_empty() => format!("{x} {u}"), _ => x }).unwrap_or_else(|| "—".into());
                            view! { <td>{shown}</td> }
                        }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn fmt(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// One measure over the last five years. The shaded band is the reference
/// range; a point outside it is drawn in the warning colour, a computed one
/// (BMI from height and weight) hollow.
fn chart(lang: ReadSignal<Lang>, t: Trend, from: NaiveDate, today: NaiveDate) -> impl IntoView {
    // The layout is the core's (`checkup::chart_geometry`, measured natively
    // in `benches/render.rs`); this function only writes it as SVG.
    let frame = ChartFrame { width: W, height: H, left: LEFT, right: RIGHT, top: TOP, bottom: BOTTOM };
    let g = chart_geometry(&t, from, today, frame);
    let (lo, hi, pad) = (g.lo, g.hi, g.pad);
    let has_band = g.band.is_some();
    let (band_top, band_bottom) = g.band.unwrap_or((0.0, 0.0));
    let line = g.polyline.clone();
    let years = g.years.clone();
    let positions = g.points.clone();
    let key = t.key.clone();
    let (low, high) = (t.low, t.high);
    let range_text = move |l: Lang| match (low, high) {
        (None, Some(h)) => tr(l, "checkup-range-below", &[("high", fmt(h))]),
        (Some(a), None) => tr(l, "checkup-range-from", &[("low", fmt(a))]),
        (Some(a), Some(h)) => tr(l, "checkup-range-between", &[("low", fmt(a)), ("high", fmt(h))]),
        (None, None) => tr(l, "checkup-range-none", &[]),
    };
    let last = t.points.last().cloned();
    let unit = t.unit.clone();
    let title_key = format!("checkup-measure-{key}");
    view! {
        <figure class="trend" id=format!("trend-{key}")>
            <figcaption>
                <strong>{move || tr(lang.get(), &title_key, &[])}</strong>
                <span class="unit">{format!(" ({unit})")}</span>
                {last.map(|p| view! { <span class="last" class:out=p.out_of_range class:neutral=!has_band>{format!(" {}", fmt(p.value))}</span> })}
                <br/><small>{move || range_text(lang.get())}</small>
            </figcaption>
            <svg viewBox=format!("0 0 {W} {H}") width=W.to_string() height=H.to_string() role="img">
                {has_band.then(|| view! {
                    <rect class="band" x=LEFT.to_string() y=format!("{band_top:.1}") width=(W - LEFT - RIGHT).to_string()
                        height=format!("{:.1}", (band_bottom - band_top).max(0.0))></rect>
                })}
                <line class="axis" x1=LEFT.to_string() y1=(H - BOTTOM).to_string() x2=(W - RIGHT).to_string() y2=(H - BOTTOM).to_string()></line>
                {years.into_iter().map(|(yr, px)| {
                    view! {
                        <line class="grid" x1=format!("{px:.1}") y1=TOP.to_string() x2=format!("{px:.1}") y2=(H - BOTTOM).to_string()></line>
                        <text class="tick" x=format!("{px:.1}") y=(H - 8.0).to_string() text-anchor="middle">{yr.to_string()}</text>
                    }
                }).collect_view()}
                <text class="tick" x=(LEFT - 4.0).to_string() y=format!("{:.1}", TOP + 8.0) text-anchor="end">{fmt(hi - pad)}</text>
                <text class="tick" x=(LEFT - 4.0).to_string() y=format!("{:.1}", H - BOTTOM) text-anchor="end">{fmt(lo + pad)}</text>
                <polyline class="line" points=line></polyline>
                {t.points.into_iter().zip(positions).map(|(p, (px, py))| view! {
                    <circle class="point" class:out=p.out_of_range class:computed=p.computed
                        cx=format!("{px:.1}") cy=format!("{py:.1}") r="4">
                        <title>{move || {
                            let mut s = format!("{} {} ", format_date(lang.get(), p.date), fmt(p.value));
                            if p.out_of_range { s.push_str(&tr(lang.get(), "checkup-out-of-range", &[])); }
                            if p.computed { s.push_str(&tr(lang.get(), "checkup-computed", &[])); }
                            s
                        }}</title>
                    </circle>
                }).collect_view()}
            </svg>
        </figure>
    }
}
