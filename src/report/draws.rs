//! `draws.csv` of a two-level run: one row per evaluated parameter set — its number, its matrix
//! in the design, the value drawn for every uncertain parameter, and chosen metrics there.

use crate::montecarlo::uncertainty::{Design, Role, UncertainRun};
use crate::scenario::Plan;
use crate::scenario::uncertainty::Mode;

/// The CSV, with the metrics at `paths` (those the catalogue has) as columns.
pub fn draws_csv(plan: &Plan, design: &Design, run: &UncertainRun, paths: &[String]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let columns: Vec<(usize, &str)> = paths
        .iter()
        .filter_map(|p| Some((run.metrics.iter().position(|d| &d.path == p)?, p.as_str())))
        .collect();
    let mut header = vec!["draw".to_string(), "matrix".to_string()];
    if let Some(u) = plan.uncertainty() {
        for p in &u.parameters {
            let mode = match p.mode {
                Mode::Factor => "factor",
                Mode::Value => "value",
            };
            header.push(format!("{} ({mode})", p.parameter));
        }
    }
    header.extend(columns.iter().map(|(_, p)| p.to_string()));
    write(&mut w, header);
    for e in &run.evaluations {
        let matrix = match design.role(e.index).0 {
            Role::A => "A".to_string(),
            Role::B => "B".to_string(),
            Role::AB(i) => format!("AB{}", i + 1),
        };
        let mut row = vec![e.index.to_string(), matrix];
        row.extend(e.x.iter().map(f64::to_string));
        row.extend(
            columns
                .iter()
                .map(|(m, _)| e.values[*m].map_or_else(String::new, |v| v.value.to_string())),
        );
        write(&mut w, row);
    }
    w.into_inner().expect("in-memory CSV")
}

fn write(w: &mut csv::Writer<Vec<u8>>, row: Vec<String>) {
    w.write_record(row.iter().map(|c| super::csv_cell(c.as_bytes())))
        .expect("in-memory CSV");
}
