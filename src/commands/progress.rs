//! The one progress bar, with an ETA, on stderr — only when stderr is a terminal (never in logs
//! or CI) and the command is not quiet. It counts replications of a run or runs of a study.
//!
//! The bar is painted by its own thread from a counter the work bumps (the runner after every
//! chunk), so it costs the simulation nothing but one relaxed atomic add per chunk.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// What a bar counts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Unit {
    /// Replications of one run.
    Replications,
    /// Runs of a study.
    Runs,
}

impl Unit {
    fn template(self) -> &'static str {
        match self {
            Unit::Replications => {
                "{spinner} [{bar:40}] {human_pos}/{human_len} replications  {elapsed} elapsed, ETA {eta}"
            }
            Unit::Runs => "{spinner} [{bar:40}] {pos}/{len} runs  {elapsed} elapsed, ETA {eta}",
        }
    }
}

/// A running progress display; [`Progress::finish`] (or dropping it) clears it.
pub(crate) struct Progress {
    done: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    painter: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts a display of `total` units (of which `already` are done), if stderr is a terminal
    /// and `quiet` is off.
    pub(crate) fn start(unit: Unit, total: u64, already: u64, quiet: bool) -> Progress {
        let done = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let painter = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(unit.template())
                    .expect("valid progress template")
                    .progress_chars("=> "),
            );
            bar.set_position(already);
            bar.reset_eta();
            let (done, stop) = (done.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    bar.set_position(already + done.load(Ordering::Relaxed));
                    std::thread::sleep(Duration::from_millis(100));
                }
                bar.finish_and_clear();
            })
        });
        Progress { done, stop, painter }
    }

    /// The counter for [`crate::montecarlo::RunOptions::progress`]; `None` when nothing is shown.
    pub(crate) fn counter(&self) -> Option<Arc<AtomicU64>> {
        self.painter.as_ref().map(|_| self.done.clone())
    }

    /// Sets the units done since the start (for work that reports totals, like a study's runs).
    pub(crate) fn set(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    /// Clears the display.
    pub(crate) fn finish(mut self) {
        self.stop_painter();
    }

    fn stop_painter(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(p) = self.painter.take() {
            let _ = p.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_painter();
    }
}
