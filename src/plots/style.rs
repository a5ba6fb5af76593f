//! The lab's visual language for figures: Okabe–Ito series colours, a blue–white–orange
//! diverging map for heatmaps, type sizes scaled for the device, light and dark themes.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Okabe–Ito palette (colour-blind safe). Every series also gets a second encoding (dash or marker).
pub mod okabe_ito {
    use plotters::style::RGBColor;
    /// Blue.
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    /// Sky blue.
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    /// Vermillion.
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    /// Bluish green.
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    /// Reddish purple.
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
}

/// How a figure is drawn on a particular surface.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    /// Device pixels per CSS pixel (2 on a HiDPI screen, 1 for SVG export).
    pub scale: f64,
    /// Dark background.
    pub dark: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Self { scale: 1.0, dark: false }
    }
}

impl Theme {
    /// A length in device pixels for `css` CSS pixels.
    pub fn px(&self, css: f64) -> u32 {
        (css * self.scale).round().max(1.0) as u32
    }
    /// Same as `px`, signed (for offsets).
    pub fn offset(&self, css: f64) -> i32 {
        (css * self.scale).round() as i32
    }
    /// Page background.
    pub fn background(&self) -> RGBColor {
        if self.dark {
            RGBColor(24, 26, 31)
        } else {
            WHITE
        }
    }
    /// Text and axes.
    pub fn foreground(&self) -> RGBColor {
        if self.dark {
            RGBColor(230, 232, 236)
        } else {
            RGBColor(33, 37, 41)
        }
    }
    /// Light grid lines.
    pub fn grid(&self) -> RGBAColor {
        self.foreground().mix(0.12)
    }
    /// Text of `css` pixels in the foreground colour.
    pub fn text(&self, css: f64) -> TextStyle<'static> {
        (FontFamily::SansSerif, css * self.scale).into_font().color(&self.foreground())
    }
    /// Title text.
    pub fn title(&self) -> TextStyle<'static> {
        (FontFamily::SansSerif, 16.0 * self.scale).into_font().style(FontStyle::Bold).color(&self.foreground())
    }
    /// Centred text (for labels placed at a point).
    pub fn centred(&self, css: f64) -> TextStyle<'static> {
        self.text(css).pos(Pos::new(HPos::Center, VPos::Center))
    }
    /// Series line style of `css` pixels width.
    pub fn line(&self, color: RGBColor, css: f64) -> ShapeStyle {
        color.stroke_width(self.px(css))
    }
}

/// Blue–white–orange diverging colour for `value` on a scale symmetric about zero,
/// `limit` = the largest magnitude shown (values beyond it saturate).
pub fn diverging(value: f64, limit: f64) -> RGBColor {
    const BLUE: (f64, f64, f64) = (33.0, 102.0, 172.0);
    const MID: (f64, f64, f64) = (247.0, 247.0, 247.0);
    const ORANGE: (f64, f64, f64) = (230.0, 97.0, 1.0);
    let t = if limit > 0.0 && value.is_finite() { (value / limit).clamp(-1.0, 1.0) } else { 0.0 };
    let end = if t < 0.0 { BLUE } else { ORANGE };
    let a = t.abs();
    let mix = |m: f64, e: f64| (m + (e - m) * a).round() as u8;
    RGBColor(mix(MID.0, end.0), mix(MID.1, end.1), mix(MID.2, end.2))
}

/// Turns any drawing error into a message (plots report failure; they never panic).
pub fn plot_error<E: std::fmt::Display>(error: E) -> PlotError {
    PlotError(error.to_string())
}

/// A figure could not be drawn.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("the figure could not be drawn: {0}")]
pub struct PlotError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diverging_map_is_centred_and_saturates() {
        assert_eq!(diverging(0.0, 1.0), RGBColor(247, 247, 247));
        assert_eq!(diverging(5.0, 1.0), RGBColor(230, 97, 1));
        assert_eq!(diverging(-1.0, 1.0), RGBColor(33, 102, 172));
        assert_eq!(diverging(f64::NAN, 1.0), RGBColor(247, 247, 247));
    }
}
