//! Publishing never destroys what is not Lantern's: foreign output folders are refused
//! untouched, a symlinked output is replaced at its target, and one build at a time
//! publishes an output folder (issue 11, items 1–3).

mod common;

use common::{EPOCH, Run, Site, snapshot};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// `lantern build --root <root> [extra…]` in the temp folder with `SOURCE_DATE_EPOCH=epoch`
/// and `HOME=home` (a temp folder, so no test ever depends on the real home).
fn build_with(site: &Site, epoch: i64, home: &Path, extra: &[&OsStr]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_lantern"))
        .args([
            OsStr::new("build"),
            OsStr::new("--root"),
            site.root.as_os_str(),
        ])
        .args(extra)
        .current_dir(site.tmp())
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .env("HOME", home)
        .output()
        .expect("run lantern");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Names in `dir` (not recursive), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The complete site of `site` at `epoch`, built into a fresh folder.
fn reference(site: &Site, epoch: i64) -> BTreeMap<String, Vec<u8>> {
    let out = site.tmp().join(format!("ref-{epoch}"));
    build_with(
        site,
        epoch,
        site.tmp(),
        &[OsStr::new("--out"), out.as_os_str()],
    )
    .assert_ok();
    let snap = snapshot(&out);
    fs::remove_dir_all(&out).unwrap();
    snap
}

fn assert_marker_valid(dir: &Path) {
    let marker = fs::read_to_string(dir.join(".lantern")).expect("the output has a marker");
    assert!(marker.starts_with("lantern-output v2\n"), "{marker}");
    // `<digest> <length> <path>` per file.
    assert!(
        marker.lines().any(|l| l.len()
            == 32 + 1 + l.split(' ').nth(1).unwrap_or("").len() + 1 + 10
            && l.ends_with(" index.html")),
        "{marker}"
    );
}

#[test]
fn a_folder_of_dot_files_is_refused_untouched() {
    let site = Site::fixture("tiny");
    let home = site.tmp().join("someone");
    fs::create_dir_all(home.join(".ssh")).unwrap();
    fs::write(
        home.join(".ssh/id_ed25519"),
        "-----BEGIN OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap();
    fs::write(home.join(".bashrc"), "export PS1='$ '\n").unwrap();
    let before = snapshot(&home);
    let around = names(site.tmp());
    let run = build_with(
        &site,
        EPOCH,
        site.tmp(),
        &[OsStr::new("--out"), home.as_os_str()],
    );
    assert_eq!(run.code, Some(1), "{run}");
    run.assert_stderr_has(&[
        "refusing to replace",
        "someone: it holds files Lantern did not write (e.g. .bashrc, .ssh); choose an empty folder or remove them",
    ]);
    assert!(snapshot(&home) == before, "the dot-files were changed");
    assert_eq!(names(site.tmp()), around, "something was created beside it");
}

#[test]
fn a_git_checkout_is_refused_untouched() {
    let site = Site::fixture("tiny");
    let pages = site.tmp().join("gh-pages");
    fs::create_dir_all(pages.join(".git/refs")).unwrap();
    fs::write(pages.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    let before = snapshot(&pages);
    let run = build_with(
        &site,
        EPOCH,
        site.tmp(),
        &[OsStr::new("--out"), pages.as_os_str()],
    );
    assert_eq!(run.code, Some(1), "{run}");
    run.assert_stderr_has(&["refusing to replace", "(e.g. .git)"]);
    assert!(snapshot(&pages) == before);
    assert!(
        pages.join(".git/refs").is_dir(),
        "an empty folder inside was removed"
    );
    // Even an empty `.git` folder is an entry: not an empty output.
    let bare = site.tmp().join("bare");
    fs::create_dir_all(bare.join(".git")).unwrap();
    build_with(
        &site,
        EPOCH,
        site.tmp(),
        &[OsStr::new("--out"), bare.as_os_str()],
    )
    .assert_failed();
    assert_eq!(names(&bare), [".git"]);
}

#[test]
fn home_root_and_site_ancestors_are_refused_even_when_empty() {
    let site = Site::fixture("tiny");
    let home = site.tmp().join("home");
    fs::create_dir(&home).unwrap();
    let run = build_with(
        &site,
        EPOCH,
        &home,
        &[OsStr::new("--out"), home.as_os_str()],
    );
    assert_eq!(run.code, Some(1), "{run}");
    run.assert_stderr_has(&["refusing to replace", "your home folder"]);
    assert!(names(&home).is_empty());
    let run = build_with(&site, EPOCH, &home, &[OsStr::new("--out"), OsStr::new("/")]);
    assert_eq!(run.code, Some(1), "{run}");
    run.assert_stderr_has(&["file system root"]);
    let before = snapshot(site.tmp());
    let run = build_with(
        &site,
        EPOCH,
        &home,
        &[OsStr::new("--out"), site.tmp().as_os_str()],
    );
    assert_eq!(run.code, Some(1), "{run}");
    run.assert_stderr_has(&["contains the site itself"]);
    assert!(snapshot(site.tmp()) == before);
}

#[test]
fn files_added_to_a_built_output_are_never_removed() {
    let site = Site::fixture("tiny");
    build_with(&site, EPOCH, site.tmp(), &[]).assert_ok();
    assert_marker_valid(&site.public());
    fs::write(site.public().join("CNAME"), "status.example.com\n").unwrap();
    let before = snapshot(&site.public());
    let run = build_with(&site, EPOCH + 60, site.tmp(), &[]);
    assert_eq!(run.code, Some(1), "{run}");
    run.assert_stderr_has(&["it holds files Lantern did not write (e.g. CNAME)"]);
    assert!(snapshot(&site.public()) == before);
    // A marker that is not Lantern's is not proof either.
    fs::remove_file(site.public().join("CNAME")).unwrap();
    fs::write(
        site.public().join(".lantern"),
        "lantern-output v1\n../outside\n",
    )
    .unwrap();
    build_with(&site, EPOCH + 60, site.tmp(), &[]).assert_failed();
}

#[test]
fn a_placeholder_gitkeep_folder_is_taken_and_the_placeholder_kept() {
    let site = Site::fixture("tiny");
    fs::create_dir_all(site.public()).unwrap();
    fs::write(site.public().join(".gitkeep"), "").unwrap();
    build_with(&site, EPOCH, site.tmp(), &[]).assert_ok();
    assert!(site.public().join(".gitkeep").is_file());
    assert!(site.public().join("index.html").is_file());
    let marker = fs::read_to_string(site.public().join(".lantern")).unwrap();
    assert!(marker.lines().any(|l| l.ends_with(" .gitkeep")), "{marker}");
    // And again, now as Lantern's own output.
    build_with(&site, EPOCH + 60, site.tmp(), &[]).assert_ok();
    assert!(site.public().join(".gitkeep").is_file());
}

#[test]
fn an_output_with_the_old_marker_is_still_replaced() {
    let site = Site::fixture("tiny");
    fs::create_dir_all(site.public().join("incidents")).unwrap();
    fs::write(
        site.public().join(".lantern"),
        "Written by lantern build. This folder is replaced as a whole on every build.\n",
    )
    .unwrap();
    fs::write(site.public().join("incidents/old.html"), "old").unwrap();
    build_with(&site, EPOCH, site.tmp(), &[]).assert_ok();
    assert_marker_valid(&site.public());
    assert!(!site.public().join("incidents/old.html").exists());
}

#[test]
fn a_symlinked_output_is_replaced_at_its_target_and_stays_a_link() {
    let site = Site::fixture("tiny");
    let www = site.tmp().join("www/status");
    build_with(
        &site,
        EPOCH,
        site.tmp(),
        &[OsStr::new("--out"), www.as_os_str()],
    )
    .assert_ok();
    std::os::unix::fs::symlink("../www/status", site.public()).unwrap();
    // Different input: one more post.
    site.write(
        "content/news/2026-11-30-new.md",
        "---\ntitle: Brand new\ndate: 2026-11-30T10:00:00Z\n---\nNew.\n",
    );
    let want = reference(&site, EPOCH);
    build_with(&site, EPOCH, site.tmp(), &[]).assert_ok();
    let meta = fs::symlink_metadata(site.public()).unwrap();
    assert!(meta.file_type().is_symlink(), "public/ is no longer a link");
    assert_eq!(
        fs::read_link(site.public()).unwrap(),
        Path::new("../www/status")
    );
    assert!(
        snapshot(&www) == want,
        "www/status is not the complete new site"
    );
    assert!(www.join("news/2026-11-30-new/index.html").is_file());
    // Beside the target: only the spare (the previous generation, Lantern's, listed).
    assert_eq!(
        names(&site.tmp().join("www")),
        [".status.lantern-spare", "status"],
        "leftovers beside the target"
    );
    assert_marker_valid(&site.tmp().join("www/.status.lantern-spare"));
    // A link to somebody else's folder is refused, the link and the folder untouched.
    let theirs = site.tmp().join("theirs");
    fs::create_dir(&theirs).unwrap();
    fs::write(theirs.join("notes.txt"), "mine").unwrap();
    fs::remove_file(site.public()).unwrap();
    std::os::unix::fs::symlink(&theirs, site.public()).unwrap();
    build_with(&site, EPOCH, site.tmp(), &[])
        .assert_failed()
        .assert_stderr_has(&["notes.txt"]);
    assert!(
        fs::symlink_metadata(site.public())
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(names(&theirs), ["notes.txt"]);
}

/// Hold the publishing lock of `<site>/public` the way a running build does.
struct FakeBuild {
    _held: fs::File,
}

impl FakeBuild {
    fn hold(site: &Site, pid: u32) -> FakeBuild {
        let f = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(site.path(".public.lantern-lock"))
            .unwrap();
        // SAFETY: the descriptor stays open for the duration of the call.
        assert_eq!(unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) }, 0);
        fs::write(site.path(".public.lantern-lock"), format!("{pid}\n")).unwrap();
        FakeBuild { _held: f }
    }
}

#[test]
fn a_second_build_waits_for_the_lock_then_fails_clearly() {
    let site = Site::fixture("tiny");
    build_with(&site, EPOCH, site.tmp(), &[]).assert_ok();
    let before = snapshot(&site.public());
    let held = FakeBuild::hold(&site, 4242);
    let run = build_with(
        &site,
        EPOCH + 60,
        site.tmp(),
        &[OsStr::new("--wait"), OsStr::new("0")],
    );
    assert_eq!(run.code, Some(1), "{run}");
    run.assert_stderr_has(&["another lantern build is publishing", "public (pid 4242)"]);
    let started = Instant::now();
    let run = build_with(
        &site,
        EPOCH + 60,
        site.tmp(),
        &[OsStr::new("--wait"), OsStr::new("1s")],
    );
    assert!(started.elapsed() >= Duration::from_secs(1), "did not wait");
    run.assert_failed().assert_stderr_has(&[
        "waiting up to 1s",
        "(pid 4242)",
        "; waited ",
        "(see --wait)",
    ]);
    assert!(
        snapshot(&site.public()) == before,
        "published without the lock"
    );
    // Released once the next one says it waits: it publishes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_lantern"))
        .args([
            OsStr::new("build"),
            OsStr::new("--root"),
            site.root.as_os_str(),
        ])
        .current_dir(site.tmp())
        .env("SOURCE_DATE_EPOCH", (EPOCH + 60).to_string())
        .env("HOME", site.tmp())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
    assert!(line.starts_with("waiting up to 60s"), "{line}");
    assert!(line.contains("(pid 4242)"), "{line}");
    drop(held);
    assert!(child.wait().unwrap().success());
    assert!(snapshot(&site.public()) != before);
    assert!(
        !site.path(".public.lantern-lock").exists(),
        "lock file left behind"
    );
}

#[test]
fn leftovers_it_cannot_remove_are_named_and_fixing_them_unsticks_the_site() {
    let site = Site::fixture("tiny");
    build_with(&site, EPOCH, site.tmp(), &[]).assert_ok();
    // A killed build's staging folder into which somebody put their own file.
    let leftover = site.path(".public.lantern-staging-99999");
    fs::create_dir_all(leftover.join("incidents")).unwrap();
    fs::write(
        leftover.join(".lantern"),
        "lantern-output v1\nincidents/a.html\n",
    )
    .unwrap();
    fs::write(leftover.join("incidents/a.html"), "half").unwrap();
    fs::write(leftover.join("diary.txt"), "mine").unwrap();
    let before = snapshot(&site.public());
    let run = build_with(&site, EPOCH + 60, site.tmp(), &[]);
    assert_eq!(run.code, Some(1), "{run}");
    run.assert_stderr_has(&[".public.lantern-staging-99999", "diary.txt", "build again"]);
    assert_eq!(
        fs::read_to_string(leftover.join("diary.txt")).unwrap(),
        "mine"
    );
    assert!(snapshot(&site.public()) == before);
    // Fixed: the next build removes the rest and publishes.
    fs::rename(leftover.join("diary.txt"), site.tmp().join("diary.txt")).unwrap();
    build_with(&site, EPOCH + 60, site.tmp(), &[]).assert_ok();
    assert!(!leftover.exists());
    // A live build's staging folder (its lock held) is never touched.
    let live = site.path(".public.lantern-staging-99998");
    fs::create_dir(&live).unwrap();
    fs::write(live.join("index.html"), "being written").unwrap();
    let dir = fs::File::open(&live).unwrap();
    // SAFETY: the descriptor stays open for the duration of the call.
    assert_eq!(unsafe { libc::flock(dir.as_raw_fd(), libc::LOCK_EX) }, 0);
    build_with(&site, EPOCH + 120, site.tmp(), &[]).assert_ok();
    assert_eq!(
        fs::read_to_string(live.join("index.html")).unwrap(),
        "being written"
    );
}

/// Rounds of the concurrency test; `LANTERN_PUBLISH_ROUNDS=50` for the full run.
fn rounds() -> usize {
    std::env::var("LANTERN_PUBLISH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8)
}

#[test]
fn three_builds_at_once_leave_one_complete_site_every_round() {
    let site = Site::fixture("tiny");
    let epochs = [EPOCH, EPOCH + 3600, EPOCH + 7200];
    let complete: Vec<_> = epochs.iter().map(|&e| reference(&site, e)).collect();
    assert!(complete[0] != complete[1] && complete[1] != complete[2]);
    build_with(&site, EPOCH, site.tmp(), &[]).assert_ok();

    let stop = Arc::new(AtomicBool::new(false));
    let (reads, failures) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let reader = {
        let (stop, reads, failures) = (stop.clone(), reads.clone(), failures.clone());
        let index: PathBuf = site.public().join("index.html");
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match fs::read(&index) {
                    Ok(b) if b.ends_with(b"</html>\n") || b.ends_with(b"</html>") => {
                        reads.fetch_add(1, Ordering::Relaxed)
                    }
                    _ => failures.fetch_add(1, Ordering::Relaxed),
                };
                // Poll often, but leave the (few, shared) cores to the builds.
                std::thread::sleep(Duration::from_micros(300));
            }
        })
    };
    let (mut waited, mut published, mut refused) = (0, 0, 0);
    for round in 0..rounds() {
        let children: Vec<_> = epochs
            .iter()
            .enumerate()
            .map(|(i, e)| {
                // The third does not wait: it publishes or fails for the lock.
                let wait = if i == 2 { "0" } else { "60s" };
                Command::new(env!("CARGO_BIN_EXE_lantern"))
                    .args([
                        OsStr::new("build"),
                        OsStr::new("--root"),
                        site.root.as_os_str(),
                    ])
                    .args(["--wait", wait])
                    .current_dir(site.tmp())
                    .env("SOURCE_DATE_EPOCH", e.to_string())
                    .env("HOME", site.tmp())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let (stdout, stderr) = (
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
            );
            if out.status.success() {
                assert!(
                    stdout.starts_with("built "),
                    "round {round}: {stdout}{stderr}"
                );
                published += 1;
                waited += usize::from(stderr.contains("waiting up to"));
            } else {
                assert!(
                    stderr.contains("another lantern build is publishing"),
                    "round {round}: a build failed for another reason:\n{stdout}{stderr}"
                );
                refused += 1;
            }
        }
        let now = snapshot(&site.public());
        assert!(
            complete.contains(&now),
            "round {round}: public/ is not one complete site"
        );
        assert_marker_valid(&site.public());
        // The spare (the previous generation, kept for the next build), the render
        // cache (whole files only, one per output folder ever built: here public/ and the
        // three reference folders), the folder stamps of public/ and the health and post
        // caches beside them are expected (nothing else: no temp file, no old `posts`).
        let stray: Vec<_> = names(&site.root)
            .into_iter()
            .filter(|n| {
                n.contains("lantern") && n != ".public.lantern-spare" && n != ".lantern-cache"
            })
            .collect();
        assert_marker_valid(&site.path(".public.lantern-spare"));
        let cache: Vec<_> = names(&site.path(".lantern-cache"))
            .into_iter()
            .filter(|n| {
                // The post cache's shard files: `posts-00` … `posts-0f`.
                let shard = n.strip_prefix("posts-").is_some_and(|h| {
                    h.len() == 2 && u8::from_str_radix(h, 16).is_ok_and(|i| i < 16)
                });
                n != "CACHEDIR.TAG" && n != "health" && !shard
            })
            .collect();
        let pages = cache.iter().filter(|n| n.starts_with("pages-")).count();
        let stamps = cache.iter().filter(|n| n.starts_with("folders-")).count();
        assert!(
            pages == 4 && stamps == 1 && cache.len() == 5,
            "round {round}: {cache:?}"
        );
        assert!(
            stray.is_empty(),
            "round {round}: left beside public/: {stray:?}"
        );
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    eprintln!(
        "{} rounds: {published} builds published ({waited} after waiting), {refused} refused for the lock, {} reads of index.html",
        rounds(),
        reads.load(Ordering::Relaxed)
    );
    assert_eq!(
        failures.load(Ordering::Relaxed),
        0,
        "a reader failed to read index.html"
    );
    assert!(reads.load(Ordering::Relaxed) > 0);
    // A following build is not tripped up by anything the rounds left.
    build_with(&site, EPOCH + 60, site.tmp(), &[]).assert_ok();
    assert_marker_valid(&site.public());
}

/// Make `file` impossible to delete: `chattr +i` as root, a read-only folder otherwise.
/// `None` where neither works (a file system without immutable files, under root).
fn pin(file: &Path) -> Option<Box<dyn Fn()>> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        let dir = file.parent().unwrap().to_path_buf();
        let mode = move |m| {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&dir, fs::Permissions::from_mode(m)).unwrap();
        };
        mode(0o555);
        return Some(Box::new(move || mode(0o755)));
    }
    let chattr = |flag: &str| {
        Command::new("chattr")
            .arg(flag)
            .arg(file)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !chattr("+i") {
        return None;
    }
    let file = file.to_path_buf();
    Some(Box::new(move || {
        Command::new("chattr")
            .arg("-i")
            .arg(&file)
            .status()
            .unwrap();
    }))
}

#[test]
fn an_undeletable_leftover_is_named_and_unpinning_it_unsticks_the_site() {
    let site = Site::fixture("tiny");
    build_with(&site, EPOCH, site.tmp(), &[]).assert_ok();
    let leftover = site.path(".public.lantern-staging-99997");
    fs::create_dir_all(leftover.join("incidents")).unwrap();
    fs::write(leftover.join("incidents/half.html"), "half").unwrap();
    let Some(unpin) = pin(&leftover.join("incidents/half.html")) else {
        eprintln!("skipped: cannot make a file undeletable here");
        return;
    };
    let before = snapshot(&site.public());
    let run = build_with(&site, EPOCH + 60, site.tmp(), &[]);
    unpin();
    assert_eq!(run.code, Some(1), "{run}");
    run.assert_stderr_has(&[
        "cannot remove",
        ".public.lantern-staging-99997",
        "build again",
    ]);
    assert!(snapshot(&site.public()) == before);
    build_with(&site, EPOCH + 60, site.tmp(), &[]).assert_ok();
    assert!(!leftover.exists());
    assert!(snapshot(&site.public()) != before);
}
