"""The inbox in GraphQL: its types, queries and mutations, actions and the live subscription."""
