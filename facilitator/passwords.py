from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


def hash_secret(secret: str) -> str:
    """For moderator passwords and meeting passcodes alike: salted and slow."""
    return generate_password_hash(secret, method=current_app.config["PASSWORD_HASH_METHOD"])


def secret_matches(secret_hash: str, secret: str) -> bool:
    return check_password_hash(secret_hash, secret)
