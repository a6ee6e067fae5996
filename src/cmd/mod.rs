//! One module per command; each exposes `execute`.

mod build;
mod check;
mod import;
mod init;
mod new;
mod notify;
mod post_lock;
mod probe;
mod serve;
mod update;

use crate::cli::Command;
use crate::diagnostics::Diagnostics;

/// Run one command.
pub fn execute(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Build {
            root,
            out,
            base_url,
            drafts,
            wait,
        } => build::execute(build::BuildArgs {
            root,
            out,
            base_url,
            drafts,
            wait,
        }),
        Command::Check { root } => check::execute(&root),
        Command::Init { dir } => init::execute(&dir),
        Command::Serve {
            root,
            port,
            bind,
            open,
        } => serve::execute(serve::ServeArgs {
            root,
            port,
            bind,
            open,
        }),
        Command::New { kind, title, root } => new::execute(kind, &title, &root),
        Command::Update { file, status, text } => update::execute(&file, status, &text),
        Command::Import(args) => import::execute(args),
        Command::Probe {
            root,
            every,
            build,
            only,
        } => probe::execute(probe::ProbeArgs {
            root,
            every,
            build,
            only,
        }),
        Command::Notify {
            root,
            dry_run,
            baseline,
            resend,
        } => notify::execute(notify::NotifyArgs {
            root,
            dry_run,
            baseline,
            resend,
        }),
    }
}

/// Print warnings to stderr, in a stable order.
fn print_warnings(d: &Diagnostics) {
    for w in d
        .sorted()
        .into_iter()
        .filter(|d| d.severity == crate::diagnostics::Severity::Warning)
    {
        eprintln!("{w}");
    }
}
