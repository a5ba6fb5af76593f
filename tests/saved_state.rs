//! The saved state (`state::saved`): the file the page's JSON export writes and its import and
//! `adaptlab report --state-file` read. Writing then reading gives the canonical link; each way a
//! file can fail to be a saved state has its sentence; files written earlier keep opening.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly

use std::path::PathBuf;
use std::process::{Command, Output};

use adaptlab::state::{self, saved};
use serde_json::Value;

const ADDRESS: &str = "https://example.org/adaptation-lab/";

/// Links from different lessons, each with its canonical fragment written out by hand (`v` and
/// `view` first, then the lesson's settings in table order, defaults left out).
const LINKS: [(&str, &str); 5] = [
    (
        "#v=1&view=lora-linear&D=32&L=3&R=5&seed=42&model=lowrank&q=4",
        "v=1&view=lora-linear&D=32&L=3&R=5&model=lowrank&q=4&seed=42",
    ),
    ("#v=1&view=lora-fnn&R=2&L=8", "v=1&view=lora-fnn&L=8&R=2"),
    ("view=icl-risk&kmax=7&delta=81&prior=regular4&v=1", "v=1&view=icl-risk&prior=regular4&delta=81&kmax=7"),
    ("#v=1&view=icl-prompt&k=8&scenario=regular4", "v=1&view=icl-prompt&scenario=regular4&k=8"),
    ("#v=1&view=icl-paper", "v=1&view=icl-paper"),
];

fn written(link: &str) -> String {
    let parsed = state::parse(link);
    assert!(parsed.notices.is_empty(), "{link}: {:?}", parsed.notices);
    saved::write(&parsed.state, ADDRESS).unwrap()
}

#[test]
fn writing_then_reading_gives_the_canonical_fragment() {
    for (link, canonical) in LINKS {
        let text = written(link);
        assert_eq!(saved::read(&text).unwrap(), canonical, "{link}");
        let data: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(data["format"], "adaptlab-state");
        assert_eq!(data["version"], 1);
        assert_eq!(data["view"], canonical.split('&').nth(1).unwrap().trim_start_matches("view="));
        assert_eq!(data["link"], format!("{ADDRESS}#{canonical}"));
        assert_eq!(data["fragment"], canonical);
    }
}

#[test]
fn the_file_is_indented_json_with_fields_and_settings_in_order() {
    let text = written("#v=1&view=lora-linear&D=32&L=3&R=5&seed=42&model=lowrank&q=4");
    assert!(text.starts_with("{\n  \"format\": \"adaptlab-state\",\n  \"version\": 1,\n  \"view\": \"lora-linear\",\n"));
    assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} missing in {text}"));
    assert!(at("\"link\"") < at("\"fragment\"") && at("\"fragment\"") < at("\"settings\""));
    // The linear lesson's controls, in the order the page shows them, every one with its value
    // (defaults included: the file is read by people too).
    let settings = &text[at("\"settings\"")..];
    let order =
        ["\"D\": \"32\"", "\"L\": \"3\"", "\"R\": \"5\"", "\"model\": \"lowrank\"", "\"q\": \"4\"", "\"seed\": \"42\""];
    let places: Vec<usize> = order
        .iter()
        .map(|pair| settings.find(pair).unwrap_or_else(|| panic!("{pair} missing in {settings}")))
        .collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{settings}");
}

const NOT_AN_OBJECT: &str = "the file holds no JSON object.";
const WRONG_FORMAT: &str = "\"format\" must be \"adaptlab-state\" (a state saved by Adaptation Lab's JSON export).";
const NOT_TEXT: &str = "\"fragment\" must be text such as \"v=1&view=lora-linear&R=3\".";
const TOO_LONG: &str = "\"fragment\" is longer than any saved state (4096 characters).";

fn refused(text: &str) -> String {
    saved::read(text).unwrap_err().to_string()
}

#[test]
fn text_that_is_not_json_says_so_and_where() {
    let message = refused(r#"{"format": "adaptlab-state", "fragment": "#);
    assert!(message.starts_with("the file is not JSON (") && message.ends_with(")."), "{message}");
    assert!(message.contains("line 1"), "the parser's place is kept: {message}");
    assert!(refused("").starts_with("the file is not JSON ("));
    assert!(refused(r#"{"format": "adaptlab-state"} trailing"#).starts_with("the file is not JSON ("));
}

#[test]
fn json_that_is_not_an_object_is_refused() {
    for text in ["null", "3", "\"v=1&view=lora-linear\"", "[{\"format\": \"adaptlab-state\"}]", "true"] {
        assert_eq!(refused(text), NOT_AN_OBJECT, "{text}");
    }
}

#[test]
fn another_format_or_none_is_refused_before_the_fragment_is_looked_at() {
    for text in [
        r#"{"format": "something-else"}"#,
        r#"{"fragment": "v=1&view=lora-linear"}"#,
        r#"{"format": 1, "fragment": "v=1"}"#,
        r#"{"format": "ADAPTLAB-STATE", "fragment": "v=1"}"#,
        "{}",
    ] {
        assert_eq!(refused(text), WRONG_FORMAT, "{text}");
    }
}

#[test]
fn a_fragment_missing_or_not_text_is_refused() {
    for fragment in
        ["", r#", "fragment": null"#, r#", "fragment": 3"#, r#", "fragment": ["v=1"]"#, r#", "fragment": {}"#]
    {
        let text = format!(r#"{{"format": "adaptlab-state"{fragment}}}"#);
        assert_eq!(refused(&text), NOT_TEXT, "{text}");
    }
}

#[test]
fn a_fragment_over_4096_characters_is_refused_and_one_of_4096_is_read() {
    let file = |fragment: &str| format!(r#"{{"format": "adaptlab-state", "fragment": "{fragment}"}}"#);
    let longest = format!("v=1&view=lora-linear&{}", "x".repeat(4096 - 21));
    assert_eq!(longest.len(), 4096);
    assert_eq!(saved::read(&file(&longest)).unwrap(), longest);
    assert_eq!(refused(&file(&format!("{longest}x"))), TOO_LONG);
    // Characters are counted, not bytes: 4096 two-byte letters are within the limit.
    assert_eq!(saved::read(&file(&"é".repeat(4096))).unwrap().chars().count(), 4096);
    assert_eq!(refused(&file(&"é".repeat(4097))), TOO_LONG);
}

#[test]
fn unknown_fields_version_and_settings_are_ignored_the_fragment_alone_counts() {
    let text = r##"{"format": "adaptlab-state", "version": 7, "view": "icl-risk", "note": {"by": "hand"},
        "settings": {"R": "1"}, "link": "elsewhere#v=1&view=icl-risk", "fragment": "v=1&view=lora-linear&R=4"}"##;
    assert_eq!(saved::read(text).unwrap(), "v=1&view=lora-linear&R=4");
}

#[test]
fn a_leading_hash_and_a_byte_order_mark_are_allowed() {
    let text = "\u{feff}{\"format\": \"adaptlab-state\", \"fragment\": \"#v=1&view=lora-fnn&R=7\"}";
    assert_eq!(saved::read(text).unwrap(), "v=1&view=lora-fnn&R=7");
}

#[test]
fn a_hostile_fragment_is_read_as_text_and_repaired_by_the_link_parser() {
    let text = r#"{"format":"adaptlab-state","fragment":"v=1&view=lora-fnn&R=<img src=x onerror=alert(1)>"}"#;
    let fragment = saved::read(text).unwrap();
    assert_eq!(fragment, "v=1&view=lora-fnn&R=<img src=x onerror=alert(1)>");
    let parsed = state::parse(&fragment);
    assert_eq!(parsed.state.view, state::View::LoraFnn);
    assert_eq!(state::serialise(&parsed.state), "v=1&view=lora-fnn");
    assert!(parsed.notices.iter().any(|n| n.contains("<img src=x")), "{:?}", parsed.notices);
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A file in the format the page wrote before the saved state moved to Rust, edited by hand so
/// that its fragment is not canonical (keys out of order, `v` last).
const OLD_FILE: &str = "saved-state-v1.json";
const OLD_FILE_CANONICAL: &str = "v=1&view=lora-linear&D=32&L=3&R=5&model=lowrank&q=4&seed=42";

#[test]
fn a_file_saved_by_an_earlier_version_opens_unrepaired() {
    let text = std::fs::read_to_string(fixture(OLD_FILE)).unwrap();
    let fragment = saved::read(&text).unwrap();
    let parsed = state::parse(&fragment);
    assert!(parsed.notices.is_empty(), "{:?}", parsed.notices);
    assert_eq!(state::serialise(&parsed.state), OLD_FILE_CANONICAL);
    let p = &parsed.state.lora_linear;
    assert_eq!((p.width, p.depth, p.rank, p.perturbation_rank, p.seed), (32, 3, 5, 4, 42));
}

fn adaptlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_adaptlab")).args(args).output().unwrap()
}

fn report(args: &[&str]) -> Value {
    let out = adaptlab(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A file in the tests' scratch directory holding `text`.
fn scratch(name: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn report_of_a_state_file_is_the_report_of_its_link() {
    let cases = [
        ("#v=1&view=lora-linear&seed=3&R=2&D=8", "v=1&view=lora-linear&D=8&R=2&seed=3", "saved-linear.json"),
        (
            "#v=1&view=icl-prompt&k=8&scenario=regular4",
            "v=1&view=icl-prompt&scenario=regular4&k=8",
            "saved-prompt.json",
        ),
    ];
    for (link, canonical, name) in cases {
        let path = scratch(name, &written(link));
        let from_file = report(&["report", "--state-file", path.to_str().unwrap(), "--now"]);
        let from_link = report(&["report", link, "--now"]);
        assert_eq!(from_file, from_link, "{link}");
        assert_eq!(from_file["fragment"], canonical);
        assert!(from_file["numbers"].as_array().is_some_and(|n| !n.is_empty()), "{from_file}");
    }
    // The hand-edited old file reports as its canonical link, without repairs.
    let old = fixture(OLD_FILE);
    let from_file = report(&["report", "--state-file", old.to_str().unwrap(), "--now"]);
    assert_eq!(from_file, report(&["report", OLD_FILE_CANONICAL, "--now"]));
    assert_eq!(from_file["notices"], serde_json::json!([]));
}

#[test]
fn report_of_a_bad_state_file_fails_with_the_readers_message() {
    let path = scratch("saved-other.json", r#"{"format": "something-else", "fragment": "v=1"}"#);
    let out = adaptlab(&["report", "--state-file", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let message = String::from_utf8(out.stderr).unwrap();
    assert_eq!(message, format!("adaptlab: {}: {WRONG_FORMAT}\n", path.display()));

    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-such-saved-state.json");
    let out = adaptlab(&["report", "--state-file", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("cannot read"));

    for args in [&["report", "--state-file"][..], &["report", "--state-file", "a.json", "--later"]] {
        let out = adaptlab(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8(out.stderr).unwrap().starts_with("adaptlab: usage:"), "{args:?}");
    }
}
