//! The guided tour: the talk's storyline as a sequence of stops (PEFT and LoRA → the linear
//! theorem → ReLU networks → transformers → what gradient descent finds → in-context learning as
//! Bayesian inference → retrieval versus learning on one prompt → early ascent → bounded efficacy
//! of biased labels). Each stop is a lab state (a link fragment the lab parses without repair),
//! two or three sentences and one thing to notice; some ask the reader to predict first.
//!
//! Every prediction carries a [`Claim`]: its answer stated as a property of the numbers the lab
//! computes at the revealed state, so that `tests/tour.rs` checks the tour never says what the
//! figure contradicts. The page reads the stops from `www/tour-stops.js`, generated from
//! [`stops`] by [`page_module`] (a module loaded on the first tour address, outside the page's
//! first-load budget); `tests/tour.rs` fails while that file differs from what this module says.

use serde::Serialize;

/// What a prediction's answer asserts about the lab's numbers at the revealed state.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Claim {
    /// The headline number `number` is zero (up to rounding) when setting `key` is `value`, and
    /// clearly above zero at `value − 1`.
    VanishesAt { number: &'static str, key: &'static str, value: u32 },
    /// The headline number `number` (a skill's index) equals `value`.
    Equals { number: &'static str, value: f64 },
    /// The risk first rises to at least `factor` times its value at k = 0 (its peak more than two
    /// standard errors above it), then ends below it.
    RisesThenFalls { factor: f64 },
    /// The risk is lowest at a k strictly inside the range, more than two standard errors below
    /// its values at both ends (more examples first help, then hurt).
    BestInside,
}

/// A question asked before the answer is shown.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prediction {
    /// The question.
    pub question: &'static str,
    /// The answers offered.
    pub choices: &'static [&'static str],
    /// The index of the right one in `choices`.
    pub answer: usize,
    /// The state that shows the answer on the figure.
    pub reveal: &'static str,
    /// Why, in one sentence, shown with the answer.
    pub why: &'static str,
    /// The answer as a checkable property of the lab's numbers at `reveal`.
    pub claim: Claim,
}

/// One stop of the tour.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stop {
    /// The part of the talk ("LoRA's expressive power" or "In-context learning's two modes").
    pub part: &'static str,
    /// A short title.
    pub title: &'static str,
    /// The lab state shown (a link fragment without `#`).
    pub fragment: &'static str,
    /// Two or three sentences.
    pub text: &'static str,
    /// The one thing to notice on the figure.
    pub notice: &'static str,
    /// Asks the reader to predict first, when present.
    pub prediction: Option<Prediction>,
}

const LORA: &str = "LoRA's expressive power";
const ICL: &str = "In-context learning's two modes";

const RANKS_16: &[&str] = &["R = 2", "R = 8", "R = 16"];

/// The page's module of the stops (`www/tour-stops.js`): one stop per line, as JSON.
pub fn page_module() -> String {
    let mut text = String::from(
        "// The guided tour's stops, generated from src/tour.rs (which tests/tour.rs checks against the\n\
         // lab's numbers); do not edit: ADAPTLAB_UPDATE=1 cargo test --test tour rewrites it.\n\
         export const stops = [\n",
    );
    for stop in stops() {
        let line = serde_json::to_string(&stop).unwrap_or_default();
        text.push_str(&line);
        text.push_str(",\n");
    }
    text.push_str("];\n");
    text
}

/// The tour's stops, in the order of the talk.
pub fn stops() -> Vec<Stop> {
    vec![
        Stop {
            part: LORA,
            title: "Fine-tuning a few parameters: LoRA",
            fragment: "v=1&view=lora-linear",
            text: "Parameter-efficient fine-tuning adapts a large frozen model by training only a few parameters. \
                   LoRA adds a low-rank matrix ΔW to each frozen weight matrix. How large must the rank R be before \
                   the adapted model can become any target model?",
            notice: "The curve is the least error any rank-R adapters can reach; the circles are what an explicit \
                     construction of adapters reaches. They lie on top of each other.",
            prediction: None,
        },
        Stop {
            part: LORA,
            title: "Where the error vanishes",
            fragment: "v=1&view=lora-linear&R=4",
            text: "Here a deep linear model of width D = 16 and depth L = 2 is adapted towards a random target. \
                   Everything depends on the discrepancy E between the target and the frozen model, which has rank 16.",
            notice: "The live check compares R·L with rank(E).",
            prediction: Some(Prediction {
                question: "At which rank R will the error first be exactly zero?",
                choices: RANKS_16,
                answer: 1,
                reveal: "v=1&view=lora-linear&R=8",
                why: "Each of the L = 2 layers absorbs R directions of E, so R·L = 16 ≥ rank(E) exactly at R = 8.",
                claim: Claim::VanishesAt { number: "num-optimal", key: "R", value: 8 },
            }),
        },
        Stop {
            part: LORA,
            title: "Depth lowers the rank needed",
            fragment: "v=1&view=lora-linear&L=4&R=2",
            text: "The same width, but now the frozen model has L = 4 layers, each with its own rank-R adapter. \
                   The theorem says the error is the tail of E's singular values beyond the R·L largest.",
            notice: "The dashed threshold on the error curve is at ⌈rank(E)/L⌉.",
            prediction: Some(Prediction {
                question: "With four layers, which rank makes the adapted model equal to the target?",
                choices: &["R = 2", "R = 4", "R = 8"],
                answer: 1,
                reveal: "v=1&view=lora-linear&L=4&R=4",
                why: "R·L = 4·4 = 16 = rank(E): a deeper frozen model needs a lower rank.",
                claim: Claim::VanishesAt { number: "num-optimal", key: "R", value: 4 },
            }),
        },
        Stop {
            part: LORA,
            title: "A frozen model close to the target",
            fragment: "v=1&view=lora-linear&R=2&model=lowrank&q=4",
            text: "When the frozen model already differs from the target only in a few directions, the \
                   discrepancy E has low rank, here 4. Then a small rank is enough.",
            notice: "R = 2 already gives zero error, because R·L = 4 = rank(E).",
            prediction: None,
        },
        Stop {
            part: LORA,
            title: "ReLU networks",
            fragment: "v=1&view=lora-fnn",
            text: "A frozen ReLU network of depth L = 2 and width 16 is adapted to imitate a smaller target of depth 1. \
                   With large biases the construction keeps every inner ReLU linear, so the two frozen layers act \
                   as one group that must match the target's one layer.",
            notice: "The error of the constructed adapters falls as R grows; the dashed line marks the theorem's threshold.",
            prediction: Some(Prediction {
                question: "At which rank does the construction match the target network exactly?",
                choices: &["R = 4", "R = 8", "R = 16"],
                answer: 1,
                reveal: "v=1&view=lora-fnn&R=8",
                why: "The threshold is ⌈rank(E)/M⌉ = ⌈16/2⌉ = 8 with M = L/L̄ = 2 frozen layers per target layer.",
                claim: Claim::VanishesAt { number: "fnn-mse-test", key: "R", value: 8 },
            }),
        },
        Stop {
            part: LORA,
            title: "Only the ratio of depths matters",
            fragment: "v=1&view=lora-fnn&Lbar=2&L=4&R=8",
            text: "The paper's Figure 2 setting: a target of depth 2 and a frozen network of depth 4. \
                   Each target layer is imitated by a group of two frozen layers.",
            notice: "The threshold is still 8: it depends on the ratio L/L̄, not on the depths themselves.",
            prediction: None,
        },
        Stop {
            part: LORA,
            title: "Transformers",
            fragment: "v=1&view=lora-transformer",
            text: "A transformer with embedding size D = 16 is adapted to become another transformer of the same size. \
                   Attention uses products of two matrices (keys with queries, outputs with values), and LoRA adapts both factors.",
            notice: "Below the threshold the softmax amplifies any mismatch of the attention scores.",
            prediction: Some(Prediction {
                question: "Which rank makes the adapted transformer equal to the target?",
                choices: &["R = 4", "R = 8 = D/2", "R = 16 = D"],
                answer: 1,
                reveal: "v=1&view=lora-transformer&R=8",
                why: "Two rank-R adapters change a product by rank 2R, so 2R ≥ D = 16 is enough: R = 8.",
                claim: Claim::VanishesAt { number: "tfn-mse", key: "R", value: 8 },
            }),
        },
        Stop {
            part: LORA,
            title: "What gradient descent finds",
            fragment: "v=1&view=lora-training&R=8",
            text: "The theorems say which adapters exist; in practice LoRA is trained. Here Adam trains rank-8 \
                   adapters of the ReLU network, where the construction is exact.",
            notice: "The training loss settles far above the construction's error (the dashed line, on the bottom \
                     axis: it is exact): the optimiser does not find the exact adapters.",
            prediction: None,
        },
        Stop {
            part: LORA,
            title: "For linear models, training agrees",
            fragment: "v=1&view=lora-training&model=linear&R=3",
            text: "Now the same training on a deep linear model, at rank 3, below the threshold. \
                   Here the best possible error has a closed form, and the construction reaches it.",
            notice: "The loss settles at the construction's error, up to the noise of fresh batches (its dashed line \
                     lies under the closed-form optimum's: the construction reaches it).",
            prediction: None,
        },
        Stop {
            part: ICL,
            title: "In-context learning as Bayesian inference",
            fragment: "v=1&view=icl-prompt",
            text: "Pretraining mixes several skills, each an input mean and a function. The best in-context \
                   predictor is the Bayes posterior mean: a mixture of the same skills, re-weighted and shifted by \
                   the examples in the prompt.",
            notice: "Before any example, the weights already favour the skill whose inputs look like the query.",
            prediction: None,
        },
        Stop {
            part: ICL,
            title: "Retrieval on one prompt",
            fragment: "v=1&view=icl-prompt&k=1",
            text: "In this prompt the examples' inputs look like skill 1, but their labels follow a function \
                   near skill 2's. Examples arrive one at a time.",
            notice: "The weight bars show which skill the posterior retrieves.",
            prediction: Some(Prediction {
                question: "After four examples, which skill will have the largest weight?",
                choices: &["skill 1 (inputs alike)", "skill 2 (function alike)", "skill 3"],
                answer: 0,
                reveal: "v=1&view=icl-prompt&k=4",
                why: "With few examples the inputs' evidence dominates: the posterior retrieves skill 1, whose function is wrong.",
                claim: Claim::Equals { number: "prompt-leading", value: 1.0 },
            }),
        },
        Stop {
            part: ICL,
            title: "Learning takes over",
            fragment: "v=1&view=icl-prompt&k=256",
            text: "With many examples the posterior's functions themselves move to the data, whatever the weights. \
                   This is the learning mode.",
            notice: "In the figure of the skills' functions, below, the filled dots have gathered near the task's w*.",
            prediction: None,
        },
        Stop {
            part: ICL,
            title: "Risk against the number of examples",
            fragment: "v=1&view=icl-risk&prior=regular4&kmax=7",
            text: "Averaged over many prompts, the risk of the Bayes-optimal predictor is drawn against the number \
                   of examples k. With a strong prior (δ = 1/81) the examples first retrieve the right skill.",
            notice: "The risk falls, and the retrieved skill's mean weight climbs towards 1.",
            prediction: None,
        },
        Stop {
            part: ICL,
            title: "Early ascent",
            fragment: "v=1&view=icl-risk&prior=ascent",
            text: "Now take a prior that is nearly sure of the right skill, with a rare second skill whose inputs \
                   resemble the task's. The risk is again averaged over many prompts.",
            notice: "Watch the rare skill's mean weight in the second figure.",
            prediction: Some(Prediction {
                question: "What will the risk do as the first examples arrive?",
                choices: &["fall from the start", "rise first, then fall", "stay flat"],
                answer: 1,
                reveal: "v=1&view=icl-risk&prior=ascent",
                why: "A few examples retrieve the misleading skill (early ascent); many examples then teach the task.",
                claim: Claim::RisesThenFalls { factor: 3.0 },
            }),
        },
        Stop {
            part: ICL,
            title: "Bounded efficacy of biased labels",
            fragment: "v=1&view=icl-risk&prior=biased&labels=random&kmax=10",
            text: "With correct labels, more examples always help here. Now the labels are random, drawn \
                   independently of the inputs, while the inputs still look like the right skill.",
            notice: "The best number of examples is marked on the risk curve.",
            prediction: Some(Prediction {
                question: "With random labels, how does the risk change as examples are added?",
                choices: &["it keeps falling", "it falls, then rises: a finite best k", "it rises from the start"],
                answer: 1,
                reveal: "v=1&view=icl-risk&prior=biased&labels=random&kmax=10",
                why: "The inputs first retrieve the right skill; later the labels teach their own function.",
                claim: Claim::BestInside,
            }),
        },
    ]
}
