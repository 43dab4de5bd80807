//! The HTTP surface: the page, the JSON API and the table downloads, with the limits every
//! request gets (GET only, small bodies, a timeout, strict parameters, no caching).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use patq_indicators::explain::{ExplainError, ExplainRow, Spec, explain as explain_spec, rows_csv};
use patq_indicators::suite;
use serde::Serialize;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::params::{self, ParamError, Query};
use crate::state::{Computed, Dashboard};
use crate::{page, view};

/// No endpoint takes a body; anything larger than this is refused unread.
pub const BODY_LIMIT: usize = 1024;

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

/// Compact JSON with the type header; field order is the structs' (deterministic).
fn json_body<T: Serialize>(v: &T) -> Response {
    match serde_json::to_vec(v) {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// The selection's figures, computed off the async workers (the suite is CPU-bound).
async fn computed(d: &Shared, q: &Query) -> Result<Arc<Computed>, ApiError> {
    let (d, s) = (Arc::clone(d), q.selection.clone());
    tokio::task::spawn_blocking(move || d.compute(&s))
        .await
        .map_err(ApiError::internal)
}

/// `Server-Timing` so a person (or a benchmark) can see the recompute time per request.
fn timed(mut r: Response, c: &Computed) -> Response {
    let v = format!("suite;dur={:.1}", c.elapsed.as_secs_f64() * 1000.0);
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

async fn figures(State(d): State<Shared>, RawQuery(raw): RawQuery) -> Api {
    let q = params::parse(raw.as_deref(), &[], &d.known)?;
    let c = computed(&d, &q).await?;
    let v = view::figures(&d, &c).map_err(ApiError::internal)?;
    Ok(timed(json_body(&v), &c))
}

/// `GET /api/explain?spec=F2:grants&<filters>[&limit=N][&format=csv]`.
async fn explain(State(d): State<Shared>, RawQuery(raw): RawQuery) -> Api {
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
    // cheap even when that selection was never shown.
    let (d2, s) = (Arc::clone(&d), q.selection.clone());
    let (sel, f7_office) = tokio::task::spawn_blocking(move || {
        let sel = d2.select(&s);
        let (_, office) = suite::resolve(&d2.corpus, &sel, &suite::Options::default());
        (sel, office)
    })
    .await
    .map_err(ApiError::internal)?;
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
async fn table(State(d): State<Shared>, Path(file): Path<String>, RawQuery(raw): RawQuery) -> Api {
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
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no table named {stem:?}; tables: {}", names.join(", ")),
            Some("file"),
        ));
    }
    let c = computed(&d, &q).await?;
    let Some(o) = c.outputs.iter().find(|o| o.file == stem) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{stem} is not produced for this selection (no application selected)"),
            Some("file"),
        ));
    };
    let disposition = format!("attachment; filename=\"{file}\"");
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
    Ok(timed(r, &c))
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such page; endpoints: /, /api/meta, /api/figures, /api/explain, /api/table/<name>.csv|json",
        None,
    )
}

/// Headers on every answer: nothing cached (figures change with the data behind them), no
/// content sniffing, and a policy that lets the page load nothing from elsewhere.
async fn harden(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
connect-src 'self'; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    r
}

/// The dashboard's routes with their limits.
pub fn router(d: Arc<Dashboard>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/api/meta", get(meta))
        .route("/api/figures", get(figures))
        .route("/api/explain", get(explain))
        .route("/api/table/{file}", get(table))
        .fallback(not_found)
        .layer(axum::middleware::map_response(harden))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .with_state(d)
}
