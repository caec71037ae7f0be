"""Starts a real JupyterHub on a SQLite file in the current directory with the roles and admin settings
of the chart values, lets some people log in, and prints who holds which scopes. Used by
test/hub/hubRoles.test.ts; JSON in on stdin, JSON out on stdout. Several runs in the same directory are
several starts of the same hub, as after a `helm upgrade`.

Input: {"loadRoles": <values.hub.loadRoles or null>,
        "authenticator": {"admin_users": [...], "admin_groups": [...], "allowed_groups": [...]},
        "logins": [{"name": ..., "groups": [...]}, ...]}

What is real and what is not:
- Real: JupyterHub's start-up (JupyterHub.initialize: role creation and assignment, including the admin
  flag sync), its login bookkeeping (BaseHandler.auth_to_user: admin flag, default roles, managed groups),
  its scope table and its scope expansion.
- Rebuilt here, because neither runs on this machine: the chart turning `hub.loadRoles` into
  `c.JupyterHub.load_roles` (Z2JH 4.4.0 files/hub/jupyterhub_config.py: each key is the role's name unless
  it sets one), and the auth model OAuthenticator 17.4.0 hands to auth_to_user (oauthenticator/oauth2.py:
  `admin` is True for `admin_users` and None otherwise; with `admin_groups` set it becomes whether the
  user is in one of them, `_apply_managed_groups`; `check_allowed` lets in admins and members of
  `allowed_groups`).
"""

import asyncio
import json
import logging
import os
import sys
from unittest import mock

from tornado.httputil import HTTPServerRequest
from traitlets.config import Config

import jupyterhub
from jupyterhub import orm, roles
from jupyterhub.app import JupyterHub
from jupyterhub.auth import Authenticator
from jupyterhub.handlers.base import BaseHandler
from jupyterhub.scopes import scope_definitions


def chart_load_roles(load_roles):
    """hub.loadRoles (a dict) as Z2JH's jupyterhub_config.py hands it to JupyterHub (a list)."""
    result = []
    for key, role in (load_roles or {}).items():
        role = dict(role)
        role.setdefault("name", key)
        result.append(role)
    return result


def oauthenticator_model(name, groups, settings):
    """The auth model OAuthenticator 17.4.0 returns for a user with these groups, or None if refused."""
    admin = True if name in settings["admin_users"] else None
    if settings["admin_groups"] and not admin:
        admin = bool(set(groups) & set(settings["admin_groups"]))
    allowed = admin or bool(set(groups) & set(settings["allowed_groups"]))
    return {"name": name, "admin": admin, "groups": sorted(groups)} if allowed else None


def unknown_scopes(load_roles):
    """Scope names in the roles that JupyterHub does not define (filters like !group=x stripped)."""
    names = {s.split("!", 1)[0] for role in (load_roles or {}).values() for s in role.get("scopes", [])}
    return sorted(names - set(scope_definitions))


async def main(spec):
    settings = spec["authenticator"]
    config = Config()
    config.JupyterHub.db_url = "sqlite:///" + os.path.abspath("jupyterhub.sqlite")
    config.JupyterHub.authenticator_class = Authenticator
    config.JupyterHub.log_level = logging.WARNING
    config.JupyterHub.load_roles = chart_load_roles(spec["loadRoles"])
    config.Authenticator.manage_groups = True
    config.Authenticator.admin_users = set(settings["admin_users"])
    app = JupyterHub(config=config)
    await app.initialize([])

    request = HTTPServerRequest(method="GET", uri=app.hub.base_url, connection=mock.Mock())
    handler = BaseHandler(app.tornado_application, request)
    refused = []
    for login in spec["logins"]:
        model = oauthenticator_model(login["name"], login["groups"], settings)
        if model is None:
            refused.append(login["name"])
        else:
            await handler.auth_to_user(model)
    app.db.commit()

    users = {}
    for user in app.db.query(orm.User).order_by(orm.User.name):
        scopes = roles.roles_to_expanded_scopes(roles.get_roles_for(user), user)
        users[user.name] = {
            "admin": bool(user.admin),
            "roles": sorted(r.name for r in user.roles),
            "groups": sorted(g.name for g in user.groups),
            "scopes": sorted(scopes),
        }
    return {
        "jupyterhub": jupyterhub.__version__,
        "unknownScopes": unknown_scopes(spec["loadRoles"]),
        "refused": refused,
        "users": users,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.load(sys.stdin)))))
