//! An in-memory split of a dataset: images as one contiguous byte buffer plus their labels.

use std::fmt;

use super::error::DataError;
use super::kind::{DatasetKind, Split};

/// Images and labels of one split, kept as flat `u8` buffers (one byte per pixel,
/// row-major, 0 = background) so encoding into spikes can slice without copying.
///
/// Invariants (checked by [`Dataset::from_parts`]): `pixels.len() == labels.len() * rows * cols`,
/// rows and cols are non-zero, and every label is a class index `0..=9`.
#[derive(Clone, PartialEq, Eq)]
pub struct Dataset {
    pub kind: DatasetKind,
    pub split: Split,
    pub rows: usize,
    pub cols: usize,
    pixels: Vec<u8>,
    labels: Vec<u8>,
}

impl Dataset {
    /// Builds a dataset from raw buffers, checking that they fit together, so
    /// callers (tests, synthetic data, subsets) cannot create an inconsistent one.
    pub fn from_parts(
        kind: DatasetKind,
        split: Split,
        rows: usize,
        cols: usize,
        pixels: Vec<u8>,
        labels: Vec<u8>,
    ) -> Result<Self, DataError> {
        if rows == 0 || cols == 0 {
            return Err(DataError::Shape {
                detail: format!("images are {rows}x{cols}; rows and columns must be non-zero"),
            });
        }
        let expected = rows
            .checked_mul(cols)
            .and_then(|p| p.checked_mul(labels.len()));
        if expected != Some(pixels.len()) {
            return Err(DataError::Shape {
                detail: format!(
                    "{} pixels do not make {} images of {rows}x{cols}",
                    pixels.len(),
                    labels.len()
                ),
            });
        }
        if let Some((index, &value)) = labels.iter().enumerate().find(|(_, &l)| l > 9) {
            return Err(DataError::Shape {
                detail: format!("label {value} at index {index} is out of range 0..=9"),
            });
        }
        Ok(Dataset {
            kind,
            split,
            rows,
            cols,
            pixels,
            labels,
        })
    }

    /// Number of images (= number of labels).
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no images (e.g. after `limit: Some(0)`).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// `rows * cols`, the length of each image slice and the network's input size.
    pub fn pixels_per_image(&self) -> usize {
        self.rows * self.cols
    }

    /// The pixels of image `i`, row-major.
    ///
    /// # Panics
    /// If `i >= self.len()`, like slice indexing.
    pub fn image(&self, i: usize) -> &[u8] {
        let n = self.pixels_per_image();
        &self.pixels[i * n..(i + 1) * n]
    }

    /// The class of image `i`.
    ///
    /// # Panics
    /// If `i >= self.len()`, like slice indexing.
    pub fn label(&self, i: usize) -> u8 {
        self.labels[i]
    }

    /// All labels, in image order.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// All pixels, image after image.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// Iterates over `(image, label)` pairs in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&[u8], u8)> + '_ {
        self.pixels
            .chunks_exact(self.pixels_per_image())
            .zip(self.labels.iter().copied())
    }

    /// Keeps only the first `n` images (no-op if there are fewer), for quick runs.
    pub fn truncate(&mut self, n: usize) {
        if n < self.len() {
            self.labels.truncate(n);
            self.pixels.truncate(n * self.pixels_per_image());
            self.labels.shrink_to_fit();
            self.pixels.shrink_to_fit();
        }
    }

    /// Gives the buffers back: `(pixels, labels)`.
    pub fn into_parts(self) -> (Vec<u8>, Vec<u8>) {
        (self.pixels, self.labels)
    }
}

/// Summarises instead of dumping millions of pixels.
impl fmt::Debug for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dataset")
            .field("kind", &self.kind)
            .field("split", &self.split)
            .field("rows", &self.rows)
            .field("cols", &self.cols)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}
