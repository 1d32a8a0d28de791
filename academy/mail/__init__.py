"""Mail: the outbox table, messages per kind, `academy mail send`, and `academy reminders run`."""
