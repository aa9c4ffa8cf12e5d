//! Any bytes through parse → validate → canonical export → parse again: never a panic, and an
//! exported document always parses back to the same canonical text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((flow, _diagnostics)) = flowguard_model::parse_and_validate(data) {
        let exported = flow.to_canonical_json();
        let again = flowguard_model::parse_flow(exported.as_bytes()).expect("an export parses");
        assert_eq!(again.to_canonical_json(), exported);
        for node in flowguard_model::graph::node_ids(&flow) {
            let _ = flowguard_model::available_outputs(&flow, node);
        }
    }
});
