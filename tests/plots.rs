//! The figures rendered natively to SVG strings by the same code that paints the page's canvas.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use adaptlab::lessons::lora_linear::{self, Params};
use adaptlab::plots::{Figure, FigureSet, Theme};

fn figures(params: &Params) -> FigureSet {
    let problem = params.problem();
    let analysis = lora_linear::analyse(&problem).unwrap();
    let outcome = lora_linear::solve(&problem, &analysis.discrepancy);
    adaptlab::plots::lora_linear::figures(&problem, &analysis, &outcome)
}

fn curve(set: &FigureSet) -> &adaptlab::plots::curves::CurveFigure {
    match set.get("error") {
        Some(Figure::Curve(c)) => c,
        other => panic!("error figure is a curve, found {other:?}"),
    }
}

#[test]
fn spectrum_marks_absorbed_and_remaining_bars() {
    let f = figures(&Params { width: 10, depth: 2, rank: 2, ..Params::default() });
    let svg = f.svg(&["spectrum"], &Theme::default()).unwrap();
    assert!(svg.contains("Spectrum of the discrepancy"));
    assert!(svg.contains("absorbed by the adapters (4 bars)"));
    assert!(svg.contains("k = 4"));
    // Four filled bars in Okabe–Ito blue, six hollow ones outlined in vermillion.
    assert_eq!(svg.matches(r##"fill="#0072B2""##).count(), 4 + 1, "bars plus the legend swatch");
    assert_eq!(svg.matches(r##"stroke="#D55E00""##).count(), 6 + 1);
}

#[test]
fn error_curve_has_one_measured_point_per_rank_and_the_threshold() {
    let f = figures(&Params { width: 12, depth: 3, rank: 2, ..Params::default() });
    let svg = f.svg(&["error"], &Theme::default()).unwrap();
    assert!(svg.contains("exact from R = ⌈rank(E)/L⌉ = 4"));
    assert_eq!(svg.matches("<circle").count(), 13 + 1, "R = 0..12 plus the legend marker");
    assert_eq!(curve(&f).series[2].points.len(), 13);
    assert_eq!(curve(&f).markers[1].x, 2.0);
    assert!(svg.contains("current R = 2"));
}

#[test]
fn heatmaps_show_every_adapter_with_its_rank() {
    let f = figures(&Params { width: 6, depth: 3, rank: 1, ..Params::default() });
    let svg = f.svg(&["heatmaps"], &Theme::default()).unwrap();
    // Subscripts are drawn as runs of their own: the texts read in order spell the titles.
    let shown = svg_texts(&svg).concat();
    for title in ["W̄ (target)", "ΠWl (frozen)", "Π(Wl+ΔWl) (adapted)", "ΔW₁ (rank 1)", "ΔW₂ (rank 1)", "ΔW₃ (rank 1)"]
    {
        assert!(shown.contains(title), "{title} in {shown}");
    }
    // 3 model tiles + 3 adapters of 36 cells each, plus the two 64-step colour bars.
    assert!(svg.matches("<rect").count() >= 6 * 36 + 2 * 64);
}

#[test]
fn hidpi_scale_enlarges_type() {
    let f = figures(&Params::default());
    let normal = f.svg(&["error"], &Theme::default()).unwrap();
    let large = f.svg(&["error"], &Theme { scale: 2.0, dark: false }).unwrap();
    let size =
        |svg: &str| svg.split("font-size=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().parse::<f64>().unwrap();
    assert!((size(&large) / size(&normal) - 2.0).abs() < 0.05);
}

/// The contents of an SVG's `<text>` elements, in order, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split("</text>").next()?.trim_matches('\n').to_owned()))
        .collect()
}

#[test]
fn no_figure_shows_markup_or_mixed_tick_formats() {
    use adaptlab::pages::Lab;
    let mut checked = 0;
    for state in [
        "#v=1&view=lora-linear&R=7",
        "#v=1&view=lora-fnn",
        "#v=1&view=lora-transformer",
        "#v=1&view=lora-training&steps=300",
        "#v=1&view=icl-prompt&k=8",
        "#v=1&view=icl-risk&trials=200",
        "#v=1&view=icl-paper&fig=6",
        "#v=1&view=icl-paper&fig=4",
    ] {
        let mut lab = Lab::new();
        lab.load(state);
        lab.compute_all().expect("computes");
        for key in lab.figures().keys() {
            let svg = lab.figures().svg(&[key], &Theme::default()).expect("draws");
            for text in svg_texts(&svg) {
                checked += 1;
                // Sub- and superscripts are drawn, never written as TeX.
                assert!(!text.contains(['_', '{', '}', '^']), "{state} {key}: '{text}' shows markup");
                // One tick format per axis: a power of ten is a tick written 10⁻⁶, never 1e-6.
                let computer = text.strip_prefix("1e").is_some_and(|e| e.parse::<i32>().is_ok());
                assert!(!computer, "{state} {key}: tick '{text}'");
            }
        }
    }
    assert!(checked > 300, "only {checked} texts were checked");
}

/// The distance from `p` to the segment from `a` to `b`.
fn segment_distance(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length = dx * dx + dy * dy;
    let t = if length > 0.0 { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length).clamp(0.0, 1.0) } else { 0.0 };
    ((a.0 + t * dx - p.0).powi(2) + (a.1 + t * dy - p.1).powi(2)).sqrt()
}

/// Whether the SVG draws a mark at pixel `(x, y)`: a circle centred there, a line vertex there
/// or a segment of a drawn line (within 2 px, or 6 px for a dash's gap), or a rectangle containing it.
fn mark_at(svg: &str, (x, y): (f64, f64)) -> bool {
    let number = |element: &str, name: &str| -> Option<f64> {
        let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
        element[start..].split('"').next()?.parse().ok()
    };
    let near = |a: f64, b: f64| (a - b).abs() <= 2.0;
    svg.split('<').any(|element| {
        if element.starts_with("circle") {
            number(element, "cx").zip(number(element, "cy")).is_some_and(|(cx, cy)| near(cx, x) && near(cy, y))
        } else if element.starts_with("polyline") {
            // On the line, or within a dash's gap (at most 6 px) of it.
            let vertices: Vec<(f64, f64)> = element
                .split("points=\"")
                .nth(1)
                .and_then(|p| p.split('"').next())
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|p| p.split_once(',').and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?))))
                .collect();
            vertices.windows(2).any(|pair| segment_distance(pair[0], pair[1], (x, y)) <= 6.0)
        } else if element.starts_with("rect") {
            let (rx, ry) = (number(element, "x").unwrap_or(f64::NAN), number(element, "y").unwrap_or(f64::NAN));
            let (w, h) = (number(element, "width").unwrap_or(0.0), number(element, "height").unwrap_or(0.0));
            x >= rx - 1.0 && x <= rx + w + 1.0 && y >= ry - 1.0 && y <= ry + h + 1.0 && w < 400.0
        } else {
            false
        }
    })
}

#[test]
fn every_plotted_value_can_be_read_where_it_is_drawn() {
    use adaptlab::pages::Lab;
    use adaptlab::plots::Figure;
    use plotters::prelude::*;
    let mut read = 0;
    for state in [
        "#v=1&view=lora-linear&R=5",
        "#v=1&view=lora-fnn",
        "#v=1&view=lora-training&steps=200",
        "#v=1&view=icl-prompt&k=8",
        "#v=1&view=icl-risk&trials=200&kmax=8",
        "#v=1&view=icl-risk&trials=200&kmax=8&axis=log",
    ] {
        let mut lab = Lab::new();
        lab.load(state);
        lab.compute_all().expect("computes");
        for (key, figure) in &lab.figures().figures {
            let (w, h) = figure.size();
            let mut svg = String::new();
            let readouts = {
                let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
                let readouts = figure.draw(&root, &Theme::default()).expect("draws");
                root.present().expect("writes");
                readouts
            };
            // As many readouts as the figure's data has values, counted here from the data.
            let expected = match figure {
                Figure::Curve(c) | Figure::Scatter(adaptlab::plots::figure::Scatter { curve: c, .. }) => c
                    .series
                    .iter()
                    .filter(|s| !s.label.is_empty())
                    .map(|s| s.points.iter().filter(|p| p.1.is_finite()).count())
                    .sum(),
                Figure::Spectrum(s) => s.sigma_squared.len(),
                Figure::Heatmaps(h) => h.rows.iter().flat_map(|r| &r.tiles).map(|t| t.matrix.len()).sum(),
                Figure::Bars(b) => b.posterior.len(),
                Figure::WeightSpace(s) => 2 * s.centres.len() + 1,
                // Examples, skills' input means, x̄ (once there are examples) and the query.
                Figure::PromptPlane(p) => p.examples.len() + p.centres.len() + usize::from(!p.examples.is_empty()) + 1,
            };
            assert_eq!(readouts.0.len(), expected, "{state} {key}");
            let said: Vec<_> = readouts.0.iter().map(|p| figure.read(p).expect("every place has words")).collect();
            for r in &said {
                read += 1;
                assert!(r.x >= 0 && r.y >= 0 && r.x <= w as i32 && r.y <= h as i32, "{state} {key}: {r:?} outside");
                assert!(mark_at(&svg, (f64::from(r.x), f64::from(r.y))), "{state} {key}: nothing drawn at {r:?}");
                assert!(!r.text.contains("NaN") && !r.text.contains("undefined"), "{state} {key}: {}", r.text);
            }
            // A curve's readouts quote its plotted values (four significant digits).
            if let Figure::Curve(c) = figure {
                for s in c.series.iter().filter(|s| !s.label.is_empty()) {
                    for p in s.points.iter().filter(|p| p.1.is_finite()) {
                        let value = adaptlab::lessons::format::number(p.1);
                        assert!(
                            said.iter().any(|r| r.text.starts_with(&s.label) && r.text.contains(&value)),
                            "{state} {key}: no readout quotes {} = {value}",
                            s.label
                        );
                    }
                }
            }
        }
    }
    assert!(read > 1000, "only {read} readouts were checked");
}
