//! Fuzz target: `fspinn_model::fuzzing::idx` (the same entry point `tests/fuzz_corpus.rs` replays).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fspinn_model::fuzzing::idx(data));
