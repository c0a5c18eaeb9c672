"""Argument assessment: which proposals and claims stand, by abstract argumentation semantics."""

from .framework import Framework, Label, TooLarge, grounded, preferred, preferred_extensions

__all__ = ["Framework", "Label", "TooLarge", "grounded", "preferred", "preferred_extensions"]
