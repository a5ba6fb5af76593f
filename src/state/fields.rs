//! The declarative table of the URL state: one row per setting of each lesson, binding a URL
//! key to a field of `State` with the values it accepts. Order is the canonical order in a link.
//! The rows live in `fields_lora.rs` and `fields_icl.rs`, what they are made of in `row.rs`; this
//! file puts them together.

// The row's parts, for the state's own code (`fields::Value`, `fields::Spec`).
pub(super) use super::row::{Field, Spec, Value};
use super::View;

/// Every row of the table: the LoRA lessons', then the in-context-learning lessons'. Order here is
/// the canonical order of keys in a link.
pub(super) fn all() -> impl Iterator<Item = &'static Field> {
    super::fields_lora::FIELDS.iter().chain(super::fields_icl::FIELDS)
}

/// The field `key` of `view`.
pub(super) fn field(view: View, key: &str) -> Option<&'static Field> {
    all().find(|f| f.view == view && f.key == key)
}
