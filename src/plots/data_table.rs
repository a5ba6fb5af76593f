//! The readable "Show data" table of one figure: column headings, rows of cells and notes.

use serde::Serialize;

/// A readable table of one figure's values, four significant digits.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DataTable {
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows of cells ("" where a series has no value at that x).
    pub rows: Vec<Vec<String>>,
    /// Reference lines and other notes shown under the table.
    pub notes: Vec<String>,
}
