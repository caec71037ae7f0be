#!/usr/bin/python3
"""A stand-in for the two `gcloud storage` commands export_homes.py runs, over a local directory
($FAKE_GCS_DIR/<bucket>/<object>), for test/ops/export.test.ts. Each call is appended to $FAKE_GCS_DIR/calls.

  storage cp --no-clobber <file> gs://<bucket>/<object>
      copies the file; an object that exists is skipped with a message and exit status 0, as gcloud does
      (gsutil's cp -n, which `gcloud storage cp --no-clobber` stands in for: "Any items that are skipped by
      this option are reported as skipped", not as failures).
  storage objects describe gs://<bucket>/<object> --raw --format=json
      prints the Cloud Storage JSON API's object resource (size a string, md5Hash base64).

$FAKE_GCLOUD_FAIL="<cp|describe> <gs:// prefix>" makes that command fail for objects under the prefix (exit
status 1), as a network or permission error does.
"""

import base64
import hashlib
import json
import os
import shutil
import sys

root = os.environ["FAKE_GCS_DIR"]
args = sys.argv[1:]
with open(os.path.join(root, "calls"), "a") as f:
    f.write(json.dumps(args) + "\n")


def local(url):
    assert url.startswith("gs://"), url
    return os.path.join(root, url[len("gs://"):])


command = "cp" if args[:2] == ["storage", "cp"] else "describe" if args[:3] == ["storage", "objects", "describe"] else None
if command is None:
    sys.exit(f"fake gcloud: unexpected command {args}")
url = args[4] if command == "cp" else args[3]
fail_command, _, fail_prefix = os.environ.get("FAKE_GCLOUD_FAIL", "").partition(" ")
if fail_command == command and url.startswith(fail_prefix):
    sys.exit(f"ERROR: (gcloud.storage.{command}) fake failure")
if command == "cp":
    assert args[2] == "--no-clobber", args
    source, target = args[3], local(args[4])
    if os.path.exists(target):
        print(f"Skipping existing destination item (no-clobber): {args[4]}", file=sys.stderr)
        sys.exit(0)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(source, target)
else:
    assert args[4:] == ["--raw", "--format=json"], args
    target = local(args[3])
    if not os.path.exists(target):
        sys.exit(f"ERROR: (gcloud.storage.objects.describe) {args[3]} not found: 404.")
    with open(target, "rb") as f:
        data = f.read()
    bucket, _, name = args[3][len("gs://"):].partition("/")
    print(json.dumps({"kind": "storage#object", "bucket": bucket, "name": name, "size": str(len(data)),
                      "md5Hash": base64.b64encode(hashlib.md5(data).digest()).decode()}))
