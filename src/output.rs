//! Where `build` and `export` may write, and how they write there safely
//! (SECURITY.md "Atomic and contained output"):
//!
//! - [`guard`]: the output folder is never the data folder, a record folder,
//!   `templates/` or a hidden folder inside it, a parent of it (so never the
//!   data's repository root), `/` or the home folder — even with `--force`,
//!   because replacing such a folder destroys the records.
//! - [`Lock`]: one writer per output folder. An advisory `flock` on
//!   `.<name>.lock` beside the output; a second writer fails at once with a
//!   clear message rather than waiting (a build takes seconds, a silent wait
//!   looks like a hang). The kernel releases the lock when its holder dies, so
//!   a killed build never blocks the next one.
//! - [`recover`]: what a killed build left beside the output
//!   (`.<name>.building-<pid>`, `.<name>.old-<pid>`) is removed by the next
//!   one, after putting an old site back if it was killed mid-swap.
//! - [`swap`]: the finished folder replaces the output in one
//!   `renameat2(RENAME_EXCHANGE)` on Linux, so a reader sees the old site or
//!   the new one, never neither; elsewhere two renames (a window of
//!   microseconds without the output, repaired by [`recover`]).

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Component, Path, PathBuf};

/// The absolute, canonical form of a path that may not exist yet: its longest
/// existing ancestor is canonicalised (symlinks and `..` resolved), the rest is
/// appended lexically.
pub fn resolve(p: &Path) -> io::Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    let comps: Vec<Component> = abs.components().collect();
    for k in (1..=comps.len()).rev() {
        let prefix: PathBuf = comps[..k].iter().collect();
        if let Ok(mut out) = prefix.canonicalize() {
            for c in &comps[k..] {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(n) => out.push(n),
                    _ => {}
                }
            }
            return Ok(out);
        }
    }
    Ok(abs)
}

/// The account's home folder from the account database (`/etc/passwd`, the
/// entry of the real user id), which `$HOME` may not name (unset, `/`, or
/// another folder). Local accounts only: one from a directory service (NSS)
/// is not seen.
fn account_home() -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        let uid = rustix::process::getuid().as_raw();
        let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
        home_in_passwd(&passwd, uid)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// The home field of `uid`'s line in a passwd file (`name:pw:uid:gid:gecos:home:shell`).
fn home_in_passwd(passwd: &str, uid: u32) -> Option<PathBuf> {
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() >= 7 && f[2].parse() == Ok(uid) && !f[5].is_empty()).then(|| PathBuf::from(f[5]))
    })
}

/// The home folders to protect: `$HOME` and the account's, resolved.
fn homes() -> Vec<PathBuf> {
    let env = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    let mut out: Vec<PathBuf> = env
        .into_iter()
        .chain(account_home())
        .filter_map(|h| resolve(&h).ok())
        // `HOME=/` protects nothing by itself: `/` is refused anyway.
        .filter(|h| h.parent().is_some())
        .collect();
    out.dedup();
    out
}

/// Why an output folder is refused (always, `--force` or not).
fn refusal(out: &Path, data: &Path, homes: &[PathBuf]) -> Option<String> {
    if out.parent().is_none() {
        return Some("it is the root folder".into());
    }
    if out == data {
        return Some("it is the data folder".into());
    }
    // A data repository may hold its build (`--data . build --out public`, as the
    // CI templates do, `/site/` in its .gitignore), but not among the records,
    // the theme or hidden folders such as `.git`.
    if let Ok(rel) = out.strip_prefix(data)
        && let Some(Component::Normal(first)) = rel.components().next()
    {
        let first = first.to_string_lossy();
        let record_folder = crate::model::Kind::ALL.iter().any(|k| k.folder() == first);
        if record_folder || first == "templates" || first.starts_with('.') {
            return Some(format!(
                "it is inside {first}/ of the data folder {} (generated files do not belong \
                 with the records, the theme or hidden folders)",
                data.display()
            ));
        }
    }
    if data.starts_with(out) {
        return Some(format!(
            "it contains the data folder {} (replacing it would delete the records)",
            data.display()
        ));
    }
    for home in homes {
        if home.starts_with(out) {
            return Some(if home == out {
                "it is the home folder".into()
            } else {
                format!("it contains the home folder {}", home.display())
            });
        }
    }
    None
}

/// A folder that is not a salesbook site but holds a `.git` or other hidden
/// entries (a repository, a home folder, a project): never replaced, even with
/// `--force`. Returns the first such entry; `marker` is the writer's own
/// hidden marker file, which does not count.
pub fn precious(out: &Path, marker: &str) -> Option<String> {
    let entries = std::fs::read_dir(out).ok()?;
    entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with('.') && n != marker)
}

/// Refuses an output folder that replacing or filling would harm: the data
/// folder, its record folders, `templates/` or hidden folders (a data
/// repository's own `site/` or `public/` is fine), a parent of it (which includes the data's git
/// repository root), `/`, the home folder or a parent of it. Paths are compared
/// canonicalised, so symlinks and `..` do not get around it.
pub fn guard(out: &Path, data: &Path) -> Result<(), String> {
    let canon = |p: &Path| resolve(p).map_err(|e| format!("cannot resolve {}: {e}", p.display()));
    let out_c = canon(out)?;
    let data_c = canon(data)?;
    match refusal(&out_c, &data_c, &homes()) {
        Some(why) => Err(format!(
            "refusing to write to {}: {why}; choose another --out (--force does not override this)",
            out.display()
        )),
        None => Ok(()),
    }
}

/// The output's parent folder and its file name (`site` for `/`-like paths).
pub fn parent_and_name(out: &Path) -> (PathBuf, String) {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (parent, name)
}

/// An exclusive lock on one output folder, held until dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    // Closing the file releases the flock; it must outlive the removal in `drop`.
    _file: File,
}

impl Lock {
    /// Takes the lock for `out` (creating its parent), or fails at once when
    /// another process holds it. `what` names the writer in the message.
    pub fn acquire(out: &Path, what: &str) -> Result<Lock, String> {
        let (parent, name) = parent_and_name(out);
        std::fs::create_dir_all(&parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        let path = parent.join(format!(".{name}.lock"));
        let fail = |e: io::Error| format!("cannot lock {}: {e}", path.display());
        loop {
            // A symlink at the lock's name (planted in a repository) is removed,
            // never followed: the lock file is created where it is named.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                std::fs::remove_file(&path).map_err(fail)?;
            }
            let mut options = OpenOptions::new();
            options.read(true).write(true).create(true).truncate(false);
            #[cfg(target_os = "linux")]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
            }
            let file = options.open(&path).map_err(fail)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(format!(
                        "another salesbook {what} is writing {} (lock {} is held); \
                         try again when it has finished",
                        out.display(),
                        path.display()
                    ));
                }
                Err(TryLockError::Error(e)) => return Err(fail(e)),
            }
            // The previous holder removes the file before unlocking; if it did so
            // after we opened it, we hold a lock on a file nobody else will open:
            // take it again on the file that is there now.
            if same_file(&file, &path) {
                return Ok(Lock { path, _file: file });
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked (see `acquire`), so no debris is left.
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// The temporary folder a build renders into and the name the old site is
/// moved to during a portable swap.
pub fn temp_names(out: &Path) -> (PathBuf, PathBuf) {
    let (parent, name) = parent_and_name(out);
    let pid = std::process::id();
    (
        parent.join(format!(".{name}.building-{pid}")),
        parent.join(format!(".{name}.old-{pid}")),
    )
}

/// `.<name>.<kind>-<digits>`: a folder only a build of `out` makes.
fn stale_kind(file: &str, name: &str) -> Option<&'static str> {
    let rest = file
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?;
    for kind in ["building", "old"] {
        if let Some(pid) = rest.strip_prefix(kind).and_then(|r| r.strip_prefix('-'))
            && !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
        {
            return Some(kind);
        }
    }
    None
}

/// Cleans up after killed builds of `out`; call it holding the [`Lock`], which
/// is what makes every such folder stale. If `out` is missing and an old site
/// is there (a kill between the two renames of the portable swap), that site is
/// put back. Returns whether it was.
pub fn recover(out: &Path) -> io::Result<bool> {
    let (parent, name) = parent_and_name(out);
    let entries = match std::fs::read_dir(&parent) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let mut stale = Vec::new();
    for entry in entries {
        let entry = entry?;
        let file = entry.file_name();
        let Some(kind) = file.to_str().and_then(|f| stale_kind(f, &name)) else {
            continue;
        };
        // Only real folders (never follow a symlink somebody put there).
        if entry.file_type()?.is_dir() {
            stale.push((kind, entry.path()));
        }
    }
    let mut restored = false;
    if std::fs::symlink_metadata(out).is_err()
        && let Some((_, old)) = stale.iter().find(|(k, _)| *k == "old")
    {
        std::fs::rename(old, out)?;
        restored = true;
    }
    for (_, dir) in &stale {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
    }
    Ok(restored)
}

/// Replaces `out` by the finished folder `tmp`, then deletes the old site.
/// `old` is where the portable swap parks the old site.
pub fn swap(tmp: &Path, out: &Path, old: &Path) -> io::Result<()> {
    if std::fs::symlink_metadata(out).is_err() {
        return std::fs::rename(tmp, out);
    }
    match exchange(tmp, out) {
        // `tmp` now holds the old site; should deleting it fail, the next
        // build's `recover` removes it.
        Ok(()) => {
            let _ = std::fs::remove_dir_all(tmp);
            return Ok(());
        }
        Err(e) if e.kind() != io::ErrorKind::Unsupported => return Err(e),
        Err(_) => {}
    }
    std::fs::rename(out, old)?;
    if let Err(e) = std::fs::rename(tmp, out) {
        let _ = std::fs::rename(old, out);
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(old);
    Ok(())
}

/// Swaps two paths atomically; `Unsupported` where the OS or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // Old kernels (ENOSYS) and file systems without the flag (EINVAL).
        Err(e) if e == Errno::NOSYS || e == Errno::INVAL || e == Errno::NOTSUP => {
            Err(io::Error::from(io::ErrorKind::Unsupported))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_data_its_parents_inside_root_and_home() {
        let data = Path::new("/w/repo/data");
        let homes = [PathBuf::from("/home/ann"), PathBuf::from("/srv/ann")];
        let r = |out: &str| refusal(Path::new(out), data, &homes);
        assert!(r("/w/repo/data").unwrap().contains("is the data folder"));
        assert!(r("/w/repo/data/leads").unwrap().contains("inside leads/"));
        assert!(
            r("/w/repo/data/cases/site")
                .unwrap()
                .contains("inside cases/")
        );
        assert!(
            r("/w/repo/data/templates")
                .unwrap()
                .contains("inside templates/")
        );
        assert!(r("/w/repo/data/.git/x").unwrap().contains("inside .git/"));
        assert!(r("/w/repo").unwrap().contains("contains the data"));
        assert!(r("/w").unwrap().contains("contains the data"));
        assert!(r("/").unwrap().contains("root folder"));
        assert!(r("/home/ann").unwrap().contains("is the home folder"));
        assert!(r("/home").unwrap().contains("contains the home"));
        // Beside the data, or inside the home folder, is fine.
        assert_eq!(r("/w/repo/site"), None);
        assert_eq!(r("/w/repo/data-site"), None);
        // A data repository's own build folder (the CI templates' `public`).
        assert_eq!(r("/w/repo/data/public"), None);
        assert_eq!(r("/w/repo/data/site"), None);
        assert_eq!(r("/home/ann/site"), None);
        // The account's home as well as $HOME's.
        assert!(r("/srv/ann").unwrap().contains("is the home folder"));
        assert!(r("/srv").unwrap().contains("contains the home"));
    }

    #[test]
    fn the_account_home_comes_from_the_passwd_entry_of_the_uid() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      # comment\n\
                      ann:x:1000:1000:Ann,,,:/home/ann:/bin/zsh\n\
                      bad:x:1001\n";
        assert_eq!(
            home_in_passwd(passwd, 1000),
            Some(PathBuf::from("/home/ann"))
        );
        assert_eq!(home_in_passwd(passwd, 0), Some(PathBuf::from("/root")));
        assert_eq!(home_in_passwd(passwd, 1001), None);
        assert_eq!(home_in_passwd(passwd, 7), None);
    }

    #[test]
    fn a_folder_with_hidden_entries_is_precious() {
        let tmp = tempfile::tempdir().unwrap();
        let marker = ".salesbook-site";
        assert_eq!(precious(tmp.path(), marker), None);
        std::fs::write(tmp.path().join("index.html"), "x").unwrap();
        std::fs::write(tmp.path().join(marker), "x").unwrap();
        assert_eq!(precious(tmp.path(), marker), None);
        std::fs::write(tmp.path().join(".bashrc"), "x").unwrap();
        assert_eq!(precious(tmp.path(), marker), Some(".bashrc".into()));
    }

    #[cfg(unix)]
    #[test]
    fn resolve_follows_symlinks_and_dotdot_of_missing_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("data")).unwrap();
        std::os::unix::fs::symlink(root.join("data"), root.join("link")).unwrap();
        assert_eq!(resolve(&root.join("link")).unwrap(), root.join("data"));
        assert_eq!(
            resolve(&root.join("nope/../data/x")).unwrap(),
            root.join("data/x")
        );
        assert_eq!(
            resolve(&root.join("link/new/site")).unwrap(),
            root.join("data/new/site")
        );
    }

    #[test]
    fn stale_names_are_exactly_ours() {
        assert_eq!(stale_kind(".site.building-123", "site"), Some("building"));
        assert_eq!(stale_kind(".site.old-9", "site"), Some("old"));
        assert_eq!(stale_kind(".site.old-", "site"), None);
        assert_eq!(stale_kind(".site.old-12x", "site"), None);
        assert_eq!(stale_kind(".site2.old-12", "site"), None);
        assert_eq!(stale_kind("site.old-12", "site"), None);
        assert_eq!(stale_kind(".site.lock", "site"), None);
    }

    #[test]
    fn recover_puts_an_old_site_back_and_removes_debris() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let old = tmp.path().join(".site.old-4242");
        let building = tmp.path().join(".site.building-4243");
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("index.html"), "old").unwrap();
        std::fs::create_dir(&building).unwrap();
        std::fs::write(building.join("half.html"), "ha").unwrap();
        std::fs::create_dir(tmp.path().join(".other.old-1")).unwrap();
        assert!(recover(&out).unwrap());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
        assert!(!old.exists() && !building.exists());
        assert!(tmp.path().join(".other.old-1").exists());
        // With the site in place, an old copy is only debris.
        std::fs::create_dir(&old).unwrap();
        assert!(!recover(&out).unwrap());
        assert!(!old.exists() && out.join("index.html").exists());
    }

    #[test]
    fn swap_replaces_the_folder_and_leaves_nothing_beside() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let (new, old) = temp_names(&out);
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("a"), "old").unwrap();
        std::fs::create_dir(&new).unwrap();
        std::fs::write(new.join("a"), "new").unwrap();
        swap(&new, &out, &old).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a")).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_second_lock_fails_and_a_released_one_is_retaken() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let first = Lock::acquire(&out, "build").unwrap();
        let e = Lock::acquire(&out, "build").unwrap_err();
        assert!(e.contains("another salesbook build is writing"), "{e}");
        drop(first);
        assert!(!tmp.path().join(".site.lock").exists());
        let _again = Lock::acquire(&out, "build").unwrap();
    }
}
