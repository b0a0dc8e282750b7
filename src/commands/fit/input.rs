//! Reading the observations of `fit` from a CSV file: the column, its cells, the censoring flags.
//! Every error names the file, line and field (`file:line:field`), the column and what is
//! allowed.

use crate::cli::FitUnit;
use crate::engine::duration::parse_duration;
use crate::stats::fit::Observation;
use std::path::Path;

/// The values read, and where from.
pub(super) struct Sample {
    /// The observations, seconds.
    pub obs: Vec<Observation>,
    /// The column of values.
    pub column: String,
    /// The column of censoring flags, if any.
    pub censored_column: Option<String>,
}

/// Reads the observations of `column` (default: the only column other than `censored`'s).
pub(super) fn read(path: &Path, column: Option<&str>, censored: Option<&str>, unit: FitUnit) -> Result<Sample, String> {
    let file = path.display();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| format!("cannot read {file}: {e}"))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{file}: {e}"))?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(format!(
            "{file} is empty: fit needs a header row naming the columns, then one value per row"
        ));
    }
    if headers.iter().all(|h| value_secs(h, unit).is_ok()) {
        return Err(format!(
            "{file}:1: the first row ({}) holds values, not column names: fit needs a header row \
             naming the columns (e.g. `duration,open`)",
            headers.join(", ")
        ));
    }
    let censored_index = censored.map(|c| find(&headers, c, "--censored", &file)).transpose()?;
    let index = match column {
        Some(c) => find(&headers, c, "--column", &file)?,
        None => {
            let candidates: Vec<usize> = (0..headers.len()).filter(|i| Some(*i) != censored_index).collect();
            match candidates[..] {
                [only] => only,
                _ => {
                    return Err(format!(
                        "{file} has {} columns ({}): say which holds the durations with --column",
                        headers.len(),
                        headers.join(", ")
                    ));
                }
            }
        }
    };
    if Some(index) == censored_index {
        return Err(format!(
            "--column and --censored name the same column \"{}\"",
            headers[index]
        ));
    }
    let mut obs = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths {
                pos: Some(pos),
                expected_len,
                len,
            } => format!(
                "{file}:{}: {len} field(s), but the header row has {expected_len}: every row needs one \
                 field per column",
                pos.line()
            ),
            _ => format!("{file}: {e}"),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let at = |i: usize| format!("{file}:{line}:{}: column \"{}\"", i + 1, headers[i]);
        let cell = record.get(index).unwrap_or("");
        let value = value_secs(cell, unit).map_err(|why| {
            format!(
                "{}: {why}; expected a duration such as \"4.5h\" or \"1h30m\", or a plain number of \
                 {} (--unit), greater than 0",
                at(index),
                unit_name(unit)
            )
        })?;
        let censored = match censored_index {
            Some(ci) => flag(record.get(ci).unwrap_or("")).ok_or_else(|| {
                format!(
                    "{}: \"{}\" is not a censoring flag; expected 1, true or yes (the value is a \
                     lower bound: the duration had not ended) or 0, false or no",
                    at(ci),
                    record.get(ci).unwrap_or("")
                )
            })?,
            None => false,
        };
        obs.push(Observation { value, censored });
    }
    Ok(Sample {
        obs,
        column: headers[index].clone(),
        censored_column: censored_index.map(|i| headers[i].clone()),
    })
}

/// The index of column `name`, or an error listing the columns (with a "did you mean").
fn find(headers: &[String], name: &str, option: &str, file: &impl std::fmt::Display) -> Result<usize, String> {
    match headers.iter().filter(|h| *h == name).count() {
        1 => return Ok(headers.iter().position(|h| h == name).expect("counted")),
        0 => {}
        n => {
            return Err(format!(
                "{file}: {n} columns are named \"{name}\" ({option}); rename all but one"
            ));
        }
    }
    let guess = headers
        .iter()
        .map(|h| (strsim::jaro_winkler(&name.to_lowercase(), &h.to_lowercase()), h))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(String::new(), |(_, h)| format!("; did you mean \"{h}\"?"));
    Err(format!(
        "{file} has no column \"{name}\" ({option}){guess}; its columns are: {}",
        headers.join(", ")
    ))
}

/// A cell's value in seconds: a duration with its unit, or a plain number in `unit`; finite and
/// greater than 0.
fn value_secs(cell: &str, unit: FitUnit) -> Result<f64, String> {
    if cell.is_empty() {
        return Err("empty cell".into());
    }
    let secs = match cell.parse::<f64>() {
        Ok(x) => x * unit.seconds(),
        Err(_) if cell.starts_with('-') => return Err(format!("\"{cell}\" is negative")),
        Err(_) => parse_duration(cell)
            .map_err(|_| format!("\"{cell}\" is not a duration"))?
            .as_secs_f64(),
    };
    if !secs.is_finite() {
        return Err(format!("\"{cell}\" is not a finite number"));
    }
    if secs < 0.0 {
        return Err(format!("\"{cell}\" is negative"));
    }
    if secs == 0.0 {
        return Err(format!("\"{cell}\" is zero"));
    }
    Ok(secs)
}

/// A censoring flag: 1/true/yes → censored, 0/false/no → not (any case).
fn flag(cell: &str) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

/// The unit's name, for messages.
pub(super) fn unit_name(unit: FitUnit) -> &'static str {
    match unit {
        FitUnit::S => "seconds",
        FitUnit::M => "minutes",
        FitUnit::H => "hours",
        FitUnit::D => "days",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cells_read_as_durations_or_numbers_in_the_unit() {
        assert_eq!(value_secs("1.5", FitUnit::H), Ok(5400.0));
        assert_eq!(value_secs("90", FitUnit::M), Ok(5400.0));
        assert_eq!(value_secs("1h30m", FitUnit::D), Ok(5400.0));
        assert!(value_secs("-2", FitUnit::H).unwrap_err().contains("negative"));
        assert!(value_secs("-2h", FitUnit::H).unwrap_err().contains("negative"));
        assert!(value_secs("0s", FitUnit::H).unwrap_err().contains("zero"));
        assert!(value_secs("0", FitUnit::H).unwrap_err().contains("zero"));
        assert!(value_secs("inf", FitUnit::H).unwrap_err().contains("finite"));
        assert!(value_secs("NaN", FitUnit::H).unwrap_err().contains("finite"));
        assert!(value_secs("soon", FitUnit::H).unwrap_err().contains("not a duration"));
        assert_eq!(flag("Yes"), Some(true));
        assert_eq!(flag("0"), Some(false));
        assert_eq!(flag("open"), None);
    }
}
