//! The types the desktop app exchanges with its UI, and the generator of their TypeScript bindings.
