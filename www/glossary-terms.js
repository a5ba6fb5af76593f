// The glossary: one definition per symbol the lessons write, in one place. Each part (LoRA, in-context
// learning) is a <dl>; a <dt> is a symbol written exactly as the lessons write it (<i> for italic
// letters, <sub>/<sup> for indices), several <dt>s may share one <dd> (the first is the symbol's
// general form, the others the forms the lessons also write), and each definition is one plain
// sentence true to the paper and to how the lab uses the symbol. glossary.js shows a definition when
// its symbol is hovered or focused, and lists them all at the end of the page; a symbol that a
// lesson writes without a definition here fails tests/e2e/glossary.test.mjs. This is the page's
// own constant markup (no text from a link or a file), parsed once when the glossary loads.
export const GLOSSARY_HTML = `
<section data-part="lora" aria-labelledby="glossary-lora">
  <h2 id="glossary-lora">LoRA's expressive power (lessons 1–5)</h2>
  <dl>
    <div><dt><i>f</i><sub>0</sub></dt><dd>The frozen (pretrained) model, before any adapter is added.</dd></div>
    <div><dt><i>f̄</i></dt><dd>The target model that the adapted model should equal.</dd></div>
    <div><dt><i>f</i></dt><dd>The adapted model: the frozen model with its adapters added (and, in the networks, its biases updated).</dd></div>
    <div><dt><i>x</i></dt><dd>An input vector of <i>D</i> numbers; the lessons draw inputs <i>x</i> ~ N(0, <i>I</i>).</dd></div>
    <div><dt><i>I</i></dt><dd>The identity matrix.</dd></div>
    <div><dt><i>D</i></dt><dd>The width: every weight matrix is <i>D</i> × <i>D</i> (in the transformer lesson, the embedding size).</dd></div>
    <div><dt><i>L</i></dt><dd>The frozen model's depth: its number of layers (in the transformer lesson, its number of blocks, the same as the target's).</dd></div>
    <div><dt><i>L̄</i></dt><dd>The target network's depth, smaller than <i>L</i> (ReLU and training lessons).</dd></div>
    <div><dt><i>W̄</i></dt><dd>The target's weight matrix: the linear model <i>f̄</i>(<i>x</i>) = <i>W̄x</i> that the adapted model should become.</dd></div>
    <div><dt><i>W̄</i><sub><i>i</i></sub></dt><dd>The weight matrix of the target network's layer <i>i</i> (ReLU lesson).</dd></div>
    <div><dt><i>W<sub>l</sub></i></dt><dt class="also"><i>W<sub>L</sub></i></dt><dd>Layer <i>l</i> of the frozen model, a <i>D</i> × <i>D</i> matrix that stays fixed; <i>W</i><sub>1</sub> acts first on the input and <i>W<sub>L</sub></i> last.</dd></div>
    <div><dt><i>W</i><sub>1</sub></dt><dt class="also"><i>W</i><sub>2</sub></dt><dd>The frozen model's first and second layers (<i>W</i><sub>1</sub> acts first); in the transformer lesson, a block's two feed-forward matrices, <i>W</i><sub>2</sub> ReLU(<i>W</i><sub>1</sub> · + <i>b</i><sub>1</sub>) + <i>b</i><sub>2</sub>.</dd></div>
    <div><dt>Π<i>W<sub>l</sub></i></dt><dd>The product of the frozen layers, <i>W<sub>L</sub></i>⋯<i>W</i><sub>1</sub>: the one matrix the frozen linear model applies.</dd></div>
    <div><dt>Δ<i>W<sub>l</sub></i></dt><dd>The adapter added to frozen layer <i>l</i>: a matrix of rank at most <i>R</i> (or <i>R<sub>l</sub></i>), LoRA's low-rank update, so the layer becomes <i>W<sub>l</sub></i> + Δ<i>W<sub>l</sub></i>.</dd></div>
    <div><dt><i>l</i></dt><dd>The index of a frozen layer, from 1 (the input side) to <i>L</i>.</dd></div>
    <div><dt><i>R</i></dt><dd>The LoRA rank: the largest rank each adapter may have (the same on every layer unless the ranks are set per layer).</dd></div>
    <div><dt><i>R<sub>l</sub></i></dt><dt class="also"><i>R</i><sub>1</sub></dt><dt class="also"><i>R<sub>L</sub></i></dt><dd>The rank of layer <i>l</i>'s adapter when the ranks are set per layer; only their sum matters.</dd></div>
    <div><dt><i>E</i></dt><dd>The discrepancy <i>E</i> = <i>W̄</i> − <i>W<sub>L</sub></i>⋯<i>W</i><sub>1</sub>, the target's matrix minus the product of the frozen layers: what the adapters must add to reach the target (in the ReLU lesson with <i>L̄</i> = 1, the one group's <i>E</i><sub>1</sub>).</dd></div>
    <div><dt><i>E<sub>i</sub></i></dt><dd>Group <i>i</i>'s discrepancy in the ReLU lesson: target layer <i>i</i> minus the product of the frozen layers in group <i>P<sub>i</sub></i>.</dd></div>
    <div><dt><i>P<sub>i</sub></i></dt><dd>Group <i>i</i>: the <i>M</i> consecutive frozen layers (the last group takes the rest) whose adapters must together imitate target layer <i>i</i>.</dd></div>
    <div><dt><i>i</i></dt><dd>An index: of a singular value (σ<sub><i>i</i></sub>), or in the ReLU lesson of a target layer and its group of frozen layers (<i>E<sub>i</sub></i>, <i>P<sub>i</sub></i>).</dd></div>
    <div><dt><i>M</i></dt><dd>In the LoRA lessons: the number of frozen layers per group, <i>M</i> = ⌊<i>L</i>/<i>L̄</i>⌋, whose adapters share one target layer's work (in the in-context-learning lessons <i>M</i> counts skills).</dd></div>
    <div><dt>σ<sub><i>i</i></sub>(<i>E</i>)</dt><dt class="also">σ<sub>1</sub></dt><dt class="also">σ<sub>2</sub></dt><dt class="also">σ<sub><i>k</i>+1</sub></dt><dt class="also">σ<sub><i>RL</i>+1</sub></dt><dd>The <i>i</i>-th largest singular value of <i>E</i> (σ<sub>1</sub> ≥ σ<sub>2</sub> ≥ ⋯ ≥ 0): how much <i>E</i> stretches its <i>i</i>-th direction.</dd></div>
    <div><dt>rank(<i>E</i>)</dt><dd>The number of nonzero singular values of a matrix (here, those above 10<sup>−10</sup>·σ<sub>1</sub>); for <i>E</i>, in how many independent directions the frozen model misses the target.</dd></div>
    <div><dt><i>k</i></dt><dd>In the LoRA lessons: how many singular values of <i>E</i> the adapters absorb, <i>k</i> = min(<i>R</i><sub>1</sub> + ⋯ + <i>R<sub>L</sub></i>, <i>D</i>), which is min(<i>RL</i>, <i>D</i>) with one rank <i>R</i> per layer; the spectrum's boundary is drawn at <i>k</i> (in the in-context-learning lessons <i>k</i> counts examples).</dd></div>
    <div><dt>LR<sub><i>r</i></sub>(<i>E</i>)</dt><dt class="also">LR<sub><i>k</i></sub>(<i>E</i>)</dt><dt class="also">LR<sub><i>RL</i></sub>(<i>E</i>)</dt><dd>The best rank-<i>r</i> approximation of <i>E</i>: keep its <i>r</i> largest singular values with their directions and drop the rest (Eckart–Young: no matrix of rank at most <i>r</i> is closer to <i>E</i>, in Frobenius or spectral norm).</dd></div>
    <div><dt><i>r</i></dt><dd>A rank used as an index, as in LR<sub><i>r</i></sub>(<i>E</i>); the theorem assumes the matrices <i>W<sub>L</sub></i>⋯<i>W</i><sub>1</sub> + LR<sub><i>r</i></sub>(<i>E</i>) are invertible for every <i>r</i> ≤ <i>R</i>(<i>L</i> − 1).</dd></div>
    <div><dt>‖·‖<sub>F</sub></dt><dd>The Frobenius norm: the square root of the sum of a matrix's squared entries, which equals that of its squared singular values, so ‖<i>E</i> − LR<sub><i>k</i></sub>(<i>E</i>)‖<sub>F</sub>² = Σ<sub><i>i</i>&gt;<i>k</i></sub> σ<sub><i>i</i></sub>(<i>E</i>)².</dd></div>
    <div><dt>‖·‖<sub>2</sub></dt><dd>The spectral norm: a matrix's largest singular value, the most it stretches any vector.</dd></div>
    <div><dt><i>q</i></dt><dd>The rank of the discrepancy <i>E</i> that the “low-rank discrepancy” models are built with.</dd></div>
    <div><dt><i>c</i></dt><dd>The mean singular value of the random discrepancy, with which “uniform singular values” sets every singular value of <i>E</i>.</dd></div>
    <div><dt><i>A<sub>l</sub></i></dt><dd>Layer <i>l</i>'s first LoRA factor, a <i>D</i> × <i>R</i> matrix (Δ<i>W<sub>l</sub></i> = <i>A<sub>l</sub>B<sub>l</sub></i><sup>⊤</sup>) that starts at 0, as in the paper's code.</dd></div>
    <div><dt><i>B<sub>l</sub></i></dt><dd>Layer <i>l</i>'s second LoRA factor, a <i>D</i> × <i>R</i> matrix that starts with random N(0, 0.25²) entries.</dd></div>
    <div><dt><i>H</i></dt><dd>The number of attention heads in each transformer block.</dd></div>
    <div><dt><i>h</i></dt><dd>The index of an attention head, from 1 to <i>H</i>.</dd></div>
    <div><dt><i>N</i></dt><dd>The sequence length: how many tokens (columns of <i>Z</i>) a transformer reads.</dd></div>
    <div><dt><i>Z</i></dt><dd>The <i>D</i> × <i>N</i> matrix of tokens that enters a transformer block, one column per position.</dd></div>
    <div><dt><i>Z<sub>L</sub></i></dt><dd>The output of the transformer's last block, <i>L</i>.</dd></div>
    <div><dt><i>W<sub>Q</sub><sup>h</sup></i></dt><dt class="also"><i>W<sub>Q</sub></i></dt><dd>Head <i>h</i>'s query matrix (<i>D</i> × <i>D</i>), which gets an adapter.</dd></div>
    <div><dt><i>W<sub>K</sub><sup>h</sup></i></dt><dt class="also"><i>W<sub>K</sub></i></dt><dd>Head <i>h</i>'s key matrix (<i>D</i> × <i>D</i>), which gets an adapter; the attention scores are (<i>W<sub>K</sub></i><i>Z</i>)<sup>⊤</sup><i>W<sub>Q</sub>Z</i>.</dd></div>
    <div><dt><i>W<sub>V</sub><sup>h</sup></i></dt><dt class="also"><i>W<sub>V</sub></i></dt><dd>Head <i>h</i>'s value matrix (<i>D</i> × <i>D</i>), which gets an adapter.</dd></div>
    <div><dt><i>W<sub>O</sub><sup>h</sup></i></dt><dt class="also"><i>W<sub>O</sub></i></dt><dd>Head <i>h</i>'s output matrix (<i>D</i> × <i>D</i>), applied after the value matrix; it gets an adapter.</dd></div>
    <div><dt><i>W<sub>o</sub></i></dt><dd>The transformer's output matrix, applied to the last block's output (<i>W<sub>o</sub>Z<sub>L</sub></i>); it gets an adapter.</dd></div>
    <div><dt><i>W</i><sub>2,<i>L</i></sub></dt><dd>The second feed-forward matrix of the last block, which gets an adapter too.</dd></div>
    <div><dt><i>b</i><sub>1</sub></dt><dt class="also"><i>b</i><sub>2</sub></dt><dd>The biases of a block's feed-forward layer, which the construction updates along with the adapters.</dd></div>
  </dl>
</section>
<section data-part="icl" aria-labelledby="glossary-icl">
  <h2 id="glossary-icl">In-context learning's two modes (lessons 6–10)</h2>
  <dl>
    <div><dt><i>M</i></dt><dd>In the in-context-learning lessons: the number of skills, the components of the pretraining prior (in the LoRA lessons <i>M</i> is a number of layers per group).</dd></div>
    <div><dt>β</dt><dd>The index of a skill, from 1 to <i>M</i>.</dd></div>
    <div><dt><i>d</i></dt><dd>The dimension of the inputs <i>x</i> and of the functions <i>w</i>.</dd></div>
    <div><dt>π<sub>β</sub></dt><dd>Skill β's prior weight: the share of pretraining prompts that come from skill β.</dd></div>
    <div><dt>μ<sub>β</sub></dt><dt class="also">μ<sub>1</sub></dt><dd>Skill β's input mean: the centre around which its tasks' input means lie.</dd></div>
    <div><dt><i>w</i><sub>β</sub></dt><dd>Skill β's function: the centre around which its tasks' functions (regression vectors) lie.</dd></div>
    <div><dt>μ</dt><dd>A task's input mean, drawn around its skill's μ<sub>β</sub>; the task's inputs are drawn around it.</dd></div>
    <div><dt><i>w</i></dt><dd>A task's function (regression vector), drawn around its skill's <i>w</i><sub>β</sub>; the task's labels are ⟨<i>x</i>, <i>w</i>⟩ plus noise.</dd></div>
    <div><dt>σ<sub><i>x</i></sub></dt><dd>The spread (standard deviation) of a task's inputs around its input mean μ.</dd></div>
    <div><dt>σ<sub><i>y</i></sub></dt><dd>The standard deviation of the label noise that the prior assumes in pretraining data (the lab's in-context labels carry no such noise, as in the paper's evaluation).</dd></div>
    <div><dt>σ<sub>μ</sub></dt><dd>The spread of a task's input mean μ around its skill's input mean μ<sub>β</sub>.</dd></div>
    <div><dt>σ<sub><i>w</i></sub></dt><dd>The spread of a task's function <i>w</i> around its skill's function <i>w</i><sub>β</sub>.</dd></div>
    <div><dt>δ<sub>μ</sub></dt><dd>The ratio σ<sub>μ</sub>²/σ<sub><i>x</i></sub>²: how far input means stray from their skill's, against the inputs' own spread (smaller is a stronger prior).</dd></div>
    <div><dt>δ<sub><i>w</i></sub></dt><dd>The ratio σ<sub><i>w</i></sub>²/σ<sub><i>y</i></sub>²: how far functions stray from their skill's, against the label noise; the larger it is, the faster examples move the functions (learning).</dd></div>
    <div><dt>δ</dt><dd>The one value of δ<sub>μ</sub> = δ<sub><i>w</i></sub> in the Regular4 prior.</dd></div>
    <div><dt><i>k</i></dt><dd>In the in-context-learning lessons: the number of examples (<i>x<sub>i</sub></i>, <i>y<sub>i</sub></i>) in the prompt before the query (in the LoRA lessons <i>k</i> counts absorbed singular values).</dd></div>
    <div><dt><i>x<sub>i</sub></i></dt><dd>The input of the <i>i</i>-th in-context example.</dd></div>
    <div><dt><i>y<sub>i</sub></i></dt><dd>The label of the <i>i</i>-th in-context example.</dd></div>
    <div><dt><i>x</i></dt><dd>An input vector of <i>d</i> numbers; in ⟨<i>x</i>, <i>w</i>*⟩ and in the predictions, the query's input.</dd></div>
    <div><dt><i>y</i></dt><dd>A label: ⟨<i>x</i>, <i>w</i>⟩ plus noise in pretraining data; in the prompt, as the “In-context labels” setting says.</dd></div>
    <div><dt><i>x</i><sub>q</sub></dt><dt class="also"><i>x</i><sub><i>k</i>+1</sub></dt><dd>The query: the input after the <i>k</i> examples whose label the predictor must give.</dd></div>
    <div><dt>μ*</dt><dd>The in-context task's input mean: the examples' inputs are drawn around it.</dd></div>
    <div><dt><i>w</i>*</dt><dd>The in-context task's function: correct labels are ⟨<i>x</i>, <i>w</i>*⟩ without noise, and the risk is measured against it.</dd></div>
    <div><dt><i>w</i><sub>α</sub></dt><dd>The function of skill α, the skill whose input mean is nearest μ* (the one the examples' inputs point to, the paper's retrieved skill); the retrieval risk is measured against ⟨<i>x</i>, <i>w</i><sub>α</sub>⟩.</dd></div>
    <div><dt><i>w</i><sub>γ</sub></dt><dd>Another skill's function (the pretrained one farthest from <i>w</i>*), used as the labels' function when the in-context labels are “another skill's function”.</dd></div>
    <div><dt>π̃<sub>β</sub></dt><dd>Skill β's posterior weight after the examples: how strongly the predictor retrieves skill β (the weights sum to 1).</dd></div>
    <div><dt>w̃<sub>β</sub></dt><dd>Skill β's function after the examples, (<i>I</i> + δ<sub><i>w</i></sub><i>S</i>)<sup>−1</sup>(<i>w</i><sub>β</sub> + δ<sub><i>w</i></sub><i>b</i>): <i>w</i><sub>β</sub> shifted towards what the examples show (learning).</dd></div>
    <div><dt><i>F</i>*</dt><dd>The Bayes-optimal in-context predictor: the posterior mean of the query's label given the examples, Σ<sub>β</sub> π̃<sub>β</sub>⟨<i>x</i>, w̃<sub>β</sub>⟩.</dd></div>
    <div><dt><i>S</i></dt><dd>The sum Σ<i>x<sub>i</sub>x<sub>i</sub></i><sup>⊤</sup> over the <i>k</i> examples' inputs, a <i>d</i> × <i>d</i> matrix that grows with every example.</dd></div>
    <div><dt><i>b</i></dt><dd>The sum Σ<i>y<sub>i</sub>x<sub>i</sub></i> over the examples: their inputs weighted by their labels.</dd></div>
    <div><dt><i>I</i></dt><dd>The identity matrix (<i>d</i> × <i>d</i>).</dd></div>
    <div><dt>λ<sub>min</sub></dt><dd>The smallest eigenvalue of a symmetric matrix; λ<sub>min</sub>(<i>I</i> + δ<sub><i>w</i></sub><i>S</i>) grows with the examples and makes the risk bound fall.</dd></div>
    <div><dt><i>r</i></dt><dd>Task closeness in the Regular4 prior: the task is μ* = <i>w</i>* = unit(<i>r</i>μ<sub>1</sub> + μ<sub>2</sub> + 0.2μ<sub>3</sub>), nearer skill 1 for larger <i>r</i>.</dd></div>
    <div><dt><i>s</i></dt><dd>The spread (standard deviation) of random labels <i>y</i> ~ N(0, <i>s</i>²), drawn independently of the inputs.</dd></div>
  </dl>
</section>
`;
