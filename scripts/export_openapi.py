#!/usr/bin/env python3
"""Write the API's OpenAPI schema to openapi.json at the repository root (what the app serves).

    python scripts/export_openapi.py           # rewrite openapi.json
    python scripts/export_openapi.py --check   # exit 1 if openapi.json is out of date

The committed file is what front-end developers generate their client from
(scripts/generate_ts_client.sh) and what a reviewer reads to see an API change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

OPENAPI_FILE = ROOT / "openapi.json"
# Any key turns the admin API on; this one only ever builds the schema.
SCHEMA_ADMIN_KEY = "openapi-schema-export-key-not-for-serving"


def current_schema() -> dict[str, Any]:
    from usersnack.main import create_app
    from usersnack.settings import Settings

    # No .env and warnings only: the schema must not depend on a developer's local settings.
    # The admin routes exist only with a key; the published contract includes them.
    settings = Settings(_env_file=None, log_level="WARNING", admin_api_key=SCHEMA_ADMIN_KEY)
    return create_app(settings).openapi()


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, do not write")
    parser.add_argument("--output", type=Path, default=OPENAPI_FILE)
    args = parser.parse_args()

    text = render(current_schema())
    if args.check:
        if not args.output.exists() or args.output.read_text(encoding="utf-8") != text:
            print(f"{args.output} is out of date: run python scripts/export_openapi.py")
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
