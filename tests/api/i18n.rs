use plaza::accounts::Role;

use crate::helpers::{publish, spawn};

#[tokio::test]
async fn language_comes_from_accept_language() {
    let app = spawn().await;
    app.create_user("someone", Role::Member);
    let zh = app.browser.get_with("/blogs", &[("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.8")]).await;
    zh.assert_contains("<html lang=\"zh-CN\">").assert_contains("企业博客").assert_contains("登录");
    let en = app.new_browser().get_with("/blogs", &[("Accept-Language", "fr, en;q=0.5")]).await;
    en.assert_contains("<html lang=\"en\">").assert_contains("Company blog");
    let none = app.new_browser().get("/blogs").await;
    none.assert_contains("<html lang=\"en\">");
    let not_found = app.browser.get_with("/nope", &[("Accept-Language", "zh-CN")]).await;
    not_found.assert_status(404).assert_contains("页面不存在");
}

#[tokio::test]
async fn footer_switcher_sets_the_language_and_returns() {
    let app = spawn().await;
    app.create_user("someone", Role::Member);
    let page = app.post("/lang", &[("lang", "zh-CN"), ("next", "/tags")]).await;
    page.assert_redirect("/tags");
    assert!(page.header("set-cookie").contains("plaza_lang=zh-CN"));
    app.get("/tags").await.assert_contains("<html lang=\"zh-CN\">").assert_contains("标签");
    // The cookie wins over the browser's header.
    app.browser.get_with("/tags", &[("Accept-Language", "en")]).await.assert_contains("<html lang=\"zh-CN\">");
    app.post("/lang", &[("lang", "en"), ("next", "https://evil.example/")]).await.assert_redirect("/");
    app.get("/tags").await.assert_contains("<html lang=\"en\">");
}

#[tokio::test]
async fn a_users_setting_wins_and_dates_follow_the_language() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let path = publish(&alice, "alice", "Dated", "Body", "").await;
    alice.post("/settings", &[("display_name", ""), ("bio", ""), ("locale", "zh-CN")]).await.assert_status(303);
    let page = alice.browser_get_en(&path).await;
    page.assert_contains("<html lang=\"zh-CN\">").assert_contains("年").assert_contains("月").assert_contains("日");
    let visitor = app.new_browser().get(&path).await;
    let year = chrono::Utc::now().format("%Y").to_string();
    visitor.assert_contains(&year).assert_lacks("年");
    // Plural forms come from the catalog.
    app.get("/blogs").await.assert_contains("1 post");
}

trait EnglishBrowser {
    async fn browser_get_en(&self, path: &str) -> crate::helpers::Page;
}

impl EnglishBrowser for crate::helpers::Browser {
    async fn browser_get_en(&self, path: &str) -> crate::helpers::Page {
        self.get_with(path, &[("Accept-Language", "en")]).await
    }
}

#[tokio::test]
async fn every_page_is_complete_in_both_languages() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Admin).await;
    publish(&alice, "alice", "Bilingual", "Body", "tag").await;
    let keys = plaza::web::i18n::catalog_keys(plaza::web::Lang::En);
    assert!(keys.len() > 100);
    for lang in ["en", "zh-CN"] {
        for path in [
            "/",
            "/blogs",
            "/blog",
            "/tags",
            "/tags/tag",
            "/blogs/alice",
            "/blogs/alice/bilingual",
            "/u/alice",
            "/settings",
            "/notifications",
            "/following",
            "/write",
            "/admin/users",
            "/manage/blogs/alice",
            "/nope",
        ] {
            let page = alice.get_with(path, &[("Accept-Language", lang)]).await;
            // A missing catalog entry would show its raw key as text (e.g. "nav-login").
            let texts: Vec<&str> =
                page.body.split('<').filter_map(|s| s.split_once('>').map(|(_, t)| t.trim())).collect();
            let attrs: Vec<&str> = page.body.split(['"']).collect();
            for key in &keys {
                assert!(!texts.contains(&key.as_str()), "untranslated {key} on {path} ({lang})");
                // In attributes (title, aria-label…) too, except where the key happens to be an id or class.
                let quoted = attrs.iter().any(|a| a == key);
                let is_id_or_class =
                    page.body.contains(&format!("id=\"{key}\"")) || page.body.contains(&format!("class=\"{key}"));
                assert!(!quoted || is_id_or_class, "untranslated {key} in an attribute on {path} ({lang})");
            }
        }
    }
}
