//! The crate's GraphQL documents, read from `graphql/`.

use std::path::PathBuf;

pub fn graphql_documents() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("graphql");
    let mut documents: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("graphql/ exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "graphql"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("readable document");
            (name, text)
        })
        .collect();
    documents.sort();
    assert!(documents.len() >= 5, "found only {documents:?}");
    documents
}
