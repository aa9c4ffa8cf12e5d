//! A client for the Microsoft Defender for Endpoint REST API: OAuth2 client credentials, typed entities, rate limits, retries.
