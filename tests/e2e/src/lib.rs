//! Helpers for the end-to-end test: see tests/.
