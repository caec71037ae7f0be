#!/usr/bin/python3
"""Mutation testing for the Python this program ships to the hub and to user pods (infra/files/**/*.py).

`npm run mutate:python [-- --file hub/audit_log.py] [--sample N | --limit N] [--list]`

No packaged Python mutation tool can be installed here (mutmut, cosmic-ray and mutatest are on PyPI only,
which this workplace does not reach, and Debian packages none of them), so this is a small harness built on
Python's own `ast`: it makes single-point mutants of each shipped file, runs the mocha tests that execute
that file with the real interpreter and libraries (Debian's IPython, JupyterHub), and reports each mutant
as killed (some test failed or timed out) or survived, with its line and what was changed.

Every .py under infra/files is a shipped file and must be mapped to the tests that run it (TARGETS): one
that is not is reported as not measured and makes the run (and `--list`) exit 1, never skipped quietly. A
mapping is checked before any mutant, twice: the tests pass on the file as written (the baseline below),
and fail when the file is replaced by one that raises at once (the canary), so tests that do not execute
the file cannot be mapped to it.

It works on a copy of the worktree in a temporary directory (node_modules symlinked), never on the files
you are editing. Before any mutant it runs the tests once on the unmutated file as `ast.unparse` writes it
(comments and layout dropped, as in every mutant): if that baseline fails, the harness stops, since a mutant
"killed" by a broken baseline would mean nothing.

Operators (one change per mutant): comparison flips and boundary shifts, `and`/`or` swaps, dropping `not`,
negating an `if`/`while` condition, constant flips (True/False, n -> n+1 and 0, a string -> "XX"+s+"XX"),
removing one element of a constant tuple/list/set (a name the guard covers, a method the audit records),
removing one dict entry, removing one keyword argument, replacing a statement with `pass` (a removed call
or assignment), `return x` -> `return None`, and arithmetic swaps. Docstrings are not mutated.
"""

import argparse
import ast
import copy
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES_DIR = "infra/files"
CANARY = 'raise RuntimeError("mutate_python canary: the tests mapped to this file must run it")\n'

# Each shipped file and the test files that run it for real. Only behaviour tests: a test that compares
# the shipped text (a digest, say) would kill every mutant and measure nothing.
# The guard's tests run twice, natively and inside gVisor; the mutants run the native half (same file).
NATIVE_ONLY = ["--grep", "inside gVisor", "--invert"]
TARGETS = {
    "ipython/refuse_shell_escapes.py": ["test/hub/ipythonGuard.test.ts", *NATIVE_ONLY],
    "ipython/ipython_config.py": ["test/hub/ipythonGuard.test.ts", *NATIVE_ONLY],
    "hub/audit_log.py": ["test/hub/python.test.ts"],
    "ops/export_homes.py": ["test/ops/export.test.ts", "test/ops/cli.test.ts"],
    "ops/smoke_probe.py": ["test/ops/smoke.test.ts"],
    "scaler/placeholder_calendar.py": ["test/hub/placeholderCalendar.test.ts"],
    "registry/package_proxy.py": ["test/hub/packageProxy.test.ts"],
}


def shipped_files(files_dir):
    """Every .py under `files_dir`, relative to it, sorted: what the program ships and the harness must cover."""
    found = []
    for dirpath, dirnames, filenames in os.walk(files_dir):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        found += [os.path.relpath(os.path.join(dirpath, f), files_dir) for f in filenames if f.endswith(".py")]
    return sorted(found)


def mapping_problems(shipped, targets, repo):
    """What is wrong with TARGETS against the shipped files: a list of (file, why), empty when it covers them all."""
    problems = [(f, "no tests mapped: not measured") for f in shipped if f not in targets]
    problems += [(f, "mapped, but no such file under infra/files") for f in targets if f not in shipped]
    for f, args in targets.items():
        problems += [(f, f"mapped test file {t} does not exist") for t in args if t.startswith("test/") and not os.path.isfile(os.path.join(repo, t))]
    return problems

COMPARE_FLIPS = {
    ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq],
    ast.Lt: [ast.GtE, ast.LtE], ast.LtE: [ast.Gt, ast.Lt],
    ast.Gt: [ast.LtE, ast.GtE], ast.GtE: [ast.Lt, ast.Gt],
    ast.In: [ast.NotIn], ast.NotIn: [ast.In],
    ast.Is: [ast.IsNot], ast.IsNot: [ast.Is],
}
BINOP_FLIPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Mult}
KEPT_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom, ast.Pass, ast.Global, ast.Nonlocal)


def _docstring_ids(tree):
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                ids.add(id(first))
                ids.add(id(first.value))
    return ids


def _in_format_spec(tree):
    """Constants inside an f-string's format spec ({x:.2f}): mutating them only breaks the syntax."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            ids.update(id(n) for n in ast.walk(node.format_spec))
    return ids


def _short(node):
    text = ast.unparse(node).replace("\n", " ")
    return text if len(text) <= 70 else text[:67] + "..."


def mutation_points(tree):
    """Every single-point change, as (node index in ast.walk order, kind, argument, description, line, col)."""
    skip = _docstring_ids(tree) | _in_format_spec(tree)
    points = []
    for index, node in enumerate(ast.walk(tree)):
        line, col = getattr(node, "lineno", 0), getattr(node, "col_offset", 0)

        def add(kind, arg, description, at=node):
            points.append((index, kind, arg, description, getattr(at, "lineno", line), getattr(at, "col_offset", col)))

        if id(node) in skip:
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                for new in COMPARE_FLIPS.get(type(op), []):
                    add("compare", (i, new), f"{type(op).__name__} -> {new.__name__} in `{_short(node)}`")
        elif isinstance(node, ast.BoolOp):
            new = ast.Or if isinstance(node.op, ast.And) else ast.And
            add("boolop", new, f"{type(node.op).__name__} -> {new.__name__} in `{_short(node)}`")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add("drop-not", None, f"drop `not` in `{_short(node)}`")
        elif isinstance(node, ast.BinOp) and type(node.op) in BINOP_FLIPS and not (
            isinstance(node.op, ast.Mod) or isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
        ):
            new = BINOP_FLIPS[type(node.op)]
            add("binop", new, f"{type(node.op).__name__} -> {new.__name__} in `{_short(node)}`")
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                add("constant", not value, f"{value} -> {not value}")
            elif isinstance(value, (int, float)):
                add("constant", value + 1, f"{value} -> {value + 1}")
                if value != 0:
                    add("constant", 0, f"{value} -> 0")
            elif isinstance(value, str):
                add("constant", "XX" + value + "XX", f"string {value[:40]!r} -> 'XX...XX'")
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)) and len(node.elts) >= 2 and all(
            isinstance(e, ast.Constant) for e in node.elts
        ):
            for i, element in enumerate(node.elts):
                add("drop-element", i, f"drop {ast.unparse(element)} from `{_short(node)}`", element)
        elif isinstance(node, ast.Dict) and len(node.keys) >= 1:
            for i, key in enumerate(node.keys):
                if key is not None:
                    add("drop-entry", i, f"drop entry {ast.unparse(key)} from a dict", key)
        if isinstance(node, ast.Call):
            for i, keyword in enumerate(node.keywords):
                if keyword.arg is not None:
                    add("drop-keyword", i, f"drop {keyword.arg}= from `{_short(node.func)}(...)`", keyword)
        if isinstance(node, (ast.If, ast.While, ast.IfExp)):
            add("negate", None, f"negate the condition `{_short(node.test)}`", node.test)
        if isinstance(node, ast.Return) and node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ):
            add("return-none", None, f"`return {_short(node.value)}` -> `return None`")
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if not isinstance(body, list):
                continue
            for i, statement in enumerate(body):
                if isinstance(statement, ast.stmt) and not isinstance(statement, KEPT_STATEMENTS) and id(statement) not in skip:
                    add("drop-statement", (field, i), f"remove `{_short(statement)}`", statement)
    return points


def mutate(tree, point):
    """A copy of `tree` with one change applied; the copy walks in the same order as the original."""
    index, kind, arg = point[0], point[1], point[2]
    mutant = copy.deepcopy(tree)
    node = next(n for i, n in enumerate(ast.walk(mutant)) if i == index)
    if kind == "compare":
        position, new = arg
        node.ops[position] = new()
    elif kind == "boolop":
        node.op = arg()
    elif kind == "binop":
        node.op = arg()
    elif kind == "constant":
        node.value = arg
    elif kind == "drop-not":
        # replace the UnaryOp by its operand through its parent
        _replace_child(mutant, node, node.operand)
    elif kind == "drop-element":
        del node.elts[arg]
    elif kind == "drop-entry":
        del node.keys[arg]
        del node.values[arg]
    elif kind == "drop-keyword":
        del node.keywords[arg]
    elif kind == "negate":
        node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
    elif kind == "return-none":
        node.value = ast.Constant(value=None)
    elif kind == "drop-statement":
        field, position = arg
        getattr(node, field)[position] = ast.Pass()
    else:
        raise ValueError(kind)
    return ast.unparse(ast.fix_missing_locations(mutant))


def _replace_child(tree, old, new):
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return
    raise ValueError("no parent")


def make_sandbox():
    """A copy of the worktree's files (tracked and new, not ignored) with node_modules linked in."""
    root = tempfile.mkdtemp(prefix="mutate-python-")
    listed = subprocess.run(
        ["git", "-C", REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for relative in filter(None, listed):
        source = os.path.join(REPO, relative)
        if relative == "node_modules" or not os.path.isfile(source):
            continue
        target = os.path.join(root, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target)
    os.symlink(os.path.realpath(os.path.join(REPO, "node_modules")), os.path.join(root, "node_modules"))
    return root


def run_tests(root, tests, timeout):
    """True if the tests pass; 'timeout' if they ran out of time (counted as killed)."""
    command = [
        os.path.join(root, "node_modules", ".bin", "mocha"), "--no-config", "-r", "ts-node/register/transpile-only",
        "--extension", "ts", "--timeout", "120000", "--exit", "--bail", *tests,
    ]
    try:
        result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    return result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", action="append", help="a file under infra/files (default: all of them)")
    parser.add_argument("--limit", type=int, default=0, help="run only the first N mutants of each file")
    parser.add_argument("--sample", type=int, default=0, help="run N mutants of each file drawn at random (fixed seed)")
    parser.add_argument("--list", action="store_true", help="list the mutants without running anything")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per test run before a mutant counts as killed")
    parser.add_argument("--json", default=os.path.join(REPO, ".scratch-mutation-python", "report.json"))
    parser.add_argument("--files-dir", default=os.path.join(REPO, FILES_DIR), help="where to look for shipped files (--list only; tests point it at a copy)")
    args = parser.parse_args()

    shipped = shipped_files(args.files_dir)
    if not args.list and os.path.realpath(args.files_dir) != os.path.realpath(os.path.join(REPO, FILES_DIR)):
        parser.error("--files-dir is for --list only: mutants run against this worktree's infra/files")
    problems = mapping_problems(shipped, TARGETS, REPO)
    for f, why in problems:
        print(f"{FILES_DIR}/{f}: {why}", file=sys.stderr)
    files = args.file or [f for f in shipped if f in TARGETS]
    unknown = [f for f in files if f not in TARGETS or f not in shipped]
    if unknown:
        parser.error(f"not a shipped file with tests mapped: {', '.join(unknown)} (mapped: {', '.join(f for f in shipped if f in TARGETS)})")

    # a stopped run (Ctrl-C, kill) still removes its sandbox copy
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = None if args.list else make_sandbox()
    report = {"files": {}}
    try:
        for relative in files:
            path = os.path.join(FILES_DIR, relative)
            with open(os.path.join(REPO, path), encoding="utf8") as handle:
                original = handle.read()
            tree = ast.parse(original)
            points = mutation_points(tree)
            if args.sample and args.sample < len(points):
                # a fixed seed, so a rerun after a fix draws the same mutants
                points = sorted(random.Random(relative).sample(points, args.sample), key=lambda p: (p[0], p[3]))
            if args.limit:
                points = points[: args.limit]
            print(f"\n{path}: {len(points)} mutants, tests: {' '.join(TARGETS[relative])}", flush=True)
            if args.list:
                for point in points:
                    print(f"  {path}:{point[4]}:{point[5] + 1}  {point[1]}: {point[3]}")
                continue
            target = os.path.join(root, path)
            with open(target, "w", encoding="utf8") as handle:
                handle.write(CANARY)
            ok, output = run_tests(root, TARGETS[relative], args.timeout)
            if ok is True:
                print(f"  canary: the tests pass with {path} replaced by a raise, so they do not run it: stopping.", file=sys.stderr)
                return 2
            with open(target, "w", encoding="utf8") as handle:
                handle.write(ast.unparse(tree) + "\n")
            started = time.monotonic()
            ok, output = run_tests(root, TARGETS[relative], args.timeout)
            if ok is not True:
                print(f"  baseline (unmutated, as ast.unparse writes it) does not pass: stopping.\n{output}", file=sys.stderr)
                return 2
            print(f"  baseline passes in {time.monotonic() - started:.0f}s", flush=True)
            results = []
            for n, point in enumerate(points, 1):
                source = mutate(tree, point)
                with open(target, "w", encoding="utf8") as handle:
                    handle.write(source + "\n")
                ok, _ = run_tests(root, TARGETS[relative], args.timeout)
                status = "survived" if ok is True else ("killed (timeout)" if ok == "timeout" else "killed")
                location = f"{path}:{point[4]}:{point[5] + 1}"
                results.append({"location": location, "operator": point[1], "change": point[3], "status": status})
                print(f"  [{n}/{len(points)}] {status:16} {location}  {point[1]}: {point[3]}", flush=True)
            with open(target, "w", encoding="utf8") as handle:
                handle.write(original)
            killed = sum(1 for r in results if r["status"] != "survived")
            score = 100.0 * killed / len(results) if results else 100.0
            report["files"][path] = {"mutants": len(results), "killed": killed, "score": round(score, 1), "results": results}
    finally:
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)

    # A run of some files (--file) reports the mapping's problems without failing on them; --list and a
    # run of every file fail, since "every shipped file" is then what they claim.
    incomplete = bool(problems) and not args.file
    if args.list:
        return 1 if incomplete else 0
    print("\nSurvivors (a test should fail for each, unless the change is equivalent):")
    for path, entry in report["files"].items():
        for r in entry["results"]:
            if r["status"] == "survived":
                print(f"  {r['location']}  {r['operator']}: {r['change']}")
    print("\nScore:")
    total = sum(e["mutants"] for e in report["files"].values())
    killed = sum(e["killed"] for e in report["files"].values())
    for path, entry in report["files"].items():
        print(f"  {path}: {entry['killed']}/{entry['mutants']} killed ({entry['score']}%)")
    if total:
        print(f"  all: {killed}/{total} killed ({100.0 * killed / total:.1f}%)")
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w", encoding="utf8") as handle:
        json.dump(report, handle, indent=2)
    print(f"report: {args.json}")
    for f, why in problems:
        print(f"  {FILES_DIR}/{f}: {why}")
    return 1 if incomplete else 0


if __name__ == "__main__":
    sys.exit(main())
