//! The names of every signal a verilated model traces, read back from the header of a probe
//! trace (VCD or FST): Verilator 5.006's `dumpvars` selects signals by whole name components
//! only, so a `--vcd-scope` glob is expanded against these names first.

use std::io::BufReader;
use std::path::Path;

/// One traced signal: its full hierarchical name as a viewer shows it
/// (`TOP.fspinn_top.g_wbank[1].u_mem.raddr`, what a scope pattern is matched against) and the
/// name Verilator's `dumpvars` takes for it (the same without an array element's `(k)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TracedName {
    pub full: String,
    pub decl: String,
}

fn traced(scopes: &[String], var: &str) -> TracedName {
    // FST names carry the vector range (`raddr [14:0]`); VCD has it apart.
    let var = var.split(' ').next().unwrap_or(var);
    let mut full = scopes.join(".");
    full.push('.');
    full.push_str(var);
    let decl = match full.rfind('(') {
        Some(k) if full.ends_with(')') => full[..k].to_string(),
        _ => full.clone(),
    };
    TracedName { full, decl }
}

/// Every signal declared in the trace at `path`.
pub(crate) fn names(path: &Path, fst: bool) -> Result<Vec<TracedName>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    if fst {
        let mut r = fst_reader::FstReader::open(BufReader::new(file))
            .map_err(|e| format!("{}: {e:?}", path.display()))?;
        let mut scopes: Vec<String> = Vec::new();
        r.read_hierarchy(|e| match e {
            fst_reader::FstHierarchyEntry::Scope { name, .. } => scopes.push(name),
            fst_reader::FstHierarchyEntry::UpScope => {
                scopes.pop();
            }
            fst_reader::FstHierarchyEntry::Var { name, .. } => out.push(traced(&scopes, &name)),
            _ => {}
        })
        .map_err(|e| format!("{}: {e:?}", path.display()))?;
    } else {
        let mut p = vcd::Parser::new(BufReader::new(file));
        let h = p
            .parse_header()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        fn walk(items: &[vcd::ScopeItem], scopes: &mut Vec<String>, out: &mut Vec<TracedName>) {
            for it in items {
                match it {
                    vcd::ScopeItem::Scope(s) => {
                        scopes.push(s.identifier.clone());
                        walk(&s.items, scopes, out);
                        scopes.pop();
                    }
                    vcd::ScopeItem::Var(v) => out.push(traced(scopes, &v.reference)),
                    _ => {}
                }
            }
        }
        walk(&h.items, &mut Vec::new(), &mut out);
    }
    Ok(out)
}

/// The `dumpvars` arguments that enable exactly the kept signals: a whole scope where every
/// signal under it is kept (Verilator compares every entry with every signal, so a pattern
/// keeping most of a big design must not become one entry per signal), else the names.
pub(crate) fn dumpvars(all: &[TracedName], keep: &[bool]) -> Vec<String> {
    use std::collections::HashMap;
    // Signals under each scope prefix ("TOP", "TOP.fspinn_top", ...): (all, kept).
    let mut under: HashMap<&str, (usize, usize)> = HashMap::new();
    let prefixes = |d: &str| -> Vec<usize> { d.match_indices('.').map(|(k, _)| k).collect() };
    for (n, &k) in all.iter().zip(keep) {
        for end in prefixes(&n.decl) {
            let e = under.entry(&n.decl[..end]).or_default();
            e.0 += 1;
            e.1 += k as usize;
        }
    }
    let mut out: Vec<String> = Vec::new();
    for (n, &k) in all.iter().zip(keep) {
        if !k {
            continue;
        }
        let whole = prefixes(&n.decl)
            .into_iter()
            .map(|end| &n.decl[..end])
            .find(|p| under.get(p).is_some_and(|(a, k)| a == k));
        let entry = whole.unwrap_or(&n.decl);
        if out.last().map(String::as_str) != Some(entry) && !out.iter().any(|o| o == entry) {
            out.push(entry.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumpvars_collapses_whole_scopes() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let all = vec![
            traced(&s(&["TOP", "a"]), "x"),
            traced(&s(&["TOP", "a"]), "y"),
            traced(&s(&["TOP", "b"]), "x"),
            traced(&s(&["TOP", "b"]), "y"),
        ];
        assert_eq!(
            dumpvars(&all, &[true, true, true, false]),
            vec!["TOP.a".to_string(), "TOP.b.x".to_string()]
        );
        assert_eq!(dumpvars(&all, &[true; 4]), vec!["TOP".to_string()]);
    }

    #[test]
    fn names_drop_ranges_and_array_elements_for_dumpvars() {
        let s = vec!["TOP".to_string(), "fspinn_top".to_string()];
        let t = traced(&s, "raddr [14:0]");
        assert_eq!(t.full, "TOP.fspinn_top.raddr");
        assert_eq!(t.decl, "TOP.fspinn_top.raddr");
        let t = traced(&s, "stage(3)");
        assert_eq!(t.full, "TOP.fspinn_top.stage(3)");
        assert_eq!(t.decl, "TOP.fspinn_top.stage");
    }
}
