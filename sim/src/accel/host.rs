//! The twin of `fspinn_host`: what the host sees of the chip. The counters it reads back, the
//! host-side registers the cycle model keeps (training images seen, which set the potentiation
//! factor the host writes; the theta-decay shift), and the observation hookups: the output
//! ports of the cycle (`spike_valid`, `spike_mask`, `wupd_valid`), the event log (`--verify`,
//! lock step), the waveform writer and the per-cycle port log.

use crate::counters::Counters;
use crate::events::{EventLog, SpikeEvent, WeightWrite};
use crate::lockstep::PortLog;
use crate::waves::{Observed, Waves};

/// The host interface's registers, counters and observers.
#[derive(Clone, Default)]
pub struct Host {
    /// Everything the accelerator did, by unit, operation, register file and phase.
    pub(super) ctr: Counters,
    /// Training images seen (the potentiation factor of the next one follows from it).
    pub(super) samples_seen: u64,
    /// The `theta_decay_shift` register.
    pub(super) theta_decay: u32,
    /// The output ports of the current cycle that the model has no other record of.
    pub(super) observed: Observed,
    pub(super) events: Option<EventLog>,
    pub(super) waves: WavesSlot,
    /// Per-cycle SRAM port activity and DRAM requests, when recording (lock step).
    pub(super) port_log: Option<PortLog>,
}

/// The model's VCD writer; a clone of the accelerator gets none (one file, one writer).
#[derive(Default)]
pub(super) struct WavesSlot(pub(super) Option<Waves>);

impl Clone for WavesSlot {
    fn clone(&self) -> Self {
        WavesSlot(None)
    }
}

impl Host {
    /// A host interface whose registers hold a network's training progress and decay shift.
    pub fn new(samples_seen: u64, theta_decay: u32) -> Self {
        Host {
            samples_seen,
            theta_decay,
            ..Default::default()
        }
    }

    /// Neuron `neuron`, lane `pe` of group `group`, fires in cycle `cycle` (`spike_valid`,
    /// `spike_neuron`, `spike_mask`, and the spike log).
    pub fn spike(&mut self, e: SpikeEvent, group: u32, pe: usize) {
        self.observed.fire(group, pe);
        if let Some(ev) = self.events.as_mut() {
            ev.spikes.push(e);
        }
    }

    /// The STDP unit writes a weight in this cycle (`wupd_valid`, and the write log).
    pub fn weight_write(&mut self, w: WeightWrite) {
        self.observed.wupd_valid = true;
        if let Some(ev) = self.events.as_mut() {
            ev.weight_writes.push(w);
        }
    }
}
