//! Waveforms of the cycle model as a VCD file on the RTL's time axis: `$timescale 1 ps` (IEEE
//! 1364 allows only 1, 10 or 100 of a unit), cycle `k` at `(k - origin) * period + period / 2`
//! with the config's clock period in whole picoseconds and the origin the first cycle of the
//! traced sample ([`Waves::with_origin`]): the rising edge at which the RTL's registers take
//! cycle `k`'s values in its VCD (time 0 there is the low half of the cycle that samples
//! `start`), so the two files change at the same timestamps; under the hierarchical names of the
//! verilated RTL (`rtl/fspinn_top.v`): `TOP.fspinn_top.{busy, obs_phase, obs_timestep,
//! spike_valid, spike_neuron, spike_mask, wupd_valid}`, and for every SRAM bank
//! `TOP.fspinn_top.g_wbank[b].u_mem.{re, raddr, we, waddr, wdata}` and
//! `TOP.fspinn_top.g_nbank[p].u_mem.{...}`, so a viewer shows the model and the RTL side by side
//! under the same names. What only the model has (each unit's busy / stalled / idle state) is
//! under `TOP.model`. Only changes are written.

use crate::counters::{Activity, Unit};
use crate::sram::{PortActivity, SramBank};
use crate::weight_port::WeightPort;
use std::io::Write;
use vcd::{IdCode, TimescaleUnit, Value};

/// Controller phases and their codes on `fspinn_top.ctrl.phase`.
pub const PHASES: [&str; 17] = [
    "idle",
    "seed",
    "threshold",
    "reset",
    "norm_sum",
    "norm_divide",
    "norm_scale",
    "generate",
    "integrate",
    "inhibitory_layer",
    "inhibit",
    "depress",
    "potentiate",
    "theta_decay",
    "adapt",
    "readout",
    "other",
];

/// Code of a phase name on the `phase` signal.
pub fn phase_code(name: &str) -> u64 {
    PHASES
        .iter()
        .position(|&p| p == name)
        .unwrap_or(PHASES.len() - 1) as u64
}

struct Port {
    re: IdCode,
    raddr: IdCode,
    we: IdCode,
    waddr: IdCode,
    wdata: IdCode,
    width: u32,
    last: Option<PortActivity>,
}

/// Output-port values of the current cycle that the model has no other record of.
#[derive(Clone, Copy, Debug, Default)]
pub struct Observed {
    /// Group whose neurons fired in this cycle, and which lanes (bit p: PE p).
    pub spike_group: u32,
    pub spike_mask: u64,
    /// The STDP unit writes a weight in this cycle.
    pub wupd_valid: bool,
}

pub struct Waves {
    out: vcd::Writer<Box<dyn Write>>,
    busy: IdCode,
    phase: IdCode,
    timestep: IdCode,
    units: [IdCode; 4],
    spike_valid: IdCode,
    spike_neuron: IdCode,
    spike_mask: IdCode,
    wupd_valid: IdCode,
    pes: u32,
    wsram: Vec<Port>,
    nsram: Vec<Port>,
    last: Vec<u64>,
    started: bool,
    /// Cycles recorded are `from..until`.
    from: u64,
    until: u64,
    /// Clock period in ps: one cycle of the time axis.
    period_ps: u64,
    /// The cycle at time 0.
    origin: u64,
}

/// `v` as `width` bits, most significant first; bits above 63 are zero (`spike_mask` of more
/// than 64 PEs).
fn bits(v: u64, width: u32) -> Vec<Value> {
    (0..width)
        .rev()
        .map(|b| {
            if b < 64 && (v >> b) & 1 == 1 {
                Value::V1
            } else {
                Value::V0
            }
        })
        .collect()
}

impl Waves {
    /// Declares every signal. `window` limits recording to a range of cycles (whole runs of
    /// big networks would take gigabytes).
    pub fn new(
        sink: Box<dyn Write>,
        clock_mhz: f64,
        wsram: &[SramBank],
        nsram: &[SramBank],
        window: std::ops::Range<u64>,
    ) -> std::io::Result<Self> {
        let mut out = vcd::Writer::new(sink);
        let period_ps = (1e6 / clock_mhz).round().max(1.0) as u64;
        out.timescale(1, TimescaleUnit::PS)?;
        out.add_module("TOP")?;
        out.add_module("model")?;
        let mut units = Vec::new();
        for u in Unit::ALL {
            units.push(out.add_wire(2, &format!("{}_activity", u.name()))?);
        }
        let units: [IdCode; 4] = [units[0], units[1], units[2], units[3]];
        out.upscope()?;
        out.add_module("fspinn_top")?;
        let busy = out.add_wire(1, "busy")?;
        let phase = out.add_wire(5, "obs_phase")?;
        let timestep = out.add_wire(16, "obs_timestep")?;
        let spike_valid = out.add_wire(1, "spike_valid")?;
        let spike_neuron = out.add_wire(16, "spike_neuron")?;
        let spike_mask = out.add_wire(nsram.len() as u32, "spike_mask")?;
        let wupd_valid = out.add_wire(1, "wupd_valid")?;
        let ports = |out: &mut vcd::Writer<Box<dyn Write>>,
                     banks: &[SramBank],
                     scope: &str|
         -> std::io::Result<Vec<Port>> {
            let mut v = Vec::new();
            for (k, b) in banks.iter().enumerate() {
                out.add_module(&format!("{scope}[{k}]"))?;
                out.add_module("u_mem")?;
                let abits = 32 - b.depth().max(2).saturating_sub(1).leading_zeros();
                v.push(Port {
                    re: out.add_wire(1, "re")?,
                    raddr: out.add_wire(abits, "raddr")?,
                    we: out.add_wire(1, "we")?,
                    waddr: out.add_wire(abits, "waddr")?,
                    wdata: out.add_wire(b.word_bits(), "wdata")?,
                    width: abits,
                    last: None,
                });
                out.upscope()?;
                out.upscope()?;
            }
            Ok(v)
        };
        let wsram = ports(&mut out, wsram, "g_wbank")?;
        let nsram = ports(&mut out, nsram, "g_nbank")?;
        out.upscope()?;
        out.upscope()?;
        out.enddefinitions()?;
        let pes = nsram.len() as u32;
        Ok(Waves {
            out,
            busy,
            phase,
            timestep,
            units,
            spike_valid,
            spike_neuron,
            spike_mask,
            wupd_valid,
            pes,
            wsram,
            nsram,
            last: vec![u64::MAX; 12],
            started: false,
            from: window.start,
            until: window.end,
            period_ps,
            origin: 0,
        })
    }

    /// Puts cycle `cycle` at time 0 (the first cycle of the traced sample, as in the RTL's
    /// VCD); cycles before it are not recorded.
    pub fn with_origin(mut self, cycle: u64) -> Self {
        self.origin = cycle;
        self.from = self.from.max(cycle);
        self
    }

    fn time(&self, cycle: u64) -> u64 {
        cycle.saturating_sub(self.origin) * self.period_ps + self.period_ps / 2
    }

    fn vec(&mut self, slot: usize, id: IdCode, width: u32, v: u64) -> std::io::Result<()> {
        if self.last[slot] != v {
            self.last[slot] = v;
            self.out.change_vector(id, bits(v, width))?;
        }
        Ok(())
    }

    fn port(
        out: &mut vcd::Writer<Box<dyn Write>>,
        p: &mut Port,
        a: PortActivity,
        wbits: u32,
    ) -> std::io::Result<()> {
        if p.last == Some(a) {
            return Ok(());
        }
        let old = p.last.unwrap_or(PortActivity {
            read_enable: !a.read_enable,
            read_addr: !a.read_addr,
            write_enable: !a.write_enable,
            write_addr: !a.write_addr,
            write_data: !a.write_data,
        });
        if old.read_enable != a.read_enable {
            out.change_scalar(p.re, a.read_enable)?;
        }
        if old.read_addr != a.read_addr {
            out.change_vector(p.raddr, bits(a.read_addr as u64, p.width))?;
        }
        if old.write_enable != a.write_enable {
            out.change_scalar(p.we, a.write_enable)?;
        }
        if old.write_addr != a.write_addr {
            out.change_vector(p.waddr, bits(a.write_addr as u64, p.width))?;
        }
        if old.write_data != a.write_data {
            out.change_vector(p.wdata, bits(a.write_data, wbits))?;
        }
        p.last = Some(a);
        Ok(())
    }

    /// Records the signals of cycle `cycle` (called before the cycle's writes commit).
    #[allow(clippy::too_many_arguments)]
    pub fn sample(
        &mut self,
        cycle: u64,
        phase: &str,
        timestep: u32,
        activity: &[Activity; 4],
        weights: &WeightPort,
        neuron_banks: &[SramBank],
        obs: &Observed,
    ) {
        if cycle < self.from || cycle >= self.until {
            return;
        }
        // Write errors end recording silently here and surface in `finish`.
        let _ = self.sample_inner(cycle, phase, timestep, activity, weights, neuron_banks, obs);
    }

    #[allow(clippy::too_many_arguments)]
    fn sample_inner(
        &mut self,
        cycle: u64,
        phase: &str,
        timestep: u32,
        activity: &[Activity; 4],
        weights: &WeightPort,
        neuron_banks: &[SramBank],
        obs: &Observed,
    ) -> std::io::Result<()> {
        self.out.timestamp(self.time(cycle))?;
        self.started = true;
        self.vec(0, self.phase, 5, phase_code(phase))?;
        self.vec(1, self.timestep, 16, timestep as u64)?;
        self.vec(7, self.busy, 1, (phase != "idle") as u64)?;
        self.vec(8, self.spike_valid, 1, (obs.spike_mask != 0) as u64)?;
        self.vec(9, self.spike_neuron, 16, obs.spike_group as u64)?;
        self.vec(10, self.spike_mask, self.pes, obs.spike_mask)?;
        self.vec(11, self.wupd_valid, 1, obs.wupd_valid as u64)?;
        for u in Unit::ALL {
            let code = match activity[u as usize] {
                Activity::Idle => 0,
                Activity::Busy => 1,
                Activity::Stalled => 2,
            };
            self.vec(2 + u as usize, self.units[u as usize], 2, code)?;
        }
        for (p, b) in self.wsram.iter_mut().zip(weights.banks()) {
            Self::port(&mut self.out, p, b.activity, b.word_bits())?;
        }
        for (p, b) in self.nsram.iter_mut().zip(neuron_banks) {
            Self::port(&mut self.out, p, b.activity, b.word_bits())?;
        }
        Ok(())
    }

    /// Writes the final timestamp and flushes.
    pub fn finish(mut self, end_cycle: u64) -> std::io::Result<()> {
        if self.started {
            let end = self.time(end_cycle.min(self.until));
            self.out.timestamp(end)?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn vectors_wider_than_64_bits_are_zero_extended() {
        let v = super::bits(0b101, 130);
        assert_eq!(v.len(), 130);
        assert!(v[..127].iter().all(|b| *b == vcd::Value::V0));
        assert_eq!(v[127..], [vcd::Value::V1, vcd::Value::V0, vcd::Value::V1]);
    }
}
