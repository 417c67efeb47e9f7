"""The workbook side of xltools: lay a Document out as a live Excel workbook."""
