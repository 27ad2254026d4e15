"""Every command and action the parser accepts has a handler, found in its module."""

from __future__ import annotations

import argparse

from gateway.cli import build_parser, handler_for


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_command_and_action_has_a_handler() -> None:
    # given every command and action of the grammar
    pairs = []
    for command, sub in _subcommands(build_parser()).items():
        actions = _subcommands(sub)
        pairs += [(command, action) for action in actions] or [(command, None)]
    # then each resolves to a callable handler (a missing one would raise KeyError)
    assert len(pairs) > 30
    for command, action in pairs:
        assert callable(handler_for(command, action)), (command, action)
