//! The FSpiNN optimization framework (`fspinn explore`): a space file of network, precision and
//! hardware axes is expanded into points; each point trains its network with the fixed-point
//! model (L1, shared by every hardware point of the same network), runs the cycle model (L2)
//! and prices its counts; results are atomic files named by a hash of the point, so runs resume,
//! parallelise across processes or Slurm array tasks, and always give the same numbers; the
//! report merges them into the feasible set, the Pareto front, the chosen design and plots.

// The report's rows are one `json!` object with many fields.
#![recursion_limit = "256"]

pub mod axis;
pub mod energy;
pub mod error;
pub mod plots;
pub mod point;
pub mod report;
pub mod runner;
pub mod select;
pub mod slurm;
pub mod space;
pub mod store;
pub mod versus;

pub use error::{ExploreError, Result};
pub use point::Point;
pub use space::Space;
pub use store::{PointResult, Store};
