//! The serve request-path resolver: accepted segments are plain names, joined
//! under the root they never leave; a located file is inside the canonical
//! site folder even through symlinks that point out of it.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use salesbook::serve::paths::{Located, locate, segments};

/// A small site (canonical path) with symlinks leading out of it.
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = salesbook_fuzz::scratch("serve");
        let site = dir.join("site");
        let outside = dir.join("outside");
        for d in [&site.join("deals/a b"), &outside] {
            std::fs::create_dir_all(d).unwrap();
        }
        for (p, t) in [
            (site.join("index.html"), "<p>home"),
            (site.join("deals/index.html"), "<p>deals"),
            (site.join("deals/a b/index.html"), "<p>a b"),
            (site.join("style.css"), "p{}"),
            (site.join(".salesbook-site"), ""),
            (outside.join("secret.txt"), "secret"),
        ] {
            std::fs::write(p, t).unwrap();
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, site.join("out")).unwrap();
            std::os::unix::fs::symlink("../outside/secret.txt", site.join("secret.txt")).unwrap();
        }
        site.canonicalize().unwrap()
    })
}

fuzz_target!(|raw: &str| {
    let root = root();
    let Ok(segs) = segments(raw) else {
        return;
    };
    for s in &segs {
        assert!(!s.is_empty() && !s.starts_with('.'), "{s:?}");
        assert!(!s.contains(['/', '\\', '\0', ':']), "{s:?}");
    }
    let mut joined = root.clone();
    joined.extend(&segs);
    assert!(salesbook_fuzz::stays_under(root, &joined), "{joined:?}");
    match locate(root, &segs, raw) {
        Located::File(p) => {
            assert!(
                salesbook_fuzz::stays_under(root, &p),
                "{p:?} leaves {root:?}"
            );
            assert!(p.is_file());
        }
        Located::AddSlash(location) => assert_eq!(location, format!("{raw}/")),
        Located::NotFound | Located::Outside => {}
    }
});
