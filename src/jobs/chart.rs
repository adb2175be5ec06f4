//! The weekly chart for club leads' Monday digest: requests per day by outcome, as a PNG in memory.
//!
//! Drawn with plotters into an RGB buffer, then encoded with the `png` crate. No system fonts: the
//! text uses DejaVu Sans, embedded in the binary (Latin, Cyrillic and more).
//! Rendering is CPU-bound (some tens of milliseconds): call it from `spawn_blocking` in async code.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, register_font};

/// One day's counts, oldest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub date: NaiveDate,
    pub created: u32,
    pub closed: u32,
    pub cancelled: u32,
    pub still_open: u32,
}

/// Texts drawn on the chart, already in the reader's language.
pub struct ChartLabels {
    pub title: String,
    pub created: String,
    pub closed: String,
    pub cancelled: String,
    pub still_open: String,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot draw the chart: {0}")]
pub struct ChartError(String);

/// Width of the picture, px.
pub const WIDTH: u32 = 900;
/// Height of the picture, px.
pub const HEIGHT: u32 = 500;

/// DejaVu Sans (licence: assets/LICENSE-DejaVu.txt).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
/// The family plotters falls back to; ours is the only font registered.
const FAMILY: &str = "sans-serif";

// Series colours from the Okabe–Ito palette, which stays distinct for the common colour blindnesses.
const CREATED: RGBColor = RGBColor(0x00, 0x72, 0xB2); // blue
const CLOSED: RGBColor = RGBColor(0x00, 0x9E, 0x73); // bluish green
const CANCELLED: RGBColor = RGBColor(0x99, 0x99, 0x99); // grey
const STILL_OPEN: RGBColor = RGBColor(0xE6, 0x9F, 0x00); // orange
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const AXIS: RGBColor = RGBColor(0x55, 0x55, 0x55);
const GRID: RGBColor = RGBColor(0xE0, 0xE0, 0xE0);
const WEEK_LINE: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);
const WEEKEND: RGBColor = RGBColor(0xF4, 0xF4, 0xF4);

// Even sizes: plotters rounds glyph positions towards zero, which for odd sizes shifts glyphs that
// reach above half the size and those that don't by different amounts.
const TITLE_SIZE: f64 = 26.0;
const LEGEND_SIZE: f64 = 16.0;
const TICK_SIZE: f64 = 14.0;
/// The smallest a too long title or legend gets.
const MIN_SIZE: f64 = 10.0;

// The plot's frame in pixels; above it the title and the legend, below it the dates.
const PLOT_LEFT: i32 = 56;
const PLOT_RIGHT: i32 = WIDTH as i32 - 24;
const PLOT_TOP: i32 = 92;
const PLOT_BOTTOM: i32 = HEIGHT as i32 - 36;

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn err(e: impl std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

fn register() -> Result<(), ChartError> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(ChartError("the embedded font cannot be read".into()))
    }
}

/// A PNG of 900×500 px: grouped bars per day (x axis: dates as dd.mm, every few days labelled), a
/// legend with the four series, the title on top.
///
/// Each day has four bars side by side, in legend order: created, closed, cancelled, still open.
/// Weekends are shaded, and a thin line marks the start of each week (Monday). A title or legend
/// too long for the width is set smaller.
pub fn render(days: &[DayCounts], labels: &ChartLabels) -> Result<Vec<u8>, ChartError> {
    register()?;
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, days, labels)?;
        root.present().map_err(err)?;
    }
    encode(&rgb)
}

fn draw(root: &Area<'_>, days: &[DayCounts], labels: &ChartLabels) -> Result<(), ChartError> {
    let mut text = Typesetter::default();
    root.fill(&WHITE).map_err(err)?;

    let mut title_size = TITLE_SIZE;
    while title_size > MIN_SIZE && text.width(&labels.title, title_size)? > f64::from(WIDTH - 20) {
        title_size -= 2.0;
    }
    text.draw(
        root,
        &labels.title,
        (WIDTH as i32 / 2, 14),
        title_size,
        INK,
        Pos::new(HPos::Center, VPos::Top),
    )?;

    // Legend: one row under the title, centred.
    let series = [
        (labels.created.as_str(), CREATED),
        (labels.closed.as_str(), CLOSED),
        (labels.cancelled.as_str(), CANCELLED),
        (labels.still_open.as_str(), STILL_OPEN),
    ];
    let (swatch, swatch_gap, entry_gap) = (14, 7, 28);
    let mut legend_size = LEGEND_SIZE + 2.0;
    let (widths, legend_width) = loop {
        legend_size -= 2.0;
        let mut widths = Vec::with_capacity(series.len());
        for (label, _) in &series {
            widths.push(text.width(label, legend_size)?.round() as i32);
        }
        let total: i32 = widths.iter().map(|w| swatch + swatch_gap + w).sum::<i32>()
            + entry_gap * (series.len() as i32 - 1);
        if legend_size <= MIN_SIZE || total <= WIDTH as i32 - 20 {
            break (widths, total);
        }
    };
    let legend_y = 60;
    let mut x = (WIDTH as i32 - legend_width) / 2;
    for ((label, colour), width) in series.iter().zip(&widths) {
        let top = legend_y - swatch / 2;
        root.draw(&Rectangle::new(
            [(x, top), (x + swatch - 1, top + swatch - 1)],
            colour.filled(),
        ))
        .map_err(err)?;
        let left_middle = Pos::new(HPos::Left, VPos::Center);
        text.draw(
            root,
            label,
            (x + swatch + swatch_gap, legend_y),
            legend_size,
            INK,
            left_middle,
        )?;
        x += swatch + swatch_gap + width + entry_gap;
    }

    // Day i takes the slot [left + i·slot, left + (i+1)·slot) of the plot's width.
    let n = days.len();
    let slot = f64::from(PLOT_RIGHT - PLOT_LEFT) / n.max(1) as f64;
    let slot_edge = |i: usize| PLOT_LEFT + (slot * i as f64).round() as i32;
    let slot_centre = |i: usize| PLOT_LEFT + (slot * (i as f64 + 0.5)).round() as i32;

    // y: whole requests, from 0 to a round number at or above the highest bar.
    let peak = days
        .iter()
        .map(|d| d.created.max(d.closed).max(d.cancelled).max(d.still_open))
        .max()
        .unwrap_or(0);
    let step = u64::from(tick_step(peak));
    let y_top = (u64::from(peak) / step + 1) * step;
    let y_px = |v: u64| {
        let share = v as f64 / y_top as f64;
        PLOT_BOTTOM - (share * f64::from(PLOT_BOTTOM - PLOT_TOP)).round() as i32
    };

    for (i, day) in days.iter().enumerate() {
        if matches!(day.date.weekday(), Weekday::Sat | Weekday::Sun) {
            root.draw(&Rectangle::new(
                [(slot_edge(i), PLOT_TOP), (slot_edge(i + 1), PLOT_BOTTOM)],
                WEEKEND.filled(),
            ))
            .map_err(err)?;
        }
    }
    let right_middle = Pos::new(HPos::Right, VPos::Center);
    for v in (0..=y_top).step_by(step as usize) {
        let y = y_px(v);
        if v > 0 {
            line(root, (PLOT_LEFT, y), (PLOT_RIGHT, y), GRID)?;
        }
        line(root, (PLOT_LEFT - 5, y), (PLOT_LEFT, y), AXIS)?;
        let label = v.to_string();
        text.draw(
            root,
            &label,
            (PLOT_LEFT - 8, y),
            TICK_SIZE,
            AXIS,
            right_middle,
        )?;
    }
    for (i, day) in days.iter().enumerate().skip(1) {
        if day.date.weekday() == Weekday::Mon {
            let x = slot_edge(i);
            line(root, (x, PLOT_TOP), (x, PLOT_BOTTOM), WEEK_LINE)?;
        }
    }

    // Bars, in whole pixels so that every bar has the same width; 1 px apart.
    let bar = ((slot * 0.88 / 4.0).floor() as i32).clamp(1, 40);
    for (i, day) in days.iter().enumerate() {
        let start = slot_centre(i) - bar * 2;
        let values = [day.created, day.closed, day.cancelled, day.still_open];
        for (k, (value, (_, colour))) in values.iter().zip(&series).enumerate() {
            if *value > 0 {
                let x = start + bar * k as i32;
                root.draw(&Rectangle::new(
                    [
                        (x, y_px(u64::from(*value))),
                        (x + (bar - 2).max(0), PLOT_BOTTOM - 1),
                    ],
                    colour.filled(),
                ))
                .map_err(err)?;
            }
        }
    }

    line(root, (PLOT_LEFT, PLOT_TOP), (PLOT_LEFT, PLOT_BOTTOM), AXIS)?;
    line(
        root,
        (PLOT_LEFT, PLOT_BOTTOM),
        (PLOT_RIGHT, PLOT_BOTTOM),
        AXIS,
    )?;

    // Dates under the axis: all of them for up to two weeks, else every few days counted from a
    // Monday, so that each week is labelled alike.
    let every = n.div_ceil(14).max(1);
    let first_monday = days
        .iter()
        .position(|d| d.date.weekday() == Weekday::Mon)
        .unwrap_or(0);
    let centre_top = Pos::new(HPos::Center, VPos::Top);
    for (i, day) in days.iter().enumerate() {
        if !(i + every - first_monday % every).is_multiple_of(every) {
            continue;
        }
        let x = slot_centre(i);
        line(root, (x, PLOT_BOTTOM), (x, PLOT_BOTTOM + 4), AXIS)?;
        let label = day.date.format("%d.%m").to_string();
        text.draw(
            root,
            &label,
            (x, PLOT_BOTTOM + 8),
            TICK_SIZE,
            AXIS,
            centre_top,
        )?;
    }
    Ok(())
}

/// The distance between y-axis labels: 1, 2 or 5 times a power of ten, for at most 6 steps.
fn tick_step(peak: u32) -> u32 {
    let mut unit = 1u32;
    loop {
        for m in [1, 2, 5] {
            let step = unit.saturating_mul(m);
            if peak / step < 6 {
                return step;
            }
        }
        unit = unit.saturating_mul(10);
    }
}

fn line(
    root: &Area<'_>,
    from: (i32, i32),
    to: (i32, i32),
    colour: RGBColor,
) -> Result<(), ChartError> {
    root.draw(&PathElement::new(vec![from, to], colour))
        .map_err(err)
}

/// Lays text out one character at a time.
///
/// plotters' `ab_glyph` text puts each glyph's ink right at the pen position, dropping the glyph's
/// left side bearing; narrow glyphs such as "." end up glued to their left neighbour. Here each
/// character is drawn on its own, with its ink centred in its advance (ink measured once per
/// character and size); for most glyphs the two side bearings are close enough to equal.
#[derive(Default)]
struct Typesetter {
    /// (character, size in 1/64 px) → (advance, offset of the drawing position from the pen), px.
    metrics: HashMap<(char, u32), (f64, f64)>,
}

/// Sizes are measured at this many times, for sub-pixel advances.
const FINE: f64 = 64.0;

impl Typesetter {
    fn font(size: f64) -> FontDesc<'static> {
        FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Normal)
    }

    fn advance_of(text: &str, size: f64) -> Result<f64, ChartError> {
        let (w, _) = Self::font(size * FINE).box_size(text).map_err(err)?;
        Ok(f64::from(w) / FINE)
    }

    fn metrics(&mut self, c: char, size: f64) -> Result<(f64, f64), ChartError> {
        let key = (c, (size * FINE) as u32);
        if let Some(m) = self.metrics.get(&key) {
            return Ok(*m);
        }
        let mut buf = [0u8; 4];
        let s: &str = c.encode_utf8(&mut buf);
        let advance = Self::advance_of(s, size)?;
        // Where to put the pen so that the ink sits in the middle of the advance.
        let offset = match ink_extent(s, size)? {
            Some((left, width)) => (advance - width) / 2.0 - left,
            None => 0.0,
        };
        self.metrics.insert(key, (advance, offset));
        Ok((advance, offset))
    }

    /// The pen positions of the characters of `text`, from 0, and the width of the whole.
    fn layout(&mut self, text: &str, size: f64) -> Result<(Vec<(char, f64)>, f64), ChartError> {
        let mut out = Vec::with_capacity(text.len());
        let mut pen = 0.0;
        for c in text.chars() {
            let (advance, offset) = self.metrics(c, size)?;
            out.push((c, pen + offset));
            pen += advance;
        }
        Ok((out, pen))
    }

    fn width(&mut self, text: &str, size: f64) -> Result<f64, ChartError> {
        Ok(self.layout(text, size)?.1)
    }

    fn draw(
        &mut self,
        root: &Area<'_>,
        text: &str,
        (x, y): (i32, i32),
        size: f64,
        colour: RGBColor,
        anchor: Pos,
    ) -> Result<(), ChartError> {
        let (glyphs, width) = self.layout(text, size)?;
        let left = f64::from(x)
            - match anchor.h_pos {
                HPos::Left => 0.0,
                HPos::Center => width / 2.0,
                HPos::Right => width,
            };
        let style = TextStyle::from(Self::font(size))
            .color(&colour)
            .pos(Pos::new(HPos::Left, anchor.v_pos));
        let mut buf = [0u8; 4];
        for (c, at) in glyphs {
            if c.is_whitespace() {
                continue;
            }
            let s: &str = c.encode_utf8(&mut buf);
            let at = (left + at).round() as i32;
            root.draw(&Text::new(s, (at, y), style.clone()))
                .map_err(err)?;
        }
        Ok(())
    }
}

/// Where one character's ink lies when plotters draws it at x = 0: (left edge, width), px, to
/// within a fraction of a pixel; `None` for no ink.
fn ink_extent(c: &str, size: f64) -> Result<Option<(f64, f64)>, ChartError> {
    const PAD: i32 = 4;
    let side = (size * 2.0).ceil() as u32 + 2 * PAD as u32;
    let mut buf = vec![255u8; (side * side * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut buf, (side, side)).into_drawing_area();
        let style = TextStyle::from(Typesetter::font(size)).color(&BLACK);
        area.draw(&Text::new(c, (PAD, PAD), style)).map_err(err)?;
        area.present().map_err(err)?;
    }
    // The most a column is covered, 0..=1: at the ink's ends, how far into the pixel it reaches.
    let coverage = |x: u32| {
        let darkest = (0..side)
            .map(|y| buf[((y * side + x) * 3) as usize])
            .min()
            .unwrap_or(255);
        f64::from(255 - darkest) / 255.0
    };
    let first = (0..side).find(|&x| coverage(x) > 0.0);
    let last = (0..side).rev().find(|&x| coverage(x) > 0.0);
    Ok(first.zip(last).map(|(a, b)| {
        let left = f64::from(a) + 1.0 - coverage(a);
        let right = f64::from(b) + coverage(b);
        (left - f64::from(PAD), (right - left).max(0.0))
    }))
}

fn encode(rgb: &[u8]) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(err)?;
    writer.write_image_data(rgb).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels_ru() -> ChartLabels {
        ChartLabels {
            title: "Заявки по дням".into(),
            created: "Новые".into(),
            closed: "Закрыты".into(),
            cancelled: "Отменены".into(),
            still_open: "Ещё открыты".into(),
        }
    }

    /// 28 days from a Monday, with a made-up but plausible pattern.
    fn four_weeks() -> Vec<DayCounts> {
        let first = NaiveDate::from_ymd_opt(2026, 10, 26).unwrap();
        (0..28u32)
            .map(|i| {
                let created = 3 + (i * 7 % 11) + if i % 7 >= 5 { 0 } else { 4 };
                let cancelled = (i * 5 % 4).min(created);
                let still_open = if i >= 21 {
                    (28 - i).min(created - cancelled)
                } else {
                    0
                };
                DayCounts {
                    date: first + chrono::Days::new(u64::from(i)),
                    created,
                    closed: created - cancelled - still_open,
                    cancelled,
                    still_open,
                }
            })
            .collect()
    }

    fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut buf = vec![0; reader.output_buffer_size().expect("a sane size")];
        let info = reader.next_frame(&mut buf).expect("PNG image data");
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    fn has_colour(pixels: &[u8], c: RGBColor) -> bool {
        pixels.chunks_exact(3).any(|p| p == [c.0, c.1, c.2])
    }

    const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

    #[test]
    fn four_weeks_in_russian_is_a_png_of_the_right_size() {
        let png_bytes = render(&four_weeks(), &labels_ru()).unwrap();
        assert!(png_bytes.starts_with(&SIGNATURE));
        let (w, h, pixels) = decode(&png_bytes);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        for colour in [CREATED, CLOSED, CANCELLED, STILL_OPEN, WEEKEND] {
            assert!(has_colour(&pixels, colour), "no pixel of {colour:?}");
        }
        // For a look by eye; not part of the check.
        let _ = std::fs::write(std::env::temp_dir().join("chart-ru.png"), &png_bytes);
    }

    #[test]
    fn no_days_still_draw_title_legend_and_axes() {
        let png_bytes = render(&[], &labels_ru()).unwrap();
        assert!(png_bytes.starts_with(&SIGNATURE));
        let (w, h, pixels) = decode(&png_bytes);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        assert!(has_colour(&pixels, STILL_OPEN), "the legend is drawn");
    }

    #[test]
    fn long_texts_are_set_smaller_and_still_render() {
        let long = "Очень длинная подпись, которая не помещается ".repeat(4);
        let labels = ChartLabels {
            title: long.clone(),
            created: long.clone(),
            closed: long.clone(),
            cancelled: long.clone(),
            still_open: long,
        };
        decode(&render(&four_weeks(), &labels).unwrap());
    }

    #[test]
    fn all_zero_days_render() {
        let first = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let days: Vec<DayCounts> = (0..28)
            .map(|i| DayCounts {
                date: first + chrono::Days::new(i),
                ..DayCounts::default()
            })
            .collect();
        let png_bytes = render(&days, &labels_ru()).unwrap();
        assert!(png_bytes.starts_with(&SIGNATURE));
        let (w, h, _) = decode(&png_bytes);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        let _ = std::fs::write(std::env::temp_dir().join("chart-zero.png"), &png_bytes);
    }

    #[test]
    fn rendering_is_deterministic() {
        let days = four_weeks();
        let a = render(&days, &labels_ru()).unwrap();
        let b = render(&days, &labels_ru()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn one_day_and_many_big_days_render() {
        let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let one = [DayCounts {
            date: first,
            created: 1,
            ..DayCounts::default()
        }];
        decode(&render(&one, &labels_ru()).unwrap());
        let many: Vec<DayCounts> = (0..120)
            .map(|i| DayCounts {
                date: first + chrono::Days::new(i),
                created: 100_000,
                closed: 99_999,
                cancelled: 1,
                still_open: 0,
            })
            .collect();
        decode(&render(&many, &labels_ru()).unwrap());
    }

    #[test]
    fn y_steps_are_round() {
        assert_eq!(tick_step(0), 1);
        assert_eq!(tick_step(5), 1);
        assert_eq!(tick_step(6), 2);
        assert_eq!(tick_step(17), 5);
        assert_eq!(tick_step(29), 5);
        assert_eq!(tick_step(30), 10);
        assert_eq!(tick_step(u32::MAX), 1_000_000_000);
    }
}
