//! `cargo xtask bench --load`: the reference server end to end under load from a second
//! process (wrk, on loopback, bounded in time), against the hand-written `catalog_baseline`
//! over the same storage, on SQLite and on PostgreSQL: throughput, p50/p99 latency and peak
//! memory of each, and their ratios.

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// What wrk and /proc said about one server.
struct Figures {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    peak_kib: u64,
}

/// A server process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Makes a fresh database named after a server and gives its URL.
type FreshDatabase<'a> = Box<dyn Fn(&str) -> Result<String> + 'a>;

const PATH: &str = "/api/v1/demo/storefront/catalog/products?page=1&limit=20&sort_by=price";

/// Runs the load test and returns its section of the report.
pub fn run(root: &Path, seconds: u32, postgres: Option<&str>) -> Result<String> {
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is not installed (apt-get install wrk)");
    }
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "build",
            "--release",
            "-p",
            "reference-server",
            "-p",
            "benchmarks",
            "--bins",
        ])
        .status()?;
    if !status.success() {
        bail!("building the servers failed");
    }
    let bin = root.join("target/release");
    let mut out = String::new();
    writeln!(
        out,
        "## The reference server under load (wrk from a second process, loopback)\n\n\
         `GET {PATH}` with the API key, {seconds} s per server, 1 wrk thread and 16 connections; \
         the baseline is `catalog_baseline` (`crates/benchmarks/src/bin/`): the same query over \
         the same storage and seed, with a hand-written axum handler. Ratios: reference / \
         baseline (throughput: higher is better; latency and memory: lower is better).\n"
    )?;
    writeln!(
        out,
        "| database | server | requests/s | p50 | p99 | peak memory |\n|---|---|---|---|---|---|"
    )?;
    let temp = std::env::temp_dir().join(format!("xtask-load-{}", std::process::id()));
    std::fs::create_dir_all(&temp)?;
    let mut databases: Vec<(&str, FreshDatabase)> = vec![(
        "SQLite",
        Box::new(|name: &str| {
            Ok(format!(
                "sqlite://{}?mode=rwc",
                temp.join(format!("{name}.db")).display()
            ))
        }),
    )];
    if let Some(admin) = postgres {
        let admin = admin.to_owned();
        databases.push((
            "PostgreSQL",
            Box::new(move |name: &str| {
                let db = format!(
                    "xtask_load_{}_{}",
                    std::process::id(),
                    name.replace('-', "_")
                );
                let status = Command::new("psql")
                    .args([
                        admin.as_str(),
                        "-q",
                        "-c",
                        &format!("DROP DATABASE IF EXISTS {db}"),
                        "-c",
                        &format!("CREATE DATABASE {db}"),
                    ])
                    .status()?;
                if !status.success() {
                    bail!("could not create the database {db}");
                }
                Ok(replace_database(&admin, &db))
            }),
        ));
    }
    for (label, url_of) in &databases {
        let mut figures = Vec::new();
        for (name, binary) in [
            ("reference-server", "reference-server"),
            ("hand-written baseline", "catalog_baseline"),
        ] {
            let url = url_of(binary)?;
            let port = free_port()?;
            let (server, key) = start(&bin.join(binary), &url, port)?;
            let f = load(port, &key, seconds, server.0.id())?;
            drop(server);
            writeln!(
                out,
                "| {label} | {name} | {:.0} | {:.2} ms | {:.2} ms | {:.1} MiB |",
                f.requests_per_second,
                f.p50_ms,
                f.p99_ms,
                f.peak_kib as f64 / 1024.0
            )?;
            figures.push(f);
        }
        let (r, b) = (&figures[0], &figures[1]);
        writeln!(
            out,
            "| {label} | **ratio** | {:.2} | {:.2} | {:.2} | {:.2} |",
            r.requests_per_second / b.requests_per_second,
            r.p50_ms / b.p50_ms,
            r.p99_ms / b.p99_ms,
            r.peak_kib as f64 / b.peak_kib as f64
        )?;
    }
    let _ = std::fs::remove_dir_all(&temp);
    if let Some(admin) = postgres {
        for binary in ["reference-server", "catalog_baseline"] {
            let db = format!(
                "xtask_load_{}_{}",
                std::process::id(),
                binary.replace('-', "_")
            );
            let _ = Command::new("psql")
                .args([admin, "-q", "-c", &format!("DROP DATABASE IF EXISTS {db}")])
                .status();
        }
    }
    Ok(out)
}

fn replace_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let cut = base
        .rfind('/')
        .filter(|&i| i > "postgres://".len())
        .unwrap_or(base.len());
    format!("{}/{db}{query}", &base[..cut])
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Starts a server and waits for its `api key:` line and its health check.
fn start(binary: &Path, url: &str, port: u16) -> Result<(Server, String)> {
    let mut child = Command::new(binary)
        .args([
            "--database-url",
            url,
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let server = Server(child);
    let mut lines = BufReader::new(stdout).lines();
    let mut key = None;
    for line in lines.by_ref() {
        let line = line?;
        if let Some(k) = line.strip_prefix("api key: ") {
            key = Some(k.trim().to_owned());
            break;
        }
    }
    let key = key.context("the server printed no api key")?;
    // keep reading what it prints (a slow-statement warning under load): a closed pipe would
    // make its next write fail and stop it mid-run
    std::thread::spawn(move || lines.for_each(drop));
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("{} did not listen on {port}", binary.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((server, key))
}

/// Runs wrk against the server on `port` and reads its peak memory.
fn load(port: u16, key: &str, seconds: u32, pid: u32) -> Result<Figures> {
    let output = Command::new("wrk")
        .args(["-t1", "-c16", &format!("-d{seconds}s"), "--latency", "-H"])
        .arg(format!("x-api-key: {key}"))
        .arg(format!("http://127.0.0.1:{port}{PATH}"))
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    if text.contains("Non-2xx") {
        bail!("the server answered errors under load:\n{text}");
    }
    let field = |prefix: &str| -> Option<String> {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_owned)
    };
    let requests_per_second = field("Requests/sec:")
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("no Requests/sec in:\n{text}"))?;
    let p50_ms = field("50%").map(|v| millis(&v)).context("no p50")?;
    let p99_ms = field("99%").map(|v| millis(&v)).context("no p99")?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let peak_kib = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    // a server that stopped (no memory figure: gone, or a zombie) or never answered gives an
    // error, not a row of zeros
    if peak_kib == 0 || requests_per_second == 0.0 {
        bail!("the server on port {port} stopped or answered nothing under load:\n{text}");
    }
    Ok(Figures {
        requests_per_second,
        p50_ms,
        p99_ms,
        peak_kib,
    })
}

/// wrk's durations (`850.00us`, `1.20ms`, `2.01s`) in milliseconds.
fn millis(v: &str) -> f64 {
    let (number, factor) = if let Some(n) = v.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (v, 1.0)
    };
    number.parse::<f64>().unwrap_or(f64::NAN) * factor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_durations_and_database_urls() {
        assert_eq!(millis("850.00us"), 0.85);
        assert_eq!(millis("1.20ms"), 1.2);
        assert_eq!(millis("2s"), 2000.0);
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
    }
}
