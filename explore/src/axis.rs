//! One axis of a space file: a list of values, a single value, or a range `{ from, to, step }`.
//! Expanding an axis is the only place ranges are turned into values, so every axis accepts the
//! same spellings and reports bad ones the same way (by field name).

use crate::error::{ExploreError, Result};
use serde::Deserialize;
use std::str::FromStr;

/// How an axis is written in the space file.
#[derive(Clone, Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "a list of values, a single value, or a range table { from = A, to = B, step = S }"
)]
pub enum Axis<T> {
    List(Vec<T>),
    One(T),
    Range(RangeSpec),
}

/// An inclusive range: `from`, `from + step`, ... up to and including `to` (when reached).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeSpec {
    pub from: f64,
    pub to: f64,
    #[serde(default = "one")]
    pub step: f64,
}

fn one() -> f64 {
    1.0
}

/// Largest number of values one range may produce (a typo such as `step = 0.001` would
/// otherwise enumerate millions of points).
const MAX_RANGE_VALUES: usize = 10_000;

/// Where an axis came from, for error messages.
#[derive(Clone, Copy)]
pub struct Field<'a> {
    pub origin: &'a str,
    pub name: &'a str,
}

impl Field<'_> {
    /// An error about this field.
    pub fn error(&self, value: impl ToString, reason: impl Into<String>) -> ExploreError {
        ExploreError::Space {
            origin: self.origin.to_string(),
            field: self.name.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

impl RangeSpec {
    /// The range's values, checked: finite, `step > 0`, `from <= to`, not too many.
    pub fn values(&self, f: Field) -> Result<Vec<f64>> {
        let shown = format!(
            "{{ from = {}, to = {}, step = {} }}",
            self.from, self.to, self.step
        );
        if !(self.from.is_finite() && self.to.is_finite() && self.step.is_finite()) {
            return Err(f.error(shown, "range bounds and step must be finite numbers"));
        }
        if self.step <= 0.0 {
            return Err(f.error(shown, "step must be above 0"));
        }
        if self.from > self.to {
            return Err(f.error(shown, "from must not exceed to"));
        }
        let count = ((self.to - self.from) / self.step + 1e-9).floor() as usize + 1;
        if count > MAX_RANGE_VALUES {
            return Err(f.error(
                shown,
                format!("the range has {count} values, at most {MAX_RANGE_VALUES} are allowed"),
            ));
        }
        // Multiplying (not accumulating) keeps float ranges free of drift.
        Ok((0..count)
            .map(|k| self.from + k as f64 * self.step)
            .collect())
    }
}

impl<T: Clone> Axis<T> {
    /// The values of a list or single value; ranges go through `from_range`.
    fn expand_with(&self, f: Field, from_range: impl Fn(f64) -> Result<T>) -> Result<Vec<T>> {
        let v = match self {
            Axis::List(v) => v.clone(),
            Axis::One(x) => vec![x.clone()],
            Axis::Range(r) => r
                .values(f)?
                .into_iter()
                .map(from_range)
                .collect::<Result<_>>()?,
        };
        if v.is_empty() {
            return Err(f.error("[]", "an axis needs at least one value"));
        }
        Ok(v)
    }
}

impl Axis<u64> {
    /// Integer values; range bounds must be whole numbers.
    pub fn integers(&self, f: Field) -> Result<Vec<u64>> {
        self.expand_with(f, |x| {
            if x.fract() != 0.0 || x < 0.0 {
                Err(f.error(x, "an integer axis takes whole, non-negative numbers"))
            } else {
                Ok(x as u64)
            }
        })
    }
}

impl Axis<f64> {
    /// Real values, each finite.
    pub fn reals(&self, f: Field) -> Result<Vec<f64>> {
        let v = self.expand_with(f, Ok)?;
        if let Some(x) = v.iter().find(|x| !x.is_finite()) {
            return Err(f.error(x, "values must be finite"));
        }
        Ok(v)
    }
}

impl Axis<String> {
    /// Names parsed by `T::from_str`; a range gives `prefix{n}` (e.g. `w2` .. `w16`).
    pub fn parsed<T: FromStr>(&self, f: Field, range_prefix: Option<&str>) -> Result<Vec<T>>
    where
        T::Err: std::fmt::Display,
    {
        let names = self.expand_with(f, |x| match range_prefix {
            Some(p) if x.fract() == 0.0 && x >= 0.0 => Ok(format!("{p}{}", x as u64)),
            _ => Err(f.error(x, "this axis takes names, not a numeric range")),
        })?;
        names
            .iter()
            .map(|n| T::from_str(n).map_err(|e| f.error(format!("\"{n}\""), e.to_string())))
            .collect()
    }

    /// The names as written (no parsing).
    pub fn names(&self, f: Field) -> Result<Vec<String>> {
        self.expand_with(f, |x| {
            Err(f.error(x, "this axis takes names, not a numeric range"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: Field = Field {
        origin: "t.toml",
        name: "network.neurons",
    };

    #[test]
    fn ranges_include_the_end_and_reject_bad_steps() {
        let r: Axis<u64> =
            toml::from_str::<toml::Table>("a = { from = 100, to = 400, step = 100 }").unwrap()["a"]
                .clone()
                .try_into()
                .unwrap();
        assert_eq!(r.integers(F).unwrap(), vec![100, 200, 300, 400]);
        let bad = RangeSpec {
            from: 1.0,
            to: 2.0,
            step: 0.0,
        };
        let e = bad.values(F).unwrap_err().to_string();
        assert!(e.contains("network.neurons") && e.contains("step"), "{e}");
        let rev = RangeSpec {
            from: 3.0,
            to: 2.0,
            step: 1.0,
        };
        assert!(rev.values(F).is_err());
    }

    #[test]
    fn precision_ranges_make_names() {
        let a: Axis<String> = Axis::Range(RangeSpec {
            from: 2.0,
            to: 6.0,
            step: 2.0,
        });
        let v: Vec<fspinn_model::precision::Precision> = a.parsed(F, Some("w")).unwrap();
        let names: Vec<String> = v.iter().map(|p| p.to_string()).collect();
        assert_eq!(names, ["w2", "w4", "w6"]);
        let bad: Axis<String> = Axis::List(vec!["w40".into()]);
        let e = bad
            .parsed::<fspinn_model::precision::Precision>(F, Some("w"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("w40") && e.contains("between 2 and 16"), "{e}");
        assert!(Axis::<u64>::List(vec![]).integers(F).is_err());
    }
}
