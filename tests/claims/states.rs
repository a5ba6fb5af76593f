//! The states a claims test sweeps for one lesson: its defaults, every link to it in the page
//! (the "Try this" links, the paper-figure presets, the navigation), the corners of every
//! control's range, and seeded random states drawn through the same controls a student moves.

use std::collections::BTreeSet;

use adaptlab::pages::Lab;

/// A small seeded generator (SplitMix64) for drawing states; independent of the lab's own.
pub struct Draw(u64);

impl Draw {
    pub fn new(seed: u64) -> Self {
        Draw(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next() % ((hi - lo) as u64 + 1)) as i64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// Every `#v=…` link in the page that opens `view` (HTML-decoded, without `#`).
pub fn page_links(view: &str) -> Vec<String> {
    let html = include_str!("../../index.html");
    let mut links = BTreeSet::new();
    for piece in html.split("href=\"#").skip(1) {
        let Some(end) = piece.find('"') else { continue };
        let link = piece[..end].replace("&amp;", "&");
        if link.split('&').any(|kv| kv == format!("view={view}")) {
            links.insert(link);
        }
    }
    links.into_iter().collect()
}

/// Caps a student can reach but that would make a sweep of hundreds of random states too slow
/// for CI (the maximum itself is still reached by the corner states): key → largest drawn value.
pub type Caps = &'static [(&'static str, i64)];

/// The link of `view` with each control set to its smallest and, separately, its largest value,
/// and each choice to each of its options.
pub fn corners(view: &str) -> Vec<String> {
    let mut lab = Lab::new();
    lab.load(&format!("v=1&view={view}"));
    let mut states = Vec::new();
    for control in lab.controls() {
        let mut values: Vec<String> = control.options.iter().map(|o| (*o).to_owned()).collect();
        if let (Some(min), Some(max)) = (control.min, control.max) {
            let is_list = control.unset.is_some() || control.value.contains(',');
            let count = control.value.split(',').count().max(1);
            for v in [min, max] {
                let one = format_value(v);
                values.push(if is_list { vec![one; count].join(",") } else { one });
            }
        }
        for value in values {
            let mut lab = Lab::new();
            lab.load(&format!("v=1&view={view}"));
            lab.set(control.key, &value);
            states.push(lab.fragment());
        }
    }
    states
}

/// `count` random states of `view`: every control (but free text) drawn within the range the
/// page offers at that moment, in the page's order, so that cross-field limits (R ≤ D) hold.
pub fn random(view: &str, count: usize, seed: u64, caps: Caps) -> Vec<String> {
    let mut draw = Draw::new(seed);
    (0..count)
        .map(|_| {
            let mut lab = Lab::new();
            lab.load(&format!("v=1&view={view}"));
            let n = lab.controls().len();
            for i in 0..n {
                let Some(control) = lab.controls().into_iter().nth(i) else { break };
                let cap = caps.iter().find(|(k, _)| *k == control.key).map(|&(_, c)| c);
                let value = if !control.options.is_empty() {
                    let pick = draw.between(0, control.options.len() as i64 - 1) as usize;
                    control.options[pick].to_owned()
                } else if let (Some(min), Some(max)) = (control.min, control.max) {
                    let max = cap.map_or(max, |c| max.min(c as f64));
                    let is_list = control.unset.is_some() || control.value.contains(',');
                    if is_list && !draw.chance(0.3) {
                        continue;
                    }
                    let one = |draw: &mut Draw| {
                        if min.fract() == 0.0 && max.fract() == 0.0 && control.value.parse::<i64>().is_ok() || is_list {
                            format_value(draw.between(min as i64, max as i64) as f64)
                        } else {
                            // Hundredths: a multiple of 0.01 in range.
                            let lo = (min * 100.0).round() as i64;
                            let hi = (max * 100.0).round() as i64;
                            format_value(draw.between(lo, hi) as f64 / 100.0)
                        }
                    };
                    if is_list {
                        let count = control.value.split(',').count().max(1);
                        (0..count).map(|_| one(&mut draw)).collect::<Vec<_>>().join(",")
                    } else {
                        one(&mut draw)
                    }
                } else {
                    continue;
                };
                lab.set(control.key, &value);
            }
            lab.fragment()
        })
        .collect()
}

fn format_value(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Defaults, the page's links, the corners and `random` random states of `view`, each once.
pub fn sweep(view: &str, random_count: usize, caps: Caps) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut default = Lab::new();
    default.load(&format!("v=1&view={view}"));
    let page = page_links(view).into_iter().map(|link| {
        let mut lab = Lab::new();
        lab.load(&link);
        lab.fragment()
    });
    std::iter::once(default.fragment())
        .chain(page)
        .chain(corners(view))
        .chain(random(view, random_count, 0xC1A1_0000 + view.len() as u64, caps))
        .filter(|s| seen.insert(s.clone()))
        .collect()
}
