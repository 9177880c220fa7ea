//! The committed `rtl/fspinn_consts.vh` is exactly what the table in `sim/src/rtl_consts/`
//! generates: a table edited without regenerating the header (or a hand edit of the header)
//! fails here, naming the first differing line and the command that fixes it.

use fspinn_sim::rtl_consts::{header_difference, HEADER_COMMAND, HEADER_FILE, HEADER_NAME};
use std::path::Path;

#[test]
fn committed_header_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("sim/ has a parent");
    let path = root.join(HEADER_FILE);
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; generate it from the repository root with `{HEADER_COMMAND}` \
             (`cargo run -- rtl header --out {HEADER_FILE}` in a checkout)",
            path.display()
        )
    });
    if let Some(why) = header_difference(&committed) {
        panic!(
            "{HEADER_FILE} is stale ({why}): regenerate it from the repository root with \
             `{HEADER_COMMAND}` (`cargo run -- rtl header --out {HEADER_FILE}` in a checkout) \
             and commit it"
        );
    }
}

/// Names a Verilog text declares as localparams (`localparam [w] A = 1, B = 2;`).
fn localparams(text: &str) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    code.split(';')
        .filter_map(|stmt| stmt.split_once("localparam").map(|(_, rest)| rest))
        .flat_map(|rest| rest.split(',').map(str::to_owned).collect::<Vec<_>>())
        .filter_map(|part| {
            let (lhs, _) = part.split_once('=')?;
            lhs.split_whitespace().last().map(str::to_owned)
        })
        .collect()
}

#[test]
fn the_rtl_takes_its_constants_from_the_header() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("sim/ has a parent");
    let shared = localparams(&fspinn_sim::rtl_consts::verilog_header());
    assert!(
        shared.contains(&"P_IDLE".to_string()) && shared.len() > 60,
        "{shared:?}"
    );
    let mut includes = 0;
    for entry in std::fs::read_dir(root.join("rtl")).expect("rtl/") {
        let path = entry.expect("rtl/ entry").path();
        if path.extension().is_none_or(|e| e != "v") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("an rtl/*.v file");
        if text.contains(&format!("`include \"{HEADER_NAME}\"")) {
            includes += 1;
        }
        for name in localparams(&text) {
            assert!(
                !shared.contains(&name),
                "{} declares {name} itself: it belongs to {HEADER_FILE} (the shared table)",
                path.display()
            );
        }
    }
    assert!(includes >= 1, "no rtl/*.v includes {HEADER_NAME}");
}
