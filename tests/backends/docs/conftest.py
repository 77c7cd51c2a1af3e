"""Fixtures for the docs backend: the shipped rubrics, sample data, edited rubric copies."""

from __future__ import annotations

from pathlib import Path

import pytest

import rubric
from rubric.driver import compile_file

RULES = rubric.shipped_rules_dir()
SHIPPED = ("tiktok_shop_store_rating", "shopee_service_rating", "douyin_experience_score",
           "douyin_cs_satisfaction", "aicaigou_store_score")


@pytest.fixture(scope="session")
def programs():
    return {name: compile_file(RULES / f"{name}.rubric") for name in SHIPPED}


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    from rubric.sample.generate import generate_sample

    folder = tmp_path_factory.mktemp("sample")
    generate_sample(folder, merchants=60, seed=7)
    return folder


@pytest.fixture
def rubric_copy(tmp_path):
    """Copy a shipped rubric beside the commerce module, apply text replacements, compile it."""

    def make(name: str, *edits: tuple[str, str], file_name: str | None = None):
        text = (RULES / f"{name}.rubric").read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, f"{old!r} is not in {name}.rubric"
            text = text.replace(old, new)
        path = tmp_path / (file_name or f"{name}.rubric")
        path.write_text(text, encoding="utf-8")
        commerce = tmp_path / "commerce.rubric"
        if not commerce.exists():
            commerce.write_text((RULES / "commerce.rubric").read_text(encoding="utf-8"), encoding="utf-8")
        return compile_file(path)

    return make
