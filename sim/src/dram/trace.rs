//! The DRAM command trace in DRAMPower 5's CSV command-list form (or DRAMPower 4.x's
//! `clk,CMD,bank` form), and the memspec that goes with it (see the `dram` module doc).
//! Timestamps are converted from accelerator cycles to DRAM clock cycles here, because
//! DRAMPower counts time in the memspec's `tCK`.

use std::fmt;
use std::io::{self, BufWriter, Write};

use serde_json::json;

use super::{DramConfig, DramKind};

/// A DRAM command as it appears in the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DramCommand {
    /// Activate: opens a row in a bank.
    Act,
    /// Precharge: closes the open row of a bank.
    Pre,
    /// Read one burst from the open row.
    Rd,
    /// Write one burst to the open row.
    Wr,
    /// All-bank refresh.
    Refa,
}

impl DramCommand {
    /// The mnemonic DRAMPower 4.x's trace reader expects (all-bank refresh is `REF` there).
    pub fn mnemonic_v4(self) -> &'static str {
        match self {
            DramCommand::Refa => "REF",
            other => other.mnemonic(),
        }
    }

    /// The mnemonic DRAMPower 5 expects in its command list.
    pub fn mnemonic(self) -> &'static str {
        match self {
            DramCommand::Act => "ACT",
            DramCommand::Pre => "PRE",
            DramCommand::Rd => "RD",
            DramCommand::Wr => "WR",
            DramCommand::Refa => "REFA",
        }
    }
}

impl fmt::Display for DramCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mnemonic())
    }
}

/// Which DRAMPower generation the trace (and the memspec beside it) is written for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TraceFormat {
    /// DRAMPower 5: `ts,CMD,rank,bankgroup,bank,row,column[,data]` and a memspec JSON.
    #[default]
    DramPower5,
    /// DRAMPower 4.x: `clk,CMD,bank` and a memspec XML; 4.x models DDR3 but not LPDDR4/HBM2.
    DramPower4,
}

/// A trace format the DRAM standard cannot be written in.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TraceFormatError {
    /// DRAMPower 4.x has no memory type for this standard.
    #[error(
        "DRAMPower 4.x has no model of {0} (its memory types stop at DDR4/LPDDR3/WIDEIO): \
         use --dram-trace-format drampower5 for {0}"
    )]
    NoDramPower4Model(DramKind),
}

impl TraceFormat {
    /// Checks that `kind` can be written in this format (refused before any trace is opened,
    /// so no half-usable file is left behind).
    pub fn check(self, kind: DramKind) -> Result<(), TraceFormatError> {
        match (self, kind) {
            (TraceFormat::DramPower4, DramKind::Lpddr4 | DramKind::Hbm2) => {
                Err(TraceFormatError::NoDramPower4Model(kind))
            }
            _ => Ok(()),
        }
    }
}

/// Optional trace sink. A write failure must not abort the simulation mid-transaction (the
/// schedule is already decided), so the first error is kept, tracing stops, and the error is
/// reported by the next `flush`.
#[derive(Default)]
pub(super) struct Trace {
    sink: Option<BufWriter<Box<dyn Write>>>,
    error: Option<io::Error>,
    /// DRAM clock cycles per accelerator cycle.
    ratio: f64,
    /// Payload of a RD/WR line: one burst of zero bytes, in hex (DRAMPower needs a data field;
    /// the cycle model does not carry the data, so DRAMPower's interface energy of this trace
    /// is that of an all-zero payload).
    data: String,
    /// The preset's DRAM clock period, ns.
    tck_ns: f64,
    /// The line format.
    format: TraceFormat,
}

/// A copy traces nothing: the sink belongs to the original (a snapshot of the channel, run
/// again, must not write a second copy of the commands into the same file).
impl Clone for Trace {
    fn clone(&self) -> Self {
        Trace {
            sink: None,
            error: None,
            ratio: self.ratio,
            data: self.data.clone(),
            tck_ns: self.tck_ns,
            format: self.format,
        }
    }
}

impl Trace {
    /// A trace for `cfg` whose timestamps are the accelerator cycles themselves until
    /// [`Trace::set_clock`] says how long a cycle is.
    pub(super) fn new(cfg: &DramConfig) -> Self {
        Trace {
            data: "00".repeat(cfg.burst_bytes() as usize),
            ratio: 1.0,
            tck_ns: cfg.kind.preset().timing.tck_ns,
            ..Trace::default()
        }
    }

    /// Sets the accelerator clock: timestamps become DRAM clock cycles
    /// (cycle x accelerator period / tCK).
    pub(super) fn set_clock(&mut self, clock_mhz: f64) {
        self.ratio = (1000.0 / clock_mhz) / self.tck_ns;
    }

    /// Chooses the line format (checked against the standard by the caller).
    pub(super) fn set_format(&mut self, format: TraceFormat) {
        self.format = format;
    }

    /// Replaces the sink; the previous one is flushed first and a failure there is kept for
    /// the next `flush`.
    pub(super) fn set(&mut self, sink: Box<dyn Write>) {
        if let Some(mut old) = self.sink.take() {
            if let Err(e) = old.flush() {
                self.error.get_or_insert(e);
            }
        }
        self.sink = Some(BufWriter::new(sink));
    }

    /// The DRAM clock cycle of accelerator cycle `cycle`.
    fn ts(&self, cycle: u64) -> u64 {
        (cycle as f64 * self.ratio).round() as u64
    }

    /// Appends one command line (a no-op without a sink or after a failure).
    pub(super) fn record(&mut self, cycle: u64, cmd: DramCommand, bank: u32, row: u64, col: u64) {
        let ts = self.ts(cycle);
        if let Some(sink) = self.sink.as_mut() {
            let r = match (self.format, cmd) {
                (TraceFormat::DramPower4, _) => writeln!(sink, "{ts},{},{bank}", cmd.mnemonic_v4()),
                (_, DramCommand::Rd | DramCommand::Wr) => {
                    writeln!(sink, "{ts},{cmd},0,0,{bank},{row},{col},{}", self.data)
                }
                _ => writeln!(sink, "{ts},{cmd},0,0,{bank},{row},{col}"),
            };
            if let Err(e) = r {
                self.error.get_or_insert(e);
                self.sink = None;
            }
        }
    }

    /// Appends the `END` line at accelerator cycle `cycle`.
    pub(super) fn end(&mut self, cycle: u64) {
        let ts = self.ts(cycle);
        if let Some(sink) = self.sink.as_mut() {
            let r = match self.format {
                TraceFormat::DramPower5 => writeln!(sink, "{ts},END,0,0,0,0,0"),
                // 4.x accepts an optional END that closes the open state times at `ts`.
                TraceFormat::DramPower4 => writeln!(sink, "{ts},END,0"),
            };
            if let Err(e) = r {
                self.error.get_or_insert(e);
                self.sink = None;
            }
        }
    }

    /// Flushes the sink, or returns the first error met since the last flush.
    pub(super) fn flush(&mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        match self.sink.as_mut() {
            Some(sink) => sink.flush(),
            None => Ok(()),
        }
    }
}

/// The DRAMPower 5 memspec (JSON, the DRAMUtils 1.0 schema read by DRAMPower 5.1) of the
/// channel `cfg`, so a trace written by the channel can be priced by DRAMPower itself. Only
/// LPDDR4 has a DRAMPower 5 model among our standards (DRAMPower 5 dropped DDR3 and has no
/// HBM2): other kinds give `None`.
///
/// The channel's `bus_bits / 16` x16 devices are `nbrOfDevices` (DRAMPower multiplies the
/// per-device currents by it); timings are the preset's, in DRAM clock cycles.
pub fn memspec_json(cfg: &DramConfig) -> Option<serde_json::Value> {
    if cfg.kind != DramKind::Lpddr4 {
        return None;
    }
    let p = cfg.kind.preset();
    let t = p.timing;
    let d1 = p.domains[0];
    let d2 = p.domains[1];
    let ma = |x: f64| x * 1e-3;
    let devices = (cfg.bus_bits / p.device_width).max(1);
    let columns = u64::from(cfg.row_bytes) / u64::from(devices) / u64::from(p.device_width / 8);
    let rows = cfg.capacity_bytes / u64::from(cfg.row_bytes) / u64::from(cfg.banks);
    Some(json!({
        "memspec": {
            "memoryId": format!("fspinn {} ({} x{} devices)", p.device, devices, p.device_width),
            "memoryType": "LPDDR4",
            "memarchitecturespec": {
                "nbrOfChannels": 1, "nbrOfDevices": devices, "nbrOfRanks": 1,
                "nbrOfBanks": cfg.banks, "nbrOfBankGroups": 1, "nbrOfRows": rows,
                "nbrOfColumns": columns, "burstLength": cfg.burst_length,
                "maxBurstLength": cfg.burst_length, "dataRate": t.data_rate,
                "width": p.device_width
            },
            "mempowerspec": {
                "vdd1": d1.vdd, "idd01": ma(d1.idd0), "idd2n1": ma(d1.idd2n),
                "idd3n1": ma(d1.idd3n), "idd4r1": ma(d1.idd4r), "idd4w1": ma(d1.idd4w),
                "idd51": ma(d1.idd5), "idd5pb1": ma(d1.idd5), "idd61": 0.0, "idd2p1": 0.0,
                "idd3p1": 0.0,
                "vdd2": d2.vdd, "idd02": ma(d2.idd0), "idd2n2": ma(d2.idd2n),
                "idd3n2": ma(d2.idd3n), "idd4r2": ma(d2.idd4r), "idd4w2": ma(d2.idd4w),
                "idd52": ma(d2.idd5), "idd5pb2": ma(d2.idd5), "idd62": 0.0, "idd2p2": 0.0,
                "idd3p2": 0.0,
                "vddq": 1.1, "iBeta_vdd1": ma(d1.ibeta), "iBeta_vdd2": ma(d2.ibeta)
            },
            "memtimingspec": {
                "tCK": t.tck_ns * 1e-9, "CKE": 12, "ESCKE": 3, "CMDCKE": 3,
                "RAS": t.ras, "RCD": t.rcd, "RL": t.rl, "REFM": 1, "REFI": t.refi,
                "REFIpb": t.refi / 8, "RFCpb": t.rfc / 2, "RFCab": t.rfc, "RPpb": t.rp,
                "RPab": t.rp + 5, "RCpb": t.ras + t.rp, "RCab": t.ras + t.rp + 5, "PPD": 4,
                "FAW": t.faw, "RRD": t.rrd, "CCD": cfg.burst_length / t.data_rate,
                "CCDMW": 32, "RPST": 0, "DQSCK": 6, "RTP": 12, "WL": t.wl, "DQSS": 1,
                "DQS2DQ": 2, "WR": t.wr, "WPRE": 2, "WTR": 16, "XP": 12, "SR": 24,
                "XSR": 460, "RTRS": 1
            },
            "memimpedancespec": {
                "C_total_ck": 0.0, "C_total_cb": 0.0, "C_total_rb": 0.0, "C_total_wb": 0.0,
                "C_total_dqs": 0.0, "R_eq_ck": 1e6, "R_eq_cb": 1e6, "R_eq_rb": 1e6,
                "R_eq_wb": 1e6, "R_eq_dqs": 1e6
            },
            "bankwisespec": { "factRho": 1.0 }
        }
    }))
}

/// The DRAMPower 4.x memspec (XML, `<memspec>` with `<parameter id type value/>` entries in
/// `memarchitecturespec`, `memtimingspec` and `mempowerspec`) of the channel `cfg`, for the
/// 4.x command trace. Only DDR3 has a 4.x memory type among our standards; others are
/// refused with [`TraceFormatError`].
///
/// DRAMPower 4.x has no device count: a memspec describes the whole rank (its DDR3 DIMM
/// memspecs sum the currents over the devices), so `width` is the channel's bus and the
/// preset's currents are multiplied by `bus_bits / device_width` (fractional for a bus
/// narrower than the preset's rank), the same factor [`super::dram_energy`] uses.
/// Timings are the preset's, in DRAM clock cycles. The parameters the preset does not carry
/// are only used by commands this model never issues (power-down, self-refresh, auto-
/// precharge): they are the JEDEC DDR3-1600 minimums and the power-down/self-refresh
/// currents are 0, as in the DRAMPower 5 memspec.
pub fn memspec_xml(cfg: &DramConfig) -> Result<String, TraceFormatError> {
    TraceFormat::DramPower4.check(cfg.kind)?;
    let p = cfg.kind.preset();
    let t = p.timing;
    let d = p.domains[0];
    let width = cfg.bus_bits;
    let columns = u64::from(cfg.row_bytes) * 8 / u64::from(width);
    let rows = cfg.capacity_bytes / u64::from(cfg.row_bytes) / u64::from(cfg.banks);
    let n = f64::from(cfg.bus_bits) / f64::from(p.device_width);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<memspec>\n");
    out.push_str(&format!(
        "  <parameter id=\"memoryId\" type=\"string\" value=\"fspinn {}, {width}-bit bus\" />\n",
        p.device
    ));
    out.push_str(&format!(
        "  <parameter id=\"memoryType\" type=\"string\" value=\"{}\" />\n",
        p.memory_type
    ));
    for (id, v) in [
        ("width", u64::from(width)),
        ("nbrOfBanks", u64::from(cfg.banks)),
        ("nbrOfRanks", 1),
        ("nbrOfColumns", columns),
        ("nbrOfRows", rows),
        ("dataRate", u64::from(t.data_rate)),
        ("burstLength", u64::from(cfg.burst_length)),
    ] {
        param(&mut out, id, "uint", v.to_string());
    }
    out.push_str("  <memarchitecturespec>\n");
    out.push_str("  </memarchitecturespec>\n  <memtimingspec>\n");
    param(
        &mut out,
        "clkMhz",
        "double",
        format!("{}", 1000.0 / t.tck_ns),
    );
    for (id, v) in [
        ("RC", t.ras + t.rp),
        ("RCD", t.rcd),
        ("RL", t.rl),
        ("RP", t.rp),
        ("RFC", t.rfc),
        ("RAS", t.ras),
        ("WL", t.wl),
        ("AL", 0),
        ("DQSCK", 0),
        ("RTP", 6),
        ("WR", t.wr),
        ("XP", 5),
        ("XPDLL", 20),
        ("XS", t.rfc + 8),
        ("XSDLL", 512),
        ("REFI", t.refi),
        ("FAW", t.faw),
        ("RRD", t.rrd),
        ("CCD", cfg.burst_length / t.data_rate),
        ("WTR", 6),
        ("CKE", 4),
        ("CKESR", 5),
    ] {
        param(&mut out, id, "uint", v.to_string());
    }
    out.push_str("  </memtimingspec>\n  <mempowerspec>\n");
    for (id, v) in [
        ("idd0", d.idd0 * n),
        ("idd2p0", 0.0),
        ("idd2p1", 0.0),
        ("idd2n", d.idd2n * n),
        ("idd3p0", 0.0),
        ("idd3p1", 0.0),
        ("idd3n", d.idd3n * n),
        ("idd4r", d.idd4r * n),
        ("idd4w", d.idd4w * n),
        ("idd5", d.idd5 * n),
        ("idd6", 0.0),
        ("vdd", d.vdd),
    ] {
        param(&mut out, id, "double", v.to_string());
    }
    out.push_str("  </mempowerspec>\n</memspec>\n");
    Ok(out)
}

/// Appends one `<parameter>` line of a 4.x memspec section.
fn param(out: &mut String, id: &str, ty: &str, value: String) {
    out.push_str(&format!(
        "    <parameter id=\"{id}\" type=\"{ty}\" value=\"{value}\" />\n"
    ));
}
