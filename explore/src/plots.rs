//! Plots of a report, drawn with `plotters` into SVG and PNG. Text is rendered with the Lato
//! font embedded from `explore/assets/` (OFL-1.1, licence beside it), through plotters'
//! `ab_glyph` feature, so PNGs get their labels without any system font library.

use crate::error::{ExploreError, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};
use std::path::{Path, PathBuf};
use std::sync::Once;

static FONT: &[u8] = include_bytes!("../assets/Lato-Regular.ttf");

fn init_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded font is a valid TrueType file (checked by the plot tests).
        let _ = register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// How a point is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Class {
    Infeasible,
    Feasible,
    Front,
    Chosen,
}

/// One point of a scatter plot.
#[derive(Clone, Debug)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    /// Low and high figure of `x` (the energy model's band), drawn as an error bar.
    pub x_band: Option<(f64, f64)>,
    /// Low and high figure of `y`.
    pub y_band: Option<(f64, f64)>,
    pub class: Class,
}

/// One bar of the stacked energy breakdown: a label and (component, uJ) segments.
#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub segments: Vec<(String, f64)>,
}

/// The files of one plot.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PlotFiles {
    pub title: String,
    pub svg: PathBuf,
    pub png: PathBuf,
}

const SIZE: (u32, u32) = (800, 560);

fn err(path: &Path) -> impl Fn(String) -> ExploreError + '_ {
    move |message| ExploreError::Plot {
        path: path.to_path_buf(),
        message,
    }
}

/// Draws `draw` into `<base>.svg` and `<base>.png`.
fn both(
    base: &Path,
    title: &str,
    draw: impl Fn(DrawingArea<SVGBackend, Shift>) -> std::result::Result<(), String>,
    draw_png: impl Fn(DrawingArea<BitMapBackend, Shift>) -> std::result::Result<(), String>,
) -> Result<PlotFiles> {
    init_font();
    let svg = base.with_extension("svg");
    let png = base.with_extension("png");
    {
        let root = SVGBackend::new(&svg, SIZE).into_drawing_area();
        draw(root).map_err(err(&svg))?;
    }
    {
        let root = BitMapBackend::new(&png, SIZE).into_drawing_area();
        draw_png(root).map_err(err(&png))?;
    }
    Ok(PlotFiles {
        title: title.to_string(),
        svg,
        png,
    })
}

fn range(v: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let lo = v.clone().fold(f64::INFINITY, f64::min);
    let hi = v.fold(f64::NEG_INFINITY, f64::max);
    let pad = if hi > lo {
        (hi - lo) * 0.08
    } else {
        lo.abs().max(1.0) * 0.1
    };
    (lo - pad, hi + pad)
}

/// Whether an axis spanning these values is drawn logarithmically: all positive and more than
/// a factor of 20 apart (energies with and without DRAM differ by orders of magnitude).
fn wants_log(v: impl Iterator<Item = f64> + Clone) -> bool {
    let lo = v.clone().fold(f64::INFINITY, f64::min);
    let hi = v.fold(f64::NEG_INFINITY, f64::max);
    lo > 0.0 && hi / lo > 20.0
}

/// A tick label: the value itself, or 10^v on a log axis.
fn tick(v: f64, log: bool) -> String {
    let x = if log { 10f64.powf(v) } else { v };
    if x != 0.0 && (x.abs() >= 1e5 || x.abs() < 1e-2) {
        format!("{x:.1e}")
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

fn scatter_on<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    title: &str,
    x_label: &str,
    y_label: &str,
    dots: &[Dot],
) -> std::result::Result<(), String> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let x_log = wants_log(dots.iter().map(|d| d.x));
    let y_log = wants_log(dots.iter().map(|d| d.y));
    let fx = |v: f64| if x_log { v.log10() } else { v };
    let fy = |v: f64| if y_log { v.log10() } else { v };
    let dots: Vec<Dot> = dots
        .iter()
        .map(|d| Dot {
            x: fx(d.x),
            y: fy(d.y),
            x_band: d.x_band.map(|(l, h)| (fx(l), fx(h))),
            y_band: d.y_band.map(|(l, h)| (fy(l), fy(h))),
            class: d.class,
        })
        .collect();
    let x_label = if x_log {
        format!("{x_label}, log scale")
    } else {
        x_label.to_string()
    };
    let y_label = if y_log {
        format!("{y_label}, log scale")
    } else {
        y_label.to_string()
    };
    // The axes span the bands too, so no error bar is cut off.
    let span = |v: f64, b: Option<(f64, f64)>| {
        let (l, h) = b.unwrap_or((v, v));
        [v, l, h]
    };
    let xs: Vec<f64> = dots.iter().flat_map(|d| span(d.x, d.x_band)).collect();
    let ys: Vec<f64> = dots.iter().flat_map(|d| span(d.y, d.y_band)).collect();
    let (x0, x1) = range(xs.iter().copied());
    let (y0, y1) = range(ys.iter().copied());
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_label_formatter(&|v| tick(*v, x_log))
        .y_label_formatter(&|v| tick(*v, y_log))
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .draw()
        .map_err(e)?;
    let series = [
        (Class::Infeasible, RGBColor(170, 170, 170), 4, "infeasible"),
        (Class::Feasible, RGBColor(31, 119, 180), 5, "feasible"),
        (Class::Front, RGBColor(214, 39, 40), 6, "Pareto front"),
        (Class::Chosen, RGBColor(44, 160, 44), 9, "chosen"),
    ];
    for (class, color, _, _) in series {
        let mut bars: Vec<Vec<(f64, f64)>> = Vec::new();
        for d in dots.iter().filter(|d| d.class == class) {
            if let Some((l, h)) = d.x_band {
                bars.push(vec![(l, d.y), (h, d.y)]);
            }
            if let Some((l, h)) = d.y_band {
                bars.push(vec![(d.x, l), (d.x, h)]);
            }
        }
        chart
            .draw_series(
                bars.into_iter()
                    .map(|b| PathElement::new(b, color.mix(0.6).stroke_width(1))),
            )
            .map_err(e)?;
    }
    for (class, color, size, name) in series {
        let pts: Vec<(f64, f64)> = dots
            .iter()
            .filter(|d| d.class == class)
            .map(|d| (d.x, d.y))
            .collect();
        if pts.is_empty() {
            continue;
        }
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, size, color.filled())))
            .map_err(e)?
            .label(name)
            .legend(move |(x, y)| Circle::new((x, y), size, color.filled()));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(e)?;
    root.present().map_err(e)
}

/// A scatter plot of `dots` in `<base>.svg` and `<base>.png`.
pub fn scatter(
    base: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    dots: &[Dot],
) -> Result<PlotFiles> {
    both(
        base,
        title,
        |r| scatter_on(r, title, x_label, y_label, dots),
        |r| scatter_on(r, title, x_label, y_label, dots),
    )
}

const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

fn bars_on<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    title: &str,
    y_label: &str,
    bars: &[Bar],
    names: &[String],
) -> std::result::Result<(), String> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let top = bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.1).sum::<f64>())
        .fold(0.0, f64::max)
        * 1.1;
    let n = bars.len();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..top.max(1e-12))
        .map_err(e)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.max(1))
        .x_label_formatter(&|x| {
            let k = x.round().max(0.0) as usize;
            bars.get(k).map(|b| b.label.clone()).unwrap_or_default()
        })
        .x_desc("point on the Pareto front")
        .y_desc(y_label)
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .draw()
        .map_err(e)?;
    for (ci, name) in names.iter().enumerate() {
        let color = PALETTE[ci % PALETTE.len()];
        let rects: Vec<Rectangle<(f64, f64)>> = bars
            .iter()
            .enumerate()
            .filter_map(|(k, b)| {
                let below: f64 = b
                    .segments
                    .iter()
                    .take_while(|s| &s.0 != name)
                    .map(|s| s.1)
                    .sum();
                let v = b.segments.iter().find(|s| &s.0 == name)?.1;
                Some(Rectangle::new(
                    [(k as f64 - 0.35, below), (k as f64 + 0.35, below + v)],
                    color.filled(),
                ))
            })
            .collect();
        chart
            .draw_series(rects)
            .map_err(e)?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(e)?;
    root.present().map_err(e)
}

/// A stacked bar chart (one bar per point, one colour per component, same order in every bar).
pub fn stacked_bars(base: &Path, title: &str, y_label: &str, bars: &[Bar]) -> Result<PlotFiles> {
    let mut names: Vec<String> = Vec::new();
    for b in bars {
        for (n, _) in &b.segments {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    // Every bar lists its segments in the global order, so the stacking is consistent.
    let bars: Vec<Bar> = bars
        .iter()
        .map(|b| Bar {
            label: b.label.clone(),
            segments: names
                .iter()
                .map(|n| {
                    let v = b.segments.iter().filter(|s| &s.0 == n).map(|s| s.1).sum();
                    (n.clone(), v)
                })
                .collect(),
        })
        .collect();
    both(
        base,
        title,
        |r| bars_on(r, title, y_label, &bars, &names),
        |r| bars_on(r, title, y_label, &bars, &names),
    )
}
