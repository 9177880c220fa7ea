//! The files that reproduce a case with one `fspinn cosim` command: the hardware TOML, the
//! network checkpoint and the images as MNIST IDX files (the same images in the training and
//! the test split, so `--train` and inference both find them).

use super::Case;
use fspinn_model::baseline::PresentationStats;
use fspinn_model::checkpoint;
use fspinn_model::config::{RunConfig, Variant};
use fspinn_model::data::DatasetKind;
use fspinn_model::fspinn::FspinnNetwork;
use fspinn_model::network::{Network, NetworkParams};
use fspinn_model::train::Trainer;
use fspinn_sim::HwConfig;
use std::path::{Path, PathBuf};

/// Why the files of a case could not be written or read back.
#[derive(Debug, thiserror::Error)]
pub enum ReproError {
    /// A file or folder.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The checkpoint could not be written or read back.
    #[error(transparent)]
    Model(#[from] fspinn_model::ModelError),
    /// The config does not survive TOML (a drawer bug).
    #[error("case config as TOML: {0}")]
    Toml(String),
}

/// The case's config as the TOML file holds it.
pub fn config_toml(case: &Case) -> Result<String, ReproError> {
    let text = toml::to_string(&case.cfg).map_err(|e| ReproError::Toml(e.to_string()))?;
    Ok(format!(
        "# fspinn cosim --fuzz case {} (seed {}): drawn hardware\n{text}",
        case.index, case.seed
    ))
}

/// The case's network as a checkpoint (the run config records the pre-training samples).
pub fn trainer(case: &Case) -> Trainer {
    let config = RunConfig {
        dataset: DatasetKind::Mnist,
        variant: Variant::Fspinn,
        neurons: case.net.n_neurons(),
        train_samples: case.pretrained.max(1),
        test_samples: case.images.len(),
        label_samples: 1,
        epochs: 1,
        seed: case.seed,
        params: NetworkParams::Fspinn(case.net.params().clone()),
    };
    Trainer::from_parts(
        config,
        Network::Fspinn(case.net.clone()),
        case.pretrained as u64,
        PresentationStats::default(),
        None,
    )
}

/// The config and network exactly as the files hold them (TOML text and checkpoint bytes
/// parsed back), so what the fuzzer runs is what the reproduction command runs.
pub fn through_files(case: &Case) -> Result<(HwConfig, FspinnNetwork), ReproError> {
    let cfg = HwConfig::from_toml_str(&config_toml(case)?, "fuzz case")
        .map_err(|e| ReproError::Toml(e.to_string()))?;
    let bytes = checkpoint::to_bytes(&trainer(case));
    let t = checkpoint::from_bytes(&bytes, Path::new("fuzz case"))?;
    let Network::Fspinn(net) = t.network else {
        unreachable!("an FSpiNN checkpoint holds an FSpiNN network")
    };
    Ok((cfg, net))
}

/// Where a case's files go in `dir`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReproFiles {
    /// Hardware TOML.
    pub config: PathBuf,
    /// Network checkpoint.
    pub model: PathBuf,
    /// `--data-dir` holding `mnist/` with the images.
    pub data_dir: PathBuf,
    /// The one command that reproduces the case.
    pub command: String,
}

/// The command that co-simulates `case` from its files.
pub fn command(case: &Case, files: &ReproFiles) -> String {
    format!(
        "fspinn cosim --config {} --model {} --dataset mnist --data-dir {} --no-verify --seed {} --samples {}{} --keep-going",
        files.config.display(),
        files.model.display(),
        files.data_dir.display(),
        case.seed,
        case.images.len(),
        if case.train { " --train" } else { "" }
    )
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ReproError> {
    checkpoint::write_atomic(path, bytes)?;
    Ok(())
}

/// IDX images (magic 0x803, count, 28 x 28) and labels (magic 0x801, all 0).
fn idx_files(images: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
    let n = images.len() as u32;
    let mut img = Vec::new();
    for v in [0x803u32, n, 28, 28] {
        img.extend_from_slice(&v.to_be_bytes());
    }
    for i in images {
        img.extend_from_slice(i);
    }
    let mut lab = Vec::new();
    for v in [0x801u32, n] {
        lab.extend_from_slice(&v.to_be_bytes());
    }
    lab.resize(8 + images.len(), 0);
    (img, lab)
}

/// Writes `dir/<stem>.toml`, `dir/<stem>.ckpt` and `dir/<stem>-data/mnist/*` for `case`.
pub fn write_case(case: &Case, dir: &Path, stem: &str) -> Result<ReproFiles, ReproError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReproError::Io { path, source }
    };
    let data_dir = dir.join(format!("{stem}-data"));
    let mnist = data_dir.join("mnist");
    std::fs::create_dir_all(&mnist).map_err(io(&mnist))?;
    let config = dir.join(format!("{stem}.toml"));
    write(&config, config_toml(case)?.as_bytes())?;
    let model = dir.join(format!("{stem}.ckpt"));
    checkpoint::save(&trainer(case), &model)?;
    let (img, lab) = idx_files(&case.images);
    for prefix in ["train", "t10k"] {
        write(&mnist.join(format!("{prefix}-images-idx3-ubyte")), &img)?;
        write(&mnist.join(format!("{prefix}-labels-idx1-ubyte")), &lab)?;
    }
    let mut files = ReproFiles {
        config,
        model,
        data_dir,
        command: String::new(),
    };
    files.command = command(case, &files);
    Ok(files)
}
