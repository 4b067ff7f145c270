//! Runs the Shopify simulator standalone.
//!
//! `shopify-sim [--seed N] [--customers N] [--orders N] [--port N] [--token T]`
//! prints the endpoint and token, and serves until Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;

use shopdesk_shopify_sim::{SimConfig, Simulator};

const USAGE: &str =
    "usage: shopify-sim [--seed N] [--customers N] [--orders N] [--port N] [--token T]";

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(SimConfig, u16), String> {
    let mut config = SimConfig::demo();
    let mut port = 0u16;
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_string());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = |what: &str| format!("{flag} expects {what}, got {value:?}");
        match flag.as_str() {
            "--seed" => config.seed = value.parse().map_err(|_| number("a number"))?,
            "--customers" => config.customers = value.parse().map_err(|_| number("a number"))?,
            "--orders" => config.orders = value.parse().map_err(|_| number("a number"))?,
            "--port" => port = value.parse().map_err(|_| number("a port"))?,
            "--token" => config.access_token = value,
            "--shop-name" => config.shop_name = value,
            "--currency" => config.currency = value,
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    Ok((config, port))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (config, port) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let summary = format!(
        "{} ({} customers, {} orders, seed {}, {})",
        config.shop_name, config.customers, config.orders, config.seed, config.currency
    );
    let sim = match Simulator::start_on(config, SocketAddr::from(([127, 0, 0, 1], port))).await {
        Ok(sim) => sim,
        Err(error) => {
            eprintln!("shopify-sim: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("Shopify simulator: {summary}");
    println!("shop domain:  {}", sim.base_url());
    println!("GraphQL URL:  {}", sim.graphql_url());
    println!("access token: {}", sim.access_token());
    println!("Ctrl-C to stop.");
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("shopify-sim: cannot wait for Ctrl-C: {error}");
    }
    sim.shutdown().await;
    ExitCode::SUCCESS
}
