"""Personal data in messages to many (see privacy/registry.py)."""

from privacy.registry import by_user, register

from .models import BulkMessage, BulkRecipient

register(
    BulkMessage,
    people=[by_user("requested_by", actor=True)],
    explained={
        "segment_label": "the group written to in words (a workshop, an event, a call, a "
        "directory filter), no single person",
        "segment_params": "the group's filter; a search word may be a name",
        "file": "always empty: a message to many makes no file (the job base has the field)",
    },
)
register(
    BulkRecipient,
    people=[by_user("user", fields=("email",), delete=True)],
)
