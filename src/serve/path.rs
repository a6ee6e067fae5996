//! Request target → key into the in-memory site, refusing anything that could leave it.
//!
//! Files are served from a map, so a path can never reach the disk. The forms that would
//! escape a real root (`..`, encoded separators, backslashes, NUL, `//host`) are still
//! rejected explicitly: a preview server should not answer them with "not found" by luck,
//! and the rule stays right if a disk fallback is ever added.

use percent_encoding::percent_decode_str;

/// Characters kept as they are when a key is written back into a URL (RFC 3986 pchar
/// minus `%`, which must be encoded).
const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Why a request target was refused; every case answers 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("the request target must start with `/`")]
    NotAbsolutePath,
    #[error("empty path segment (`//`)")]
    EmptySegment,
    #[error("backslash in path")]
    Backslash,
    #[error("`.` or `..` segment in path")]
    DotSegment,
    #[error("encoded `/` or `\\` in a path segment")]
    EncodedSeparator,
    #[error("control character (e.g. NUL) in path")]
    ControlChar,
    #[error("path is not valid UTF-8 once decoded")]
    NotUtf8,
}

/// A safe request path: decoded segments, none of them empty, `.` or `..`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePath {
    /// Decoded segments, e.g. `["incidents", "x"]`.
    segments: Vec<String>,
    /// True when the URL ended in `/` (or was just `/`).
    trailing_slash: bool,
}

impl SitePath {
    /// Parse the path part of a request target (`/a/b?x=1` → segments `a`, `b`).
    pub fn parse(target: &str) -> Result<SitePath, PathError> {
        let path = split_path(target);
        // Everything after the leading `/` is relative to the site root; `//host/x`
        // (scheme-relative) or `http://…` (absolute-form) are refused here.
        let rest = path.strip_prefix('/').ok_or(PathError::NotAbsolutePath)?;
        if rest.contains('\\') {
            return Err(PathError::Backslash);
        }
        if rest.is_empty() {
            return Ok(SitePath {
                segments: Vec::new(),
                trailing_slash: true,
            });
        }
        let trailing_slash = rest.ends_with('/');
        let body = rest.strip_suffix('/').unwrap_or(rest);
        let mut segments = Vec::new();
        // Split before decoding, so an encoded `%2f` can never create a new segment.
        for raw in body.split('/') {
            segments.push(decode_segment(raw)?);
        }
        Ok(SitePath {
            segments,
            trailing_slash,
        })
    }

    /// The key of the file this path names: directories map to their `index.html`.
    pub fn file_key(&self) -> String {
        let joined = self.segments.join("/");
        match (self.trailing_slash, joined.is_empty()) {
            (true, true) => "index.html".to_string(),
            (true, false) => format!("{joined}/index.html"),
            (false, _) => joined,
        }
    }

    /// The key of the `index.html` this path would name with a trailing slash, if it has none.
    pub fn index_key_if_dir(&self) -> Option<String> {
        (!self.trailing_slash).then(|| format!("{}/index.html", self.segments.join("/")))
    }

    /// The canonical URL path of this location as a directory (`/incidents/x/`), encoded.
    pub fn dir_url(&self) -> String {
        let joined = self.segments.join("/");
        let encoded = percent_encoding::utf8_percent_encode(&joined, PATH_SET);
        if joined.is_empty() {
            "/".to_string()
        } else {
            format!("/{encoded}/")
        }
    }

    /// The decoded segments.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// True when the URL ended in `/`.
    pub fn has_trailing_slash(&self) -> bool {
        self.trailing_slash
    }
}

/// The path part of a request target: no query, no fragment.
pub fn split_path(target: &str) -> &str {
    let end = target.find(['?', '#']).unwrap_or(target.len());
    &target[..end]
}

/// The value of `name` in the query string of `target`, percent-decoded.
pub fn query_param(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| percent_decode_str(v).decode_utf8_lossy().into_owned())
    })
}

fn decode_segment(raw: &str) -> Result<String, PathError> {
    if raw.is_empty() {
        return Err(PathError::EmptySegment);
    }
    let bytes: Vec<u8> = percent_decode_str(raw).collect();
    if bytes.iter().any(|&b| b == b'/' || b == b'\\') {
        return Err(PathError::EncodedSeparator);
    }
    if bytes.iter().any(u8::is_ascii_control) {
        return Err(PathError::ControlChar);
    }
    let seg = String::from_utf8(bytes).map_err(|_| PathError::NotUtf8)?;
    if seg == "." || seg == ".." {
        return Err(PathError::DotSegment);
    }
    Ok(seg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(target: &str) -> Result<String, PathError> {
        SitePath::parse(target).map(|p| p.file_key())
    }

    #[test]
    fn directories_map_to_index() {
        assert_eq!(key("/").unwrap(), "index.html");
        assert_eq!(key("/?since=3").unwrap(), "index.html");
        assert_eq!(key("/incidents/x/").unwrap(), "incidents/x/index.html");
        assert_eq!(key("/style.css#top").unwrap(), "style.css");
        assert_eq!(key("/a%20b.txt").unwrap(), "a b.txt");
    }

    #[test]
    fn directory_without_slash_knows_its_index() {
        let p = SitePath::parse("/incidents/x").unwrap();
        assert_eq!(p.file_key(), "incidents/x");
        assert_eq!(p.index_key_if_dir().unwrap(), "incidents/x/index.html");
        assert_eq!(p.dir_url(), "/incidents/x/");
        let p = SitePath::parse("/caf%C3%A9").unwrap();
        assert_eq!(p.dir_url(), "/caf%C3%A9/");
    }

    #[test]
    fn escapes_are_refused() {
        use PathError::*;
        let cases: &[(&str, PathError)] = &[
            ("/../Cargo.toml", DotSegment),
            ("/%2e%2e/", DotSegment),
            ("/%2E%2E/%2e%2E/etc/passwd", DotSegment),
            ("/.%2e/x", DotSegment),
            ("/./index.html", DotSegment),
            ("/incidents/../../x", DotSegment),
            ("/%2e%2e%2fsecret", EncodedSeparator),
            ("/..%2f..%2fetc/passwd", EncodedSeparator),
            ("/%5c..%5cx", EncodedSeparator),
            ("/..\\..\\x", Backslash),
            ("//etc/passwd", EmptySegment),
            ("/a//b", EmptySegment),
            ("/%00", ControlChar),
            ("/index.html%00.css", ControlChar),
            ("/%c0%ae%c0%ae/x", NotUtf8),
            ("http://evil.example/x", NotAbsolutePath),
            ("x", NotAbsolutePath),
            ("", NotAbsolutePath),
        ];
        for (target, want) in cases {
            assert_eq!(key(target).as_ref(), Err(want), "{target}");
        }
    }

    #[test]
    fn query_params_are_read() {
        assert_eq!(query_param("/p?since=4", "since").as_deref(), Some("4"));
        assert_eq!(
            query_param("/p?a=1&since=%35", "since").as_deref(),
            Some("5")
        );
        assert_eq!(query_param("/p", "since"), None);
        assert_eq!(query_param("/p?sincex=1", "since"), None);
    }
}
