"""Reporting pages: the live dashboard, reports with drill-downs, and their exports."""
