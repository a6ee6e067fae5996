use clap::Parser;
use lantern::cli::Cli;
use std::process::ExitCode;

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
