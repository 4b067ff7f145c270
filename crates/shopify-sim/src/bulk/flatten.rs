//! Turns one executed window (a page of root objects with their nested connections) into
//! JSONL lines: every connection node is its own line, children carry `__parentId`.

use apollo_compiler::response::JsonValue;

use super::query::{ConnectionShape, PAGE_INFO_ALIAS};

/// One output line, without its newline.
pub(crate) struct Line {
    /// 0 for root objects, 1 for their children, 2 for grandchildren.
    pub depth: u8,
    pub json: Vec<u8>,
}

/// The lines of a window in grouped order (each parent followed by its children).
pub(crate) struct Window {
    pub lines: Vec<Line>,
    pub roots: u64,
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

pub(crate) fn flatten(data: JsonValue, root: &ConnectionShape) -> Result<Window, String> {
    let mut data = data;
    let connection = take_path(&mut data, &root.path)
        .ok_or_else(|| "the root connection is missing from the result".to_string())?;
    let page_info = connection.get(PAGE_INFO_ALIAS);
    let has_next_page = page_info
        .and_then(|p| p.get("hasNextPage"))
        .and_then(JsonValue::as_bool)
        .unwrap_or(false);
    let end_cursor = page_info
        .and_then(|p| p.get("endCursor"))
        .and_then(JsonValue::as_str)
        .map(str::to_string);
    let nodes = take_nodes(connection, root);
    let mut window = Window {
        lines: Vec::new(),
        roots: nodes.len() as u64,
        has_next_page,
        end_cursor,
    };
    for node in nodes {
        emit(node, None, root, 0, &mut window.lines)?;
    }
    Ok(window)
}

fn emit(
    mut node: JsonValue,
    parent_id: Option<&str>,
    shape: &ConnectionShape,
    depth: u8,
    lines: &mut Vec<Line>,
) -> Result<(), String> {
    let id = node
        .get("id")
        .and_then(JsonValue::as_str)
        .map(str::to_string);
    let mut nested = Vec::new();
    for child in &shape.children {
        if let Some(connection) = take_path(&mut node, &child.path) {
            nested.push((child, take_nodes(connection, child)));
        }
    }
    if let (Some(parent_id), Some(object)) = (parent_id, node.as_object_mut()) {
        object.insert(
            "__parentId",
            JsonValue::String(parent_id.to_string().into()),
        );
    }
    let json = serde_json::to_vec(&node).map_err(|e| e.to_string())?;
    lines.push(Line { depth, json });
    for (child_shape, children) in nested {
        // The plan guarantees the parent selected `id`; null only if the resolver gave none.
        let parent = id
            .as_deref()
            .ok_or_else(|| "a parent of a nested connection has no id".to_string())?;
        for child in children {
            emit(child, Some(parent), child_shape, depth + 1, lines)?;
        }
    }
    Ok(())
}

/// Removes and returns the value at `path` (object keys), if every step is an object.
fn take_path(value: &mut JsonValue, path: &[String]) -> Option<JsonValue> {
    let (last, steps) = path.split_last()?;
    let mut current = value;
    for step in steps {
        current = current.as_object_mut()?.get_mut(step.as_str())?;
    }
    current.as_object_mut()?.remove(last.as_str())
}

/// The nodes of a connection value, from `edges[].node` or else `nodes`.
fn take_nodes(mut connection: JsonValue, shape: &ConnectionShape) -> Vec<JsonValue> {
    if let Some((edges_key, node_key)) = &shape.edges {
        if let Some(JsonValue::Array(edges)) =
            take_path(&mut connection, std::slice::from_ref(edges_key))
        {
            return edges
                .into_iter()
                .filter_map(|mut edge| take_path(&mut edge, std::slice::from_ref(node_key)))
                .filter(|node| !node.is_null())
                .collect();
        }
    }
    if let Some(nodes_key) = &shape.nodes {
        if let Some(JsonValue::Array(nodes)) =
            take_path(&mut connection, std::slice::from_ref(nodes_key))
        {
            return nodes.into_iter().filter(|node| !node.is_null()).collect();
        }
    }
    Vec::new()
}
