//! DRAM energy by DRAMPower's equations (DRAMPower 5, `core_calculation_LPDDR4.cpp`, with the
//! bank-wise factor `factRho = 1` of the JEDEC memspecs), per voltage domain and device:
//!
//! ```text
//! I_theta = (IDD0 (tRP + tRAS) - IBeta tRP) / tRAS
//! E_act   = VDD (I_theta - IDD3N) tRAS              per ACT
//! E_pre   = VDD (IBeta - IDD2N) tRP                 per PRE
//! E_rd    = VDD (IDD4R - IDD3N) (BL / DR) tCK       per RD burst
//! E_wr    = VDD (IDD4W - IDD3N) (BL / DR) tCK       per WR burst
//! E_ref   = VDD (IDD5 - IDD3N) tRFC                 per all-bank REF
//! E_bg    = VDD IDD3N T_active + VDD IDD2N T_precharged
//! ```
//!
//! summed over the domains (VDD1 and VDD2 for LPDDR4) and multiplied by the devices of the
//! channel (`bus_bits / device_width`, all in lock step). `T_active` is the time with a bank
//! open or a refresh running, `T_precharged` the rest (no power-down is modelled). The I/O
//! energy, which DRAMPower's core figure leaves out, is `io_pj_per_bit` per transferred bit
//! (bursts x burst bits).

use serde::{Deserialize, Serialize};

use super::{DramActivity, DramConfig};

/// DRAM energy of a window, by component, pJ; and the per-command energies used.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DramEnergy {
    /// Devices in lock step on the bus.
    pub devices: f64,
    /// Energy of one ACT / PRE / RD / WR / REF over all devices, pJ.
    pub act_pj_each: f64,
    /// See `act_pj_each`.
    pub pre_pj_each: f64,
    /// See `act_pj_each`.
    pub rd_pj_each: f64,
    /// See `act_pj_each`.
    pub wr_pj_each: f64,
    /// See `act_pj_each`.
    pub ref_pj_each: f64,
    /// Totals of the window, pJ.
    pub act_pj: f64,
    /// See `act_pj`.
    pub pre_pj: f64,
    /// See `act_pj`.
    pub rd_pj: f64,
    /// See `act_pj`.
    pub wr_pj: f64,
    /// See `act_pj`.
    pub ref_pj: f64,
    /// Active standby energy (a bank open or refreshing), pJ.
    pub bg_active_pj: f64,
    /// Precharge standby energy, pJ.
    pub bg_precharged_pj: f64,
    /// Active and precharge standby power of the channel, mW.
    pub active_standby_mw: f64,
    /// See `active_standby_mw`.
    pub precharge_standby_mw: f64,
    /// I/O energy (not in DRAMPower's core figure), pJ.
    pub io_pj: f64,
    /// I/O energy per bit used, pJ.
    pub io_pj_per_bit: f64,
    /// Core energy: everything but the I/O (DRAMPower's core figure), pJ.
    pub core_pj: f64,
    /// Command energy of the core (ACT, PRE, RD, WR, REF), pJ: the "dynamic" part.
    pub command_pj: f64,
    /// Background (standby) energy, pJ: the "static" part.
    pub background_pj: f64,
}

/// Prices `a` (a window of the channel `cfg` at an accelerator clock of `clock_mhz`) with the
/// preset of `cfg.kind`.
pub fn dram_energy(cfg: &DramConfig, a: &DramActivity, clock_mhz: f64) -> DramEnergy {
    let p = cfg.kind.preset();
    let t = p.timing;
    let ns = |c: u32| f64::from(c) * t.tck_ns;
    let (t_ras, t_rp, t_rfc) = (ns(t.ras), ns(t.rp), ns(t.rfc));
    let t_burst = f64::from(cfg.burst_length) / f64::from(t.data_rate) * t.tck_ns;
    let devices = f64::from(cfg.bus_bits) / f64::from(p.device_width);
    // mA x V x ns = pJ.
    let (mut act, mut pre, mut rd, mut wr, mut rf, mut p_act, mut p_pre) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for d in &p.domains {
        let i_theta = (d.idd0 * (t_rp + t_ras) - d.ibeta * t_rp) / t_ras;
        act += d.vdd * (i_theta - d.idd3n) * t_ras;
        pre += d.vdd * (d.ibeta - d.idd2n) * t_rp;
        rd += d.vdd * (d.idd4r - d.idd3n) * t_burst;
        wr += d.vdd * (d.idd4w - d.idd3n) * t_burst;
        rf += d.vdd * (d.idd5 - d.idd3n) * t_rfc;
        p_act += d.vdd * d.idd3n; // mW
        p_pre += d.vdd * d.idd2n;
    }
    let (act, pre, rd, wr, rf) = (
        act * devices,
        pre * devices,
        rd * devices,
        wr * devices,
        rf * devices,
    );
    let (p_act, p_pre) = (p_act * devices, p_pre * devices);
    let cycle_ns = 1000.0 / clock_mhz;
    let t_active = a.active_cycles as f64 * cycle_ns;
    let t_pre = a.cycles.saturating_sub(a.active_cycles) as f64 * cycle_ns;
    let n = |x: u64| x as f64;
    let mut e = DramEnergy {
        devices,
        act_pj_each: act,
        pre_pj_each: pre,
        rd_pj_each: rd,
        wr_pj_each: wr,
        ref_pj_each: rf,
        act_pj: act * n(a.activates),
        pre_pj: pre * n(a.precharges),
        rd_pj: rd * n(a.reads),
        wr_pj: wr * n(a.writes),
        ref_pj: rf * n(a.refreshes),
        bg_active_pj: p_act * t_active,
        bg_precharged_pj: p_pre * t_pre,
        active_standby_mw: p_act,
        precharge_standby_mw: p_pre,
        io_pj_per_bit: p.io_pj_per_bit,
        io_pj: p.io_pj_per_bit * n(a.reads + a.writes) * f64::from(cfg.burst_bytes()) * 8.0,
        ..DramEnergy::default()
    };
    e.command_pj = e.act_pj + e.pre_pj + e.rd_pj + e.wr_pj + e.ref_pj;
    e.background_pj = e.bg_active_pj + e.bg_precharged_pj;
    e.core_pj = e.command_pj + e.background_pj;
    e
}
