"""The GitHub Actions workflow that builds every release on pull requests and deploys them on main."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "versions.yml"


def schema_check(path: Path) -> subprocess.CompletedProcess:
    """GitHub's workflow schema (SchemaStore's, shipped inside check-jsonschema: nothing is downloaded)."""
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert tool, "check-jsonschema is missing: it comes with requirements-test.txt"
    return subprocess.run([tool, "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True, text=True)


def test_workflow_matches_the_schema():
    done = schema_check(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_catches_a_mistake(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("contents: write", "contents: writ"))
    assert schema_check(broken).returncode != 0


def test_one_job_per_release_and_write_permission_only_where_nothing_runs():
    flow = yaml.safe_load(WORKFLOW.read_text())
    assert flow["permissions"] == {"contents": "read"}
    assert "group" in flow["concurrency"]
    jobs = flow["jobs"]
    build, deploy = jobs["build"], jobs["deploy"]
    assert build["strategy"]["matrix"]["torch"] == "${{ fromJSON(needs.releases.outputs.torch) }}"
    assert any("scripts.versions list" in step.get("run", "") for step in jobs["releases"]["steps"])
    # every job but the merge: the read-only token of the workflow, and no credentials kept in the checkout
    for job in (jobs["releases"], build):
        assert "permissions" not in job
        checkouts = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
        assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)
    assert any(f"scripts.versions build {MATRIX}" in step.get("run", "") for step in build["steps"])
    # snippets run sandboxed: bubblewrap, with user namespaces allowed, before the build
    runs = [step.get("run", "") for step in build["steps"]]
    sandbox = next(i for i, r in enumerate(runs) if "install" in r and "bubblewrap" in r)
    assert "apparmor_restrict_unprivileged_userns=0" in runs[sandbox]
    assert sandbox < next(i for i, r in enumerate(runs) if "scripts.versions build" in r)
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "site-releases/"
    # the merge: writes, after every build, and runs neither snippets nor MkDocs
    assert deploy["needs"] == "build" and deploy["permissions"] == {"contents": "write"}
    runs = [step.get("run", "") for step in deploy["steps"]]
    assert not any("scripts.versions build" in r or "scripts.versions deploy" in r or "-r requirements.txt" in r for r in runs)
    fetch = next(i for i, r in enumerate(runs) if "git fetch origin gh-pages" in r)
    merge = next(i for i, r in enumerate(runs) if "scripts.versions merge" in r and "--push" in r)
    assert fetch < merge


MATRIX = "${{ matrix.torch }}"
