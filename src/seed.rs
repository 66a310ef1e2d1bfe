//! `plaza seed-demo`: a living site at once — the enterprise blog, three staff blogs, two
//! community blogs, posts in English and Chinese with tags, citations and comments.

use chrono::Duration;
use diesel::prelude::*;

use crate::accounts::domain::{Email, Username};
use crate::accounts::{Role, Roles, User, password, queries as users};
use crate::blogs::queries::{self as blogs, PostInput};
use crate::config::Settings;
use crate::content::{comments, tags};
use crate::db::schema::{blogs as blogs_t, contents};
use crate::db::{DbConn, Tx};

/// Every demo account's password (printed by the command; change or delete these accounts on a real site).
pub const DEMO_PASSWORD: &str = "plaza-demo-2026";

struct Person {
    username: &'static str,
    name: &'static str,
    role: Role,
    bio: &'static str,
    locale: Option<&'static str>,
}

const PEOPLE: &[Person] = &[
    Person { username: "siteadmin", name: "Site Admin", role: Role::Admin, bio: "Keeps the lights on.", locale: None },
    Person {
        username: "alice",
        name: "Alice Chen",
        role: Role::Employee,
        bio: "Support engineer. I answer the hard tickets and write down the answers.",
        locale: Some("en"),
    },
    Person {
        username: "wangwei",
        name: "王伟",
        role: Role::Employee,
        bio: "产品经理，负责同步与协作功能。",
        locale: Some("zh-CN"),
    },
    Person {
        username: "maria",
        name: "Maria Lopez",
        role: Role::Employee,
        bio: "Developer advocate. Rust, APIs and good documentation.",
        locale: Some("en"),
    },
    Person {
        username: "zhangmin",
        name: "张敏",
        role: Role::Member,
        bio: "十年 IT 运维经验，喜欢深度评测各类协作工具。",
        locale: Some("zh-CN"),
    },
    Person {
        username: "tom_becker",
        name: "Tom Becker",
        role: Role::Member,
        bio: "IT lead at a 40-person architecture firm. I write trial reports.",
        locale: Some("en"),
    },
    Person { username: "lina", name: "李娜", role: Role::Member, bio: "", locale: Some("zh-CN") },
    Person { username: "jsmith", name: "John Smith", role: Role::Member, bio: "", locale: None },
];

struct DemoPost {
    blog: &'static str,
    author: &'static str,
    title: &'static str,
    tags: &'static str,
    days_ago: i64,
    body: &'static str,
}

const POSTS: &[DemoPost] = &[
    DemoPost {
        blog: crate::blogs::ENTERPRISE_SLUG,
        author: "alice",
        title: "Introducing Plaza Cloud 3.0",
        tags: "release, product",
        days_ago: 12,
        body: "Today we are releasing **Plaza Cloud 3.0**, the biggest update since launch.\n\n## What is new\n\n- Offline sync that resumes where it stopped\n- Shared workspaces with per-folder permissions\n- A new admin console\n\n| Plan | Storage | Price |\n|---|---:|---:|\n| Team | 1 TB | $8 |\n| Business | 5 TB | $15 |\n\nEvery customer is upgraded automatically over the next two weeks. Tell us what you think in the comments.",
    },
    DemoPost {
        blog: crate::blogs::ENTERPRISE_SLUG,
        author: "wangwei",
        title: "企业博客上线了：与客户更近一步",
        tags: "公告, product",
        days_ago: 9,
        body: "欢迎来到我们的企业博客！\n\n在这里，我们的员工会分享产品动态、**技术支持**经验和行业观察；客户也可以在社区博客里发表评测和使用心得。\n\n1. 员工博客：由我们的工程师和产品经理撰写\n2. 社区博客：由受邀的意见领袖撰写\n3. 评论区：欢迎直接提问\n\n期待与大家交流。",
    },
    DemoPost {
        blog: crate::blogs::ENTERPRISE_SLUG,
        author: "alice",
        title: "Incident report: sync delays on 12 November",
        tags: "incident, status",
        days_ago: 3,
        body: "On 12 November between 09:10 and 10:45 UTC some customers saw sync delays of up to 40 minutes.\n\n**Cause:** a configuration change doubled the load on one queue cluster.\n\n**What we changed:**\n\n- [x] Rolled back the change\n- [x] Added an alert on queue depth\n- [ ] Automate the capacity check (in progress)\n\nWe are sorry for the disruption. No data was lost.",
    },
    DemoPost {
        blog: "alice",
        author: "alice",
        title: "Five ways to speed up your sync",
        tags: "tutorials, 技术支持, performance",
        days_ago: 10,
        body: "Most slow-sync tickets we see have the same few causes. Here is what to check first.\n\n1. **Exclude build folders.** `node_modules` and `target` churn thousands of files.\n2. **Check the bandwidth limit** in *Settings → Network*.\n3. **Pause, then resume** after a large move.\n4. **Update the client**: 3.0 resumes interrupted uploads.\n5. **Look at the log**: `plaza-sync --verbose` tells you which file is slow.\n\nStill slow? Leave a comment and I will take a look.[^1]\n\n[^1]: Please do not post your access token in a comment.",
    },
    DemoPost {
        blog: "wangwei",
        author: "wangwei",
        title: "产品路线图：2027 年第一季度",
        tags: "roadmap, 产品",
        days_ago: 6,
        body: "感谢大家在论坛和评论里提出的建议。下个季度我们计划：\n\n- 共享空间支持**只读链接**\n- 移动端离线编辑\n- 更细的管理员审计日志\n\n这些功能中，有两项直接来自客户的提议。欢迎继续留言告诉我们您最需要什么。",
    },
    DemoPost {
        blog: "maria",
        author: "maria",
        title: "Getting started with the Plaza API in Rust",
        tags: "tutorials, rust, api",
        days_ago: 5,
        body: "The Plaza API is plain HTTPS and JSON, so any HTTP client works. Here is a minimal example with `reqwest`:\n\n```rust\nlet files: Vec<File> = client\n    .get(\"https://api.example.com/v3/files\")\n    .bearer_auth(token)\n    .send()?\n    .json()?;\n```\n\n~~Version 2 endpoints~~ are deprecated; use `/v3/` everywhere.\n\nNext time: webhooks.",
    },
    DemoPost {
        blog: "zhangmin",
        author: "zhangmin",
        title: "深度评测：Plaza Cloud 3.0 使用一个月",
        tags: "评测, review, 技术支持",
        days_ago: 4,
        body: "我在团队里试用了一个月 Plaza Cloud 3.0，说说真实感受。\n\n**优点**\n\n- 离线同步确实稳定，断网后恢复很快\n- 管理后台清晰，权限设置一目了然\n\n**不足**\n\n- 移动端还不能离线编辑（路线图里已经有了）\n- 大文件上传偶尔需要重试\n\n总体评分：⭐⭐⭐⭐ 四星。官方的同步加速建议也很实用：[五个提速技巧](/blogs/alice/five-ways-to-speed-up-your-sync)。",
    },
    DemoPost {
        blog: "tom-becker",
        author: "tom_becker",
        title: "Trial report: migrating 40 users in a weekend",
        tags: "review, migration",
        days_ago: 2,
        body: "We moved our whole office from network shares to Plaza Cloud over one weekend.\n\n> The hardest part was not the software, it was agreeing on a folder structure.\n\nWhat worked: the admin console's bulk invite, and the 3.0 release's per-folder permissions (see the [announcement](/blog/introducing-plaza-cloud-3-0)).\n\nWhat did not: our old VPN throttled the first sync. Excluding archive folders fixed it.",
    },
];

const COMMENTS: &[(usize, &str, Option<usize>, &str)] = &[
    (0, "tom_becker", None, "Per-folder permissions were the one thing we were waiting for. Thanks!"),
    (0, "alice", Some(0), "Glad to hear it, Tom. Let us know how the roll-out goes."),
    (0, "lina", None, "请问升级需要手动操作吗？"),
    (0, "wangwei", Some(2), "不需要，两周内会自动升级。"),
    (3, "jsmith", None, "Tip 1 alone cut my sync time in half."),
    (4, "zhangmin", None, "只读链接太需要了，期待！"),
    (6, "maria", None, "Thanks for the thorough review — the large-file retry is on our list."),
    (7, "alice", None, "Great write-up. Excluding archives is exactly what we recommend."),
];

pub fn seed_demo(conn: &mut DbConn, settings: &Settings) -> anyhow::Result<String> {
    if users::any(conn)? {
        anyhow::bail!("this site already has accounts; seed-demo only fills an empty site");
    }
    let hash = password::hash(DEMO_PASSWORD)?;
    crate::db::write(conn, |conn| -> anyhow::Result<String> {
        let enterprise = blogs::ensure_enterprise_blog(conn, &settings.site_name)?;
        diesel::update(blogs_t::table.find(enterprise.id))
            .set(
                blogs_t::description.eq(
                    "Official news, product stories and status updates from the team. 官方新闻、产品故事与服务状态。",
                ),
            )
            .execute(conn.conn())?;
        let mut made: Vec<User> = Vec::new();
        for p in PEOPLE {
            let username = Username::parse(p.username).map_err(|k| anyhow::anyhow!("{k}"))?;
            let email =
                Email::parse(&format!("{}@demo.plaza.example", p.username)).map_err(|k| anyhow::anyhow!("{k}"))?;
            let user = users::create(
                conn,
                users::CreateUser {
                    username: &username,
                    email: &email,
                    password_hash: &hash,
                    roles: Roles::from(p.role),
                    locale: p.locale,
                    email_verified: true,
                },
            )
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let bio_html = crate::content::markdown::render(p.bio);
            users::update_profile(
                conn,
                user.id,
                users::ProfileChanges {
                    display_name: p.name,
                    bio_md: p.bio,
                    bio_html: &bio_html,
                    locale: p.locale,
                    // The Chinese-speaking demo members read the site in Beijing time.
                    time_zone: (p.locale == Some("zh-CN")).then_some("Asia/Shanghai"),
                    email_notifications: false,
                },
            )?;
            // The demo's people have been around: members, not new accounts.
            crate::moderation::trust::set(conn, user.id, 2, false)?;
            made.push(user);
        }
        let id_of = |name: &str| made.iter().find(|u| u.username == name).map(|u| u.id).unwrap_or_default();
        for author in ["alice", "wangwei"] {
            blogs::add_author(conn, enterprise.id, id_of(author))?;
        }
        for member in ["zhangmin", "tom_becker"] {
            if let Some(u) = made.iter().find(|u| u.username == member) {
                blogs::grant_community_blog(conn, u)?;
            }
        }
        let staff_blog = |conn: &mut Tx<'_>, slug: &str, title: &str, description: &str| -> anyhow::Result<()> {
            let blog = blogs::find_by_slug(conn, slug)?.ok_or_else(|| anyhow::anyhow!("blog {slug} missing"))?;
            blogs::update_blog(conn, blog.id, title, description)?;
            Ok(())
        };
        staff_blog(conn, "alice", "Alice on Support", "Answers to the questions support hears most.")?;
        staff_blog(conn, "wangwei", "王伟的产品笔记", "产品规划、路线图与用户反馈。")?;
        staff_blog(conn, "maria", "Maria's Developer Notes", "APIs, SDKs and code samples.")?;
        staff_blog(conn, "zhangmin", "敏看工具", "协作工具深度评测。")?;
        staff_blog(conn, "tom-becker", "Tom's Trial Reports", "An IT lead tries things so you don't have to.")?;
        if let Some(b) = blogs::find_by_slug(conn, "alice")? {
            blogs::set_blogroll(
                conn,
                b.id,
                &[
                    ("Maria's Developer Notes".into(), "/blogs/maria".into()),
                    ("The Rust Blog".into(), "https://blog.rust-lang.org/".into()),
                ],
            )?;
        }

        let now = crate::now();
        let mut post_ids = Vec::new();
        for p in POSTS {
            let blog = blogs::find_by_slug(conn, p.blog)?.ok_or_else(|| anyhow::anyhow!("blog {} missing", p.blog))?;
            let input = PostInput {
                title: p.title.to_string(),
                slug: None,
                body: crate::content::Body::render(p.body),
                excerpt_md: String::new(),
                cover_url: String::new(),
                tags: tags::parse_list(p.tags).map_err(|k| anyhow::anyhow!("{k}"))?,
                publish: true,
                comments_enabled: true,
                episode: None,
                cover_media: None,
            };
            let id = blogs::create_post(conn, &blog, id_of(p.author), &input, &settings.base_url)?;
            let at = now - Duration::days(p.days_ago) - Duration::hours(3);
            diesel::update(contents::table.find(id))
                .set((contents::created_at.eq(at), contents::published_at.eq(Some(at)), contents::updated_at.eq(at)))
                .execute(conn.conn())?;
            post_ids.push(id);
        }
        let mut comment_ids: Vec<i64> = Vec::new();
        for (i, (post, author, parent, body)) in COMMENTS.iter().enumerate() {
            let parent_id = parent.and_then(|p| comment_ids.get(p).copied());
            let subject =
                crate::content::find(conn, post_ids[*post])?.ok_or_else(|| anyhow::anyhow!("post missing"))?;
            let created =
                comments::create(conn, &subject, parent_id, id_of(author), &crate::content::Body::render(*body))?;
            let at = now - Duration::days(1) + Duration::minutes(i as i64 * 17);
            diesel::update(contents::table.find(created))
                .set((contents::created_at.eq(at), contents::published_at.eq(Some(at)), contents::updated_at.eq(at)))
                .execute(conn.conn())?;
            conn.touch(created);
            comment_ids.push(created);
        }
        let forum_summary = seed_forums(conn, &made)?;
        seed_magazine(conn, id_of("alice"), id_of("zhangmin"), &[id_of("jsmith"), id_of("lina")])?;
        Ok(format!(
            "demo content created: {} accounts, {} posts, {} comments, {forum_summary}, a magazine issue (and the next one in the making).\nEvery demo account's password is {DEMO_PASSWORD} (admin: siteadmin). Change them before going live.",
            PEOPLE.len(),
            POSTS.len(),
            COMMENTS.len()
        ))
    })
}

/// A published magazine issue in both languages (alice edits it; zhangmin writes for it, and
/// one of its articles is open to every member), and the next issue in the making.
fn seed_magazine(conn: &mut Tx<'_>, editor: i64, writer: i64, readers: &[i64]) -> anyhow::Result<()> {
    use crate::magazine::queries::{self as mq, ArticleSettings, IssueInput};
    use crate::magazine::{Mode, Stage};
    // (alice is an employee in PEOPLE.)
    users::set_roles(conn, editor, Roles::from(Role::Employee).with(Role::Editor))?;
    let issue_input = |number: i32, title: &str, theme: &str, note: &str| IssueInput {
        number,
        title: title.to_string(),
        theme: theme.to_string(),
        note: crate::content::Body::render(note),
        cover_media_id: None,
    };
    let first = issue_input(
        1,
        "Working together / 一起工作",
        "How our customers collaborate across time zones · 客户如何跨时区协作",
        "Welcome to the first issue of our magazine. Our customers wrote half of it.\n\n欢迎阅读第一期杂志，其中一半由我们的客户撰写。",
    );
    let id = mq::create_issue(conn, editor, &first)?.ok_or_else(|| anyhow::anyhow!("issue 1 exists"))?;
    mq::add_section(conn, id, "Features · 专题")?;
    mq::add_section(conn, id, "Customer stories · 客户故事")?;
    let issue = mq::issue_by_id(conn.conn(), id)?.ok_or_else(|| anyhow::anyhow!("issue missing"))?;
    let sections = mq::sections(conn.conn(), id)?;
    let section = |i: usize| sections.get(i).map(|s| s.id);
    let settings = |section_id: Option<i64>, mode: Mode, writers: Vec<i64>| ArticleSettings {
        section_id,
        position: None,
        mode,
        writers,
        tags: Vec::new(),
    };
    let articles = [
        (
            "Meetings that fit every time zone",
            "Three teams, nine hours apart, one weekly plan.\n\n## What changed\n\nThey moved status updates into threads and kept the call for decisions only.\n\n> We stopped meeting to read slides to each other.",
            settings(section(0), Mode::Closed, vec![editor]),
        ),
        (
            "远程团队的一天",
            "上海的早上是柏林的深夜。我们的客户张敏记录了她的团队如何用共享看板交接工作。\n\n## 交接清单\n\n- 今天完成了什么\n- 卡在哪里\n- 明天谁接手",
            settings(section(1), Mode::Closed, vec![writer]),
        ),
        (
            "Readers' tips for calmer calendars",
            "Add your own tip below: this article is open to every member.\n\n1. Block one focus morning a week.\n2. Decline meetings without an agenda.",
            settings(section(1), Mode::Open, Vec::new()),
        ),
    ];
    let mut ids = Vec::new();
    for (title, body, s) in &articles {
        ids.push(mq::create_article(conn, &issue, editor, title, &crate::content::Body::render(*body), s)?);
    }
    mq::set_stage(conn, &issue, Stage::Published, None)?;
    seed_readers(conn, editor, ids.first().copied().unwrap_or(id), id, readers)?;
    let next = issue_input(2, "Security, plainly / 安全，说清楚", "Draft: what customers ask us about data", "");
    let next_id = mq::create_issue(conn, editor, &next)?.ok_or_else(|| anyhow::anyhow!("issue 2 exists"))?;
    let next = mq::issue_by_id(conn.conn(), next_id)?.ok_or_else(|| anyhow::anyhow!("issue missing"))?;
    mq::create_article(
        conn,
        &next,
        editor,
        "Where your files live",
        &crate::content::Body::render("A draft: regions, backups and who can read what."),
        &settings(None, Mode::Closed, vec![writer]),
    )?;
    Ok(())
}

/// What readers do with the first issue: a poll and a question in its first article, and a
/// contribution area in the issue with two accepted entries (one in Chinese) and one waiting.
fn seed_readers(conn: &mut Tx<'_>, editor: i64, article: i64, issue: i64, readers: &[i64]) -> anyhow::Result<()> {
    use crate::magazine::contributions as c;
    use crate::magazine::polls;
    polls::create(
        conn,
        article,
        polls::KIND_POLL,
        "How many time zones does your team span? · 你的团队跨几个时区？",
        &["One · 一个".to_string(), "Two or three · 两到三个".to_string(), "Four or more · 四个以上".to_string()],
    )?;
    polls::create(
        conn,
        article,
        polls::KIND_QUESTION,
        "Which meeting would you cancel first? · 你最想取消哪个会？",
        &[],
    )?;
    let poll = crate::magazine::polls::of_article(conn.conn(), article, None)?;
    if let Some(p) = poll.first() {
        for (i, reader) in readers.iter().enumerate() {
            if let Some(o) = p.options.get(i + 1) {
                polls::vote(conn, p.id, *reader, o.id)?;
            }
        }
    }
    let area = c::create_area(
        conn,
        issue,
        Some(issue),
        editor,
        &c::AreaInput {
            title: "Your desk, your way · 你的工作台".into(),
            prompt: "Show us where you work: a photo and a sentence. 拍一张你的工作台，配一句话。".into(),
            accepts: vec![crate::media::TYPE_IMAGE],
            deadline: None,
        },
    )?;
    let area = c::area(conn.conn(), area)?.ok_or_else(|| anyhow::anyhow!("area missing"))?;
    let host = crate::content::find(conn.conn(), issue)?.ok_or_else(|| anyhow::anyhow!("issue missing"))?;
    let entries = [
        ("A standing desk by the window", "Two screens, one plant, no cables in sight.", true),
        ("阳台上的办公桌", "早上七点，阳光正好，先回邮件再开会。", true),
        ("Kitchen table office", "It works until lunch.", false),
    ];
    for (i, (title, body, accept)) in entries.iter().enumerate() {
        let author = readers.get(i % readers.len().max(1)).copied().unwrap_or(editor);
        let id = c::submit(conn, &area, &host, author, title, &crate::content::Body::render(*body))?;
        if *accept {
            let entry = c::entry(conn.conn(), id)?.ok_or_else(|| anyhow::anyhow!("entry missing"))?;
            let decision = c::Decision {
                state: c::STATE_ACCEPTED,
                caption: String::new(),
                position: i as i32,
                note: String::new(),
            };
            c::decide(conn, &entry, c::STATE_PENDING, editor, &decision)?;
        }
    }
    // A contest: open, judged by a member, with an accepted entry.
    let call = crate::magazine::calls::create(
        conn,
        editor,
        &crate::magazine::calls::CallInput {
            area: c::AreaInput {
                title: "Photo contest: spring at work · 摄影比赛：工作中的春天".into(),
                prompt: "Your team, your office, your first spring day back. 你的团队、你的办公室、春天的第一天。"
                    .into(),
                accepts: vec![crate::media::TYPE_IMAGE],
                deadline: Some(crate::now() + chrono::Duration::days(30)),
            },
            rules: crate::content::Body::render(
                "- One picture per member.\n- Your own photo, no AI.\n- 每人一张，须为本人拍摄。",
            ),
            prizes: "First prize: a year of Plaza Cloud Business. 一等奖：一年 Plaza Cloud 商业版。".into(),
            judges: readers.iter().skip(1).copied().collect(),
        },
    )?;
    let call = crate::magazine::calls::call(conn.conn(), call)?.ok_or_else(|| anyhow::anyhow!("call missing"))?;
    let area = c::area(conn.conn(), call.area_id)?.ok_or_else(|| anyhow::anyhow!("area missing"))?;
    let host = crate::content::find(conn.conn(), call.id)?.ok_or_else(|| anyhow::anyhow!("call missing"))?;
    let author = readers.first().copied().unwrap_or(editor);
    let id = c::submit(
        conn,
        &area,
        &host,
        author,
        "Blossoms outside the office",
        &crate::content::Body::render("Taken on the way in, 8 a.m."),
    )?;
    let entry = c::entry(conn.conn(), id)?.ok_or_else(|| anyhow::anyhow!("entry missing"))?;
    let decision = c::Decision { state: c::STATE_ACCEPTED, caption: String::new(), position: 0, note: String::new() };
    c::decide(conn, &entry, c::STATE_PENDING, editor, &decision)?;
    Ok(())
}

/// Boards in a group per product line, with questions, reviews and ideas in both languages.
fn seed_forums(conn: &mut Tx<'_>, people: &[User]) -> anyhow::Result<String> {
    use crate::forums::queries::{self as fq, Access, BoardInput, TopicInput};
    use crate::forums::{ideas, reviews};
    let user = |name: &str| {
        people.iter().find(|u| u.username == name).cloned().ok_or_else(|| anyhow::anyhow!("{name} missing"))
    };
    let group = fq::create_group(conn, "Plaza Cloud", 1)?;
    let board = |conn: &mut Tx<'_>,
                 slug: &str,
                 name: &str,
                 description: &str,
                 kind: &str,
                 view: &str,
                 post: &str,
                 position: i32|
     -> anyhow::Result<crate::forums::Board> {
        let id = fq::create_board(
            conn,
            &BoardInput {
                group_id: Some(group),
                slug: slug.into(),
                name: name.into(),
                description: description.into(),
                kind: kind.into(),
                read: Access::from_name(view).ok_or_else(|| anyhow::anyhow!("access {view}"))?,
                post: Access::from_name(post).ok_or_else(|| anyhow::anyhow!("access {post}"))?,
                position,
            },
        )?;
        fq::board(conn, id)?.ok_or_else(|| anyhow::anyhow!("board {slug} missing"))
    };
    let reply = |conn: &mut Tx<'_>, topic_id: i64, author: &User, body: &str| -> anyhow::Result<i64> {
        let t = fq::topic(conn, topic_id)?.ok_or_else(|| anyhow::anyhow!("topic {topic_id} missing"))?;
        Ok(fq::create_reply(conn, &t, author, &crate::content::Body::render(body))?.0)
    };
    let topic = |title: &str, body: &str, tags_: &str| -> anyhow::Result<TopicInput> {
        Ok(TopicInput {
            title: title.into(),
            body: crate::content::Body::render(body),
            tags: tags::parse_list(tags_).map_err(|k| anyhow::anyhow!("{k}"))?,
        })
    };
    let announcements = board(
        conn,
        "announcements",
        "Announcements 公告",
        "Release notes and maintenance windows.",
        "discussion",
        "everyone",
        "employees",
        1,
    )?;
    let help = board(
        conn,
        "help",
        "Questions & answers 问答",
        "Ask the community and our support team.",
        "questions",
        "everyone",
        "members",
        2,
    )?;
    let reviews_board = board(
        conn,
        "reviews",
        "Product reviews 产品评测",
        "Rate the products you use.",
        "reviews",
        "everyone",
        "members",
        3,
    )?;
    let ideas_board = board(
        conn,
        "ideas",
        "Ideas 建议",
        "Suggest what we should build next, and vote.",
        "ideas",
        "everyone",
        "members",
        4,
    )?;
    board(
        conn,
        "staff-room",
        "Staff room",
        "Internal: only employees see this board.",
        "discussion",
        "employees",
        "employees",
        5,
    )?;

    let none = |_: &mut Tx<'_>, _: i64| Ok(());
    fq::create_topic(
        conn,
        &announcements,
        &user("alice")?,
        &topic(
            "Maintenance on Sunday 02:00–04:00 UTC",
            "Sync will pause for up to two hours. No action is needed.",
            "status",
        )?,
        none,
    )?;
    let q1 = fq::create_topic(
        conn,
        &help,
        &user("lina")?,
        &topic(
            "同步文件夹时提示“权限不足”怎么办？",
            "在公司电脑上同步共享文件夹时总是提示权限不足。",
            "技术支持, sync",
        )?,
        none,
    )?;
    reply(conn, q1, &user("zhangmin")?, "我遇到过，检查一下文件夹的管理员设置。")?;
    let answer = reply(
        conn,
        q1,
        &user("wangwei")?,
        "请在 **设置 → 权限** 中确认你有“编辑”权限；如果是共享空间，请联系空间管理员。",
    )?;
    if let Some(t) = fq::topic(conn, q1)? {
        fq::accept(conn, &t, Some(answer), user("lina")?.id)?;
    }
    fq::create_topic(
        conn,
        &help,
        &user("jsmith")?,
        &topic(
            "Can I limit upload bandwidth during office hours?",
            "Our office line is slow between 9 and 5.",
            "sync, network",
        )?,
        none,
    )?;

    let cloud = reviews::create_product(
        conn,
        reviews_board.id,
        "Plaza Cloud 3.0",
        "plaza-cloud-3",
        "Sync and share for teams",
    )?;
    reviews::create_product(conn, reviews_board.id, "Plaza Desktop", "plaza-desktop", "The desktop client")?;
    for (who, rating, title, body) in [
        ("tom_becker", 4, "Solid for a 40-person office", "Setup took an afternoon; per-folder permissions are great."),
        ("zhangmin", 5, "离线同步非常稳定", "断网恢复后自动续传，体验很好。"),
        ("jsmith", 3, "Good, but the mobile app lags behind", "Desktop is great, mobile needs offline editing."),
    ] {
        let author = user(who)?;
        let id = fq::create_topic(conn, &reviews_board, &author, &topic(title, body, "")?, |conn, id| {
            reviews::attach_review(conn, id, cloud, author.id, rating)
        })?;
        if who == "jsmith"
            && let Some(t) = fq::topic(conn, id)?
        {
            reviews::respond(
                conn,
                &t,
                user("maria")?.id,
                &crate::content::Body::render("Thanks, John — offline editing on mobile is planned for Q1."),
            )?;
        }
    }

    let dark = fq::create_topic(
        conn,
        &ideas_board,
        &user("tom_becker")?,
        &topic("Dark mode for the desktop app", "Our designers work late.", "desktop")?,
        ideas::attach_idea,
    )?;
    let links = fq::create_topic(
        conn,
        &ideas_board,
        &user("zhangmin")?,
        &topic("共享空间支持只读链接", "方便把资料分享给客户查看。", "sharing")?,
        ideas::attach_idea,
    )?;
    for (idea, voters) in [(dark, vec!["zhangmin", "lina", "jsmith"]), (links, vec!["tom_becker", "lina"])] {
        for v in voters {
            ideas::vote(conn, idea, user(v)?.id, true)?;
        }
    }
    let statuses = ideas::statuses(conn)?;
    if let (Some(t), Some(planned)) = (fq::topic(conn, links)?, statuses.iter().find(|s| s.slug == "planned")) {
        ideas::change_status(conn, &t, planned, "已列入 2027 年第一季度路线图。", user("wangwei")?.id, None)?;
    }
    Ok("5 boards with questions, reviews and ideas".to_string())
}

/// The generated content's author (created once, with a random password nobody knows).
fn bench_user(conn: &mut DbConn, name: &str, role: Role) -> anyhow::Result<User> {
    if let Some(u) = users::find_by_key(conn, name)? {
        return Ok(u);
    }
    let hash = password::hash(&crate::web::random_token())?;
    let username = Username::parse(name).map_err(|k| anyhow::anyhow!("{k}"))?;
    let email = Email::parse(&format!("{name}@bench.plaza.example")).map_err(|k| anyhow::anyhow!("{k}"))?;
    crate::db::write(conn, |tx| {
        users::create(
            tx,
            users::CreateUser {
                username: &username,
                email: &email,
                password_hash: &hash,
                roles: Roles::from(role),
                locale: None,
                email_verified: true,
            },
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))
    })
}

/// `plaza seed-bench`: a large board for measuring (mixed English and Chinese titles), in
/// batches of 1,000 topics per transaction. Returns how many topics the board now has.
pub fn seed_bench(conn: &mut DbConn, topics: usize) -> anyhow::Result<(String, i64)> {
    use crate::forums::queries::{self as fq, Access, BoardInput, TopicInput};
    let author = bench_user(conn, "benchbot", Role::Member)?;
    let board = match fq::board_by_slug(conn, "bench")? {
        Some(b) => b,
        None => {
            let input = BoardInput {
                group_id: None,
                slug: "bench".into(),
                name: "Benchmark board".into(),
                description: "Generated by plaza seed-bench".into(),
                kind: crate::forums::BOARD_DISCUSSION.into(),
                read: Access::Everyone,
                post: Access::Members,
                position: 99,
            };
            let id = crate::db::write(conn, |tx| fq::create_board(tx, &input))?;
            fq::board(conn, id)?.ok_or_else(|| anyhow::anyhow!("bench board missing"))?
        }
    };
    const EN: &[&str] = &[
        "How to install",
        "Sync is slow on",
        "Feature request:",
        "Error when sharing",
        "Best practice for",
        "Upgrading to",
        "Permissions for",
    ];
    const ZH: &[&str] = &["如何安装", "同步很慢", "功能建议：", "分享时出错", "最佳实践：", "升级到", "权限设置"];
    const THINGS: &[&str] = &[
        "the desktop client",
        "large folders",
        "企业版",
        "移动端",
        "shared workspaces",
        "技术支持",
        "the API",
        "离线模式",
    ];
    let mut made = 0;
    while made < topics {
        let batch = (topics - made).min(1000);
        crate::db::write(conn, |conn| -> anyhow::Result<()> {
            for i in made..made + batch {
                let prefix = if i % 2 == 0 { EN[i % EN.len()] } else { ZH[i % ZH.len()] };
                let title = format!("{prefix} {} #{i}", THINGS[(i / 7) % THINGS.len()]);
                let body =
                    format!("{title}. Generated topic number {i} for benchmarks. 这是用于性能测试的第 {i} 个主题。");
                fq::create_topic(
                    conn,
                    &board,
                    &author,
                    &TopicInput { title, body: crate::content::Body::render(body), tags: Vec::new() },
                    |_, _| Ok(()),
                )?;
            }
            Ok(())
        })?;
        made += batch;
        eprint!("\r{made}/{topics} topics");
    }
    eprintln!();
    let board = fq::board(conn, board.id)?.ok_or_else(|| anyhow::anyhow!("bench board missing"))?;
    Ok((board.path(), i64::from(board.topic_count)))
}

/// `plaza seed-bench --search-docs N`: a generated mixed English/Chinese corpus on the board
/// `/forums/search-bench` and the blog of `searchbench`, indexed as it goes.
pub fn seed_search_bench(conn: &mut DbConn, docs: usize, progress: &dyn Fn(usize)) -> anyhow::Result<()> {
    use crate::forums::queries::{self as fq, Access, BoardInput};
    let author = bench_user(conn, "searchbench", Role::Employee)?;
    let blog = crate::db::write(conn, |tx| blogs::ensure_staff_blog(tx, &author))?;
    let board_id = match fq::board_by_slug(conn, "search-bench")? {
        Some(b) => b.id,
        None => crate::db::write(conn, |tx| {
            fq::create_board(
                tx,
                &BoardInput {
                    group_id: None,
                    slug: "search-bench".into(),
                    name: "Search benchmark".into(),
                    description: "Generated by plaza seed-bench --search-docs".into(),
                    kind: crate::forums::BOARD_DISCUSSION.into(),
                    read: Access::Everyone,
                    post: Access::Members,
                    position: 98,
                },
            )
        })?,
    };
    let board_audience = fq::board(conn, board_id)?.map(|b| b.read_audience_id).unwrap_or_default();
    let target = crate::search::corpus::Target { author_id: author.id, board_id, board_audience, blog_id: blog.id };
    crate::search::corpus::seed(conn, &target, docs, 1000, progress)
}

/// `plaza seed-bench --posts N`: one staff blog of `N` posts (mixed English/Chinese, 1–3 tags
/// each from a pool of 300, a third of them with two comments), written through the site's own
/// write path (rendering, tags and their counts, the blog's count, the search index), in
/// transactions of 500 posts. The posts are the newest of the site, as a growing blog's are.
pub fn seed_post_bench(
    conn: &mut DbConn,
    settings: &Settings,
    posts: usize,
    progress: &dyn Fn(usize),
) -> anyhow::Result<String> {
    const TAG_WORDS: &[&str] = &[
        "sync",
        "backup",
        "mobile",
        "api",
        "security",
        "pricing",
        "release",
        "tips",
        "offline",
        "sharing",
        "同步",
        "备份",
        "移动端",
        "安全",
        "价格",
        "发布",
        "技巧",
        "离线",
        "分享",
        "企业版",
    ];
    let author = bench_user(conn, "postbench", Role::Employee)?;
    let blog = crate::db::write(conn, |tx| blogs::ensure_staff_blog(tx, &author))?;
    let first = usize::try_from(blog.post_count).unwrap_or(0);
    let mut corpus = crate::search::corpus::Corpus::new(11 + first as u64);
    let tag_name = |n: usize| -> String {
        let (a, b) = (TAG_WORDS[n % TAG_WORDS.len()], TAG_WORDS[(n / TAG_WORDS.len()) % TAG_WORDS.len()]);
        if n < TAG_WORDS.len() { a.to_string() } else { format!("{a} {b}") }
    };
    let mut made = 0;
    while made < posts {
        let size = (posts - made).min(500);
        crate::db::write(conn, |tx| -> anyhow::Result<()> {
            for i in first + made..first + made + size {
                let (title, body) = corpus.document();
                // Popular tags often, the rest now and then (i * a prime spreads them).
                let tags: Vec<tags::TagName> = (0..1 + i % 3)
                    .map(|k| tag_name(if k == 0 { i % 20 } else { (i * 7919 + k * 104_729) % 300 }))
                    .filter_map(|t| tags::TagName::parse(&t).ok())
                    .collect::<Vec<_>>();
                let mut unique: Vec<tags::TagName> = Vec::new();
                for t in tags {
                    if !unique.iter().any(|u| u.slug == t.slug) {
                        unique.push(t);
                    }
                }
                let slug =
                    format!("{}-{i}", crate::content::slug::slugify(&title).chars().take(60).collect::<String>());
                let id = blogs::create_post(
                    tx,
                    &blog,
                    author.id,
                    &PostInput {
                        title,
                        slug: Some(slug),
                        body: crate::content::Body::render(body),
                        excerpt_md: String::new(),
                        cover_url: String::new(),
                        tags: unique,
                        publish: true,
                        comments_enabled: true,
                        episode: None,
                        cover_media: None,
                    },
                    &settings.base_url,
                )?;
                if i % 3 == 0 {
                    let post = crate::content::find(tx, id)?.ok_or_else(|| anyhow::anyhow!("post {id} missing"))?;
                    for c in 0..2 {
                        let text = format!("Comment {c} on post {i}. 第 {i} 篇文章的评论。");
                        comments::create(tx, &post, None, author.id, &crate::content::Body::render(text))?;
                    }
                }
            }
            Ok(())
        })?;
        made += size;
        progress(size);
    }
    Ok(blog.path())
}
