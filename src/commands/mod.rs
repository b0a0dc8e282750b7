//! What each subcommand does, behind the thin `main`: plan → run → files and exit code.
//!
//! Exit codes are the contract scripts rely on: [`SUCCESS`] 0, [`FAILED`] 1 (the run could not be
//! completed or written, an expectation of `check` did not hold, or `diff` found a significant
//! regression), [`BAD_INPUT`] 2 (a scenario or a command line that cannot be run; nothing is
//! written).

mod diff;
mod finish;
mod fit;
mod merge;
mod progress;
mod report;
mod run;
mod study;
mod tools;
mod uncertain;

pub use diff::diff;
pub use fit::fit;
pub use merge::merge;
pub use report::report;
pub use run::{check, execute, run};
pub use study::{compare, sensitivity, solve, sweep};
pub use tools::{experiment, metrics, regions, trace, validate};

use std::process::ExitCode;

/// Exit code 0: done.
pub const SUCCESS: u8 = 0;
/// Exit code 1: the run failed, or an expectation did not hold.
pub const FAILED: u8 = 1;
/// Exit code 2: bad input (scenario, command line); nothing was written.
pub const BAD_INPUT: u8 = 2;

/// A failure that has been reported on stderr already, with its exit code ([`FAILED`], or
/// [`BAD_INPUT`] for a scenario found unrunnable while it ran, such as one past its event budget).
#[derive(Debug)]
pub struct Reported(pub u8);

/// Prints `label: text` on stderr with the control characters of `text` escaped (see
/// [`printable`]): every message of the commands that may hold user text (a path, a name, a
/// value) goes out through here or [`bad_input`] and [`failed`].
pub(crate) fn say(label: &str, text: impl std::fmt::Display) {
    eprintln!("{label}: {}", printable(&text.to_string()));
}

/// Prints `text` on stdout with its control characters escaped (a line naming a path).
pub(crate) fn show(text: impl std::fmt::Display) {
    println!("{}", printable(&text.to_string()));
}

/// Reports bad input on stderr: exit code 2.
pub fn bad_input(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {}", printable(&e.to_string()));
    ExitCode::from(BAD_INPUT)
}

/// Reports a failure on stderr: exit code 1.
pub fn failed(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {}", printable(&e.to_string()));
    ExitCode::from(FAILED)
}

/// `text` with its control characters escaped (`\u{1b}`, `\t`, …, as `char::escape_debug`
/// writes them; line breaks kept), so that user text printed on a terminal cannot move the
/// cursor, rewrite earlier lines or change colours.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod printable_tests {
    #[test]
    fn control_characters_are_escaped_and_line_breaks_kept() {
        assert_eq!(super::printable("a\u{1b}[2Jb\tc\rd\ne"), "a\\u{1b}[2Jb\\tc\\rd\ne");
        assert_eq!(super::printable("plain é"), "plain é");
    }
}
