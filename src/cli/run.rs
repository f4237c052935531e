//! CLI: the audit command — read inputs, audit them with the library, render, pick the exit code.

use std::io::IsTerminal;

use linkaudit::report::{self, InputFailure, Report};
use linkaudit::{Limits, Options, Severity};

use super::args::{AuditArgs, ColorWhen, FailOn, Format};
use super::inputs;
use super::output::{emit, Exit};

/// Runs an audit; returns the exit status.
pub fn run(args: &AuditArgs) -> Exit {
    if args.paths.is_empty() {
        eprintln!("linkaudit: error: no input: give a message file, a folder, an mbox or - for standard input (see --help)");
        return Exit::Error;
    }
    let opts = options(args);
    let mut failures: Vec<(String, String)> = Vec::new();
    let inputs = inputs::expand(&args.paths, &mut failures);
    let mut messages = Vec::new();
    for input in &inputs {
        let name = input.name();
        match input.read() {
            Ok(bytes) => match linkaudit::audit_all(&name, &bytes, &opts) {
                Ok(reports) => messages.extend(reports),
                Err(e) => failures.push((name, e.to_string())),
            },
            Err(e) => failures.push((name, read_error(&e))),
        }
    }
    for (source, message) in &failures {
        eprintln!("linkaudit: error: {source}: {message}");
    }
    let errors: Vec<InputFailure> =
        failures.into_iter().map(|(source, message)| InputFailure { source, message }).collect();
    linkaudit::rules::batch::cross_message(&mut messages);
    let report = Report::new(messages, errors);
    let color = match args.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    };
    let text = match args.format {
        // Nothing was audited: the errors on stderr say it all.
        Format::Text | Format::Concise if report.messages.is_empty() => String::new(),
        Format::Text => report::text::render(&report, color),
        Format::Concise => report::concise::render(&report),
        Format::Json => report::json::render(&report),
    };
    if let Some(code) = emit(&text, args.output.as_deref()) {
        return code;
    }
    if !report.errors.is_empty() {
        return Exit::Error;
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| report.messages.iter().any(|m| m.worst().is_some_and(|w| w >= t)));
    if failed {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

fn options(args: &AuditArgs) -> Options {
    let expect: Vec<&str> = args.expect.iter().flat_map(|e| e.split(',')).collect();
    let mut opts = Options::expecting(expect);
    opts.limits = Limits {
        max_input_bytes: args.max_input_mb.saturating_mul(1024 * 1024),
        max_depth: args.max_depth,
        max_parts: args.max_parts,
        max_links: args.max_links,
        max_unwrap_depth: args.max_unwrap_depth,
        ..Limits::default()
    };
    opts
}

fn read_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a folder".into(),
        _ => e.to_string(),
    }
}
