//! `ww check FILE...`: static diagnostics, rendered as miette reports.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use glia_eval::{Finding, Severity};
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};

/// Checks each file in a fresh session; prints every finding and a summary
/// line per file. Exit 1 if any file has an error (warnings alone pass).
pub fn run(files: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for path in files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("ww check: cannot read {}: {e}", path.display());
                failed = true;
                continue;
            }
        };
        let name = path.display().to_string();
        let mut load = |module: &str| module_text(module, path);
        // Checked as `ww eval` runs it: with the root capabilities bound.
        let mut glia = glia_eval::Glia::new();
        runtime::bindings::describe_roots(&mut glia);
        let findings = glia.check(&name, &text, &glia_effects::std_effects::NAMES, &mut load);
        let source: Arc<str> = text.into();
        for f in &findings {
            print!("{}", render(&name, &source, f));
        }
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let warnings = findings.len() - errors;
        println!(
            "{name}: {}, {}",
            count(errors, "error"),
            count(warnings, "warning")
        );
        failed |= errors > 0;
    }
    // 1 if anything failed.
    ExitCode::from(u8::from(failed))
}

/// The text of the module file `require` asks for: as `ww eval` finds it
/// (relative to the working directory), else relative to the checked
/// file's directory or one above it.
fn module_text(module: &str, checked: &std::path::Path) -> Option<String> {
    let relative = std::path::Path::new(module);
    let dirs = checked
        .parent()
        .into_iter()
        .flat_map(std::path::Path::ancestors);
    std::iter::once(std::path::Path::new(""))
        .chain(dirs)
        .find_map(|dir| std::fs::read_to_string(dir.join(relative)).ok())
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// One finding as text, in the style of every other report of `ww`.
pub fn render(name: &str, source: &Arc<str>, f: &Finding) -> String {
    let report = Report {
        finding: f.clone(),
        source: NamedSource::new(name, source.clone()).with_language("clojure"),
    };
    let mut out = String::new();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let _ = handler.render_report(&mut out, &report);
    out
}

#[derive(Debug)]
struct Report {
    finding: Finding,
    source: NamedSource<Arc<str>>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.finding.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.finding
            .hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = SourceSpan::from(self.finding.span.start..self.finding.span.end);
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some("here".into()), span),
        )))
    }
}
