//! The saved state (`state::saved`) for the page's JSON export and "Open state…" import. Only in
//! the export build (feature `svg-export`): the page's own build stays within its first-load
//! budget, and `www/export-actions.js` loads the export build when a state is first saved or
//! opened (the single-file page is the export build and calls its own `Lab`).

use wasm_bindgen::prelude::*;

use super::Lab;
use crate::state::saved;

#[wasm_bindgen]
impl Lab {
    /// The saved-state JSON of this lab's current state, whose link is `page_address` (without
    /// `#`), `#` and the canonical fragment.
    #[wasm_bindgen(js_name = savedState)]
    pub fn saved_state(&self, page_address: &str) -> Result<String, JsError> {
        Ok(saved::write(self.inner.state(), page_address)?)
    }

    /// The fragment to load from a saved-state file's text, or an error whose message says why
    /// the file is not a saved state. The fragment's values are checked when it is loaded, like
    /// any link's.
    #[wasm_bindgen(js_name = savedStateFragment)]
    pub fn saved_state_fragment(text: &str) -> Result<String, JsError> {
        Ok(saved::read(text)?)
    }
}
