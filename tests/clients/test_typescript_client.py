"""The TypeScript client: generated from openapi.json and type-checked with tsc.

A short usage (clients/typescript/examples/usage.ts) must compile against the generated
types; wrong usage must not; and a breaking change to the API (a field's type, a renamed
field) must turn that same usage into type errors.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.system import require_program

pytestmark = pytest.mark.system

REPO_ROOT = Path(__file__).resolve().parents[2]
CLIENT = REPO_ROOT / "clients" / "typescript"
GENERATE = REPO_ROOT / "scripts" / "generate_ts_client.sh"
TIMEOUT = 300

WRONG_USAGE = """\
import { createUserSnackClient, type OrderIn, type Pizza } from "../src";

const api = createUserSnackClient("http://127.0.0.1:8000");
export const cents = (pizza: Pizza): number => pizza.price * 100; // WRONG price
export const order: OrderIn = { name: "Ada", contact_phones: ["1"], packages: [] }; // WRONG
export const typo = api.GET("/v1/pizza"); // WRONG path
export const two: OrderIn["packages"][number] = { pizza_id: "x", quantity: "2" }; // WRONG
"""


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


@pytest.fixture(scope="module")
def tools() -> Path:
    """Node, npm and the pinned generator and compiler (npm ci through the script)."""
    require_program("node", install="apt-get install nodejs")
    require_program("npm", install="apt-get install npm")
    # The first run installs the locked packages and writes the client's own schema.d.ts.
    result = _run([str(GENERATE)], REPO_ROOT)
    assert result.returncode == 0, result.stderr
    assert (CLIENT / "src" / "schema.d.ts").exists()
    return CLIENT / "node_modules"


def _project(tmp_path: Path, node_modules: Path, schema: dict) -> Path:
    """A copy of the client around types generated from `schema`."""
    project = tmp_path / "client"
    (project / "src").mkdir(parents=True)
    (project / "examples").mkdir()
    shutil.copy(CLIENT / "tsconfig.json", project)
    shutil.copy(CLIENT / "src" / "index.ts", project / "src")
    shutil.copy(CLIENT / "examples" / "usage.ts", project / "examples")
    (project / "node_modules").symlink_to(node_modules)
    schema_file = tmp_path / "openapi.json"
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    result = _run(
        [str(GENERATE), str(schema_file), str(project / "src" / "schema.d.ts")], REPO_ROOT
    )
    assert result.returncode == 0, result.stderr
    return project


def _tsc(project: Path) -> subprocess.CompletedProcess:
    return _run([str(project / "node_modules" / ".bin" / "tsc"), "--noEmit", "-p", "."], project)


def _error_lines(output: str, file_name: str) -> set[int]:
    return {
        int(line) for line in re.findall(rf"{re.escape(file_name)}\((\d+),\d+\): error TS", output)
    }


def _committed_schema() -> dict:
    return json.loads((REPO_ROOT / "openapi.json").read_text(encoding="utf-8"))


def test_the_client_and_its_usage_type_check(tools):
    result = _tsc(CLIENT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_wrong_usage_is_a_type_error(tools, tmp_path):
    project = _project(tmp_path, tools, _committed_schema())
    (project / "examples" / "wrong.ts").write_text(WRONG_USAGE, encoding="utf-8")

    result = _tsc(project)

    assert result.returncode != 0
    wrong_lines = {
        number for number, line in enumerate(WRONG_USAGE.splitlines(), 1) if "// WRONG" in line
    }
    assert _error_lines(result.stdout, "wrong.ts") == wrong_lines, result.stdout
    assert not _error_lines(result.stdout, "usage.ts"), result.stdout


def test_a_breaking_api_change_shows_up_as_type_errors_in_the_usage(tools, tmp_path):
    schema = _committed_schema()
    components = schema["components"]["schemas"]
    # Two changes a careless back-end edit could make: money as a float, a renamed field.
    components["PizzaOut"]["properties"]["price"] = {"type": "number"}
    order_in = components["OrderIn"]
    order_in["properties"]["full_name"] = order_in["properties"].pop("name")
    order_in["required"] = ["full_name" if f == "name" else f for f in order_in["required"]]
    order_in.pop("examples", None)
    project = _project(tmp_path, tools, schema)

    result = _tsc(project)

    assert result.returncode != 0
    usage = (project / "examples" / "usage.ts").read_text(encoding="utf-8").splitlines()
    price_line = next(i for i, line in enumerate(usage, 1) if "= pizza.price" in line)
    body_line = next(i for i, line in enumerate(usage, 1) if 'name: "Ada Lovelace"' in line)
    assert {price_line, body_line} <= _error_lines(result.stdout, "usage.ts"), result.stdout
