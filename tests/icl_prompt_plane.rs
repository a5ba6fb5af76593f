//! The one-prompt lesson's figure of the prompt itself: the examples shown are the first k of one
//! seeded sequence with labels ⟨x, w*⟩, the query and the inputs' mean are what they say, the
//! view holds every skill's cluster and every point, and the SVG draws one mark per example.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::pages::Lab;
use adaptlab::plots::icl_prompt_plane::PromptPlane;
use adaptlab::plots::{Figure, Theme};

fn plane(fragment: &str) -> (Lab, PromptPlane) {
    let mut lab = Lab::new();
    lab.load(fragment);
    lab.compute().unwrap();
    let plane = match lab.figures().get("prompt") {
        Some(Figure::PromptPlane(p)) => p.clone(),
        other => panic!("no prompt figure: {other:?}"),
    };
    (lab, plane)
}

#[test]
fn the_prompt_shows_the_first_k_examples_of_one_sequence_with_the_tasks_labels() {
    let (_, eight) = plane("#v=1&view=icl-prompt&k=8&seed=3");
    assert_eq!(eight.examples.len(), 8);
    assert_eq!(eight.dim, 2);
    // The misleading task's function is skill 2's centre, at 210° on the unit circle.
    let w = (210f64.to_radians().cos(), 210f64.to_radians().sin());
    for &(x1, x2, y) in &eight.examples {
        assert!((y - (x1 * w.0 + x2 * w.1)).abs() < 1e-9, "label {y} of ({x1}, {x2}) is not ⟨x, w*⟩");
    }
    // x̄ is the mean of the eight examples' inputs and the query's.
    let n = 9.0;
    let mean = eight.examples.iter().fold(eight.query, |(a, b), e| (a + e.0, b + e.1));
    assert!((mean.0 / n - eight.mean.0).abs() < 1e-12 && (mean.1 / n - eight.mean.1).abs() < 1e-12);
    // σ_x = 1, σ_μ = 0.1: one standard deviation of a skill's inputs is √1.01.
    assert!((eight.spread - 1.01f64.sqrt()).abs() < 1e-12);
    for k in [0, 1, 4, 256] {
        let (_, other) = plane(&format!("#v=1&view=icl-prompt&k={k}&seed=3"));
        let shared = k.min(8);
        assert_eq!(other.examples[..shared], eight.examples[..shared], "k = {k} extends the same prompt");
        assert_eq!(other.query, eight.query, "the same query for every k");
        let (x0, x1, y0, y1) = other.bounds;
        let inside = |p: (f64, f64)| p.0 >= x0 && p.0 <= x1 && p.1 >= y0 && p.1 <= y1;
        assert!(other.examples.iter().all(|e| inside((e.0, e.1))) && inside(other.query) && inside(other.mean));
        for c in &other.centres {
            assert!(
                inside((c.0 - other.spread, c.1 - other.spread)) && inside((c.0 + other.spread, c.1 + other.spread))
            );
        }
    }
}

#[test]
fn the_svg_draws_one_mark_per_example_and_names_the_query() {
    for (fragment, k) in [
        ("#v=1&view=icl-prompt", 0),
        ("#v=1&view=icl-prompt&k=5", 5),
        ("#v=1&view=icl-prompt&scenario=regular4&k=40", 40),
    ] {
        let (lab, data) = plane(fragment);
        let svg = lab.figures().svg(&["prompt"], &Theme::default()).unwrap();
        // A filled 8 px square for a label y ≥ 0, a hollow circle of radius 4 for y < 0.
        let positive = data.examples.iter().filter(|e| e.2 >= 0.0).count();
        assert_eq!(svg.matches("width=\"8\" height=\"8\"").count(), positive, "{fragment}");
        assert_eq!(svg.matches(" r=\"4\"").count(), k - positive, "{fragment}");
        assert!(svg.contains("\nquery\n"), "{fragment}: the query is named on the plot");
        assert_eq!(svg.contains("\nnewest example\n"), k > 0, "{fragment}");
        assert_eq!(svg.contains("x̄"), k > 0, "{fragment}: the mean is drawn once it differs from the query");
        if data.dim > 2 {
            // Regular4's skills 3 and 4 share coordinates 1 and 2: the figure shows 1 and 3.
            assert!(svg.contains("input coordinate 1 of 3") && svg.contains("input coordinate 3 of 3"), "{fragment}");
            let centres = &data.centres;
            assert!(centres
                .iter()
                .enumerate()
                .all(|(i, a)| centres[i + 1..].iter().all(|b| (a.0 - b.0).hypot(a.1 - b.1) > 0.5)));
        }
    }
}
