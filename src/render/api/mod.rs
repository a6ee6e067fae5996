//! Machine-readable outputs under `api/`.

pub mod uptime;
