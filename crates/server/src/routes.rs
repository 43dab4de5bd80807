//! The HTTP surface: the page, the JSON API and the table downloads, with the limits every
//! request gets (GET only, small bodies however framed, a bounded request target, a timeout,
//! strict parameters, no caching, a Host check, a cap on heavy work running at once).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRef, Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use patq_indicators::explain::{ExplainError, ExplainRow, Spec, explain as explain_spec, rows_csv};
use patq_indicators::suite;
use serde::Serialize;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

use crate::params::{self, ParamError, Query};
use crate::state::Dashboard;
use crate::{page, view};

/// No endpoint takes a body; a body larger than this, whether its length is declared or it is
/// sent in chunks, is refused with 413 and the connection closed.
pub const BODY_LIMIT: usize = 1024;

/// Longest request target (path and query) answered; longer gets 414. The query alone is
/// limited to [`params::MAX_QUERY`]; this bounds what a path can make the server match.
pub const URI_LIMIT: usize = 8192;

/// The headers every answer carries, refusals included, and the raw answers written outside
/// the router (see [`crate::conn`]): nothing cached (figures change with the data behind
/// them), no content sniffing, and a policy that lets the page load nothing from elsewhere.
pub const SECURITY_HEADERS: [(&str, &str); 3] = [
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    (
        "content-security-policy",
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
connect-src 'self'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
];

/// A request still running after this gets 408 (the suite runs well under a second on 100k
/// applications; this guards against a stuck client or a pathological dataset).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Default and largest number of rows a drill-down returns as JSON (CSV returns all).
pub const EXPLAIN_ROWS: usize = 200;
pub const EXPLAIN_ROWS_MAX: usize = 10_000;

/// An error answer: status plus `{"error": ..., "param": ...}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

#[derive(Debug, Serialize)]
struct ErrorBody {
    error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    param: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, error: impl Into<String>, param: Option<&str>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: error.into(),
                param: param.map(str::to_string),
            },
        }
    }

    fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string(), None)
    }
}

impl From<ParamError> for ApiError {
    fn from(e: ParamError) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, e.to_string(), Some(&e.param))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, json_body(&self.body)).into_response()
    }
}

type Api = Result<Response, ApiError>;
type Shared = Arc<Dashboard>;

/// Permits for heavy work: a recompute of the suite, the figures' rendering, a drill-down.
type Heavy = Arc<Semaphore>;

/// What a router enforces besides each endpoint's own parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The names requests must give in their Host header (and absolute request target).
    pub hosts: Hosts,
    /// Heavy requests running at once; the rest wait their turn (within
    /// [`REQUEST_TIMEOUT`]). Each recompute holds a selection and every table of the suite, so
    /// this bounds memory as well as CPU whatever the number of clients.
    pub heavy: usize,
}

impl Limits {
    /// The limits for a listener on `addr` answering to `allow` besides its own names (see
    /// [`Hosts::for_addr`]), with one heavy request per core (the suite is CPU-bound; more at
    /// once only adds memory).
    pub fn for_addr(addr: SocketAddr, allow: &[String]) -> Limits {
        Limits {
            hosts: Hosts::for_addr(addr, allow),
            heavy: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// The Host names a server answers to. A web page whose domain an attacker re-points at the
/// server's address (DNS rebinding) still sends its own name as Host, so answering only to
/// known names keeps such a page from reading the dashboard, whatever the bind address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hosts {
    /// The bound port: a name without a port of its own is accepted with this port or none.
    pub port: u16,
    /// Lower-case names (IPv6 literals in brackets), each with the one port it is accepted
    /// with when the user gave one (`--allow-host name:port`).
    pub names: Vec<(String, Option<u16>)>,
}

impl Hosts {
    /// The loopback names (`localhost`, `127.0.0.1`, `[::1]`), the bound address itself when
    /// it is not loopback (`0.0.0.0` included, which only a client on this machine can use),
    /// and the `allow` entries (`name` or `name:port`; an entry whose port does not parse
    /// is left out, so the caller validates them first).
    pub fn for_addr(addr: SocketAddr, allow: &[String]) -> Hosts {
        let mut names: Vec<(String, Option<u16>)> = ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .map(|n| (n.to_string(), None))
            .collect();
        if !addr.ip().is_loopback() {
            let literal = match addr.ip() {
                std::net::IpAddr::V4(ip) => ip.to_string(),
                std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            };
            names.push((literal, None));
        }
        for a in allow {
            let Some(entry) = host_entry(a) else { continue };
            if !names.contains(&entry) {
                names.push(entry);
            }
        }
        Hosts {
            port: addr.port(),
            names,
        }
    }

    /// Whether `host` (a Host header or a request target's authority) names this server. A
    /// name given without a port is accepted with the bound port or none: a browser always
    /// sends the port unless it is the scheme's default, so a portless request reached us on
    /// port 80 (or through a proxy the user set up) or came from a non-browser client,
    /// neither of which a rebinding page can produce under another name.
    pub fn allows(&self, host: &str) -> bool {
        let Some((name, given)) = host_entry(host) else {
            return false;
        };
        self.names.iter().any(|(n, port)| {
            *n == name
                && match port {
                    Some(want) => given == Some(*want),
                    None => given.is_none_or(|p| p == self.port),
                }
        })
    }

    /// The accepted names with their ports, for messages.
    pub fn describe(&self) -> String {
        let shown: Vec<String> = self
            .names
            .iter()
            .map(|(n, p)| format!("{n}:{}", p.unwrap_or(self.port)))
            .collect();
        shown.join(", ")
    }
}

/// `name[:port]` as a lower-case name and its port; None when the port is not plain digits
/// of a u16 (`+80`, `080`, an empty port) or the name is empty. The colons of an IPv6
/// literal are inside its brackets.
pub fn host_entry(host: &str) -> Option<(String, Option<u16>)> {
    let (name, port) = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => (&host[..i], Some(&host[i + 1..])),
        _ => (host, None),
    };
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n.to_string() == p => Some(n),
            _ => return None,
        },
    };
    (!name.is_empty()).then(|| (name.to_ascii_lowercase(), port))
}

/// The router's state: the dashboard and the heavy-work permits.
#[derive(Clone)]
struct AppState {
    dashboard: Shared,
    heavy: Heavy,
}

impl FromRef<AppState> for Shared {
    fn from_ref(s: &AppState) -> Shared {
        Arc::clone(&s.dashboard)
    }
}

impl FromRef<AppState> for Heavy {
    fn from_ref(s: &AppState) -> Heavy {
        Arc::clone(&s.heavy)
    }
}

/// Runs `f` on the blocking pool once a heavy-work permit is free. The permit moves into the
/// task, so a request that timed out still holds it until its computation ends: the cap counts
/// work actually running, not requests still waiting for an answer.
async fn heavy<T: Send + 'static>(
    h: &Heavy,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let permit = Arc::clone(h)
        .acquire_owned()
        .await
        .map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f()
    })
    .await
    .map_err(ApiError::internal)
}

/// Compact JSON with the type header; field order is the structs' (deterministic).
fn json_body<T: Serialize>(v: &T) -> Response {
    match serde_json::to_vec(v) {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// `Server-Timing` so a person (or a benchmark) can see the recompute time per request.
fn timed(mut r: Response, elapsed: Duration) -> Response {
    let v = format!("suite;dur={:.1}", elapsed.as_secs_f64() * 1000.0);
    if let Ok(v) = HeaderValue::from_str(&v) {
        r.headers_mut().insert("server-timing", v);
    }
    r
}

async fn index(State(d): State<Shared>, RawQuery(raw): RawQuery) -> Api {
    // The page reads its filters from the URL; reject a bad link here rather than in script.
    params::parse(raw.as_deref(), &[], &d.known)?;
    let html = page::render(&d.meta);
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

async fn meta(State(d): State<Shared>, RawQuery(raw): RawQuery) -> Api {
    if raw.is_some_and(|r| !r.is_empty()) {
        return Err(ParamError::new("query", "/api/meta takes no parameters").into());
    }
    Ok(json_body(&d.meta))
}

/// `GET /api/coverage`: the field coverage of all applications, computed at start-up; the
/// filters do not apply to it.
async fn coverage(State(d): State<Shared>, RawQuery(raw): RawQuery) -> Api {
    if raw.is_some_and(|r| !r.is_empty()) {
        return Err(ParamError::new("query", "/api/coverage takes no parameters").into());
    }
    Ok(json_body(&d.coverage))
}

async fn figures(State(d): State<Shared>, State(h): State<Heavy>, RawQuery(raw): RawQuery) -> Api {
    let q = params::parse(raw.as_deref(), &[], &d.known)?;
    // Drawing every chart costs about as much as a small recompute: it runs as heavy work
    // too, off the async workers, and once per cached selection.
    heavy(&h, move || {
        let c = d.compute(&q.selection);
        let body = match c.figures_json.get() {
            Some(b) => b.clone(),
            None => {
                let v = view::figures(&d, &c).map_err(ApiError::internal)?;
                let b =
                    axum::body::Bytes::from(serde_json::to_vec(&v).map_err(ApiError::internal)?);
                c.figures_json.get_or_init(|| b).clone()
            }
        };
        let r = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
        Ok(timed(r, c.elapsed))
    })
    .await?
}

/// `GET /api/explain?spec=F2:grants&<filters>[&limit=N][&format=csv]`.
async fn explain(State(d): State<Shared>, State(h): State<Heavy>, RawQuery(raw): RawQuery) -> Api {
    let q = params::parse(raw.as_deref(), &["spec", "limit", "format"], &d.known)?;
    let text = q
        .extra
        .get("spec")
        .ok_or_else(|| ParamError::new("spec", "missing; e.g. spec=F2:grants"))?;
    let spec: Spec = text
        .parse()
        .map_err(|e: ExplainError| ParamError::new("spec", e.to_string().replace('\n', "; ")))?;
    let csv = match q.extra.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ParamError::new("format", format!("{other:?} is not json or csv")).into());
        }
    };
    let limit = match q.extra.get("limit") {
        Some(v) => params::bounded("limit", v, EXPLAIN_ROWS_MAX)?,
        None if csv => usize::MAX,
        None => EXPLAIN_ROWS,
    };
    // Only the selection is needed, not the figures: a drill-down under a row's filter stays
    // cheap even when that selection was never shown. Selecting, resolving and listing rows
    // all read every application, so the whole answer is built as heavy work.
    heavy(&h, move || explain_answer(&d, &q, spec, csv, limit)).await?
}

/// The drill-down answer, built on the blocking pool.
fn explain_answer(d: &Dashboard, q: &Query, spec: Spec, csv: bool, limit: usize) -> Api {
    let sel = d.select(&q.selection);
    let (_, f7_office) = suite::resolve(&d.corpus, &sel, &suite::Options::default());
    // F7 looks at the office the figure showed: the office filter, else the resolved one.
    let office = q
        .selection
        .office
        .clone()
        .or(f7_office)
        .unwrap_or_else(|| "CN".into());
    let e = explain_spec(&d.corpus, &sel, spec, &office)
        .map_err(|e| ParamError::new("spec", e.to_string()))?;
    let rows: Vec<ExplainRow> = e
        .apps
        .iter()
        .take(limit)
        .map(|&i| ExplainRow::new(&d.corpus, i))
        .collect();
    if csv {
        let name = format!(
            "attachment; filename=\"explain-{}.csv\"",
            file_safe(&e.spec.to_string())
        );
        let mut r = (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            rows_csv(&rows),
        )
            .into_response();
        if let Ok(v) = HeaderValue::from_str(&name) {
            r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        return Ok(r);
    }
    #[derive(Serialize)]
    struct Counted {
        n: u64,
        unit: &'static str,
    }
    #[derive(Serialize)]
    struct ExplainView<'a> {
        spec: String,
        selection: &'a params::Selection,
        describe: String,
        f7_office: &'a str,
        applications: usize,
        counted: Option<Counted>,
        shown: usize,
        rows: Vec<ExplainRow>,
    }
    let v = ExplainView {
        spec: e.spec.to_string(),
        selection: &q.selection,
        describe: q.selection.describe(),
        f7_office: &office,
        applications: e.apps.len(),
        counted: e.counted.map(|(n, unit)| Counted { n, unit }),
        shown: rows.len(),
        rows,
    };
    Ok(json_body(&v))
}

/// Spec text as a file-name part: `F9:>=11` -> `F9-ge11`.
fn file_safe(s: &str) -> String {
    s.replace(">=", "ge")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// `GET /api/table/<name>.csv|json?<filters>`: one table under the filters. The name only
/// picks among the computed tables; it never reaches the filesystem.
async fn table(
    State(d): State<Shared>,
    State(h): State<Heavy>,
    file: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Api {
    // A path that does not decode (bad percent-escape, invalid UTF-8) gets the JSON error too.
    let Path(file) = file.map_err(|e| ParamError::new("file", e.body_text()))?;
    let q = params::parse(raw.as_deref(), &[], &d.known)?;
    let (stem, csv) = match (file.strip_suffix(".csv"), file.strip_suffix(".json")) {
        (Some(s), _) => (s, true),
        (_, Some(s)) => (s, false),
        _ => {
            return Err(ParamError::new("file", "must end in .csv or .json").into());
        }
    };
    if !d.tables.contains(stem) {
        let names: Vec<&str> = d.tables.iter().map(String::as_str).collect();
        let shown: String = stem.chars().take(40).collect();
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no table named {shown:?}; tables: {}", names.join(", ")),
            Some("file"),
        ));
    }
    let stem = stem.to_string();
    heavy(&h, move || table_answer(&d, &q, stem, csv)).await?
}

/// One table of the selection's figures, built on the blocking pool.
fn table_answer(d: &Dashboard, q: &Query, stem: String, csv: bool) -> Api {
    let c = d.compute(&q.selection);
    let Some(o) = c.outputs.iter().find(|o| o.file == stem) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{stem} is not produced for this selection (no application selected)"),
            Some("file"),
        ));
    };
    let disposition = format!(
        "attachment; filename=\"{stem}.{}\"",
        if csv { "csv" } else { "json" }
    );
    let mut r = if csv {
        (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            o.csv.clone(),
        )
            .into_response()
    } else {
        let v = view::table_json(o).map_err(ApiError::internal)?;
        let mut bytes = serde_json::to_vec_pretty(&v).map_err(ApiError::internal)?;
        bytes.push(b'\n');
        ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(timed(r, c.elapsed))
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such page; endpoints: /, /api/meta, /api/coverage, /api/figures, /api/explain, /api/table/<name>.csv|json",
        None,
    )
}

/// Puts [`SECURITY_HEADERS`] on every answer the router gives.
async fn harden(mut r: Response) -> Response {
    let h = r.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        h.insert(name, HeaderValue::from_static(value));
    }
    r
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "only GET is served; the dashboard changes nothing",
        None,
    )
}

/// Refuses with 421 a request that does not name this server (see [`Hosts`]). Both the Host
/// header and an absolute request target's authority are checked when present; one of them
/// must be.
async fn check_host(State(hosts): State<Arc<Hosts>>, req: Request, next: Next) -> Response {
    let mut names: Vec<String> = req
        .headers()
        .get_all(header::HOST)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    if let Some(a) = req.uri().authority() {
        names.push(a.as_str().to_string());
    }
    let problem = if names.is_empty() {
        Some("no Host header".to_string())
    } else if req.headers().get_all(header::HOST).iter().count() > 1 {
        Some("more than one Host header".to_string())
    } else {
        names.iter().find(|h| !hosts.allows(h)).map(|h| {
            let shown: String = h.chars().take(60).collect();
            format!("Host {shown:?} is not this server")
        })
    };
    match problem {
        None => next.run(req).await,
        Some(what) => ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "{what}; this dashboard answers only to {} (a guard against DNS rebinding; \
`patq serve --allow-host NAME` adds a name)",
                hosts.describe()
            ),
            Some("host"),
        )
        .into_response(),
    }
}

/// Refuses a request target over [`URI_LIMIT`] (414) and any body over [`BODY_LIMIT`] (413),
/// however it is framed: a declared length over the limit is refused unread, a chunked body
/// is read up to the limit and refused as soon as it passes it. Both refusals close the
/// connection, so the rest of an oversized body is never read.
async fn limit_request(req: Request, next: Next) -> Response {
    use axum::body::HttpBody;
    let target = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target > URI_LIMIT {
        return closing(ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!("request target over {URI_LIMIT} bytes"),
            None,
        ));
    }
    let hint = req.body().size_hint();
    if hint.exact() == Some(0) {
        return next.run(req).await;
    }
    let too_large = || {
        closing(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body over {BODY_LIMIT} bytes; no endpoint takes a body"),
            None,
        ))
    };
    if hint.lower() > BODY_LIMIT as u64 {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => next.run(Request::from_parts(parts, bytes.into())).await,
        // Over the limit, or a chunked body that does not parse: either way the connection
        // holds bytes of unknown extent, so it is closed.
        Err(_) => too_large(),
    }
}

/// An error answer that also tells the client (and hyper) that the connection ends with it.
fn closing(e: ApiError) -> Response {
    let mut r = e.into_response();
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

/// A panic in a handler becomes a 500 with the usual JSON error instead of a dropped
/// connection; the message stays in the server log, not in the answer.
fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error", None).into_response()
}

/// The dashboard's routes with their limits. Layers, innermost first: panics to 500, the Host
/// check, the request target and body limits, the timeout, then the security headers on every
/// answer (refusals included).
pub fn router(d: Arc<Dashboard>, limits: &Limits) -> Router {
    let state = AppState {
        dashboard: d,
        heavy: Arc::new(Semaphore::new(limits.heavy.max(1))),
    };
    Router::new()
        .route("/", get(index))
        .route("/api/meta", get(meta))
        .route("/api/coverage", get(coverage))
        .route("/api/figures", get(figures))
        .route("/api/explain", get(explain))
        .route("/api/table/{file}", get(table))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(limits.hosts.clone()),
            check_host,
        ))
        .layer(axum::middleware::from_fn(limit_request))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::map_response(harden))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::body::Body;
    use axum::http::Request;
    use patq_model::PatentRecord;
    use tower::ServiceExt;

    use super::*;
    use crate::Setup;

    const PORT: u16 = 8080;

    /// Three synthetic applications (US 2019-2021, one applicant): enough for every route to
    /// compute something. Built once; the dashboard leaks its records by design.
    fn dashboard() -> Arc<Dashboard> {
        static D: OnceLock<Arc<Dashboard>> = OnceLock::new();
        Arc::clone(D.get_or_init(|| {
            let records = (1..=3)
                .map(|n: i32| {
                    let mut r = PatentRecord::default();
                    r.app.office = "US".into();
                    r.app.number = format!("1610000{n}").into();
                    r.app.key = patq_model::app_key("US", &r.app.number);
                    r.app.filing_year = Some(2018 + n);
                    r.app.title = Some("SYNTHETIC distributed ledger".into());
                    patq_testkit::add_applicant(&mut r, "SYNTHETIC CORP", "US");
                    r
                })
                .collect();
            Arc::new(Dashboard::new(
                records,
                Setup {
                    title: None,
                    dataset: "synthetic".into(),
                    synthetic: true,
                    taxonomy: patq_enrich::Taxonomy::default(),
                    taxonomy_why: "taxonomy blockchain: the test's".into(),
                    topic_file: None,
                    rank: None,
                },
            ))
        }))
    }

    fn loopback() -> Limits {
        Limits {
            hosts: Hosts::for_addr(([127, 0, 0, 1], PORT).into(), &[]),
            heavy: 1,
        }
    }

    fn request(uri: &str, hosts: &[&str]) -> Request<Body> {
        let mut b = Request::builder().uri(uri);
        for h in hosts {
            b = b.header(header::HOST, *h);
        }
        b.body(Body::empty()).unwrap()
    }

    /// Status, headers and body (as JSON when it parses, else Null) of one request.
    async fn call(
        limits: &Limits,
        req: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
        let r = router(dashboard(), limits).oneshot(req).await.unwrap();
        let (parts, body) = r.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        let v = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (parts.status, parts.headers, v)
    }

    /// Asserts that `hosts` accepts every name of `ok` and none of `bad`.
    fn accepts(hosts: &Hosts, ok: &[&str], bad: &[&str]) {
        for h in ok {
            assert!(hosts.allows(h), "{h} refused by {hosts:?}");
        }
        for h in bad {
            assert!(!hosts.allows(h), "{h} accepted by {hosts:?}");
        }
    }

    #[test]
    fn host_names_of_the_loopback_server() {
        let ok = [
            "127.0.0.1:8080",
            "localhost:8080",
            "LocalHost:8080",
            "[::1]:8080",
            "127.0.0.1",
            "localhost",
            "[::1]",
        ];
        let bad = [
            "evil.example:8080",
            "evil.example",
            "127.0.0.1:8081",
            "localhost:80800",
            "localhost:",
            "localhost.evil.example:8080",
            "127.0.0.1.nip.io:8080",
            "0.0.0.0:8080",
            "::1:8080",
            "[::2]:8080",
            "[::1]:8081",
            "",
        ];
        accepts(&loopback().hosts, &ok, &bad);
    }

    #[test]
    fn host_names_follow_the_bound_address_and_allow_list() {
        let at = |a: &str, allow: &[&str]| {
            let allow: Vec<String> = allow.iter().map(|s| s.to_string()).collect();
            Limits::for_addr(a.parse().unwrap(), &allow).hosts
        };
        let lo = at("127.0.0.1:8080", &[]);
        assert_eq!(lo.describe(), "localhost:8080, 127.0.0.1:8080, [::1]:8080");
        assert!(at("[::1]:9000", &[]).allows("[::1]:9000"));
        // Bound elsewhere: the bound IP literal (with its port) and the loopback names only.
        accepts(
            &at("192.168.1.20:8080", &[]),
            &[
                "192.168.1.20:8080",
                "192.168.1.20",
                "127.0.0.1:8080",
                "localhost",
            ],
            &["192.168.1.20:8081", "evil.example:8080", "192.168.1.2:8080"],
        );
        accepts(
            &at("0.0.0.0:8080", &[]),
            &["0.0.0.0:8080"],
            &["10.0.0.5:8080"],
        );
        assert!(at("[::]:8080", &[]).allows("[::]:8080"));
        // --allow-host: a name takes the bound port or none; name:port exactly that port.
        let named = at(
            "0.0.0.0:8080",
            &["Dash.Example", "proxy.example:443", "10.0.0.5"],
        );
        accepts(
            &named,
            &[
                "dash.example:8080",
                "DASH.example",
                "proxy.example:443",
                "10.0.0.5:8080",
            ],
            &[
                "dash.example:9",
                "proxy.example:8080",
                "proxy.example",
                "x.example",
            ],
        );
        assert!(
            named
                .describe()
                .ends_with("proxy.example:443, 10.0.0.5:8080")
        );
        assert!(Limits::for_addr("127.0.0.1:1".parse().unwrap(), &[]).heavy >= 1);
        assert_eq!(host_entry("a:+80"), None);
        assert_eq!(host_entry(":80"), None);
    }

    /// The field coverage of the three applications: every one has a filing year, none a
    /// filing date; the answer is the same under any filter, which it refuses as parameters.
    #[tokio::test]
    async fn coverage_is_served_once_for_all_applications() {
        let l = loopback();
        let h = &["127.0.0.1:8080"][..];
        let (status, _, v) = call(&l, request("/api/coverage", h)).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["applications"], 3);
        assert!(v["note"].as_str().unwrap().contains("filters do not apply"));
        let row = |field: &str| {
            v["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["field"] == field)
                .unwrap_or_else(|| panic!("{field} missing: {v}"))
                .clone()
        };
        assert_eq!(row("title")["applications"], 3);
        assert_eq!(row("title")["share"], 1.0);
        assert_eq!(row("filing date")["applications"], 0);
        let (status, _, e) = call(&l, request("/api/coverage?country=US", h)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    }

    #[tokio::test]
    async fn loopback_server_refuses_other_hosts_with_json_421() {
        let l = loopback();
        for hosts in [
            &["127.0.0.1:8080"][..],
            &["localhost:8080"],
            &["[::1]:8080"],
        ] {
            let (status, _, _) = call(&l, request("/api/meta", hosts)).await;
            assert_eq!(status, StatusCode::OK, "{hosts:?}");
        }
        for (uri, hosts) in [
            ("/api/meta", &["evil.example:8080"][..]),
            ("/", &["127.0.0.1:9999"]),
            ("/api/figures", &[]),
            ("/api/meta", &["127.0.0.1:8080", "evil.example:8080"]),
            // An absolute request target names the host too, whatever the header says.
            ("http://evil.example:8080/api/meta", &["127.0.0.1:8080"]),
            ("/no/such/page", &["evil.example"]),
        ] {
            let (status, headers, body) = call(&l, request(uri, hosts)).await;
            assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "{uri} {hosts:?}");
            assert_eq!(body["param"], "host", "{uri} {hosts:?}: {body}");
            assert!(
                body["error"].as_str().unwrap().contains("DNS rebinding"),
                "{body}"
            );
            // Refusals carry the hardening headers like every other answer.
            assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        }
        // Bound to another address the check stays, with that address and the allowed names.
        let open = Limits {
            hosts: Hosts::for_addr(([0, 0, 0, 0], PORT).into(), &["dash.example".into()]),
            heavy: 1,
        };
        for (host, want) in [
            ("evil.example:8080", StatusCode::MISDIRECTED_REQUEST),
            ("0.0.0.0:8080", StatusCode::OK),
            ("dash.example:8080", StatusCode::OK),
            ("localhost:8080", StatusCode::OK),
        ] {
            let (status, _, _) = call(&open, request("/api/meta", &[host])).await;
            assert_eq!(status, want, "{host}");
        }
    }

    #[tokio::test]
    async fn bad_paths_methods_and_bodies_get_json_errors() {
        let l = loopback();
        let h = &["127.0.0.1:8080"][..];
        let (status, _, body) = call(&l, request("/api/table/%FF.csv", h)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["param"], "file");
        let (status, _, body) = call(&l, request("/api/table/..%2F..%2Fetc%2Fpasswd.csv", h)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["param"], "file");
        let long = format!("/api/table/{}.csv", "x".repeat(5000));
        let (status, _, body) = call(&l, request(&long, h)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // The echoed name is cut to 40 characters, so the answer stays small.
        assert!(body["error"].as_str().unwrap().len() < 2000, "{body}");
        let post = Request::post("/api/figures")
            .header(header::HOST, "127.0.0.1:8080")
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = call(&l, post).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(
            body["error"].as_str().unwrap().contains("only GET"),
            "{body}"
        );
        let big = Request::get("/api/figures")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::CONTENT_LENGTH, "100000")
            .body(Body::from(vec![b'x'; 100_000]))
            .unwrap();
        let (status, headers, _) = call(&l, big).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(headers[header::CONNECTION], "close");
        // A body of unknown length (chunked) is read only up to the limit, then refused.
        let chunked = |n: usize| {
            Request::get("/api/meta")
                .header(header::HOST, "127.0.0.1:8080")
                .body(Body::new(Chunks { left: n }))
                .unwrap()
        };
        let (status, headers, body) = call(&l, chunked(100_000)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert_eq!(headers[header::CONNECTION], "close");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert!(body["error"].as_str().unwrap().contains("1024"), "{body}");
        let (status, _, _) = call(&l, chunked(200)).await;
        assert_eq!(status, StatusCode::OK);
        // A request target over the limit is a 414 with the usual headers.
        let long = format!("/api/meta?{}", "a".repeat(URI_LIMIT));
        let (status, headers, body) = call(&l, request(&long, h)).await;
        assert_eq!(status, StatusCode::URI_TOO_LONG, "{body}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    /// A body of unknown length sent as 100-byte frames, like a chunked upload.
    struct Chunks {
        left: usize,
    }

    impl axum::body::HttpBody for Chunks {
        type Data = axum::body::Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
            let n = self.left.min(100);
            self.left -= n;
            std::task::Poll::Ready(
                (n > 0).then(|| Ok(hyper::body::Frame::data(vec![b'x'; n].into()))),
            )
        }
    }

    #[tokio::test]
    async fn distinct_selections_at_once_all_answer_with_one_permit() {
        // Eight different selections (none cached), all sent together through one router
        // whose single permit makes them take turns: every one must still get its figures.
        let app = router(dashboard(), &loopback());
        let queries = [
            "",
            "from=2019",
            "from=2020",
            "to=2020",
            "country=US",
            "office=US",
            "from=2019&to=2019",
            "from=2021",
        ];
        let answers = futures_join(queries.iter().map(|q| {
            let app = app.clone();
            let uri = format!("/api/figures?{q}");
            async move {
                let r = app
                    .oneshot(request(&uri, &["127.0.0.1:8080"]))
                    .await
                    .unwrap();
                (uri, r.status())
            }
        }))
        .await;
        assert_eq!(answers.len(), queries.len());
        for (uri, status) in answers {
            assert_eq!(status, StatusCode::OK, "{uri}");
        }
    }

    #[tokio::test]
    async fn figures_are_drawn_once_per_cached_selection() {
        let d = dashboard();
        let uri = "/api/figures?from=2020&to=2021";
        let get = || async {
            let r = router(Arc::clone(&d), &loopback())
                .oneshot(request(uri, &["127.0.0.1:8080"]))
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            axum::body::to_bytes(r.into_body(), usize::MAX)
                .await
                .unwrap()
        };
        let first = get().await;
        let sel = crate::params::parse(Some("from=2020&to=2021"), &[], &d.known)
            .unwrap()
            .selection;
        // The answer is kept with the cached selection and served again byte for byte.
        let kept = d.compute(&sel).figures_json.get().cloned();
        assert_eq!(kept.as_ref(), Some(&first));
        assert_eq!(get().await, first);
        let v: serde_json::Value = serde_json::from_slice(&first).unwrap();
        assert_eq!(v["selected"], 2);
    }

    /// Runs the futures concurrently on the test runtime and collects their outputs in order.
    async fn futures_join<F>(fs: impl Iterator<Item = F>) -> Vec<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let handles: Vec<_> = fs.map(tokio::spawn).collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.unwrap());
        }
        out
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn heavy_work_never_exceeds_the_permits() {
        // 12 jobs, 3 permits: count the jobs inside their critical section at once. The sleep
        // only gives overlapping jobs a chance to meet; the assertion is on the count.
        let permits: Heavy = Arc::new(Semaphore::new(3));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs = (0..12).map(|i| {
            let (p, running, most) = (
                Arc::clone(&permits),
                Arc::clone(&running),
                Arc::clone(&most),
            );
            async move {
                heavy(&p, move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                    i
                })
                .await
                .unwrap()
            }
        });
        let done = futures_join(jobs).await;
        assert_eq!(done, (0..12).collect::<Vec<_>>());
        let most = most.load(Ordering::SeqCst);
        assert!((1..=3).contains(&most), "{most} jobs ran at once");
    }

    async fn boom() -> &'static str {
        panic!("synthetic failure")
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_json() {
        let app: Router = Router::new()
            .route("/", get(boom))
            .layer(CatchPanicLayer::custom(panicked));
        let r = app.oneshot(request("/", &[])).await.unwrap();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["error"], "internal error");
    }
}
