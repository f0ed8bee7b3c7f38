"""What the kernel and notifications read of a person, whatever the user model is.

notifications reaches people through `settings.AUTH_USER_MODEL` and reads only these fields;
coordination's Person has them all.
"""

from __future__ import annotations

from typing import Protocol


class Recipient(Protocol):
    pk: int
    email: str
    full_name: str
    language: str
    time_zone: str
    is_active: bool
    role: str
