"""The one YAML loader: a clear error naming the file, defaults for absent files, cached private copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.datafiles import DataFileError, clear_cache, load_mapping, load_yaml


def test_a_missing_file_is_an_error_naming_it_unless_a_default_is_given(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(DataFileError, match=r"cannot read .*absent\.yaml: no such file") as caught:
        load_yaml(path)
    assert caught.value.path == path and isinstance(caught.value, ValueError)
    assert load_yaml(path, default=None) is None
    assert load_mapping(path, default={}) == {}


def test_malformed_yaml_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("title: ok\nitems: [one, two\nnext: x\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"broken\.yaml is not valid YAML: .*\(line \d+, column \d+\)"):
        load_yaml(path)


def test_a_mapping_file_that_holds_a_list_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    assert load_yaml(path) == ["a", "b"]
    with pytest.raises(DataFileError, match=r"list\.yaml must hold a mapping at the top level, not a list"):
        load_mapping(path)
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert load_yaml(empty) is None and load_mapping(empty) == {}


def test_not_utf8_text_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataFileError, match=r"latin\.yaml is not UTF-8 text"):
        load_yaml(path)


def test_each_caller_gets_its_own_copy_and_an_edited_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text("th: {a: b}\n", encoding="utf-8")
    first = load_mapping(path)
    first["th"]["a"] = "changed"
    assert load_mapping(path) == {"th": {"a": "b"}}
    path.write_text("th: {a: bb, c: d}\n", encoding="utf-8")  # another size: read again
    assert load_mapping(path) == {"th": {"a": "bb", "c": "d"}}
    clear_cache()
    assert load_mapping(str(path)) == {"th": {"a": "bb", "c": "d"}}


def test_the_modules_loaders_go_through_it(tmp_path: Path) -> None:
    from assistant.ask.prompts import load_prompts
    from assistant.retrieval.abbreviations import load_abbreviations

    (tmp_path / "abbreviations.yaml").write_text("th: [not, a, table\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"abbreviations\.yaml is not valid YAML"):
        load_abbreviations(tmp_path)
    (tmp_path / "ask.th.yaml").write_text("system: : :\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ask\.th\.yaml is not valid YAML"):
        load_prompts("th", tmp_path)
