//! The flow document, node kinds, validation and dynamic-content expressions. Pure: no I/O, no async runtime, no Tauri.
