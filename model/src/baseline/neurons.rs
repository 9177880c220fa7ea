//! Phases 1 and 2 of a step for a whole population: integrate, then find who fires.
//!
//! Written as straight loops over equal-length slices so the compiler vectorises them; they are
//! the hot path (every neuron, every step). Refractory counters are set to `steps + 1` at a spike
//! and counted down at the start of integration, so a neuron is refractory on exactly the `steps`
//! steps after its spike. Counters are small whole numbers held in f32 so that the counting down
//! and the selects vectorise with baseline SSE2 (which has no unsigned 32-bit min/max).

/// Constants of one excitatory integration step.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExcStep {
    pub k: f32,
    pub v_rest: f32,
    pub e_exc: f32,
    pub e_inh: f32,
    pub ge_keep: f32,
    pub gi_keep: f32,
    pub thresh_base: f32,
}

/// Forward-Euler step of `dv/dt = ((v_rest - v) + ge (E_exc - v) + gi (E_inh - v)) / tau_m` for
/// neurons not clamped, then conductance decay. Returns whether any neuron may fire this step.
///
/// The new potential is kept within [E_inh, E_exc], where the exact solution always stays:
/// forward Euler overshoots once `dt/tau_m * gi > 2` (a volley of about 24 simultaneous
/// inhibitory spikes), and the overshoot would otherwise grow into a network-wide burst.
#[allow(clippy::too_many_arguments)]
pub(crate) fn integrate_excitatory(
    s: &ExcStep,
    v: &mut [f32],
    ge: &mut [f32],
    gi: &mut [f32],
    clamp: &mut [f32],
    lock: &mut [f32],
    theta: &[f32],
) -> bool {
    let n = v.len();
    let (ge, gi, clamp, lock, theta) = (
        &mut ge[..n],
        &mut gi[..n],
        &mut clamp[..n],
        &mut lock[..n],
        &theta[..n],
    );
    let mut any = 0u32;
    for j in 0..n {
        let c = (clamp[j] - 1.0).max(0.0);
        let l = (lock[j] - 1.0).max(0.0);
        clamp[j] = c;
        lock[j] = l;
        let x = v[j];
        let dv = (s.v_rest - x) + ge[j] * (s.e_exc - x) + gi[j] * (s.e_inh - x);
        // Branch-free select (x + k dv when free, else x) so the loop vectorises.
        let free = (c == 0.0) as u32 as f32;
        let nx = (x + free * (s.k * dv)).clamp(s.e_inh, s.e_exc);
        v[j] = nx;
        ge[j] *= s.ge_keep;
        gi[j] *= s.gi_keep;
        any |= ((c + l == 0.0) & (nx > s.thresh_base + theta[j])) as u32;
    }
    any != 0
}

/// Indices of excitatory neurons that fire: free of both counters and above threshold.
pub(crate) fn fire_excitatory(
    thresh_base: f32,
    v: &[f32],
    clamp: &[f32],
    lock: &[f32],
    theta: &[f32],
    fired: &mut Vec<u32>,
) {
    fired.clear();
    for (j, (((&x, &c), &l), &th)) in v.iter().zip(clamp).zip(lock).zip(theta).enumerate() {
        if c + l == 0.0 && x > thresh_base + th {
            fired.push(j as u32);
        }
    }
}

/// Constants of one inhibitory integration step (no inhibitory input reaches this layer).
#[derive(Clone, Copy, Debug)]
pub(crate) struct InhStep {
    pub k: f32,
    pub v_rest: f32,
    pub e_exc: f32,
    pub e_inh: f32,
    pub ge_keep: f32,
    pub v_thresh: f32,
}

/// Forward-Euler step of the inhibitory neurons; returns whether any may fire this step.
pub(crate) fn integrate_inhibitory(
    s: &InhStep,
    v: &mut [f32],
    ge: &mut [f32],
    clamp: &mut [f32],
) -> bool {
    let n = v.len();
    let (ge, clamp) = (&mut ge[..n], &mut clamp[..n]);
    let mut any = 0u32;
    for j in 0..n {
        let c = (clamp[j] - 1.0).max(0.0);
        clamp[j] = c;
        let x = v[j];
        let dv = (s.v_rest - x) + ge[j] * (s.e_exc - x);
        let free = (c == 0.0) as u32 as f32;
        let nx = (x + free * (s.k * dv)).clamp(s.e_inh, s.e_exc);
        v[j] = nx;
        ge[j] *= s.ge_keep;
        any |= ((c == 0.0) & (nx > s.v_thresh)) as u32;
    }
    any != 0
}

/// Indices of inhibitory neurons that fire.
pub(crate) fn fire_inhibitory(v_thresh: f32, v: &[f32], clamp: &[f32], fired: &mut Vec<u32>) {
    fired.clear();
    for (j, (&x, &c)) in v.iter().zip(clamp).enumerate() {
        if c == 0.0 && x > v_thresh {
            fired.push(j as u32);
        }
    }
}
