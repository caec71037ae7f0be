"""Runs the encoders JupyterHub 5's subdomain hook relies on, for test/plan/hostnameLabelsUpstream.test.ts.
JSON in on stdin: {"names": [...], "codePoints": [...], "punycode": [...]}; JSON out on stdout.

- `idna`: what `idna.encode(name)` does (jupyterhub/utils.py `_strict_dns_safe_encode` @ 5.5.0 calls it and
  falls back to the hash on ValueError): the A-label, or the names of the exception's class and its bases.
- `sha256`: the first 7 hex digits of hashlib's sha256 of the UTF-8 name (`_trim_and_hash` @ 5.5.0).
- `classes`: each code point's class in the idna package's own RFC 5892 tables (`idna.idnadata`).
- `punycode`: Python's "punycode" codec (Lib/encodings/punycode.py, RFC 3492).
"""

import hashlib
import json
import sys

import idna
import idna.idnadata
import idna.intranges


def idna_outcome(name):
    try:
        return {"encodes": idna.encode(name).decode("ascii")}
    except ValueError as error:  # what upstream catches; idna's errors are UnicodeError subclasses
        # The class and its bases: idna releases differ in how specific a class they raise for one rule
        # (a joiner: InvalidCodepointContext in 3.3, its base IDNAError in 3.13).
        return {"raises": [cls.__name__ for cls in type(error).__mro__]}


def idna_class(code_point):
    for cls in ("PVALID", "CONTEXTJ", "CONTEXTO"):
        if idna.intranges.intranges_contain(code_point, idna.idnadata.codepoint_classes[cls]):
            return cls
    return "DISALLOWED"


request = json.load(sys.stdin)
json.dump(
    {
        "unicode": idna.idnadata.__version__,
        "idna": {name: idna_outcome(name) for name in request["names"]},
        "sha256": {name: hashlib.sha256(name.encode("utf8")).hexdigest()[:7] for name in request["names"]},
        "classes": {str(cp): idna_class(cp) for cp in request["codePoints"]},
        "punycode": {text: text.encode("punycode").decode("ascii") for text in request["punycode"]},
    },
    sys.stdout,
)
