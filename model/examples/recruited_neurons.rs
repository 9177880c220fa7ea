//! How many neurons of a trained FSpiNN run were recruited (issue 16), from the checkpoint alone
//! (no evaluation, so it takes a second where `untrained_neurons` re-runs the readout): neurons
//! whose threshold offset is still 0 (never fired in training, or rarely one that decayed all the
//! way back), neurons with fewer than about 20 wins' worth of offset (`theta < 20 * theta_plus`),
//! and neurons that still hold their initial share of zero weights (within 0.05 of the fresh
//! network's, i.e. they have not let go of the inputs a learned digit lets go).
//!
//! `cargo run --release -p fspinn-model --example recruited_neurons -- RUN.ckpt [RUN2.ckpt ...]`

use fspinn_model::network::Network;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        return Err("usage: recruited_neurons RUN.ckpt [RUN2.ckpt ...]".into());
    }
    for path in paths {
        let trainer = fspinn_model::checkpoint::load(&path)?;
        let Network::Fspinn(net) = &trainer.network else {
            return Err(format!("{}: not an integer FSpiNN run", path.display()).into());
        };
        let n = net.n_neurons();
        let theta = net.theta();
        let never = theta.iter().filter(|&&t| t == 0).count();
        let one_mv = 1i32 << (net.params().formats.membrane_bits - 8);
        let few = theta.iter().filter(|&&t| t < one_mv).count();
        // Initial weights are U[0, init_max) floored to the code grid: the share of code 0 is
        // 1 / (init_max * 2^B) of the draws.
        let p = net.params();
        let fresh = (1.0 / (p.init_max as f64 * (1u64 << p.formats.weight_bits) as f64)).min(1.0);
        let inputs = net.n_inputs();
        let w = net.weights();
        let untouched = (0..n)
            .filter(|&j| {
                let zeros = (0..inputs).filter(|&i| w[i * n + j] == 0).count();
                (zeros as f64 / inputs as f64) < fresh + 0.05
            })
            .count();
        println!(
            "{}: N = {n}; theta = 0 (never fired): {never}; theta < 1 mV: {few}; \
             zero share within 0.05 of the initial {fresh:.3}: {untouched}",
            path.display()
        );
    }
    Ok(())
}
