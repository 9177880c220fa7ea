//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) on stable: every file goes to
//! the same library entry point its cargo-fuzz target calls, so an input that once crashed a
//! parser (and was fixed) stays fixed. See docs/fuzzing.md for the fuzzing runs themselves.

use std::path::Path;

fn replay(target: &str, entry: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "{}: {} inputs, the corpus should hold at least 5",
        dir.display(),
        files.len()
    );
    for file in &files {
        let data = std::fs::read(file).unwrap();
        // A panic here names the input that broke the entry point.
        eprintln!("replaying {}", file.display());
        entry(&data);
    }
}

#[test]
fn idx_corpus_replays_without_panics() {
    replay("idx", fspinn_model::fuzzing::idx);
}

#[test]
fn checkpoint_corpus_replays_without_panics() {
    replay("checkpoint", fspinn_model::fuzzing::checkpoint);
}

#[test]
fn hardware_toml_corpus_replays_without_panics() {
    replay("hardware_toml", fspinn_sim::fuzzing::hardware_toml);
}

#[test]
fn energy_toml_corpus_replays_without_panics() {
    replay("energy_toml", fspinn_sim::fuzzing::energy_toml);
}
