//! A generated corpus for search benchmarks (`plaza seed-bench --search-docs N`): forum topics,
//! replies and blog posts in English, Chinese and both mixed, with words drawn from a Zipf
//! distribution (a few words everywhere, most words rare), as real support forums look.
//! Deterministic: the same N gives the same corpus. Rows go in through the same indexing path
//! as the site's own writes (`search::sync_content`), so the seeding rate is the indexing rate.

use std::collections::HashMap;

use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::content::{self, NewContent};
use crate::db::DbConn;
use crate::db::schema::{posts, replies, topics};

const EN: &[&str] = &[
    "the",
    "to",
    "and",
    "a",
    "of",
    "is",
    "in",
    "it",
    "for",
    "on",
    "with",
    "sync",
    "file",
    "folder",
    "account",
    "install",
    "update",
    "error",
    "share",
    "team",
    "client",
    "server",
    "upload",
    "download",
    "password",
    "login",
    "settings",
    "storage",
    "quota",
    "mobile",
    "desktop",
    "offline",
    "backup",
    "restore",
    "version",
    "release",
    "support",
    "ticket",
    "admin",
    "permission",
    "workspace",
    "invite",
    "link",
    "slow",
    "fast",
    "crash",
    "bug",
    "feature",
    "request",
    "license",
    "billing",
    "invoice",
    "plan",
    "enterprise",
    "security",
    "encryption",
    "device",
    "laptop",
    "phone",
    "tablet",
    "network",
    "proxy",
    "firewall",
    "bandwidth",
    "limit",
    "conflict",
    "duplicate",
    "history",
    "trash",
    "recover",
    "deleted",
    "notification",
    "email",
    "calendar",
    "integration",
    "api",
    "token",
    "webhook",
    "export",
    "import",
    "report",
    "dashboard",
    "audit",
    "log",
    "policy",
    "retention",
    "compliance",
    "migration",
    "onboarding",
    "training",
    "guide",
    "tutorial",
    "question",
    "answer",
    "thanks",
    "issue",
    "problem",
    "solution",
    "workaround",
    "timeout",
    "certificate",
    "proxy",
    "windows",
    "macos",
    "linux",
    "android",
    "ios",
    "browser",
    "extension",
    "plugin",
    "preview",
    "thumbnail",
    "photo",
    "video",
    "document",
    "spreadsheet",
    "pdf",
    "search",
    "index",
    "tag",
    "comment",
    "review",
    "rating",
    "idea",
    "vote",
    "roadmap",
    "beta",
    "preview",
    "latency",
    "throughput",
    "memory",
    "cpu",
    "disk",
    "cache",
    "queue",
    "retry",
    "schedule",
    "weekend",
    "office",
];

const ZH: &[&str] = &[
    "的",
    "是",
    "在",
    "了",
    "我们",
    "同步",
    "文件",
    "文件夹",
    "账号",
    "安装",
    "更新",
    "错误",
    "分享",
    "团队",
    "客户端",
    "服务器",
    "上传",
    "下载",
    "密码",
    "登录",
    "设置",
    "存储",
    "空间",
    "移动端",
    "桌面",
    "离线",
    "备份",
    "恢复",
    "版本",
    "发布",
    "技术支持",
    "工单",
    "管理员",
    "权限",
    "工作区",
    "邀请",
    "链接",
    "很慢",
    "崩溃",
    "功能",
    "建议",
    "许可证",
    "账单",
    "发票",
    "企业版",
    "安全",
    "加密",
    "设备",
    "笔记本",
    "手机",
    "平板",
    "网络",
    "代理",
    "防火墙",
    "带宽",
    "限制",
    "冲突",
    "重复",
    "历史",
    "回收站",
    "删除",
    "通知",
    "邮件",
    "日历",
    "集成",
    "接口",
    "导出",
    "导入",
    "报表",
    "仪表盘",
    "审计",
    "日志",
    "策略",
    "合规",
    "迁移",
    "培训",
    "指南",
    "教程",
    "问题",
    "回答",
    "谢谢",
    "解决",
    "方法",
    "超时",
    "证书",
    "浏览器",
    "插件",
    "预览",
    "照片",
    "视频",
    "文档",
    "表格",
    "搜索",
    "索引",
    "标签",
    "评论",
    "评测",
    "评分",
    "想法",
    "投票",
    "路线图",
    "测试版",
    "延迟",
    "内存",
    "磁盘",
    "缓存",
    "队列",
    "重试",
    "周末",
    "办公室",
    "消费者",
    "提供",
    "客户",
    "产品",
    "服务",
    "用户",
    "数据",
];

/// Zipf sampling over a word list: rank r has weight 1/r.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Self {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|r| {
                total += 1.0 / r as f64;
                total
            })
            .collect();
        Zipf { cumulative }
    }

    fn sample(&self, rng: &mut StdRng) -> usize {
        let x = rng.r#gen::<f64>() * self.cumulative.last().copied().unwrap_or(1.0);
        self.cumulative.partition_point(|c| *c < x).min(self.cumulative.len() - 1)
    }
}

/// Text generator: each document draws from English, Chinese or both.
pub struct Corpus {
    rng: StdRng,
    en: Zipf,
    zh: Zipf,
    /// Rare made-up words (model numbers, names): a long tail for the index.
    tail: Zipf,
}

impl Corpus {
    pub fn new(seed: u64) -> Self {
        Corpus {
            rng: StdRng::seed_from_u64(seed),
            en: Zipf::new(EN.len()),
            zh: Zipf::new(ZH.len()),
            tail: Zipf::new(50_000),
        }
    }

    fn word(&mut self, chinese: bool) -> String {
        if self.rng.gen_ratio(1, 25) {
            let n = self.tail.sample(&mut self.rng);
            return format!("x{n:x}");
        }
        if chinese {
            ZH[self.zh.sample(&mut self.rng)].to_string()
        } else {
            EN[self.en.sample(&mut self.rng)].to_string()
        }
    }

    fn sentence(&mut self, lang: u8, words: usize) -> String {
        let mut out = String::new();
        for i in 0..words {
            let chinese = match lang {
                0 => false,
                1 => true,
                _ => self.rng.gen_ratio(1, 2),
            };
            let w = self.word(chinese);
            let glue = i > 0 && !(chinese && out.chars().last().is_some_and(crate::search::text::is_cjk));
            if glue {
                out.push(' ');
            }
            out.push_str(&w);
        }
        out.push(if lang == 1 { '。' } else { '.' });
        out
    }

    /// (title, body): 50% English, 30% Chinese, 20% mixed; bodies of 2–12 sentences.
    pub fn document(&mut self) -> (String, String) {
        let lang = match self.rng.gen_range(0..10) {
            0..=4 => 0,
            5..=7 => 1,
            _ => 2,
        };
        let title_len = self.rng.gen_range(3..9);
        let title = self.sentence(lang, title_len).trim_end_matches(['.', '。']).to_string();
        let sentences = self.rng.gen_range(2..13);
        let body = (0..sentences)
            .map(|_| {
                let n = self.rng.gen_range(6..18);
                self.sentence(lang, n)
            })
            .collect::<Vec<_>>()
            .join(" ");
        (title, body)
    }
}

/// Where the generated content goes.
pub struct Target {
    pub author_id: i64,
    pub board_id: i64,
    /// The board's readers (its topics and replies carry it).
    pub board_audience: i64,
    pub blog_id: i64,
}

/// Add `n` documents (50% topics, 30% replies to earlier topics, 20% blog posts), published over
/// the last three years in order, in transactions of `batch`. `progress` hears after each batch.
pub fn seed(
    conn: &mut DbConn,
    target: &Target,
    n: usize,
    batch: usize,
    progress: &dyn Fn(usize),
) -> anyhow::Result<()> {
    let mut corpus = Corpus::new(n as u64);
    let mut rng = StdRng::seed_from_u64(7);
    let mut topic_ids: Vec<i64> =
        topics::table.filter(topics::board_id.eq(target.board_id)).select(topics::content_id).load(conn)?;
    let mut positions: HashMap<i64, i32> = replies::table
        .inner_join(topics::table)
        .filter(topics::board_id.eq(target.board_id))
        .group_by(replies::topic_id)
        .select((replies::topic_id, diesel::dsl::max(replies::position)))
        .load::<(i64, Option<i32>)>(conn)?
        .into_iter()
        .map(|(t, p)| (t, p.unwrap_or(0)))
        .collect();
    let now = crate::now();
    let mut made = 0;
    while made < n {
        let size = batch.min(n - made);
        let earlier_topics = topic_ids.len();
        crate::db::write(conn, |conn| -> anyhow::Result<()> {
            for i in made..made + size {
                let (title, body) = corpus.document();
                // Three years of content arriving over time, oldest first, as a real site fills up.
                let span = 3 * 365 * 24 * 60;
                let at =
                    now - chrono::Duration::minutes(span - span * i as i64 / n.max(1) as i64 + rng.gen_range(0..60));
                let roll = rng.gen_range(0..10);
                let kind = match roll {
                    0..=4 => crate::forums::KIND_TOPIC,
                    5..=7 if earlier_topics > 0 => crate::forums::KIND_REPLY,
                    5..=7 => crate::forums::KIND_TOPIC,
                    _ => crate::blogs::KIND_POST,
                };
                let title = if kind == crate::forums::KIND_REPLY { String::new() } else { title };
                let html = content::markdown::render(&body);
                let excerpt = content::markdown::excerpt(&body, content::EXCERPT_CHARS);
                let reply_to = (kind == crate::forums::KIND_REPLY).then(|| topic_ids[rng.gen_range(0..earlier_topics)]);
                let placement = match (kind, reply_to) {
                    (crate::forums::KIND_REPLY, Some(topic)) => {
                        let parent = content::find(conn, topic)?.ok_or_else(|| anyhow::anyhow!("topic {topic}"))?;
                        content::Placement::under(&parent)
                    }
                    (crate::forums::KIND_TOPIC, _) => {
                        content::Placement::root(content::PLACE_BOARD, target.board_id, target.board_audience)
                    }
                    _ => content::Placement::root(content::PLACE_BLOG, target.blog_id, crate::policy::PUBLIC_AUDIENCE),
                };
                let id = content::insert(
                    conn,
                    &NewContent {
                        kind,
                        author_id: target.author_id,
                        title: &title,
                        body_md: &body,
                        body_html: &html,
                        excerpt: &excerpt,
                        publish: true,
                        comments_open: kind == crate::blogs::KIND_POST,
                        placement,
                        at: Some(at),
                        media: &[],
                    },
                )?;
                match kind {
                    crate::forums::KIND_TOPIC => {
                        diesel::insert_into(topics::table)
                            .values((
                                topics::content_id.eq(id),
                                topics::board_id.eq(target.board_id),
                                topics::slug.eq(format!("t{id}")),
                                topics::last_activity_at.eq(at),
                            ))
                            .execute(conn.conn())?;
                        topic_ids.push(id);
                    }
                    crate::forums::KIND_REPLY => {
                        let topic = reply_to.unwrap_or_default();
                        let position = positions.entry(topic).or_insert(0);
                        *position += 1;
                        diesel::insert_into(replies::table)
                            .values((
                                replies::content_id.eq(id),
                                replies::topic_id.eq(topic),
                                replies::position.eq(*position),
                            ))
                            .execute(conn.conn())?;
                    }
                    _ => {
                        diesel::insert_into(posts::table)
                            .values((
                                posts::content_id.eq(id),
                                posts::blog_id.eq(target.blog_id),
                                posts::slug.eq(format!("p{id}")),
                            ))
                            .execute(conn.conn())?;
                    }
                }
            }
            Ok(())
        })?;
        made += size;
        progress(size);
    }
    // The counters the forums keep, for what was generated.
    let board = target.board_id;
    crate::db::write(conn, |tx| {
        diesel::sql_query(format!(
            "UPDATE topics SET \
             last_position = COALESCE((SELECT MAX(position) FROM replies r WHERE r.topic_id = topics.content_id), 0), \
             reply_count = (SELECT COUNT(*) FROM replies r WHERE r.topic_id = topics.content_id) \
             WHERE board_id = {board}"
        ))
        .execute(tx.conn())?;
        diesel::sql_query(format!(
            "UPDATE boards SET topic_count = (SELECT COUNT(*) FROM topics t WHERE t.board_id = boards.id), \
             post_count = (SELECT COUNT(*) + COALESCE(SUM(t.reply_count), 0) FROM topics t WHERE t.board_id = boards.id) \
             WHERE id = {board}"
        ))
        .execute(tx.conn())
    })?;
    Ok(())
}
