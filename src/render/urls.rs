//! Every URL the renderer writes, built in one place: posts, components, feeds.

use crate::config::Config;
use crate::content::Post;
use crate::site::Site;
use serde::Serialize;

/// Absolute URL of a post's page.
pub fn post_url(site: &Site, p: &Post) -> String {
    format!("{}{}", site.config.base_url, p.path())
}

/// A post's page as an internal link: `root` is the URL path prefix (`/status/`).
pub fn post_link(root: &str, p: &Post) -> String {
    format!("{root}{}", p.path())
}

/// A component's page as an internal link: `root` is the URL path prefix.
pub fn component_link(root: &str, id: &str) -> String {
    format!("{root}components/{id}/")
}

/// Absolute URLs of the site's subscription outputs, for `<link rel="alternate">` and the
/// footer's "Subscribe" line.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLinks {
    pub atom: String,
    pub rss: String,
    pub json: String,
    /// `https://…/maintenance.ics`.
    pub ics: String,
    /// The same calendar as `webcal://…`, which calendar apps open as a subscription.
    pub webcal: String,
}

/// The subscription URLs of a site.
pub fn links(config: &Config) -> FeedLinks {
    let base = config.base_url.as_str();
    let ics = format!("{base}maintenance.ics");
    // Calendar apps treat `webcal://` as "subscribe to this http(s) calendar".
    let webcal = match ics.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => ics.clone(),
    };
    FeedLinks {
        atom: format!("{base}feed.atom"),
        rss: format!("{base}feed.rss"),
        json: format!("{base}feed.json"),
        ics,
        webcal,
    }
}
