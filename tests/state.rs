//! The URL state: parsing never fails, repairs are reported, serialising is canonical and
//! round-trips.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)] // tests fail loudly and index parallel arrays

use adaptlab::lessons::lora_linear::{ModelKind, Params};
use adaptlab::state::{self, State, View};
use proptest::prelude::*;

#[test]
fn empty_fragment_gives_defaults_without_notices() {
    let parsed = state::parse("");
    assert_eq!(parsed.state, State::default());
    assert!(parsed.notices.is_empty());
    assert_eq!(state::serialise(&parsed.state), "v=1&view=lora-linear");
}

#[test]
fn full_link_is_read() {
    let parsed = state::parse("#v=1&view=lora-linear&D=32&L=3&R=5&seed=42&model=lowrank&q=4");
    assert!(parsed.notices.is_empty(), "{:?}", parsed.notices);
    let p = &parsed.state.lora_linear;
    assert_eq!((p.width, p.depth, p.rank, p.seed, p.model, p.perturbation_rank), (32, 3, 5, 42, ModelKind::LowRank, 4));
    assert_eq!(state::serialise(&parsed.state), "v=1&view=lora-linear&D=32&L=3&R=5&model=lowrank&q=4&seed=42");
}

#[test]
fn corrupted_link_is_repaired_with_notices() {
    let parsed = state::parse("#v=1&D=abc&R=-3&zzz=1");
    assert_eq!(parsed.state.lora_linear.width, 16);
    assert_eq!(parsed.state.lora_linear.rank, 0);
    assert_eq!(
        parsed.notices,
        vec![
            "D = 'abc' is not a whole number; using D = 16.".to_owned(),
            "R = -3 is below the minimum 0; using R = 0.".to_owned(),
            "ignored the unknown setting 'zzz'.".to_owned(),
        ]
    );
}

#[test]
fn cross_field_rules_clamp_ranks_to_width() {
    let parsed = state::parse("D=4&R=9&ranks=1,2,9&L=2");
    let p = &parsed.state.lora_linear;
    assert_eq!(p.rank, 4);
    assert_eq!(p.layer_ranks, Some(vec![1, 2]));
    assert_eq!(parsed.notices.len(), 2, "{:?}", parsed.notices);
}

#[test]
fn oversized_and_hostile_values_are_contained() {
    let parsed = state::parse("D=10000&view=%3Cscript%3E&seed=99999999999999999999999");
    assert_eq!(parsed.state.lora_linear.width, 64);
    assert_eq!(parsed.state.view, View::LoraLinear);
    assert!(
        parsed.notices.iter().any(|n| n.contains("<script>")),
        "the message quotes the text, the page shows it as text"
    );
    assert_eq!(parsed.notices.len(), 3);
}

#[test]
fn controls_follow_the_state() {
    let mut s = State::default();
    let notices = state::set(&mut s, "D", "8");
    assert!(notices.is_empty());
    let r = state::controls(&s).into_iter().find(|c| c.key == "R").unwrap();
    assert_eq!((r.min, r.max, r.value.as_str()), (Some(0.0), Some(8.0), "3"));
    assert_eq!(state::set(&mut s, "R", "12"), vec!["R = 12 exceeds D = 8; using R = 8.".to_owned()]);
    assert_eq!(s.lora_linear.rank, 8);
    assert_eq!(state::set(&mut s, "nope", "1").len(), 1);
}

fn any_state() -> impl Strategy<Value = State> {
    (2usize..=64, 1usize..=8, 0usize..=64, any::<u32>(), 0usize..3, 1usize..=64, any::<bool>()).prop_map(
        |(width, depth, rank, seed, model, q, per_layer)| {
            let model = [ModelKind::Random, ModelKind::Uniform, ModelKind::LowRank][model];
            let rank = rank.min(width);
            let layer_ranks = per_layer.then(|| (0..depth).map(|l| (rank + l) % (width + 1)).collect());
            State {
                view: View::LoraLinear,
                lora_fnn: Default::default(),
                lora_transformer: Default::default(),
                lora_training: Default::default(),
                training_pace: Default::default(),
                paper: adaptlab::lessons::paper_figures::Preset::Figure1,
                icl_risk: Default::default(),
                icl_figure: adaptlab::lessons::icl_figures::IclFigure::Six,
                icl_prompt: Default::default(),
                display: Default::default(),
                lora_linear: Params {
                    width,
                    depth,
                    rank,
                    layer_ranks,
                    seed: u64::from(seed),
                    model,
                    perturbation_rank: q.min(width),
                    pretrained: seed % 2 == 0,
                    custom: String::new(),
                },
            }
        },
    )
}

proptest! {
    #[test]
    fn parse_inverts_serialise(s in any_state()) {
        let parsed = state::parse(&state::serialise(&s));
        prop_assert!(parsed.notices.is_empty(), "{:?}", parsed.notices);
        prop_assert_eq!(parsed.state, s);
    }

    #[test]
    fn parse_never_panics_and_is_idempotent(text in ".{0,80}") {
        let once = state::parse(&text).state;
        let canonical = state::serialise(&once);
        let twice = state::parse(&canonical);
        prop_assert!(twice.notices.is_empty());
        prop_assert_eq!(twice.state, once);
    }

    #[test]
    fn parse_survives_plausible_garbage(key in "(D|L|R|ranks|seed|model|q|v|view|x|embed|figure|controls)", value in "[-0-9a-z,%]{0,12}") {
        let parsed = state::parse(&format!("{key}={value}"));
        prop_assert_eq!(state::parse(&state::serialise(&parsed.state)).state, parsed.state);
    }
}

#[test]
fn every_lesson_opens_from_its_link() {
    for key in [
        "lora-linear",
        "lora-fnn",
        "lora-transformer",
        "lora-training",
        "lora-paper",
        "icl-prompt",
        "icl-risk",
        "icl-paper",
    ] {
        let parsed = state::parse(&format!("v=1&view={key}"));
        assert!(parsed.notices.is_empty(), "{key}: {:?}", parsed.notices);
        assert_eq!(parsed.state.view.key(), key);
        assert_eq!(state::serialise(&parsed.state), format!("v=1&view={key}"));
    }
    assert_eq!(View::ALL.len(), 8);
}

#[test]
fn embed_links_name_one_figure_and_its_controls() {
    let parsed = state::parse("#v=1&view=lora-linear&R=5&embed=1&figure=error&controls=R,L");
    assert!(parsed.notices.is_empty(), "{:?}", parsed.notices);
    let display = &parsed.state.display;
    assert!(display.embed);
    assert_eq!(display.figure, Some("error"));
    // Canonical order is the table's (L before R), whatever order the link gave.
    assert_eq!(display.controls.as_deref(), Some(&["R", "L"][..]));
    assert_eq!(state::serialise(&parsed.state), "v=1&view=lora-linear&R=5&embed=1&figure=error&controls=R,L");
    assert_eq!(state::full_fragment(&parsed.state), "v=1&view=lora-linear&R=5");
}

#[test]
fn bad_display_settings_are_repaired_with_notices() {
    let parsed = state::parse("#v=1&view=icl-risk&embed=yes&figure=heatmaps&controls=k,delta,<b>");
    assert!(!parsed.state.display.embed);
    assert_eq!(parsed.state.display.figure, None);
    assert_eq!(parsed.state.display.controls.as_deref(), Some(&["delta"][..]));
    let text = parsed.notices.join(" ");
    assert!(text.contains("embed = 'yes' must be 1 or 0"), "{text}");
    assert!(text.contains("figure = 'heatmaps' is not a figure of this lesson (it has risk, weights)"), "{text}");
    assert!(text.contains("controls: 'k' is not a setting of this lesson"), "{text}");
    assert!(text.contains("controls: '<b>'"), "{text}");
}

#[test]
fn an_embed_fragment_keeps_the_settings_and_names_the_figure() {
    let mut s = state::parse("#v=1&view=lora-fnn&R=3&seed=9").state;
    assert_eq!(
        state::embed_fragment(&s, "error", Some("R")),
        "v=1&view=lora-fnn&R=3&seed=9&embed=1&figure=error&controls=R"
    );
    assert_eq!(state::embed_fragment(&s, "error", None), "v=1&view=lora-fnn&R=3&seed=9&embed=1&figure=error");
    // Switching lesson drops a figure and controls that the new lesson does not have.
    s.display = state::parse("#v=1&view=lora-fnn&figure=error&controls=R").state.display;
    state::set(&mut s, "view", "icl-prompt");
    assert_eq!(s.display.figure, None);
    assert_eq!(s.display.controls.as_deref(), Some(&[][..]));
}

#[test]
fn every_lesson_names_its_figures() {
    for view in View::ALL {
        assert!(!view.figure_keys().is_empty(), "{}", view.key());
        let link = format!("v=1&view={}&embed=1&figure={}", view.key(), view.figure_keys().last().unwrap());
        let parsed = state::parse(&link);
        assert!(parsed.notices.is_empty(), "{link}: {:?}", parsed.notices);
        assert_eq!(state::serialise(&parsed.state), link);
    }
}

/// Links written by every version of the state format keep opening, unrepaired, to the same state.
/// Add the links of a new format version to `tests/fixtures/links-v<N>.txt` when it is introduced.
#[test]
fn links_from_every_format_version_keep_opening() {
    let fixtures = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).unwrap();
    let mut checked = 0;
    for file in fixtures {
        let path = file.unwrap().path();
        if !path.file_name().unwrap().to_string_lossy().starts_with("links-v") {
            continue;
        }
        for link in std::fs::read_to_string(&path).unwrap().lines().filter(|l| l.starts_with("#v=")) {
            let parsed = state::parse(link);
            assert!(parsed.notices.is_empty(), "{link}: {:?}", parsed.notices);
            let canonical = state::serialise(&parsed.state);
            assert_eq!(
                state::parse(&canonical).state,
                parsed.state,
                "{link} ({}) no longer round-trips",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} fixture links");
}
