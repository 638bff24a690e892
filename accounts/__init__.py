"""Who may do what: the dashboard's accounts and the audit trail of who did what."""
