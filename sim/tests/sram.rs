//! SRAM timing gates: a read is not there one cycle before its latency and is there on time; a
//! same-cycle write does not disturb the read; writes are visible from the next cycle.

use fspinn_sim::sram::SramBank;

#[test]
fn read_arrives_exactly_after_its_latency() {
    for latency in 1..=4u32 {
        let mut b = SramBank::new("b", 16, 32, latency);
        b.poke(3, 0xABCD);
        b.read(10, 3, 7);
        for now in 10..10 + latency as u64 {
            assert_eq!(b.tick(now), None, "latency {latency}: early at {now}");
            b.commit();
        }
        assert_eq!(b.tick(10 + latency as u64), Some((7, 0xABCD)));
        assert_eq!(b.reads, 1);
    }
}

#[test]
fn same_cycle_write_is_not_seen_by_the_read_but_next_cycle_is() {
    let mut b = SramBank::new("b", 4, 16, 1);
    b.poke(0, 1);
    b.read(0, 0, 0);
    b.write(0, 2);
    b.commit();
    assert_eq!(
        b.tick(1),
        Some((0, 1)),
        "read-old-data in the write's cycle"
    );
    b.read(1, 0, 1);
    b.commit();
    assert_eq!(b.tick(2), Some((1, 2)));
    assert_eq!((b.reads, b.writes), (2, 1));
}

#[test]
fn pipelined_reads_come_back_in_order() {
    let mut b = SramBank::new("b", 8, 8, 2);
    for a in 0..8 {
        b.poke(a, a as u64 * 3);
    }
    let mut got = Vec::new();
    for now in 0..10u64 {
        if let Some(x) = b.tick(now) {
            got.push((now, x));
        }
        if now < 8 {
            b.read(now, now as u32, now as u32);
        }
        b.commit();
    }
    let want: Vec<_> = (0..8u64).map(|a| (a + 2, (a as u32, a * 3))).collect();
    assert_eq!(got, want);
}

#[test]
#[should_panic(expected = "two reads in cycle 5")]
fn a_second_read_in_one_cycle_is_a_controller_bug() {
    let mut b = SramBank::new("b", 8, 8, 1);
    b.read(5, 0, 0);
    b.read(5, 1, 1);
}
