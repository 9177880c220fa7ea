//! The DRAM command trace: one `<cycle>,<CMD>,<bank>` line per command, the input format of
//! DRAMPower 4's command-trace analysis (see the `dram` module doc for the clock caveat).

use std::fmt;
use std::io::{self, BufWriter, Write};

/// A DRAM command as it appears in the trace. Only the four commands the model issues exist;
/// refresh is not modelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DramCommand {
    /// Activate: opens a row in a bank.
    Act,
    /// Precharge: closes the open row of a bank.
    Pre,
    /// Read one burst from the open row.
    Rd,
    /// Write one burst to the open row.
    Wr,
}

impl DramCommand {
    /// The mnemonic DRAMPower expects in its command trace.
    pub fn mnemonic(self) -> &'static str {
        match self {
            DramCommand::Act => "ACT",
            DramCommand::Pre => "PRE",
            DramCommand::Rd => "RD",
            DramCommand::Wr => "WR",
        }
    }
}

impl fmt::Display for DramCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mnemonic())
    }
}

/// Optional trace sink. A write failure must not abort the simulation mid-transaction (the
/// schedule is already decided), so the first error is kept, tracing stops, and the error is
/// reported by the next `flush`.
#[derive(Default)]
pub(super) struct Trace {
    sink: Option<BufWriter<Box<dyn Write>>>,
    error: Option<io::Error>,
}

impl Trace {
    /// Replaces the sink; the previous one is flushed first and a failure there is kept for
    /// the next `flush`.
    pub(super) fn set(&mut self, sink: Box<dyn Write>) {
        if let Some(mut old) = self.sink.take() {
            if let Err(e) = old.flush() {
                self.error.get_or_insert(e);
            }
        }
        self.sink = Some(BufWriter::new(sink));
    }

    /// Appends one command line (a no-op without a sink or after a failure).
    pub(super) fn record(&mut self, cycle: u64, cmd: DramCommand, bank: u32) {
        if let Some(sink) = self.sink.as_mut() {
            if let Err(e) = writeln!(sink, "{cycle},{cmd},{bank}") {
                self.error.get_or_insert(e);
                self.sink = None;
            }
        }
    }

    /// Flushes the sink, or returns the first error met since the last flush.
    pub(super) fn flush(&mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        match self.sink.as_mut() {
            Some(sink) => sink.flush(),
            None => Ok(()),
        }
    }
}
