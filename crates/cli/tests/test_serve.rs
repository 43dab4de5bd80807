//! `patq serve` end to end: the real binary on a small synthetic dataset, checked over plain
//! HTTP (every table equals `patq indicators` under the same filters, every drill-down equals
//! the number it was clicked on, bad parameters get a 400 naming them), then driven as a
//! person would in headless Chromium over the DevTools protocol: apply a filter, read the
//! numbers off the page, click a number, and save screenshots.

use crate::util;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use util::TestCommand;

/// A synthetic dataset of `n` applications in `t`/ds.
fn synthetic(n: u64) -> TestCommand {
    let t = TestCommand::new();
    let n = n.to_string();
    t.run(&[
        "generate",
        "--applications",
        &n,
        "--seed",
        "7",
        "--out",
        "g",
        "--quiet",
    ])
    .expect_code(0);
    t.run(&["ingest", "g", "--out", "ds", "--quiet"])
        .expect_code(0);
    t
}

/// A running `patq serve`; killed when dropped.
struct Server {
    child: Child,
    base: String,
    /// Where a client connects: the printed address, or loopback when bound to every address.
    connect: String,
    /// Stdout lines after the first (there must be none).
    extra: Arc<Mutex<Vec<String>>>,
    /// Stderr lines so far.
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(t: &TestCommand, extra: &[&str]) -> Server {
        let s = Server::launch(t, "ds", extra);
        assert!(
            s.base.starts_with("http://127.0.0.1:"),
            "not on loopback: {}",
            s.base
        );
        s
    }

    /// `patq serve DATASET --port 0 EXTRA...` in `t`'s directory, once it prints its address.
    fn launch(t: &TestCommand, dataset: &str, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_patq"))
            .args(["serve", dataset, "--port", "0"])
            .args(extra)
            .current_dir(t.dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("patq serve starts");
        let stdout = child.stdout.take().unwrap();
        let stderr_pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let stderr_w = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for l in BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
                eprintln!("patq serve: {l}");
                stderr_w.lock().unwrap().push(l);
            }
        });
        let (tx, rx) = mpsc::channel();
        let extra = Arc::new(Mutex::new(Vec::new()));
        let extra_w = Arc::clone(&extra);
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(l)) = lines.next() {
                let _ = tx.send(l);
            }
            // Anything more on stdout breaks the one-line contract.
            for l in lines.map_while(Result::ok) {
                extra_w.lock().unwrap().push(l);
            }
        });
        let line = rx
            .recv_timeout(Duration::from_secs(300))
            .expect("patq serve prints its address");
        let base = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        let (ip, port) = base
            .strip_prefix("http://")
            .and_then(|a| a.rsplit_once(':'))
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        assert!(port.parse::<u16>().is_ok_and(|p| p > 0), "{line:?}");
        let connect = match ip {
            "0.0.0.0" => format!("127.0.0.1:{port}"),
            _ => format!("{ip}:{port}"),
        };
        Server {
            child,
            base,
            connect,
            extra,
            stderr,
        }
    }

    fn addr(&self) -> &str {
        &self.connect
    }

    fn port(&self) -> &str {
        self.connect.rsplit_once(':').unwrap().1
    }

    /// Sends a raw request and returns (status, lower-cased headers, body).
    fn raw(&self, request: &str) -> (u16, BTreeMap<String, String>, Vec<u8>) {
        let mut s = TcpStream::connect(self.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        let split = buf
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("HTTP header end");
        let head = String::from_utf8_lossy(&buf[..split]).into_owned();
        let mut body = buf[split + 4..].to_vec();
        let mut lines = head.lines();
        let status: u16 = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: BTreeMap<String, String> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        if headers.get("transfer-encoding").map(String::as_str) == Some("chunked") {
            body = dechunk(&body);
        }
        (status, headers, body)
    }

    fn get(&self, path: &str) -> (u16, BTreeMap<String, String>, Vec<u8>) {
        self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ))
    }

    fn text(&self, path: &str) -> String {
        let (status, _, body) = self.get(path);
        let body = String::from_utf8(body).unwrap();
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    fn json(&self, path: &str) -> Value {
        serde_json::from_str(&self.text(path)).unwrap()
    }

    /// The JSON error of a request that must fail with `status`.
    fn error(&self, path: &str, status: u16) -> Value {
        let (got, headers, body) = self.get(path);
        let body = String::from_utf8(body).unwrap();
        assert_eq!(got, status, "GET {path}: {body}");
        assert_eq!(headers["content-type"], "application/json", "GET {path}");
        serde_json::from_str(&body).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 4 + size..];
    }
}

/// `patq indicators` under `flags` into `t`/`out`: (selected applications, file -> CSV).
fn indicators(t: &TestCommand, out: &str, flags: &[&str]) -> (u64, BTreeMap<String, String>) {
    let mut args = vec!["indicators", "ds", "--out", out];
    args.extend(flags);
    let run = t.run(&args).expect_code(0);
    let stdout = run.stdout();
    let n = stdout
        .split("indicators for ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no count in {stdout}"));
    let mut csv = BTreeMap::new();
    for e in std::fs::read_dir(t.path(out)).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "csv") {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            csv.insert(stem, std::fs::read_to_string(&p).unwrap());
        }
    }
    (n, csv)
}

/// The figure of table `file` in a `/api/figures` answer.
fn figure<'a>(v: &'a Value, file: &str) -> &'a Value {
    v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == file)
        .unwrap_or_else(|| panic!("no figure {file}"))
}

/// A drill-down cell's number as a count, or None for shares and rates.
fn count(cell: &str) -> Option<u64> {
    cell.parse().ok()
}

/// Checks that every drill-down under the filters `qs` lists as many applications (or
/// families, companies) as the number it hangs on, with the filters the page adds for its
/// row; returns how many were checked.
fn check_drills(s: &Server, qs: &str) -> usize {
    let v = s.json(&format!("/api/figures?{qs}"));
    let mut checked = 0;
    for f in v["figures"].as_array().unwrap() {
        for d in f["drill"].as_array().unwrap() {
            let cell = f["rows"][d["row"].as_u64().unwrap() as usize]
                [d["col"].as_u64().unwrap() as usize]
                .as_str()
                .unwrap();
            // A share or rate cell drills to the applications of its numerator; only count
            // cells can be compared with the list's length (a share of exactly 1 prints "1").
            let column = f["columns"][d["col"].as_u64().unwrap() as usize]
                .as_str()
                .unwrap();
            if column.contains("share") || column.contains("rate") {
                continue;
            }
            let Some(want) = count(cell) else { continue };
            let mut params: Vec<String> = if qs.is_empty() {
                vec![]
            } else {
                vec![qs.to_string()]
            };
            for (k, val) in d["set"].as_object().unwrap() {
                params.push(format!("{k}={}", enc(val.as_str().unwrap())));
            }
            params.push(format!("spec={}", enc(d["spec"].as_str().unwrap())));
            let e = s.json(&format!("/api/explain?{}&limit=1", params.join("&")));
            let got = e["counted"]["n"]
                .as_u64()
                .unwrap_or_else(|| e["applications"].as_u64().unwrap());
            assert_eq!(got, want, "{} {} under {qs}: {d}", f["file"], cell);
            checked += 1;
        }
    }
    checked
}

#[test]
fn api_matches_indicators_and_validates_parameters() {
    let t = synthetic(3000);
    let s = Server::start(&t, &[]);

    let meta = s.json("/api/meta");
    assert_eq!(meta["synthetic"], true);
    assert_eq!(meta["applications"], 3000);
    // The page says which taxonomy it chose and why, and offers every shipped topic profile.
    let why = meta["taxonomy"].as_str().unwrap();
    assert!(
        why.starts_with("taxonomy blockchain (") && why.contains("synthetic corpus"),
        "{why}"
    );
    let topics: Vec<&str> = meta["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(topics, ["none", "default", "drones"]);
    assert!(
        meta["quality_index"]
            .as_str()
            .unwrap()
            .contains("do not apply")
    );
    // The field coverage is the one `patq info --fields` gives, citation lists included.
    let info = t
        .run(&["info", "ds", "--fields", "--json"])
        .expect_code(0)
        .stdout();
    let fields: Value = serde_json::from_str(&info).unwrap();
    assert_eq!(s.json("/api/coverage")["rows"], fields);
    let page = s.text("/");
    assert!(page.contains("class=\"synthetic\""), "no SYNTHETIC banner");
    for external in ["src=", "href=\"http", "<link", "@import", "url("] {
        assert!(!page.contains(external), "page loads {external}");
    }

    // Every table under each filter is byte-identical to `patq indicators` with the same flags.
    // A shipped topic profile is a topic choice; the page keeps the taxonomy it started with
    // (here blockchain), as `--taxonomy` keeps it on the command line.
    let cases: [(&str, &[&str]); 4] = [
        ("", &[]),
        (
            "country=CN&from=2017",
            &["--country", "CN", "--from", "2017"],
        ),
        (
            "to=2018&office=US&topic=default",
            &["--to", "2018", "--office", "US", "--topic", "default"],
        ),
        (
            "topic=drones",
            &["--topic", "drones", "--taxonomy", "blockchain"],
        ),
    ];
    for (k, (qs, flags)) in cases.iter().enumerate() {
        let (n, tables) = indicators(&t, &format!("ind{k}"), flags);
        let v = s.json(&format!("/api/figures?{qs}"));
        assert_eq!(v["selected"], n, "{qs}");
        assert_eq!(v["applications"], 3000);
        let files: Vec<&str> = v["figures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["file"].as_str().unwrap())
            .collect();
        // The suite's tables, then the quality index.
        assert_eq!(files.len(), tables.len() + 2, "{files:?}");
        assert_eq!(
            &files[files.len() - 2..],
            ["T2_quality_index", "F11_top_countries"]
        );
        for (file, csv) in &tables {
            assert!(files.contains(&file.as_str()), "{file} missing under {qs}");
            let got = s.text(&format!("/api/table/{file}.csv?{qs}"));
            assert_eq!(&got, csv, "{file} under {qs}");
        }
        // The page's F2 table shows the same numbers (display form of the CSV cells).
        let f2 = figure(&v, "F2_grants_by_country");
        let world: Vec<&str> = tables["F2_grants_by_country"]
            .lines()
            .find(|l| l.starts_with("WORLD,"))
            .unwrap()
            .split(',')
            .collect();
        let row = f2["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[0] == "WORLD")
            .unwrap();
        assert_eq!(row[1], world[1]);
        assert_eq!(row[2], world[2]);
    }

    // Every drill-down lists as many applications (or families, companies) as the number it
    // hangs on, under the filters the page adds for its row.
    for qs in ["", "country=US", "from=2018&topic=default"] {
        let checked = check_drills(&s, qs);
        assert!(checked > 30, "only {checked} drill-downs under {qs:?}");
    }

    // The drill-down is `patq explain` itself.
    let cli = t
        .run(&[
            "explain",
            "ds",
            "F2:grants",
            "--country",
            "CN",
            "--format",
            "json",
        ])
        .expect_code(0);
    let cli: Value = serde_json::from_str(&cli.stdout()).unwrap();
    let web = s.json("/api/explain?spec=F2%3Agrants&country=CN&limit=10000");
    assert_eq!(web["applications"], cli["applications"]);
    assert_eq!(web["rows"], cli["rows"]);
    let csv = s.text("/api/explain?spec=F9%3A%3E%3D11&format=csv");
    assert!(csv.starts_with("key,office,year,group,"), "{csv}");

    // Industry and company filters select what T3 and the company list count.
    let all = s.json("/api/figures");
    let t3 = figure(&all, "T3_industries");
    let finance = t3["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[0] == "finance")
        .unwrap();
    let v = s.json("/api/figures?industry=finance");
    assert_eq!(v["selected"].to_string(), finance[3].as_str().unwrap());
    let top = &meta["companies"][0];
    let v = s.json(&format!(
        "/api/figures?company={}",
        enc(top["value"].as_str().unwrap())
    ));
    assert_eq!(v["selected"], top["applications"]);

    // Deterministic: the same question gives the same bytes.
    assert_eq!(
        s.get("/api/figures?country=US").2,
        s.get("/api/figures?country=US").2
    );
    assert_eq!(s.get("/api/meta").2, s.get("/api/meta").2);

    // Bad requests name the parameter; nothing reaches the filesystem.
    for (path, param) in [
        ("/api/figures?colour=red", "colour"),
        ("/api/figures?from=20x7", "from"),
        ("/api/figures?from=2019&to=2017", "to"),
        ("/api/figures?country=ZZ", "country"),
        ("/api/figures?office=..%2F..%2Fetc", "office"),
        ("/api/figures?country=CN&country=US", "country"),
        ("/api/figures?topic=file", "topic"),
        ("/api/figures?industry=mining", "industry"),
        ("/api/figures?company=NOBODY", "company"),
        ("/api/explain?country=CN", "spec"),
        ("/api/explain?spec=F99", "spec"),
        ("/api/explain?spec=F2&limit=0", "limit"),
        ("/api/explain?spec=F2&format=xml", "format"),
        ("/api/table/F2_grants_by_country.txt", "file"),
        ("/api/meta?x=1", "query"),
        ("/?colour=red", "colour"),
    ] {
        let e = s.error(path, 400);
        assert_eq!(e["param"], param, "{path}: {e}");
        assert!(e["error"].as_str().unwrap().contains(param), "{path}: {e}");
    }
    for path in [
        "/api/table/..%2F..%2Fetc%2Fpasswd.csv",
        "/api/table/manifest.json",
        "/etc/passwd",
    ] {
        s.error(path, 404);
    }
    let (status, _, _) = s.raw(
        "GET /api/figures HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 100000\r\n\r\n",
    );
    assert_eq!(status, 413, "oversized body");
    let (status, _, _) = s.raw(
        "POST /api/figures HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(status, 405, "POST");
    let (_, headers, _) = s.get("/api/table/F2_grants_by_country.csv?country=CN");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"F2_grants_by_country.csv\""
    );
    assert!(headers["content-security-policy"].contains("default-src 'none'"));
    assert!(headers["server-timing"].starts_with("suite;dur="));
    let j = s.json("/api/table/F10_large_family_holders.json");
    assert!(j["rows"].is_array(), "{j}");
    assert!(s.extra.lock().unwrap().is_empty(), "stdout: {:?}", s.extra);
}

/// The guards a browser on this machine meets: a page under another name (DNS rebinding)
/// gets 421, while many clients asking for different selections at once all get figures
/// (the server runs a bounded number of recomputes and queues the rest).
#[test]
fn host_check_and_concurrent_recomputes() {
    let t = synthetic(600);
    let s = Server::start(&t, &[]);
    let port = s.addr().rsplit_once(':').unwrap().1.to_string();
    let ask = |host: &str| {
        s.raw(&format!(
            "GET /api/meta HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ))
    };
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        assert_eq!(ask(&host).0, 200, "{host}");
    }
    let stderr = s.stderr.lock().unwrap().join("\n");
    assert!(!stderr.contains("WARNING"), "loopback warned: {stderr}");
    refusals_and_bodies(&s);
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        "localhost:1".to_string(),
    ] {
        let (status, headers, body) = ask(&host);
        assert_eq!(status, 421, "{host}");
        assert_eq!(headers["content-type"], "application/json");
        let e: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(e["param"], "host", "{e}");
    }

    let meta = s.json("/api/meta");
    let (lo, hi) = (
        meta["years"][0].as_i64().unwrap(),
        meta["years"][1].as_i64().unwrap(),
    );
    let mut paths: Vec<String> = (lo..=hi)
        .flat_map(|y| [format!("from={y}&to={y}"), format!("from={y}")])
        .collect();
    for c in meta["countries"].as_array().unwrap().iter().take(6) {
        paths.push(format!("country={}", enc(c["value"].as_str().unwrap())));
    }
    // More distinct selections than the server caches (16), sent together.
    assert!(paths.len() > 16, "{paths:?}");
    let statuses: Vec<(String, u16)> = std::thread::scope(|sc| {
        let handles: Vec<_> = paths
            .iter()
            .map(|p| {
                let s = &s;
                sc.spawn(move || (p.clone(), s.get(&format!("/api/figures?{p}")).0))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (p, status) in statuses {
        assert_eq!(status, 200, "/api/figures?{p}");
    }
}

/// How a raw exchange on a socket ended: what the server sent, whether it closed the
/// connection (end of stream or reset) and when.
struct Exchange {
    bytes: Vec<u8>,
    closed: bool,
    took: Duration,
}

impl Exchange {
    /// Writes `request` (a failed write means the server stopped reading, which the reading
    /// shows), then reads until the server closes or `wait` has passed.
    fn run(s: &mut TcpStream, request: &[u8], wait: Duration) -> Exchange {
        let t0 = Instant::now();
        let _ = s.write_all(request);
        Exchange::read(s, t0, wait)
    }

    fn read(s: &mut TcpStream, t0: Instant, wait: Duration) -> Exchange {
        s.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let (mut bytes, mut buf) = (Vec::new(), [0u8; 8192]);
        let closed = loop {
            match s.read(&mut buf) {
                Ok(0) => break true,
                Ok(n) => bytes.extend_from_slice(&buf[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    if t0.elapsed() > wait {
                        break false;
                    }
                }
                Err(_) => break true,
            }
        };
        Exchange {
            bytes,
            closed,
            took: t0.elapsed(),
        }
    }

    /// Status, lower-cased head and body of the first answer.
    fn answer(&self) -> (u16, String, String) {
        split_answer(&self.bytes).0
    }
}

/// (status, lower-cased head, body) of the answer at the start of `bytes`, and whether all
/// of its body (by content-length) is there.
fn split_answer(bytes: &[u8]) -> ((u16, String, String), bool) {
    let text = String::from_utf8_lossy(bytes);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return ((0, text.to_ascii_lowercase(), String::new()), false);
    };
    let head = head.to_ascii_lowercase();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let len = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let whole = body.len() >= len;
    ((status, head, body.to_string()), whole)
}

/// Reads one answer off a kept-alive connection: (status, body).
fn one_answer(s: &mut TcpStream) -> (u16, String) {
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let ((status, _, body), true) = split_answer(&bytes) {
            return (status, body);
        }
        let n = s.read(&mut buf).expect("an answer");
        assert!(n > 0, "closed before a whole answer: {bytes:?}");
        bytes.extend_from_slice(&buf[..n]);
    }
}

/// The security headers every answer carries, refusals included.
fn assert_hardened(head: &str) {
    for line in [
        "\r\ncache-control: no-store",
        "\r\nx-content-type-options: nosniff",
        "\r\ncontent-security-policy: default-src 'none'",
    ] {
        assert!(head.contains(line), "{line:?} missing in\n{head}");
    }
}

/// Answers hyper writes by itself and the body limit, on the server with its default
/// timeouts: every refusal carries the security headers and a JSON error, and a chunked body
/// over the limit is refused and the connection closed at once, not read to its end.
fn refusals_and_bodies(s: &Server) {
    let host = format!("Host: 127.0.0.1:{}", s.port());
    let chunked = |chunks: usize, end: bool| {
        let mut r =
            format!("GET /api/meta HTTP/1.1\r\n{host}\r\nTransfer-Encoding: chunked\r\n\r\n")
                .into_bytes();
        for _ in 0..chunks {
            r.extend_from_slice(b"400\r\n");
            r.extend_from_slice(&[b'x'; 1024]);
            r.extend_from_slice(b"\r\n");
        }
        if end {
            r.extend_from_slice(b"0\r\n\r\n");
        }
        r
    };
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("chunked 100 KB", chunked(100, true), 413),
        ("chunked 2 KB, never ended", chunked(2, false), 413),
        (
            "header over 16 KB",
            format!(
                "GET / HTTP/1.1\r\n{host}\r\nX-Big: {}\r\n\r\n",
                "a".repeat(20_000)
            )
            .into_bytes(),
            431,
        ),
        (
            "target over 8 KB",
            format!(
                "GET /api/meta?{} HTTP/1.1\r\n{host}\r\n\r\n",
                "a".repeat(9_000)
            )
            .into_bytes(),
            414,
        ),
        ("not HTTP", b"HELLO THERE\r\n\r\n".to_vec(), 400),
    ];
    for (what, request, want) in cases {
        let mut c = TcpStream::connect(s.addr()).unwrap();
        let e = Exchange::run(&mut c, &request, Duration::from_secs(20));
        let (status, head, body) = e.answer();
        assert_eq!(status, want, "{what}: {head}");
        assert_hardened(&head);
        assert!(head.contains("\r\nconnection: close"), "{what}: {head}");
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{what}: {body:?}"));
        assert!(v["error"].is_string(), "{what}: {v}");
        // Closed right after the answer: the server waits neither for the rest of the body
        // nor for its 30 s request or 60 s idle timeouts.
        assert!(e.closed, "{what}: still open after {:?}", e.took);
        assert!(e.took < Duration::from_secs(10), "{what}: {:?}", e.took);
    }
}

/// Connections are bounded (binary started with small limits): past `--max-connections` a
/// new client still gets an answer at once (200, or a clear 503) and 200 once the others
/// close; a partial header is closed at the header timeout; a kept-alive connection may wait
/// longer than that between requests but is closed at the idle timeout.
#[test]
fn connections_are_capped_and_timed_out() {
    let t = synthetic(300);
    let s = Server::start(
        &t,
        &[
            "--max-connections",
            "8",
            "--header-timeout",
            "1",
            "--idle-timeout",
            "2.5",
        ],
    );
    let get = |close: bool| {
        format!(
            "GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{}\r\n",
            s.port(),
            if close { "Connection: close\r\n" } else { "" }
        )
        .into_bytes()
    };

    let idle: Vec<TcpStream> = (0..50)
        .map(|_| TcpStream::connect(s.addr()).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut c = TcpStream::connect(s.addr()).unwrap();
    let e = Exchange::run(&mut c, &get(true), Duration::from_secs(20));
    let (status, head, body) = e.answer();
    assert!(status == 200 || status == 503, "{head}\n{body}");
    assert!(e.closed && e.took < Duration::from_secs(5), "{:?}", e.took);
    assert_hardened(&head);
    if status == 503 {
        let v: Value = serde_json::from_str(&body).unwrap();
        let msg = v["error"].as_str().unwrap();
        assert!(
            msg.contains("too many connections") && msg.contains("8 at once"),
            "{v}"
        );
    }
    drop(idle);
    let served = (0..50).any(|_| {
        let mut c = TcpStream::connect(s.addr()).unwrap();
        let ok = Exchange::run(&mut c, &get(true), Duration::from_secs(20))
            .answer()
            .0
            == 200;
        if !ok {
            std::thread::sleep(Duration::from_millis(100));
        }
        ok
    });
    assert!(served, "no 200 within 5 s of closing the idle connections");

    // A header that never completes: closed at the header timeout, unanswered.
    let mut c = TcpStream::connect(s.addr()).unwrap();
    let e = Exchange::run(
        &mut c,
        b"GET /api/meta HTTP/1.1\r\nHo",
        Duration::from_secs(20),
    );
    assert!(e.closed, "partial header still open after {:?}", e.took);
    assert!(
        e.took >= Duration::from_millis(800) && e.took < Duration::from_secs(8),
        "{:?}",
        e.took
    );

    // Kept alive: a second request 1.5 s later (past the header timeout) is answered; then
    // the connection is closed at the idle timeout.
    let mut c = TcpStream::connect(s.addr()).unwrap();
    c.write_all(&get(false)).unwrap();
    assert_eq!(one_answer(&mut c).0, 200);
    std::thread::sleep(Duration::from_millis(1500));
    c.write_all(&get(false)).unwrap();
    assert_eq!(one_answer(&mut c).0, 200);
    let e = Exchange::read(&mut c, Instant::now(), Duration::from_secs(20));
    assert!(e.closed && e.bytes.is_empty(), "idle connection still open");
    assert!(
        e.took >= Duration::from_secs(2) && e.took < Duration::from_secs(10),
        "{:?}",
        e.took
    );
}

/// `--bind` beyond loopback: a warning on stderr (reachable from the network, no
/// authentication, the accepted Host names), and the Host check stays: the bound address and
/// the loopback names, plus each `--allow-host`.
#[test]
fn bind_beyond_loopback_warns_and_keeps_the_host_check() {
    let t = synthetic(300);
    let ask = |s: &Server, host: &str| {
        s.raw(&format!(
            "GET /api/meta HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ))
        .0
    };
    let warning = |s: &Server| {
        for _ in 0..100 {
            let lines = s.stderr.lock().unwrap().join("\n");
            if lines.contains("WARNING") {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("no warning on stderr: {:?}", s.stderr.lock().unwrap());
    };

    let s = Server::launch(&t, "ds", &["--bind", "0.0.0.0"]);
    assert!(s.base.starts_with("http://0.0.0.0:"), "{}", s.base);
    let p = s.port().to_string();
    let w = warning(&s);
    for want in [
        "reachable from the network".to_string(),
        "no authentication".into(),
        format!("0.0.0.0:{p}, "),
        format!("localhost:{p}"),
        format!("127.0.0.1:{p}"),
        "No --allow-host".into(),
    ] {
        assert!(w.contains(&want), "{want:?} not in {w}");
    }
    for (host, want) in [
        (format!("127.0.0.1:{p}"), 200),
        (format!("0.0.0.0:{p}"), 200),
        (format!("evil.example:{p}"), 421),
        (format!("192.0.2.7:{p}"), 421),
    ] {
        assert_eq!(ask(&s, &host), want, "{host}");
    }
    drop(s);

    let s = Server::launch(
        &t,
        "ds",
        &[
            "--bind",
            "0.0.0.0",
            "--allow-host",
            "Dash.Example",
            "--allow-host",
            "192.0.2.7:9000",
        ],
    );
    let p = s.port().to_string();
    let w = warning(&s);
    assert!(
        w.contains(&format!("dash.example:{p}, 192.0.2.7:9000")),
        "{w}"
    );
    assert!(!w.contains("No --allow-host"), "{w}");
    for (host, want) in [
        (format!("dash.example:{p}"), 200),
        ("dash.example".to_string(), 200),
        ("192.0.2.7:9000".to_string(), 200),
        (format!("192.0.2.7:{p}"), 421),
        (format!("evil.example:{p}"), 421),
    ] {
        assert_eq!(ask(&s, &host), want, "{host}");
    }
    drop(s);

    let bad = t.run(&["serve", "ds", "--allow-host", "evil.example/x"]);
    assert_eq!(bad.code(), 2, "{}", bad.stderr());
    assert!(bad.stderr().contains("not a host name"), "{}", bad.stderr());
}

/// The page and `/api/meta` name the dataset and a topic file without the directories above
/// them, even when given as absolute paths.
#[test]
fn dashboard_shows_no_absolute_path() {
    let t = synthetic(300);
    let topic = t.write(
        "queries/my.topic",
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../profiles/blockchain.topic"),
        )
        .unwrap(),
    );
    let ds = t.path("ds");
    let s = Server::launch(
        &t,
        ds.to_str().unwrap(),
        &["--topic", topic.to_str().unwrap()],
    );
    let meta = s.json("/api/meta");
    assert_eq!(meta["dataset"], "ds");
    let topics = &meta["topics"];
    assert!(
        topics
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["label"] == "my.topic"),
        "{topics}"
    );
    let dir = t.dir.path().to_str().unwrap();
    let real = t.dir.path().canonicalize().unwrap();
    for path in [
        "/api/meta",
        "/",
        "/api/figures",
        "/api/explain?spec=F2%3Agrants",
    ] {
        let body = s.text(path);
        for shown in [dir, real.to_str().unwrap()] {
            assert!(!body.contains(shown), "{path} shows {shown}");
        }
    }
    assert!(s.text("/").contains("Dataset ds"));
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A minimal Chrome DevTools Protocol client over the browser's websocket, attached to one
/// page target.
struct Cdp {
    ws: tungstenite::WebSocket<TcpStream>,
    session: String,
    next: u64,
}

impl Cdp {
    fn connect(url: &str) -> Cdp {
        let hostport = url
            .strip_prefix("ws://")
            .and_then(|r| r.split('/').next())
            .unwrap();
        let stream = TcpStream::connect(hostport).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let (ws, _) = tungstenite::client(url, stream).expect("DevTools websocket");
        let mut c = Cdp {
            ws,
            session: String::new(),
            next: 0,
        };
        let target = c.call("Target.createTarget", json!({"url": "about:blank"}));
        let target = target["targetId"].as_str().unwrap().to_string();
        let s = c.call(
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        );
        c.session = s["sessionId"].as_str().unwrap().to_string();
        c
    }

    /// Sends one command (to the page once attached) and waits for its result.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let mut msg = json!({"id": self.next, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        self.ws
            .send(tungstenite::Message::text(msg.to_string()))
            .unwrap();
        loop {
            let m = self.ws.read().expect("DevTools message");
            let Ok(text) = m.into_text() else { continue };
            let v: Value = serde_json::from_str(text.as_str()).unwrap();
            if v["id"] == self.next {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// Evaluates a JavaScript expression in the page and returns its value.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expr}: {r}");
        r["result"]["value"].clone()
    }

    /// Waits until `expr` is true.
    fn wait(&mut self, expr: &str, what: &str) {
        let t0 = Instant::now();
        while self.eval(expr) != json!(true) {
            assert!(
                t0.elapsed() < Duration::from_secs(120),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&mut self, path: &Path) {
        use base64::Engine;
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
    }

    /// A real left click at the centre of the element `selector` finds (scrolled into view).
    fn click(&mut self, selector: &str) {
        let js = format!(
            "(() => {{ const e = document.querySelector({sel}); e.scrollIntoView({{block: 'center'}}); \
             const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            sel = json!(selector)
        );
        let xy = self.eval(&js);
        let (x, y) = (xy[0].as_f64().unwrap(), xy[1].as_f64().unwrap());
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }
}

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Headless Chromium with its DevTools websocket URL; killed when dropped.
struct Browser {
    child: Child,
    ws: String,
}

impl Browser {
    fn launch(bin: &Path, profile: &Path) -> Browser {
        let mut child = Command::new(bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1280,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = l.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let ws = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("chromium prints its DevTools address");
        Browser { child, ws }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn dashboard_in_headless_chromium() {
    let Some(bin) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "chromium is not installed (.ci/run installs it): the dashboard test cannot run"
            );
        }
        eprintln!(
            "SKIPPED dashboard_in_headless_chromium: chromium not installed (apt-get install chromium)"
        );
        return;
    };
    let t = synthetic(3000);
    let (n_us, tables) = indicators(&t, "ind-us", &["--country", "US", "--from", "2016"]);
    let s = Server::start(&t, &[]);
    let browser = Browser::launch(&bin, &t.path("chromium-profile"));
    let mut cdp = Cdp::connect(&browser.ws);
    cdp.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": false}),
    );
    cdp.call("Page.enable", json!({}));
    cdp.call("Page.navigate", json!({"url": format!("{}/", s.base)}));
    cdp.wait(
        "document.getElementById('status')?.dataset.state === 'ready'",
        "the first figures",
    );
    assert_eq!(
        cdp.eval("document.getElementById('selected').textContent"),
        "3000"
    );
    assert_eq!(
        cdp.eval("!!document.querySelector('.synthetic')"),
        true,
        "SYNTHETIC banner"
    );
    // The header says which taxonomy the page chose and why.
    let taxonomy = cdp.eval("document.getElementById('taxonomy').textContent");
    let taxonomy = taxonomy.as_str().unwrap_or_default();
    assert!(
        taxonomy.starts_with("Industries, scenarios and core technology: taxonomy blockchain"),
        "{taxonomy}"
    );

    // Choose a country and a first year the way a person does: pick the options, which fires
    // the change events the page listens to.
    for (id, value) in [("f-country", "US"), ("f-from", "2016")] {
        cdp.eval(&format!(
            "(() => {{ const s = document.getElementById('{id}'); s.focus(); s.value = '{value}'; \
             s.dispatchEvent(new Event('input', {{bubbles: true}})); \
             s.dispatchEvent(new Event('change', {{bubbles: true}})); return s.value; }})()"
        ));
    }
    cdp.wait(
        "document.getElementById('status').dataset.state === 'ready' && \
         document.getElementById('status').dataset.qs === 'from=2016&country=US'",
        "the filtered figures",
    );
    assert_eq!(
        cdp.eval("document.getElementById('selected').textContent"),
        n_us.to_string()
    );
    assert_eq!(cdp.eval("location.search"), "?from=2016&country=US");

    // The F2 table on the page shows what `patq indicators --country US --from 2016` wrote.
    let shown = cdp.eval(
        "[...document.querySelectorAll('section[data-file=\"F2_grants_by_country\"] tbody tr')]\
         .map(tr => [...tr.cells].map(td => td.textContent))",
    );
    let want: Vec<Vec<String>> = tables["F2_grants_by_country"]
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let shown: Vec<Vec<String>> = serde_json::from_value(shown).unwrap();
    assert_eq!(shown.len(), want.len(), "{shown:?}");
    for (a, b) in shown.iter().zip(&want) {
        for (x, y) in a.iter().zip(b) {
            match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(x), Ok(y)) => assert!((x - y).abs() < 1e-9, "{a:?} vs {b:?}"),
                _ => assert_eq!(x, y),
            }
        }
    }
    let us_grants: u64 = want.iter().find(|r| r[0] == "US").unwrap()[2]
        .parse()
        .unwrap();
    cdp.eval("window.scrollTo(0, 0)");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    cdp.screenshot(&dir.join("serve-dashboard.png"));

    // Click the US grants number: the drill-down lists exactly those applications.
    let cell =
        "section[data-file=\"F2_grants_by_country\"] tbody tr:first-child td:nth-child(3) button";
    assert_eq!(
        cdp.eval(&format!(
            "document.querySelector({}).closest('tr').cells[0].textContent",
            json!(cell)
        )),
        "US"
    );
    cdp.click(cell);
    cdp.wait(
        "document.getElementById('drill').dataset.state === 'ready'",
        "the drill-down",
    );
    assert_eq!(
        cdp.eval("document.getElementById('drill-count').dataset.applications"),
        us_grants.to_string()
    );
    assert_eq!(
        cdp.eval("document.querySelectorAll('#drill-table tbody tr').length"),
        json!(us_grants.min(200))
    );
    cdp.screenshot(&dir.join("serve-drill.png"));

    // A bar of the F2 chart drills down too.
    cdp.eval("document.getElementById('drill-close').click()");
    let bar = "section[data-file=\"F2_grants_by_country\"] svg rect.hot";
    cdp.click(bar);
    cdp.wait(
        "document.getElementById('drill').hidden === false && \
         document.getElementById('drill').dataset.state === 'ready'",
        "the bar drill-down",
    );
    let title = cdp.eval("document.getElementById('drill-title').textContent");
    assert!(title.as_str().unwrap().starts_with("F2:"), "{title}");
}

/// The dashboard on the real PATSTAT blockchain extract (25,097 applications): not labelled
/// synthetic, the yearly counts of SOURCE.md, grants marked not available (the extract has no
/// grant status), every table equal to `patq indicators`, and the drill-downs consistent.
#[test]
fn real_patstat_dashboard() {
    let Some(t) = util::ingested(
        "real_patstat_dashboard",
        "blockchain-patstat-denter/raw_data_2020_autumn.csv",
    ) else {
        return;
    };
    let s = Server::start(&t, &[]);

    let meta = s.json("/api/meta");
    assert_eq!(meta["synthetic"], false);
    assert_eq!(meta["applications"], 25097);
    let page = s.text("/");
    assert!(
        !page.contains("class=\"synthetic\""),
        "real data labelled synthetic"
    );

    // Filing years as SOURCE.md gives them.
    let f6 = s.text("/api/table/F6_trend.csv");
    for want in ["2018,7817,", "2019,7952,", "2020,919,"] {
        assert!(
            f6.lines().any(|l| l.starts_with(want)),
            "{want} not in\n{f6}"
        );
    }
    let v = s.json("/api/figures");
    let f2 = figure(&v, "F2_grants_by_country");
    let notes = f2["unavailable"].to_string();
    assert!(notes.contains("grant status"), "{notes}");

    for (qs, flags) in [
        ("", &[][..]),
        (
            "country=CN&from=2019",
            &["--country", "CN", "--from", "2019"][..],
        ),
    ] {
        let (n, tables) = indicators(&t, &format!("ind-{}", tables_dir(qs)), flags);
        let v = s.json(&format!("/api/figures?{qs}"));
        assert_eq!(v["selected"], n, "{qs}");
        for (file, csv) in &tables {
            let got = s.text(&format!("/api/table/{file}.csv?{qs}"));
            assert_eq!(&got, csv, "{file} under {qs}");
        }
        let checked = check_drills(&s, qs);
        assert!(checked > 20, "only {checked} drill-downs under {qs:?}");
    }
    let cn19 = s.json("/api/explain?spec=F6%3A2019&limit=1");
    assert_eq!(cn19["applications"], 7952);
}

/// A directory name for a query string.
fn tables_dir(qs: &str) -> String {
    if qs.is_empty() {
        "all".into()
    } else {
        qs.replace(['=', '&'], "-")
    }
}
