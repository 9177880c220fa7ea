//! A synchronous SRAM bank with one read and one write port (1R1W), a fixed read latency and
//! access counters: the building block of the weight and neuron-state memories.
//!
//! Timing: a read issued in cycle `c` captures the word as it is at the start of `c` and
//! delivers it from [`SramBank::tick`] in cycle `c + latency`. A write issued in cycle `c`
//! commits at the end of `c` ([`SramBank::commit`]), so a read of the same address in the same
//! cycle still sees the old word, and a read in `c + 1` sees the new one. Each port takes one
//! access per cycle; a second one is a controller bug and panics with the bank's name.

use crate::counter::bump;
use std::collections::VecDeque;

/// What a bank's ports did in the current cycle, for waveforms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PortActivity {
    pub read_enable: bool,
    pub read_addr: u32,
    pub write_enable: bool,
    pub write_addr: u32,
    pub write_data: u64,
}

#[derive(Clone, Debug)]
pub struct SramBank {
    name: String,
    word_bits: u32,
    latency: u32,
    data: Vec<u64>,
    in_flight: VecDeque<(u64, u32, u64)>,
    pending_write: Option<(u32, u64)>,
    last_read: Option<u64>,
    pub reads: u64,
    pub writes: u64,
    pub activity: PortActivity,
}

impl SramBank {
    pub fn new(name: impl Into<String>, depth: u32, word_bits: u32, latency: u32) -> Self {
        SramBank {
            name: name.into(),
            word_bits,
            latency,
            data: vec![0; depth as usize],
            in_flight: VecDeque::new(),
            pending_write: None,
            last_read: None,
            reads: 0,
            writes: 0,
            activity: PortActivity::default(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn depth(&self) -> u32 {
        self.data.len() as u32
    }
    pub fn word_bits(&self) -> u32 {
        self.word_bits
    }
    pub fn latency(&self) -> u32 {
        self.latency
    }

    /// Issues a read of `addr` in cycle `now`; its data comes back with `tag` at
    /// `now + latency`.
    pub fn read(&mut self, now: u64, addr: u32, tag: u32) {
        assert!(
            self.last_read != Some(now),
            "{}: two reads in cycle {now}",
            self.name
        );
        let word = *self
            .data
            .get(addr as usize)
            .unwrap_or_else(|| panic!("{}: read address {addr} out of range", self.name));
        self.last_read = Some(now);
        self.in_flight
            .push_back((now + self.latency as u64, tag, word));
        bump(&mut self.reads, 1, "sram reads");
        self.activity.read_enable = true;
        self.activity.read_addr = addr;
    }

    /// Issues a write in the current cycle; it commits at the end of the cycle.
    pub fn write(&mut self, addr: u32, word: u64) {
        assert!(
            self.pending_write.is_none(),
            "{}: two writes in one cycle",
            self.name
        );
        assert!(
            (addr as usize) < self.data.len(),
            "{}: write address {addr} out of range",
            self.name
        );
        debug_assert!(self.word_bits == 64 || word >> self.word_bits == 0);
        self.pending_write = Some((addr, word));
        bump(&mut self.writes, 1, "sram writes");
        self.activity.write_enable = true;
        self.activity.write_addr = addr;
        self.activity.write_data = word;
    }

    /// Delivers the read whose latency ends in cycle `now`, if any.
    pub fn tick(&mut self, now: u64) -> Option<(u32, u64)> {
        match self.in_flight.front() {
            Some(&(ready, tag, word)) if ready == now => {
                self.in_flight.pop_front();
                Some((tag, word))
            }
            Some(&(ready, _, _)) => {
                debug_assert!(ready > now, "{}: a read was not collected", self.name);
                None
            }
            None => None,
        }
    }

    /// End of cycle: the write of this cycle takes effect; activity is cleared for the next.
    pub fn commit(&mut self) {
        if let Some((addr, word)) = self.pending_write.take() {
            self.data[addr as usize] = word;
        }
        self.activity = PortActivity::default();
    }

    /// Reads done, no read in flight.
    pub fn idle(&self) -> bool {
        self.in_flight.is_empty()
    }

    /// Backdoor access for loading and checking contents (the host interface's job), no
    /// counting, no timing.
    pub fn peek(&self, addr: u32) -> u64 {
        self.data[addr as usize]
    }
    pub fn poke(&mut self, addr: u32, word: u64) {
        self.data[addr as usize] = word;
    }
}
