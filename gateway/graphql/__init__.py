"""`/graphql` assembled: the schema from each domain's types and resolvers (gateway/<domain>/
graphql*), and what they share — context and DataLoaders, connections, null handling, error
policy, the router with its WebSocket authentication. No domain code."""
