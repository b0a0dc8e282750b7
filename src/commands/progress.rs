//! A progress bar with an ETA on stderr for long runs — only when stderr is a terminal (never in
//! logs or CI) and the run is not quiet. It reads a counter the runner bumps after every chunk,
//! so it costs the simulation nothing but one relaxed atomic add per 64 replications.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// A running progress display; [`Progress::finish`] clears it.
pub(crate) struct Progress {
    done: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    painter: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts a display of `total` replications (of which `already` are done), if stderr is a
    /// terminal and `quiet` is off.
    pub(crate) fn start(total: u64, already: u64, quiet: bool) -> Progress {
        let done = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let painter = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{bar:40}] {human_pos}/{human_len} replications  {elapsed} elapsed, ETA {eta}",
                )
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
