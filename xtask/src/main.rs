//! Repository tasks, run as `cargo xtask <task>`.

mod bench;
mod corpus;
mod diff;
mod load;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use generator::{ConfigFile, SpecConfig};

#[derive(Parser)]
#[command(about = "Repository tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerates the crates in generated/ from spec/ (as configured in codegen.toml).
    Generate {
        /// Write nothing; fail, listing the files, when generated/ differs from the spec.
        #[arg(long)]
        check: bool,
        /// Generate from this spec instead of the configured ones (needs --out).
        #[arg(long, requires = "out")]
        spec: Option<PathBuf>,
        /// Folder to write the crates of --spec to.
        #[arg(long, requires = "spec")]
        out: Option<PathBuf>,
        /// Crate name prefix for --spec (default: the spec file's stem).
        #[arg(long, requires = "spec")]
        name: Option<String>,
        /// Where the crates of --spec get their runtime: `path` (into this checkout, the
        /// default), `vendor` (copies written beside them: they build anywhere),
        /// `git=URL#REV` or `version=X`.
        #[arg(long, requires = "spec")]
        runtime: Option<generator::runtime::RuntimeSource>,
        /// Bump the generated crates' version (codegen.toml) as the change report since
        /// --since (default: the last `v*` tag) requires, then generate.
        #[arg(long, conflicts_with_all = ["check", "spec"])]
        bump: bool,
        /// The revision --bump compares with.
        #[arg(long, requires = "bump")]
        since: Option<String>,
        /// Fail when the spec has warnings (what it gets wrong but whose intent is clear).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Runs the generator on a sample of real-world specs (APIs.guru's directory, fetched from
    /// npm) and fails on a panic or too few generated; optionally compiles some.
    Corpus {
        /// Take every Nth OpenAPI 3.0 spec of the directory.
        #[arg(long, default_value_t = 40)]
        every: usize,
        /// Fail when fewer than this share (percent) generate.
        #[arg(long, default_value_t = 95.0)]
        min_percent: f64,
        /// `cargo check` the three crates of the first N generated specs.
        #[arg(long, default_value_t = 0)]
        compile: usize,
        /// Also `cargo check` the crates of every fixture case, each outside this checkout.
        #[arg(long)]
        cases: bool,
    },
    /// Runs the run-time benchmarks (generated code against hand-written baselines) and writes
    /// docs/benchmarks.md.
    Bench {
        /// Seconds of measurement per case.
        #[arg(long, default_value_t = 5)]
        seconds: u32,
        /// Also load-test the reference server against its hand-written baseline (needs wrk).
        #[arg(long)]
        load: bool,
        /// Seconds of load per server.
        #[arg(long, default_value_t = 10)]
        load_seconds: u32,
        /// PostgreSQL URL for the load test's PostgreSQL half (default: $TEST_POSTGRES_URL).
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Reports what a spec change does to HTTP clients, server implementors and crate users.
    Diff {
        /// Compare the spec at this git revision with the working tree.
        #[arg(long, default_value = "HEAD", conflicts_with = "old")]
        base: String,
        /// Compare this spec file instead of the one at --base.
        #[arg(long)]
        old: Option<PathBuf>,
        /// The new spec (default: the configured spec in the working tree).
        #[arg(long)]
        new: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit non-zero when a change is at least this serious.
        #[arg(long, value_enum, default_value_t = FailOn::Never)]
        fail_on: FailOn,
        /// Print the rules table (Markdown) instead.
        #[arg(long)]
        rules: bool,
    },
}

/// Output formats of `diff`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Markdown,
    Json,
}

/// When `diff` fails.
#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum FailOn {
    /// Never.
    Never,
    /// A change that breaks HTTP clients or server implementors.
    Breaking,
    /// A change that needs a major version of the generated crates.
    Major,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_owned()
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.task {
        Task::Corpus {
            every,
            min_percent,
            compile,
            cases,
        } => corpus::run(
            &repo_root(),
            &corpus::Settings {
                every,
                min_percent,
                compile,
                cases,
            },
        ),
        Task::Bench {
            seconds,
            load,
            load_seconds,
            postgres,
        } => {
            let postgres = postgres.or_else(|| std::env::var("TEST_POSTGRES_URL").ok());
            bench::run(
                &repo_root(),
                seconds,
                load.then_some((load_seconds, postgres)),
            )
        }
        Task::Diff {
            base,
            old,
            new,
            format,
            fail_on,
            rules,
        } => {
            if rules {
                print!("{}", generator::diff::render::rules_markdown());
                return Ok(());
            }
            let root = repo_root();
            let config = ConfigFile::read(&root.join("codegen.toml"))?;
            let spec = config.specs.first().context("codegen.toml names no spec")?;
            let cwd = std::env::current_dir()?;
            let new = new
                .map(|p| cwd.join(p))
                .unwrap_or_else(|| root.join(&spec.path));
            let old = match old {
                Some(path) => diff::Old::File(cwd.join(path)),
                None => diff::Old::Rev(base),
            };
            let report = diff::report(&root, spec, &old, &new)?;
            let rendered = match format {
                Format::Text => generator::diff::render::text(&report),
                Format::Markdown => generator::diff::render::markdown(&report),
                Format::Json => generator::diff::render::json(&report),
            };
            print!("{rendered}");
            let failed = match fail_on {
                FailOn::Never => false,
                FailOn::Breaking => report.breaking_http() + report.breaking_server() > 0,
                FailOn::Major => report.bump() == Some(generator::diff::Bump::Major),
            };
            if failed {
                bail!("the spec change is at least as serious as --fail-on allows");
            }
            Ok(())
        }
        Task::Generate {
            bump: true, since, ..
        } => {
            let root = repo_root();
            let config_path = root.join("codegen.toml");
            let config = ConfigFile::read(&config_path)?;
            let since = match since.or_else(|| diff::last_release_tag(&root)) {
                Some(rev) => rev,
                None => bail!("no `v*` tag to compare with: pass --since REV"),
            };
            for spec in &config.specs {
                let report = diff::report(
                    &root,
                    spec,
                    &diff::Old::Rev(since.clone()),
                    &root.join(&spec.path),
                )?;
                match report.bump() {
                    None => println!(
                        "{}: no changes since {since}; version stays {}",
                        spec.path.display(),
                        spec.version
                    ),
                    Some(bump) => {
                        let version = diff::bumped(&spec.version, bump)?;
                        diff::write_version(&config_path, &spec.path, &version)?;
                        println!(
                            "{}: {bump:?} changes since {since}: {} -> {version}",
                            spec.path.display(),
                            spec.version
                        );
                    }
                }
            }
            let config = ConfigFile::read(&config_path)?;
            generate(&config.specs, &root, false, false)
        }
        Task::Generate {
            check,
            spec,
            out,
            name,
            deny_warnings,
            runtime,
            ..
        } => {
            let cwd = std::env::current_dir()?;
            let (specs, base) = match (spec, out) {
                (Some(spec), Some(out)) => {
                    let name = name.unwrap_or_else(|| {
                        spec.file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_else(|| "api".into())
                    });
                    let mut config = SpecConfig::ad_hoc(spec, out, name);
                    config.options.runtime = runtime.unwrap_or_default();
                    (vec![config], cwd)
                }
                _ => {
                    let root = repo_root();
                    let config = ConfigFile::read(&root.join("codegen.toml"))?;
                    (config.specs, root)
                }
            };
            generate(&specs, &base, check, deny_warnings)
        }
    }
}

fn generate(specs: &[SpecConfig], base: &Path, check: bool, deny_warnings: bool) -> Result<()> {
    let show = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
    let mut stale = 0;
    let mut warnings = 0;
    for spec in specs {
        let start = Instant::now();
        let generated = generator::generate(spec, base)
            .with_context(|| format!("generating from {}", spec.path.display()))?;
        let elapsed = start.elapsed();
        for w in &generated.warnings {
            eprintln!("warning: {}: {w}", spec.path.display());
        }
        warnings += generated.warnings.len();
        let bytes: usize = generated.files.values().map(String::len).sum();
        if check {
            let drift = generator::check(&generated)?;
            for p in &drift.changed {
                println!("differs: {}", show(p));
            }
            for p in &drift.missing {
                println!("missing: {}", show(p));
            }
            for p in &drift.stale {
                println!("stale:   {}", show(p));
            }
            stale += drift.changed.len() + drift.missing.len() + drift.stale.len();
        } else {
            let written = generator::write(&generated)?;
            for p in &written {
                println!("wrote {}", show(p));
            }
            println!(
                "{}: {} files ({} changed), {} KiB, generated in {:.1} ms",
                spec.path.display(),
                generated.files.len(),
                written.len(),
                bytes / 1024,
                elapsed.as_secs_f64() * 1e3
            );
        }
    }
    if deny_warnings && warnings > 0 {
        bail!("{warnings} warning(s), denied by --deny-warnings");
    }
    if check {
        if stale > 0 {
            bail!("{stale} generated file(s) differ from the spec: run `cargo xtask generate`");
        }
        println!("generated/ matches the spec");
    }
    Ok(())
}
