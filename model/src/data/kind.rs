//! Names of the supported datasets, their splits and file roles, and how they map to file names.

use std::fmt;
use std::str::FromStr;

use super::error::DataError;

/// Which dataset: both are 28×28 grey-level images in 10 classes stored as IDX files,
/// so one reader serves both; the kind picks the directory, checksums and class names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetKind {
    /// MNIST handwritten digits (LeCun, Cortes, Burges).
    Mnist,
    /// Fashion-MNIST clothing images (Xiao, Rasul, Vollgraf / Zalando Research).
    FashionMnist,
}

impl DatasetKind {
    /// Every supported dataset, for listings and loops.
    pub const ALL: [DatasetKind; 2] = [DatasetKind::Mnist, DatasetKind::FashionMnist];

    /// The name used on the command line, in configs and in messages.
    pub fn name(&self) -> &'static str {
        match self {
            DatasetKind::Mnist => "mnist",
            DatasetKind::FashionMnist => "fashion-mnist",
        }
    }

    /// The sub-directory of the data root holding this dataset's files.
    pub fn dir_name(&self) -> &'static str {
        self.name()
    }

    /// Human-readable class names, indexed by label, for reports and confusion matrices.
    pub fn class_names(&self) -> [&'static str; 10] {
        match self {
            DatasetKind::Mnist => ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
            DatasetKind::FashionMnist => [
                "T-shirt/top",
                "Trouser",
                "Pullover",
                "Dress",
                "Coat",
                "Sandal",
                "Shirt",
                "Sneaker",
                "Bag",
                "Ankle boot",
            ],
        }
    }

    /// Image size (rows, cols) every file of this dataset must have.
    pub fn image_dims(&self) -> (usize, usize) {
        (28, 28)
    }
}

impl fmt::Display for DatasetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DatasetKind {
    type Err = DataError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DatasetKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| DataError::UnknownDataset {
                name: s.to_string(),
            })
    }
}

/// Training or test part of a dataset (the IDX files `train-*` and `t10k-*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Split {
    /// The training set (60 000 items for MNIST and Fashion-MNIST).
    Train,
    /// The test set (10 000 items).
    Test,
}

impl Split {
    /// Both splits, for loops over all files.
    pub const ALL: [Split; 2] = [Split::Train, Split::Test];

    /// The name used on the command line and in messages ("train" / "test").
    pub fn name(&self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "test",
        }
    }

    /// The prefix of this split's IDX file names ("train" / "t10k").
    pub fn file_prefix(&self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "t10k",
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Split {
    type Err = DataError;

    /// Accepts "train" and "test" (and "t10k", the file-name spelling of the test split).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "train" => Ok(Split::Train),
            "test" | "t10k" => Ok(Split::Test),
            _ => Err(DataError::UnknownSplit {
                name: s.to_string(),
            }),
        }
    }
}

/// Which of the two files of a split: the images or the labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileRole {
    /// The IDX3 image file (`*-images-idx3-ubyte`).
    Images,
    /// The IDX1 label file (`*-labels-idx1-ubyte`).
    Labels,
}

impl FileRole {
    /// "images" / "labels", as in the file names.
    pub fn name(&self) -> &'static str {
        match self {
            FileRole::Images => "images",
            FileRole::Labels => "labels",
        }
    }

    /// Number of IDX dimensions of this file (3 for images, 1 for labels).
    pub fn idx_dims(&self) -> usize {
        match self {
            FileRole::Images => 3,
            FileRole::Labels => 1,
        }
    }
}

/// The standard file name, without `.gz`, e.g. `train-images-idx3-ubyte`.
pub fn file_stem(split: Split, role: FileRole) -> String {
    format!(
        "{}-{}-idx{}-ubyte",
        split.file_prefix(),
        role.name(),
        role.idx_dims()
    )
}

/// File names accepted for one file, in order of preference: the standard name gzipped,
/// then uncompressed, then the same with the `train-images.idx3-ubyte` spelling found
/// inside the original archives and in some copies.
pub fn candidate_names(split: Split, role: FileRole) -> [String; 4] {
    let std = file_stem(split, role);
    let dotted = format!(
        "{}-{}.idx{}-ubyte",
        split.file_prefix(),
        role.name(),
        role.idx_dims()
    );
    [format!("{std}.gz"), std, format!("{dotted}.gz"), dotted]
}
