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
# Nothing here decides who may do what; it only records it. Tokens never reach the log: JupyterHub's
# request logger already scrubs them from URLs, and the hooks log names, not auth state.

import datetime
import json
import logging
import re

# JupyterHub's request log (jupyterhub/log.py, log_request):
# "{status} {method} {uri}{location} ({user}@{ip}) {request_time:.2f}ms"
_REQUEST_LINE = re.compile(
    r"^(?P<status>\d{3}) (?P<method>[A-Z]+) (?P<uri>\S+)(?: -> \S+)? "
    r"\((?P<actor>[^@()]*)@(?P<ip>[^()]*)\) (?P<ms>[0-9.]+)ms$"
)
_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _request_fields(record):
    """httpRequest (and, for writes to the REST API, an audit event) from a JupyterHub request-log line."""
    if record.funcName != "log_request":
        return None, None
    match = _REQUEST_LINE.match(record.getMessage())
    if match is None:
        return None, None
    http = {
        "requestMethod": match["method"],
        "requestUrl": match["uri"],
        "status": int(match["status"]),
        "remoteIp": match["ip"],
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
    return getattr(request, "remote_ip", None)


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
c.JupyterHub.logging_config = {  # noqa: F821
    "formatters": {"cloud_logging_json": {"()": CloudLoggingJsonFormatter}},
    "handlers": {"console": {"formatter": "cloud_logging_json", "stream": "ext://sys.stdout"}},
}
