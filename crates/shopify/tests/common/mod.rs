#![allow(dead_code)]
pub mod documents;
pub mod http_stub;
