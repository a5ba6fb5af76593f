//! The browser boundary (filled in below).
