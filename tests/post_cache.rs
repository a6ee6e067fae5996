//! The post cache is an optimisation only: whatever state `.lantern-cache/posts-*` is in
//! (valid, removed, garbage, truncated, a link), and whatever changed since it was
//! written (a post, the components), a build gives the same bytes and the same
//! messages as one that parses every post.

mod common;

use common::{EXAMPLE_FEED_END as T, Site, snapshot};
use lantern::content::cache::{Entry, SHARDS, Store, decode, encode, shard_file, shard_of};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

const LOGIN: &str = "content/incidents/2026-08-14-login-errors.md";

/// The cache file (one of the shards) that holds the login post's entry.
fn cache() -> String {
    format!(".lantern-cache/{}", shard_file(shard_of(Path::new(LOGIN))))
}

/// Every shard file there is.
fn shards(site: &Site) -> Vec<PathBuf> {
    (0..SHARDS)
        .map(|i| site.path(&format!(".lantern-cache/{}", shard_file(i))))
        .filter(|p| p.exists())
        .collect()
}

/// Each shard's entries.
fn stores(site: &Site) -> Vec<(PathBuf, Store)> {
    shards(site)
        .into_iter()
        .map(|p| {
            let store = decode(&fs::read(&p).unwrap(), None);
            (p, store)
        })
        .collect()
}
const LOGIN_TITLE: &str = "Sign-in failing after an update";

/// The example site, old enough that the cache trusts its files: an entry for a file
/// changed within 2 s of being read is never used (racy timestamps).
fn settled_example() -> Site {
    let site = Site::example();
    std::thread::sleep(Duration::from_millis(2100));
    site
}

fn build(site: &Site, name: &str, epoch: i64) -> PathBuf {
    let out = site.tmp().join(name);
    site.build_into_at(&out, epoch).assert_ok();
    out
}

/// A build with no cache at all (the cache folder is set aside and put back).
fn fresh(site: &Site, name: &str, epoch: i64) -> PathBuf {
    let cache = site.path(".lantern-cache");
    let aside = site.tmp().join("cache-aside");
    fs::rename(&cache, &aside).unwrap();
    let out = build(site, name, epoch);
    fs::remove_dir_all(&cache).unwrap();
    fs::rename(&aside, &cache).unwrap();
    out
}

fn same(a: &Path, b: &Path, why: &str) {
    let (sa, sb) = (snapshot(a), snapshot(b));
    assert_eq!(
        sa.keys().collect::<Vec<_>>(),
        sb.keys().collect::<Vec<_>>(),
        "{why}: file names"
    );
    for (k, v) in &sa {
        assert!(sb.get(k) == Some(v), "{why}: {k} differs");
    }
}

/// Rewrite the cache file with `f` applied to each entry, under the same key: the
/// file stays well-formed, so only a re-parse can undo the change.
fn rewrite_entries(site: &Site, f: impl Fn(&mut Entry)) {
    for (path, store) in stores(site) {
        let mut entries: Vec<Entry> = store.entries.into_values().collect();
        entries.iter_mut().for_each(&f);
        fs::write(path, encode(&store.key, &entries)).unwrap();
    }
}

/// The entries in the cache file that are whole and match their digest.
fn entries(site: &Site) -> usize {
    let stores = stores(site);
    for (path, store) in &stores {
        assert!(!store.damaged, "a build leaves no damaged entry: {path:?}");
        for p in store.entries.keys() {
            assert!(path.ends_with(shard_file(shard_of(p))), "{p:?} in {path:?}");
        }
    }
    stores.iter().map(|(_, s)| s.entries.len()).sum()
}

fn cached_titles(site: &Site) -> Vec<String> {
    stores(site)
        .into_iter()
        .flat_map(|(_, s)| s.entries.into_values().map(|e| e.post.title))
        .collect()
}

fn tamper_login_title(site: &Site) {
    rewrite_entries(site, |e| {
        if e.post.title == LOGIN_TITLE {
            e.post.title = "Tampered in the cache".into();
            // Consistently, as a build would have kept such a post.
            e.post.remember_digest();
        }
    });
    assert!(cached_titles(site).contains(&"Tampered in the cache".to_string()));
}

fn page_has(out: &Path, text: &str) -> bool {
    fs::read_to_string(out.join("incidents/2026-08-14-login-errors/index.html"))
        .unwrap()
        .contains(text)
}

#[test]
fn a_valid_removed_or_damaged_cache_gives_identical_output() {
    let site = settled_example();
    build(&site, "first", T);
    let text = fs::read(site.path(&cache())).unwrap();
    // Every post file of the example parses cleanly (drafts included): one entry each.
    let posts = ["incidents", "maintenance", "news"]
        .iter()
        .map(|k| {
            fs::read_dir(site.path(&format!("content/{k}")))
                .unwrap()
                .count()
        })
        .sum::<usize>();
    assert_eq!(entries(&site), posts, "one entry per post");
    assert!(cached_titles(&site).contains(&LOGIN_TITLE.to_string()));

    let later = T + 60;
    let cached = build(&site, "cached", later);
    same(&fresh(&site, "fresh", later), &cached, "valid cache");
    let mtime = |s: &Site| fs::metadata(s.path(&cache())).unwrap().modified().unwrap();
    let before = mtime(&site);
    build(&site, "steady", later + 60);
    assert_eq!(mtime(&site), before, "a steady rebuild writes nothing");
    assert!(
        fs::read(site.path(&cache())).unwrap() == text,
        "a steady rebuild keeps the cache as it was"
    );

    let at = later + 120;
    let want = fresh(&site, "want", at);
    for shard in shards(&site) {
        fs::remove_file(shard).unwrap();
    }
    same(&want, &build(&site, "removed", at), "cache removed");
    assert_eq!(entries(&site), posts, "written again whole");

    fs::write(site.path(&cache()), &text[..text.len() / 2]).unwrap();
    same(&want, &build(&site, "truncated", at), "truncated cache");
    assert_eq!(entries(&site), posts, "the lost entries are back");

    let mut flipped = text.clone();
    let i = text
        .windows(LOGIN_TITLE.len())
        .position(|w| w == LOGIN_TITLE.as_bytes())
        .unwrap();
    flipped[i] ^= 0x01;
    fs::write(site.path(&cache()), &flipped).unwrap();
    same(&want, &build(&site, "flipped", at), "one bit flipped");
    assert_eq!(entries(&site), posts);

    fs::write(site.path(&cache()), vec![0x5a; text.len()]).unwrap();
    same(&want, &build(&site, "garbage", at), "garbage cache");
    fs::write(site.path(&cache()), "").unwrap();
    same(&want, &build(&site, "empty", at), "empty cache");
    assert_eq!(entries(&site), posts, "written again whole");
}

#[test]
fn unchanged_posts_come_from_the_cache_and_never_from_an_earlier_time() {
    let site = settled_example();
    build(&site, "first", T);
    // Tampering the cache is not something the cache promises to notice: a build
    // that shows the tampered title took the post from the cache.
    tamper_login_title(&site);
    let used = build(&site, "used", T + 60);
    assert!(
        page_has(&used, "Tampered in the cache"),
        "the cache is used"
    );

    // A build at an earlier time than the entry's parses the file again.
    let earlier = build(&site, "earlier", T - 60);
    assert!(page_has(&earlier, LOGIN_TITLE));
    assert!(!page_has(&earlier, "Tampered in the cache"));
    same(
        &fresh(&site, "earlier-fresh", T - 60),
        &earlier,
        "earlier time",
    );

    // A cache made for another key (another Lantern binary, other components) is
    // not used.
    tamper_login_title(&site);
    let mut other = fs::read(site.path(&cache())).unwrap();
    let end = other.iter().position(|&b| b == b'\n').unwrap();
    other[end - 1] = if other[end - 1] == b'0' { b'1' } else { b'0' };
    fs::write(site.path(&cache()), other).unwrap();
    let rebuilt = build(&site, "other-key", T + 60);
    assert!(page_has(&rebuilt, LOGIN_TITLE));
}

#[test]
fn an_edited_post_shows_whatever_its_size() {
    let site = settled_example();
    build(&site, "first", T);
    let original = site.read(LOGIN);
    // Same size, other bytes.
    let same_size = original.replace(LOGIN_TITLE, "Sign-in failing after an UPDATE");
    assert_eq!(same_size.len(), original.len());
    site.write(LOGIN, &same_size);
    let out = build(&site, "same-size", T + 60);
    assert!(page_has(&out, "Sign-in failing after an UPDATE"));
    same(
        &fresh(&site, "same-size-fresh", T + 60),
        &out,
        "same-size edit",
    );

    // Another size, after the cache has settled again.
    std::thread::sleep(Duration::from_millis(2100));
    build(&site, "settle", T + 120);
    assert!(cached_titles(&site).contains(&"Sign-in failing after an UPDATE".to_string()));
    site.write(LOGIN, original.replace(LOGIN_TITLE, "Nobody could sign in"));
    let out = build(&site, "other-size", T + 180);
    assert!(page_has(&out, "Nobody could sign in"));
    same(
        &fresh(&site, "other-size-fresh", T + 180),
        &out,
        "other-size edit",
    );

    // A post removed: gone from the site and from the cache.
    fs::remove_file(site.path(LOGIN)).unwrap();
    let out = build(&site, "removed", T + 240);
    assert!(!out.join("incidents/2026-08-14-login-errors").exists());
    assert_eq!(entries(&site), 9);
    assert!(
        stores(&site)
            .iter()
            .all(|(_, s)| !s.entries.contains_key(Path::new(LOGIN)))
    );
}

#[test]
fn a_renamed_component_gives_the_same_error_as_without_a_cache() {
    let site = settled_example();
    build(&site, "first", T);
    assert!(cached_titles(&site).contains(&LOGIN_TITLE.to_string()));
    let config = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        config.replace("{ id: login,", "{ id: signin,"),
    );
    let out = site.tmp().join("out");
    let cached = site.build_into_at(&out, T + 60);
    cached.assert_failed();
    cached.assert_stderr_has(&[LOGIN, "unknown component `login`"]);
    fs::rename(site.path(".lantern-cache"), site.tmp().join("aside")).unwrap();
    let uncached = site.build_into_at(&out, T + 60);
    uncached.assert_failed();
    assert_eq!(cached.stderr, uncached.stderr);
    assert_eq!(cached.stdout, uncached.stdout);
}

#[test]
fn a_cache_reached_through_a_link_is_neither_read_nor_written() {
    let site = settled_example();
    build(&site, "first", T);
    tamper_login_title(&site);
    let tampered = fs::read(site.path(&cache())).unwrap();

    // The cache file is a link to a file outside the site.
    let outside = site.tmp().join("outside-posts");
    fs::rename(site.path(&cache()), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, site.path(&cache())).unwrap();
    let out = build(&site, "file-link", T + 60);
    assert!(page_has(&out, LOGIN_TITLE), "not read through the link");
    assert!(
        fs::read(&outside).unwrap() == tampered,
        "the linked file is unchanged"
    );
    assert!(
        !fs::symlink_metadata(site.path(&cache()))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is replaced, not followed"
    );

    // The cache folder is a link to a folder outside the site that looks like ours.
    let elsewhere = site.tmp().join("elsewhere");
    fs::rename(site.path(".lantern-cache"), &elsewhere).unwrap();
    let login_shard = elsewhere.join(shard_file(shard_of(Path::new(LOGIN))));
    fs::write(&login_shard, &tampered).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.path(".lantern-cache")).unwrap();
    let listing = |d: &Path| {
        let mut v: Vec<_> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    let before = listing(&elsewhere);
    let out = build(&site, "dir-link", T + 120);
    assert!(page_has(&out, LOGIN_TITLE), "not read through the link");
    assert!(
        fs::read(&login_shard).unwrap() == tampered,
        "the file in the linked folder is unchanged"
    );
    assert_eq!(
        listing(&elsewhere),
        before,
        "nothing written through the link"
    );
}
