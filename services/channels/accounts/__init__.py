"""Channel accounts beyond reading them: connecting (own credentials or the partner app's
consent), their tokens, webhook on/off and disconnecting, diagnostics, one-off actions."""
