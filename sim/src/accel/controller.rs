//! The twin of `fspinn_controller`: the phase sequencing. Its registers ([`Controller`]) are
//! the current [`Phase`], the time step, the attempt, the cycle count, what each unit does in
//! the cycle and the inhibition register; its states are the passes, one per phase, written
//! as loops over the accelerator's blocks where each iteration is one clock cycle.
//!
//! This file holds a sample's sequence (attempts, steps, `adapt`); the passes are in the
//! submodules by kind: `sweeps` (one neuron group or sweep row per cycle: `seed`,
//! `threshold`, `generate`, `reset`, `inhibit`, `inhibitory_layer`, `theta_decay`,
//! `readout`), `integrate`, and `streams` (weight streams: `norm_*`, `depress`,
//! `potentiate`). The work of a cycle is the block's: the controller only counts, asks the
//! memories and hands data to the block that owns it.

mod integrate;
mod streams;
mod sweeps;

use super::{Accelerator, SampleOutcome};
use crate::counters::{Activity, Op, Unit};
use crate::events::StepRecord;
use crate::rtl_consts::Phase;
use fspinn_model::fixed::rate_q24;

/// The controller's registers.
#[derive(Clone, Debug)]
pub struct Controller {
    phase: Phase,
    timestep: u32,
    attempt: u32,
    cycle: u64,
    activity: [Activity; 4],
    inhibition: i32,
    /// Neurons that fired in the previous step, whose inhibition the inhibitory layer relays
    /// in this one (mechanism (a) off; 0 otherwise).
    relay_pending: u32,
}

impl Controller {
    /// An idle controller at cycle 0 with the network's inhibition.
    pub fn new(inhibition: i32) -> Self {
        Controller {
            phase: Phase::Idle,
            timestep: 0,
            attempt: 0,
            cycle: 0,
            activity: [Activity::Idle; 4],
            inhibition,
            relay_pending: 0,
        }
    }

    /// The phase of the current cycle.
    pub fn phase(&self) -> Phase {
        self.phase
    }
    /// The time step of the current cycle.
    pub fn timestep(&self) -> u32 {
        self.timestep
    }
    /// The attempt of the current cycle.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
    /// Cycles since the accelerator was built (the current cycle's number).
    pub fn cycle(&self) -> u64 {
        self.cycle
    }
    /// What each unit does in the current cycle (indexed by [`Unit`]).
    pub fn activity(&self) -> &[Activity; 4] {
        &self.activity
    }
    /// The inhibition register.
    pub fn inhibition(&self) -> i32 {
        self.inhibition
    }

    fn enter(&mut self, phase: Phase) {
        self.phase = phase;
    }

    fn set(&mut self, unit: Unit, a: Activity) {
        self.activity[unit as usize] = a;
    }

    /// The cycle is over: the next one starts with only the controller busy.
    pub(super) fn next_cycle(&mut self) {
        self.activity = [Activity::Idle; 4];
        self.activity[Unit::Controller as usize] = Activity::Busy;
        self.cycle += 1;
    }
}

impl Accelerator {
    /// A sample's sequence: per attempt `seed` (first only), `threshold`, `reset`, the
    /// normalisation (training), the steps, `theta_decay` and `adapt` (training), until the
    /// attempt had enough spikes; then `readout`.
    pub(super) fn sequence_sample(
        &mut self,
        image: &[u8],
        sample_seed: u32,
        train: bool,
    ) -> SampleOutcome {
        let start = self.ctl.cycle;
        self.spikegen.load_image(image, &mut self.host.ctr);
        let eta = self.potentiation_factor();
        let p = self.params.clone();
        let mut attempts = 0;
        for attempt in 0..p.max_attempts {
            self.ctl.attempt = attempt;
            attempts += 1;
            let rate = rate_q24(
                p.rate_per_pixel_hz as f64,
                p.start_intensity + attempt,
                p.dt_ms as f64,
            );
            if attempt == 0 {
                self.pass_seed(sample_seed);
            }
            self.pass_thresholds(rate);
            self.pass_reset();
            if train {
                self.pass_normalize();
                self.stdp
                    .seed_rounding(sample_seed, attempt, &mut self.host.ctr);
            }
            let mut spikes = 0u64;
            for t in 0..self.consts.steps {
                self.ctl.timestep = t;
                spikes += self.step(t, train, eta) as u64;
            }
            if train {
                self.pass_theta_decay(sample_seed, attempt);
                self.ctl.enter(Phase::Adapt);
                if p.mechanisms.adaptive_inhibition {
                    self.ctl.inhibition =
                        self.consts
                            .adapt_inhibition(self.ctl.inhibition, spikes, p.target_spikes);
                    self.host.ctr.op(Unit::Controller, Op::Add16, 1);
                }
                self.end_cycle();
            }
            self.host.ctr.attempts += 1;
            if spikes >= p.min_spikes as u64 {
                break;
            }
        }
        let counts = self.pass_readout();
        if train {
            self.host.samples_seen += 1;
        }
        self.ctl.enter(Phase::Idle);
        SampleOutcome {
            counts,
            attempts,
            cycles: self.ctl.cycle - start,
        }
    }

    /// One time step: `generate`, `integrate`, the inhibition (`inhibitory_layer`, or
    /// `inhibit` when someone fired), learning (training); returns the neurons that fired.
    fn step(&mut self, t: u32, train: bool, eta: i64) -> u32 {
        self.host.ctr.timesteps += 1;
        // 1. Input spikes.
        let inputs = self.pass_generate(t);
        // 2-3. Leak, accumulate, relay inhibition, fire.
        let fired = self.pass_integrate(&inputs, train);
        if !self.params.mechanisms.direct_inhibition {
            self.pass_inhibitory_layer();
            self.ctl.relay_pending = fired;
        } else if fired > 0 {
            // 4. Lateral inhibition.
            self.pass_inhibit(fired);
        }
        // 5. Learn.
        if train {
            self.pass_learn(&inputs, t, eta);
        }
        self.host.ctr.output_spikes += fired as u64;
        if let Some(ev) = self.host.events.as_mut() {
            ev.steps.push(StepRecord {
                attempt: self.ctl.attempt,
                t,
                inputs: inputs.clone(),
                fired: self.stdp.fired_list().to_vec(),
                cycle: self.ctl.cycle,
            });
        }
        fired
    }
}
