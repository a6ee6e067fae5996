//! Machine-readable outputs under `api/`.

pub mod statuspage;
pub mod uptime;
