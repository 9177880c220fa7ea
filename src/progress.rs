//! Progress bar on stderr, drawn only when stderr is a terminal (indicatif hides it otherwise).

use indicatif::{ProgressBar, ProgressStyle};

/// A bar over `total` samples showing rate, ETA and a message (running accuracy).
pub fn samples_bar(total: u64, done: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template(&format!(
        "{what} [{{bar:30}}] {{pos}}/{{len}} {{per_sec}} ETA {{eta}} {{msg}}"
    ))
    .expect("static template")
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_position(done);
    bar
}
