"""The transitions diagram with Russian captions, drawn by Graphviz `dot`.

aiogram-dialog's `render_transitions` labels nodes with state names (`age`) and clusters
with group names (`RegistrationSG`); this walks the same keyboards (Start, SwitchTo, Next,
Back, Cancel, and each window's `preview_add_transitions`) and writes the Graphviz source
itself, so the labels can be the storyboard's captions.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from aiogram.fsm.state import State, StatesGroup
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.kbd import Back, Cancel, Group, Keyboard, Next, Start, SwitchTo

from dialogs.states import MenuSG, RegistrationSG, StartSG, WorkoutSG
from trainer_bot.preview.scenes import CAPTIONS

GROUP_TITLES: dict[type[StatesGroup], str] = {
    StartSG: "Знакомство",
    RegistrationSG: "Регистрация",
    MenuSG: "Меню",
    WorkoutSG: "Тренировка",
}

# Transitions that handlers make in code, which no keyboard shows. They belong in the
# windows' `preview_add_transitions` (dialogs/); until they are declared there, here.
HANDLER_TRANSITIONS: list[tuple[State, State]] = [
    *zip(RegistrationSG.__all_states__[:-1], RegistrationSG.__all_states__[1:], strict=True),
    (RegistrationSG.summary, MenuSG.main),
    (MenuSG.main, WorkoutSG.cooldown),
    (WorkoutSG.view, WorkoutSG.exercise),
]

COLORS = {"start": "#338a3e", "switch": "#0086c3", "back": "#9e9e9e", "handler": "#e08a00"}


@dataclass(frozen=True)
class Edge:
    source: State
    target: State
    kind: str  # a key of COLORS


def _keyboard_edges(
    dialog: Dialog,
    state: State,
    keyboards: Iterable[Keyboard],
    starts: list[tuple[State, State]],
) -> Iterator[Edge]:
    states = dialog.states()
    for keyboard in keyboards:
        if isinstance(keyboard, Group):
            yield from _keyboard_edges(dialog, state, keyboard.buttons, starts)
        elif isinstance(keyboard, Start):
            yield Edge(state, keyboard.state, "start")
        elif isinstance(keyboard, SwitchTo):
            yield Edge(state, keyboard.state, "switch")
        elif isinstance(keyboard, Next):
            yield Edge(state, states[states.index(state) + 1], "switch")
        elif isinstance(keyboard, Back) and states.index(state) > 0:
            yield Edge(state, states[states.index(state) - 1], "back")
        elif isinstance(keyboard, Cancel):
            # Back to whichever window started this dialog.
            for source, started in starts:
                if started.group == state.group:
                    yield Edge(state, source, "back")


def _windows(dialogs: list[Dialog]) -> Iterator[tuple[Dialog, State, Window]]:
    for dialog in dialogs:
        for state, window in dialog.windows.items():
            if isinstance(window, Window):
                yield dialog, state, window


def transitions(dialogs: list[Dialog]) -> list[Edge]:
    starts = [
        (edge.source, edge.target)
        for dialog, state, window in _windows(dialogs)
        for edge in _keyboard_edges(dialog, state, [window.keyboard], [])
        if edge.kind == "start"
    ]
    edges: dict[tuple[State, State], Edge] = {}
    for dialog, state, window in _windows(dialogs):
        keyboards = [window.keyboard, *(window.preview_add_transitions or [])]
        for edge in _keyboard_edges(dialog, state, keyboards, starts):
            edges.setdefault((edge.source, edge.target), edge)
    known = {state for _, state, _ in _windows(dialogs)}
    for source, target in HANDLER_TRANSITIONS:
        if {source, target} <= known:
            edges.setdefault((source, target), Edge(source, target, "handler"))
    return list(edges.values())


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _node_id(state: State) -> str:
    return _quote(state.state or "")


def node_label(state: State) -> str:
    """The caption without its section prefix: the cluster already says «Регистрация»."""
    caption = CAPTIONS.get(state, state.state or "")
    section = GROUP_TITLES.get(state.group) if state.group else None
    prefix = f"{section} · "
    label = caption.removeprefix(prefix) if section else caption
    return label[:1].upper() + label[1:]


def dot_source(dialogs: list[Dialog]) -> str:
    lines = [
        "digraph transitions {",
        '  graph [rankdir=TB, fontname="sans-serif", fontsize=16, nodesep=0.25, ranksep=0.5,'
        ' pad=0.3, bgcolor="white"];',
        '  node [shape=box, style="rounded,filled", fillcolor="white", color="#5b7c99",'
        ' fontname="sans-serif", fontsize=12, margin="0.15,0.06"];',
        "  edge [arrowsize=0.7, penwidth=1.3];",
    ]
    for index, dialog in enumerate(dialogs):
        group = dialog.states_group()
        lines += [
            f"  subgraph cluster_{index} {{",
            f"    label={_quote(GROUP_TITLES.get(group, group.__name__))};",
            '    style="rounded,filled"; fillcolor="#eef4fa"; color="#c5d6e6";',
        ]
        lines += [
            f"    {_node_id(state)} [label={_quote(node_label(state))}];"
            for state in dialog.windows
        ]
        lines.append("  }")
    for edge in transitions(dialogs):
        style = ', style="dashed"' if edge.kind == "handler" else ""
        lines.append(
            f"  {_node_id(edge.source)} -> {_node_id(edge.target)}"
            f' [color="{COLORS[edge.kind]}"{style}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


class GraphvizMissingError(RuntimeError):
    pass


def render_png(source: str, target: Path) -> Path:
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissingError(
            "Graphviz `dot` is not installed (Debian: apt-get install graphviz)"
        )
    subprocess.run(
        [dot, "-Tpng", "-Gdpi=110", "-o", str(target)], input=source.encode(), check=True
    )
    return target
