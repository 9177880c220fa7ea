//! Reading Yosys' outputs: `stat -json` (cells of each module by type) and the gate-free
//! `write_json` netlist (module hierarchy, black boxes and their parameters).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::SynthError;

/// Cell counts of one module (its own cells; instances of other modules appear as their type).
pub type CellCounts = BTreeMap<String, u64>;

#[derive(Deserialize)]
struct StatFile {
    modules: BTreeMap<String, StatModule>,
}

#[derive(Deserialize)]
struct StatModule {
    num_cells_by_type: Option<BTreeMap<String, u64>>,
}

/// The `"modules": { ... }` object of `stat -json` output, as text. Yosys 0.23 writes the
/// design's hierarchy as plain text after it (not JSON) when the design has submodules, so
/// only this object is parsed; braces inside strings are skipped.
fn modules_object(text: &str) -> Option<&str> {
    let start = text.find("\"modules\"")?;
    let open = start + text[start..].find('{')?;
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    for (i, c) in text[open..].char_indices() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[open..=open + i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Per module, its cells by type, from `stat -json` output.
pub fn parse_stat(text: &str, origin: &str) -> Result<BTreeMap<String, CellCounts>, SynthError> {
    let modules = modules_object(text).ok_or_else(|| SynthError::Parse {
        file: origin.into(),
        field: "modules".into(),
        problem: "no complete `\"modules\": {...}` object".into(),
    })?;
    let f: StatFile =
        serde_json::from_str(&format!("{{\"modules\": {modules}}}")).map_err(|e| {
            SynthError::Parse {
                file: origin.into(),
                field: "stat -json".into(),
                problem: e.to_string(),
            }
        })?;
    Ok(f.modules
        .into_iter()
        .map(|(name, m)| (strip(&name), m.num_cells_by_type.unwrap_or_default()))
        .collect())
}

/// A module name as Yosys writes it, without the leading `\` of a public name.
fn strip(name: &str) -> String {
    name.strip_prefix('\\').unwrap_or(name).to_string()
}

#[derive(Deserialize)]
struct JsonNetlist {
    modules: BTreeMap<String, JsonModule>,
}

#[derive(Deserialize)]
struct JsonModule {
    #[serde(default)]
    attributes: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    parameter_default_values: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    cells: BTreeMap<String, JsonCell>,
}

#[derive(Deserialize)]
struct JsonCell {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    parameters: BTreeMap<String, serde_json::Value>,
}

/// One module of the design.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// Name in the netlist (`$paramod...\fspinn_leak` for a parameterised copy).
    pub name: String,
    /// The source module's name (`fspinn_leak`).
    pub base: String,
    /// A black box (a memory wrapper read with `-lib`).
    pub blackbox: bool,
    /// Default parameter values (black boxes), as Yosys writes them.
    pub defaults: BTreeMap<String, String>,
    /// Instances of other modules: (instance name, module name, parameters).
    pub instances: Vec<Instance>,
}

/// One instance of a module inside another.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// Instance name (`g_pe[3].u_leak`).
    pub name: String,
    /// Module it instantiates (netlist name).
    pub module: String,
    /// Parameters given to it, as Yosys writes them.
    pub parameters: BTreeMap<String, String>,
}

/// The module hierarchy of a synthesised design.
#[derive(Clone, Debug, PartialEq)]
pub struct Hierarchy {
    /// Every module, by netlist name.
    pub modules: BTreeMap<String, Module>,
    /// The top module (attribute `top`).
    pub top: String,
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn flag(attrs: &BTreeMap<String, serde_json::Value>, key: &str) -> bool {
    attrs
        .get(key)
        .and_then(|v| parse_param(&value_text(v)))
        .is_some_and(|x| x != 0)
}

/// A parameter value as Yosys' JSON writes it: a binary string (`"00...0110000"`) for an
/// integer, a decimal for some writers; `None` for a string or a value with x/z bits.
pub fn parse_param(text: &str) -> Option<u64> {
    let t = text.trim();
    if !t.is_empty() && t.len() <= 64 && t.bytes().all(|b| b == b'0' || b == b'1') {
        return u64::from_str_radix(t, 2).ok();
    }
    None
}

/// The hierarchy from the gate-free `write_json` output.
pub fn parse_hierarchy(text: &str, origin: &str) -> Result<Hierarchy, SynthError> {
    let f: JsonNetlist = serde_json::from_str(text).map_err(|e| SynthError::Parse {
        file: origin.into(),
        field: "write_json".into(),
        problem: e.to_string(),
    })?;
    let mut top = None;
    let mut modules = BTreeMap::new();
    for (raw, m) in f.modules {
        let name = strip(&raw);
        if flag(&m.attributes, "top") {
            top = Some(name.clone());
        }
        let base = m
            .attributes
            .get("hdlname")
            .map(value_text)
            .map(|s| strip(&s))
            .unwrap_or_else(|| name.rsplit('\\').next().unwrap_or(&name).to_string());
        let instances = m
            .cells
            .into_iter()
            .map(|(inst, c)| Instance {
                name: strip(&inst),
                module: strip(&c.kind),
                parameters: c
                    .parameters
                    .iter()
                    .map(|(k, v)| (k.clone(), value_text(v)))
                    .collect(),
            })
            .collect();
        modules.insert(
            name.clone(),
            Module {
                blackbox: flag(&m.attributes, "blackbox"),
                name,
                base,
                defaults: m
                    .parameter_default_values
                    .iter()
                    .map(|(k, v)| (k.clone(), value_text(v)))
                    .collect(),
                instances,
            },
        );
    }
    let top = top.ok_or_else(|| SynthError::Parse {
        file: origin.into(),
        field: "modules".into(),
        problem: "no module has the `top` attribute".into(),
    })?;
    Ok(Hierarchy { modules, top })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_yosys_binary_strings() {
        assert_eq!(parse_param("00000000000000000000000000110000"), Some(48));
        assert_eq!(parse_param("1"), Some(1));
        assert_eq!(parse_param("small"), None);
        assert_eq!(parse_param("0000x"), None);
    }

    /// The shape of Yosys 0.23's output for a hierarchical design: the hierarchy as text
    /// after the modules (invalid JSON), which must not stop the reader.
    #[test]
    fn stat_of_a_hierarchy_reads_the_modules_object_only() {
        let text = r#"{
   "creator": "Yosys 0.23 (git sha1 7ce5011c24b)",
   "invocation": "stat -json ",
   "modules": {
      "\\top": {
         "num_cells": 3,
         "num_cells_by_type": {
            "$_AND_": 2,
            "$paramod\\leaf\\W=s32'00000000000000000000000000010000": 1
         }
      },
      "$paramod\\leaf\\W=s32'00000000000000000000000000010000": {
         "num_cells_by_type": { "$_DFF_P_": 16 }
      }
   },
       top      1
         leaf   1
      "design": {
         "num_cells_by_type": {
"#;
        let m = parse_stat(text, "stat.json").unwrap();
        assert_eq!(m["top"]["$_AND_"], 2);
        assert_eq!(
            m["$paramod\\leaf\\W=s32'00000000000000000000000000010000"]["$_DFF_P_"],
            16
        );
        let e = parse_stat("{\"modules\": {\"a\": ", "stat.json").unwrap_err();
        assert!(e.to_string().contains("no complete"), "{e}");
    }

    #[test]
    fn malformed_json_names_the_file() {
        let e = parse_stat(r#"{"modules": {"a": 3}}"#, "stat.json").unwrap_err();
        assert!(e.to_string().starts_with("stat.json: stat -json: "), "{e}");
        let e = parse_hierarchy(r#"{"modules": {"a": {}}}"#, "h.json").unwrap_err();
        assert_eq!(
            e.to_string(),
            "h.json: modules: no module has the `top` attribute"
        );
    }
}
