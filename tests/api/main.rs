//! HTTP-level tests: each starts the real app on a random port with its own database.
//! On PostgreSQL when TEST_DATABASE_URL is set (a superuser URL; each test creates its own
//! database), on SQLite otherwise.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod admin;
mod blogs;
mod cache;
mod comments;
mod concurrency;
mod confidentiality;
mod feeds;
mod forgery;
mod forums;
mod helpers;
mod i18n;
mod look;
mod magazine;
mod magazine_readers;
mod media;
mod meili_fake;
mod migrations;
mod moderation;
mod mutes;
mod notify;
mod ops;
mod own_data;
mod pages;
mod policy;
mod reviews_ideas;
mod search;
mod security;
mod tags;
mod time_zones;
