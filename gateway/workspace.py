"""Creating a workspace: the commented configuration, two sample partners and their folders."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from gateway.config import Settings

TEMPLATE_PACKAGE = "gateway"
TEMPLATE_DIR = "workspace_template"
SAMPLE_PARTNERS = ("acme", "globex", "initech", "norrland")
# Folders every workspace has besides the per-partner drops; var/ holds the SQLite database,
# the raw archive and logs.
# warehouse/in receives the warehouse's confirmation files; warehouse/out gets pick lists and
# carton labels (see warehouse/README.md).
WORKSPACE_FOLDERS = ("config/partners", "var", "warehouse/in", "warehouse/out")
# The sample master data (CSV files) that `gateway init` imports into a new database.
SAMPLE_MASTERDATA = "masterdata"


def init_workspace(target: Path) -> list[Path]:
    """Create a workspace in `target` without overwriting anything; return the paths created."""
    created: list[Path] = []
    created += _make_folder(target)
    for folder in WORKSPACE_FOLDERS:
        created += _make_folder(target / folder)
    created += _copy_tree(files(TEMPLATE_PACKAGE) / TEMPLATE_DIR, target)
    for partner in SAMPLE_PARTNERS:
        created += _make_folder(target / "inbox" / partner)
        created += _make_folder(target / "outbox" / partner)
    return created


def ensure_partner_folders(settings: Settings) -> None:
    """Create the inbox/<id> and outbox/<id> drop folders of every configured partner."""
    for partner_id in settings.partners:
        (settings.inbox / partner_id).mkdir(parents=True, exist_ok=True)
        (settings.outbox / partner_id).mkdir(parents=True, exist_ok=True)


def template_files() -> list[str]:
    """The workspace-relative paths of the template files, for listings and tests."""
    return sorted(_relative_files(files(TEMPLATE_PACKAGE) / TEMPLATE_DIR, ""))


def _relative_files(source: Traversable, prefix: str) -> list[str]:
    """Every file under `source`, as `a/b/c` paths relative to it."""
    found: list[str] = []
    for entry in source.iterdir():
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            found += _relative_files(entry, f"{prefix}{entry.name}/")
        else:
            found.append(f"{prefix}{entry.name}")
    return found


def _copy_tree(source: Traversable, target: Path) -> list[Path]:
    """Copy each template file whose destination does not exist yet."""
    created: list[Path] = []
    for relative in sorted(_relative_files(source, "")) if source.is_dir() else []:
        destination = target.joinpath(*relative.split("/"))
        created += _make_folder(destination.parent)
        if destination.exists():
            continue
        # mode "xb" refuses to overwrite even if the file appeared since the check
        with destination.open("xb") as handle:
            handle.write(_descend(source, relative).read_bytes())
        created.append(destination)
    return created


def _descend(source: Traversable, relative: str) -> Traversable:
    """The template entry at an `a/b/c` path."""
    for part in relative.split("/"):
        source = source / part
    return source


def _make_folder(path: Path) -> list[Path]:
    """Create a folder (and its parents); return those that did not exist before."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    return sorted(missing)
