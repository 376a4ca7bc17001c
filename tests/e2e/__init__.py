"""Real-browser journeys in Chromium (see conftest.py). Viewports the journeys screenshot at."""

DESKTOP = {"width": 1280, "height": 800}  # an office PC
PHONE = {"width": 360, "height": 740}  # a grid worker's phone
