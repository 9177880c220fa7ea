//! Unit tests of configuration checking and of the channel's error paths; the timing rules are
//! tested end to end in `sim/tests/dram.rs`.

use super::*;
use std::io;

fn base() -> DramConfig {
    DramConfig {
        kind: DramKind::Lpddr4,
        bus_bits: 64,
        burst_length: 4,
        banks: 4,
        row_bytes: 1024,
        capacity_bytes: 1 << 20,
    }
}

/// Timings of the error-path tests: only the five the old model had matter; the others are 1
/// and refresh never falls due.
fn timing() -> DramTiming {
    DramTiming {
        t_rcd: 3,
        t_cl: 4,
        t_cwl: 2,
        t_rp: 5,
        t_burst: 2,
        t_ras: 1,
        t_wr: 1,
        t_rrd: 1,
        t_faw: 1,
        t_refi: u64::MAX,
        t_rfc: 1,
    }
}

/// Applies `edit` to the base configuration and returns the validation error, checking that
/// it names `field` both in `field()` and in the message prefix `dram.<field> = <value>`.
fn rejected(edit: impl FnOnce(&mut DramConfig), field: &str, value: &str) -> DramConfigError {
    let mut cfg = base();
    edit(&mut cfg);
    let err = cfg
        .validate()
        .expect_err("configuration should be rejected");
    assert_eq!(err.field(), Some(field), "{err}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("dram.{field} = {value}: ")),
        "message {msg:?} does not start with dram.{field} = {value}"
    );
    // A channel must refuse the same configuration with the same error.
    assert_eq!(
        DramChannel::with_timing(cfg, timing()).expect_err("new must validate"),
        err
    );
    err
}

#[test]
fn base_config_is_valid_and_burst_bytes_is_bus_times_length() {
    let cfg = base();
    assert_eq!(cfg.validate(), Ok(()));
    assert_eq!(cfg.burst_bytes(), 32);
    let wide = DramConfig {
        bus_bits: 1024,
        burst_length: 64,
        row_bytes: 8192,
        capacity_bytes: 8192 * 4,
        ..base()
    };
    assert_eq!(wide.validate(), Ok(()));
    assert_eq!(wide.burst_bytes(), 8192);
}

#[test]
fn bus_bits_must_be_power_of_two_in_range() {
    let err = rejected(|c| c.bus_bits = 12, "bus_bits", "12");
    assert_eq!(
        err.to_string(),
        "dram.bus_bits = 12: must be a power of two from 8 to 1024"
    );
    rejected(|c| c.bus_bits = 0, "bus_bits", "0");
    rejected(|c| c.bus_bits = 4, "bus_bits", "4");
    rejected(|c| c.bus_bits = 2048, "bus_bits", "2048");
    rejected(|c| c.bus_bits = u32::MAX, "bus_bits", "4294967295");
}

#[test]
fn burst_length_must_be_power_of_two_in_range() {
    rejected(|c| c.burst_length = 0, "burst_length", "0");
    rejected(|c| c.burst_length = 3, "burst_length", "3");
    let err = rejected(|c| c.burst_length = 128, "burst_length", "128");
    assert!(err.to_string().contains("from 1 to 64"), "{err}");
}

#[test]
fn banks_must_be_1_to_64() {
    rejected(|c| c.banks = 0, "banks", "0");
    let err = rejected(|c| c.banks = 65, "banks", "65");
    assert_eq!(err.to_string(), "dram.banks = 65: must be from 1 to 64");
    // Not a power of two is fine: the mapping uses a modulo.
    let three = DramConfig {
        banks: 3,
        capacity_bytes: 3 * 1024 * 8,
        ..base()
    };
    assert_eq!(three.validate(), Ok(()));
}

#[test]
fn row_bytes_must_be_power_of_two_and_hold_a_burst() {
    let err = rejected(|c| c.row_bytes = 16, "row_bytes", "16");
    assert!(err.to_string().contains("32 bytes"), "{err}");
    rejected(|c| c.row_bytes = 1000, "row_bytes", "1000");
    rejected(|c| c.row_bytes = 0, "row_bytes", "0");
    // Exactly one burst per row is allowed.
    let one = DramConfig {
        row_bytes: 32,
        capacity_bytes: 32 * 4,
        ..base()
    };
    assert_eq!(one.validate(), Ok(()));
}

#[test]
fn capacity_must_be_positive_multiple_of_rows_times_banks() {
    rejected(|c| c.capacity_bytes = 0, "capacity_bytes", "0");
    let err = rejected(|c| c.capacity_bytes = 1024 * 6, "capacity_bytes", "6144");
    assert!(err.to_string().contains("= 4096 bytes"), "{err}");
    rejected(
        |c| c.capacity_bytes = u64::MAX,
        "capacity_bytes",
        &u64::MAX.to_string(),
    );
}

#[test]
fn every_timing_must_be_at_least_one_cycle() {
    for field in [
        "t_rcd", "t_cl", "t_cwl", "t_rp", "t_burst", "t_ras", "t_wr", "t_rrd", "t_faw", "t_refi",
        "t_rfc",
    ] {
        let mut t = timing();
        match field {
            "t_rcd" => t.t_rcd = 0,
            "t_cl" => t.t_cl = 0,
            "t_cwl" => t.t_cwl = 0,
            "t_rp" => t.t_rp = 0,
            "t_burst" => t.t_burst = 0,
            "t_ras" => t.t_ras = 0,
            "t_wr" => t.t_wr = 0,
            "t_rrd" => t.t_rrd = 0,
            "t_faw" => t.t_faw = 0,
            "t_refi" => t.t_refi = 0,
            _ => t.t_rfc = 0,
        }
        let err = DramChannel::with_timing(base(), t).expect_err("zero timing");
        assert_eq!(err.field(), Some(field));
        assert_eq!(
            err.to_string(),
            format!("dram.{field} = 0: must be at least 1 accelerator cycle")
        );
    }
}

#[test]
fn preset_nanoseconds_become_cycles_rounded_up_in_one_place() {
    // LPDDR4-3200 at 200 MHz (5 ns): tRCD 29 x 0.625 = 18.125 ns -> 4; RL 17.5 -> 4;
    // WL 8.75 -> 2; tRAS 42.5 -> 9; tWR 18.125 -> 4; tFAW 40 -> 8; tRRD 10 -> 2;
    // tRFC 280 -> 56; BL16 / 2 x 0.625 = 5 ns -> 1; tREFI 3903.75 ns -> 780 (rounded down).
    let cfg = DramConfig {
        bus_bits: 32,
        burst_length: 16,
        banks: 8,
        row_bytes: 4096,
        ..base()
    };
    let t = cfg.timing(200.0).expect("valid clock");
    assert_eq!(
        t,
        DramTiming {
            t_rcd: 4,
            t_cl: 4,
            t_cwl: 2,
            t_rp: 4,
            t_burst: 1,
            t_ras: 9,
            t_wr: 4,
            t_rrd: 2,
            t_faw: 8,
            t_refi: 780,
            t_rfc: 56,
        }
    );
    // At 400 MHz (2.5 ns) every time in cycles roughly doubles: nothing is stale.
    let t4 = cfg.timing(400.0).expect("valid clock");
    assert_eq!(
        (t4.t_rcd, t4.t_ras, t4.t_refi, t4.t_rfc),
        (8, 17, 1561, 112)
    );
    assert!(cfg.timing(0.0).is_err());
    assert!(cfg.timing(f64::NAN).is_err());
}

#[test]
fn kind_names_are_lowercase_everywhere() {
    for (kind, name) in [
        (DramKind::Lpddr4, "lpddr4"),
        (DramKind::Ddr3, "ddr3"),
        (DramKind::Hbm2, "hbm2"),
    ] {
        assert_eq!(kind.to_string(), name);
        assert_eq!(name.parse::<DramKind>(), Ok(kind));
        assert_eq!(
            serde_json::to_string(&kind).expect("serialize"),
            format!("\"{name}\"")
        );
    }
    let err = "DDR3".parse::<DramKind>().expect_err("names are lowercase");
    assert_eq!(err.field(), Some("kind"));
    assert!(err.to_string().starts_with("dram.kind = \"DDR3\""), "{err}");
}

#[test]
fn toml_round_trip_and_rejections() {
    let text = toml::to_string(&base()).expect("serialize");
    assert!(text.contains("kind = \"lpddr4\""), "{text}");
    assert_eq!(DramConfig::from_toml_str(&text), Ok(base()));

    let unknown = format!("{text}t_ras = 7\n");
    let err = DramConfig::from_toml_str(&unknown).expect_err("unknown key");
    assert_eq!(err.field(), None);
    assert!(err.to_string().contains("t_ras"), "{err}");

    let bad = text.replace("banks = 4", "banks = 0");
    assert_ne!(bad, text);
    let err = DramConfig::from_toml_str(&bad).expect_err("invalid value");
    assert_eq!(err.field(), Some("banks"));
}

#[test]
fn rejected_requests_change_nothing() {
    let mut d = DramChannel::with_timing(base(), timing()).expect("valid");
    let req = |addr, bytes| DramRequest {
        write: false,
        addr,
        bytes,
        tag: 0,
    };
    assert_eq!(d.request(0, req(0, 0)), Err(DramError::ZeroLength));
    assert_eq!(
        d.request(0, req((1 << 20) - 1, 2)),
        Err(DramError::OutOfRange {
            addr: (1 << 20) - 1,
            bytes: 2,
            capacity: 1 << 20
        })
    );
    assert_eq!(
        d.request(0, req(u64::MAX, 1)),
        Err(DramError::OutOfRange {
            addr: u64::MAX,
            bytes: 1,
            capacity: 1 << 20
        })
    );
    assert_eq!(d.counters(), &DramCounters::default());
    assert!(d.ready(0));
    assert_eq!(d.pending_completion(), None);
    assert_eq!(d.open_row(0), None);
}

#[test]
fn schedule_beyond_u64_cycles_is_an_error_not_a_panic() {
    let mut d = DramChannel::with_timing(base(), timing()).expect("valid");
    let req = DramRequest {
        write: true,
        addr: 0,
        bytes: 1,
        tag: 1,
    };
    // Bound per burst: 2 x (sum of the timings = 21) + 2 x banks (4) + 8 = 58; one burst
    // needs 2 x 58 cycles of head room.
    let now = u64::MAX - 115;
    assert_eq!(d.request(now, req), Err(DramError::CycleOverflow { now }));
    assert_eq!(d.counters(), &DramCounters::default());
    let now = u64::MAX - 116;
    assert_eq!(d.request(now, req), Ok(()));
    // Closed bank: ACT at now, WR at now + t_rcd, data t_cwl + t_burst later.
    assert_eq!(d.pending_completion(), Some(now + 3 + 2 + 2));
}

/// A sink that fails every write, standing in for a full disk.
struct Failing;

impl io::Write for Failing {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::other("disk full"))
    }
    fn flush(&mut self) -> io::Result<()> {
        Err(io::Error::other("disk full"))
    }
}

#[test]
fn trace_write_error_is_reported_by_flush_and_does_not_stop_the_model() {
    let mut d = DramChannel::with_timing(base(), timing()).expect("valid");
    d.set_trace(Box::new(Failing));
    let req = DramRequest {
        write: false,
        addr: 0,
        bytes: 32,
        tag: 9,
    };
    assert_eq!(d.request(0, req), Ok(()));
    let resp = (0..=9).find_map(|now| d.tick(now));
    assert_eq!(
        resp,
        Some(DramResponse {
            tag: 9,
            write: false,
            cycle: 9
        })
    );
    let err = d.flush_trace().expect_err("the failing sink must surface");
    assert_eq!(err.to_string(), "disk full");
}

#[test]
fn flush_without_trace_is_ok() {
    let mut d = DramChannel::with_timing(base(), timing()).expect("valid");
    assert!(d.flush_trace().is_ok());
}

/// A sink whose bytes the test can read back after the trace has taken it.
#[derive(Clone, Default)]
struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl io::Write for Shared {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn ddr3() -> DramConfig {
    DramConfig {
        kind: DramKind::Ddr3,
        ..base()
    }
}

#[test]
fn drampower4_trace_is_clk_cmd_bank_in_dram_cycles() {
    let buf = Shared::default();
    let mut t = super::trace::Trace::new(&ddr3());
    t.set_format(TraceFormat::DramPower4);
    // DDR3 preset tCK 1.25 ns; a 400 MHz accelerator cycle is 2.5 ns = 2 DRAM cycles.
    t.set_clock(400.0);
    t.set(Box::new(buf.clone()));
    t.record(0, DramCommand::Act, 1, 5, 0);
    t.record(5, DramCommand::Rd, 1, 5, 8);
    t.record(9, DramCommand::Wr, 2, 7, 16);
    t.record(20, DramCommand::Pre, 1, 5, 0);
    t.record(30, DramCommand::Refa, 0, 0, 0);
    t.end(50);
    t.flush().expect("in-memory sink");
    let text = String::from_utf8(buf.0.borrow().clone()).expect("utf-8");
    assert_eq!(
        text,
        "0,ACT,1\n10,RD,1\n18,WR,2\n40,PRE,1\n60,REF,0\n100,END,0\n"
    );
}

#[test]
fn drampower5_stays_the_default_trace_format() {
    let buf = Shared::default();
    let mut t = super::trace::Trace::new(&ddr3());
    t.set(Box::new(buf.clone()));
    t.record(3, DramCommand::Refa, 0, 0, 0);
    t.flush().expect("in-memory sink");
    assert_eq!(&*buf.0.borrow(), b"3,REFA,0,0,0,0,0\n");
}

/// The value of `<parameter id="ID" ...>` in a 4.x memspec.
fn xml_value<'a>(xml: &'a str, id: &str) -> &'a str {
    let key = format!("id=\"{id}\" ");
    let line = xml
        .lines()
        .find(|l| l.contains(&key))
        .unwrap_or_else(|| panic!("no parameter {id} in\n{xml}"));
    let v = &line[line.find("value=\"").expect("value") + 7..];
    &v[..v.find('"').expect("closing quote")]
}

#[test]
fn drampower4_memspec_xml_carries_the_ddr3_preset() {
    let p = DramKind::Ddr3.preset();
    let xml = memspec_xml(&ddr3()).expect("DDR3 has a 4.x model");
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert_eq!(xml.matches("<memspec>").count(), 1);
    for section in ["memarchitecturespec", "memtimingspec", "mempowerspec"] {
        assert!(xml.contains(&format!("<{section}>")), "{section}");
        assert!(xml.contains(&format!("</{section}>")), "{section}");
    }
    assert_eq!(xml_value(&xml, "memoryType"), "DDR3");
    assert_eq!(xml_value(&xml, "width"), "64");
    assert_eq!(xml_value(&xml, "nbrOfBanks"), "4");
    assert_eq!(xml_value(&xml, "nbrOfColumns"), "128"); // 1024-byte row / 8-byte bus word
    assert_eq!(xml_value(&xml, "nbrOfRows"), "256"); // 1 MiB / 1 KiB rows / 4 banks
    assert_eq!(xml_value(&xml, "burstLength"), "4");
    assert_eq!(xml_value(&xml, "clkMhz"), "800");
    let t = p.timing;
    for (id, v) in [
        ("RCD", t.rcd),
        ("RP", t.rp),
        ("RAS", t.ras),
        ("RC", t.ras + t.rp),
        ("RL", t.rl),
        ("WL", t.wl),
        ("WR", t.wr),
        ("FAW", t.faw),
        ("RRD", t.rrd),
        ("REFI", t.refi),
        ("RFC", t.rfc),
    ] {
        assert_eq!(xml_value(&xml, id), v.to_string(), "{id}");
    }
    let d = p.domains[0];
    for (id, v) in [
        ("idd0", d.idd0),
        ("idd2n", d.idd2n),
        ("idd3n", d.idd3n),
        ("idd4r", d.idd4r),
        ("idd4w", d.idd4w),
        ("idd5", d.idd5),
        ("vdd", d.vdd),
    ] {
        assert_eq!(xml_value(&xml, id), v.to_string(), "{id}");
    }
    // Two 64-bit ranks in lock step: twice the current, twice the width.
    let wide = memspec_xml(&DramConfig {
        bus_bits: 128,
        ..ddr3()
    })
    .expect("DDR3");
    assert_eq!(xml_value(&wide, "width"), "128");
    assert_eq!(xml_value(&wide, "idd0"), (2.0 * d.idd0).to_string());
    assert_eq!(xml_value(&wide, "vdd"), d.vdd.to_string());
    // A 32-bit bus is half the rank: half the current, as the model's energy assumes.
    let narrow = memspec_xml(&DramConfig {
        bus_bits: 32,
        ..ddr3()
    })
    .expect("DDR3");
    assert_eq!(xml_value(&narrow, "width"), "32");
    assert_eq!(xml_value(&narrow, "idd5"), (0.5 * d.idd5).to_string());
}

#[test]
fn drampower4_is_refused_for_lpddr4_and_hbm2() {
    for kind in [DramKind::Lpddr4, DramKind::Hbm2] {
        let cfg = DramConfig { kind, ..base() };
        let err = memspec_xml(&cfg).expect_err("no 4.x model");
        assert_eq!(err, TraceFormatError::NoDramPower4Model(kind));
        let msg = err.to_string();
        assert!(msg.contains(kind.as_str()), "{msg}");
        assert!(msg.contains("DRAMPower 4.x has no model"), "{msg}");
        assert!(msg.contains("drampower5"), "{msg}");
    }
    let mut d = DramChannel::with_timing(base(), timing()).expect("valid");
    assert_eq!(
        d.set_trace_format(TraceFormat::DramPower4),
        Err(TraceFormatError::NoDramPower4Model(DramKind::Lpddr4))
    );
    assert_eq!(d.set_trace_format(TraceFormat::DramPower5), Ok(()));
    let mut d = DramChannel::with_timing(ddr3(), timing()).expect("valid");
    assert_eq!(d.set_trace_format(TraceFormat::DramPower4), Ok(()));
}
