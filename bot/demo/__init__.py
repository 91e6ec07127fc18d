"""The demo programme and its generated people."""
