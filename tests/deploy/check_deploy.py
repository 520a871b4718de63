#!/usr/bin/env python3
"""Checks that deploy/ only uses flags and environment variables the binaries accept.

No Docker engine runs here, so instead of starting the compose file or the manifests, this runs
every command they contain with --help appended (the flag parser rejects unknown flags before it
looks at --help), with the binaries built from this tree, and checks that every NEWSFLOW_*
variable they set names a flag of the program it is given to.
usage: check_deploy.py DEPLOY_DIR BIN_DIR
"""
import json
import os
import re
import subprocess
import sys

deploy_dir, bin_dir = sys.argv[1], sys.argv[2]
failures = []
checked = 0

for root, _, files in os.walk(deploy_dir):
    for name in sorted(files):
        if not name.endswith((".yaml", ".yml")):
            continue
        path = os.path.join(root, name)
        text = open(path, encoding="utf-8").read()
        env_names = set(re.findall(r"\b(NEWSFLOW_[A-Z_]+)\b", text))
        helps = []
        for m in re.finditer(r"command:\s*(\[[^\]]*\])", text, re.S):
            argv = json.loads(m.group(1))
            if not argv or not argv[0].startswith("newsflow-"):
                continue
            exe = os.path.join(bin_dir, argv[0])
            run = subprocess.run([exe] + argv[1:] + ["--help"], capture_output=True, text=True,
                                 env={**os.environ, "NEWSFLOW_BROKERS": "localhost:9092"})
            checked += 1
            if run.returncode != 0:
                failures.append(f"{path}: {' '.join(argv)}: exit {run.returncode}: {run.stderr.strip()}")
            helps.append(run.stdout)
        # Every variable set in a file must be a flag of a program that file runs.
        for env in sorted(env_names):
            flag = "--" + env[len("NEWSFLOW_"):].lower().replace("_", "-")
            if helps and not any(re.search(re.escape(flag) + r"\b", h) for h in helps):
                failures.append(f"{path}: {env} is no flag of the programs it runs ({flag})")

print(f"deploy: {checked} commands checked, {len(failures)} problems")
for f in failures:
    print("  " + f)
if checked == 0:
    print("  no newsflow commands found: the parser of this check is out of date")
    sys.exit(1)
sys.exit(1 if failures else 0)
