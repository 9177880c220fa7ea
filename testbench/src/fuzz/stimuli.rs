//! Drawing the images: uniform noise, sparse dots, blank, saturated, or a dataset image.

use super::hardware::INPUTS;
use super::Draws;

/// One image of [`INPUTS`] pixels and what kind it is.
pub fn draw(d: &mut Draws, dataset: Option<&[Vec<u8>]>) -> (Vec<u8>, &'static str) {
    let n = INPUTS as usize;
    let kinds: &[&str] = match dataset {
        Some(set) if !set.is_empty() => &["uniform", "sparse", "blank", "saturated", "dataset"],
        _ => &["uniform", "sparse", "blank", "saturated"],
    };
    let kind = d.pick(kinds);
    let image = match kind {
        "uniform" => (0..n).map(|_| d.below(256) as u8).collect(),
        "sparse" => {
            let density = d.real(0.005, 0.15);
            (0..n)
                .map(|_| {
                    if d.chance(density) {
                        d.range(1, 255) as u8
                    } else {
                        0
                    }
                })
                .collect()
        }
        "blank" => vec![0; n],
        "saturated" => vec![255; n],
        _ => {
            let set = dataset.unwrap_or_default();
            set[d.below(set.len() as u64) as usize].clone()
        }
    };
    (image, kind)
}
