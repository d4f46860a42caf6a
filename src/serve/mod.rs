//! `salesbook serve`: a live-reloading preview of the site.
//!
//! The site is built into a private temporary folder (removed on exit), served
//! on loopback by default, and rebuilt whenever a file in the data or theme
//! folder changes; open pages are told to reload over a websocket. While the
//! data has errors, pages show them instead of stale content.
//!
//! - [`watch`]: debounced file events without editor noise;
//! - [`build`]: one rebuild into a fresh folder, or the problems;
//! - [`connections`]: accepting connections, with a header-read timeout;
//! - [`http`]: static files, the error page and the reload socket;
//! - [`paths`]: request path → file, guarded against traversal.

pub mod build;
pub mod connections;
pub mod http;
pub mod paths;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use build::{Builder, Outcome, Settings};
use http::Shared;

/// Everything `serve` needs from the command line.
#[derive(Debug, Clone)]
pub struct Config {
    pub settings: Settings,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub quiet: bool,
    pub timings: bool,
}

/// Runs until Ctrl-C or SIGTERM. `Err` is for setup failures (port taken,
/// folder missing); data errors are shown in the browser, never fatal.
pub fn run(cfg: Config) -> Result<(), String> {
    let s = &cfg.settings;
    if !s.data.is_dir() {
        return Err(format!("{} is not a folder", s.data.display()));
    }
    let mut roots = vec![canonical(&s.data)?];
    if let Some(t) = &s.theme {
        if !t.is_dir() {
            return Err(format!("theme {} is not a folder", t.display()));
        }
        roots.push(canonical(t)?);
    }
    let tmp = tempfile::Builder::new()
        .prefix("salesbook-serve-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;

    let shared = Shared::new();
    let (tx, rx) = mpsc::channel();
    // Watch first, so a save during the first build is not lost.
    let watcher = watch::start(roots, tx)?;
    let mut builder = Builder::new(cfg.settings.clone(), tmp.path());
    report(&shared, builder.build(None), None, &cfg);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let addr = SocketAddr::new(cfg.bind, cfg.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(addr))
        .map_err(|e| format!("cannot listen on {addr}: {e} (try another --port, or --port 0)"))?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    if !cfg.bind.is_loopback() {
        eprintln!(
            "warning: serving on {local}, not on loopback: anyone who can reach this \
             address can read the pipeline (customers, amounts, notes); \
             the data is confidential"
        );
    }
    let url = match local.ip() {
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", local.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}/", local.port()),
    };
    // The first line on stdout is the address (tests and scripts read it).
    println!("serving {url}");
    if !cfg.quiet {
        eprintln!("watching {} — press Ctrl-C to stop", s.data.display());
    }
    if cfg.open {
        open_browser(&url);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let rebuilds = {
        let shared = shared.clone();
        let stop = stop.clone();
        let cfg = cfg.clone();
        std::thread::spawn(move || {
            rebuild_loop(&rx, &mut builder, &shared, &stop, &cfg);
        })
    };

    let app = http::router(shared, cfg.bind);
    runtime.block_on(connections::serve(listener, app, shutdown_signal()));
    stop.store(true, Ordering::SeqCst);
    drop(watcher);
    let _ = rebuilds.join();
    runtime.shutdown_timeout(Duration::from_millis(500));
    drop(tmp);
    if !cfg.quiet {
        eprintln!("stopped");
    }
    Ok(())
}

fn canonical(p: &Path) -> Result<PathBuf, String> {
    p.canonicalize()
        .map_err(|e| format!("cannot read {}: {e}", p.display()))
}

/// Waits for changes and rebuilds, one build at a time; changes that arrive
/// during a build are merged into the next one.
fn rebuild_loop(
    rx: &mpsc::Receiver<watch::Change>,
    builder: &mut Builder,
    shared: &Shared,
    stop: &AtomicBool,
    cfg: &Config,
) {
    while !stop.load(Ordering::SeqCst) {
        let change = match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(c) => c,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // Quiet for a moment: the data page's files, which an update
                // leaves for later (seconds at scale; the next save comes first).
                let clock = Instant::now();
                match builder.finish() {
                    Err(e) => eprintln!("error: the export files of the data page: {e}"),
                    Ok(true) if cfg.timings => {
                        let ms = clock.elapsed().as_secs_f64() * 1000.0;
                        eprintln!("timing: exports  {ms:>8.2} ms");
                    }
                    Ok(_) => {}
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let mut first = change.first;
        let mut paths = change.paths;
        while let Ok(more) = rx.try_recv() {
            first = first.min(more.first);
            paths.extend(more.paths);
        }
        if stop.load(Ordering::SeqCst) {
            break;
        }
        if !cfg.quiet {
            let names: Vec<String> = paths
                .iter()
                .take(3)
                .map(|p| p.display().to_string())
                .collect();
            let more = paths.len().saturating_sub(3);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            eprintln!("changed: {}{more}", names.join(", "));
        }
        report(shared, builder.build(Some(&paths)), Some(first), cfg);
    }
}

/// Publishes a build and says on stderr how it went.
fn report(shared: &Shared, outcome: Outcome, since: Option<Instant>, cfg: &Config) {
    match outcome {
        Outcome::Built {
            root,
            files,
            took,
            incremental,
            timings,
        } => {
            if cfg.timings {
                for (name, d) in &timings {
                    eprintln!("timing: {name:<8} {:>8.2} ms", d.as_secs_f64() * 1000.0);
                }
            }
            shared.publish(Some(Arc::from(root.as_path())), None);
            if !cfg.quiet {
                let latency = since
                    .map(|t| format!("; change → reload sent {} ms", t.elapsed().as_millis()))
                    .unwrap_or_default();
                let verb = if incremental { "updated" } else { "built" };
                eprintln!("{verb} {files} files in {} ms{latency}", took.as_millis());
            }
        }
        Outcome::Failed(failure) => {
            eprintln!("error: {}; the browser shows them:", failure.summary);
            for p in &failure.problems {
                match (&p.detail, p.location()) {
                    (Some(d), _) => eprintln!("{d}\n"),
                    (None, Some(loc)) => eprintln!("{loc}: {}", p.message),
                    (None, None) => eprintln!("  {}", p.message),
                }
            }
            shared.publish(None, Some(failure));
        }
    }
    if cfg.timings
        && let Some(t) = since
    {
        eprintln!(
            "timing: reload   {:>8.2} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Best effort: `open` on macOS, `xdg-open` elsewhere, `start` on Windows.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let spawned = cmd
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // Reap it in the background; its exit status does not matter.
        Ok(mut child) => {
            std::thread::spawn(move || {
                let _ = child.wait();
            });
        }
        Err(_) => eprintln!("note: could not open a browser; visit {url}"),
    }
}
