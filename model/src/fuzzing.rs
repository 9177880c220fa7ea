//! Entry points shared by the cargo-fuzz targets in `fuzz/` and the corpus replay test
//! (`tests/fuzz_corpus.rs`), so CI on stable replays exactly what the fuzzer ran.
//!
//! Each function takes arbitrary bytes and must return for every input: an error is fine, a
//! panic, an abort or an unbounded allocation is a bug.

use crate::checkpoint;
use crate::data::idx::{self, Expect};
use std::path::Path;

/// The IDX reader, as the loader calls it: once as images of any size with the stored length
/// known (which bounds what the header may claim), once as labels from a stream of unknown length.
pub fn idx(data: &[u8]) {
    let path = Path::new("fuzz.idx");
    let _ = idx::read_from(
        data,
        Some(data.len() as u64),
        path,
        Expect::Images { dims: None },
    );
    let _ = idx::read_from(data, None, path, Expect::Labels);
}

/// The checkpoint decoder, twice: on the bytes as a whole file (header, checksum and all), and on
/// the bytes as a body sealed with a valid header and checksum, so the fuzzer reaches the body
/// decoder and the value checks behind the checksum. A checkpoint that loads must encode back to
/// bytes that load again.
pub fn checkpoint(data: &[u8]) {
    let path = Path::new("fuzz.ckpt");
    let _ = checkpoint::from_bytes(data, path);
    if let Ok(t) = checkpoint::from_bytes(&checkpoint::seal(data), path) {
        let again = checkpoint::to_bytes(&t);
        if let Err(e) = checkpoint::from_bytes(&again, path) {
            panic!("a checkpoint that loaded does not load after saving: {e}");
        }
    }
}
