//! The saved state: the JSON file that the page's JSON export writes, that its "Open state…"
//! import reads and that `adaptlab report --state-file` reads. One definition for the page (the
//! export build, `web::saved`) and the command, so both write the same file and apply the same
//! gate to it.
//!
//! ```json
//! {
//!   "format": "adaptlab-state",
//!   "version": 1,
//!   "view": "lora-linear",
//!   "link": "https://…/index.html#v=1&view=lora-linear&R=5",
//!   "fragment": "v=1&view=lora-linear&R=5",
//!   "settings": { "D": "16", "L": "2", "R": "5", … }
//! }
//! ```
//!
//! Reading checks only the file's shape and returns its `fragment`; that text is then an
//! ordinary link, which `state::parse` reads, repairing and reporting what is wrong in it. The
//! other fields are for people reading the file and are ignored, as are unknown fields, so a
//! file edited by hand or written by an earlier version still opens.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;
use thiserror::Error;

use super::{controls, serialise, State};

/// The `format` tag of every saved state (the same text since the first version, so older files
/// still open).
pub const STATE_FORMAT: &str = "adaptlab-state";

/// The version of the saved-state file written now.
pub const SAVED_VERSION: i64 = 1;

/// The longest `fragment` a saved state may hold, in characters. Canonical fragments are far
/// shorter (a student's own matrices at the lesson's largest size are the longest); the limit
/// keeps a stray large file from reaching the link parser.
pub const MAX_FRAGMENT_CHARS: usize = 4096;

/// A saved state as written: the fields in the order written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SavedState {
    /// Always `STATE_FORMAT`.
    pub format: &'static str,
    /// Always `SAVED_VERSION`.
    pub version: i64,
    /// The lesson's key (`view=…` in the link).
    pub view: &'static str,
    /// The page's address, `#` and the fragment: a link that opens the same state.
    pub link: String,
    /// The canonical fragment (`state::serialise`): what an import loads.
    pub fragment: String,
    /// Each of the lesson's controls, key → value as text, in the controls' order.
    pub settings: Settings,
}

/// The lesson's settings as `(key, value)` pairs, written as one JSON object in this order
/// (serde_json's own map would sort the keys).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Settings(pub Vec<(&'static str, String)>);

impl Serialize for Settings {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Why a file is not a saved state. The messages are sentences shown after the file's name
/// ("Import failed: state.json: … Nothing was changed.").
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SavedStateError {
    /// The text does not parse as JSON; holds the parser's description of where.
    #[error("the file is not JSON ({0}).")]
    NotJson(String),
    /// The JSON is not an object (`null`, a number, text or a list).
    #[error("the file holds no JSON object.")]
    NoObject,
    /// `format` is missing or is not `STATE_FORMAT`.
    #[error("\"format\" must be \"{format}\" (a state saved by Adaptation Lab's JSON export).", format = STATE_FORMAT)]
    WrongFormat,
    /// `fragment` is missing or is not a JSON string.
    #[error("\"fragment\" must be text such as \"v=1&view=lora-linear&R=3\".")]
    FragmentNotText,
    /// `fragment` is longer than `MAX_FRAGMENT_CHARS` characters.
    #[error("\"fragment\" is longer than any saved state ({limit} characters).", limit = MAX_FRAGMENT_CHARS)]
    FragmentTooLong,
}

/// The saved state of `state`, whose link is `page_address` (the page's address without any
/// `#…`), `#` and the canonical fragment.
pub fn saved(state: &State, page_address: &str) -> SavedState {
    let fragment = serialise(state);
    SavedState {
        format: STATE_FORMAT,
        version: SAVED_VERSION,
        view: state.view.key(),
        link: format!("{page_address}#{fragment}"),
        fragment,
        settings: Settings(controls(state).into_iter().map(|control| (control.key, control.value)).collect()),
    }
}

/// The saved-state file of `state`: `saved(state, page_address)` as JSON indented by two spaces,
/// ending with a newline. Fails only if serde_json cannot write text, which it always can.
pub fn write(state: &State, page_address: &str) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&saved(state, page_address))?;
    text.push('\n');
    Ok(text)
}

/// Reads a saved-state file's text and returns the fragment to load (without a leading `#`).
///
/// The gate checks the file's shape only, in this order: JSON (a leading byte-order mark is
/// allowed), an object, `"format": "adaptlab-state"`, a `fragment` that is a JSON string of at
/// most `MAX_FRAGMENT_CHARS` characters. `version`, `view`, `link`, `settings` and unknown fields
/// are ignored: the fragment alone says what to show, and its values are checked by
/// `state::parse` like any link's.
pub fn read(text: &str) -> Result<String, SavedStateError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let data: Value = serde_json::from_str(text).map_err(|e| SavedStateError::NotJson(e.to_string()))?;
    let object = data.as_object().ok_or(SavedStateError::NoObject)?;
    if object.get("format").and_then(Value::as_str) != Some(STATE_FORMAT) {
        return Err(SavedStateError::WrongFormat);
    }
    let fragment = object.get("fragment").and_then(Value::as_str).ok_or(SavedStateError::FragmentNotText)?;
    if fragment.chars().count() > MAX_FRAGMENT_CHARS {
        return Err(SavedStateError::FragmentTooLong);
    }
    Ok(fragment.strip_prefix('#').unwrap_or(fragment).to_owned())
}
