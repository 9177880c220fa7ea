//! Keeps the signals of a VCD whose full hierarchical name matches a scope pattern: the RTL's
//! `--vcd-scope` for VCD. Verilator 5.006's `dumpvars` cannot do it: with a filter its VCD
//! writer still emits the values of the signals it left out, without their id codes (an
//! invalid file: `b0101b0011 !`), so the full trace is written to a temporary file and
//! filtered here when it is closed. Line-based: Verilator writes one declaration and one value
//! change per line.

use fspinn_sim::waves::ScopePattern;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

/// Copies `src` to `dst` with only the variables matching `pattern` (scopes left empty are
/// dropped) and their value changes; returns how many variables were kept.
pub(crate) fn filter(src: &Path, dst: &Path, pattern: &ScopePattern) -> std::io::Result<usize> {
    let input = BufReader::new(std::fs::File::open(src)?);
    let mut out = BufWriter::new(std::fs::File::create(dst)?);
    let mut scopes: Vec<String> = Vec::new();
    // Scope lines not yet written (written when a kept variable is found under them).
    let mut pending: Vec<String> = Vec::new();
    let mut written = 0usize; // how many of `scopes` have been written
    let mut keep: HashSet<String> = HashSet::new();
    let mut kept = 0usize;
    let mut header = true;
    for line in input.lines() {
        let line = line?;
        let t = line.trim_start();
        if header {
            if t.starts_with("$scope") {
                let name = t.split_whitespace().nth(2).unwrap_or_default().to_string();
                scopes.push(name);
                pending.push(line);
            } else if t.starts_with("$upscope") {
                scopes.pop();
                if pending.pop().is_none() {
                    written -= 1;
                    writeln!(out, "{line}")?;
                }
            } else if t.starts_with("$var") {
                // $var <type> <size> <code> <reference> [<range>] $end
                let f: Vec<&str> = t.split_whitespace().collect();
                let (code, reference) = (f.get(3).copied(), f.get(4).copied());
                if let (Some(code), Some(reference)) = (code, reference) {
                    let full = format!("{}.{reference}", scopes.join("."));
                    if pattern.matches(&full) {
                        for p in pending.drain(..) {
                            writeln!(out, "{p}")?;
                            written += 1;
                        }
                        keep.insert(code.to_string());
                        kept += 1;
                        writeln!(out, "{line}")?;
                    }
                }
            } else {
                if t.starts_with("$enddefinitions") {
                    header = false;
                }
                writeln!(out, "{line}")?;
            }
            continue;
        }
        let code = match t.as_bytes().first() {
            Some(b'b' | b'B' | b'r' | b'R') => t.split_whitespace().nth(1),
            Some(b'0' | b'1' | b'x' | b'X' | b'z' | b'Z') => Some(&t[1..]),
            _ => None,
        };
        match code {
            Some(c) if !keep.contains(c) => {}
            _ => writeln!(out, "{line}")?,
        }
    }
    debug_assert_eq!(written, 0, "every written scope is closed");
    out.flush()?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_matching_variables_their_scopes_and_their_changes() {
        let dir = std::env::temp_dir().join(format!("fspinn-vcd-filter-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (src, dst) = (dir.join("in.vcd"), dir.join("out.vcd"));
        std::fs::write(
            &src,
            "$timescale 1ps $end\n $scope module TOP $end\n  $var wire 1 ! clk $end\n  \
             $scope module u $end\n   $var wire 4 \" we [3:0] $end\n   $var wire 1 # re $end\n  \
             $upscope $end\n $upscope $end\n$enddefinitions $end\n#0\n0!\nb0000 \"\n1#\n#5\n1!\n\
             b0101 \"\n",
        )
        .unwrap();
        let n = filter(&src, &dst, &ScopePattern::new("*.we").unwrap()).unwrap();
        assert_eq!(n, 1);
        let text = std::fs::read_to_string(&dst).unwrap();
        assert_eq!(
            text,
            "$timescale 1ps $end\n $scope module TOP $end\n  $scope module u $end\n   \
             $var wire 4 \" we [3:0] $end\n  $upscope $end\n $upscope $end\n\
             $enddefinitions $end\n#0\nb0000 \"\n#5\nb0101 \"\n"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
