//! Reads a GraphQL document far enough to know what it is and what it will cost, before
//! sending it: whether the operation is a mutation (never retried blindly) and its requested
//! cost by Shopify's published rules (API-NOTES §4), so the pacer can wait for the points
//! even before Shopify has priced this operation once.
//!
//! Rules: scalar/enum 0, object 1, connection 2 + first × node, mutation field 10. A field
//! with `first`/`last` and no `nodes`/`edges` is a plain list (`fulfillments(first: 5)`); it is
//! priced like a connection (2 + first × element), the conservative reading. Shopify's own
//! figure, once an answer reports it, replaces the estimate (see `pacing`).

use std::collections::HashMap;

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Query,
    Mutation,
    Subscription,
}

/// What the pacer and the retry policy need to know about a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInfo {
    pub kind: OperationKind,
    /// Requested cost by the rules above; `None` if the document could not be read.
    pub requested_cost: Option<u64>,
}

/// Reads `document` (the operation named `operation`, else the first) with `variables`.
pub fn document_info(document: &str, operation: Option<&str>, variables: &Value) -> DocumentInfo {
    let parsed = Parser::new(document).document();
    let chosen = parsed.as_ref().and_then(|doc| {
        doc.operations
            .iter()
            .find(|op| operation.is_none() || op.name.as_deref() == operation)
    });
    let Some((doc, op)) = parsed.as_ref().zip(chosen) else {
        // Unreadable: assume the worst for retries (a mutation), nothing for cost.
        let kind = if document.contains("mutation") {
            OperationKind::Mutation
        } else {
            OperationKind::Query
        };
        return DocumentInfo {
            kind,
            requested_cost: None,
        };
    };
    let pricer = Pricer { doc, variables };
    let requested_cost = match op.kind {
        OperationKind::Mutation => {
            let fields = op
                .selection
                .iter()
                .filter(|s| matches!(s, Selection::Field(f) if !f.name.starts_with("__")))
                .count();
            10 * fields as u64
        }
        _ => pricer.set(&op.selection, 0),
    };
    DocumentInfo {
        kind: op.kind,
        requested_cost: Some(requested_cost),
    }
}

#[derive(Debug)]
struct Document {
    operations: Vec<Operation>,
    fragments: HashMap<String, Vec<Selection>>,
}

#[derive(Debug)]
struct Operation {
    kind: OperationKind,
    name: Option<String>,
    selection: Vec<Selection>,
}

#[derive(Debug)]
enum Selection {
    Field(Field),
    Spread(String),
    Inline(Vec<Selection>),
}

#[derive(Debug)]
struct Field {
    name: String,
    /// `first`, `last` or `ids` as written (an integer, `$variable`, or a list's length).
    size: Option<Size>,
    selection: Option<Vec<Selection>>,
}

#[derive(Debug)]
enum Size {
    Literal(u64),
    Variable(String),
}

struct Pricer<'a> {
    doc: &'a Document,
    variables: &'a Value,
}

/// Fragments nested deeper than this are a cycle (invalid GraphQL): stop counting.
const MAX_DEPTH: usize = 32;

impl Pricer<'_> {
    fn set(&self, selection: &[Selection], depth: usize) -> u64 {
        if depth > MAX_DEPTH {
            return 0;
        }
        selection
            .iter()
            .map(|s| match s {
                Selection::Field(field) => self.field(field, depth),
                Selection::Inline(inner) => self.set(inner, depth + 1),
                Selection::Spread(name) => self
                    .doc
                    .fragments
                    .get(name)
                    .map_or(0, |inner| self.set(inner, depth + 1)),
            })
            .sum()
    }

    fn field(&self, field: &Field, depth: usize) -> u64 {
        let Some(children) = &field.selection else {
            return 0; // scalar or enum
        };
        let Some(size) = &field.size else {
            return 1 + self.set(children, depth + 1);
        };
        let size = self.size(size);
        let node = self.node_cost(children, depth + 1);
        let element = node.unwrap_or_else(|| 1 + self.set(children, depth + 1));
        2 + size * element
    }

    /// A connection's node cost (`nodes { … }` or `edges { node { … } }`); `None` if the
    /// selection is not a connection's.
    fn node_cost(&self, children: &[Selection], depth: usize) -> Option<u64> {
        let mut cost = None;
        for child in flatten(self.doc, children) {
            match child.name.as_str() {
                "nodes" => {
                    let inner = child.selection.as_deref().unwrap_or_default();
                    cost = Some(cost.unwrap_or(0).max(1 + self.set(inner, depth + 1)));
                }
                "edges" => {
                    let edge = child.selection.as_deref().unwrap_or_default();
                    for node in flatten(self.doc, edge).filter(|f| f.name == "node") {
                        let inner = node.selection.as_deref().unwrap_or_default();
                        cost = Some(cost.unwrap_or(0).max(1 + self.set(inner, depth + 1)));
                    }
                }
                _ => {}
            }
        }
        cost
    }

    fn size(&self, size: &Size) -> u64 {
        match size {
            Size::Literal(n) => *n,
            // Unknown: Shopify's largest page, so the estimate stays on the safe side.
            Size::Variable(name) => match self.variables.get(name) {
                Some(Value::Number(n)) => n.as_u64().unwrap_or(250),
                Some(Value::Array(items)) => items.len() as u64,
                _ => 250,
            },
        }
    }
}

/// The fields of a selection, with fragments and inline fragments expanded one level.
fn flatten<'a>(doc: &'a Document, selection: &'a [Selection]) -> impl Iterator<Item = &'a Field> {
    selection.iter().flat_map(move |s| -> Vec<&'a Field> {
        match s {
            Selection::Field(field) => vec![field],
            Selection::Inline(inner) => flatten(doc, inner).collect(),
            Selection::Spread(name) => doc
                .fragments
                .get(name)
                .map(|inner| flatten(doc, inner).collect())
                .unwrap_or_default(),
        }
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Int(u64),
    /// Any other value literal (float, string): only skipped.
    Other,
    Punct(char),
    Spread,
}

struct Parser {
    tokens: Vec<Token>,
    position: usize,
}

impl Parser {
    fn new(text: &str) -> Self {
        Parser {
            tokens: tokenize(text),
            position: 0,
        }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        self.position += 1;
        token
    }

    fn eat(&mut self, punct: char) -> bool {
        if self.peek() == Some(&Token::Punct(punct)) {
            self.position += 1;
            true
        } else {
            false
        }
    }

    fn document(&mut self) -> Option<Document> {
        let mut doc = Document {
            operations: Vec::new(),
            fragments: HashMap::new(),
        };
        while let Some(token) = self.peek().cloned() {
            match token {
                Token::Punct('{') => {
                    let selection = self.selection_set()?;
                    doc.operations.push(Operation {
                        kind: OperationKind::Query,
                        name: None,
                        selection,
                    });
                }
                Token::Name(keyword) if keyword == "fragment" => {
                    self.next();
                    let Some(Token::Name(name)) = self.next() else {
                        return None;
                    };
                    // `on Type` and directives, up to the selection set.
                    self.skip_until_brace()?;
                    doc.fragments.insert(name, self.selection_set()?);
                }
                Token::Name(keyword) => {
                    let kind = match keyword.as_str() {
                        "query" => OperationKind::Query,
                        "mutation" => OperationKind::Mutation,
                        "subscription" => OperationKind::Subscription,
                        _ => return None,
                    };
                    self.next();
                    let name = match self.peek() {
                        Some(Token::Name(name)) => Some(name.clone()),
                        _ => None,
                    };
                    if name.is_some() {
                        self.next();
                    }
                    self.skip_until_brace()?;
                    let selection = self.selection_set()?;
                    doc.operations.push(Operation {
                        kind,
                        name,
                        selection,
                    });
                }
                _ => return None,
            }
        }
        Some(doc)
    }

    /// Skips variable definitions, type conditions and directives (balanced parentheses).
    fn skip_until_brace(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                Token::Punct('{') if depth == 0 => return Some(()),
                Token::Punct('(') | Token::Punct('[') => depth += 1,
                Token::Punct(')') | Token::Punct(']') => depth = depth.checked_sub(1)?,
                _ => {}
            }
            self.next();
        }
    }

    fn selection_set(&mut self) -> Option<Vec<Selection>> {
        if !self.eat('{') {
            return None;
        }
        let mut selection = Vec::new();
        while !self.eat('}') {
            match self.next()? {
                Token::Spread => match self.peek()? {
                    Token::Name(name) if name != "on" => {
                        let name = name.clone();
                        self.next();
                        self.skip_directives();
                        selection.push(Selection::Spread(name));
                    }
                    _ => {
                        self.skip_until_brace()?;
                        selection.push(Selection::Inline(self.selection_set()?));
                    }
                },
                Token::Name(first) => {
                    // `alias: name`
                    let name = if self.eat(':') {
                        match self.next()? {
                            Token::Name(name) => name,
                            _ => return None,
                        }
                    } else {
                        first
                    };
                    let size = if self.peek() == Some(&Token::Punct('(')) {
                        self.arguments()?
                    } else {
                        None
                    };
                    self.skip_directives();
                    let children = if self.peek() == Some(&Token::Punct('{')) {
                        Some(self.selection_set()?)
                    } else {
                        None
                    };
                    selection.push(Selection::Field(Field {
                        name,
                        size,
                        selection: children,
                    }));
                }
                _ => return None,
            }
        }
        Some(selection)
    }

    fn skip_directives(&mut self) {
        while self.eat('@') {
            self.next();
            if self.peek() == Some(&Token::Punct('(')) {
                let _ = self.arguments();
            }
        }
    }

    /// Reads `( … )`, returning the page size argument if there is one.
    fn arguments(&mut self) -> Option<Option<Size>> {
        self.eat('(');
        let mut size = None;
        while !self.eat(')') {
            let Token::Name(argument) = self.next()? else {
                return None;
            };
            if !self.eat(':') {
                return None;
            }
            let sized = matches!(argument.as_str(), "first" | "last" | "ids");
            match self.next()? {
                Token::Int(n) if sized => size = Some(Size::Literal(n)),
                Token::Punct('$') => {
                    let Token::Name(variable) = self.next()? else {
                        return None;
                    };
                    if sized {
                        size = Some(Size::Variable(variable));
                    }
                }
                Token::Punct(open @ ('[' | '{')) => {
                    let items = self.skip_value(open)?;
                    if sized && open == '[' {
                        size = Some(Size::Literal(items));
                    }
                }
                _ => {}
            }
        }
        Some(size)
    }

    /// Skips a list or object value whose opening bracket was read; returns the number of
    /// top-level items.
    fn skip_value(&mut self, open: char) -> Option<u64> {
        let close = if open == '[' { ']' } else { '}' };
        let mut depth = 1usize;
        let mut items = 0;
        while depth > 0 {
            let token = self.next()?;
            if depth == 1 && !matches!(token, Token::Punct(c) if c == close || c == ':') {
                items += 1;
            }
            match token {
                Token::Punct('[') | Token::Punct('{') => depth += 1,
                Token::Punct(']') | Token::Punct('}') => depth -= 1,
                _ => {}
            }
        }
        Some(items)
    }
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            c if c.is_whitespace() || c == ',' || c == '\u{feff}' => i += 1,
            '.' if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') => {
                tokens.push(Token::Spread);
                i += 3;
            }
            '"' => {
                let block = chars.get(i + 1) == Some(&'"') && chars.get(i + 2) == Some(&'"');
                i += if block { 3 } else { 1 };
                while i < chars.len() {
                    if block && chars[i..].starts_with(&['"', '"', '"']) {
                        i += 3;
                        break;
                    }
                    if !block && chars[i] == '\\' {
                        i += 2;
                        continue;
                    }
                    if !block && chars[i] == '"' {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                tokens.push(Token::Other);
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                tokens.push(Token::Name(chars[start..i].iter().collect()));
            }
            c if c.is_ascii_digit() || c == '-' => {
                let start = i;
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | '+' | '-'))
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                tokens.push(text.parse().map_or(Token::Other, Token::Int));
            }
            other => {
                tokens.push(Token::Punct(other));
                i += 1;
            }
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cost(document: &str, variables: Value) -> Option<u64> {
        document_info(document, None, &variables).requested_cost
    }

    #[test]
    fn shopify_cost_rules() {
        assert_eq!(cost("{ shop { name } }", Value::Null), Some(1));
        assert_eq!(
            cost(
                "{ orders(first: 10) { edges { cursor node { id } } pageInfo { hasNextPage } } }",
                Value::Null
            ),
            Some(12)
        );
        assert_eq!(
            cost(
                "query Q($n: Int) { orders(first: $n) { nodes { id lineItems(first: 5) { nodes { id } } } } }",
                json!({"n": 10})
            ),
            Some(2 + 10 * (1 + 2 + 5))
        );
        // A plain list is priced like a connection: 2 + 3 x (1 + 2 + 2 x 1).
        assert_eq!(
            cost(
                "{ order(id: \"gid://shopify/Order/1\") { fulfillments(first: 3) { trackingInfo(first: 2) { number } } } }",
                Value::Null
            ),
            Some(1 + 2 + 3 * (1 + 2 + 2))
        );
        assert_eq!(
            cost(
                "query { ...F } fragment F on QueryRoot { shop { name plan { displayName } } }",
                Value::Null
            ),
            Some(2)
        );
    }

    #[test]
    fn mutations_are_recognised_and_priced_per_field() {
        let info = document_info(
            "# a comment mentioning query\nmutation Tag($id: ID!) { tagsAdd(id: $id, tags: [\"a\", \"b\"]) { userErrors { message } } }",
            None,
            &Value::Null,
        );
        assert_eq!(info.kind, OperationKind::Mutation);
        assert_eq!(info.requested_cost, Some(10));
        let query = document_info(
            "fragment F on Shop { name } query S { shop { ...F } }",
            Some("S"),
            &Value::Null,
        );
        assert_eq!(query.kind, OperationKind::Query);
        assert_eq!(query.requested_cost, Some(1));
    }

    #[test]
    fn unknown_page_sizes_are_assumed_large_and_bad_documents_unpriced() {
        assert_eq!(
            cost(
                "query Q($n: Int) { customers(first: $n) { nodes { id } } }",
                Value::Null
            ),
            Some(2 + 250)
        );
        assert_eq!(cost("{ shop { name }", Value::Null), None);
        assert_eq!(
            document_info("mutation {", None, &Value::Null).kind,
            OperationKind::Mutation
        );
    }
}
