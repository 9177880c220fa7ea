//! Per-standard DRAM presets: the datasheet (or JEDEC memspec) timings and currents of one
//! device, in the units of the source (timings in the device's clock cycles `tCK`, currents in
//! mA, voltages in V). They are converted to the accelerator clock in exactly one place,
//! [`super::DramConfig::timing`], and priced by DRAMPower's equations in [`super::power`].

use serde::Serialize;

use super::DramKind;

/// Currents of one voltage domain of one device (DRAMPower's names; mA and V).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Domain {
    /// Supply voltage, V.
    pub vdd: f64,
    /// One-bank ACT-PRE cycling current (tRC apart), mA.
    pub idd0: f64,
    /// Precharge standby current (all banks closed, no power-down), mA.
    pub idd2n: f64,
    /// Active standby current (a bank open, no power-down), mA.
    pub idd3n: f64,
    /// Burst read current, mA.
    pub idd4r: f64,
    /// Burst write current, mA.
    pub idd4w: f64,
    /// All-bank refresh current (during tRFC), mA.
    pub idd5: f64,
    /// DRAMPower's `iBeta`: the current during tRP of an IDD0 cycle, mA (usually `idd0`).
    pub ibeta: f64,
}

/// One device's timing in its own clock cycles, as a DRAMPower memspec gives it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DeviceTiming {
    /// Clock period, ns.
    pub tck_ns: f64,
    /// ACT to RD/WR.
    pub rcd: u32,
    /// PRE to ACT (same bank).
    pub rp: u32,
    /// ACT to PRE (same bank), minimum.
    pub ras: u32,
    /// Read latency (RD to first data).
    pub rl: u32,
    /// Write latency (WR to first data).
    pub wl: u32,
    /// Write recovery: end of write data to PRE.
    pub wr: u32,
    /// Four-activate window.
    pub faw: u32,
    /// ACT to ACT (different banks).
    pub rrd: u32,
    /// Average refresh interval (all-bank refresh).
    pub refi: u32,
    /// All-bank refresh cycle time.
    pub rfc: u32,
    /// Data transfers per clock (2 for DDR).
    pub data_rate: u32,
}

/// A DRAM standard's device: timing, currents, geometry and I/O energy, each with its source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DramPreset {
    /// The device, e.g. `JEDEC 8 Gb LPDDR4-3200 x16`.
    pub device: &'static str,
    /// DRAMPower memory type name (`LPDDR4`, `DDR3`, `HBM2`).
    pub memory_type: &'static str,
    /// Where the timings and currents come from.
    pub source: &'static str,
    /// Data width of one device in bits: a channel of `bus_bits` uses `bus_bits / width`
    /// devices in lock step, each doing every command (so energy scales with the count).
    pub device_width: u32,
    /// Timings in device clock cycles.
    pub timing: DeviceTiming,
    /// Voltage domains (LPDDR4: VDD1 and VDD2; others: one VDD).
    pub domains: Vec<Domain>,
    /// I/O (interface) energy per transferred data bit, pJ, and its source.
    pub io_pj_per_bit: f64,
    /// Why that I/O figure.
    pub io_source: &'static str,
}

/// JEDEC 8 Gb LPDDR4-3200 x16 (one channel of a die), as the DRAMSys/DRAMPower memspec
/// `JEDEC_8Gb_LPDDR4-3200_16bit.json` gives it (tukl-msd/DRAMSys, configs/memspec).
fn lpddr4() -> DramPreset {
    DramPreset {
        device: "JEDEC 8 Gb LPDDR4-3200 x16 channel",
        memory_type: "LPDDR4",
        source: "tukl-msd/DRAMSys configs/memspec/JEDEC_8Gb_LPDDR4-3200_16bit.json (JESD209-4 \
                 LPDDR4-3200 timings and IDD currents of one x16 channel; VDD1 1.8 V, VDD2 1.1 V)",
        device_width: 16,
        timing: DeviceTiming {
            tck_ns: 0.625,
            rcd: 29,
            rp: 29,
            ras: 68,
            rl: 28,
            wl: 14,
            wr: 29,
            faw: 64,
            rrd: 16,
            refi: 6246,
            rfc: 448,
            data_rate: 2,
        },
        domains: vec![
            Domain {
                vdd: 1.8,
                idd0: 3.5,
                idd2n: 2.0,
                idd3n: 2.25,
                idd4r: 2.25,
                idd4w: 2.25,
                idd5: 10.0,
                ibeta: 3.5,
            },
            Domain {
                vdd: 1.1,
                idd0: 45.0,
                idd2n: 27.0,
                idd3n: 30.0,
                idd4r: 275.0,
                idd4w: 210.0,
                idd5: 90.0,
                ibeta: 45.0,
            },
        ],
        io_pj_per_bit: 0.9,
        io_source: "assumption: LPDDR4 LVSTL DQ at VDDQ 1.1 V, unterminated, ~3 pF per pin \
                    (package + PCB + receiver), activity 0.5: 0.5 x 0.5 x 3 pF x 1.1 V^2 x 2 \
                    (driver + receiver side) ~ 0.9 pJ/bit; not measured",
    }
}

/// Micron 2 GB DDR3-1600 64-bit UDIMM rank (8 x8 devices), DRAMPower 4's memspec
/// `MICRON_2GB_DDR3-1600_64bit_G_UDIMM.xml`: currents are for the whole 64-bit rank.
fn ddr3() -> DramPreset {
    DramPreset {
        device: "Micron 2 GB DDR3-1600 64-bit UDIMM rank (8 x8 devices)",
        memory_type: "DDR3",
        source: "tukl-msd/DRAMPower v4.1 memspecs/MICRON_2GB_DDR3-1600_64bit_G_UDIMM.xml \
                 (Micron datasheet IDD values summed over the rank; 800 MHz clock)",
        device_width: 64,
        timing: DeviceTiming {
            tck_ns: 1.25,
            rcd: 10,
            rp: 10,
            ras: 28,
            rl: 10,
            wl: 8,
            wr: 12,
            faw: 32,
            rrd: 6,
            refi: 6240,
            rfc: 88,
            data_rate: 2,
        },
        domains: vec![Domain {
            vdd: 1.5,
            idd0: 522.0,
            idd2n: 405.0,
            idd3n: 405.0,
            idd4r: 1197.0,
            idd4w: 1152.0,
            idd5: 1422.0,
            ibeta: 522.0,
        }],
        io_pj_per_bit: 20.0,
        io_source: "assumption: DDR3 SSTL with ODT on a DIMM bus; termination and driver \
                    power of the order of 15-25 pJ/bit (DRAMPower 4 does not model I/O)",
    }
}

/// HBM2 pseudo-channel: timings of the DRAMSys `HBM2.json` memspec (1 GHz); that memspec has
/// no currents and no public HBM2 datasheet gives IDD values, so the currents are an assumption.
fn hbm2() -> DramPreset {
    DramPreset {
        device: "HBM2 pseudo-channel, 64 bit (1 GHz)",
        memory_type: "HBM2",
        source: "timings: tukl-msd/DRAMSys configs/memspec/HBM2.json; currents: assumption (no \
                 public IDD table): the LPDDR4 x16 VDD2 currents scaled by 4 for a 64-bit \
                 pseudo-channel at 1.2 V",
        device_width: 64,
        timing: DeviceTiming {
            tck_ns: 1.0,
            rcd: 12,
            rp: 14,
            ras: 28,
            rl: 17,
            wl: 7,
            wr: 14,
            faw: 16,
            rrd: 4,
            refi: 3900,
            rfc: 220,
            data_rate: 2,
        },
        domains: vec![Domain {
            vdd: 1.2,
            idd0: 180.0,
            idd2n: 108.0,
            idd3n: 120.0,
            idd4r: 1100.0,
            idd4w: 840.0,
            idd5: 360.0,
            ibeta: 180.0,
        }],
        io_pj_per_bit: 0.5,
        io_source: "assumption: short interposer wires, unterminated, ~0.5 pJ/bit (order of \
                    the HBM2 I/O figures quoted by O'Connor et al., MICRO 2017)",
    }
}

impl DramKind {
    /// The preset of this standard (timings, currents, I/O energy, with sources).
    pub fn preset(self) -> DramPreset {
        match self {
            DramKind::Lpddr4 => lpddr4(),
            DramKind::Ddr3 => ddr3(),
            DramKind::Hbm2 => hbm2(),
        }
    }
}
