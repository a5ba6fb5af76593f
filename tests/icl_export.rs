//! What the in-context-learning views export and draw: CSV and "Show data" write the true k (not
//! the plot position of a powers-of-two axis), Figure 4's ticks are its k = 2^j − 1, and the
//! paper figures whose notes promise ±2 standard-error lines draw them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::lessons::icl_figures::{sweep, IclFigure};
use adaptlab::pages::Lab;
use adaptlab::plots::curves::XAxis;
use adaptlab::plots::Figure;

/// The set of x values of a figure's CSV rows (`figure,series,x,y,legend`), whatever the series are called.
fn csv_xs(csv: &str, figure: &str) -> Vec<f64> {
    let mut xs: Vec<f64> = csv
        .lines()
        .skip(1)
        .filter_map(|row| {
            let cells: Vec<&str> = row.split(',').collect();
            (cells.first() == Some(&figure)).then(|| cells[2].parse::<f64>().unwrap())
        })
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    xs
}

fn lab_at(link: &str, units: usize) -> Lab {
    let mut lab = Lab::new();
    assert!(lab.load(link).is_empty(), "{link}");
    lab.advance(units);
    lab.compute().unwrap();
    lab
}

#[test]
fn the_risk_lessons_csv_writes_the_true_k() {
    let ks: Vec<f64> = [0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0].to_vec();
    let lab = lab_at("#v=1&view=icl-risk&kmax=6&trials=200", 100);
    let csv = lab.figures().csv();
    assert_eq!(csv_xs(&csv, "risk"), ks);
    assert_eq!(csv_xs(&csv, "weights"), ks);
    // With bounded efficacy the best-k marker is written at its k too (k = 16 here).
    let lab = lab_at("#v=1&view=icl-risk&prior=biased&labels=random&kmax=6&trials=1000", 1000);
    let csv = lab.figures().csv();
    let marker: Vec<&str> = csv.lines().filter(|row| row.starts_with("risk,best_k,")).collect();
    assert_eq!(marker, ["risk,best_k,16,,best k = 16"]);
    assert_eq!(csv_xs(&csv, "risk"), ks);
}

#[test]
fn figure_4_is_drawn_and_exported_on_the_papers_k() {
    let lab = lab_at("#v=1&view=icl-paper&fig=4", 20);
    let csv = lab.figures().csv();
    let ks: Vec<f64> = [0.0, 1.0, 3.0, 7.0, 15.0, 31.0, 63.0, 127.0].to_vec();
    assert_eq!(csv_xs(&csv, "panel-1"), ks);
    assert_eq!(csv_xs(&csv, "panel-2"), ks);
    let Some(Figure::Curve(panel)) = lab.figures().get("panel-1") else { panic!("no panel-1") };
    assert_eq!(panel.x_axis, XAxis::PowersOfTwoMinusOne);
    // Tick j stands for k = 2^j − 1; a point at k sits at tick log₂(k + 1).
    for (j, k) in ks.iter().enumerate() {
        assert_eq!(panel.x_axis.value(j as f64), *k);
    }
    let first = &panel.series[0].points;
    assert_eq!(first.iter().map(|p| p.0).collect::<Vec<_>>(), (0..8).map(f64::from).collect::<Vec<_>>());
}

#[test]
fn figures_5_and_6_export_the_true_k() {
    let lab = lab_at("#v=1&view=icl-paper&fig=5", 20);
    let ks: Vec<f64> = [0.0].into_iter().chain((0..=8).map(|p| f64::from(1 << p))).collect();
    assert_eq!(csv_xs(&lab.figures().csv(), "panel-1"), ks);
    let lab = lab_at("#v=1&view=icl-paper&fig=6", 10);
    let ks: Vec<f64> = [0.0].into_iter().chain((0..=16).map(|p| f64::from(1 << p))).collect();
    assert_eq!(csv_xs(&lab.figures().csv(), "panel-1"), ks);
}

/// Figures 4, 5 and 6 say their lines around the risk are ±2 standard errors: every named risk
/// curve comes with two thin dashed lines at mean ± 2 SE of that curve's points.
#[test]
fn figures_4_5_and_6_draw_the_standard_error_lines_they_promise() {
    for figure in [IclFigure::Four, IclFigure::Five, IclFigure::Six] {
        assert!(figure.departures().contains("±2 standard errors"), "{figure:?}");
        let mut s = sweep(figure);
        s.target_trials = 100;
        while s.progress().0 < s.progress().1 {
            s.advance(16);
        }
        let set = adaptlab::plots::icl::paper_figures(&s, figure);
        let mut checked = 0;
        for (index, _) in s.panels.iter().enumerate() {
            let Some(Figure::Curve(panel)) = set.figures.get(index).map(|f| &f.1) else { panic!("{figure:?}") };
            for (curve, c) in s.curves.iter().filter(|c| c.panel == index).zip(0..) {
                // The curve's own line, then its two unnamed companions (not the bound).
                let at = panel.series.iter().position(|x| x.label == curve.label).unwrap();
                let (minus, plus) = (&panel.series[at + 1], &panel.series.get(at + 2).expect("no ±2 SE lines"));
                assert!(minus.label.is_empty() && plus.label.is_empty(), "{figure:?} {c}: no ±2 SE lines");
                assert_eq!((minus.color, plus.color), (panel.series[at].color, panel.series[at].color));
                for (p, &(_, y)) in curve.run.points.iter().zip(&plus.points) {
                    assert!((y - (p.risk.mean() + 2.0 * p.risk.standard_error())).abs() <= 1e-12 * y.abs().max(1.0));
                }
                let lower: Vec<f64> = curve
                    .run
                    .points
                    .iter()
                    .map(|p| p.risk.mean() - 2.0 * p.risk.standard_error())
                    .filter(|y| *y > 0.0)
                    .collect();
                assert_eq!(minus.points.iter().map(|p| p.1).collect::<Vec<_>>(), lower);
                checked += 1;
            }
        }
        assert_eq!(checked, s.curves.len(), "{figure:?}");
    }
}
