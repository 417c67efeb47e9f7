"""Excel-facing functions: thin xlwings entry points over pure actions.

`buttons` (RunPython macros behind the 预算公开 ribbon tab) and `udfs` (worksheet functions)
are the only modules that import xlwings; everything else works on plain data or openpyxl.
"""
