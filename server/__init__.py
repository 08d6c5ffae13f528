"""Denkna's aiohttp server: API, auth, storage, alerts, cases, dashboard, CLI."""
