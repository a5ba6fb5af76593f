//! The names that Rust and the page must agree on, tied together: for every lesson, each control
//! Rust describes has its input in the lesson's markup, each headline number its element, each
//! figure and summary its slot; each menu has a label for every option; and the page's scripts
//! know no lesson by name (what they may do with a lesson comes from its `capabilities`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use adaptlab::pages::{Lab, Play};
use adaptlab::state::View;

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The markup of lesson `view` in index.html.
fn section(html: &str, view: &str) -> String {
    let start = html.find(&format!("<main id=\"lesson-{view}\"")).unwrap_or_else(|| panic!("no section for {view}"));
    html[start..start + html[start..].find("</main>").unwrap()].to_owned()
}

/// Link states that between them show every figure of every lesson (each paper preset has its own).
fn states() -> Vec<String> {
    let mut states: Vec<String> = View::ALL.iter().map(|v| format!("v=1&view={}", v.key())).collect();
    for fig in ["1", "2", "tfn", "flt", "bias"] {
        states.push(format!("v=1&view=lora-paper&fig={fig}"));
    }
    for fig in ["4", "5", "6", "9", "10", "11"] {
        states.push(format!("v=1&view=icl-paper&fig={fig}"));
    }
    states.push("v=1&view=icl-prompt&scenario=regular4".to_owned());
    states
}

#[test]
fn every_control_number_figure_and_summary_has_its_place_in_the_lessons_markup() {
    let html = read("index.html");
    let mut checked = 0;
    for state in states() {
        let mut lab = Lab::new();
        assert!(lab.load(&state).is_empty(), "{state}");
        let view = lab.state().view.key();
        let markup = section(&html, view);
        for control in lab.controls() {
            let key = control.key;
            assert!(
                ["data-key", "data-list", "data-control"].iter().any(|a| markup.contains(&format!("{a}=\"{key}\""))),
                "{state}: control {key} has no input in the lesson's markup"
            );
            checked += 1;
        }
        let report = lab.compute().unwrap();
        for number in &report.numbers {
            assert_eq!(html.matches(&format!("id=\"{}\"", number.id)).count(), 1, "{state}: number {}", number.id);
            assert!(
                markup.contains(&format!("id=\"{}\"", number.id)),
                "{state}: number {} outside its lesson",
                number.id
            );
            checked += 1;
        }
        for figure in &report.figures {
            assert!(markup.contains(&format!("data-figure=\"{figure}\"")), "{state}: figure {figure} has no slot");
            checked += 1;
        }
        for (key, _) in &report.summaries {
            assert!(markup.contains(&format!("data-summary=\"{key}\"")), "{state}: summary {key} has no slot");
            checked += 1;
        }
        if let Some(figure) = report.capabilities.handles {
            assert!(report.figures.contains(&figure), "{state}: the figure with handles, {figure}, is not shown");
        }
        if let Play::Setting { key } = report.capabilities.play {
            assert!(lab.controls().iter().any(|c| c.key == key), "{state}: Play moves {key}, which is no control");
        }
        if report.capabilities.play != Play::None {
            for part in ["play", "step", "reset"] {
                assert!(markup.contains(&format!("data-transport=\"{part}\"")), "{state}: no transport {part}");
            }
        }
    }
    assert!(checked > 150, "only {checked} names checked");
}

#[test]
fn every_menu_option_has_a_label_and_the_markup_leaves_the_options_to_rust() {
    let html = read("index.html");
    let mut menus = 0;
    for view in View::ALL {
        let mut lab = Lab::new();
        lab.load(&format!("v=1&view={}", view.key()));
        for control in lab.controls().into_iter().filter(|c| !c.options.is_empty()) {
            assert_eq!(control.options.len(), control.option_labels.len(), "{}: {}", view.key(), control.key);
            assert!(control.option_labels.iter().all(|l| !l.trim().is_empty()), "{}: {}", view.key(), control.key);
            assert!(
                control.options.contains(&control.value.as_str()),
                "{}: {} = {}",
                view.key(),
                control.key,
                control.value
            );
            // The menu in the markup is empty: the page fills it from these options.
            let markup = section(&html, view.key());
            let at = markup.find(&format!("data-key=\"{}\"", control.key)).unwrap();
            let tag_end = at + markup[at..].find('>').unwrap();
            assert!(
                markup[tag_end..].starts_with("></select>"),
                "{}: {} lists options in the markup",
                view.key(),
                control.key
            );
            menus += 1;
        }
    }
    assert!(menus >= 18, "{menus} menus");
}

#[test]
fn the_pages_scripts_name_no_lesson() {
    let mut scripts = 0;
    for entry in std::fs::read_dir(format!("{}/www", env!("CARGO_MANIFEST_DIR"))).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // tour-stops.js is data written by tests/tour.rs from src/tour.rs: each stop's link state.
        if !name.ends_with(".js") || name == "tour-stops.js" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for view in View::ALL {
            assert!(!text.contains(view.key()), "www/{name} names the lesson {}", view.key());
        }
        scripts += 1;
    }
    assert!(scripts >= 15, "{scripts} scripts read");
}
