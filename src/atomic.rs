//! Files written whole or not at all, never through a name someone else chose:
//! every temporary file is made beside its target under a fresh random hidden
//! name with `O_CREAT | O_EXCL` (the `tempfile` crate), which fails on any
//! existing entry — a symlink planted in a repository at a name salesbook
//! would use is never followed — and is renamed over the target when complete.

use std::fs::File;
use std::io;
use std::path::Path;

pub use tempfile::TempPath;

/// A new, empty temporary file in `path`'s folder (created if missing), named
/// `.<file name>.<random><suffix>`; removed when the `TempPath` is dropped
/// unless persisted.
pub fn temp_beside(path: &Path, suffix: &str) -> io::Result<(File, TempPath)> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or("file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(suffix)
        .tempfile_in(dir)?;
    Ok(tmp.into_parts())
}

/// Writes `bytes` to `path` through [`temp_beside`] and a rename.
pub fn write(path: &Path, bytes: &[u8], suffix: &str) -> io::Result<()> {
    use std::io::Write as _;
    let (mut file, tmp) = temp_beside(path, suffix)?;
    file.write_all(bytes)?;
    drop(file);
    tmp.persist(path).map_err(|e| e.error)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_planted_symlink_is_never_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        // Every name an older salesbook would have used, planted.
        for planted in ["kpis.json.tmp", ".kpis.json.tmp", ".kpis.json.1.import-tmp"] {
            std::os::unix::fs::symlink(&victim, out.join(planted)).unwrap();
        }
        write(&out.join("kpis.json"), b"{}", ".tmp").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(
            std::fs::read_to_string(out.join("kpis.json")).unwrap(),
            "{}"
        );
        // A symlink at the target itself is replaced, not followed.
        std::os::unix::fs::symlink(&victim, out.join("deals.json")).unwrap();
        write(&out.join("deals.json"), b"[]", ".tmp").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(
            !std::fs::symlink_metadata(out.join("deals.json"))
                .unwrap()
                .is_symlink()
        );
    }
}
