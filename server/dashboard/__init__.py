"""The leadership dashboard (aiohttp-jinja2, Dutch, under /dashboard)."""
