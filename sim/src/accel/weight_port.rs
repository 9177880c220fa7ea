//! The weight-memory interface: one front end for the controller, behind it either the
//! on-chip banks or the DRAM channel. The controller asks for chunks (the `P` weights of one
//! input to one neuron group) or single words, and writes them back; the port turns that into
//! bank accesses (one group of `banks` words per cycle) or DRAM transactions (one at a time, in
//! order), so the same controller runs with weights on chip or off chip and only the timing and
//! the traffic change.
//!
//! Timing per cycle (see docs/architecture.md): [`WeightPort::tick`] first delivers the read
//! that completes in this cycle; the controller then queues requests; [`WeightPort::issue`]
//! sends this cycle's bank accesses or DRAM command; [`WeightPort::commit`] ends the cycle.

use crate::dram::{DramChannel, DramRequest};
use crate::layout::WeightLayout;
use crate::sram::SramBank;
use std::collections::VecDeque;

/// A completed read: the requested words, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightData {
    pub tag: u32,
    pub words: Vec<u64>,
}

#[derive(Clone, Debug)]
struct Job {
    tag: u32,
    chunk: usize,
    /// Words `first .. first + count` of the chunk.
    first: usize,
    count: usize,
    /// Next word to issue (relative to `first`).
    next: usize,
    /// Data to write (writes only).
    data: Vec<u64>,
    write: bool,
}

#[derive(Clone, Debug)]
struct Assembly {
    tag: u32,
    missing: usize,
    words: Vec<u64>,
}

#[derive(Clone)]
pub struct WeightPort {
    layout: WeightLayout,
    banks: Vec<SramBank>,
    dram: DramChannel,
    /// The DRAM's contents as words (index = byte address / word bytes).
    dram_words: Vec<u64>,
    reads: VecDeque<Job>,
    writes: VecDeque<Job>,
    /// Reads in flight on the banks, in issue order, with the word index each bank read fills.
    assembling: VecDeque<Assembly>,
    bank_meta: Vec<VecDeque<(u32, usize)>>,
    /// The DRAM transaction in flight.
    dram_busy: Option<Job>,
    /// Read data that completed this cycle.
    ready: Option<WeightData>,
    /// The DRAM transaction handed to the channel in this cycle (for the lock-step record).
    issued: Option<crate::lockstep::DramIssue>,
    /// The DRAM port as the RTL's `dram_*` ports show it (for waveforms).
    seen: DramSeen,
}

/// What the DRAM port did recently: enough to give the RTL's `dram_*` port values of any
/// cycle (a request and a completion are only valid in their own cycle, the read data is held
/// until the next read completes, as the testbench drives `dram_resp_rdata`).
#[derive(Clone, Debug, Default)]
struct DramSeen {
    /// Cycle, write, byte address, bytes of the last request.
    request: Option<(u64, bool, u64, u32)>,
    /// Write data of the last request (empty for a read).
    wdata: Vec<u64>,
    /// Cycle of the last completion.
    response: Option<u64>,
    /// Data of the last completed read.
    rdata: Vec<u64>,
}

/// The RTL's DRAM port in one cycle (`fspinn_top`'s `dram_*` ports, docs/rtl.md): the model's
/// side of the same port, so its waveforms carry the signals under the RTL's names. Words are
/// 64 bits, word 0 in bits `[63:0]`; missing words are zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DramPortCycle<'a> {
    /// A request is presented (and taken: the port never holds one in the model).
    pub req_valid: bool,
    /// The request writes; zero without a request, as in the RTL.
    pub req_write: bool,
    /// Its byte address (40 bits); zero without a request.
    pub req_addr: u64,
    /// Its size in bytes; zero without a request.
    pub req_bytes: u32,
    /// Its write data (empty: zero).
    pub req_wdata: &'a [u64],
    /// The channel can take a request in this cycle (after this cycle's completion).
    pub req_ready: bool,
    /// A transaction completes in this cycle.
    pub resp_valid: bool,
    /// The data of the last completed read (held, as the testbench drives it).
    pub resp_rdata: &'a [u64],
}

impl WeightPort {
    pub fn new(layout: WeightLayout, banks: Vec<SramBank>, dram: DramChannel) -> Self {
        let dram_words = if layout.on_chip {
            Vec::new()
        } else {
            vec![0; (layout.dram_bytes() / layout.word_bytes()) as usize]
        };
        let n = banks.len();
        WeightPort {
            layout,
            banks,
            dram,
            dram_words,
            reads: VecDeque::new(),
            writes: VecDeque::new(),
            assembling: VecDeque::new(),
            bank_meta: vec![VecDeque::new(); n],
            dram_busy: None,
            ready: None,
            issued: None,
            seen: DramSeen::default(),
        }
    }

    pub fn layout(&self) -> &WeightLayout {
        &self.layout
    }
    pub fn banks(&self) -> &[SramBank] {
        &self.banks
    }
    pub fn dram(&self) -> &DramChannel {
        &self.dram
    }
    pub fn dram_mut(&mut self) -> &mut DramChannel {
        &mut self.dram
    }

    /// A new read may be queued this cycle: on chip when no earlier read waits to be issued,
    /// off chip when nothing waits at all (DRAM transactions are serialised).
    pub fn can_read(&self) -> bool {
        if self.layout.on_chip {
            self.reads.is_empty()
        } else {
            self.reads.is_empty() && self.writes.is_empty() && self.dram_busy.is_none()
        }
    }
    /// A new write may be queued this cycle.
    pub fn can_write(&self) -> bool {
        self.can_read() || (self.layout.on_chip && self.writes.is_empty())
    }
    /// Nothing queued or in flight.
    pub fn quiet(&self) -> bool {
        self.reads.is_empty()
            && self.writes.is_empty()
            && self.assembling.is_empty()
            && self.dram_busy.is_none()
            && self.ready.is_none()
    }

    pub fn read_chunk(&mut self, chunk: usize, tag: u32) {
        let count = self.layout.words_per_chunk;
        self.push_read(tag, chunk, 0, count);
    }
    pub fn read_word(&mut self, chunk: usize, q: usize, tag: u32) {
        self.push_read(tag, chunk, q, 1);
    }
    fn push_read(&mut self, tag: u32, chunk: usize, first: usize, count: usize) {
        self.reads.push_back(Job {
            tag,
            chunk,
            first,
            count,
            next: 0,
            data: Vec::new(),
            write: false,
        });
    }
    pub fn write_chunk(&mut self, chunk: usize, words: Vec<u64>) {
        debug_assert_eq!(words.len(), self.layout.words_per_chunk);
        self.push_write(chunk, 0, words);
    }
    pub fn write_word(&mut self, chunk: usize, q: usize, word: u64) {
        self.push_write(chunk, q, vec![word]);
    }
    fn push_write(&mut self, chunk: usize, first: usize, data: Vec<u64>) {
        self.writes.push_back(Job {
            tag: 0,
            chunk,
            first,
            count: data.len(),
            next: 0,
            data,
            write: true,
        });
    }

    /// Start of cycle `now`: collects bank data and DRAM completions; returns the read that
    /// completed in this cycle.
    pub fn tick(&mut self, now: u64) -> Option<WeightData> {
        if self.layout.on_chip {
            for (b, bank) in self.banks.iter_mut().enumerate() {
                if let Some((_, word)) = bank.tick(now) {
                    let (tag, q) = self.bank_meta[b].pop_front().expect("bank read metadata");
                    let asm = self
                        .assembling
                        .iter_mut()
                        .find(|a| a.tag == tag)
                        .expect("read being assembled");
                    asm.words[q] = word;
                    asm.missing -= 1;
                }
            }
            if self.assembling.front().is_some_and(|a| a.missing == 0) {
                let a = self.assembling.pop_front().unwrap();
                return Some(WeightData {
                    tag: a.tag,
                    words: a.words,
                });
            }
            None
        } else {
            if let Some(resp) = self.dram.tick(now) {
                let job = self.dram_busy.take().expect("DRAM transaction in flight");
                debug_assert_eq!(resp.tag, job.tag as u64);
                self.seen.response = Some(now);
                if !job.write {
                    let base = self.dram_word_index(job.chunk, job.first);
                    let words = self.dram_words[base..base + job.count].to_vec();
                    self.seen.rdata.clone_from(&words);
                    return Some(WeightData {
                        tag: job.tag,
                        words,
                    });
                }
            }
            self.ready.take()
        }
    }

    fn dram_word_index(&self, chunk: usize, q: usize) -> usize {
        (self.layout.dram_word_addr(chunk, q) / self.layout.word_bytes()) as usize
    }

    /// Sends this cycle's accesses: on chip, one group of reads (one word per bank) and one
    /// group of writes; off chip, the next transaction when the channel is free.
    pub fn issue(&mut self, now: u64) {
        if self.layout.on_chip {
            self.issue_banks(now);
        } else {
            self.issue_dram(now);
        }
    }

    fn issue_banks(&mut self, now: u64) {
        let banks = self.layout.banks;
        if let Some(job) = self.reads.front_mut() {
            if job.next == 0 {
                self.assembling.push_back(Assembly {
                    tag: job.tag,
                    missing: job.count,
                    words: vec![0; job.count],
                });
            }
            let mut used = vec![false; banks];
            while job.next < job.count {
                let q = job.first + job.next;
                let (bank, addr) = self.layout.sram_word(job.chunk, q);
                if used[bank] {
                    break;
                }
                used[bank] = true;
                self.banks[bank].read(now, addr, job.tag);
                self.bank_meta[bank].push_back((job.tag, job.next));
                job.next += 1;
            }
            if job.next == job.count {
                self.reads.pop_front();
            }
        }
        if let Some(job) = self.writes.front_mut() {
            let mut used = vec![false; banks];
            while job.next < job.count {
                let q = job.first + job.next;
                let (bank, addr) = self.layout.sram_word(job.chunk, q);
                if used[bank] {
                    break;
                }
                used[bank] = true;
                self.banks[bank].write(addr, job.data[job.next]);
                job.next += 1;
            }
            if job.next == job.count {
                self.writes.pop_front();
            }
        }
    }

    fn issue_dram(&mut self, now: u64) {
        if self.dram_busy.is_some() || !self.dram.ready(now) {
            return;
        }
        // Writes and reads are served in the order the controller needs them: a queued write
        // (the second half of a read-modify-write) goes first.
        let job = match self.writes.pop_front() {
            Some(j) => j,
            None => match self.reads.pop_front() {
                Some(j) => j,
                None => return,
            },
        };
        let addr = self.layout.dram_word_addr(job.chunk, job.first);
        let bytes = (job.count as u64 * self.layout.word_bytes()) as u32;
        if job.write {
            let base = self.dram_word_index(job.chunk, job.first);
            self.dram_words[base..base + job.count].copy_from_slice(&job.data);
        }
        self.seen.request = Some((now, job.write, addr, bytes));
        self.seen.wdata.clone_from(&job.data);
        self.dram
            .request(
                now,
                DramRequest {
                    write: job.write,
                    addr,
                    bytes,
                    tag: job.tag as u64,
                },
            )
            .expect("DRAM request within capacity while the channel is ready");
        self.issued = Some(crate::lockstep::DramIssue {
            cycle: now,
            write: job.write,
            addr,
            bytes,
            data: if job.write {
                job.data.clone()
            } else {
                Vec::new()
            },
        });
        self.dram_busy = Some(job);
    }

    /// The DRAM transaction handed to the channel in the current cycle, if any.
    pub fn dram_issued(&self) -> Option<&crate::lockstep::DramIssue> {
        self.issued.as_ref()
    }

    /// The DRAM port's values in cycle `now` (the current one or an earlier one with no later
    /// transaction), for waveforms.
    pub fn dram_port(&self, now: u64) -> DramPortCycle<'_> {
        let request = self.seen.request.filter(|r| r.0 == now);
        let (req_write, req_addr, req_bytes) = request.map_or((false, 0, 0), |r| (r.1, r.2, r.3));
        // The channel's readiness as the RTL's input shows it: before this cycle's request,
        // after this cycle's completion.
        let req_ready = request.is_some()
            || self.dram.ready(now)
            || self.dram.pending_completion().is_some_and(|c| c <= now);
        DramPortCycle {
            req_valid: request.is_some(),
            req_write,
            req_addr,
            req_bytes,
            req_wdata: if request.is_some() {
                &self.seen.wdata
            } else {
                &[]
            },
            req_ready,
            resp_valid: self.seen.response == Some(now),
            resp_rdata: &self.seen.rdata,
        }
    }

    /// End of cycle: bank writes take effect.
    pub fn commit(&mut self) {
        self.issued = None;
        for b in &mut self.banks {
            b.commit();
        }
    }

    /// Host backdoor: the word holding word `q` of a chunk, wherever it lives.
    pub fn peek(&self, chunk: usize, q: usize) -> u64 {
        if self.layout.on_chip {
            let (bank, addr) = self.layout.sram_word(chunk, q);
            self.banks[bank].peek(addr)
        } else {
            self.dram_words[self.dram_word_index(chunk, q)]
        }
    }
    pub fn poke(&mut self, chunk: usize, q: usize, word: u64) {
        if self.layout.on_chip {
            let (bank, addr) = self.layout.sram_word(chunk, q);
            self.banks[bank].poke(addr, word);
        } else {
            let i = self.dram_word_index(chunk, q);
            self.dram_words[i] = word;
        }
    }
}
