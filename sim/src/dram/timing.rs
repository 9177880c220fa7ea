//! The bank state machine of one channel and its timing rules: every command is checked
//! against the state (which banks are open) and the JEDEC timing constraints, and the
//! scheduler asks it for the earliest legal cycle of a command instead of computing delays
//! itself, so the rules live in exactly one place.

use std::collections::VecDeque;
use std::fmt;

use super::config::DramTiming;

/// A command on the channel's command bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmd {
    /// Open `row` in `bank`.
    Act { bank: u32, row: u64 },
    /// Close the open row of `bank`.
    Pre { bank: u32 },
    /// Read one burst from the open row of `bank`.
    Rd { bank: u32 },
    /// Write one burst to the open row of `bank`.
    Wr { bank: u32 },
    /// All-bank refresh (every bank must be precharged).
    Ref,
}

/// The timing or state rule a command broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// At most one command per cycle, in increasing cycles.
    CommandSlot,
    /// ACT to RD/WR of the same bank: `t_rcd`.
    Rcd,
    /// PRE to ACT of the same bank (and PRE to REF): `t_rp`.
    Rp,
    /// ACT to PRE of the same bank: `t_ras`.
    Ras,
    /// End of write data to PRE of the same bank: `t_wr`.
    Wr,
    /// ACT to ACT of different banks: `t_rrd`.
    Rrd,
    /// At most four ACTs in any `t_faw` window.
    Faw,
    /// RD/WR to RD/WR: one burst on the data bus at a time (`t_burst`).
    Burst,
    /// No command during `t_rfc` after REF.
    Rfc,
    /// The command needs an open row (RD, WR, PRE) and the bank is closed.
    BankClosed,
    /// The command needs a closed bank (ACT, REF) and a row is open.
    BankOpen,
    /// The bank index does not exist.
    NoSuchBank,
}

/// A command refused by the rule checker: which rule, and the earliest cycle it would be
/// legal (`None` for a state error, which no waiting fixes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("DRAM {cmd:?} at cycle {cycle} breaks {rule:?}{}", earliest.map(|e| format!(" (earliest legal cycle {e})")).unwrap_or_default())]
pub struct TimingViolation {
    /// The refused command.
    pub cmd: Cmd,
    /// The cycle it was asked for.
    pub cycle: u64,
    /// The rule it breaks.
    pub rule: Rule,
    /// Earliest legal cycle under that rule, if waiting helps.
    pub earliest: Option<u64>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Bank {
    open: Option<u64>,
    /// Cycle of the last ACT.
    act: u64,
    /// Earliest ACT after the last PRE (`PRE + t_rp`).
    act_ok: u64,
    /// Earliest PRE after the last write (`WR + t_cwl + t_burst + t_wr`).
    pre_ok_wr: u64,
}

/// Bank states and the command history the timing rules need.
#[derive(Clone)]
pub struct BankMachine {
    t: DramTiming,
    banks: Vec<Bank>,
    last_cmd: Option<u64>,
    last_act: Option<u64>,
    /// Cycles of the last (up to) four ACTs.
    acts: VecDeque<u64>,
    /// Earliest RD/WR allowed by the data bus.
    bus_ok: u64,
    /// First cycle after the last refresh's `t_rfc`.
    ref_done: u64,
}

impl fmt::Debug for BankMachine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BankMachine")
            .field(
                "open",
                &self.banks.iter().map(|b| b.open).collect::<Vec<_>>(),
            )
            .field("last_cmd", &self.last_cmd)
            .finish_non_exhaustive()
    }
}

impl BankMachine {
    /// All banks precharged, nothing issued yet.
    pub fn new(t: DramTiming, banks: u32) -> Self {
        Self {
            t,
            banks: vec![Bank::default(); banks as usize],
            last_cmd: None,
            last_act: None,
            acts: VecDeque::with_capacity(4),
            bus_ok: 0,
            ref_done: 0,
        }
    }

    /// The open row of `bank` (`None`: precharged or no such bank).
    pub fn open_row(&self, bank: u32) -> Option<u64> {
        self.banks.get(bank as usize).and_then(|b| b.open)
    }

    /// Whether any bank has a row open.
    pub fn any_open(&self) -> bool {
        self.banks.iter().any(|b| b.open.is_some())
    }

    /// Banks with a row open, in index order.
    pub fn open_banks(&self) -> Vec<u32> {
        (0..self.banks.len() as u32)
            .filter(|&b| self.banks[b as usize].open.is_some())
            .collect()
    }

    /// The earliest cycle at which `cmd` is legal given the state and history, with the rule
    /// that sets it; an error when the state forbids it whatever the cycle.
    pub fn earliest(&self, cmd: Cmd) -> Result<u64, TimingViolation> {
        Ok(self
            .bounds(cmd)?
            .into_iter()
            .map(|(c, _)| c)
            .max()
            .unwrap_or(0))
    }

    /// Every lower bound on the cycle of `cmd`, each with its rule.
    fn bounds(&self, cmd: Cmd) -> Result<Vec<(u64, Rule)>, TimingViolation> {
        let state = |rule| TimingViolation {
            cmd,
            cycle: 0,
            rule,
            earliest: None,
        };
        let t = &self.t;
        let mut b = vec![(self.ref_done, Rule::Rfc)];
        if let Some(last) = self.last_cmd {
            b.push((last + 1, Rule::CommandSlot));
        }
        let bank = |i: u32| {
            self.banks
                .get(i as usize)
                .ok_or_else(|| state(Rule::NoSuchBank))
        };
        match cmd {
            Cmd::Act { bank: i, .. } => {
                let k = bank(i)?;
                if k.open.is_some() {
                    return Err(state(Rule::BankOpen));
                }
                b.push((k.act_ok, Rule::Rp));
                if let Some(a) = self.last_act {
                    b.push((a + u64::from(t.t_rrd), Rule::Rrd));
                }
                if self.acts.len() == 4 {
                    b.push((self.acts[0] + u64::from(t.t_faw), Rule::Faw));
                }
            }
            Cmd::Pre { bank: i } => {
                let k = bank(i)?;
                if k.open.is_none() {
                    return Err(state(Rule::BankClosed));
                }
                b.push((k.act + u64::from(t.t_ras), Rule::Ras));
                b.push((k.pre_ok_wr, Rule::Wr));
            }
            Cmd::Rd { bank: i } | Cmd::Wr { bank: i } => {
                let k = bank(i)?;
                if k.open.is_none() {
                    return Err(state(Rule::BankClosed));
                }
                b.push((k.act + u64::from(t.t_rcd), Rule::Rcd));
                b.push((self.bus_ok, Rule::Burst));
            }
            Cmd::Ref => {
                if self.any_open() {
                    return Err(state(Rule::BankOpen));
                }
                for k in &self.banks {
                    b.push((k.act_ok, Rule::Rp));
                }
            }
        }
        Ok(b)
    }

    /// Issues `cmd` at `cycle` if every rule allows it (the first broken rule is returned and
    /// nothing changes otherwise).
    pub fn issue(&mut self, cycle: u64, cmd: Cmd) -> Result<(), TimingViolation> {
        let bounds = self
            .bounds(cmd)
            .map_err(|v| TimingViolation { cycle, ..v })?;
        if let Some(&(at, rule)) = bounds.iter().find(|(at, _)| cycle < *at) {
            return Err(TimingViolation {
                cmd,
                cycle,
                rule,
                earliest: Some(at),
            });
        }
        let t = self.t;
        self.last_cmd = Some(cycle);
        match cmd {
            Cmd::Act { bank, row } => {
                let k = &mut self.banks[bank as usize];
                k.open = Some(row);
                k.act = cycle;
                self.last_act = Some(cycle);
                if self.acts.len() == 4 {
                    self.acts.pop_front();
                }
                self.acts.push_back(cycle);
            }
            Cmd::Pre { bank } => {
                let k = &mut self.banks[bank as usize];
                k.open = None;
                k.act_ok = cycle + u64::from(t.t_rp);
            }
            Cmd::Rd { .. } => self.bus_ok = cycle + u64::from(t.t_burst),
            Cmd::Wr { bank } => {
                self.bus_ok = cycle + u64::from(t.t_burst);
                self.banks[bank as usize].pre_ok_wr =
                    cycle + u64::from(t.t_cwl) + u64::from(t.t_burst) + u64::from(t.t_wr);
            }
            Cmd::Ref => self.ref_done = cycle + u64::from(t.t_rfc),
        }
        Ok(())
    }
}
