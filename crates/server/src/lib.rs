//! `patq serve`: a local web dashboard over one dataset — the report's figures under filters
//! (filing years, company country, office, company, topic, industry), drill-down from a bar or
//! table cell to the applications behind it, and every table as CSV or JSON.
//!
//! Start-up does the heavy work once ([`Dashboard::new`]: corpus, topic and industry
//! membership, quality index); a request only validates its parameters ([`params`]), selects
//! application indices and reruns the indicator suite ([`Dashboard::compute`]).
//!
//! ```
//! use patq_model::PatentRecord;
//! use patq_server::{Dashboard, Selection, Setup};
//!
//! // Three synthetic US applications filed 2019-2021 by one company.
//! let records = (1..=3)
//!     .map(|n: i32| {
//!         let mut r = PatentRecord::default();
//!         r.app.office = "US".into();
//!         r.app.number = format!("1610000{n}").into();
//!         r.app.key = patq_model::app_key("US", &r.app.number);
//!         r.app.filing_year = Some(2018 + n);
//!         patq_testkit::add_applicant(&mut r, "SYNTHETIC CORP", "US");
//!         r
//!     })
//!     .collect();
//! let dashboard = Dashboard::new(
//!     records,
//!     Setup {
//!         title: None,
//!         dataset: "synthetic".into(),
//!         synthetic: true,
//!         taxonomy: patq_enrich::Taxonomy::default(),
//!         taxonomy_why: "the blockchain taxonomy, for this example".into(),
//!         topic_file: None,
//!         rank: None,
//!     },
//! );
//! // What a request for `?from=2020` computes: the selection, then the whole suite over it.
//! let computed = dashboard.compute(&Selection {
//!     from: Some(2020),
//!     ..Selection::default()
//! });
//! assert_eq!(computed.sel.len(), 2);
//! let f2 = computed.outputs.iter().find(|o| o.id == "F2").unwrap();
//! assert!(f2.csv.lines().any(|l| l.starts_with("US,2,")), "{}", f2.csv);
//! ```

pub mod conn;
pub mod page;
pub mod params;
pub mod routes;
pub mod state;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

pub use conn::ConnLimits;
pub use params::{ParamError, Selection};
pub use state::{Dashboard, Setup};

/// How `patq serve` serves beyond the dashboard itself.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Connections and their deadlines.
    pub conn: ConnLimits,
    /// Host names answered besides the loopback names and the bound address (see
    /// [`routes::Hosts`]).
    pub allow_hosts: Vec<String>,
}

/// Serves `dashboard` on an already bound listener until Ctrl-C (or the process is killed).
/// Binding is the caller's job so it can print the address before serving.
pub fn serve(
    listener: std::net::TcpListener,
    dashboard: Dashboard,
    options: &Options,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let limits = routes::Limits::for_addr(listener.local_addr()?, &options.allow_hosts);
        let app = routes::router(Arc::new(dashboard), &limits);
        conn::serve(listener, app, options.conn, async {
            // Without a signal handler (no terminal), serve until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await;
        Ok(())
    });
    // A recompute still running on the blocking pool is not waited for.
    rt.shutdown_timeout(Duration::from_secs(1));
    served
}
