"""The school's own Denkna: its protocol's name and articles (cited in every reason), its
consent list (passed into scoring as data) and the "klopt niet" counts of the extension's
warnings. `setup(app)` adds the state and the API route; the dashboard pages live with the
dashboard (server/dashboard/settings/protocol_page.py, consent_page.py, warnings_page.py)."""
