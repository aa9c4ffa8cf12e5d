//! The Flowguard desktop app's entry point; everything happens in the library crate.

// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    flowguard_app_lib::run();
}
