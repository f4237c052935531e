//! A throwaway Dovecot for the IMAP tests: its own config, users file, CA and certificate in a
//! temporary folder, listening on 127.0.0.1 only (recipe: the project's Dovecot how-to). Messages
//! are delivered straight into its maildir (tmp/ then a rename into new/, as an MDA does), and
//! the maildir's file names — which carry each message's flags — show what changed on the server.

use std::collections::BTreeSet;
use std::fs;
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

pub const USER: &str = "qa";
pub const PASSWORD: &str = "s3cret";
const NOBODY: u32 = 65534;

/// Is Dovecot here to test against? Prints a SKIPPED line when not (and fails under
/// LINKAUDIT_REQUIRE_VALIDATORS, as `.ci/run` sets it: it installs dovecot-imapd).
pub fn available() -> bool {
    let missing = if !Path::new("/usr/sbin/dovecot").exists()
        && Command::new("dovecot").arg("--version").output().is_err()
    {
        Some("dovecot (apt-get install dovecot-imapd; .ci/run installs it)")
    } else if Command::new("openssl").arg("version").output().is_err() {
        Some("openssl")
    } else if unsafe { libc::geteuid() } != 0 {
        Some("root (Dovecot's master process runs as root; the mail processes as nobody)")
    } else {
        None
    };
    let Some(what) = missing else { return true };
    assert!(std::env::var_os("LINKAUDIT_REQUIRE_VALIDATORS").is_none(), "the IMAP tests need {what}");
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("SKIPPED (not run, not passed): the IMAP tests need {what}\n").as_bytes(),
    );
    false
}

fn dovecot_bin() -> &'static str {
    if Path::new("/usr/sbin/dovecot").exists() {
        "/usr/sbin/dovecot"
    } else {
        "dovecot"
    }
}

pub struct Dovecot {
    pub dir: tempfile::TempDir,
    /// The imaps port (TLS from the start).
    pub port: u16,
    /// The imap port (plain text, STARTTLS offered).
    pub plain_port: u16,
    child: Option<Child>,
}

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

static INSTANCE: AtomicUsize = AtomicUsize::new(0);

impl Dovecot {
    /// Starts Dovecot; with an introspection URL, XOAUTH2 logins are checked against it.
    pub fn start(oauth2_url: Option<&str>) -> Dovecot {
        let dir = tempfile::Builder::new().prefix("linkaudit-imap").tempdir().unwrap();
        let t = dir.path();
        fs::set_permissions(t, fs::Permissions::from_mode(0o755)).unwrap();
        let mail = t.join("mail");
        for sub in ["", "qa", "qa/Maildir", "qa/Maildir/new", "qa/Maildir/cur", "qa/Maildir/tmp"] {
            let p = mail.join(sub);
            fs::create_dir_all(&p).unwrap();
            std::os::unix::fs::chown(&p, Some(NOBODY), Some(NOBODY)).unwrap();
        }
        certificates(t);
        fs::write(t.join("users"), format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n")).unwrap();
        fs::set_permissions(t.join("users"), fs::Permissions::from_mode(0o644)).unwrap();
        let port = free_port();
        let plain_port = free_port();
        let n = INSTANCE.fetch_add(1, Ordering::SeqCst);
        let td = t.display();
        let (mechanisms, oauth2) = match oauth2_url {
            Some(url) => {
                fs::write(
                    t.join("oauth2.conf.ext"),
                    format!(
                        "introspection_mode = post\nintrospection_url = {url}\nusername_attribute = username\n\
                         active_attribute = active\nactive_value = true\nforce_introspection = yes\n"
                    ),
                )
                .unwrap();
                (
                    "plain login xoauth2",
                    format!(
                        "passdb {{\n  driver = oauth2\n  mechanisms = xoauth2\n  args = {td}/oauth2.conf.ext\n}}\n"
                    ),
                )
            }
            None => ("plain login", String::new()),
        };
        let conf = format!(
            "instance_name = linkaudit-test-{pid}-{n}\nbase_dir = {td}/run\nstate_dir = {td}/state\n\
             log_path = {td}/dovecot.log\nprotocols = imap\nlisten = 127.0.0.1\nssl = yes\n\
             ssl_cert = <{td}/server.pem\nssl_key = <{td}/server.key\ndefault_login_user = dovenull\n\
             default_internal_user = dovecot\nauth_mechanisms = {mechanisms}\n{oauth2}\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {td}/users\n}}\n\
             userdb {{\n  driver = static\n  args = uid=nobody gid=nogroup home={td}/mail/%u\n}}\n\
             mail_location = maildir:~/Maildir\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {plain_port}\n  }}\n  inet_listener imaps {{\n    \
             address = 127.0.0.1\n    port = {port}\n    ssl = yes\n  }}\n}}\n",
            pid = std::process::id(),
        );
        fs::write(t.join("dovecot.conf"), conf).unwrap();
        let mut d = Dovecot { dir, port, plain_port, child: None };
        d.run();
        d
    }

    fn run(&mut self) {
        let t = self.dir.path();
        let child = Command::new(dovecot_bin())
            .arg("-F")
            .arg("-c")
            .arg(t.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "dovecot did not start: {}", self.log());
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops Dovecot, and every connection with it: the master leaves established sessions
    /// running when it exits, so its children (imap-login, imap) are ended too, by their ids.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let children = children_of(c.id());
            unsafe {
                libc::kill(c.id() as i32, libc::SIGTERM);
            }
            let _ = c.wait();
            for pid in children {
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
        // The listener is gone once the master has exited.
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts it again on the same port, with the same mail.
    pub fn restart(&mut self) {
        self.run();
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    pub fn url(&self, mailbox: &str) -> String {
        format!("imaps://{USER}@127.0.0.1:{}/{mailbox}", self.port)
    }

    pub fn maildir(&self) -> PathBuf {
        self.dir.path().join("mail/qa/Maildir")
    }

    /// Delivers a message into a mailbox's `new/` (`""`: INBOX, else a Maildir++ `.NAME`).
    pub fn deliver(&self, mailbox: &str, name: &str, bytes: &[u8]) {
        let root =
            if mailbox.is_empty() { self.maildir() } else { self.maildir().join(format!(".{mailbox}")) };
        for sub in ["", "new", "cur", "tmp"] {
            let p = root.join(sub);
            if !p.exists() {
                fs::create_dir_all(&p).unwrap();
                std::os::unix::fs::chown(&p, Some(NOBODY), Some(NOBODY)).unwrap();
            }
        }
        let tmp = root.join("tmp").join(name);
        fs::write(&tmp, bytes).unwrap();
        std::os::unix::fs::chown(&tmp, Some(NOBODY), Some(NOBODY)).unwrap();
        fs::rename(&tmp, root.join("new").join(name)).unwrap();
    }

    /// The message files of a mailbox, `new/NAME` or `cur/NAME:2,FLAGS`: the flags are in the name.
    pub fn files(&self, mailbox: &str) -> BTreeSet<String> {
        let root =
            if mailbox.is_empty() { self.maildir() } else { self.maildir().join(format!(".{mailbox}")) };
        let mut out = BTreeSet::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = fs::read_dir(root.join(sub)) {
                for e in entries.flatten() {
                    out.insert(format!("{sub}/{}", e.file_name().to_string_lossy()));
                }
            }
        }
        out
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The ids of the processes whose parent is `pid` (from /proc).
fn children_of(pid: u32) -> Vec<i32> {
    let mut out = Vec::new();
    for e in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = fs::read_to_string(e.path().join("stat")) else { continue };
        // pid (comm) state ppid …; comm may hold spaces: split after the last ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else { continue };
        let ppid = rest.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            if let Some(child) = e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) {
                out.push(child);
            }
        }
    }
    out
}

/// A throwaway CA and a server certificate for 127.0.0.1 and localhost (EC keys: fast).
fn certificates(t: &Path) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(t).output().unwrap();
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=linkaudit test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(&[
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    fs::write(
        t.join("server.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ]);
}
