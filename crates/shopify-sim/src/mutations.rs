//! The Mutation root: one arm per mutation the simulator implements. Add new mutations here
//! (their resolvers in their own module); any other field answers "not implemented".

use std::sync::Arc;

use apollo_compiler::resolvers::{FieldError, ResolveInfo, ResolvedValue};

use crate::bulk::{resolvers as bulk, BulkOperations};

/// What mutations may act on besides the read-only store.
pub(crate) struct MutationContext<'s> {
    pub bulk: Option<&'s Arc<BulkOperations>>,
}

pub(crate) fn resolve<'a>(
    context: &MutationContext<'_>,
    info: &'a ResolveInfo<'a>,
) -> Result<ResolvedValue<'a>, FieldError> {
    match info.field_name() {
        "bulkOperationRunQuery" => bulk::run_query(context.bulk, info),
        "bulkOperationCancel" => bulk::cancel(context.bulk, info),
        name => Err(FieldError {
            message: format!(
                "Field '{name}' on 'Mutation' is not implemented by the Shopdesk simulator"
            ),
        }),
    }
}
