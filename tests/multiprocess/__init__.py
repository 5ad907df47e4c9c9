"""The production stack on one machine: several app processes on PostgreSQL and Redis behind nginx."""
