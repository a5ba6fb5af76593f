//! The one-prompt lesson's 2-D prior: its settings in the link, and dragging its skill centres
//! on the weight-space figure (the pointer-to-weights mapping checked against the SVG drawing).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use adaptlab::lessons::icl_prompt::{self, Params};
use adaptlab::pages::Lab;
use adaptlab::plots::{Figure, Theme};
use adaptlab::state;

fn space(lab: &Lab) -> adaptlab::plots::icl_prompt::WeightSpace {
    match lab.figures().get("functions") {
        Some(Figure::WeightSpace(space)) => space.clone(),
        other => panic!("no weight-space figure: {other:?}"),
    }
}

#[test]
fn the_frame_is_where_the_svg_draws_the_centres() {
    let mut lab = Lab::new();
    lab.load("#v=1&view=icl-prompt&k=3");
    lab.compute().unwrap();
    let space = space(&lab);
    let svg = lab.figures().svg(&["functions"], &Theme::default()).unwrap();
    let frame = space.frame(760, 520, &Theme::default());
    // Each hollow centre circle (radius 7) is drawn at the frame's pixel for it.
    let circles: Vec<(f64, f64)> = svg
        .split("<circle")
        .skip(1)
        .filter(|c| c.contains("r=\"7\""))
        .map(|c| {
            let attr = |name: &str| -> f64 {
                let start = c.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                c[start..].split('"').next().unwrap().parse().unwrap()
            };
            (attr("cx"), attr("cy"))
        })
        .collect();
    assert_eq!(circles.len(), 3, "{svg}");
    for (centre, drawn) in space.centres.iter().zip(&circles) {
        let (x, y) = frame.to_pixel(*centre);
        // Within 2 px: plotters rounds to whole pixels and keeps a pixel for the axis lines.
        assert!(
            (x - drawn.0).abs() <= 2.0 && (y - drawn.1).abs() <= 2.0,
            "{centre:?}: frame ({x}, {y}), drawn {drawn:?}"
        );
        let back = frame.to_weights(drawn.0, drawn.1);
        assert!((back.0 - centre.0).abs() < 0.02 && (back.1 - centre.1).abs() < 0.02);
    }
}

#[test]
fn dragging_a_centre_moves_that_skill_and_changes_the_posterior() {
    let mut lab = Lab::new();
    lab.load("#v=1&view=icl-prompt&k=4");
    let before = lab.compute().unwrap();
    let size = (1520, 1040); // a HiDPI canvas: scale 2
    let frame = space(&lab).frame(size.0, size.1, &Theme { scale: 2.0, dark: false });
    let (x, y) = frame.to_pixel(space(&lab).centres[1]);
    assert_eq!(lab.centre_at((x + 6.0, y - 6.0), size, 2.0), Some(1));
    assert_eq!(lab.centre_at((x + 80.0, y), size, 2.0), None, "too far from any centre");
    let target = frame.to_pixel((1.0, 1.5));
    assert!(lab.move_centre(1, target, size, 2.0).is_empty());
    assert_eq!(lab.state().icl_prompt.centres[2..4], [100, 150]);
    assert_eq!(lab.state().icl_prompt.centres[0..2], [0, 100], "the other centres stay");
    let after = lab.compute().unwrap();
    assert_ne!(before.numbers, after.numbers);
    assert!(after.fragment.contains("centres=0,1,1,1.5,0.87,-0.5"), "{}", after.fragment);
    // Dragging past the edge (far left, far down: pixel y grows downwards) stops at ±2.
    lab.move_centre(0, (-1e6, 1e6), size, 2.0);
    assert_eq!(lab.state().icl_prompt.centres[0..2], [-200, -200]);
}

#[test]
fn only_the_two_dimensional_prior_can_be_dragged() {
    let mut lab = Lab::new();
    lab.load("#v=1&view=icl-prompt&scenario=regular4");
    lab.compute().unwrap();
    assert_eq!(lab.centre_at((380.0, 260.0), (760, 520), 1.0), None);
    assert!(!lab.move_centre(0, (380.0, 260.0), (760, 520), 1.0).is_empty());
    assert!(lab.state().icl_prompt.centres.is_empty());
}

#[test]
fn weights_and_spreads_come_from_the_link() {
    let parsed = state::parse("#v=1&view=icl-prompt&pi=20,30,50&sy=1&sw=0.5&smu=0.05&centres=0,1,-1,0,1,0");
    assert!(parsed.notices.is_empty(), "{:?}", parsed.notices);
    let prior = icl_prompt::plane_prior(&parsed.state.icl_prompt);
    assert_eq!(prior.weights, vec![0.2, 0.3, 0.5]);
    assert_eq!((prior.sigma_y, prior.sigma_w, prior.sigma_mu), (1.0, 0.5, 0.05));
    assert_eq!(prior.w[1].as_slice(), &[-1.0, 0.0]);
    assert_eq!(prior.mu[1].as_slice(), &[-1.0, 0.0]);
    assert_eq!(
        state::serialise(&parsed.state),
        "v=1&view=icl-prompt&centres=0,1,-1,0,1,0&pi=20,30,50&sy=1&sw=0.5&smu=0.05"
    );
}

#[test]
fn bad_prior_settings_are_repaired_with_notices() {
    let parsed = state::parse("#v=1&view=icl-prompt&pi=50,50&centres=0,1,2&sw=-3&sy=abc");
    let text = parsed.notices.join(" ");
    assert!(text.contains("pi needs 3 weights, not 2"), "{text}");
    assert!(text.contains("centres needs 6 numbers"), "{text}");
    assert!(text.contains("sw = -3 is below the minimum 0.01; using sw = 0.01"), "{text}");
    assert!(text.contains("sy = 'abc' is not a number; using sy = 2"), "{text}");
    let p = &parsed.state.icl_prompt;
    assert!(p.weights.is_empty() && p.centres.is_empty());
    assert_eq!((p.sigma_w, p.sigma_y), (1, 200));
    // The default prior is unchanged by the new settings.
    assert_eq!(icl_prompt::plane_prior(&Params::default()).weights, vec![1.0 / 3.0; 3]);
}
