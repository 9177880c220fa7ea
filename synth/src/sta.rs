//! Static timing with OpenSTA: the worst setup slack of the mapped netlist at the config's
//! clock, and the clock it would meet (fmax).

use serde::Serialize;

use crate::error::SynthError;

/// Timing of the mapped netlist.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Timing {
    /// Clock period constrained, ns (the config's clock).
    pub period_ns: f64,
    /// Worst setup slack, ns (negative: the clock is not met).
    pub worst_slack_ns: f64,
    /// `1000 / (period - slack)`: the fastest clock the worst path meets, MHz.
    pub fmax_mhz: f64,
    /// Slack is not negative.
    pub meets_clock: bool,
}

/// The timing from OpenSTA's output (`report_worst_slack`: a line `worst slack <ns>`).
pub fn parse_timing(log: &str, origin: &str, period_ns: f64) -> Result<Timing, SynthError> {
    let slack = log
        .lines()
        .find_map(|l| l.trim().strip_prefix("worst slack "))
        .ok_or_else(|| SynthError::Parse {
            file: origin.into(),
            field: "worst slack".into(),
            problem: "OpenSTA printed no `worst slack` line (was the design linked?)".into(),
        })?;
    let worst_slack_ns: f64 = slack.trim().parse().map_err(|_| SynthError::Parse {
        file: origin.into(),
        field: "worst slack".into(),
        problem: format!("`{slack}` is not a number"),
    })?;
    let path = period_ns - worst_slack_ns;
    if !worst_slack_ns.is_finite() || path <= 0.0 {
        return Err(SynthError::Parse {
            file: origin.into(),
            field: "worst slack".into(),
            problem: format!(
                "{worst_slack_ns} ns at a {period_ns} ns period leaves no constrained path"
            ),
        });
    }
    Ok(Timing {
        period_ns,
        worst_slack_ns,
        fmax_mhz: 1000.0 / path,
        meets_clock: worst_slack_ns >= 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmax_from_slack() {
        let t = parse_timing("Startpoint: x\n\nworst slack 3.5783\n", "sta.log", 5.0).unwrap();
        assert_eq!(t.worst_slack_ns, 3.5783);
        assert!((t.fmax_mhz - 1000.0 / (5.0 - 3.5783)).abs() < 1e-9);
        assert!(t.meets_clock);
        let t = parse_timing("worst slack -1.0000\n", "sta.log", 5.0).unwrap();
        assert!((t.fmax_mhz - 1000.0 / 6.0).abs() < 1e-9);
        assert!(!t.meets_clock);
        let e = parse_timing("Error: x\n", "sta.log", 5.0).unwrap_err();
        assert!(e.to_string().starts_with("sta.log: worst slack: "), "{e}");
    }
}
