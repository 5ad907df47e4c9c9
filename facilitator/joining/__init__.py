"""Joining a meeting from a phone: the code, the join form, the participant's identity.

The blueprint lives in routes.py and is registered by create_app(), so that importing
a model or a service from here never pulls in the web layer.
"""
