"""Meetings and their guiding questions: creating, editing, importing, templates, the QR code.

The blueprint lives in routes.py and is registered by create_app(), so that importing
a model or a service from here never pulls in the web layer.
"""
