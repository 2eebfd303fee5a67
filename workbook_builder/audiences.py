"""Who a measure is reported to (light: the CLI's options read it without importing the mapping models)."""

AUDIENCES = ("operational", "clt", "improvement_board", "scrutiny")
AUDIENCE_NAMES = {"operational": "Operational management", "clt": "Children's Leadership Team",
                  "improvement_board": "Improvement Board", "scrutiny": "Scrutiny/Cabinet"}
