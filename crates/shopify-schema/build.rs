//! Turns the vendored introspection (`schema/admin_2026-10.json.gz`) into files in `OUT_DIR`:
//! - `admin_2026-10.json`: the gunzipped introspection, for other crates' build scripts and tests;
//! - `admin_2026-10.graphql`: the same schema as SDL, so that the library only has to parse SDL
//!   at run time (converting 11 MB of JSON on every start would be slower).

use std::error::Error;
use std::fs;
use std::io::Read;
use std::path::PathBuf;

use cynic_introspection::IntrospectionQuery;

const GZ_PATH: &str = "schema/admin_2026-10.json.gz";

/// The introspection file is a full GraphQL response: `{"data": {"__schema": ...}}`.
#[derive(serde::Deserialize)]
struct IntrospectionResponse {
    data: IntrospectionQuery,
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed={GZ_PATH}");
    println!("cargo::rerun-if-changed=build.rs");

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let mut json = String::new();
    flate2::read::GzDecoder::new(fs::File::open(GZ_PATH)?).read_to_string(&mut json)?;

    // Descriptions are dropped from the SDL: they are two thirds of its text and nothing here
    // needs them, and parsing the smaller SDL at run time is much faster (schema() is on the
    // simulator's and demo app's start path). The JSON written below keeps them.
    let mut introspection: serde_json::Value = serde_json::from_str(&json)?;
    drop_descriptions(&mut introspection);
    let response: IntrospectionResponse = serde_json::from_value(introspection)?;
    let schema = response.data.into_schema()?;
    let mut sdl = schema.to_sdl();
    // Printed SDL may omit the declaration of @oneOf even though input types use it; apollo-compiler
    // needs it declared to validate @oneOf inputs.
    if !sdl.contains("directive @oneOf") {
        sdl.insert_str(0, "directive @oneOf on INPUT_OBJECT\n\n");
    }

    fs::write(out_dir.join("admin_2026-10.json"), &json)?;
    fs::write(out_dir.join("admin_2026-10.graphql"), &sdl)?;
    Ok(())
}

fn drop_descriptions(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(description) = map.get_mut("description") {
                *description = serde_json::Value::Null;
            }
            map.values_mut().for_each(drop_descriptions);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_descriptions),
        _ => {}
    }
}
