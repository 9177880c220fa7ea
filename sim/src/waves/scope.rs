//! `--vcd-scope`: which signals a waveform keeps, by a glob over full hierarchical names.

use super::WavesError;

/// A `--vcd-scope` pattern: a glob over full hierarchical names (`TOP.fspinn_top.busy`), `*`
/// any run of characters (dots included), `?` one character, everything else literal (so
/// `g_wbank[3]` is the bank's scope name, not a character class).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopePattern(String);

impl ScopePattern {
    /// Refuses an empty pattern.
    pub fn new(pattern: &str) -> Result<Self, WavesError> {
        if pattern.is_empty() {
            return Err(WavesError::EmptyPattern);
        }
        Ok(ScopePattern(pattern.to_string()))
    }

    /// The pattern as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the full hierarchical name `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        glob(self.0.as_bytes(), name.as_bytes())
    }
}

/// `*` / `?` glob match, iterative with one backtrack point (linear in practice).
fn glob(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) && p[pi] != b'*' {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_patterns() {
        let p = |s: &str| ScopePattern::new(s).unwrap();
        assert!(p("*wbank*").matches("TOP.fspinn_top.g_wbank[3].u_mem.we"));
        assert!(p("TOP.fspinn_top.g_wbank[3]*").matches("TOP.fspinn_top.g_wbank[3].u_mem.we"));
        assert!(!p("TOP.fspinn_top.g_wbank[3]*").matches("TOP.fspinn_top.g_wbank[2].u_mem.we"));
        assert!(p("*.u_mem.?e").matches("TOP.fspinn_top.g_nbank[0].u_mem.we"));
        assert!(!p("*.u_mem.?e").matches("TOP.fspinn_top.g_nbank[0].u_mem.wdata"));
        assert!(p("TOP.fspinn_top.busy").matches("TOP.fspinn_top.busy"));
        assert!(!p("TOP.fspinn_top.busy").matches("TOP.fspinn_top.busy2"));
        assert!(p("*").matches(""));
        assert!(p("a*b*c").matches("aXXbYYbc"));
        assert!(!p("a*b*c").matches("aXXbYYbd"));
        assert!(ScopePattern::new("").is_err());
    }
}
