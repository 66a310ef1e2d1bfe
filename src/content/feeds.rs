//! Atom and RSS 2.0 from one list of items (built with the `atom_syndication` and `rss` crates),
//! served with ETag and Last-Modified so feed readers can poll cheaply.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Atom,
    Rss,
}

impl Format {
    pub fn from_ext(ext: &str) -> Option<Format> {
        match ext {
            "atom" => Some(Format::Atom),
            "rss" => Some(Format::Rss),
            _ => None,
        }
    }
}

pub struct FeedMeta {
    pub title: String,
    pub description: String,
    /// Absolute URL of the HTML page the feed follows.
    pub page_url: String,
    /// Absolute URL of this feed (without extension; `.atom` / `.rss` is added).
    pub self_base: String,
    /// A query string that is part of the feed's identity (a saved search), or "".
    pub self_query: String,
    pub lang: &'static str,
    /// The channel of a podcast: what podcast apps read besides the items.
    pub podcast: Option<PodcastChannel>,
}

/// A podcast's channel details (iTunes tags).
#[derive(Clone, Debug, Default)]
pub struct PodcastChannel {
    pub author: String,
    /// Absolute URL of the cover art (a square JPEG).
    pub image: Option<String>,
    pub category: String,
    pub explicit: bool,
    pub owner_email: String,
    /// The podcast's own language (the feed's, whatever the reader's interface).
    pub language: String,
}

/// An item's file, for podcast apps: `<enclosure>` in RSS, `rel="enclosure"` in Atom.
#[derive(Clone, Debug)]
pub struct Enclosure {
    /// Absolute URL.
    pub url: String,
    pub length: i64,
    pub mime: String,
    /// "HH:MM:SS", when known.
    pub duration: Option<String>,
}

impl FeedMeta {
    /// A feed following the page at `page_path`, served at `feed_base` + `.atom` / `.rss`.
    pub fn new(
        ctx: &crate::web::PageCtx,
        title: String,
        description: String,
        page_path: &str,
        feed_base: &str,
    ) -> Self {
        FeedMeta {
            title,
            description,
            page_url: ctx.absolute(page_path),
            self_base: ctx.absolute(feed_base),
            self_query: String::new(),
            lang: ctx.lang.code(),
            podcast: None,
        }
    }

    /// The feed's own address in a format: `…/feed.atom`, `/search.rss?q=…`.
    pub fn self_url(&self, ext: &str) -> String {
        if self.self_query.is_empty() {
            format!("{}.{ext}", self.self_base)
        } else {
            format!("{}.{ext}?{}", self.self_base, self.self_query)
        }
    }
}

pub struct FeedItem {
    /// A stable id that survives slug changes (an absolute `/posts/{id}`-style permalink).
    pub id: String,
    /// Absolute URL of the item's page.
    pub url: String,
    pub title: String,
    pub author: String,
    pub published: NaiveDateTime,
    pub updated: NaiveDateTime,
    pub content_html: String,
    pub summary: String,
    pub categories: Vec<String>,
    pub enclosure: Option<Enclosure>,
}

/// When the feed last changed: its newest entry. An empty feed has not changed since the epoch
/// (a date of "now" would give it a new ETag on every request and never a 304).
fn last_updated(items: &[FeedItem]) -> NaiveDateTime {
    items.iter().map(|i| i.updated).max().unwrap_or(DateTime::UNIX_EPOCH.naive_utc())
}

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

pub fn atom(meta: &FeedMeta, items: &[FeedItem]) -> String {
    use atom_syndication::{Category, Content, Entry, FeedBuilder, Link, Person, Text};
    let updated = last_updated(items);
    let entries: Vec<Entry> = items
        .iter()
        .map(|i| {
            let mut e = Entry::default();
            e.set_id(i.id.clone());
            e.set_title(Text::plain(i.title.clone()));
            e.set_updated(utc(i.updated));
            e.set_published(Some(utc(i.published).fixed_offset()));
            e.set_authors(vec![Person { name: i.author.clone(), ..Default::default() }]);
            let mut links = vec![Link {
                href: i.url.clone(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            }];
            if let Some(enc) = &i.enclosure {
                links.push(Link {
                    href: enc.url.clone(),
                    rel: "enclosure".into(),
                    mime_type: Some(enc.mime.clone()),
                    length: Some(enc.length.to_string()),
                    ..Default::default()
                });
            }
            e.set_links(links);
            if !i.summary.is_empty() {
                e.set_summary(Some(Text::plain(i.summary.clone())));
            }
            e.set_content(Some(Content {
                value: Some(i.content_html.clone()),
                content_type: Some("html".into()),
                ..Default::default()
            }));
            e.set_categories(
                i.categories.iter().map(|c| Category { term: c.clone(), ..Default::default() }).collect::<Vec<_>>(),
            );
            e
        })
        .collect();
    FeedBuilder::default()
        .id(meta.self_url("atom"))
        .title(Text::plain(meta.title.clone()))
        .subtitle(Some(Text::plain(meta.description.clone())))
        .updated(utc(updated))
        .lang(Some(meta.lang.to_string()))
        .links(vec![
            Link {
                href: meta.self_url("atom"),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
            Link {
                href: meta.page_url.clone(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
        ])
        .entries(entries)
        .build()
        .to_string()
}

pub fn rss(meta: &FeedMeta, items: &[FeedItem]) -> String {
    use rss::extension::atom::{AtomExtensionBuilder, Link as AtomLink};
    use rss::extension::itunes::{ITunesCategory, ITunesChannelExtension, ITunesItemExtension, ITunesOwner};
    use rss::{CategoryBuilder, ChannelBuilder, GuidBuilder, ItemBuilder};
    let updated = last_updated(items);
    let rss_items: Vec<rss::Item> = items
        .iter()
        .map(|i| {
            ItemBuilder::default()
                .title(Some(i.title.clone()))
                .link(Some(i.url.clone()))
                .guid(Some(GuidBuilder::default().value(i.id.clone()).permalink(false).build()))
                .pub_date(Some(utc(i.published).to_rfc2822()))
                .author(None)
                .dublin_core_ext(Some(rss::extension::dublincore::DublinCoreExtension {
                    creators: vec![i.author.clone()],
                    ..Default::default()
                }))
                .description(Some(if i.summary.is_empty() { i.title.clone() } else { i.summary.clone() }))
                .content(Some(i.content_html.clone()))
                .categories(
                    i.categories.iter().map(|c| CategoryBuilder::default().name(c.clone()).build()).collect::<Vec<_>>(),
                )
                .enclosure(i.enclosure.as_ref().map(|e| {
                    let mut enc = rss::Enclosure::default();
                    enc.set_url(e.url.clone());
                    enc.set_length(e.length.to_string());
                    enc.set_mime_type(e.mime.clone());
                    enc
                }))
                .itunes_ext(meta.podcast.as_ref().filter(|_| i.enclosure.is_some()).map(|p| {
                    let mut ext = ITunesItemExtension::default();
                    ext.set_author(Some(i.author.clone()));
                    ext.set_duration(i.enclosure.as_ref().and_then(|e| e.duration.clone()));
                    ext.set_explicit(Some(if p.explicit { "true" } else { "false" }.to_string()));
                    ext.set_image(p.image.clone());
                    ext.set_summary(Some(i.summary.clone()).filter(|s| !s.is_empty()));
                    ext.set_episode_type(Some("full".to_string()));
                    ext
                }))
                .build()
        })
        .collect();
    let itunes = meta.podcast.as_ref().map(|p| {
        let mut ext = ITunesChannelExtension::default();
        ext.set_author(Some(p.author.clone()));
        ext.set_image(p.image.clone());
        let mut category = ITunesCategory::default();
        category.set_text(p.category.clone());
        ext.set_categories(vec![category]);
        ext.set_explicit(Some(if p.explicit { "true" } else { "false" }.to_string()));
        let mut owner = ITunesOwner::default();
        owner.set_name(Some(p.author.clone()));
        owner.set_email(Some(p.owner_email.clone()).filter(|e| !e.is_empty()));
        ext.set_owner(Some(owner));
        ext.set_summary(Some(meta.description.clone()).filter(|d| !d.is_empty()));
        ext.set_type(Some("episodic".to_string()));
        ext
    });
    let language = meta.podcast.as_ref().map_or(meta.lang.to_string(), |p| p.language.clone());
    let image = meta.podcast.as_ref().and_then(|p| p.image.clone()).map(|url| {
        let mut img = rss::Image::default();
        img.set_url(url);
        img.set_title(meta.title.clone());
        img.set_link(meta.page_url.clone());
        img
    });
    let mut self_link = AtomLink::default();
    self_link.set_href(meta.self_url("rss"));
    self_link.set_rel("self");
    self_link.set_mime_type(Some("application/rss+xml".to_string()));
    ChannelBuilder::default()
        .title(meta.title.clone())
        .link(meta.page_url.clone())
        .description(if meta.description.is_empty() { meta.title.clone() } else { meta.description.clone() })
        .language(Some(language))
        .last_build_date(Some(utc(updated).to_rfc2822()))
        .image(image)
        .itunes_ext(itunes)
        .atom_ext(Some(AtomExtensionBuilder::default().links(vec![self_link]).build()))
        .items(rss_items)
        .build()
        .to_string()
}

/// Feed readers show content away from the site: make site-relative links and images absolute.
pub fn absolutize(html: &str, base_url: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(i) = rest.find("=\"/") {
        let attr_start = rest[..i].rfind(' ').map_or(0, |s| s + 1);
        let attr = &rest[attr_start..i];
        let after = &rest[i + 2..];
        out.push_str(&rest[..i + 2]);
        if attr == "srcset" {
            // Each candidate of the list: "/media/1/w320.webp 320w, /media/1/w800.webp 800w".
            let end = after.find('"').unwrap_or(after.len());
            let list: Vec<String> = after[..end]
                .split(',')
                .map(|c| {
                    let c = c.trim_start();
                    if c.starts_with('/') && !c.starts_with("//") { format!("{base_url}{c}") } else { c.to_string() }
                })
                .collect();
            out.push_str(&list.join(", "));
            rest = &after[end..];
            continue;
        }
        if matches!(attr, "href" | "src" | "poster") && !after.starts_with("//") {
            out.push_str(base_url);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Render the feed and answer with 304 when the reader already has this version. `public`: the
/// body is what any visitor gets (shared caches may keep it); a feed read with a session may hold
/// what only that reader may see, and is `private`.
pub fn respond(req: &HttpRequest, format: Format, meta: &FeedMeta, items: &[FeedItem], public: bool) -> HttpResponse {
    let (body, content_type) = match format {
        Format::Atom => (atom(meta, items), "application/atom+xml; charset=utf-8"),
        Format::Rss => (rss(meta, items), "application/rss+xml; charset=utf-8"),
    };
    let last_modified = items.iter().map(|i| i.updated).max();
    conditional(req, body, content_type, last_modified, public)
}

/// Serve `body` with a strong ETag (and Last-Modified when known), or 304 Not Modified.
pub fn conditional(
    req: &HttpRequest,
    body: String,
    content_type: &str,
    last_modified: Option<NaiveDateTime>,
    public: bool,
) -> HttpResponse {
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(body.as_bytes()))[..32]);
    // Never earlier than when this body was first served: the items' dates miss changes that
    // leave no date (an item removed or hidden, a board renamed), and a reader asking "modified
    // since?" must not be told "no" about them.
    let last_modified = match req.app_data::<actix_web::web::Data<crate::web::AppState>>() {
        Some(state) => {
            // What a logged-in reader gets is theirs: dated per reader (by their cookies), or
            // readers taking turns would each make the body "new" and push its date forward.
            let reader = if public {
                String::new()
            } else {
                let cookies = req.headers().get(header::COOKIE).map(|c| c.as_bytes()).unwrap_or_default();
                hex::encode(&Sha256::digest(cookies)[..8])
            };
            let key = format!("feed{reader} {}?{}", req.path(), req.query_string());
            let first = state.cache.served.first_served(&key, &etag, crate::now());
            Some(last_modified.map_or(first, |t| t.max(first)))
        }
        None => last_modified,
    };
    let last_modified = last_modified.map(|t| utc(t).format("%a, %d %b %Y %H:%M:%S GMT").to_string());
    let headers = req.headers();
    let not_modified = match headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(inm) => {
            inm.split(',').any(|t| t.trim() == etag || t.trim() == "*" || t.trim().trim_start_matches("W/") == etag)
        }
        None => match (&last_modified, headers.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok())) {
            (Some(lm), Some(ims)) => match (DateTime::parse_from_rfc2822(lm), DateTime::parse_from_rfc2822(ims)) {
                (Ok(lm), Ok(ims)) => lm <= ims,
                _ => false,
            },
            _ => false,
        },
    };
    let mut res = if not_modified {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok().content_type(content_type.to_string()).body(body)
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    if let Some(lm) = last_modified
        && let Ok(v) = HeaderValue::from_str(&lm)
    {
        res.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    // What visitors get is the same for every visitor: caches may keep it, but must ask again.
    // What a logged-in reader gets may include what only they may read.
    let cache = if public { "public, max-age=0, must-revalidate" } else { "private, no-cache" };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

#[cfg(test)]
mod tests {
    #[test]
    fn absolutizes_site_links_only() {
        let html = r#"<a href="/blog/x">x</a> <img src="/a.png"> <a href="//cdn.example/y">y</a> <a href="https://e.com/">e</a> <p title="/not">t</p>"#;
        assert_eq!(
            super::absolutize(html, "https://s.example"),
            r#"<a href="https://s.example/blog/x">x</a> <img src="https://s.example/a.png"> <a href="//cdn.example/y">y</a> <a href="https://e.com/">e</a> <p title="/not">t</p>"#
        );
        let picture = r#"<img srcset="/media/1/w320.webp 320w, /media/1/w800.webp 800w" src="/media/1"><video poster="/media/2/thumb">"#;
        assert_eq!(
            super::absolutize(picture, "https://s.example"),
            r#"<img srcset="https://s.example/media/1/w320.webp 320w, https://s.example/media/1/w800.webp 800w" src="https://s.example/media/1"><video poster="https://s.example/media/2/thumb">"#
        );
    }
}
