"""Copy users' home directories to the export bucket, verify each copy, and write a manifest.

Runs inside an export Job (infra/tools/exportJobs.ts) in Google's own google-cloud-cli image, with each
user's home PVC mounted read-only under --homes, as the Workload Identity service account that may only
add objects to the bucket and read them back. Standard library only, and `gcloud storage` for the bucket.

For each user:
  1. walk the home: regular files (count, bytes), symlinks, and what cannot be archived (sockets, FIFOs,
     devices) or read;
  2. write one gzip'd tar archive of it to a spool directory;
  3. read the archive back and check it holds exactly the files and bytes the walk found;
  4. store it as <run>/homes/<username>.tar.gz and check the stored object's size and MD5 against the
     archive's;
  5. record the result in the batch's manifest, stored as <run>/manifests/<batch>.json and printed on the
     last line of stdout after "MANIFEST ".
Exit status 0 only when every user's archive was complete and verified.

--dest is gs://<bucket>[/<prefix>] in the cluster, or file://<directory> for a local directory standing
in for the bucket (the tests, and a dry run on a laptop).
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import time

CHUNK = 1 << 20


def md5_b64(path):
    """MD5 of a file, base64-encoded: the form Cloud Storage reports as md5Hash (JSON API, objects)."""
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return base64.b64encode(digest.digest()).decode("ascii")


def walk_home(root):
    """What the archive must hold: regular files and their bytes, symlinks, and what is left out."""
    files, total, symlinks, skipped, unreadable = 0, 0, 0, [], []
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda e: unreadable.append(os.path.relpath(e.filename, root))):
        for name in sorted(filenames) + sorted(d for d in dirnames if os.path.islink(os.path.join(dirpath, d))):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                symlinks += 1
            elif stat.S_ISREG(st.st_mode):
                if os.access(path, os.R_OK):
                    files += 1
                    total += st.st_size
                else:
                    unreadable.append(rel)
            else:
                skipped.append(rel)
        # os.walk does not descend into symlinked directories by default; they are archived as links.
    return {"files": files, "bytes": total, "symlinks": symlinks, "skipped": sorted(skipped), "unreadable": sorted(unreadable)}


def write_archive(root, archive_path):
    """A gzip'd tar of the home, paths relative to it; links stay links, special files are left out."""

    def keep(info):
        return info if (info.isfile() or info.islnk() or info.isdir() or info.issym()) else None

    with tarfile.open(archive_path, "w:gz") as tar:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if os.path.isfile(path) and not os.path.islink(path) and not os.access(path, os.R_OK):
                    continue
                tar.add(path, arcname=rel, recursive=False, filter=keep)
            for name in dirnames:
                path = os.path.join(dirpath, name)
                if not os.path.islink(path):
                    tar.add(path, arcname=os.path.relpath(path, root), recursive=False, filter=keep)


def archive_contents(archive_path):
    """Regular files and bytes in an archive, read back from the file itself."""
    files, total, symlinks, sizes = 0, 0, 0, {}
    with tarfile.open(archive_path, "r:gz") as tar:
        for member in tar:
            if member.isfile():
                files += 1
                total += member.size
                sizes[member.name] = member.size
            elif member.islnk():
                # A second name of a file already in the archive (tar stores it as a hard link, with no
                # data of its own); the walk counted it as a file of that size.
                files += 1
                total += sizes.get(member.linkname, 0)
            elif member.issym():
                symlinks += 1
    return {"files": files, "bytes": total, "symlinks": symlinks}


class LocalStore:
    """A local directory standing in for the bucket."""

    def __init__(self, root):
        self.root = root

    def url(self, name):
        return "file://" + os.path.join(self.root, name)

    def put(self, local_path, name):
        target = os.path.join(self.root, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.exists(target):
            raise FileExistsError(f"{self.url(name)} exists; an export never overwrites an archive")
        shutil.copyfile(local_path, target)

    def stat(self, name):
        target = os.path.join(self.root, name)
        return {"size": os.path.getsize(target), "md5": md5_b64(target)}


class GcsStore:
    """The export bucket through `gcloud storage` (cloud.google.com/sdk/gcloud/reference/storage)."""

    def __init__(self, bucket, prefix, gcloud="gcloud"):
        self.bucket, self.prefix, self.gcloud = bucket, prefix.strip("/"), gcloud

    def url(self, name):
        return f"gs://{self.bucket}/{self.prefix + '/' if self.prefix else ''}{name}"

    def put_argv(self, local_path, name):
        # --no-clobber: never replace an archive (the writer cannot delete, so it could not anyway);
        # gcloud storage cp checks the upload's hash itself.
        return [self.gcloud, "storage", "cp", "--no-clobber", local_path, self.url(name)]

    def stat_argv(self, name):
        # --raw: the JSON API's own object resource (size, md5Hash), not gcloud's reformatted one.
        return [self.gcloud, "storage", "objects", "describe", self.url(name), "--raw", "--format=json"]

    def put(self, local_path, name):
        subprocess.run(self.put_argv(local_path, name), check=True)

    def stat(self, name):
        out = subprocess.run(self.stat_argv(name), check=True, capture_output=True, text=True).stdout
        return parse_object_resource(out)


def parse_object_resource(text):
    """Size and MD5 from a Cloud Storage object resource (JSON API: size is a string, md5Hash base64)."""
    obj = json.loads(text)
    md5 = obj.get("md5Hash", obj.get("md5_hash"))
    if md5 is None:
        raise ValueError("the stored object has no MD5 (a composite object?); cannot verify it")
    return {"size": int(obj["size"]), "md5": md5}


def store_for(dest, gcloud):
    if dest.startswith("file://"):
        return LocalStore(dest[len("file://"):])
    if dest.startswith("gs://"):
        bucket, _, prefix = dest[len("gs://"):].partition("/")
        return GcsStore(bucket, prefix, gcloud)
    raise ValueError(f"--dest must be gs://<bucket>[/<prefix>] or file://<directory>, got {dest!r}")


def safe_object_name(username):
    """An object name from a username: no path separators or dot segments; other characters kept."""
    cleaned = username.replace("/", "_").replace("\\", "_")
    return "_" + cleaned if cleaned in ("", ".", "..") else cleaned


def export_user(store, run, user, homes, spool):
    home = os.path.join(homes, user["dir"])
    name = f"{run}/homes/{safe_object_name(user['username'])}.tar.gz"
    entry = {"username": user["username"], "claim": user.get("claim", user["dir"]), "object": store.url(name)}
    try:
        walked = walk_home(home)
        entry.update(walked)
        archive = os.path.join(spool, safe_object_name(user["username"]) + ".tar.gz")
        write_archive(home, archive)
        inside = archive_contents(archive)
        local = {"size": os.path.getsize(archive), "md5": md5_b64(archive)}
        entry.update({"archiveBytes": local["size"], "md5": local["md5"]})
        problems = []
        if (inside["files"], inside["bytes"], inside["symlinks"]) != (walked["files"], walked["bytes"], walked["symlinks"]):
            problems.append(f"archive holds {inside['files']} files / {inside['bytes']} bytes / {inside['symlinks']} links, the home {walked['files']} / {walked['bytes']} / {walked['symlinks']}")
        store.put(archive, name)
        stored = store.stat(name)
        if stored != local:
            problems.append(f"stored object has size {stored['size']} md5 {stored['md5']}, the archive {local['size']} {local['md5']}")
        os.remove(archive)
        if problems:
            entry.update({"status": "failed", "problems": problems})
        elif walked["unreadable"]:
            entry.update({"status": "incomplete", "problems": [f"{len(walked['unreadable'])} files or directories could not be read"]})
        else:
            entry["status"] = "ok"
    except Exception as e:  # one user's failure must not stop the others
        entry.update({"status": "failed", "problems": [f"{type(e).__name__}: {e}"]})
    return entry


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--homes", required=True, help="directory holding each user's mounted home")
    p.add_argument("--users", required=True, help='JSON file: [{"username", "dir", "claim"}]')
    p.add_argument("--dest", required=True)
    p.add_argument("--run", required=True, help="the export run's id; objects go under it")
    p.add_argument("--batch", required=True)
    p.add_argument("--spool", default="/spool")
    p.add_argument("--gcloud", default="gcloud")
    args = p.parse_args(argv)
    with open(args.users) as f:
        users = json.load(f)
    store = store_for(args.dest, args.gcloud)
    started = time.time()
    entries = [export_user(store, args.run, u, args.homes, args.spool) for u in users]
    manifest = {
        "run": args.run,
        "batch": args.batch,
        "seconds": round(time.time() - started, 1),
        "users": entries,
        "totals": {
            "users": len(entries),
            "ok": sum(e["status"] == "ok" for e in entries),
            "files": sum(e.get("files", 0) for e in entries),
            "bytes": sum(e.get("bytes", 0) for e in entries),
        },
    }
    path = os.path.join(args.spool, f"manifest-{args.batch}.json")
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
    store.put(path, f"{args.run}/manifests/{args.batch}.json")
    for e in entries:
        print(f"{e['status']:>10}  {e['username']}  {e.get('files', '?')} files  {e.get('bytes', '?')} bytes  {e['object']}", file=sys.stderr)
        for problem in e.get("problems", []):
            print(f"            {problem}", file=sys.stderr)
    print("MANIFEST " + json.dumps(manifest, sort_keys=True))
    return 0 if manifest["totals"]["ok"] == len(entries) else 1


if __name__ == "__main__":
    sys.exit(main())
