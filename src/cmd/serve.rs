//! `lantern serve`: preview the site with drafts, rebuilding on every change.

use crate::serve::{self, ServeOptions};
use std::net::IpAddr;
use std::path::PathBuf;

/// Options of `lantern serve`, as given on the command line.
#[derive(Debug, Clone)]
pub struct ServeArgs {
    pub root: PathBuf,
    pub port: Option<u16>,
    pub bind: IpAddr,
    pub open: bool,
}

/// Serve until Ctrl-C; writes nothing anywhere.
pub fn execute(args: ServeArgs) -> anyhow::Result<()> {
    serve::run(&ServeOptions {
        root: args.root,
        port: args.port,
        bind: args.bind,
        open: args.open,
    })?;
    Ok(())
}
