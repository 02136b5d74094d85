"""The GitHub Actions workflows, checked like code: GitHub's schema, zizmor's audit, and what each must do
(versions.yml builds every release on pull requests and deploys them on main; tests.yml runs `make test`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
WORKFLOW = ROOT / ".github" / "workflows" / "versions.yml"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is missing: it comes with requirements-test.txt"
    return found


def schema_check(path: Path) -> subprocess.CompletedProcess:
    """GitHub's workflow schema (SchemaStore's, shipped inside check-jsonschema: nothing is downloaded)."""
    return subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True)


def audit(*paths: Path) -> subprocess.CompletedProcess:
    """zizmor's audits that need no network (its offline mode: no look-up of action tags or advisories)."""
    return subprocess.run([tool("zizmor"), "--offline", "--no-progress", *map(str, paths)], capture_output=True, text=True)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_schema(workflow):
    done = schema_check(workflow)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflows_pass_zizmors_audit():
    done = audit(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_catches_what_it_is_there_for(tmp_path):
    broken = tmp_path / "broken.yml"
    text = WORKFLOW.read_text()
    text = re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v4", text, count=1)
    text = text.replace('build "$TORCH"', "build ${{ matrix.torch }}")
    broken.write_text(text)
    report = audit(broken).stdout
    assert "unpinned-uses" in report and "template-injection" in report, report


def test_pull_requests_run_every_test():
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text())
    assert list(flow[True]) == ["pull_request"]  # YAML 1.1 reads the key `on` as true
    (job,) = flow["jobs"].values()
    assert [s["run"] for s in job["steps"] if "run" in s][-1] == "make test"


def test_schema_check_catches_a_mistake(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("contents: write", "contents: writ"))
    assert schema_check(broken).returncode != 0


def test_one_job_per_release_and_write_permission_only_where_nothing_runs():
    flow = yaml.safe_load(WORKFLOW.read_text())
    assert flow["permissions"] == {"contents": "read"}
    assert "group" in flow["concurrency"]
    jobs = flow["jobs"]
    build, newest, deploy = jobs["build"], jobs["newest"], jobs["deploy"]
    assert build["strategy"]["matrix"]["torch"] == "${{ fromJSON(needs.releases.outputs.torch) }}"
    assert any("scripts.versions list" in step.get("run", "") for step in jobs["releases"]["steps"])
    # every job but the merge: the read-only token of the workflow, and no credentials kept in the checkout
    for job in (jobs["releases"], build, newest):
        assert "permissions" not in job
        checkouts = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
        assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)
    built = next(step for step in build["steps"] if "scripts.versions build" in step.get("run", ""))
    assert built["env"] == {"TORCH": MATRIX} and "${{" not in built["run"]  # the matrix reaches the shell as data
    # snippets run sandboxed: bubblewrap, with user namespaces allowed, before the build
    runs = [step.get("run", "") for step in build["steps"]]
    sandbox = next(i for i, r in enumerate(runs) if "install" in r and "bubblewrap" in r)
    assert "apparmor_restrict_unprivileged_userns=0" in runs[sandbox]
    assert sandbox < next(i for i, r in enumerate(runs) if "scripts.versions build" in r)
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "site-releases/"
    # the newest release again, compared with every release built by this run (merged locally, never pushed);
    # its site replaces the one its build job uploaded
    runs = [step.get("run", "") for step in newest["steps"]]
    merge = next(i for i, r in enumerate(runs) if "scripts.versions merge" in r)
    again = next(i for i, r in enumerate(runs) if "scripts.versions build" in r)
    assert merge < again and "--branch built" in runs[merge] and "--branch built" in runs[again]
    assert not any("--push" in r for r in runs)
    replaced = next(s for s in newest["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert replaced["with"]["overwrite"] is True and replaced["with"]["name"] == "site-${{ needs.releases.outputs.newest }}"
    # the merge: writes, after every build, and runs neither snippets nor MkDocs
    assert deploy["needs"] == "newest" and deploy["permissions"] == {"contents": "write"}
    runs = [step.get("run", "") for step in deploy["steps"]]
    assert not any("scripts.versions build" in r or "scripts.versions deploy" in r or "-r requirements.txt" in r
                   for r in runs)
    fetch = next(i for i, r in enumerate(runs) if "git fetch origin gh-pages" in r)
    merge = next(i for i, r in enumerate(runs) if "versions merge" in r)
    push = next(i for i, r in enumerate(runs) if "git push origin gh-pages" in r)
    assert fetch < merge < push
    # the token: only in the environment of the steps that fetch and push, never kept by the checkout
    (checkout,) = [s for s in deploy["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["persist-credentials"] is False
    holding = [i for i, s in enumerate(deploy["steps"]) if "github.token" in str(s)]
    assert [runs[i] for i in holding] == [runs[fetch], runs[push]]


MATRIX = "${{ matrix.torch }}"
