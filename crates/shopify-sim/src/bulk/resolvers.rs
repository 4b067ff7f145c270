//! The GraphQL side of bulk operations: `bulkOperation`, `bulkOperations`,
//! `currentBulkOperation` on QueryRoot, and the `bulkOperationRunQuery` and
//! `bulkOperationCancel` mutations. The objects own snapshots, so they borrow nothing.

use std::sync::Arc;

use apollo_compiler::resolvers::{FieldError, ObjectValue, ResolveInfo, ResolvedValue};
use apollo_compiler::response::JsonValue;

use super::{BulkOperationInfo, BulkOperations, CancelError, RunQueryError};
use crate::connection::{paginate, ConnectionArgs, SortValue};
use crate::executor::format_time;
use crate::search::{Comparator, SearchQuery};

type Resolved<'a> = Result<ResolvedValue<'a>, FieldError>;

fn leaf<'a>(value: impl Into<serde_json::Value>) -> Resolved<'a> {
    Ok(ResolvedValue::Leaf(JsonValue::from(value.into())))
}

fn opt_leaf<'a>(value: Option<impl Into<serde_json::Value>>) -> Resolved<'a> {
    match value {
        Some(value) => leaf(value),
        None => Ok(ResolvedValue::null()),
    }
}

fn error(message: impl Into<String>) -> FieldError {
    FieldError {
        message: message.into(),
    }
}

fn not_implemented(info: &ResolveInfo<'_>, type_name: &str) -> FieldError {
    error(format!(
        "Field '{}' on '{type_name}' is not implemented by the Shopdesk simulator",
        info.field_name()
    ))
}

fn unavailable() -> FieldError {
    error("Bulk operations are not available in this simulator instance")
}

/// QueryRoot's bulk fields.
pub(crate) fn resolve_query<'a>(
    bulk: Option<&Arc<BulkOperations>>,
    info: &'a ResolveInfo<'a>,
) -> Resolved<'a> {
    let bulk = bulk.ok_or_else(unavailable)?;
    match info.field_name() {
        "bulkOperation" => {
            let id = info.arguments().get("id").and_then(|v| v.as_str());
            let found = id.and_then(|id| bulk.find(id));
            Ok(ResolvedValue::nullable_object(found.map(Operation)))
        }
        "currentBulkOperation" => {
            // Only query operations exist here; `type: MUTATION` has none.
            let wants_queries = info
                .arguments()
                .get("type")
                .and_then(|v| v.as_str())
                .is_none_or(|t| t == "QUERY");
            let newest = wants_queries.then(|| bulk.operations().pop()).flatten();
            Ok(ResolvedValue::nullable_object(newest.map(Operation)))
        }
        "bulkOperations" => operations_connection(bulk, info),
        _ => Err(not_implemented(info, "QueryRoot")),
    }
}

/// `bulkOperations(query:, sortKey:, reverse:)`: newest first by default.
fn operations_connection<'a>(bulk: &BulkOperations, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
    let arguments = info.arguments();
    let text = |name: &str| arguments.get(name).and_then(|v| v.as_str());
    let search = text("query").map(SearchQuery::parse);
    let by_completion = text("sortKey") == Some("COMPLETED_AT");
    let entries = bulk
        .operations()
        .into_iter()
        .filter(|op| {
            search
                .as_ref()
                .is_none_or(|s| s.matches(|term| term_matches(op, term)))
        })
        .map(|op| {
            let number = crate::executor::parse_gid(&op.id).map_or(0, |(_, n)| n);
            let at = if by_completion {
                op.completed_at.unwrap_or(i64::MAX)
            } else {
                op.created_at
            };
            // Negated so that the default order is newest first.
            (SortValue::Int(-at), u64::MAX - number, op)
        })
        .collect();
    let args = ConnectionArgs {
        first: arguments.get("first").and_then(|v| v.as_i64()),
        last: arguments.get("last").and_then(|v| v.as_i64()),
        after: text("after").map(str::to_string),
        before: text("before").map(str::to_string),
        reverse: arguments
            .get("reverse")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
    };
    let page = paginate(entries, &args, "bulkOperations").map_err(|e| error(e.to_string()))?;
    Ok(ResolvedValue::object(Connection {
        has_next_page: page.has_next_page,
        has_previous_page: page.has_previous_page,
        items: page.items,
    }))
}

/// `status:running`, `operation_type:query`, `id:…`; unknown fields match everything.
fn term_matches(op: &BulkOperationInfo, term: &crate::search::Term) -> Option<bool> {
    let value = term.value.to_ascii_lowercase();
    let equal = term.comparator == Comparator::Eq;
    match term.field.as_deref()? {
        "status" => Some(equal && op.status.as_graphql().eq_ignore_ascii_case(&value)),
        "operation_type" => Some(equal && value == "query"),
        "id" => {
            Some(equal && (op.id == term.value || op.id.ends_with(&format!("/{}", term.value))))
        }
        _ => None,
    }
}

/// `bulkOperationRunQuery(query:, groupObjects:)`.
pub(crate) fn run_query<'a>(
    bulk: Option<&Arc<BulkOperations>>,
    info: &'a ResolveInfo<'a>,
) -> Resolved<'a> {
    let bulk = bulk.ok_or_else(unavailable)?;
    let arguments = info.arguments();
    let query = arguments
        .get("query")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let group = arguments
        .get("groupObjects")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let payload = match bulk.run_query(query, group) {
        Ok(operation) => Payload::run_query(Some(operation), Vec::new()),
        Err(RunQueryError::Invalid(message)) => Payload::run_query(
            None,
            vec![UserError::coded(Some(vec!["query".into()]), message, "INVALID")],
        ),
        // Wording not confirmed against a live shop; the code and the limit are Shopify's.
        Err(RunQueryError::LimitReached) => Payload::run_query(
            None,
            vec![UserError::coded(
                None,
                format!(
                    "A maximum of {} bulk query operations can run at the same time for this app and shop. Try again when one has finished.",
                    super::MAX_CONCURRENT_QUERY_OPERATIONS
                ),
                "LIMIT_REACHED",
            )],
        ),
    };
    Ok(ResolvedValue::object(payload))
}

/// `bulkOperationCancel(id:)`.
pub(crate) fn cancel<'a>(
    bulk: Option<&Arc<BulkOperations>>,
    info: &'a ResolveInfo<'a>,
) -> Resolved<'a> {
    let bulk = bulk.ok_or_else(unavailable)?;
    let id = info
        .arguments()
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let payload = match bulk.cancel(id) {
        Ok(operation) => Payload::cancel(Some(operation), Vec::new()),
        Err(CancelError::NotFound) => Payload::cancel(
            None,
            vec![UserError::plain(
                vec!["id".into()],
                "Bulk operation does not exist",
            )],
        ),
        Err(CancelError::Finished(status)) => Payload::cancel(
            bulk.find(id),
            vec![UserError::plain(
                vec!["id".into()],
                format!(
                    "A bulk operation cannot be canceled when it is {}",
                    status.as_graphql().to_ascii_lowercase()
                ),
            )],
        ),
    };
    Ok(ResolvedValue::object(payload))
}

struct Operation(BulkOperationInfo);

impl ObjectValue for Operation {
    fn type_name(&self) -> &str {
        "BulkOperation"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        let op = &self.0;
        match info.field_name() {
            "id" => leaf(op.id.as_str()),
            "status" => leaf(op.status.as_graphql()),
            "errorCode" => opt_leaf(op.error_code.map(|c| c.as_graphql())),
            // UnsignedInt64 is a string in JSON.
            "objectCount" => leaf(op.object_count.to_string()),
            "rootObjectCount" => leaf(op.root_object_count.to_string()),
            "fileSize" => opt_leaf(op.file_size.map(|s| s.to_string())),
            "url" => opt_leaf(op.url.as_deref()),
            "partialDataUrl" => opt_leaf(op.partial_data_url.as_deref()),
            "createdAt" => leaf(format_time(op.created_at)),
            "completedAt" => opt_leaf(op.completed_at.map(format_time)),
            "query" => leaf(op.query.as_str()),
            "type" => leaf("QUERY"),
            _ => Err(not_implemented(info, "BulkOperation")),
        }
    }
}

struct UserError {
    type_name: &'static str,
    field: Option<Vec<String>>,
    message: String,
    code: Option<&'static str>,
}

impl UserError {
    fn coded(field: Option<Vec<String>>, message: impl Into<String>, code: &'static str) -> Self {
        UserError {
            type_name: "BulkOperationUserError",
            field,
            message: message.into(),
            code: Some(code),
        }
    }

    /// bulkOperationCancel answers with plain `UserError`s (no code).
    fn plain(field: Vec<String>, message: impl Into<String>) -> Self {
        UserError {
            type_name: "UserError",
            field: Some(field),
            message: message.into(),
            code: None,
        }
    }
}

impl ObjectValue for UserError {
    fn type_name(&self) -> &str {
        self.type_name
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        match info.field_name() {
            "field" => match &self.field {
                Some(path) => Ok(ResolvedValue::list(
                    path.iter().map(|p| ResolvedValue::leaf(p.as_str())),
                )),
                None => Ok(ResolvedValue::null()),
            },
            "message" => leaf(self.message.as_str()),
            "code" => opt_leaf(self.code),
            _ => Err(not_implemented(info, self.type_name)),
        }
    }
}

struct Payload {
    type_name: &'static str,
    operation: Option<BulkOperationInfo>,
    user_errors: Vec<UserError>,
}

impl Payload {
    fn run_query(operation: Option<BulkOperationInfo>, user_errors: Vec<UserError>) -> Self {
        Payload {
            type_name: "BulkOperationRunQueryPayload",
            operation,
            user_errors,
        }
    }

    fn cancel(operation: Option<BulkOperationInfo>, user_errors: Vec<UserError>) -> Self {
        Payload {
            type_name: "BulkOperationCancelPayload",
            operation,
            user_errors,
        }
    }
}

impl ObjectValue for Payload {
    fn type_name(&self) -> &str {
        self.type_name
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        match info.field_name() {
            "bulkOperation" => Ok(ResolvedValue::nullable_object(
                self.operation.clone().map(Operation),
            )),
            "userErrors" => Ok(ResolvedValue::list(self.user_errors.iter().map(|e| {
                ResolvedValue::object(UserError {
                    type_name: e.type_name,
                    field: e.field.clone(),
                    message: e.message.clone(),
                    code: e.code,
                })
            }))),
            _ => Err(not_implemented(info, self.type_name)),
        }
    }
}

/// `BulkOperationConnection` with its edges and page info.
struct Connection {
    items: Vec<(String, BulkOperationInfo)>,
    has_next_page: bool,
    has_previous_page: bool,
}

impl ObjectValue for Connection {
    fn type_name(&self) -> &str {
        "BulkOperationConnection"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        match info.field_name() {
            "nodes" => {
                Ok(ResolvedValue::list(self.items.iter().map(|(_, op)| {
                    ResolvedValue::object(Operation(op.clone()))
                })))
            }
            "edges" => Ok(ResolvedValue::list(self.items.iter().map(
                |(cursor, op)| {
                    ResolvedValue::object(Edge {
                        cursor: cursor.clone(),
                        operation: op.clone(),
                    })
                },
            ))),
            "pageInfo" => Ok(ResolvedValue::object(PageInfo {
                has_next_page: self.has_next_page,
                has_previous_page: self.has_previous_page,
                start_cursor: self.items.first().map(|(c, _)| c.clone()),
                end_cursor: self.items.last().map(|(c, _)| c.clone()),
            })),
            _ => Err(not_implemented(info, "BulkOperationConnection")),
        }
    }
}

struct Edge {
    cursor: String,
    operation: BulkOperationInfo,
}

impl ObjectValue for Edge {
    fn type_name(&self) -> &str {
        "BulkOperationEdge"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        match info.field_name() {
            "cursor" => leaf(self.cursor.as_str()),
            "node" => Ok(ResolvedValue::object(Operation(self.operation.clone()))),
            _ => Err(not_implemented(info, "BulkOperationEdge")),
        }
    }
}

struct PageInfo {
    has_next_page: bool,
    has_previous_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

impl ObjectValue for PageInfo {
    fn type_name(&self) -> &str {
        "PageInfo"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        match info.field_name() {
            "hasNextPage" => leaf(self.has_next_page),
            "hasPreviousPage" => leaf(self.has_previous_page),
            "startCursor" => opt_leaf(self.start_cursor.as_deref()),
            "endCursor" => opt_leaf(self.end_cursor.as_deref()),
            _ => Err(not_implemented(info, "PageInfo")),
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every status and error code the simulator reports is a value of Shopify's enums.
    #[test]
    fn enum_values_exist_in_the_schema() {
        use apollo_compiler::schema::ExtendedType;
        let schema = shopdesk_shopify_schema::schema();
        let values = |name: &str| match schema.types.get(name) {
            Some(ExtendedType::Enum(e)) => {
                e.values.keys().map(|k| k.to_string()).collect::<Vec<_>>()
            }
            _ => panic!("{name} is not an enum"),
        };
        let statuses = values("BulkOperationStatus");
        use super::super::BulkStatus;
        for status in [
            BulkStatus::Created,
            BulkStatus::Running,
            BulkStatus::Completed,
            BulkStatus::Failed,
            BulkStatus::Canceling,
            BulkStatus::Canceled,
            BulkStatus::Expired,
        ] {
            assert!(statuses.contains(&status.as_graphql().to_string()));
        }
        let codes = values("BulkOperationErrorCode");
        for code in [
            super::super::BulkErrorCode::AccessDenied,
            super::super::BulkErrorCode::InternalServerError,
            super::super::BulkErrorCode::Timeout,
        ] {
            assert!(codes.contains(&code.as_graphql().to_string()));
        }
        let user_codes = values("BulkOperationUserErrorCode");
        assert!(user_codes.contains(&"INVALID".to_string()));
        assert!(user_codes.contains(&"LIMIT_REACHED".to_string()));
    }
}
