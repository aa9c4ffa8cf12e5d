//! A local emulator of the Defender for Endpoint API and an SMTP sink, for demo mode, tests and benchmarks.
