//! The FSpiNN presentation loop, written once for both layers: the integer datapath (L1,
//! [`FspinnConsts`](super::FspinnConsts), mirrored bit for bit by the cycle model and the RTL)
//! and the f32 network (L0). Steps 1-5 of docs/datapath.md ("Network datapath"), the bookkeeping
//! of spike times, refractory counts and relayed inhibition, the statistics, the mechanism
//! switches and the attempt loop of a training image live here; what differs between the layers
//! (number types, rounding, saturation, random draws) is behind [`FspinnArithmetic`]. One loop
//! keeps the two layers from drifting apart: L0 is the reference L1 is measured against, so they
//! must differ only where the arithmetic does.

use super::block::{Block, Theta};
use super::network::{
    neuron_rate_shifts, potentiation_halvings, theta_decay_shift, StepObserver, NEVER,
    ROUNDING_STREAM,
};
use super::params::FspinnParams;
use super::state::PresentationWorkspace;
use crate::baseline::PresentationStats;
use crate::fixed::{input_seed, Lfsr32, Rounding};
use crate::presentation::repeat_while_quiet;
use std::ops::{AddAssign, SubAssign};

/// The arithmetic of one layer of the FSpiNN network: what the presentation loop computes with.
/// The integer implementation is the datapath contract (its methods call those of
/// datapath.rs, shared with the cycle model); the f32 one is the real-valued reference. The loop
/// calls these in a fixed order, so an implementation that draws random numbers (the integer
/// stochastic rounding) sees exactly the draw sequence the hardware makes.
pub(crate) trait FspinnArithmetic: Sync {
    /// A synaptic weight (integer: a B-bit code; f32: mV per input spike).
    type Weight: Copy + Send + Sync;
    /// Membrane potential, threshold offset and inhibition (integer: membrane units; f32: mV).
    type Potential: Copy + Default + Send + Sync;
    /// A weight change, also the per-presentation sum of changes when (d) is off.
    type Delta: Copy + Default + PartialEq + AddAssign + SubAssign;
    /// The potentiation factor of one training image (mechanism (e) halves it).
    type Rate: Copy;

    /// Time steps of one presentation.
    fn steps(&self) -> u32;
    /// Step 2 for the block of neurons `lo..lo + v.len()`: leak and the synaptic input of this
    /// step's `inputs` (weight rows of `n`), for neurons that are not refractory. `v`,
    /// `refractory` and `sums` (scratch) are the block's. A neuron's result must not depend on
    /// the block it is in: training splits large layers into one block per thread.
    #[allow(clippy::too_many_arguments)]
    fn integrate_step(
        &self,
        v: &mut [Self::Potential],
        refractory: &[u8],
        sums: &mut [Self::Potential],
        inputs: &[u16],
        weights: &[Self::Weight],
        n: usize,
        lo: usize,
    );
    /// Step 2 and step 3's test for the block of neurons `lo..lo + v.len()` (mechanism (a) on,
    /// so nothing happens between them): [`integrate_step`](Self::integrate_step), then every
    /// neuron of the block that [`fires`](Self::fires) is appended to `fired` as `lo + k`, in
    /// ascending order. The integer layer overrides it with one pass over the block.
    #[allow(clippy::too_many_arguments)]
    fn integrate_and_test(
        &self,
        v: &mut [Self::Potential],
        refractory: &[u8],
        theta: &[Self::Potential],
        sums: &mut [Self::Potential],
        inputs: &[u16],
        weights: &[Self::Weight],
        n: usize,
        lo: usize,
        fired: &mut Vec<u32>,
    ) {
        self.integrate_step(v, refractory, sums, inputs, weights, n, lo);
        find_firing(self, v, refractory, theta, lo, fired);
    }
    /// Step 2 with mechanism (a) off: the previous step's `k_prev` spikes relayed by the
    /// inhibitory layer, all but the neuron's own (`fired_prev`).
    fn relay_inhibition(
        &self,
        v: Self::Potential,
        inhibition: Self::Potential,
        k_prev: u32,
        fired_prev: bool,
    ) -> Self::Potential;
    /// Step 3: whether a neuron fires.
    fn fires(&self, v: Self::Potential, refractory: u8, theta: Self::Potential) -> bool;
    /// The refractory count a neuron takes when it fires.
    fn refractory_start(&self) -> u8;
    /// Step 3 in training: the threshold offset after the neuron fired.
    fn bump_theta(&self, theta: Self::Potential) -> Self::Potential;
    /// Step 4 with mechanism (a) on: a free neuron after `fired` neurons fired.
    fn inhibit(
        &self,
        v: Self::Potential,
        inhibition: Self::Potential,
        fired: u32,
    ) -> Self::Potential;
    /// Step 5: the change of one input weight at a post spike, from the input's trace
    /// (`pre_age` steps since its spike). The integer datapath draws one 16-bit value from
    /// `lfsr` per call, even when the change is zero; the f32 one draws nothing.
    fn potentiate(
        &self,
        pre_age: Option<u32>,
        rate: Self::Rate,
        rounding: Rounding,
        lfsr: &mut Lfsr32,
    ) -> Self::Delta;
    /// Step 5 with (b) off: the depression of one weight at an input spike, from the post trace
    /// of a neuron that spiked `post_age` steps ago (integer: one 16-bit draw per call).
    fn depress(&self, post_age: u32, lfsr: &mut Lfsr32) -> Self::Delta;
    /// A weight after a change, clamped to the weight range.
    fn apply_delta(&self, weight: Self::Weight, delta: Self::Delta) -> Self::Weight;
    /// `-delta`, for depression applied at once.
    fn negate(delta: Self::Delta) -> Self::Delta;
    /// The weight as the `StepObserver` sees it: only the integer network reports weight writes
    /// (the cycle model's verifier compares codes).
    fn weight_code(weight: Self::Weight) -> Option<u16>;
    /// The potentiation factor after `halvings` halvings of mechanism (e).
    fn potentiation_rate(&self, halvings: u32) -> Self::Rate {
        self.scaled_rate(0, halvings)
    }
    /// The potentiation factor times `2^(doublings - halvings)` (mechanism (e), `wins`).
    fn scaled_rate(&self, doublings: u32, halvings: u32) -> Self::Rate;
    /// Mechanism (e), `wins`: the whole `potentiation_theta_step_mv` steps a threshold offset
    /// has reached.
    fn theta_steps(&self, theta: Self::Potential) -> u32;
    /// Scales each neuron's column of `weights` (input-major, `n` neurons) to the target sum,
    /// once per training attempt; returns the weights touched.
    fn normalize(&self, weights: &mut [Self::Weight], n: usize) -> u64;
    /// What a layer keeps of its weight columns between normalisations.
    type Columns: Clone + std::fmt::Debug;
    /// [`normalize`](Self::normalize), free to keep what it learned of the columns in `cache`
    /// for the next call: the cache says which columns changed since (`touched`, or `all`).
    fn normalize_cached(
        &self,
        weights: &mut [Self::Weight],
        n: usize,
        cache: &mut ColumnCache<Self::Columns>,
    ) -> u64 {
        cache.touched.clear();
        cache.all = false;
        self.normalize(weights, n)
    }
    /// After a training attempt: every threshold offset decays by `theta * 2^-shift` (integer:
    /// stochastically rounded from the attempt's decay stream of `sample_seed`).
    fn decay_thetas(
        &self,
        theta: &mut [Self::Potential],
        shift: u32,
        sample_seed: u32,
        attempt: u32,
    );
    /// Mechanism (f) after a training attempt that made `spikes` excitatory spikes.
    fn adapt_inhibition(
        &self,
        inhibition: Self::Potential,
        spikes: u64,
        target: u32,
    ) -> Self::Potential;
}

/// Normalisation, first half: the sum of each neuron's column of `weights` (input-major, `n`
/// neurons), adding `value(w)` row by row. Both layers sum in this order.
pub(crate) fn column_sums<W: Copy, S: Copy + Default + AddAssign>(
    weights: &[W],
    n: usize,
    value: impl Fn(W) -> S,
) -> Vec<S> {
    let mut sums = vec![S::default(); n];
    for row in weights.chunks_exact(n) {
        for (s, &w) in sums.iter_mut().zip(row) {
            *s += value(w);
        }
    }
    sums
}

/// Normalisation, second half: every weight becomes `scale(w, factor of its neuron)`. A plain
/// row-by-row loop that the compiler vectorises for each layer's `scale`.
pub(crate) fn scale_columns<W: Copy, F: Copy>(
    weights: &mut [W],
    factors: &[F],
    scale: impl Fn(W, F) -> W,
) {
    for row in weights.chunks_exact_mut(factors.len()) {
        for (w, &f) in row.iter_mut().zip(factors) {
            *w = scale(*w, f);
        }
    }
}

/// Step 3's test, `fires`, for the block of neurons `lo..lo + v.len()`, in neuron order,
/// appended to `fired`. Spikes are rare (a dozen per image among hundreds of neurons over
/// hundreds of steps), so each block of 16 neurons is first tested as a whole with a
/// branch-free reduction that vectorises, and only a block with a spike is scanned one by one.
pub(crate) fn find_firing<A: FspinnArithmetic + ?Sized>(
    a: &A,
    v: &[A::Potential],
    refractory: &[u8],
    theta: &[A::Potential],
    lo: usize,
    fired: &mut Vec<u32>,
) {
    const BLOCK: usize = 16;
    let blocks = v
        .chunks(BLOCK)
        .zip(refractory.chunks(BLOCK))
        .zip(theta.chunks(BLOCK));
    for (b, ((v, r), th)) in blocks.enumerate() {
        let any = v
            .iter()
            .zip(r)
            .zip(th)
            .fold(false, |acc, ((&v, &r), &th)| acc | a.fires(v, r, th));
        if any {
            for (k, ((&v, &r), &th)) in v.iter().zip(r).zip(th).enumerate() {
                if a.fires(v, r, th) {
                    fired.push((lo + b * BLOCK + k) as u32);
                }
            }
        }
    }
}

/// What a normalisation may keep of the weight columns until the next one, and which columns
/// changed in between. Lives with the network's weights (never in a workspace, which could be
/// used with another network); a network starts without statistics.
#[derive(Clone, Debug)]
pub(crate) struct ColumnCache<S> {
    pub stats: Option<S>,
    /// Columns learning wrote since the statistics were taken (repeats allowed).
    pub touched: Vec<u32>,
    /// Learning wrote anywhere (depression at input spikes, or updates batched per presentation).
    pub all: bool,
}

impl<S> Default for ColumnCache<S> {
    fn default() -> Self {
        ColumnCache {
            stats: None,
            touched: Vec::new(),
            all: false,
        }
    }
}

/// The workspace of arithmetic `A`.
pub(crate) type Workspace<A> =
    PresentationWorkspace<<A as FspinnArithmetic>::Potential, <A as FspinnArithmetic>::Delta>;

/// The mutable side of a presentation, frozen at inference.
struct Learning<'a, A: FspinnArithmetic> {
    theta: &'a mut [A::Potential],
    stdp: Stdp<'a, A>,
}

/// What step 5 (learning) writes and draws from.
pub(crate) struct Stdp<'a, A: FspinnArithmetic> {
    pub weights: &'a mut [A::Weight],
    rate: A::Rate,
    /// Each neuron's own factor (mechanism (e), `wins`), in place of `rate`.
    rates: Option<&'a [A::Rate]>,
    rounding_lfsr: Lfsr32,
    updates: u64,
    /// Pending changes when updates are applied per presentation (mechanism (d) off).
    batch: Option<&'a mut Vec<A::Delta>>,
}

/// Trains on one image with the given sample seed: attempts at rising intensity while the layer
/// stays quiet, each normalising the weights, presenting with learning, applying batched
/// changes, decaying the thresholds and adapting the inhibition. The caller counts the image in
/// its `samples_seen` afterwards.
#[allow(clippy::too_many_arguments)]
pub(crate) fn train_sample<A: FspinnArithmetic>(
    a: &A,
    p: &FspinnParams,
    samples_seen: u64,
    weights: &mut [A::Weight],
    theta: &mut [A::Potential],
    inhibition: &mut A::Potential,
    columns: &mut ColumnCache<A::Columns>,
    ws: &mut Workspace<A>,
    image: &[u8],
    sample_seed: u32,
    mut observer: Option<&mut dyn StepObserver>,
) -> PresentationStats {
    let n = theta.len();
    let rate = a.potentiation_rate(potentiation_halvings(p, samples_seen));
    // A rate per neuron (mechanism (e) per neuron) follows its threshold offset as the image
    // begins (its repeats at a higher intensity keep it).
    let rates: Option<Vec<A::Rate>> = neuron_rate_shifts(p, samples_seen, 0).is_some().then(|| {
        theta
            .iter()
            .map(|&th| {
                let shifts = neuron_rate_shifts(p, samples_seen, a.theta_steps(th));
                let (d, h) = shifts.unwrap_or_default();
                a.scaled_rate(d, h)
            })
            .collect()
    });
    let decay = theta_decay_shift(p, n);
    repeat_while_quiet(p.max_attempts, p.min_spikes, |attempt| {
        let mut stats = PresentationStats {
            normalization_ops: a.normalize_cached(weights, n, columns),
            ..Default::default()
        };
        let mut batch = std::mem::take(&mut ws.batch);
        let per_step = p.mechanisms.per_step_updates;
        let (st, updates) = {
            let mut learning = Learning::<A> {
                theta: &mut *theta,
                stdp: Stdp {
                    weights: &mut *weights,
                    rate,
                    rates: rates.as_deref(),
                    rounding_lfsr: Lfsr32::new(input_seed(sample_seed, ROUNDING_STREAM + attempt)),
                    updates: 0,
                    batch: (!per_step).then_some(&mut batch),
                },
            };
            let st = run_attempt(
                a,
                p,
                *inhibition,
                State::Learning(&mut learning),
                ws,
                image,
                attempt,
                sample_seed,
                observer.as_mut().map(|o| &mut **o as &mut dyn StepObserver),
            );
            (st, learning.stdp.updates)
        };
        // Post-synaptic learning wrote the columns of the neurons that fired; depression at
        // input spikes and batched updates write anywhere.
        if per_step && p.mechanisms.post_only_stdp {
            let fired = ws.counts.iter().enumerate().filter(|&(_, &c)| c > 0);
            columns.touched.extend(fired.map(|(j, _)| j as u32));
        } else {
            columns.all = true;
        }
        if !per_step {
            apply_batch(a, &mut batch, weights);
        }
        a.decay_thetas(theta, decay, sample_seed, attempt);
        ws.batch = batch;
        stats.accumulate(&st);
        stats.weight_updates += updates;
        if p.mechanisms.adaptive_inhibition {
            *inhibition = a.adapt_inhibition(*inhibition, st.exc_spikes, p.target_spikes);
        }
        stats
    })
}

/// Shows one image without learning, with the given sample seed, reporting every step.
#[allow(clippy::too_many_arguments)]
pub(crate) fn infer_sample<A: FspinnArithmetic>(
    a: &A,
    p: &FspinnParams,
    weights: &[A::Weight],
    theta: &[A::Potential],
    inhibition: A::Potential,
    ws: &mut Workspace<A>,
    image: &[u8],
    sample_seed: u32,
    mut observer: Option<&mut dyn StepObserver>,
) -> PresentationStats {
    repeat_while_quiet(p.max_attempts, p.min_spikes, |attempt| {
        run_attempt(
            a,
            p,
            inhibition,
            State::Frozen(weights, theta),
            ws,
            image,
            attempt,
            sample_seed,
            observer.as_mut().map(|o| &mut **o as &mut dyn StepObserver),
        )
    })
}

/// Applies the changes batched over a presentation (mechanism (d) off) and clears them.
fn apply_batch<A: FspinnArithmetic>(a: &A, batch: &mut [A::Delta], weights: &mut [A::Weight]) {
    let zero = A::Delta::default();
    for (w, d) in weights.iter_mut().zip(batch.iter_mut()) {
        if *d != zero {
            *w = a.apply_delta(*w, *d);
            *d = zero;
        }
    }
}

/// Where a presentation reads weights and thresholds: frozen at inference, or the learning state.
enum State<'s, 'a, A: FspinnArithmetic> {
    Frozen(&'s [A::Weight], &'s [A::Potential]),
    Learning(&'s mut Learning<'a, A>),
}

/// One attempt at one intensity, step by step in the order of docs/datapath.md.
#[allow(clippy::too_many_arguments)]
fn run_attempt<A: FspinnArithmetic>(
    a: &A,
    p: &FspinnParams,
    inhibition: A::Potential,
    state: State<'_, '_, A>,
    ws: &mut Workspace<A>,
    image: &[u8],
    attempt: u32,
    sample_seed: u32,
    observer: Option<&mut dyn StepObserver>,
) -> PresentationStats {
    let n = match &state {
        State::Frozen(_, th) => th.len(),
        State::Learning(l) => l.theta.len(),
    };
    let intensity = p.start_intensity + attempt;
    let n_inputs = image.len();
    ws.reset(n_inputs, n);
    // Both layers see the same generator, rates and seeds: identical input spikes. The first
    // attempt seeds every channel; a louder repeat only raises the thresholds and the channels'
    // LFSR streams continue where they stopped.
    let rate = crate::fixed::rate_q24(p.rate_per_pixel_hz as f64, intensity, p.dt_ms as f64);
    if attempt == 0 {
        ws.gen.start(image, rate, sample_seed);
    } else {
        ws.gen.reseed_intensity(image, rate);
    }
    let (weights, theta, stdp) = match state {
        State::Frozen(w, th) => (Weights::Frozen(w), Theta::Frozen(th), None),
        State::Learning(l) => {
            if let Some(b) = l.stdp.batch.as_mut() {
                b.clear();
                b.resize(n_inputs * n, A::Delta::default());
            }
            (
                Weights::Learning,
                Theta::Learning(&mut *l.theta),
                Some(&mut l.stdp),
            )
        }
    };
    let mut inputs = std::mem::take(&mut ws.inputs);
    let mut fired = std::mem::take(&mut ws.fired);
    let steps = Steps {
        a,
        p,
        inhibition,
        attempt,
        n,
    };
    // Training splits each step across threads for large layers (split.rs); inference already
    // runs one image per thread (evaluate.rs), so there the layer stays one block.
    let blocks = match &stdp {
        Some(_) if p.mechanisms.post_only_stdp => {
            crate::presentation::integration_blocks(n, rayon::current_num_threads())
        }
        _ => 1,
    };
    let mut sink = StepSink {
        stdp,
        weights,
        last_pre: &mut ws.last_pre,
        inputs: &mut inputs,
        fired: &mut fired,
        observer,
        stats: PresentationStats {
            attempts: 1,
            ..Default::default()
        },
    };
    let whole = Block {
        lo: 0,
        v: &mut ws.v,
        refractory: &mut ws.refractory,
        counts: &mut ws.counts,
        sums: &mut ws.input_sum,
        fired_last: &mut ws.fired_last,
        last_post: &mut ws.last_post,
        theta,
        fired: Vec::new(),
    };
    if blocks > 1 {
        let split = ws.chooser.choose();
        let start = std::time::Instant::now();
        if split {
            super::split::run_steps(&steps, whole, &mut ws.gen, &mut sink, blocks);
        } else {
            steps.run(whole, &mut ws.gen, &mut sink);
        }
        ws.chooser.record(split, start.elapsed().as_secs_f64());
    } else {
        steps.run(whole, &mut ws.gen, &mut sink);
    }
    let mut stats = sink.stats;
    stats.lfsr_draws = ws.gen.draws();
    ws.inputs = inputs;
    ws.fired = fired;
    stats
}

/// The weights a presentation reads: frozen, or those of the learning state ([`Stdp`]).
pub(crate) enum Weights<'s, W> {
    Frozen(&'s [W]),
    Learning,
}

/// What an attempt's steps share: the arithmetic, the parameters and the attempt.
pub(crate) struct Steps<'s, A: FspinnArithmetic> {
    pub a: &'s A,
    pub p: &'s FspinnParams,
    pub inhibition: A::Potential,
    pub attempt: u32,
    pub n: usize,
}

/// The layer-wide side of a step, done once per step whatever the blocks: input spikes, spike
/// times of the inputs, learning (step 5), the observer and the statistics.
pub(crate) struct StepSink<'s, 'a, 'o, A: FspinnArithmetic> {
    pub stdp: Option<&'s mut Stdp<'a, A>>,
    pub weights: Weights<'s, A::Weight>,
    pub last_pre: &'s mut [u32],
    pub inputs: &'s mut Vec<u16>,
    /// The layer's spikes of this step, ascending.
    pub fired: &'s mut Vec<u32>,
    pub observer: Option<&'o mut dyn StepObserver>,
    pub stats: PresentationStats,
}

impl<A: FspinnArithmetic> StepSink<'_, '_, '_, A> {
    /// Step 1: this step's input spikes, into `self.inputs`.
    pub fn inputs(&mut self, gen: &mut crate::fixed::SpikeGenerator, t: u32) {
        gen.step(self.inputs);
        self.stats.input_spikes += self.inputs.len() as u64;
        for &i in self.inputs.iter() {
            self.last_pre[i as usize] = t;
        }
    }

    /// The weights step 2 reads.
    pub fn weights(&self) -> &[A::Weight] {
        match (&self.weights, &self.stdp) {
            (Weights::Frozen(w), _) => w,
            (Weights::Learning, Some(l)) => l.weights,
            (Weights::Learning, None) => &[],
        }
    }

    /// After steps 2-4 of step `t`, with the layer's spikes in `self.fired`: the statistics,
    /// learning (step 5) and the observer. `last_post` is the whole layer's (only (b) off reads
    /// it, and then the layer is one block).
    pub fn after_step(&mut self, s: &Steps<'_, A>, t: u32, last_post: &[u32]) {
        let n = s.n;
        let k = self.fired.len();
        self.stats.neuron_updates += n as u64;
        self.stats.synaptic_ops += (self.inputs.len() * n) as u64;
        if !s.p.mechanisms.direct_inhibition {
            if k > 0 {
                self.stats.inh_spikes += k as u64;
            }
            self.stats.neuron_updates += n as u64;
        }
        if let Some(l) = self.stdp.as_deref_mut() {
            let mut at = Site {
                observer: &mut self.observer,
                attempt: s.attempt,
                t,
                n,
            };
            if !s.p.mechanisms.post_only_stdp {
                for &i in self.inputs.iter() {
                    depress_row(s.a, l, last_post, i as usize, &mut at);
                }
            }
            for &j in self.fired.iter() {
                potentiate_column(s.a, l, self.last_pre, j as usize, s.p.rounding, &mut at);
            }
        }
        if let Some(o) = self.observer.as_deref_mut() {
            o.step(s.attempt, t, self.inputs, self.fired);
        }
        self.stats.exc_spikes += k as u64;
    }
}

impl<A: FspinnArithmetic> Steps<'_, A> {
    /// The relayed inhibition of step 2 after a step that fired `k` spikes ((a) off).
    pub fn relay(&self, k: u32) -> Option<(A::Potential, u32)> {
        (!self.p.mechanisms.direct_inhibition && k > 0).then_some((self.inhibition, k))
    }

    /// Every step of the attempt with the layer as one block, in the order of docs/datapath.md.
    fn run(
        &self,
        mut b: Block<'_, A::Potential>,
        gen: &mut crate::fixed::SpikeGenerator,
        sink: &mut StepSink<'_, '_, '_, A>,
    ) {
        let direct = self.p.mechanisms.direct_inhibition;
        let mut relay = None;
        for t in 0..self.a.steps() {
            // 1. Input spikes of this step.
            sink.inputs(gen, t);
            // 2. Leak, accumulation, relayed inhibition; 3. which neurons fire.
            b.integrate(self.a, sink.inputs, sink.weights(), self.n, relay);
            let k = b.fired.len() as u32;
            // 3. Reset, theta; 4. lateral inhibition.
            b.settle(self.a, k, self.inhibition, direct);
            relay = self.relay(k);
            // 5. Learn.
            sink.fired.clear();
            sink.fired.extend_from_slice(&b.fired);
            sink.after_step(self, t, b.last_post);
            // 6. Count down.
            b.count_down(t);
        }
    }
}

/// Where in the presentation a learning update happens, for the observer.
struct Site<'o, 'd> {
    observer: &'o mut Option<&'d mut dyn StepObserver>,
    attempt: u32,
    t: u32,
    n: usize,
}

/// Adds `delta` to the weight from `i` to `j`: into the batch (d off) or at once, reporting
/// the write.
#[inline]
fn update<A: FspinnArithmetic>(
    a: &A,
    l: &mut Stdp<'_, A>,
    i: usize,
    j: usize,
    delta: A::Delta,
    negative: bool,
    at: &mut Site<'_, '_>,
) {
    l.updates += 1;
    let idx = i * at.n + j;
    match l.batch.as_mut() {
        Some(b) if negative => b[idx] -= delta,
        Some(b) => b[idx] += delta,
        None => {
            let d = if negative { A::negate(delta) } else { delta };
            let w = &mut l.weights[idx];
            *w = a.apply_delta(*w, d);
            if let Some(o) = at.observer.as_deref_mut() {
                if let Some(code) = A::weight_code(*w) {
                    o.weight_write(at.attempt, at.t, i, j, code);
                }
            }
        }
    }
}

/// Post-synaptic STDP of FSpiNN: at a spike of neuron j, every input weight moves by
/// `eta * (x_pre - x_tar)`: inputs that spiked recently grow, the others shrink.
fn potentiate_column<A: FspinnArithmetic>(
    a: &A,
    l: &mut Stdp<'_, A>,
    last_pre: &[u32],
    j: usize,
    rounding: Rounding,
    at: &mut Site<'_, '_>,
) {
    let t = at.t;
    let zero = A::Delta::default();
    let rate = l.rates.map_or(l.rate, |r| r[j]);
    for (i, &pre) in last_pre.iter().enumerate() {
        let age = (pre != NEVER).then(|| t - pre);
        let delta = a.potentiate(age, rate, rounding, &mut l.rounding_lfsr);
        if delta != zero {
            update(a, l, i, j, delta, false, at);
        }
    }
}

/// (b) off: depression at an input spike, `w -= eta_pre * x_post` over the neurons that spiked.
fn depress_row<A: FspinnArithmetic>(
    a: &A,
    l: &mut Stdp<'_, A>,
    last_post: &[u32],
    i: usize,
    at: &mut Site<'_, '_>,
) {
    let t = at.t;
    let zero = A::Delta::default();
    for (j, &post) in last_post.iter().enumerate() {
        if post == NEVER {
            continue;
        }
        let delta = a.depress(t - post, &mut l.rounding_lfsr);
        if delta != zero {
            update(a, l, i, j, delta, true, at);
        }
    }
}
