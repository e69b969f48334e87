//! A tiny HTTP/1.1 server that imitates a Label Studio ML backend, for tests.
//!
//! Built on `std::net::TcpListener` only (plus `serde_json`, which the crate
//! already depends on, to read the `/predict` body). It listens on
//! `127.0.0.1:0`, handles each connection in its own thread, answers with
//! `Content-Length` and `Connection: close`, and stops when the
//! [`TestServer`] is dropped: the accept loop is nonblocking and polls a
//! shutdown flag, every connection thread polls the same flag, and `Drop`
//! joins them all, so no thread outlives the server.
//!
//! The file is self-contained (no `crate::` paths) so that another test suite
//! can include it with `#[path = "…/test_server.rs"] mod test_server;`.

// Each consumer uses a different subset of the behaviours and accessors.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long the accept loop and the connection threads sleep between polls.
const POLL: Duration = Duration::from_millis(5);
/// A request whose head and body have not arrived by then is abandoned.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);
/// Largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// What the server does.
#[derive(Clone, Debug)]
pub enum Behaviour {
    /// `/health` → `{"status":"UP","model_class":"EchoBackend"}`; `/predict` →
    /// one prediction per task, with one `labels` region (label `label`,
    /// score 0.9, `value.text` set) per occurrence of `needle` in the task's
    /// text, offsets in chars (Unicode scalar values, as Python counts).
    Echo { label: String, needle: String },
    /// Like [`Behaviour::Echo`] but the offsets are UTF-16 code units, as
    /// Label Studio's JavaScript frontend counts them.
    Utf16Offsets { label: String, needle: String },
    /// Every request → 200 with a body that is not JSON.
    Garbage,
    /// Every request → 500 with a Label Studio ML style error body
    /// (`{"status":500,"detail":"…","result":{"traceback":"…"}}`).
    Status500,
    /// Accepts and reads the request, then never answers (until dropped).
    Silent,
    /// `/health` → UP; `/predict` → one prediction more than there were tasks.
    WrongCount,
    /// Every request → `status` with this body (`application/json`).
    Fixed { status: u16, body: String },
    /// Every request → 200 with this body, sent without `Content-Length`
    /// and ended by closing the connection.
    NoLength { body: String },
}

/// One request the server received.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// First header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A running test server; dropping it stops it.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    shutdown: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<Recorded>>>,
    accept_thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Binds `127.0.0.1:0` and starts serving `behaviour` in a thread.
    pub fn start(behaviour: Behaviour) -> io::Result<TestServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let url = format!("http://{}", listener.local_addr()?);
        let shutdown = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let accept_thread = {
            let shutdown = Arc::clone(&shutdown);
            let requests = Arc::clone(&requests);
            thread::Builder::new()
                .name("test-server-accept".into())
                .spawn(move || accept_loop(listener, behaviour, shutdown, requests))?
        };
        Ok(TestServer {
            url,
            shutdown,
            requests,
            accept_thread: Some(accept_thread),
        })
    }

    /// The requests received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        match self.requests.lock() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown.store(true, Ordering::SeqCst);
        if let Some(handle) = self.accept_thread.take() {
            // A panic in the server thread has already been reported; there
            // is nothing useful to do with it while dropping.
            let _ = handle.join();
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    behaviour: Behaviour,
    shutdown: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<Recorded>>>,
) {
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    while !shutdown.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let behaviour = behaviour.clone();
                let shutdown = Arc::clone(&shutdown);
                let requests = Arc::clone(&requests);
                let spawned = thread::Builder::new()
                    .name("test-server-conn".into())
                    .spawn(move || {
                        // Errors only mean the client went away.
                        let _ = serve(stream, &behaviour, &shutdown, &requests);
                    });
                if let Ok(handle) = spawned {
                    workers.push(handle);
                }
                workers.retain(|w| !w.is_finished());
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::sleep(POLL),
            Err(_) => thread::sleep(POLL),
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
}

fn serve(
    mut stream: TcpStream,
    behaviour: &Behaviour,
    shutdown: &AtomicBool,
    requests: &Mutex<Vec<Recorded>>,
) -> io::Result<()> {
    // The accepted socket may inherit nonblocking mode on some platforms.
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_millis(50)))?;
    let Some(request) = read_request(&mut stream, shutdown)? else {
        return Ok(());
    };
    match requests.lock() {
        Ok(mut guard) => guard.push(request.clone()),
        Err(poisoned) => poisoned.into_inner().push(request.clone()),
    }

    let (status, content_type, body) = match behaviour {
        Behaviour::Silent => {
            while !shutdown.load(Ordering::SeqCst) {
                thread::sleep(POLL);
            }
            return Ok(());
        }
        Behaviour::Garbage => (
            200,
            "text/html",
            "<html><body>this is not a model server</body></html>".to_string(),
        ),
        Behaviour::Status500 => (
            500,
            "application/json",
            json!({
                "status": 500,
                "detail": "ValueError: the test server was told to fail",
                "request": {},
                "result": {"traceback": "Traceback (most recent call last): ..."},
            })
            .to_string(),
        ),
        Behaviour::Fixed { status, body } => (*status, "application/json", body.clone()),
        Behaviour::NoLength { body } => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
            stream.write_all(head.as_bytes())?;
            stream.write_all(body.as_bytes())?;
            stream.flush()?;
            return stream.shutdown(Shutdown::Write);
        }
        Behaviour::Echo { .. } | Behaviour::Utf16Offsets { .. } | Behaviour::WrongCount => {
            route(behaviour, &request)
        }
    };
    write_response(&mut stream, status, content_type, &body)
}

fn route(behaviour: &Behaviour, request: &Recorded) -> (u16, &'static str, String) {
    let path = request.path.split('?').next().unwrap_or("");
    match (request.method.as_str(), path) {
        ("GET", "/health") | ("GET", "/") => (
            200,
            "application/json",
            json!({"status": "UP", "model_class": "EchoBackend"}).to_string(),
        ),
        ("POST", "/predict") => match predict(behaviour, &request.body) {
            Ok(body) => (200, "application/json", body.to_string()),
            Err(detail) => (
                400,
                "application/json",
                json!({"status": 400, "detail": detail}).to_string(),
            ),
        },
        _ => (
            404,
            "application/json",
            json!({"status": 404, "detail": "not found"}).to_string(),
        ),
    }
}

fn predict(behaviour: &Behaviour, body: &str) -> Result<Value, String> {
    let request: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let tasks = request
        .get("tasks")
        .and_then(Value::as_array)
        .ok_or("no tasks list")?;
    let mut results = Vec::with_capacity(tasks.len() + 1);
    for task in tasks {
        let text = task
            .get("data")
            .and_then(|d| d.get("text"))
            .and_then(Value::as_str)
            .ok_or("a task has no data.text")?;
        let regions = match behaviour {
            Behaviour::Echo { label, needle } => echo_regions(text, label, needle, false),
            Behaviour::Utf16Offsets { label, needle } => echo_regions(text, label, needle, true),
            _ => Vec::new(),
        };
        results.push(json!({
            "result": regions,
            "score": 0.9,
            "model_version": "echo-1",
        }));
    }
    if let Behaviour::WrongCount = behaviour {
        results.push(json!({"result": [], "score": 0.9, "model_version": "echo-1"}));
    }
    Ok(json!({ "results": results }))
}

fn echo_regions(text: &str, label: &str, needle: &str, utf16: bool) -> Vec<Value> {
    if needle.is_empty() {
        return Vec::new();
    }
    let count = |s: &str| {
        if utf16 {
            s.encode_utf16().count()
        } else {
            s.chars().count()
        }
    };
    text.match_indices(needle)
        .map(|(at, found)| {
            let start = count(&text[..at]);
            json!({
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {
                    "start": start,
                    "end": start + count(found),
                    "text": found,
                    "labels": [label],
                },
                "score": 0.9,
            })
        })
        .collect()
}

/// Reads one request: request line, headers, and a `Content-Length` body.
/// `Ok(None)` when the client closed, the server is stopping, or the request
/// is malformed or too slow.
fn read_request(stream: &mut TcpStream, shutdown: &AtomicBool) -> io::Result<Option<Recorded>> {
    let deadline = Instant::now() + REQUEST_DEADLINE;
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];

    let head_end = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD {
            return Ok(None);
        }
        match read_some(stream, &mut chunk, shutdown, deadline)? {
            Some(0) | None => return Ok(None),
            Some(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };

    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or("").split_whitespace();
    let (Some(method), Some(path)) = (request_line.next(), request_line.next()) else {
        return Ok(None);
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };

    let length: usize = match header("content-length") {
        Some(v) => match v.parse() {
            Ok(n) if n <= MAX_BODY => n,
            _ => return Ok(None),
        },
        None => 0,
    };
    if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }

    let mut body = buf.split_off(head_end + 4);
    while body.len() < length {
        match read_some(stream, &mut chunk, shutdown, deadline)? {
            Some(0) | None => return Ok(None),
            Some(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(length);

    Ok(Some(Recorded {
        method: method.to_string(),
        path: path.to_string(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }))
}

/// One read, retried across read timeouts; `None` when stopping or too late.
fn read_some(
    stream: &mut TcpStream,
    chunk: &mut [u8],
    shutdown: &AtomicBool,
    deadline: Instant,
) -> io::Result<Option<usize>> {
    loop {
        if shutdown.load(Ordering::SeqCst) || Instant::now() >= deadline {
            return Ok(None);
        }
        match stream.read(chunk) {
            Ok(n) => return Ok(Some(n)),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e),
        }
    }
}

fn write_response(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &str,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()?;
    stream.shutdown(Shutdown::Write)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
