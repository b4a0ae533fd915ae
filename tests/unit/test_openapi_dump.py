"""The build's copy of the OpenAPI document (infra.openapi_dump) is the document the API serves."""

from __future__ import annotations

import json
import os
from pathlib import Path

from infra.openapi_dump import main


def test_the_dump_writes_the_document_the_api_serves(tmp_path: Path) -> None:
    import app  # noqa: F401  (registers every route)
    from chalicelib.web.openapi import openapi_document

    path = tmp_path / "generated" / "openapi.json"
    main([str(path)])
    assert json.loads(path.read_text()) == openapi_document()


def test_the_dump_leaves_a_file_that_already_holds_the_document_untouched(tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    main([str(path)])
    os.utime(path, (1_000_000_000, 1_000_000_000))
    main([str(path)])
    assert path.stat().st_mtime == 1_000_000_000
    path.write_text("{}")
    main([str(path)])
    assert path.stat().st_mtime > 1_000_000_000
