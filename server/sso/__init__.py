"""Single sign-on with the school account (OpenID Connect) for the dashboard and the
extension: oidc.py (the protocol), store.py (a school's set-up), accounts.py (claims to a
user), tokens.py (the extension's rotating tokens), routes.py (pages and API), setup.py."""
