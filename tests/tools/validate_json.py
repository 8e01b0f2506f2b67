#!/usr/bin/python3
"""validate_json.py SCHEMA [FILE] - validate JSON (stdin or FILE) against a
JSON Schema (draft 2020-12). With --lines, every line is one document
(NDJSON). Prints the first error and exits 1, or exits 0."""
import json
import sys

import jsonschema


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    lines = "--lines" in sys.argv
    schema = json.load(open(args[0]))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    text = open(args[1]).read() if len(args) > 1 else sys.stdin.read()
    docs = [l for l in text.splitlines() if l.strip()] if lines else [text]
    if not docs:
        print("no JSON document")
        return 1
    for n, doc in enumerate(docs, 1):
        try:
            inst = json.loads(doc)
        except json.JSONDecodeError as e:
            print(f"document {n}: not JSON: {e}")
            return 1
        errors = sorted(validator.iter_errors(inst), key=lambda e: e.path)
        if errors:
            e = errors[0]
            print(f"document {n}: {'/'.join(map(str, e.path))}: {e.message}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
