"""docs/architecture.py draws the diagram the README shows."""

import importlib.util
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def load_drawing():
    spec = importlib.util.spec_from_file_location("architecture", ROOT / "docs/architecture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_diagram_is_drawn_from_code(tmp_path):
    written = load_drawing().draw(tmp_path / "architecture.png")
    with Image.open(written) as picture:
        assert picture.format == "PNG"
        assert picture.width > 1000
        assert picture.height > 500


def test_the_readme_shows_the_committed_diagram():
    assert (ROOT / "docs/architecture.png").stat().st_size > 0
    assert "](docs/architecture.png)" in (ROOT / "README.md").read_text()
