"""The dashboard is built from panels that each app contributes.

An app registers a function that takes the person and returns a Panel, or None when it has
nothing to show them; the dashboard view renders the panels in order. Apps register in their
AppConfig.ready(), so coordination never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coordination.models import Person


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


PanelFunction = Callable[["Person"], Panel | None]
_panels: list[PanelFunction] = []


def register(function: PanelFunction) -> PanelFunction:
    if function not in _panels:
        _panels.append(function)
    return function


def panels_for(person: Person) -> list[Panel]:
    panels = [panel for function in _panels if (panel := function(person)) is not None]
    return sorted(panels, key=lambda panel: panel.order)
