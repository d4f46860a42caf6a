//! Accepting connections: HTTP/1.1 with upgrades (the reload socket) and a
//! header-read timeout. axum's own `serve` runs hyper without a timer, so a
//! client sending its request headers a byte at a time (slowloris) would hold
//! a connection open for ever.

use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long a client may take to send a request's headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long open connections get to finish once `quit` resolves.
const GRACE: Duration = Duration::from_secs(2);

/// Serves `app` on `listener` until `quit` resolves.
pub async fn serve(listener: TcpListener, app: Router, quit: impl Future<Output = ()>) {
    let (closing, closed) = tokio::sync::watch::channel(());
    let mut open = tokio::task::JoinSet::new();
    let mut quit = std::pin::pin!(quit);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait, then go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut quit => break,
        };
        let service = TowerToHyperService::new(
            app.clone()
                .map_request(|r: hyper::Request<Incoming>| r.map(axum::body::Body::new)),
        );
        let mut closed = closed.clone();
        open.spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = closed.changed() => conn.as_mut().graceful_shutdown(),
            }
            let _ = conn.await;
        });
        // Finished connections are not kept.
        while open.try_join_next().is_some() {}
    }
    drop(closing);
    let _ = tokio::time::timeout(GRACE, async { while open.join_next().await.is_some() {} }).await;
}
