//! Fuzz target: `fspinn_sim::fuzzing::hardware_toml` (the same entry point `tests/fuzz_corpus.rs` replays).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fspinn_sim::fuzzing::hardware_toml(data));
