//! Badges for READMEs and dashboards: `badges/<id>.svg` (status now),
//! `badges/<id>-uptime.svg` (90-day uptime), `badges/status.svg` (the whole page), each
//! with a shields.io endpoint JSON beside it (`.json`).
//!
//! The SVGs are drawn here (flat, shields-like) so they work without any service; the
//! JSON lets shields.io draw them in any of its styles instead.

use crate::health::uptime::Percent;
use crate::i18n::Locale;
use crate::render::Files;
use crate::render::escape::escape_xml as esc;
use crate::site::status::ComponentStatus;
use crate::site::{Component, Site};
use serde::Serialize;

/// A colour both for our SVG (hex, with a text colour that contrasts at least 4.5:1)
/// and for shields.io (its colour name).
#[derive(Debug, Clone, Copy)]
struct Colour {
    fill: &'static str,
    text: &'static str,
    shields: &'static str,
}

const GREEN: Colour = Colour {
    fill: "#2e7d32",
    text: "#fff",
    shields: "brightgreen",
};
const LIME: Colour = Colour {
    fill: "#4d7c0f",
    text: "#fff",
    shields: "green",
};
const YELLOW: Colour = Colour {
    fill: "#dfb317",
    text: "#1a1a1a",
    shields: "yellow",
};
const ORANGE: Colour = Colour {
    fill: "#c2410c",
    text: "#fff",
    shields: "orange",
};
const RED: Colour = Colour {
    fill: "#b91c1c",
    text: "#fff",
    shields: "red",
};
const BLUE: Colour = Colour {
    fill: "#1d4ed8",
    text: "#fff",
    shields: "blue",
};
const GREY: Colour = Colour {
    fill: "#595959",
    text: "#fff",
    shields: "lightgrey",
};
/// The label half of every badge.
const LABEL_FILL: &str = "#444";

/// One badge's words and colour.
struct Badge<'a> {
    label: &'a str,
    message: &'a str,
    colour: Colour,
    /// Spoken by screen readers and shown as a tooltip.
    title: String,
}

/// shields.io's endpoint schema.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Endpoint<'a> {
    schema_version: u8,
    label: &'a str,
    message: &'a str,
    color: &'static str,
}

/// Write every badge. A file name two badges would share goes to the first written:
/// component status badges, then uptime badges, then the page badge.
pub fn render(site: &Site, files: &mut Files, loc: &Locale) {
    let mut out: Vec<(String, Badge)> = Vec::new();
    let labels: Vec<String> = site
        .components
        .iter()
        .map(|s| crate::render::views::component_status(s.status, loc))
        .collect();
    for (i, comp) in site.components.iter().enumerate() {
        let (c, st) = (&comp.config, comp.status);
        out.push((
            c.id.clone(),
            Badge {
                label: &c.name,
                message: &labels[i],
                colour: status_colour(st),
                title: loc.f("home.problem", &[("name", &c.name), ("status", &labels[i])]),
            },
        ));
    }
    let uptime_label: Vec<String> = site
        .components
        .iter()
        .map(|c| loc.f("badge.uptime", &[("name", &c.config.name)]))
        .collect();
    let uptime_text: Vec<String> = site
        .components
        .iter()
        .map(|c| uptime(c).map_or_else(|| loc.t("badge.no_data").into(), |p| loc.percent(p.0)))
        .collect();
    let overall = crate::render::views::overall_text(site, loc);
    for (i, comp) in site.components.iter().enumerate() {
        out.push((
            format!("{}-uptime", comp.config.id),
            Badge {
                label: &uptime_label[i],
                message: &uptime_text[i],
                colour: uptime(comp).map_or(GREY, uptime_colour),
                title: loc.f(
                    "badge.uptime_title",
                    &[("label", &uptime_label[i]), ("uptime", &uptime_text[i])],
                ),
            },
        ));
    }
    out.push((
        "status".into(),
        Badge {
            label: loc.t("badge.status"),
            message: &overall,
            colour: status_colour(site.overall.worst),
            title: loc.f(
                "home.problem",
                &[("name", &site.config.title), ("status", &overall)],
            ),
        },
    ));
    for (name, b) in out {
        let svg = format!("badges/{name}.svg");
        if files.contains_key(&svg) {
            continue;
        }
        files.insert(svg, svg_badge(&b).into_bytes());
        let endpoint = Endpoint {
            schema_version: 1,
            label: b.label,
            message: b.message,
            color: b.colour.shields,
        };
        let mut json = serde_json::to_vec_pretty(&endpoint).expect("plain data serialises");
        json.push(b'\n');
        files.insert(format!("badges/{name}.json"), json);
    }
}

/// A component's 90-day uptime, or `None` without data.
fn uptime(c: &Component) -> Option<Percent> {
    c.health.figures.windows.days_90.uptime()
}

fn status_colour(s: ComponentStatus) -> Colour {
    match s {
        ComponentStatus::Operational => GREEN,
        ComponentStatus::UnderMaintenance => BLUE,
        ComponentStatus::DegradedPerformance => YELLOW,
        ComponentStatus::Unknown => GREY,
        ComponentStatus::PartialOutage => ORANGE,
        ComponentStatus::MajorOutage => RED,
    }
}

fn uptime_colour(p: Percent) -> Colour {
    match p.0 {
        9990.. => GREEN,
        9900.. => LIME,
        9500.. => YELLOW,
        9000.. => ORANGE,
        _ => RED,
    }
}

/// A flat two-part badge, each part as wide as its text needs.
fn svg_badge(b: &Badge) -> String {
    let lw = text_width(b.label) + 10;
    let mw = text_width(b.message) + 10;
    let w = lw + mw;
    let lx = f64::from(lw) / 2.0;
    let mx = f64::from(lw) + f64::from(mw) / 2.0;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"20\" viewBox=\"0 0 {w} 20\" role=\"img\" aria-label=\"{title}\">\
<title>{title}</title>\
<clipPath id=\"r\"><rect width=\"{w}\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath>\
<g clip-path=\"url(#r)\"><rect width=\"{lw}\" height=\"20\" fill=\"{LABEL_FILL}\"/><rect x=\"{lw}\" width=\"{mw}\" height=\"20\" fill=\"{fill}\"/></g>\
<g text-anchor=\"middle\" font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" font-size=\"11\">\
<text x=\"{lx}\" y=\"14\" fill=\"#fff\">{label}</text>\
<text x=\"{mx}\" y=\"14\" fill=\"{text}\">{message}</text></g></svg>\n",
        title = esc(&b.title),
        fill = b.colour.fill,
        text = b.colour.text,
        label = esc(b.label),
        message = esc(b.message),
    )
}

/// Approximate width in px of `s` in 11 px Verdana (shields measures the same font),
/// rounded up; generous rather than tight so text never overflows its box.
fn text_width(s: &str) -> u32 {
    let tenths: u32 = s
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | 'I' | '!' | '.' | ',' | ':' | ';' | '\'' | '|' => 35,
            'f' | 't' | 'r' | ' ' | '-' | '(' | ')' | '/' => 47,
            'm' | 'w' | 'M' | 'W' | '%' => 110,
            'A'..='Z' => 80,
            '0'..='9' => 70,
            'a'..='z' => 67,
            c if (c as u32) >= 0x2e80 => 110,
            _ => 80,
        })
        .sum();
    tenths.div_ceil(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_grows_with_text_and_escapes() {
        assert_eq!(text_width(""), 0);
        assert!(text_width("Partial outage") > text_width("Operational"));
        assert!(text_width("mmmm") > text_width("iiii") * 2);
        let svg = svg_badge(&Badge {
            label: "<script>&\"",
            message: "Operational",
            colour: GREEN,
            title: "<script>&\": Operational".into(),
        });
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;&amp;&quot;"));
        assert!(svg.contains("role=\"img\""));
    }
}
