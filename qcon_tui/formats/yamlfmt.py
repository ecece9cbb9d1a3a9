"""YAML notes: the documented structured format (docs/FORMATS.md).

Read only with the safe loader (`safe_yaml`), so a file can hold data and nothing
else: a `!!python/...` tag is refused, never acted on, and aliases cannot expand a
small file into a huge value. Written so that it diffs well: keys in
the model's order, unicode as is, multi-line text as `|` blocks, defaults left out.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..model import Notebook
from . import NotesError
from .safe_yaml import YAMLLimitError, compose, safe_load
from .serialize import DictReader, Where, notebook_to_dict


def read_yaml(text: str, path: str | None = None) -> Notebook:
    """Parse YAML notes into a `Notebook`; every problem is one `NotesError` with a line."""
    try:
        data = safe_load(text)
    except YAMLLimitError as error:
        raise NotesError(error.message, path, error.line) from None
    except yaml.constructor.ConstructorError as error:
        raise _tag_error(error, path) from None
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, path, text) from None
    except yaml.YAMLError as error:
        raise NotesError(f"malformed YAML: {error}", path) from None
    except RecursionError:
        raise NotesError("malformed YAML: values are nested too deeply", path) from None
    locator = _Locator(text)
    reader = DictReader(path, locator.line, yaml_scalars=True)
    try:
        return reader.notebook(data)
    except RecursionError:
        raise NotesError("lists are nested too deeply", path) from None


def _mark_line(error: yaml.MarkedYAMLError, text: str = "") -> int | None:
    """The line to report: where the problem is, unless that is just the end of the text.

    An unclosed quote or bracket is only noticed at the end of the file; the line
    where it was opened is the one worth fixing.
    """
    problem, context = error.problem_mark, error.context_mark
    if problem is not None and context is not None and not text[problem.index :].strip():
        return context.line + 1
    mark = problem or context
    return None if mark is None else mark.line + 1


def _tag_error(error: yaml.constructor.ConstructorError, path: str | None) -> NotesError:
    """`safe_load` met a tag it will not construct, such as `!!python/object/apply`."""
    problem = error.problem or ""
    if "for the tag" in problem:
        tag = problem.split("for the tag", 1)[1].strip().strip("'\"")
        tag = tag.replace("tag:yaml.org,2002:", "!!")
        return NotesError(
            f"unsupported YAML tag {tag} (notes files hold plain data only: text, lists and mappings)",
            path,
            _mark_line(error),
        )
    return _syntax_error(error, path)


def _syntax_error(error: yaml.MarkedYAMLError, path: str | None, text: str = "") -> NotesError:
    """Malformed YAML, told in one line with where it went wrong."""
    context = error.context
    if context and error.context_mark is not None:
        context = f"{context} (from line {error.context_mark.line + 1})"
    parts = [part for part in (context, error.problem) if part]
    message = "; ".join(parts) or "cannot be parsed"
    return NotesError(f"malformed YAML: {message}", path, _mark_line(error, text))


class _Locator:
    """Finds the source line of a place in the data, from the YAML node tree.

    The tree comes from `yaml.compose` with the safe loader: it only parses, it
    constructs nothing. It is built on first use.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: yaml.Node | None = None
        self._composed = False

    def line(self, where: Where) -> int | None:
        """The 1-based line of the value at `where`, or of the nearest container that exists."""
        if not self._composed:
            self._composed = True
            try:
                self._root = compose(self._text)
            except (yaml.YAMLError, RecursionError):
                self._root = None
        node = self._root
        if node is None:
            return None
        for part in where:
            child = self._child(node, part)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1

    @staticmethod
    def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in reversed(node.value):  # the last of repeated keys wins, as in safe_load
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    return value
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            return node.value[part]
        return None


# --------------------------------------------------------------------------- writer


class _Dumper(yaml.SafeDumper):
    """A safe dumper that indents lists under their key, which reads and diffs better."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text as a literal block, so a changed note line is a changed YAML line.
    # The emitter falls back to a quoted style when a block cannot hold the text exactly.
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


#: Keys the reader treats as an empty list when they are missing.
_EMPTY_BY_DEFAULT = frozenset({"intro", "talks", "notes"})


def _omit_defaults(value: Any) -> Any:
    """Drop what the reader assumes anyway: empty intro, talks and notes, `ordered: false`."""
    if isinstance(value, dict):
        return {
            key: _omit_defaults(item)
            for key, item in value.items()
            if not (item == [] and key in _EMPTY_BY_DEFAULT) and not (key == "ordered" and item is False)
        }
    if isinstance(value, list):
        return [_omit_defaults(item) for item in value]
    return value


def write_yaml(nb: Notebook) -> str:
    """The notebook as YAML notes, which `read_yaml` reads back into the same model."""
    data = _omit_defaults(notebook_to_dict(nb, lines=False))
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
    )
