//! Waveforms of the cycle model on the RTL's time axis, as VCD or FST.
//!
//! Time: `$timescale 1 ps` (IEEE 1364 allows only 1, 10 or 100 of a unit), cycle `k` at
//! `(k - origin) * period + period / 2` with the config's clock period in whole picoseconds and
//! the origin the first cycle of the traced sample ([`Waves::with_origin`]): the rising edge at
//! which the RTL's registers (and the testbench's inputs) take cycle `k`'s values in its trace
//! (time 0 there is the low half of the cycle that samples `start`), so the two files change at
//! the same timestamps.
//!
//! Names: the hierarchical names, widths and vector ranges of the verilated RTL
//! (`rtl/fspinn_top.v`): `TOP.fspinn_top.{busy, obs_phase[4:0], obs_timestep[15:0],
//! spike_valid, spike_neuron[15:0], spike_mask[PES-1:0], wupd_valid}`, with the weights in
//! DRAM the DRAM port (`dram_req_valid`, `dram_req_ready`, `dram_req_write`,
//! `dram_req_addr[39:0]`, `dram_req_bytes[15:0]`, `dram_req_wdata[64*DRAM_WORDS-1:0]`,
//! `dram_resp_valid`, `dram_resp_rdata[64*DRAM_WORDS-1:0]`), and for every SRAM bank
//! `TOP.fspinn_top.g_wbank[b].u_mem.{re, raddr, we, waddr, wdata}` and
//! `TOP.fspinn_top.g_nbank[p].u_mem.{...}`, so a viewer overlays the model and the RTL under
//! the same names. What only the model has (each unit's busy / stalled / idle state) is under
//! `TOP.model`. Only changes are written. A [`ScopePattern`] keeps the signals whose full name
//! matches it (`--vcd-scope`).

use crate::accel::Accelerator;
use crate::counters::{Activity, Unit};
use crate::rtl_consts::Phase;
use crate::sram::PortActivity;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use vcd::{IdCode, Value};

mod header;
mod scope;

use header::{declare_fst, declare_vcd, Decl, Table};
pub use scope::ScopePattern;

/// Output-port values of the current cycle that the model has no other record of.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    /// Group whose neurons fired in this cycle.
    pub spike_group: u32,
    /// Which PEs fired: bit `p % 64` of word `p / 64` is PE `p` (any number of PEs).
    pub spike_mask: Vec<u64>,
    /// The STDP unit writes a weight in this cycle.
    pub wupd_valid: bool,
}

impl Observed {
    /// PE `pe` of group `group` fired in this cycle.
    pub fn fire(&mut self, group: u32, pe: usize) {
        self.spike_group = group;
        let w = pe / 64;
        if self.spike_mask.len() <= w {
            self.spike_mask.resize(w + 1, 0);
        }
        self.spike_mask[w] |= 1u64 << (pe % 64);
    }

    /// Whether any PE fired (`spike_valid`).
    pub fn any_spike(&self) -> bool {
        self.spike_mask.iter().any(|&w| w != 0)
    }

    /// Back to "nothing happened" for the next cycle, keeping the mask's allocation.
    pub fn clear(&mut self) {
        self.spike_group = 0;
        self.spike_mask.iter_mut().for_each(|w| *w = 0);
        self.wupd_valid = false;
    }
}

/// Errors of writing waveforms.
#[derive(Debug, thiserror::Error)]
pub enum WavesError {
    /// Creating or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The FST writer failed.
    #[error("{path}: writing FST: {message}")]
    Fst { path: PathBuf, message: String },
    /// A scope pattern that no signal of the model's waveform matches.
    #[error("--vcd-scope {pattern:?} matches no signal of the cycle model's waveform (names look like TOP.fspinn_top.g_wbank[0].u_mem.we)")]
    NoMatch { pattern: String },
    /// An empty scope pattern.
    #[error("--vcd-scope: the pattern is empty (use e.g. '*wbank*')")]
    EmptyPattern,
}

/// File format of the waveforms (`--waves`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WaveFormat {
    /// Value change dump (IEEE 1364), text.
    #[default]
    Vcd,
    /// GTKWave's compressed Fast Signal Trace format.
    Fst,
}

impl WaveFormat {
    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            WaveFormat::Vcd => "vcd",
            WaveFormat::Fst => "fst",
        }
    }
}

impl std::str::FromStr for WaveFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "vcd" => Ok(WaveFormat::Vcd),
            "fst" => Ok(WaveFormat::Fst),
            _ => Err(format!("unknown waveform format {s:?} (vcd or fst)")),
        }
    }
}

/// What to record: the cycles, the signals, the format.
#[derive(Clone, Debug, Default)]
pub struct WaveOptions {
    /// Cycles recorded (a window: whole runs of big networks would take gigabytes).
    pub window: Range<u64>,
    /// Only the signals whose full name matches (all when `None`).
    pub scope: Option<ScopePattern>,
    /// VCD or FST.
    pub format: WaveFormat,
}

type FstBody = fst_writer::FstBodyWriter<BufWriter<File>>;

enum Out {
    Vcd(vcd::Writer<Box<dyn Write>>),
    Fst(Box<FstBody>),
}

/// FST value changes are buffered in memory; written out at this size.
const FST_FLUSH_BYTES: usize = 16 << 20;

/// Handle of a written signal in its file.
#[derive(Clone, Copy)]
enum Handle {
    Vcd(IdCode),
    Fst(fst_writer::FstSignalId),
}

/// Slots of the signals every trace has (indices into `Waves::slots`).
#[derive(Clone, Copy)]
struct Fixed {
    busy: usize,
    phase: usize,
    timestep: usize,
    units: [usize; 4],
    spike_valid: usize,
    spike_neuron: usize,
    spike_mask: usize,
    wupd_valid: usize,
}

/// DRAM port slots (weights in DRAM).
#[derive(Clone, Copy)]
struct DramSlots {
    req_valid: usize,
    req_ready: usize,
    req_write: usize,
    req_addr: usize,
    req_bytes: usize,
    req_wdata: usize,
    resp_valid: usize,
    resp_rdata: usize,
}

/// One bank's port slots.
#[derive(Clone, Copy)]
struct PortSlots {
    re: usize,
    raddr: usize,
    we: usize,
    waddr: usize,
    wdata: usize,
}

struct Slot {
    width: u32,
    handle: Option<Handle>,
    /// Last written value, 64 bits a word (empty: none written yet).
    last: Vec<u64>,
    /// The last written value is `x` (undefined).
    unknown: bool,
}

/// The model's waveform writer ([`Accelerator::set_waves`]).
pub struct Waves {
    out: Out,
    path: PathBuf,
    slots: Vec<Slot>,
    fixed: Fixed,
    dram: Option<DramSlots>,
    wsram: Vec<PortSlots>,
    nsram: Vec<PortSlots>,
    started: bool,
    /// Cycles recorded are `from..until`.
    from: u64,
    until: u64,
    /// Clock period in ps: one cycle of the time axis.
    period_ps: u64,
    /// The cycle at time 0.
    origin: u64,
    /// Scratch for the bits of one value.
    scratch: Vec<u8>,
    /// The first write error (reported by `finish`).
    error: Option<WavesError>,
}

/// Every signal of the model's waveform and the slots of each.
struct Signals {
    table: Table,
    fixed: Fixed,
    dram: Option<DramSlots>,
    wsram: Vec<PortSlots>,
    nsram: Vec<PortSlots>,
}

impl Signals {
    fn of(acc: &Accelerator) -> Self {
        let mut t = Table::default();
        let model = ["TOP", "model"];
        let mut units = [0usize; 4];
        for u in Unit::ALL {
            units[u as usize] = t.vec(&model, &format!("{}_activity", u.name()), 2);
        }
        let top = ["TOP", "fspinn_top"];
        let pes = acc.neuron_banks().len() as u32;
        let fixed = Fixed {
            busy: t.bit(&top, "busy"),
            phase: t.vec(&top, "obs_phase", Phase::BITS),
            timestep: t.vec(&top, "obs_timestep", 16),
            spike_valid: t.bit(&top, "spike_valid"),
            spike_neuron: t.vec(&top, "spike_neuron", 16),
            spike_mask: t.vec(&top, "spike_mask", pes),
            wupd_valid: t.bit(&top, "wupd_valid"),
            units,
        };
        let layout = acc.layout();
        let dram = (!layout.on_chip).then(|| {
            let data = 64 * layout.words_per_chunk as u32;
            DramSlots {
                req_valid: t.bit(&top, "dram_req_valid"),
                req_ready: t.bit(&top, "dram_req_ready"),
                req_write: t.bit(&top, "dram_req_write"),
                req_addr: t.vec(&top, "dram_req_addr", 40),
                req_bytes: t.vec(&top, "dram_req_bytes", 16),
                req_wdata: t.vec(&top, "dram_req_wdata", data),
                resp_valid: t.bit(&top, "dram_resp_valid"),
                resp_rdata: t.vec(&top, "dram_resp_rdata", data),
            }
        });
        let mut ports = |banks: &[crate::sram::SramBank], gen: &str| -> Vec<PortSlots> {
            banks
                .iter()
                .enumerate()
                .map(|(k, b)| {
                    let g = format!("{gen}[{k}]");
                    let scope = ["TOP", "fspinn_top", g.as_str(), "u_mem"];
                    let a = addr_bits(b.depth());
                    PortSlots {
                        re: t.bit(&scope, "re"),
                        raddr: t.vec(&scope, "raddr", a),
                        we: t.bit(&scope, "we"),
                        waddr: t.vec(&scope, "waddr", a),
                        wdata: t.vec(&scope, "wdata", b.word_bits()),
                    }
                })
                .collect()
        };
        let wsram = ports(acc.weight_port().banks(), "g_wbank");
        let nsram = ports(acc.neuron_banks(), "g_nbank");
        Signals {
            table: t,
            fixed,
            dram,
            wsram,
            nsram,
        }
    }
}

/// Address bits of a bank of `depth` words, as the RTL's `ADDR_BITS` (`$clog2`, at least 1).
fn addr_bits(depth: u32) -> u32 {
    32 - depth.max(2).saturating_sub(1).leading_zeros()
}

impl Waves {
    /// The full hierarchical names of every signal the model's waveform of `acc` can hold
    /// (what a [`ScopePattern`] is matched against).
    pub fn signal_names(acc: &Accelerator) -> Vec<String> {
        Signals::of(acc)
            .table
            .decls
            .iter()
            .map(Decl::full_name)
            .collect()
    }

    /// A waveform of `acc`'s signals at `path` (VCD or FST by `opts.format`), recording the
    /// cycles of `opts.window` and the signals matching `opts.scope` (an error when none does).
    pub fn create(path: &Path, acc: &Accelerator, opts: &WaveOptions) -> Result<Self, WavesError> {
        let io = |source| WavesError::Io {
            path: path.to_path_buf(),
            source,
        };
        let period_ps = (1e6 / acc.config().clock_mhz).round().max(1.0) as u64;
        let Signals {
            table: t,
            fixed,
            dram,
            wsram,
            nsram,
        } = Signals::of(acc);
        let keep: Vec<bool> = t
            .decls
            .iter()
            .map(|d| {
                opts.scope
                    .as_ref()
                    .is_none_or(|p| p.matches(&d.full_name()))
            })
            .collect();
        if let Some(p) = &opts.scope {
            if !keep.iter().any(|&k| k) {
                return Err(WavesError::NoMatch {
                    pattern: p.as_str().to_string(),
                });
            }
        }
        let (out, handles) = match opts.format {
            WaveFormat::Vcd => {
                let file = File::create(path).map_err(io)?;
                let mut w = vcd::Writer::new(Box::new(BufWriter::new(file)) as Box<dyn Write>);
                let handles = declare_vcd(&mut w, &t.decls, &keep).map_err(io)?;
                (Out::Vcd(w), handles)
            }
            WaveFormat::Fst => {
                let fst = |e: fst_writer::FstWriteError| WavesError::Fst {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                };
                let info = fst_writer::FstInfo {
                    start_time: 0,
                    timescale_exponent: -12,
                    version: format!("fspinn-sim {}", env!("CARGO_PKG_VERSION")),
                    date: String::new(),
                    file_type: fst_writer::FstFileType::Verilog,
                };
                let mut h = fst_writer::open_fst(path, &info).map_err(fst)?;
                let handles = declare_fst(&mut h, &t.decls, &keep).map_err(fst)?;
                (Out::Fst(Box::new(h.finish().map_err(fst)?)), handles)
            }
        };
        let slots = t
            .decls
            .iter()
            .zip(handles)
            .map(|(d, handle)| Slot {
                width: d.width,
                handle,
                last: Vec::new(),
                unknown: false,
            })
            .collect();
        Ok(Waves {
            out,
            path: path.to_path_buf(),
            slots,
            fixed,
            dram,
            wsram,
            nsram,
            started: false,
            from: opts.window.start,
            until: opts.window.end,
            period_ps,
            origin: 0,
            scratch: Vec::new(),
            error: None,
        })
    }

    /// Puts cycle `cycle` at time 0 (the first cycle of the traced sample, as in the RTL's
    /// trace); cycles before it are not recorded.
    pub fn with_origin(mut self, cycle: u64) -> Self {
        self.origin = cycle;
        self.from = self.from.max(cycle);
        self
    }

    /// Signals written (those matching the scope pattern).
    pub fn signals(&self) -> usize {
        self.slots.iter().filter(|s| s.handle.is_some()).count()
    }

    fn time(&self, cycle: u64) -> u64 {
        cycle.saturating_sub(self.origin) * self.period_ps + self.period_ps / 2
    }

    /// Writes `words` (64 bits a word, missing words zero) to `slot` if it changed.
    fn set(&mut self, slot: usize, words: &[u64]) -> std::io::Result<()> {
        let s = &mut self.slots[slot];
        let Some(handle) = s.handle else {
            return Ok(());
        };
        let n = (s.width as usize).div_ceil(64);
        let same = !s.last.is_empty()
            && !s.unknown
            && (0..n).all(|k| s.last[k] == words.get(k).copied().unwrap_or(0));
        if same {
            return Ok(());
        }
        s.last.resize(n, 0);
        for (k, w) in s.last.iter_mut().enumerate() {
            *w = words.get(k).copied().unwrap_or(0);
        }
        s.unknown = false;
        bit_string(&s.last, s.width, &mut self.scratch);
        self.write(slot, handle)
    }

    /// Writes `x` (undefined) to `slot` if it is not `x` already.
    fn set_unknown(&mut self, slot: usize) -> std::io::Result<()> {
        let s = &mut self.slots[slot];
        let Some(handle) = s.handle else {
            return Ok(());
        };
        if s.unknown {
            return Ok(());
        }
        s.unknown = true;
        s.last.clear();
        self.scratch.clear();
        self.scratch.resize(s.width as usize, b'x');
        self.write(slot, handle)
    }

    /// Writes the bits in `scratch` as the new value of `slot`.
    fn write(&mut self, slot: usize, handle: Handle) -> std::io::Result<()> {
        let value = |b: u8| match b {
            b'1' => Value::V1,
            b'0' => Value::V0,
            _ => Value::X,
        };
        match (&mut self.out, handle) {
            (Out::Vcd(w), Handle::Vcd(id)) => {
                if self.slots[slot].width == 1 {
                    w.change_scalar(id, value(self.scratch[0]))
                } else {
                    w.change_vector(id, self.scratch.iter().map(|&b| value(b)))
                }
            }
            (Out::Fst(w), Handle::Fst(id)) => w
                .signal_change(id, &self.scratch)
                .map_err(std::io::Error::other),
            _ => unreachable!("handles come from the writer"),
        }
    }

    fn set1(&mut self, slot: usize, v: u64) -> std::io::Result<()> {
        self.set(slot, &[v])
    }

    /// A bank's ports; an address or data without its enable is `x` (undefined: the RTL's
    /// value there is whatever its address logic computes).
    fn port(&mut self, p: PortSlots, a: PortActivity) -> std::io::Result<()> {
        self.set1(p.re, a.read_enable as u64)?;
        if a.read_enable {
            self.set1(p.raddr, a.read_addr as u64)?;
        } else {
            self.set_unknown(p.raddr)?;
        }
        self.set1(p.we, a.write_enable as u64)?;
        if a.write_enable {
            self.set1(p.waddr, a.write_addr as u64)?;
            self.set1(p.wdata, a.write_data)
        } else {
            self.set_unknown(p.waddr)?;
            self.set_unknown(p.wdata)
        }
    }

    /// Records the signals of cycle `cycle` (called before the cycle's writes commit).
    pub fn sample(&mut self, acc: &Accelerator, cycle: u64, obs: &Observed) {
        if cycle < self.from || cycle >= self.until || self.error.is_some() {
            return;
        }
        // The first write error ends recording and is reported by `finish`.
        if let Err(source) = self.sample_inner(acc, cycle, obs) {
            self.error = Some(WavesError::Io {
                path: self.path.clone(),
                source,
            });
        }
    }

    fn sample_inner(
        &mut self,
        acc: &Accelerator,
        cycle: u64,
        obs: &Observed,
    ) -> std::io::Result<()> {
        let t = self.time(cycle);
        match &mut self.out {
            Out::Vcd(w) => w.timestamp(t)?,
            Out::Fst(w) => {
                if w.size() >= FST_FLUSH_BYTES {
                    w.flush().map_err(std::io::Error::other)?;
                }
                w.time_change(t).map_err(std::io::Error::other)?
            }
        }
        self.started = true;
        let f = self.fixed;
        self.set1(f.phase, acc.phase().code() as u64)?;
        self.set1(f.timestep, acc.timestep() as u64)?;
        self.set1(f.busy, (acc.phase() != Phase::Idle) as u64)?;
        self.set1(f.spike_valid, obs.any_spike() as u64)?;
        // The RTL's `spike_neuron` is its group register, defined only with `spike_valid`.
        if obs.any_spike() {
            self.set1(f.spike_neuron, obs.spike_group as u64)?;
        } else {
            self.set_unknown(f.spike_neuron)?;
        }
        self.set(f.spike_mask, &obs.spike_mask)?;
        self.set1(f.wupd_valid, obs.wupd_valid as u64)?;
        for u in Unit::ALL {
            let code = match acc.activity()[u as usize] {
                Activity::Idle => 0,
                Activity::Busy => 1,
                Activity::Stalled => 2,
            };
            self.set1(f.units[u as usize], code)?;
        }
        if let Some(d) = self.dram {
            let port = acc.weight_port().dram_port(cycle);
            self.set1(d.req_valid, port.req_valid as u64)?;
            self.set1(d.req_ready, port.req_ready as u64)?;
            self.set1(d.req_write, port.req_write as u64)?;
            self.set1(d.req_addr, port.req_addr)?;
            self.set1(d.req_bytes, port.req_bytes as u64)?;
            self.set(d.req_wdata, port.req_wdata)?;
            self.set1(d.resp_valid, port.resp_valid as u64)?;
            self.set(d.resp_rdata, port.resp_rdata)?;
        }
        for k in 0..self.wsram.len() {
            self.port(self.wsram[k], acc.weight_port().banks()[k].activity)?;
        }
        for k in 0..self.nsram.len() {
            self.port(self.nsram[k], acc.neuron_banks()[k].activity)?;
        }
        Ok(())
    }

    /// Writes the final timestamp, flushes and closes the file; reports the first write error.
    pub fn finish(mut self, end_cycle: u64) -> Result<(), WavesError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let end = self.time(end_cycle.min(self.until));
        let path = self.path.clone();
        let io = |source| WavesError::Io {
            path: path.clone(),
            source,
        };
        match self.out {
            Out::Vcd(mut w) => {
                if self.started {
                    w.timestamp(end).map_err(io)?;
                }
                w.flush().map_err(io)
            }
            Out::Fst(mut w) => {
                let fst = |e: fst_writer::FstWriteError| WavesError::Fst {
                    path: path.clone(),
                    message: e.to_string(),
                };
                if self.started {
                    w.time_change(end).map_err(fst)?;
                }
                let mut file = w.finish().map_err(fst)?;
                file.flush().map_err(io)
            }
        }
    }
}

/// `words` as `width` ASCII bits, most significant first (bits beyond the words are zero).
fn bit_string(words: &[u64], width: u32, out: &mut Vec<u8>) {
    out.clear();
    out.extend((0..width as usize).rev().map(|b| {
        let w = words.get(b / 64).copied().unwrap_or(0);
        if (w >> (b % 64)) & 1 == 1 {
            b'1'
        } else {
            b'0'
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_wider_than_64_bits_keep_every_word() {
        let mut s = Vec::new();
        bit_string(&[0b101, 0b1], 130, &mut s);
        assert_eq!(s.len(), 130);
        assert_eq!(s[130 - 65], b'1', "bit 64 (PE 64) is set");
        assert_eq!(&s[127..], b"101");
        assert_eq!(s.iter().filter(|&&b| b == b'1').count(), 3);
        bit_string(&[0b101], 130, &mut s);
        assert_eq!(
            s.iter().filter(|&&b| b == b'1').count(),
            2,
            "missing words zero"
        );
    }
}
