"""The placeholder calendar: warm room before each class, none between classes and at night.

Keeps the Zero to JupyterHub chart's ``user-placeholder`` StatefulSet at the number of placeholder pods
the plan's calendar asks for at this moment (the sum over the windows open now, 0 outside them). The
chart documents scaling that StatefulSet as the way to simulate users
(templates/scheduling/user-placeholder/statefulset.yaml: ``kubectl scale sts/user-placeholder``); the
cluster autoscaler then adds nodes for the pending placeholders, and real users evict them.

It looks again every ``periodSeconds``, so a missed window, a restart or a Helm upgrade that reset the
count are all mended within a period. Standard library only: it runs in the hub image, under its own
service account, whose only right is to read and patch this StatefulSet's scale.

The calendar (JSON, mounted from a ConfigMap)::

    {"namespace": "jupyterhub", "statefulSet": "user-placeholder", "periodSeconds": 60,
     "windows": [{"from": "2027-12-06T08:51:00.000Z", "to": "2027-12-06T09:15:00.000Z", "replicas": 675}]}
"""

import datetime
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request

SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"


def parse_time(text):
    """An ISO 8601 time with a zone (a trailing Z too) as an aware datetime."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def desired_replicas(windows, now):
    """Placeholders the calendar holds at ``now``: the sum over the windows open then, each [from, to)."""
    return sum(w["replicas"] for w in windows if parse_time(w["from"]) <= now < parse_time(w["to"]))


class KubernetesApi:
    """The few calls this needs, over HTTPS with the pod's service-account token (re-read: it rotates)."""

    def __init__(self, base_url, token_path, ca_path):
        self.base_url = base_url.rstrip("/")
        self.token_path = token_path
        self.context = ssl.create_default_context(cafile=ca_path) if ca_path else None

    def call(self, method, path, body=None, content_type="application/json"):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        with open(self.token_path) as f:
            request.add_header("Authorization", "Bearer " + f.read().strip())
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", content_type)
        with urllib.request.urlopen(request, context=self.context, timeout=10) as response:
            return json.load(response)


def reconcile(api, calendar, now, log):
    """Sets the StatefulSet's replicas to the calendar's count at ``now``; returns that count."""
    path = "/apis/apps/v1/namespaces/{}/statefulsets/{}/scale".format(calendar["namespace"], calendar["statefulSet"])
    want = desired_replicas(calendar["windows"], now)
    current = api.call("GET", path).get("spec", {}).get("replicas", 0)
    if current != want:
        api.call("PATCH", path, {"spec": {"replicas": want}}, "application/merge-patch+json")
        log("{} placeholders: {} -> {}".format(now.isoformat(), current, want))
    return want


def main(argv):
    calendar_path = os.environ.get("PLACEHOLDER_CALENDAR", "/etc/placeholder-calendar/calendar.json")
    with open(calendar_path) as f:
        calendar = json.load(f)
    base_url = os.environ.get("KUBERNETES_API") or "https://{}:{}".format(
        os.environ["KUBERNETES_SERVICE_HOST"], os.environ.get("KUBERNETES_SERVICE_PORT", "443")
    )
    api = KubernetesApi(
        base_url,
        os.environ.get("KUBERNETES_TOKEN_PATH", SERVICE_ACCOUNT + "/token"),
        None if base_url.startswith("http:") else os.environ.get("KUBERNETES_CA_PATH", SERVICE_ACCOUNT + "/ca.crt"),
    )
    once = "--once" in argv

    def log(message):
        print(message, flush=True)

    log("placeholder calendar: {} windows, every {} s".format(len(calendar["windows"]), calendar["periodSeconds"]))
    while True:
        try:
            reconcile(api, calendar, datetime.datetime.now(datetime.timezone.utc), log)
        except (urllib.error.URLError, OSError, ValueError, KeyError) as e:
            # The StatefulSet may not exist yet (first install) or the API may be busy: try next period.
            log("placeholder calendar: {}".format(e))
            if once:
                return 1
        if once:
            return 0
        time.sleep(calendar["periodSeconds"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
