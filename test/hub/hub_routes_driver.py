"""Says which of a real JupyterHub's handlers each request path reaches, so test/edge/cloudArmor.test.ts
can check the Cloud Armor rules' path scoping against the hub's own routing. JSON in on stdin (a list of
paths), JSON out on stdout: {path: {"handler": class name or null, "api": whether it is one of the hub's REST
API handlers, i.e. defined in jupyterhub.apihandlers (the OAuth provider's authorize page included)}}.

What is real and what is not:
- Real: JupyterHub's handler table, built by JupyterHub.init_handlers (every default page and API route
  under the hub prefix, the authenticator's routes, the catch-alls), and tornado's routing, which matches
  the raw, undecoded request path (tornado.routing.PathMatches).
- Rebuilt here, because OAuthenticator is not installed on this machine: the routes OAuthenticator 17.4.0
  adds (oauthenticator/oauth2.py `OAuthenticator.get_handlers`: /oauth_login, /oauth_callback, /logout),
  given to the hub through the same Authenticator.get_handlers hook, with stand-in handler classes named
  like the real ones.
"""

import json
import sys

from tornado import web
from tornado.httputil import HTTPServerRequest

from jupyterhub.app import JupyterHub
from jupyterhub.auth import Authenticator
from jupyterhub.handlers.base import BaseHandler


class OAuthLoginHandler(BaseHandler):
    pass


class OAuthCallbackHandler(BaseHandler):
    pass


class OAuthLogoutHandler(BaseHandler):
    pass


class OAuthLikeAuthenticator(Authenticator):
    def get_handlers(self, app):
        return [
            (r"/oauth_login", OAuthLoginHandler),
            (r"/oauth_callback", OAuthCallbackHandler),
            (r"/logout", OAuthLogoutHandler),
        ]


def main():
    paths = json.load(sys.stdin)
    hub = JupyterHub()
    hub.authenticator = OAuthLikeAuthenticator()
    hub.init_handlers()
    app = web.Application(hub.handlers)
    result = {}
    for path in paths:
        request = HTTPServerRequest(method="GET", uri=path)
        target = None
        for rule in app.wildcard_router.rules:
            if rule.matcher.match(request) is not None:
                target = rule.target
                break
        result[path] = {
            "handler": getattr(target, "__name__", None),
            "api": getattr(target, "__module__", "").startswith("jupyterhub.apihandlers"),
        }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
