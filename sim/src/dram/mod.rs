//! A cycle-level model of one DRAM channel, driven by the accelerator clock.
//!
//! The accelerator's controller calls it once per clock cycle `now` (strictly increasing):
//!
//! ```
//! # use fspinn_sim::dram::*;
//! # let cfg = DramConfig { kind: DramKind::Lpddr4, bus_bits: 64, burst_length: 4, banks: 4,
//! #     row_bytes: 1024, capacity_bytes: 1 << 20, t_rcd: 3, t_cl: 4, t_cwl: 2, t_rp: 3,
//! #     t_burst: 2 };
//! let mut dram = DramChannel::new(cfg)?;
//! let mut done = None;
//! for now in 0..100 {
//!     if let Some(resp) = dram.tick(now) {
//!         done = Some(resp.cycle); // transaction resp.tag finished at cycle `now`
//!     }
//!     if now == 0 && dram.ready(now) {
//!         dram.request(now, DramRequest { write: false, addr: 0, bytes: 32, tag: 7 })?;
//!     }
//! }
//! // Bank closed: ACT at 0, RD at 0 + t_rcd = 3, data [3 + t_cl, 3 + t_cl + t_burst) = [7, 9).
//! assert_eq!(done, Some(9));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Timing rules
//!
//! The rules are deliberately simple and fully deterministic, because the RTL of this project
//! is checked against this model cycle for cycle. All times are accelerator cycles.
//!
//! 1. **One transaction at a time.** `request` is accepted only when `ready(now)` is true, i.e.
//!    no transaction is outstanding. Transactions are served in order and block the channel.
//! 2. **Bursts.** A request `[addr, addr + bytes)` is split into the aligned bursts covering
//!    it: burst `b` covers `[b * B, (b + 1) * B)` with `B = burst_bytes() = bus_bits / 8 *
//!    burst_length`. A request of 8 bytes straddling a burst boundary therefore costs two
//!    bursts. Bursts are served in increasing address order.
//! 3. **Address mapping (row-interleaved banks).** For a burst at byte address `a`:
//!    `row_global = a / row_bytes`, `bank = row_global % banks`, `row = row_global / banks`.
//!    Consecutive rows of the address space therefore lie in consecutive banks.
//! 4. **Open-page policy.** Each bank keeps its last activated row open until another row of
//!    the same bank is needed. At construction every bank is closed (precharged).
//! 5. **Command slots.** At most one command per cycle; command cycles strictly increase.
//!    For a request accepted at cycle `now`, the next free command cycle `f` starts at `now`
//!    and becomes `c + 1` after each command placed at cycle `c`. The data-bus rule keeps a
//!    burst's RD/WR at or after `bus = previous RD/WR of this transaction + t_burst`
//!    (no constraint for the first burst). For each burst in order:
//!    - **row hit** (its row is open in its bank): `RD`/`WR` at `max(f, bus)`;
//!    - **row miss, bank closed**: `ACT` at `f`, then `RD`/`WR` at `max(ACT + t_rcd, bus)`;
//!    - **row miss, other row open (conflict)**: `PRE` at `f`, `ACT` at `PRE + t_rp`, then
//!      `RD`/`WR` at `max(ACT + t_rcd, bus)`.
//!
//!    (Since every timing is at least 1, these cycles are always at or after `f`.) The
//!    scheduler never looks ahead: a burst's `PRE`/`ACT` are placed only after the previous
//!    burst's `RD`/`WR`.
//! 6. **Data.** Read data of a burst with command at `c` occupies the bus in
//!    `[c + t_cl, c + t_cl + t_burst)`; write data `[c + t_cwl, c + t_cwl + t_burst)`.
//! 7. **Completion.** A transaction completes at the end of its last burst's data:
//!    `completion = last_cmd + (t_cl for reads | t_cwl for writes) + t_burst`.
//!    `tick(completion)` returns the response, after which `ready(completion)` is true, so a
//!    new request may be accepted in that very cycle (its commands start at that cycle, which
//!    is later than every command of the previous transaction).
//!
//! Consequences: a single-burst read that hits an open row, issued at `c`, responds at
//! `c + t_cl + t_burst` (and `tick(c + t_cl + t_burst - 1)` is `None`); from a closed bank at
//! `c + t_rcd + t_cl + t_burst`; on a row conflict at `c + t_rp + t_rcd + t_cl + t_burst`.
//!
//! **Simplifications (stated, not bugs):** no refresh (no `REF`, no refresh blocking); no
//! `t_ras`, `t_rc`, `t_rrd`, `t_faw`, `t_wr`, `t_rtp`, `t_wtr` or bus turnaround constraints;
//! no power-down; no command/data overlap between transactions; all banks start closed.
//!
//! # Counters
//!
//! [`DramCounters`] count accepted requests, bursts (`reads`, `writes`, `row_hits`,
//! `row_misses`), commands (`activates`, `precharges`) and requested bytes (`read_bytes`,
//! `write_bytes`: the payload asked for, not the bus traffic, which is `reads * burst_bytes`).
//! Request, burst and command counters are updated when the request is accepted (the whole
//! schedule is decided then); `busy_cycles` (`completion - now` of each transaction, i.e.
//! cycles `now..completion`) is added when the response is returned by `tick`.
//!
//! # Command trace
//!
//! With [`DramChannel::set_trace`], every scheduled command is written, in cycle order, as one
//! line `<cycle>,<CMD>,<bank>` with `CMD` one of `ACT`, `PRE`, `RD`, `WR` and `bank` the
//! decimal bank index, e.g. `12,ACT,2`. This is the command-trace input of DRAMPower 4
//! (tukl-msd/DRAMPower, `drampower -m <memspec> -c <trace>`), whose timestamps are clock cycles
//! of the memory specification's clock. **Our cycles are accelerator cycles**: if the DRAM
//! command clock differs from the accelerator clock, rescale the cycle column (multiply by
//! `f_dram / f_accel`) before giving the trace to DRAMPower. DRAMPower does not check timing,
//! so the trace is only as accurate as the simplified rules above; it warns on inconsistent
//! bank states, which this model never produces (every `RD`/`WR` targets an activated bank and
//! every `PRE` an open one). Lines are written when a request is accepted (the schedule is
//! decided then), through a buffer: call [`DramChannel::flush_trace`] at the end of a run.

mod config;
mod trace;

#[cfg(test)]
mod tests;

pub use config::{DramConfig, DramConfigError, DramKind};
pub use trace::DramCommand;

use serde::Serialize;

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
    /// PRE commands.
    pub precharges: u64,
    /// Bursts whose row was already open.
    pub row_hits: u64,
    /// Bursts that needed an ACT (bank closed or another row open).
    pub row_misses: u64,
    /// Cycles with a transaction outstanding (`now..completion` of each completed one).
    pub busy_cycles: u64,
}

/// The transaction in flight.
#[derive(Clone, Copy, Debug)]
struct Pending {
    tag: u64,
    write: bool,
    issued: u64,
    completion: u64,
}

/// One DRAM channel: bank states, the outstanding transaction, counters and the optional
/// command trace. See the module doc for the timing rules.
pub struct DramChannel {
    cfg: DramConfig,
    /// Open row of each bank (`None` = precharged).
    open_rows: Vec<Option<u64>>,
    pending: Option<Pending>,
    /// Completion cycle of the last transaction; no request may be accepted before it.
    earliest: u64,
    counters: DramCounters,
    trace: Trace,
}

impl std::fmt::Debug for DramChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DramChannel")
            .field("cfg", &self.cfg)
            .field("open_rows", &self.open_rows)
            .field("pending", &self.pending)
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}

impl DramChannel {
    /// Builds a channel with every bank closed, after validating the configuration (the
    /// address mapping and schedule assume a valid geometry).
    pub fn new(cfg: DramConfig) -> Result<Self, DramConfigError> {
        cfg.validate()?;
        Ok(Self {
            // Validated: 1 <= banks <= 64.
            open_rows: vec![None; cfg.banks as usize],
            cfg,
            pending: None,
            earliest: 0,
            counters: DramCounters::default(),
            trace: Trace::default(),
        })
    }

    /// The configuration the channel was built with.
    pub fn config(&self) -> &DramConfig {
        &self.cfg
    }

    /// The event counters so far.
    pub fn counters(&self) -> &DramCounters {
        &self.counters
    }

    /// True when a request may be accepted at `now`: no transaction is outstanding (one whose
    /// response `tick(now)` already returned does not count) and `now` is not before the last
    /// completion.
    pub fn ready(&self, now: u64) -> bool {
        self.pending.is_none() && now >= self.earliest
    }

    /// Completion cycle of the outstanding transaction, if any: lets a controller (or a test)
    /// know when the channel frees up without polling.
    pub fn pending_completion(&self) -> Option<u64> {
        self.pending.map(|p| p.completion)
    }

    /// The open row of `bank` (`None` when precharged or `bank` does not exist): exposes the
    /// open-page state so RTL bank tables can be compared against the model.
    pub fn open_row(&self, bank: u32) -> Option<u64> {
        let bank = usize::try_from(bank).ok()?;
        self.open_rows.get(bank).copied().flatten()
    }

    /// Advances to cycle `now` and returns the response of the outstanding transaction if it
    /// completes at `now`. Call exactly once per cycle, before `request`. If a cycle's call
    /// was skipped, the response is returned by the next call, still carrying its true
    /// completion cycle.
    pub fn tick(&mut self, now: u64) -> Option<DramResponse> {
        let p = self.pending?;
        if now < p.completion {
            return None;
        }
        self.pending = None;
        bump(
            &mut self.counters.busy_cycles,
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
        let capacity = self.cfg.capacity_bytes;
        let end = req
            .addr
            .checked_add(u64::from(req.bytes))
            .filter(|&end| end <= capacity)
            .ok_or(DramError::OutOfRange {
                addr: req.addr,
                bytes: req.bytes,
                capacity,
            })?;

        let burst_bytes = u64::from(self.cfg.burst_bytes());
        let first = req.addr / burst_bytes;
        let last = (end - 1) / burst_bytes;
        self.check_no_overflow(now, last - first + 1)?;

        let completion = self.schedule(now, req.write, first, last);

        let c = &mut self.counters;
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

    /// Replaces the command-trace sink (the previous one is flushed). See the module doc for
    /// the line format.
    pub fn set_trace(&mut self, sink: Box<dyn std::io::Write>) {
        self.trace.set(sink);
    }

    /// Flushes the trace; returns the first write error met since the last flush (tracing
    /// stops at a write error so the simulation itself is never interrupted).
    pub fn flush_trace(&mut self) -> std::io::Result<()> {
        self.trace.flush()
    }

    /// Rejects a request whose schedule could pass `u64::MAX`, using a bound on how far each
    /// burst can advance the command cycle (`t_rp + t_rcd + t_burst + 1`), so `schedule`
    /// never overflows.
    fn check_no_overflow(&self, now: u64, bursts: u64) -> Result<(), DramError> {
        let t = &self.cfg;
        let per_burst = u64::from(t.t_rp) + u64::from(t.t_rcd) + u64::from(t.t_burst) + 1;
        let tail = u64::from(t.t_cl.max(t.t_cwl)) + u64::from(t.t_burst);
        bursts
            .checked_mul(per_burst)
            .and_then(|x| x.checked_add(tail))
            .and_then(|x| x.checked_add(now))
            .map(|_| ())
            .ok_or(DramError::CycleOverflow { now })
    }

    /// Places the commands of bursts `first..=last` from cycle `now` (rule 5), updating bank
    /// states, burst/command counters and the trace; returns the completion cycle (rule 7).
    fn schedule(&mut self, now: u64, write: bool, first: u64, last: u64) -> u64 {
        let t_rcd = u64::from(self.cfg.t_rcd);
        let t_rp = u64::from(self.cfg.t_rp);
        let t_burst = u64::from(self.cfg.t_burst);
        let latency = u64::from(if write { self.cfg.t_cwl } else { self.cfg.t_cl });
        let burst_bytes = u64::from(self.cfg.burst_bytes());
        let row_bytes = u64::from(self.cfg.row_bytes);
        let banks = u64::from(self.cfg.banks);
        let (access, access_name, access_counter) = if write {
            (DramCommand::Wr, "dram.writes", &mut self.counters.writes)
        } else {
            (DramCommand::Rd, "dram.reads", &mut self.counters.reads)
        };
        let mut accesses = 0u64;

        let mut free = now; // next free command cycle
        let mut bus = now; // earliest RD/WR allowed by the data bus
        let mut last_cmd = now;
        for burst in first..=last {
            let row_global = burst * burst_bytes / row_bytes;
            // Both conversions are lossless: bank < banks <= 64.
            let bank = (row_global % banks) as u32;
            let row = row_global / banks;
            let slot = &mut self.open_rows[bank as usize];
            let earliest = match *slot {
                Some(open) if open == row => {
                    bump(&mut self.counters.row_hits, 1, "dram.row_hits");
                    free
                }
                open => {
                    bump(&mut self.counters.row_misses, 1, "dram.row_misses");
                    let act = if open.is_some() {
                        self.trace.record(free, DramCommand::Pre, bank);
                        bump(&mut self.counters.precharges, 1, "dram.precharges");
                        free + t_rp
                    } else {
                        free
                    };
                    self.trace.record(act, DramCommand::Act, bank);
                    bump(&mut self.counters.activates, 1, "dram.activates");
                    *slot = Some(row);
                    act + t_rcd
                }
            };
            let cmd = earliest.max(bus);
            self.trace.record(cmd, access, bank);
            accesses += 1;
            free = cmd + 1;
            bus = cmd + t_burst;
            last_cmd = cmd;
        }
        bump(access_counter, accesses, access_name);
        last_cmd + latency + t_burst
    }
}
