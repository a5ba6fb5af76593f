//! What the pointer or the keyboard reads on a figure: every plotted point, bar and heatmap cell.
//! Drawing records where each one is (so the places are exactly where the marks are, whatever the
//! layout did with the legend); the words are written only when a reader asks, from the figure's
//! own data (`readout_text`).

/// What a readable place shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    /// Point `index` of series `series` of a curve or scatter figure.
    Point {
        /// Index into the figure's series.
        series: usize,
        /// Index into that series' points.
        index: usize,
    },
    /// Bar `i` of the spectrum, or skill `i`'s weights.
    Bar(usize),
    /// Entry (i, j) of tile `tile` in heatmap row `row`.
    Cell {
        /// Row of tiles.
        row: usize,
        /// Tile within the row.
        tile: usize,
        /// Matrix row.
        i: usize,
        /// Matrix column.
        j: usize,
    },
    /// Skill `i`'s pretrained function w_i in weight space.
    Centre(usize),
    /// Skill `i`'s shifted function w̃_i in weight space.
    Shifted(usize),
    /// The task's function w* in weight space; the query in the prompt figure.
    Task,
    /// In-context example `i` of the prompt figure.
    Example(usize),
    /// The mean x̄ of the prompt's inputs.
    Mean,
}

/// One readable place of a drawn figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// Device pixels from the figure's left edge.
    pub x: i32,
    /// Device pixels from the figure's top edge.
    pub y: i32,
    /// What is there.
    pub what: What,
}

/// A place with its words, as the page receives it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Readout {
    /// Device pixels from the figure's left edge.
    pub x: i32,
    /// Device pixels from the figure's top edge.
    pub y: i32,
    /// The value in words, marked up like every label (`σ_{3}(E)^2 = 0.99`).
    pub text: String,
}

/// The places of one drawn figure, in drawing order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Readouts(pub Vec<Place>);

impl Readouts {
    /// Records `what` at `(x, y)`, given in the backend's absolute pixels, relative to `base`
    /// (the figure area's top-left pixel).
    pub fn push(&mut self, (x, y): (i32, i32), base: (i32, i32), what: What) {
        self.0.push(Place { x: x - base.0, y: y - base.1, what });
    }

    /// The place nearest `(x, y)` within `radius` pixels (the first of equally near ones).
    pub fn nearest(&self, x: i32, y: i32, radius: i32) -> Option<&Place> {
        let distance = |p: &Place| i64::from(p.x - x).pow(2) + i64::from(p.y - y).pow(2);
        self.0.iter().filter(|p| distance(p) <= i64::from(radius).pow(2)).min_by_key(|p| distance(p))
    }

    /// The `index`-th place in reading order, wrapping around (for stepping with the keyboard):
    /// a curve's points along the x-axis (left to right, then top to bottom), anything else in
    /// drawing order (bars left to right, a heatmap tile by tile, row by row).
    pub fn in_reading_order(&self, index: i64) -> Option<&Place> {
        let mut all: Vec<&Place> = self.0.iter().collect();
        if all.iter().all(|p| matches!(p.what, What::Point { .. })) {
            all.sort_by_key(|p| (p.x, p.y));
        }
        (!all.is_empty()).then(|| all[index.rem_euclid(all.len() as i64) as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_place_within_the_radius_is_found() {
        let mut r = Readouts::default();
        r.push((110, 20), (100, 0), What::Bar(0));
        r.push((130, 20), (100, 0), What::Bar(1));
        assert_eq!(r.nearest(12, 21, 5).map(|p| p.what), Some(What::Bar(0)));
        assert_eq!(r.nearest(27, 20, 5).map(|p| p.what), Some(What::Bar(1)));
        assert_eq!(r.nearest(20, 60, 5), None);
        assert_eq!(r.in_reading_order(-1).map(|p| p.x), Some(30));
        assert_eq!(r.in_reading_order(2).map(|p| p.x), Some(10));
        let mut curve = Readouts::default();
        curve.push((50, 5), (0, 0), What::Point { series: 0, index: 1 });
        curve.push((10, 9), (0, 0), What::Point { series: 1, index: 0 });
        assert_eq!(curve.in_reading_order(0).map(|p| p.x), Some(10), "a curve is read along x");
    }
}
