"""Moderating people: removing a participant and all they sent, hiding their answers, and
finding and merging identities that are likely one person who joined twice.

Socket handlers live in events.py, registered by create_app()."""
