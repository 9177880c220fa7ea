//! SRAM access pricing from a handful of measured points (see the module documentation of
//! `energy` for the rule and why it is log-log in size and linear in width).

use std::collections::BTreeMap;

use super::table::SramPoint;

/// The per-bit read energy of an SRAM of some size, and how it was obtained.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PerBit {
    /// Read energy per accessed bit, pJ.
    pub(crate) pj: f64,
    /// Human-readable derivation naming the points used, for the report's `source`.
    pub(crate) how: String,
}

/// One capacity of the table with its per-bit energy (points of equal size averaged).
struct Node<'a> {
    bytes: u64,
    pj_per_bit: f64,
    keys: Vec<&'a str>,
    sources: Vec<&'a str>,
}

impl Node<'_> {
    fn label(&self) -> String {
        let keys: Vec<String> = self
            .keys
            .iter()
            .zip(&self.sources)
            .map(|(k, s)| format!("`{k}` [{s}]"))
            .collect();
        format!("{} B: {}", self.bytes, keys.join(" / "))
    }
}

/// Per-bit read energy of an SRAM of `bytes`, or `None` when the table has no points or
/// `bytes` is 0 (log of zero).
pub(crate) fn read_pj_per_bit(points: &BTreeMap<String, SramPoint>, bytes: u64) -> Option<PerBit> {
    if bytes == 0 {
        return None;
    }
    let mut nodes: Vec<Node> = Vec::new();
    let mut sorted: Vec<(&String, &SramPoint)> = points.iter().collect();
    sorted.sort_by_key(|(_, p)| p.bytes);
    for (key, p) in sorted {
        let per_bit = p.read_pj / f64::from(p.word_bits);
        match nodes.last_mut() {
            Some(last) if last.bytes == p.bytes => {
                // Running mean of the per-bit energies of equal-size points.
                let n = last.keys.len() as f64;
                last.pj_per_bit = (last.pj_per_bit * n + per_bit) / (n + 1.0);
                last.keys.push(key);
                last.sources.push(&p.source);
            }
            _ => nodes.push(Node {
                bytes: p.bytes,
                pj_per_bit: per_bit,
                keys: vec![key],
                sources: vec![&p.source],
            }),
        }
    }
    if let Some(exact) = nodes.iter().find(|n| n.bytes == bytes) {
        return Some(PerBit {
            pj: exact.pj_per_bit,
            how: format!("at point {}", exact.label()),
        });
    }
    match nodes.as_slice() {
        [] => None,
        [only] => Some(PerBit {
            pj: only.pj_per_bit,
            how: format!("single point {}, size-independent per bit", only.label()),
        }),
        _ => {
            // Segment containing `bytes`, or the nearest end segment for extrapolation.
            let upper = nodes
                .iter()
                .position(|n| n.bytes > bytes)
                .unwrap_or(nodes.len() - 1)
                .clamp(1, nodes.len() - 1);
            let (a, b) = (&nodes[upper - 1], &nodes[upper]);
            let (xa, xb, x) = (
                (a.bytes as f64).ln(),
                (b.bytes as f64).ln(),
                (bytes as f64).ln(),
            );
            let (ya, yb) = (a.pj_per_bit.ln(), b.pj_per_bit.ln());
            let t = (x - xa) / (xb - xa);
            let pj = (ya + t * (yb - ya)).exp();
            let verb = if (0.0..=1.0).contains(&t) {
                "log-log interpolation between"
            } else {
                "log-log extrapolation from"
            };
            Some(PerBit {
                pj,
                how: format!("{verb} {} and {}", a.label(), b.label()),
            })
        }
    }
}
