//! Command-line flags of the benchmarks: `--name value` pairs, and bare `--name` switches.
//! `cargo bench` adds flags of its own (`--bench`): unknown flags are ignored.

use std::str::FromStr;

pub struct Args(Vec<String>);

impl Args {
    pub fn from_env() -> Args {
        Args(std::env::args().skip(1).collect())
    }

    /// The value after `--name`, parsed; `default` when the flag is absent.
    pub fn value<T: FromStr>(&self, name: &str, default: T) -> Result<T, String>
    where
        T::Err: std::fmt::Display,
    {
        let Some(at) = self.0.iter().position(|a| a == name) else {
            return Ok(default);
        };
        let raw = self
            .0
            .get(at + 1)
            .ok_or_else(|| format!("{name} needs a value"))?;
        raw.parse().map_err(|e| format!("{name} {raw}: {e}"))
    }

    /// Whether the switch `--name` is given.
    #[allow(dead_code)] // not every benchmark has switches
    pub fn switch(&self, name: &str) -> bool {
        self.0.iter().any(|a| a == name)
    }
}
