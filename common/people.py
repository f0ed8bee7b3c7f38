"""What the kernel and notifications read of a person, whatever the user model is.

notifications reaches people through `settings.AUTH_USER_MODEL` and reads only these fields, and
the registries hand people to other apps' dashboard blocks and digest sections as these;
coordination's Person has them all.
"""

from __future__ import annotations

from typing import Protocol


class Recipient(Protocol):
    # Read-only members, so that a model whose fields are typed more loosely still qualifies.
    @property
    def pk(self) -> int: ...
    @property
    def email(self) -> str: ...
    @property
    def full_name(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def time_zone(self) -> str: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def role(self) -> str: ...
    @property
    def organisation_id(self) -> int | None: ...
