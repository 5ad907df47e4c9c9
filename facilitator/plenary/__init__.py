"""The plenary: opening and closing questions for the whole room, the console, the projector and
the phone pages, and what each of them receives.

The blueprint lives in routes.py and is registered by create_app(), so that importing
a model or a service from here never pulls in the web layer.
"""
