# Audit trail for the hub, loaded by the chart as hub.extraConfig (exec'd inside its jupyterhub_config.py,
# where `c` is the config object).
#
# Every hub log line becomes one JSON object on stdout. GKE's logging agent turns such lines into
# structured entries (jsonPayload) and reads the special fields `severity`, `message`, `time`,
# `httpRequest` and `logging.googleapis.com/sourceLocation`
# (https://cloud.google.com/logging/docs/structured-logging). On top of JupyterHub's own messages, the
# events an organiser audits carry a `jsonPayload.audit.event` field:
#
#   login          a user passed every allow/block check (Authenticator.post_auth_hook only runs then)
#   login-refused  JupyterHub's own "User ... not allowed/blocked" warning, with the user name
#   server-start   a server is about to be spawned (Spawner.pre_spawn_hook), with the chosen profile
#   server-stop    a server has stopped (Spawner.post_stop_hook), whoever or whatever stopped it
#   api-write      any POST/PUT/PATCH/DELETE to the hub's REST API, with the acting user or service;
#                  admin actions (the admin page uses the same API) and the idle culler show up here
#
# Request logs (httpRequest.remoteIp) and the login and api-write events (ip) carry the client's address
# as Google's load balancer saw it, not the one JupyterHub's own message shows (see client_ip).
#
# Nothing here decides who may do what; it only records it. Tokens never reach the log: JupyterHub's
# request logger already scrubs them from URLs, and the hooks log names, not auth state.

import contextvars
import datetime
import ipaddress
import json
import logging
import re

from jupyterhub.log import log_request as _jupyterhub_log_request

# JupyterHub's request log line (jupyterhub/log.py, log_request, 5.5.x):
# "{status} {method} {uri}{location} ({user}@{ip}) {request_time:.2f}ms"
# The user name is whatever the authenticator returned: email claims hold '@', and JupyterHub 5 only
# refuses '/' and surrounding spaces (auth.py, validate_username), so names may also hold '(', ')',
# spaces or more '@'. The ip never holds '@', '(', ')' or spaces (tornado only takes a valid IP), so the
# line is read from both ends: the actor runs from " (" after the URI to the LAST '@'. The URI has no
# spaces (tornado splits the request line on them); a redirect target follows " -> ".
_REQUEST_LINE = re.compile(
    r"(?P<status>\d{3}) (?P<method>\S+) (?P<uri>\S+)(?: -> (?P<location>.*?))?"
    r" \((?P<actor>.*)@(?P<ip>[^@\s()]*)\) (?P<ms>\d+(?:\.\d+)?)ms",
    re.DOTALL,
)
_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Who the client is. JupyterHub logs tornado's request.remote_ip, which the client chooses: with
# xheaders=True (jupyterhub/app.py) tornado takes an X-Real-Ip header over X-Forwarded-For
# (tornado/httpserver.py, _apply_xheaders), and neither Google's load balancer nor the proxy removes
# X-Real-Ip. Without it, remote_ip is the last X-Forwarded-For entry not listed in
# JupyterHub.trusted_downstream_ips, an exact-match list that cannot name Google's front-end ranges.
# So the client is worked out here from the hops the proxies appended, from the right:
#   ... <anything the client sent>, <client>, <load balancer>   appended by Google's front end
#       (https://cloud.google.com/load-balancing/docs/https#x-forwarded-for_header: "<client-ip>,<load-balancer-ip>")
#   ..., <front end>                                            appended by configurable-http-proxy (xfwd),
#       its own peer: a Google front end, from 35.191.0.0/16 or 130.211.0.0/22
#       (https://cloud.google.com/load-balancing/docs/https#firewall_rules), written as ::ffff:a.b.c.d
#       when it listens on all addresses, as in Z2JH (--ip=)
# A request that did not come through a front end (from inside the cluster) ends with the address the
# proxy saw; one straight to the hub carries no X-Forwarded-For, and its socket peer is the client.
# The hub cannot tell the proxy's pod from another pod that calls it directly (user servers reach the hub
# API), so such a caller can still write its own X-Forwarded-For: that moves the address of its own
# requests, never the actor, which comes from authentication.
_GOOGLE_FRONT_ENDS = (ipaddress.ip_network("35.191.0.0/16"), ipaddress.ip_network("130.211.0.0/22"))

# The request JupyterHub's log_request is logging, for the formatter (same thread, same call).
_request_being_logged = contextvars.ContextVar("request_being_logged", default=None)


def _address(text):
    try:
        address = ipaddress.ip_address(str(text).strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def client_ip(peer, forwarded_for):
    """The client's address from the socket peer and the X-Forwarded-For header (see above)."""
    hops = [_address(hop) for hop in forwarded_for.split(",")] if forwarded_for else []
    if not hops or hops[-1] is None:
        peer_address = _address(peer) if peer is not None else None
        return str(peer_address) if peer_address is not None else peer
    last = hops[-1]
    if any(last in network for network in _GOOGLE_FRONT_ENDS) and len(hops) >= 3 and hops[-3] is not None:
        return str(hops[-3])
    return str(last)


def _socket_peer(request):
    # tornado keeps the connection's own address beside the remote_ip it rewrites from headers
    context = getattr(getattr(request, "connection", None), "context", None)
    address = getattr(context, "address", None)
    return address[0] if isinstance(address, tuple) and address else None


def _request_client(request):
    return client_ip(_socket_peer(request), request.headers.get("X-Forwarded-For"))


def _log_request(handler):
    """JupyterHub's own request logger, with the request at hand for the formatter."""
    token = _request_being_logged.set(getattr(handler, "request", None))
    try:
        _jupyterhub_log_request(handler)
    finally:
        _request_being_logged.reset(token)


def _request_fields(record):
    """httpRequest (and, for writes to the REST API, an audit event) from a JupyterHub request-log line."""
    if record.funcName != "log_request":
        return None, None
    match = _REQUEST_LINE.fullmatch(record.getMessage())
    if match is None:
        return None, None
    request = _request_being_logged.get()
    ip = match["ip"] if request is None else _request_client(request)
    http = {
        "requestMethod": match["method"],
        "requestUrl": match["uri"],
        "status": int(match["status"]),
        "remoteIp": ip,
        "latency": "%.3fs" % (float(match["ms"]) / 1000),
    }
    audit = None
    if match["method"] in _WRITE_METHODS and "/hub/api/" in match["uri"]:
        audit = {
            "event": "api-write",
            "actor": match["actor"] or None,
            "method": match["method"],
            "path": match["uri"],
            "status": int(match["status"]),
            "ip": ip,
        }
    return http, audit


def _refused_login(record):
    # Authenticator.get_authenticated_user warns "User %r not allowed." / "User %r blocked. ..."
    if record.funcName == "get_authenticated_user" and record.levelno >= logging.WARNING and record.args:
        return {"event": "login-refused", "user": str(record.args[0])}
    return None


class CloudLoggingJsonFormatter(logging.Formatter):
    """One JSON object per record, in the shape Cloud Logging reads as a structured entry."""

    def format(self, record):
        message = record.getMessage()
        if record.exc_info:
            message = message + "\n" + self.formatException(record.exc_info)
        entry = {
            "severity": record.levelname,
            "message": message,
            "time": datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc).isoformat(),
            "logger": record.name,
            "logging.googleapis.com/sourceLocation": {
                "file": record.pathname,
                "line": str(record.lineno),
                "function": record.funcName,
            },
        }
        http, api_audit = _request_fields(record)
        if http is not None:
            entry["httpRequest"] = http
        audit = getattr(record, "audit", None) or api_audit or _refused_login(record)
        if audit is not None:
            entry["audit"] = audit
        return json.dumps(entry, default=str)


def _log_audit(log, event, **fields):
    """A human-readable line (useful even without JSON) carrying the structured event."""
    text = " ".join("%s=%s" % (key, value) for key, value in fields.items())
    log.info("audit %s %s", event, text, extra={"audit": {"event": event, **fields}})


def _remote_ip(handler):
    request = getattr(handler, "request", None)
    return None if request is None else _request_client(request)


def audit_login(authenticator, handler, authentication):
    _log_audit(
        authenticator.log,
        "login",
        user=authentication.get("name"),
        admin=bool(authentication.get("admin")),
        groups=sorted(authentication.get("groups") or []),
        ip=_remote_ip(handler),
    )
    return authentication


def audit_server_start(spawner):
    _log_audit(
        spawner.log,
        "server-start",
        user=spawner.user.name,
        server=spawner.name or "",
        profile=(spawner.user_options or {}).get("profile"),
    )


def audit_server_stop(spawner):
    _log_audit(spawner.log, "server-stop", user=spawner.user.name, server=spawner.name or "")


c.Authenticator.post_auth_hook = audit_login  # noqa: F821 (`c` is the chart's config object)
c.Spawner.pre_spawn_hook = audit_server_start  # noqa: F821
c.Spawner.post_stop_hook = audit_server_stop  # noqa: F821

# traitlets merges Application.logging_config into its default dictConfig (handler "console" on the
# "JupyterHub" logger, which JupyterHub also makes the parent of tornado's loggers): swap that handler's
# formatter for the JSON one, and write to stdout so a line is never mistaken for an error by its stream.
# JupyterHub builds its tornado settings with log_function=log_request and then applies
# JupyterHub.tornado_settings over them (jupyterhub/app.py, init_tornado_settings). Z2JH's
# jupyterhub_config.py has already set tornado_settings (slow_spawn_timeout) when this runs: keep it.
_tornado_settings = c.JupyterHub.get("tornado_settings")  # noqa: F821
c.JupyterHub.tornado_settings = {  # noqa: F821
    **(_tornado_settings if isinstance(_tornado_settings, dict) else {}),
    "log_function": _log_request,
}

c.JupyterHub.logging_config = {  # noqa: F821
    "formatters": {"cloud_logging_json": {"()": CloudLoggingJsonFormatter}},
    "handlers": {"console": {"formatter": "cloud_logging_json", "stream": "ext://sys.stdout"}},
}
