"""城市运行仪表盘: one snapshot of the city's requests for the large screen, kept live (decision 090)."""
