//! Resolvers for `events`, `event`, `eventsCount` and `BasicEvent` (see `crate::events`).

use apollo_compiler::resolvers::ResolveInfo;

use super::{arg_str, error, gid, leaf, null, parse_gid, time_leaf, Obj, Resolved, Resolver};
use crate::events::{event_sort_value, Event, EventFilter};
use crate::model::SchemaEnum;

impl<'s> Resolver<'s> {
    /// Events still retained (older ones are dropped as new ones are recorded, by the
    /// simulated clock: see `Activity`).
    fn retained_events(&self) -> impl Iterator<Item = &'s Event> {
        self.state().events.iter()
    }

    pub(super) fn resolve_events_root<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        match info.field_name() {
            "events" | "eventsCount" => {
                let query = arg_str(info, "query");
                let filter = EventFilter::new(query, self.context.now);
                self.record_search_warnings(info, query, filter.warnings());
                let matching = self.retained_events().filter(|event| filter.matches(event));
                if info.field_name() == "eventsCount" {
                    return self.count(info, matching.count());
                }
                let sort_key = arg_str(info, "sortKey").unwrap_or("ID");
                let mut entries = Vec::new();
                for event in matching {
                    let value = event_sort_value(event, sort_key).ok_or_else(|| {
                        error(format!(
                            "Sort key {sort_key} is not implemented by the Shopdesk simulator"
                        ))
                    })?;
                    entries.push((value, event.legacy_id, Obj::Event(event)));
                }
                self.connection(info, entries)
            }
            // "event"
            _ => {
                let id = arg_str(info, "id").unwrap_or_default();
                let Some((_, number)) = parse_gid(id) else {
                    return Err(error(format!("Invalid global id '{id}'")));
                };
                let found = self
                    .retained_events()
                    .find(|event| event.legacy_id == number);
                self.wrap_opt(found.map(Obj::Event))
            }
        }
    }

    pub(super) fn resolve_event<'a>(
        &'a self,
        info: &'a ResolveInfo<'a>,
        event: &'s Event,
    ) -> Resolved<'a> {
        match info.field_name() {
            "id" => leaf(gid("BasicEvent", event.legacy_id)),
            "action" => leaf(event.action.as_str()),
            "createdAt" => time_leaf(Some(event.created_at)),
            "message" => leaf(event.message.as_str()),
            "subjectId" => leaf(gid(event.subject_type.gid_kind(), event.subject_legacy_id)),
            "subjectType" => leaf(event.subject_type.as_graphql()),
            // The subject of a destroy event no longer exists.
            "subject" | "appTitle" | "author" | "secondaryMessage" | "additionalContent"
            | "additionalData" | "arguments" => null(),
            "attributeToApp" | "criticalAlert" | "hasAdditionalContent" => leaf(false),
            "attributeToUser" => leaf(true),
            _ => Err(self.not_implemented(info)),
        }
    }
}
