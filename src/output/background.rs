//! Removing the replaced old tree after the swap without making the build wait.
//!
//! Unlinking every file of a large old tree took most of a rebuild's time (8 of 11 s
//! at 10,000 posts on ext4). The new site is already in place by then, so the removal
//! goes to a detached process. It works under the same staging-folder lock a build
//! holds, so the next build leaves it alone while it runs, and removes whatever a
//! killed removal left (the marker still lists every file).

use super::cleanup;
use super::lock;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

/// Old trees with fewer files are removed in the build itself: a process is not worth it.
pub const MIN_FILES: usize = 1000;

/// Start removing the old tree at `dir` (listing `files`) in a detached process.
/// The caller must hold `dir`'s staging lock and release it by returning; the process
/// takes the lock over. `false` when no process could be started: remove it yourself.
pub fn remove_detached(dir: &Path, files: &BTreeSet<String>) -> bool {
    // SAFETY: fork in a process with other threads: the child only uses the allocator
    // (safe after fork with glibc), plain system calls and no locks held by other
    // threads (no rayon, no stdio), and always ends in `_exit`.
    let child = unsafe { libc::fork() };
    if child < 0 {
        return false;
    }
    if child > 0 {
        // The middle process exits at once: reap it so no zombie stays.
        let mut status = 0;
        // SAFETY: waiting for our own child.
        unsafe { libc::waitpid(child, &mut status, 0) };
        return libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    }
    // Middle process: fork again so the remover is re-parented to init and the build's
    // caller never waits for it; 1 if that fails, so the build removes the tree itself.
    // SAFETY: as above.
    let remover = unsafe { libc::fork() };
    if remover != 0 {
        // SAFETY: ends this process without running destructors or atexit handlers.
        unsafe { libc::_exit(if remover > 0 { 0 } else { 1 }) };
    }
    let _ = std::panic::catch_unwind(|| remover_main(dir, files));
    // SAFETY: as above.
    unsafe { libc::_exit(0) }
}

/// In the detached process: let go of everything inherited, take the staging lock once
/// the build has released it, and remove only the listed files.
fn remover_main(dir: &Path, files: &BTreeSet<String>) {
    detach();
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        match lock::try_lock_dir(dir) {
            Ok(Some(_held)) => {
                // Whatever stays (files someone added meanwhile) keeps a marker listing
                // nothing, and the next build names it.
                let _ = cleanup::remove_listed_with(dir, files, false);
                return;
            }
            // Gone: a later build cleared it first.
            Err(_) => return,
            Ok(None) if Instant::now() > deadline => return,
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// A new session, standard streams on /dev/null (a caller reading our output must see
/// it end when the build does) and every other descriptor closed: the output's lock
/// and the staging lock must be released when the build exits, not when we do.
fn detach() {
    // SAFETY: plain system calls on descriptors this process owns.
    unsafe {
        libc::setsid();
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null >= 0 {
            for fd in 0..3 {
                libc::dup2(null, fd);
            }
        }
        if libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32) != 0 {
            for fd in 3..65_536 {
                libc::close(fd);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn the_old_tree_goes_after_the_lock_is_released_and_only_listed_files() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join(".public.lantern-staging-1");
        let mut listed = BTreeSet::new();
        for i in 0..50 {
            let rel = format!("p{}/index.html", i % 7);
            fs::create_dir_all(d.join(format!("p{}", i % 7))).unwrap();
            fs::write(d.join(&rel), "x").unwrap();
            listed.insert(rel);
            let rel = format!("f{i}.txt");
            fs::write(d.join(&rel), "y").unwrap();
            listed.insert(rel);
        }
        fs::write(
            d.join(".lantern"),
            super::super::marker::render(listed.iter().map(String::as_str)),
        )
        .unwrap();
        let held = lock::try_lock_dir(&d).unwrap().unwrap();
        assert!(remove_detached(&d, &listed));
        // While the build holds the lock nothing is removed.
        std::thread::sleep(Duration::from_millis(100));
        assert!(d.join("f0.txt").exists(), "removed under a build's lock");
        drop(held);
        let until = Instant::now() + Duration::from_secs(20);
        while d.exists() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!d.exists(), "the old tree is still there");
    }

    #[test]
    fn files_nobody_listed_stay() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join(".public.lantern-staging-2");
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("index.html"), "x").unwrap();
        fs::write(d.join("notes.txt"), "mine").unwrap();
        let listed: BTreeSet<String> = ["index.html".to_string()].into();
        let held = lock::try_lock_dir(&d).unwrap().unwrap();
        assert!(remove_detached(&d, &listed));
        drop(held);
        let until = Instant::now() + Duration::from_secs(20);
        while d.join("index.html").exists() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!d.join("index.html").exists());
        assert_eq!(fs::read_to_string(d.join("notes.txt")).unwrap(), "mine");
    }
}
