//! Saving a produced file (an export, an import report) into a folder the user sees — the app's
//! "Save" on desktop, where a web view's `<a download>` has no download manager behind it. The
//! shell picks the folder (the user's Downloads); this writes the file without ever replacing one:
//! `clients.xlsx`, then `clients (1).xlsx`, … and never leaves a half-written file under the final
//! name (written to a hidden `.part` file first, then renamed).

use base64::Engine;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file could not be saved. Codes for the UI: `save_failed`, `bad_request`.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("the file's contents are not valid base64")]
    BadData,
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl SaveError {
    pub fn code(&self) -> &'static str {
        match self {
            SaveError::BadData => "bad_request",
            SaveError::Io { .. } => "save_failed",
        }
    }
}

/// A file name safe in any folder: no path separators or control characters, not empty, not
/// hidden, at most 120 characters.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let mut out: String = trimmed.chars().take(120).collect();
    if out.is_empty() {
        out = "clientbase-export".into();
    }
    out
}

/// Writes `data_base64` (decoded) to a new file named after `file_name` in `dir` (created when
/// missing) and returns its path.
pub fn save_unique(dir: &Path, file_name: &str, data_base64: &str) -> Result<PathBuf, SaveError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data_base64.trim())
        .map_err(|_| SaveError::BadData)?;
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| SaveError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let name = safe_file_name(file_name);
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name.as_str(), ""),
    };
    let part = dir.join(format!(".{name}.{}.part", std::process::id()));
    {
        let mut f = std::fs::File::create(&part).map_err(io(&part))?;
        f.write_all(&bytes).map_err(io(&part))?;
        f.sync_all().map_err(io(&part))?;
    }
    for n in 0..10_000u32 {
        let candidate = if n == 0 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        // A hard link fails when the name exists: no check-then-write race with another save.
        match std::fs::hard_link(&part, &candidate) {
            Ok(()) => {
                let _ = std::fs::remove_file(&part);
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                return Err(io(&candidate)(e));
            }
        }
    }
    let _ = std::fs::remove_file(&part);
    Err(io(dir)(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "no free file name",
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn saves_without_replacing_and_without_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("Downloads");
        let a = save_unique(&sub, "clients 2026-11-24.csv", &b64(b"one")).unwrap();
        let b = save_unique(&sub, "clients 2026-11-24.csv", &b64(b"two")).unwrap();
        let c = save_unique(&sub, "clients 2026-11-24.csv", &b64(b"three")).unwrap();
        assert_eq!(a, sub.join("clients 2026-11-24.csv"));
        assert_eq!(b, sub.join("clients 2026-11-24 (1).csv"));
        assert_eq!(c, sub.join("clients 2026-11-24 (2).csv"));
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
        assert_eq!(std::fs::read(&c).unwrap(), b"three");
        let names: Vec<String> = std::fs::read_dir(&sub)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
    }

    #[test]
    fn names_cannot_leave_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let p = save_unique(dir.path(), "../../etc/passwd", &b64(b"x")).unwrap();
        assert_eq!(p.parent().unwrap(), dir.path());
        assert_eq!(safe_file_name("../x.csv"), "_x.csv");
        assert_eq!(safe_file_name("..."), "clientbase-export");
        assert_eq!(safe_file_name(".hidden"), "hidden");
        assert_eq!(safe_file_name("a\nb"), "a_b");
        let p = save_unique(dir.path(), "", &b64(b"x")).unwrap();
        assert_eq!(p.file_name().unwrap(), "clientbase-export");
    }

    #[test]
    fn bad_data_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let e = save_unique(dir.path(), "a.csv", "not base64 !!").unwrap_err();
        assert_eq!(e.code(), "bad_request");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
