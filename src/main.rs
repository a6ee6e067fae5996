use clap::Parser;
use lantern::cli::Cli;
use std::process::ExitCode;

// Rendering allocates and frees many small values; mimalloc does that with a
// fifth less CPU than glibc here (user time 0.88 -> 0.72 s on 10,000 posts).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match lantern::cmd::execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let text = format!("{e:#}");
            eprintln!(
                "error: {}",
                lantern::diagnostics::terminal_safe(&text, true)
            );
            ExitCode::FAILURE
        }
    }
}
