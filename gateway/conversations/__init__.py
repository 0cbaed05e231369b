"""The inbox: conversations and their messages, acting on a message or buyer, media for
replies, and live events (SSE, the GraphQL subscription, both fed by `live.py`)."""
