"""Which data the demo loads: the folder named by ZHIGUAN_DEMO_DATA, and only that one when set."""

from __future__ import annotations

from zhiguan.demo.data import demo_data_dir


def test_a_named_folder_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHIGUAN_DEMO_DATA", str(tmp_path))
    assert demo_data_dir() == tmp_path.resolve()


def test_a_missing_folder_or_none_means_generated_content_even_beside_shared_data(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHIGUAN_DEMO_DATA", str(tmp_path / "nonexistent"))
    assert demo_data_dir() is None
    monkeypatch.setenv("ZHIGUAN_DEMO_DATA", "none")
    assert demo_data_dir() is None


def test_unset_falls_back_to_the_shared_folder_beside_the_repository(monkeypatch):
    monkeypatch.delenv("ZHIGUAN_DEMO_DATA", raising=False)
    found = demo_data_dir()
    assert found is None or (found.name == "data" and found.parent.name == "shared")
