//! Findings as LSP diagnostics.

use glia_eval::{Finding, Severity};
use lsp_types::{Diagnostic, DiagnosticSeverity, DiagnosticTag, NumberOrString};

use crate::analysis::Analysis;
use crate::position::Lines;

/// The diagnostics of an analysis: every finding, its hint on a line of
/// its own.
pub fn of(analysis: &Analysis, lines: &Lines) -> Vec<Diagnostic> {
    analysis
        .findings
        .iter()
        .map(|f| diagnostic(f, lines))
        .collect()
}

fn diagnostic(f: &Finding, lines: &Lines) -> Diagnostic {
    let message = match &f.hint {
        Some(hint) => format!("{}\nhelp: {hint}", f.message),
        None => f.message.clone(),
    };
    Diagnostic {
        range: lines.range(f.span),
        severity: Some(match f.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(f.code.clone())),
        source: Some("glia".into()),
        message,
        tags: (f.code == "glia::check::unused-binding").then(|| vec![DiagnosticTag::UNNECESSARY]),
        ..Default::default()
    }
}
