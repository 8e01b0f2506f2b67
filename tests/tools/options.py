#!/usr/bin/python3
"""options.py ROOT COMMAND - the options a command documents, from each place
that lists them: --help, the man page, and the bash, zsh and fish
completions. Prints the places that disagree and exits 1, or exits 0.

An option is "-x" or "--name"; "-XX" counts as "-X" (a repeated option)."""
import re
import subprocess
import sys

OPT = re.compile(r"(?<![\w\\-])(--[a-z][a-z0-9-]*|-[A-Za-z]+)(?![\w])")


def norm(tok):
    if tok.startswith("--"):
        return tok
    return "-" + tok[1]         # -XX is -X again


def from_help(cmd):
    out = subprocess.run([cmd, "--help"], capture_output=True, text=True).stdout
    opts = set()
    for line in out.splitlines():
        m = re.match(r"^\s+(-.*?)(\s{2,}|$)", line)
        if m:
            opts |= {norm(t) for t in OPT.findall(m.group(1))}
    return opts


def from_man(path):
    text = open(path).read()
    sect = re.search(r"^\.SH OPTIONS\n(.*?)^\.SH ", text, re.S | re.M)
    opts = set()
    lines = sect.group(1).splitlines() if sect else []
    for prev, line in zip([""] + lines, lines):
        if prev.startswith(".TP") and line.startswith(".B"):
            plain = line.replace("\\-", "-")
            plain = re.sub(r"\\f[BIR]|\"", " ", plain)
            opts |= {norm(t) for t in OPT.findall(plain)}
    return opts


def from_bash(path):
    text = open(path).read()
    m = re.search(r'opts="(.*?)"', text, re.S)
    return {norm(t) for t in OPT.findall(m.group(1))} if m else set()


def from_zsh(path):
    opts = set()
    for line in open(path):
        line = line.strip()
        if not line.startswith(("'", "(", "{", "'*")):
            continue
        head = re.sub(r"\[.*", "", line)          # drop descriptions
        head = re.sub(r"^'?\([^)]*\)'?", "", head)  # drop exclusion lists
        opts |= {norm(t) for t in OPT.findall(head.replace("*", " "))}
    return opts


def from_fish(path):
    opts = set()
    for line in open(path):
        if not line.startswith("complete "):
            continue
        opts |= {"-" + s for s in re.findall(r"\s-s\s+(\S)", line)}
        opts |= {"--" + l for l in re.findall(r"\s-l\s+([a-z0-9-]+)", line)}
    return opts


def main():
    root, cmd = sys.argv[1], sys.argv[2]
    name = cmd.rsplit("/", 1)[-1]
    places = {
        "--help": from_help(cmd),
        "man page": from_man(f"{root}/man/{name}.1"),
        "bash": from_bash(f"{root}/completions/bash/{name}"),
        "zsh": from_zsh(f"{root}/completions/zsh/_{name}"),
        "fish": from_fish(f"{root}/completions/fish/{name}.fish"),
    }
    ref = places["--help"]
    bad = False
    if not ref:
        print(f"{name}: no options found in --help")
        return 1
    for place, opts in places.items():
        missing, extra = ref - opts, opts - ref
        if missing or extra:
            bad = True
            print(f"{name} {place}: missing {sorted(missing)}, extra {sorted(extra)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
