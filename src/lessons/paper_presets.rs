//! The paper's figures as the lab presents them (`lora.md` §4.1–4.3): which figure, what it
//! reproduces, where it departs from the paper's runs, its panels, series and axis. The jobs
//! that compute them are in `paper_figures`.

/// One of the paper's figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Figure 1: linear models (L̄ = 1, L = 2), random and pretrained frozen models.
    Figure1,
    /// Figure 2: ReLU networks (L̄ = 2, L = 4), random and pretrained.
    Figure2,
    /// The transformer figure: L = 1 and L = 2 blocks, H = 2, N = 10 (construction).
    Transformer,
    /// LoRA against tuning final layers (L̄ = 1, L = 8), random and pretrained.
    FinalLayers,
    /// Fixed against updatable biases (L̄ = 1, L = 2, random).
    Biases,
}

impl Preset {
    /// Every preset, in menu order.
    pub const ALL: [Preset; 5] =
        [Preset::Figure1, Preset::Figure2, Preset::Transformer, Preset::FinalLayers, Preset::Biases];

    /// The name used in links (`fig=…`).
    pub fn key(self) -> &'static str {
        match self {
            Preset::Figure1 => "1",
            Preset::Figure2 => "2",
            Preset::Transformer => "tfn",
            Preset::FinalLayers => "flt",
            Preset::Biases => "bias",
        }
    }

    /// What the preset reproduces.
    pub fn description(self) -> &'static str {
        match self {
            Preset::Figure1 => "Figure 1: deep linear models (target depth 1, frozen depth 2, width 16, no biases), random and pretrained frozen models; gradient-trained LoRA against the construction for R = 1…16, median over seeds 0–4.",
            Preset::Figure2 => "Figure 2: ReLU networks (target depth 2, frozen depth 4, width 16, biases tuned), random and pretrained frozen models; gradient-trained LoRA against the construction for R = 1…16, median over seeds 0–4.",
            Preset::Transformer => "The transformer figure: one and two blocks, two heads, width 16, sequences of length 10; gradient-trained LoRA (on W_Q, W_K, W_V, W_O of every head, the last W_2 and W_o, with the FFN biases) against the construction for R = 1…16, median over seeds 0–4.",
            Preset::FinalLayers => "LoRA against tuning the final layers (Lemma 4): target depth 1, frozen depth 8, width 16; LoRA with R = 1…16 (256·R parameters) against training the last k = 1…7 layers (256·k parameters), random and pretrained, median over seeds 0–4.",
            Preset::Biases => "Fixed against updatable biases: target depth 1, frozen depth 2, width 16, random frozen model; gradient-trained LoRA for R = 1…16 with the biases frozen (64·R parameters) or trained (64·R + 32), median over seeds 0–4.",
        }
    }

    /// Where the preset departs from the paper's runs.
    pub fn departures(self) -> &'static str {
        match self {
            Preset::Transformer => "One learning rate (10⁻³, no weight decay) instead of the paper's grid of 12 settings; errors on 200 fresh sequences per seed instead of 5,000. A transformer run of 5,000 steps takes about 40 s (one block) or 90 s (two blocks) on a background worker (the paper's code: 10–13 minutes), so the construction curves are complete within seconds while the gradient curves fill in seed by seed, about 17 minutes per seed with two workers (an hour and a half in all).",
            Preset::Biases => "The paper's plotting notebook takes the first run per rank and seed rather than the best on validation data, so its “updatable biases” curve is in effect the construction's; the lab trains both curves by gradient descent. One learning rate (10⁻³, no weight decay) instead of the paper's 12-setting grid.",
            _ => "One learning rate (10⁻³, no weight decay) instead of the paper's grid of 12 settings with the best kept on validation data; errors on 2,000 fresh test inputs instead of 5,000.",
        }
    }

    /// Panel titles.
    pub fn panels(self) -> Vec<&'static str> {
        match self {
            Preset::Figure1 | Preset::Figure2 | Preset::FinalLayers => {
                vec!["random frozen model", "pretrained frozen model"]
            }
            Preset::Transformer => vec!["L = 1 block", "L = 2 blocks"],
            Preset::Biases => vec!["random frozen model"],
        }
    }

    /// Series names, in drawing order.
    pub fn series(self) -> Vec<&'static str> {
        match self {
            Preset::Figure1 | Preset::Figure2 | Preset::Transformer => vec!["Gradient Update", "Our Construction"],

            Preset::FinalLayers => vec!["LoRA", "Tuning Final Layers"],
            Preset::Biases => vec!["Fixed Biases", "Updatable Biases"],
        }
    }

    /// The x-axis.
    pub fn x_label(self) -> &'static str {
        match self {
            Preset::FinalLayers | Preset::Biases => "# tunable parameters",
            _ => "LoRA rank R",
        }
    }

    /// The rank threshold drawn on the figure, if the x-axis is the rank.
    pub fn threshold(self) -> Option<f64> {
        match self {
            Preset::Figure1 | Preset::Figure2 | Preset::Transformer => Some(8.0),
            _ => None,
        }
    }
}
