//! Text with real sub- and superscripts on the figures. Labels are written with a small markup,
//! `W_l`, `LR_{RL}(E)`, `‖·‖_F^2`, `σ_{i}^2`: `_` and `^` lower or raise the next character, or a
//! braced group; every other character is drawn as written. The markup never reaches the screen:
//! each run is drawn at its own size and height, measured with the backend's own text measurement
//! like every other label.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;

use super::style::{plot_error, PlotError, Theme};

/// Where a run of text sits relative to the baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// On the line.
    Base,
    /// Lowered and smaller.
    Sub,
    /// Raised and smaller.
    Sup,
}

/// Sub- and superscripts are drawn at this fraction of the text's size.
const SCRIPT_SCALE: f64 = 0.72;

/// Splits marked-up text into runs: `_x` / `_{xy}` lower, `^x` / `^{xy}` raise; a `_` or `^` with
/// nothing after it is kept as written.
pub fn runs(text: &str) -> Vec<(String, Level)> {
    let mut out: Vec<(String, Level)> = Vec::new();
    let mut push = |s: &str, level: Level| match out.last_mut() {
        Some((last, l)) if *l == level => last.push_str(s),
        _ if s.is_empty() => {}
        _ => out.push((s.to_owned(), level)),
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let level = match c {
            '_' => Level::Sub,
            '^' => Level::Sup,
            _ => {
                push(c.encode_utf8(&mut [0; 4]), Level::Base);
                continue;
            }
        };
        match chars.next() {
            Some('{') => {
                let group: String = chars.by_ref().take_while(|&c| c != '}').collect();
                push(&group, level);
            }
            Some(next) => push(next.encode_utf8(&mut [0; 4]), level),
            None => push(c.encode_utf8(&mut [0; 4]), Level::Base),
        }
    }
    out
}

/// The text as a reader sees it, without markup (for CSV, tables and accessible names).
pub fn plain(text: &str) -> String {
    runs(text).into_iter().map(|(s, _)| s).collect()
}

/// A label's font: size in CSS pixels and weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Font {
    /// Size of the text on the line, in CSS pixels.
    pub css: f64,
    /// Bold (titles).
    pub bold: bool,
    /// Drawn rotated a quarter turn, reading upwards (a y-axis description).
    pub upright: bool,
}

impl Font {
    /// Regular text of `css` pixels.
    pub fn of(css: f64) -> Self {
        Self { css, bold: false, upright: false }
    }
    /// Bold text of `css` pixels.
    pub fn bold(css: f64) -> Self {
        Self { css, bold: true, upright: false }
    }
    /// The same font reading upwards.
    pub fn upright(self) -> Self {
        Self { upright: true, ..self }
    }

    fn style(&self, level: Level, theme: &Theme) -> TextStyle<'static> {
        let css = if level == Level::Base { self.css } else { self.css * SCRIPT_SCALE };
        let font = (FontFamily::SansSerif, css * theme.scale).into_font();
        let font = if self.bold { font.style(FontStyle::Bold) } else { font };
        let font = if self.upright { font.transform(FontTransform::Rotate270) } else { font };
        font.color(&theme.foreground())
    }
}

/// The width in device pixels of one run at `level`. In the browser this is the canvas's own
/// measurement. Natively, plotters (built without font files) would estimate 0.6 em per byte,
/// three times too wide for a "‖"; the run is measured with Arial's (Liberation Sans's) advance
/// widths instead, so that exported SVGs viewed with the usual sans-serif fonts line up.
fn run_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    run: &str,
    level: Level,
    font: Font,
    theme: &Theme,
) -> i32 {
    let style = Font { upright: false, ..font }.style(level, theme);
    if cfg!(target_arch = "wasm32") {
        return area.estimate_text_size(run, &style).map_or(0, |(w, _)| w as i32);
    }
    // plotters' backends write a font of size s as s / 1.24 pixels.
    let css = if level == Level::Base { font.css } else { font.css * SCRIPT_SCALE } / 1.24;
    // Bold letters are about a tenth wider than regular ones.
    let weight = if font.bold { 1.1 } else { 1.0 };
    (run.chars().map(em_width).sum::<f64>() * css * weight * theme.scale).round() as i32
}

/// A character's advance width in em in Arial / Liberation Sans (combining marks take none).
fn em_width(c: char) -> f64 {
    const ASCII: &[u16; 95] = &[
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
        556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667,
        556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556,
        556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
        500, 500, 500, 334, 260, 334, 584,
    ];
    match c {
        ' '..='~' => f64::from(ASCII[c as usize - 32]) / 1000.0,
        '\u{300}'..='\u{36f}' => 0.0,
        _ => 0.6,
    }
}

/// Width and height in device pixels of the marked-up `text` (width along the text's direction).
pub fn size<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, font: Font, theme: &Theme) -> (i32, i32) {
    let width = runs(text).iter().map(|(s, level)| run_width(area, s, *level, font, theme)).sum();
    let base = Font { upright: false, ..font }.style(Level::Base, theme);
    let height = area.estimate_text_size("Hg", &base).map_or(0, |(_, h)| h as i32);
    (width, height)
}

/// Draws marked-up `text` with its anchor point at `at` (device pixels in `area`): `h` places the
/// anchor at the text's start, centre or end, and the text is vertically centred on it.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    at: (i32, i32),
    h: HPos,
    font: Font,
    theme: &Theme,
) -> Result<(), PlotError> {
    let (width, _) = size(area, text, font, theme);
    let start = match h {
        HPos::Left => 0,
        HPos::Center => -width / 2,
        HPos::Right => -width,
    };
    let mut advance = start;
    for (run, level) in runs(text) {
        // A subscript's centre sits a quarter of the size below the line's centre, a superscript's
        // a third above it.
        let shift = match level {
            Level::Base => 0.0,
            Level::Sub => 0.25 * font.css,
            Level::Sup => -0.33 * font.css,
        };
        let shift = theme.offset(shift);
        // Reading upwards, the text advances towards the top and "down" points right.
        let position = if font.upright { (at.0 + shift, at.1 - advance) } else { (at.0 + advance, at.1 + shift) };
        let style = font.style(level, theme).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw_text(&run, &style, position).map_err(plot_error)?;
        advance += run_width(area, &run, level, font, theme);
    }
    Ok(())
}

/// Draws marked-up `text` at the data point `at` of a chart, anchored by `anchor` (its
/// horizontal and vertical position relative to the point).
pub fn draw_in_chart<DB: DrawingBackend, CT: plotters::coord::CoordTranslate>(
    chart: &ChartContext<'_, DB, CT>,
    text: &str,
    at: CT::From,
    (h, v): (HPos, VPos),
    font: Font,
    theme: &Theme,
) -> Result<(), PlotError> {
    let area = chart.plotting_area().strip_coord_spec();
    let (base_x, base_y) = area.get_base_pixel();
    let (x, y) = chart.as_coord_spec().translate(&at);
    let half = size(&area, text, font, theme).1 / 2;
    let centre = match v {
        VPos::Top => y + half,
        VPos::Center => y,
        VPos::Bottom => y - half,
    };
    draw(&area, text, (x - base_x, centre - base_y), h, font, theme)
}

/// Draws `title` centred at the top of `area` and returns the area below it (plotters' `titled`,
/// with sub- and superscripts).
pub fn titled<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    theme: &Theme,
) -> Result<DrawingArea<DB, Shift>, PlotError> {
    let (width, _) = area.dim_in_pixel();
    // A title wider than the figure (a phone's) is set smaller, down to 11 px, rather than cut.
    let room = f64::from(width) - theme.offset(8.0) as f64;
    let wide = size(area, title, Font::bold(16.0), theme).0 as f64;
    let font = if wide > room && wide > 0.0 { Font::bold((16.0 * room / wide).max(11.0)) } else { Font::bold(16.0) };
    let (_, height) = size(area, title, font, theme);
    let band = height + theme.offset(8.0);
    draw(area, title, (width as i32 / 2, band / 2 + theme.offset(2.0)), HPos::Center, font, theme)?;
    Ok(area.clone().margin(band.max(0) as u32, 0, 0, 0))
}

/// Draws a chart's axis descriptions: `x_label` centred under the x-axis's tick labels and
/// `y_label` reading upwards left of the y-axis's, given the plotting area's pixel ranges within
/// `area`.
pub fn axis_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: (std::ops::Range<i32>, std::ops::Range<i32>),
    x_label: &str,
    y_label: &str,
    theme: &Theme,
) -> Result<(), PlotError> {
    let font = Font::of(13.0);
    let (left, top) = area.get_base_pixel();
    let (_, height) = area.dim_in_pixel();
    let (xs, ys) = plot;
    let (_, text_height) = size(area, x_label, font, theme);
    let x_centre = (xs.start + xs.end) / 2 - left;
    draw(area, x_label, (x_centre, height as i32 - text_height / 2 - theme.offset(4.0)), HPos::Center, font, theme)?;
    let y_centre = (ys.start + ys.end) / 2 - top;
    draw(area, y_label, (text_height / 2 + theme.offset(4.0), y_centre), HPos::Center, font.upright(), theme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_lowers_and_raises_single_characters_and_groups() {
        assert_eq!(
            runs("‖E − LR_{RL}(E)‖_F^2"),
            vec![
                ("‖E − LR".to_owned(), Level::Base),
                ("RL".to_owned(), Level::Sub),
                ("(E)‖".to_owned(), Level::Base),
                ("F".to_owned(), Level::Sub),
                ("2".to_owned(), Level::Sup),
            ]
        );
        assert_eq!(plain("ΠW_l and π̃_β"), "ΠWl and π̃β");
        assert_eq!(plain("a trailing _"), "a trailing _");
        assert_eq!(plain("plain text"), "plain text");
    }
}
