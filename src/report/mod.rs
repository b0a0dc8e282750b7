//! Outputs: pure serializers (CSV rows, terminal tables, charts, figures, HTML/Markdown
//! documents) that turn finished results into bytes.

pub mod charts;
pub mod document;
mod draws;
pub mod figures;
pub mod metrics;
pub mod numbers;
mod rows;
mod table;
mod uncertainty;
mod verdicts;

pub use draws::draws_csv;
pub use rows::{INCIDENT_HEADER, csv_cell, incident_row, replication_header, replication_row};
pub use table::render as render_table;
pub(crate) use uncertainty::key_metrics;
pub use verdicts::{render as render_verdicts, to_json as verdicts_json};
