"""Column titles and widths of the Audit and Sources sheets (no heavy imports: `scorecard trace` reads them)."""

AUDIT_COLUMNS = [
    ("Cell", 16), ("Measure id", 26), ("Label", 40), ("Series", 11), ("Value", 10), ("Unit", 9), ("Period", 16),
    ("Source", 14), ("Source file", 42), ("SHA-256", 20), ("Locator", 50), ("Transformation", 60),
    ("Mapping", 24), ("Built at", 20), ("Tool version", 12),
]
SOURCES_COLUMNS = [
    ("Source", 18), ("Kind", 12), ("Description", 46), ("Path", 46), ("SHA-256", 20), ("Size (bytes)", 12),
    ("Rows read", 10), ("Periods covered", 24), ("Sample data", 11), ("Note", 70),
]

