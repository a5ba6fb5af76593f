//! How fast the page plays the training lesson's run (`pace=` in the link). It changes no number.

/// How fast the page runs the training: a teaching choice, not a setting of the run. The steps
/// and every number they give are the same at every pace (the run is the same sequence of
/// steps, only spread over more or less time); the link carries the pace so that a shared view
/// plays the same way for everyone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pace {
    /// Slow enough to watch the loss fall: `Pace::WATCH_STEPS_PER_SECOND` steps a second.
    #[default]
    Watch,
    /// `Pace::FAST_STEPS_PER_SECOND` steps a second.
    Fast,
    /// As fast as the machine computes.
    Fastest,
}

impl Pace {
    /// The link's values (`pace=…`), in the order of the page's control.
    pub const KEYS: [&'static str; 3] = ["watch", "fast", "max"];
    /// Steps a second at the watching pace: the default run of 5,000 steps takes 25 s.
    pub const WATCH_STEPS_PER_SECOND: usize = 200;
    /// Steps a second at the fast pace: the default run takes 5 s.
    pub const FAST_STEPS_PER_SECOND: usize = 1_000;

    /// The pace's link value.
    pub fn key(self) -> &'static str {
        match self {
            Pace::Watch => Self::KEYS[0],
            Pace::Fast => Self::KEYS[1],
            Pace::Fastest => Self::KEYS[2],
        }
    }

    /// The pace of a link value (the watching pace for anything else).
    pub fn from_key(key: &str) -> Pace {
        match key {
            "fast" => Pace::Fast,
            "max" => Pace::Fastest,
            _ => Pace::Watch,
        }
    }

    /// The most training steps a second (`None`: no limit).
    pub fn steps_per_second(self) -> Option<usize> {
        match self {
            Pace::Watch => Some(Self::WATCH_STEPS_PER_SECOND),
            Pace::Fast => Some(Self::FAST_STEPS_PER_SECOND),
            Pace::Fastest => None,
        }
    }
}
