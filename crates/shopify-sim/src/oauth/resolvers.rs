//! `currentAppInstallation { accessScopes { handle description } app { ... } }`: the scopes
//! of the app the request's token belongs to.

use apollo_compiler::resolvers::{FieldError, ObjectValue, ResolveInfo, ResolvedValue};
use apollo_compiler::response::JsonValue;

use super::Installation;

type Resolved<'a> = Result<ResolvedValue<'a>, FieldError>;

fn leaf<'a>(value: impl Into<serde_json::Value>) -> Resolved<'a> {
    Ok(ResolvedValue::Leaf(JsonValue::from(value.into())))
}

fn not_implemented(info: &ResolveInfo<'_>, type_name: &str) -> FieldError {
    FieldError {
        message: format!(
            "Field '{}' on '{type_name}' is not implemented by the Shopdesk simulator",
            info.field_name()
        ),
    }
}

/// QueryRoot.currentAppInstallation.
pub(crate) fn current_app_installation<'a>(app: Option<&'a Installation>) -> Resolved<'a> {
    match app {
        Some(installation) => Ok(ResolvedValue::object(AppInstallation(installation))),
        None => Err(FieldError {
            message: "currentAppInstallation needs the request's app".into(),
        }),
    }
}

struct AppInstallation<'a>(&'a Installation);
struct App<'a>(&'a Installation);
struct AccessScope<'a>(&'a str);

impl ObjectValue for AppInstallation<'_> {
    fn type_name(&self) -> &str {
        "AppInstallation"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        match info.field_name() {
            "id" => leaf("gid://shopify/AppInstallation/1"),
            "accessScopes" => Ok(ResolvedValue::list(
                self.0
                    .app
                    .scopes
                    .iter()
                    .map(|scope| ResolvedValue::object(AccessScope(scope))),
            )),
            "app" => Ok(ResolvedValue::object(App(self.0))),
            _ => Err(not_implemented(info, "AppInstallation")),
        }
    }
}

impl ObjectValue for App<'_> {
    fn type_name(&self) -> &str {
        "App"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        let app = &self.0.app;
        match info.field_name() {
            "id" => leaf("gid://shopify/App/1"),
            "title" => leaf(app.title.as_str()),
            "apiKey" => leaf(app.client_id.as_str()),
            "handle" => leaf(app.title.to_lowercase().replace(' ', "-")),
            _ => Err(not_implemented(info, "App")),
        }
    }
}

impl ObjectValue for AccessScope<'_> {
    fn type_name(&self) -> &str {
        "AccessScope"
    }

    fn resolve_field<'a>(&'a self, info: &'a ResolveInfo<'a>) -> Resolved<'a> {
        match info.field_name() {
            "handle" => leaf(self.0),
            "description" => leaf(format!("Access scope {}", self.0)),
            _ => Err(not_implemented(info, "AccessScope")),
        }
    }
}
