//! Monte Carlo risk (filled below).
