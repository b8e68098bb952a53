"""The page templates' compiled code kept in build/ between builds (archive.site.render
.compiled_pages): read back instead of compiled, compiled again when the template or the code
that sets up their environment changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest

from archive import files
from archive.site.render import TEMPLATES, compiled_pages


def environment(build: Path, templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True,
                             bytecode_cache=compiled_pages(build))
    env.filters.update({name: str for name in ("date", "datetext", "articles", "times",
                                               "noun", "place_type", "actor_type",
                                               "safe_url", "urlquote")})
    return env


def compiles(env: jinja2.Environment, name: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    done: list[str] = []
    compile_ = jinja2.Environment.compile

    def counted(self: jinja2.Environment, *args: object, **kwargs: object) -> object:
        done.append(str(args[1] if len(args) > 1 else kwargs.get("name")))
        return compile_(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    env.get_template(name)
    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    return name in done


@pytest.fixture(autouse=True)
def empty_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user cache folder of its own (archive.site.bytecode.user_folder): a new build folder
    would otherwise read templates that other tests' builds compiled into the suite's shared
    one, and compile nothing."""
    monkeypatch.setenv("ARCHIVE_CACHE_DIR", str(tmp_path / "user-cache"))


def test_a_second_build_reads_the_compiled_templates(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert compiles(environment(tmp_path), "root.html", monkeypatch)
    assert not compiles(environment(tmp_path), "root.html", monkeypatch)
    assert list((tmp_path / "jinja-bytecode").glob("__pages_*.cache"))


def test_an_edited_template_or_other_code_is_compiled_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    build = tmp_path / "build"
    assert compiles(environment(build, templates), "root.html", monkeypatch)
    page = templates / "root.html"
    page.write_text(page.read_text(encoding="utf-8") + "\n<p>x</p>\n", encoding="utf-8")
    assert compiles(environment(build, templates), "root.html", monkeypatch)
    assert not compiles(environment(build, templates), "root.html", monkeypatch)
    real = files.fingerprint
    monkeypatch.setattr(files, "fingerprint",
                        lambda label, parts, **kw: real(label + " other", parts, **kw))
    assert compiles(environment(build, templates), "root.html", monkeypatch)


def test_a_new_build_folder_reads_them_from_the_user_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build (or one after ``rm -rf build``) takes the code another build compiled from
    the user's cache folder, and keeps it in its own build/; an edited template is compiled
    again all the same; without a cache folder, each new build folder compiles."""
    monkeypatch.setenv("ARCHIVE_CACHE_DIR", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    assert compiles(environment(tmp_path / "a", templates), "root.html", monkeypatch)
    assert list((tmp_path / "cache" / "jinja-bytecode").glob("__pages_*.cache"))
    assert not compiles(environment(tmp_path / "b", templates), "root.html", monkeypatch)
    assert list((tmp_path / "b" / "jinja-bytecode").glob("__pages_*.cache"))
    page = templates / "root.html"
    page.write_text(page.read_text(encoding="utf-8") + "\n<p>x</p>\n", encoding="utf-8")
    assert compiles(environment(tmp_path / "c", templates), "root.html", monkeypatch)
    monkeypatch.setenv("ARCHIVE_CACHE_DIR", "")
    assert compiles(environment(tmp_path / "d", templates), "root.html", monkeypatch)


def test_environments_that_compile_otherwise_have_other_keys() -> None:
    from archive.site.bytecode import settings_key

    plain = jinja2.Environment()
    assert settings_key(plain) == settings_key(jinja2.Environment())
    assert settings_key(plain) != settings_key(jinja2.Environment(trim_blocks=True))
    assert settings_key(plain) != settings_key(jinja2.Environment(extensions=["jinja2.ext.i18n"]))
    assert settings_key(plain) != settings_key(jinja2.Environment(autoescape=True))
    for setting in ({"enable_async": True}, {"optimized": False},
                    {"line_statement_prefix": "#"}, {"keep_trailing_newline": True}):
        assert settings_key(plain) != settings_key(jinja2.Environment(**setting)), setting
    # where templates come from and how many are kept do not change what they compile to
    assert settings_key(plain) == settings_key(jinja2.Environment(cache_size=10,
                                                                  auto_reload=False))


def test_a_cache_folder_that_refuses_writes_does_not_stop_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("ARCHIVE_CACHE_DIR", str(cache))
    real = jinja2.FileSystemBytecodeCache.dump_bytecode

    def refused(self: jinja2.FileSystemBytecodeCache, bucket: object) -> None:
        if self.directory.startswith(str(cache)):
            raise PermissionError("read-only")
        real(self, bucket)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "dump_bytecode", refused)
    assert compiles(environment(tmp_path / "a"), "root.html", monkeypatch)
    assert list((tmp_path / "a" / "jinja-bytecode").glob("__pages_*.cache"))
    assert not list((cache / "jinja-bytecode").glob("*.cache"))
    assert not compiles(environment(tmp_path / "a"), "root.html", monkeypatch)
