//! Slow-statement log: every statement that takes longer than `PLAZA_SLOW_QUERY_MS` is written
//! to the log at WARN with its SQL (never its bound values, which may hold tokens or text a
//! member typed) and its duration, so a page that walks an index it should not shows up in
//! production logs rather than only in a profiler.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};

/// Milliseconds; 0 turns the log off. Set once at start from the settings.
static THRESHOLD_MS: AtomicU64 = AtomicU64::new(0);

pub fn set_threshold(ms: u64) {
    THRESHOLD_MS.store(ms, Ordering::Relaxed);
}

/// The instrumentation for a new connection, or none when the log is off.
pub fn instrumentation() -> Option<SlowLog> {
    match THRESHOLD_MS.load(Ordering::Relaxed) {
        0 => None,
        ms => Some(SlowLog { threshold: Duration::from_millis(ms), started: None }),
    }
}

pub struct SlowLog {
    threshold: Duration,
    started: Option<Instant>,
}

impl Instrumentation for SlowLog {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => self.started = Some(Instant::now()),
            InstrumentationEvent::FinishQuery { query, error, .. } => {
                let Some(started) = self.started.take() else { return };
                let took = started.elapsed();
                if took >= self.threshold {
                    let text = query.to_string();
                    tracing::warn!(
                        ms = took.as_millis() as u64,
                        failed = error.is_some(),
                        sql = %sql_only(&text),
                        "slow statement"
                    );
                }
            }
            _ => {}
        }
    }
}

/// Diesel prints a query as `SQL -- binds: [...]`; the log keeps the SQL, on one line, cut at
/// 2,000 characters (a migration script is a whole file).
fn sql_only(text: &str) -> String {
    let sql = text.split(" -- binds:").next().unwrap_or(text);
    let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(2_000) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_values_are_left_out() {
        assert_eq!(
            sql_only("SELECT 1 FROM sessions WHERE token = ? -- binds: [\"secret\"]"),
            "SELECT 1 FROM sessions WHERE token = ?"
        );
        assert_eq!(sql_only("SELECT 1"), "SELECT 1");
    }
}
