"""Reports and archives of a meeting: Word, Markdown, CSV and JSON."""
