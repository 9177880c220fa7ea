//! Progress bar on stderr, drawn only when stderr is a terminal (indicatif hides it otherwise,
//! so pipes and log files get no control characters). indicatif ignores its own write errors,
//! so a bar never panics on a closed terminal.

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// A bar over `total` samples showing elapsed time, rate, ETA and a message (running
/// accuracy). It redraws twice a second even between samples, so a run whose samples take
/// tens of seconds (the large config in `sim` and `cosim`) still shows that it is alive.
pub fn samples_bar(total: u64, done: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template(&format!(
        "{what} [{{bar:30}}] {{pos}}/{{len}} {{elapsed}} {{per_sec}} ETA {{eta}} {{msg}}"
    ))
    .expect("static template")
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_position(done);
    bar.enable_steady_tick(Duration::from_millis(500));
    bar
}
