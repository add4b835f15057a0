//! The page writer of the PDF documents: A4 pages laid out top to bottom
//! (a new page, with the header, when the next block does not fit), the
//! embedded font and its glyphs, wrapping Japanese text, label/value and
//! column tables, the header and the numbered footer of every page. It
//! knows no document: the title, the print time and the notes come from
//! `documents`; its own words (page numbers, the footer's name of the
//! document) from `locales/<lang>/pdf.ftl`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use printpdf::{
    Codepoint, Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextRenderingMode,
};

use madoguchi_i18n::{tr, Lang};

use super::PdfError;

/// IPAexゴシック (IPA Font License v1.0, see `assets/fonts/README.md`).
pub(super) const FONT_BYTES: &[u8] = include_bytes!("../../../../assets/fonts/ipaexg.ttf");

/// Printed for a character the font has no glyph for.
pub(super) const MISSING_GLYPH: char = '〓';

// ---------------------------------------------------------------------------
// Page geometry and colours
// ---------------------------------------------------------------------------

pub(super) const PAGE_W: f32 = 595.276; // 210 mm
pub(super) const PAGE_H: f32 = 841.89; // 297 mm
pub(super) const LEFT: f32 = 42.5; // 15 mm
pub(super) const RIGHT: f32 = PAGE_W - 42.5;
pub(super) const WIDTH: f32 = RIGHT - LEFT;
pub(super) const HEADER_RULE: f32 = PAGE_H - 78.0;
pub(super) const CONTENT_TOP: f32 = HEADER_RULE - 16.0;
pub(super) const FOOTER_RULE: f32 = 48.0;
pub(super) const CONTENT_BOTTOM: f32 = FOOTER_RULE + 10.0;

pub(super) const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);
pub(super) const GREY: (f32, f32, f32) = (0.38, 0.38, 0.38);
pub(super) const RULE: (f32, f32, f32) = (0.62, 0.62, 0.62);
pub(super) const LABEL_BG: (f32, f32, f32) = (0.93, 0.94, 0.96);
pub(super) const BAND_BG: (f32, f32, f32) = (0.86, 0.90, 0.95);
pub(super) const HEAD_BG: (f32, f32, f32) = (0.95, 0.95, 0.95);
pub(super) const GREEN: (f32, f32, f32) = (0.05, 0.45, 0.20);
pub(super) const RED: (f32, f32, f32) = (0.75, 0.08, 0.08);

pub(super) fn rgb((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

pub(super) fn font() -> Result<&'static ParsedFont, PdfError> {
    static FONT: OnceLock<Result<ParsedFont, String>> = OnceLock::new();
    FONT.get_or_init(|| {
        let mut warnings = Vec::new();
        ParsedFont::from_bytes(FONT_BYTES, 0, &mut warnings)
            .ok_or_else(|| format!("IPAexGothic did not parse: {warnings:?}"))
    })
    .as_ref()
    .map_err(|e| PdfError::Font(e.clone()))
}

// ---------------------------------------------------------------------------
// The page writer
// ---------------------------------------------------------------------------

/// Lays out text and rules on A4 pages, top to bottom, starting a new page
/// (with the header) when the next block does not fit.
pub(super) struct Writer {
    pub(super) doc: PdfDocument,
    pub(super) font: &'static ParsedFont,
    /// Glyph id and advance (font units) per character, looked up once: the
    /// font's cmap (format 12) is searched linearly, thousands of groups.
    pub(super) glyphs: RefCell<HashMap<char, Option<(u16, u16)>>>,
    pub(super) font_id: FontId,
    pub(super) units_per_em: f32,
    /// The language of the document's words.
    pub(super) lang: Lang,
    pub(super) title: String,
    pub(super) facility: String,
    /// The header's print time, in words (`印刷日時　…`).
    pub(super) printed: String,
    pub(super) footer_note: Option<String>,
    /// A line at the right of the footer of every page (the access slip's
    /// audit log head).
    pub(super) footer_line: Option<String>,
    /// Whose document this is, repeated at the top of every page after the
    /// first (pages of a long list may be separated).
    pub(super) running_subject: Option<String>,
    pub(super) pages: Vec<Vec<Op>>,
    pub(super) ops: Vec<Op>,
    /// The top of the free space on the current page.
    pub(super) y: f32,
}

impl Writer {
    pub(super) fn new(
        lang: Lang,
        title: String,
        facility: &str,
        printed: String,
        footer_note: Option<String>,
    ) -> Result<Self, PdfError> {
        let font = font()?;
        let mut doc = PdfDocument::new(&title);
        let font_id = doc.add_font(font);
        let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let mut w = Writer {
            doc,
            font,
            font_id,
            units_per_em,
            glyphs: RefCell::new(HashMap::new()),
            lang,
            title,
            facility: facility.to_string(),
            printed,
            footer_note,
            footer_line: None,
            running_subject: None,
            pages: Vec::new(),
            ops: Vec::new(),
            y: CONTENT_TOP,
        };
        w.start_page();
        Ok(w)
    }

    /// Replaces characters the font cannot draw (and control characters).
    pub(super) fn clean(&self, s: &str) -> String {
        s.chars()
            .filter_map(|c| match c {
                '\t' | '\r' | '\n' => Some(' '),
                c if c.is_control() => None,
                c if self.glyph(c).is_some() => Some(c),
                _ => Some(MISSING_GLYPH),
            })
            .collect()
    }

    /// The glyph id and advance of `c`, None when the font lacks it.
    pub(super) fn glyph(&self, c: char) -> Option<(u16, u16)> {
        *self.glyphs.borrow_mut().entry(c).or_insert_with(|| {
            let gid = self.font.lookup_glyph_index(c as u32)?;
            Some((gid, self.font.get_horizontal_advance(gid)))
        })
    }

    pub(super) fn char_width(&self, c: char, size: f32) -> f32 {
        let advance = match self.glyph(c) {
            Some((_, a)) => a,
            None => self.font.get_horizontal_advance(0),
        };
        f32::from(advance) / self.units_per_em * size
    }

    pub(super) fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.char_width(c, size)).sum()
    }

    /// Breaks `s` into lines no wider than `max` (at any character, as
    /// Japanese text allows; closing punctuation may hang over the edge
    /// rather than start a line; an English document breaks at spaces).
    pub(super) fn wrap(&self, s: &str, size: f32, max: f32) -> Vec<String> {
        s.split('\n')
            .flat_map(|part| self.wrap_line(part, size, max))
            .collect()
    }

    pub(super) fn wrap_line(&self, s: &str, size: f32, max: f32) -> Vec<String> {
        let s = self.clean(s);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut w = 0.0;
        for c in s.chars() {
            let cw = self.char_width(c, size);
            let hangs = matches!(
                c,
                '、' | '。' | '，' | '．' | '）' | '」' | '』' | ')' | ','
            );
            if w + cw > max && !line.is_empty() && !hangs {
                // English breaks between words: the word being written
                // moves to the next line whole, unless it fills a line.
                let carried = match line.rfind(' ') {
                    Some(at) if self.lang == Lang::En && c != ' ' && at > 0 => line.split_off(at + 1),
                    _ => String::new(),
                };
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                w = self.width(&carried, size);
                line = carried;
                if c == ' ' {
                    continue;
                }
            }
            line.push(c);
            w += cw;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    pub(super) fn text_with(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        s: &str,
        colour: (f32, f32, f32),
        bold: bool,
    ) {
        let s = self.clean(s);
        if s.trim().is_empty() {
            return;
        }
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetFillColor { col: rgb(colour) });
        if bold {
            // IPAex has no bold face: fill and stroke the outlines thinly.
            self.ops.push(Op::SetOutlineColor { col: rgb(colour) });
            self.ops.push(Op::SetOutlineThickness {
                pt: Pt(size / 30.0),
            });
            self.ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::FillStroke,
            });
        }
        self.ops.push(Op::SetFont {
            font: PdfFontHandle::External(self.font_id.clone()),
            size: Pt(size),
        });
        self.ops.push(Op::SetTextCursor {
            pos: Point { x: Pt(x), y: Pt(y) },
        });
        self.ops.push(Op::ShowText {
            // Glyph ids (with their text for the ToUnicode map) rather than
            // text: printpdf would look every character up in the cmap again,
            // twice, and that search is most of the time of a long list.
            items: vec![TextItem::GlyphIds(
                s.chars()
                    .map(|c| Codepoint {
                        gid: self.glyph(c).map_or(0, |(gid, _)| gid),
                        offset: 0.0,
                        cid: Some(c.to_string()),
                    })
                    .collect(),
            )],
        });
        if bold {
            self.ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::Fill,
            });
        }
        self.ops.push(Op::EndTextSection);
    }

    pub(super) fn text(&mut self, x: f32, y: f32, size: f32, s: &str) {
        self.text_with(x, y, size, s, BLACK, false);
    }

    pub(super) fn text_right(&mut self, right: f32, y: f32, size: f32, s: &str, colour: (f32, f32, f32)) {
        let w = self.width(&self.clean(s), size);
        self.text_with(right - w, y, size, s, colour, false);
    }

    pub(super) fn text_center(
        &mut self,
        cx: f32,
        y: f32,
        size: f32,
        s: &str,
        colour: (f32, f32, f32),
        bold: bool,
    ) {
        let w = self.width(&self.clean(s), size);
        self.text_with(cx - w / 2.0, y, size, s, colour, bold);
    }

    pub(super) fn hline(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, colour: (f32, f32, f32)) {
        self.ops.push(Op::SetOutlineColor { col: rgb(colour) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point {
                            x: Pt(x1),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: Pt(x2),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// A filled rectangle; `top` is its upper edge.
    pub(super) fn fill(&mut self, x: f32, top: f32, w: f32, h: f32, colour: (f32, f32, f32)) {
        self.ops.push(Op::SetFillColor { col: rgb(colour) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(top - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// An outlined rectangle; `top` is its upper edge.
    pub(super) fn frame(&mut self, x: f32, top: f32, w: f32, h: f32, thickness: f32, colour: (f32, f32, f32)) {
        self.ops.push(Op::SetOutlineColor { col: rgb(colour) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(top - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Stroke),
                winding_order: None,
            },
        });
    }

    pub(super) fn start_page(&mut self) {
        if !self.ops.is_empty() {
            let done = std::mem::take(&mut self.ops);
            self.pages.push(done);
        }
        let title = self.title.clone();
        let facility = self.facility.clone();
        let printed = self.printed.clone();
        self.text_with(LEFT, PAGE_H - 58.0, 18.0, &title, BLACK, true);
        self.text_right(RIGHT, PAGE_H - 48.0, 11.0, &facility, BLACK);
        self.text_right(RIGHT, PAGE_H - 66.0, 8.5, &printed, GREY);
        self.hline(LEFT, RIGHT, HEADER_RULE, 1.2, BLACK);
        self.y = CONTENT_TOP;
        if let Some(subject) = self.running_subject.clone() {
            self.text_with(LEFT, self.y - 9.0, 9.0, &subject, GREY, false);
            self.y -= 18.0;
        }
    }

    /// Starts a new page unless `h` points still fit on this one. Returns
    /// whether a page was started.
    pub(super) fn ensure(&mut self, h: f32) -> bool {
        if self.y - h < CONTENT_BOTTOM {
            self.start_page();
            true
        } else {
            false
        }
    }

    /// Paragraph text across the full width.
    pub(super) fn paragraph(&mut self, s: &str, size: f32, colour: (f32, f32, f32)) {
        let lh = size * 1.55;
        for line in self.wrap(s, size, WIDTH) {
            self.ensure(lh);
            self.text_with(LEFT, self.y - size, size, &line, colour, false);
            self.y -= lh;
        }
    }

    pub(super) fn section(&mut self, s: &str) {
        self.ensure(40.0);
        self.y -= 6.0;
        self.fill(LEFT, self.y, 3.5, 15.0, BLACK);
        self.text_with(LEFT + 9.0, self.y - 12.0, 12.0, s, BLACK, true);
        self.y -= 22.0;
    }

    /// Adds the footer (page numbers, note) to every page and serialises.
    pub(super) fn finish(mut self) -> Vec<u8> {
        if !self.ops.is_empty() {
            let done = std::mem::take(&mut self.ops);
            self.pages.push(done);
        }
        let total = self.pages.len();
        let mut pages = Vec::with_capacity(total);
        for (i, ops) in std::mem::take(&mut self.pages).into_iter().enumerate() {
            self.ops = ops;
            self.hline(LEFT, RIGHT, FOOTER_RULE, 0.6, RULE);
            let number = tr(self.lang, "pdf-page-number", &[("page", (i + 1).to_string()), ("pages", total.to_string())]);
            self.text_right(RIGHT, FOOTER_RULE - 15.0, 9.0, &number, BLACK);
            let note = self.footer_note.clone().unwrap_or_default();
            self.text_with(LEFT, FOOTER_RULE - 15.0, 7.5, &note, GREY, false);
            let doc = tr(self.lang, "pdf-footer-document", &[("title", self.title.clone())]);
            self.text_with(LEFT, FOOTER_RULE - 26.0, 7.0, &doc, GREY, false);
            if let Some(line) = self.footer_line.clone() {
                self.text_right(RIGHT, FOOTER_RULE - 26.0, 7.0, &line, GREY);
            }
            pages.push(PdfPage::new(
                Mm(210.0),
                Mm(297.0),
                std::mem::take(&mut self.ops),
            ));
        }
        let opts = PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        };
        let mut warnings = Vec::new();
        let bytes = self.doc.with_pages(pages).save(&opts, &mut warnings);
        for w in warnings
            .iter()
            .filter(|w| w.severity != printpdf::PdfParseErrorSeverity::Info)
        {
            tracing::debug!(?w, "printpdf warning");
        }
        bytes
    }

    // -- tables --------------------------------------------------------------

    /// A label/value table row (label column shaded); values wrap.
    pub(super) fn kv_row(&mut self, label: &str, value: &str) {
        const LABEL_W: f32 = 118.0;
        const SIZE: f32 = 10.0;
        const LH: f32 = 14.0;
        const PAD: f32 = 5.0;
        let lines = self.wrap(value, SIZE, WIDTH - LABEL_W - 2.0 * PAD);
        let labels = self.wrap(label, 9.0, LABEL_W - 2.0 * PAD);
        let n = lines.len().max(labels.len());
        let h = n as f32 * LH + 2.0 * PAD - (LH - SIZE) + 2.0;
        self.ensure(h);
        let top = self.y;
        self.fill(LEFT, top, LABEL_W, h, LABEL_BG);
        for (i, l) in labels.iter().enumerate() {
            self.text(LEFT + PAD, top - PAD - SIZE + 1.0 - i as f32 * LH, 9.0, l);
        }
        for (i, line) in lines.iter().enumerate() {
            self.text(
                LEFT + LABEL_W + PAD,
                top - PAD - SIZE + 0.5 - i as f32 * LH,
                SIZE,
                line,
            );
        }
        self.hline(LEFT, RIGHT, top - h, 0.5, RULE);
        self.y -= h;
    }

    pub(super) fn kv_table_top(&mut self) {
        self.hline(LEFT, RIGHT, self.y, 0.8, RULE);
    }

    /// A row of cells; each cell wraps within its column. `widths` sum to
    /// [`WIDTH`]. Returns the row height.
    pub(super) fn row_height(&self, cells: &[String], widths: &[f32], size: f32) -> (Vec<Vec<String>>, f32) {
        let lh = size * 1.35;
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| self.wrap(c, size, w - 6.0))
            .collect();
        let n = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        (wrapped, n as f32 * lh + 6.0 - (lh - size))
    }

    pub(super) fn draw_row(
        &mut self,
        wrapped: &[Vec<String>],
        widths: &[f32],
        size: f32,
        h: f32,
        bg: Option<(f32, f32, f32)>,
    ) {
        let lh = size * 1.35;
        let top = self.y;
        if let Some(bg) = bg {
            self.fill(LEFT, top, WIDTH, h, bg);
        }
        let mut x = LEFT;
        for (lines, w) in wrapped.iter().zip(widths) {
            for (i, line) in lines.iter().enumerate() {
                self.text(x + 3.0, top - 3.0 - size + 0.8 - i as f32 * lh, size, line);
            }
            x += w;
        }
        self.hline(LEFT, RIGHT, top - h, 0.4, RULE);
        self.y -= h;
    }
}

