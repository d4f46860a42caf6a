//! `serve`'s incremental rebuild: after each change to a copy of the sample,
//! the site it updated in place equals, file for file and byte for byte, a
//! fresh `build` of the same data, and a record edit rewrote only part of it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use salesbook::book::Book;
use salesbook::serve::build::{Builder, Outcome, Settings};
use salesbook::site::{self, Audience};

struct Fixture {
    data: PathBuf,
    _tmp: tempfile::TempDir,
    builder: Builder,
    /// Files in a full build of the sample.
    full_files: usize,
    audience: Audience,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture::with(false, Audience::Team)
    }

    /// The copy committed to a new git repository first.
    fn in_git() -> Fixture {
        Fixture::with(true, Audience::Team)
    }

    fn with(git: bool, audience: Audience) -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        common::copy_dir(&common::sample(), &data);
        // The sample asserts October's revenue; these edits change it.
        let month = data.join("months/2023-10.md");
        let text = common::read(&month);
        let assert = "[[assert]]\nkpi = \"revenue\"\nequals = 2250000\ntolerance = 0\n";
        assert!(text.contains(assert));
        std::fs::write(&month, text.replace(assert, "")).unwrap();
        if git {
            common::git::git(tmp.path(), &["init", "-q"], None);
            common::git::commit_all(tmp.path(), "sample", "2023-11-03T18:00:00+08:00");
        }
        let serve_dir = tmp.path().join("serve");
        std::fs::create_dir(&serve_dir).unwrap();
        let settings = Settings {
            data: data.clone(),
            as_of: None,
            strict: false,
            theme: None,
            audience,
            reveal_contacts: false,
        };
        let mut builder = Builder::new(settings, &serve_dir);
        let full_files = match builder.build(None) {
            Outcome::Built { files, .. } => files,
            Outcome::Failed(f) => panic!("first build failed: {:?}", f.problems),
        };
        Fixture {
            data,
            _tmp: tmp,
            builder,
            full_files,
            audience,
        }
    }

    /// Replaces the one occurrence of `from` in the record file `rel`.
    fn edit(&self, rel: &str, from: &str, to: &str) -> PathBuf {
        let path = self.data.join(rel);
        let text = common::read(&path);
        assert_eq!(text.matches(from).count(), 1, "{rel}: `{from}`");
        std::fs::write(&path, text.replace(from, to)).unwrap();
        path
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.data.join(rel);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Rebuilds after `changed`; checks the kind of rebuild and the result
    /// against a fresh build; returns the number of files written.
    fn step(&mut self, changed: &[PathBuf], incremental: bool) -> usize {
        let (root, files) = match self.builder.build(Some(changed)) {
            Outcome::Built {
                root,
                files,
                incremental: inc,
                ..
            } => {
                assert_eq!(inc, incremental, "incremental after {changed:?}");
                (root, files)
            }
            Outcome::Failed(f) => panic!("build after {changed:?} failed: {:?}", f.problems),
        };
        // The data page's export files come after the pages.
        self.builder.finish().unwrap();
        let fresh = tempfile::tempdir().unwrap();
        let out = fresh.path().join("site");
        let book = Book::load(&self.data, None).unwrap();
        assert_eq!(book.diagnostics.errors(), 0);
        let opts = site::Options {
            out: out.clone(),
            theme: None,
            audience: self.audience,
            reveal_contacts: false,
            base_url: None,
            force: false,
            commit: None,
        };
        site::build(&book, &self.data, &opts).unwrap();
        same_tree(&root, &out);
        files
    }

    fn fails(&mut self, changed: &[PathBuf]) {
        match self.builder.build(Some(changed)) {
            Outcome::Built { .. } => panic!("built despite the error in {changed:?}"),
            Outcome::Failed(f) => assert!(!f.problems.is_empty()),
        }
    }
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::files(dir)
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(&f).unwrap())
        })
        .collect()
}

fn same_tree(updated: &Path, fresh: &Path) {
    let (a, b) = (tree(updated), tree(fresh));
    let only_a: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "only in the updated site: {only_a:?}; only in the fresh one: {only_b:?}"
    );
    for (k, bytes) in &a {
        if bytes != &b[k] {
            let (x, y) = (
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(&b[k]),
            );
            let line = x
                .lines()
                .zip(y.lines())
                .find(|(p, q)| p != q)
                .map(|(p, q)| format!("updated: {p}\n  fresh: {q}"))
                .unwrap_or_else(|| "(lengths differ)".into());
            panic!("{k} differs from a fresh build:\n{line}");
        }
    }
}

#[test]
fn record_edits_update_only_their_pages() {
    let mut f = Fixture::new();
    // A deal's amount: its page, its customer's, the scorecard, the months…
    let deal = f.edit(
        "deals/a-tech-2023.toml",
        "amount = 500000\n",
        "amount = 520000\n",
    );
    let n = f.step(std::slice::from_ref(&deal), true);
    assert!(
        n * 2 < f.full_files,
        "a deal edit rewrote {n} of {} files",
        f.full_files
    );
    // The deal moves to another customer: both customers' pages. (It keeps
    // its lead: b-group's was acquired after the deal's first stage.)
    let moved = f.edit(
        "deals/a-tech-2023.toml",
        "customer = \"a-tech\"",
        "customer = \"b-group\"\nlead = \"LX001\"",
    );
    f.step(&[moved], true);
    // Another owner: both scorecards.
    let owner = f.edit(
        "deals/a-tech-2023.toml",
        "owner = \"lisi\"\namount",
        "owner = \"zhaoliu\"\namount",
    );
    f.step(&[owner], true);
    // A customer's name shows on deals, the register and the case library.
    let c = f.edit(
        "customers/a-tech.md",
        "name = \"A科技有限公司\"",
        "name = \"A科技股份有限公司\"",
    );
    f.step(&[c], true);
    // A lead moves to another month of the register.
    let l = f.edit(
        "leads/LX001.toml",
        "acquired = 2023-10-08",
        "acquired = 2023-10-01",
    );
    f.step(&[l], true);
    // A case's tags: the case page, its tags' pages, the index, search, feed.
    let case = f.edit(
        "cases/a-tech-win.md",
        "\"竞品应对\"]",
        "\"竞品应对\", \"复购\"]",
    );
    f.step(&[case], true);
    // Two files in one save burst.
    let a = f.edit(
        "deals/a-tech-2023.toml",
        "amount = 520000\n",
        "amount = 505000\n",
    );
    let b = f.edit("customers/a-tech.md", "A科技股份有限公司", "A科技有限公司");
    f.step(&[a, b], true);
}

#[test]
fn added_removed_and_broken_records() {
    let mut f = Fixture::new();
    // A new deal file sorts into place among the others.
    let text = common::read(&f.data.join("deals/a-tech-2023.toml"));
    let new = f.write(
        "deals/a-tech-2024.toml",
        &text
            .replace(
                "contract_no = \"HDKH-2023-118\"",
                "contract_no = \"HDKH-2024-007\"",
            )
            .replace("title = \"自动化升级项目\"", "title = \"二期扩产项目\""),
    );
    f.step(std::slice::from_ref(&new), true);
    // Removing it removes its page; restoring it brings the page back.
    let kept = common::read(&new);
    std::fs::remove_file(&new).unwrap();
    f.step(std::slice::from_ref(&new), true);
    std::fs::write(&new, kept).unwrap();
    f.step(&[new], true);
    // A broken lead: the browser shows the error; fixing it differently than
    // it was before brings the site back, with every change since.
    let lead = f.data.join("leads/LX002.toml");
    let before = common::read(&lead);
    let deal = f.edit(
        "deals/a-tech-2023.toml",
        "amount = 500000\n",
        "amount = 510000\n",
    );
    std::fs::write(&lead, "source = [").unwrap();
    f.fails(&[lead.clone(), deal]);
    std::fs::write(&lead, before.replace("status = ", "# fixed\nstatus = ")).unwrap();
    f.step(&[lead], true);
    // A renamed case: one save removes a file and adds another.
    let from = f.data.join("cases/a-tech-win.md");
    let to = f.data.join("cases/a-tech-2023-win.md");
    std::fs::rename(&from, &to).unwrap();
    f.step(&[from, to], true);
    // Files salesbook does not read change nothing, but still answer.
    let readme = f.write("deals/README.md", "# notes\n");
    f.step(&[readme], true);
}

#[test]
fn configuration_changes_rebuild_everything() {
    let mut f = Fixture::new();
    let config = f.data.join("pipeline.toml");
    let text = common::read(&config);
    std::fs::write(&config, format!("{text}\n# a comment\n")).unwrap();
    let n = f.step(&[config], false);
    assert_eq!(n, f.full_files);
    // And incremental updates continue from the new full build.
    let deal = f.edit(
        "deals/a-tech-2023.toml",
        "amount = 500000\n",
        "amount = 530000\n",
    );
    f.step(&[deal], true);
}

#[test]
fn the_footer_follows_the_working_tree() {
    let mut f = Fixture::in_git();
    // The first save: every page's footer now says "uncommitted changes".
    let deal = f.edit(
        "deals/a-tech-2023.toml",
        "amount = 500000\n",
        "amount = 510000\n",
    );
    f.step(std::slice::from_ref(&deal), false);
    // A second one changes no footer: an update.
    let customer = f.edit(
        "customers/a-tech.md",
        "name = \"A科技有限公司\"",
        "name = \"A科技股份有限公司\"",
    );
    f.step(std::slice::from_ref(&customer), true);
    // Both back as committed: the footer is clean again, everywhere.
    f.edit(
        "deals/a-tech-2023.toml",
        "amount = 510000\n",
        "amount = 500000\n",
    );
    f.edit(
        "customers/a-tech.md",
        "name = \"A科技股份有限公司\"",
        "name = \"A科技有限公司\"",
    );
    f.step(&[deal.clone(), customer], false);
    // A commit moves HEAD: the footer names it.
    let deal = f.edit(
        "deals/a-tech-2023.toml",
        "amount = 500000\n",
        "amount = 520000\n",
    );
    common::git::commit_all(
        f.data.parent().unwrap(),
        "amount",
        "2023-11-04T09:00:00+08:00",
    );
    f.step(&[deal], false);
}

#[test]
fn the_shared_site_is_rebuilt_whole() {
    // Its neutral customer names follow the order of all shared cases.
    let mut f = Fixture::with(false, Audience::Shared);
    let case = f.edit(
        "cases/a-tech-win.md",
        "\"竞品应对\"]",
        "\"竞品应对\", \"复购\"]",
    );
    f.step(&[case], false);
}
