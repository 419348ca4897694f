//! `ww fmt [--check] FILE...`: the canonical formatter over files.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Formats each file in place (`-`: standard input to standard output);
/// with `check`, changes nothing and lists the files that would change.
/// Exit 1 if any file has syntax errors (reported) or, with `check`, would
/// change.
pub fn run(files: &[PathBuf], check: bool) -> ExitCode {
    let mut failed = false;
    for path in files {
        match format_one(path, check) {
            Ok(Outcome::Unchanged) => {}
            Ok(Outcome::Changed) if check => {
                println!("{}", path.display());
                failed = true;
            }
            Ok(Outcome::Changed) => eprintln!("formatted {}", path.display()),
            Err(report) => {
                eprint!("{report}");
                failed = true;
            }
        }
    }
    // 1 if anything failed.
    ExitCode::from(u8::from(failed))
}

enum Outcome {
    Unchanged,
    Changed,
}

fn format_one(path: &Path, check: bool) -> Result<Outcome, String> {
    let stdin = path.as_os_str() == "-";
    let text = if stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("ww fmt: cannot read standard input: {e}\n"))?;
        text
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| format!("ww fmt: cannot read {}: {e}\n", path.display()))?
    };
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let formatted = glia_syntax::format(&text).map_err(|errors| {
        glia_syntax::SyntaxErrors::new(&name, text.as_str(), errors).render_plain()
            + "ww fmt: fix the syntax errors above; the file was left as it was\n"
    })?;
    if stdin {
        // Standard input is formatted to standard output, whatever `check`.
        if !check {
            let _ = std::io::stdout().write_all(formatted.as_bytes());
        }
        return Ok(if formatted == text {
            Outcome::Unchanged
        } else {
            Outcome::Changed
        });
    }
    if formatted == text {
        return Ok(Outcome::Unchanged);
    }
    if !check {
        // Written beside the file, then renamed over it: an interrupted
        // write never leaves half a file.
        let tmp = path.with_extension("glia.ww-fmt-tmp");
        std::fs::write(&tmp, &formatted)
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                format!("ww fmt: cannot write {}: {e}\n", path.display())
            })?;
    }
    Ok(Outcome::Changed)
}
