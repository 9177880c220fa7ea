//! Waveforms of the cycle model as a VCD file, one time unit per clock cycle (the timescale is
//! the clock period, rounded to whole picoseconds), under the hierarchical names the RTL uses:
//! `fspinn_top.ctrl.*`, `fspinn_top.spikegen.*`, `fspinn_top.pe_array.*`, `fspinn_top.stdp.*`,
//! `fspinn_top.wsram.bankB.*`, `fspinn_top.nsram.peP.*`. Only changes are written.

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

pub struct Waves {
    out: vcd::Writer<Box<dyn Write>>,
    phase: IdCode,
    timestep: IdCode,
    units: [IdCode; 4],
    spikes: IdCode,
    wsram: Vec<Port>,
    nsram: Vec<Port>,
    last: Vec<u64>,
    started: bool,
    /// Cycles recorded are `from..until`.
    from: u64,
    until: u64,
}

fn bits(v: u64, width: u32) -> Vec<Value> {
    (0..width)
        .rev()
        .map(|b| {
            if (v >> b) & 1 == 1 {
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
        let period_ps = (1e6 / clock_mhz).round().max(1.0) as u32;
        out.timescale(period_ps, TimescaleUnit::PS)?;
        out.add_module("fspinn_top")?;
        out.add_module("ctrl")?;
        let phase = out.add_wire(5, "phase")?;
        let timestep = out.add_wire(16, "timestep")?;
        out.upscope()?;
        let mut units = [phase; 4];
        for u in Unit::ALL {
            out.add_module(match u {
                Unit::Controller => "ctrl_unit",
                Unit::SpikeGen => "spikegen",
                Unit::PeArray => "pe_array",
                Unit::Stdp => "stdp",
            })?;
            units[u as usize] = out.add_wire(2, "activity")?;
            out.upscope()?;
        }
        out.add_module("out")?;
        let spikes = out.add_wire(16, "spikes_fired")?;
        out.upscope()?;
        let ports = |out: &mut vcd::Writer<Box<dyn Write>>,
                     banks: &[SramBank],
                     scope: &str,
                     prefix: &str|
         -> std::io::Result<Vec<Port>> {
            out.add_module(scope)?;
            let mut v = Vec::new();
            for (k, b) in banks.iter().enumerate() {
                out.add_module(&format!("{prefix}{k}"))?;
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
            }
            out.upscope()?;
            Ok(v)
        };
        let wsram = ports(&mut out, wsram, "wsram", "bank")?;
        let nsram = ports(&mut out, nsram, "nsram", "pe")?;
        out.upscope()?;
        out.enddefinitions()?;
        Ok(Waves {
            out,
            phase,
            timestep,
            units,
            spikes,
            wsram,
            nsram,
            last: vec![u64::MAX; 7],
            started: false,
            from: window.start,
            until: window.end,
        })
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
        fired: &[u32],
    ) {
        if cycle < self.from || cycle >= self.until {
            return;
        }
        // Write errors end recording silently here and surface in `finish`.
        let _ = self.sample_inner(
            cycle,
            phase,
            timestep,
            activity,
            weights,
            neuron_banks,
            fired,
        );
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
        fired: &[u32],
    ) -> std::io::Result<()> {
        self.out.timestamp(cycle)?;
        self.started = true;
        self.vec(0, self.phase, 5, phase_code(phase))?;
        self.vec(1, self.timestep, 16, timestep as u64)?;
        for u in Unit::ALL {
            let code = match activity[u as usize] {
                Activity::Idle => 0,
                Activity::Busy => 1,
                Activity::Stalled => 2,
            };
            self.vec(2 + u as usize, self.units[u as usize], 2, code)?;
        }
        self.vec(6, self.spikes, 16, fired.len() as u64)?;
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
            self.out.timestamp(end_cycle.min(self.until))?;
        }
        self.out.flush()
    }
}
