"""Judging a read document: the rule instances' verdicts, coverage, the plan of which figures
derive from which, the messages and the report. Imports the core, read and rules."""
