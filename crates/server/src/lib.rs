//! `patq serve`: a local web dashboard over one dataset — the report's figures under filters
//! (filing years, company country, office, company, topic, industry), drill-down from a bar or
//! table cell to the applications behind it, and every table as CSV or JSON.
//!
//! Start-up does the heavy work once ([`Dashboard::new`]: corpus, topic and industry
//! membership, quality index); a request only validates its parameters ([`params`]), selects
//! application indices and reruns the indicator suite ([`Dashboard::compute`]).

pub mod page;
pub mod params;
pub mod routes;
pub mod state;
pub mod view;

use std::sync::Arc;

pub use params::{ParamError, Selection};
pub use state::{Dashboard, Setup};

/// Serves `dashboard` on an already bound listener until Ctrl-C (or the process is killed).
/// Binding is the caller's job so it can print the address before serving.
pub fn serve(listener: std::net::TcpListener, dashboard: Dashboard) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let limits = routes::Limits::for_addr(listener.local_addr()?);
        let app = routes::router(Arc::new(dashboard), &limits);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                // Without a signal handler (no terminal), serve until killed.
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            })
            .await
    })
}
