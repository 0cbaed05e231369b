"""The shared kernel: what every service (and the gateway) builds on.

Not a service: it has no __main__ and imports nothing else of ours.
"""
