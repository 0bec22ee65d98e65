"""Progress reports: HTML previews and PDFs from the same templates (WeasyPrint)."""
