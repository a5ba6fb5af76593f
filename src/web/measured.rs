//! A drawing backend that measures text with the canvas's own `measureText`.
//!
//! plotters measures text in the browser by inserting a `<span>` with an inline `style`
//! attribute into the page and reading its size: that forces a layout for every label and is
//! refused under the lab's Content-Security-Policy (no inline styles). This wrapper passes every
//! drawing call through to the real backend (canvas or SVG) and answers text sizes from a 2D
//! context set to the same font string the canvas backend draws with.

use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind};
use web_sys::CanvasRenderingContext2d;

/// `inner`, with text measured by `context`.
pub struct Measured<DB> {
    inner: DB,
    context: CanvasRenderingContext2d,
}

impl<DB> Measured<DB> {
    /// Wraps `inner`; `context` is only used to measure text.
    pub fn new(inner: DB, context: CanvasRenderingContext2d) -> Self {
        Self { inner, context }
    }
}

type Drawn<DB> = Result<(), DrawingErrorKind<<DB as DrawingBackend>::ErrorType>>;

impl<DB: DrawingBackend> DrawingBackend for Measured<DB> {
    type ErrorType = DB::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Drawn<DB> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Drawn<DB> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn<DB> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Drawn<DB> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S, fill: bool) -> Drawn<DB> {
        self.inner.draw_rect(from, to, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Drawn<DB> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(&mut self, centre: BackendCoord, radius: u32, style: &S, fill: bool) -> Drawn<DB> {
        self.inner.draw_circle(centre, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Drawn<DB> {
        self.inner.fill_polygon(vertices, style)
    }

    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Drawn<DB> {
        self.inner.draw_text(text, style, pos)
    }

    /// Width from `measureText`; height from the font's ascent and descent (the line box a
    /// `<span>` would have had). Falls back to 0.6 em per character if measuring fails.
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let size = style.size();
        self.context.set_font(&format!("{} {}px {}", style.style().as_str(), size, style.family().as_str()));
        let (width, height) = match self.context.measure_text(text) {
            Ok(metrics) => (metrics.width(), metrics.font_bounding_box_ascent() + metrics.font_bounding_box_descent()),
            Err(_) => (0.6 * size * text.chars().count() as f64, 1.2 * size),
        };
        let height = if height.is_finite() && height > 0.0 { height } else { 1.2 * size };
        Ok((width.max(0.0).ceil() as u32, height.ceil() as u32))
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Drawn<DB> {
        self.inner.blit_bitmap(pos, size, src)
    }
}
