"""The errors a user can act on; their messages are German and shown as they are."""


class UserError(Exception):
    """A request that cannot be carried out as asked (the message says why)."""


class NotPublished(UserError):
    """No build has been published yet, or the published one cannot be read."""
