//! CLI: the command line, as clap derive definitions (binary only).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Audit the links and pixels in a raw email before a campaign goes out.
///
/// Finds every link and pixel of a test send — HTML, AMP and text parts, Outlook-only VML
/// buttons, CSS backgrounds, List-Unsubscribe — unwraps SafeLinks, Proofpoint and ESP redirects,
/// and reports each one still on an ESP's shared tracking domain or on plain http instead of your
/// tracking subdomain. Nothing is ever fetched: no click or open is counted.
#[derive(Debug, Parser)]
#[command(name = "linkaudit", version, args_conflicts_with_subcommands = true, term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub audit: AuditArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain the rules: all of them, or one by code or name.
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule code (LA201) or name (esp-default-tracking-domain).
    pub rule: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Messages to audit: .eml/.emlx files, mbox files, folders (every .eml, .emlx and .mbox
    /// below them), Gmail "Show original" text, or - for standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Your tracking host; repeat for several (track-tx.example.com, track-mkt.example.com).
    /// `*.example.com` accepts every subdomain.
    #[arg(short, long, value_name = "HOST")]
    pub expect: Vec<String>,

    /// Report format.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Exit with 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    pub fail_on: FailOn,

    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// When to colour text output (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// Largest message read, in MiB.
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_input_mb: usize,

    /// Deepest MIME nesting walked.
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub max_depth: usize,

    /// Most MIME parts walked per message.
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub max_parts: usize,

    /// Most links reported per message.
    #[arg(long, default_value_t = 50_000, value_name = "N")]
    pub max_links: usize,

    /// Most redirect layers unwrapped per link.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub max_unwrap_depth: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Grouped per message, with locations, URLs and hints.
    Text,
    /// One line per finding: path:part:line:col: CODE [severity] message.
    Concise,
    /// The JSON contract (version 1).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}
