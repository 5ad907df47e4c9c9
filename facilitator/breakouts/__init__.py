"""Breakout rooms: assigning groups, group walls, summaries, the timer and report-back.

The blueprint lives in routes.py and is registered by create_app(): importing the models
from here must not pull in the web layer, which itself depends on the live questions.
"""
