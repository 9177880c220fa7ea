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
    dram_energy, memspec_json, BankMachine, Cmd, DramActivity, DramChannel, DramConfig,
    DramCounters, DramError, DramKind, DramRequest, DramResponse, DramTiming, Rule,
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
    }
}

/// The reference timings; the rules the first model did not have (tRAS, tWR, tRRD, tFAW) are
/// 1 cycle and refresh never falls due, so these tests isolate the basic schedule. The other
/// rules have their own tests below.
fn timing() -> DramTiming {
    DramTiming {
        t_rcd: T_RCD as u32,
        t_cl: T_CL as u32,
        t_cwl: T_CWL as u32,
        t_rp: T_RP as u32,
        t_burst: T_BURST as u32,
        t_ras: 1,
        t_wr: 1,
        t_rrd: 1,
        t_faw: 1,
        t_refi: u64::MAX,
        t_rfc: 1,
    }
}

fn channel() -> DramChannel {
    DramChannel::with_timing(cfg(), timing()).expect("reference configuration is valid")
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
    let mut d = DramChannel::with_timing(
        cfg(),
        DramTiming {
            t_burst: 1,
            ..timing()
        },
    )
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
    let mut d = DramChannel::with_timing(one_bank, timing()).expect("valid");
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
            refreshes: 0,
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
    assert_eq!(d.finish(60).expect("flush"), 60);
    let text = String::from_utf8(buf.0.borrow().clone()).expect("utf8");
    // DRAMPower 5 command list: ts,CMD,rank,bankgroup,bank,row,column[,data]; one burst of
    // 32 zero bytes as data; `with_timing` keeps accelerator cycles as timestamps.
    let z = "0".repeat(64);
    let expected = format!(
        "\
0,ACT,0,0,0,0,0
3,RD,0,0,0,0,0,{z}
5,RD,0,0,0,0,4,{z}
11,ACT,0,0,1,0,0
14,WR,0,0,1,0,0,{z}
16,WR,0,0,1,0,4,{z}
20,PRE,0,0,0,0,0
25,ACT,0,0,0,1,0
28,RD,0,0,0,1,0,{z}
40,RD,0,0,1,0,0,{z}
60,END,0,0,0,0,0
"
    );
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

// ---- the timing rules, each gated tightly: one cycle early is refused, on time accepted ----

/// Timings all different so a swapped rule shows.
fn rules() -> DramTiming {
    DramTiming {
        t_rcd: 3,
        t_cl: 4,
        t_cwl: 2,
        t_rp: 5,
        t_burst: 2,
        t_ras: 7,
        t_wr: 6,
        t_rrd: 4,
        t_faw: 20,
        t_refi: 1000,
        t_rfc: 11,
    }
}

/// `cmd` at `at - 1` is refused by `rule` (naming `at` as the earliest cycle under it), and at
/// `at` it is accepted.
fn gate(m: &mut BankMachine, cmd: Cmd, at: u64, rule: Rule) {
    let v = m.clone().issue(at - 1, cmd).expect_err("one cycle early");
    assert_eq!((v.rule, v.earliest), (rule, Some(at)), "{v}");
    assert_eq!(m.earliest(cmd), Ok(at));
    m.issue(at, cmd).expect("on time");
}

fn act(bank: u32) -> Cmd {
    Cmd::Act { bank, row: 0 }
}

#[test]
fn rcd_gates_read_and_write_after_activate() {
    let mut m = BankMachine::new(rules(), 8);
    m.issue(0, act(0)).unwrap();
    gate(&mut m, Cmd::Rd { bank: 0 }, 3, Rule::Rcd);
    let mut m = BankMachine::new(rules(), 8);
    m.issue(0, act(0)).unwrap();
    gate(&mut m, Cmd::Wr { bank: 0 }, 3, Rule::Rcd);
}

#[test]
fn ras_gates_precharge_after_activate() {
    let mut m = BankMachine::new(rules(), 8);
    m.issue(0, act(0)).unwrap();
    gate(&mut m, Cmd::Pre { bank: 0 }, 7, Rule::Ras);
}

#[test]
fn rp_gates_activate_after_precharge() {
    let mut m = BankMachine::new(rules(), 8);
    m.issue(0, act(0)).unwrap();
    m.issue(7, Cmd::Pre { bank: 0 }).unwrap();
    gate(&mut m, act(0), 12, Rule::Rp);
}

#[test]
fn write_recovery_gates_precharge_after_write() {
    let mut m = BankMachine::new(rules(), 8);
    m.issue(0, act(0)).unwrap();
    m.issue(3, Cmd::Wr { bank: 0 }).unwrap();
    // WR@3 + t_cwl 2 + t_burst 2 + t_wr 6 = 13 (later than tRAS's 7).
    gate(&mut m, Cmd::Pre { bank: 0 }, 13, Rule::Wr);
}

#[test]
fn rrd_gates_activates_of_different_banks() {
    let mut m = BankMachine::new(rules(), 8);
    m.issue(0, act(0)).unwrap();
    gate(&mut m, act(1), 4, Rule::Rrd);
}

#[test]
fn faw_allows_four_activates_per_window() {
    let mut m = BankMachine::new(rules(), 8);
    for (b, at) in [(0, 0), (1, 4), (2, 8), (3, 12)] {
        m.issue(at, act(b)).unwrap();
    }
    // tRRD alone would allow 16; the fifth ACT waits for ACT@0 + t_faw = 20.
    gate(&mut m, act(4), 20, Rule::Faw);
}

#[test]
fn burst_gates_back_to_back_column_commands() {
    let mut m = BankMachine::new(rules(), 8);
    m.issue(0, act(0)).unwrap();
    m.issue(4, act(1)).unwrap();
    m.issue(7, Cmd::Rd { bank: 0 }).unwrap();
    gate(&mut m, Cmd::Rd { bank: 1 }, 9, Rule::Burst);
}

#[test]
fn rfc_blocks_every_command_after_refresh_and_refresh_needs_closed_banks() {
    let mut m = BankMachine::new(rules(), 8);
    m.issue(0, act(0)).unwrap();
    assert_eq!(m.issue(8, Cmd::Ref).unwrap_err().rule, Rule::BankOpen);
    m.issue(8, Cmd::Pre { bank: 0 }).unwrap();
    gate(&mut m, Cmd::Ref, 13, Rule::Rp);
    gate(&mut m, act(3), 24, Rule::Rfc);
}

#[test]
fn one_command_per_cycle_and_state_errors() {
    let mut m = BankMachine::new(rules(), 8);
    m.issue(10, act(0)).unwrap();
    assert_eq!(
        m.clone().issue(10, act(5)).unwrap_err().rule,
        Rule::CommandSlot
    );
    let v = m.clone().issue(30, Cmd::Rd { bank: 1 }).unwrap_err();
    assert_eq!((v.rule, v.earliest), (Rule::BankClosed, None));
    assert_eq!(
        m.clone().issue(30, act(0)).unwrap_err().rule,
        Rule::BankOpen
    );
    assert_eq!(
        m.clone().issue(30, act(8)).unwrap_err().rule,
        Rule::NoSuchBank
    );
}

// ---- refresh and the new rules seen through the channel ----

#[test]
fn refresh_is_issued_when_due_and_blocks_the_channel_for_t_rfc() {
    let t = rules();
    let mut d = DramChannel::with_timing(cfg(), t).expect("valid");
    let buf = Shared::default();
    d.set_trace(Box::new(buf.clone()));
    // Opens bank 0 at 0; done at RD@3 + 4 + 2 = 9.
    assert_eq!(run_one(&mut d, 0, rd(0, 32, 1)), 9);
    // At 998 the next command (a row hit RD) would be at 998 < 1000: no refresh yet.
    assert_eq!(run_one(&mut d, 998, rd(0, 32, 2)), 998 + 4 + 2);
    // Requested at 1004, after the refresh fell due at 1000 while idle: PRE@1000 (bank 0
    // open), REF@1005 (t_rp), then the bank is
    // closed: ACT@1016 (t_rfc 11), RD@1019, done 1019 + 4 + 2.
    assert_eq!(run_one(&mut d, 1004, rd(0, 32, 3)), 1025);
    let k = d.counters();
    assert_eq!((k.refreshes, k.precharges, k.activates), (1, 1, 2));
    assert_eq!(d.finish(1100).expect("trace"), 1100);
    let text = String::from_utf8(buf.0.borrow().clone()).expect("utf8");
    let cmds: Vec<&str> = text.lines().map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(
        cmds,
        ["ACT", "RD", "RD", "PRE", "REFA", "ACT", "RD", "END"],
        "{text}"
    );
    assert!(
        text.contains("1000,PRE,") && text.contains("1005,REFA,"),
        "{text}"
    );
}

#[test]
fn refreshes_due_while_idle_are_counted_at_their_due_cycles() {
    let t = rules();
    let mut d = DramChannel::with_timing(cfg(), t).expect("valid");
    run_one(&mut d, 0, rd(0, 32, 1));
    // Idle until 3500: refreshes due at 1000, 2000, 3000 are all issued.
    let a = d.activity(3500);
    assert_eq!(a.refreshes, 3);
    // Bank 0 open from ACT@0 to the refresh's PRE@1000; then three refreshes of 11 cycles.
    assert_eq!(a.active_cycles, 1000 + 3 * 11);
    assert_eq!(a.cycles, 3500);
    // `activity` does not change the channel; a request after it sees the same refreshes.
    assert_eq!(d.counters().refreshes, 0);
    run_one(&mut d, 3500, rd(0, 32, 2));
    assert_eq!(d.counters().refreshes, 3);
}

#[test]
fn ras_delays_a_row_conflict_precharge() {
    let mut d = DramChannel::with_timing(cfg(), rules()).expect("valid");
    let c = run_one(&mut d, 0, rd(0, 32, 1)); // ACT@0, RD@3, done 9
                                              // Row conflict at 9: PRE not before ACT + t_ras = 7 -> at 9; ACT@14, RD@17, done 23.
    assert_eq!(run_one(&mut d, c, rd(4096, 32, 2)), 23);
    // With a long tRAS the PRE waits: ACT@0 + 20 = 20 -> ACT@25, RD@28, done 34.
    let mut d = DramChannel::with_timing(
        cfg(),
        DramTiming {
            t_ras: 20,
            ..rules()
        },
    )
    .expect("valid");
    let c = run_one(&mut d, 0, rd(0, 32, 1));
    assert_eq!(run_one(&mut d, c, rd(4096, 32, 2)), 34);
}

// ---- energy by DRAMPower's equations, against a hand computation ----

fn lpddr4_x32() -> DramConfig {
    DramConfig {
        kind: DramKind::Lpddr4,
        bus_bits: 32,
        burst_length: 16,
        banks: 8,
        row_bytes: 4096,
        capacity_bytes: 1 << 29,
    }
}

#[test]
fn lpddr4_energy_follows_drampower_equations() {
    // JEDEC LPDDR4-3200 x16 currents (VDD1 1.8 V / VDD2 1.1 V), two devices:
    // ACT: I_theta = IDD0 (IBeta = IDD0) -> 1.8 (3.5 - 2.25) 42.5 + 1.1 (45 - 30) 42.5
    //      = 95.625 + 701.25 = 796.875 pJ per device.
    // PRE: 1.8 (3.5 - 2) 18.125 + 1.1 (45 - 27) 18.125 = 48.9375 + 358.875 = 407.8125 pJ.
    // RD : 1.1 (275 - 30) 5 = 1347.5 pJ (VDD1: IDD4R = IDD3N).  WR: 1.1 (210 - 30) 5 = 990.
    // REF: 1.8 (10 - 2.25) 280 + 1.1 (90 - 30) 280 = 3906 + 18480 = 22386 pJ.
    // Standby: active 1.8 x 2.25 + 1.1 x 30 = 37.05 mW, precharged 1.8 x 2 + 1.1 x 27 = 33.3.
    let a = DramActivity {
        activates: 10,
        precharges: 9,
        reads: 100,
        writes: 20,
        refreshes: 2,
        cycles: 10_000,
        active_cycles: 6_000,
    };
    let e = dram_energy(&lpddr4_x32(), &a, 200.0);
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * y.abs().max(1.0);
    assert_eq!(e.devices, 2.0);
    assert!(close(e.act_pj_each, 2.0 * 796.875), "{}", e.act_pj_each);
    assert!(close(e.pre_pj_each, 2.0 * 407.8125));
    assert!(close(e.rd_pj_each, 2.0 * 1347.5));
    assert!(close(e.wr_pj_each, 2.0 * 990.0));
    assert!(close(e.ref_pj_each, 2.0 * 22386.0));
    assert!(close(e.active_standby_mw, 2.0 * 37.05));
    assert!(close(e.precharge_standby_mw, 2.0 * 33.3));
    // 6,000 cycles of 5 ns active, 4,000 precharged; mW x ns = pJ.
    assert!(close(e.bg_active_pj, 2.0 * 37.05 * 30_000.0));
    assert!(close(e.bg_precharged_pj, 2.0 * 33.3 * 20_000.0));
    let command = 10.0 * e.act_pj_each
        + 9.0 * e.pre_pj_each
        + 100.0 * e.rd_pj_each
        + 20.0 * e.wr_pj_each
        + 2.0 * e.ref_pj_each;
    assert!(close(e.command_pj, command));
    assert!(close(
        e.core_pj,
        command + e.bg_active_pj + e.bg_precharged_pj
    ));
    // I/O: 120 bursts x 64 bytes x 8 bits x 0.9 pJ/bit.
    assert!(close(e.io_pj, 120.0 * 512.0 * 0.9));
}

#[test]
fn memspec_matches_the_preset_and_only_lpddr4_has_one() {
    let j = memspec_json(&lpddr4_x32()).expect("lpddr4 memspec");
    let m = &j["memspec"];
    assert_eq!(m["memoryType"], "LPDDR4");
    assert_eq!(m["memarchitecturespec"]["nbrOfDevices"], 2);
    assert_eq!(m["memarchitecturespec"]["width"], 16);
    assert_eq!(m["memarchitecturespec"]["nbrOfBanks"], 8);
    assert_eq!(m["memtimingspec"]["RCD"], 29);
    assert_eq!(m["memtimingspec"]["RFCab"], 448);
    assert_eq!(m["mempowerspec"]["idd4r2"], 0.275);
    assert_eq!(m["bankwisespec"]["factRho"], 1.0);
    for kind in [DramKind::Ddr3, DramKind::Hbm2] {
        assert!(memspec_json(&DramConfig {
            kind,
            ..lpddr4_x32()
        })
        .is_none());
    }
}

#[test]
fn trace_timestamps_are_dram_clock_cycles() {
    // 200 MHz accelerator (5 ns) and LPDDR4-3200 (tCK 0.625 ns): 8 DRAM cycles per cycle.
    let mut d = DramChannel::new(lpddr4_x32(), 200.0).expect("valid");
    let buf = Shared::default();
    d.set_trace(Box::new(buf.clone()));
    // ACT@0, RD@t_rcd = 4 accelerator cycles = 32 DRAM cycles; done 4 + 4 + 1 = 9.
    assert_eq!(run_one(&mut d, 0, rd(0, 64, 1)), 9);
    d.finish(9).expect("trace");
    let text = String::from_utf8(buf.0.borrow().clone()).expect("utf8");
    let ts: Vec<&str> = text.lines().map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ts, ["0", "32", "72"], "{text}");
    assert!(text.ends_with("72,END,0,0,0,0,0\n"));
}
