//! End-to-end timing tests of the DRAM channel, driven the way the accelerator controller
//! drives it: `tick(now)` then, if `ready(now)`, `request(now, ..)`, once per cycle.
//!
//! Reference configuration: 32-byte bursts (64-bit bus, BL4), 4 banks of 1 KiB rows,
//! t_rcd = 3, t_cl = 4, t_cwl = 2, t_rp = 5, t_burst = 2 (all different so a swapped timing
//! shows). Address map: row_global = addr / 1024, bank = row_global % 4, row = row_global / 4.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;

use fspinn_sim::dram::{
    DramChannel, DramConfig, DramCounters, DramError, DramKind, DramRequest, DramResponse,
};

const T_RCD: u64 = 3;
const T_CL: u64 = 4;
const T_CWL: u64 = 2;
const T_RP: u64 = 5;
const T_BURST: u64 = 2;

fn cfg() -> DramConfig {
    DramConfig {
        kind: DramKind::Ddr3,
        bus_bits: 64,
        burst_length: 4,
        banks: 4,
        row_bytes: 1024,
        capacity_bytes: 1 << 20,
        t_rcd: T_RCD as u32,
        t_cl: T_CL as u32,
        t_cwl: T_CWL as u32,
        t_rp: T_RP as u32,
        t_burst: T_BURST as u32,
    }
}

fn channel() -> DramChannel {
    DramChannel::new(cfg()).expect("reference configuration is valid")
}

fn rd(addr: u64, bytes: u32, tag: u64) -> DramRequest {
    DramRequest {
        write: false,
        addr,
        bytes,
        tag,
    }
}

fn wr(addr: u64, bytes: u32, tag: u64) -> DramRequest {
    DramRequest {
        write: true,
        addr,
        bytes,
        tag,
    }
}

/// Issues `req` at `now` (asserting the channel is ready) and ticks every cycle from `now`
/// until the response; asserts the response is returned at the cycle it names and that the
/// channel is not ready before it. Returns the completion cycle.
fn run_one(d: &mut DramChannel, now: u64, req: DramRequest) -> u64 {
    assert!(d.ready(now), "channel must be ready at {now}");
    d.request(now, req).expect("request accepted");
    let mut cycle = now;
    loop {
        if let Some(resp) = d.tick(cycle) {
            assert_eq!(
                resp,
                DramResponse {
                    tag: req.tag,
                    write: req.write,
                    cycle
                }
            );
            assert!(d.ready(cycle), "ready in the completion cycle");
            return cycle;
        }
        assert!(
            !d.ready(cycle),
            "not ready while outstanding (cycle {cycle})"
        );
        cycle += 1;
        assert!(cycle < now + 10_000, "no response");
    }
}

#[test]
fn row_hit_read_is_blocked_until_exactly_its_latency() {
    let mut d = channel();
    // Open bank 0 row 0.
    let c = run_one(&mut d, 0, rd(0, 32, 1));
    // Hit read issued in the completion cycle of the previous one.
    d.request(c, rd(64, 32, 2))
        .expect("accepted in the completion cycle");
    let due = c + T_CL + T_BURST;
    for now in c + 1..due {
        assert_eq!(d.tick(now), None, "cycle {now} is before the latency");
        assert!(!d.ready(now));
    }
    assert_eq!(
        d.tick(due),
        Some(DramResponse {
            tag: 2,
            write: false,
            cycle: due
        })
    );
    assert!(d.ready(due));
    assert_eq!(d.counters().row_hits, 1);
    assert_eq!(d.counters().row_misses, 1);
}

#[test]
fn row_hit_write_uses_t_cwl() {
    let mut d = channel();
    let c = run_one(&mut d, 0, wr(0, 32, 1));
    assert_eq!(c, T_RCD + T_CWL + T_BURST);
    assert_eq!(run_one(&mut d, c, wr(32, 32, 2)), c + T_CWL + T_BURST);
}

#[test]
fn row_miss_from_closed_bank_adds_t_rcd() {
    let mut d = channel();
    let issue = 5;
    for now in 0..issue {
        assert_eq!(d.tick(now), None);
    }
    assert_eq!(
        run_one(&mut d, issue, rd(0, 32, 1)),
        issue + T_RCD + T_CL + T_BURST
    );
    let c = d.counters();
    assert_eq!(
        (c.activates, c.precharges, c.row_misses, c.row_hits),
        (1, 0, 1, 0)
    );
    assert_eq!(d.open_row(0), Some(0));
}

#[test]
fn row_conflict_adds_t_rp_and_counts_a_precharge() {
    let mut d = channel();
    let c = run_one(&mut d, 0, rd(0, 32, 1));
    // addr 4096: row_global 4 -> bank 0, row 1: conflicts with the open row 0.
    let done = run_one(&mut d, c, rd(4096, 32, 2));
    assert_eq!(done, c + T_RP + T_RCD + T_CL + T_BURST);
    let k = d.counters();
    assert_eq!(
        (k.activates, k.precharges, k.row_misses, k.row_hits),
        (2, 1, 2, 0)
    );
    assert_eq!(d.open_row(0), Some(1));
}

#[test]
fn multi_burst_read_streams_at_t_burst() {
    let mut d = channel();
    // 128 aligned bytes = 4 bursts in bank 0 row 0: ACT@0, RD@3, 5, 7, 9 (data bus rule).
    let done = run_one(&mut d, 0, rd(0, 128, 1));
    assert_eq!(done, 9 + T_CL + T_BURST);
    let k = d.counters();
    assert_eq!((k.reads, k.writes, k.read_bytes), (4, 0, 128));
    assert_eq!((k.row_misses, k.row_hits, k.activates), (1, 3, 1));
    assert_eq!(k.busy_cycles, done);
}

#[test]
fn multi_burst_with_one_cycle_bursts_is_limited_by_the_command_slot() {
    let mut d = DramChannel::new(DramConfig {
        t_burst: 1,
        ..cfg()
    })
    .expect("valid");
    // ACT@0, WR@3, 4, 5, 6 (one command per cycle), data of the last ends at 6 + t_cwl + 1.
    assert_eq!(run_one(&mut d, 0, wr(0, 128, 1)), 6 + T_CWL + 1);
    assert_eq!(d.counters().writes, 4);
    assert_eq!(d.counters().write_bytes, 128);
}

#[test]
fn transaction_crossing_a_row_boundary_opens_the_next_bank() {
    let mut d = channel();
    // [992, 1056): burst at 992 in bank 0 row 0, burst at 1024 in bank 1 row 0.
    // ACT(0)@0, RD(0)@3, ACT(1)@4, RD(1)@max(4 + t_rcd, 3 + t_burst) = 7.
    assert_eq!(run_one(&mut d, 0, rd(992, 64, 1)), 7 + T_CL + T_BURST);
    assert_eq!((d.open_row(0), d.open_row(1)), (Some(0), Some(0)));
    assert_eq!(d.counters().activates, 2);
}

#[test]
fn unaligned_request_spanning_two_bursts_costs_two_bursts() {
    let mut d = channel();
    // 4 bytes at 30: [30, 34) touches bursts [0, 32) and [32, 64).
    let done = run_one(&mut d, 0, rd(30, 4, 1));
    assert_eq!(done, T_RCD + T_BURST + T_CL + T_BURST);
    let k = d.counters();
    assert_eq!(
        (k.reads, k.read_bytes, k.row_hits, k.row_misses),
        (2, 4, 1, 1)
    );

    // Unaligned but inside one burst: one burst only (row hit).
    let done2 = run_one(&mut d, done, rd(40, 10, 2));
    assert_eq!(done2, done + T_CL + T_BURST);
    assert_eq!(d.counters().reads, 3);
}

#[test]
fn request_while_busy_is_rejected_and_changes_nothing() {
    let mut d = channel();
    d.request(0, rd(0, 32, 1)).expect("accepted");
    let before = d.counters().clone();
    for now in 1..T_RCD + T_CL + T_BURST {
        assert_eq!(d.tick(now), None);
        assert!(!d.ready(now));
        assert_eq!(d.request(now, wr(64, 32, 2)), Err(DramError::Busy));
    }
    assert_eq!(d.counters(), &before);
    assert_eq!(d.pending_completion(), Some(T_RCD + T_CL + T_BURST));
    let done = T_RCD + T_CL + T_BURST;
    assert_eq!(d.tick(done).map(|r| r.tag), Some(1));
    assert_eq!(d.request(done, wr(64, 32, 2)), Ok(()));
}

#[test]
fn request_before_last_completion_is_rejected() {
    let mut d = channel();
    let done = run_one(&mut d, 0, rd(0, 32, 1));
    assert!(!d.ready(done - 1));
    assert_eq!(
        d.request(done - 1, rd(0, 32, 2)),
        Err(DramError::TimeWentBackwards {
            now: done - 1,
            earliest: done
        })
    );
}

#[test]
fn out_of_range_and_zero_length_are_rejected() {
    let mut d = channel();
    let cap = 1u64 << 20;
    assert_eq!(
        d.request(0, rd(cap - 16, 17, 1)),
        Err(DramError::OutOfRange {
            addr: cap - 16,
            bytes: 17,
            capacity: cap
        })
    );
    let msg = d
        .request(0, rd(cap, 1, 1))
        .expect_err("starts at capacity")
        .to_string();
    assert!(msg.contains("capacity of 1048576 bytes"), "{msg}");
    assert_eq!(d.request(0, wr(0, 0, 1)), Err(DramError::ZeroLength));
    assert_eq!(d.counters().requests, 0);
    // The last 16 bytes are in range: row_global 1023 -> bank 3, row 255.
    run_one(&mut d, 0, rd(cap - 16, 16, 2));
    assert_eq!(d.open_row(3), Some(255));
}

#[test]
fn rows_in_different_banks_stay_open_together() {
    let mut d = channel();
    let c1 = run_one(&mut d, 0, rd(0, 32, 1)); // bank 0 row 0: miss
    let c2 = run_one(&mut d, c1, rd(1024, 32, 2)); // bank 1 row 0: miss
    let c3 = run_one(&mut d, c2, rd(32, 32, 3)); // bank 0 row 0 again: hit
    let c4 = run_one(&mut d, c3, rd(1056, 32, 4)); // bank 1 row 0 again: hit
    assert_eq!(c3, c2 + T_CL + T_BURST);
    assert_eq!(c4, c3 + T_CL + T_BURST);
    let k = d.counters();
    assert_eq!((k.row_hits, k.row_misses, k.precharges), (2, 2, 0));

    // With a single bank the same addresses are two rows of one bank and conflict.
    let one_bank = DramConfig { banks: 1, ..cfg() };
    let mut d = DramChannel::new(one_bank).expect("valid");
    let c1 = run_one(&mut d, 0, rd(0, 32, 1));
    let c2 = run_one(&mut d, c1, rd(1024, 32, 2));
    let c3 = run_one(&mut d, c2, rd(32, 32, 3));
    assert_eq!(c3, c2 + T_RP + T_RCD + T_CL + T_BURST);
    assert_eq!(d.counters().precharges, 2);
}

#[test]
fn late_tick_still_returns_the_true_completion_cycle() {
    let mut d = channel();
    d.request(0, rd(0, 32, 5)).expect("accepted");
    assert_eq!(
        d.tick(100),
        Some(DramResponse {
            tag: 5,
            write: false,
            cycle: 9
        })
    );
    assert_eq!(d.tick(101), None);
    assert_eq!(d.counters().busy_cycles, 9);
}

/// A trace sink the test can read back after the channel took ownership of it.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs a script of (issue cycle, request) with one tick per cycle, like the controller, and
/// returns the responses.
fn run_script(d: &mut DramChannel, script: &[(u64, DramRequest)], until: u64) -> Vec<DramResponse> {
    let mut out = Vec::new();
    let mut next = script.iter().peekable();
    for now in 0..=until {
        if let Some(resp) = d.tick(now) {
            assert_eq!(resp.cycle, now);
            out.push(resp);
        }
        if let Some(&&(at, req)) = next.peek() {
            if at == now {
                assert!(d.ready(now), "script issues at {now} but channel busy");
                d.request(now, req).expect("accepted");
                next.next();
            }
        }
    }
    assert!(next.next().is_none(), "script not fully issued");
    out
}

/// The scripted sequence, hand-scheduled:
/// - t=0  read [0, 64): bank 0 row 0 closed: ACT@0, RD@3, RD@5 (hit, bus) -> done 5+4+2 = 11
/// - t=11 write [1040, 1072): bursts 1024, 1056, bank 1 row 0 closed: ACT@11, WR@14,
///   WR@16 (hit) -> done 16+2+2 = 20
/// - t=20 read [4096, 4128): bank 0 row 1, row 0 open: PRE@20, ACT@25, RD@28 -> done 34
/// - t=40 read [1024, 1032): bank 1 row 0 open: RD@40 -> done 46
fn scripted() -> Vec<(u64, DramRequest)> {
    vec![
        (0, rd(0, 64, 10)),
        (11, wr(1040, 32, 11)),
        (20, rd(4096, 32, 12)),
        (40, rd(1024, 8, 13)),
    ]
}

#[test]
fn scripted_sequence_counters_match_hand_computation() {
    let mut d = channel();
    let resps = run_script(&mut d, &scripted(), 60);
    let got: Vec<(u64, bool, u64)> = resps.iter().map(|r| (r.tag, r.write, r.cycle)).collect();
    assert_eq!(
        got,
        vec![
            (10, false, 11),
            (11, true, 20),
            (12, false, 34),
            (13, false, 46)
        ]
    );
    assert_eq!(
        d.counters(),
        &DramCounters {
            requests: 4,
            reads: 4,
            writes: 2,
            read_bytes: 64 + 32 + 8,
            write_bytes: 32,
            activates: 3,
            precharges: 1,
            row_hits: 3,
            row_misses: 3,
            busy_cycles: 11 + 9 + 14 + 6,
        }
    );
}

#[test]
fn scripted_sequence_trace_lines() {
    let mut d = channel();
    let buf = Shared::default();
    d.set_trace(Box::new(buf.clone()));
    run_script(&mut d, &scripted(), 60);
    d.flush_trace().expect("flush");
    let text = String::from_utf8(buf.0.borrow().clone()).expect("utf8");
    let expected = "\
0,ACT,0
3,RD,0
5,RD,0
11,ACT,1
14,WR,1
16,WR,1
20,PRE,0
25,ACT,0
28,RD,0
40,RD,1
";
    assert_eq!(text, expected);
    // Command cycles strictly increase (one command per cycle).
    let cycles: Vec<u64> = text
        .lines()
        .map(|l| {
            l.split(',')
                .next()
                .and_then(|c| c.parse().ok())
                .expect("cycle")
        })
        .collect();
    assert!(cycles.windows(2).all(|w| w[0] < w[1]), "{cycles:?}");
}
