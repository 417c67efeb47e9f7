"""The core every layer stands on: the document model, the tables' layouts, tolerance,
findings, and the limits on what is read. Imports nothing else of xltools."""
