"""The live feed: simulated county systems pushing through the real, signed interfaces (`manage.py simulate`).

scenario  which county plays which part on the health page (SCENARIO)
snapshot  what a county system knows: its registry rows, plus stand-ins for what the demo city lacks
base      registry rows as the 14 registry interfaces' records
live      jobs, weighings, GPS fixes, alerts, facility figures, daily reports of a time window
faults    the knobs: bad records, late data
county    CountySystem: API client, record composition, reference order, batching
transport signed HTTP (urllib) or the push service in-process (past days)
runner    history, live rounds, the loop and its clean stop
"""
