//! The guided tour can never say what the figure contradicts: every stop's link (and every
//! prediction's revealing link) parses without a repair and stays canonical, and every
//! prediction's stated answer holds for the numbers the lab computes at the revealed state,
//! re-derived here from the report's headline numbers and the figures' plotted data.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::pages::{Lab, Report};
use adaptlab::state;
use adaptlab::tour::{self, Claim};

/// Computes everything the page shows at `fragment` (after all background work).
fn computed(fragment: &str) -> (Lab, Report) {
    let mut lab = Lab::new();
    let notices = lab.load(fragment);
    assert!(notices.is_empty(), "{fragment}: {notices:?}");
    let report = lab.compute_all().unwrap_or_else(|e| panic!("{fragment}: {e}"));
    (lab, report)
}

fn number(report: &Report, id: &str) -> f64 {
    report
        .numbers
        .iter()
        .find(|n| n.id == id)
        .and_then(|n| n.value)
        .unwrap_or_else(|| panic!("{}: no value for {id}", report.fragment))
}

/// A risk curve as (k, mean, standard error), from the risk figure's plotted series.
fn risk_curve(lab: &Lab) -> Vec<(f64, f64, f64)> {
    let points = lab.figures().points();
    let series = |id: &str| -> Vec<(f64, f64)> {
        points.iter().filter(|p| p.figure == "risk" && p.series == id).filter_map(|p| p.y.map(|y| (p.x, y))).collect()
    };
    let upper = series("risk_plus_2se");
    series("risk")
        .into_iter()
        .map(|(k, mean)| {
            let plus = upper.iter().find(|(x, _)| *x == k).map(|&(_, y)| y).expect("an upper line at every k");
            (k, mean, (plus - mean) / 2.0)
        })
        .collect()
}

#[test]
fn the_tour_has_twelve_to_sixteen_stops_and_at_least_four_predictions() {
    let stops = tour::stops();
    assert!((12..=16).contains(&stops.len()), "{} stops", stops.len());
    assert!(stops.iter().filter(|s| s.prediction.is_some()).count() >= 4);
    for stop in &stops {
        // Two or three sentences (a sentence ends with '.', '?' or '!' and a space or the end).
        let sentences = stop.text.split_inclusive(['.', '?', '!']).filter(|s| s.trim().len() > 1).count();
        assert!((2..=3).contains(&sentences), "{}: {sentences} sentences", stop.title);
        if let Some(p) = &stop.prediction {
            assert!(p.answer < p.choices.len(), "{}", stop.title);
        }
    }
}

#[test]
fn every_stop_link_parses_without_repair_and_is_canonical() {
    for stop in tour::stops() {
        let links = std::iter::once(stop.fragment).chain(stop.prediction.as_ref().map(|p| p.reveal));
        for link in links {
            let parsed = state::parse(link);
            assert!(parsed.notices.is_empty(), "{link}: {:?}", parsed.notices);
            // Canonical, so that the page's address after loading is the stop's own link.
            assert_eq!(state::serialise(&parsed.state), link);
        }
    }
}

#[test]
fn every_prediction_is_true_for_the_numbers_at_its_revealed_state() {
    for stop in tour::stops() {
        let Some(prediction) = stop.prediction else { continue };
        let reveal = prediction.reveal;
        match prediction.claim {
            Claim::VanishesAt { number: id, key, value } => {
                let (mut lab, report) = computed(reveal);
                let at = number(&report, id);
                // The scale: the same number with no adapters at all.
                assert!(lab.set(key, "0").is_empty());
                let none = number(&lab.compute_all().unwrap(), id);
                assert!(lab.set(key, &(value - 1).to_string()).is_empty());
                let below = number(&lab.compute_all().unwrap(), id);
                assert!(none > 0.0, "{reveal}: {id} = {none} with {key} = 0");
                assert!(at <= 1e-10 * none, "{reveal}: {id} = {at} is not zero against {none} at {key} = 0");
                assert!(below >= 1e-6 * none, "{reveal}: {id} = {below} at {key} = {} is already near zero", value - 1);
            }
            Claim::Equals { number: id, value } => {
                let (_, report) = computed(reveal);
                assert_eq!(number(&report, id), value, "{reveal}: {id}");
            }
            Claim::RisesThenFalls { factor } => {
                let (lab, _) = computed(reveal);
                let curve = risk_curve(&lab);
                let (first, last) = (curve[0], curve[curve.len() - 1]);
                let peak = curve.iter().copied().fold(first, |a, b| if b.1 > a.1 { b } else { a });
                assert!(peak.1 >= factor * first.1, "{reveal}: peak {peak:?} against k = 0 {first:?}");
                assert!(peak.1 - 2.0 * peak.2 > first.1 + 2.0 * first.2, "{reveal}: rise not significant");
                assert!(last.1 < first.1, "{reveal}: ends at {last:?}, not below k = 0 {first:?}");
            }
            Claim::BestInside => {
                let (lab, _) = computed(reveal);
                let curve = risk_curve(&lab);
                let lowest = (0..curve.len()).min_by(|&a, &b| curve[a].1.total_cmp(&curve[b].1)).unwrap();
                assert!(lowest > 0 && lowest < curve.len() - 1, "{reveal}: lowest at index {lowest} of {curve:?}");
                let best = curve[lowest];
                for end in [curve[0], curve[curve.len() - 1]] {
                    assert!(best.1 + 2.0 * best.2 < end.1 - 2.0 * end.2, "{reveal}: {best:?} not below {end:?}");
                }
            }
        }
    }
}

/// The claims can fail: the same checks reject a wrong answer (the rank below the threshold).
#[test]
fn a_wrong_vanishing_rank_is_caught() {
    let (mut lab, _) = computed("v=1&view=lora-linear&R=8");
    assert!(lab.set("R", "7").is_empty());
    let at_seven = number(&lab.compute_all().unwrap(), "num-optimal");
    assert!(at_seven > 1e-6, "R = 7 must leave an error: {at_seven}");
}

/// The page's tour reads `www/tour-stops.js`: it must say exactly what `tour::stops` says (and so
/// what the tests above check). `ADAPTLAB_UPDATE=1 cargo test --test tour` rewrites it.
#[test]
fn the_pages_stops_are_the_checked_ones() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/tour-stops.js");
    let expected = tour::page_module();
    if std::env::var_os("ADAPTLAB_UPDATE").is_some() {
        std::fs::write(&path, &expected).expect("www/tour-stops.js is writable");
    }
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        found == expected,
        "www/tour-stops.js differs from src/tour.rs: run ADAPTLAB_UPDATE=1 cargo test --test tour"
    );
    // The module holds every stop, each with its link.
    assert_eq!(found.matches("\"fragment\":").count(), tour::stops().len());
}
