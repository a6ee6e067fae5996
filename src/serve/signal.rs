//! Waiting for Ctrl-C (SIGINT) or SIGTERM without a signal handler or a global.
//!
//! The signals are blocked before any thread exists, so every thread inherits the mask
//! and the main thread alone receives them with `sigwait`. Nothing runs in signal
//! context, so shutdown is ordinary code. Child processes (the browser started by
//! `--open`) are unaffected: std resets the signal mask when it spawns a process.

use std::io;

/// The termination signals, blocked for this thread and every thread it spawns later.
#[derive(Debug)]
pub struct Termination {
    #[cfg(unix)]
    set: libc::sigset_t,
}

impl Termination {
    /// Block SIGINT and SIGTERM; call before spawning any thread.
    #[cfg(unix)]
    pub fn block() -> io::Result<Termination> {
        // SAFETY: `set` is a plain C struct initialised by `sigemptyset` before use; the
        // calls only read and write it and the calling thread's signal mask.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&raw mut set);
            libc::sigaddset(&raw mut set, libc::SIGINT);
            libc::sigaddset(&raw mut set, libc::SIGTERM);
            let rc = libc::pthread_sigmask(libc::SIG_BLOCK, &raw const set, std::ptr::null_mut());
            if rc != 0 {
                return Err(io::Error::from_raw_os_error(rc));
            }
            Ok(Termination { set })
        }
    }

    /// Without POSIX signals Ctrl-C keeps its default effect (the process ends, and serve
    /// has no files to clean up).
    #[cfg(not(unix))]
    pub fn block() -> io::Result<Termination> {
        Ok(Termination {})
    }

    /// Block the calling thread until SIGINT or SIGTERM arrives.
    #[cfg(unix)]
    pub fn wait(&self) -> io::Result<()> {
        let mut sig: libc::c_int = 0;
        // SAFETY: `self.set` was initialised in `block`; `sig` is a valid out pointer.
        let rc = unsafe { libc::sigwait(&raw const self.set, &raw mut sig) };
        if rc != 0 {
            return Err(io::Error::from_raw_os_error(rc));
        }
        Ok(())
    }

    /// Park forever; the default Ctrl-C handling ends the process.
    #[cfg(not(unix))]
    pub fn wait(&self) -> io::Result<()> {
        loop {
            std::thread::park();
        }
    }
}
