"""Finding a submission's notebooks wherever it put them, and unpacking its zip files safely."""
import os
import struct
import zipfile

import nbformat
import pytest

from autograder.intake import finding, unzip


def _notebook(path, text="x = 1"):
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(text)]
    nbformat.write(notebook, str(path))
    return path


def _find(tmp_path, folder):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    return finding.find(folder, scratch)


def test_notebooks_one_and_two_folders_down_are_found_and_deeper_ones_named(tmp_path):
    """Are notebooks at the top, one and two folders down found, with their depth, and one three down named?"""
    folder = tmp_path / "submission"
    _notebook(folder / "a.ipynb")
    _notebook(folder / "conv_backprop" / "b.ipynb")
    _notebook(folder / "conv_backprop" / "conv_backprop" / "c.ipynb")
    _notebook(folder / "x" / "y" / "z" / "d.ipynb")
    contents = _find(tmp_path, folder)
    assert [(f.shown, f.depth) for f in contents.notebooks] == [
        ("a.ipynb", 0), ("conv_backprop/b.ipynb", 1), ("conv_backprop/conv_backprop/c.ipynb", 2)]
    assert contents.notes == ["x/y/z/d.ipynb is more than 2 folders down: it was not looked at."]


def test_checkpoints_and_macos_folders_are_skipped_without_a_word(tmp_path):
    """Are Jupyter's checkpoints, __MACOSX and AppleDouble files skipped, and nothing said of them?"""
    folder = tmp_path / "submission"
    _notebook(folder / ".ipynb_checkpoints" / "01_conv1d-checkpoint.ipynb")
    _notebook(folder / "__MACOSX" / "01_conv1d.ipynb")
    (folder / "._01_conv1d.ipynb").write_bytes(b"\0\5\26\7")
    _notebook(folder / "01_conv1d.ipynb")
    contents = _find(tmp_path, folder)
    assert [f.shown for f in contents.notebooks] == ["01_conv1d.ipynb"] and contents.notes == []


def test_a_symbolic_link_is_never_followed(tmp_path):
    """A link named like a notebook, pointing at a notebook elsewhere: is it left alone and named in a note?"""
    secret = _notebook(tmp_path / "elsewhere" / "solution.ipynb", "SECRET = 1")
    folder = tmp_path / "submission"
    folder.mkdir()
    os.symlink(secret, folder / "02_conv2d.ipynb")
    os.symlink(secret.parent, folder / "linked_folder")
    contents = _find(tmp_path, folder)
    assert contents.notebooks == []
    assert contents.notes == ["02_conv2d.ipynb is a symbolic link: it was not followed.",
                              "linked_folder is a symbolic link: it was not followed."]


def test_names_with_control_characters_are_shown_safely(tmp_path):
    """Does a file name with a newline and an escape character come out printable in the notes and names?"""
    folder = tmp_path / "submission"
    _notebook(folder / "evil\n\x1b[31mname.ipynb")
    assert [f.shown for f in _find(tmp_path, folder).notebooks] == ["evil??[31mname.ipynb"]


def _zip(path, entries, compression=zipfile.ZIP_DEFLATED):
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_a_zip_of_the_folder_is_unpacked_into_scratch_only(tmp_path):
    """Are a zip's notebooks (one or two folders deep in it) found under the zip's name, unpacked into the
    scratch folder, a hostile '../' entry not looked at, nothing written elsewhere, the zip left as it was?"""
    text = nbformat.writes(nbformat.v4.new_notebook())
    folder = tmp_path / "submission"
    zipped = _zip(folder / "conv_backprop.zip", {"conv_backprop/01_conv1d.ipynb": text,
                                                 "conv_backprop/sub/02_conv2d.ipynb": text,
                                                 "../../escaped.ipynb": text, "readme.txt": "hi",
                                                 "__MACOSX/conv_backprop/._01_conv1d.ipynb": "junk"})
    before = zipped.read_bytes()
    contents = _find(tmp_path, folder)
    assert [f.shown for f in contents.notebooks] == [
        "conv_backprop.zip: conv_backprop/01_conv1d.ipynb", "conv_backprop.zip: conv_backprop/sub/02_conv2d.ipynb"]
    assert [f.depth for f in contents.notebooks] == [2, 3]
    assert all((tmp_path / "scratch") in f.path.parents for f in contents.notebooks)
    assert not list(tmp_path.rglob("escaped.ipynb")) and zipped.read_bytes() == before
    assert [f.file_name for f in contents.notebooks] == ["01_conv1d.ipynb", "02_conv2d.ipynb"]


def test_a_zip_bomb_that_declares_its_size_is_reported_and_nothing_unpacked(tmp_path, monkeypatch):
    """A small zip whose notebook would unpack to more than the limit: refused before anything is written?"""
    monkeypatch.setenv("CONVKIT_SUBMISSION_MB", "1")
    folder = tmp_path / "submission"
    bomb = _zip(folder / "bomb.zip", {"01_conv1d.ipynb": b"\0" * (3 * 1024 * 1024)})
    assert bomb.stat().st_size < 10_000
    contents = _find(tmp_path, folder)
    assert contents.notebooks == [] and not any((tmp_path / "scratch").rglob("*.ipynb"))
    assert contents.notes == ["bomb.zip was not unpacked: its notebooks would unpack to 3 MB (the limit is 1 MB): "
                              "a zip bomb, or too large."]
    assert contents.others == ["bomb.zip"]


def _lie_about_sizes(path, size):
    """Rewrite every entry's declared uncompressed size in a zip (local and central headers) as ``size``."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            data[start + offset:start + offset + 4] = struct.pack("<I", size)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))


def test_a_zip_bomb_that_lies_about_its_size_is_stopped_and_leaves_nothing(tmp_path):
    """A zip whose headers claim 1 kB but whose notebook inflates to megabytes: stopped, nothing left behind?"""
    folder = tmp_path / "submission"
    bomb = _zip(folder / "liar.zip", {"01_conv1d.ipynb": b"\0" * (4 * 1024 * 1024)})
    _lie_about_sizes(bomb, 1024)
    contents = _find(tmp_path, folder)
    assert contents.notebooks == [] and not any((tmp_path / "scratch").rglob("*.ipynb"))
    assert len(contents.notes) == 1 and contents.notes[0].startswith("liar.zip was not unpacked: ")


def test_a_zip_with_too_many_entries_is_not_unpacked(tmp_path, monkeypatch):
    """Is a zip with more entries than CONVKIT_ZIP_ENTRIES reported and not unpacked?"""
    monkeypatch.setenv("CONVKIT_ZIP_ENTRIES", "10")
    folder = tmp_path / "submission"
    _zip(folder / "many.zip", {f"f{i}.txt": "x" for i in range(11)} | {"01_conv1d.ipynb": "{}"})
    contents = _find(tmp_path, folder)
    assert contents.notebooks == []
    assert contents.notes == ["many.zip was not unpacked: it holds 12 entries (the limit is 10)."]


def test_the_unpacking_limit_is_shared_by_a_submissions_zip_files(tmp_path, monkeypatch):
    """Two zips each under the limit but over it together: is the second refused?"""
    monkeypatch.setenv("CONVKIT_SUBMISSION_MB", "1")
    folder = tmp_path / "submission"
    for name in ("a.zip", "b.zip"):
        _zip(folder / name, {"n.ipynb": b" " * (600 * 1024)})
    contents = _find(tmp_path, folder)
    assert [f.shown for f in contents.notebooks] == ["a.zip: n.ipynb"]
    assert contents.notes[0].startswith("b.zip was not unpacked: its notebooks would unpack to 600 kB")


def test_a_damaged_zip_is_reported(tmp_path):
    """Is a file named .zip that is not a zip said to be unreadable, and grading not stopped?"""
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    contents = _find(tmp_path, folder)
    assert contents.notes == ["broken.zip was not unpacked: it is not a zip file that can be read (BadZipFile)."]


def test_a_notebook_over_the_size_limit_is_not_read(tmp_path, monkeypatch):
    """Is a notebook file larger than CONVKIT_SUBMISSION_MB left unread, with a note?"""
    monkeypatch.setenv("CONVKIT_SUBMISSION_MB", "1")
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "huge.ipynb").write_bytes(b" " * (2 * 1024 * 1024))
    contents = _find(tmp_path, folder)
    assert contents.notebooks == []
    assert contents.notes == ["huge.ipynb is 2 MB, over the 1 MB that intake reads: it was not graded."]


@pytest.mark.parametrize("name, expected", [("ok.ipynb", True), ("a/b/ok.ipynb", True), ("a/b/c/deep.ipynb", False),
                                            (".ipynb_checkpoints/x.ipynb", False), ("__MACOSX/x.ipynb", False),
                                            ("._x.ipynb", False), ("notes.txt", False), ("UPPER.IPYNB", True)])
def test_which_zip_entries_are_notebooks_to_look_at(name, expected):
    """Is an entry a notebook to look at exactly when it is not hidden and no more than two folders deep?"""
    from pathlib import PurePosixPath
    assert finding.is_notebook_entry(PurePosixPath(name)) is expected


def test_the_budget_is_the_submission_limit(monkeypatch):
    """Does a submission's budget start at CONVKIT_SUBMISSION_MB?"""
    monkeypatch.setenv("CONVKIT_SUBMISSION_MB", "3")
    assert unzip.Budget.for_submission().remaining == 3 * 1024 * 1024
