//! `cargo xtask bench`: runs the run-time benchmarks of `crates/benchmarks` (criterion) in one
//! go and writes `docs/benchmarks.md`: each case's time for the generated code and for its
//! hand-written baseline, measured in the same run, and their ratio.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

/// A group of the report: the benchmark group, the measured variant and its baseline.
struct Group {
    title: &'static str,
    prefix: &'static str,
    measured: &'static str,
    baseline: &'static str,
    goal: &'static str,
}

const GROUPS: [Group; 3] = [
    Group {
        title: "Server, in process (the generated router + server-runtime against hand-written axum handlers)",
        prefix: "server",
        measured: "generated",
        baseline: "hand-written",
        goal: "within 10%",
    },
    Group {
        title: "Client, over loopback (the generated client against plain reqwest)",
        prefix: "client",
        measured: "generated",
        baseline: "reqwest",
        goal: "within 10%",
    },
    Group {
        title: "Types (typed structs against serde_json::Value)",
        prefix: "types",
        measured: "typed",
        baseline: "value",
        goal: "not slower",
    },
];

/// Runs the benches (`seconds` of measurement per case) and writes the report.
/// `load`: also the load test (seconds per server, PostgreSQL URL).
pub fn run(root: &Path, seconds: u32, load: Option<(u32, Option<String>)>) -> Result<()> {
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "bench",
            "-p",
            "benchmarks",
            "--benches",
            "--",
            "--warm-up-time",
            "1",
            "--measurement-time",
        ])
        .arg(seconds.to_string())
        .status()
        .context("running cargo bench")?;
    if !status.success() {
        bail!("cargo bench -p benchmarks failed");
    }
    let criterion = root.join("target/criterion");
    let mut out = String::new();
    writeln!(out, "# Run-time benchmarks\n")?;
    writeln!(
        out,
        "What the generated code costs when it runs, as a ratio against hand-written code doing the \
         same work, both measured in the same run (these machines are noisy: the ratio is the \
         figure, the times are context).\n"
    )?;
    let command = match &load {
        Some((l, _)) => format!("cargo xtask bench --seconds {seconds} --load --load-seconds {l}"),
        None => format!("cargo xtask bench --seconds {seconds}"),
    };
    writeln!(
        out,
        "- Command: `{command}` (criterion: mean time per call)"
    )?;
    writeln!(out, "- Machine: {}", machine())?;
    writeln!(
        out,
        "- Code: `crates/benchmarks/` (`benches/server.rs`, `client.rs`, `types.rs`)\n"
    )?;
    for group in &GROUPS {
        writeln!(out, "## {}\n", group.title)?;
        writeln!(
            out,
            "| case | {} | {} | ratio | goal |\n|---|---|---|---|---|",
            group.measured, group.baseline
        )?;
        for case in cases(&criterion, group.prefix)? {
            let measured = mean(&criterion.join(&case).join(group.measured))?;
            let baseline = mean(&criterion.join(&case).join(group.baseline))?;
            let name = case.trim_start_matches(&format!("{}_", group.prefix));
            writeln!(
                out,
                "| {} | {} | {} | {:.2} | {} |",
                name.replace('_', " "),
                time(measured),
                time(baseline),
                measured / baseline,
                group.goal
            )?;
        }
        writeln!(out)?;
    }
    if let Some((load_seconds, postgres)) = &load {
        out.push_str(&crate::load::run(root, *load_seconds, postgres.as_deref())?);
    }
    let path = root.join("docs/benchmarks.md");
    std::fs::write(&path, &out).with_context(|| format!("writing {}", path.display()))?;
    print!("{out}");
    println!("wrote {}", path.display());
    Ok(())
}

/// The case folders of a group (criterion writes `server/get-cart` as `server_get-cart`).
fn cases(criterion: &Path, prefix: &str) -> Result<Vec<String>> {
    let mut cases: Vec<String> = std::fs::read_dir(criterion)
        .with_context(|| format!("reading {}", criterion.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!("{prefix}_")))
        .collect();
    cases.sort();
    Ok(cases)
}

/// The mean of a benchmark's last run, in nanoseconds.
fn mean(dir: &Path) -> Result<f64> {
    let path = dir.join("new/estimates.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)?;
    value["mean"]["point_estimate"]
        .as_f64()
        .with_context(|| format!("{}: no mean", path.display()))
}

fn time(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.1} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores; {}", std::env::consts::OS)
}
