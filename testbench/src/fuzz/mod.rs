//! Random co-simulation cases (`fspinn cosim --fuzz K`, docs/rtl.md "Fuzzing the
//! co-simulation"): every case is a random *valid* pair of hardware config and network, with
//! random stimuli and a mode, drawn from `(seed, k)` alone, so a seed names a whole campaign and
//! every case can be drawn again on its own.
//!
//! A draw is checked against the RTL's one table of limits (`fspinn_sim::rtl_params::design`)
//! and drawn again (from the next attempt's stream) when it falls outside it, so the RTL is
//! only ever asked for what it claims to implement; [`Case::redraws`] says how often that
//! happened. The pieces: [`hardware`] (the chip), [`network`] (the FSpiNN parameters and a
//! network, maybe trained a few samples), [`stimuli`] (images), [`repro`] (the files that
//! reproduce a case with one `fspinn cosim` command), [`run`] (co-simulating a case).

mod draws;
pub mod hardware;
pub mod network;
pub mod repro;
pub mod run;
pub mod stimuli;

pub use draws::Draws;

use fspinn_model::fspinn::FspinnNetwork;
use fspinn_sim::{Accelerator, HwConfig};

/// What the drawer may choose from.
#[derive(Clone, Debug)]
pub struct FuzzOptions {
    /// Largest PE count drawn (1 to 256; CI keeps builds small with a low bound).
    pub max_pes: u32,
    /// Largest time-step count per presentation (1 to 1,000).
    pub max_steps: u32,
    /// Most samples co-simulated per case.
    pub max_samples: usize,
    /// Most neurons per network.
    pub max_neurons: u32,
    /// Dataset images to draw from besides the synthetic ones (784 pixels each), e.g. the
    /// MNIST test set when `FSPINN_DATA` is set.
    pub dataset: Option<Vec<Vec<u8>>>,
}

impl Default for FuzzOptions {
    fn default() -> Self {
        FuzzOptions {
            max_pes: 256,
            max_steps: 1_000,
            max_samples: 3,
            max_neurons: 400,
            dataset: None,
        }
    }
}

/// One drawn case: a chip, a network for it, the images and the mode.
#[derive(Clone, Debug)]
pub struct Case {
    /// Index of the case in the campaign.
    pub index: usize,
    /// The hardware.
    pub cfg: HwConfig,
    /// The network (as its checkpoint will hold it).
    pub net: FspinnNetwork,
    /// Training images the network saw on the model (L1) before the co-simulation.
    pub pretrained: usize,
    /// Learn on chip during the co-simulation.
    pub train: bool,
    /// The images, in order (784 pixels each).
    pub images: Vec<Vec<u8>>,
    /// What each image is (`uniform`, `sparse`, `blank`, `saturated`, `dataset`).
    pub stimuli: Vec<&'static str>,
    /// Run seed of the co-simulation (`fspinn cosim --seed`): sample `i`'s seed is
    /// `fspinn_sim::spikegen::sample_seed(seed, train, i)`.
    pub seed: u64,
    /// Draws outside the RTL's limits that were replaced by a new draw.
    pub redraws: u32,
}

/// Why a case could not be drawn at all.
#[derive(Debug, thiserror::Error)]
pub enum FuzzError {
    /// Every attempt fell outside the RTL's limits or the model's: a bug of the drawer.
    #[error("case {index}: no valid draw in {attempts} attempts, last: {last}")]
    NoValidDraw {
        /// The case.
        index: usize,
        /// Attempts made.
        attempts: u32,
        /// Why the last one was refused.
        last: String,
    },
    /// The options themselves are out of range.
    #[error("fuzz option {field} = {value}: {reason}")]
    Option {
        /// The option.
        field: &'static str,
        /// Its value.
        value: u64,
        /// What it must be.
        reason: &'static str,
    },
}

/// Attempts per case before the drawer gives up (each attempt is its own stream).
pub const MAX_ATTEMPTS: u32 = 64;

impl FuzzOptions {
    /// Checks the bounds before anything is drawn.
    pub fn validate(&self) -> Result<(), FuzzError> {
        let bad = |field, value: u64, reason| {
            Err(FuzzError::Option {
                field,
                value,
                reason,
            })
        };
        if !(1..=256).contains(&self.max_pes) {
            return bad("max_pes", self.max_pes as u64, "must be 1 to 256");
        }
        if !(1..=1_000).contains(&self.max_steps) {
            return bad("max_steps", self.max_steps as u64, "must be 1 to 1000");
        }
        if !(1..=100).contains(&self.max_samples) {
            return bad("max_samples", self.max_samples as u64, "must be 1 to 100");
        }
        if !(1..=4_096).contains(&self.max_neurons) {
            return bad("max_neurons", self.max_neurons as u64, "must be 1 to 4096");
        }
        Ok(())
    }
}

/// Draws case `index` of the campaign `seed`: the same `(seed, index, options)` always give
/// the same case.
pub fn draw(seed: u64, index: usize, opts: &FuzzOptions) -> Result<Case, FuzzError> {
    opts.validate()?;
    let mut last = String::new();
    for attempt in 0..MAX_ATTEMPTS {
        let mut d = Draws::new(seed, index as u64, attempt);
        match draw_once(&mut d, index, opts) {
            Ok(mut case) => {
                case.redraws = attempt;
                return Ok(case);
            }
            Err(why) => last = why,
        }
    }
    Err(FuzzError::NoValidDraw {
        index,
        attempts: MAX_ATTEMPTS,
        last,
    })
}

/// One attempt; `Err` says why the draw is outside the model's or the RTL's limits.
fn draw_once(d: &mut Draws, index: usize, opts: &FuzzOptions) -> Result<Case, String> {
    let pes = hardware::draw_pes(d, index, opts.max_pes);
    let shape = network::draw_shape(d, pes, opts);
    let cfg = hardware::draw(d, pes, &shape);
    cfg.validate().map_err(|e| e.to_string())?;
    let train = d.chance(0.5);
    let samples = d.range(1, opts.max_samples as u64) as usize;
    let (net, pretrained) = network::draw(d, &shape, &cfg).map_err(|e| e.to_string())?;
    // The same table the RTL build uses: a draw beyond it is drawn again.
    let acc = Accelerator::new(&cfg, &net, net.params().formats.weight_bits as u32)
        .map_err(|e| e.to_string())?;
    fspinn_sim::rtl_params::design(&acc).map_err(|e| e.to_string())?;
    let seed = d.below(1 << 32);
    // Images last: whether dataset images are offered changes only the images, never the chip
    // or the network (so a campaign with and without FSPINN_DATA builds the same models).
    let (images, stimuli): (Vec<_>, Vec<_>) = (0..samples)
        .map(|_| stimuli::draw(d, opts.dataset.as_deref()))
        .unzip();
    Ok(Case {
        index,
        cfg,
        net,
        pretrained,
        train,
        images,
        stimuli,
        seed,
        redraws: 0,
    })
}
