//! Any text as a template and as an expression: compile, list references, and evaluate against a
//! small context. Never a panic; runaway loops stop on the fuel limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let context = serde_json::json!({
        "trigger": { "alertId": "a1", "machineId": "m1", "severity": "High" },
        "steps": { "get_alert": { "severity": "High", "title": "<b>t</b>", "n": 3 } }
    });
    if let Ok(template) = flowguard_model::expr::compile_template(source) {
        let _ = template.references();
        let _ = template.render(&context);
        let _ = template.render_html(&context);
    }
    if let Ok(expression) = flowguard_model::expr::compile_expression(source) {
        let _ = expression.references();
        let _ = expression.eval(&context);
        let _ = expression.eval_bool(&context);
    }
});
