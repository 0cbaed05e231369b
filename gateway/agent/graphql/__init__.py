"""The agent in GraphQL: settings and a dry-run preview (`agent`), the knowledge base
(`knowledge`)."""
