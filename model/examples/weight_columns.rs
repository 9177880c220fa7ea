//! What the learned weights of a trained integer FSpiNN run look like, column by column (issue
//! 16, the 8-bit against 4-bit question): each neuron's weight sum against the normalisation
//! target (78), the share of its weight mass held by its largest inputs, and the histogram of
//! the weight values. Reads a checkpoint; changes nothing.
//!
//! `cargo run --release -p fspinn-model --example weight_columns -- RUN.ckpt`

use fspinn_model::network::Network;
use std::path::PathBuf;

fn pct(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: weight_columns RUN.ckpt")?,
    );
    let trainer = fspinn_model::checkpoint::load(&path)?;
    let Network::Fspinn(net) = &trainer.network else {
        return Err(format!("{}: not an integer FSpiNN run", path.display()).into());
    };
    let n = net.n_neurons();
    let bits = net.params().formats.weight_bits;
    let lsb = 1.0 / (1u64 << bits) as f64;
    let w = net.weights();
    let inputs = net.n_inputs();
    let mut sums = Vec::with_capacity(n);
    let mut top50 = Vec::with_capacity(n);
    let mut nonzero = Vec::with_capacity(n);
    let mut hist = [0u64; 10];
    for j in 0..n {
        let mut col: Vec<f64> = (0..inputs).map(|i| w[i * n + j] as f64 * lsb).collect();
        let s: f64 = col.iter().sum();
        sums.push(s);
        col.sort_by(|a, b| b.partial_cmp(a).unwrap());
        top50.push(col[..50].iter().sum::<f64>() / s.max(1e-9));
        nonzero.push(col.iter().filter(|&&x| x > 0.0).count() as f64);
        for &x in &col {
            hist[((x * 10.0) as usize).min(9)] += 1;
        }
    }
    for v in [&mut sums, &mut top50, &mut nonzero] {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    }
    println!("{} (N = {n}, {bits}-bit weights)", path.display());
    for (name, v) in [
        ("column sum (target 78)", &sums),
        ("share of the sum in the 50 largest", &top50),
        ("non-zero weights per neuron", &nonzero),
    ] {
        println!(
            "  {name}: p10 {:.3}, median {:.3}, p90 {:.3}",
            pct(v, 0.1),
            pct(v, 0.5),
            pct(v, 0.9)
        );
    }
    let total: u64 = hist.iter().sum();
    let shares: Vec<String> = hist
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            format!(
                "[{:.1},{:.1}): {:.3}",
                k as f64 / 10.0,
                (k + 1) as f64 / 10.0,
                c as f64 / total as f64
            )
        })
        .collect();
    println!("  weight histogram: {}", shares.join(", "));
    Ok(())
}
