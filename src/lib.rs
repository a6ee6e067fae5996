//! Lantern: a static status page and incident announcement site generator.
//!
//! The pipeline runs one way: load ([`config`], [`content`]) → validate → model
//! ([`site`]) → render ([`render`], with a [`theme`]) → write ([`output`]).

pub mod atomic_file;
pub mod build_cache;
pub mod cache_dir;
pub mod chars;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod contained;
pub mod content;
pub mod diagnostics;
pub mod health;
pub mod i18n;
pub mod import;
pub mod notify;
pub mod output;
pub mod pipeline;
pub mod probe;
pub mod render;
pub mod serve;
pub mod site;
pub mod sum;
pub mod theme;
pub mod time;
pub mod timings;
pub mod vocab;
pub mod yaml;
