//! The DRAM command trace in DRAMPower 5's CSV command-list form, and the memspec JSON that
//! goes with it (see the `dram` module doc). Timestamps are converted from accelerator cycles
//! to DRAM clock cycles here, because DRAMPower counts time in the memspec's `tCK`.

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
            let r = match cmd {
                DramCommand::Rd | DramCommand::Wr => {
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
            if let Err(e) = writeln!(sink, "{ts},END,0,0,0,0,0") {
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
