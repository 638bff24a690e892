"""KIM Monitor warehouse: loading, validation and orchestration of case exports."""
