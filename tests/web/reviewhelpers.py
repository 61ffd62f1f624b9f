"""Helpers for the review's tests: the base's and the reviewer's requests, as the pages send them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import yaml

__all__ = ["EXAMPLE", "evidence", "move", "reasons", "save", "submit"]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "data" / "示例"


def save(client: Any, app: Any, section: str, value: Any) -> Any:
    app.refresh_from_db()
    return client.post(
        f"/app/{app.pk}/save/",
        json.dumps({"section": section, "version": app.draft_version, "value": value}),
        content_type="application/json",
    )


def evidence(client: Any, app: Any) -> list[dict[str, Any]]:
    """Upload the example's evidence through the editor; save the 佐证材料 list; return it."""
    example = yaml.safe_load((EXAMPLE / "申报.yaml").read_text(encoding="utf-8"))
    entries = []
    for entry in example["佐证材料"]:
        names = entry["文件"] if isinstance(entry["文件"], list) else [entry["文件"]]
        uploads = []
        for name in names:
            f = io.BytesIO((EXAMPLE / name).read_bytes())
            f.name = Path(name).name
            uploads.append(f)
        stored = client.post(f"/app/{app.pk}/upload/", {"file": uploads}).json()["files"]
        entries.append({**entry, "文件": [s["path"] for s in stored]})
    assert save(client, app, "佐证材料", entries).status_code == 200
    return entries


def submit(client: Any, app: Any, **fields: Any) -> Any:
    app.refresh_from_db()
    return client.post(f"/app/{app.pk}/submit/", {"revision": app.revision, **fields})


def move(client: Any, app: Any, action: str, **fields: Any) -> Any:
    app.refresh_from_db()
    return client.post(
        f"/app/{app.pk}/move/", {"action": action, "revision": app.revision, **fields}
    )


def reasons(*pairs: tuple[str, str]) -> dict[str, str]:
    form = {"reason-TOTAL_FORMS": str(len(pairs)), "reason-INITIAL_FORMS": "0"}
    for n, (target, text) in enumerate(pairs):
        form[f"reason-{n}-target"], form[f"reason-{n}-text"] = target, text
    return form
