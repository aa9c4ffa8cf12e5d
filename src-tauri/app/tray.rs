//! The tray icon, and closing the window to it: with "Keep running in the tray" on, closing the
//! window hides it and the engine keeps polling and firing schedules; the tray menu shows the
//! window again or quits.

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Window, WindowEvent};

use crate::settings::CLOSE_TO_TRAY_SETTING;
use crate::state::AppState;

/// Shows, unminimizes and focuses the main window.
pub fn show_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// Adds the tray icon with its menu.
pub fn install(app: &AppHandle) -> tauri::Result<()> {
    let show = MenuItem::with_id(app, "show", "Show Flowguard", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit Flowguard", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &quit])?;
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip("Flowguard")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id().as_ref() {
            "show" => show_main_window(app),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_main_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// Closing the main window hides it when the user chose to keep running in the tray.
pub fn on_window_event(window: &Window, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event
        && window.label() == "main"
    {
        let state = window.state::<AppState>();
        let keep = state
            .store
            .get_setting(CLOSE_TO_TRAY_SETTING)
            .ok()
            .flatten()
            .and_then(|value| value.as_bool())
            .unwrap_or(false);
        if keep {
            api.prevent_close();
            let _ = window.hide();
            tracing::info!("the window is hidden; the engine keeps running in the tray");
        }
    }
}
