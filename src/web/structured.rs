//! schema.org structured data (JSON-LD) for search engines and link previews: the shapes every
//! content page shares. Pages put what they describe in `Meta::structured` and where they sit in
//! `Meta::breadcrumbs`; the layout writes both into the page's head (`Meta::json_ld`).

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::PageCtx;
use crate::accounts::AuthorView;

/// A date as schema.org (ISO 8601) and OpenGraph want it, in UTC.
pub fn date(at: &NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Who wrote it: a person with their profile's address (a deleted member: only the name).
pub fn person(ctx: &PageCtx, a: &AuthorView) -> Value {
    if a.deleted {
        return json!({ "@type": "Person", "name": ctx.t("deleted-member") });
    }
    json!({ "@type": "Person", "name": a.name(), "url": ctx.absolute(&a.url()) })
}

/// The company that runs the site: the publisher of what is published here, with its logo
/// (`/admin/site`; Plaza's icon until it has one).
pub fn publisher(ctx: &PageCtx) -> Value {
    json!({
        "@type": "Organization",
        "name": ctx.site_name,
        "url": ctx.absolute("/"),
        "logo": {
            "@type": "ImageObject",
            "url": ctx.absolute(&ctx.look.logo_image().unwrap_or_else(|| ctx.asset("favicon.svg"))),
        },
    })
}

/// A text as structured data carries it: plain, at most a few thousand characters.
pub fn text(plain: &str) -> String {
    crate::content::markdown::excerpt(plain, 5000)
}

/// The `<script type="application/ld+json">` of one object; `<`, `>` and `&` escaped, so no
/// text in it can close the element.
pub fn script(value: &Value) -> String {
    let json = value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026");
    format!("<script type=\"application/ld+json\">{json}</script>\n")
}

/// The trail of a page: home, then each place down to the page itself.
pub fn breadcrumbs(ctx: &PageCtx, trail: &[(String, String)]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, (name, path))| {
            json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": ctx.absolute(path) })
        })
        .collect();
    json!({ "@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items })
}

#[cfg(test)]
mod tests {
    #[test]
    fn scripts_cannot_be_closed_by_the_text_inside() {
        let v = serde_json::json!({ "name": "</script><script>alert(1)</script> & more" });
        let s = super::script(&v);
        assert_eq!(s.matches("</script>").count(), 1, "{s}");
        assert!(s.contains("\\u003c/script\\u003e"), "{s}");
    }
}
