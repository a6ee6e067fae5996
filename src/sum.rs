//! Content digests of output files: how a build knows a file is unchanged without
//! reading it again; and digests of values (a post), which cache keys are made of.
//!
//! BLAKE3, cut to 128 bits, with the length beside it. BLAKE3 rather than a faster
//! non-cryptographic hash because page text comes from untrusted places (health feed
//! messages, imports): nobody may craft two pages with one digest and keep a changed
//! page from being published. At several GB/s per core it costs a fraction of rendering.

/// The digest of one file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sum {
    /// The first 16 bytes of the BLAKE3 hash.
    pub hash: [u8; 16],
    /// The length in bytes.
    pub len: u64,
}

impl Sum {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Sum {
        let full = blake3::hash(bytes);
        let mut hash = [0; 16];
        hash.copy_from_slice(&full.as_bytes()[..16]);
        Sum {
            hash,
            len: bytes.len() as u64,
        }
    }

    /// `<32 hex digits> <length>`, as stored in markers and caches.
    pub fn to_text(&self) -> String {
        let mut s = hex::encode(self.hash);
        s.push(' ');
        s.push_str(&self.len.to_string());
        s
    }

    /// Read [`Sum::to_text`]'s form back; `None` for anything else.
    pub fn parse(text: &str) -> Option<Sum> {
        let (hex, len) = text.split_once(' ')?;
        Self::from_parts(hex, len)
    }

    /// [`Sum::parse`] of the two fields already split apart.
    pub fn from_parts(hex: &str, len: &str) -> Option<Sum> {
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut hash = [0; 16];
        hex::decode_to_slice(hex, &mut hash).ok()?;
        if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Sum {
            hash,
            len: len.parse().ok()?,
        })
    }
}

/// The digest of `value`'s `Hash` (one post, say), to mix into cache keys.
pub fn value_digest<T: std::hash::Hash + ?Sized>(value: &T) -> [u8; 16] {
    let mut h = HashBytes(Vec::with_capacity(4096));
    value.hash(&mut h);
    let mut key = [0; 16];
    key.copy_from_slice(&blake3::hash(&h.0).as_bytes()[..16]);
    key
}

/// `std::hash::Hasher` collecting the bytes a derived `Hash` writes (strings with a
/// terminator, collections with their length, so equal bytes mean equal values), to be
/// hashed with BLAKE3 in one go: a post's many small fields would each pay BLAKE3's
/// per-call cost. Within one binary only (integer widths), which every cache key
/// made of it also holds.
pub struct HashBytes(pub Vec<u8>);

impl std::hash::Hasher for HashBytes {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
    fn finish(&self) -> u64 {
        // Never asked for: the digest is taken from the bytes.
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tells_contents_apart() {
        let a = Sum::of(b"<html>a</html>");
        assert_eq!(a.len, 14);
        assert_eq!(Sum::parse(&a.to_text()), Some(a));
        assert_ne!(a, Sum::of(b"<html>b</html>"));
        assert_eq!(a, Sum::of(b"<html>a</html>"));
        // The known BLAKE3 of the empty input, so the digest never silently changes.
        assert_eq!(Sum::of(b"").to_text(), "af1349b9f5f9a1a6a0404dea36dcc949 0");
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "af1349b9f5f9a1a6a0404dea36dcc949",
            "af1349b9f5f9a1a6a0404dea36dcc949 ",
            "af1349b9f5f9a1a6a0404dea36dcc94 0",
            "af1349b9f5f9a1a6a0404dea36dcc9490 0",
            "zf1349b9f5f9a1a6a0404dea36dcc949 0",
            "af1349b9f5f9a1a6a0404dea36dcc949 -1",
            "af1349b9f5f9a1a6a0404dea36dcc949 1x",
            "af1349b9f5f9a1a6a0404dea36dcc949 +5",
            "+f1349b9f5f9a1a6a0404dea36dcc949 0",
        ] {
            assert_eq!(Sum::parse(bad), None, "{bad:?}");
        }
    }
}
