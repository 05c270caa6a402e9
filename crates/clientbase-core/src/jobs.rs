//! Long-running work on a thread of its own, polled by the UI: an import (see
//! `clientbase_import::commands::import_start`). The registry lives in [`crate::api::App`]; a
//! job reports its phase and progress through a [`JobContext`], which also tells it when the user
//! cancelled. One import runs at a time; the last few finished ones stay for their summary.

use crate::error::ApiError;
use crate::model::{ImportPhase, ImportSummary};
use crate::store::import::ImportProgress;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use ts_rs::TS;

/// Rows of a summary in one answer (the IPC page limit).
pub const SUMMARY_ROWS: usize = 1000;
/// Finished jobs kept for their summary.
const KEEP_FINISHED: usize = 4;

/// Where an import job is, for the progress bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportJobStatus {
    pub job: u32,
    pub phase: ImportPhase,
    /// Progress within the phase (`checking` counts two steps per row: validated, compared).
    pub done: u32,
    pub total: u32,
    /// Of the current phase (the whole import's once finished).
    pub rows_per_second: f64,
    pub elapsed_ms: f64,
    /// `done`, `failed` or `cancelled`.
    pub finished: bool,
    /// Once done (at most 1,000 `results`: see `results_total`).
    #[ts(optional)]
    pub summary: Option<ImportSummary>,
    /// Once failed or cancelled (`cancelled`: nothing was written).
    #[ts(optional)]
    pub error: Option<ApiError>,
}

struct Status {
    phase: ImportPhase,
    done: usize,
    total: usize,
    started: Instant,
    phase_started: Instant,
    finished: Option<Instant>,
    summary: Option<ImportSummary>,
    error: Option<ApiError>,
}

struct Shared {
    cancel: AtomicBool,
    status: Mutex<Status>,
}

impl Shared {
    fn status(&self) -> std::sync::MutexGuard<'_, Status> {
        self.status.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What a job's thread reports through.
pub struct JobContext {
    shared: Arc<Shared>,
}

impl JobContext {
    /// Reports progress; false once the user has cancelled (the job then stops: a store import
    /// returns `cancelled` and rolls back).
    pub fn progress(&self, p: ImportProgress) -> bool {
        {
            let mut s = self.shared.status();
            if s.phase != p.phase {
                s.phase = p.phase;
                s.phase_started = Instant::now();
            }
            s.done = p.done;
            s.total = p.total;
        }
        !self.cancelled()
    }

    /// Enters `phase` (no count yet); false once cancelled.
    pub fn phase(&self, phase: ImportPhase) -> bool {
        self.progress(ImportProgress {
            phase,
            done: 0,
            total: 0,
        })
    }

    pub fn cancelled(&self) -> bool {
        self.shared.cancel.load(Ordering::Relaxed)
    }
}

struct Job {
    shared: Arc<Shared>,
    handle: Option<std::thread::JoinHandle<()>>,
}

/// The jobs of an [`crate::api::App`].
#[derive(Default)]
pub struct Jobs {
    next: u32,
    jobs: BTreeMap<u32, Job>,
}

impl Jobs {
    /// Whether a job is still running.
    pub fn running(&self) -> bool {
        self.jobs
            .values()
            .any(|j| j.shared.status().finished.is_none())
    }

    /// Runs `work` on a new thread as import job; its result becomes the job's summary or error.
    /// Refused with `busy` while another import runs.
    pub fn start_import<F>(&mut self, work: F) -> Result<u32, ApiError>
    where
        F: FnOnce(&JobContext) -> Result<ImportSummary, ApiError> + Send + 'static,
    {
        if self.running() {
            return Err(ApiError::new("busy", "an import is already running"));
        }
        let finished: Vec<u32> = self.jobs.keys().copied().collect();
        for id in finished
            .iter()
            .take(finished.len().saturating_sub(KEEP_FINISHED - 1))
        {
            self.jobs.remove(id);
        }
        self.next += 1;
        let id = self.next;
        let now = Instant::now();
        let shared = Arc::new(Shared {
            cancel: AtomicBool::new(false),
            status: Mutex::new(Status {
                phase: ImportPhase::Reading,
                done: 0,
                total: 0,
                started: now,
                phase_started: now,
                finished: None,
                summary: None,
                error: None,
            }),
        });
        let ctx = JobContext {
            shared: Arc::clone(&shared),
        };
        let handle = std::thread::Builder::new()
            .name(format!("import-{id}"))
            .spawn(move || {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&ctx)))
                    .unwrap_or_else(|_| Err(ApiError::new("internal", "the import panicked")));
                let mut s = ctx.shared.status();
                s.finished = Some(Instant::now());
                match r {
                    Ok(summary) => {
                        s.phase = ImportPhase::Done;
                        s.done = summary.rows as usize;
                        s.total = summary.rows as usize;
                        s.summary = Some(summary);
                    }
                    Err(e) => {
                        s.phase = if e.code == "cancelled" {
                            ImportPhase::Cancelled
                        } else {
                            ImportPhase::Failed
                        };
                        s.error = Some(e);
                    }
                }
            })
            .map_err(|e| ApiError::new("internal", format!("cannot start the import: {e}")))?;
        self.jobs.insert(
            id,
            Job {
                shared,
                handle: Some(handle),
            },
        );
        Ok(id)
    }

    fn job(&self, id: u32) -> Result<&Job, ApiError> {
        self.jobs
            .get(&id)
            .ok_or_else(|| ApiError::new("not_found", format!("no job {id}")))
    }

    /// The job's status; a summary carries at most [`SUMMARY_ROWS`] results.
    pub fn status(&self, id: u32) -> Result<ImportJobStatus, ApiError> {
        let s = self.job(id)?.shared.status();
        let end = s.finished.unwrap_or_else(Instant::now);
        let elapsed = end.duration_since(s.started).as_secs_f64();
        let rows_per_second = match (&s.summary, s.finished) {
            (Some(sum), Some(_)) if elapsed > 0.0 => sum.rows as f64 / elapsed,
            _ => {
                let t = end.duration_since(s.phase_started).as_secs_f64();
                if t > 0.0 {
                    s.done as f64 / t
                } else {
                    0.0
                }
            }
        };
        Ok(ImportJobStatus {
            job: id,
            phase: s.phase,
            done: s.done as u32,
            total: s.total as u32,
            rows_per_second,
            elapsed_ms: elapsed * 1000.0,
            finished: s.finished.is_some(),
            summary: s.summary.as_ref().map(|sum| {
                let mut sum = sum.clone();
                sum.results.truncate(SUMMARY_ROWS);
                sum
            }),
            error: s.error.clone(),
        })
    }

    /// The whole summary of a finished job (every result).
    pub fn summary(&self, id: u32) -> Result<ImportSummary, ApiError> {
        let s = self.job(id)?.shared.status();
        match (&s.summary, &s.error) {
            (Some(sum), _) => Ok(sum.clone()),
            (None, Some(e)) => Err(e.clone()),
            (None, None) => Err(ApiError::new("busy", "the import is still running")),
        }
    }

    /// Asks the job to stop; returns its status (it becomes `cancelled` once it has rolled back,
    /// unless it had already committed).
    pub fn cancel(&self, id: u32) -> Result<ImportJobStatus, ApiError> {
        self.job(id)?.shared.cancel.store(true, Ordering::Relaxed);
        self.status(id)
    }

    /// Waits for the job's thread to end (tests, the CLI).
    pub fn wait(&mut self, id: u32) -> Result<ImportJobStatus, ApiError> {
        let handle = self
            .jobs
            .get_mut(&id)
            .ok_or_else(|| ApiError::new("not_found", format!("no job {id}")))?
            .handle
            .take();
        if let Some(h) = handle {
            let _ = h.join();
        }
        self.status(id)
    }
}
