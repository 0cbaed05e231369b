"""The public representations of what the platform shows third parties, shared by every edge
that shows it (the REST API, the live feed, outgoing webhooks), so they cannot drift apart."""
