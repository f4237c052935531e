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
    /// List and search the services linkaudit knows: hosts, URL shapes, categories, sources.
    Catalog(CatalogArgs),
    /// Show how linkaudit judges one URL or host: every unwrapping layer, the catalog entry and
    /// the rule that matched, the class — or why it is direct.
    Explain(ExplainArgs),
    /// Write a commented starter linkaudit.toml in the current folder.
    Init {
        /// Overwrite an existing linkaudit.toml.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Audit every test send as it lands: in a folder, or in a mailbox (imaps://…).
    #[cfg(feature = "watch")]
    Watch(Box<WatchArgs>),
    /// Check a tracking domain's setup: CNAME to the ESP, HTTPS certificate, HEAD / on the root,
    /// and the From domain's SPF, DKIM and DMARC records (uses the network).
    #[cfg(feature = "network")]
    Domain(Box<DomainArgs>),
}

/// `linkaudit domain`.
#[cfg(feature = "network")]
#[derive(Debug, Args)]
pub struct DomainArgs {
    /// Tracking hosts to check [default: the `expect` hosts of linkaudit.toml].
    #[arg(value_name = "HOST")]
    pub hosts: Vec<String>,

    /// The ESP the host should point to (sendgrid, mailgun, …); two ESPs on one host is a finding.
    #[arg(long, value_name = "ESP", value_delimiter = ',')]
    pub esp: Vec<String>,

    /// The From domain whose SPF, DKIM and DMARC records are checked.
    #[arg(long, value_name = "DOMAIN")]
    pub from: Option<String>,

    /// DKIM selectors to look up on the From domain, comma-separated.
    #[arg(long, value_name = "SELECTOR", value_delimiter = ',')]
    pub dkim_selector: Vec<String>,

    #[command(flatten)]
    pub common: CommonArgs,

    /// Report format: text (the checks per host, then findings), concise (one line per
    /// finding: HOST: CODE [severity] message), json or json-lines (facts and findings per host),
    /// junit (one test suite per host), sarif, github (annotations on the run), markdown or html.
    #[arg(
        short,
        long,
        value_enum,
        default_value_t = Format::Text,
        hide_possible_values = true,
        help_heading = "Output"
    )]
    pub format: Format,

    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    // Last: the heading of a flattened group carries over to the arguments after it.
    #[command(flatten)]
    pub net: NetArgs,
}

/// How the domain checks reach the network (`linkaudit domain`, `--check-dns`).
#[cfg(feature = "network")]
#[derive(Debug, Args)]
#[command(next_help_heading = "Domain checks")]
pub struct NetArgs {
    /// DNS server to ask instead of the system's (IP or IP:PORT).
    #[arg(long, value_name = "IP:PORT", value_parser = parse_resolver)]
    pub resolver: Option<std::net::SocketAddr>,

    /// Seconds each network step may take.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub timeout: f64,

    /// Skip the TLS check (and the HTTP check, which runs over it).
    #[arg(long)]
    pub no_tls: bool,

    /// Skip the HEAD / request.
    #[arg(long)]
    pub no_http: bool,

    /// Skip the SPF, DKIM and DMARC lookups.
    #[arg(long)]
    pub no_auth: bool,

    /// Port of the TLS and HTTP checks.
    #[arg(long, value_name = "PORT", default_value_t = 443)]
    pub port: u16,

    /// Also trust the CA certificates in this PEM file (a corporate TLS proxy, a test CA).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
}

#[cfg(feature = "network")]
fn parse_resolver(s: &str) -> Result<std::net::SocketAddr, String> {
    if let Ok(a) = s.parse::<std::net::SocketAddr>() {
        return Ok(a);
    }
    s.parse::<std::net::IpAddr>()
        .map(|ip| std::net::SocketAddr::new(ip, 53))
        .map_err(|_| format!("{s:?} is not an IP address or IP:PORT"))
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule code (LA201) or name (esp-default-tracking-domain).
    pub rule: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

/// `linkaudit catalog`.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Show only services whose name, alias, host, CNAME target or category contains this (a
    /// URL or host finds the service that owns it).
    pub query: Option<String>,
    /// Only this category: esp, transactional, sales, platform, analytics, adtech.
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
    /// Use this config file (its [[esp]] entries join the catalog) instead of looking for
    /// linkaudit.toml upwards from here.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any linkaudit.toml.
    #[arg(long)]
    pub no_config: bool,

    /// Print no notes (what was skipped, how a value was read, which file was written); errors
    /// and warnings still go to standard error.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say which linkaudit.toml is used (or that none was found, and where it was looked for).
    #[arg(short, long)]
    pub verbose: bool,
}

/// `linkaudit explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The URL (or host) to explain.
    #[arg(value_name = "URL|HOST")]
    pub target: String,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Messages to audit: .eml/.emlx files, Outlook .msg files, mbox files, Gmail "Show original"
    /// .txt files, folders (every such file below them), or - for standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,

    /// Threads auditing messages in parallel [default: one per core].
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Report format.
    #[arg(short, long, value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,

    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// When to colour text output (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN", help_heading = "Output")]
    pub color: ColorWhen,

    /// Never show a progress bar (it shows on a terminal for runs of more than a few files).
    #[arg(long, help_heading = "Output")]
    pub no_progress: bool,

    /// Also check the DNS, TLS and mail-authentication setup of every tracking host the
    /// messages use (as `linkaudit domain` does; uses the network).
    #[cfg(feature = "network")]
    #[arg(long, help_heading = "Domain checks")]
    pub check_dns: bool,

    #[cfg(feature = "network")]
    #[command(flatten)]
    pub net: NetArgs,

    // Last: the heading of a flattened group carries over to the arguments after it.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// What the audit checks and within which limits: shared by the audit and `watch`.
#[derive(Debug, Args, Default)]
pub struct CommonArgs {
    /// Your tracking host; repeat for several (track-tx.example.com, track-mkt.example.com).
    /// `*.example.com` accepts every subdomain.
    #[arg(short, long, value_name = "HOST")]
    pub expect: Vec<String>,

    /// Exit with 1 when a finding is at least this severe [default: error, or the config's].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Run only these rules: codes, code prefixes (LA2) or names, comma-separated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these rules: codes, code prefixes or names, comma-separated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Mask email addresses (also percent-encoded), URL userinfo and long URL tokens in every
    /// string the report takes from the messages (Subject, From, URLs, anchor and alt text).
    #[arg(long)]
    pub redact: bool,

    /// Use this config file instead of looking for linkaudit.toml upwards from here.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any linkaudit.toml.
    #[arg(long)]
    pub no_config: bool,

    /// Print no notes (what was skipped, how a value was read, which file was written); errors
    /// and warnings still go to standard error.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say which linkaudit.toml is used (or that none was found, and where it was looked for).
    #[arg(short, long)]
    pub verbose: bool,
}

/// Limits of the audit of one message: shared by the audit and `watch`.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Limits")]
pub struct LimitArgs {
    /// Largest message read, in MiB [default: 64].
    #[arg(long, value_name = "MIB", value_parser = at_least_one)]
    pub max_input_mb: Option<usize>,

    /// Deepest MIME nesting walked [default: 64].
    #[arg(long, value_name = "N")]
    pub max_depth: Option<usize>,

    /// Most MIME parts walked per message [default: 10000].
    #[arg(long, value_name = "N")]
    pub max_parts: Option<usize>,

    /// Most header fields per message, all header blocks together [default: 50000].
    #[arg(long, value_name = "N")]
    pub max_header_fields: Option<usize>,

    /// Largest decoded text part scanned for links, in MiB [default: 32].
    #[arg(long, value_name = "MIB")]
    pub max_part_mb: Option<usize>,

    /// Most links reported per message [default: 50000].
    #[arg(long, value_name = "N")]
    pub max_links: Option<usize>,

    /// Most redirect layers unwrapped per link [default: 8].
    #[arg(long, value_name = "N")]
    pub max_unwrap_depth: Option<usize>,
}

/// The input size limit: 0 would audit nothing and report every message as cut.
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("0 would read nothing: give at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// `linkaudit watch`.
#[derive(Debug, Args)]
#[command(mut_arg("fail_on", |a| a.help(
    "Mark a message ✖ (and move it with --move-to-fail) when a finding is at least this severe \
     [default: error, or the config's]; the watch's own exit code does not depend on it"
)))]
pub struct WatchArgs {
    /// The folder test sends are saved into, or the mailbox they land in:
    /// imaps://USER@HOST[:PORT]/MAILBOX (the password in $LINKAUDIT_IMAP_PASSWORD).
    #[arg(value_name = "DIR|URL")]
    pub dir: PathBuf,

    #[command(flatten)]
    pub common: CommonArgs,

    /// Watch the folders below DIR too.
    #[arg(short, long)]
    pub recursive: bool,

    /// Skip the messages already in the folder; audit only what arrives.
    #[arg(long)]
    pub new_only: bool,

    /// Audit what is in the folder now and exit.
    #[arg(long)]
    pub once: bool,

    /// Poll the folder instead of using file-system events (network shares, containers).
    #[arg(long)]
    pub poll: bool,

    /// Poll interval in milliseconds, with --poll.
    #[arg(long, default_value_t = 200, value_name = "MS")]
    pub poll_interval: u64,

    /// Quiet time in milliseconds after the last change before a file is read.
    #[arg(long, default_value_t = 100, value_name = "MS")]
    pub debounce: u64,

    /// Milliseconds a closed file's size and modification time must stay the same before it is
    /// read: longer than any pause of a writer that closes the file between chunks.
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub settle: u64,

    /// What each verdict prints on standard output.
    #[arg(short, long, value_enum, default_value_t = WatchFormat::Text, help_heading = "Output")]
    pub format: WatchFormat,

    /// A verdict line for every message of an mbox [default: one summary line per mbox].
    #[arg(long, help_heading = "Output")]
    pub per_message: bool,

    /// When to colour the verdict lines.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN", help_heading = "Output")]
    pub color: ColorWhen,

    /// Write each message's full report here, as <name>.linkaudit.json and .txt [default: none].
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub reports: Option<PathBuf>,

    /// No report files (the default; kept for scripts that pass it).
    #[arg(long, conflicts_with = "reports", hide = true)]
    pub no_reports: bool,

    /// Move messages without findings at or above --fail-on into this folder (or mailbox).
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub move_to_pass: Option<PathBuf>,

    /// Move messages with findings at or above --fail-on into this folder (or mailbox).
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub move_to_fail: Option<PathBuf>,

    #[cfg(feature = "network")]
    #[command(flatten)]
    pub imap: ImapArgs,

    // Last: the heading of a flattened group carries over to the arguments after it.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// `linkaudit watch imaps://…`: how the mailbox is reached.
#[cfg(feature = "network")]
#[derive(Debug, Args)]
#[command(next_help_heading = "Mailbox (watch imaps://…)")]
pub struct ImapArgs {
    /// Read the password (or the --oauth2 token) from the first line of this file [default:
    /// $LINKAUDIT_IMAP_PASSWORD or $LINKAUDIT_IMAP_TOKEN, else ~/.netrc].
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<std::path::PathBuf>,

    /// Log in with OAuth2 (XOAUTH2: Gmail, Microsoft 365), the access token in
    /// $LINKAUDIT_IMAP_TOKEN (or --password-file).
    #[arg(long)]
    pub oauth2: bool,

    /// Also trust the CA certificates in this PEM file (a private CA).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<std::path::PathBuf>,

    /// Only messages the server received on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    pub since: Option<String>,

    /// Add the keyword linkaudit-pass or linkaudit-fail to each audited message.
    #[arg(long)]
    pub keyword: bool,

    /// Seconds the server may take to connect or to answer.
    #[arg(long, value_name = "SECS", default_value_t = 30.0, value_parser = positive_secs)]
    pub imap_timeout: f64,

    /// First wait before reconnecting, in milliseconds (doubles up to a minute).
    #[arg(long, value_name = "MS", default_value_t = 1000, hide = true)]
    pub reconnect_ms: u64,

    /// IDLE is renewed after this many seconds (servers end it after 30 minutes; a connection
    /// that died without a word is noticed at the renewal).
    #[arg(long, value_name = "SECS", default_value_t = 300, hide = true)]
    pub idle_secs: u64,
}

/// `YYYY-MM-DD` as an IMAP date (`2-Dec-2026`).
#[cfg(feature = "network")]
fn parse_since(s: &str) -> Result<String, String> {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let bad = || format!("{s:?} is not a date: use YYYY-MM-DD");
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let y: u32 = y.parse().ok().filter(|_| y.len() == 4).ok_or_else(bad)?;
    let m: usize = m.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(bad)?;
    let d: u32 = d.parse().ok().filter(|d| (1..=31).contains(d)).ok_or_else(bad)?;
    Ok(format!("{d}-{}-{y}", MONTHS[m - 1]))
}

#[cfg(feature = "network")]
fn positive_secs(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 86_400.0 => Ok(v),
        _ => Err(format!("{s:?} is not a number of seconds between 0 and 86400")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchFormat {
    /// One line per message: ✔/✖, file, counts, worst finding.
    Text,
    /// One JSON object per audited message (the json-lines format).
    JsonLines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Grouped per message, with locations, URLs and hints.
    Text,
    /// One line per finding: path:LINE:COL: CODE [severity] message (file line and column).
    Concise,
    /// The JSON contract (version 1).
    Json,
    /// One JSON object per line: each message, then batch findings, errors and the summary.
    JsonLines,
    /// JUnit XML: one testsuite per message, one testcase per rule.
    Junit,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions annotations (::error file=…,line=…::).
    Github,
    /// Markdown tables, for a pull-request comment or a ticket.
    Markdown,
    /// One self-contained HTML page: the email with every flagged link outlined (use -o).
    Html,
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

impl From<Format> for linkaudit::report::format::Format {
    fn from(f: Format) -> Self {
        use linkaudit::report::format::Format as F;
        match f {
            Format::Text => F::Text,
            Format::Concise => F::Concise,
            Format::Json => F::Json,
            Format::JsonLines => F::JsonLines,
            Format::Junit => F::Junit,
            Format::Sarif => F::Sarif,
            Format::Github => F::Github,
            Format::Markdown => F::Markdown,
            Format::Html => F::Html,
        }
    }
}
