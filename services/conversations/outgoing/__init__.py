"""What the seller does to a conversation's messages beyond sending text: files attached to
replies, private notes, deleting a sent message."""
