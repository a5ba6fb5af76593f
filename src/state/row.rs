//! One row of the URL state table: the `Field` binding a URL key to a field of `State`, the
//! `Spec` of the values it accepts, the `Value` kinds, and the helpers the rows are written with.

use super::{State, View};

/// A value as the table sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Value {
    Integer(i64),
    Choice(&'static str),
    /// A list of integers; empty means "not set".
    IntegerList(Vec<i64>),
    /// A decimal number held in hundredths (`0.3` is 30), written as a decimal.
    Hundredths(i64),
    /// A list of decimals in hundredths; empty means "not set".
    HundredthsList(Vec<i64>),
    /// Checked text in its canonical form; empty means "not set".
    Text(String),
}

/// What values a field accepts.
#[derive(Clone, Copy, Debug)]
pub(super) enum Spec {
    Integer {
        min: i64,
        max: i64,
    },
    /// One of `options` (the link's words); `labels` are what the page's menu shows for each,
    /// in the same order.
    Choice {
        options: &'static [&'static str],
        labels: &'static [&'static str],
    },
    /// Comma-separated integers, each in `min..=max`.
    IntegerList {
        min: i64,
        max: i64,
    },
    /// A decimal with two places, held in hundredths in `min..=max`.
    Hundredths {
        min: i64,
        max: i64,
    },
    /// Comma-separated decimals with two places, held in hundredths, each in `min..=max`.
    HundredthsList {
        min: i64,
        max: i64,
    },
    /// Structured text: `canonical` checks it and returns its canonical form, or says what is wrong.
    Text {
        canonical: fn(&str) -> Result<String, String>,
    },
}

/// One row of the table: a URL key bound to a field of `State`.
pub(super) struct Field {
    pub(super) key: &'static str,
    /// Human label used in messages and by the page.
    pub(super) label: &'static str,
    pub(super) view: View,
    pub(super) spec: Spec,
    pub(super) read: fn(&State) -> Value,
    pub(super) write: fn(&mut State, Value),
}

pub(super) fn integer(value: Value) -> i64 {
    match value {
        Value::Integer(n) => n,
        _ => 0,
    }
}

pub(super) fn hundredths(value: Value, fallback: i64) -> i64 {
    match value {
        Value::Hundredths(n) => n,
        _ => fallback,
    }
}

pub(super) fn hundredths_list(value: Value) -> Vec<i64> {
    match value {
        Value::HundredthsList(list) => list,
        _ => Vec::new(),
    }
}

pub(super) fn as_usize(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// Largest seed: seeds are 32-bit so that they survive JavaScript numbers and typing by hand.
pub const MAX_SEED: i64 = u32::MAX as i64;
