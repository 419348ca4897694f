//! `ww doctor`: what this machine has for Wetware, each finding with the
//! fix for a problem. It changes nothing (it makes no identity, no token,
//! no directory) and reaches nothing but loopback.

mod files;
mod kubo;
mod ports;
mod running;
mod toolchain;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// What to check: the addresses a `ww run` with the same flags would take.
pub struct Options {
    pub port: u16,
    pub http: SocketAddr,
    pub admin: Option<SocketAddr>,
    pub identity: PathBuf,
    pub ipfs_url: String,
}

/// How a finding bears on whether all is well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Worth knowing, not wrong: something optional is missing, or will be
    /// made when first needed.
    Note,
    /// Something a user of `ww` will trip on.
    Problem,
}

/// One thing checked.
#[derive(Debug)]
pub struct Finding {
    pub verdict: Verdict,
    /// What was checked, in a few words.
    pub what: String,
    /// What was found.
    pub detail: String,
    /// The command or step that fixes a problem (or acts on a note).
    pub fix: Option<String>,
}

impl Finding {
    fn ok(what: impl Into<String>, detail: impl Into<String>) -> Finding {
        Finding {
            verdict: Verdict::Ok,
            what: what.into(),
            detail: detail.into(),
            fix: None,
        }
    }

    fn note(what: impl Into<String>, detail: impl Into<String>, fix: impl Into<String>) -> Finding {
        Finding {
            verdict: Verdict::Note,
            what: what.into(),
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    fn problem(
        what: impl Into<String>,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        Finding {
            verdict: Verdict::Problem,
            what: what.into(),
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
}

/// Runs every check, prints the findings, and exits 0 only if none is a
/// problem.
pub fn run(options: &Options) -> ExitCode {
    // The few requests doctor makes (a node's readiness, Kubo's version)
    // share one runtime of one thread.
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ww doctor: cannot start an async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let nodes = runtime::node::state::running(&runtime::home::run_dir());
    let mut findings = toolchain::check();
    findings.extend(files::check(&options.identity));
    findings.push(running::check(&rt, &nodes));
    findings.extend(ports::check(options, &nodes));
    findings.push(kubo::check(&rt, &options.ipfs_url));

    let count = |v| findings.iter().filter(|f| f.verdict == v).count();
    let (problems, notes) = (count(Verdict::Problem), count(Verdict::Note));
    let mut report: String = findings.iter().map(line).collect();
    report.push('\n');
    report.push_str(&if problems == 0 {
        format!("ww doctor: all is well ({})\n", plural(notes, "note"))
    } else {
        format!(
            "ww doctor: {}, {}\n",
            plural(problems, "problem"),
            plural(notes, "note")
        )
    });
    // Written at once, and a reader that went away (`| head`) is no
    // reason to panic: the exit code still says what was found.
    let _ = std::io::stdout().lock().write_all(report.as_bytes());
    if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A finding as printed: a tagged line, and the fix or hint under it.
fn line(finding: &Finding) -> String {
    let tag = match finding.verdict {
        Verdict::Ok => "ok  ",
        Verdict::Note => "note",
        Verdict::Problem => "FAIL",
    };
    let mut text = format!("{tag}  {}: {}\n", finding.what, finding.detail);
    if let Some(fix) = &finding.fix {
        let label = if finding.verdict == Verdict::Problem {
            "fix"
        } else {
            "hint"
        };
        text.push_str(&format!("      {label}: {fix}\n"));
    }
    text
}
