"""Messages through a channel: webhooks handed to conversations as message.inbound, replies
sent part by part exactly once, read marks, deleting the seller's messages."""
