//! The declarations of a waveform file: the signals' scopes, names, widths and ranges, written
//! as a VCD or an FST header, only those a scope pattern keeps.

use super::Handle;
use std::fs::File;
use std::io::{BufWriter, Write};
use vcd::{ReferenceIndex, TimescaleUnit, VarType};

/// One declared signal.
pub(super) struct Decl {
    pub(super) scope: Vec<String>,
    pub(super) name: String,
    pub(super) width: u32,
    /// Declared as a vector `[width-1:0]` in the RTL (even of width 1).
    pub(super) ranged: bool,
}

impl Decl {
    pub(super) fn full_name(&self) -> String {
        let mut s = self.scope.join(".");
        s.push('.');
        s.push_str(&self.name);
        s
    }
}

/// Collects the declarations and hands out slot numbers.
#[derive(Default)]
pub(super) struct Table {
    pub(super) decls: Vec<Decl>,
}

impl Table {
    fn add(&mut self, scope: &[&str], name: &str, width: u32, ranged: bool) -> usize {
        self.decls.push(Decl {
            scope: scope.iter().map(|s| s.to_string()).collect(),
            name: name.to_string(),
            width: width.max(1),
            ranged,
        });
        self.decls.len() - 1
    }
    pub(super) fn bit(&mut self, scope: &[&str], name: &str) -> usize {
        self.add(scope, name, 1, false)
    }
    pub(super) fn vec(&mut self, scope: &[&str], name: &str, width: u32) -> usize {
        self.add(scope, name, width, true)
    }
}

/// The scopes to leave and enter between the declarations `prev` and `next`: (ups, downs).
fn scope_steps<'a>(prev: &[String], next: &'a [String]) -> (usize, &'a [String]) {
    let common = prev.iter().zip(next).take_while(|(a, b)| a == b).count();
    (prev.len() - common, &next[common..])
}

/// Declares the kept signals (scopes of dropped ones are not written) and ends the header.
pub(super) fn declare_vcd(
    w: &mut vcd::Writer<Box<dyn Write>>,
    decls: &[Decl],
    keep: &[bool],
) -> std::io::Result<Vec<Option<Handle>>> {
    w.timescale(1, TimescaleUnit::PS)?;
    let mut open: Vec<String> = Vec::new();
    let mut handles = Vec::with_capacity(decls.len());
    for (d, &k) in decls.iter().zip(keep) {
        if !k {
            handles.push(None);
            continue;
        }
        let (ups, downs) = scope_steps(&open, &d.scope);
        for _ in 0..ups {
            w.upscope()?;
            open.pop();
        }
        for s in downs {
            w.add_module(s)?;
            open.push(s.clone());
        }
        let index = d
            .ranged
            .then_some(ReferenceIndex::Range(d.width as i32 - 1, 0));
        handles.push(Some(Handle::Vcd(w.add_var(
            VarType::Wire,
            d.width,
            &d.name,
            index,
        )?)));
    }
    for _ in 0..open.len() {
        w.upscope()?;
    }
    w.enddefinitions()?;
    Ok(handles)
}

/// [`declare_vcd`] for FST: the range is part of the name, as Verilator's FST writer has it.
pub(super) fn declare_fst(
    w: &mut fst_writer::FstHeaderWriter<BufWriter<File>>,
    decls: &[Decl],
    keep: &[bool],
) -> fst_writer::Result<Vec<Option<Handle>>> {
    use fst_writer::{FstScopeType, FstSignalType, FstVarDirection, FstVarType};
    let mut open: Vec<String> = Vec::new();
    let mut handles = Vec::with_capacity(decls.len());
    for (d, &k) in decls.iter().zip(keep) {
        if !k {
            handles.push(None);
            continue;
        }
        let (ups, downs) = scope_steps(&open, &d.scope);
        for _ in 0..ups {
            w.up_scope()?;
            open.pop();
        }
        for s in downs {
            w.scope(s, "", FstScopeType::Module)?;
            open.push(s.clone());
        }
        let name = if d.ranged {
            format!("{} [{}:0]", d.name, d.width - 1)
        } else {
            d.name.clone()
        };
        let id = w.var(
            name,
            FstSignalType::bit_vec(d.width),
            FstVarType::Wire,
            FstVarDirection::Implicit,
            None,
        )?;
        handles.push(Some(Handle::Fst(id)));
    }
    for _ in 0..open.len() {
        w.up_scope()?;
    }
    Ok(handles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_steps_leave_and_enter() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let (a, b) = (s(&["TOP", "model"]), s(&["TOP", "fspinn_top", "g"]));
        let (ups, downs) = scope_steps(&a, &b);
        assert_eq!(ups, 1);
        assert_eq!(downs, &b[1..]);
    }
}
