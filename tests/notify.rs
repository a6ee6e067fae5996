//! `lantern notify`: every channel gets each published update once, in time order, over
//! real loopback receivers (HTTP: tiny_http in the test; email: Python's aiosmtpd).

mod common;

use common::Site;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::ffi::OsStr;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// "Now" of the runs: 2026-12-03T12:00:00Z.
const NOW: i64 = common::EPOCH;
const HOUR: i64 = 3600;
const SECRET: &str = "s3cret-for-the-webhook";

/// One request a receiver saw.
#[derive(Debug, Clone)]
struct Req {
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A loopback HTTP server recording every request and answering `status`.
struct Receiver {
    url: String,
    reqs: Arc<Mutex<Vec<Req>>>,
    status: Arc<AtomicU16>,
    delay_ms: Arc<AtomicU64>,
}

impl Receiver {
    fn start() -> Receiver {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("bind a receiver");
        let port = server.server_addr().to_ip().expect("ip").port();
        let reqs = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(200));
        let delay_ms = Arc::new(AtomicU64::new(0));
        let (r, s, d) = (reqs.clone(), status.clone(), delay_ms.clone());
        std::thread::spawn(move || {
            for mut rq in server.incoming_requests() {
                let mut body = Vec::new();
                let _ = std::io::Read::read_to_end(rq.as_reader(), &mut body);
                r.lock().unwrap().push(Req {
                    url: rq.url().to_string(),
                    headers: rq
                        .headers()
                        .iter()
                        .map(|h| (h.field.to_string(), h.value.to_string()))
                        .collect(),
                    body,
                });
                std::thread::sleep(Duration::from_millis(d.load(Ordering::SeqCst)));
                let code = s.load(Ordering::SeqCst);
                let _ = rq.respond(tiny_http::Response::from_string("ok").with_status_code(code));
            }
        });
        Receiver {
            url: format!("http://127.0.0.1:{port}"),
            reqs,
            status,
            delay_ms,
        }
    }
    fn take(&self) -> Vec<Req> {
        std::mem::take(&mut *self.reqs.lock().unwrap())
    }
    fn count(&self) -> usize {
        self.reqs.lock().unwrap().len()
    }
}

/// A real SMTP server (aiosmtpd) writing each message into a Maildir.
struct Smtp {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Smtp {
    /// `None` when aiosmtpd is not installed, unless CI=true, where that is a failure.
    fn start() -> Option<Smtp> {
        let have = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !have {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI must install aiosmtpd (see .ci/run)"
            );
            eprintln!("note: python3 aiosmtpd is missing; the email channel is not tested");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Smtp { child, port, dir })
    }
    /// The received messages, oldest first (by the order aiosmtpd stored them).
    fn messages(&self) -> Vec<Vec<u8>> {
        let new = self.dir.path().join("mail/new");
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&new)
            .map(|d| {
                d.map(|e| {
                    let e = e.unwrap();
                    (e.metadata().unwrap().modified().unwrap(), e.path())
                })
                .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .into_iter()
            .map(|(_, p)| std::fs::read(p).unwrap())
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// All receivers of one test.
struct Receivers {
    webhook: Receiver,
    slack: Receiver,
    discord: Receiver,
    mastodon: Receiver,
    smtp: Option<Smtp>,
}

impl Receivers {
    fn start() -> Receivers {
        Receivers {
            webhook: Receiver::start(),
            slack: Receiver::start(),
            discord: Receiver::start(),
            mastodon: Receiver::start(),
            smtp: Smtp::start(),
        }
    }
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "T_WEBHOOK_URL",
                format!("{}/hook?token=abc", self.webhook.url),
            ),
            ("T_WEBHOOK_SECRET", SECRET.to_string()),
            (
                "T_SLACK_URL",
                format!("{}/services/T0/B0/xyz", self.slack.url),
            ),
            (
                "T_DISCORD_URL",
                format!("{}/api/webhooks/1/abc", self.discord.url),
            ),
            ("T_MASTODON_TOKEN", "tok-123".to_string()),
        ]
    }
    fn http_counts(&self) -> [usize; 4] {
        [
            self.webhook.count(),
            self.slack.count(),
            self.discord.count(),
            self.mastodon.count(),
        ]
    }
}

/// The `notify:` section for `r`'s receivers.
fn notify_yaml(r: &Receivers, extra: &str) -> String {
    let mut y = format!(
        "notify:\n{extra}  channels:\n    - {{ id: ops-webhook, webhook: {{ url_env: T_WEBHOOK_URL, secret_env: T_WEBHOOK_SECRET }} }}\n    - {{ id: slack, slack: {{ url_env: T_SLACK_URL }} }}\n    - {{ id: discord, discord: {{ url_env: T_DISCORD_URL }} }}\n    - {{ id: mastodon, mastodon: {{ instance: \"{}\", token_env: T_MASTODON_TOKEN }} }}\n",
        r.mastodon.url
    );
    if let Some(s) = &r.smtp {
        y.push_str(&format!(
            "    - id: email\n      email:\n        smtp: 127.0.0.1:{}\n        starttls: false\n        from: \"Test Status <status@status.test>\"\n        to: [\"announce@lists.status.test\"]\n",
            s.port
        ));
    }
    y
}

const SITE: &str = "title: Test Status\nbase_url: https://status.test/\ntimezone: Europe/Berlin\ncomponents:\n  - { id: api, name: API }\n  - { id: web, name: Website }\n";

fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A site with one incident (three updates), one maintenance and one draft incident.
fn test_site(r: &Receivers, extra: &str) -> Site {
    let site = Site::empty();
    site.write(
        "content/site.yaml",
        format!("{SITE}{}", notify_yaml(r, extra)),
    );
    site.write(
        "content/incidents/db-outage.md",
        format!(
            "---\ntitle: API outage\nimpact: major\ncomponents: [api]\nstarted: {s}\nupdates:\n  - at: {a}\n    status: investigating\n    text: \"Requests fail. <!channel> @everyone & 1 < 2 > 0\"\n  - at: {b}\n    status: identified\n    text: \"A **full disk**; see [the runbook](/news/x/).\"\n  - at: {c}\n    status: monitoring\n    text: \"Disk grown; watching.\"\n---\nBody.\n",
            s = iso(NOW - 4 * HOUR),
            a = iso(NOW - 3 * HOUR),
            b = iso(NOW - 2 * HOUR),
            c = iso(NOW - HOUR),
        ),
    );
    site.write(
        "content/maintenance/upgrade.md",
        format!(
            "---\ntitle: Database upgrade\ncomponents: [web]\nscheduled_start: {}\nscheduled_end: {}\n---\nWe upgrade the database.\n",
            iso(NOW + 24 * HOUR),
            iso(NOW + 26 * HOUR)
        ),
    );
    site.write(
        "content/incidents/secret-draft.md",
        format!(
            "---\ntitle: DRAFT never announce\nimpact: minor\ncomponents: [api]\nstarted: {s}\ndraft: true\nupdates:\n  - at: {s}\n    status: investigating\n    text: \"draft text\"\n---\n",
            s = iso(NOW - 30 * 60)
        ),
    );
    site
}

/// Run `lantern notify --root <root> <args…>` at `epoch` with `env`.
fn notify(site: &Site, epoch: i64, env: &[(&str, String)], args: &[&str]) -> common::Run {
    let out = notify_cmd(site, epoch, env, args)
        .output()
        .expect("run lantern");
    common::Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn notify_cmd(site: &Site, epoch: i64, env: &[(&str, String)], args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lantern"));
    c.arg("notify")
        .arg("--root")
        .arg(&site.root)
        .args(args)
        .current_dir(site.tmp())
        .env("SOURCE_DATE_EPOCH", epoch.to_string());
    // Loopback only: no proxy may sit between lantern and the receivers.
    for v in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
    ] {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// The ids of `feed.atom` entries, as built by `lantern build`.
fn feed_ids(site: &Site) -> Vec<String> {
    site.build(&[]).assert_ok();
    let xml = std::fs::read(site.public().join("feed.atom")).unwrap();
    let feed = feed_rs::parser::parse(&xml[..]).unwrap();
    feed.entries.into_iter().map(|e| e.id).collect()
}

fn verify_signature(req: &Req) {
    let sig = req.header("X-Lantern-Signature").expect("signed");
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(&req.body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(sig, format!("sha256={hex}"));
}

#[test]
fn each_item_reaches_every_channel_once_in_time_order() {
    let r = Receivers::start();
    let site = test_site(&r, "");
    let env = r.env();
    let run = notify(&site, NOW, &env, &[]);
    run.assert_ok();
    let channels = if r.smtp.is_some() { 5 } else { 4 };
    assert!(
        run.stdout
            .contains(&format!("{} message(s) sent", 4 * channels)),
        "{run}"
    );

    // The webhook: four signed deliveries, oldest first, ids = feed entry ids.
    let hooks = r.webhook.take();
    assert_eq!(hooks.len(), 4, "{run}");
    let statuses: Vec<String> = hooks
        .iter()
        .map(|h| {
            h.json()["incident_update"]["status"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        statuses,
        ["investigating", "identified", "monitoring", "maintenance"]
    );
    let feed = feed_ids(&site);
    let mut delivery_ids = Vec::new();
    for h in &hooks {
        assert_eq!(h.url, "/hook?token=abc");
        verify_signature(h);
        let j = h.json();
        let id = j["incident_update"]["id"].as_str().unwrap();
        assert!(
            feed.iter().any(|f| f == id),
            "{id} is not a feed entry id: {feed:?}"
        );
        assert_eq!(j["page"]["name"], "Test Status");
        assert!(
            j["incident"]["shortlink"]
                .as_str()
                .unwrap()
                .starts_with("https://status.test/")
        );
        delivery_ids.push(h.header("X-Lantern-Delivery").unwrap().to_string());
        assert!(!String::from_utf8_lossy(&h.body).contains("DRAFT"));
    }
    delivery_ids.dedup();
    assert_eq!(delivery_ids.len(), 4);
    let first = hooks[0].json();
    assert_eq!(first["incident"]["name"], "API outage");
    assert_eq!(first["incident"]["impact"], "major");
    assert_eq!(first["incident"]["components"][0]["name"], "API");
    assert_eq!(
        hooks[3].json()["incident"]["scheduled_for"],
        iso(NOW + 24 * HOUR)
    );

    // Slack: `text` and `blocks`, with mentions escaped.
    let slack = r.slack.take();
    assert_eq!(slack.len(), 4);
    let s0 = slack[0].json();
    assert!(
        s0["text"]
            .as_str()
            .unwrap()
            .contains("API outage — Investigating")
    );
    let blocks = s0["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(blocks[0]["text"]["type"], "plain_text");
    let body = blocks[1]["text"]["text"].as_str().unwrap();
    assert_eq!(blocks[1]["text"]["type"], "mrkdwn");
    assert!(
        body.contains("&amp; 1 &lt; 2 &gt; 0") && !body.contains("<!channel>"),
        "{body}"
    );
    assert!(
        slack[1].json()["blocks"][1]["text"]["text"]
            .as_str()
            .unwrap()
            .contains("the runbook (https://status.test/news/x/)")
    );

    // Discord: `content` and one embed within the limits; no mentions parsed.
    let discord = r.discord.take();
    assert_eq!(discord.len(), 4);
    for d in &discord {
        let j = d.json();
        assert!(j["content"].as_str().unwrap().chars().count() <= 2000);
        let e = &j["embeds"][0];
        assert!(e["title"].as_str().unwrap().chars().count() <= 256);
        assert!(e["description"].as_str().unwrap().chars().count() <= 4096);
        assert!(
            e["url"]
                .as_str()
                .unwrap()
                .starts_with("https://status.test/")
        );
        assert_eq!(j["allowed_mentions"]["parse"], serde_json::json!([]));
    }
    assert_eq!(
        discord[2].json()["embeds"][0]["title"],
        "API outage — Monitoring"
    );

    // Mastodon: the statuses API with the item id as idempotency key.
    let toots = r.mastodon.take();
    assert_eq!(toots.len(), 4);
    for (t, h) in toots.iter().zip(&hooks) {
        assert_eq!(t.url, "/api/v1/statuses");
        assert_eq!(t.header("Authorization"), Some("Bearer tok-123"));
        assert_eq!(
            t.header("Idempotency-Key"),
            h.json()["incident_update"]["id"].as_str()
        );
        let status = t.json()["status"].as_str().unwrap().to_string();
        assert!(status.chars().count() <= 500);
        assert!(status.contains("https://status.test/"), "{status}");
    }

    // Email: four MIME messages with both parts, subject and threading.
    if let Some(smtp) = &r.smtp {
        let mails = smtp.messages();
        assert_eq!(mails.len(), 4, "{run}");
        let parsed: Vec<mailparse::ParsedMail> = mails
            .iter()
            .map(|m| mailparse::parse_mail(m).unwrap())
            .collect();
        let header = |m: &mailparse::ParsedMail, k: &str| {
            use mailparse::MailHeaderMap;
            m.headers.get_first_value(k)
        };
        let subjects: Vec<String> = parsed
            .iter()
            .map(|m| header(m, "Subject").unwrap())
            .collect();
        assert_eq!(
            subjects,
            [
                "[Test Status] Investigating: API outage",
                "[Test Status] Identified: API outage",
                "[Test Status] Monitoring: API outage",
                "[Test Status] Scheduled: Database upgrade",
            ]
        );
        let root_id = header(&parsed[0], "Message-ID").unwrap();
        assert!(header(&parsed[0], "In-Reply-To").is_none());
        for m in &parsed[1..3] {
            assert_eq!(header(m, "In-Reply-To").as_deref(), Some(root_id.as_str()));
            assert_eq!(header(m, "References").as_deref(), Some(root_id.as_str()));
            assert_ne!(header(m, "Message-ID").as_deref(), Some(root_id.as_str()));
        }
        assert!(header(&parsed[3], "In-Reply-To").is_none());
        for m in &parsed {
            assert_eq!(m.ctype.mimetype, "multipart/alternative");
            let types: Vec<&str> = m
                .subparts
                .iter()
                .map(|p| p.ctype.mimetype.as_str())
                .collect();
            assert_eq!(types, ["text/plain", "text/html"]);
        }
        let text = parsed[1].subparts[0].get_body().unwrap();
        let html = parsed[1].subparts[1].get_body().unwrap();
        assert!(
            text.contains("A full disk; see the runbook (https://status.test/news/x/)."),
            "{text}"
        );
        assert!(text.contains("Impact: major"), "{text}");
        assert!(text.contains("Affects: API"), "{text}");
        assert!(html.contains("<strong>full disk</strong>"), "{html}");
        assert!(
            html.contains("href=\"https://status.test/incidents/db-outage/#update-"),
            "{html}"
        );
        // The untrusted `<b>` of the first update is escaped in the HTML heading path
        // and the text part carries it as written text, not markup.
        let first_text = parsed[0].subparts[0].get_body().unwrap();
        assert!(first_text.contains("Requests fail."), "{first_text}");
    }

    // A second run sends nothing at all.
    let again = notify(&site, NOW + 60, &env, &[]);
    again.assert_ok();
    assert_eq!(r.http_counts(), [0, 0, 0, 0], "{again}");
    if let Some(smtp) = &r.smtp {
        assert_eq!(smtp.messages().len(), 4);
    }

    // One update appended with `lantern update`: exactly one new message per channel.
    let later = NOW + 2 * HOUR;
    let up = common::run_at(
        site.tmp(),
        later,
        [
            OsStr::new("update"),
            site.path("content/incidents/db-outage.md").as_os_str(),
            OsStr::new("--status"),
            OsStr::new("resolved"),
            OsStr::new("Fixed for good."),
        ],
    );
    up.assert_ok();
    notify(&site, later, &env, &[]).assert_ok();
    let hooks = r.webhook.take();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].json()["incident_update"]["status"], "resolved");
    assert_eq!(r.http_counts(), [0, 1, 1, 1]);
    for rec in [&r.slack, &r.discord, &r.mastodon] {
        rec.take();
    }
    if let Some(smtp) = &r.smtp {
        let mails = smtp.messages();
        assert_eq!(mails.len(), 5);
        let last = mailparse::parse_mail(&mails[4]).unwrap();
        use mailparse::MailHeaderMap;
        assert_eq!(
            last.headers.get_first_value("Subject").as_deref(),
            Some("[Test Status] Resolved: API outage")
        );
    }

    // The draft is never sent, not even when asked for by id.
    let draft_id = format!(
        "tag:status.test,2026:incidents/secret-draft/{}/investigating",
        iso(NOW - 30 * 60)
    );
    let resend = notify(&site, later, &env, &["--resend", &draft_id]);
    resend.assert_failed();
    resend.assert_stderr_has(&["no published update has the id"]);
    assert_eq!(r.http_counts(), [0, 0, 0, 0]);

    // --resend of a published id sends it again, once per channel.
    let id = hooks[0].json()["incident_update"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    notify(&site, later, &env, &["--resend", &id]).assert_ok();
    assert_eq!(r.http_counts(), [1, 1, 1, 1]);
}

#[test]
fn a_failing_channel_is_retried_next_run_without_holding_up_the_others() {
    let r = Receivers::start();
    let site = test_site(&r, "");
    let env = r.env();
    r.slack.status.store(500, Ordering::SeqCst);
    let run = notify(&site, NOW, &env, &[]);
    run.assert_failed();
    run.assert_stderr_has(&["channel `slack`", "HTTP 500", "retried on the next run"]);
    // Three attempts at the first item, then the channel waits for the next run.
    assert_eq!(r.slack.take().len(), 3, "{run}");
    assert_eq!(r.webhook.take().len(), 4);
    assert_eq!(r.discord.take().len(), 4);
    assert_eq!(r.mastodon.take().len(), 4);
    if let Some(smtp) = &r.smtp {
        assert_eq!(smtp.messages().len(), 4);
    }

    r.slack.status.store(200, Ordering::SeqCst);
    let next = notify(&site, NOW + 60, &env, &[]);
    next.assert_ok();
    let slack = r.slack.take();
    assert_eq!(slack.len(), 4, "{next}");
    assert!(
        slack[0].json()["text"]
            .as_str()
            .unwrap()
            .contains("Investigating")
    );
    assert_eq!(r.http_counts(), [0, 0, 0, 0]);
    if let Some(smtp) = &r.smtp {
        assert_eq!(smtp.messages().len(), 4);
    }
}

#[test]
fn two_concurrent_runs_never_send_an_item_twice() {
    let r = Receivers::start();
    let site = test_site(&r, "");
    let env = r.env();
    // Slow answers make the two runs overlap.
    r.webhook.delay_ms.store(150, Ordering::SeqCst);
    let a = notify_cmd(&site, NOW, &env, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let b = notify_cmd(&site, NOW, &env, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (oa, ob) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        oa.status.success(),
        "{}",
        String::from_utf8_lossy(&oa.stderr)
    );
    assert!(
        ob.status.success(),
        "{}",
        String::from_utf8_lossy(&ob.stderr)
    );
    for rec in [&r.webhook, &r.slack, &r.discord, &r.mastodon] {
        let reqs = rec.take();
        assert_eq!(reqs.len(), 4);
        let mut bodies: Vec<&Vec<u8>> = reqs.iter().map(|q| &q.body).collect();
        bodies.sort();
        bodies.dedup();
        assert_eq!(bodies.len(), 4, "an item was received twice");
    }
    if let Some(smtp) = &r.smtp {
        assert_eq!(smtp.messages().len(), 4);
    }
}

/// The example site with a webhook channel.
fn example_with_webhook(hook: &Receiver, extra: &str) -> Site {
    let site = Site::example();
    let cfg = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        format!("{cfg}notify:\n{extra}  channels:\n    - {{ id: hook, webhook: {{ url_env: T_HOOK }} }}\n"),
    );
    let _ = hook;
    site
}

#[test]
fn baseline_on_the_example_site_sends_nothing_now_or_later() {
    let hook = Receiver::start();
    let env = vec![("T_HOOK", format!("{}/h", hook.url))];
    // Every item counts as recent: the first run must refuse and point at --baseline.
    let site = example_with_webhook(&hook, "  max_age: 3650d\n");
    let first = notify(&site, NOW, &env, &[]);
    first.assert_failed();
    first.assert_stderr_has(&["--baseline", "Nothing was sent"]);
    assert_eq!(hook.count(), 0);
    assert!(!site.path(".lantern/announced.json").exists());

    let base = notify(&site, NOW, &[], &["--baseline"]);
    base.assert_ok();
    assert!(base.stdout.contains("nothing was sent"), "{base}");
    assert!(site.path(".lantern/announced.json").is_file());
    let after = notify(&site, NOW + 60, &env, &[]);
    after.assert_ok();
    assert_eq!(hook.count(), 0, "{after}");
    assert!(after.stdout.contains("0 message(s) sent"), "{after}");
}

#[test]
fn old_items_are_recorded_not_sent_and_dry_run_touches_nothing() {
    let hook = Receiver::start();
    let env = vec![("T_HOOK", format!("{}/h", hook.url))];
    // Default max_age 24h: at 2026-11-27T18:00Z only the two updates of the delayed
    // emails incident and the upgrade's announcement are recent.
    let at = 1_795_802_400;
    let site = example_with_webhook(&hook, "");
    let dry = notify(&site, at, &env, &["--dry-run"]);
    dry.assert_ok();
    assert!(
        dry.stdout
            .contains("== channel `hook` (webhook to $T_HOOK)"),
        "{dry}"
    );
    assert!(dry.stdout.contains("3 to send"), "{dry}");
    assert!(
        dry.stdout
            .contains("Maintenance: Database upgrade and standby replica — Scheduled"),
        "{dry}"
    );
    assert!(dry.stdout.contains("nothing was sent or recorded"), "{dry}");
    assert_eq!(hook.count(), 0);
    assert!(!site.path(".lantern").exists(), "dry run wrote something");

    let run = notify(&site, at, &env, &[]);
    run.assert_ok();
    let names: Vec<String> = hook
        .take()
        .iter()
        .map(|g| g.json()["incident"]["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "Database upgrade and standby replica",
            "Mention and digest emails are delayed",
            "Mention and digest emails are delayed",
        ],
        "{run}"
    );
    let state: Value = serde_json::from_str(&site.read(".lantern/announced.json")).unwrap();
    let n = state["announced"]["hook"].as_array().unwrap().len();
    assert!(n > 5, "old items are on record too: {state}");
}

#[test]
fn missing_env_and_malformed_channels_are_file_line_field_errors() {
    let r = Receivers::start();
    let site = test_site(&r, "");
    let mut env = r.env();
    env.retain(|(k, _)| *k != "T_SLACK_URL");
    let run = notify(&site, NOW, &env, &[]);
    run.assert_failed();
    // SITE has 6 lines, `notify:` is line 7, `channels:` 8, slack (item 1) line 10.
    run.assert_stderr_has(&[
        "content/site.yaml:10: field `notify.channels[1].slack.url_env`",
        "`T_SLACK_URL` is not set",
        "nothing was sent",
    ]);
    assert_eq!(r.http_counts(), [0, 0, 0, 0]);

    // A misspelt key.
    site.write(
        "content/site.yaml",
        format!(
            "{SITE}notify:\n  channels:\n    - id: a\n      slack:\n        url_evn: T_SLACK_URL\n"
        ),
    );
    let run = notify(&site, NOW, &r.env(), &[]);
    run.assert_failed();
    run.assert_stderr_has(&["content/site.yaml:11", "url_evn", "did you mean `url_env`"]);

    // Two transports in one channel, a secret pasted in place of a variable name, and
    // an unknown component.
    site.write(
        "content/site.yaml",
        format!("{SITE}notify:\n  channels:\n    - id: a\n      slack: {{ url_env: T_SLACK_URL }}\n      discord: {{ url_env: T_DISCORD_URL }}\n    - id: b\n      webhook: {{ url_env: \"https://hooks.example/abc\" }}\n      components: [nope]\n"),
    );
    let run = notify(&site, NOW, &r.env(), &[]);
    run.assert_failed();
    run.assert_stderr_has(&[
        "content/site.yaml:11: field `notify.channels[0].discord`: channel `a` has 2 transports",
        "content/site.yaml:13: field `notify.channels[1].webhook.url_env`: is not an environment variable name",
        "content/site.yaml:14: field `notify.channels[1].components[0]`: `nope` is not a component id",
    ]);
    assert!(
        !run.stderr.contains("hooks.example/abc"),
        "a secret was echoed:\n{run}"
    );
    assert_eq!(r.http_counts(), [0, 0, 0, 0]);
    if let Some(smtp) = &r.smtp {
        assert_eq!(smtp.messages().len(), 0);
    }
}

#[test]
fn a_slow_receiver_times_out_and_starttls_is_required_by_default() {
    let hook = Receiver::start();
    // Answers after 2 s; the channel allows 1 s per request.
    hook.delay_ms.store(2000, Ordering::SeqCst);
    let smtp = Smtp::start();
    let site = Site::empty();
    let mut yaml = format!(
        "{SITE}notify:\n  timeout: 1s\n  channels:\n    - {{ id: hook, webhook: {{ url_env: T_HOOK }} }}\n"
    );
    if let Some(s) = &smtp {
        // aiosmtpd offers no STARTTLS: the default `starttls: true` must refuse to send.
        yaml.push_str(&format!(
            "    - {{ id: mail, email: {{ smtp: \"127.0.0.1:{}\", from: \"s@status.test\", to: [\"a@status.test\"] }} }}\n",
            s.port
        ));
    }
    site.write("content/site.yaml", yaml);
    site.write(
        "content/news/hello.md",
        format!("---\ntitle: Hello\ndate: {}\n---\nHi.\n", iso(NOW - HOUR)),
    );
    let env = vec![("T_HOOK", format!("{}/h", hook.url))];
    let started = Instant::now();
    let run = notify(&site, NOW, &env, &[]);
    run.assert_failed();
    run.assert_stderr_has(&["channel `hook`", "after 3 attempt(s)"]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "timeouts were not applied: {:?}",
        started.elapsed()
    );
    if let Some(s) = &smtp {
        run.assert_stderr_has(&["channel `mail`"]);
        assert_eq!(s.messages().len(), 0, "mail went out without STARTTLS");
    }
    let state = site.read(".lantern/announced.json");
    assert!(
        !state.contains("news/hello"),
        "a failed item was recorded: {state}"
    );
}

#[test]
fn the_state_is_never_written_through_a_symlink_out_of_the_site() {
    let hook = Receiver::start();
    let site = example_with_webhook(&hook, "");
    let outside = site.tmp().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, site.path(".lantern")).unwrap();
    let env = vec![("T_HOOK", format!("{}/h", hook.url))];
    let run = notify(&site, NOW, &env, &["--baseline"]);
    run.assert_failed();
    run.assert_stderr_has(&["leads outside the site"]);
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    assert_eq!(hook.count(), 0);
}
