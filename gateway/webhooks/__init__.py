"""Inbound webhooks: Avito's deliveries verified, laned per tenant and published raw to
JetStream, answered 200 as soon as JetStream acked."""
