"""``make deploy-check``'s offline rules: ``python -m infra.deploy_check [--mutations]``.

Without options: every consistency and deploy rule on ``infra/terraform``; exits 1 on any
problem. With ``--mutations``: applies each known mistake to a copy and shows the rule that
catches it; exits 1 if one goes unnoticed.
"""

from __future__ import annotations

import argparse
import sys

from infra.deploy_check import permissions
from infra.deploy_check.code_rules import all_problems, secret_problems
from infra.deploy_check.data_rules import all_data_problems
from infra.deploy_check.deploy_rules import all_deploy_problems
from infra.deploy_check.limit_rules import all_limit_problems
from infra.deploy_check.mutations import MUTATIONS, caught
from infra.deploy_check.terraform import load


def main() -> int:
    """Run the rules (or the mutations); print what was found."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--mutations", action="store_true")
    if ap.parse_args().mutations:
        missed = 0
        for mutation in MUTATIONS:
            found = caught(mutation)
            missed += not found
            verdict = f"caught by {mutation.rule.__name__}: {found[0]}" if found else "MISSED"
            print(f"- {mutation.name}\n    {verdict}")
        return 1 if missed else 0
    tf = load()
    problems = all_problems(tf) + all_deploy_problems(tf) + all_limit_problems(tf)
    problems += all_data_problems(tf)
    problems += secret_problems()
    problems += permissions.main_problems()
    for problem in problems:
        print(f"problem: {problem}")
    print(f"deploy rules: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
