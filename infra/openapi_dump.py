"""Write the API's OpenAPI document to a file, for the web client's generated types.

    python -m infra.openapi_dump web/src/generated/openapi.json

The document is the one ``GET /openapi.json`` serves: built from the routes as the app registers
them, so the app is imported first. The file is written only when its text changes, so a build
that regenerates the same document leaves the file (and what depends on its time) as it was.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def document_text() -> str:
    import app  # noqa: F401  (registers every route, as the deployed function does)
    from chalicelib.web.openapi import openapi_document

    return json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="where to write the document (JSON)")
    path = parser.parse_args(argv).path
    text = document_text()
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


if __name__ == "__main__":
    main()
