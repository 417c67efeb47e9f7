"""xltools: read, check and workbook-ify budget disclosures."""
__version__ = "0.1.0"
