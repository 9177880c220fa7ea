//! A training run as a resumable state machine: the network, how far training got, and the
//! running totals. Everything needed to continue is in [`Trainer`]'s checkpoint, and every image's
//! random stream is derived from (seed, epoch, index), so a resumed run draws the same numbers.

use crate::baseline::PresentationStats;
use crate::config::RunConfig;
use crate::data::Dataset;
use crate::error::ModelError;
use crate::evaluate;
use crate::labels::{self, RunningAccuracy};
use crate::network::{Network, NetworkParams, Workspace};
use crate::readout_inhibition::{self, ReadoutInhibition};
use crate::rng::{Rng, StreamPhase};

/// Window of the running training accuracy shown while training.
const RUNNING_WINDOW: usize = 1000;

/// Outcome of the inference phases after training.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub assignments: Vec<Option<u8>>,
    /// Diehl & Cook's readout (`labels::classify`), the accuracy every table reports.
    pub test_accuracy: f64,
    /// The Poisson-likelihood readout of the same spike counts ([`labels::LikelihoodReadout`]).
    pub test_accuracy_likelihood: f64,
    /// FSpiNN neurons retired after training, which took no label and no test image.
    pub retired_neurons: usize,
    /// How the FSpiNN readout inhibition was chosen on the labelling images, when it was
    /// ([`crate::readout_inhibition`]).
    pub readout_inhibition: Option<ReadoutInhibition>,
    pub label_stats: PresentationStats,
    pub test_stats: PresentationStats,
}

/// State of a training run; serialised as a checkpoint by [`crate::checkpoint`].
#[derive(Clone, Debug)]
pub struct Trainer {
    pub config: RunConfig,
    pub network: Network,
    /// Training presentations completed (over all epochs).
    pub samples_done: u64,
    /// Summed statistics of the training presentations so far.
    pub train_stats: PresentationStats,
    /// Neuron labels, once assigned after training.
    pub assignments: Option<Vec<Option<u8>>>,
    workspace: Workspace,
    running: RunningAccuracy,
}

impl Trainer {
    /// A new run with freshly initialised weights.
    pub fn new(config: RunConfig, n_inputs: usize) -> Result<Self, ModelError> {
        crate::limits::check_run(&config)?;
        let mut rng = Rng::stream(config.seed, StreamPhase::Init, 0, 0);
        let network = Network::new(&config.params, n_inputs, config.neurons, &mut rng)?;
        Ok(Self::from_parts(
            config,
            network,
            0,
            PresentationStats::default(),
            None,
        ))
    }

    /// Rebuilds a run from its parts (used when loading a checkpoint).
    pub fn from_parts(
        config: RunConfig,
        network: Network,
        samples_done: u64,
        train_stats: PresentationStats,
        assignments: Option<Vec<Option<u8>>>,
    ) -> Self {
        let workspace = network.workspace();
        let running = RunningAccuracy::new(config.neurons, RUNNING_WINDOW);
        Trainer {
            config,
            network,
            samples_done,
            train_stats,
            assignments,
            workspace,
            running,
        }
    }

    /// Whether every training presentation of the run has been made.
    pub fn training_done(&self) -> bool {
        self.samples_done >= self.config.total_train_samples()
    }

    /// Checks that `data` is what this run trains on.
    pub fn check_data(&self, data: &Dataset) -> Result<(), ModelError> {
        if data.len() < self.config.train_samples {
            return Err(ModelError::Shape(format!(
                "the run trains on {} images but the training set holds {}",
                self.config.train_samples,
                data.len()
            )));
        }
        if data.pixels_per_image() != self.network.n_inputs() {
            return Err(ModelError::Shape(format!(
                "images have {} pixels but the network has {} inputs",
                data.pixels_per_image(),
                self.network.n_inputs()
            )));
        }
        Ok(())
    }

    /// Trains on the next image; returns its statistics. Call only while not `training_done()`.
    pub fn step(&mut self, data: &Dataset) -> PresentationStats {
        let k = self.config.train_samples as u64;
        let epoch = self.samples_done / k;
        let index = (self.samples_done % k) as usize;
        let mut rng = Rng::stream(self.config.seed, StreamPhase::Train, epoch, index as u64);
        let stats = self
            .network
            .train_image(&mut self.workspace, data.image(index), &mut rng);
        self.running
            .push(self.workspace.counts(), data.label(index));
        self.train_stats.accumulate(&stats);
        self.samples_done += 1;
        stats
    }

    /// Running training accuracy (see [`RunningAccuracy`]), for progress display only.
    pub fn running_accuracy(&self) -> Option<f64> {
        self.running.value()
    }

    /// Post-training quantisation, once training is done: an f32 FSpiNN run configured with
    /// `post_quantize` replaces its network by the integer network it rounds to
    /// (`FspinnF32Network::quantize`). Does nothing otherwise, and nothing the second time (a
    /// loaded, already converted run holds the integer network).
    pub fn quantize_after_training(&mut self) -> Result<(), ModelError> {
        if !self.training_done() {
            return Ok(());
        }
        if let (NetworkParams::FspinnF32(f), Network::FspinnF32(net)) =
            (&self.config.params, &self.network)
        {
            if f.post_quantize {
                self.network = Network::Fspinn(net.quantize()?);
                self.workspace = self.network.workspace();
            }
        }
        Ok(())
    }

    /// Retires the FSpiNN neurons training never recruited, once training is done and the
    /// parameters ask for it ([`Network::retire_unrecruited`]); returns how many. Nothing the
    /// second time: a retired neuron's offset is above the floor.
    pub fn retire_after_training(&mut self) -> Result<usize, ModelError> {
        if !self.training_done() {
            return Ok(0);
        }
        self.network.retire_unrecruited()
    }

    /// Assigns labels from the last `label_samples` training images (inference, no learning),
    /// then measures accuracy on the first `test_samples` test images. A post-quantised run is
    /// converted to its integer network first, unrecruited FSpiNN neurons are retired and the
    /// FSpiNN readout inhibition is chosen on the labelling images, so labels and accuracy are
    /// those of the network the checkpoint then holds.
    pub fn evaluate(&mut self, train: &Dataset, test: &Dataset) -> Result<Evaluation, ModelError> {
        self.quantize_after_training()?;
        self.retire_after_training()?;
        let k = self.config.train_samples;
        let l = self.config.label_samples.min(k);
        // The readout inhibition is chosen once, in the first evaluation; later ones (a
        // finished checkpoint evaluated again) read out with the value chosen then.
        let choose = self.assignments.is_none();
        let (responses, label_stats, readout_inhibition) = readout_inhibition::label_responses(
            &mut self.network,
            train,
            k - l..k,
            self.config.seed,
            choose,
        )?;
        let assignments = responses.assignments();
        self.assignments = Some(assignments.clone());
        let samples = self.config.test_samples;
        let (counts, test_stats) = test_responses(&self.network, test, samples, self.config.seed)?;
        let test_labels = &test.labels()[..samples];
        Ok(Evaluation {
            test_accuracy: labels::accuracy(&counts, test_labels, &assignments),
            test_accuracy_likelihood: responses.likelihood().accuracy(&counts, test_labels),
            retired_neurons: self.network.retired_neurons()?,
            readout_inhibition,
            assignments,
            label_stats,
            test_stats,
        })
    }
}

/// Accuracy of a labelled network on the first `samples` images of `test`.
pub fn test_accuracy(
    network: &Network,
    assignments: &[Option<u8>],
    test: &Dataset,
    samples: usize,
    seed: u64,
) -> Result<(f64, PresentationStats), ModelError> {
    let (counts, stats) = test_responses(network, test, samples, seed)?;
    Ok((
        labels::accuracy(&counts, &test.labels()[..samples], assignments),
        stats,
    ))
}

/// Spike counts of every neuron on the first `samples` images of `test`.
fn test_responses(
    network: &Network,
    test: &Dataset,
    samples: usize,
    seed: u64,
) -> Result<(Vec<u32>, PresentationStats), ModelError> {
    if samples > test.len() {
        return Err(ModelError::Shape(format!(
            "{samples} test samples requested but the test set holds {}",
            test.len()
        )));
    }
    Ok(evaluate::responses(
        network,
        test,
        0..samples,
        seed,
        StreamPhase::Test,
    ))
}
