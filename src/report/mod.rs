//! Outputs: pure serializers (summary JSON, CSV rows, terminal table, charts) and one writer of files.

pub mod charts;
mod distributions;
pub mod document;
mod importance;
mod rows;
mod summary;
mod table;
mod writer;

pub use distributions::{Distributions, Family};
pub use importance::{ImportancePlane, ImportanceSamplingSummary};
pub use rows::{INCIDENT_HEADER, disaster_rows, incident_row, replication_header, replication_row};
pub use summary::{
    AvailabilitySection, ClientsSummary, DisasterPlane, FeatureFailures, NamedAvailability, PlaneIncidents,
    RegionDisasterSummary, ScenarioInfo, StatusCount, Stopping, Summary, ToolInfo,
};
pub use table::render as render_table;
pub use writer::{CHECKPOINT, Checkpoint, INCOMPLETE_MARKER, ResultsWriter};
