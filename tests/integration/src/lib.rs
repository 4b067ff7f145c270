//! No library: the tests are in `tests/`. They run the app layer against real parts, so they
//! live outside the crates they cross (see `tests/mail_channel.rs`).
