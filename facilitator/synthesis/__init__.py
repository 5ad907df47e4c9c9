"""Synthesis of a meeting's answers: themes that several answers share."""
