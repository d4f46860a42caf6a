//! Deterministic synthetic salesbook data at three scales, for benchmarks and
//! scale tests.
//!
//! ```text
//! cargo run --release --example synth -- --scale small|medium|large --out DIR [--seed N]
//! ```
//!
//! The same scale and seed always give the same bytes. The corpus is valid SPEC
//! data (`salesbook check` reports 0 errors); a small share of records carries
//! the realistic warnings (late first contacts, stale deals, overdue payments …).
//!
//! Design: `sim` draws the organisation (owners by region), the leads (acquired on
//! weighted working days, channel mix), picks the leads that become deals
//! (weighted by channel), groups them into customers (first deal = the customer's
//! lead, later ones are repeat business with an explicit `lead`), and plays each
//! deal through the stages with log-normal durations and drop-off, weekly nurture
//! touches, presentation minutes, payments and visits; then everything after the
//! as-of date is cut (deals still running become `open`). `render` writes the files.

#[path = "synth/render.rs"]
mod render;
#[path = "synth/rng.rs"]
mod rng;
#[path = "synth/sim.rs"]
mod sim;
#[path = "synth/vocab.rs"]
mod vocab;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: synth --scale small|medium|large --out DIR [--seed N]";
/// What the generator owns inside DIR; only these are replaced on a re-run.
const OWNED: &[&str] = &[
    "pipeline.toml",
    "leads",
    "customers",
    "deals",
    "months",
    "cases",
];

fn main() -> ExitCode {
    let mut scale = None;
    let mut out = None;
    let mut seed: u64 = 20_251_231;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--scale" => scale = args.next(),
            "--out" => out = args.next().map(PathBuf::from),
            "--seed" => match args.next().and_then(|s| s.parse().ok()) {
                Some(s) => seed = s,
                None => return fail("--seed needs a number"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => return fail(&format!("unknown argument `{other}`")),
        }
    }
    let (Some(scale), Some(out)) = (scale, out) else {
        return fail("--scale and --out are required");
    };
    let Some(scale) = sim::SCALES.iter().find(|s| s.name == scale) else {
        return fail(&format!("unknown scale `{scale}`"));
    };
    if let Err(e) = prepare(&out) {
        return fail(&format!("{}: {e}", out.display()));
    }
    let t = Instant::now();
    let world = sim::generate(scale, seed);
    let mut w = render::Out::new(&out);
    if let Err(e) = render::write_all(&world, &mut w) {
        return fail(&format!("writing {}: {e}", out.display()));
    }
    eprintln!(
        "synth {}: {} owners, {} leads, {} customers, {} deals, {} cases, {} months to {}; as_of {}; {} files, {:.1} MB in {:.2} s",
        scale.name,
        world.owners.len(),
        world.leads.len(),
        world.customers.len(),
        world.deals.len(),
        world.cases.len(),
        scale.months,
        out.display(),
        world.as_of,
        w.files,
        w.bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("synth: {msg}\n{USAGE}");
    ExitCode::from(2)
}

/// An empty or missing folder is used as is; a folder holding an earlier corpus
/// (pipeline.toml) has the generator's own files replaced; anything else is refused.
fn prepare(out: &Path) -> std::io::Result<()> {
    if !out.exists() {
        return std::fs::create_dir_all(out);
    }
    let empty = std::fs::read_dir(out)?.next().is_none();
    if empty {
        return Ok(());
    }
    if !out.join("pipeline.toml").is_file() {
        return Err(std::io::Error::other(
            "exists, is not empty and holds no pipeline.toml; refusing to write into it",
        ));
    }
    for name in OWNED {
        let p = out.join(name);
        if p.is_dir() {
            std::fs::remove_dir_all(&p)?;
        } else if p.is_file() {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}
