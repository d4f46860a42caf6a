//! End-to-end tests of `salesbook serve`: a real server on loopback, a copy of
//! the sample data, plain HTTP requests and the reload websocket.
#![cfg(feature = "serve")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tungstenite::{Message, WebSocket};

const WAIT: Duration = Duration::from_secs(10);

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A running `salesbook serve`, stopped (SIGTERM, then SIGKILL) when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    /// The server's private temporary folders are created here.
    tmpdir: PathBuf,
}

impl Server {
    fn start(data: &Path, tmpdir: &Path) -> Server {
        std::fs::create_dir_all(tmpdir).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_salesbook"))
            .arg("--data")
            .arg(data)
            .args(["serve", "--port", "0"])
            .env("TMPDIR", tmpdir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start salesbook serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let line = match rx.recv_timeout(WAIT) {
            Ok(l) => l,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("serve did not print its address");
            }
        };
        let url = line
            .strip_prefix("serving http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        let addr = url.trim_end_matches('/').parse().unwrap();
        Server {
            child,
            addr,
            tmpdir: tmpdir.to_path_buf(),
        }
    }

    /// SIGTERM (a clean exit that removes the temporary folder), SIGKILL if
    /// it does not stop in time. Returns whether it exited by itself.
    fn stop(&mut self) -> bool {
        if let Ok(Some(_)) = self.child.try_wait() {
            return true;
        }
        #[cfg(unix)]
        {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        false
    }

    /// `GET path` with the path sent exactly as given; (status, body).
    fn get(&self, path: &str) -> (u16, String) {
        self.get_with(path, &format!("Host: {}\r\n", self.addr))
    }

    /// `GET path` with exactly these header lines (each ending in CRLF);
    /// (status, the whole response after the status line for redirects, or the body).
    fn get_with(&self, path: &str, headers: &str) -> (u16, String) {
        let mut s = TcpStream::connect(self.addr).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no status in {text:?}"));
        let body = if (300..400).contains(&status) {
            text
        } else {
            text.split_once("\r\n\r\n")
                .map(|(_, b)| b.to_string())
                .unwrap_or_default()
        };
        (status, body)
    }

    fn socket(&self) -> WebSocket<TcpStream> {
        let s = TcpStream::connect(self.addr).unwrap();
        s.set_read_timeout(Some(WAIT)).unwrap();
        let url = format!("ws://{}/__salesbook/ws", self.addr);
        let (ws, _) = tungstenite::client(url.as_str(), s).expect("websocket handshake");
        ws
    }

    fn temp_folders(&self) -> usize {
        std::fs::read_dir(&self.tmpdir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("salesbook-serve-")
            })
            .count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Reads socket messages until one satisfies `want`; panics after WAIT.
fn wait_for(ws: &mut WebSocket<TcpStream>, want: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        match ws.read() {
            Ok(Message::Text(t)) => {
                let v: Value = serde_json::from_str(t.as_str()).unwrap();
                if want(&v) {
                    return v;
                }
            }
            Ok(_) => {}
            Err(e) => panic!("websocket: {e}"),
        }
    }
    panic!("no matching message on the websocket");
}

fn version(v: &Value) -> u64 {
    v["version"].as_u64().unwrap()
}

#[test]
fn serves_rebuilds_reloads_and_shows_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let mut server = Server::start(&data, &tmp.path().join("tmp"));

    // Pages: the dashboard of the as-of month, with the reload script (a file,
    // for the CSP) injected in serve only.
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("2023-10"), "dashboard shows the as-of month");
    assert!(home.contains(r#"<script src="/__salesbook/livereload.js" defer></script>"#));
    assert!(!home.contains("<script>"), "no inline script");
    let (status, month) = server.get("/months/2023-10/");
    assert_eq!(status, 200);
    assert!(month.contains("2023-10"));
    let (status, js) = server.get("/__salesbook/livereload.js");
    assert_eq!(status, 200);
    assert!(js.contains("WebSocket"));
    assert_eq!(server.get("/static/style.css").0, 200);
    assert_eq!(server.get("/no-such-page.html").0, 404);
    assert_eq!(server.temp_folders(), 1);

    // A changed file: a rebuild and a reload message.
    let mut ws = server.socket();
    let hello = wait_for(&mut ws, |v| v["type"] == "hello");
    assert_eq!(hello["ok"], true);
    let lead = data.join("leads/LX001.toml");
    let original = std::fs::read_to_string(&lead).unwrap();
    let saved = Instant::now();
    std::fs::write(&lead, format!("{original}\n# reviewed\n")).unwrap();
    let reload = wait_for(&mut ws, |v| v["type"] == "reload");
    eprintln!("save → reload message: {} ms", saved.elapsed().as_millis());
    assert!(version(&reload) > version(&hello));
    assert_eq!(reload["ok"], true);
    assert_ne!(reload["tag"], hello["tag"]);
    let (status, _) = server.get("/");
    assert_eq!(status, 200);

    // Editor noise does not rebuild: only the next real change does.
    std::fs::write(data.join("leads/.#LX001.toml"), "lock").unwrap();
    std::fs::write(data.join("leads/LX001.toml~"), "backup").unwrap();
    std::fs::write(data.join("leads/4913"), "").unwrap();
    // Longer than the debounce, so these would be a burst (and a build) of their own.
    std::thread::sleep(Duration::from_millis(600));

    // An error in a file: the page shows it (file and line) instead of the site.
    let broken = original.replace(
        "first_contact = 2023-10-08T15:30:00",
        "first_contact = \"soon\"",
    );
    assert_ne!(broken, original, "the sample line to break exists");
    let line = broken
        .lines()
        .position(|l| l.starts_with("first_contact"))
        .unwrap()
        + 1;
    std::fs::write(&lead, &broken).unwrap();
    let failed = wait_for(&mut ws, |v| v["type"] == "reload");
    assert_eq!(
        version(&failed),
        version(&reload) + 1,
        "editor temp files did not trigger a build"
    );
    assert_eq!(failed["ok"], false);
    let (status, page) = server.get("/");
    assert_eq!(status, 500);
    assert!(
        page.contains(&format!("leads/LX001.toml:{line}:")),
        "file and line shown: {page}"
    );
    assert!(page.contains("first_contact"));
    assert!(
        page.contains("/__salesbook/livereload.js"),
        "the error page reloads too"
    );
    let (status, deal_page) = server.get("/months/2023-10/");
    assert_eq!(
        status, 500,
        "every page shows the errors, not stale content"
    );
    assert!(deal_page.contains("leads/LX001.toml"));
    let (_, errors) = server.get("/__salesbook/errors.json");
    let errors: Value = serde_json::from_str(&errors).unwrap();
    assert_eq!(errors[0]["file"], "leads/LX001.toml");
    assert_eq!(errors[0]["line"], line);
    // Assets of the last good build are still served (the overlay is a page).
    assert_eq!(server.get("/static/style.css").0, 200);

    // Fixing the file brings the site back.
    std::fs::write(&lead, &original).unwrap();
    let fixed = wait_for(&mut ws, |v| v["type"] == "reload" && v["ok"] == true);
    assert!(version(&fixed) > version(&failed));
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("2023-10"));
    assert_eq!(server.get("/__salesbook/errors.json").1.trim(), "[]");
    drop(ws);

    // A clean stop removes the temporary build folder.
    if cfg!(unix) {
        assert!(server.stop(), "serve stops on SIGTERM");
        assert_eq!(server.temp_folders(), 0, "temporary folder removed");
    }
}

#[test]
fn traversal_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    std::fs::write(tmp.path().join("secret.txt"), "TOP-SECRET").unwrap();
    let server = Server::start(&data, &tmp.path().join("tmp"));
    for path in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/static/..%5c..%5cCargo.toml",
        "/static/../../Cargo.toml",
        "/static/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/%2fetc%2fpasswd",
        "//etc/passwd",
        "/index.html%00.css",
        "/.salesbook-site",
        "/%zz",
    ] {
        let (status, body) = server.get(path);
        assert!(
            [400, 403, 404].contains(&status),
            "{path}: status {status} {body}"
        );
        assert!(!body.contains("root:"), "{path} leaked /etc/passwd");
        assert!(!body.contains("[package]"), "{path} leaked Cargo.toml");
        assert!(!body.contains("TOP-SECRET"), "{path} leaked a file");
    }
    // Legitimate paths still work.
    assert_eq!(server.get("/").0, 200);
    assert_eq!(server.get("/index.html?x=1").0, 200);
    assert_eq!(server.get("/months").0, 308);
}

/// DNS rebinding and cross-origin reads (issue 21): only requests addressed to
/// the server by a loopback name or its bound address are answered; another
/// site's page can neither read a page nor open the websocket; redirects stay
/// on this origin.
#[test]
fn only_requests_addressed_to_this_server_are_answered() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let server = Server::start(&data, &tmp.path().join("tmp"));
    let port = server.addr.port();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "localhost".into(),
    ] {
        assert_eq!(
            server.get_with("/", &format!("Host: {host}\r\n")).0,
            200,
            "{host}"
        );
    }
    for headers in [
        format!("Host: rebind.attacker.example:{port}\r\n"),
        "Host: rebind.attacker.example\r\n".to_string(),
        String::new(),
        format!("Host: localhost:{port}\r\nOrigin: http://attacker.example\r\n"),
        format!("Host: localhost:{port}\r\nOrigin: null\r\n"),
    ] {
        for path in ["/", "/data/kpis.json", "/__salesbook/errors.json"] {
            let (status, body) = server.get_with(path, &headers);
            assert_eq!(status, 403, "{path} with {headers:?}: {body}");
        }
    }
    // Same-origin requests from the server's own pages pass.
    let own = format!("Host: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n");
    assert_eq!(server.get_with("/", &own).0, 200);
    // A websocket opened by another site's page is refused.
    let s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    let req = tungstenite::client::IntoClientRequest::into_client_request(format!(
        "ws://{}/__salesbook/ws",
        server.addr
    ))
    .map(|mut r| {
        r.headers_mut()
            .insert("Origin", "http://attacker.example".parse().unwrap());
        r
    })
    .unwrap();
    assert!(tungstenite::client(req, s).is_err());
    // `//customers` redirects within this site, never to the host `customers`.
    let (status, head) = server.get("//customers");
    assert_eq!(status, 308, "{head}");
    let location = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .unwrap_or_default();
    assert_eq!(location.trim(), "/customers/", "{head}");
}

/// A client that never finishes its request headers (slowloris) is cut off
/// after the header-read timeout (10 s), while the live-reload socket, idle
/// for as long, stays open.
#[test]
fn a_request_whose_headers_never_end_is_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let server = Server::start(&data, &tmp.path().join("tmp"));
    let mut ws = server.socket();
    let mut slow = TcpStream::connect(server.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: a")
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 512];
    // Closed (0 bytes, or a reset), or answered 408: not held until our timeout.
    let n = slow.read(&mut buf).unwrap_or(0);
    assert!(
        n == 0 || String::from_utf8_lossy(&buf[..n]).contains("408"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
    assert!(started.elapsed() < Duration::from_secs(29), "held open");
    // The reload socket still works: a change is announced on it.
    let lead = data.join("leads/LX001.toml");
    let text = std::fs::read_to_string(&lead).unwrap();
    std::fs::write(&lead, text + "\n").unwrap();
    let reload = wait_for(&mut ws, |v| v["type"] == "reload");
    assert_eq!(reload["ok"], true);
}
