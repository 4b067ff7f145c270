//! Faults armed for mutation requests only (queries pass untouched), so a client's retry logic
//! can be tested on the calls that change the shop.

use std::collections::VecDeque;
use std::sync::Mutex;

use apollo_compiler::ast::{Definition, Document, OperationType};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::Fault;

#[derive(Default)]
pub(super) struct MutationFaults {
    /// Entry i is for the (i+1)-th next mutation request; `None` lets it through.
    queue: Mutex<VecDeque<Option<Fault>>>,
    random: Mutex<Option<(ChaCha8Rng, f64, Vec<Fault>)>>,
}

impl MutationFaults {
    pub fn arm(&self, nth: usize, fault: Fault) {
        if let Ok(mut queue) = self.queue.lock() {
            let index = nth.saturating_sub(1);
            while queue.len() <= index {
                queue.push_back(None);
            }
            queue[index] = Some(fault);
        }
    }

    pub fn set_random(&self, seed: u64, probability: f64, choices: Vec<Fault>) {
        if let Ok(mut random) = self.random.lock() {
            *random = Some((
                ChaCha8Rng::seed_from_u64(seed),
                probability.clamp(0.0, 1.0),
                choices,
            ));
        }
    }

    pub fn clear(&self) {
        if let Ok(mut queue) = self.queue.lock() {
            queue.clear();
        }
        if let Ok(mut random) = self.random.lock() {
            *random = None;
        }
    }

    pub fn armed(&self) -> bool {
        self.queue.lock().is_ok_and(|q| !q.is_empty())
            || self.random.lock().is_ok_and(|r| r.is_some())
    }

    /// The fault for this mutation request, if any (consumes one queue entry).
    pub fn next(&self) -> Option<Fault> {
        if let Some(entry) = self.queue.lock().ok().and_then(|mut q| q.pop_front()) {
            return entry;
        }
        let mut random = self.random.lock().ok()?;
        let (rng, probability, choices) = random.as_mut()?;
        if choices.is_empty() || !rng.random_bool(*probability) {
            return None;
        }
        let index = rng.random_range(0..choices.len());
        Some(choices[index].clone())
    }
}

/// Whether a GraphQL request body asks for a mutation (a JSON body with `query` and maybe
/// `operationName`, or an `application/graphql` document).
pub(super) fn is_mutation_request(body: &[u8]) -> bool {
    let (query, operation_name) = match serde_json::from_slice::<Value>(body) {
        Ok(json) => (
            json.get("query")
                .and_then(Value::as_str)
                .map(str::to_string),
            json.get("operationName")
                .and_then(Value::as_str)
                .map(str::to_string),
        ),
        Err(_) => (String::from_utf8(body.to_vec()).ok(), None),
    };
    let Some(query) = query else {
        return false;
    };
    let Ok(document) = Document::parse(query, "request.graphql") else {
        return false;
    };
    document
        .definitions
        .iter()
        .any(|definition| match definition {
            Definition::OperationDefinition(operation) => {
                operation.operation_type == OperationType::Mutation
                    && match &operation_name {
                        Some(name) => operation.name.as_deref() == Some(name.as_str()),
                        None => true,
                    }
            }
            _ => false,
        })
}
