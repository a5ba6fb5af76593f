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
