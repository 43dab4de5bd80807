//! Serving connections ourselves (hyper's HTTP/1 connection under our own accept loop) rather
//! than through `axum::serve`, so that every connection is bounded:
//!
//! - at most [`ConnLimits::max_connections`] are served at once; one past the cap gets a short
//!   503 with the security headers and a JSON error, then is closed;
//! - a connection must send its first request's header within the header timeout of
//!   connecting, a later request's header within the header timeout of its first byte, and
//!   is closed after the idle timeout without a request (keep-alive);
//! - a request head is at most [`HEAD_LIMIT`] bytes (hyper's buffer), more is a 431;
//! - the answers hyper writes by itself for a request it cannot parse (400, 414, 431) never
//!   reach the router, so they are rewritten on their way out with the security headers and a
//!   JSON error like every other answer.

use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::StatusCode;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tower::ServiceExt;

use crate::routes::SECURITY_HEADERS;

/// Connections served at once unless `--max-connections` says otherwise. Each open connection
/// holds a socket, a task and hyper's buffers; past the cap a new connection is answered 503
/// and closed at once, so idle or slow connections can never lock other clients out for
/// longer than the header timeout. 512 keeps the process, with the refusals under way and its
/// own files, under the usual limit of 1,024 open files per process, while a browser opens at
/// most 6 connections to one server: room for dozens of people at once.
pub const MAX_CONNECTIONS: usize = 512;

/// Time a connection has to send a complete request header.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Time a kept-alive connection may wait for its next request, and a connection in the middle
/// of a request may go without reading or writing a byte.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// hyper's read buffer, hence the largest request head (request line and header fields); a
/// longer one gets 431. The dashboard's longest legitimate head is a 4 KB query plus a
/// browser's usual headers.
pub const HEAD_LIMIT: usize = 16 * 1024;

/// Refused connections being answered at once; past this a refused connection gets what of
/// the 503 its socket takes at once and is closed.
const REFUSING: usize = 128;

/// How long a refused connection is kept open at most, reading what the client sent, and how
/// long it is kept once the client goes quiet: closing a socket with unread bytes resets the
/// connection, and a reset makes the client's system discard the 503 before it is read. A
/// client's request follows its connect at once; an idle one is not waited for long.
const LINGER: Duration = Duration::from_secs(1);
const LINGER_QUIET: Duration = Duration::from_millis(200);

/// How connections are bounded (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnLimits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
}

impl Default for ConnLimits {
    fn default() -> ConnLimits {
        ConnLimits {
            max_connections: MAX_CONNECTIONS,
            header_timeout: HEADER_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
        }
    }
}

/// Accepts connections on `listener` and serves `app` on each within `limits`, until
/// `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let refusing = Arc::new(Semaphore::new(REFUSING));
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        // Answers are written whole; waiting to coalesce them only adds latency.
        let _ = stream.set_nodelay(true);
        match Arc::clone(&slots).try_acquire_owned() {
            Ok(slot) => {
                tokio::spawn(serve_connection(stream, app.clone(), limits, slot));
            }
            Err(_) => refuse(stream, &refusing, limits.max_connections),
        }
    }
}

/// After a failed accept: a connection reset before it was accepted needs nothing; anything
/// else (out of file descriptors, of memory) is waited out briefly rather than retried in a
/// busy loop, while open connections end.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::*;
    if !matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted
    ) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A complete answer written outside the router: `status` with the security headers, a JSON
/// error body like the router's, and `connection: close`.
pub fn raw_answer(status: u16, error: &str) -> Vec<u8> {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let body = serde_json::json!({ "error": error }).to_string();
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
connection: close\r\n",
        body.len()
    );
    for (name, value) in SECURITY_HEADERS {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(&body);
    head.into_bytes()
}

/// Answers a connection past the cap with 503 and closes it.
fn refuse(mut stream: TcpStream, refusing: &Arc<Semaphore>, cap: usize) {
    let answer = raw_answer(
        503,
        &format!(
            "too many connections: this dashboard serves {cap} at once \
(patq serve --max-connections); try again shortly"
        ),
    );
    let Ok(permit) = Arc::clone(refusing).try_acquire_owned() else {
        // A fresh socket takes the whole answer; what the client already sent is read so the
        // close is a plain one rather than a reset.
        let _ = stream.try_write(&answer);
        let mut sink = [0u8; 4096];
        while matches!(stream.try_read(&mut sink), Ok(n) if n > 0) {}
        return;
    };
    tokio::spawn(async move {
        let _permit = permit;
        let _ = tokio::time::timeout(LINGER, async {
            stream.write_all(&answer).await?;
            stream.shutdown().await?;
            let mut sink = [0u8; 4096];
            while let Ok(read) = tokio::time::timeout(LINGER_QUIET, stream.read(&mut sink)).await {
                if read? == 0 {
                    break;
                }
            }
            Ok::<_, io::Error>(())
        })
        .await;
    });
}

/// Serves one connection until it ends, fails or its deadline passes (see [`Watch`]); the
/// slot is given back when it ends.
async fn serve_connection(
    stream: TcpStream,
    app: Router,
    limits: ConnLimits,
    _slot: OwnedSemaphorePermit,
) {
    let watch = Arc::new(Watch::new());
    let io = TokioIo::new(Guarded {
        inner: stream,
        watch: Arc::clone(&watch),
        pending: Vec::new(),
        sent: 0,
    });
    let w = Arc::clone(&watch);
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let app = app.clone();
        let watch = Arc::clone(&w);
        watch.request_started();
        async move {
            let r = app.oneshot(req).await;
            r.map(|resp| resp.map(|body| Tracked { body, watch }))
        }
    });
    // hyper's own header timer also runs while a kept-alive connection waits, so the two
    // deadlines are the watch's instead.
    let conn = hyper::server::conn::http1::Builder::new()
        .header_read_timeout(None)
        .keep_alive(true)
        .max_buf_size(HEAD_LIMIT)
        .serve_connection(io, service);
    tokio::select! {
        _ = conn => {}
        () = watch.expired(limits) => {}
    }
}

/// What a connection is doing, for its deadline.
struct Watch {
    state: Mutex<WatchState>,
}

struct WatchState {
    /// Requests whose answer is not yet written (more than one only when pipelined).
    busy: usize,
    /// Whether an answer was written: the first request's header is timed from connecting.
    served: bool,
    /// When the connection was accepted, or its last answer written.
    waiting_since: Instant,
    /// First byte of a request header read since then.
    head_started: Option<Instant>,
    /// Last byte read or written.
    last_io: Instant,
}

impl Watch {
    fn new() -> Watch {
        let now = Instant::now();
        Watch {
            state: Mutex::new(WatchState {
                busy: 0,
                served: false,
                waiting_since: now,
                head_started: None,
                last_io: now,
            }),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut WatchState) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn read(&self) {
        let now = Instant::now();
        self.with(|s| {
            s.last_io = now;
            if s.busy == 0 && s.head_started.is_none() {
                s.head_started = Some(now);
            }
        });
    }

    fn wrote(&self) {
        let now = Instant::now();
        self.with(|s| s.last_io = now);
    }

    fn request_started(&self) {
        self.with(|s| {
            s.busy += 1;
            s.head_started = None;
        });
    }

    fn response_done(&self) {
        let now = Instant::now();
        self.with(|s| {
            s.busy = s.busy.saturating_sub(1);
            if s.busy == 0 {
                s.served = true;
                s.waiting_since = now;
                s.head_started = None;
            }
        });
    }

    /// When the connection is closed unless something happens first. A request in progress
    /// has the router's own timeout; only a connection that stops reading or writing
    /// altogether (a client that never reads its answer) is closed then.
    fn deadline(&self, l: &ConnLimits) -> Instant {
        self.with(|s| {
            if s.busy > 0 {
                s.last_io + l.idle_timeout
            } else if !s.served {
                s.waiting_since + l.header_timeout
            } else if let Some(t) = s.head_started {
                t + l.header_timeout
            } else {
                s.waiting_since + l.idle_timeout
            }
        })
    }

    /// Completes once the deadline has passed with nothing having moved it.
    async fn expired(&self, l: ConnLimits) {
        loop {
            let d = self.deadline(&l);
            if Instant::now() >= d {
                return;
            }
            tokio::time::sleep_until(d).await;
        }
    }
}

/// An answer's body that tells the watch when hyper is done with it.
struct Tracked {
    body: Body,
    watch: Arc<Watch>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.watch.response_done();
    }
}

/// The socket as hyper sees it: reads and writes are reported to the watch, and hyper's own
/// error answers are replaced (see [`decorate`]).
struct Guarded {
    inner: TcpStream,
    watch: Arc<Watch>,
    /// A replacement answer and how much of it is written.
    pending: Vec<u8>,
    sent: usize,
}

impl Guarded {
    /// Writes what is left of the replacement answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
            self.watch.wrote();
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let r = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.watch.read();
        }
        r
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored(cx, &[IoSlice::new(buf)])
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        if let Some((head, answer)) = bufs
            .iter()
            .find(|b| !b.is_empty())
            .and_then(|b| decorate(b))
        {
            this.pending = answer;
            this.sent = 0;
            // Usually written whole right away (a fresh socket takes well over 1 KB); else on
            // the flush hyper does next.
            if let Poll::Ready(Err(e)) = this.poll_pending(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(head));
        }
        let r = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            this.watch.wrote();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// hyper's own answer to a request it could not parse, as (length of its head, our answer):
/// a write that starts with an `HTTP/1.1 4xx` head lacking the security headers, which every
/// answer from the router carries. hyper writes such an answer (head only, no body) as the
/// first thing after the previous answer was flushed, and closes the connection after it.
fn decorate(bytes: &[u8]) -> Option<(usize, Vec<u8>)> {
    if !bytes.starts_with(b"HTTP/1.1 4") {
        return None;
    }
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
    if head.contains("\r\nx-content-type-options:") {
        return None;
    }
    let status: u16 = head.get(9..12)?.parse().ok()?;
    let error = match status {
        400 => "the request is not valid HTTP/1.1".to_string(),
        414 => "request target too long".to_string(),
        431 => format!("request head over {HEAD_LIMIT} bytes or over 100 header fields"),
        _ => "request refused".to_string(),
    };
    Some((end, raw_answer(status, &error)))
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use axum::routing::get;

    use super::*;

    /// A server of one page answering "ok" with the security headers, as the router does.
    async fn start(limits: ConnLimits) -> SocketAddr {
        let app =
            Router::new()
                .route("/", get(|| async { "ok" }))
                .layer(axum::middleware::map_response(
                    |mut r: axum::response::Response| async move {
                        for (name, value) in SECURITY_HEADERS {
                            r.headers_mut()
                                .insert(name, axum::http::HeaderValue::from_static(value));
                        }
                        r
                    },
                ));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, app, limits, std::future::pending()));
        addr
    }

    fn limits(max_connections: usize, header_ms: u64, idle_ms: u64) -> ConnLimits {
        ConnLimits {
            max_connections,
            header_timeout: Duration::from_millis(header_ms),
            idle_timeout: Duration::from_millis(idle_ms),
        }
    }

    const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    /// One answer off a kept-alive connection: (head, body), the body by its content-length.
    async fn answer(s: &mut TcpStream) -> (String, String) {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            assert_eq!(s.read(&mut byte).await.unwrap(), 1, "closed mid-head");
            buf.push(byte[0]);
        }
        let head = String::from_utf8(buf).unwrap().to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .map_or(0, |n| n.trim().parse().unwrap());
        let mut body = vec![0u8; len];
        s.read_exact(&mut body).await.unwrap();
        (head, String::from_utf8(body).unwrap())
    }

    /// Reads until the server closes; how long that took.
    async fn closed_after(s: &mut TcpStream) -> Duration {
        let t0 = Instant::now();
        let mut sink = [0u8; 1024];
        let read = tokio::time::timeout(Duration::from_secs(10), async {
            while matches!(s.read(&mut sink).await, Ok(n) if n > 0) {}
        });
        read.await.expect("the server closes the connection");
        t0.elapsed()
    }

    fn assert_hardened(head: &str) {
        for (name, value) in SECURITY_HEADERS {
            let line = format!("\r\n{name}: {}\r\n", value.to_ascii_lowercase());
            assert!(head.contains(&line), "{name} missing in\n{head}");
        }
    }

    #[tokio::test]
    async fn past_the_cap_a_clear_503_then_served_again() {
        let addr = start(limits(2, 5_000, 5_000)).await;
        let mut idle = Vec::new();
        for _ in 0..2 {
            idle.push(TcpStream::connect(addr).await.unwrap());
        }
        // Give the accept loop time to take both slots.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(GET).await.unwrap();
        let (head, body) = answer(&mut s).await;
        assert!(head.starts_with("http/1.1 503 "), "{head}");
        assert!(head.contains("\r\nconnection: close\r\n"), "{head}");
        assert_hardened(&head);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(
            v["error"].as_str().unwrap().contains("serves 2 at once"),
            "{v}"
        );
        closed_after(&mut s).await;
        drop(idle);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(GET).await.unwrap();
        let (head, body) = answer(&mut s).await;
        assert!(head.starts_with("http/1.1 200 "), "{head}");
        assert_eq!(body, "ok");
    }

    #[tokio::test]
    async fn a_partial_header_is_closed_at_the_header_timeout() {
        let addr = start(limits(8, 300, 5_000)).await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHo").await.unwrap();
        let took = closed_after(&mut s).await;
        assert!(took >= Duration::from_millis(250), "{took:?}");
        assert!(took < Duration::from_secs(3), "{took:?}");
        // Nothing at all is timed from the connect.
        let mut s = TcpStream::connect(addr).await.unwrap();
        assert!(closed_after(&mut s).await < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn an_idle_keep_alive_connection_is_closed_at_the_idle_timeout() {
        let addr = start(limits(8, 200, 1_200)).await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(GET).await.unwrap();
        assert_eq!(answer(&mut s).await.1, "ok");
        // Waiting longer than the header timeout between requests is fine...
        tokio::time::sleep(Duration::from_millis(500)).await;
        s.write_all(GET).await.unwrap();
        assert_eq!(answer(&mut s).await.1, "ok");
        // ...until the idle timeout.
        let took = closed_after(&mut s).await;
        assert!(took >= Duration::from_millis(1_000), "{took:?}");
        assert!(took < Duration::from_secs(4), "{took:?}");
    }

    #[tokio::test]
    async fn hypers_own_refusals_carry_the_security_headers() {
        let addr = start(ConnLimits::default()).await;
        let big = format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\n\r\n",
            "a".repeat(HEAD_LIMIT + 100)
        );
        for (request, status) in [
            (big.as_bytes(), "431"),
            (&b"NOT HTTP AT ALL\r\n\r\n"[..], "400"),
            (&b"GET / HTTP/1.1\r\nBad Header\r\n\r\n"[..], "400"),
        ] {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(request).await.unwrap();
            let (head, body) = answer(&mut s).await;
            assert!(head.starts_with(&format!("http/1.1 {status} ")), "{head}");
            assert_hardened(&head);
            assert!(head.contains("content-type: application/json"), "{head}");
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(v["error"].is_string(), "{v}");
        }
    }

    #[test]
    fn only_hypers_own_heads_are_rewritten() {
        let hypers = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n";
        let (len, answer) = decorate(hypers).unwrap();
        assert_eq!(len, hypers.len());
        assert!(String::from_utf8(answer).unwrap().contains("nosniff"));
        let ours = b"HTTP/1.1 400 Bad Request\r\nx-content-type-options: nosniff\r\n\r\n{}";
        assert_eq!(decorate(ours), None);
        assert_eq!(decorate(b"HTTP/1.1 200 OK\r\n\r\n"), None);
        assert_eq!(decorate(b"{\"HTTP/1.1 400\"}"), None);
    }
}
