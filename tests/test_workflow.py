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


def test_one_deploy_at_a_time_with_write_permission_only_there():
    flow = yaml.safe_load(WORKFLOW.read_text())
    assert flow["permissions"] == {"contents": "read"}
    assert "group" in flow["concurrency"]
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert "permissions" not in build
    assert deploy["permissions"] == {"contents": "write"}
    runs = [step.get("run", "") for step in deploy["steps"]]
    fetch = next(i for i, r in enumerate(runs) if "git fetch origin gh-pages" in r)
    push = next(i for i, r in enumerate(runs) if "versions.py deploy --push" in r)
    assert fetch < push
    assert any("versions.py build" in step.get("run", "") for step in build["steps"])  # --strict, per release
