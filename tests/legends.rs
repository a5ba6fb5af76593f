//! No legend hides data: every figure of every lesson and preset, drawn to SVG by the page's own
//! plotting code, is read back, and no plotted point, line vertex (lines sampled every pixel) or
//! label drawn before the legend may lie inside the legend's box.
//!
//! The SVG is read independently of the placement code: the legend box is the only rectangle
//! drawn with opacity 0.9 (its translucent background); axes (1 px, foreground colour) and grid
//! lines (translucent) are not data.

#[path = "claims/states.rs"]
mod states;

use adaptlab::pages::Lab;
use adaptlab::plots::Theme;

/// A number attribute of an SVG element.
fn attribute(element: &str, name: &str) -> Option<f64> {
    let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
    element[start..].split('"').next()?.parse().ok()
}

/// A box (x0, y0, x1, y1) in pixels.
type Box = (f64, f64, f64, f64);

/// The plotted points of the elements before the legend, and the legend's box.
fn data_and_legend(svg: &str) -> Option<(Vec<(f64, f64)>, Box)> {
    let legend_at = svg.find("opacity=\"0.9\"")?;
    let start = svg[..legend_at].rfind('<')?;
    let legend = &svg[start..legend_at + 60];
    let (x, y) = (attribute(legend, "x")?, attribute(legend, "y")?);
    let (w, h) = (attribute(legend, "width")?, attribute(legend, "height")?);
    let before = &svg[..start];
    let mut points = Vec::new();
    for element in before.split('<').skip(1) {
        let axis = element.contains("stroke=\"#212529\" stroke-width=\"1\"")
            || element.contains("stroke=\"#DEE2E6\" stroke-width=\"1\"");
        if !element.contains("opacity=\"1\"") || axis {
            continue; // grid lines are translucent; axes and ticks are 1 px lines in the foreground colour
        }
        if element.starts_with("circle") {
            points.extend(attribute(element, "cx").zip(attribute(element, "cy")));
        } else if element.starts_with("rect") && element.contains("fill=\"none\"") {
            // A hollow square marker: its centre.
            if let (Some(x), Some(y), Some(w), Some(h)) = (
                attribute(element, "x"),
                attribute(element, "y"),
                attribute(element, "width"),
                attribute(element, "height"),
            ) {
                points.push((x + w / 2.0, y + h / 2.0));
            }
        } else if element.starts_with("polyline") {
            let vertices: Vec<(f64, f64)> = element
                .split("points=\"")
                .nth(1)
                .unwrap_or("")
                .split('"')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|p| p.split_once(',').and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?))))
                .collect();
            for pair in vertices.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let n = ((b.0 - a.0).abs().max((b.1 - a.1).abs())).ceil().max(1.0) as usize;
                points.extend((0..=n).map(|i| {
                    let t = i as f64 / n as f64;
                    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
                }));
            }
            points.extend(vertices.first().copied());
        } else if element.starts_with("text") {
            points.extend(attribute(element, "x").zip(attribute(element, "y")));
        }
    }
    Some((points, (x, y, x + w, y + h)))
}

/// Checks every figure the lab shows now; returns how many had a legend.
fn check_figures(lab: &Lab, state: &str, failures: &mut Vec<String>) -> usize {
    let mut with_legend = 0;
    for key in lab.figures().keys() {
        let Ok(svg) = lab.figures().svg(&[key], &Theme::default()) else {
            failures.push(format!("#{state} {key}: no SVG"));
            continue;
        };
        let Some((points, (x0, y0, x1, y1))) = data_and_legend(&svg) else { continue };
        with_legend += 1;
        // Strictly inside, one pixel in from the box's edge.
        if let Some(p) = points.iter().find(|p| p.0 > x0 + 1.0 && p.0 < x1 - 1.0 && p.1 > y0 + 1.0 && p.1 < y1 - 1.0) {
            failures.push(format!("#{state} {key}: the legend ({x0}, {y0})–({x1}, {y1}) covers a plotted point {p:?}"));
        }
    }
    with_legend
}

#[test]
fn no_legend_hides_plotted_data_in_any_figure() {
    let mut failures = Vec::new();
    let mut figures = 0;
    let mut count = 0;
    for view in ["lora-linear", "lora-fnn", "lora-transformer", "lora-training", "icl-prompt", "icl-risk", "icl-paper"]
    {
        let states = states::sweep(view, 12, &[("trials", 500), ("steps", 300), ("D", 12)]);
        for state in &states {
            let mut lab = Lab::new();
            lab.load(state);
            if view == "lora-training" {
                // The outputs figure at step 0 too, where the circles are the frozen model's.
                lab.compute().expect("computes");
                figures += check_figures(&lab, state, &mut failures);
            }
            lab.compute_all().expect("computes");
            figures += check_figures(&lab, state, &mut failures);
            count += 1;
        }
    }
    // The LoRA presets part-way: after their constructions and a few training steps.
    for state in states::sweep("lora-paper", 0, &[]) {
        let mut lab = Lab::new();
        lab.load(&state);
        lab.compute().expect("computes");
        lab.advance(400);
        lab.compute().expect("computes");
        figures += check_figures(&lab, &state, &mut failures);
        count += 1;
    }
    eprintln!("{count} states, {figures} figures with a legend checked");
    assert!(figures > 200, "only {figures} figures with a legend were checked");
    assert!(
        failures.is_empty(),
        "{} figures hide data under their legend:\n{}",
        failures.len(),
        failures[..failures.len().min(12)].join("\n")
    );
}
