"""What the dashboard and the reports show, without Dash: queries, filters, German display,
figures, and the chart content (`ChartData` builders) they share."""
