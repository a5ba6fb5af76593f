//! What the pointer or the keyboard reads on a figure: every plotted point, bar and heatmap cell
//! with its place on the drawing and its value in words, collected while the figure is drawn (so
//! the places are exactly where the marks are, whatever the layout did with the legend).

/// One readable place of a drawn figure.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Readout {
    /// Device pixels from the figure's left edge.
    pub x: i32,
    /// Device pixels from the figure's top edge.
    pub y: i32,
    /// The value in words, marked up like every label (`σ_{3}(E)^2 = 0.99`).
    pub text: String,
}

/// The readouts of one drawn figure, in drawing order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Readouts(pub Vec<Readout>);

impl Readouts {
    /// Adds a readout at `(x, y)`, given in the backend's absolute pixels, relative to `base`
    /// (the figure area's top-left pixel).
    pub fn push(&mut self, (x, y): (i32, i32), base: (i32, i32), text: String) {
        self.0.push(Readout { x: x - base.0, y: y - base.1, text });
    }

    /// The readout nearest `(x, y)` within `radius` pixels (the first of equally near ones).
    pub fn nearest(&self, x: i32, y: i32, radius: i32) -> Option<&Readout> {
        let distance = |r: &Readout| i64::from(r.x - x).pow(2) + i64::from(r.y - y).pow(2);
        self.0.iter().filter(|r| distance(r) <= i64::from(radius).pow(2)).min_by_key(|r| distance(r))
    }

    /// The readouts in reading order, left to right and then top to bottom (for the keyboard).
    pub fn in_reading_order(&self) -> Vec<&Readout> {
        let mut all: Vec<&Readout> = self.0.iter().collect();
        all.sort_by_key(|r| (r.x, r.y));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_readout_within_the_radius_is_found() {
        let mut r = Readouts::default();
        r.push((110, 20), (100, 0), "a".into());
        r.push((130, 20), (100, 0), "b".into());
        assert_eq!(r.nearest(12, 21, 5).map(|r| r.text.as_str()), Some("a"));
        assert_eq!(r.nearest(27, 20, 5).map(|r| r.text.as_str()), Some("b"));
        assert_eq!(r.nearest(20, 60, 5), None);
        assert_eq!(r.in_reading_order().iter().map(|r| r.x).collect::<Vec<_>>(), vec![10, 30]);
    }
}
