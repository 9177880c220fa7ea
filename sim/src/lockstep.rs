//! Lock step: what a chip does in every cycle of a sample, recorded by one implementation and
//! checked, cycle by cycle as it happens, against another (docs/rtl.md, "Lock step").
//!
//! A [`CycleRecord`] holds, relative to the sample's first cycle, every output spike (group and
//! full PE mask, any number of PEs), every weight write, every SRAM bank's port activity
//! ([`PortActivity`]: re/raddr/we/waddr/wdata) and every DRAM request handed to the channel.
//! The cycle model records one while it runs a sample ([`record_sample`]); the RTL is then
//! stepped and each of its cycles is offered to a [`Checker`], which returns the first
//! [`Mismatch`] (the cycle, the unit, the signal, both values) so the RTL can stop at once.
//! The same types report the end-of-sample checks (cycles, bank access counts, spike counts,
//! DRAM counters), so every difference between two chips is one typed value.

use crate::accel::{Accelerator, SampleOutcome};
use crate::dram::DramCounters;
use crate::events::{SpikeEvent, WeightWrite};
use crate::sram::{PortActivity, SramBank};
use serde::Serialize;

/// One bank's port activity in one cycle (only cycles with a read or a write are recorded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortEvent {
    /// Cycle (from the sample's first cycle once in a [`CycleRecord`]).
    pub cycle: u64,
    /// Bank index: weight banks `0..WBANKS`, then neuron banks (`wsram0..`, `nsram0..`).
    pub bank: u32,
    /// What the bank's ports did.
    pub port: PortActivity,
}

/// A DRAM transaction handed to the channel (presented and accepted) in one cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DramIssue {
    /// Cycle of the hand-over.
    pub cycle: u64,
    /// A write (else a read).
    pub write: bool,
    /// First byte address.
    pub addr: u64,
    /// Bytes of the transaction.
    pub bytes: u32,
    /// The 64-bit words written (empty for a read).
    pub data: Vec<u64>,
}

/// The raw per-cycle log an [`Accelerator`] keeps while [`Accelerator::record_ports`] is on
/// (global cycle numbers).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PortLog {
    /// Every active bank port, by cycle then bank.
    pub ports: Vec<PortEvent>,
    /// Every DRAM request, by cycle.
    pub dram: Vec<DramIssue>,
}

impl PortLog {
    /// Records cycle `cycle`: every bank with a read or a write, and the DRAM request if any.
    pub fn sample(
        &mut self,
        cycle: u64,
        weight_banks: &[SramBank],
        neuron_banks: &[SramBank],
        dram: Option<&DramIssue>,
    ) {
        for (k, b) in weight_banks.iter().chain(neuron_banks).enumerate() {
            if b.activity.read_enable || b.activity.write_enable {
                self.ports.push(PortEvent {
                    cycle,
                    bank: k as u32,
                    port: b.activity,
                });
            }
        }
        if let Some(d) = dram {
            self.dram.push(d.clone());
        }
    }
}

/// The output spikes of one cycle: the group that fired and which of its PEs (bit `p % 64`
/// of word `p / 64`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpikeCycle {
    /// Cycle from the sample's first cycle.
    pub cycle: u64,
    /// Neuron group (`spike_neuron`).
    pub group: u32,
    /// PE mask, 64 PEs a word.
    pub mask: Vec<u64>,
}

/// Everything one sample did, cycle by cycle, relative to its first cycle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CycleRecord {
    /// Cycles of the sample (the last one asserts `done`).
    pub cycles: u64,
    /// PEs of the chip (width of the spike masks).
    pub pes: u32,
    /// Names of the banks, by index (`wsram0..`, then `nsram0..`).
    pub bank_names: Vec<String>,
    /// Every output spike.
    pub spikes: Vec<SpikeEvent>,
    /// The spikes grouped by cycle, as the `spike_*` ports show them.
    pub spike_cycles: Vec<SpikeCycle>,
    /// Every weight the learning rule wrote.
    pub weight_writes: Vec<WeightWrite>,
    /// Every active bank port.
    pub ports: Vec<PortEvent>,
    /// Every DRAM request.
    pub dram: Vec<DramIssue>,
}

impl CycleRecord {
    /// A record from absolute-cycle logs of a sample that started at cycle `start`.
    pub fn from_logs(
        start: u64,
        cycles: u64,
        pes: u32,
        bank_names: Vec<String>,
        spikes: &[SpikeEvent],
        weight_writes: &[WeightWrite],
        log: PortLog,
    ) -> Self {
        let spikes: Vec<SpikeEvent> = spikes
            .iter()
            .map(|e| SpikeEvent {
                cycle: e.cycle - start,
                ..*e
            })
            .collect();
        let spike_cycles = spike_cycles(&spikes, pes);
        CycleRecord {
            cycles,
            pes,
            bank_names,
            spike_cycles,
            spikes,
            weight_writes: weight_writes
                .iter()
                .map(|e| WeightWrite {
                    cycle: e.cycle - start,
                    ..*e
                })
                .collect(),
            ports: {
                let mut ports = log.ports;
                for p in &mut ports {
                    p.cycle -= start;
                }
                ports
            },
            dram: {
                let mut dram = log.dram;
                for d in &mut dram {
                    d.cycle -= start;
                }
                dram
            },
        }
    }
}

/// Output spikes grouped by cycle: one entry per cycle with the group of its first spike and
/// the mask of every spike of that cycle in that group (a spike of another group in the same
/// cycle, which no chip produces, gets its own entry and is reported as a mismatch).
pub fn spike_cycles(spikes: &[SpikeEvent], pes: u32) -> Vec<SpikeCycle> {
    let pes = pes.max(1);
    let words = (pes as usize).div_ceil(64);
    let mut out: Vec<SpikeCycle> = Vec::new();
    for e in spikes {
        let (group, p) = (e.neuron / pes, (e.neuron % pes) as usize);
        match out.last_mut() {
            Some(c) if c.cycle == e.cycle && c.group == group => c.mask[p / 64] |= 1 << (p % 64),
            _ => {
                let mut mask = vec![0u64; words];
                mask[p / 64] |= 1 << (p % 64);
                out.push(SpikeCycle {
                    cycle: e.cycle,
                    group,
                    mask,
                });
            }
        }
    }
    out
}

/// Bank names of an accelerator, by lock-step bank index.
pub fn bank_names(acc: &Accelerator) -> Vec<String> {
    acc.weight_port()
        .banks()
        .iter()
        .chain(acc.neuron_banks())
        .map(|b| b.name().to_string())
        .collect()
}

/// Runs one sample on the cycle model, recording every cycle; leaves event and port
/// recording off afterwards.
pub fn record_sample(
    acc: &mut Accelerator,
    image: &[u8],
    sample_seed: u32,
    train: bool,
) -> (SampleOutcome, CycleRecord) {
    let start = acc.cycle();
    acc.record_events(true);
    acc.record_ports(true);
    let out = acc.run_sample(image, sample_seed, train);
    let events = acc.take_events().unwrap_or_default();
    let log = acc.take_port_log().unwrap_or_default();
    acc.record_events(false);
    acc.record_ports(false);
    let rec = CycleRecord::from_logs(
        start,
        out.cycles,
        acc.config().pe_array.pes,
        bank_names(acc),
        &events.spikes,
        &events.weight_writes,
        log,
    );
    (out, rec)
}

/// Where a difference is and what it is: the sample, the cycle (from the sample's first
/// cycle), what the reference (the cycle model) did and what the chip under test did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At {
    /// Index of the sample in the run.
    pub sample: u64,
    /// Cycle from the sample's first cycle (for end-of-sample checks: the sample's length).
    pub cycle: u64,
    /// The reference's value.
    pub expected: String,
    /// The chip's value.
    pub actual: String,
}

/// One difference between two chips running the same sample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// The spike output (`signal`: `spike_valid`, `spike_neuron` or `spike_mask`).
    Spike {
        /// Where and what.
        at: At,
        /// The port that differs.
        signal: &'static str,
    },
    /// A weight write of the STDP unit (`wupd_valid`, `wupd_input`, `wupd_neuron`,
    /// `wupd_value`).
    WeightWrite {
        /// Where and what.
        at: At,
        /// The port that differs.
        signal: &'static str,
    },
    /// One SRAM bank's port (`re`, `raddr`, `we`, `waddr`, `wdata`).
    BankPort {
        /// Where and what.
        at: At,
        /// The bank (`wsram3`, `nsram0`).
        bank: String,
        /// The port that differs.
        signal: &'static str,
    },
    /// A DRAM request handed to the channel (`valid`, `write`, `addr`, `bytes`, `wdata`).
    DramRequest {
        /// Where and what.
        at: At,
        /// The field that differs.
        signal: &'static str,
    },
    /// The sample's length: `done` in a different cycle.
    Cycles {
        /// Where and what.
        at: At,
    },
    /// The chip ran past the reference's cycles plus a margin without `done`.
    Timeout {
        /// Where and what.
        at: At,
    },
    /// A bank's read or write count over the sample.
    Accesses {
        /// Where and what.
        at: At,
        /// The bank.
        bank: String,
    },
    /// The spike counts read back after the sample (the first neuron that differs).
    Count {
        /// Where and what.
        at: At,
        /// The neuron.
        neuron: u32,
    },
    /// The DRAM channel's counters over the sample.
    Dram {
        /// Where and what.
        at: At,
        /// The counter (`requests`, `row_hits`, ...; `channel` when one side has none).
        counter: String,
    },
    /// The DRAM channel refused a request of the chip (a bad address or size).
    DramRefused {
        /// Where and what.
        at: At,
    },
}

impl Mismatch {
    /// Sample, cycle and both values.
    pub fn at(&self) -> &At {
        match self {
            Mismatch::Spike { at, .. }
            | Mismatch::WeightWrite { at, .. }
            | Mismatch::BankPort { at, .. }
            | Mismatch::DramRequest { at, .. }
            | Mismatch::Cycles { at }
            | Mismatch::Timeout { at }
            | Mismatch::Accesses { at, .. }
            | Mismatch::Count { at, .. }
            | Mismatch::Dram { at, .. }
            | Mismatch::DramRefused { at } => at,
        }
    }
    /// Index of the sample.
    pub fn sample(&self) -> u64 {
        self.at().sample
    }
    /// Cycle from the sample's first cycle.
    pub fn cycle(&self) -> u64 {
        self.at().cycle
    }
    /// The reference's value.
    pub fn expected(&self) -> &str {
        &self.at().expected
    }
    /// The chip's value.
    pub fn actual(&self) -> &str {
        &self.at().actual
    }
    /// The kind, as a short name (`spike`, `weight_write`, `bank_port`, `dram_request`,
    /// `cycles`, `timeout`, `accesses`, `count`, `dram`, `dram_refused`).
    pub fn what(&self) -> &'static str {
        match self {
            Mismatch::Spike { .. } => "spike",
            Mismatch::WeightWrite { .. } => "weight_write",
            Mismatch::BankPort { .. } => "bank_port",
            Mismatch::DramRequest { .. } => "dram_request",
            Mismatch::Cycles { .. } => "cycles",
            Mismatch::Timeout { .. } => "timeout",
            Mismatch::Accesses { .. } => "accesses",
            Mismatch::Count { .. } => "count",
            Mismatch::Dram { .. } => "dram",
            Mismatch::DramRefused { .. } => "dram_refused",
        }
    }
    /// The unit: `spike_out`, `stdp`, a bank's name, `dram`, `controller`, `host`.
    pub fn unit(&self) -> String {
        match self {
            Mismatch::Spike { .. } => "spike_out".into(),
            Mismatch::WeightWrite { .. } => "stdp".into(),
            Mismatch::BankPort { bank, .. } | Mismatch::Accesses { bank, .. } => bank.clone(),
            Mismatch::DramRequest { .. } | Mismatch::Dram { .. } | Mismatch::DramRefused { .. } => {
                "dram".into()
            }
            Mismatch::Cycles { .. } | Mismatch::Timeout { .. } => "controller".into(),
            Mismatch::Count { .. } => "host".into(),
        }
    }
    /// The signal or counter that differs.
    pub fn signal(&self) -> String {
        match self {
            Mismatch::Spike { signal, .. }
            | Mismatch::WeightWrite { signal, .. }
            | Mismatch::BankPort { signal, .. }
            | Mismatch::DramRequest { signal, .. } => (*signal).into(),
            Mismatch::Cycles { .. } | Mismatch::Timeout { .. } => "done".into(),
            Mismatch::Accesses { .. } => "reads/writes".into(),
            Mismatch::Count { neuron, .. } => format!("count[{neuron}]"),
            Mismatch::Dram { counter, .. } => counter.clone(),
            Mismatch::DramRefused { .. } => "request".into(),
        }
    }
    /// The cycle-by-cycle kinds (found as the chip runs), as opposed to end-of-sample checks.
    pub fn is_per_cycle(&self) -> bool {
        matches!(
            self,
            Mismatch::Spike { .. }
                | Mismatch::WeightWrite { .. }
                | Mismatch::BankPort { .. }
                | Mismatch::DramRequest { .. }
                | Mismatch::Cycles { .. }
        )
    }
}

/// One line: `sample 0 cycle 1234: wsram3.raddr expected 0x12 got 0x13`.
impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.at();
        write!(
            f,
            "sample {} cycle {}: {}.{} expected {} got {}",
            at.sample,
            at.cycle,
            self.unit(),
            self.signal(),
            at.expected,
            at.actual
        )
    }
}

/// JSON: `{what, sample, cycle, unit, signal, expected, actual}`.
impl Serialize for Mismatch {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let at = self.at();
        let mut st = s.serialize_struct("Mismatch", 7)?;
        st.serialize_field("what", self.what())?;
        st.serialize_field("sample", &at.sample)?;
        st.serialize_field("cycle", &at.cycle)?;
        st.serialize_field("unit", &self.unit())?;
        st.serialize_field("signal", &self.signal())?;
        st.serialize_field("expected", &at.expected)?;
        st.serialize_field("actual", &at.actual)?;
        st.end()
    }
}

/// What a chip shows in one cycle, as the lock step compares it.
#[derive(Clone, Debug, Default)]
pub struct CycleObs<'a> {
    /// Cycle from the sample's first cycle.
    pub cycle: u64,
    /// `done` is asserted (the sample's last cycle).
    pub done: bool,
    /// Attempt and time step the controller shows (`obs_attempt`, `obs_timestep`).
    pub attempt: u32,
    /// Time step.
    pub t: u32,
    /// Output spikes of the cycle: group and PE mask (`None`: `spike_valid` low).
    pub spike: Option<(u32, &'a [u64])>,
    /// The weight write of the cycle.
    pub weight_write: Option<WeightWrite>,
    /// Every bank with a read or a write, by bank index.
    pub ports: &'a [(u32, PortActivity)],
    /// The DRAM request handed to the channel in this cycle.
    pub dram: Option<&'a DramIssue>,
}

/// Checks a chip's cycles, as they happen, against a [`CycleRecord`]; each call consumes the
/// record's entries of that cycle. Cycles must be offered in order, every one of them.
#[derive(Debug)]
pub struct Checker<'a> {
    rec: &'a CycleRecord,
    sample: u64,
    spike: usize,
    write: usize,
    port: usize,
    dram: usize,
}

fn hex_words(w: &[u64]) -> String {
    let mut s = String::from("0x");
    let mut started = false;
    for x in w.iter().rev() {
        if started {
            s += &format!("{x:016x}");
        } else if *x != 0 {
            s += &format!("{x:x}");
            started = true;
        }
    }
    if !started {
        s += "0";
    }
    s
}

fn same_mask(a: &[u64], b: &[u64]) -> bool {
    let n = a.len().max(b.len());
    (0..n).all(|k| a.get(k).copied().unwrap_or(0) == b.get(k).copied().unwrap_or(0))
}

impl<'a> Checker<'a> {
    /// A checker of sample `sample` against `rec`.
    pub fn new(rec: &'a CycleRecord, sample: u64) -> Self {
        Checker {
            rec,
            sample,
            spike: 0,
            write: 0,
            port: 0,
            dram: 0,
        }
    }

    fn at(&self, cycle: u64, expected: String, actual: String) -> At {
        At {
            sample: self.sample,
            cycle,
            expected,
            actual,
        }
    }

    /// Compares one cycle; the first difference found, if any.
    pub fn check(&mut self, o: &CycleObs<'_>) -> Option<Mismatch> {
        let c = o.cycle;
        let rec = self.rec;
        // done: in the record's last cycle, and only there.
        let done_expected = c + 1 == rec.cycles;
        if o.done != done_expected {
            return Some(Mismatch::Cycles {
                at: self.at(
                    c,
                    format!(
                        "done {} (the sample takes {} cycles)",
                        done_expected as u8, rec.cycles
                    ),
                    format!("done {}", o.done as u8),
                ),
            });
        }
        // Spikes.
        let exp = rec.spike_cycles.get(self.spike).filter(|s| s.cycle == c);
        if exp.is_some() {
            self.spike += 1;
        }
        match (exp, o.spike) {
            (None, None) => {}
            (Some(e), Some((g, m))) => {
                if e.group != g {
                    return Some(Mismatch::Spike {
                        at: self.at(c, e.group.to_string(), g.to_string()),
                        signal: "spike_neuron",
                    });
                }
                if !same_mask(&e.mask, m) {
                    return Some(Mismatch::Spike {
                        at: self.at(c, hex_words(&e.mask), hex_words(m)),
                        signal: "spike_mask",
                    });
                }
            }
            (e, a) => {
                return Some(Mismatch::Spike {
                    at: self.at(
                        c,
                        e.map_or("0".into(), |e| {
                            format!("1 (group {}, mask {})", e.group, hex_words(&e.mask))
                        }),
                        a.map_or("0".into(), |(g, m)| {
                            format!("1 (group {g}, mask {})", hex_words(m))
                        }),
                    ),
                    signal: "spike_valid",
                })
            }
        }
        // Weight writes.
        let exp = rec.weight_writes.get(self.write).filter(|w| w.cycle == c);
        if exp.is_some() {
            self.write += 1;
        }
        match (exp, o.weight_write.as_ref()) {
            (None, None) => {}
            (Some(e), Some(a)) => {
                let fields: [(&'static str, u64, u64); 3] = [
                    ("wupd_input", e.input as u64, a.input as u64),
                    ("wupd_neuron", e.neuron as u64, a.neuron as u64),
                    ("wupd_value", e.value as u64, a.value as u64),
                ];
                if let Some((signal, x, y)) = fields.into_iter().find(|f| f.1 != f.2) {
                    return Some(Mismatch::WeightWrite {
                        at: self.at(c, format!("{x:#x}"), format!("{y:#x}")),
                        signal,
                    });
                }
            }
            (e, a) => {
                return Some(Mismatch::WeightWrite {
                    at: self.at(
                        c,
                        e.map_or("0".into(), |e| format!("1 ({e:?})")),
                        a.map_or("0".into(), |a| format!("1 ({a:?})")),
                    ),
                    signal: "wupd_valid",
                })
            }
        }
        // Bank ports: both sides sorted by bank.
        let start = self.port;
        while rec.ports.get(self.port).is_some_and(|p| p.cycle == c) {
            self.port += 1;
        }
        let exp = &rec.ports[start..self.port];
        let (mut i, mut j) = (0, 0);
        while i < exp.len() || j < o.ports.len() {
            let eb = exp.get(i).map_or(u32::MAX, |p| p.bank);
            let ab = o.ports.get(j).map_or(u32::MAX, |p| p.0);
            let bank = eb.min(ab);
            let e = if eb == bank {
                i += 1;
                exp[i - 1].port
            } else {
                PortActivity::default()
            };
            let a = if ab == bank {
                j += 1;
                o.ports[j - 1].1
            } else {
                PortActivity::default()
            };
            if let Some((signal, x, y)) = port_difference(&e, &a) {
                let name = rec
                    .bank_names
                    .get(bank as usize)
                    .cloned()
                    .unwrap_or_else(|| format!("bank{bank}"));
                return Some(Mismatch::BankPort {
                    at: self.at(c, format!("{x:#x}"), format!("{y:#x}")),
                    bank: name,
                    signal,
                });
            }
        }
        // DRAM requests.
        let exp = rec.dram.get(self.dram).filter(|d| d.cycle == c);
        if exp.is_some() {
            self.dram += 1;
        }
        match (exp, o.dram) {
            (None, None) => {}
            (Some(e), Some(a)) => {
                let fields: [(&'static str, u64, u64); 3] = [
                    ("write", e.write as u64, a.write as u64),
                    ("addr", e.addr, a.addr),
                    ("bytes", e.bytes as u64, a.bytes as u64),
                ];
                if let Some((signal, x, y)) = fields.into_iter().find(|f| f.1 != f.2) {
                    return Some(Mismatch::DramRequest {
                        at: self.at(c, format!("{x:#x}"), format!("{y:#x}")),
                        signal,
                    });
                }
                if e.write && !same_mask(&e.data, &a.data) {
                    return Some(Mismatch::DramRequest {
                        at: self.at(c, hex_words(&e.data), hex_words(&a.data)),
                        signal: "wdata",
                    });
                }
            }
            (e, a) => {
                let show = |d: Option<&DramIssue>| {
                    d.map_or("0".into(), |d| {
                        format!(
                            "1 ({} {:#x}, {} bytes)",
                            if d.write { "write" } else { "read" },
                            d.addr,
                            d.bytes
                        )
                    })
                };
                return Some(Mismatch::DramRequest {
                    at: self.at(c, show(e), show(a)),
                    signal: "valid",
                });
            }
        }
        None
    }
}

/// The first port signal that differs: enables always, addresses and data only when enabled.
fn port_difference(e: &PortActivity, a: &PortActivity) -> Option<(&'static str, u64, u64)> {
    if e.read_enable != a.read_enable {
        return Some(("re", e.read_enable as u64, a.read_enable as u64));
    }
    if e.read_enable && e.read_addr != a.read_addr {
        return Some(("raddr", e.read_addr as u64, a.read_addr as u64));
    }
    if e.write_enable != a.write_enable {
        return Some(("we", e.write_enable as u64, a.write_enable as u64));
    }
    if e.write_enable && e.write_addr != a.write_addr {
        return Some(("waddr", e.write_addr as u64, a.write_addr as u64));
    }
    if e.write_enable && e.write_data != a.write_data {
        return Some(("wdata", e.write_data, a.write_data));
    }
    None
}

/// Builds a [`CycleRecord`] from a chip's observed cycles (the RTL's port trace).
#[derive(Debug, Default)]
pub struct Recorder {
    /// The record so far.
    pub record: CycleRecord,
}

impl Recorder {
    /// Appends one observed cycle.
    pub fn push(&mut self, o: &CycleObs<'_>) {
        let r = &mut self.record;
        if let Some((group, mask)) = o.spike {
            for p in 0..r.pes as usize {
                if mask.get(p / 64).is_some_and(|w| w >> (p % 64) & 1 == 1) {
                    r.spikes.push(SpikeEvent {
                        attempt: o.attempt,
                        t: o.t,
                        neuron: group * r.pes + p as u32,
                        cycle: o.cycle,
                    });
                }
            }
            r.spike_cycles.push(SpikeCycle {
                cycle: o.cycle,
                group,
                mask: mask.to_vec(),
            });
        }
        if let Some(w) = o.weight_write {
            r.weight_writes.push(w);
        }
        for &(bank, port) in o.ports {
            r.ports.push(PortEvent {
                cycle: o.cycle,
                bank,
                port,
            });
        }
        if let Some(d) = o.dram {
            r.dram.push(d.clone());
        }
        r.cycles = o.cycle + 1;
    }
}

/// The end-of-sample checks of two runs of one sample: cycles, every bank's reads and writes,
/// the spike counts and the DRAM counters. `reference` is the expected side.
pub fn compare_totals(
    sample: u64,
    reference: &crate::chip::SampleRun,
    chip: &crate::chip::SampleRun,
) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let at = |cycle: u64, expected: String, actual: String| At {
        sample,
        cycle,
        expected,
        actual,
    };
    let end = reference.cycles;
    if chip.timed_out {
        out.push(Mismatch::Timeout {
            at: at(
                chip.cycles,
                format!("done in cycle {}", reference.cycles.saturating_sub(1)),
                format!("no done after {} cycles", chip.cycles),
            ),
        });
    } else if reference.cycles != chip.cycles {
        out.push(Mismatch::Cycles {
            at: at(
                reference.cycles.min(chip.cycles),
                reference.cycles.to_string(),
                chip.cycles.to_string(),
            ),
        });
    }
    for (e, a) in reference.accesses.iter().zip(&chip.accesses) {
        if (e.reads, e.writes) != (a.reads, a.writes) {
            out.push(Mismatch::Accesses {
                at: at(
                    end,
                    format!("{} reads, {} writes", e.reads, e.writes),
                    format!("{} reads, {} writes", a.reads, a.writes),
                ),
                bank: e.name.clone(),
            });
        }
    }
    if reference.accesses.len() != chip.accesses.len() {
        out.push(Mismatch::Accesses {
            at: at(
                end,
                format!("{} banks", reference.accesses.len()),
                format!("{} banks", chip.accesses.len()),
            ),
            bank: "banks".into(),
        });
    }
    let n = reference.counts.len().max(chip.counts.len());
    if let Some(j) = (0..n).find(|&j| reference.counts.get(j) != chip.counts.get(j)) {
        let show = |v: Option<&u32>| v.map_or("none".to_string(), u32::to_string);
        out.push(Mismatch::Count {
            at: at(end, show(reference.counts.get(j)), show(chip.counts.get(j))),
            neuron: j as u32,
        });
    }
    match (&reference.dram, &chip.dram) {
        (Some(e), Some(a)) => {
            if let Some((name, x, y)) = dram_difference(e, a) {
                out.push(Mismatch::Dram {
                    at: at(end, x.to_string(), y.to_string()),
                    counter: name.into(),
                });
            }
        }
        (Some(e), None) if e.requests > 0 => out.push(Mismatch::Dram {
            at: at(end, format!("{e:?}"), "no DRAM behind the chip".into()),
            counter: "channel".into(),
        }),
        _ => {}
    }
    if let Some(e) = chip.dram_errors.first() {
        out.push(Mismatch::DramRefused {
            at: at(
                end,
                "every request accepted".into(),
                format!("{} refused, first: {e}", chip.dram_errors.len()),
            ),
        });
    }
    out
}

/// The first DRAM counter that differs: its name and both values.
fn dram_difference(e: &DramCounters, a: &DramCounters) -> Option<(&'static str, u64, u64)> {
    [
        ("requests", e.requests, a.requests),
        ("reads", e.reads, a.reads),
        ("writes", e.writes, a.writes),
        ("read_bytes", e.read_bytes, a.read_bytes),
        ("write_bytes", e.write_bytes, a.write_bytes),
        ("activates", e.activates, a.activates),
        ("precharges", e.precharges, a.precharges),
        ("row_hits", e.row_hits, a.row_hits),
        ("row_misses", e.row_misses, a.row_misses),
        ("refreshes", e.refreshes, a.refreshes),
        ("busy_cycles", e.busy_cycles, a.busy_cycles),
    ]
    .into_iter()
    .find(|f| f.1 != f.2)
}

/// `a - b`, field by field (counters of one sample).
pub fn dram_delta(a: &DramCounters, b: &DramCounters) -> DramCounters {
    DramCounters {
        requests: a.requests - b.requests,
        reads: a.reads - b.reads,
        writes: a.writes - b.writes,
        read_bytes: a.read_bytes - b.read_bytes,
        write_bytes: a.write_bytes - b.write_bytes,
        activates: a.activates - b.activates,
        precharges: a.precharges - b.precharges,
        row_hits: a.row_hits - b.row_hits,
        row_misses: a.row_misses - b.row_misses,
        refreshes: a.refreshes - b.refreshes,
        busy_cycles: a.busy_cycles - b.busy_cycles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> CycleRecord {
        let spikes = [SpikeEvent {
            attempt: 0,
            t: 0,
            neuron: 16 * 2 + 3,
            cycle: 5,
        }];
        let log = PortLog {
            ports: vec![PortEvent {
                cycle: 4,
                bank: 1,
                port: PortActivity {
                    read_enable: true,
                    read_addr: 0x12,
                    ..Default::default()
                },
            }],
            dram: Vec::new(),
        };
        CycleRecord::from_logs(
            0,
            8,
            16,
            vec!["wsram0".into(), "wsram1".into()],
            &spikes,
            &[],
            log,
        )
    }

    #[test]
    fn identical_cycles_pass_and_the_first_difference_is_named() {
        let r = rec();
        let mut ok = Checker::new(&r, 0);
        for c in 0..8 {
            let port = [(
                1u32,
                PortActivity {
                    read_enable: true,
                    read_addr: 0x12,
                    ..Default::default()
                },
            )];
            let mask = [1u64 << 3];
            let o = CycleObs {
                cycle: c,
                done: c == 7,
                spike: (c == 5).then_some((2, &mask[..])),
                ports: if c == 4 { &port } else { &[] },
                ..Default::default()
            };
            assert_eq!(ok.check(&o), None, "cycle {c}");
        }
        let mut bad = Checker::new(&r, 3);
        for c in 0..4 {
            let o = CycleObs {
                cycle: c,
                ..Default::default()
            };
            assert_eq!(bad.check(&o), None);
        }
        let port = [(
            1u32,
            PortActivity {
                read_enable: true,
                read_addr: 0x13,
                ..Default::default()
            },
        )];
        let m = bad
            .check(&CycleObs {
                cycle: 4,
                ports: &port,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            m.to_string(),
            "sample 3 cycle 4: wsram1.raddr expected 0x12 got 0x13"
        );
        let j = serde_json::to_value(&m).unwrap();
        assert_eq!(j["what"], "bank_port");
        assert_eq!(j["unit"], "wsram1");
        assert_eq!(j["signal"], "raddr");
        assert_eq!(j["cycle"], 4);
    }

    #[test]
    fn a_late_done_is_a_cycles_mismatch_in_the_models_last_cycle() {
        let r = rec();
        let mut c = Checker::new(&r, 0);
        let mask = [1u64 << 3];
        let port = [(
            1u32,
            PortActivity {
                read_enable: true,
                read_addr: 0x12,
                ..Default::default()
            },
        )];
        for k in 0..7 {
            let o = CycleObs {
                cycle: k,
                spike: (k == 5).then_some((2, &mask[..])),
                ports: if k == 4 { &port } else { &[] },
                ..Default::default()
            };
            assert_eq!(c.check(&o), None);
        }
        let m = c
            .check(&CycleObs {
                cycle: 7,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(m.what(), "cycles");
        assert_eq!(m.cycle(), 7);
    }

    #[test]
    fn spike_masks_beyond_64_pes_are_compared_in_full() {
        let spikes = [
            SpikeEvent {
                attempt: 0,
                t: 0,
                neuron: 200,
                cycle: 1,
            },
            SpikeEvent {
                attempt: 0,
                t: 0,
                neuron: 3,
                cycle: 1,
            },
        ];
        let c = spike_cycles(&spikes, 256);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].mask, vec![1 << 3, 0, 0, 1 << (200 - 192)]);
    }
}
