//! The paper pages' "What to look for" bullets: each bullet a figure shows is matched to a check
//! here that re-derives its statement from the plotted series (by legend name, as the reader
//! finds them), so a bullet without a check, or one its figure's numbers contradict, fails.
//! The in-context-learning figures are checked finished; the LoRA presets once their
//! constructions are done (their gradient runs take minutes to an hour, and what the bullets say
//! of them is quoted from the paper's runs, not read from the plotted curves).

use adaptlab::lessons::icl_figures::IclFigure;
use adaptlab::lessons::paper_presets::Preset;

use crate::{assert_reached, Shown};

/// A bullet's check: `Ok(true)` checked, `Ok(false)` not checkable in this state (work not done).
type Check = fn(&Shown) -> Result<bool, String>;

/// The plotted points of the series of `figure` whose id is `key` and whose legend is `legend`.
fn series(shown: &Shown, figure: &str, key: &str, legend: &str) -> Vec<(f64, f64)> {
    shown
        .lab
        .figures()
        .points()
        .into_iter()
        .filter(|p| p.figure == figure && p.series == key && p.legend == legend)
        .filter_map(|p| Some((p.x, p.y?)))
        .collect()
}

/// The plotted points of a series that must be there.
fn plotted(shown: &Shown, figure: &str, key: &str, legend: &str) -> Result<Vec<(f64, f64)>, String> {
    let points = series(shown, figure, key, legend);
    if points.is_empty() {
        return Err(format!("{figure} has no series {key} '{legend}'"));
    }
    Ok(points)
}

fn at(points: &[(f64, f64)], x: f64) -> Result<f64, String> {
    points.iter().find(|p| p.0 == x).map(|p| p.1).ok_or(format!("no point at {x}"))
}

fn last(points: &[(f64, f64)]) -> f64 {
    points.last().map_or(f64::NAN, |p| p.1)
}

fn require(ok: bool, what: impl FnOnce() -> String) -> Result<bool, String> {
    if ok {
        Ok(true)
    } else {
        Err(what())
    }
}

/// A curve that falls to its lowest between k = 7 and k = 21 and then rises again (its last
/// point at least 10 % above the lowest).
fn u_shaped(points: &[(f64, f64)]) -> Result<bool, String> {
    let (k, lowest) = points.iter().copied().fold((0.0, f64::INFINITY), |a, p| if p.1 < a.1 { p } else { a });
    require((7.0..=21.0).contains(&k) && last(points) > 1.1 * lowest, || {
        format!("lowest {lowest} at k = {k}, last {}", last(points))
    })
}

/// The bullets' checks of each figure, each with words of its bullet that identify it.
fn icl_checks(figure: IclFigure) -> Vec<(&'static str, Check)> {
    match figure {
        IclFigure::Four => vec![
            ("Small δ retrieves, large δ learns", |s| {
                let small = at(&plotted(s, "panel-1", "risk", "δ = 1/81")?, 127.0)?;
                let large = at(&plotted(s, "panel-1", "risk", "δ = 81")?, 127.0)?;
                require(small > 0.01 && large < 1e-6, || format!("at k = 127: δ = 1/81 {small}, δ = 81 {large}"))
            }),
            ("Without examples a large δ costs more", |s| {
                let small = at(&plotted(s, "panel-1", "risk", "δ = 1/81")?, 0.0)?;
                let large = at(&plotted(s, "panel-1", "risk", "δ = 81")?, 0.0)?;
                require(large > small, || format!("at k = 0: δ = 81 {large}, δ = 1/81 {small}"))
            }),
            ("The nearest skill's weight goes to 1", |s| {
                let small = plotted(s, "panel-2", "weight_retrieved", "δ = 1/81")?;
                let large = plotted(s, "panel-2", "weight_retrieved", "δ = 81")?;
                let near_quarter = large.iter().all(|p| (p.1 - 0.25).abs() < 0.05);
                require(last(&small) > 0.99 && near_quarter, || {
                    format!("δ = 1/81 ends at {}, δ = 81: {large:?}", last(&small))
                })
            }),
        ],
        IclFigure::Five => vec![
            ("the lower the few-shot risk", |s| {
                let risk = |legend| plotted(s, "panel-1", "risk", legend).and_then(|p| at(&p, 4.0));
                let (close, medium, far) =
                    (risk("closest (r = 3)")?, risk("medium (r = 5/3)")?, risk("farthest (r = 1)")?);
                require(close < medium && medium < far, || format!("at k = 4: {close}, {medium}, {far}"))
            }),
            ("With δ = 1 closeness hardly matters", |s| {
                for legend in ["closest (r = 3)", "medium (r = 5/3)", "farthest (r = 1)"] {
                    let points = plotted(s, "panel-3", "risk", legend)?;
                    if let Some(p) = points.iter().find(|p| p.0 >= 8.0 && p.1 >= 0.05) {
                        return Err(format!("{legend} at δ = 1: {} at k = {}", p.1, p.0));
                    }
                }
                Ok(true)
            }),
        ],
        IclFigure::Six => vec![
            ("Early ascent, in every dimension", |s| {
                for (panel, d) in ["panel-1", "panel-2", "panel-3", "panel-4", "panel-5"].iter().zip([1, 2, 3, 5, 8]) {
                    let legend = format!("d = {d}");
                    let risk = plotted(s, panel, "risk", &legend)?;
                    let plus = series(s, panel, "risk_plus_2se", "");
                    // The standard error is half the distance to the +2 SE line.
                    let se = |k: f64| at(&plus, k).map(|u| (u - at(&risk, k).unwrap_or(u)) / 2.0);
                    let (peak_k, peak) =
                        risk.iter().copied().fold((0.0, f64::NEG_INFINITY), |a, p| if p.1 > a.1 { p } else { a });
                    let zero = at(&risk, 0.0)?;
                    let combined = (se(0.0)?.powi(2) + se(peak_k)?.powi(2)).sqrt();
                    if !(4.0..=32.0).contains(&peak_k) || peak - zero <= 2.0 * combined || last(&risk) >= 0.01 * zero {
                        return Err(format!(
                            "d = {d}: k = 0 {zero}, peak {peak} ± {combined} at k = {peak_k}, last {}",
                            last(&risk)
                        ));
                    }
                }
                Ok(true)
            }),
            ("The misleading skill is retrieved first", |s| {
                for (panel, d) in ["panel-1", "panel-2", "panel-3", "panel-4", "panel-5"].iter().zip([1, 2, 3, 5, 8]) {
                    let legend = format!("d = {d}");
                    let weight = plotted(s, "panel-6", "weight_retrieved", &legend)?;
                    let highest = weight.iter().map(|p| p.1).fold(0.0, f64::max);
                    let risk = plotted(s, panel, "risk", &legend)?;
                    let (zero, at_256) = (at(&risk, 0.0)?, at(&risk, 256.0)?);
                    if highest <= 0.99 || at_256 <= 0.5 * zero {
                        return Err(format!(
                            "d = {d}: highest weight {highest}, risk {zero} at k = 0 and {at_256} at k = 256"
                        ));
                    }
                }
                Ok(true)
            }),
            ("The upper bound (dashed) lies above the risk", |s| {
                for (panel, d) in ["panel-1", "panel-2", "panel-3", "panel-4", "panel-5"].iter().zip([1, 2, 3, 5, 8]) {
                    let risk = plotted(s, panel, "risk", &format!("d = {d}"))?;
                    let bound = plotted(s, panel, "upper_bound", "upper bound (dashed)")?;
                    for &(k, r) in &risk {
                        let b = at(&bound, k)?;
                        if b < r * (1.0 - 1e-9) {
                            return Err(format!("d = {d}, k = {k}: bound {b} below the risk {r}"));
                        }
                    }
                }
                Ok(true)
            }),
        ],
        IclFigure::Nine => vec![
            ("Small δ retrieves", |s| {
                let retrieval = plotted(s, "panel-2", "risk", "δ = 1/256")?;
                let learning = plotted(s, "panel-1", "risk", "δ = 1/256")?;
                let lowest = learning.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
                require(at(&retrieval, 31.0)? < 0.01 && lowest > 0.1, || {
                    format!("retrieval at 31: {:?}, lowest learning risk {lowest}", at(&retrieval, 31.0))
                })
            }),
            ("Large δ learns", |s| {
                let retrieval = plotted(s, "panel-2", "risk", "δ = 1")?;
                let learning = plotted(s, "panel-1", "risk", "δ = 1")?;
                let lowest = retrieval.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
                require(at(&learning, 31.0)? < 0.01 && lowest > 0.1, || {
                    format!("learning at 31: {:?}, lowest retrieval risk {lowest}", at(&learning, 31.0))
                })
            }),
        ],
        IclFigure::Ten => vec![
            ("lower the more skills the prior has", |s| {
                let mut previous = 0.0;
                for m in [20, 12, 8, 6, 4] {
                    let risk = plotted(s, "panel-1", "risk", &format!("M = {m}"))?;
                    let end = at(&risk, 31.0)?;
                    if end >= at(&risk, 0.0)? || end <= previous {
                        return Err(format!("M = {m}: {end} at k = 31 (the M before: {previous})"));
                    }
                    previous = end;
                }
                Ok(true)
            }),
            ("for M = 4 to 12 the risk against the retrieved skill", |s| {
                for m in [12, 8, 6, 4] {
                    u_shaped(&plotted(s, "panel-2", "risk", &format!("M = {m}"))?)
                        .map_err(|e| format!("M = {m}: {e}"))?;
                }
                Ok(true)
            }),
        ],
        IclFigure::Eleven => vec![
            ("at k = 0 the risk against the task rises with d", |s| {
                let mut previous = 0.0;
                for d in [2, 4, 8, 16, 32] {
                    let start = at(&plotted(s, "panel-1", "risk", &format!("d = {d}"))?, 0.0)?;
                    if start <= previous {
                        return Err(format!("d = {d}: {start} at k = 0 (the d before: {previous})"));
                    }
                    previous = start;
                }
                Ok(true)
            }),
            ("for every d the risk against the retrieved skill", |s| {
                for d in [2, 4, 8, 16, 32] {
                    u_shaped(&plotted(s, "panel-2", "risk", &format!("d = {d}"))?)
                        .map_err(|e| format!("d = {d}: {e}"))?;
                }
                Ok(true)
            }),
            ("The risk against the task keeps falling", |s| {
                for d in [2, 4, 8, 16, 32] {
                    let risk = plotted(s, "panel-1", "risk", &format!("d = {d}"))?;
                    let end = at(&risk, 31.0)?;
                    if end >= 0.05 || end >= at(&risk, 0.0)? {
                        return Err(format!("d = {d}: {end} at k = 31"));
                    }
                }
                Ok(true)
            }),
        ],
    }
}

/// The bullets a state shows (`look-1` … `look-3`, the empty ones left out).
fn bullets<'a>(shown: &'a Shown) -> Vec<&'a str> {
    shown
        .report
        .summaries
        .iter()
        .filter(|(key, text)| key.starts_with("look-") && !text.is_empty())
        .map(|(_, text)| text.as_str())
        .collect()
}

/// Runs the check of every bullet shown; a bullet with no check (or two) fails, except one that
/// quotes the paper's runs and says so ("In the paper's …"): it states nothing about the lab's
/// plotted numbers.
fn check_bullets(shown: &Shown, checks: &[(&'static str, Check)]) -> Result<Vec<&'static str>, String> {
    let shown_bullets = bullets(shown);
    if shown_bullets.is_empty() {
        return Err("the figure has no 'What to look for' bullet".into());
    }
    let mut checked = Vec::new();
    for bullet in shown_bullets {
        if bullet.starts_with("In the paper's ") {
            continue;
        }
        let matching: Vec<&(&str, Check)> = checks.iter().filter(|(words, _)| bullet.contains(words)).collect();
        let [(words, check)] = matching.as_slice() else {
            return Err(format!("'{bullet}' has {} checks here", matching.len()));
        };
        if check(shown).map_err(|e| format!("'{words}': {e}"))? {
            checked.push(*words);
        }
    }
    Ok(checked)
}

fn icl_rule(shown: &Shown) -> Result<Vec<&'static str>, String> {
    if !shown.report.check.starts_with("Done") {
        return Ok(Vec::new());
    }
    check_bullets(shown, &icl_checks(shown.lab.state().icl_figure))
}

#[test]
fn icl_paper_look_for() {
    let states = crate::states::sweep("icl-paper", 0, &[]);
    let counts = crate::check_states("icl-paper", &states, icl_rule);
    let all: Vec<&str> = IclFigure::ALL.into_iter().flat_map(icl_checks).map(|(words, _)| words).collect();
    assert_reached(&counts, &all);
}

/// The construction's curve of a LoRA preset's panel, once every seed's construction is done
/// (its legend then says "median of 5 seeds" and it has a point at every rank 1…16).
fn construction(shown: &Shown, panel: &str) -> Option<Vec<(f64, f64)>> {
    let points = series(shown, panel, "series_2", "Our Construction (median of 5 seeds)");
    (points.len() == 16).then_some(points)
}

/// Zero (up to rounding: below 10⁻¹² of the largest value) exactly from R = 8 on.
fn exact_from_8(points: &[(f64, f64)]) -> Result<(), String> {
    let largest = points.iter().map(|p| p.1).fold(0.0, f64::max);
    for &(r, e) in points {
        if (r >= 8.0) != (e < 1e-12 * largest) {
            return Err(format!("R = {r}: {e} (largest {largest})"));
        }
    }
    Ok(())
}

fn both_panels_exact_from_8(s: &Shown) -> Result<bool, String> {
    for panel in ["panel-1", "panel-2"] {
        let Some(points) = construction(s, panel) else { return Ok(false) };
        exact_from_8(&points).map_err(|e| format!("{panel}: {e}"))?;
    }
    Ok(true)
}

/// The x positions of a series of `panel` (every one plotted so far).
fn xs(s: &Shown, panel: &str, key: &str) -> Vec<f64> {
    s.lab.figures().points().into_iter().filter(|p| p.figure == panel && p.series == key).map(|p| p.x).collect()
}

fn lora_checks(preset: Preset) -> Vec<(&'static str, Check)> {
    match preset {
        Preset::Figure1 => vec![
            ("the construction's error falls at every rank below R = 8", |s| {
                for panel in ["panel-1", "panel-2"] {
                    let Some(points) = construction(s, panel) else { return Ok(false) };
                    exact_from_8(&points).map_err(|e| format!("{panel}: {e}"))?;
                    if let Some(w) = points[..8].windows(2).find(|w| w[1].1 >= w[0].1) {
                        return Err(format!("{panel}: {:?} then {:?}", w[0], w[1]));
                    }
                }
                Ok(true)
            }),
            ("The pretrained frozen model starts closer to the target", |s| {
                let (Some(random), Some(pretrained)) = (construction(s, "panel-1"), construction(s, "panel-2")) else {
                    return Ok(false);
                };
                for (r, p) in random.iter().zip(&pretrained).take(7) {
                    if p.1 >= r.1 {
                        return Err(format!("R = {}: pretrained {} against random {}", r.0, p.1, r.1));
                    }
                }
                exact_from_8(&pretrained).map(|()| true)
            }),
        ],
        Preset::Figure2 => {
            vec![("the construction's error is zero (up to rounding) from R = 8 on", both_panels_exact_from_8)]
        }
        Preset::Transformer => vec![("with one block and with two", both_panels_exact_from_8)],
        Preset::FinalLayers => vec![("cost the same 256 parameters", |s| {
            let mut seen = false;
            for panel in ["panel-1", "panel-2"] {
                let (lora, layers) = (xs(s, panel, "series_1"), xs(s, panel, "series_2"));
                let on_grid = |x: &f64, most: f64| x % 256.0 == 0.0 && (256.0..=most).contains(x);
                if let Some(x) =
                    lora.iter().find(|x| !on_grid(x, 16.0 * 256.0)).or(layers.iter().find(|x| !on_grid(x, 7.0 * 256.0)))
                {
                    return Err(format!("{panel}: a point at {x} parameters"));
                }
                seen |= !lora.is_empty() && !layers.is_empty();
            }
            Ok(seen)
        })],
        Preset::Biases => vec![("A rank costs 64 parameters", |s| {
            let (fixed, updatable) = (xs(s, "panel-1", "series_1"), xs(s, "panel-1", "series_2"));
            if let Some(x) = fixed.iter().find(|x| *x % 64.0 != 0.0).or(updatable.iter().find(|x| *x % 64.0 != 32.0)) {
                return Err(format!("a point at {x} parameters"));
            }
            Ok(!fixed.is_empty() && !updatable.is_empty())
        })],
    }
}

/// Each LoRA preset once its constructions are done (the first gradient runs for the presets
/// without constructions): every bullet shown has its check, and each check is reached.
#[test]
fn lora_paper_look_for() {
    let mut failures = Vec::new();
    for preset in Preset::ALL {
        let mut lab = adaptlab::pages::Lab::new();
        lab.load(&format!("v=1&view=lora-paper&fig={}", preset.key()));
        // 160 constructions (5 seeds × 2 panels × 16 ranks), or the first two training runs.
        let wanted = if matches!(preset, Preset::FinalLayers | Preset::Biases) { 2 } else { 160 };
        while lab.advance(100).done < wanted {}
        let report = lab.compute().expect("the preset computes");
        let shown = Shown { lab: &lab, report: &report, data: Default::default() };
        let checks = lora_checks(preset);
        match check_bullets(&shown, &checks) {
            Ok(checked) if checked.len() == checks.len() => {}
            Ok(checked) => failures.push(format!("fig={}: only {checked:?} checked", preset.key())),
            Err(e) => failures.push(format!("fig={}: {e}", preset.key())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
