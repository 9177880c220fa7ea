//! A cycle-level model of one DRAM channel, driven by the accelerator clock.
//!
//! The accelerator's controller calls it once per clock cycle `now` (strictly increasing):
//!
//! ```
//! # use fspinn_sim::dram::*;
//! # let cfg = DramConfig { kind: DramKind::Lpddr4, bus_bits: 32, burst_length: 16, banks: 8,
//! #     row_bytes: 4096, capacity_bytes: 1 << 20 };
//! let mut dram = DramChannel::new(cfg, 200.0)?; // LPDDR4-3200 preset at a 200 MHz clock
//! let mut done = None;
//! for now in 0..100 {
//!     if let Some(resp) = dram.tick(now) {
//!         done = Some(resp.cycle); // transaction resp.tag finished at cycle `now`
//!     }
//!     if now == 0 && dram.ready(now) {
//!         dram.request(now, DramRequest { write: false, addr: 0, bytes: 32, tag: 7 })?;
//!     }
//! }
//! // Bank closed: ACT at 0, RD at t_rcd = 4 (18.125 ns), data [4 + t_cl, 4 + t_cl + 1) = [8, 9).
//! assert_eq!(done, Some(9));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Timing
//!
//! Timings come from the preset of the configured standard ([`DramKind::preset`]: datasheet
//! values in device clock cycles) and are converted to accelerator cycles in one place,
//! [`DramConfig::timing`] (rounded up; the refresh interval rounded down). The rules are
//! checked by a bank state machine ([`BankMachine`]): `t_rcd`, `t_rp`, `t_ras`, `t_wr`
//! (write recovery), `t_rrd`, `t_faw`, one burst at a time on the data bus, one command per
//! cycle, and all-bank refresh every `t_refi` blocking the channel for `t_rfc`. The scheduler
//! never computes a delay itself: it asks the machine for the earliest legal cycle of the next
//! command, so the schedule is legal by construction (and `BankMachine::issue` would refuse a
//! command one cycle early under any rule).
//!
//! 1. **One transaction at a time.** `request` is accepted only when `ready(now)` is true, i.e.
//!    no transaction is outstanding. Transactions are served in order and block the channel.
//! 2. **Bursts.** A request `[addr, addr + bytes)` is split into the aligned bursts covering
//!    it (`B = burst_bytes() = bus_bits / 8 * burst_length`); they are served in address order.
//! 3. **Address mapping (row-interleaved banks).** For a burst at byte address `a`:
//!    `row_global = a / row_bytes`, `bank = row_global % banks`, `row = row_global / banks`.
//! 4. **Open-page policy.** A bank keeps its row open until another row of that bank is needed
//!    or a refresh is due. At construction every bank is closed.
//! 5. **Commands.** For each burst, in order, the next command follows from the bank's state:
//!    its row open → `RD`/`WR`; another row open → `PRE`; closed → `ACT`. Each command is
//!    placed at the earliest cycle that is at or after the request, after the previous command
//!    and legal under every rule. The scheduler never looks ahead.
//! 6. **Refresh.** Refresh `k` (k = 1, 2, ...) is due at cycle `k * t_refi`. When the next
//!    command would land at or after the due cycle, the open banks are precharged (each `PRE`
//!    at its earliest legal cycle, not before the due cycle), then `REF` is issued; after it the
//!    channel is idle for `t_rfc` and every bank is closed. Refreshes due while the channel is
//!    idle are issued at the next request (or by [`DramChannel::finish`]).
//! 7. **Completion.** A transaction completes at the end of its last burst's data:
//!    `completion = last RD/WR + (t_cl for reads | t_cwl for writes) + t_burst`.
//!    `tick(completion)` returns the response, and a new request may be accepted in that cycle.
//!
//! **Simplifications (stated, not bugs):** no `t_rtp`, `t_wtr` or bus turnaround; no
//! power-down or self refresh (an idle channel sits in active or precharge standby); all-bank
//! refresh only; no command/data overlap between transactions.
//!
//! # Counters and activity
//!
//! [`DramCounters`] count requests, bursts (`reads`, `writes`, `row_hits`, `row_misses`),
//! commands (`activates`, `precharges`, `refreshes`) and requested bytes. [`DramActivity`]
//! (from [`DramChannel::activity`]) adds the cycles with a bank open (or a refresh running):
//! the split DRAMPower's background equations need between active and precharge standby.
//!
//! # Command trace
//!
//! With [`DramChannel::set_trace`], every command is written in DRAMPower 5's CSV command-list
//! form, `ts,CMD,rank,bankgroup,bank,row,column[,data]`, with `ts` in **DRAM clock cycles**
//! (accelerator cycle x accelerator period / tCK, rounded), and `END` at
//! [`DramChannel::finish`]. [`memspec_json`] writes the matching memspec. With
//! [`DramChannel::set_trace_format`] and [`TraceFormat::DramPower4`] the lines are DRAMPower
//! 4.x's `clk,CMD,bank` instead (`REF` for the all-bank refresh, `clk,END,0` last), priced
//! with the XML of [`memspec_xml`]; 4.x has no LPDDR4 or HBM2, so those are refused.

mod config;
pub mod power;
mod preset;
mod timing;
mod trace;

#[cfg(test)]
mod tests;

pub use config::{DramConfig, DramConfigError, DramKind, DramTiming};
pub use power::{dram_energy, DramEnergy};
pub use preset::{DeviceTiming, Domain, DramPreset};
pub use timing::{BankMachine, Cmd, Rule, TimingViolation};
pub use trace::{memspec_json, memspec_xml, DramCommand, TraceFormat, TraceFormatError};

use serde::{Deserialize, Serialize};

use crate::counter::bump;
use trace::Trace;

/// One transaction asked of the channel by the accelerator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DramRequest {
    /// `true` for a write, `false` for a read.
    pub write: bool,
    /// First byte address.
    pub addr: u64,
    /// Number of bytes (at least 1); the range `[addr, addr + bytes)` must fit the capacity.
    pub bytes: u32,
    /// Caller's identifier, returned unchanged in the response.
    pub tag: u64,
}

/// The completion of a transaction, returned by `tick` at its completion cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DramResponse {
    /// The tag of the completed request.
    pub tag: u64,
    /// Whether it was a write.
    pub write: bool,
    /// The cycle the transaction completed (its last data beat ended); equals the `now` of the
    /// `tick` that returned it when `tick` is called every cycle.
    pub cycle: u64,
}

/// A request the channel refuses; the channel state is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DramError {
    /// A transaction is still outstanding (check `ready(now)` first).
    #[error(
        "DRAM channel busy: one transaction is still outstanding (issue only when ready() is true)"
    )]
    Busy,
    /// A request for zero bytes, which has no bursts and so no defined completion.
    #[error("DRAM request of zero bytes: bytes must be at least 1")]
    ZeroLength,
    /// The byte range does not lie inside the channel.
    #[error("DRAM request [{addr:#x}, {addr:#x} + {bytes}) exceeds the channel capacity of {capacity} bytes")]
    OutOfRange {
        addr: u64,
        bytes: u32,
        capacity: u64,
    },
    /// A request at a cycle before the previous transaction completed: time went backwards.
    #[error("DRAM request at cycle {now} is before cycle {earliest}, when the previous transaction completed (cycles must not go backwards)")]
    TimeWentBackwards { now: u64, earliest: u64 },
    /// The schedule would pass cycle 2^64 - 1 (only reachable with absurd cycle numbers).
    #[error("DRAM request at cycle {now} would be scheduled beyond the 64-bit cycle range")]
    CycleOverflow { now: u64 },
}

/// Event counts of one channel, the inputs of the DRAM energy estimate.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DramCounters {
    /// Accepted requests.
    pub requests: u64,
    /// RD commands (read bursts).
    pub reads: u64,
    /// WR commands (write bursts).
    pub writes: u64,
    /// Bytes requested by accepted reads (payload, not bus traffic).
    pub read_bytes: u64,
    /// Bytes requested by accepted writes (payload, not bus traffic).
    pub write_bytes: u64,
    /// ACT commands.
    pub activates: u64,
    /// PRE commands (including those closing banks for a refresh).
    pub precharges: u64,
    /// All-bank REF commands.
    pub refreshes: u64,
    /// Bursts whose row was already open.
    pub row_hits: u64,
    /// Bursts that needed an ACT (bank closed or another row open).
    pub row_misses: u64,
    /// Cycles with a transaction outstanding (`now..completion` of each completed one).
    pub busy_cycles: u64,
}

/// What the DRAM did up to some end cycle: command counts and the state times DRAMPower's
/// background equations need. Built by [`DramChannel::activity`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DramActivity {
    /// ACT commands.
    pub activates: u64,
    /// PRE commands.
    pub precharges: u64,
    /// RD bursts.
    pub reads: u64,
    /// WR bursts.
    pub writes: u64,
    /// All-bank refreshes.
    pub refreshes: u64,
    /// Accelerator cycles from 0 to the end of the window.
    pub cycles: u64,
    /// Of those, cycles with at least one bank open or a refresh running (active standby);
    /// the rest is precharge standby.
    pub active_cycles: u64,
}

/// The transaction in flight.
#[derive(Clone, Copy, Debug)]
struct Pending {
    tag: u64,
    write: bool,
    issued: u64,
    completion: u64,
}

/// Bank states, refresh schedule, counters and state times: everything but the trace, so a
/// copy can be run ahead (see [`DramChannel::activity`]).
#[derive(Clone, Debug)]
struct Core {
    cfg: DramConfig,
    t: DramTiming,
    m: BankMachine,
    /// Cycle the next refresh is due.
    next_ref: u64,
    /// First free command cycle (one after the last command).
    free: u64,
    counters: DramCounters,
    /// Cycle since which at least one bank is open (`None`: all precharged).
    open_since: Option<u64>,
    /// Closed intervals of "a bank open" plus every refresh's `t_rfc`.
    active_cycles: u64,
    /// End of the last refresh's `t_rfc` (to clip a window ending inside it).
    ref_end: u64,
}

/// One DRAM channel: bank states, the outstanding transaction, counters and the optional
/// command trace. See the module doc for the timing rules. A clone continues from the same state
/// without a trace (a snapshot for re-running a sample).
#[derive(Clone)]
pub struct DramChannel {
    core: Core,
    pending: Option<Pending>,
    /// Completion cycle of the last transaction; no request may be accepted before it.
    earliest: u64,
    trace: Trace,
}

impl std::fmt::Debug for DramChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DramChannel")
            .field("cfg", &self.core.cfg)
            .field("timing", &self.core.t)
            .field("banks", &self.core.m)
            .field("pending", &self.pending)
            .field("counters", &self.core.counters)
            .finish_non_exhaustive()
    }
}

impl DramChannel {
    /// Builds a channel with every bank closed, timed by the preset of `cfg.kind` converted to
    /// an accelerator clock of `clock_mhz`, after validating the configuration.
    pub fn new(cfg: DramConfig, clock_mhz: f64) -> Result<Self, DramConfigError> {
        cfg.validate()?;
        let t = cfg.timing(clock_mhz)?;
        let mut ch = Self::with_timing(cfg, t)?;
        ch.trace.set_clock(clock_mhz);
        Ok(ch)
    }

    /// Builds a channel with explicit timings in accelerator cycles (tests pin cycles this
    /// way). Every timing must be at least 1.
    pub fn with_timing(cfg: DramConfig, t: DramTiming) -> Result<Self, DramConfigError> {
        cfg.validate()?;
        t.validate()?;
        let trace = Trace::new(&cfg);
        Ok(Self {
            core: Core {
                m: BankMachine::new(t, cfg.banks),
                next_ref: t.t_refi,
                free: 0,
                counters: DramCounters::default(),
                open_since: None,
                active_cycles: 0,
                ref_end: 0,
                t,
                cfg,
            },
            pending: None,
            earliest: 0,
            trace,
        })
    }

    /// The configuration the channel was built with.
    pub fn config(&self) -> &DramConfig {
        &self.core.cfg
    }

    /// The timing in accelerator cycles.
    pub fn timing(&self) -> &DramTiming {
        &self.core.t
    }

    /// The event counters so far.
    pub fn counters(&self) -> &DramCounters {
        &self.core.counters
    }

    /// True when a request may be accepted at `now`: no transaction is outstanding (one whose
    /// response `tick(now)` already returned does not count) and `now` is not before the last
    /// completion.
    pub fn ready(&self, now: u64) -> bool {
        self.pending.is_none() && now >= self.earliest
    }

    /// Completion cycle of the outstanding transaction, if any.
    pub fn pending_completion(&self) -> Option<u64> {
        self.pending.map(|p| p.completion)
    }

    /// The open row of `bank` (`None` when precharged or `bank` does not exist).
    pub fn open_row(&self, bank: u32) -> Option<u64> {
        self.core.m.open_row(bank)
    }

    /// Advances to cycle `now` and returns the response of the outstanding transaction if it
    /// completes at `now`. Call once per cycle, before `request`. If a cycle's call was
    /// skipped, the response is returned by the next call, still carrying its true completion
    /// cycle.
    pub fn tick(&mut self, now: u64) -> Option<DramResponse> {
        let p = self.pending?;
        if now < p.completion {
            return None;
        }
        self.pending = None;
        bump(
            &mut self.core.counters.busy_cycles,
            p.completion - p.issued,
            "dram.busy_cycles",
        );
        Some(DramResponse {
            tag: p.tag,
            write: p.write,
            cycle: p.completion,
        })
    }

    /// Accepts a transaction at cycle `now` and schedules all its commands (see the module
    /// doc). On error nothing changes: no command, counter or trace line is produced.
    pub fn request(&mut self, now: u64, req: DramRequest) -> Result<(), DramError> {
        if self.pending.is_some() {
            return Err(DramError::Busy);
        }
        if now < self.earliest {
            return Err(DramError::TimeWentBackwards {
                now,
                earliest: self.earliest,
            });
        }
        if req.bytes == 0 {
            return Err(DramError::ZeroLength);
        }
        let capacity = self.core.cfg.capacity_bytes;
        let end = req
            .addr
            .checked_add(u64::from(req.bytes))
            .filter(|&end| end <= capacity)
            .ok_or(DramError::OutOfRange {
                addr: req.addr,
                bytes: req.bytes,
                capacity,
            })?;

        let burst_bytes = u64::from(self.core.cfg.burst_bytes());
        let first = req.addr / burst_bytes;
        let last = (end - 1) / burst_bytes;
        self.check_no_overflow(now, last - first + 1)?;

        let completion = self
            .core
            .schedule(now, req.write, first, last, &mut self.trace);

        let c = &mut self.core.counters;
        bump(&mut c.requests, 1, "dram.requests");
        if req.write {
            bump(&mut c.write_bytes, req.bytes.into(), "dram.write_bytes");
        } else {
            bump(&mut c.read_bytes, req.bytes.into(), "dram.read_bytes");
        }
        self.pending = Some(Pending {
            tag: req.tag,
            write: req.write,
            issued: now,
            completion,
        });
        self.earliest = completion;
        Ok(())
    }

    /// Commands and state times from cycle 0 to `end`, as if [`DramChannel::finish`] were
    /// called at `end` (refreshes due by then are counted) but without changing the channel.
    pub fn activity(&self, end: u64) -> DramActivity {
        let mut ahead = self.core.clone();
        let end = ahead.finish(end, &mut Trace::default());
        ahead.activity(end)
    }

    /// Ends the run at cycle `end`: issues the refreshes due by then (with the precharges they
    /// need), writes `END` to the trace and flushes it. Returns the cycle the run really ends
    /// at (`end`, or one after the last command if a refresh ran past it). Use
    /// [`DramChannel::activity`] with that cycle for the energy of the run.
    pub fn finish(&mut self, end: u64) -> std::io::Result<u64> {
        let end = self.core.finish(end, &mut self.trace);
        self.trace.end(end);
        self.trace.flush()?;
        Ok(end)
    }

    /// Replaces the command-trace sink (the previous one is flushed). See the module doc for
    /// the line format.
    pub fn set_trace(&mut self, sink: Box<dyn std::io::Write>) {
        self.trace.set(sink);
    }

    /// Chooses the trace's line format; refused (nothing changes) if DRAMPower of that
    /// generation has no model of this channel's standard.
    pub fn set_trace_format(&mut self, format: TraceFormat) -> Result<(), TraceFormatError> {
        format.check(self.core.cfg.kind)?;
        self.trace.set_format(format);
        Ok(())
    }

    /// Flushes the trace; returns the first write error met since the last flush (tracing
    /// stops at a write error so the simulation itself is never interrupted).
    pub fn flush_trace(&mut self) -> std::io::Result<()> {
        self.trace.flush()
    }

    /// Rejects a request whose schedule could pass `u64::MAX`, using a generous bound on how
    /// far one burst can advance the command cycle (every timing, plus a refresh), so
    /// scheduling never overflows.
    fn check_no_overflow(&self, now: u64, bursts: u64) -> Result<(), DramError> {
        let t = &self.core.t;
        let sum: u64 = [
            t.t_rcd, t.t_cl, t.t_cwl, t.t_rp, t.t_burst, t.t_ras, t.t_wr, t.t_rrd, t.t_faw, t.t_rfc,
        ]
        .iter()
        .map(|&x| u64::from(x))
        .sum();
        let per_burst = 2 * sum + 2 * u64::from(self.core.cfg.banks) + 8;
        bursts
            .checked_mul(per_burst)
            .and_then(|x| x.checked_add(per_burst))
            .and_then(|x| x.checked_add(now.max(self.core.free)))
            .map(|_| ())
            .ok_or(DramError::CycleOverflow { now })
    }
}

impl Core {
    /// Places the commands of bursts `first..=last` from cycle `now` (rules 5 and 6), updating
    /// bank states, counters and the trace; returns the completion cycle (rule 7).
    fn schedule(&mut self, now: u64, write: bool, first: u64, last: u64, trace: &mut Trace) -> u64 {
        let latency = u64::from(if write { self.t.t_cwl } else { self.t.t_cl });
        let burst_bytes = u64::from(self.cfg.burst_bytes());
        let row_bytes = u64::from(self.cfg.row_bytes);
        let banks = u64::from(self.cfg.banks);
        // Refreshes that fell due while the channel was idle happen at their due cycles.
        while self.next_ref < now {
            self.refresh(trace);
        }
        self.free = self.free.max(now);
        let mut last_access = now;
        for burst in first..=last {
            let addr = burst * burst_bytes;
            let row_global = addr / row_bytes;
            // Lossless: bank < banks <= 64.
            let bank = (row_global % banks) as u32;
            let row = row_global / banks;
            let column = (addr % row_bytes) / u64::from(self.cfg.bus_bits / 8);
            let access = if write {
                Cmd::Wr { bank }
            } else {
                Cmd::Rd { bank }
            };
            let mut missed = false;
            loop {
                let cmd = match self.m.open_row(bank) {
                    Some(open) if open == row => access,
                    Some(_) => Cmd::Pre { bank },
                    None => Cmd::Act { bank, row },
                };
                let at = self.slot(cmd);
                if at >= self.next_ref {
                    self.refresh(trace);
                    continue;
                }
                self.issue(at, cmd, row, column, trace);
                match cmd {
                    Cmd::Act { .. } => missed = true,
                    Cmd::Rd { .. } | Cmd::Wr { .. } => {
                        last_access = at;
                        break;
                    }
                    _ => {}
                }
            }
            if missed {
                bump(&mut self.counters.row_misses, 1, "dram.row_misses");
            } else {
                bump(&mut self.counters.row_hits, 1, "dram.row_hits");
            }
        }
        last_access + latency + u64::from(self.t.t_burst)
    }

    /// The cycle `cmd` would be placed at: the first free slot that every rule allows.
    fn slot(&self, cmd: Cmd) -> u64 {
        // The scheduler only asks for commands the bank states allow (it derives them from the
        // states), so the state check cannot fail; `free` is a safe fallback regardless.
        self.free.max(self.m.earliest(cmd).unwrap_or(self.free))
    }

    /// Issues `cmd` at `at` (a cycle from `slot`), with its counters, state times and trace.
    fn issue(&mut self, at: u64, cmd: Cmd, row: u64, column: u64, trace: &mut Trace) {
        let was_open = self.m.any_open();
        // `at` comes from `slot`, which satisfies every rule; a refusal would be a bug here.
        if let Err(v) = self.m.issue(at, cmd) {
            debug_assert!(false, "scheduler produced an illegal command: {v}");
            return;
        }
        self.free = at + 1;
        let c = &mut self.counters;
        let (name, bank) = match cmd {
            Cmd::Act { bank, .. } => {
                bump(&mut c.activates, 1, "dram.activates");
                if !was_open {
                    self.open_since = Some(at);
                }
                (DramCommand::Act, bank)
            }
            Cmd::Pre { bank } => {
                bump(&mut c.precharges, 1, "dram.precharges");
                if !self.m.any_open() {
                    if let Some(since) = self.open_since.take() {
                        self.active_cycles += at - since;
                    }
                }
                (DramCommand::Pre, bank)
            }
            Cmd::Rd { bank } => {
                bump(&mut c.reads, 1, "dram.reads");
                (DramCommand::Rd, bank)
            }
            Cmd::Wr { bank } => {
                bump(&mut c.writes, 1, "dram.writes");
                (DramCommand::Wr, bank)
            }
            Cmd::Ref => {
                bump(&mut c.refreshes, 1, "dram.refreshes");
                self.active_cycles += u64::from(self.t.t_rfc);
                self.ref_end = at + u64::from(self.t.t_rfc);
                (DramCommand::Refa, 0)
            }
        };
        let (row, column) = match cmd {
            Cmd::Act { .. } => (row, 0),
            Cmd::Rd { .. } | Cmd::Wr { .. } => (row, column),
            _ => (0, 0),
        };
        trace.record(at, name, bank, row, column);
    }

    /// Performs the refresh due at `next_ref` (rule 6): PRE of every open bank, then REF, none
    /// before the due cycle.
    fn refresh(&mut self, trace: &mut Trace) {
        self.free = self.free.max(self.next_ref);
        for bank in self.m.open_banks() {
            let cmd = Cmd::Pre { bank };
            let at = self.slot(cmd);
            self.issue(at, cmd, 0, 0, trace);
        }
        let at = self.slot(Cmd::Ref);
        self.issue(at, Cmd::Ref, 0, 0, trace);
        self.next_ref = self.next_ref.saturating_add(self.t.t_refi);
    }

    /// Issues every refresh due by `end`; returns the end of the window (at least one cycle
    /// after the last command).
    fn finish(&mut self, end: u64, trace: &mut Trace) -> u64 {
        while self.next_ref <= end {
            self.refresh(trace);
        }
        end.max(self.free)
    }

    /// Counts and state times of the window `0..end` (`end` at or after the last command).
    fn activity(&self, end: u64) -> DramActivity {
        let open_tail = self.open_since.map_or(0, |s| end.saturating_sub(s));
        let ref_overhang = self.ref_end.saturating_sub(end);
        let c = &self.counters;
        DramActivity {
            activates: c.activates,
            precharges: c.precharges,
            reads: c.reads,
            writes: c.writes,
            refreshes: c.refreshes,
            cycles: end,
            active_cycles: (self.active_cycles + open_tail)
                .saturating_sub(ref_overhang)
                .min(end),
        }
    }
}
