//! The render cache: a page whose template and context did not change since a build
//! whose output is live is not rendered again; the live file already holds its bytes.
//!
//! A page's key is a BLAKE3 hash of everything its bytes depend on: the theme's
//! templates, the running binary (rendering and clean-up code), the template name and
//! the serialised context (every value put into it, as JSON). The cache file maps key
//! → digest of the page's final bytes; a page is reused only when the live output's
//! marker says the file at its path has exactly that digest. So a deleted, stale or
//! garbage cache can only cost renders, never change the output.

use crate::sum::Sum;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::Mutex;

/// The hash identifying one page's inputs.
pub type Key = [u8; 16];

/// A tera context that also hashes everything put into it, for the page's cache key.
#[derive(Clone)]
pub struct Context {
    inner: tera::Context,
    hasher: blake3::Hasher,
    /// Set when a value could not be serialised for the key: never cached then.
    unkeyed: bool,
}

impl Default for Context {
    fn default() -> Self {
        Self::new()
    }
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Context {
            inner: tera::Context::new(),
            hasher: blake3::Hasher::new(),
            unkeyed: false,
        }
    }

    /// An empty context for a page keyed by what it depends on ([`DepKey`]): a second,
    /// context key would only cost hashing every value (a tenth of a fresh build) to
    /// save rendering after a settings change that leaves such pages as they were.
    pub fn without_key() -> Self {
        Context {
            unkeyed: true,
            ..Self::new()
        }
    }

    /// Put `val` under `key`, as `tera::Context::insert` does, and into the key.
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, val: &T) {
        self.inner.insert(key, val);
        if self.unkeyed {
            return;
        }
        self.hasher.update(&(key.len() as u64).to_le_bytes());
        self.hasher.update(key.as_bytes());
        // JSON is unambiguous (strings escaped); 0xff never occurs in it and ends it.
        if !hash_json(&mut self.hasher, val) {
            self.unkeyed = true;
        }
        self.hasher.update(&[0xff]);
    }

    /// [`Context::insert`] for a value shared by many pages, converted for tera once
    /// (`value`, cheap to clone) and digested once ([`digest_of`] of the value it was
    /// made from): neither is redone per page.
    pub fn insert_shared(&mut self, key: &'static str, value: tera::Value, digest: &[u8; 32]) {
        self.inner.insert_value(key, value);
        if self.unkeyed {
            return;
        }
        self.hasher.update(&(key.len() as u64).to_le_bytes());
        self.hasher.update(key.as_bytes());
        // 0xfe, unlike JSON's first byte, says a digest follows.
        self.hasher.update(&[0xfe]);
        self.hasher.update(digest);
        self.hasher.update(&[0xff]);
    }

    /// The context tera renders with.
    pub fn tera(&self) -> &tera::Context {
        &self.inner
    }

    /// The key of rendering `template` with this context under `fingerprint`.
    pub fn key(&self, fingerprint: &Key, template: &str) -> Option<Key> {
        if self.unkeyed {
            return None;
        }
        let mut h = self.hasher.clone();
        h.update(fingerprint);
        h.update(template.as_bytes());
        let mut key = [0; 16];
        key.copy_from_slice(&h.finalize().as_bytes()[..16]);
        Some(key)
    }
}

/// The BLAKE3 digest of `val`'s JSON, for [`Context::insert_digested`].
pub fn digest_of<T: Serialize + ?Sized>(val: &T) -> Option<[u8; 32]> {
    let mut h = blake3::Hasher::new();
    hash_json(&mut h, val).then(|| *h.finalize().as_bytes())
}

/// A page key made from what the page depends on (the site's settings, the posts it
/// shows, the build's fingerprint) rather than from its built context, so an
/// unchanged page costs neither building its views nor hashing them. Only pages that
/// do not depend on now get one (`settled`); everything else is keyed by context.
pub struct DepKey(blake3::Hasher);

impl DepKey {
    /// A key for the page at `path` from `template`, under `fingerprint` and `site`
    /// (the digest of every site-wide input: settings, strings, the settled site view).
    pub fn new(fingerprint: &Key, site: &Key, template: &str, path: &str) -> DepKey {
        let mut h = blake3::Hasher::new();
        // Unlike a context key, which ends with the fingerprint: the two never meet.
        h.update(b"lantern-deps v2\0");
        h.update(fingerprint);
        h.update(site);
        let mut k = DepKey(h);
        k.add(&template);
        k.add(&path);
        k
    }

    /// Mix in `value` (anything `#[derive(Hash)]`: a post's digest, a page number),
    /// framed by its length so no two sequences of values mix in the same bytes.
    pub fn add<T: std::hash::Hash + ?Sized>(&mut self, value: &T) {
        let mut bytes = crate::sum::HashBytes(Vec::new());
        value.hash(&mut bytes);
        self.0.update(&(bytes.0.len() as u64).to_le_bytes());
        self.0.update(&bytes.0);
    }

    /// The key.
    pub fn finish(&self) -> Key {
        let mut key = [0; 16];
        key.copy_from_slice(&self.0.finalize().as_bytes()[..16]);
        key
    }
}

pub use crate::sum::value_digest as hash_digest;

/// Feeds serde_json's output into a hasher without building the string.
/// Feed `val`'s JSON to `h`; false if it cannot be serialised.
///
/// Buffered: serde_json writes token by token, and BLAKE3 fed a few bytes at a time
/// runs one block at a time, while 16 KiB at once are hashed several chunks abreast
/// (SIMD). The digest does not depend on how the bytes are split.
fn hash_json<T: Serialize + ?Sized>(h: &mut blake3::Hasher, val: &T) -> bool {
    let mut w = std::io::BufWriter::with_capacity(16 * 1024, HashWriter(h));
    serde_json::to_writer(&mut w, val).is_ok() && w.flush().is_ok()
}

struct HashWriter<'a>(&'a mut blake3::Hasher);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a build knows before rendering: keys seen before and what the live output holds.
#[derive(Debug, Default)]
pub struct PageCache {
    /// Hash of the theme's templates and the running binary: part of every key.
    pub fingerprint: Key,
    /// Key → digest of the page's final bytes, from the cache file.
    known: HashMap<Key, Sum>,
    /// Path → digest of the file the live output holds there.
    live: HashMap<String, Sum>,
    /// Pages reused this build: path → (key, digest).
    kept: Mutex<BTreeMap<String, (Key, Sum)>>,
    /// Pages rendered this build: path → key (digests follow once the bytes are final).
    rendered: Mutex<BTreeMap<String, Key>>,
    /// Dependency keys ([`PageCache::lookup_deps`]) that missed: path → key, stored
    /// with the page's final digest like any other key.
    deps: Mutex<BTreeMap<String, Key>>,
}

/// What rendering one page came to.
pub enum Lookup {
    /// The live file at the page's path already holds its bytes, with this digest.
    Kept(Sum),
    /// Render it.
    Render,
}

impl PageCache {
    /// A cache from the cache file's text (anything unreadable in it is skipped) and
    /// the live output's digests.
    pub fn new(fingerprint: Key, cache_text: &str, live: HashMap<String, Sum>) -> PageCache {
        Self::from_memory(fingerprint, parse(cache_text), live)
    }

    /// A cache from what an earlier render in this process remembered (`serve`).
    pub fn from_memory(
        fingerprint: Key,
        known: HashMap<Key, Sum>,
        live: HashMap<String, Sum>,
    ) -> PageCache {
        PageCache {
            fingerprint,
            known,
            live,
            ..PageCache::default()
        }
    }

    /// This render's pages, for the next one in this process: key → digest and
    /// path → digest (`digest_of` gives a rendered page's final digest).
    pub fn remember(
        &self,
        digest_of: impl Fn(&str) -> Option<Sum>,
    ) -> (HashMap<Key, Sum>, HashMap<String, Sum>) {
        let mut known = HashMap::new();
        let mut paths = HashMap::new();
        for (k, p, s) in self.all_entries(digest_of) {
            known.insert(k, s);
            if !p.is_empty() {
                paths.insert(p, s);
            }
        }
        (known, paths)
    }

    /// Decide for the page at `path`, rendered from `template` and `ctx`; remembers
    /// the decision for [`PageCache::entries`].
    pub fn lookup(&self, path: &str, template: &str, ctx: &Context) -> Lookup {
        let Some(key) = ctx.key(&self.fingerprint, template) else {
            return Lookup::Render;
        };
        if let Some(sum) = self.known.get(&key)
            && self.live.get(path) == Some(sum)
        {
            lock(&self.kept).insert(path.to_string(), (key, *sum));
            return Lookup::Kept(*sum);
        }
        lock(&self.rendered).insert(path.to_string(), key);
        Lookup::Render
    }

    /// Decide for the page at `path` by `key`, a [`DepKey`] of everything it depends
    /// on, before its context is built: `Some` when the live file holds its bytes.
    /// On a miss the key is remembered, so the next build finds it.
    pub fn lookup_deps(&self, path: &str, key: Key) -> Option<Sum> {
        if let Some(sum) = self.known.get(&key)
            && self.live.get(path) == Some(sum)
        {
            lock(&self.kept).insert(path.to_string(), (key, *sum));
            return Some(*sum);
        }
        lock(&self.deps).insert(path.to_string(), key);
        None
    }

    /// Every key of this build with its page's final digest: kept pages, rendered
    /// ones and missed dependency keys. Nothing else is carried over, so the file
    /// stays the size of one build. A page with a dependency key has no context key
    /// ([`Context::without_key`]): after a change of settings that leaves it as it
    /// was, it is rendered once more (and, its bytes unchanged, not written).
    fn all_entries(&self, digest_of: impl Fn(&str) -> Option<Sum>) -> Vec<(Key, String, Sum)> {
        let kept = lock(&self.kept);
        let mut out: Vec<(Key, String, Sum)> =
            kept.iter().map(|(p, (k, s))| (*k, p.clone(), *s)).collect();
        let final_sum = |p: &str| kept.get(p).map(|(_, s)| *s).or_else(|| digest_of(p));
        for (p, k) in lock(&self.rendered).iter().chain(lock(&self.deps).iter()) {
            if let Some(s) = final_sum(p) {
                out.push((*k, p.clone(), s));
            }
        }
        out
    }

    /// Pages reused: path → digest of the live file.
    pub fn kept(&self) -> BTreeMap<String, Sum> {
        lock(&self.kept)
            .iter()
            .map(|(p, (_, s))| (p.clone(), *s))
            .collect()
    }

    /// The cache file for the next build: every page of this one, key → digest of its
    /// final bytes (`digest_of` gives a rendered page's), sorted, one per line.
    pub fn entries(&self, digest_of: impl Fn(&str) -> Option<Sum>) -> String {
        let mut lines: Vec<String> = self
            .all_entries(digest_of)
            .iter()
            .map(|(k, _, s)| line(k, s))
            .collect();
        lines.sort();
        lines.dedup();
        let mut out = String::from(HEADER);
        for l in lines {
            out.push_str(&l);
            out.push('\n');
        }
        out
    }
}

/// First line of a cache file; a file without it is ignored whole.
const HEADER: &str = "lantern-render-cache v1\n";

fn line(key: &Key, sum: &Sum) -> String {
    let mut s = hex::encode(key);
    s.push(' ');
    s.push_str(&sum.to_text());
    s
}

/// The key → digest lines of a cache file; malformed lines are skipped.
pub fn parse(text: &str) -> HashMap<Key, Sum> {
    let Some(body) = text.strip_prefix(HEADER) else {
        return HashMap::new();
    };
    body.lines()
        .filter_map(|l| {
            let (hex, sum) = l.split_once(' ')?;
            if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let mut key = [0; 16];
            hex::decode_to_slice(hex, &mut key).ok()?;
            Some((key, Sum::parse(sum)?))
        })
        .collect()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panicking render thread poisons nothing we rely on: the data stays consistent.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The fingerprint of a theme's templates and `binary` (identity of the running
/// program: its path, length and modification time), part of every key.
pub fn fingerprint(templates: &BTreeMap<String, String>, binary: &str) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(HEADER.as_bytes());
    h.update(binary.as_bytes());
    for (name, text) in templates {
        for part in [name, text] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    }
    let mut key = [0; 16];
    key.copy_from_slice(&h.finalize().as_bytes()[..16]);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(pairs: &[(&'static str, &str)]) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            c.insert(k, v);
        }
        c
    }

    #[test]
    fn keys_follow_every_input() {
        let fp = [7; 16];
        let a = ctx(&[("title", "A"), ("body", "B")]).key(&fp, "post.html");
        assert_eq!(
            a,
            ctx(&[("title", "A"), ("body", "B")]).key(&fp, "post.html")
        );
        assert_ne!(
            a,
            ctx(&[("title", "A"), ("body", "C")]).key(&fp, "post.html")
        );
        assert_ne!(
            a,
            ctx(&[("title", "A"), ("body", "B")]).key(&fp, "list.html")
        );
        assert_ne!(
            a,
            ctx(&[("title", "A"), ("body", "B")]).key(&[8; 16], "post.html")
        );
        assert_ne!(
            a,
            ctx(&[("titl", "eA"), ("body", "B")]).key(&fp, "post.html")
        );
        // Text cannot pass for structure: quotes are escaped in the JSON.
        assert_ne!(
            ctx(&[("a", "x\",\"b\":\"y")]).key(&fp, "t"),
            ctx(&[("a", "x"), ("b", "y")]).key(&fp, "t")
        );
    }

    #[test]
    fn a_shared_value_keys_by_its_digest() {
        let fp = [2; 16];
        let key = |v: &str| {
            let mut c = Context::new();
            c.insert_shared(
                "site",
                tera::Value::from_serializable(v),
                &digest_of(v).unwrap(),
            );
            c.key(&fp, "t")
        };
        assert_eq!(key("a"), key("a"));
        assert_ne!(key("a"), key("b"));
        assert_ne!(key("a"), ctx(&[("site", "a")]).key(&fp, "t"));
    }

    #[test]
    fn a_page_is_kept_only_when_known_and_live_agree() {
        let fp = [1; 16];
        let c = ctx(&[("title", "A")]);
        let key = c.key(&fp, "post.html").unwrap();
        let sum = Sum::of(b"<p>A</p>");
        let text = format!("{HEADER}{}\n", line(&key, &sum));
        let live = |s: Sum| HashMap::from([("a/index.html".to_string(), s)]);
        let cache = PageCache::new(fp, &text, live(sum));
        assert!(
            matches!(cache.lookup("a/index.html", "post.html", &c), Lookup::Kept(s) if s == sum)
        );
        assert!(matches!(
            cache.lookup("b/index.html", "post.html", &c),
            Lookup::Render
        ));
        // The live file is something else: render.
        let cache = PageCache::new(fp, &text, live(Sum::of(b"other")));
        assert!(matches!(
            cache.lookup("a/index.html", "post.html", &c),
            Lookup::Render
        ));
        // The entries for the next build carry the rendered page's final digest.
        let next = cache.entries(|p| (p == "a/index.html").then_some(sum));
        assert_eq!(next, text);
    }

    #[test]
    fn garbage_is_ignored() {
        let key = [3; 16];
        let good = line(&key, &Sum::of(b"x"));
        for text in [
            String::new(),
            "garbage".into(),
            format!("lantern-render-cache v2\n{good}\n"),
            format!("{HEADER}zz{}\n", &good[2..]),
            format!("{HEADER}{} 12\n", &good[..32]),
            format!("{HEADER}ab{good}\n"),
            format!("{HEADER}{}\n", &good[2..]),
            format!("{HEADER}\u{0}\u{ffff}\n"),
        ] {
            assert!(parse(&text).is_empty(), "{text:?}");
        }
        let mixed = format!("{HEADER}nonsense\n{good}\n\n");
        assert_eq!(parse(&mixed), HashMap::from([(key, Sum::of(b"x"))]));
    }
}
