//! Authoring: `salesbook init` (a new data repository) and `salesbook new` (one
//! record, validated by the real loader and checks before it is written).
//!
//! - `init.rs` — the repository skeleton, from the files in `templates/`.
//! - `new.rs` — the `new` command: options, resolving names, validating, writing.
//! - `render.rs` — the text of a new record of each kind (pure).
//! - `ids.rs` — choosing a free id: lead numbering, slugs, numbered fallbacks.
//! - `resolve.rs` — names accepted where ids are (owners, channels, stages, customers).

pub mod init;
pub mod new;
pub mod render;
pub mod resolve;

use std::io::Write;
use std::path::Path;

pub use init::{InitArgs, InitOptions, InitReport, init};
pub use new::{NewArgs, NewKind};

/// Writes `text` to `path` atomically and only if `path` does not exist yet: the
/// text goes to a hidden temporary file in the same folder (ignored by the loader
/// should it be left behind), which is then linked to its final name — a link
/// fails when the name exists, so a concurrent writer is never overwritten.
pub fn write_new_file(path: &Path, text: &str) -> std::io::Result<()> {
    let (mut f, tmp) = crate::atomic::temp_beside(path, ".tmp")?;
    let result = (|| {
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
            // File systems without hard links: check, then rename (a small window).
            Err(_) if path.exists() => Err(already_exists(path)),
            Err(_) => std::fs::rename(&tmp, path),
        }
    })();
    drop(f);
    drop(tmp); // removes the temporary name (the link keeps the file)
    result.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            already_exists(path)
        } else {
            e
        }
    })
}

fn already_exists(path: &Path) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("`{}` already exists", path.display()),
    )
}

/// Today in the team's time zone.
pub fn today(tz: chrono_tz::Tz) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&tz).date_naive()
}

#[cfg(test)]
mod tests {
    use super::write_new_file;

    #[test]
    fn writes_once_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("leads/LX001.toml");
        write_new_file(&path, "a").unwrap();
        let err = write_new_file(&path, "b").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a");
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("leads"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec!["LX001.toml"]);
    }
}
