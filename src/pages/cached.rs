//! The page modules' caches: a value computed for a key (a lesson's parameters), rebuilt only when
//! the key changes.

/// A value computed for a key (a lesson's parameters), rebuilt only when the key changes.
pub struct Keyed<K, V> {
    pub(super) key: K,
    pub(super) value: V,
}

impl<K, V> Keyed<K, V> {
    /// The cached value.
    pub fn value(&self) -> &V {
        &self.value
    }
}

/// The value for `key` in `slot`, built by `build` when nothing is cached or the key changed.
pub(super) fn cached<K: PartialEq, V>(slot: &mut Option<Keyed<K, V>>, key: K, build: impl FnOnce() -> V) -> &mut V {
    if slot.as_ref().is_some_and(|c| c.key != key) {
        *slot = None;
    }
    &mut slot.get_or_insert_with(|| Keyed { value: build(), key }).value
}
