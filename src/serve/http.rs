//! The HTTP side: static files from the current build, the error page while the
//! last build failed, and the live-reload endpoints under `/__salesbook/`:
//!
//! - `ws`: a websocket that sends `{"type":"hello",…}` on connect and
//!   `{"type":"reload",…}` after each build;
//! - `version`: the same JSON, for clients that poll instead;
//! - `errors.json`: the problems of the last build (`[]` when it succeeded);
//! - `livereload.js`: the script that HTML responses get in their `<head>`
//!   (a file, not inline: the site's CSP allows only `script-src 'self'`).

use std::path::Path;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tokio::sync::broadcast;

use super::build::{Failure, error_page};
use super::paths::{self, Located, Refusal};

const LIVERELOAD_JS: &str = include_str!("livereload.js");

/// What the server shows: the newest good build and, if the last build failed,
/// why.
#[derive(Clone, Default)]
pub struct Snapshot {
    /// Incremented by every build, good or bad.
    pub version: u64,
    /// The last good build (canonical), if any.
    pub root: Option<Arc<Path>>,
    /// Set while the last build failed.
    pub failure: Option<Arc<Failure>>,
}

/// Shared between the builder thread and the request handlers.
pub struct Shared {
    /// Distinguishes this server process, so a page from an earlier run reloads.
    instance: String,
    snapshot: RwLock<Snapshot>,
    reload: broadcast::Sender<Status>,
}

/// The JSON sent on the socket and by `/__salesbook/version`.
#[derive(Clone, Debug, Serialize)]
pub struct Status {
    #[serde(rename = "type")]
    kind: &'static str,
    version: u64,
    /// `instance-version`: what a page compares with the tag it was served with.
    tag: String,
    ok: bool,
}

impl Shared {
    pub fn new() -> Arc<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let (reload, _) = broadcast::channel(16);
        Arc::new(Shared {
            instance: format!("{:x}{:x}", std::process::id(), nanos & 0xffff_ffff),
            snapshot: RwLock::new(Snapshot::default()),
            reload,
        })
    }

    pub fn snapshot(&self) -> Snapshot {
        match self.snapshot.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn status(&self, kind: &'static str, snap: &Snapshot) -> Status {
        Status {
            kind,
            version: snap.version,
            tag: format!("{}-{}", self.instance, snap.version),
            ok: snap.failure.is_none(),
        }
    }

    /// Records a build (a new root, or a failure that keeps the old root) and
    /// tells every open page to reload.
    pub fn publish(&self, root: Option<Arc<Path>>, failure: Option<Failure>) {
        let snap = {
            let mut s = match self.snapshot.write() {
                Ok(s) => s,
                Err(poisoned) => poisoned.into_inner(),
            };
            s.version += 1;
            if root.is_some() {
                s.root = root;
            }
            s.failure = failure.map(Arc::new);
            s.clone()
        };
        // No receivers (no open page) is fine.
        let _ = self.reload.send(self.status("reload", &snap));
    }

    /// What HTML responses get before `</head>`.
    fn head(&self, snap: &Snapshot) -> String {
        format!(
            "<meta name=\"salesbook-serve\" content=\"{}-{}\">\
             <script src=\"/__salesbook/livereload.js\" defer></script>",
            self.instance, snap.version
        )
    }
}

/// The routes, answering only requests addressed to this server: `bind` is
/// the address it listens on (besides the loopback names).
pub fn router(shared: Arc<Shared>, bind: std::net::IpAddr) -> Router {
    let hosts = Arc::new(Hosts::new(bind));
    Router::new()
        .route("/__salesbook/ws", get(socket))
        .route("/__salesbook/version", get(version))
        .route("/__salesbook/errors.json", get(errors))
        .route("/__salesbook/livereload.js", get(script))
        .fallback(file)
        .with_state(shared)
        .layer(axum::middleware::from_fn(
            move |req: Request, next: axum::middleware::Next| {
                let hosts = hosts.clone();
                async move {
                    if hosts.admits(&req) {
                        next.run(req).await
                    } else {
                        plain(
                            StatusCode::FORBIDDEN,
                            "forbidden: not addressed to this server\n",
                        )
                    }
                }
            },
        ))
}

/// DNS rebinding: a page of another site whose name resolves to this machine
/// could read the pipeline through the visitor's browser. Its requests carry
/// that site's name in `Host` (and `Origin`); only the loopback names and the
/// bound address are answered, and a cross-origin request (a websocket from
/// another page) is refused.
struct Hosts(Vec<String>);

impl Hosts {
    fn new(bind: std::net::IpAddr) -> Hosts {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .map(String::from)
            .to_vec();
        names.push(match bind {
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        });
        Hosts(names)
    }

    /// `name[:port]` names this server.
    fn names(&self, authority: &str) -> bool {
        let authority = authority.to_ascii_lowercase();
        let host = match authority.rsplit_once(':') {
            Some((h, port))
                if !h.is_empty()
                    && port.bytes().all(|b| b.is_ascii_digit())
                    && !h.ends_with(':') =>
            {
                h
            }
            _ => authority.as_str(),
        };
        self.0.iter().any(|n| n == host)
    }

    fn admits(&self, req: &Request) -> bool {
        let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
        let host_ok = header(header::HOST).is_some_and(|h| self.names(h));
        let origin_ok = match header(header::ORIGIN) {
            None => true,
            Some(o) => o
                .strip_prefix("http://")
                .is_some_and(|rest| self.names(rest.trim_end_matches('/'))),
        };
        host_ok && origin_ok
    }
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn json<T: Serialize>(value: &T) -> Response {
    let body = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    no_store(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn version(State(shared): State<Arc<Shared>>) -> Response {
    json(&shared.status("version", &shared.snapshot()))
}

async fn errors(State(shared): State<Arc<Shared>>) -> Response {
    let snap = shared.snapshot();
    match &snap.failure {
        Some(f) => json(&f.problems),
        None => json(&Vec::<()>::new()),
    }
}

async fn script() -> Response {
    no_store(
        (
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            LIVERELOAD_JS,
        )
            .into_response(),
    )
}

async fn socket(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| talk(shared, socket))
}

async fn talk(shared: Arc<Shared>, mut socket: WebSocket) {
    // Subscribe before reading the version, so no build falls in between.
    let mut rx = shared.reload.subscribe();
    let hello = shared.status("hello", &shared.snapshot());
    if send(&mut socket, &hello).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            msg = rx.recv() => {
                let status = match msg {
                    Ok(s) => s,
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        shared.status("reload", &shared.snapshot())
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                if send(&mut socket, &status).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
}

async fn send(socket: &mut WebSocket, status: &Status) -> Result<(), axum::Error> {
    let text = serde_json::to_string(status).unwrap_or_default();
    socket.send(Message::Text(text.into())).await
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    no_store(
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text,
        )
            .into_response(),
    )
}

fn html(shared: &Shared, snap: &Snapshot, status: StatusCode, page: &str) -> Response {
    let head = shared.head(snap);
    let body = match page.find("</head>") {
        Some(i) => format!("{}{head}{}", &page[..i], &page[i..]),
        None => format!("{head}{page}"),
    };
    no_store(
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
    )
}

fn failure_page(shared: &Shared, snap: &Snapshot, failure: &Failure) -> Response {
    let page = error_page(failure, &shared.head(snap));
    no_store(
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page,
        )
            .into_response(),
    )
}

/// Would this request show a page (as opposed to a style sheet, script or data)?
fn wants_page(raw_path: &str) -> bool {
    let last = raw_path.rsplit('/').next().unwrap_or("");
    last.is_empty() || last.ends_with(".html") || !last.contains('.')
}

async fn read(path: &Path) -> Option<Vec<u8>> {
    tokio::fs::read(path).await.ok()
}

/// Static files from the current build (GET and HEAD).
async fn file(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    let raw = req.uri().path().to_string();
    let segments = match paths::segments(&raw) {
        Ok(s) => s,
        Err(Refusal::BadRequest) => return plain(StatusCode::BAD_REQUEST, "bad request\n"),
        Err(Refusal::Forbidden) => return plain(StatusCode::FORBIDDEN, "forbidden\n"),
    };
    let snap = shared.snapshot();
    let Some(root) = snap.root.clone() else {
        return match &snap.failure {
            Some(f) if wants_page(&raw) => failure_page(&shared, &snap, f),
            _ => plain(StatusCode::SERVICE_UNAVAILABLE, "no site built yet\n"),
        };
    };
    let located = paths::locate(&root, &segments, &raw);
    if let Some(f) = &snap.failure {
        let page = match &located {
            Located::File(p) => p.extension().is_some_and(|e| e == "html"),
            Located::NotFound => wants_page(&raw),
            Located::AddSlash(_) | Located::Outside => false,
        };
        if page {
            return failure_page(&shared, &snap, f);
        }
    }
    match located {
        Located::File(path) => {
            let Some(bytes) = read(&path).await else {
                return plain(StatusCode::NOT_FOUND, "not found\n");
            };
            let ctype = paths::content_type(&path);
            if ctype.starts_with("text/html") {
                let page = String::from_utf8_lossy(&bytes);
                html(&shared, &snap, StatusCode::OK, &page)
            } else {
                no_store(([(header::CONTENT_TYPE, ctype)], Body::from(bytes)).into_response())
            }
        }
        // Same-origin only: `//evil/` would be a protocol-relative redirect.
        Located::AddSlash(location) => {
            match HeaderValue::from_str(&format!("/{}", location.trim_start_matches(['/', '\\']))) {
                Ok(loc) => no_store(
                    (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, loc)]).into_response(),
                ),
                Err(_) => plain(StatusCode::BAD_REQUEST, "bad request\n"),
            }
        }
        Located::Outside => plain(StatusCode::FORBIDDEN, "forbidden\n"),
        Located::NotFound => {
            if wants_page(&raw)
                && let Some(bytes) = read(&root.join("404.html")).await
            {
                let page = String::from_utf8_lossy(&bytes);
                return html(&shared, &snap, StatusCode::NOT_FOUND, &page);
            }
            plain(StatusCode::NOT_FOUND, "not found\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_requests() {
        assert!(wants_page("/"));
        assert!(wants_page("/months/2023-10/"));
        assert!(wants_page("/deals/x.html"));
        assert!(wants_page("/months"));
        assert!(!wants_page("/static/style.css"));
        assert!(!wants_page("/cases/search-index.js"));
    }
}
