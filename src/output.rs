//! The one path every byte the CLI prints goes through, on stdout and on stderr.
//!
//! `println!` and `eprintln!` panic when the reader of the stream has gone away (`fspinn sim |
//! head -1`, `2>&1 | true`): the Rust runtime ignores SIGPIPE, so the write fails with
//! `BrokenPipe` and the macros turn that into a panic. Here a broken pipe becomes the typed
//! error [`ReaderGone`], which the commands pass up with `?` like any other error; `main` ends
//! the run quietly with exit status 141 (128 + SIGPIPE, what a shell reports for a process a
//! closed pipe killed). Every other write error is reported with the stream it hit.
//!
//! The convention the commands follow: results and reports on stdout, progress, warnings and
//! diagnostics on stderr. With `--json`, stdout holds only the JSON object and the human report
//! goes to stderr ([`report`]).

use std::fmt;
use std::io::{self, Write};

/// Exit status of a run whose reader went away (128 + SIGPIPE).
pub const READER_GONE_EXIT: u8 = 141;

/// The reader of stdout or stderr has closed its end: nothing more can be said, the run stops.
#[derive(Debug)]
pub struct ReaderGone {
    /// `stdout` or `stderr`.
    pub stream: &'static str,
}

impl fmt::Display for ReaderGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the reader of {} went away", self.stream)
    }
}

impl std::error::Error for ReaderGone {}

/// Whether `e` (anywhere in its chain) is a closed reader rather than a failure.
pub fn is_reader_gone(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<ReaderGone>().is_some())
}

fn write_to(mut w: impl Write, stream: &'static str, text: &str) -> anyhow::Result<()> {
    match w.write_all(text.as_bytes()).and_then(|()| w.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(ReaderGone { stream }.into()),
        Err(e) => Err(anyhow::Error::new(e).context(format!("writing to {stream}"))),
    }
}

/// Writes `text` to stdout as it is (no newline added), flushed.
pub fn stdout_text(text: &str) -> anyhow::Result<()> {
    write_to(io::stdout().lock(), "stdout", text)
}

/// Writes `text` to stderr as it is (no newline added).
pub fn stderr_text(text: &str) -> anyhow::Result<()> {
    write_to(io::stderr().lock(), "stderr", text)
}

/// A human report: on stdout, or on stderr when `json` puts the JSON object alone on stdout.
pub fn report(json: bool, text: &str) -> anyhow::Result<()> {
    if json {
        stderr_text(text)
    } else {
        stdout_text(text)
    }
}

/// Prints `value` as one line on stdout (the last line of a `--json` run).
pub fn json_line(value: &serde_json::Value) -> anyhow::Result<()> {
    stdout_text(&(value.to_string() + "\n"))
}

/// Prints the error of a failed run on stderr, once, as `error: outer: cause: root cause`.
///
/// Layers that repeat their cause's text are printed once: a cause already contained in what
/// was printed before it is skipped. No backtrace: these are the user's errors (a wrong path, a
/// bad value), not the program's; a bug panics and keeps its backtrace. A closed stderr is
/// ignored here, as there is no one left to tell.
pub fn print_error(e: &anyhow::Error) {
    let _ = stderr_text(&(format!("error: {}", chain_line(e)) + "\n"));
}

/// The error's cause chain on one line, each distinct message once.
pub fn chain_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let msg = cause.to_string();
        let msg = msg.trim();
        if msg.is_empty() || line.contains(msg) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(msg);
    }
    line
}

/// `n` and the noun, plural unless `n` is 1: "1 sample", "3 samples".
pub fn count(n: impl Into<u64>, singular: &str, plural: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// Writes a line to stderr: `errln!("warning: {w}")?` (stdout text goes through [`report`]
/// or [`stdout_text`]).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::stderr_text(&(format!($($arg)*) + "\n"))
    };
}

/// Writes a line to stdout: `outln!("{n} points")?` (a result, so it belongs on stdout).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::stdout_text(&(format!($($arg)*) + "\n"))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_cause_is_printed_once() {
        let io = io::Error::new(io::ErrorKind::NotFound, "No such file or directory");
        let e = anyhow::Error::new(io)
            .context("x.ckpt: No such file or directory")
            .context("loading model");
        assert_eq!(
            chain_line(&e),
            "loading model: x.ckpt: No such file or directory"
        );
    }

    #[test]
    fn a_broken_pipe_is_a_closed_reader_other_errors_are_not() {
        struct Broken(io::ErrorKind);
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from(self.0))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let e = write_to(Broken(io::ErrorKind::BrokenPipe), "stdout", "x").unwrap_err();
        assert!(is_reader_gone(&e));
        let e = write_to(Broken(io::ErrorKind::PermissionDenied), "stdout", "x").unwrap_err();
        assert!(!is_reader_gone(&e));
        assert!(chain_line(&e).starts_with("writing to stdout"));
    }

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(1u64, "sample", "samples"), "1 sample");
        assert_eq!(count(0u64, "sample", "samples"), "0 samples");
        assert_eq!(count(3u32, "mismatch", "mismatches"), "3 mismatches");
    }
}
