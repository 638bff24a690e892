"""Tests of the reports package (PDF, XLSX, PPTX)."""
