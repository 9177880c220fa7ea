//! 64-bit event counters that refuse to wrap: a counter that overflowed would silently corrupt
//! an energy estimate, so an overflow is a bug reported loudly.

/// Adds `n` to a counter; panics with the counter's name on overflow (2^64 events cannot come
/// from any input, only from a bug).
#[inline]
pub fn bump(counter: &mut u64, n: u64, name: &str) {
    *counter = counter
        .checked_add(n)
        .unwrap_or_else(|| panic!("counter {name} overflowed 64 bits"));
}
