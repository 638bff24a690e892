"""The coordination office's own records: comments on published values and sign-offs."""
