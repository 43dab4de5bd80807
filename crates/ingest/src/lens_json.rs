//! Reader for the lens_json format (being written).

use crate::{IngestError, Input, Sink};

/// Reads every input of this format into the sink.
pub fn read(inputs: &[&Input], _sink: &mut dyn Sink) -> Result<(), IngestError> {
    match inputs.first() {
        Some(i) => Err(IngestError::Malformed {
            path: i.name.clone(),
            message: "reader not implemented yet".into(),
        }),
        None => Ok(()),
    }
}
