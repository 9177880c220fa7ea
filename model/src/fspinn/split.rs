//! A training attempt of a large layer on several threads: each thread owns one block of
//! neurons for the whole attempt and runs steps 2-4 and 6 of every step on it; the calling
//! thread also gathers the layer's spikes and does step 5 (learning), the statistics and the
//! observer, exactly as one thread does. The threads meet once per step (the layer's spike
//! count), by spinning on atomics rather than through the rayon pool: a step at N = 4900 takes
//! a few microseconds, and waking a sleeping pool thread every step cost more than the step
//! (training on two threads was 3.5 times slower than on one). Every neuron's arithmetic is that
//! of one block (block.rs), so the results do not depend on the number of threads.
//!
//! Learning writes the columns of the neurons that fired, which the other threads read in the
//! next step, so the weights sit behind a `RwLock`: every thread holds a read guard through the
//! steps without spikes; after a step with spikes the helpers let go (`released`), the calling
//! thread writes in step 5, and the helpers wait for that (`learned`) before reading again. Only the post-synaptic learning rule is split
//! ((b) on): depression at input spikes reads every neuron's spike time in every step.

use super::block::{Block, Theta};
use super::present::{FspinnArithmetic, StepSink, Steps};
use crate::fixed::SpikeGenerator;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

/// What the threads of a split attempt share.
struct Shared<'a, W> {
    weights: RwLock<&'a mut [W]>,
    /// Per helper thread: the last step whose spikes it published (`t + 1`), and those spikes.
    done: Vec<AtomicU32>,
    outbox: Vec<Mutex<Vec<u32>>>,
    /// The layer's spike count of the last step gathered: `(t + 1) << 32 | k`.
    total: AtomicU64,
    /// The last step whose learning is done, `t + 1`.
    learned: AtomicU32,
    /// Per helper thread: the last step after which it let go of the weights, `t + 1`.
    released: Vec<AtomicU32>,
    /// Set when a thread unwinds, so that the others stop waiting for it.
    stop: AtomicBool,
}

/// Sets `stop` if the thread unwinds.
struct StopOnPanic<'s>(&'s AtomicBool);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Release);
        }
    }
}

/// Spins until `ready()`; after about 2,000 spins (some 100 microseconds, tens of steps) it
/// also yields the core, for machines with more runnable threads than cores. Returns false
/// when another thread stopped (unwound) and `ready()` still fails.
fn wait(mut ready: impl FnMut() -> bool, stop: &AtomicBool) -> bool {
    let mut spins = 0u32;
    loop {
        if ready() {
            return true;
        }
        if stop.load(Ordering::Acquire) {
            return ready();
        }
        spins = spins.saturating_add(1);
        if spins < 2000 {
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
}

impl<'w, P> Block<'w, P> {
    /// The block cut into consecutive blocks of `size` neurons (the last may be smaller).
    pub fn split(self, size: usize) -> Vec<Block<'w, P>> {
        let mut blocks = Vec::new();
        let mut rest = self;
        while rest.v.len() > size {
            let (head, tail) = rest.split_at(size);
            blocks.push(head);
            rest = tail;
        }
        blocks.push(rest);
        blocks
    }

    fn split_at(self, at: usize) -> (Self, Self) {
        let (v0, v1) = self.v.split_at_mut(at);
        let (r0, r1) = self.refractory.split_at_mut(at);
        let (c0, c1) = self.counts.split_at_mut(at);
        let (s0, s1) = self.sums.split_at_mut(at);
        let (f0, f1) = self.fired_last.split_at_mut(at);
        let (p0, p1) = self.last_post.split_at_mut(at);
        let (t0, t1) = match self.theta {
            Theta::Frozen(th) => {
                let (a, b) = th.split_at(at);
                (Theta::Frozen(a), Theta::Frozen(b))
            }
            Theta::Learning(th) => {
                let (a, b) = th.split_at_mut(at);
                (Theta::Learning(a), Theta::Learning(b))
            }
        };
        let block = |lo, v, refractory, counts, sums, fired_last, last_post, theta| Block {
            lo,
            v,
            refractory,
            counts,
            sums,
            fired_last,
            last_post,
            theta,
            fired: Vec::new(),
        };
        (
            block(self.lo, v0, r0, c0, s0, f0, p0, t0),
            block(self.lo + at, v1, r1, c1, s1, f1, p1, t1),
        )
    }
}

/// Every step of a training attempt with the layer cut into `blocks` blocks of whole 32-neuron
/// groups, one per thread; the same result as `Steps::run` on the whole layer.
pub(crate) fn run_steps<A: FspinnArithmetic>(
    s: &Steps<'_, A>,
    whole: Block<'_, A::Potential>,
    gen: &mut SpikeGenerator,
    sink: &mut StepSink<'_, '_, '_, A>,
    blocks: usize,
) {
    let size = s.n.div_ceil(blocks).next_multiple_of(32);
    let mut parts = whole.split(size);
    let first = parts.remove(0);
    let stdp = sink
        .stdp
        .as_deref_mut()
        .expect("only training splits a step");
    let shared = Shared {
        weights: RwLock::new(std::mem::take(&mut stdp.weights)),
        done: parts.iter().map(|_| AtomicU32::new(0)).collect(),
        outbox: parts.iter().map(|_| Mutex::new(Vec::new())).collect(),
        total: AtomicU64::new(0),
        learned: AtomicU32::new(0),
        released: parts.iter().map(|_| AtomicU32::new(0)).collect(),
        stop: AtomicBool::new(false),
    };
    std::thread::scope(|scope| {
        for (w, block) in parts.into_iter().enumerate() {
            let (shared, gen) = (&shared, gen.clone());
            scope.spawn(move || helper(s, block, gen, shared, w));
        }
        lead(s, first, gen, sink, &shared);
    });
    let weights = shared
        .weights
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(stdp) = sink.stdp.as_deref_mut() {
        stdp.weights = weights;
    }
}

/// The calling thread: its own block, then the layer-wide part of every step.
fn lead<'a, A: FspinnArithmetic>(
    s: &Steps<'_, A>,
    mut b: Block<'_, A::Potential>,
    gen: &mut SpikeGenerator,
    sink: &mut StepSink<'_, 'a, '_, A>,
    shared: &Shared<'a, A::Weight>,
) {
    let _stop = StopOnPanic(&shared.stop);
    let direct = s.p.mechanisms.direct_inhibition;
    let mut relay = None;
    // Every thread holds a read guard from one step with spikes to the next, so that a step
    // without spikes touches no shared lock.
    let mut guard = Some(shared.weights.read().unwrap_or_else(|e| e.into_inner()));
    for t in 0..s.a.steps() {
        sink.inputs(gen, t);
        let weights =
            guard.get_or_insert_with(|| shared.weights.read().unwrap_or_else(|e| e.into_inner()));
        b.integrate(s.a, sink.inputs, weights, s.n, relay);
        sink.fired.clear();
        sink.fired.extend_from_slice(&b.fired);
        for (done, outbox) in shared.done.iter().zip(&shared.outbox) {
            let ready = wait(|| done.load(Ordering::Acquire) > t, &shared.stop);
            assert!(ready, "a training thread stopped");
            sink.fired
                .extend_from_slice(&outbox.lock().unwrap_or_else(|e| e.into_inner()));
        }
        let k = sink.fired.len() as u32;
        shared
            .total
            .store((t as u64 + 1) << 32 | k as u64, Ordering::Release);
        b.settle(s.a, k, s.inhibition, direct);
        relay = s.relay(k);
        if k > 0 {
            // Learning writes the weights once every thread has let go of them.
            drop(guard.take());
            for released in &shared.released {
                let ready = wait(|| released.load(Ordering::Acquire) > t, &shared.stop);
                assert!(ready, "a training thread stopped");
            }
            let mut weights = shared.weights.write().unwrap_or_else(|e| e.into_inner());
            if let Some(stdp) = sink.stdp.as_deref_mut() {
                stdp.weights = std::mem::take(&mut *weights);
            }
            sink.after_step(s, t, b.last_post);
            if let Some(stdp) = sink.stdp.as_deref_mut() {
                *weights = std::mem::take(&mut stdp.weights);
            }
            drop(weights);
            shared.learned.store(t + 1, Ordering::Release);
        } else {
            sink.after_step(s, t, b.last_post);
        }
        b.count_down(t);
    }
}

/// A helper thread: steps 1-4 and 6 for its block, with its own copy of the input generator.
fn helper<A: FspinnArithmetic>(
    s: &Steps<'_, A>,
    mut b: Block<'_, A::Potential>,
    mut gen: SpikeGenerator,
    shared: &Shared<'_, A::Weight>,
    w: usize,
) {
    let _stop = StopOnPanic(&shared.stop);
    let direct = s.p.mechanisms.direct_inhibition;
    let mut inputs = Vec::new();
    let mut relay = None;
    let mut guard = Some(shared.weights.read().unwrap_or_else(|e| e.into_inner()));
    for t in 0..s.a.steps() {
        gen.step(&mut inputs);
        if guard.is_none() {
            // The last step had spikes: wait for its learning before reading the weights.
            if !wait(|| shared.learned.load(Ordering::Acquire) >= t, &shared.stop) {
                return;
            }
            guard = Some(shared.weights.read().unwrap_or_else(|e| e.into_inner()));
        }
        if let Some(weights) = &guard {
            b.integrate(s.a, &inputs, weights, s.n, relay);
        }
        {
            let mut outbox = shared.outbox[w].lock().unwrap_or_else(|e| e.into_inner());
            outbox.clear();
            outbox.extend_from_slice(&b.fired);
        }
        shared.done[w].store(t + 1, Ordering::Release);
        let mut total = 0;
        let step = t as u64 + 1;
        let ready = || {
            total = shared.total.load(Ordering::Acquire);
            total >> 32 == step
        };
        if !wait(ready, &shared.stop) {
            return;
        }
        let k = total as u32;
        if k > 0 {
            drop(guard.take());
            shared.released[w].store(t + 1, Ordering::Release);
        }
        b.settle(s.a, k, s.inhibition, direct);
        relay = s.relay(k);
        b.count_down(t);
    }
}
