"""The Slack adapter: slack-bolt `AsyncApp` in HTTP mode or Socket Mode (docs/slack.md).

`translate` (payload -> core event) and `render` (reply -> Block Kit) are pure; `transport`
sends through the Web API; `app` wires bolt to the process's inbound queue (adapters/main.py
owns the queue, the dispatcher and the alarm).
"""
