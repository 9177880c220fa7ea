//! What a trained FSpiNN network reads out with other inference settings (issue 16): the
//! lateral inhibition and the threshold offsets scaled at inference only (learning off), the
//! neurons labelled from the last 10,000 training images as `fspinn train` does, both
//! readouts on the test images. Training is not repeated.
//!
//! A setting `I,T[,Z[,M]]`: inhibition x I, threshold offsets x T, and every neuron whose share
//! of zero weights is below Z (a fresh 4-bit network has about 0.21, a trained neuron 0.6-0.9)
//! or whose threshold offset is below M mV silenced: its offset set to the top of its format,
//! so the images it would take go to the other neurons. It first prints the offsets of the
//! untouched (zero share below 0.3) and the trained (above 0.5) neurons.
//!
//! `cargo run --release -p fspinn-model --example inference_probe -- RUN.ckpt 1,1 0.5,1 1,1,0,10`
//! with `FSPINN_DATA` pointing at the data root.

use fspinn_model::baseline::BaselineNetwork;
use fspinn_model::baseline::PresentationStats;
use fspinn_model::config::RunConfig;
use fspinn_model::data::Dataset;
use fspinn_model::data::{self, LoadOptions, Split};
use fspinn_model::evaluate;
use fspinn_model::fspinn::FspinnNetwork;
use fspinn_model::labels;
use fspinn_model::network::Network;
use fspinn_model::rng::StreamPhase;
use std::path::PathBuf;

/// Share of zero weights of each neuron.
fn zero_shares(net: &FspinnNetwork) -> Vec<f64> {
    let (n, m) = (net.n_neurons(), net.n_inputs());
    let w = net.weights();
    (0..n)
        .map(|j| (0..m).filter(|&i| w[i * n + j] == 0).count() as f64 / m as f64)
        .collect()
}

/// Count and p10 / p50 / p90 / max of the threshold offsets (mV) of the picked neurons.
fn offsets(net: &FspinnNetwork, zero: &[f64], pick: impl Fn(f64) -> bool) -> String {
    let fmt = net.consts().theta_fmt;
    let mut t: Vec<f64> = (0..net.n_neurons())
        .filter(|&j| pick(zero[j]))
        .map(|j| fmt.to_f64(net.theta()[j]))
        .collect();
    t.sort_by(f64::total_cmp);
    let q = |f: f64| {
        let at = ((t.len() as f64 - 1.0) * f) as usize;
        t.get(at).copied().unwrap_or(f64::NAN)
    };
    format!(
        "{} neurons, offset p10 / p50 / p90 / max {:.2} / {:.2} / {:.2} / {:.2} mV",
        t.len(),
        q(0.1),
        q(0.5),
        q(0.9),
        q(1.0)
    )
}

/// Diehl & Cook's and the likelihood readout of `probe` (labelled from the run's label images,
/// tested on its test images), with the spikes per presentation and the labelled neurons.
struct ReadOut {
    accuracy: f64,
    likelihood: f64,
    label_spikes: f64,
    test_spikes: f64,
    labelled: usize,
}

fn read_out(probe: &Network, cfg: &RunConfig, train: &Dataset, test: &Dataset) -> ReadOut {
    let (k, t, n) = (cfg.train_samples, cfg.test_samples, cfg.neurons);
    let l = cfg.label_samples.min(k);
    let (label_counts, label_stats) =
        evaluate::responses(probe, train, k - l..k, cfg.seed, StreamPhase::Label);
    let responses = labels::ClassResponses::measure(&label_counts, &train.labels()[k - l..k], n);
    let assigned = responses.assignments();
    let (test_counts, test_stats) =
        evaluate::responses(probe, test, 0..t, cfg.seed, StreamPhase::Test);
    let test_labels = &test.labels()[..t];
    let per = |s: &PresentationStats| s.exc_spikes as f64 / s.attempts.max(1) as f64;
    ReadOut {
        accuracy: labels::accuracy(&test_counts, test_labels, &assigned),
        likelihood: responses.likelihood().accuracy(&test_counts, test_labels),
        label_spikes: per(&label_stats),
        test_spikes: per(&test_stats),
        labelled: assigned.iter().filter(|a| a.is_some()).count(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(
        args.next()
            .ok_or("usage: inference_probe RUN.ckpt I,T[,Z[,M]] ...")?,
    );
    let trainer = fspinn_model::checkpoint::load(&path)?;
    let cfg = &trainer.config;
    let dir = data::locate(None, cfg.dataset)?;
    let opts = LoadOptions::default();
    let train = data::load(&dir, cfg.dataset, Split::Train, &opts)?;
    let test = data::load(&dir, cfg.dataset, Split::Test, &opts)?;
    if let Network::Baseline(net) = &trainer.network {
        return baseline(cfg, net, (&train, &test), args.collect());
    }
    let Network::Fspinn(net) = &trainer.network else {
        return Err(format!("{}: not an integer FSpiNN or baseline run", path.display()).into());
    };
    let n = net.n_neurons();
    let zero = zero_shares(net);
    let fmt = net.consts().theta_fmt;
    println!(
        "run {} (N = {n}, seed {}, inhibition {} units)",
        path.display(),
        cfg.seed,
        net.inhibition()
    );
    println!("untouched: {}", offsets(net, &zero, |z| z < 0.3));
    println!("trained:   {}", offsets(net, &zero, |z| z > 0.5));
    for setting in args {
        let parts: Vec<f64> = setting
            .split(',')
            .map(str::parse)
            .collect::<Result<_, _>>()?;
        let (inh, th, min_zero, min_mv) = match parts[..] {
            [i, t] => (i, t, 0.0, 0.0),
            [i, t, z] => (i, t, z, 0.0),
            [i, t, z, m] => (i, t, z, m),
            _ => return Err(format!("{setting}: expected I,T[,Z[,M]]").into()),
        };
        let silenced: Vec<bool> = (0..n)
            .map(|j| zero[j] < min_zero || fmt.to_f64(net.theta()[j]) < min_mv)
            .collect();
        let theta = net
            .theta()
            .iter()
            .zip(&silenced)
            .map(|(&x, &s)| {
                if s {
                    fmt.max_raw()
                } else {
                    (x as f64 * th) as i32
                }
            })
            .collect();
        let probe = Network::Fspinn(FspinnNetwork::from_parts(
            net.params().clone(),
            net.n_inputs(),
            n,
            net.weights().to_vec(),
            theta,
            (net.inhibition() as f64 * inh) as i32,
            net.samples_seen(),
        )?);
        let r = read_out(&probe, cfg, &train, &test);
        println!(
            "{setting}: {} silenced; {:.2} % (likelihood {:.2} %); spikes per presentation \
             {:.1} label / {:.1} test; {} labelled",
            silenced.iter().filter(|&&s| s).count(),
            100.0 * r.accuracy,
            100.0 * r.likelihood,
            r.label_spikes,
            r.test_spikes,
            r.labelled
        );
    }
    Ok(())
}

/// The baseline: each setting `M` silences at inference the neurons whose threshold offset is
/// below M mV (offset set to 1000 mV), the same question for Diehl & Cook's network.
fn baseline(
    cfg: &RunConfig,
    net: &BaselineNetwork,
    (train, test): (&Dataset, &Dataset),
    settings: Vec<String>,
) -> Result<(), Box<dyn std::error::Error>> {
    let n = net.n_neurons();
    for setting in settings {
        let floor: f32 = setting.parse()?;
        let theta: Vec<f32> = net
            .theta()
            .iter()
            .map(|&x| if x < floor { 1000.0 } else { x })
            .collect();
        let silenced = theta.iter().filter(|&&x| x == 1000.0).count();
        let probe = Network::Baseline(BaselineNetwork::from_parts(
            net.params().clone(),
            net.n_inputs(),
            n,
            net.weights().to_vec(),
            theta,
        )?);
        let r = read_out(&probe, cfg, train, test);
        println!(
            "baseline, offsets below {floor} mV silenced ({silenced}): {:.2} % (likelihood {:.2} %)",
            100.0 * r.accuracy,
            100.0 * r.likelihood,
        );
    }
    Ok(())
}
