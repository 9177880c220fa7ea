//! The little of a Liberty (`.lib`) file the area report needs: every `cell (NAME)` group of
//! the library with its `area` attribute and whether it holds an `ff` or `latch` group. Yosys
//! 0.23's `stat -json` has no area, so `fspinn synth --liberty` reads the areas here.
//!
//! The scanner tokenises the whole file (comments, quoted strings and line continuations
//! skipped), follows the group nesting by braces, and takes `area : <number> ;` only at the
//! cell's own level. A cell without an area, a non-numeric area, or unbalanced braces are
//! errors naming the file, the cell and the line.

use crate::error::SynthError;

/// One cell of a Liberty library.
#[derive(Clone, Debug, PartialEq)]
pub struct LibertyCell {
    /// Cell name.
    pub name: String,
    /// `area`, in the library's area unit (µm² for NanGate and most libraries).
    pub area: f64,
    /// Has an `ff` or `latch` group.
    pub sequential: bool,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String, usize),
    Sym(char, usize),
}

fn tokens(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1usize);
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
        } else if c.is_ascii_whitespace() || c == b'\\' {
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                line += usize::from(b[i] == b'\n');
                i += 1;
            }
            i += 2;
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'"' {
            let start = i + 1;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                line += usize::from(b[i] == b'\n');
                i += 1;
            }
            out.push(Tok::Word(
                String::from_utf8_lossy(&b[start..i.min(b.len())]).into_owned(),
                line,
            ));
            i += 1;
        } else if b"(){};:,".contains(&c) {
            out.push(Tok::Sym(c as char, line));
            i += 1;
        } else {
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !b"(){};:,\"".contains(&b[i]) {
                i += 1;
            }
            out.push(Tok::Word(
                String::from_utf8_lossy(&b[start..i]).into_owned(),
                line,
            ));
        }
    }
    out
}

/// Every cell of the library in `text` (`origin` names the file in errors).
pub fn cells(text: &str, origin: &str) -> Result<Vec<LibertyCell>, SynthError> {
    let bad = |line: usize, field: &str, problem: String| SynthError::Parse {
        file: format!("{origin}:{line}"),
        field: field.to_string(),
        problem,
    };
    let toks = tokens(text);
    let mut out = Vec::new();
    // The stack of open groups: (group name, first argument).
    let mut stack: Vec<(String, String)> = Vec::new();
    // The cell being read: (name, area, sequential, line).
    let mut cell: Option<(String, Option<f64>, bool, usize)> = None;
    let mut k = 0;
    while k < toks.len() {
        match &toks[k] {
            Tok::Word(w, line) => {
                // `name ( args ) {` opens a group; `name : value ;` is an attribute.
                match toks.get(k + 1) {
                    Some(Tok::Sym('(', _)) => {
                        let mut j = k + 2;
                        let mut arg = String::new();
                        while let Some(t) = toks.get(j) {
                            match t {
                                Tok::Sym(')', _) => break,
                                Tok::Word(a, _) if arg.is_empty() => arg = a.clone(),
                                _ => {}
                            }
                            j += 1;
                        }
                        if let Some(Tok::Sym('{', _)) = toks.get(j + 1) {
                            if w == "cell" && stack.len() == 1 {
                                cell = Some((arg.clone(), None, false, *line));
                            }
                            if (w == "ff" || w == "latch" || w == "ff_bank" || w == "latch_bank")
                                && stack.len() == 2
                            {
                                if let Some(c) = cell.as_mut() {
                                    c.2 = true;
                                }
                            }
                            stack.push((w.clone(), arg));
                            k = j + 2;
                        } else {
                            k = j + 1;
                        }
                        continue;
                    }
                    Some(Tok::Sym(':', _)) => {
                        if w == "area" && stack.len() == 2 && stack[1].0 == "cell" {
                            let v = match toks.get(k + 2) {
                                Some(Tok::Word(v, _)) => v,
                                _ => return Err(bad(*line, "area", "has no value".into())),
                            };
                            let name = cell.as_ref().map_or("?", |c| c.0.as_str());
                            let a: f64 = v.parse().map_err(|_| {
                                bad(
                                    *line,
                                    &format!("cell {name} area"),
                                    format!("`{v}` is not a number"),
                                )
                            })?;
                            if !a.is_finite() || a < 0.0 {
                                return Err(bad(
                                    *line,
                                    &format!("cell {name} area"),
                                    format!("{a} must be finite and not negative"),
                                ));
                            }
                            if let Some(c) = cell.as_mut() {
                                c.1 = Some(a);
                            }
                        }
                        k += 3;
                        continue;
                    }
                    _ => {}
                }
                k += 1;
            }
            Tok::Sym('}', line) => {
                let Some((name, _)) = stack.pop() else {
                    return Err(bad(*line, "braces", "a `}` closes no group".into()));
                };
                if name == "cell" && stack.len() == 1 {
                    if let Some((n, area, seq, l)) = cell.take() {
                        let area =
                            area.ok_or_else(|| bad(l, &format!("cell {n}"), "has no area".into()))?;
                        out.push(LibertyCell {
                            name: n,
                            area,
                            sequential: seq,
                        });
                    }
                }
                k += 1;
            }
            Tok::Sym(_, _) => k += 1,
        }
    }
    if !stack.is_empty() {
        return Err(bad(
            text.lines().count(),
            "braces",
            format!("{} group(s) not closed at the end of the file", stack.len()),
        ));
    }
    if out.is_empty() {
        return Err(bad(1, "library", "has no cell with an area".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = r#"
/* a comment with cell (FAKE) { area : 99 ; } */
library (tiny) {
  time_unit : "1ns" ;
  cell (NAND2_X1) {
    area : 0.798 ;
    pin (ZN) { direction : output ; function : "!(A1 & A2)" ; }
  }
  cell (DFF_X1) {
    area : 4.522000;
    ff ("IQ", "IQN") { next_state : "D" ; clocked_on : "CK" ; }
    pin (Q) { direction : output ; timing () { related_pin : "CK" ; area : 7 ; } }
  }
}
"#;

    #[test]
    fn reads_areas_and_sequential_cells_only_at_cell_level() {
        let c = cells(LIB, "tiny.lib").unwrap();
        assert_eq!(
            c,
            vec![
                LibertyCell {
                    name: "NAND2_X1".into(),
                    area: 0.798,
                    sequential: false
                },
                LibertyCell {
                    name: "DFF_X1".into(),
                    area: 4.522,
                    sequential: true
                },
            ]
        );
    }

    #[test]
    fn errors_name_the_file_line_and_cell() {
        let e = cells(
            "library (x) {\n cell (A) {\n area : big ;\n }\n}\n",
            "x.lib",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "x.lib:3: cell A area: `big` is not a number");
        let e = cells("library (x) {\n cell (A) {\n }\n}\n", "x.lib").unwrap_err();
        assert_eq!(e.to_string(), "x.lib:2: cell A: has no area");
        let e = cells("library (x) {\n cell (A) {\n area : 1 ;\n", "x.lib").unwrap_err();
        assert!(e.to_string().contains("not closed"), "{e}");
    }
}
